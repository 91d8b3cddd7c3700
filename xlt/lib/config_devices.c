/*
 * config_devices.c: the device keys of xl.cfg (disk, vif, vfb, vkb,
 * channel, pci, usbctrl, usbdev, p9, pvcalls, vtpm) -> the device arrays
 * of libxl_domain_config.
 *
 * Disk specs, vif rates and PCI specs are libxlutil's to parse.  The other
 * specs are "name=value" lists; each device has a table of its options.
 * An option xlt does not know is an error (xl ignores it, which turns a
 * typo such as `brige=' into a guest on the wrong bridge).
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config_parse.h"

#include <xen/io/kbdif.h> /* the vkb option names; needs <stdint.h> first */

ENUM_FROM_STRING(vkb_backend, libxl_vkb_backend)
ENUM_FROM_STRING(channel_connection, libxl_channel_connection)
ENUM_FROM_STRING(usbctrl_type, libxl_usbctrl_type)
ENUM_FROM_STRING(usbdev_type, libxl_usbdev_type)

/* ---- disk ------------------------------------------------------------- */

/* Both the positional "TARGET,VDEV,ACCESS" and the key=value syntax, by
 * libxlutil (xl-disk-configuration(5)). */
static int add_disk(struct parse *p, const char *spec, void *unused)
{
    (void)unused;
    libxl_domain_config *cfg = p->cfg;
    libxl_device_disk *disk;
    int e;

    APPEND(cfg->disks, cfg->num_disks, libxl_device_disk_init, disk);
    if (!disk)
        return config_nomem(p, "disk");
    xlt_cfgfile_hush(p->cf);
    e = xlu_disk_parse(xlt_cfgfile_xlu(p->cf), 1, &spec, disk);
    if (e)
        return xlt_cfgfile_xlu_failed(p->cf, p->err, "disk", spec,
                                      strerror(e));
    return 0;
}

/* ---- vif -------------------------------------------------------------- */

static const struct opt nic_opts[] = {
    OPT_STR("bridge", libxl_device_nic, bridge),
    OPT_STR("gatewaydev", libxl_device_nic, gatewaydev),
    OPT_STR("ip", libxl_device_nic, ip),
    OPT_STR("script", libxl_device_nic, script),
    OPT_STR("backend", libxl_device_nic, backend_domname),
    OPT_STR("vifname", libxl_device_nic, ifname),
    OPT_STR("model", libxl_device_nic, model),
    OPT_NUM("devid", O_INT, libxl_device_nic, devid, 0, INT_MAX),
    OPT_NUM("mtu", O_INT, libxl_device_nic, mtu, 0, 65535),
};

/* "00:16:3e:01:02:03" (or with '-'). */
static bool parse_mac(const char *s, libxl_mac *mac)
{
    for (int i = 0; i < 6; i++) {
        char *end;
        size_t n = strspn(s, "0123456789abcdefABCDEF");
        if (n < 1 || n > 2)
            return false;
        (*mac)[i] = (uint8_t)strtoul(s, &end, 16);
        s = end;
        if (i < 5 && *s != ':' && *s != '-')
            return false;
        s += i < 5;
    }
    return *s == '\0';
}

/* The vif options that are more than one field. */
static int parse_nic_token(struct parse *p, const char *token, void *dev)
{
    libxl_device_nic *nic = dev;
    const char *v = strchr(token, '=');

    v = v ? v + 1 : "";
    if (!strncmp(token, "type=", 5)) {
        if (!strcmp(v, "vif") || !strcmp(v, "ioemu")) {
            nic->nictype = strcmp(v, "vif") ? LIBXL_NIC_TYPE_VIF_IOEMU
                                            : LIBXL_NIC_TYPE_VIF;
            return 0;
        }
        return xlt_cfgfile_bad(p->cf, p->err, "vif", "type=%s: expected vif "
                               "or ioemu", v);
    }
    if (!strncmp(token, "mac=", 4))
        return parse_mac(v, &nic->mac) ? 0
               : xlt_cfgfile_bad(p->cf, p->err, "vif", "mac=%s: expected six "
                                 "hex bytes, as 00:16:3e:xx:xx:xx", v);
    if (!strncmp(token, "rate=", 5)) {
        xlt_cfgfile_hush(p->cf);
        return xlu_vif_parse_rate(xlt_cfgfile_xlu(p->cf), v, nic)
               ? xlt_cfgfile_xlu_failed(p->cf, p->err, "vif", v,
                                        "not a rate such as 10Mb/s@50ms")
               : 0;
    }
    if (!strncmp(token, "netdev=", 7)) {
        config_warn(p, "vif", "netdev= is deprecated, use gatewaydev=");
        free(nic->gatewaydev);
        nic->gatewaydev = strdup(v);
        return nic->gatewaydev ? 0 : config_nomem(p, "vif");
    }
    if (!strcmp(token, "trusted") || !strcmp(token, "untrusted")) {
        libxl_defbool_set(&nic->trusted, !strcmp(token, "trusted"));
        return 0;
    }
    if (!strncmp(token, "accel=", 6)) {
        config_warn(p, "vif", "accel= is not supported, ignored");
        return 0;
    }
    if (!strncmp(token, "colo_", 5) || !strncmp(token, "forwarddev=", 11))
        return xlt_cfgfile_bad(p->cf, p->err, "vif", "`%s': COLO is not "
                               "supported by xlt", token);
    return 1;
}

