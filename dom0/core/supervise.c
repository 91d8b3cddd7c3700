/*
 * supervise.c: xltd watches every domain it knows for shutdown and death,
 * through libxl's domain-death events.  When a domain shuts down, xltd
 * applies the domain's own on_poweroff/on_reboot/on_crash/on_watchdog
 * action, as libxl keeps it in the domain's configuration; when it dies,
 * the clients waiting for that (shutdown -w) get their answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <xenstore.h>

#include "core.h"

struct waiter {
    struct waiter *next;
    struct job *job;
    size_t n;
    uint32_t domids[]; /* still alive */
};

struct watch {
    struct watch *next;
    uint32_t domid;
    libxl_evgen_domain_death *gen;
    char *name;      /* for its events once it is gone (NULL: unknown) */
    libxl_uuid uuid;
};

static struct watch *watch_find(struct xltd *d, uint32_t domid)
{
    for (struct watch *w = d->watches; w; w = w->next)
        if (w->domid == domid)
            return w;
    return NULL;
}

int supervise_watch(struct xltd *d, uint32_t domid)
{
    struct watch *w;

    if (domid == 0 || watch_find(d, domid))
        return 0;
    w = calloc(1, sizeof(*w));
    if (!w) {
        log_errx(&d->log, "domain %u: out of memory for its watch", domid);
        return -1;
    }
    w->domid = domid;
    if (libxl_evenable_domain_death(d->ctx, domid, 0, &w->gen)) {
        log_errx(&d->log, "domain %u: cannot watch it", domid);
        free(w);
        return -1;
    }
    w->name = libxl_domid_to_name(d->ctx, domid);
    domain_uuid(d, domid, &w->uuid);
    w->next = d->watches;
    d->watches = w;
    log_debug(&d->log, "domain %u: watching", domid);
    return 0;
}

static void watch_drop(struct xltd *d, uint32_t domid)
{
    for (struct watch **pp = &d->watches; *pp; pp = &(*pp)->next) {
        struct watch *w = *pp;
        if (w->domid != domid)
            continue;
        *pp = w->next;
        libxl_evdisable_domain_death(d->ctx, w->gen);
        free(w->name);
        free(w);
        return;
    }
}

void supervise_renamed(struct xltd *d, uint32_t domid, const char *name)
{
    struct watch *w = watch_find(d, domid);
    char *copy = w ? strdup(name) : NULL;

    if (!copy)
        return;
    free(w->name);
    w->name = copy;
}

/* DOMID is gone: tell it, by the name and UUID it had. */
static void domain_gone(struct xltd *d, uint32_t domid)
{
    struct watch *w = watch_find(d, domid);

    events_emit(d, &(struct event){.kind = "stopped", .domid = domid,
                                   .name = w && w->name ? w->name : "?",
                                   .uuid = w ? &w->uuid : NULL});
}

int supervise_rewatch(struct xltd *d, uint32_t domid)
{
    watch_drop(d, domid);
    return supervise_watch(d, domid);
}

/* ---- domains that appear (created by anyone, e.g. stock xl) ------------- */

int supervise_open_xenstore(struct xltd *d)
{
    d->xs = xs_open(0);
    if (!d->xs || !xs_watch(d->xs, "@introduceDomain", "introduce")) {
        log_errx(&d->log, "cannot watch xenstore for new domains");
        return -1;
    }
    return 0;
}

int supervise_xenstore_fd(const struct xltd *d)
{
    return d->xs ? xs_fileno(d->xs) : -1;
}

/* DOMID, watched from now on, was made by another toolstack (xltd's own
 * domains have a store entry before libxl builds them): an event. */
static void foreign_domain(struct xltd *d, const libxl_dominfo *info)
{
    if (store_has(d, &info->uuid))
        return;
    events_emit(d, &(struct event){.kind = "created", .domid = info->domid,
                                   .uuid = &info->uuid,
                                   .detail_key = "by",
                                   .detail = "another toolstack"});
}

