/* cmd_sched.c: sched-credit and sched-credit2. */
#include <stdlib.h>

#include "cli.h"

/* xl's table: Name, ID, Weight, Cap. */
static void print_sched(yajl_val domains)
{
    printf("%-32s %5s %6s %4s\n", "Name", "ID", "Weight", "Cap");
    for (size_t i = 0; YAJL_IS_ARRAY(domains) && i < domains->u.array.len;
         i++) {
        yajl_val dom = domains->u.array.values[i];
        long long id = -1, weight = 0, cap = 0;

        xlt_json_get_int(dom, "domid", &id);
        xlt_json_get_int(dom, "weight", &weight);
        xlt_json_get_int(dom, "cap", &cap);
        printf("%-32s %5lld %6lld %4lld\n", xlt_json_get_str(dom, "name"), id,
               weight, cap);
    }
}

/* "-w 512": a whole number, or -2 after saying what is wrong (-1 stays
 * "not given"). */
static long long number_arg(struct cli *cli, char opt, const char *s)
{
    char *end;
    long long n = s ? strtoll(s, &end, 10) : -1;

    if (!s || !*s || *end || n < 0) {
        cli_fail(cli, "-%c `%s': not a whole number", opt, s ? s : "");
        return -2;
    }
    return n;
}

static int sched_command(struct cli *cli, const char *sched, int argc,
                         char **argv)
{
    const char *domain = NULL;
    long long weight = -1, cap = -1;
    yajl_val reply = NULL, domains;
    bool json = false;
    yajl_gen g;
    int c, rc = 1;

    while ((c = cli_getopt(cli, argc, argv, "d:w:c:j")) != -1) {
        switch (c) {
        case 'd':
            domain = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'w':
            weight = number_arg(cli, 'w', optarg);
            break;
        case 'c':
            cap = number_arg(cli, 'c', optarg);
            break;
        default:
            return 2;
        }
        if (weight == -2 || cap == -2)
            return 2;
    }
    if (optind != argc || ((weight >= 0 || cap >= 0) && !domain)) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    g = cli_domains_open(domain ? 1 : 0, (char *const *)&domain);
    if (g) {
        xlt_json_kv_str(g, "scheduler", sched);
        if (weight >= 0)
            xlt_json_kv_int(g, "weight", weight);
        if (cap >= 0)
            xlt_json_kv_int(g, "cap", cap);
    }
    if (cli_call_owned(cli, "sched", cli_args_close(g), &reply))
        goto out;
    rc = 0;
    if (weight >= 0 || cap >= 0)
        goto out; /* set: nothing to show, as xl */
    domains = xlt_json_get(xlt_json_get(reply, "result"), "domains");
    if (json)
        cli_print_json(domains);
    else
        print_sched(domains);
out:
    if (reply)
        yajl_tree_free(reply);
    return rc;
}

int cmd_sched_credit(struct cli *cli, int argc, char **argv)
{
    return sched_command(cli, "credit", argc, argv);
}

int cmd_sched_credit2(struct cli *cli, int argc, char **argv)
{
    return sched_command(cli, "credit2", argc, argv);
}
