/* cmd_domain.c: commands about domains: list, uptime, create, destroy,
 * domid, domname, rename; reading a config file as create does. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* How long create -c waits for the new domain's console to appear. */
#define CONSOLE_WAIT_MS 10000

int cmd_list(struct cli *cli, int argc, char **argv)
{
    yajl_val reply = NULL, domains;
    char *args;
    bool json;
    int rc;

    if (cli->host && cli->host[0] == '@')
        return cli_fanout_list(cli, argc, argv);
    rc = cli_list_options(cli, argc, argv, &json, &args);
    if (rc)
        return rc;
    if (cli_call_owned(cli, cli->cmd->request, args, &reply))
        return 1;
    domains = xlt_json_get(xlt_json_get(reply, "result"), "domains");
    if (json)
        cli_print_json(domains);
    else
        cli_print_domains(domains);
    yajl_tree_free(reply);
    return 0;
}

int cmd_uptime(struct cli *cli, int argc, char **argv)
{
    return cli_query(cli, argc, argv, cli->cmd->request, "domains",
                     cli_print_uptimes);
}

static int print_config_json(struct cli *cli, libxl_domain_config *cfg)
{
    char *json = libxl_domain_config_to_json(NULL, cfg);

    if (!json)
        return cli_fail(cli, "cannot turn the configuration into JSON");
    fputs(json, stdout);
    free(json);
    return 0;
}

/* The host's CPUs, from xltd, for cpus= and cpus_soft=.  Quiet: without
 * xltd a dry run still works for files that do not pin. */
static int host_topology(struct cli *cli, struct xlt_topology *topo)
{
    yajl_val reply = NULL;
    struct xlt_err err;
    bool quiet = cli->quiet;
    int rc;

    cli->quiet = true;
    rc = cli_call(cli, "topology", NULL, &reply);
    cli->quiet = quiet;
    if (!rc)
        rc = xlt_topology_parse(xlt_json_get(reply, "result"), topo, &err);
    if (reply)
        yajl_tree_free(reply);
    return rc;
}

int cli_config_load(struct cli *cli, const char *file, char **overrides,
                    int n, libxl_domain_config *cfg, char **text_r)
{
    struct xlt_topology topo = {0};
    struct xlt_err err;
    char *content = NULL;
    size_t content_len, len;
    bool have_topo = !host_topology(cli, &topo);
    int rc = 0;

    *text_r = NULL;
    if (xlt_read_file(file, &content, &content_len, &err) ||
        xlt_config_add_overrides(content, content_len, overrides, n, text_r,
                                 &len, &err) ||
        xlt_config_parse(file, *text_r, len, content_len,
                         have_topo ? &topo : NULL, cfg, stderr, &err))
        rc = cli_fail(cli, "%s", err.msg);
    xlt_topology_dispose(&topo);
    free(content);
    return rc;
}

/* create's options. */
struct create_opts {
    bool dry_run, paused, console;
};

/* -n -p -c into *O, and FILE after them; 0, or 2 (a usage error). */
static int create_options(struct cli *cli, int argc, char **argv,
                          struct create_opts *o)
{
    int c;

