/*
 * config.c: an xl.cfg file -> libxl_domain_config.
 *
 * libxlutil reads the file; each key is mapped by one small function that
 * reports a bad value as "FILE:LINE: KEY: what is wrong".  Defaults follow
 * xl(1), so that `xlt create -n` and `xl create -n` agree.
 */
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlt.h"

struct parse {
    struct xlt_cfgfile *cf;
    libxl_domain_config *cfg;
    FILE *warn;
    struct xlt_err *err;
    long vcpus; /* vcpus= (online at boot), 0 if not given */
};

/* Largest memory= / maxmem= in MiB that still fits libxl's kB fields. */
#define MAX_MEM_MB (LONG_MAX / 1024)
#define MAX_VCPUS 4096

/* ---- identity ---------------------------------------------------------- */

static int parse_type(struct parse *p)
{
    static const struct {
        const char *name;
        libxl_domain_type type;
    } types[] = {
        {"pv", LIBXL_DOMAIN_TYPE_PV},
        {"pvh", LIBXL_DOMAIN_TYPE_PVH},
        {"hvm", LIBXL_DOMAIN_TYPE_HVM},
    };
    libxl_domain_create_info *c = &p->cfg->c_info;
    const char *s;
    size_t i;
    int rc = xlt_cfgfile_string(p->cf, "type", &s, p->err);

    if (rc < 0)
        return rc;
    if (rc > 0)
        return 0;
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (!strcmp(s, types[i].name)) {
            c->type = types[i].type;
            return 0;
        }
    }
    return xlt_cfgfile_bad(p->cf, p->err, "type",
                           "`%s' is not one of pv, pvh, hvm", s);
}

/* xm's builder= ("hvm", or "generic"/"linux" for PV), deprecated by type=. */
static int parse_builder(struct parse *p)
{
    libxl_domain_create_info *c = &p->cfg->c_info;
    libxl_domain_type t;
    const char *s;
    int rc = xlt_cfgfile_string(p->cf, "builder", &s, p->err);

    if (rc < 0)
        return rc;
    if (rc > 0)
        return 0;
    if (!strcmp(s, "hvm"))
        t = LIBXL_DOMAIN_TYPE_HVM;
    else if (!strcmp(s, "generic") || !strcmp(s, "linux"))
        t = LIBXL_DOMAIN_TYPE_PV;
    else
        return xlt_cfgfile_bad(p->cf, p->err, "builder",
                               "`%s' is not one of hvm, generic, linux", s);
    if (c->type != LIBXL_DOMAIN_TYPE_INVALID && c->type != t)
        return xlt_cfgfile_bad(p->cf, p->err, "builder",
                               "`%s' contradicts type=`%s'", s,
                               libxl_domain_type_to_string(c->type));
    c->type = t;
    return 0;
}

static int parse_name(struct parse *p)
{
    const char *s;
    int rc = xlt_cfgfile_string(p->cf, "name", &s, p->err);

    if (rc < 0)
        return rc;
    if (rc > 0)
        return xlt_err_set(p->err, "%s: name: a domain needs a name",
                           xlt_cfgfile_path(p->cf));
    if (!*s)
        return xlt_cfgfile_bad(p->cf, p->err, "name", "must not be empty");
    if (strchr(s, '/'))
        return xlt_cfgfile_bad(p->cf, p->err, "name",
                               "`%s' must not contain '/'", s);
    p->cfg->c_info.name = strdup(s);
    return 0;
}

static int parse_uuid(struct parse *p)
{
    libxl_domain_create_info *c = &p->cfg->c_info;
    const char *s;
    int rc = xlt_cfgfile_string(p->cf, "uuid", &s, p->err);

    if (rc < 0)
        return rc;
    if (rc > 0) {
        libxl_uuid_generate(&c->uuid);
        return 0;
    }
    if (libxl_uuid_from_string(&c->uuid, s))
        return xlt_cfgfile_bad(p->cf, p->err, "uuid",
                               "`%s' is not a UUID", s);
    return 0;
}

/* ---- boot ------------------------------------------------------------- */

