/*
 * policy.c: what a domain may be.  Every path that makes one (create,
 * restore, a migration in) checks its name and that no running domain
 * has its UUID (the store is keyed by it).  A domain migrating in comes
 * from a peer that only knows the pool's key: the target builds it from
 * what it trusts, so a config that would make this host run something of
 * the sender's choosing as root (a hotplug script, a device model or its
 * arguments, a bootloader) or hand it this host's hardware (PCI, I/O
 * ports, memory, IRQs, USB devices) is refused, naming the key, before
 * anything is built.  What the guest may read or write of this host's
 * is xlt.conf's: its kernel, ramdisk and firmware come from
 * migrate_boot_dirs and are readable by everyone here (a file dom0 keeps
 * private, an initramfs holding a disk's key say, stays private); its
 * disks are LVs of migrate_volume_groups or under migrate_disk_dirs; a
 * serial port writes no file of dom0's; no dom0 directory is shared.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core.h"

/* Room for NAME in a core dump's file name (NAME-TIME.core). */
#define NAME_MAX_LEN 128

int policy_domain_name(const char *name, struct xlt_err *err)
{
    size_t len = name ? strlen(name) : 0;

    if (!len)
        return xlt_err_set(err, "the domain has no name");
    if (len > NAME_MAX_LEN)
        return xlt_err_set(err, "the domain's name is %zu characters long "
                           "(at most %d)", len, NAME_MAX_LEN);
    for (size_t i = 0; i < len; i++)
        if (name[i] == '/' || (unsigned char)name[i] < 0x20)
            return xlt_err_set(err, "the domain's name `%.40s%s' has a `/' "
                               "or a control character", name,
                               len > 40 ? "..." : "");
    return 0;
}

int policy_uuid_free(struct xltd *d, const libxl_uuid *uuid,
                     const char *sender, struct xlt_err *err)
{
    libxl_dominfo *info;
    int n = 0, rc = 0;
    char *name;

    if (libxl_uuid_is_nil(uuid))
        return 0;
    info = libxl_list_domain(d->ctx, &n);
    for (int i = 0; info && i < n && !rc; i++) {
        if (libxl_uuid_compare(&info[i].uuid, uuid) != 0)
            continue;
        name = libxl_domid_to_name(d->ctx, info[i].domid);
        if (!sender || !name || strcmp(name, sender) != 0)
            rc = xlt_err_set(err, "domain %u (%s) has UUID " LIBXL_UUID_FMT
                             " already", info[i].domid, name ? name : "?",
                             LIBXL_UUID_BYTES(*uuid));
        free(name);
    }
    if (info)
        libxl_dominfo_list_free(info, n);
    return rc;
}

/* ---- a domain migrating in ------------------------------------------------ */

static int refuse(struct xlt_err *err, const char *key, const char *what)
{
    return xlt_err_set(err, "%s: %s is this host's to choose; refused", key,
                       what);
}

/* Hotplug scripts run as root here: only xlt's own (devices_prepare
 * then names this host's). */
static int incoming_scripts(const libxl_domain_config *cfg,
                            struct xlt_err *err)
{
    char key[32];

    for (int i = 0; i < cfg->num_nics; i++) {
        if (!devices_script_is_xlts(cfg->nics[i].script, "vif-bridge")) {
            snprintf(key, sizeof(key), "vif %d", i);
            return refuse(err, key, "its hotplug script");
        }
    }
    for (int i = 0; i < cfg->num_disks; i++) {
        if (!devices_script_is_xlts(cfg->disks[i].script, "block-lvm")) {
            snprintf(key, sizeof(key), "disk %d", i);
            return refuse(err, key, "its hotplug script");
        }
    }
    return 0;
}

