/*
 * block-lvm: xlt's driver for blkback disks on LVM logical volumes
 * (phy:/dev/VG/LV).
 *
 * add: the LV must exist; an inactive one is activated (and the backend
 * notes it, xlt-activated, so that remove deactivates it again); it is
 * refused when another domain's disk has it and either side writes; then
 * physical-device (MAJOR:MINOR in hex) and physical-device-path tell
 * blkback what to open, and hotplug-status says connected.
 * remove: an LV this driver activated is deactivated once no other disk
 * uses it.
 * The LVM part is xlt/lib/lvm.c's (through the lvm command).
 */
#include <stdlib.h>
#include <string.h>

#include "hotplug.h"
#include "xlt.h"

#define DRIVER "block-lvm"

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
 * that conflicts (either side writes).  1 and its domain in *DOMID. */
static int lv_user(struct hotplug *h, const struct lv *lv, bool any,
                   unsigned *domid)
{
    char self[512];

    snprintf(self, sizeof(self), "/local/domain/0/%s", h->xenbus_path);
    return xlt_vbd_user(h->xs, lv->device, self, !any && !lv->writable,
                        domid);
}

static int add(struct hotplug *h, struct lv *lv)
{
    char msg[512];
    bool activated = false;
    unsigned other;
    int active = lv_active(lv, msg, sizeof(msg));

    if (active < 0)
        return hotplug_fail(h, "LV %s does not exist (lvm: %s)", lv->id.name,
                            msg);
    if (!active) {
        if (lv_activate(lv, true, msg, sizeof(msg)))
            return hotplug_fail(h, "LV %s cannot be activated (lvm: %s)",
                                lv->id.name, msg);
        activated = true;
    }
    if (xlt_lv_device(&lv->id, lv->device, sizeof(lv->device))) {
        hotplug_fail(h, "%s is not a block device", lv->id.path);
        goto undo;
    }
    if (lv_user(h, lv, false, &other)) {
        hotplug_fail(h, "LV %s is in use by domain %u%s", lv->id.name, other,
                     lv->writable ? "" : ", writable");
        goto undo;
    }
    if (hotplug_write(h, "physical-device", lv->device) ||
        hotplug_write(h, "physical-device-path", lv->id.path) ||
        (activated && hotplug_write(h, "xlt-activated", "1")) ||
        hotplug_connected(h)) {
        hotplug_fail(h, "cannot write to xenstore");
        goto undo;
    }
    return 0;
undo:
    if (activated)
        lv_activate(lv, false, msg, sizeof(msg));
    return 1;
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
