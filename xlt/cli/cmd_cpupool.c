/* cmd_cpupool.c: cpupool-list, -create, -destroy, -rename, -cpu-add,
 * -cpu-remove, -migrate. */
#include <stdlib.h>

#include "cli.h"

static void print_pools(yajl_val pools, bool cpu_list)
{
    if (cpu_list)
        printf("%-24s %s\n", "Name", "CPU list");
    else
        printf("%-24s %5s %-9s %6s %12s\n", "Name", "CPUs", "Sched",
               "Active", "Domain count");
    for (size_t i = 0; YAJL_IS_ARRAY(pools) && i < pools->u.array.len; i++) {
        yajl_val p = pools->u.array.values[i];
        long long n_cpus = 0, domains = 0;

        xlt_json_get_int(p, "n_cpus", &n_cpus);
        xlt_json_get_int(p, "domains", &domains);
        if (cpu_list)
            printf("%-24s %s\n", xlt_json_get_str(p, "name"),
                   n_cpus ? xlt_json_get_str(p, "cpus") : "");
        else
            printf("%-24s %5lld %-9s %6s %12lld\n",
                   xlt_json_get_str(p, "name"), n_cpus,
                   xlt_json_get_str(p, "sched"), "y", domains);
    }
}

int cmd_cpupool_list(struct cli *cli, int argc, char **argv)
{
    bool json = false, cpu_list = false;
    yajl_val reply = NULL, pools;
    yajl_gen g;
    int c, rc = 1;

    while ((c = cli_getopt(cli, argc, argv, "cj")) != -1) {
        if (c == 'c')
            cpu_list = true;
        else if (c == 'j')
            json = true;
        else
            return 2;
    }
    if (argc - optind > 1) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    g = xlt_json_gen_new();
    if (g) {
        yajl_gen_map_open(g);
        if (optind < argc)
            xlt_json_kv_str(g, "pool", argv[optind]);
    }
    if (cli_call_owned(cli, cli->cmd->request, cli_args_close(g), &reply))
        goto out;
    pools = xlt_json_get(xlt_json_get(reply, "result"), "pools");
    if (json)
        cli_print_json(pools);
    else
        print_pools(pools, cpu_list);
    rc = 0;
out:
    if (reply)
        yajl_tree_free(reply);
    return rc;
}

/* -f FILE and KEY=VALUE lines into the request's arguments. */
static char *create_args(struct cli *cli, const char *file, char **lines,
                         int n, bool dry_run)
{
    struct xlt_cpupool_spec spec = {0};
    char *text = NULL, *joined = NULL, *args = NULL;
    size_t len = 0, joined_len;
    struct xlt_err err;
    yajl_gen g;

    if ((file && xlt_read_file(file, &text, &len, &err)) ||
        xlt_config_add_overrides(text ? text : "", len, lines, n, &joined,
                                 &joined_len, &err) ||
        xlt_cpupool_parse(file, joined, joined_len, len, &spec, &err)) {
        cli_fail(cli, "%s", err.msg);
        goto out;
    }
    g = xlt_json_gen_new();
    if (!g)
        goto out;
    yajl_gen_map_open(g);
    xlt_json_kv_str(g, "name", spec.name);
    if (spec.sched)
        xlt_json_kv_str(g, "sched", spec.sched);
    if (spec.cpus)
        xlt_json_kv_str(g, "cpus", spec.cpus);
    xlt_json_kv_bool(g, "dry_run", dry_run);
    args = cli_args_close(g);
out:
    xlt_cpupool_spec_dispose(&spec);
    free(text);
    free(joined);
    return args;
}

int cmd_cpupool_create(struct cli *cli, int argc, char **argv)
{
    const char *file = NULL;
    bool dry_run = false;
    yajl_val reply = NULL, r;
    long long id = -1, n_cpus = 0;
    char *args;
    int c, rc = 1;

    while ((c = cli_getopt(cli, argc, argv, "f:n")) != -1) {
        if (c == 'f')
            file = optarg;
        else if (c == 'n')
            dry_run = true;
        else
            return 2;
    }
    args = create_args(cli, file, argv + optind, argc - optind, dry_run);
    if (!args)
        return 1;
    if (cli_call_owned(cli, cli->cmd->request, args, &reply))
        goto out;
    r = xlt_json_get(reply, "result");
    xlt_json_get_int(r, "id", &id);
    xlt_json_get_int(r, "n_cpus", &n_cpus);
    if (dry_run)
        printf("would create cpupool %s: %s, %lld CPU(s)\n",
               xlt_json_get_str(r, "name"), xlt_json_get_str(r, "sched"),
               n_cpus);
    else
        printf("created cpupool %s (id %lld): %s, %lld CPU(s)\n",
               xlt_json_get_str(r, "name"), id, xlt_json_get_str(r, "sched"),
               n_cpus);
    rc = 0;
out:
    if (reply)
        yajl_tree_free(reply);
    return rc;
}

/* POOL [VALUE]: {"pool": POOL, KEY: VALUE} (KEY NULL: the command takes
 * POOL alone). */
static int pool_command(struct cli *cli, int argc, char **argv,
                        const char *key)
{
    yajl_gen g;

    if (cli_getopt(cli, argc, argv, "") != -1)
        return 2;
    if (argc - optind != (key ? 2 : 1)) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    g = xlt_json_gen_new();
    if (g) {
        yajl_gen_map_open(g);
        xlt_json_kv_str(g, "pool", argv[optind]);
        if (key)
            xlt_json_kv_str(g, key, argv[optind + 1]);
    }
    return cli_run(cli, cli->cmd->request, cli_args_close(g));
}

int cmd_cpupool_destroy(struct cli *cli, int argc, char **argv)
{
    return pool_command(cli, argc, argv, NULL);
}

int cmd_cpupool_rename(struct cli *cli, int argc, char **argv)
{
    return pool_command(cli, argc, argv, "name");
}

int cmd_cpupool_cpu_add(struct cli *cli, int argc, char **argv)
{
    return pool_command(cli, argc, argv, "cpus");
}

int cmd_cpupool_cpu_remove(struct cli *cli, int argc, char **argv)
{
    return pool_command(cli, argc, argv, "cpus");
}

int cmd_cpupool_migrate(struct cli *cli, int argc, char **argv)
{
    const char *pool;
    yajl_gen g = cli_domain_and_value(cli, argc, argv, &pool);

    if (!g)
        return 2;
    xlt_json_kv_str(g, "pool", pool);
    return cli_run(cli, cli->cmd->request, cli_args_close(g));
}