static int add_nic(struct parse *p, const char *spec, void *unused)
{
    (void)unused;
    libxl_domain_config *cfg = p->cfg;
    libxl_device_nic *nic;

    APPEND(cfg->nics, cfg->num_nics, libxl_device_nic_init, nic);
    if (!nic)
        return config_nomem(p, "vif");
    nic->devid = cfg->num_nics - 1;
    return config_parse_tokens(p, "vif", spec, nic, nic_opts, ARRAY_LEN(nic_opts),
                        parse_nic_token);
}

/* ---- vfb and vkb ------------------------------------------------------ */

/* The options of a vfb=[] entry, which are also the top-level keys a PV
 * guest's framebuffer is made of. */
static const struct opt vfb_opts[] = {
    OPT_NUM("vnc", O_DEFBOOL, libxl_device_vfb, vnc.enable, 0, 0),
    OPT_STR("vnclisten", libxl_device_vfb, vnc.listen),
    OPT_STR("vncpasswd", libxl_device_vfb, vnc.passwd),
    OPT_NUM("vncdisplay", O_INT, libxl_device_vfb, vnc.display, 0, INT_MAX),
    OPT_NUM("vncunused", O_DEFBOOL, libxl_device_vfb, vnc.findunused, 0, 0),
    OPT_NUM("sdl", O_DEFBOOL, libxl_device_vfb, sdl.enable, 0, 0),
    OPT_NUM("opengl", O_DEFBOOL, libxl_device_vfb, sdl.opengl, 0, 0),
    OPT_STR("display", libxl_device_vfb, sdl.display),
    OPT_STR("xauthority", libxl_device_vfb, sdl.xauthority),
    OPT_STR("keymap", libxl_device_vfb, keymap),
};

/* A framebuffer comes with a keyboard and mouse. */
static libxl_device_vfb *new_vfb(struct parse *p)
{
    libxl_domain_config *cfg = p->cfg;
    libxl_device_vfb *vfb;
    libxl_device_vkb *vkb;

    APPEND(cfg->vfbs, cfg->num_vfbs, libxl_device_vfb_init, vfb);
    if (!vfb)
        return NULL;
    vfb->devid = cfg->num_vfbs - 1;
    APPEND(cfg->vkbs, cfg->num_vkbs, libxl_device_vkb_init, vkb);
    if (!vkb)
        return NULL;
    vkb->devid = cfg->num_vkbs - 1;
    return vfb;
}

static int add_vfb(struct parse *p, const char *spec, void *unused)
{
    (void)unused;
    libxl_device_vfb *vfb = new_vfb(p);

    if (!vfb)
        return config_nomem(p, "vfb");
    return config_parse_tokens(p, "vfb", spec, vfb, vfb_opts, ARRAY_LEN(vfb_opts),
                        NULL);
}

/* A PV guest without vfb=[] gets one from the top-level vnc=1 and its
 * companions; PVH guests have no framebuffer. */
