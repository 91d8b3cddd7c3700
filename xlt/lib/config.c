/*
 * config.c: an xl.cfg file -> libxl_domain_config.
 *
 * libxlutil reads the file; each key is mapped by one small function that
 * reports a bad value as "FILE:LINE: KEY: what is wrong".  Defaults follow
 * xl(1), so that `xlt create -n` and `xl create -n` agree.
 */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_parse.h"

#define MAX_VCPUS 4096

/* ---- helpers the other config files share ----------------------------- */

void config_warn(struct parse *p, const char *key, const char *fmt, ...)
{
    va_list ap;

    char where[PATH_MAX + 32];

    if (!p->warn)
        return;
    fprintf(p->warn, "%s: warning: %s: ",
            xlt_cfgfile_where(p->cf, key, where, sizeof(where)), key);
    va_start(ap, fmt);
    vfprintf(p->warn, fmt, ap);
    va_end(ap);
    fputc('\n', p->warn);
}

int config_string(struct parse *p, const char *key, char **field)
{
    const char *s;
    int rc = xlt_cfgfile_string(p->cf, key, &s, p->err);

    if (rc)
        return rc < 0 ? rc : 0;
    free(*field);
    *field = strdup(s);
    if (!*field)
        return xlt_err_set(p->err, "%s: %s: out of memory",
                           xlt_cfgfile_path(p->cf), key);
    return 0;
}

static char *trimmed(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return strndup(s, n);
}

int config_split(struct parse *p, const char *key, const char *text,
                 const char *seps, libxl_string_list *list_r)
{
    libxl_string_list list = NULL;
    size_t n = 0;

    for (const char *t = text; *t; ) {
        size_t len = strcspn(t, seps);
        char **grown = realloc(list, (n + 2) * sizeof(*list));
        if (!grown)
            goto nomem;
        list = grown;
        list[n] = trimmed(t, len);
        list[n + 1] = NULL;
        if (!list[n])
            goto nomem;
        if (*list[n])
            n++;
        else
            free(list[n]), list[n] = NULL;
        t += len + (t[len] != '\0');
    }
    *list_r = list;
    return 0;
nomem:
    libxl_string_list_dispose(&list);
    return xlt_err_set(p->err, "%s: %s: out of memory",
                       xlt_cfgfile_path(p->cf), key);
}

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

