/*
 * domain.c: building domains, for a create or a restore, for a restart
 * that an on_* action asks for, and again after a soft reset.  libxl
 * builds (or restores, or rebuilds) it asynchronously; once built it is
 * unpaused (unless asked not to) and watched, and the job ends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

struct start {
    struct xltd *d;
    struct job *job;
    uint32_t domid;
    bool paused;
    bool soft_reset;           /* DOMID is rebuilt in place */
    struct transfer *transfer; /* a restore's stream; NULL for a create */
    struct inflight op;
    struct promise promise; /* the memory it checked for, until it ends */
    libxl_domain_config cfg;
};

static void start_free(struct start *s)
{
    promise_keep(s->d, &s->promise);
    if (s->transfer)
        transfer_end(s->d, s->transfer);
    libxl_domain_config_dispose(&s->cfg);
    free(s);
}

/* {"domid":N,"name":NAME} and, for a restore, the bytes and seconds. */
static void end_started(struct start *s)
{
    yajl_gen g = xlt_json_gen_new();

    if (g) {
        yajl_gen_map_open(g);
        xlt_json_kv_int(g, "domid", s->domid);
        xlt_json_kv_str(g, "name", s->cfg.c_info.name);
        if (s->transfer)
            transfer_gen_summary(s->transfer, g);
        yajl_gen_map_close(g);
    }
    job_done_gen(s->job, g);
}

static const char *start_verb(const struct start *s)
{
    return s->soft_reset ? "soft-resetting" : s->transfer ? "restoring"
                                                           : "creating";
}

/* The event S's domain's start is. */
static const char *start_event(const struct start *s)
{
    return s->soft_reset ? "soft-reset"
           : s->transfer ? "restored"
           : s->job == &s->d->unattended ? "restarted"
                                         : "created";
}

/* libxl failed: nothing of the domain is kept. */
static void start_failed(struct start *s, int rc, struct xlt_err *err)
{
    struct xltd *d = s->d;

    store_drop(d, &s->cfg.c_info.uuid);
    /* half built (or rebuilt): nothing to keep */
    leftovers_failed_build(d, s->domid, s->cfg.c_info.name);
    xlerr_set(d, rc, err, "%s %s failed", start_verb(s),
                 s->cfg.c_info.name);
}

static void start_done(libxl_ctx *ctx, int rc, void *arg)
{
    struct start *s = arg;
    struct xltd *d = s->d;
    const char *name = s->cfg.c_info.name;
    struct xlt_err err;

    if (!s->soft_reset)
        dedicated_started(d, &s->cfg);
    if (rc) {
        start_failed(s, rc, &err);
        job_fail(s->job, "%s", err.msg);
        goto out;
    }
    if (!s->paused && libxl_domain_unpause(ctx, s->domid, NULL)) {
        xlerr_set(d, ERROR_FAIL, &err, "%s: unpause failed", name);
        log_errx(&d->log, "%s (%u): unpause failed; destroying it", name,
                 s->domid);
        libxl_domain_destroy(ctx, s->domid, NULL);
        job_fail(s->job, "%s", err.msg);
        goto out;
    }
    log_info(&d->log, "%s (%u): %s%s", name, s->domid,
             s->soft_reset ? "soft-reset, running on"
             : s->transfer ? "restored" : "started",
             s->paused ? ", paused" : "");
    /* libxl reports a domain's shutdown once per watch: a fresh one */
    if (s->soft_reset) {
        supervise_rewatch(d, s->domid);
    } else {
        supervise_watch(d, s->domid);
        store_built(d, &s->cfg.c_info.uuid);
    }
    events_emit(d, &(struct event){.kind = start_event(s), .domid = s->domid,
                                   .name = name, .uuid = &s->cfg.c_info.uuid,
                                   .detail_key = s->paused ? "state" : NULL,
                                   .detail = "paused"});
    end_started(s);
out:
    start_free(s);
}

/* What S's domain needs is promised to it (and xl's lock held) until it
 * ends; -1 with ERR if another toolstack holds the lock.  A restart that
 * an on_* action asks for goes on without: the guest is not given up. */
static int promise_memory(struct start *s, struct xlt_err *err)
{
    uint64_t need;

    if (libxl_domain_need_memory(s->d->ctx, &s->cfg, 0, &need) ||
        !promise_make(s->d, &s->promise, need, &s->cfg, err))
        return 0;
    if (s->job != &s->d->unattended)
        return -1;
    log_warnx(&s->d->log, "%s: restarting it regardless: %s",
              s->cfg.c_info.name, err->msg);
    return 0;
}

/* S was refused before libxl had it: nothing was built. */
static int start_refused(struct start *s, struct xlt_err *err)
{
    store_drop(s->d, &s->cfg.c_info.uuid);
    dedicated_started(s->d, &s->cfg);
    xlt_err_set(err, "%s: %s; nothing %s", s->cfg.c_info.name, err->msg,
                s->transfer ? "restored" : "created");
    start_free(s);
    return -1;
}