static int parse_path_key(struct parse *p, const char *key, char **field)
{
    const char *s;
    int rc = xlt_cfgfile_string(p->cf, key, &s, p->err);

    if (rc < 0)
        return rc;
    if (rc > 0)
        return 0;
    if (!*s)
        return xlt_cfgfile_bad(p->cf, p->err, key, "must not be empty");
    free(*field);
    *field = strdup(s);
    return 0;
}

static int parse_kernel(struct parse *p)
{
    return parse_path_key(p, "kernel", &p->cfg->b_info.kernel);
}

static int parse_ramdisk(struct parse *p)
{
    return parse_path_key(p, "ramdisk", &p->cfg->b_info.ramdisk);
}

/* cmdline= wins over root= and extra=, which combine as "root=R E". */
static int parse_cmdline(struct parse *p)
{
    const char *cmdline = NULL, *root = NULL, *extra = NULL;
    char *joined = NULL;
    int rc;

    if ((rc = xlt_cfgfile_string(p->cf, "cmdline", &cmdline, p->err)) < 0 ||
        (rc = xlt_cfgfile_string(p->cf, "root", &root, p->err)) < 0 ||
        (rc = xlt_cfgfile_string(p->cf, "extra", &extra, p->err)) < 0)
        return rc;
    if (cmdline) {
        if ((root || extra) && p->warn)
            fprintf(p->warn, "%s:%d: warning: root= and extra= are ignored "
                    "in favour of cmdline=\n", xlt_cfgfile_path(p->cf),
                    xlt_cfgfile_line(p->cf, "cmdline"));
        joined = strdup(cmdline);
    } else if (root && extra) {
        if (asprintf(&joined, "root=%s %s", root, extra) < 0)
            joined = NULL;
    } else if (root) {
        if (asprintf(&joined, "root=%s", root) < 0)
            joined = NULL;
    } else if (extra) {
        joined = strdup(extra);
    }
    p->cfg->b_info.cmdline = joined;
    return 0;
}

/* ---- memory and CPUs -------------------------------------------------- */

static int parse_mem_key(struct parse *p, const char *key, uint64_t *kb)
{
    long mb;
    int rc = xlt_cfgfile_long(p->cf, key, 1, MAX_MEM_MB, &mb, p->err);

    if (rc == 0)
        *kb = (uint64_t)mb * 1024;
    return rc < 0 ? rc : 0;
}

static int parse_memory(struct parse *p)
{
    return parse_mem_key(p, "memory", &p->cfg->b_info.target_memkb);
}

static int parse_maxmem(struct parse *p)
{
    return parse_mem_key(p, "maxmem", &p->cfg->b_info.max_memkb);
}

/* libxl_bitmap_alloc() needs a libxl context, which a dry run (and the unit
 * tests) do not have; a libxl_bitmap is a plain calloc'd byte array that
 * libxl_bitmap_dispose() frees. */
static int bitmap_alloc(libxl_bitmap *map, int bits)
{
    libxl_bitmap_dispose(map);
    libxl_bitmap_init(map);
    map->map = calloc((size_t)(bits + 7) / 8, 1);
    if (!map->map)
        return -1;
    map->size = (uint32_t)(bits + 7) / 8;
    return 0;
}

static int parse_vcpus(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    long n;
    int rc = xlt_cfgfile_long(p->cf, "vcpus", 1, MAX_VCPUS, &n, p->err);

    if (rc)
        return rc < 0 ? rc : 0;
    if (bitmap_alloc(&b->avail_vcpus, (int)n))
        return xlt_err_set(p->err, "%s: vcpus: out of memory",
                           xlt_cfgfile_path(p->cf));
    for (long i = 0; i < n; i++)
        libxl_bitmap_set(&b->avail_vcpus, (int)i);
    p->vcpus = n;
    return 0;
}

static int parse_maxvcpus(struct parse *p)
{
    long n;
    int rc = xlt_cfgfile_long(p->cf, "maxvcpus", 1, MAX_VCPUS, &n, p->err);

    if (rc == 0)
        p->cfg->b_info.max_vcpus = (int)n;
    return rc < 0 ? rc : 0;
}

