/* cmd_debug.c: console, dmesg, sysrq, trigger. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* {"domains":[DOMAIN], KEY:VALUE, NUMKEY:NUM}; VALUE NULL leaves KEY
 * out, NUMKEY NULL leaves NUMKEY out. */
static char *domain_args(const char *domain, const char *key,
                         const char *value, const char *numkey, long num)
{
    yajl_gen g = cli_domain_open(domain);

    if (g && value)
        xlt_json_kv_str(g, key, value);
    if (g && numkey)
        xlt_json_kv_int(g, numkey, num);
    return cli_args_close(g);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* On CONN: join DOMAIN's console of TYPE (NULL: primary) and NUM. */
static int ask_console(struct cli *cli, struct cli_conn *conn,
                       const char *domain, const char *type, int num,
                       yajl_val *reply_r)
{
    yajl_gen g = cli_domain_open(domain);
    char *args;
    int rc = -1;

    if (g && type)
        xlt_json_kv_str(g, "type", type);
    if (g) {
        xlt_json_kv_int(g, "num", num);
        xlt_json_kv_bool(g, "stream", true);
    }
    args = cli_args_close(g);
    if (!args)
        cli_fail(cli, "out of memory");
    else if (!cli_open(cli, conn))
        rc = cli_request(cli, conn, "console", args, reply_r);
    free(args);
    if (rc)
        cli_close(conn);
    return rc;
}

int cli_console(struct cli *cli, const char *domain, const char *type,
                int num, int wait_ms)
{
    struct cli_conn conn = {.fd = -1, .link = {.sock = -1, .local = -1}};
    yajl_val reply = NULL;
    struct xlt_err err;
    bool quiet = cli->quiet;
    int rc = 1;

    /* A new domain's console appears once xenconsoled (or QEMU) has set it
     * up: ask quietly until WAIT_MS is over, then once more aloud. */
    cli->quiet = true;
    for (int waited = 0; waited < wait_ms && !reply; waited += 100)
        if (ask_console(cli, &conn, domain, type, num, &reply))
            sleep_ms(100);
    cli->quiet = quiet;
    if (!reply && ask_console(cli, &conn, domain, type, num, &reply))
        goto out;
    if (console_join(&conn, &err)) {
        cli_fail(cli, "%s", err.msg);
        goto out;
    }
    rc = 0;
out:
    cli->quiet = quiet;
    cli_close(&conn);
    if (reply)
        yajl_tree_free(reply);
    return rc;
}

int cmd_console(struct cli *cli, int argc, char **argv)
{
    const char *type = NULL;
    long num = 0;
    char *end;
    int c;

    while ((c = cli_getopt(cli, argc, argv, "t:n:")) != -1) {
        if (c == 't' && (!strcmp(optarg, "pv") || !strcmp(optarg, "serial"))) {
            type = optarg;
        } else if (c == 'n') {
            num = strtol(optarg, &end, 10);
            if (*end || num < 0 || num > INT_MAX) {
                cli_fail(cli, "-n %s: not a console number", optarg);
                return 2;
            }
        } else {
            if (c == 't')
                cli_fail(cli, "-t %s: expected pv or serial", optarg);
            return 2;
        }
    }
    if (optind + 1 != argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    return cli_console(cli, argv[optind], type, (int)num, 0);
}

int cmd_dmesg(struct cli *cli, int argc, char **argv)
{
    yajl_val reply = NULL, result;
    bool clear = false, json = false;
    const char *text;
    int c, rc = 1;

    while ((c = cli_getopt(cli, argc, argv, "cj")) != -1) {
        if (c == 'c')
            clear = true;
        else if (c == 'j')
            json = true;
        else
            return 2;
    }
    if (optind != argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    if (cli_call(cli, cli->cmd->request, clear ? "{\"clear\":true}" : "{}",
                 &reply))
        goto out;
    result = xlt_json_get(reply, "result");
    text = xlt_json_get_str(result, "text");
    if (json)
        cli_print_json(result);
    else
        fputs(text ? text : "", stdout);
    rc = 0;
out:
    if (reply)
        yajl_tree_free(reply);
    return rc;
}

int cmd_sysrq(struct cli *cli, int argc, char **argv)
{
    if (cli_getopt(cli, argc, argv, "") != -1)
        return 2;
    if (optind + 2 != argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    if (strlen(argv[optind + 1]) != 1) {
        cli_fail(cli, "`%s': give one letter, as the guest's "
                 "/proc/sysrq-trigger takes", argv[optind + 1]);
        return 2;
    }
    return cli_run(cli, cli->cmd->request,
                   domain_args(argv[optind], "key", argv[optind + 1], NULL,
                               0));
}

int cmd_trigger(struct cli *cli, int argc, char **argv)
{
    long vcpu = 0;
    char *end;

    if (cli_getopt(cli, argc, argv, "") != -1)
        return 2;
    if (optind + 2 != argc && optind + 3 != argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    if (optind + 3 == argc) {
        vcpu = strtol(argv[optind + 2], &end, 10);
        if (*end || vcpu < 0 || vcpu > INT_MAX) {
            cli_fail(cli, "`%s' is not a vCPU number", argv[optind + 2]);
            return 2;
        }
    }
    return cli_run(cli, cli->cmd->request,
                   domain_args(argv[optind], "trigger", argv[optind + 1],
                               "vcpu", vcpu));
}
