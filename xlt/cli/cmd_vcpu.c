/* cmd_vcpu.c: vcpu-list, vcpu-pin, vcpu-set, vcpu-dedicate. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* xl vcpu-list's table. */
static void print_vcpus(yajl_val domains)
{
    printf("%-32s %5s %5s %5s %5s %9s  %s\n", "Name", "ID", "VCPU", "CPU",
           "State", "Time(s)", "Affinity (Hard / Soft)");
    for (size_t i = 0; YAJL_IS_ARRAY(domains) && i < domains->u.array.len;
         i++) {
        yajl_val dom = domains->u.array.values[i];
        yajl_val vcpus = xlt_json_get(dom, "vcpus");
        long long domid = -1;

        xlt_json_get_int(dom, "domid", &domid);
        for (size_t j = 0; YAJL_IS_ARRAY(vcpus) && j < vcpus->u.array.len;
             j++) {
            yajl_val v = vcpus->u.array.values[j];
            yajl_val t = xlt_json_get(v, "time");
            long long vcpu = -1, cpu = -1;
            char cpu_s[24] = "-";

            xlt_json_get_int(v, "vcpu", &vcpu);
            if (xlt_json_get_int(v, "cpu", &cpu) && cpu >= 0)
                snprintf(cpu_s, sizeof(cpu_s), "%lld", cpu);
            printf("%-32s %5lld %5lld %5s %5s %9.1f  %s / %s\n",
                   xlt_json_get_str(dom, "name"), domid, vcpu, cpu_s,
                   xlt_json_get_str(v, "state"),
                   YAJL_IS_NUMBER(t) ? YAJL_GET_DOUBLE(t) : 0.0,
                   xlt_json_get_str(v, "hard"), xlt_json_get_str(v, "soft"));
        }
    }
}

int cmd_vcpu_list(struct cli *cli, int argc, char **argv)
{
    return cli_query(cli, argc, argv, cli->cmd->request, "domains",
                     print_vcpus);
}

/* "all" or a vCPU number; -2 if neither. */
static long long vcpu_operand(const char *s)
{
    char *end;
    long long n;

    if (!strcmp(s, "all"))
        return -1;
    n = strtoll(s, &end, 10);
    return *s && !*end && n >= 0 && n < 4096 ? n : -2;
}

int cmd_vcpu_pin(struct cli *cli, int argc, char **argv)
{
    long long vcpu;
    yajl_gen g;

    if (cli_getopt(cli, argc, argv, "") != -1)
        return 2;
    if (argc - optind < 3 || argc - optind > 4) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    vcpu = vcpu_operand(argv[optind + 1]);
    if (vcpu == -2) {
        cli_fail(cli, "`%s' is not a vCPU number or all", argv[optind + 1]);
        return 2;
    }
    g = cli_domains_open(1, argv + optind);
    if (g) {
        xlt_json_kv_int(g, "vcpu", vcpu);
        xlt_json_kv_str(g, "hard", argv[optind + 2]);
        if (argc - optind == 4)
            xlt_json_kv_str(g, "soft", argv[optind + 3]);
    }
    return cli_run(cli, cli->cmd->request, cli_args_close(g));
}

int cmd_vcpu_set(struct cli *cli, int argc, char **argv)
{
    const char *n;
    yajl_gen g = cli_domain_and_value(cli, argc, argv, &n);
    long long count;
    char *end;

    if (!g)
        return 2;
    count = strtoll(n, &end, 10);
    if (!*n || *end || count < 1) {
        cli_fail(cli, "`%s' is not a number of vCPUs", n);
        yajl_gen_free(g);
        return 2;
    }
    xlt_json_kv_int(g, "count", count);
    return cli_run(cli, cli->cmd->request, cli_args_close(g));
}

int cmd_vcpu_dedicate(struct cli *cli, int argc, char **argv)
{
    bool release = false;
    yajl_val reply = NULL;
    yajl_gen g;
    int c, rc;

    while ((c = cli_getopt(cli, argc, argv, "r")) != -1) {
        if (c != 'r')
            return 2;
        release = true;
    }
    if (optind + 1 != argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    g = cli_domains_open(1, argv + optind);
    if (g)
        xlt_json_kv_bool(g, "release", release);
    rc = cli_call_owned(cli, cli->cmd->request, cli_args_close(g), &reply);
    if (rc == 0 && release)
        printf("%s: back in Pool-0, sharing its CPUs\n", argv[optind]);
    else if (rc == 0)
        printf("%s: CPUs %s dedicated to it\n", argv[optind],
               xlt_json_get_str(xlt_json_get(reply, "result"), "cpus"));
    if (reply)
        yajl_tree_free(reply);
    return rc;
}