/* What runs in dom0 for the domain: the device model and the bootloader. */
static int incoming_programs(const libxl_domain_build_info *b,
                             struct xlt_err *err)
{
    if (b->device_model)
        return refuse(err, "device_model_override", "the device model");
    if (b->extra || b->extra_pv || b->extra_hvm)
        return refuse(err, "device_model_args", "the device model's "
                      "command line");
    if (b->stubdomain_kernel || b->stubdomain_ramdisk)
        return refuse(err, "stubdomain_kernel", "the stub domain's kernel");
    if (b->bootloader ||
        (b->type == LIBXL_DOMAIN_TYPE_PV && b->u.pv.bootloader))
        return refuse(err, "bootloader", "a program run in dom0");
    if (b->device_model_user)
        return refuse(err, "device_model_user", "the device model's user");
    return 0;
}

/* This host's hardware, given to the guest. */
static int incoming_hardware(const libxl_domain_config *cfg,
                             struct xlt_err *err)
{
    const libxl_domain_build_info *b = &cfg->b_info;

    if (cfg->num_pcidevs || cfg->num_dtdevs)
        return refuse(err, "pci", "passing its devices through");
    if (b->num_ioports)
        return refuse(err, "ioports", "passing its I/O ports through");
    if (b->num_iomem)
        return refuse(err, "iomem", "passing its memory through");
    if (b->num_irqs)
        return refuse(err, "irqs", "passing its IRQs through");
    if (cfg->num_usbdevs)
        return refuse(err, "usbdev", "passing its USB devices through");
    for (int i = 0; i < cfg->num_channels; i++)
        if (cfg->channels[i].connection == LIBXL_CHANNEL_CONNECTION_SOCKET)
            return refuse(err, "channel", "a socket path in dom0");
    return 0;
}

/* ---- files and disks of this host's ---------------------------------- */

/* PATH is absolute, with no `.' or `..' part. */
static bool plain_absolute(const char *path)
{
    const char *part = path;

    if (path[0] != '/')
        return false;
    while ((part = strstr(part, "/."))) {
        part += 2;
        if (*part == '/' || *part == '\0' ||
            (*part == '.' && (part[1] == '/' || part[1] == '\0')))
            return false;
    }
    return true;
}

/* PATH is plain and absolute, and under one of DIRS. */
static bool path_in(const char *path, char *const *dirs)
{
    size_t len = strlen(path);

    if (!plain_absolute(path))
        return false;
    for (int i = 0; dirs && dirs[i]; i++) {
        size_t n = strlen(dirs[i]);
        while (n > 0 && dirs[i][n - 1] == '/')
            n--;
        if (n < len && !strncmp(path, dirs[i], n) && path[n] == '/')
            return true;
    }
    return false;
}

/* PATH under one of DIRS, lexically and, if it is here, once its links
 * are resolved (into REAL, "" if it is not here).  A PATH that is not
 * here is judged by its directory's real place; a link that leads
 * nowhere is not in DIRS. */
static bool here_in(const char *path, char *const *dirs,
                    char real[PATH_MAX])
{
    char dir[PATH_MAX], where[PATH_MAX + NAME_MAX + 2];
    const char *base = strrchr(path, '/');
    struct stat st;

    real[0] = '\0';
    if (!path_in(path, dirs))
        return false;
    if (realpath(path, real))
        return path_in(real, dirs);
    real[0] = '\0';
    if (!lstat(path, &st))
        return false; /* there, but leads nowhere */
    snprintf(dir, sizeof(dir), "%.*s", (int)(base - path), path);
    if (!realpath(dir, where))
        return true; /* not here (yet): a reboot would fail, nothing more */
    snprintf(where + strlen(where), sizeof(where) - strlen(where), "%s",
             base);
    return path_in(where, dirs);
}

/* A file the guest boots from (KEY: kernel, ramdisk, ...). */
static int incoming_boot_file(const struct migrate_conf *m, const char *key,
                              const char *path, struct xlt_err *err)
{
    char real[PATH_MAX];
    struct stat st;

    if (!path || !*path)
        return 0;
    if (!here_in(path, m->boot_dirs, real))
        return xlt_err_set(err, "%s: %s is not in a directory "
                           "migrate_boot_dirs names (xlt.conf); refused", key,
                           path);
    if (real[0] && (stat(real, &st) || !S_ISREG(st.st_mode) ||
                    !(st.st_mode & S_IROTH)))
        return xlt_err_set(err, "%s: %s is not a file everyone here may "
                           "read; refused", key, path);
    return 0;
}

