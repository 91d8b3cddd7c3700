/*
 * hotplug.c: the devices of running domains, as xl's network-attach,
 * network-detach, network-list, block-attach, block-detach, block-list.
 * xlt parses the spec (xl's syntax) and sends libxl's JSON of the device;
 * an attached vif or disk gets xlt's drivers as one in a config file does
 * (devices.c).  libxl records what is attached in the configuration it
 * keeps for the domain, so a restart keeps it.  An attach that fails
 * leaves a half-made device in xenstore (libxl does not take it away), so
 * xltd destroys it before it answers.
 */
#include <stdlib.h>
#include <string.h>

#include "xltd.h"

/* An attach or a detach libxl is doing. */
struct hot {
    struct xltd *d;
    unsigned conn;
    uint32_t domid;
    const char *what; /* "attaching a vif", for messages */
    bool is_nic;
    bool attaching;
    int failed_rc;         /* an attach that failed: being cleaned up */
    char failed_said[512]; /* and why it failed */
    libxl_device_nic nic;
    libxl_device_disk disk;
    libxl_asyncop_how how;
};

static void hot_free(struct hot *h)
{
    libxl_device_nic_dispose(&h->nic);
    libxl_device_disk_dispose(&h->disk);
    free(h);
}

/* Take the device of a failed attach away again; 0 if that is under way
 * (hot_done comes again). */
static int clean_up(struct hot *h, int rc)
{
    struct xltd *d = h->d;

    h->failed_rc = rc;
    snprintf(h->failed_said, sizeof(h->failed_said), "%s",
             domain_libxl_said(d, rc));
    return h->is_nic
               ? libxl_device_nic_destroy(d->ctx, h->domid, &h->nic, &h->how)
               : libxl_device_disk_destroy(d->ctx, h->domid, &h->disk,
                                           &h->how);
}

static void hot_done(libxl_ctx *ctx, int rc, void *arg)
{
    struct hot *h = arg;
    char result[64];

    (void)ctx;
    if (rc && h->attaching && !h->failed_rc) {
        rc = clean_up(h, rc); /* the clean-up's own result from here on */
        if (rc == 0)
            return;
    }
    if (h->failed_rc) {
        if (rc)
            log_warn(&h->d->log, "domain %u: the half-attached device "
                     "could not be taken away", h->domid);
        control_reply_error(h->d, h->conn, "%s to domain %u failed: %s",
                            h->what, h->domid, h->failed_said);
    } else if (rc) {
        control_reply_error(h->d, h->conn, "%s to domain %u failed: %s",
                            h->what, h->domid, domain_libxl_said(h->d, rc));
    } else {
        log_info(&h->d->log, "domain %u: %s done", h->domid, h->what);
        snprintf(result, sizeof(result), "{\"devid\":%d}",
                 h->is_nic ? h->nic.devid : -1);
        control_reply_result(h->d, h->conn, result);
    }
    hot_free(h);
}

/* The domain and a new operation on it; NULL once CONN knows why not. */
static struct hot *hot_new(struct xltd *d, unsigned conn, yajl_val args,
                           const char *what, bool is_nic)
{
    struct hot *h;
    uint32_t domid;

    if (requests_the_domain(d, conn, args, &domid))
        return NULL;
    if (domid == 0) {
        control_reply_error(d, conn, "%s: not to dom0", what);
        return NULL;
    }
    h = calloc(1, sizeof(*h));
    if (!h) {
        control_reply_error(d, conn, "out of memory");
        return NULL;
    }
    h->d = d;
    h->conn = conn;
    h->domid = domid;
    h->what = what;
    h->is_nic = is_nic;
    libxl_device_nic_init(&h->nic);
    libxl_device_disk_init(&h->disk);
    h->how.callback = hot_done;
    h->how.u.for_callback = h;
    d->log.last_libxl_error[0] = '\0';
    return h;
}

