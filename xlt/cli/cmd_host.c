/* cmd_host.c: commands about the host. */
#include "cli.h"

int cmd_info(struct cli *cli, int argc, char **argv)
{
    return cli_query(cli, argc, argv, cli->cmd->request, NULL, cli_print_fields);
}