int xlt_config_names_uuid(const char *path, const char *text, size_t len,
                          bool *given, struct xlt_err *err)
{
    struct xlt_cfgfile *cf = NULL;
    const char *s;
    int rc = xlt_cfgfile_open(&cf, path, text, len, len, err);

    *given = false;
    if (!rc) {
        rc = xlt_cfgfile_string(cf, "uuid", &s, err);
        *given = rc == 0;
        rc = rc < 0 ? -1 : 0;
    }
    xlt_cfgfile_close(cf);
    return rc;
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
        if (root || extra)
            config_warn(p, "cmdline", "root= and extra= are ignored in "
                        "favour of cmdline=");
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

static int parse_vcpus(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    long n;
    int rc = xlt_cfgfile_long(p->cf, "vcpus", 1, MAX_VCPUS, &n, p->err);

    if (rc)
        return rc < 0 ? rc : 0;
    if (xlt_bitmap_alloc(&b->avail_vcpus, (int)n))
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

/* ---- security labels, passthrough -------------------------------------- */

/* XSM labels, as xl: init_seclabel labels the domain while it is built
 * and seclabel is what it runs with (or both, without init_seclabel). */
static int parse_seclabels(struct parse *p)
{
    libxl_domain_config *cfg = p->cfg;
    int rc = config_string(p, "init_seclabel", &cfg->c_info.ssid_label);

    if (!rc && xlt_cfgfile_is_set(p->cf, "seclabel"))
        rc = config_string(p, "seclabel", cfg->c_info.ssid_label
                           ? &cfg->b_info.exec_ssid_label
                           : &cfg->c_info.ssid_label);
    if (!rc)
        rc = config_string(p, "device_model_stubdomain_seclabel",
                           &cfg->b_info.device_model_ssid_label);
    return rc;
}

ENUM_FROM_STRING(passthrough, libxl_passthrough)

/* passthrough=: how the IOMMU is set up for devices given to it. */
static int parse_passthrough(struct parse *p)
{
    const char *s;
    int v, rc = xlt_cfgfile_string(p->cf, "passthrough", &s, p->err);

    if (rc)
        return rc < 0 ? rc : 0;
    if (passthrough_from_string(s, &v))
        return xlt_cfgfile_bad(p->cf, p->err, "passthrough", "`%s' is not "
                               "one of enabled, disabled, share_pt, sync_pt",
                               s);
    p->cfg->c_info.passthrough = (libxl_passthrough)v;
    return 0;
}

/* ---- keys that set one field ------------------------------------------ */

enum field_kind {
    F_DEFBOOL, /* a number; non-zero is true (libxl_defbool) */
    F_STRING,  /* char * */
    F_STRLIST, /* a list of strings into a libxl_string_list */
    F_INT,     /* int */
    F_NAT,     /* 0 to INT_MAX into a uint32_t or int */
    F_U32,     /* uint32_t */
    F_MB_KB,   /* a size in MiB into a uint64_t in KiB */
};

#define CFG_FIELD(f) offsetof(libxl_domain_config, f)

enum key_scope {
    ANY_TYPE,
    HVM_ONLY,     /* a field of b_info.u.hvm: other types ignore the key */
    PV_ONLY,      /* a field of b_info.u.pv: other types ignore the key */
    PVH_ONLY,     /* a field of b_info.u.pvh: other types ignore the key */
    HVM_ELSE_VFB, /* the same, but a PV guest gets a vfb device of it
                   * (config_devices.c) */
};

static const struct field_key {
    const char *key;
    enum field_kind kind;
    enum key_scope scope;
    size_t offset;
} field_keys[] = {
    {"oos", F_DEFBOOL, ANY_TYPE, CFG_FIELD(c_info.oos)},
    {"hap", F_DEFBOOL, ANY_TYPE, CFG_FIELD(c_info.hap)},
    {"driver_domain", F_DEFBOOL, ANY_TYPE, CFG_FIELD(c_info.driver_domain)},
    {"xend_suspend_evtchn_compat", F_DEFBOOL, ANY_TYPE, CFG_FIELD(c_info.xend_suspend_evtchn_compat)},
    {"pool", F_STRING, ANY_TYPE, CFG_FIELD(c_info.pool_name)},
    {"bootloader", F_STRING, ANY_TYPE, CFG_FIELD(b_info.bootloader)},
    {"cpu_weight", F_INT, ANY_TYPE, CFG_FIELD(b_info.sched_params.weight)},
    {"cap", F_INT, ANY_TYPE, CFG_FIELD(b_info.sched_params.cap)},
    {"period", F_INT, ANY_TYPE, CFG_FIELD(b_info.sched_params.period)},
    {"slice", F_INT, ANY_TYPE, CFG_FIELD(b_info.sched_params.slice)},
    {"latency", F_INT, ANY_TYPE, CFG_FIELD(b_info.sched_params.latency)},
    {"extratime", F_INT, ANY_TYPE, CFG_FIELD(b_info.sched_params.extratime)},
    {"max_grant_frames", F_NAT, ANY_TYPE, CFG_FIELD(b_info.max_grant_frames)},
    {"max_maptrack_frames", F_NAT, ANY_TYPE, CFG_FIELD(b_info.max_maptrack_frames)},
    {"max_grant_version", F_NAT, ANY_TYPE, CFG_FIELD(b_info.max_grant_version)},
    {"vmtrace_buf_kb", F_NAT, ANY_TYPE, CFG_FIELD(b_info.vmtrace_buf_kb)},
    {"acpi", F_DEFBOOL, ANY_TYPE, CFG_FIELD(b_info.acpi)},
    {"nomigrate", F_DEFBOOL, ANY_TYPE, CFG_FIELD(b_info.disable_migrate)},
    {"localtime", F_DEFBOOL, ANY_TYPE, CFG_FIELD(b_info.localtime)},
    {"nestedhvm", F_DEFBOOL, ANY_TYPE, CFG_FIELD(b_info.nested_hvm)},
    {"vpmu", F_DEFBOOL, ANY_TYPE, CFG_FIELD(b_info.vpmu)},
    {"msr_relaxed", F_DEFBOOL, ANY_TYPE, CFG_FIELD(b_info.arch_x86.msr_relaxed)},
    {"dm_restrict", F_DEFBOOL, ANY_TYPE, CFG_FIELD(b_info.dm_restrict)},
    {"rtc_timeoffset", F_U32, ANY_TYPE, CFG_FIELD(b_info.rtc_timeoffset)},
    {"max_event_channels", F_U32, ANY_TYPE, CFG_FIELD(b_info.event_channels)},
    {"videoram", F_MB_KB, ANY_TYPE, CFG_FIELD(b_info.video_memkb)},
    {"shadow_memory", F_MB_KB, ANY_TYPE, CFG_FIELD(b_info.shadow_memkb)},
    {"device_model_override", F_STRING, ANY_TYPE, CFG_FIELD(b_info.device_model)},
    {"device_model_user", F_STRING, ANY_TYPE, CFG_FIELD(b_info.device_model_user)},
    {"device_model_stubdomain_override", F_DEFBOOL, ANY_TYPE, CFG_FIELD(b_info.device_model_stubdomain)},
    {"stubdomain_kernel", F_STRING, ANY_TYPE, CFG_FIELD(b_info.stubdomain_kernel)},
    {"stubdomain_cmdline", F_STRING, ANY_TYPE, CFG_FIELD(b_info.stubdomain_cmdline)},
    {"stubdomain_ramdisk", F_STRING, ANY_TYPE, CFG_FIELD(b_info.stubdomain_ramdisk)},
    {"stubdomain_memory", F_MB_KB, ANY_TYPE, CFG_FIELD(b_info.stubdomain_memkb)},
    {"device_model_args", F_STRLIST, ANY_TYPE, CFG_FIELD(b_info.extra)},
    {"device_model_args_pv", F_STRLIST, ANY_TYPE, CFG_FIELD(b_info.extra_pv)},
    {"device_model_args_hvm", F_STRLIST, ANY_TYPE, CFG_FIELD(b_info.extra_hvm)},
    {"e820_host", F_DEFBOOL, PV_ONLY, CFG_FIELD(b_info.u.pv.e820_host)},
    {"pvshim", F_DEFBOOL, PVH_ONLY, CFG_FIELD(b_info.u.pvh.pvshim)},
    {"pvshim_path", F_STRING, PVH_ONLY, CFG_FIELD(b_info.u.pvh.pvshim_path)},
    {"pvshim_cmdline", F_STRING, PVH_ONLY, CFG_FIELD(b_info.u.pvh.pvshim_cmdline)},
    {"pvshim_extra", F_STRING, PVH_ONLY, CFG_FIELD(b_info.u.pvh.pvshim_extra)},
    {"pae", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.pae)},
    {"acpi_s3", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.acpi_s3)},
    {"acpi_s4", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.acpi_s4)},
    {"acpi_laptop_slate", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.acpi_laptop_slate)},
    {"nx", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.nx)},
    {"hpet", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.hpet)},
    {"vpt_align", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.vpt_align)},
    {"apic", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.apic)},
    {"nographic", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.nographic)},
    {"usb", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.usb)},
    {"usbversion", F_INT, HVM_ONLY, CFG_FIELD(b_info.u.hvm.usbversion)},
    {"vkb_device", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.vkb_device)},
    {"xen_platform_pci", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.xen_platform_pci)},
    {"altp2mhvm", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.altp2m)},
    {"soundhw", F_STRING, HVM_ONLY, CFG_FIELD(b_info.u.hvm.soundhw)},
    {"smbios_firmware", F_STRING, HVM_ONLY, CFG_FIELD(b_info.u.hvm.smbios_firmware)},
    {"acpi_firmware", F_STRING, HVM_ONLY, CFG_FIELD(b_info.u.hvm.acpi_firmware)},
    {"rdm_mem_boundary", F_MB_KB, HVM_ONLY, CFG_FIELD(b_info.u.hvm.rdm_mem_boundary_memkb)},
    {"boot", F_STRING, HVM_ONLY, CFG_FIELD(b_info.u.hvm.boot)},
    {"spice", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.spice.enable)},
    {"spiceport", F_INT, HVM_ONLY, CFG_FIELD(b_info.u.hvm.spice.port)},
    {"spicetls_port", F_INT, HVM_ONLY, CFG_FIELD(b_info.u.hvm.spice.tls_port)},
    {"spicehost", F_STRING, HVM_ONLY, CFG_FIELD(b_info.u.hvm.spice.host)},
    {"spicedisable_ticketing", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.spice.disable_ticketing)},
    {"spicepasswd", F_STRING, HVM_ONLY, CFG_FIELD(b_info.u.hvm.spice.passwd)},
    {"spiceagent_mouse", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.spice.agent_mouse)},
    {"spicevdagent", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.spice.vdagent)},
    {"spice_clipboard_sharing", F_DEFBOOL, HVM_ONLY, CFG_FIELD(b_info.u.hvm.spice.clipboard_sharing)},
    {"spiceusbredirection", F_INT, HVM_ONLY, CFG_FIELD(b_info.u.hvm.spice.usbredirection)},
    {"spice_image_compression", F_STRING, HVM_ONLY, CFG_FIELD(b_info.u.hvm.spice.image_compression)},
    {"spice_streaming_video", F_STRING, HVM_ONLY, CFG_FIELD(b_info.u.hvm.spice.streaming_video)},
    {"keymap", F_STRING, HVM_ELSE_VFB, CFG_FIELD(b_info.u.hvm.keymap)},
    {"vnc", F_DEFBOOL, HVM_ELSE_VFB, CFG_FIELD(b_info.u.hvm.vnc.enable)},
    {"vnclisten", F_STRING, HVM_ELSE_VFB, CFG_FIELD(b_info.u.hvm.vnc.listen)},
    {"vncpasswd", F_STRING, HVM_ELSE_VFB, CFG_FIELD(b_info.u.hvm.vnc.passwd)},
    {"vncdisplay", F_INT, HVM_ELSE_VFB, CFG_FIELD(b_info.u.hvm.vnc.display)},
    {"vncunused", F_DEFBOOL, HVM_ELSE_VFB, CFG_FIELD(b_info.u.hvm.vnc.findunused)},
    {"sdl", F_DEFBOOL, HVM_ELSE_VFB, CFG_FIELD(b_info.u.hvm.sdl.enable)},
    {"opengl", F_DEFBOOL, HVM_ELSE_VFB, CFG_FIELD(b_info.u.hvm.sdl.opengl)},
    {"display", F_STRING, HVM_ELSE_VFB, CFG_FIELD(b_info.u.hvm.sdl.display)},
    {"xauthority", F_STRING, HVM_ELSE_VFB, CFG_FIELD(b_info.u.hvm.sdl.xauthority)},
};