/* ---- actions ---------------------------------------------------------- */

static int parse_action(struct parse *p, const char *key, const char *dflt,
                        libxl_action_on_shutdown *action)
{
    static const struct {
        const char *name;
        libxl_action_on_shutdown action;
    } actions[] = {
        {"destroy", LIBXL_ACTION_ON_SHUTDOWN_DESTROY},
        {"restart", LIBXL_ACTION_ON_SHUTDOWN_RESTART},
        {"rename-restart", LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME},
        {"preserve", LIBXL_ACTION_ON_SHUTDOWN_PRESERVE},
        {"coredump-destroy", LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY},
        {"coredump-restart", LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART},
        {"soft-reset", LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET},
    };
    const char *s;
    size_t i;
    int rc = xlt_cfgfile_string(p->cf, key, &s, p->err);

    if (rc < 0)
        return rc;
    if (rc > 0)
        s = dflt;
    for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
        if (!strcmp(s, actions[i].name)) {
            *action = actions[i].action;
            return 0;
        }
    }
    return xlt_cfgfile_bad(p->cf, p->err, key,
                           "`%s' is not one of destroy, restart, "
                           "rename-restart, preserve, coredump-destroy, "
                           "coredump-restart, soft-reset", s);
}

static int parse_on_poweroff(struct parse *p)
{
    return parse_action(p, "on_poweroff", "destroy", &p->cfg->on_poweroff);
}

static int parse_on_reboot(struct parse *p)
{
    return parse_action(p, "on_reboot", "restart", &p->cfg->on_reboot);
}

static int parse_on_watchdog(struct parse *p)
{
    return parse_action(p, "on_watchdog", "destroy", &p->cfg->on_watchdog);
}

static int parse_on_crash(struct parse *p)
{
    return parse_action(p, "on_crash", "destroy", &p->cfg->on_crash);
}

static int parse_on_soft_reset(struct parse *p)
{
    return parse_action(p, "on_soft_reset", "soft-reset",
                        &p->cfg->on_soft_reset);
}

/* ---- keys that set one field ------------------------------------------ */

enum field_kind {
    F_DEFBOOL, /* a number; non-zero is true (libxl_defbool) */
    F_STRING,  /* char * */
    F_INT,     /* int */
    F_U32,     /* uint32_t */
    F_MB_KB,   /* a size in MiB into a uint64_t in KiB */
};

#define CFG_FIELD(f) offsetof(libxl_domain_config, f)

enum key_scope {
    ANY_TYPE,
    HVM_ONLY,     /* a field of b_info.u.hvm: other types ignore the key */
    HVM_ELSE_VFB, /* the same, but for PV xl makes a vfb device of it, which
                   * xlt does not do yet: an error there */
};

