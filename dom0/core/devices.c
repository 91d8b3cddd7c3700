/*
 * devices.c: xlt's own drivers for a new domain's devices.  Every vif
 * that would run the stock vif-bridge script (none named, or that one)
 * runs drivers/vif-bridge instead, by absolute path, on the bridge its
 * spec names or xlt.conf's default.  A bridge that does not exist stops
 * the create before anything is made.  Every disk on an LVM volume
 * (phy, /dev/VG/LV, no script named) runs drivers/block-lvm; other disks
 * are left to libxl.  Set here, not in the config
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

#include "core.h"

/* PREFIX of PREFIX/sbin/xltd, read once ("" if it cannot be read). */
static const char *own_prefix(void)
{
    static char prefix[PATH_MAX];
    static bool known;
    ssize_t n;
    char *slash;

    if (known)
        return prefix;
    known = true;
    n = readlink("/proc/self/exe", prefix, sizeof(prefix) - 1);
    prefix[n > 0 ? n : 0] = '\0';
    for (int i = 0; i < 2 && (slash = strrchr(prefix, '/')); i++)
        *slash = '\0';
    return prefix;
}

/* DRIVER's absolute path, in BUF. */
static const char *driver_path(const char *driver, char *buf, size_t size)
{
    const char *prefix = own_prefix();
    int len;

    if (*prefix) {
        len = snprintf(buf, size, "%s/lib/xlt/%s", prefix, driver);
        if (len > 0 && (size_t)len < size && access(buf, X_OK) == 0)
            return buf;
    }
    snprintf(buf, size, "%s/%s", XLT_DRIVER_DIR, driver);
    return buf;
}

bool devices_script_is_xlts(const char *script, const char *driver)
{
    const char *base = script ? strrchr(script, '/') : NULL;

    if (!script || !strcmp(script, driver))
        return true;
    return base && !strcmp(base + 1, driver) &&
           (strstr(script, "/lib/xlt/") || strstr(script, "/etc/xen/"));
}

bool devices_is_driver(const char *script, const char *driver)
{
    char path[PATH_MAX];

    return !strcmp(script, driver_path(driver, path, sizeof(path)));
}

static bool bridge_exists(const char *name)
{
    char path[128];

    snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", name);
    return access(path, F_OK) == 0;
}

int devices_prepare_nic(struct xltd *d, libxl_device_nic *nic, int i,
                        struct xlt_err *err)
{
    char path[PATH_MAX];

    if (!devices_script_is_xlts(nic->script, "vif-bridge"))
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

bool devices_lv_path(const char *path, struct xlt_lv *lv)
{
    static const char *const not_vgs[] = {
        "mapper", "disk", "block", "char", "bus", "cpu", "dri", "input",
        "net", "pts", "shm", "snd", "usb", "xen", "md", "hugepages",
        "mqueue", "vfio", "fd", "loop", "bsg", "vhost-net",
    };

    if (!path || strncmp(path, "/dev/", 5) != 0 || xlt_lv_parse(path, lv))
        return false;
    for (size_t i = 0; i < sizeof(not_vgs) / sizeof(not_vgs[0]); i++)
        if (!strcmp(lv->vg, not_vgs[i]))
            return false;
    return true;
}

int devices_prepare_disk(libxl_device_disk *disk, struct xlt_err *err)
{
    char path[PATH_MAX];
    struct xlt_lv lv;

    if (!devices_script_is_xlts(disk->script, "block-lvm") ||
        !devices_lv_path(disk->pdev_path, &lv) ||
        (disk->backend != LIBXL_DISK_BACKEND_UNKNOWN &&
         disk->backend != LIBXL_DISK_BACKEND_PHY) ||
        (disk->format != LIBXL_DISK_FORMAT_UNKNOWN &&
         disk->format != LIBXL_DISK_FORMAT_RAW) ||
        disk->backend_domid != 0)
        return 0;
    free(disk->script);
    disk->script = strdup(driver_path("block-lvm", path, sizeof(path)));
    if (!disk->script)
        return xlt_err_set(err, "out of memory");
    disk->backend = LIBXL_DISK_BACKEND_PHY;
    return 0;
}

int devices_prepare(struct xltd *d, libxl_domain_config *cfg,
                    struct xlt_err *err)
{
    for (int i = 0; i < cfg->num_nics; i++)
        if (devices_prepare_nic(d, &cfg->nics[i], i, err))
            return -1;
    for (int i = 0; i < cfg->num_disks; i++)
        if (devices_prepare_disk(&cfg->disks[i], err))
            return -1;
    return 0;
}