/* A domain was introduced: watch every domain not watched yet. */
void supervise_xenstore_ready(struct xltd *d)
{
    char **event = xs_check_watch(d->xs);
    libxl_dominfo *info;
    int count = 0;

    if (!event)
        return;
    free(event);
    while ((event = xs_check_watch(d->xs)))
        free(event);
    info = libxl_list_domain(d->ctx, &count);
    for (int i = 0; info && i < count; i++) {
        bool known = info[i].domid == 0 || watch_find(d, info[i].domid);
        if (!supervise_watch(d, info[i].domid) && !known)
            foreign_domain(d, &info[i]);
    }
    if (info)
        libxl_dominfo_list_free(info, count);
}

/* ---- what an xltd that died left ------------------------------------------ */

/* A domain of xltd's that an xltd which died left mid-way: half built
 * (its entry still says "building"): destroyed; suspended by a save or a
 * migration that never handed it over: resumed.  A copy that did hand
 * over (NAME--migratedaway, no entry) may run on the target: left. */
static void recover(struct xltd *d, const libxl_dominfo *info)
{
    char *name = libxl_domid_to_name(d->ctx, info->domid);
    const char *n = name ? name : "?";

    if (!info->domid || !store_has(d, &info->uuid) ||
        receive_copy_name(n))
        goto out;
    if (store_building(d, &info->uuid)) {
        log_warnx(&d->log, "%s (%u): half built when an xltd stopped; "
                  "destroying it", n, info->domid);
        if (libxl_domain_destroy(d->ctx, info->domid, NULL))
            log_errx(&d->log, "%s (%u): destroy failed", n, info->domid);
        else
            store_drop(d, &info->uuid);
    } else if (info->shutdown &&
               info->shutdown_reason == LIBXL_SHUTDOWN_REASON_SUSPEND) {
        log_warnx(&d->log, "%s (%u): left suspended by a save or migration "
                  "an xltd did not finish; resuming it", n, info->domid);
        if (libxl_domain_resume(d->ctx, info->domid, 1, NULL))
            log_errx(&d->log, "%s (%u): resume failed", n, info->domid);
    }
out:
    free(name);
}

int supervise_adopt_all(struct xltd *d)
{
    libxl_dominfo *info;
    int n = 0;

    info = libxl_list_domain(d->ctx, &n);
    if (!info) {
        log_errx(&d->log, "cannot list the domains");
        return -1;
    }
    for (int i = 0; i < n; i++)
        recover(d, &info[i]);
    libxl_dominfo_list_free(info, n);
    leftovers_sweep_all(d);
    info = libxl_list_domain(d->ctx, &n);
    if (!info) {
        log_errx(&d->log, "cannot list the domains");
        return -1;
    }
    for (int i = 0; i < n; i++)
        supervise_watch(d, info[i].domid);
    log_info(&d->log, "watching %d domain%s, %d managed by xltd", n - 1,
             n - 1 == 1 ? "" : "s", store_forget_stopped(d, info, n));
    libxl_dominfo_list_free(info, n);
    return 0;
}

/* ---- clients waiting for deaths ------------------------------------------ */

int supervise_wait(struct xltd *d, const uint32_t *domids, size_t n,
                   struct job *job, struct xlt_err *err)
{
    struct waiter *w;

    if (n == 0) {
        job_done(job, NULL);
        return 0;
    }
    w = calloc(1, sizeof(*w) + n * sizeof(w->domids[0]));
    if (!w)
        return xlt_err_set(err, "out of memory");
    w->job = job;
    w->n = n;
    memcpy(w->domids, domids, n * sizeof(w->domids[0]));
    w->next = d->waiters;
    d->waiters = w;
    for (size_t i = 0; i < n; i++)
        supervise_watch(d, domids[i]);
    return 0;
}

