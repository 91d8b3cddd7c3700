/*
 * hotplug.h: what xlt's device drivers share.  libxl runs a driver as a
 * device's hotplug script:
 *     DRIVER online|offline type_if=vif     (a PV vif)
 *     DRIVER add|remove type_if=tap         (the tap twin of an HVM vif)
 *     DRIVER add|remove                     (a vbd)
 * with XENBUS_PATH (backend/KIND/DOMID/DEVID, relative to dom0's xenstore
 * home) and, for vifs, vif (vifD.N) and INTERFACE (the tap) in the
 * environment.  A driver reports to the backend's xenstore directory as
 * libxl and the backends expect: hotplug-status "connected" when done,
 * hotplug-error (read by libxl when the driver exits non-zero) and
 * hotplug-status "error" when not.
 */
#ifndef XLT_HOTPLUG_H
#define XLT_HOTPLUG_H

#include <stdbool.h>
#include <stdio.h>

#define HOTPLUG_PRINTF(f, a) __attribute__((format(printf, f, a)))

enum hotplug_action { HOTPLUG_ADD, HOTPLUG_REMOVE };

struct hotplug {
    const char *driver;       /* for messages: "vif-bridge" */
    const char *xenbus_path;  /* backend/vif/3/0 */
    enum hotplug_action action;
    bool tap;                 /* type_if=tap */
    struct xs_handle *xs;
};

/* ---- hotplug.c: the command line, the environment, xenstore ---------- */

/* The command line and the environment into H; -1 (and a message on
 * stderr) if they are not what libxl passes. */
int hotplug_init(struct hotplug *h, const char *driver, int argc,
                 char **argv);
void hotplug_close(struct hotplug *h);

/* The backend's node NAME ("bridge"), malloc'd; NULL if it has none. */
char *hotplug_read(struct hotplug *h, const char *name);
int hotplug_write(struct hotplug *h, const char *name, const char *value);

/* hotplug-status "connected". */
int hotplug_connected(struct hotplug *h);
/* Say what went wrong (stderr, hotplug-error, hotplug-status "error").
 * Returns 1, the driver's exit status. */
int hotplug_fail(struct hotplug *h, const char *fmt, ...) HOTPLUG_PRINTF(2, 3);
/* Was the backend taken away (its domain destroyed) while the driver
 * waited?  Then 1, said on stderr only: a write would make its directory
 * again. */
int hotplug_gone(struct hotplug *h);

#endif
