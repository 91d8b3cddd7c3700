/* main.c: xlt's global options and dispatch through the command table. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int usage_error(const char *prog, const char *what)
{
    fprintf(stderr, "%s: %s\n", prog, what);
    xlt_help_all(stderr);
    return 2;
}

static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return true;
    return false;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"socket", required_argument, NULL, 'S'},
        {"host", required_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {"man", no_argument, NULL, 'M'},
        {NULL, 0, NULL, 0},
    };
    struct cli cli = {.prog = "xlt", .socket_path = getenv("XLT_SOCKET"),
                      .host = getenv("XLT_HOST")};
    struct xlt_err err;
    bool host_given = false;
    int c;

    if (!cli.socket_path || !*cli.socket_path)
        cli.socket_path = XLT_SOCKET_PATH;
    while ((c = getopt_long(argc, argv, "+S:H:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'S':
            cli.socket_path = optarg;
            break;
        case 'H':
            cli.host = optarg;
            host_given = true;
            break;
        case 'h':
            xlt_help_all(stdout);
            return 0;
        case 'M':
            xlt_man_page(stdout);
            return 0;
        default:
            return usage_error(cli.prog, "unknown option");
        }
    }
    if (optind >= argc)
        return usage_error(cli.prog, "no command given");
    argc -= optind;
    argv += optind;
    cli.cmd = xlt_command_find(argv[0], &err);
    if (!cli.cmd)
        return usage_error(cli.prog, err.msg);
    if (wants_help(argc, argv)) {
        xlt_usage(stdout, cli.cmd);
        return 0;
    }
    if (cli.host && (!*cli.host || (!cli.cmd->request && !host_given)))
        cli.host = NULL; /* XLT_HOST is for the commands xltd answers */
    if (cli.host && cli.host[0] == '@' && strcmp(cli.cmd->name, "list") != 0 &&
        strcmp(cli.cmd->name, "events") != 0) {
        fprintf(stderr, "%s: %s: only list and events go to a group of "
                "hosts (-H %s)\n", cli.prog, cli.cmd->name, cli.host);
        return 2;
    }
    if (cli.host && !cli.cmd->request) {
        fprintf(stderr, "%s: %s works on this host only: -H (XLT_HOST) "
                "cannot send it to %s\n", cli.prog, cli.cmd->name, cli.host);
        return 2;
    }
    optind = 0; /* restart getopt for the command's own options */
    return cli.cmd->handler(&cli, argc, argv);
}