    *o = (struct create_opts){0};
    while ((c = cli_getopt(cli, argc, argv, "npc")) != -1) {
        if (c == 'n')
            o->dry_run = true;
        else if (c == 'p')
            o->paused = true;
        else if (c == 'c')
            o->console = true;
        else
            return 2;
    }
    if (optind >= argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    return 0;
}

int cli_report_start(struct cli *cli, const char *verb, const char *name,
                     yajl_val reply, bool paused, bool console)
{
    long long domid = -1;
    char ref[24];

    xlt_json_get_int(xlt_json_get(reply, "result"), "domid", &domid);
    printf("%s domain %s (id %lld)%s\n", verb, name, domid,
           paused ? ", paused" : "");
    fflush(stdout);
    if (!console)
        return 0;
    snprintf(ref, sizeof(ref), "%lld", domid);
    return cli_console(cli, ref, NULL, 0, CONSOLE_WAIT_MS);
}

int cmd_create(struct cli *cli, int argc, char **argv)
{
    libxl_domain_config cfg;
    struct create_opts o;
    yajl_val reply = NULL;
    char *text = NULL;
    int rc = 1;

    libxl_domain_config_init(&cfg);
    if (create_options(cli, argc, argv, &o)) {
        rc = 2;
        goto out;
    }
    if (cli_config_load(cli, argv[optind], argv + optind + 1,
                        argc - optind - 1, &cfg, &text))
        goto out;
    if (o.dry_run) {
        rc = print_config_json(cli, &cfg);
        goto out;
    }
    if (cli_call_owned(cli, cli->cmd->request,
                       cli_args_close(cli_config_args_open(argv[optind], text,
                                                           &cfg, o.paused)),
                       &reply))
        goto out;
    rc = cli_report_start(cli, "created", cfg.c_info.name, reply, o.paused,
                          o.console);
out:
    libxl_domain_config_dispose(&cfg);
    free(text);
    if (reply)
        yajl_tree_free(reply);
    return rc;
}

/* The cluster resource DOM is (from its row in the list), or NULL. */
static char *resource_of_domain(struct cli *cli, char *dom)
{
    yajl_val reply = NULL, doms;
    const char *rsc = NULL;
    bool quiet = cli->quiet;
    char *copy = NULL;

    cli->quiet = true; /* destroy itself says what is wrong */
    if (!cli_call_owned(cli, "list", cli_domain_args(1, &dom), &reply)) {
        doms = xlt_json_get(xlt_json_get(reply, "result"), "domains");
        if (YAJL_IS_ARRAY(doms) && doms->u.array.len == 1)
            rsc = xlt_json_get_str(doms->u.array.values[0],
                                   "cluster_resource");
        if (rsc)
            copy = strdup(rsc);
    }
    cli->quiet = quiet;
    yajl_tree_free(reply);
    return copy;
}

/* destroy: as every one-domain command, then a warning for a cluster's
 * resource, which its cluster manager will start again. */
int cmd_destroy(struct cli *cli, int argc, char **argv)
{
    char *rsc = NULL;
    int rc;

    if (argc == 2 && argv[1][0] != '-')
        rsc = resource_of_domain(cli, argv[1]);
    rc = cli_one_domain(cli, argc, argv);
    if (rc == 0 && rsc)
        fprintf(stderr, "%s: destroy: warning: %s is the cluster resource "
                "%s: the cluster will start it again (to stop it for good: "
                "crm_resource --resource %s --set-parameter target-role "
                "--meta --parameter-value Stopped)\n",
                cli->prog, argv[1], rsc, rsc);
    free(rsc);
    return rc;
}

/* cluster-resource DOMAIN RESOURCE, or -c DOMAIN */
int cmd_cluster_resource(struct cli *cli, int argc, char **argv)
{
    bool clear = false;
    yajl_gen g;
    int c;

    while ((c = cli_getopt(cli, argc, argv, "c")) != -1) {
        if (c != 'c')
            return 2;
        clear = true;
    }
    if (optind + (clear ? 1 : 2) != argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    g = cli_domains_open(1, argv + optind);
    if (g && clear) {
        xlt_json_str(g, "resource");
        yajl_gen_null(g);
    } else if (g)
        xlt_json_kv_str(g, "resource", argv[optind + 1]);
    return cli_run(cli, cli->cmd->request, cli_args_close(g));
}

/* domid and domname: one domain's entry in the list, one field printed
 * (--json: the whole entry, as list --json has it). */
static int print_domain_field(struct cli *cli, int argc, char **argv,
                              const char *field)
{
    yajl_val reply = NULL, doms, v;
    bool json = false;
    char *dom;
    int c, rc = 1;

    while ((c = cli_getopt(cli, argc, argv, "j")) != -1) {
        if (c != 'j')
            return 2;
        json = true;
    }
    if (optind + 1 != argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    dom = argv[optind];
    if (cli_call_owned(cli, cli->cmd->request, cli_domain_args(1, &dom),
                       &reply))
        goto out;
    doms = xlt_json_get(xlt_json_get(reply, "result"), "domains");
    if (!YAJL_IS_ARRAY(doms) || doms->u.array.len != 1) {
        cli_fail(cli, "%s: no such domain", dom);
        goto out;
    }
    v = xlt_json_get(doms->u.array.values[0], field);
    if (json)
        cli_print_json(doms->u.array.values[0]);
    else
        printf("%s\n", YAJL_IS_STRING(v) ? v->u.string
                        : YAJL_IS_NUMBER(v) ? v->u.number.r : "");
    rc = 0;
out:
    if (reply)
        yajl_tree_free(reply);
    return rc;
}

int cmd_domid(struct cli *cli, int argc, char **argv)
{
    return print_domain_field(cli, argc, argv, "domid");
}

int cmd_domname(struct cli *cli, int argc, char **argv)
{
    return print_domain_field(cli, argc, argv, "name");
}

int cmd_rename(struct cli *cli, int argc, char **argv)
{
    yajl_gen g;

    if (cli_getopt(cli, argc, argv, "") != -1)
        return 2;
    if (optind + 2 != argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    g = cli_domains_open(1, argv + optind);
    if (g)
        xlt_json_kv_str(g, "name", argv[optind + 1]);
    return cli_run(cli, cli->cmd->request, cli_args_close(g));
}