/* Create (FD < 0), restore from FD, or with SOFT_RESET rebuild DOMID. */
static int start(struct xltd *d, libxl_domain_config *cfg, bool paused,
                 struct job *job, struct transfer *t, int fd, uint32_t domid,
                 bool soft_reset, struct xlt_err *err)
{
    struct start *s = calloc(1, sizeof(*s));
    libxl_domain_restore_params params;
    const libxl_asyncop_how *how;
    int rc;

    if (!s) {
        libxl_domain_config_dispose(cfg);
        libxl_domain_config_init(cfg);
        if (t)
            transfer_end(d, t);
        return xlt_err_set(err, "out of memory");
    }
    s->d = d;
    s->job = job;
    s->domid = domid;
    s->paused = paused;
    s->soft_reset = soft_reset;
    s->transfer = t;
    s->cfg = *cfg; /* take it over */
    libxl_domain_config_init(cfg);
    if (!soft_reset && promise_memory(s, err))
        return start_refused(s, err);
    how = inflight_begin(d, &s->op, soft_reset ? "a soft reset"
                                    : t ? "a restore" : "a create",
                         start_done, s);
    if (soft_reset) {
        rc = libxl_domain_soft_reset(d->ctx, &s->cfg, domid, how, NULL);
    } else if (t) {
        libxl_domain_restore_params_init(&params);
        params.stream_version = 2;
        rc = libxl_domain_create_restore(d->ctx, &s->cfg, &s->domid, fd, -1,
                                         &params, how, NULL);
        libxl_domain_restore_params_dispose(&params);
    } else {
        rc = libxl_domain_create_new(d->ctx, &s->cfg, &s->domid, how, NULL);
    }
    if (rc) {
        inflight_end(d, &s->op);
        if (!soft_reset)
            dedicated_started(d, &s->cfg);
        start_failed(s, rc, err);
        start_free(s);
        return -1;
    }
    return 0;
}

int domain_start(struct xltd *d, libxl_domain_config *cfg, bool paused,
                 struct job *job, struct xlt_err *err)
{
    return start(d, cfg, paused, job, NULL, -1, INVALID_DOMID, false, err);
}

int domain_restore(struct xltd *d, libxl_domain_config *cfg,
                   struct transfer *t, int fd, bool paused, struct job *job,
                   struct xlt_err *err)
{
    return start(d, cfg, paused, job, t, fd, INVALID_DOMID, false, err);
}

void domain_soft_reset(struct xltd *d, uint32_t domid,
                       libxl_domain_config *cfg)
{
    struct xlt_err err;

    if (start(d, cfg, false, &d->unattended, NULL, -1, domid, true, &err))
        log_errx(&d->log, "%s", err.msg);
}

/* ---- create ---------------------------------------------------------------- */

int domain_check_identity(struct xltd *d, const libxl_domain_config *cfg,
                          struct xlt_err *err)
{
    uint32_t other;

    if (policy_domain_name(cfg->c_info.name, err))
        return -1;
    if (!libxl_name_to_domid(d->ctx, cfg->c_info.name, &other))
        return xlt_err_set(err, "a domain named %s already exists (id %u)",
                           cfg->c_info.name, other);
    return policy_uuid_free(d, &cfg->c_info.uuid, NULL, err) ||
                   defined_name_free(d, cfg->c_info.name, &cfg->c_info.uuid,
                                     err)
               ? -1
               : 0;
}

int domain_check_new(struct xltd *d, const libxl_domain_config *cfg,
                     struct xlt_err *err)
{
    if (!cfg->c_info.name)
        return xlt_err_set(err, "the configuration has no name");
    return domain_check_identity(d, cfg, err) ||
                   domain_check_files(cfg, err)
               ? -1
               : 0;
}

int domain_check_files(const libxl_domain_config *cfg, struct xlt_err *err)
{
    const libxl_domain_build_info *b = &cfg->b_info;

    if (b->kernel && access(b->kernel, R_OK))
        return xlt_err_errno(err, errno, "kernel %s", b->kernel);
    if (b->ramdisk && access(b->ramdisk, R_OK))
        return xlt_err_errno(err, errno, "ramdisk %s", b->ramdisk);
    return 0;
}

int domain_config_parse(struct xltd *d, const char *json,
                        libxl_domain_config *cfg, struct xlt_err *err)
{
    if (libxl_domain_config_from_json(d->ctx, cfg, json))
        return xlt_err_set(err, "create: the configuration is not a valid "
                           "libxl_domain_config");
    return 0;
}

int domain_create_go(struct xltd *d, libxl_domain_config *cfg,
                     const char *path, const char *text, bool paused,
                     struct job *job, struct xlt_err *err)
{
    bool dedicated = false;

    if (text && xlt_config_dedicated(path ? path : "(config)", text,
                                     strlen(text), strlen(text), &dedicated,
                                     err))
        return -1;
    if (dedicated && dedicated_reserve(d, cfg, err))
        return xlt_err_set(err, "%s; nothing created", err->msg);
    if (store_put(d, cfg, path, text, true) ||
        (dedicated &&
         store_set_bool(d, &cfg->c_info.uuid, "dedicated", true))) {
        store_drop(d, &cfg->c_info.uuid);
        dedicated_started(d, cfg);
        return xlt_err_set(err, "%s: cannot record it in %s/domains (see "
                           "xltd's log); nothing created", cfg->c_info.name,
                           d->state_dir);
    }
    job_progress(job, "creating %s", cfg->c_info.name);
    log_info(&d->log, "%s: creating from %s", cfg->c_info.name,
             path ? path : "(no file)");
    return domain_start(d, cfg, paused, job, err);
}

int domain_create(struct xltd *d, libxl_domain_config *cfg, const char *path,
                  const char *text, bool paused, struct job *job,
                  struct xlt_err *err)
{
    int room;

    if (devices_prepare(d, cfg, err))
        return xlt_err_set(err, "%s: %s; nothing created", cfg->c_info.name,
                           err->msg);
    room = balloon_make_room(d, cfg, path, text, paused, job, err);
    if (room < 0)
        return -1;
    if (room > 0)
        return 0; /* balloon.c goes on when there is room */
    return domain_create_go(d, cfg, path, text, paused, job, err);
}