/* DOMID shut down or died: that is what shutdown -w waits for (as xl). */
void supervise_waiters_done(struct xltd *d, uint32_t domid)
{
    struct waiter **pp = &d->waiters;

    while (*pp) {
        struct waiter *w = *pp;
        for (size_t i = 0; i < w->n; i++) {
            if (w->domids[i] == domid) {
                w->domids[i] = w->domids[--w->n];
                break;
            }
        }
        if (w->n > 0) {
            pp = &w->next;
            continue;
        }
        *pp = w->next;
        job_done(w->job, NULL);
        free(w);
    }
}

/* ---- on_* actions --------------------------------------------------------- */

/* The action CFG asks for on REASON; its key in *KEY.  Suspends (save,
 * migration) are libxl's business: preserve. */
static libxl_action_on_shutdown action_for(const libxl_domain_config *cfg,
                                           libxl_shutdown_reason reason,
                                           const char **key)
{
    switch (reason) {
    case LIBXL_SHUTDOWN_REASON_POWEROFF:
        *key = "on_poweroff";
        return cfg->on_poweroff;
    case LIBXL_SHUTDOWN_REASON_REBOOT:
        *key = "on_reboot";
        return cfg->on_reboot;
    case LIBXL_SHUTDOWN_REASON_CRASH:
        *key = "on_crash";
        return cfg->on_crash;
    case LIBXL_SHUTDOWN_REASON_WATCHDOG:
        *key = "on_watchdog";
        return cfg->on_watchdog;
    case LIBXL_SHUTDOWN_REASON_SOFT_RESET:
        *key = "on_soft_reset";
        return cfg->on_soft_reset;
    default:
        *key = "suspend";
        return LIBXL_ACTION_ON_SHUTDOWN_PRESERVE;
    }
}

static bool restarts(libxl_action_on_shutdown action)
{
    return action == LIBXL_ACTION_ON_SHUTDOWN_RESTART ||
           action == LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME ||
           action == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART;
}

/* A shutdown whose action waits for the domain's configuration. */
struct shutdown {
    uint32_t domid;
    libxl_shutdown_reason reason;
};

/* Apply the on_* action CFG asks of DOMID, NAME, for REASON; true if it
 * goes on beyond this call (a dump, a destroy: its end releases the
 * waiters). */
static bool apply_action(struct xltd *d, uint32_t domid, const char *name,
                         libxl_domain_config *cfg,
                         libxl_shutdown_reason reason)
{
    const char *key = "default";
    libxl_action_on_shutdown action = action_for(cfg, reason, &key);

    if (action == LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET &&
        cfg->b_info.type != LIBXL_DOMAIN_TYPE_HVM) {
        log_warnx(&d->log, "%s (%u): libxl soft-resets only HVM guests; "
                  "destroying it", name, domid);
        action = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
    }
    log_info(&d->log, "%s (%u): shut down (%s); %s=%s", name, domid,
             libxl_shutdown_reason_to_string(reason), key,
             libxl_action_on_shutdown_to_string(action));
    if ((reason == LIBXL_SHUTDOWN_REASON_CRASH ||
         reason == LIBXL_SHUTDOWN_REASON_WATCHDOG) &&
        restarts(action) &&
        !crashes_restart_allowed(d, cfg->c_info.name))
        action = action == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART
                     ? LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY
                     : LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
    return actions_apply(d, domid, cfg, action);
}

/* The config DOMID was created with, from its store entry, when libxl
 * cannot tell the current one (its device model does not answer): the
 * guest's on_* action is applied all the same. */
static int stored_config(struct xltd *d, uint32_t domid,
                         libxl_domain_config *cfg)
{
    yajl_val entry = NULL;
    libxl_uuid uuid;
    char *json = NULL;
    int rc = -1;

    domain_uuid(d, domid, &uuid);
    if (store_get(d, &uuid, &entry))
        goto out;
    json = xlt_json_to_text(xlt_json_get(entry, "config"));
    if (json && !libxl_domain_config_from_json(d->ctx, cfg, json))
        rc = 0;
out:
    free(json);
    yajl_tree_free(entry);
    return rc;
}

/* The configuration of SH's domain is read (CFG, or NULL after RC):
 * apply its action, if the domain is xltd's. */
