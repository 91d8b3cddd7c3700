/*
 * volume.c: the volume-* requests' work: LVM volumes for domain disks,
 * created, snapshotted, grown, removed and listed through the lvm command
 * (lvm.c).  An lvm command may take seconds: xltd runs these off its loop
 * (core/volumes.c).  Which domain has a volume comes from xenstore
 * (blkback's backends): one that a domain uses is not removed.
 */
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "xlt.h"

/* Run lvm ARGS, its output in OUT; on failure ERR says what lvm said. */
static int lvm_into(const char *const *args, char *out, size_t size,
                    struct xlt_err *err)
{
    if (xlt_lvm(out, size, args))
        return xlt_err_set(err, "lvm %s failed%s%s", args[0],
                           *out ? ": " : "",
                           *out ? out : " (is lvm2 installed?)");
    return 0;
}

static int run_lvm(const char *const *args, struct xlt_err *err)
{
    char out[1024];

    return lvm_into(args, out, sizeof(out), err);
}

/* Member KEY of ARGS, a string ("" if absent). */
static const char *arg(yajl_val args, const char *key)
{
    const char *s = xlt_json_get_str(args, key);

    return s ? s : "";
}

static int the_lv(const char *s, struct xlt_lv *lv, struct xlt_err *err)
{
    if (xlt_lv_parse(s, lv))
        return xlt_err_set(err, "`%s' is not a volume: VG/LV or /dev/VG/LV",
                           s);
    return 0;
}

/* SIZE (xl's units, m if none; a leading + with PLUS_OK) as lvm's "Nk". */
static int the_size(const char *s, bool plus_ok, char *buf, size_t size,
                    struct xlt_err *err)
{
    bool plus = plus_ok && s[0] == '+';
    uint64_t kb;

    if (xlt_mem_size_kb(s + plus, &kb) || kb == 0)
        return xlt_err_set(err, "`%s' is not a size (a number with an "
                           "optional unit k, m, g or t; m if none)", s);
    snprintf(buf, size, "%s%lluk", plus ? "+" : "", (unsigned long long)kb);
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

/* {"message": MSG, "path": PATH} */
static char *answer(const char *msg, const char *path)
{
    yajl_gen g = xlt_json_gen_new();
    char *text;

    if (!g)
        return NULL;
    yajl_gen_map_open(g);
    xlt_json_kv_str(g, "message", msg);
    xlt_json_kv_str(g, "path", path);
    yajl_gen_map_close(g);
    text = xlt_json_gen_take(g);
    yajl_gen_free(g);
    return text;
}

/* {"vg", "name", "size"} */
static int volume_create(yajl_val args, char *msg, size_t len,
                         struct xlt_lv *lv, struct xlt_err *err)
{
    char size[32], name[300];

    snprintf(name, sizeof(name), "%s/%s", arg(args, "vg"), arg(args, "name"));
    if (the_lv(name, lv, err) ||
        the_size(arg(args, "size"), false, size, sizeof(size), err))
        return -1;
    const char *lvm[] = {"lvcreate", "-y", "-L", size, "-n", lv->lv, lv->vg,
                         NULL};
    if (run_lvm(lvm, err))
        return -1;
    snprintf(msg, len, "%s: created (%s)", lv->path, arg(args, "size"));
    return 0;
}

/* {"lv", "name", "size" (absent: as big as the volume)} */
static int volume_snapshot(yajl_val args, char *msg, size_t len,
                           struct xlt_lv *s, struct xlt_err *err)
{
    char size[32] = "", snap[300];
    struct xlt_lv lv;

    if (the_lv(arg(args, "lv"), &lv, err))
        return -1;
    snprintf(snap, sizeof(snap), "%s/%s", lv.vg, arg(args, "name"));
    if (the_lv(snap, s, err) ||
        (*arg(args, "size") &&
         the_size(arg(args, "size"), false, size, sizeof(size), err)))
        return -1;
    const char *lvm[] = {"lvcreate", "-y", "-s", *size ? "-L" : "-l",
                         *size ? size : "100%ORIGIN", "-n", s->lv, lv.name,
                         NULL};
    if (run_lvm(lvm, err))
        return -1;
    snprintf(msg, len, "%s: snapshot of %s", s->path, lv.name);
    return 0;
}

/* {"lv", "size" ([+]SIZE)} */
static int volume_grow(yajl_val args, char *msg, size_t len,
                       struct xlt_lv *lv, struct xlt_err *err)
{
    char size[32];
    unsigned domid;

