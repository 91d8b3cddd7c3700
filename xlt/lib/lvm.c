/*
 * lvm.c: LVM logical volumes, for drivers/block-lvm and the volume-*
 * commands.  LVM has no C library any more (lvm2app went with LVM 2.03),
 * so the lvm command does the LVM part; which domain's disk has a volume
 * is read from xenstore, where blkback's backends are.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xenstore.h>

#include "xlt.h"

#define VBD_BACKENDS "/local/domain/0/backend/vbd"

int xlt_lv_parse(const char *s, struct xlt_lv *lv)
{
    const char *vg = strncmp(s, "/dev/", 5) != 0 ? s : s + 5;
    const char *slash = strchr(vg, '/');
    size_t vg_len = slash ? (size_t)(slash - vg) : 0;

    memset(lv, 0, sizeof(*lv));
    if (!slash || !vg_len || !slash[1] || strchr(slash + 1, '/') ||
        vg_len >= sizeof(lv->vg) || strlen(slash + 1) >= sizeof(lv->lv) ||
        vg[0] == '-' || slash[1] == '-')
        return -1;
    memcpy(lv->vg, vg, vg_len);
    snprintf(lv->lv, sizeof(lv->lv), "%s", slash + 1);
    snprintf(lv->name, sizeof(lv->name), "%s/%s", lv->vg, lv->lv);
    snprintf(lv->path, sizeof(lv->path), "/dev/%s/%s", lv->vg, lv->lv);
    return 0;
}

/* lvm's lines ("\n  " between them) as one, "; " between them (the
 * text never grows: "; " only where a newline and a space were). */
static void one_line(char *s)
{
    char *w = s;

    for (const char *r = s; *r; r++) {
        size_t spaces;
        if (*r != '\n') {
            *w++ = *r;
            continue;
        }
        spaces = strspn(r + 1, " ");
        *w++ = ';';
        if (spaces)
            *w++ = ' ';
        r += spaces;
    }
    *w = '\0';
}

/* "lvm" and the first 14 ARGS as ARGV[16], the strings copied into BUF
 * (execv's are not const); -1 if they do not fit. */
static int lvm_argv(const char *const *args, char **argv, char *buf,
                    size_t size)
{
    const char *word = "lvm";
    size_t n = 0, used = 0, len;

    for (; word && n < 15; word = args[n++]) {
        len = strlen(word) + 1;
        if (len > size - used)
            return -1;
        argv[n] = memcpy(buf + used, word, len);
        used += len;
    }
    argv[n] = NULL;
    return 0;
}

/* Trailing newlines and blanks off S. */
static void trim(char *s)
{
    size_t len = strlen(s);

    while (len && (s[len - 1] == '\n' || s[len - 1] == ' '))
        s[--len] = '\0';
}

int xlt_lvm(char *out, size_t size, const char *const *args)
{
    static const char *const lvms[] = {"/sbin/lvm", "/usr/sbin/lvm", NULL};
    char *argv[16], strings[4096], said[1024];
    int rc;

    out[0] = '\0';
    if (lvm_argv(args, argv, strings, sizeof(strings))) {
        snprintf(out, size, "the lvm command line is too long");
        return -1;
    }
    rc = xlt_command(lvms, argv, NULL, out, size, said, sizeof(said));
    trim(out);
    trim(said);
    if (rc && said[0]) /* a message: what lvm said on stderr, one line */
        snprintf(out, size, "%s", said);
    if (rc)
        one_line(out);
    return rc;
}

int xlt_lv_device(const struct xlt_lv *lv, char *device, size_t size)
{
    struct stat st;

    if (stat(lv->path, &st) || !S_ISBLK(st.st_mode))
        return -1;
    snprintf(device, size, "%x:%x", major(st.st_rdev), minor(st.st_rdev));
    return 0;
}

/* Backend node PATH/NAME, malloc'd, or NULL. */
static char *read_node(struct xs_handle *xs, const char *path,
                       const char *name)
{
    char node[512];
    unsigned int len;
    int n = snprintf(node, sizeof(node), "%s/%s", path, name);

    if (n < 0 || (size_t)n >= sizeof(node))
        return NULL;
    return xs_read(xs, XBT_NULL, node, &len);
}

/* Does backend PATH have DEVICE (and, with WRITERS_ONLY, write to it)? */
static bool backend_has(struct xs_handle *xs, const char *path,
                        const char *device, bool writers_only)
{
    char *dev = read_node(xs, path, "physical-device");
    char *mode = read_node(xs, path, "mode");
    bool has = dev && !strcmp(dev, device) &&
               (!writers_only || (mode && strchr(mode, 'w')));

    free(dev);
    free(mode);
    return has;
}

/* The UUID of domain DOMID (libxl's VM/uuid) into UUID; -1 if unknown. */
static int domain_uuid(struct xs_handle *xs, const char *domid, char *uuid,
                       size_t size)
{
    char path[128];
    char *vm, *id;

    snprintf(path, sizeof(path), "/local/domain/%s", domid);
    vm = read_node(xs, path, "vm");
    id = vm ? read_node(xs, vm, "uuid") : NULL;
    if (id)
        snprintf(uuid, size, "%s", id);
    free(vm);
    free(id);
    return id ? 0 : -1;
}

/* Is DOMID the guest GUEST_UUID names (its other copy, in a migration)? */
static bool same_guest(struct xs_handle *xs, const char *domid,
                       const char *guest_uuid)
{
    char uuid[64];

    return guest_uuid && !domain_uuid(xs, domid, uuid, sizeof(uuid)) &&
           !strcmp(uuid, guest_uuid);
}

int xlt_vbd_user(struct xs_handle *xs, const char *device,
                 const struct xlt_vbd_skip *skip, bool writers_only,
                 unsigned *domid)
{
    unsigned int n_dom = 0, n_dev = 0;
    char **doms = xs_directory(xs, XBT_NULL, VBD_BACKENDS, &n_dom);
    char path[512];
    int found = 0;

    for (unsigned i = 0; doms && i < n_dom && !found; i++) {
        if (skip && same_guest(xs, doms[i], skip->guest_uuid))
            continue;
        snprintf(path, sizeof(path), VBD_BACKENDS "/%s", doms[i]);
        char **devs = xs_directory(xs, XBT_NULL, path, &n_dev);
        for (unsigned j = 0; devs && j < n_dev && !found; j++) {
            snprintf(path, sizeof(path), VBD_BACKENDS "/%s/%s", doms[i],
                     devs[j]);
            if ((!skip || !skip->backend || strcmp(path, skip->backend) != 0) &&
                backend_has(xs, path, device, writers_only)) {
                *domid = (unsigned)strtoul(doms[i], NULL, 10);
                found = 1;
            }
        }
        free(devs);
    }
    free(doms);
    return found;
}

int xlt_vbd_guest_uuid(struct xs_handle *xs, const char *backend, char *uuid,
                       size_t size)
{
    const char *p = strstr(backend, "/backend/vbd/");
    char domid[16];
    size_t len;

    if (!p)
        return -1;
    p += strlen("/backend/vbd/");
    len = strcspn(p, "/");
    if (!len || len >= sizeof(domid))
        return -1;
    memcpy(domid, p, len);
    domid[len] = '\0';
    return domain_uuid(xs, domid, uuid, size);
}
