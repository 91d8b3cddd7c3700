/* args.c: a command's operands turned into the arguments of its request. */
#include <limits.h>
#include <stdlib.h>

#include "cli.h"

/* A new generator holding {"domains":[ (NULL: out of memory). */
static yajl_gen domains_begin(void)
{
    yajl_gen g = xlt_json_gen_new();

    if (g) {
        yajl_gen_map_open(g);
        xlt_json_str(g, "domains");
        yajl_gen_array_open(g);
    }
    return g;
}

/* The list closed, the object left open. */
static yajl_gen domains_end(yajl_gen g)
{
    if (g)
        yajl_gen_array_close(g);
    return g;
}

yajl_gen cli_domains_open(int argc, char *const *argv)
{
    yajl_gen g = domains_begin();

    for (int i = 0; g && i < argc; i++)
        xlt_json_str(g, argv[i]);
    return domains_end(g);
}

yajl_gen cli_domain_open(const char *domain)
{
    yajl_gen g = domains_begin();

    if (g && domain)
        xlt_json_str(g, domain);
    return domains_end(g);
}

char *cli_args_close(yajl_gen g)
{
    char *text;

    if (!g)
        return NULL;
    yajl_gen_map_close(g);
    text = xlt_json_gen_take(g);
    yajl_gen_free(g);
    return text;
}

char *cli_domain_args(int argc, char **argv)
{
    return cli_args_close(cli_domains_open(argc, argv));
}

yajl_gen cli_config_args_open(const char *path, const char *text,
                              libxl_domain_config *cfg, bool paused)
{
    yajl_gen g = xlt_json_gen_new();
    char abspath[PATH_MAX];

    if (!g)
        return NULL;
    if (!realpath(path, abspath))
        snprintf(abspath, sizeof(abspath), "%s", path);
    yajl_gen_map_open(g);
    xlt_json_kv_str(g, "path", abspath);
    xlt_json_kv_str(g, "text", text);
    xlt_json_kv_bool(g, "paused", paused);
    xlt_json_str(g, "config");
    if (libxl_domain_config_gen_json(g, cfg) != yajl_gen_status_ok) {
        yajl_gen_free(g);
        return NULL;
    }
    return g;
}

int cli_list_options(struct cli *cli, int argc, char **argv, bool *json,
                     char **args_r)
{
    bool all = false;
    yajl_gen g;
    int c;

    *json = false;
    *args_r = NULL;
    while ((c = cli_getopt(cli, argc, argv, "aj")) != -1) {
        if (c == 'a')
            all = true;
        else if (c == 'j')
            *json = true;
        else
            return 2;
    }
    if (all && optind != argc) {
        fprintf(stderr, "%s %s: --all lists every domain; name none\n",
                cli->prog, cli->cmd->name);
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    g = cli_domains_open(argc - optind, argv + optind);
    if (g && all)
        xlt_json_kv_bool(g, "all", true);
    *args_r = cli_args_close(g);
    return *args_r ? 0 : cli_fail(cli, "out of memory");
}

/* Exactly N operands and no options; false after printing the usage. */
static bool operands(struct cli *cli, int argc, char **argv, int n)
{
    if (cli_getopt(cli, argc, argv, "") != -1)
        return false;
    if (optind + n != argc) {
        xlt_usage(stderr, cli->cmd);
        return false;
    }
    return true;
}

const char *cli_one_operand(struct cli *cli, int argc, char **argv)
{
    return operands(cli, argc, argv, 1) ? argv[optind] : NULL;
}

yajl_gen cli_domain_and_value(struct cli *cli, int argc, char **argv,
                              const char **value_r)
{
    if (!operands(cli, argc, argv, 2))
        return NULL;
    *value_r = argv[optind + 1];
    return cli_domains_open(1, argv + optind);
}

int cli_one_domain(struct cli *cli, int argc, char **argv)
{
    const char *dom = cli_one_operand(cli, argc, argv);

    if (!dom)
        return 2;
    return cli_run(cli, cli->cmd->request,
                   cli_args_close(cli_domain_open(dom)));
}