    if (the_lv(arg(args, "lv"), lv, err) ||
        the_size(arg(args, "size"), true, size, sizeof(size), err))
        return -1;
    const char *lvm[] = {"lvextend", "-L", size, lv->name, NULL};
    if (run_lvm(lvm, err))
        return -1;
    if (lv_user(lv, &domid))
        snprintf(msg, len, "%s: grown to %s; domain %u sees the new size "
                 "through blkback", lv->path, arg(args, "size"), domid);
    else
        snprintf(msg, len, "%s: grown to %s", lv->path, arg(args, "size"));
    return 0;
}

/* {"lv"} */
static int volume_remove(yajl_val args, char *msg, size_t len,
                         struct xlt_lv *lv, struct xlt_err *err)
{
    unsigned domid;

    if (the_lv(arg(args, "lv"), lv, err))
        return -1;
    if (lv_user(lv, &domid))
        return xlt_err_set(err, "%s is a disk of domain %u: detach it first",
                           lv->name, domid);
    const char *lvm[] = {"lvremove", "-y", lv->name, NULL};
    if (run_lvm(lvm, err))
        return -1;
    snprintf(msg, len, "%s: removed", lv->path);
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

/* {"vgs": [VG...] (absent or empty: every one)} -> {"volumes": [...]} */
static char *volume_list(yajl_val args, struct xlt_err *err)
{
    const char *lvm[16] = {"lvs", "--noheadings", "--separator", "|",
                           "--units", "k", "--nosuffix", "-o",
                           "vg_name,lv_name,lv_size,lv_attr,origin"};
    yajl_val vgs = xlt_json_get(args, "vgs");
    char *out = malloc(65536), *line, *save = NULL, *text = NULL;
    yajl_gen g = NULL;
    int n = 9;

    for (size_t i = 0; YAJL_IS_ARRAY(vgs) && i < vgs->u.array.len && n < 15;
         i++)
        if (YAJL_IS_STRING(vgs->u.array.values[i]))
            lvm[n++] = vgs->u.array.values[i]->u.string;
    lvm[n] = NULL;
    if (!out) {
        xlt_err_set(err, "out of memory");
        goto out;
    }
    if (lvm_into(lvm, out, 65536, err))
        goto out;
    g = xlt_json_gen_new();
    if (!g) {
        xlt_err_set(err, "out of memory");
        goto out;
    }
    yajl_gen_map_open(g);
    xlt_json_str(g, "volumes");
    yajl_gen_array_open(g);
    for (line = strtok_r(out, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
        gen_volume(g, line);
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    text = xlt_json_gen_take(g);
    if (!text)
        xlt_err_set(err, "out of memory");
out:
    if (g)
        yajl_gen_free(g);
    free(out);
    return text;
}

int xlt_volume_run(const char *op, yajl_val args, char **result_r,
                   struct xlt_err *err)
{
    static const struct {
        const char *op;
        int (*run)(yajl_val, char *, size_t, struct xlt_lv *,
                   struct xlt_err *);
    } ops[] = {{"volume-create", volume_create},
               {"volume-snapshot", volume_snapshot},
               {"volume-grow", volume_grow},
               {"volume-remove", volume_remove}};
    struct xlt_lv lv;
    char msg[600];

    *result_r = NULL;
    if (!strcmp(op, "volume-list")) {
        *result_r = volume_list(args, err);
        return *result_r ? 0 : -1;
    }
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (strcmp(op, ops[i].op) != 0)
            continue;
        if (ops[i].run(args, msg, sizeof(msg), &lv, err))
            return -1;
        *result_r = answer(msg, lv.path);
        return *result_r ? 0 : xlt_err_set(err, "out of memory");
    }
    return xlt_err_set(err, "%s: not a volume request", op);
}