static int incoming_boot_files(const struct migrate_conf *m,
                               const libxl_domain_build_info *b,
                               struct xlt_err *err)
{
    bool pv = b->type == LIBXL_DOMAIN_TYPE_PV;
    bool hvm = b->type == LIBXL_DOMAIN_TYPE_HVM;
    const struct {
        const char *key, *path;
    } files[] = {
        {"kernel", b->kernel},
        {"ramdisk", b->ramdisk},
        {"device_tree", b->device_tree},
        {"kernel", pv ? b->u.pv.kernel : NULL},
        {"ramdisk", pv ? b->u.pv.ramdisk : NULL},
        {"firmware", hvm ? b->u.hvm.system_firmware : NULL},
        {"smbios_firmware", hvm ? b->u.hvm.smbios_firmware : NULL},
        {"acpi_firmware", hvm ? b->u.hvm.acpi_firmware : NULL},
    };

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        if (incoming_boot_file(m, files[i].key, files[i].path, err))
            return -1;
    return 0;
}

static bool listed(char *const *list, const char *s)
{
    for (int i = 0; list && list[i]; i++)
        if (!strcmp(list[i], s))
            return true;
    return false;
}

/* Disk I: an LV of a volume group M names, or under M's disk_dirs. */
static int incoming_disk(const struct migrate_conf *m,
                         const libxl_device_disk *disk, int i,
                         struct xlt_err *err)
{
    const char *path = disk->pdev_path;
    char real[PATH_MAX];
    struct xlt_lv lv;

    if (!path || !*path) /* an empty CD-ROM drive */
        return 0;
    if (devices_lv_path(path, &lv) && plain_absolute(path)) {
        if (listed(m->volume_groups, lv.vg))
            return 0;
        return xlt_err_set(err, "disk %d: %s is an LV of volume group "
                           "`%s', which migrate_volume_groups (xlt.conf) "
                           "does not name; refused", i, path, lv.vg);
    }
    if (here_in(path, m->disk_dirs, real))
        return 0;
    return xlt_err_set(err, "disk %d: %s is neither an LV of a volume group "
                       "migrate_volume_groups names nor in a directory "
                       "migrate_disk_dirs names (xlt.conf); refused", i, path);
}

/* A serial port that writes no file and opens no socket or device of
 * dom0's. */
static bool serial_harmless(const char *serial)
{
    static char *const harmless[] = {"pty", "none", "null", "vc", "stdio",
                                     NULL};

    return listed(harmless, serial);
}

/* What the device model writes or shares of dom0's. */
static int incoming_dom0_files(const libxl_domain_config *cfg,
                               struct xlt_err *err)
{
    const libxl_domain_build_info *b = &cfg->b_info;

    if (cfg->num_p9s)
        return refuse(err, "p9", "sharing a directory of dom0's");
    if (b->type != LIBXL_DOMAIN_TYPE_HVM)
        return 0;
    if (b->u.hvm.serial && !serial_harmless(b->u.hvm.serial))
        return refuse(err, "serial", "where a serial port goes");
    for (int i = 0; b->u.hvm.serial_list && b->u.hvm.serial_list[i]; i++)
        if (!serial_harmless(b->u.hvm.serial_list[i]))
            return refuse(err, "serial", "where a serial port goes");
    return 0;
}

int policy_incoming(const struct migrate_conf *m,
                    const libxl_domain_config *cfg, struct xlt_err *err)
{
    if (policy_domain_name(cfg->c_info.name, err) ||
        incoming_programs(&cfg->b_info, err) ||
        incoming_hardware(cfg, err) || incoming_scripts(cfg, err) ||
        incoming_boot_files(m, &cfg->b_info, err) ||
        incoming_dom0_files(cfg, err))
        return -1;
    for (int i = 0; i < cfg->num_disks; i++)
        if (incoming_disk(m, &cfg->disks[i], i, err))
            return -1;
    return 0;
}