static int top_level_vfb(struct parse *p)
{
    libxl_domain_type type = p->cfg->c_info.type;
    libxl_device_vfb *vfb;
    const char *value;
    long vnc = 0;
    int rc = 0;

    if (type == LIBXL_DOMAIN_TYPE_HVM)
        return 0; /* config.c put these in b_info.u.hvm */
    for (size_t i = 0; i < ARRAY_LEN(vfb_opts); i++) {
        if (!xlt_cfgfile_is_set(p->cf, vfb_opts[i].name))
            continue;
        if (type == LIBXL_DOMAIN_TYPE_PVH)
            config_warn(p, vfb_opts[i].name, "PVH guests have no "
                        "framebuffer, ignored");
        else if (p->cfg->num_vfbs)
            config_warn(p, vfb_opts[i].name, "ignored, vfb= is set");
    }
    if (type != LIBXL_DOMAIN_TYPE_PV || p->cfg->num_vfbs)
        return 0;
    rc = xlt_cfgfile_long(p->cf, "vnc", LONG_MIN, LONG_MAX, &vnc, p->err);
    if (rc < 0)
        return rc;
    if (!vnc)
        return 0;
    if (!(vfb = new_vfb(p)))
        return config_nomem(p, "vnc");
    for (size_t i = 0; i < ARRAY_LEN(vfb_opts) && !rc; i++)
        if (!xlt_cfgfile_string(p->cf, vfb_opts[i].name, &value, p->err))
            rc = config_set_opt(p, vfb_opts[i].name, &vfb_opts[i], value, vfb);
    return rc;
}

static const struct opt vkb_opts[] = {
    OPT_STR("backend", libxl_device_vkb, backend_domname),
    OPT_ENUM("backend-type", libxl_device_vkb, backend_type, vkb_backend,
             "qemu or linux"),
    OPT_STR(XENKBD_FIELD_UNIQUE_ID, libxl_device_vkb, unique_id),
    OPT_NUM(XENKBD_FIELD_FEAT_DSBL_KEYBRD, O_BOOL, libxl_device_vkb,
            feature_disable_keyboard, 0, 0),
    OPT_NUM(XENKBD_FIELD_FEAT_DSBL_POINTER, O_BOOL, libxl_device_vkb,
            feature_disable_pointer, 0, 0),
    OPT_NUM(XENKBD_FIELD_FEAT_ABS_POINTER, O_BOOL, libxl_device_vkb,
            feature_abs_pointer, 0, 0),
    OPT_NUM(XENKBD_FIELD_FEAT_RAW_POINTER, O_BOOL, libxl_device_vkb,
            feature_raw_pointer, 0, 0),
    OPT_NUM(XENKBD_FIELD_FEAT_MTOUCH, O_BOOL, libxl_device_vkb,
            feature_multi_touch, 0, 0),
    OPT_NUM(XENKBD_FIELD_WIDTH, O_U32, libxl_device_vkb, width, 0, INT_MAX),
    OPT_NUM(XENKBD_FIELD_HEIGHT, O_U32, libxl_device_vkb, height, 0, INT_MAX),
    OPT_NUM(XENKBD_FIELD_MT_WIDTH, O_U32, libxl_device_vkb,
            multi_touch_width, 0, INT_MAX),
    OPT_NUM(XENKBD_FIELD_MT_HEIGHT, O_U32, libxl_device_vkb,
            multi_touch_height, 0, INT_MAX),
    OPT_NUM(XENKBD_FIELD_MT_NUM_CONTACTS, O_U32, libxl_device_vkb,
            multi_touch_num_contacts, 0, INT_MAX),
};

static int add_vkb(struct parse *p, const char *spec, void *unused)
{
    (void)unused;
    libxl_domain_config *cfg = p->cfg;
    libxl_device_vkb *vkb;
    bool touch_size;
    int rc;

    APPEND(cfg->vkbs, cfg->num_vkbs, libxl_device_vkb_init, vkb);
    if (!vkb)
        return config_nomem(p, "vkb");
    vkb->devid = cfg->num_vkbs - 1;
    rc = config_parse_tokens(p, "vkb", spec, vkb, vkb_opts, ARRAY_LEN(vkb_opts),
                      NULL);
    if (rc)
        return rc;
    if (vkb->backend_type == LIBXL_VKB_BACKEND_UNKNOWN)
        return xlt_cfgfile_bad(p->cf, p->err, "vkb", "`%s': backend-type= "
                               "is required", spec);
    touch_size = vkb->multi_touch_width || vkb->multi_touch_height ||
                 vkb->multi_touch_num_contacts;
    if (vkb->feature_multi_touch && !touch_size)
        return xlt_cfgfile_bad(p->cf, p->err, "vkb", "`%s': multi-touch "
                               "needs multi-touch-width, -height and "
                               "-num-contacts", spec);
    vkb->feature_multi_touch = vkb->feature_multi_touch || touch_size;
    return 0;
}

/* ---- channel ---------------------------------------------------------- */

