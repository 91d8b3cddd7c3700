/* cmd_lifecycle.c: shutdown, reboot, pause, unpause. */
#include <stdlib.h>

#include "cli.h"

/* {"domains":[D],"all":A,"wait":W,"acpi_fallback":F} */
static char *lifecycle_args(const char *domain, bool all, bool wait,
                            bool fallback)
{
    yajl_gen g = cli_domain_open(domain);

    if (g) {
        xlt_json_kv_bool(g, "all", all);
        xlt_json_kv_bool(g, "wait", wait);
        xlt_json_kv_bool(g, "acpi_fallback", fallback);
    }
    return cli_args_close(g);
}

static int shutdown_or_reboot(struct cli *cli, int argc, char **argv)
{
    bool all = false, wait = false, fallback = false;
    int c;

    while ((c = cli_getopt(cli, argc, argv, "awF")) != -1) {
        if (c == 'a')
            all = true;
        else if (c == 'w')
            wait = true;
        else if (c == 'F')
            fallback = true;
        else
            return 2;
    }
    if (optind + (all ? 0 : 1) != argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    return cli_run(cli, cli->cmd->request,
                   lifecycle_args(all ? NULL : argv[optind], all, wait,
                                  fallback));
}

int cmd_shutdown(struct cli *cli, int argc, char **argv)
{
    return shutdown_or_reboot(cli, argc, argv);
}

int cmd_reboot(struct cli *cli, int argc, char **argv)
{
    return shutdown_or_reboot(cli, argc, argv);
}

int cmd_pause(struct cli *cli, int argc, char **argv)
{
    return cli_one_domain(cli, argc, argv);
}

int cmd_unpause(struct cli *cli, int argc, char **argv)
{
    return cli_one_domain(cli, argc, argv);
}