static void shutdown_go(struct xltd *d, libxl_domain_config *cfg, int rc,
                        void *arg)
{
    struct shutdown *sh = arg;
    char *name = libxl_domid_to_name(d->ctx, sh->domid);
    const char *n = name ? name : "?";
    libxl_domain_config stored;
    bool ending = false;
    struct xlt_err err;

    libxl_domain_config_init(&stored);
    if (rc) {
        retrieve_error(d, sh->domid, rc, &err);
        if (stored_config(d, sh->domid, &stored)) {
            log_warnx(&d->log, "%s (%u): shut down, but %s; left alone", n,
                      sh->domid, err.msg);
            goto out;
        }
        log_warnx(&d->log, "%s (%u): %s; its on_* actions are taken from "
                  "the config it was created with", n, sh->domid, err.msg);
        cfg = &stored;
    }
    if (!store_has(d, &cfg->c_info.uuid)) {
        log_info(&d->log, "%s (%u): shut down (%s); not managed by xltd, "
                 "left to its owner", n, sh->domid,
                 libxl_shutdown_reason_to_string(sh->reason));
        goto out;
    }
    ending = apply_action(d, sh->domid, n, cfg, sh->reason);
out:
    if (!ending)
        supervise_waiters_done(d, sh->domid);
    libxl_domain_config_dispose(&stored);
    free(name);
    free(sh);
}

/* DOMID shut down for REASON: its on_* action is applied once libxl has
 * told its configuration.  A suspend (a save, a migration) is libxl's
 * business. */
static void domain_shutdown(struct xltd *d, uint32_t domid,
                            libxl_shutdown_reason reason)
{
    struct shutdown *sh;
    struct xlt_err err;

    events_emit(d, &(struct event){
        .kind = reason == LIBXL_SHUTDOWN_REASON_CRASH ? "crashed"
                : reason == LIBXL_SHUTDOWN_REASON_SUSPEND ? "suspended"
                                                            : "shutdown",
        .domid = domid, .detail_key = "reason",
        .detail = libxl_shutdown_reason_to_string(reason)});
    if (reason == LIBXL_SHUTDOWN_REASON_SUSPEND) {
        migrate_domain_suspended(d, domid);
        log_info(&d->log, "domain %u: suspended", domid);
        supervise_waiters_done(d, domid);
        return;
    }
    sh = calloc(1, sizeof(*sh));
    if (!sh) {
        log_errx(&d->log, "domain %u: shut down; out of memory to act on "
                 "it", domid);
        supervise_waiters_done(d, domid);
        return;
    }
    sh->domid = domid;
    sh->reason = reason;
    if (retrieve_config(d, domid, shutdown_go, sh, &err))
        shutdown_go(d, NULL, ERROR_FAIL, sh);
}

void supervise_event(struct xltd *d, libxl_event *ev)
{
    switch (ev->type) {
    case LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN:
        domain_shutdown(d, ev->domid, ev->u.domain_shutdown.shutdown_reason);
        break;
    case LIBXL_EVENT_TYPE_DOMAIN_DEATH:
        log_info(&d->log, "domain %u: died", ev->domid);
        domain_gone(d, ev->domid);
        devmodel_domain_dying(d, ev->domid);
        watch_drop(d, ev->domid);
        dedicated_rebalance(d);
        supervise_waiters_done(d, ev->domid);
        break;
    default:
        log_debug(&d->log, "domain %u: event %s", ev->domid,
                  libxl_event_type_to_string(ev->type));
        break;
    }
    libxl_event_free(d->ctx, ev);
}

void supervise_stop(struct xltd *d)
{
    crashes_forget(d);
    devmodel_forget_all(d);
    if (d->xs)
        xs_close(d->xs);
    d->xs = NULL;
    while (d->watches)
        watch_drop(d, d->watches->domid);
    while (d->waiters) {
        struct waiter *w = d->waiters;
        d->waiters = w->next;
        job_fail(w->job, "xltd is stopping");
        free(w);
    }
}