static const struct opt channel_opts[] = {
    OPT_STR("backend", libxl_device_channel, backend_domname),
    OPT_STR("name", libxl_device_channel, name),
    OPT_STR("path", libxl_device_channel, u.socket.path),
    OPT_ENUM("connection", libxl_device_channel, connection,
             channel_connection, "pty or socket"),
};

static int add_channel(struct parse *p, const char *spec, void *unused)
{
    (void)unused;
    libxl_domain_config *cfg = p->cfg;
    libxl_device_channel *chn;
    int rc;

    APPEND(cfg->channels, cfg->num_channels, libxl_device_channel_init, chn);
    if (!chn)
        return config_nomem(p, "channel");
    chn->devid = cfg->num_channels - 1;
    /* path= lands in u.socket.path, which only a socket may keep (libxl's
     * dispose frees it only for a socket): drop it for anything else,
     * also when the spec turns out wrong */
    rc = config_parse_tokens(p, "channel", spec, chn, channel_opts,
                      ARRAY_LEN(channel_opts), NULL);
    if (chn->connection != LIBXL_CHANNEL_CONNECTION_SOCKET &&
        chn->u.socket.path) {
        if (!rc && chn->connection == LIBXL_CHANNEL_CONNECTION_PTY)
            config_warn(p, "channel", "`%s': path= is only for sockets, "
                        "ignored", spec);
        free(chn->u.socket.path);
        chn->u.socket.path = NULL;
    }
    if (rc)
        return rc;
    if (chn->connection == LIBXL_CHANNEL_CONNECTION_UNKNOWN)
        return xlt_cfgfile_bad(p->cf, p->err, "channel", "`%s': connection= "
                               "(pty or socket) is required", spec);
    if (chn->connection == LIBXL_CHANNEL_CONNECTION_SOCKET &&
        !chn->u.socket.path)
        return xlt_cfgfile_bad(p->cf, p->err, "channel", "`%s': a socket "
                               "needs path=", spec);
    return 0;
}

/* ---- pci -------------------------------------------------------------- */

/* The defaults pci_msitranslate= etc. give every pci=[] device. */
struct pci_defaults {
    long msitranslate, power_mgmt, permissive, seize;
};

static int read_pci_defaults(struct parse *p, struct pci_defaults *d)
{
    const struct {
        const char *key;
        long *value;
    } keys[] = {
        {"pci_msitranslate", &d->msitranslate},
        {"pci_power_mgmt", &d->power_mgmt},
        {"pci_permissive", &d->permissive},
        {"pci_seize", &d->seize},
    };

    for (size_t i = 0; i < ARRAY_LEN(keys); i++)
        if (xlt_cfgfile_long(p->cf, keys[i].key, LONG_MIN, LONG_MAX,
                             keys[i].value, p->err) < 0)
            return -1;
    return 0;
}

static int parse_rdm(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    libxl_rdm_reserve rdm;
    const char *s;
    int rc = xlt_cfgfile_string(p->cf, "rdm", &s, p->err);

    if (rc)
        return rc < 0 ? rc : 0;
    if (p->cfg->c_info.type != LIBXL_DOMAIN_TYPE_HVM) {
        config_warn(p, "rdm", "only for HVM guests, ignored");
        return 0;
    }
    /* libxlutil sets only what the text names */
    rdm = b->u.hvm.rdm;
    xlt_cfgfile_hush(p->cf);
    if (xlu_rdm_parse(xlt_cfgfile_xlu(p->cf), &rdm, s))
        /* libxlutil 4.17 fails on any policy= (and xl then drops rdm=
         * without a word) */
        return xlt_cfgfile_xlu_failed(p->cf, p->err, "rdm", s, "libxlutil "
                                      "cannot parse it; write "
                                      "strategy=host, and rdm_policy= on "
                                      "each pci device");
    b->u.hvm.rdm.strategy = rdm.strategy;
    b->u.hvm.rdm.policy = rdm.policy;
    return 0;
}

/* One pci=[] device, given DEFAULTS (struct pci_defaults). */
static int add_pci(struct parse *p, const char *spec, void *defaults)
{
    libxl_domain_config *cfg = p->cfg;
    const struct pci_defaults *d = defaults;
    libxl_device_pci *pci;

    APPEND(cfg->pcidevs, cfg->num_pcidevs, libxl_device_pci_init, pci);
    if (!pci)
        return config_nomem(p, "pci");
    pci->msitranslate = d->msitranslate != 0;
    pci->power_mgmt = d->power_mgmt != 0;
    pci->permissive = d->permissive != 0;
    pci->seize = d->seize != 0;
    if (cfg->c_info.type == LIBXL_DOMAIN_TYPE_HVM)
        pci->rdm_policy = cfg->b_info.u.hvm.rdm.policy;
    xlt_cfgfile_hush(p->cf);
    if (xlu_pci_parse_spec_string(xlt_cfgfile_xlu(p->cf), pci, spec))
        return xlt_cfgfile_xlu_failed(p->cf, p->err, "pci", spec,
                                      "not a PCI device spec "
                                      "(xl-pci-configuration(5))");
    return 0;
}