static const struct field_key {
    const char *key;
    enum field_kind kind;
    size_t offset;
    enum key_scope scope;
} field_keys[] = {
    {"oos", F_DEFBOOL, CFG_FIELD(c_info.oos), ANY_TYPE},
    {"hap", F_DEFBOOL, CFG_FIELD(c_info.hap), ANY_TYPE},
    {"driver_domain", F_DEFBOOL, CFG_FIELD(c_info.driver_domain), ANY_TYPE},
    {"pool", F_STRING, CFG_FIELD(c_info.pool_name), ANY_TYPE},
    {"bootloader", F_STRING, CFG_FIELD(b_info.bootloader), ANY_TYPE},
    {"cpu_weight", F_INT, CFG_FIELD(b_info.sched_params.weight), ANY_TYPE},
    {"cap", F_INT, CFG_FIELD(b_info.sched_params.cap), ANY_TYPE},
    {"acpi", F_DEFBOOL, CFG_FIELD(b_info.acpi), ANY_TYPE},
    {"nomigrate", F_DEFBOOL, CFG_FIELD(b_info.disable_migrate), ANY_TYPE},
    {"localtime", F_DEFBOOL, CFG_FIELD(b_info.localtime), ANY_TYPE},
    {"nestedhvm", F_DEFBOOL, CFG_FIELD(b_info.nested_hvm), ANY_TYPE},
    {"dm_restrict", F_DEFBOOL, CFG_FIELD(b_info.dm_restrict), ANY_TYPE},
    {"rtc_timeoffset", F_U32, CFG_FIELD(b_info.rtc_timeoffset), ANY_TYPE},
    {"max_event_channels", F_U32, CFG_FIELD(b_info.event_channels), ANY_TYPE},
    {"videoram", F_MB_KB, CFG_FIELD(b_info.video_memkb), ANY_TYPE},
    {"shadow_memory", F_MB_KB, CFG_FIELD(b_info.shadow_memkb), ANY_TYPE},
    {"pae", F_DEFBOOL, CFG_FIELD(b_info.u.hvm.pae), HVM_ONLY},
    {"acpi_s3", F_DEFBOOL, CFG_FIELD(b_info.u.hvm.acpi_s3), HVM_ONLY},
    {"acpi_s4", F_DEFBOOL, CFG_FIELD(b_info.u.hvm.acpi_s4), HVM_ONLY},
    {"acpi_laptop_slate", F_DEFBOOL,
     CFG_FIELD(b_info.u.hvm.acpi_laptop_slate), HVM_ONLY},
    {"nx", F_DEFBOOL, CFG_FIELD(b_info.u.hvm.nx), HVM_ONLY},
    {"hpet", F_DEFBOOL, CFG_FIELD(b_info.u.hvm.hpet), HVM_ONLY},
    {"vpt_align", F_DEFBOOL, CFG_FIELD(b_info.u.hvm.vpt_align), HVM_ONLY},
    {"apic", F_DEFBOOL, CFG_FIELD(b_info.apic), HVM_ONLY},
    {"nographic", F_DEFBOOL, CFG_FIELD(b_info.u.hvm.nographic), HVM_ONLY},
    {"usb", F_DEFBOOL, CFG_FIELD(b_info.u.hvm.usb), HVM_ONLY},
    {"boot", F_STRING, CFG_FIELD(b_info.u.hvm.boot), HVM_ONLY},
    {"keymap", F_STRING, CFG_FIELD(b_info.u.hvm.keymap), HVM_ELSE_VFB},
    {"vnc", F_DEFBOOL, CFG_FIELD(b_info.u.hvm.vnc.enable), HVM_ELSE_VFB},
    {"vnclisten", F_STRING, CFG_FIELD(b_info.u.hvm.vnc.listen), HVM_ELSE_VFB},
    {"vncpasswd", F_STRING, CFG_FIELD(b_info.u.hvm.vnc.passwd), HVM_ELSE_VFB},
    {"vncdisplay", F_INT, CFG_FIELD(b_info.u.hvm.vnc.display), HVM_ELSE_VFB},
    {"vncunused", F_DEFBOOL, CFG_FIELD(b_info.u.hvm.vnc.findunused), HVM_ELSE_VFB},
    {"sdl", F_DEFBOOL, CFG_FIELD(b_info.u.hvm.sdl.enable), HVM_ELSE_VFB},
    {"opengl", F_DEFBOOL, CFG_FIELD(b_info.u.hvm.sdl.opengl), HVM_ELSE_VFB},
    {"display", F_STRING, CFG_FIELD(b_info.u.hvm.sdl.display), HVM_ELSE_VFB},
    {"xauthority", F_STRING, CFG_FIELD(b_info.u.hvm.sdl.xauthority), HVM_ELSE_VFB},
};

static int set_field(struct parse *p, const struct field_key *k, void *field)
{
    const char *text;
    long v;
    int rc;

    if (k->kind == F_STRING) {
        rc = xlt_cfgfile_string(p->cf, k->key, &text, p->err);
        if (rc == 0) {
            free(*(char **)field);
            *(char **)field = strdup(text);
        }
        return rc < 0 ? rc : 0;
    }
    rc = xlt_cfgfile_long(p->cf, k->key,
                          /* negative U32s wrap, as xl lets them */
                          k->kind == F_MB_KB ? 0 : INT_MIN,
                          k->kind == F_MB_KB ? MAX_MEM_MB
                          : k->kind == F_U32 ? (long)UINT32_MAX : INT_MAX,
                          &v, p->err);
    if (rc)
        return rc < 0 ? rc : 0;
    switch (k->kind) {
    case F_DEFBOOL:
        libxl_defbool_set(field, v != 0);
        break;
    case F_INT:
        *(int *)field = (int)v;
        break;
    case F_U32:
        *(uint32_t *)field = (uint32_t)v;
        break;
    default:
        *(uint64_t *)field = (uint64_t)v * 1024;
        break;
    }
    return 0;
}

