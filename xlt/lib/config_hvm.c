/*
 * config_hvm.c: the HVM platform keys that are more than one field
 * (vga, serial, viridian, firmware, ...), and the modes every type has.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "config_parse.h"

#ifndef XEN_FIRMWARE_DIR
#define XEN_FIRMWARE_DIR "/usr/lib/xen-4.17/boot"
#endif

/* xm's kernel=".../hvmloader" named the firmware, which libxl picks. */
static void drop_hvmloader_kernel(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    const char *base = b->kernel ? strrchr(b->kernel, '/') : NULL;

    base = base ? base + 1 : b->kernel;
    if (!base || strcmp(base, "hvmloader") != 0)
        return;
    config_warn(p, "kernel", "hvmloader is the default HVM firmware; "
                "ignored");
    free(b->kernel);
    b->kernel = NULL;
}

ENUM_FROM_STRING(tsc_mode, libxl_tsc_mode)
ENUM_FROM_STRING(timer_mode, libxl_timer_mode)
ENUM_FROM_STRING(hdtype, libxl_hdtype)
ENUM_FROM_STRING(vendor_device, libxl_vendor_device)
ENUM_FROM_STRING(altp2m_mode, libxl_altp2m_mode)
ENUM_FROM_STRING(gfx_passthru_kind, libxl_gfx_passthru_kind)

/* vga="stdvga|cirrus|none|qxl", or the older stdvga=0|1. */
static int parse_vga(struct parse *p)
{
    static const struct {
        const char *name;
        libxl_vga_interface_type kind;
    } kinds[] = {
        {"stdvga", LIBXL_VGA_INTERFACE_TYPE_STD},
        {"cirrus", LIBXL_VGA_INTERFACE_TYPE_CIRRUS},
        {"none", LIBXL_VGA_INTERFACE_TYPE_NONE},
        {"qxl", LIBXL_VGA_INTERFACE_TYPE_QXL},
    };
    libxl_vga_interface_info *vga = &p->cfg->b_info.u.hvm.vga;
    const char *s;
    long l;
    int rc = xlt_cfgfile_string(p->cf, "vga", &s, p->err);

    if (rc < 0)
        return rc;
    if (rc == 0) {
        for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
            if (!strcmp(s, kinds[i].name)) {
                vga->kind = kinds[i].kind;
                return 0;
            }
        }
        return xlt_cfgfile_bad(p->cf, p->err, "vga", "`%s' is not one of "
                               "stdvga, cirrus, none, qxl", s);
    }
    rc = xlt_cfgfile_long(p->cf, "stdvga", LONG_MIN, LONG_MAX, &l, p->err);
    if (rc == 0)
        vga->kind = l ? LIBXL_VGA_INTERFACE_TYPE_STD
                      : LIBXL_VGA_INTERFACE_TYPE_CIRRUS;
    return rc < 0 ? rc : 0;
}

/* serial="pty" or serial=["pty", "file:/x"]. */
static int parse_serial(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    const char *s;
    int rc = xlt_cfgfile_list_strings(p->cf, "serial", &b->u.hvm.serial_list,
                                      p->err);

    if (rc <= 0)
        return rc;
    rc = xlt_cfgfile_string(p->cf, "serial", &s, p->err);
    if (rc == 0)
        b->u.hvm.serial = strdup(s);
    return rc < 0 ? rc : 0;
}

static int parse_device_model_version(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    const char *s;
    int rc = xlt_cfgfile_string(p->cf, "device_model_version", &s, p->err);

    if (rc)
        return rc < 0 ? rc : 0;
    if (!strcmp(s, "qemu-xen"))
        b->device_model_version = LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN;
    else if (!strcmp(s, "qemu-xen-traditional"))
        b->device_model_version =
            LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN_TRADITIONAL;
    else
        return xlt_cfgfile_bad(p->cf, p->err, "device_model_version",
                               "`%s' is not one of qemu-xen, "
                               "qemu-xen-traditional", s);
    return 0;
}

