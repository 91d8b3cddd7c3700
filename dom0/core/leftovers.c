/*
 * leftovers.c: what a domain that is gone left in xenstore.  libxl takes
 * a domain's devices away when it destroys it, but not when that destroy
 * is cut short: a create aborted when xltd stops, a half-built domain
 * whose disk's driver was still running when an xltd was killed.  Left
 * are its backends (backend/KIND/DOMID in dom0's xenstore), what xlt's
 * drivers did for them (an LV block-lvm activated), libxl's /libxl/DOMID,
 * its /local/domain/DOMID and /vm/UUID.  Swept only once Xen no longer has the
 * domain: xlt's own driver of each backend runs for its removal, as
 * libxl would have run it, then the directories go.  An administrator's
 * own script is not run (xlt never runs scripts it did not choose).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "core.h"

#include <xen/xen.h> /* DOMID_FIRST_RESERVED (after libxl.h's types) */

#define BACKENDS "/local/domain/0/backend"

/* The driver xltd names for a backend kind, and how libxl runs it when
 * the device goes. */
static const struct {
    const char *kind, *driver;
    char *action, *type_if; /* argv's, which execve does not change */
} drivers[] = {
    {"vbd", "block-lvm", "remove", NULL},
    {"vif", "vif-bridge", "offline", "type_if=vif"},
};

enum presence { NOT_A_DOMAIN, PRESENT, DYING, GONE };

/* What Xen has of DOMID (a domain that is dying never runs again: what
 * its backends still map keeps it from going).  NOT_A_DOMAIN for domain 0
 * and ids that name no domain, such as INVALID_DOMID. */
static enum presence presence(struct xltd *d, uint32_t domid)
{
    libxl_dominfo info;
    enum presence p = PRESENT;
    int rc;

    if (domid == 0 || domid >= DOMID_FIRST_RESERVED)
        return NOT_A_DOMAIN;
    libxl_dominfo_init(&info);
    rc = libxl_domain_info(d->ctx, &info, domid);
    if (rc == ERROR_DOMAIN_NOTFOUND)
        p = GONE;
    else if (rc == 0 && info.dying)
        p = DYING;
    libxl_dominfo_dispose(&info);
    return p;
}

static bool domain_gone(struct xltd *d, uint32_t domid)
{
    enum presence p = presence(d, domid);

    return p == GONE || p == DYING;
}

static char *read_node(struct xltd *d, const char *path)
{
    unsigned int len;

    return xs_read(d->xs, XBT_NULL, path, &len);
}

/* Run xlt's driver of backend KIND/DOMID/DEVID for its removal, if that
 * backend names it. */
static void run_driver(struct xltd *d, const char *kind, uint32_t domid,
                       const char *devid)
{
    char node[256], xenbus[128], envbus[160], envvif[64], out[256], err[512];
    char *script;

    for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
        if (strcmp(kind, drivers[i].kind) != 0)
            continue;
        snprintf(xenbus, sizeof(xenbus), "backend/%s/%u/%s", kind, domid,
                 devid);
        snprintf(node, sizeof(node), "/local/domain/0/%s/script", xenbus);
        script = read_node(d, node);
        if (script && devices_is_driver(script, drivers[i].driver)) {
            const char *const paths[] = {script, NULL};
            char *const argv[] = {script, drivers[i].action,
                                  drivers[i].type_if, NULL};
            snprintf(envbus, sizeof(envbus), "XENBUS_PATH=%s", xenbus);
            snprintf(envvif, sizeof(envvif), "vif=vif%u.%s", domid, devid);
            char *const envp[] = {envbus, envvif, "PATH=/usr/sbin:/usr/bin:"
                                  "/sbin:/bin", NULL};
            if (xlt_command(paths, argv, envp, out, sizeof(out), err,
                            sizeof(err)))
                log_warnx(&d->log, "domain %u: %s %s for %s failed: %s",
                          domid, script, drivers[i].action, xenbus, err);
        }
        free(script);
    }
}

/* Backend KIND of DOMID: its drivers run, then it goes.  1 if it was
 * there. */
static int sweep_backend(struct xltd *d, const char *kind, uint32_t domid)
{
    char path[128];
    unsigned int n = 0;
    char **devids;

    snprintf(path, sizeof(path), BACKENDS "/%s/%u", kind, domid);
    devids = xs_directory(d->xs, XBT_NULL, path, &n);
    if (!devids)
        return 0;
    for (unsigned int i = 0; i < n; i++)
        run_driver(d, kind, domid, devids[i]);
    free(devids);
    xs_rm(d->xs, XBT_NULL, path);
    return 1;
}