static void field_range(enum field_kind kind, long *min, long *max)
{
    switch (kind) {
    case F_MB_KB:
        *min = 0;
        *max = MAX_MEM_MB;
        break;
    case F_NAT:
        *min = 0;
        *max = INT_MAX;
        break;
    case F_U32: /* negative values wrap, as xl lets them */
        *min = INT_MIN;
        *max = (long)UINT32_MAX;
        break;
    default:
        *min = INT_MIN;
        *max = INT_MAX;
        break;
    }
}

static int set_field(struct parse *p, const struct field_key *k, void *field)
{
    long v, min, max;
    int rc;

    if (k->kind == F_STRING)
        return config_string(p, k->key, field);
    if (k->kind == F_STRLIST) {
        libxl_string_list_dispose(field);
        rc = xlt_cfgfile_list_strings(p->cf, k->key, field, p->err);
        if (rc > 0)
            return xlt_cfgfile_bad(p->cf, p->err, k->key, "expected a list "
                                   "of strings [ \"...\", ... ]");
        return rc;
    }
    field_range(k->kind, &min, &max);
    rc = xlt_cfgfile_long(p->cf, k->key, min, max, &v, p->err);
    if (rc)
        return rc < 0 ? rc : 0;
    switch (k->kind) {
    case F_DEFBOOL:
        libxl_defbool_set(field, v != 0);
        break;
    case F_INT:
        *(int *)field = (int)v;
        break;
    case F_NAT:
    case F_U32:
        *(uint32_t *)field = (uint32_t)v;
        break;
    default:
        *(uint64_t *)field = (uint64_t)v * 1024;
        break;
    }
    return 0;
}