/* tsc_mode and timer_mode: libxl's names (or xl's deprecated numbers). */
static int parse_named_mode(struct parse *p, const char *key, int *mode,
                            int (*from_string)(const char *, int *),
                            int min, int max, const char *names)
{
    struct xlt_err ignored;
    const char *s;
    long l;
    int rc = xlt_cfgfile_string(p->cf, key, &s, p->err);

    if (rc)
        return rc < 0 ? rc : 0;
    if (!from_string(s, mode))
        return 0;
    if (xlt_cfgfile_long(p->cf, key, min, max, &l, &ignored))
        return xlt_cfgfile_bad(p->cf, p->err, key, "`%s' is not one of %s "
                               "(or their numbers, %d to %d)", s, names, min,
                               max);
    *mode = (int)l;
    return 0;
}

static int parse_tsc_mode(struct parse *p)
{
    int mode = p->cfg->b_info.tsc_mode;
    int rc = parse_named_mode(p, "tsc_mode", &mode, tsc_mode_from_string,
                              LIBXL_TSC_MODE_DEFAULT,
                              LIBXL_TSC_MODE_NATIVE_PARAVIRT,
                              "default, always_emulate, native, "
                              "native_paravirt");

    p->cfg->b_info.tsc_mode = (libxl_tsc_mode)mode;
    return rc;
}

static int parse_timer_mode(struct parse *p)
{
    int mode = p->cfg->b_info.timer_mode;
    int rc;

    if (xlt_cfgfile_is_set(p->cf, "timer_mode") &&
        p->cfg->c_info.type == LIBXL_DOMAIN_TYPE_PV)
        return xlt_cfgfile_bad(p->cf, p->err, "timer_mode",
                               "not for PV guests");
    rc = parse_named_mode(p, "timer_mode", &mode, timer_mode_from_string,
                          LIBXL_TIMER_MODE_DELAY_FOR_MISSED_TICKS,
                          LIBXL_TIMER_MODE_ONE_MISSED_TICK_PENDING,
                          "delay_for_missed_ticks, no_delay_for_missed_ticks, "
                          "no_missed_ticks_pending, one_missed_tick_pending");
    p->cfg->b_info.timer_mode = (libxl_timer_mode)mode;
    return rc;
}

/* gfx_passthru=1|0, or the kind of graphics passthrough ("igd",
 * "default"), which turns it on. */
static int parse_gfx_passthru(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    struct xlt_err ignored;
    const char *s;
    long l;
    int kind, rc = xlt_cfgfile_string(p->cf, "gfx_passthru", &s, p->err);

    if (rc)
        return rc < 0 ? rc : 0;
    if (!xlt_cfgfile_long(p->cf, "gfx_passthru", LONG_MIN, LONG_MAX, &l,
                          &ignored)) {
        libxl_defbool_set(&b->u.hvm.gfx_passthru, l != 0);
        return 0;
    }
    if (gfx_passthru_kind_from_string(s, &kind))
        return xlt_cfgfile_bad(p->cf, p->err, "gfx_passthru", "`%s' is not "
                               "0, 1, default or igd", s);
    b->u.hvm.gfx_passthru_kind = (libxl_gfx_passthru_kind)kind;
    libxl_defbool_set(&b->u.hvm.gfx_passthru, true);
    return 0;
}

/* ms_vm_genid="generate" gives the guest a random VM generation ID (which
 * Windows reads to notice it was cloned or restored); "none", nothing.
 * libxl_ms_vm_genid_generate() would need a libxl context, which a dry run
 * has not: its 16 random bytes come from the same kernel source here. */
static int parse_ms_vm_genid(struct parse *p)
{
    libxl_ms_vm_genid *id = &p->cfg->b_info.u.hvm.ms_vm_genid;
    const char *s;
    int rc = xlt_cfgfile_string(p->cf, "ms_vm_genid", &s, p->err);

    if (rc || !strcmp(s, "none"))
        return rc < 0 ? rc : 0;
    if (strcmp(s, "generate") != 0)
        return xlt_cfgfile_bad(p->cf, p->err, "ms_vm_genid", "`%s' is not "
                               "generate or none", s);
    if (getrandom(id->bytes, sizeof(id->bytes), 0) != (ssize_t)sizeof(id->bytes))
        return xlt_cfgfile_bad(p->cf, p->err, "ms_vm_genid", "cannot read "
                               "random bytes: %s", strerror(errno));
    return 0;
}

/* viridian=1|0, or a list of enlightenments: "defaults", "all", NAME or
 * "!NAME" to take one away. */
