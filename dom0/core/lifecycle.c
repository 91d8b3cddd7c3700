/*
 * lifecycle.c: what an administrator does to a running domain: destroy
 * it, rename it, pause it, ask it to shut down or reboot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

void domain_uuid(struct xltd *d, uint32_t domid, libxl_uuid *uuid)
{
    libxl_dominfo info;

    libxl_dominfo_init(&info);
    libxl_uuid_clear(uuid);
    if (!libxl_domain_info(d->ctx, &info, domid))
        libxl_uuid_copy(d->ctx, uuid, &info.uuid);
    libxl_dominfo_dispose(&info);
}

/* ---- destroy --------------------------------------------------------------- */

struct destroy {
    struct xltd *d;
    struct job *job;
    uint32_t domid;
    libxl_uuid uuid;
    struct inflight op;
};

static void destroy_done(libxl_ctx *ctx, int rc, void *arg)
{
    struct destroy *op = arg;
    struct xltd *d = op->d;
    struct xlt_err err;
    char result[64];

    (void)ctx;
    if (rc) {
        xlerr_set(d, rc, &err, "destroying domain %u failed", op->domid);
        job_fail(op->job, "%s", err.msg);
    } else {
        log_info(&d->log, "domain %u: destroyed on request", op->domid);
        store_drop(d, &op->uuid);
        dedicated_rebalance(d);
        snprintf(result, sizeof(result), "{\"domid\":%u}", op->domid);
        job_done(op->job, result);
    }
    free(op);
}

int domain_destroy(struct xltd *d, uint32_t domid, struct job *job,
                   struct xlt_err *err)
{
    struct destroy *op;
    int rc;

    if (domid == 0)
        return xlt_err_set(err, "domain 0 cannot be destroyed");
    op = calloc(1, sizeof(*op));
    if (!op)
        return xlt_err_set(err, "out of memory");
    op->d = d;
    op->job = job;
    op->domid = domid;
    domain_uuid(d, domid, &op->uuid);
    rc = libxl_domain_destroy(d->ctx, domid,
                              inflight_begin(d, &op->op, "a destroy",
                                             destroy_done, op));
    if (rc) {
        inflight_end(d, &op->op);
        free(op);
        return xlerr_set(d, rc, err, "destroying domain %u failed",
                            domid);
    }
    return 0;
}

/* ---- rename, pause --------------------------------------------------------- */

int domain_rename(struct xltd *d, uint32_t domid, const char *name,
                  struct xlt_err *err)
{
    uint32_t other;
    libxl_uuid uuid;

    if (!name || !*name || strchr(name, '/'))
        return xlt_err_set(err, "`%s' is not a valid domain name",
                           name ? name : "");
    if (policy_domain_name(name, err))
        return -1;
    if (!libxl_name_to_domid(d->ctx, name, &other))
        return xlt_err_set(err, "a domain named %s already exists (id %u)",
                           name, other);
    if (libxl_domain_rename(d->ctx, domid, NULL, name))
        return xlerr_set(d, ERROR_FAIL, err, "renaming domain %u failed",
                            domid);
    log_info(&d->log, "domain %u: renamed to %s", domid, name);
    domain_uuid(d, domid, &uuid);
    if (store_has(d, &uuid) && store_set_str(d, &uuid, "name", name))
        log_errx(&d->log, "domain %u: its store entry keeps the old name",
                 domid);
    return 0;
}

int domain_pause(struct xltd *d, uint32_t domid, bool pause,
                 struct xlt_err *err)
{
    int rc = pause ? libxl_domain_pause(d->ctx, domid, NULL)
                   : libxl_domain_unpause(d->ctx, domid, NULL);

    if (rc)
        return xlerr_set(d, rc, err, "%s domain %u failed",
                            pause ? "pausing" : "unpausing", domid);
    log_info(&d->log, "domain %u: %s", domid, pause ? "paused" : "unpaused");
    return 0;
}

/* ---- shutdown, reboot ------------------------------------------------------ */

/* Through its PV drivers, else (with FALLBACK) through the ACPI power
 * button, or for a reboot a reset: Xen on x86 has no reset trigger
 * (ENOSYS), so xltd shuts the domain down for reboot itself and on_reboot
 * follows, as after a reset. */
int domain_ask(struct xltd *d, uint32_t domid, bool reboot, bool fallback,
               struct xlt_err *err)
{
    int rc;

    if (domid == 0)
        return xlt_err_set(err, "domain 0 is dom0: shut the host down "
                           "instead");
    rc = reboot ? libxl_domain_reboot(d->ctx, domid, NULL)
                : libxl_domain_shutdown(d->ctx, domid, NULL);
    if (rc == ERROR_NOPARAVIRT && fallback && reboot) {
        if (xenctrl_shutdown(domid, LIBXL_SHUTDOWN_REASON_REBOOT, err))
            return -1;
        rc = 0;
    } else if (rc == ERROR_NOPARAVIRT && fallback)
        rc = libxl_send_trigger(d->ctx, domid, LIBXL_TRIGGER_POWER, 0, NULL);
    else if (rc == ERROR_NOPARAVIRT)
        return xlt_err_set(err, "domain %u has no PV drivers to ask; -F "
                           "%s instead", domid, reboot ? "resets it"
                           : "presses its ACPI power button");
    if (rc)
        return xlerr_set(d, rc, err, "asking domain %u to %s failed",
                            domid, reboot ? "reboot" : "shut down");
    log_info(&d->log, "domain %u: asked to %s", domid,
             reboot ? "reboot" : "shut down");
    return 0;
}