static bool key_applies(struct parse *p, const struct field_key *k)
{
    libxl_domain_type type = p->cfg->c_info.type;

    switch (k->scope) {
    case HVM_ONLY:
        if (type == LIBXL_DOMAIN_TYPE_HVM)
            return true;
        config_warn(p, k->key, "only for HVM guests, ignored");
        return false;
    case PV_ONLY:
        if (type == LIBXL_DOMAIN_TYPE_PV)
            return true;
        config_warn(p, k->key, "only for PV guests, ignored");
        return false;
    case PVH_ONLY:
        if (type == LIBXL_DOMAIN_TYPE_PVH)
            return true;
        config_warn(p, k->key, "only for PVH guests, ignored");
        return false;
    case HVM_ELSE_VFB:
        return type == LIBXL_DOMAIN_TYPE_HVM;
    default:
        return true;
    }
}

static int parse_field_keys(struct parse *p)
{
    for (size_t i = 0; i < ARRAY_LEN(field_keys); i++) {
        const struct field_key *k = &field_keys[i];
        if (!xlt_cfgfile_is_set(p->cf, k->key) || !key_applies(p, k))
            continue;
        if (set_field(p, k, (char *)p->cfg + k->offset))
            return -1;
    }
    return 0;
}

/* bootloader_args: a list, or xm's one string split at blanks. */
static int parse_bootloader_args(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    const char *s;
    int rc = xlt_cfgfile_list_strings(p->cf, "bootloader_args",
                                      &b->bootloader_args, p->err);

    if (rc <= 0)
        return rc;
    rc = xlt_cfgfile_string(p->cf, "bootloader_args", &s, p->err);
    if (rc)
        return rc < 0 ? rc : 0;
    config_warn(p, "bootloader_args", "a string is deprecated, use a list");
    return config_split(p, "bootloader_args", s, " \t\n",
                        &b->bootloader_args);
}

