/* cmd_saverestore.c: save and restore (in xl's file layout), migrate. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* PATH made absolute against the current directory (xltd has its own);
 * the file itself need not exist yet. */
static int absolute_path(struct cli *cli, const char *path, char *buf,
                         size_t len)
{
    char cwd[PATH_MAX];

    if (path[0] == '/') {
        snprintf(buf, len, "%s", path);
        return 0;
    }
    if (!getcwd(cwd, sizeof(cwd)))
        return cli_fail(cli, "cannot tell the current directory");
    if ((size_t)snprintf(buf, len, "%s/%s", cwd, path) >= len)
        return cli_fail(cli, "%s: path too long", path);
    return 0;
}

/* "N.N MiB in N.N s" of a transfer's result, or its JSON with --json. */
static void print_summary(const char *what, yajl_val result, bool json)
{
    double mib = (double)cli_json_ll(result, "bytes", 0) / (1 << 20);

    if (json) {
        cli_print_json(result);
        return;
    }
    printf("%s: %.1f MiB in %.1f s\n", what, mib,
           cli_json_double(result, "seconds", 0));
}

int cmd_save(struct cli *cli, int argc, char **argv)
{
    bool checkpoint = false, paused = false, json = false;
    char path[PATH_MAX], what[PATH_MAX + 64];
    yajl_val reply = NULL;
    yajl_gen g;
    int c, rc = 1;

    while ((c = cli_getopt(cli, argc, argv, "cpj")) != -1) {
        if (c == 'c')
            checkpoint = true;
        else if (c == 'p')
            paused = true;
        else if (c == 'j')
            json = true;
        else
            return 2;
    }
    if (argc - optind != 2) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    if (absolute_path(cli, argv[optind + 1], path, sizeof(path)))
        return 1;
    g = cli_domains_open(1, argv + optind);
    if (g) {
        xlt_json_kv_str(g, "file", path);
        xlt_json_kv_bool(g, "checkpoint", checkpoint);
        xlt_json_kv_bool(g, "paused", paused);
    }
    if (cli_call_owned(cli, cli->cmd->request, cli_args_close(g), &reply))
        goto out;
    snprintf(what, sizeof(what), "saved %s to %s%s", argv[optind], path,
             checkpoint || paused ? paused ? " (left paused)" : " (still "
             "running)" : "");
    print_summary(what, xlt_json_get(reply, "result"), json);
    rc = 0;
out:
    if (reply)
        yajl_tree_free(reply);
    return rc;
}

/* The restore request: FILE, and the config file's if one is given. */
static char *restore_args(struct cli *cli, const char *config,
                          const char *file, bool paused, int *rc)
{
    libxl_domain_config cfg;
    char *text = NULL, *args = NULL;
    yajl_gen g = NULL;

    libxl_domain_config_init(&cfg);
    if (config) {
        if (cli_config_load(cli, config, NULL, 0, &cfg, &text))
            goto out;
        g = cli_config_args_open(config, text, &cfg, paused);
    } else {
        g = xlt_json_gen_new();
        if (g) {
            yajl_gen_map_open(g);
            xlt_json_kv_bool(g, "paused", paused);
        }
    }
    if (g)
        xlt_json_kv_str(g, "file", file);
    args = cli_args_close(g);
    if (!args)
        cli_fail(cli, "out of memory");
out:
    *rc = args ? 0 : 1;
    libxl_domain_config_dispose(&cfg);
    free(text);
    return args;
}

int cmd_restore(struct cli *cli, int argc, char **argv)
{
    bool paused = false, json = false;
    char path[PATH_MAX], what[PATH_MAX + 64], *args;
    const char *config = NULL;
    yajl_val reply = NULL, result;
    int c, rc = 1;

    while ((c = cli_getopt(cli, argc, argv, "pj")) != -1) {
        if (c == 'p')
            paused = true;
        else if (c == 'j')
            json = true;
        else
            return 2;
    }
    if (argc - optind < 1 || argc - optind > 2) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    if (argc - optind == 2)
        config = argv[optind++];
    if (absolute_path(cli, argv[optind], path, sizeof(path)))
        return 1;
    args = restore_args(cli, config, path, paused, &rc);
    if (rc || cli_call_owned(cli, cli->cmd->request, args, &reply)) {
        rc = 1;
        goto out;
    }
    result = xlt_json_get(reply, "result");
    snprintf(what, sizeof(what), "restored %s (id %lld)%s from %s",
             xlt_json_get_str(result, "name"),
             cli_json_ll(result, "domid", -1), paused ? ", paused," : "",
             path);
    print_summary(what, result, json);
out:
    if (reply)
        yajl_tree_free(reply);
    return rc;
}

int cmd_migrate(struct cli *cli, int argc, char **argv)
{
    bool live = true, json = false;
    yajl_val reply = NULL, result;
    long long timeout = -1;
    char *end;
    yajl_gen g;
    int c, rc = 1;

    while ((c = cli_getopt(cli, argc, argv, "NjT:")) != -1) {
        if (c == 'N') {
            live = false;
        } else if (c == 'j') {
            json = true;
        } else if (c == 'T') {
            timeout = strtoll(optarg, &end, 10);
            if (!*optarg || *end || timeout < 1 || timeout > 86400) {
                cli_fail(cli, "--timeout %s: expected 1 to 86400 seconds",
                         optarg);
                return 2;
            }
        } else {
            return 2;
        }
    }
    if (argc - optind != 2) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    g = cli_domains_open(1, argv + optind);
    if (g) {
        xlt_json_kv_str(g, "host", argv[optind + 1]);
        xlt_json_kv_bool(g, "live", live);
        if (timeout > 0)
            xlt_json_kv_int(g, "timeout", timeout);
    }
    if (cli_call_owned(cli, cli->cmd->request, cli_args_close(g), &reply))
        goto out;
    result = xlt_json_get(reply, "result");
    if (json) {
        cli_print_json(result);
    } else {
        printf("migrated %s to %s (%s, %s): %.1f MiB in %.1f s, downtime "
               "%.2f s%s",
               argv[optind], argv[optind + 1], live ? "live" : "non-live",
               YAJL_IS_TRUE(xlt_json_get(result, "tls")) ? "TLS" : "plain",
               (double)cli_json_ll(result, "bytes", 0) / (1 << 20),
               cli_json_double(result, "seconds", 0),
               cli_json_double(result, "downtime", 0),
               live ? "" : " (the whole transfer: it was suspended)");
        if (cli_json_ll(result, "iterations", 0) > 0)
            printf(", %lld iterations",
                   cli_json_ll(result, "iterations", 0));
        putchar('\n');
    }
    rc = 0;
out:
    if (reply)
        yajl_tree_free(reply);
    return rc;
}
