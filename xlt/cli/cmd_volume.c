/*
 * cmd_volume.c: LVM volumes for domain disks: volume-create,
 * volume-snapshot, volume-grow, volume-remove, volume-list.  xltd runs
 * them (lvm, off its loop: xlt/lib/volume.c), so that they go to another
 * host with -H and into the audit trail like any change.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Exactly MIN..MAX operands; else the usage and 2. */
static int operands(struct cli *cli, int argc, char **argv, int min, int max)
{
    if (cli_getopt(cli, argc, argv, "") != -1)
        return 2;
    if (argc - optind < min || argc - optind > max) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    return 0;
}

/* Send this command's request with its MIN..MAX operands as KEYS, and
 * print the answer's message. */
static int volume_request(struct cli *cli, int argc, char **argv,
                          const char *const *keys, int min, int max)
{
    yajl_val reply = NULL;
    const char *msg;
    yajl_gen g;
    int rc = operands(cli, argc, argv, min, max);

    if (rc)
        return rc;
    g = xlt_json_gen_new();
    if (g) {
        yajl_gen_map_open(g);
        for (int i = 0; i < max && optind + i < argc; i++)
            xlt_json_kv_str(g, keys[i], argv[optind + i]);
    }
    if (cli_call_owned(cli, cli->cmd->request, cli_args_close(g), &reply))
        return 1;
    msg = xlt_json_get_str(xlt_json_get(reply, "result"), "message");
    printf("%s\n", msg ? msg : "done");
    yajl_tree_free(reply);
    return 0;
}

int cmd_volume_create(struct cli *cli, int argc, char **argv)
{
    static const char *const keys[] = {"vg", "name", "size"};

    return volume_request(cli, argc, argv, keys, 3, 3);
}

int cmd_volume_snapshot(struct cli *cli, int argc, char **argv)
{
    static const char *const keys[] = {"lv", "name", "size"};

    return volume_request(cli, argc, argv, keys, 2, 3);
}

int cmd_volume_grow(struct cli *cli, int argc, char **argv)
{
    static const char *const keys[] = {"lv", "size"};

    return volume_request(cli, argc, argv, keys, 2, 2);
}

int cmd_volume_remove(struct cli *cli, int argc, char **argv)
{
    static const char *const keys[] = {"lv"};

    return volume_request(cli, argc, argv, keys, 1, 1);
}

/* ---- volume-list --------------------------------------------------------- */

static void print_volumes(yajl_val vols)
{
    printf("%-16s %-24s %9s %-6s %-16s %s\n", "VG", "LV", "Size(MiB)",
           "Active", "Origin", "Domain");
    for (size_t i = 0; YAJL_IS_ARRAY(vols) && i < vols->u.array.len; i++) {
        yajl_val v = vols->u.array.values[i];
        const char *origin = xlt_json_get_str(v, "origin");
        long long size = 0, domid = -1;
        char dom[16] = "-";
        xlt_json_get_int(v, "size_mb", &size);
        if (xlt_json_get_int(v, "domid", &domid))
            snprintf(dom, sizeof(dom), "%lld", domid);
        printf("%-16s %-24s %9lld %-6s %-16s %s\n", xlt_json_get_str(v, "vg"),
               xlt_json_get_str(v, "lv"), size,
               YAJL_IS_TRUE(xlt_json_get(v, "active")) ? "yes" : "no",
               origin && *origin ? origin : "-", dom);
    }
}

int cmd_volume_list(struct cli *cli, int argc, char **argv)
{
    yajl_val reply = NULL, vols;
    bool json = false;
    yajl_gen g;

    if (cli_json_option(cli, argc, argv, &json))
        return 2;
    g = xlt_json_gen_new();
    if (g) {
        yajl_gen_map_open(g);
        xlt_json_str(g, "vgs");
        yajl_gen_array_open(g);
        for (int i = optind; i < argc; i++)
            xlt_json_str(g, argv[i]);
        yajl_gen_array_close(g);
    }
    if (cli_call_owned(cli, "volume-list", cli_args_close(g), &reply))
        return 1;
    vols = xlt_json_get(xlt_json_get(reply, "result"), "volumes");
    if (json)
        cli_print_json(vols);
    else
        print_volumes(vols);
    yajl_tree_free(reply);
    return 0;
}