static int parse_pcis(struct parse *p)
{
    struct pci_defaults d = {0, 0, 0, 0};
    int rc;

    if ((rc = parse_rdm(p)) || (rc = read_pci_defaults(p, &d)) ||
        (rc = config_each_item(p, "pci", add_pci, &d)))
        return rc;
    if (p->cfg->num_pcidevs && p->cfg->c_info.type == LIBXL_DOMAIN_TYPE_PV)
        libxl_defbool_set(&p->cfg->b_info.u.pv.e820_host, true);
    return 0;
}

/* ---- usbctrl and usbdev ----------------------------------------------- */

static const struct opt usbctrl_opts[] = {
    OPT_ENUM("type", libxl_device_usbctrl, type, usbctrl_type,
             "pv, devicemodel, qusb or auto"),
    OPT_NUM("version", O_INT, libxl_device_usbctrl, version, 1, 3),
    OPT_NUM("ports", O_INT, libxl_device_usbctrl, ports, 1, 31),
};

static int add_usbctrl(struct parse *p, const char *spec, void *unused)
{
    (void)unused;
    libxl_domain_config *cfg = p->cfg;
    libxl_device_usbctrl *ctrl;

    APPEND(cfg->usbctrls, cfg->num_usbctrls, libxl_device_usbctrl_init, ctrl);
    if (!ctrl)
        return config_nomem(p, "usbctrl");
    ctrl->devid = cfg->num_usbctrls - 1;
    return config_parse_tokens(p, "usbctrl", spec, ctrl, usbctrl_opts,
                        ARRAY_LEN(usbctrl_opts), NULL);
}

static const struct opt usbdev_opts[] = {
    OPT_ENUM("type", libxl_device_usbdev, type, usbdev_type, "hostdev"),
    OPT_NUM("hostbus", O_U8, libxl_device_usbdev, u.hostdev.hostbus, 0, 255),
    OPT_NUM("hostaddr", O_U8, libxl_device_usbdev, u.hostdev.hostaddr, 0,
            255),
    OPT_NUM("controller", O_INT, libxl_device_usbdev, ctrl, 0, INT_MAX),
    OPT_NUM("port", O_INT, libxl_device_usbdev, port, 1, 31),
};

static int add_usbdev(struct parse *p, const char *spec, void *unused)
{
    (void)unused;
    libxl_domain_config *cfg = p->cfg;
    libxl_device_usbdev *usb;

    APPEND(cfg->usbdevs, cfg->num_usbdevs, libxl_device_usbdev_init, usb);
    if (!usb)
        return config_nomem(p, "usbdev");
    return config_parse_tokens(p, "usbdev", spec, usb, usbdev_opts,
                        ARRAY_LEN(usbdev_opts), NULL);
}

/* ---- p9, pvcalls, vtpm: "name=value" lists ------------------------------ */

static const struct opt p9_opts[] = {
    OPT_STR("tag", libxl_device_p9, tag),
    OPT_STR("path", libxl_device_p9, path),
    OPT_STR("security_model", libxl_device_p9, security_model),
    OPT_STR("backend", libxl_device_p9, backend_domname),
};

static int add_p9(struct parse *p, const char *spec, void *unused)
{
    (void)unused;
    libxl_domain_config *cfg = p->cfg;
    libxl_device_p9 *p9;
    int rc;

    APPEND(cfg->p9s, cfg->num_p9s, libxl_device_p9_init, p9);
    if (!p9)
        return config_nomem(p, "p9");
    /* no devid: xl leaves p9's at libxl's default (libxl numbers them) */
    rc = config_parse_tokens(p, "p9", spec, p9, p9_opts, ARRAY_LEN(p9_opts), NULL);
    if (!rc && (!p9->tag || !p9->path || !p9->security_model))
        rc = xlt_cfgfile_bad(p->cf, p->err, "p9", "`%s': tag=, path= and "
                             "security_model= are all needed", spec);
    return rc;
}

