/*
 * policy.c: what a domain may be.  Every path that makes one (create,
 * restore, a migration in) checks its name and that no running domain
 * has its UUID (the store is keyed by it).  A domain migrating in comes
 * from a peer that only knows the pool's key: the target builds it from
 * what it trusts, so a config that would make this host run something of
 * the sender's choosing as root (a hotplug script, a device model or its
 * arguments, a bootloader) or hand it this host's hardware (PCI, I/O
 * ports, memory, IRQs, USB devices) is refused, naming the key, before
 * anything is built.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int policy_incoming(const libxl_domain_config *cfg, struct xlt_err *err)
{
    if (policy_domain_name(cfg->c_info.name, err) ||
        incoming_programs(&cfg->b_info, err) ||
        incoming_hardware(cfg, err) || incoming_scripts(cfg, err))
        return -1;
    return 0;
}
