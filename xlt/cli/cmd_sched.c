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

/* sched-credit's options. */
struct sched_opts {
    const char *domain;
    long long weight, cap; /* -1: not given */
    bool json;
};

/* -d DOMAIN -w WEIGHT -c CAP -j into *O; 0, or 2 (a usage error). */
static int sched_options(struct cli *cli, int argc, char **argv,
                         struct sched_opts *o)
{
    int c;

    *o = (struct sched_opts){.weight = -1, .cap = -1};
    while ((c = cli_getopt(cli, argc, argv, "d:w:c:j")) != -1) {
        if (c == 'd')
            o->domain = optarg;
        else if (c == 'j')
            o->json = true;
        else if (c == 'w')
            o->weight = number_arg(cli, 'w', optarg);
        else if (c == 'c')
            o->cap = number_arg(cli, 'c', optarg);
        else
            return 2;
        if (o->weight == -2 || o->cap == -2)
            return 2;
    }
    if (optind != argc || ((o->weight >= 0 || o->cap >= 0) && !o->domain)) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    return 0;
}

static int sched_command(struct cli *cli, const char *sched, int argc,
                         char **argv)
{
    struct sched_opts o;
    yajl_val reply = NULL, domains;
    yajl_gen g;
    int rc = sched_options(cli, argc, argv, &o);

    if (rc)
        return rc;
    g = cli_domain_open(o.domain);
    if (g) {
        xlt_json_kv_str(g, "scheduler", sched);
        if (o.weight >= 0)
            xlt_json_kv_int(g, "weight", o.weight);
        if (o.cap >= 0)
            xlt_json_kv_int(g, "cap", o.cap);
    }
    if (cli_call_owned(cli, cli->cmd->request, cli_args_close(g), &reply))
        return 1;
    if (o.weight < 0 && o.cap < 0) { /* set: nothing to show, as xl */
        domains = xlt_json_get(xlt_json_get(reply, "result"), "domains");
        if (o.json)
            cli_print_json(domains);
        else
            print_sched(domains);
    }
    yajl_tree_free(reply);
    return 0;
}

int cmd_sched_credit(struct cli *cli, int argc, char **argv)
{
    return sched_command(cli, "credit", argc, argv);
}

int cmd_sched_credit2(struct cli *cli, int argc, char **argv)
{
    return sched_command(cli, "credit2", argc, argv);
}