/* ARGS' "device" (libxl's JSON of a nic or a disk) into H. */
static int hot_device(struct hot *h, yajl_val args, struct xlt_err *err)
{
    yajl_val dev = xlt_json_get(args, "device");
    char *text = YAJL_IS_OBJECT(dev) ? xlt_json_to_text(dev) : NULL;
    int rc;

    if (!text)
        return xlt_err_set(err, "%s: no device given", h->what);
    rc = h->is_nic ? libxl_device_nic_from_json(h->d->ctx, &h->nic, text)
                   : libxl_device_disk_from_json(h->d->ctx, &h->disk, text);
    free(text);
    if (rc)
        return xlt_err_set(err, "%s: not a valid libxl device", h->what);
    return h->is_nic ? devices_prepare_nic(h->d, &h->nic, h->nic.devid, err)
                     : devices_prepare_disk(&h->disk, err);
}

static void attach(struct xltd *d, unsigned conn, yajl_val args, bool is_nic)
{
    struct hot *h = hot_new(d, conn, args, is_nic ? "attaching a vif"
                                                  : "attaching a disk",
                            is_nic);
    struct xlt_err err;
    int rc;

    if (!h)
        return;
    h->attaching = true;
    if (hot_device(h, args, &err)) {
        control_reply_error(d, conn, "%s", err.msg);
        hot_free(h);
        return;
    }
    rc = is_nic ? libxl_device_nic_add(d->ctx, h->domid, &h->nic, &h->how)
                : libxl_device_disk_add(d->ctx, h->domid, &h->disk, &h->how);
    if (rc)
        hot_done(d->ctx, rc, h);
}

void req_network_attach(struct xltd *d, unsigned conn, yajl_val args)
{
    attach(d, conn, args, true);
}

void req_block_attach(struct xltd *d, unsigned conn, yajl_val args)
{
    attach(d, conn, args, false);
}

/* ---- detach --------------------------------------------------------------- */

/* "device": a vif's devid or MAC into H->nic; -1 with ERR if none. */
static int find_nic(struct hot *h, const char *ref, struct xlt_err *err)
{
    char *end;
    long devid = strtol(ref, &end, 10);

    if (*ref && !*end && devid >= 0 && devid < 65536
            ? libxl_devid_to_device_nic(h->d->ctx, h->domid, (int)devid,
                                        &h->nic)
            : libxl_mac_to_device_nic(h->d->ctx, h->domid, ref, &h->nic))
        return xlt_err_set(err, "domain %u has no vif %s (network-list "
                           "shows them)", h->domid, ref);
    return 0;
}

/* "device": a disk's vdev (xvdb) or devid (51728) into H->disk. */
static int find_disk(struct hot *h, const char *ref, struct xlt_err *err)
{
    int n = 0, rc = -1;
    libxl_device_disk *disks = libxl_device_disk_list(h->d->ctx, h->domid,
                                                      &n);

    for (int i = 0; i < n && rc; i++) {
        libxl_diskinfo di;
        char devid[16] = "";
        libxl_diskinfo_init(&di);
        if (!libxl_device_disk_getinfo(h->d->ctx, h->domid, &disks[i], &di))
            snprintf(devid, sizeof(devid), "%d", di.devid);
        libxl_diskinfo_dispose(&di);
        if ((disks[i].vdev && !strcmp(disks[i].vdev, ref)) ||
            !strcmp(devid, ref))
            rc = libxl_vdev_to_device_disk(h->d->ctx, h->domid,
                                           disks[i].vdev, &h->disk);
    }
    libxl_device_disk_list_free(disks, n);
    if (rc)
        return xlt_err_set(err, "domain %u has no disk %s (block-list "
                           "shows them)", h->domid, ref);
    return 0;
}

static void detach(struct xltd *d, unsigned conn, yajl_val args, bool is_nic)
{
    const char *ref = xlt_json_get_str(args, "device");
    struct hot *h = hot_new(d, conn, args, is_nic ? "detaching a vif"
                                                  : "detaching a disk",
                            is_nic);
    struct xlt_err err;
    int rc;

    if (!h)
        return;
    if (!ref || (is_nic ? find_nic(h, ref, &err) : find_disk(h, ref, &err))) {
        control_reply_error(d, conn, "%s", ref ? err.msg : "which device?");
        hot_free(h);
        return;
    }
    rc = is_nic ? libxl_device_nic_remove(d->ctx, h->domid, &h->nic, &h->how)
                : libxl_device_disk_remove(d->ctx, h->domid, &h->disk,
                                           &h->how);
    if (rc)
        hot_done(d->ctx, rc, h);
}

