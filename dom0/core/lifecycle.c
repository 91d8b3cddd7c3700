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
    char *old = NULL;
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
    domain_uuid(d, domid, &uuid);
    if (defined_name_free(d, name, &uuid, err))
        return -1;
    old = libxl_domid_to_name(d->ctx, domid);
    if (libxl_domain_rename(d->ctx, domid, NULL, name)) {
        free(old);
        return xlerr_set(d, ERROR_FAIL, err, "renaming domain %u failed",
                         domid);
    }
    log_info(&d->log, "domain %u: renamed to %s", domid, name);
    if (store_has(d, &uuid) && store_set_str(d, &uuid, "name", name))
        log_errx(&d->log, "domain %u: its store entry keeps the old name",
                 domid);
    defined_renamed(d, &uuid, name);
    supervise_renamed(d, domid, name);
    events_emit(d, &(struct event){.kind = "renamed", .domid = domid,
                                   .name = name, .uuid = &uuid,
                                   .detail_key = "old_name", .detail = old});
    free(old);
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
    events_domain(d, pause ? "paused" : "unpaused", domid);
    return 0;
}

/* ---- shutdown, reboot ------------------------------------------------------ */

/* Asking domains to shut down or reboot: libxl's request waits (up to
 * 60 s) for each guest to acknowledge it, asynchronously, so that a guest
 * that does not answer (paused, hung, without its PV drivers) holds only
 * its own request, never the loop. */
struct asking {
    struct xltd *d;
    struct job *job;
    bool reboot, fallback, wait;
    size_t pending;        /* asks under way, and 1 while they are made */
    struct xlt_err failed; /* the first failure ("": none) */
    size_t n;
    uint32_t ids[];
};

struct ask {
    struct asking *all;
    uint32_t domid;
    struct inflight op;
};

/* Does Xen still have DOMID? */
static bool domain_exists(struct xltd *d, uint32_t domid)
{
    libxl_dominfo info;
    bool there;

    libxl_dominfo_init(&info);
    there = libxl_domain_info(d->ctx, &info, domid) == 0;
    libxl_dominfo_dispose(&info);
    return there;
}

/* Every ask has ended: the job ends, or waits for the domains to go
 * (those already gone, meanwhile destroyed, are not waited for). */
static void asking_end(struct asking *all)
{
    struct xlt_err err;
    size_t n = 0;

    for (size_t i = 0; i < all->n; i++)
        if (domain_exists(all->d, all->ids[i]))
            all->ids[n++] = all->ids[i];
    if (*all->failed.msg)
        job_fail(all->job, "%s", all->failed.msg);
    else if (!all->wait)
        job_done(all->job, NULL);
    else if (supervise_wait(all->d, all->ids, n, all->job, &err))
        job_fail(all->job, "%s", err.msg);
    free(all);
}

/* One of ALL's holds ends: the last ends ALL. */
static void asking_release(struct asking *all)
{
    if (--all->pending == 0)
        asking_end(all);
}

/* One ask ended with RC (libxl's; 0: acknowledged); with ERR if it was
 * refused at once. */
static void ask_ended(struct asking *all, uint32_t domid, int rc,
                      const struct xlt_err *err)
{
    const char *verb = all->reboot ? "reboot" : "shut down";

    if (rc && !err && !domain_exists(all->d, domid))
        rc = 0; /* destroyed meanwhile: it is down, as asked */
    if (err && !*all->failed.msg)
        all->failed = *err;
    else if (rc == ERROR_TIMEDOUT && !*all->failed.msg)
        xlt_err_set(&all->failed, "domain %u did not acknowledge the "
                    "request to %s within 60 s (are its PV drivers "
                    "running?)", domid, verb);
    else if (rc && !*all->failed.msg)
        xlerr_set(all->d, rc, &all->failed, "asking domain %u to %s failed",
                  domid, verb);
    else if (!rc && !err)
        log_info(&all->d->log, "domain %u: asked to %s", domid, verb);
}

static void ask_done(libxl_ctx *ctx, int rc, void *arg)
{
    struct ask *a = arg;
    struct asking *all = a->all;

    (void)ctx;
    ask_ended(all, a->domid, rc, NULL);
    free(a);
    asking_release(all);
}

/* The fallback of a domain without PV drivers: for a reboot, xltd shuts
 * it down for reboot itself (Xen on x86 has no reset trigger: ENOSYS)
 * and on_reboot follows, as after a reset; else the ACPI power button. */
static int ask_fallback(struct xltd *d, uint32_t domid, bool reboot,
                        struct xlt_err *err)
{
    int rc;

    if (reboot)
        return xenctrl_shutdown(domid, LIBXL_SHUTDOWN_REASON_REBOOT, err);
    rc = libxl_send_trigger(d->ctx, domid, LIBXL_TRIGGER_POWER, 0, NULL);
    return rc ? xlerr_set(d, rc, err, "pressing domain %u's power button "
                          "failed", domid)
              : 0;
}

/* Ask DOMID, for ALL: under way (pending), ended, or refused (ERR). */
static void ask_one(struct asking *all, uint32_t domid)
{
    struct xltd *d = all->d;
    struct ask *a = calloc(1, sizeof(*a));
    const libxl_asyncop_how *how;
    struct xlt_err err;
    int rc;

    if (domid == 0 || !a) {
        xlt_err_set(&err, domid ? "out of memory"
                                : "domain 0 is dom0: shut the host down "
                                  "instead");
        free(a);
        ask_ended(all, domid, 0, &err);
        return;
    }
    a->all = all;
    a->domid = domid;
    how = inflight_begin(d, &a->op, all->reboot ? "a reboot request"
                                                : "a shutdown request",
                         ask_done, a);
    all->pending++; /* before: an ask may end within libxl's call */
    rc = all->reboot ? libxl_domain_reboot(d->ctx, domid, how)
                     : libxl_domain_shutdown(d->ctx, domid, how);
    if (rc == 0) {
        log_info(&d->log, "domain %u: asking it to %s", domid,
                 all->reboot ? "reboot" : "shut down");
        return;
    }
    all->pending--;
    inflight_end(d, &a->op);
    free(a);
    if (rc == ERROR_NOPARAVIRT && !all->fallback)
        xlt_err_set(&err, "domain %u has no PV drivers to ask; -F %s "
                    "instead", domid, all->reboot ? "resets it"
                    : "presses its ACPI power button");
    else if (rc == ERROR_NOPARAVIRT && !ask_fallback(d, domid, all->reboot,
                                                      &err))
        rc = 0;
    else if (rc != ERROR_NOPARAVIRT)
        xlerr_set(d, rc, &err, "asking domain %u to %s failed", domid,
                  all->reboot ? "reboot" : "shut down");
    ask_ended(all, domid, rc, rc ? &err : NULL);
}

int domain_ask(struct xltd *d, const uint32_t *domids, size_t n, bool reboot,
               bool fallback, bool wait, struct job *job,
               struct xlt_err *err)
{
    struct asking *all = calloc(1, sizeof(*all) + n * sizeof(all->ids[0]));

    if (!all)
        return xlt_err_set(err, "out of memory");
    all->d = d;
    all->job = job;
    all->reboot = reboot;
    all->fallback = fallback;
    all->wait = wait;
    all->n = n;
    memcpy(all->ids, domids, n * sizeof(all->ids[0]));
    all->pending = 1; /* until every ask is made */
    for (size_t i = 0; i < n && !*all->failed.msg; i++)
        ask_one(all, domids[i]);
    asking_release(all);
    return 0;
}
