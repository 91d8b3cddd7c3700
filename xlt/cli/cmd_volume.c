/*
 * cmd_volume.c: LVM volumes for domain disks: volume-create,
 * volume-snapshot, volume-grow, volume-remove, volume-list.  They run the
 * lvm command (xlt/lib/lvm.c) here, in xlt, as root, not in xltd: an LVM
 * command may take seconds, and xltd's loop must not wait for it.  Which
 * domain has a volume comes from xenstore (blkback's backends).
 */
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "cli.h"

/* Run lvm ARGS, its output in OUT; on failure say what lvm said. */
static int lvm_into(struct cli *cli, const char *const *args, char *out,
                    size_t size)
{
    int rc = xlt_lvm(out, size, args);

    if (rc)
        return cli_fail(cli, "lvm %s failed%s%s", args[0],
                        *out ? ": " : "", *out ? out : " (is lvm2 installed?)");
    return 0;
}

static int run_lvm(struct cli *cli, const char *const *args)
{
    char out[1024];

    return lvm_into(cli, args, out, sizeof(out));
}

static int the_lv(struct cli *cli, const char *s, struct xlt_lv *lv)
{
    if (xlt_lv_parse(s, lv))
        return cli_fail(cli, "`%s' is not a volume: VG/LV or /dev/VG/LV", s);
    return 0;
}

/* SIZE (xl's units, m if none; a leading + with PLUS_OK) as lvm's "Nk". */
static int the_size(struct cli *cli, const char *s, bool plus_ok, char *buf,
                    size_t size)
{
    bool plus = plus_ok && s[0] == '+';
    uint64_t kb;

    if (xlt_mem_size_kb(s + plus, &kb) || kb == 0)
        return cli_fail(cli, "`%s' is not a size (a number with an optional "
                        "unit k, m, g or t; m if none)", s);
    snprintf(buf, size, "%s%lluk", plus ? "+" : "", (unsigned long long)kb);
    return 0;
}

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

/* The domain whose disk LV is: its id in *DOMID (1), or 0 if none. */
static int lv_user(const struct xlt_lv *lv, unsigned *domid)
{
    struct xs_handle *xs;
    char device[32];
    int found = 0;

    if (xlt_lv_device(lv, device, sizeof(device)))
        return 0; /* inactive: nobody has it */
    xs = xs_open(XS_OPEN_READONLY);
    if (xs) {
        found = xlt_vbd_user(xs, device, NULL, false, domid);
        xs_close(xs);
    }
    return found;
}

int cmd_volume_create(struct cli *cli, int argc, char **argv)
{
    char size[32], name[300];
    struct xlt_lv lv;
    int rc = operands(cli, argc, argv, 3, 3);

    if (rc)
        return rc;
    snprintf(name, sizeof(name), "%s/%s", argv[optind], argv[optind + 1]);
    if (the_lv(cli, name, &lv) ||
        the_size(cli, argv[optind + 2], false, size, sizeof(size)))
        return 1;
    const char *args[] = {"lvcreate", "-y", "-L", size, "-n", lv.lv, lv.vg,
                          NULL};
    if (run_lvm(cli, args))
        return 1;
    printf("%s: created (%s)\n", lv.path, argv[optind + 2]);
    return 0;
}

int cmd_volume_snapshot(struct cli *cli, int argc, char **argv)
{
    char size[32] = "", snap[300];
    struct xlt_lv lv, s;
    int rc = operands(cli, argc, argv, 2, 3);

    if (rc)
        return rc;
    if (the_lv(cli, argv[optind], &lv))
        return 1;
    snprintf(snap, sizeof(snap), "%s/%s", lv.vg, argv[optind + 1]);
    if (the_lv(cli, snap, &s) ||
        (argc - optind == 3 &&
         the_size(cli, argv[optind + 2], false, size, sizeof(size))))
        return 1;
    const char *args[] = {"lvcreate", "-y", "-s", *size ? "-L" : "-l",
                          *size ? size : "100%ORIGIN", "-n", s.lv, lv.name,
                          NULL};
    if (run_lvm(cli, args))
        return 1;
    printf("%s: snapshot of %s\n", s.path, lv.name);
    return 0;
}

int cmd_volume_grow(struct cli *cli, int argc, char **argv)
{
    char size[32];
    struct xlt_lv lv;
    unsigned domid;
    int rc = operands(cli, argc, argv, 2, 2);

    if (rc)
        return rc;
    if (the_lv(cli, argv[optind], &lv) ||
        the_size(cli, argv[optind + 1], true, size, sizeof(size)))
        return 1;
    const char *args[] = {"lvextend", "-L", size, lv.name, NULL};
    if (run_lvm(cli, args))
        return 1;
    printf("%s: grown to %s", lv.path, argv[optind + 1]);
    if (lv_user(&lv, &domid))
        printf("; domain %u sees the new size through blkback", domid);
    printf("\n");
    return 0;
}