/* Remove PATH if it is there; 1 if it was. */
static int sweep_path(struct xltd *d, const char *path)
{
    unsigned int n;
    char **dir = xs_directory(d->xs, XBT_NULL, path, &n);

    if (!dir)
        return 0;
    free(dir);
    xs_rm(d->xs, XBT_NULL, path);
    return 1;
}

/* The list WHAT (CAP bytes, LEN used) with ITEM added. */
static void list_add(char *what, size_t cap, size_t *len, const char *item)
{
    if (*len < cap)
        *len += (size_t)snprintf(what + *len, cap - *len, "%s%s",
                                 *len ? ", " : "", item);
}

int leftovers_sweep(struct xltd *d, uint32_t domid)
{
    char path[128], what[256] = "";
    unsigned int n = 0;
    char **kinds;
    size_t len = 0;

    if (!d->xs || !domain_gone(d, domid))
        return 0;
    kinds = xs_directory(d->xs, XBT_NULL, BACKENDS, &n);
    for (unsigned int i = 0; kinds && i < n; i++) {
        snprintf(path, sizeof(path), "backend/%s", kinds[i]);
        if (sweep_backend(d, kinds[i], domid))
            list_add(what, sizeof(what), &len, path);
    }
    free(kinds);
    snprintf(path, sizeof(path), "/libxl/%u", domid);
    if (sweep_path(d, path))
        list_add(what, sizeof(what), &len, path);
    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    if (sweep_path(d, path))
        list_add(what, sizeof(what), &len, path);
    if (len)
        log_warnx(&d->log, "domain %u is gone but left %s in xenstore; "
                  "removed", domid, what);
    return len > 0;
}

/* The domain ids under xenstore directory PATH, each swept. */
static void sweep_under(struct xltd *d, const char *path)
{
    unsigned int n = 0;
    char **ids = xs_directory(d->xs, XBT_NULL, path, &n);
    char *end;

    for (unsigned int i = 0; ids && i < n; i++) {
        unsigned long domid = strtoul(ids[i], &end, 10);
        if (!*end && end != ids[i] && domid < DOMID_FIRST_RESERVED)
            leftovers_sweep(d, (uint32_t)domid);
    }
    free(ids);
}

/* Whether a domain among INFO (N of them) has UUID TEXT. */
static bool uuid_listed(const libxl_dominfo *info, int n, const char *text)
{
    libxl_uuid uuid;

    if (libxl_uuid_from_string(&uuid, text))
        return true; /* not a UUID: not libxl's, left alone */
    for (int i = 0; i < n; i++)
        if (!libxl_uuid_compare(&info[i].uuid, &uuid))
            return true;
    return false;
}

/* /vm/UUID of domains that are gone (libxl removes it at the end of a
 * destroy).  /vm is read before the domains are listed: a domain made
 * in between has no /vm/UUID in what was read. */
static void sweep_vm(struct xltd *d)
{
    unsigned int n = 0;
    char **uuids = xs_directory(d->xs, XBT_NULL, "/vm", &n);
    libxl_dominfo *info = NULL;
    char path[128];
    int ndom = 0;

    if (!uuids)
        return;
    info = libxl_list_domain(d->ctx, &ndom);
    for (unsigned int i = 0; info && i < n; i++) {
        if (uuid_listed(info, ndom, uuids[i]))
            continue;
        snprintf(path, sizeof(path), "/vm/%s", uuids[i]);
        if (xs_rm(d->xs, XBT_NULL, path))
            log_warnx(&d->log, "no domain has UUID %s but it left %s in "
                      "xenstore; removed", uuids[i], path);
    }
    if (info)
        libxl_dominfo_list_free(info, ndom);
    free(uuids);
}

void leftovers_sweep_all(struct xltd *d)
{
    char path[128];
    unsigned int n = 0;
    char **kinds;

    if (!d->xs)
        return;
    kinds = xs_directory(d->xs, XBT_NULL, BACKENDS, &n);
    for (unsigned int i = 0; kinds && i < n; i++) {
        snprintf(path, sizeof(path), BACKENDS "/%s", kinds[i]);
        sweep_under(d, path);
    }
    free(kinds);
    sweep_under(d, "/libxl");
    sweep_under(d, "/local/domain");
    sweep_vm(d);
}

void leftovers_failed_build(struct xltd *d, uint32_t domid, const char *name)
{
    if (presence(d, domid) == PRESENT) {
        log_warnx(&d->log, "%s (%u): its build failed but left the domain; "
                  "destroying it", name, domid);
        if (libxl_domain_destroy(d->ctx, domid, NULL))
            log_errx(&d->log, "%s (%u): destroy failed", name, domid);
    }
    if (leftovers_sweep(d, domid))
        sweep_vm(d);
}