/* cpuid: "host,FLAG=V,..." (libxl's syntax) or xend's list of
 * "LEAF[,SUBLEAF]:eax=...,ebx=..." strings. */
static int parse_cpuid(struct parse *p)
{
    static const char *const why_flag[] = {
        "", "missing `=' in FLAG=VALUE", "unknown CPUID flag name",
        "a value must be one of 0, 1, x, k, s",
    };
    static const char *const why_xend[] = {
        "", "illegal leaf number", "illegal subleaf number", "missing `:'",
        "a register must be eax, ebx, ecx or edx",
        "a policy string must be exactly 32 characters long",
    };
    libxl_domain_build_info *b = &p->cfg->b_info;
    libxl_string_list items = NULL;
    const char *s;
    int e, rc = xlt_cfgfile_list_strings(p->cf, "cpuid", &items, p->err);

    if (rc < 0)
        return rc;
    if (rc == 0) {
        for (int i = 0; items[i] && !rc; i++) {
            e = libxl_cpuid_parse_config_xend(&b->cpuid, items[i]);
            if (e)
                rc = xlt_cfgfile_bad(p->cf, p->err, "cpuid", "`%s': %s",
                                     items[i], e > 0 && e < (int)ARRAY_LEN(
                                         why_xend) ? why_xend[e] : "invalid");
        }
        goto out;
    }
    rc = xlt_cfgfile_string(p->cf, "cpuid", &s, p->err);
    if (rc) {
        rc = rc < 0 ? rc : 0;
        goto out;
    }
    rc = config_split(p, "cpuid", s, ",", &items);
    if (rc)
        goto out;
    if (!items || !items[0] || strcmp(items[0], "host") != 0)
        rc = xlt_cfgfile_bad(p->cf, p->err, "cpuid", "`%s': the first word "
                             "must be `host'", s);
    for (int i = 1; !rc && items && items[i]; i++) {
        e = libxl_cpuid_parse_config(&b->cpuid, items[i]);
        if (e)
            rc = xlt_cfgfile_bad(p->cf, p->err, "cpuid", "`%s': %s", items[i],
                                 e > 0 && e < (int)ARRAY_LEN(why_flag)
                                 ? why_flag[e] : "invalid");
    }
out:
    libxl_string_list_dispose(&items);
    return rc;
}

