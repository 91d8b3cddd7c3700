/* cmd_defined.c: define, start, undefine, config-update, autostart. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* {"definition": NAME, ...} still open for more members. */
static yajl_gen definition_open(const char *name)
{
    yajl_gen g = xlt_json_gen_new();

    if (g) {
        yajl_gen_map_open(g);
        xlt_json_kv_str(g, "definition", name);
    }
    return g;
}

/* FILE [KEY=VALUE...] at ARGV[optind]... read as create reads it, and
 * sent as REQUEST with NAME's definition if NAME is not NULL; the reply
 * in *REPLY_R and the domain's name in *CFG. */
static int send_config(struct cli *cli, int argc, char **argv,
                       const char *name, libxl_domain_config *cfg,
                       yajl_val *reply_r)
{
    const char *file = argv[optind];
    char *text = NULL;
    yajl_gen g;
    int rc = 1;

    if (cli_config_load(cli, file, argv + optind + 1, argc - optind - 1, cfg,
                        &text))
        goto out;
    g = cli_config_args_open(file, text, cfg, false);
    if (g && name)
        xlt_json_kv_str(g, "definition", name);
    if (!cli_call_owned(cli, cli->cmd->request, cli_args_close(g), reply_r))
        rc = 0;
out:
    free(text);
    return rc;
}

/* define FILE..., or (UPDATE) config-update NAME FILE...; what xltd did. */
static int define_or_update(struct cli *cli, int argc, char **argv,
                            bool update)
{
    libxl_domain_config cfg;
    yajl_val reply = NULL, result;
    const char *name = NULL;
    long long domid;
    int rc = 2;

    libxl_domain_config_init(&cfg);
    if (cli_getopt(cli, argc, argv, "") != -1)
        goto out;
    if (optind + (update ? 2 : 1) > argc) {
        xlt_usage(stderr, cli->cmd);
        goto out;
    }
    if (update)
        name = argv[optind++];
    rc = send_config(cli, argc, argv, name, &cfg, &reply);
    if (rc)
        goto out;
    result = xlt_json_get(reply, "result");
    if (!update)
        printf("defined domain %s (uuid %s)\n", cfg.c_info.name,
               xlt_json_get_str(result, "uuid"));
    else if (xlt_json_get_int(result, "running", &domid))
        printf("%s: definition updated; it runs (id %lld) as it was until "
               "its next start\n", name, domid);
    else
        printf("%s: definition updated\n", name);
out:
    libxl_domain_config_dispose(&cfg);
    if (reply)
        yajl_tree_free(reply);
    return rc;
}

int cmd_define(struct cli *cli, int argc, char **argv)
{
    return define_or_update(cli, argc, argv, false);
}

int cmd_config_update(struct cli *cli, int argc, char **argv)
{
    return define_or_update(cli, argc, argv, true);
}

int cmd_start(struct cli *cli, int argc, char **argv)
{
    bool paused = false, console = false;
    yajl_val reply = NULL;
    yajl_gen g;
    int c, rc = 1;

    while ((c = cli_getopt(cli, argc, argv, "pc")) != -1) {
        if (c == 'p')
            paused = true;
        else if (c == 'c')
            console = true;
        else
            return 2;
    }
    if (optind + 1 != argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    g = definition_open(argv[optind]);
    if (g)
        xlt_json_kv_bool(g, "paused", paused);
    if (!cli_call_owned(cli, cli->cmd->request, cli_args_close(g), &reply))
        rc = cli_report_start(cli, "started", argv[optind], reply, paused,
                              console);
    if (reply)
        yajl_tree_free(reply);
    return rc;
}

int cmd_undefine(struct cli *cli, int argc, char **argv)
{
    const char *name = cli_one_operand(cli, argc, argv);
    yajl_val reply = NULL;
    long long domid;

    if (!name)
        return 2;
    if (cli_call_owned(cli, cli->cmd->request,
                       cli_args_close(definition_open(name)), &reply))
        return 1;
    if (xlt_json_get_int(xlt_json_get(reply, "result"), "running", &domid))
        printf("%s: no longer defined; it runs on (id %lld) until it "
               "stops\n", name, domid);
    else
        printf("%s: no longer defined\n", name);
    yajl_tree_free(reply);
    return 0;
}

/* "--order N" or "--delay SECONDS" as an integer from MIN to MAX. */
static int integer_option(struct cli *cli, const char *option,
                          const char *text, long long min, long long max,
                          long long *n)
{
    char *end;

    *n = strtoll(text, &end, 10);
    if (!*text || *end || *n < min || *n > max) {
        cli_fail(cli, "%s %s: expected an integer from %lld to %lld", option,
                 text, min, max);
        return 2;
    }
    return 0;
}

int cmd_autostart(struct cli *cli, int argc, char **argv)
{
    long long order = 0, delay = 0;
    bool has_order = false, has_delay = false;
    const char *onoff;
    yajl_gen g;
    int c;

    while ((c = cli_getopt(cli, argc, argv, "O:W:")) != -1) {
        if (c == 'O' && !integer_option(cli, "--order", optarg, -1000000,
                                        1000000, &order))
            has_order = true;
        else if (c == 'W' && !integer_option(cli, "--delay", optarg, 0,
                                             XLT_AUTOSTART_DELAY_MAX, &delay))
            has_delay = true;
        else
            return 2;
    }
    if (optind + 2 != argc || (strcmp(argv[optind + 1], "on") != 0 &&
                               strcmp(argv[optind + 1], "off") != 0)) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    onoff = argv[optind + 1];
    g = definition_open(argv[optind]);
    if (g) {
        xlt_json_kv_bool(g, "on", !strcmp(onoff, "on"));
        if (has_order)
            xlt_json_kv_int(g, "order", order);
        if (has_delay)
            xlt_json_kv_int(g, "delay", delay);
    }
    return cli_run(cli, cli->cmd->request, cli_args_close(g));
}