static int parse_field_keys(struct parse *p)
{
    bool hvm = p->cfg->c_info.type == LIBXL_DOMAIN_TYPE_HVM;

    for (size_t i = 0; i < sizeof(field_keys) / sizeof(*field_keys); i++) {
        const struct field_key *k = &field_keys[i];
        if (!xlt_cfgfile_is_set(p->cf, k->key))
            continue;
        if (k->scope == HVM_ELSE_VFB && !hvm)
            return xlt_cfgfile_bad(p->cf, p->err, k->key,
                                   "not supported by xlt yet for %s guests "
                                   "(xl makes a vfb device)",
                                   libxl_domain_type_to_string(
                                       p->cfg->c_info.type));
        if (k->scope == HVM_ONLY && !hvm) {
            if (p->warn)
                fprintf(p->warn, "%s:%d: warning: %s: only for HVM guests, "
                        "ignored\n", xlt_cfgfile_path(p->cf),
                        xlt_cfgfile_line(p->cf, k->key), k->key);
            continue;
        }
        if (set_field(p, k, (char *)p->cfg + k->offset))
            return -1;
    }
    return 0;
}

/* ---- HVM keys with more than one form ---------------------------------- */

/* xm's kernel=".../hvmloader" named the firmware, which libxl picks. */
static void drop_hvmloader_kernel(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    const char *base = b->kernel ? strrchr(b->kernel, '/') : NULL;

    base = base ? base + 1 : b->kernel;
    if (!base || strcmp(base, "hvmloader") != 0)
        return;
    if (p->warn)
        fprintf(p->warn, "%s:%d: warning: kernel: hvmloader is the default "
                "HVM firmware; ignored\n", xlt_cfgfile_path(p->cf),
                xlt_cfgfile_line(p->cf, "kernel"));
    free(b->kernel);
    b->kernel = NULL;
}

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

static int tsc_from_string(const char *s, int *mode)
{
    libxl_tsc_mode m;
    int rc = libxl_tsc_mode_from_string(s, &m);

    *mode = (int)m;
    return rc;
}

static int timer_from_string(const char *s, int *mode)
{
    libxl_timer_mode m;
    int rc = libxl_timer_mode_from_string(s, &m);

    *mode = (int)m;
    return rc;
}