static int parse_viridian(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    libxl_bitmap *on = &b->u.hvm.viridian_enable;
    libxl_bitmap *off = &b->u.hvm.viridian_disable;
    libxl_string_list names = NULL;
    long l;
    int rc = xlt_cfgfile_list_strings(p->cf, "viridian", &names, p->err);

    if (rc < 0)
        return rc;
    if (rc > 0) {
        rc = xlt_cfgfile_long(p->cf, "viridian", LONG_MIN, LONG_MAX, &l,
                              p->err);
        if (rc == 0)
            libxl_defbool_set(&b->u.hvm.viridian, l != 0);
        return rc < 0 ? rc : 0;
    }
    if (names[0] &&
        (xlt_bitmap_alloc(on, LIBXL_BUILDINFO_HVM_VIRIDIAN_ENABLE_DISABLE_WIDTH) ||
         xlt_bitmap_alloc(off, LIBXL_BUILDINFO_HVM_VIRIDIAN_ENABLE_DISABLE_WIDTH)))
        rc = xlt_err_set(p->err, "%s: viridian: out of memory",
                         xlt_cfgfile_path(p->cf));
    for (int i = 0; !rc && names[i]; i++) {
        const char *name = names[i] + (names[i][0] == '!');
        libxl_viridian_enlightenment v;
        bool enable = names[i][0] != '!';

        if (!strcmp(names[i], "all")) {
            libxl_bitmap_set_any(on);
        } else if (!strcmp(names[i], "defaults")) {
            libxl_defbool_set(&b->u.hvm.viridian, true);
        } else if (libxl_viridian_enlightenment_from_string(name, &v)) {
            rc = xlt_cfgfile_bad(p->cf, p->err, "viridian", "`%s' is not a "
                                 "viridian enlightenment", name);
        } else {
            libxl_bitmap_set(enable ? on : off, (int)v);
            libxl_bitmap_reset(enable ? off : on, (int)v);
        }
    }
    libxl_string_list_dispose(&names);
    return rc;
}

/* An enum key read with libxl's own NAME_from_string(). */
static int parse_enum(struct parse *p, const char *key, int *field,
                      int (*from_string)(const char *, int *),
                      const char *names)
{
    const char *s;
    int rc = xlt_cfgfile_string(p->cf, key, &s, p->err);

    if (rc)
        return rc < 0 ? rc : 0;
    if (from_string(s, field))
        return xlt_cfgfile_bad(p->cf, p->err, key, "`%s' is not one of %s",
                               s, names);
    return 0;
}

static int parse_hdtype(struct parse *p)
{
    int v = p->cfg->b_info.u.hvm.hdtype;
    int rc = parse_enum(p, "hdtype", &v, hdtype_from_string, "ide, ahci");

    p->cfg->b_info.u.hvm.hdtype = (libxl_hdtype)v;
    return rc;
}

static int parse_vendor_device(struct parse *p)
{
    int v = p->cfg->b_info.u.hvm.vendor_device;
    int rc = parse_enum(p, "vendor_device", &v, vendor_device_from_string,
                        "none, xenserver");

    p->cfg->b_info.u.hvm.vendor_device = (libxl_vendor_device)v;
    return rc;
}

/* altp2m: a mode name or its number (all guest types). */
static int parse_altp2m(struct parse *p)
{
    int mode = p->cfg->b_info.altp2m;
    int rc = parse_named_mode(p, "altp2m", &mode, altp2m_mode_from_string,
                              LIBXL_ALTP2M_MODE_DISABLED,
                              LIBXL_ALTP2M_MODE_LIMITED,
                              "disabled, mixed, external, limited");

    p->cfg->b_info.altp2m = (libxl_altp2m_mode)mode;
    return rc;
}

/* mmio_hole: MiB below 4 GiB left for MMIO, as hvmloader allows it. */
static int parse_mmio_hole(struct parse *p)
{
    long mb;
    int rc = xlt_cfgfile_long(p->cf, "mmio_hole", 256, 3840, &mb, p->err);

    if (rc == 0)
        p->cfg->b_info.u.hvm.mmio_hole_memkb = (uint64_t)mb * 1024;
    return rc < 0 ? rc : 0;
}