int cmd_volume_remove(struct cli *cli, int argc, char **argv)
{
    struct xlt_lv lv;
    unsigned domid;
    int rc = operands(cli, argc, argv, 1, 1);

    if (rc)
        return rc;
    if (the_lv(cli, argv[optind], &lv))
        return 1;
    if (lv_user(&lv, &domid))
        return cli_fail(cli, "%s is a disk of domain %u: detach it first",
                        lv.name, domid);
    const char *args[] = {"lvremove", "-y", lv.name, NULL};
    if (run_lvm(cli, args))
        return 1;
    printf("%s: removed\n", lv.path);
    return 0;
}

/* ---- volume-list --------------------------------------------------------- */

/* One lvs line, "VG|LV|SIZE_KB|ATTR|ORIGIN", into G. */
static void gen_volume(yajl_gen g, char *line)
{
    char *field[5] = {0}, *p = line + strspn(line, " "), name[300];
    struct xlt_lv lv;
    unsigned domid;

    for (int i = 0; i < 5; i++) {
        field[i] = p ? p : "";
        p = p ? strchr(p, '|') : NULL;
        if (p)
            *p++ = '\0';
    }
    yajl_gen_map_open(g);
    xlt_json_kv_str(g, "vg", field[0]);
    xlt_json_kv_str(g, "lv", field[1]);
    xlt_json_kv_uint(g, "size_mb", strtoull(field[2], NULL, 10) / 1024);
    xlt_json_kv_bool(g, "active", strlen(field[3]) >= 5 && field[3][4] == 'a');
    xlt_json_kv_str(g, "origin", field[4]);
    xlt_json_str(g, "domid");
    snprintf(name, sizeof(name), "%s/%s", field[0], field[1]);
    if (!xlt_lv_parse(name, &lv) && lv_user(&lv, &domid))
        yajl_gen_integer(g, domid);
    else
        yajl_gen_null(g);
    yajl_gen_map_close(g);
}

static void print_volumes(yajl_val vols)
{
    printf("%-16s %-24s %9s %-6s %-16s %s\n", "VG", "LV", "Size(MiB)",
           "Active", "Origin", "Domain");
    for (size_t i = 0; YAJL_IS_ARRAY(vols) && i < vols->u.array.len; i++) {
        yajl_val v = vols->u.array.values[i];
        long long size = 0, domid = -1;
        char dom[16] = "-";
        xlt_json_get_int(v, "size_mb", &size);
        if (xlt_json_get_int(v, "domid", &domid))
            snprintf(dom, sizeof(dom), "%lld", domid);
        printf("%-16s %-24s %9lld %-6s %-16s %s\n", xlt_json_get_str(v, "vg"),
               xlt_json_get_str(v, "lv"), size,
               YAJL_IS_TRUE(xlt_json_get(v, "active")) ? "yes" : "no",
               *xlt_json_get_str(v, "origin") ? xlt_json_get_str(v, "origin")
                                              : "-",
               dom);
    }
}

int cmd_volume_list(struct cli *cli, int argc, char **argv)
{
    const char *args[16] = {"lvs", "--noheadings", "--separator", "|",
                            "--units", "k", "--nosuffix", "-o",
                            "vg_name,lv_name,lv_size,lv_attr,origin"};
    char out[65536], *line, *save = NULL, *text;
    yajl_val vols;
    bool json = false;
    int c, n = 9;
    yajl_gen g;

    while ((c = cli_getopt(cli, argc, argv, "j")) != -1) {
        if (c != 'j')
            return 2;
        json = true;
    }
    for (int i = optind; i < argc && n < 15; i++)
        args[n++] = argv[i];
    args[n] = NULL;
    if (lvm_into(cli, args, out, sizeof(out)))
        return 1;
    g = xlt_json_gen_new();
    if (!g)
        return cli_fail(cli, "out of memory");
    yajl_gen_array_open(g);
    for (line = strtok_r(out, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
        gen_volume(g, line);
    yajl_gen_array_close(g);
    text = xlt_json_gen_take(g);
    yajl_gen_free(g);
    vols = text ? yajl_tree_parse(text, NULL, 0) : NULL;
    if (json)
        cli_print_json(vols);
    else
        print_volumes(vols);
    yajl_tree_free(vols);
    free(text);
    return vols ? 0 : 1;
}
