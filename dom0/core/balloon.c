/*
 * balloon.c: dom0 autoballoon.  When a create needs more memory than Xen
 * has free, xltd lowers dom0's target by the shortfall and waits, a tick a
 * second, for dom0's balloon driver to hand it back, telling the client
 * how far it got.  Once enough is free the create goes on; if dom0 cannot
 * free it within the bound, dom0 gets its former target back and nothing
 * is created.  Meanwhile its promise (promised.c) holds /var/lock/xl, as
 * xl does, so that a stock `xl create` cannot take the memory.  One at a
 * time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "core.h"

#define SLACK_KB ((uint64_t)4 * 1024) /* a little more than the shortfall */

struct balloon_op {
    struct job *job;
    bool paused;
    libxl_domain_config cfg;
    char *path, *text;
    uint64_t need_kb, dom0_before_kb;
    int timer_fd, ticks;
    struct promise promise; /* what dom0 frees is this create's; and
                               xl's lock */
};

static bool autoballoon_on(struct xltd *d)
{
    const libxl_version_info *v;

    if (d->balloon_conf.mode != AUTOBALLOON_AUTO)
        return d->balloon_conf.mode == AUTOBALLOON_ON;
    v = libxl_get_version_info(d->ctx); /* as xl: off if Xen sets dom0_mem */
    return !(v && v->commandline && strstr(v->commandline, "dom0_mem="));
}

static void op_free(struct xltd *d, struct balloon_op *op)
{
    promise_keep(d, &op->promise);
    if (op->timer_fd >= 0)
        close(op->timer_fd);
    libxl_domain_config_dispose(&op->cfg);
    free(op->path);
    free(op->text);
    free(op);
    d->balloon = NULL;
}

/* dom0's target now (*DOM0) and what it must go down to (*TARGET) for
 * CFG, which needs NEED KiB where FREE_KB are free; -1 with ERR if dom0
 * cannot give that much. */
static int dom0_target(struct xltd *d, const libxl_domain_config *cfg,
                       uint64_t need, uint64_t free_kb, uint64_t *dom0,
                       uint64_t *target, struct xlt_err *err)
{
    /* libxl's call: it fills in dom0's memory nodes if nobody did yet */
    if (libxl_get_memory_target(d->ctx, 0, dom0))
        return xlt_err_set(err, "cannot read dom0's memory target");
    if (*dom0 < d->balloon_conf.dom0_min_kb + (need - free_kb) + SLACK_KB)
        return xlt_err_set(err, "%s needs %" PRIu64 " MiB, the host has "
                           "%" PRIu64 " MiB free, and dom0 (%" PRIu64 " MiB) "
                           "cannot give the rest without going below "
                           "dom0_min_mem (%" PRIu64 " MiB); nothing created",
                           cfg->c_info.name, need / 1024, free_kb / 1024,
                           *dom0 / 1024, d->balloon_conf.dom0_min_kb / 1024);
    *target = *dom0 - (need - free_kb) - SLACK_KB;
    return 0;
}

/* The tick timer of OP. */
static int op_timer(struct balloon_op *op, struct xlt_err *err)
{
    struct itimerspec tick = {{1, 0}, {1, 0}};

    op->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (op->timer_fd < 0 || timerfd_settime(op->timer_fd, 0, &tick, NULL))
        return xlt_err_errno(err, errno, "autoballoon timer");
    return 0;
}

/* Lower dom0 by what CFG lacks and start waiting; -1 with ERR if not. */
static int start_ballooning(struct xltd *d, const libxl_domain_config *cfg,
                            uint64_t need, uint64_t free_kb, struct job *job,
                            struct xlt_err *err)
{
    struct balloon_op *op;
    uint64_t dom0 = 0, target = 0;

    if (d->balloon)
        return xlt_err_set(err, "another create is making room in dom0's "
                           "memory; try again when it is done");
    if (dom0_target(d, cfg, need, free_kb, &dom0, &target, err))
        return -1;
    op = calloc(1, sizeof(*op));
    if (!op)
        return xlt_err_set(err, "out of memory");
    op->timer_fd = -1;
    libxl_domain_config_init(&op->cfg);
    d->balloon = op;
    op->job = job;
    op->need_kb = need;
    op->dom0_before_kb = dom0;
    libxl_domain_config_copy(d->ctx, &op->cfg, cfg);
    if (promise_make(d, &op->promise, need, &op->cfg, err)) {
        xlt_err_set(err, "%s; nothing created", err->msg);
        goto fail;
    }
    if (op_timer(op, err))
        goto fail;
    if (libxl_set_memory_target(d->ctx, 0, (int64_t)target, 0, 0)) {
        xlt_err_set(err, "cannot lower dom0's memory target");
        goto fail;
    }
    log_info(&d->log, "%s: autoballoon: dom0 %" PRIu64 " -> %" PRIu64
             " MiB", cfg->c_info.name, dom0 / 1024, target / 1024);
    job_progress(job, "autoballoon: %s needs %" PRIu64 " MiB, %" PRIu64
                 " MiB free: lowering dom0 from %" PRIu64 " to %" PRIu64
                 " MiB", cfg->c_info.name, need / 1024, free_kb / 1024,
                 dom0 / 1024, target / 1024);
    return 0;
fail:
    op_free(d, op);
    return -1;
}

/* What Xen has free for a new domain, in KiB: its free memory less what
 * operations under way but MINE (NULL: none) were promised
 * (core/promised.c); -1 if libxl cannot say.  The promised part in
 * *PROMISED. */