static int parse_tsc_mode(struct parse *p)
{
    int mode = p->cfg->b_info.tsc_mode;
    int rc = parse_named_mode(p, "tsc_mode", &mode, tsc_from_string,
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
    rc = parse_named_mode(p, "timer_mode", &mode, timer_from_string,
                          LIBXL_TIMER_MODE_DELAY_FOR_MISSED_TICKS,
                          LIBXL_TIMER_MODE_ONE_MISSED_TICK_PENDING,
                          "delay_for_missed_ticks, no_delay_for_missed_ticks, "
                          "no_missed_ticks_pending, one_missed_tick_pending");
    p->cfg->b_info.timer_mode = (libxl_timer_mode)mode;
    return rc;
}

/* The HVM-only keys that are more than one field. */
static int parse_hvm_keys(struct parse *p)
{
    static const char *const keys[] = {"vga", "stdvga", "serial"};
    int rc;

    if (p->cfg->c_info.type != LIBXL_DOMAIN_TYPE_HVM) {
        for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
            if (xlt_cfgfile_is_set(p->cf, keys[i]) && p->warn)
                fprintf(p->warn, "%s:%d: warning: %s: only for HVM guests, "
                        "ignored\n", xlt_cfgfile_path(p->cf),
                        xlt_cfgfile_line(p->cf, keys[i]), keys[i]);
        return 0;
    }
    drop_hvmloader_kernel(p);
    if ((rc = parse_vga(p)) || (rc = parse_serial(p)))
        return rc;
    return 0;
}

/* ---- keys xlt does not map ------------------------------------------ */

/* Keys this file maps (each by a function above). */
static const char *const mapped_keys[] = {
    "name", "uuid", "type", "builder", "kernel", "ramdisk", "cmdline", "root",
    "extra", "memory", "maxmem", "vcpus", "maxvcpus", "on_poweroff",
    "on_reboot", "on_watchdog", "on_crash", "on_soft_reset",
    "device_model_version", "tsc_mode", "timer_mode", "vga", "stdvga",
    "serial",
};

/* The rest of xl.cfg(5): a file that sets one of these must not become a
 * domain without it (a guest without its disk, say), so they are errors
 * until they are mapped. */
static const char *const xl_only_keys[] = {
    "acpi_firmware", "altp2m", "altp2mhvm", "bios", "bios_path_override",
    "bootloader_args", "channel", "cpuid", "cpus", "cpus_soft",
    "device_model", "device_model_args", "device_model_args_hvm",
    "device_model_args_pv", "device_model_override",
    "device_model_stubdomain_override", "device_model_stubdomain_seclabel",
    "device_model_user", "device_tree", "disk", "dtdev", "e820_host",
    "extratime", "firmware", "firmware_override", "gfx_passthru",
    "gic_version", "hdtype", "init_seclabel", "iomem", "ioports", "irqs",
    "latency", "max_grant_frames", "max_grant_version", "max_maptrack_frames",
    "mca_caps", "mmio_hole", "ms_vm_genid", "msr_relaxed", "p9",
    "passthrough", "pci", "pci_msitranslate", "pci_permissive",
    "pci_power_mgmt", "pci_seize", "period", "pvcalls", "pvshim",
    "pvshim_cmdline", "pvshim_extra", "pvshim_path", "rdm",
    "rdm_mem_boundary", "seclabel", "slice", "smbios_firmware", "soundhw",
    "spice", "spice_clipboard_sharing", "spice_image_compression",
    "spice_streaming_video", "spiceagent_mouse", "spicedisable_ticketing",
    "spicehost", "spicepasswd", "spiceport", "spicetls_port",
    "spiceusbredirection", "spicevdagent", "stubdomain_cmdline",
    "stubdomain_kernel", "stubdomain_memory", "stubdomain_ramdisk", "tee",
    "usbctrl", "usbdev", "usbdevice", "usbversion", "vcpu_hard_affinity",
    "vdispl", "vendor_device", "vfb", "vif", "vif2", "viridian", "vkb",
    "vkb_device", "vmtrace_buf_kb", "vncviewer", "vnuma", "vpmu", "vsnd",
    "vtpm", "vuart", "xen_platform_pci", "xend_suspend_evtchn_compat",
};

static bool in_list(const char *key, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(key, list[i]))
            return true;
    return false;
}

/* Judge KEY, which the file sets. */
static int check_key(struct parse *p, const char *key)
{
    if (in_list(key, mapped_keys, sizeof(mapped_keys) / sizeof(*mapped_keys)))
        return 0;
    for (size_t i = 0; i < sizeof(field_keys) / sizeof(*field_keys); i++)
        if (!strcmp(key, field_keys[i].key))
            return 0;
    if (in_list(key, xl_only_keys,
                sizeof(xl_only_keys) / sizeof(*xl_only_keys)))
        return xlt_cfgfile_bad(p->cf, p->err, key, "not supported by xlt "
                               "yet (xl supports it)");
    if (p->warn)
        fprintf(p->warn, "%s:%d: warning: %s: unknown key, ignored\n",
                xlt_cfgfile_path(p->cf), xlt_cfgfile_line(p->cf, key), key);
    return 0;
}

/* Every key the file sets.  libxlutil offers no way to list them, so take
 * each "IDENT =" or "IDENT +=" that starts a line as a candidate and let
 * libxlutil say whether the file really sets it (text inside a multi-line
 * string or list is not a key and libxlutil says so). */