void req_network_detach(struct xltd *d, unsigned conn, yajl_val args)
{
    detach(d, conn, args, true);
}

void req_block_detach(struct xltd *d, unsigned conn, yajl_val args)
{
    detach(d, conn, args, false);
}

/* ---- list ----------------------------------------------------------------- */

static void gen_nics(struct xltd *d, yajl_gen g, const libxl_dominfo *info,
                     void *unused)
{
    int n = 0;
    libxl_device_nic *nics = libxl_device_nic_list(d->ctx, info->domid, &n);
    char mac[18];

    (void)unused;
    yajl_gen_map_open(g);
    xlt_json_kv_uint(g, "domid", info->domid);
    xlt_json_str(g, "vifs");
    yajl_gen_array_open(g);
    for (int i = 0; i < n; i++) {
        libxl_nicinfo ni;
        libxl_nicinfo_init(&ni);
        if (!libxl_device_nic_getinfo(d->ctx, info->domid, &nics[i], &ni)) {
            const uint8_t *m = nics[i].mac;
            snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0],
                     m[1], m[2], m[3], m[4], m[5]);
            yajl_gen_map_open(g);
            xlt_json_kv_int(g, "devid", ni.devid);
            xlt_json_kv_uint(g, "backend_id", ni.backend_id);
            xlt_json_kv_str(g, "mac", mac);
            xlt_json_kv_str(g, "bridge", nics[i].bridge ? nics[i].bridge : "");
            xlt_json_kv_int(g, "state", ni.state);
            xlt_json_kv_int(g, "evtch", ni.evtch);
            xlt_json_kv_int(g, "rref_tx", ni.rref_tx);
            xlt_json_kv_int(g, "rref_rx", ni.rref_rx);
            xlt_json_kv_str(g, "backend", ni.backend ? ni.backend : "");
            yajl_gen_map_close(g);
        }
        libxl_nicinfo_dispose(&ni);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    libxl_device_nic_list_free(nics, n);
}

static void gen_disks(struct xltd *d, yajl_gen g, const libxl_dominfo *info,
                      void *unused)
{
    int n = 0;
    libxl_device_disk *disks = libxl_device_disk_list(d->ctx, info->domid,
                                                      &n);

    (void)unused;
    yajl_gen_map_open(g);
    xlt_json_kv_uint(g, "domid", info->domid);
    xlt_json_str(g, "disks");
    yajl_gen_array_open(g);
    for (int i = 0; i < n; i++) {
        libxl_diskinfo di;
        libxl_diskinfo_init(&di);
        if (!libxl_device_disk_getinfo(d->ctx, info->domid, &disks[i], &di)) {
            yajl_gen_map_open(g);
            xlt_json_kv_str(g, "vdev", disks[i].vdev ? disks[i].vdev : "");
            xlt_json_kv_int(g, "devid", di.devid);
            xlt_json_kv_uint(g, "backend_id", di.backend_id);
            xlt_json_kv_str(g, "target",
                            disks[i].pdev_path ? disks[i].pdev_path : "");
            xlt_json_kv_int(g, "state", di.state);
            xlt_json_kv_int(g, "evtch", di.evtch);
            xlt_json_kv_int(g, "rref", di.rref);
            xlt_json_kv_str(g, "backend", di.backend ? di.backend : "");
            yajl_gen_map_close(g);
        }
        libxl_diskinfo_dispose(&di);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    libxl_device_disk_list_free(disks, n);
}

void req_network_list(struct xltd *d, unsigned conn, yajl_val args)
{
    requests_reply_domains(d, conn, args, gen_nics, NULL);
}

void req_block_list(struct xltd *d, unsigned conn, yajl_val args)
{
    requests_reply_domains(d, conn, args, gen_disks, NULL);
}
