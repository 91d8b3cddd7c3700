/* cmd_host.c: commands about the host. */
#include "cli.h"

int cmd_info(struct cli *cli, int argc, char **argv)
{
    yajl_val reply = NULL;
    bool json = false;
    int c, rc = 1;

    while ((c = cli_getopt(cli, argc, argv, "j")) != -1) {
        if (c != 'j')
            return 2;
        json = true;
    }
    if (optind != argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    if (cli_call(cli, "info", NULL, &reply))
        goto out;
    if (json)
        cli_print_json(xlt_json_get(reply, "result"));
    else
        cli_print_fields(xlt_json_get(reply, "result"));
    rc = 0;
out:
    if (reply)
        yajl_tree_free(reply);
    return rc;
}
