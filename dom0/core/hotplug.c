/*
 * hotplug.c: the devices of running domains, as xl's network-attach,
 * network-detach, block-attach and block-detach.
 * xlt parses the spec (xl's syntax) and sends libxl's JSON of the device;
 * an attached vif or disk gets xlt's drivers as one in a config file does
 * (devices.c).  libxl records what is attached in the configuration it
 * keeps for the domain, so a restart keeps it.  An attach that fails
 * leaves a half-made device in xenstore (libxl does not take it away), so
 * xltd destroys it before it answers.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* An attach or a detach libxl is doing. */
struct hot {
    struct xltd *d;
    struct job *job;
    uint32_t domid;
    const char *what; /* "attaching a vif", for messages */
    bool is_nic;
    bool attaching;
    int failed_rc;         /* an attach that failed: being cleaned up */
    struct xlt_err failed; /* and why it failed */
    libxl_device_nic nic;
    libxl_device_disk disk;
    struct inflight op;
};

static void hot_done(libxl_ctx *ctx, int rc, void *arg);

/* The ao_how of H's next libxl call, which ends in hot_done. */
static const libxl_asyncop_how *hot_how(struct hot *h)
{
    return inflight_begin(h->d, &h->op, h->what, hot_done, h);
}

/* RC of H's libxl call: one it refused at once is not under way. */
static int hot_started(struct hot *h, int rc)
{
    if (rc)
        inflight_end(h->d, &h->op);
    return rc;
}

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
    xlerr_set(d, rc, &h->failed, "%s to domain %u failed", h->what,
                 h->domid);
    return hot_started(
        h, h->is_nic ? libxl_device_nic_destroy(d->ctx, h->domid, &h->nic,
                                                hot_how(h))
                     : libxl_device_disk_destroy(d->ctx, h->domid, &h->disk,
                                                 hot_how(h)));
}

/* H's device came or went: an event naming it as xenstore does, a vif
 * by its devid (vif/1), a disk by its vdev (vbd/xvdb). */
static void hot_event(const struct hot *h)
{
    char device[64];

    if (h->is_nic)
        snprintf(device, sizeof(device), "vif/%d", h->nic.devid);
    else
        snprintf(device, sizeof(device), "vbd/%s",
                 h->disk.vdev ? h->disk.vdev : "?");
    events_emit(h->d, &(struct event){
        .kind = h->attaching ? "device-added" : "device-removed",
        .domid = h->domid, .detail_key = "device", .detail = device});
}

static void hot_done(libxl_ctx *ctx, int rc, void *arg)
{
    struct hot *h = arg;
    struct xlt_err err;
    char result[64];

    (void)ctx;
    if (rc && h->attaching && !h->failed_rc) {
        rc = clean_up(h, rc); /* the clean-up's own result from here on */
        if (rc == 0)
            return;
    }
    if (h->failed_rc) {
        if (rc)
            log_warnx(&h->d->log, "domain %u: the half-attached device "
                      "could not be taken away", h->domid);
        job_fail(h->job, "%s", h->failed.msg);
    } else if (rc) {
        xlerr_set(h->d, rc, &err, "%s to domain %u failed", h->what,
                     h->domid);
        job_fail(h->job, "%s", err.msg);
    } else {
        log_info(&h->d->log, "domain %u: %s done", h->domid, h->what);
        snprintf(result, sizeof(result), "{\"devid\":%d}",
                 h->is_nic ? h->nic.devid : -1);
        hot_event(h);
        job_done(h->job, result);
    }
    hot_free(h);
}

/* A new operation on DOMID; NULL with ERR if not. */
static struct hot *hot_new(struct xltd *d, uint32_t domid, const char *what,
                           bool is_nic, struct job *job, struct xlt_err *err)
{
    struct hot *h;

    if (domid == 0) {
        xlt_err_set(err, "%s: not to dom0", what);
        return NULL;
    }
    h = calloc(1, sizeof(*h));
    if (!h) {
        xlt_err_set(err, "out of memory");
        return NULL;
    }
    h->d = d;
    h->job = job;
    h->domid = domid;
    h->what = what;
    h->is_nic = is_nic;
    libxl_device_nic_init(&h->nic);
    libxl_device_disk_init(&h->disk);
    return h;
}

/* DEVICE (libxl's JSON of a nic or a disk) into H. */
static int hot_device(struct hot *h, const char *device, struct xlt_err *err)
{
    int rc;

    if (!device)
        return xlt_err_set(err, "%s: no device given", h->what);
    rc = h->is_nic ? libxl_device_nic_from_json(h->d->ctx, &h->nic, device)
                   : libxl_device_disk_from_json(h->d->ctx, &h->disk, device);
    if (rc)
        return xlt_err_set(err, "%s: not a valid libxl device", h->what);
    return h->is_nic ? devices_prepare_nic(h->d, &h->nic, h->nic.devid, err)
                     : devices_prepare_disk(&h->disk, err);
}

int hotplug_attach(struct xltd *d, uint32_t domid, bool is_nic,
                   const char *device, struct job *job, struct xlt_err *err)
{
    struct hot *h = hot_new(d, domid, is_nic ? "attaching a vif"
                                             : "attaching a disk",
                            is_nic, job, err);
    int rc;

    if (!h)
        return -1;
    h->attaching = true;
    if (hot_device(h, device, err)) {
        hot_free(h);
        return -1;
    }
    rc = hot_started(
        h, is_nic ? libxl_device_nic_add(d->ctx, h->domid, &h->nic, hot_how(h))
                  : libxl_device_disk_add(d->ctx, h->domid, &h->disk,
                                          hot_how(h)));
    if (rc)
        hot_done(d->ctx, rc, h);
    return 0;
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

int hotplug_detach(struct xltd *d, uint32_t domid, bool is_nic,
                   const char *ref, struct job *job, struct xlt_err *err)
{
    struct hot *h = hot_new(d, domid, is_nic ? "detaching a vif"
                                             : "detaching a disk",
                            is_nic, job, err);
    int rc;

    if (!h)
        return -1;
    if (!ref || (is_nic ? find_nic(h, ref, err) : find_disk(h, ref, err))) {
        if (!ref)
            xlt_err_set(err, "which device?");
        hot_free(h);
        return -1;
    }
    rc = hot_started(
        h, is_nic ? libxl_device_nic_remove(d->ctx, h->domid, &h->nic,
                                            hot_how(h))
                  : libxl_device_disk_remove(d->ctx, h->domid, &h->disk,
                                             hot_how(h)));
    if (rc)
        hot_done(d->ctx, rc, h);
    return 0;
}
