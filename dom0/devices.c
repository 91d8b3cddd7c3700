/*
 * devices.c: xlt's own drivers for a new domain's devices.  Every vif
 * that would run the stock vif-bridge script (none named, or that one)
 * runs drivers/vif-bridge instead, by absolute path, on the bridge its
 * spec names or xlt.conf's default.  A bridge that does not exist stops
 * the create before anything is made.  Set here, not in the config
 * mapping, so that `xlt create -n` prints what `xl create -n` does.
 *
 * The drivers live in PREFIX/lib/xlt, next to xltd's PREFIX/sbin: found
 * from xltd's own path, so that an install under any prefix works (the
 * build-time XLT_DRIVER_DIR if that path cannot be read).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xltd.h"

/* DRIVER's absolute path, in BUF. */
static const char *driver_path(const char *driver, char *buf, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;

    if (n > 0) {
        exe[n] = '\0';
        for (int i = 0; i < 2 && (slash = strrchr(exe, '/')); i++)
            *slash = '\0'; /* PREFIX/sbin/xltd -> PREFIX */
        int len = snprintf(buf, size, "%s/lib/xlt/%s", exe, driver);
        if (len > 0 && (size_t)len < size && access(buf, X_OK) == 0)
            return buf;
    }
    snprintf(buf, size, "%s/%s", XLT_DRIVER_DIR, driver);
    return buf;
}

static bool stock_vif_script(const char *script)
{
    return !script || !strcmp(script, "vif-bridge") ||
           !strcmp(script, "/etc/xen/scripts/vif-bridge");
}

static bool bridge_exists(const char *name)
{
    char path[128];

    snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", name);
    return access(path, F_OK) == 0;
}

static int prepare_nic(struct xltd *d, libxl_device_nic *nic, int i,
                       struct xlt_err *err)
{
    char path[PATH_MAX];

    if (!stock_vif_script(nic->script))
        return 0; /* the administrator's own script */
    free(nic->script);
    nic->script = strdup(driver_path("vif-bridge", path, sizeof(path)));
    if (!nic->bridge)
        nic->bridge = strdup(d->bridge ? d->bridge : "xenbr0");
    if (!nic->script || !nic->bridge)
        return xlt_err_set(err, "out of memory");
    if (!bridge_exists(nic->bridge))
        return xlt_err_set(err, "vif %d: bridge %s does not exist (create "
                           "it, or name another with bridge= in the vif "
                           "spec)", nic->devid >= 0 ? nic->devid : i,
                           nic->bridge);
    return 0;
}

int devices_prepare(struct xltd *d, libxl_domain_config *cfg,
                    struct xlt_err *err)
{
    for (int i = 0; i < cfg->num_nics; i++)
        if (prepare_nic(d, &cfg->nics[i], i, err))
            return -1;
    return 0;
}