static int check_keys(struct parse *p, const char *text)
{
    char key[64];

    for (const char *line = text; line; line = strchr(line, '\n')) {
        size_t n;
        line += *line == '\n';
        line += strspn(line, " \t");
        n = strspn(line, "abcdefghijklmnopqrstuvwxyz"
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
        if (n == 0 || n >= sizeof(key) || (line[0] >= '0' && line[0] <= '9'))
            continue;
        memcpy(key, line, n);
        key[n] = '\0';
        const char *after = line + n + strspn(line + n, " \t");
        if (*after != '=' && strncmp(after, "+=", 2) != 0)
            continue;
        if (xlt_cfgfile_is_set(p->cf, key) && check_key(p, key))
            return -1;
    }
    return 0;
}

/* ---- the whole file --------------------------------------------------- */

/* In order: identity first, because the build info depends on the type. */
static int (*const identity_keys[])(struct parse *) = {
    parse_type, parse_builder, parse_name, parse_uuid,
};

static int (*const build_keys[])(struct parse *) = {
    parse_kernel, parse_ramdisk, parse_cmdline,
    parse_memory, parse_maxmem, parse_vcpus, parse_maxvcpus,
    parse_on_poweroff, parse_on_reboot, parse_on_watchdog, parse_on_crash,
    parse_on_soft_reset, parse_field_keys, parse_device_model_version,
    parse_tsc_mode, parse_timer_mode, parse_hvm_keys,
};

/* Defaults xl applies, and the checks that span several keys. */
static int finish(struct parse *p)
{
    libxl_domain_config *cfg = p->cfg;
    libxl_domain_build_info *b = &cfg->b_info;

    libxl_defbool_set(&cfg->c_info.run_hotplug_scripts, true);
    libxl_defbool_set(&b->claim_mode, true);
    if (b->max_memkb == LIBXL_MEMKB_DEFAULT)
        b->max_memkb = b->target_memkb;
    if (b->target_memkb != LIBXL_MEMKB_DEFAULT && b->max_memkb < b->target_memkb)
        return xlt_cfgfile_bad(p->cf, p->err, "maxmem",
                               "%" PRIu64 " MiB is less than memory=%" PRIu64
                               " MiB", b->max_memkb / 1024,
                               b->target_memkb / 1024);
    if (b->max_vcpus == 0)
        b->max_vcpus = (int)p->vcpus;
    if (b->max_vcpus < p->vcpus)
        return xlt_cfgfile_bad(p->cf, p->err, "maxvcpus",
                               "%d is less than vcpus=%ld", b->max_vcpus,
                               p->vcpus);
    if (b->type == LIBXL_DOMAIN_TYPE_PV && !b->kernel && !b->bootloader)
        return xlt_err_set(p->err, "%s: kernel: a PV guest needs kernel= "
                           "(or bootloader=)", xlt_cfgfile_path(p->cf));
    return 0;
}

static int run_keys(struct parse *p, int (*const *keys)(struct parse *),
                    size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = keys[i](p);
        if (rc)
            return rc;
    }
    return 0;
}

int xlt_config_parse(const char *path, const char *text, size_t len,
                     libxl_domain_config *cfg, FILE *warn,
                     struct xlt_err *err)
{
    struct parse p = {.cfg = cfg, .warn = warn, .err = err};
    int rc;

    rc = xlt_cfgfile_open(&p.cf, path, text, len, err);
    if (rc)
        goto out;
    rc = check_keys(&p, text);
    if (rc)
        goto out;
    rc = run_keys(&p, identity_keys,
                  sizeof(identity_keys) / sizeof(identity_keys[0]));
    if (rc)
        goto out;
    if (cfg->c_info.type == LIBXL_DOMAIN_TYPE_INVALID)
        cfg->c_info.type = LIBXL_DOMAIN_TYPE_PV;
    libxl_domain_build_info_init_type(&cfg->b_info, cfg->c_info.type);
    rc = run_keys(&p, build_keys, sizeof(build_keys) / sizeof(build_keys[0]));
    if (rc)
        goto out;
    rc = finish(&p);
out:
    xlt_cfgfile_close(p.cf);
    return rc;
}
