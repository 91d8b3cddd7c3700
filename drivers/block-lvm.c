/*
 * block-lvm: xlt's driver for blkback disks on LVM logical volumes
 * (phy:/dev/VG/LV).
 *
 * add: the LV must exist; an inactive one is activated (and the backend
 * notes it, xlt-activated, so that remove deactivates it again); it is
 * refused when dom0 holds it (mounted, swap, a device-mapper or md
 * device on it: the kernel refuses an exclusive open), and when another
 * domain's disk has it and either side writes (the guest's own other
 * copy, migrating to this host, does not count); then physical-device
 * (MAJOR:MINOR in hex) and physical-device-path tell blkback what to
 * open, and hotplug-status says connected.  The check and the claim
 * (physical-device) are one step: adds hold LOCK_PATH between them, so
 * of two disks racing for one LV exactly one gets it.  A backend taken
 * away while the add waited for the lock (its domain destroyed) is left
 * alone.
 * remove: an LV this driver activated is deactivated once no other disk
 * uses it.
 * The LVM part is xlt/lib/lvm.c's (through the lvm command).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "hotplug.h"
#include "xlt.h"

#define DRIVER "block-lvm"
#define LOCK_PATH "/run/lock/xlt-block-lvm"

struct lv {
    struct xlt_lv id;
    char device[32]; /* physical-device: MAJOR:MINOR in hex */
    bool writable;
};

/* Is LV active? 1 yes, 0 no, -1 no such LV (MSG says what lvm said).
 * lv_attr's fifth letter is its state: a for active. */
static int lv_active(const struct lv *lv, char *msg, size_t size)
{
    const char *args[] = {"lvs", "--noheadings", "-o", "lv_attr",
                          lv->id.name, NULL};
    const char *attr;

    if (xlt_lvm(msg, size, args))
        return -1;
    attr = msg + strspn(msg, " ");
    return strlen(attr) >= 5 && attr[4] == 'a' ? 1 : 0;
}

static int lv_activate(const struct lv *lv, bool on, char *msg, size_t size)
{
    const char *args[] = {"lvchange", on ? "-ay" : "-an", lv->id.name, NULL};

    return xlt_lvm(msg, size, args) ? -1 : 0;
}

/* Another domain's disk on LV: with ANY every one counts, else only one
 * that conflicts (either side writes) and is not this guest's other
 * copy.  1 and its domain in *DOMID. */
static int lv_user(struct hotplug *h, const struct lv *lv, bool any,
                   unsigned *domid)
{
    char self[512], uuid[64];
    struct xlt_vbd_skip skip = {self, NULL};

    snprintf(self, sizeof(self), "/local/domain/0/%s", h->xenbus_path);
    if (!any && !xlt_vbd_guest_uuid(h->xs, self, uuid, sizeof(uuid)))
        skip.guest_uuid = uuid;
    return xlt_vbd_user(h->xs, lv->device, &skip, !any && !lv->writable,
                        domid);
}

/* Does dom0 hold LV (mounted, swap, under device-mapper or md)?  The
 * kernel refuses an exclusive open of a block device it holds. */
static bool lv_held_in_dom0(const struct lv *lv)
{
    int fd = open(lv->id.path, O_RDONLY | O_EXCL | O_CLOEXEC);

    if (fd >= 0)
        close(fd);
    return fd < 0 && errno == EBUSY;
}

/* The lock adds hold from their check to their claim; -1 if none. */
static int lock_adds(struct hotplug *h)
{
    int fd = open(LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0 || flock(fd, LOCK_EX)) {
        hotplug_fail(h, "cannot lock %s: %s", LOCK_PATH, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int claim(struct hotplug *h, struct lv *lv, bool activated)
{
    unsigned other;

    if (xlt_lv_device(&lv->id, lv->device, sizeof(lv->device)))
        return hotplug_fail(h, "%s is not a block device", lv->id.path);
    if (lv_held_in_dom0(lv))
        return hotplug_fail(h, "LV %s is in use in dom0 (mounted, swap, or "
                            "under device-mapper or md)", lv->id.name);
    if (lv_user(h, lv, false, &other))
        return hotplug_fail(h, "LV %s is in use by domain %u%s", lv->id.name,
                            other, lv->writable ? "" : ", writable");
    if (hotplug_write(h, "physical-device", lv->device) ||
        hotplug_write(h, "physical-device-path", lv->id.path) ||
        (activated && hotplug_write(h, "xlt-activated", "1")) ||
        hotplug_connected(h))
        return hotplug_fail(h, "cannot write to xenstore");
    return 0;
}

static int add(struct hotplug *h, struct lv *lv)
{
    char msg[512];
    bool activated = false;
    int active, rc = 1, lock = lock_adds(h);

    if (lock < 0)
        return 1;
    if (hotplug_gone(h))
        goto out;
    active = lv_active(lv, msg, sizeof(msg));
    if (active < 0) {
        hotplug_fail(h, "LV %s does not exist (lvm: %s)", lv->id.name, msg);
        goto out;
    }
    if (!active) {
        if (lv_activate(lv, true, msg, sizeof(msg))) {
            hotplug_fail(h, "LV %s cannot be activated (lvm: %s)",
                         lv->id.name, msg);
            goto out;
        }
        activated = true;
    }
    rc = hotplug_gone(h) ? 1 : claim(h, lv, activated);
    if (rc && activated)
        lv_activate(lv, false, msg, sizeof(msg));
out:
    close(lock);
    return rc;
}

static int remove_lv(struct hotplug *h, struct lv *lv)
{
    char *activated = hotplug_read(h, "xlt-activated");
    char msg[512];
    unsigned other;

    /* libxl ignores a failed remove: say what failed and exit 0 */
    if (activated && !strcmp(activated, "1") &&
        !xlt_lv_device(&lv->id, lv->device, sizeof(lv->device)) &&
        !lv_user(h, lv, true, &other) &&
        lv_activate(lv, false, msg, sizeof(msg)))
        fprintf(stderr, "%s: %s: LV %s stays active: %s\n", DRIVER,
                h->xenbus_path, lv->id.name, msg);
    free(activated);
    return 0;
}

int main(int argc, char **argv)
{
    struct hotplug h;
    struct lv lv = {.writable = false};
    char *params = NULL, *mode = NULL;
    int rc = 1;

    if (hotplug_init(&h, DRIVER, argc, argv))
        return 2;
    if (h.action == HOTPLUG_ADD && hotplug_gone(&h))
        goto out;
    params = hotplug_read(&h, "params");
    mode = hotplug_read(&h, "mode");
    if (!params || strncmp(params, "/dev/", 5) != 0 ||
        xlt_lv_parse(params, &lv.id)) {
        rc = h.action == HOTPLUG_REMOVE
                 ? 0
                 : hotplug_fail(&h, "`%s' is not an LVM volume (/dev/VG/LV)",
                                params ? params : "");
        goto out;
    }
    lv.writable = mode && strchr(mode, 'w');
    rc = h.action == HOTPLUG_ADD ? add(&h, &lv) : remove_lv(&h, &lv);
out:
    free(params);
    free(mode);
    hotplug_close(&h);
    return rc;
}