/* ---- keys xlt does not map ------------------------------------------ */

/* Keys mapped by a function (those of field_keys[] aside). */
static const char *const mapped_keys[] = {
    /* config.c */
    "name", "uuid", "type", "builder", "kernel", "ramdisk", "cmdline", "root",
    "extra", "memory", "maxmem", "vcpus", "maxvcpus", "on_poweroff",
    "on_reboot", "on_watchdog", "on_crash", "on_soft_reset",
    "bootloader_args", "cpuid", "init_seclabel", "seclabel",
    "device_model_stubdomain_seclabel", "passthrough",
    /* config_cpus.c */
    "cpus", "cpus_soft", "dedicated_cpus",
    /* config_hvm.c */
    "device_model_version", "tsc_mode", "timer_mode", "vga", "stdvga",
    "serial", "viridian", "firmware", "bios", "firmware_override",
    "bios_path_override", "hdtype", "vendor_device", "mmio_hole", "altp2m",
    "usbdevice", "gfx_passthru", "ms_vm_genid",
    /* config_devices.c */
    "disk", "vif", "vfb", "vkb", "channel", "pci", "pci_msitranslate",
    "pci_power_mgmt", "pci_permissive", "pci_seize", "rdm", "usbctrl",
    "usbdev", "p9", "pvcalls", "vtpm",
    /* config_resources.c */
    "ioports", "irqs", "iomem", "mca_caps",
    /* config_vnuma.c */
    "vnuma",
    /* config_frontends.c */
    "vdispl", "vsnd",
};

/* Keys of xl itself, not of the domain: xlt has no use for them. */
static const char *const xl_own_keys[] = {
    "vncviewer", "vncconsole", "vif2",
};

/* The rest of xl.cfg(5): a file that sets one of these must not become a
 * domain without it, so they are errors until they are mapped. */
static const char *const xl_only_keys[] = {
    "device_tree", "dtdev",
    "gic_version", "tee", "vuart",
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
    if (in_list(key, mapped_keys, ARRAY_LEN(mapped_keys)))
        return 0;
    for (size_t i = 0; i < ARRAY_LEN(field_keys); i++)
        if (!strcmp(key, field_keys[i].key))
            return 0;
    if (in_list(key, xl_only_keys, ARRAY_LEN(xl_only_keys)))
        return xlt_cfgfile_bad(p->cf, p->err, key, "not supported by xlt "
                               "yet (xl supports it)");
    if (in_list(key, xl_own_keys, ARRAY_LEN(xl_own_keys))) {
        config_warn(p, key, "a setting of xl itself, ignored");
        return 0;
    }
    config_warn(p, key, "unknown key, ignored");
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
    parse_type, parse_builder, parse_name, parse_uuid, parse_seclabels,
    parse_passthrough,
};

static int (*const build_keys[])(struct parse *) = {
    parse_kernel, parse_ramdisk, parse_cmdline,
    parse_memory, parse_maxmem, parse_vcpus, parse_maxvcpus,
    parse_on_poweroff, parse_on_reboot, parse_on_watchdog, parse_on_crash,
    parse_on_soft_reset, parse_field_keys, parse_bootloader_args,
    parse_cpuid, config_parse_hvm, config_parse_firmware,
    config_parse_devices, config_parse_frontends, config_parse_resources,
};

/* Defaults xl applies, and the checks that span several keys. */
static int finish(struct parse *p)
{
    libxl_domain_config *cfg = p->cfg;
    libxl_domain_build_info *b = &cfg->b_info;

    libxl_defbool_set(&cfg->c_info.run_hotplug_scripts, true);
    libxl_defbool_set(&b->claim_mode, true);
    if (config_parse_vnuma(p))
        return -1;
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
    if (config_parse_cpus(p) || config_parse_dedicated(p))
        return -1;
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
                     size_t file_len, const struct xlt_topology *topo,
                     libxl_domain_config *cfg, FILE *warn,
                     struct xlt_err *err)
{
    struct parse p = {.cfg = cfg, .warn = warn, .err = err, .topo = topo};
    int rc;

    rc = xlt_cfgfile_open(&p.cf, path, text, len, file_len, err);
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