static int free_for_new(struct xltd *d, const struct promise *mine,
                        uint64_t *free_kb, uint64_t *promised)
{
    uint64_t kb;

    if (libxl_get_free_memory(d->ctx, &kb))
        return -1;
    *promised = promised_kb(d, mine);
    *free_kb = kb > *promised ? kb - *promised : 0;
    return 0;
}

/* What CFG needs and what is free for it, in KiB; -1 if libxl cannot
 * say. */
static int need_and_free(struct xltd *d, libxl_domain_config *cfg,
                         uint64_t *need, uint64_t *free_kb,
                         uint64_t *promised)
{
    return libxl_domain_need_memory(d->ctx, cfg, 0, need) ||
                   free_for_new(d, NULL, free_kb, promised)
               ? -1
               : 0;
}

/* "NEED MiB and the host has FREE MiB free" and what was promised. */
static const char *shortfall(const char *name, uint64_t need,
                             uint64_t free_kb, uint64_t promised, char *buf,
                             size_t len)
{
    int n = snprintf(buf, len, "%s needs %" PRIu64 " MiB and the host has "
                     "%" PRIu64 " MiB free", name, need / 1024,
                     free_kb / 1024);

    if (promised && n > 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, " (%" PRIu64 " MiB more are "
                 "promised to creates, restores or migrations under way)",
                 promised / 1024);
    return buf;
}

int balloon_fits(struct xltd *d, libxl_domain_config *cfg, uint64_t *need_r,
                 struct xlt_err *err)
{
    uint64_t need = 0, free_kb = 0, promised = 0;
    char text[256];

    if (need_and_free(d, cfg, &need, &free_kb, &promised))
        return xlt_err_set(err, "cannot tell how much memory %s needs or "
                           "the host has", cfg->c_info.name);
    if (need_r)
        *need_r = need;
    if (free_kb < need)
        return xlt_err_set(err, "%s (lower dom0 with mem-set 0 SIZE)",
                           shortfall(cfg->c_info.name, need, free_kb,
                                     promised, text, sizeof(text)));
    return 0;
}

int balloon_make_room(struct xltd *d, libxl_domain_config *cfg,
                      const char *path, const char *text, bool paused,
                      struct job *job, struct xlt_err *err)
{
    uint64_t need = 0, free_kb = 0, promised = 0;
    char what[256];

    if (need_and_free(d, cfg, &need, &free_kb, &promised))
        return xlt_err_set(err, "cannot tell how much memory %s needs or "
                           "the host has", cfg->c_info.name);
    if (free_kb >= need)
        return 0;
    if (!autoballoon_on(d))
        return xlt_err_set(err, "%s (autoballoon is off: lower dom0 with "
                           "mem-set 0 SIZE); nothing created",
                           shortfall(cfg->c_info.name, need, free_kb,
                                     promised, what, sizeof(what)));
    if (start_ballooning(d, cfg, need, free_kb, job, err))
        return -1;
    d->balloon->paused = paused;
    d->balloon->path = path ? strdup(path) : NULL;
    d->balloon->text = text ? strdup(text) : NULL;
    return 1;
}

int balloon_fd(const struct xltd *d)
{
    return d->balloon ? d->balloon->timer_fd : -1;
}

/* Enough is free: the create goes on. */
static void room_made(struct xltd *d, struct balloon_op *op, uint64_t free_kb)
{
    struct xlt_err err;

    job_progress(op->job, "autoballoon: %" PRIu64 " MiB free after %d s",
                 free_kb / 1024, op->ticks);
    if (domain_create_go(d, &op->cfg, op->path, op->text, op->paused,
                         op->job, &err))
        job_fail(op->job, "%s", err.msg);
}

void balloon_tick(struct xltd *d)
{
    struct balloon_op *op = d->balloon;
    uint64_t expirations, free_kb = 0, promised = 0;

    if (!op || read(op->timer_fd, &expirations, sizeof(expirations)) < 0)
        return;
    op->ticks++;
    if (free_for_new(d, &op->promise, &free_kb, &promised) == 0 &&
        free_kb >= op->need_kb) {
        room_made(d, op, free_kb);
        op_free(d, op);
        return;
    }
    if (op->ticks < d->balloon_conf.seconds) {
        job_progress(op->job, "autoballoon: %" PRIu64 " of %" PRIu64
                     " MiB free", free_kb / 1024, op->need_kb / 1024);
        return;
    }
    libxl_set_memory_target(d->ctx, 0, (int64_t)op->dom0_before_kb, 0, 0);
    log_warnx(&d->log, "%s: autoballoon gave up after %d s", op->cfg.c_info.name,
              op->ticks);
    job_fail(op->job, "dom0 freed too little within %d s (%" PRIu64 " of "
             "%" PRIu64 " MiB free): dom0 is back at %" PRIu64 " MiB; "
             "nothing created", op->ticks, free_kb / 1024,
             op->need_kb / 1024, op->dom0_before_kb / 1024);
    op_free(d, op);
}

void balloon_stop(struct xltd *d)
{
    if (!d->balloon)
        return;
    libxl_set_memory_target(d->ctx, 0, (int64_t)d->balloon->dom0_before_kb,
                            0, 0);
    job_fail(d->balloon->job, "xltd is stopping: dom0 is back at its former "
             "target; nothing created");
    op_free(d, d->balloon);
}