/* usbdevice="tablet" or usbdevice=["tablet", "mouse"]. */
static int parse_usbdevice(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    int rc = xlt_cfgfile_list_strings(p->cf, "usbdevice",
                                      &b->u.hvm.usbdevice_list, p->err);

    if (rc <= 0)
        return rc;
    return config_string(p, "usbdevice", &b->u.hvm.usbdevice);
}

/* HVM: firmware=bios|uefi|seabios|rombios|ovmf|PATH, bios=, and the two
 * overrides. */
static int parse_hvm_firmware(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    const char *s;
    int rc;

    if ((rc = config_string(p, "firmware_override", &b->u.hvm.firmware)) ||
        (rc = config_string(p, "bios_path_override",
                            &b->u.hvm.system_firmware)))
        return rc;
    rc = xlt_cfgfile_string(p->cf, "bios", &s, p->err);
    if (rc < 0)
        return rc;
    if (rc == 0 && libxl_bios_type_from_string(s, &b->u.hvm.bios))
        return xlt_cfgfile_bad(p->cf, p->err, "bios", "`%s' is not one of "
                               "rombios, seabios, ovmf", s);
    rc = xlt_cfgfile_string(p->cf, "firmware", &s, p->err);
    if (rc)
        return rc < 0 ? rc : 0;
    if (!libxl_bios_type_from_string(s, &b->u.hvm.bios))
        return 0;
    if (!strcmp(s, "uefi"))
        b->u.hvm.bios = LIBXL_BIOS_TYPE_OVMF;
    else if (strcmp(s, "bios") != 0)
        return config_string(p, "firmware", &b->u.hvm.firmware);
    return 0;
}

/* PV and PVH: firmware=pvgrub32|pvgrub64 names Xen's PV GRUB as kernel. */
static int parse_pv_firmware(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    const char *s;
    int rc = xlt_cfgfile_string(p->cf, "firmware", &s, p->err);

    if (rc)
        return rc < 0 ? rc : 0;
    if (b->kernel)
        return xlt_cfgfile_bad(p->cf, p->err, "firmware", "kernel= is set "
                               "too; give one of them");
    if (strcmp(s, "pvgrub32") != 0 && strcmp(s, "pvgrub64") != 0)
        return xlt_cfgfile_bad(p->cf, p->err, "firmware", "`%s' is not one "
                               "of pvgrub32, pvgrub64", s);
    if (asprintf(&b->kernel, "%s/%s.bin", XEN_FIRMWARE_DIR, s) < 0) {
        b->kernel = NULL;
        return xlt_err_set(p->err, "%s: firmware: out of memory",
                           xlt_cfgfile_path(p->cf));
    }
    return 0;
}

int config_parse_firmware(struct parse *p)
{
    if (p->cfg->c_info.type == LIBXL_DOMAIN_TYPE_HVM)
        return parse_hvm_firmware(p);
    return parse_pv_firmware(p);
}

/* Keys for HVM guests only; others ignore them, with a warning. */
static const char *const hvm_only_keys[] = {
    "vga", "stdvga", "serial", "viridian", "hdtype", "vendor_device",
    "mmio_hole", "usbdevice", "bios", "firmware_override",
    "bios_path_override", "gfx_passthru", "ms_vm_genid",
};

int config_parse_hvm(struct parse *p)
{
    static int (*const keys[])(struct parse *) = {
        parse_vga, parse_serial, parse_viridian, parse_hdtype,
        parse_vendor_device, parse_mmio_hole, parse_usbdevice,
        parse_gfx_passthru, parse_ms_vm_genid,
    };
    int rc;

    if ((rc = parse_device_model_version(p)) || (rc = parse_tsc_mode(p)) ||
        (rc = parse_timer_mode(p)) || (rc = parse_altp2m(p)))
        return rc;
    if (p->cfg->c_info.type != LIBXL_DOMAIN_TYPE_HVM) {
        for (size_t i = 0; i < ARRAY_LEN(hvm_only_keys); i++)
            if (xlt_cfgfile_is_set(p->cf, hvm_only_keys[i]))
                config_warn(p, hvm_only_keys[i], "only for HVM guests, "
                            "ignored");
        return 0;
    }
    drop_hvmloader_kernel(p);
    for (size_t i = 0; i < ARRAY_LEN(keys); i++)
        if ((rc = keys[i](p)))
            return rc;
    return 0;
}
