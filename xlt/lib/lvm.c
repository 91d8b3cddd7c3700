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
#include <sys/wait.h>
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

int xlt_lvm(char *out, size_t size, const char *const *args)
{
    static const char *const lvms[] = {"/sbin/lvm", "/usr/sbin/lvm"};
    char *argv[16], strings[4096];
    int fds[2], status = -1;
    size_t len = 0;
    ssize_t got;
    pid_t pid;

    out[0] = '\0';
    if (lvm_argv(args, argv, strings, sizeof(strings))) {
        snprintf(out, size, "the lvm command line is too long");
        return -1;
    }
    if (pipe(fds))
        return -1;
    pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close_range(3, ~0U, 0); /* lvm warns of every fd it inherits */
        for (size_t i = 0; i < sizeof(lvms) / sizeof(lvms[0]); i++)
            execv(lvms[i], argv);
        _exit(127);
    }
    close(fds[1]);
    while (pid > 0 && len + 1 < size &&
           (got = read(fds[0], out + len, size - 1 - len)) > 0)
        len += (size_t)got;
    out[len] = '\0';
    close(fds[0]);
    while (len && (out[len - 1] == '\n' || out[len - 1] == ' '))
        out[--len] = '\0';
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status)) {
        one_line(out); /* a message: one line */
        return pid < 0 || !WIFEXITED(status) ? -1 : WEXITSTATUS(status);
    }
    return 0;
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

int xlt_vbd_user(struct xs_handle *xs, const char *device, const char *skip,
                 bool writers_only, unsigned *domid)
{
    unsigned int n_dom = 0, n_dev = 0;
    char **doms = xs_directory(xs, XBT_NULL, VBD_BACKENDS, &n_dom);
    char path[512];
    int found = 0;

    for (unsigned i = 0; doms && i < n_dom && !found; i++) {
        snprintf(path, sizeof(path), VBD_BACKENDS "/%s", doms[i]);
        char **devs = xs_directory(xs, XBT_NULL, path, &n_dev);
        for (unsigned j = 0; devs && j < n_dev && !found; j++) {
            snprintf(path, sizeof(path), VBD_BACKENDS "/%s/%s", doms[i],
                     devs[j]);
            if ((!skip || strcmp(path, skip) != 0) &&
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
