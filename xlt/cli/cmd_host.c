/* cmd_host.c: commands about the host. */
#include "cli.h"

int cmd_info(struct cli *cli, int argc, char **argv)
{
    return cli_query(cli, argc, argv, cli->cmd->request, NULL, cli_print_fields);
}

int cmd_host_shutdown(struct cli *cli, int argc, char **argv)
{
    static const char *const outcomes[] = {"migrated", "saved", "shut_down",
                                           "destroyed", "failed"};
    const char *mode = NULL;
    yajl_val reply = NULL, result;
    yajl_gen g;
    int c;

    while ((c = cli_getopt(cli, argc, argv, "m:")) != -1) {
        if (c != 'm')
            return 2;
        mode = optarg;
    }
    if (optind != argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    g = xlt_json_gen_new();
    if (g) {
        yajl_gen_map_open(g);
        if (mode)
            xlt_json_kv_str(g, "mode", mode);
    }
    if (cli_call_owned(cli, cli->cmd->request, cli_args_close(g), &reply))
        return 1;
    result = xlt_json_get(reply, "result");
    for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++) {
        yajl_val names = xlt_json_get(result, outcomes[i]);
        if (!YAJL_IS_ARRAY(names) || !names->u.array.len)
            continue;
        printf("%s:", outcomes[i]);
        for (size_t k = 0; k < names->u.array.len; k++)
            printf(" %s", cli_scalar_text(names->u.array.values[k]));
        printf("\n");
    }
    c = YAJL_IS_ARRAY(xlt_json_get(result, "failed")) &&
        xlt_json_get(result, "failed")->u.array.len > 0;
    yajl_tree_free(reply);
    return c ? 1 : 0;
}