static const struct opt pvcalls_opts[] = {
    OPT_STR("backend", libxl_device_pvcallsif, backend_domname),
};

static int add_pvcalls(struct parse *p, const char *spec, void *unused)
{
    (void)unused;
    libxl_domain_config *cfg = p->cfg;
    libxl_device_pvcallsif *pv;

    APPEND(cfg->pvcallsifs, cfg->num_pvcallsifs, libxl_device_pvcallsif_init,
           pv);
    if (!pv)
        return config_nomem(p, "pvcalls");
    pv->devid = cfg->num_pvcallsifs - 1;
    return config_parse_tokens(p, "pvcalls", spec, pv, pvcalls_opts,
                        ARRAY_LEN(pvcalls_opts), NULL);
}

static const struct opt vtpm_opts[] = {
    OPT_STR("backend", libxl_device_vtpm, backend_domname),
};

/* uuid= is a UUID; the rest from the table. */
static int parse_vtpm_token(struct parse *p, const char *token, void *dev)
{
    libxl_device_vtpm *vtpm = dev;

    if (strncmp(token, "uuid=", 5) != 0)
        return 1;
    if (libxl_uuid_from_string(&vtpm->uuid, token + 5))
        return xlt_cfgfile_bad(p->cf, p->err, "vtpm", "%s: not a UUID",
                               token);
    return 0;
}

static int add_vtpm(struct parse *p, const char *spec, void *unused)
{
    (void)unused;
    libxl_domain_config *cfg = p->cfg;
    libxl_device_vtpm *vtpm;
    int rc;

    APPEND(cfg->vtpms, cfg->num_vtpms, libxl_device_vtpm_init, vtpm);
    if (!vtpm)
        return config_nomem(p, "vtpm");
    vtpm->devid = cfg->num_vtpms - 1;
    rc = config_parse_tokens(p, "vtpm", spec, vtpm, vtpm_opts, ARRAY_LEN(vtpm_opts),
                      parse_vtpm_token);
    if (!rc && !vtpm->backend_domname)
        rc = xlt_cfgfile_bad(p->cf, p->err, "vtpm", "`%s': backend= (the "
                             "vTPM's domain) is needed", spec);
    return rc;
}

/* ---- all of them ------------------------------------------------------ */

int config_parse_devices(struct parse *p)
{
    static const struct {
        const char *key;
        int (*add)(struct parse *, const char *, void *);
    } lists[] = {
        {"disk", add_disk},       {"channel", add_channel},
        {"vif", add_nic},         {"vfb", add_vfb},
        {"usbctrl", add_usbctrl}, {"usbdev", add_usbdev},
        {"vkb", add_vkb},         {"p9", add_p9},
        {"pvcalls", add_pvcalls}, {"vtpm", add_vtpm},
    };
    int rc = parse_pcis(p);

    for (size_t i = 0; !rc && i < ARRAY_LEN(lists); i++) {
        if (!strcmp(lists[i].key, "vkb") && (rc = top_level_vfb(p)))
            break;
        rc = config_each_item(p, lists[i].key, lists[i].add, NULL);
    }
    return rc;
}

/* ---- one device, for hotplug ------------------------------------------ */

int xlt_device_parse(const char *key, const char *spec,
                     libxl_domain_config *cfg, struct xlt_err *err)
{
    struct parse p = {.cfg = cfg, .err = err};
    char *text = NULL;
    int n, rc = -1;

    if (strcmp(key, "vif") != 0 && strcmp(key, "disk") != 0)
        return xlt_err_set(err, "%s: not a device xlt can attach", key);
    if (strpbrk(spec, "'\\\n"))
        return xlt_err_set(err, "command line: %s: quotes, backslashes and "
                           "newlines cannot be part of a spec", key);
    n = asprintf(&text, "%s = ['%s']\n", key, spec);
    if (n < 0)
        return xlt_err_set(err, "out of memory");
    libxl_domain_build_info_init_type(&cfg->b_info, LIBXL_DOMAIN_TYPE_PV);
    if (xlt_cfgfile_open(&p.cf, "attach", text, (size_t)n, 0, err))
        goto out;
    rc = config_each_item(&p, key, !strcmp(key, "vif") ? add_nic : add_disk, NULL);
    if (!rc && !strcmp(key, "vif") && !strstr(spec, "devid="))
        cfg->nics[0].devid = -1; /* libxl picks the next free one */
out:
    xlt_cfgfile_close(p.cf);
    free(text);
    return rc;
}
