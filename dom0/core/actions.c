/*
 * actions.c: the on_* action for a managed domain that shut down, in
 * steps that never hold xltd's loop.  A core dump (coredump-destroy,
 * coredump-restart) is written by a thread of its own, with its own
 * libxenctrl handle: libxl's core dump would hold libxl's lock, and so the
 * loop, for the whole dump (~25 s for 96 MiB in the lab).  The domain's
 * destroy is libxl's asynchronous one; then the restart, if the action
 * asks for one.  A dump's thread posts to one eventfd when it ends; the
 * loop takes the next step from there.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core.h"

struct action {
    struct action *next;
    struct xltd *d;
    uint32_t domid;
    libxl_action_on_shutdown what;
    libxl_domain_config cfg;
    struct inflight op; /* the destroy */
    /* the dump */
    pthread_t thread;
    int post_fd; /* the loop's eventfd, for the thread (not via D) */
    bool dumping;
    atomic_bool dumped;
    int dump_errno;
    struct dump_file file;
};

/* After its destroy, the domain is started again. */
static bool restarts_after_destroy(libxl_action_on_shutdown what)
{
    return what == LIBXL_ACTION_ON_SHUTDOWN_RESTART ||
           what == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART;
}

static struct action *action_find(struct xltd *d, uint32_t domid)
{
    for (struct action *a = d->actions; a; a = a->next)
        if (a->domid == domid)
            return a;
    return NULL;
}

static void action_free(struct action *a)
{
    struct xltd *d = a->d;

    for (struct action **pp = &d->actions; *pp; pp = &(*pp)->next) {
        if (*pp == a) {
            *pp = a->next;
            break;
        }
    }
    inflight_end(d, &a->op);
    libxl_domain_config_dispose(&a->cfg);
    free(a);
}

/* ---- restart ------------------------------------------------------------- */

/* rename-restart: the old domain stays, as NAME-DOMID, for inspection; the
 * new one gets a fresh UUID. */
static int rename_old(struct xltd *d, uint32_t domid,
                      libxl_domain_config *cfg)
{
    char newname[256];
    libxl_uuid old;

    snprintf(newname, sizeof(newname), "%s-%u", cfg->c_info.name, domid);
    if (libxl_domain_rename(d->ctx, domid, cfg->c_info.name, newname)) {
        log_errx(&d->log, "%s (%u): cannot rename it to %s", cfg->c_info.name,
                 domid, newname);
        return -1;
    }
    log_info(&d->log, "%s (%u): kept as %s, no longer managed",
             cfg->c_info.name, domid, newname);
    supervise_renamed(d, domid, newname);
    libxl_uuid_copy(d->ctx, &old, &cfg->c_info.uuid);
    libxl_uuid_generate(&cfg->c_info.uuid);
    return store_move(d, &old, cfg);
}

/* Start a new instance from CFG, the old one's configuration (which libxl
 * keeps up to date with hotplugged devices, the memory target and the
 * online vCPUs), with the pinning set at run time. */
static void restart(struct xltd *d, libxl_domain_config *cfg)
{
    struct xlt_err err;

    if (dedicated_restart(d, cfg, &err)) {
        log_errx(&d->log, "%s: not restarted: %s", cfg->c_info.name, err.msg);
        store_drop(d, &cfg->c_info.uuid);
        return;
    }
    log_info(&d->log, "%s: restarting", cfg->c_info.name);
    if (domain_start(d, cfg, false, &d->unattended, &err))
        log_errx(&d->log, "%s", err.msg);
}

/* ---- destroy ------------------------------------------------------------- */

static void destroyed(libxl_ctx *ctx, int rc, void *arg)
{
    struct action *a = arg;
    struct xltd *d = a->d;

    (void)ctx;
    supervise_waiters_done(d, a->domid);
    if (rc)
        log_errx(&d->log, "%s (%u): destroy failed%s", a->cfg.c_info.name,
                 a->domid,
                 restarts_after_destroy(a->what) ? "; not restarting" : "");
    else if (restarts_after_destroy(a->what))
        restart(d, &a->cfg);
    else
        store_drop(d, &a->cfg.c_info.uuid);
    action_free(a);
}

/* Destroy A's domain, then restart it or forget it. */
static void destroy_step(struct action *a)
{
    struct xltd *d = a->d;
    const libxl_asyncop_how *how =
        inflight_begin(d, &a->op, "a destroy", destroyed, a);

    if (libxl_domain_destroy(d->ctx, a->domid, how)) {
        inflight_end(d, &a->op);
        destroyed(d->ctx, ERROR_FAIL, a);
    }
}

/* ---- core dump ----------------------------------------------------------- */

static void *dump_thread(void *arg)
{
    struct action *a = arg;
    uint64_t one = 1;

    a->dump_errno = xenctrl_dumpcore(a->domid, a->file.part);
    atomic_store(&a->dumped, true);
    if (write(a->post_fd, &one, sizeof(one)) < 0) {
        /* the counter cannot overflow here; the loop sees DUMPED anyway on
         * its next wake-up */
    }
    return NULL;
}

static int open_eventfd(struct xltd *d)
{
    if (d->actions_fd < 0)
        d->actions_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    return d->actions_fd < 0 ? -1 : 0;
}

/* Start A's dump; false if there is none to wait for (no room, or no
 * thread: logged). */
static bool dump_step(struct action *a)
{
    struct xltd *d = a->d;
    const char *name = a->cfg.c_info.name;
    libxl_dominfo info;
    uint64_t memkb = 0;

    libxl_dominfo_init(&info);
    if (libxl_domain_info(d->ctx, &info, a->domid) == 0)
        memkb = info.current_memkb;
    libxl_dominfo_dispose(&info);
    if (!crashes_dump_file(d, name, memkb, &a->file))
        return false;
    if (!open_eventfd(d)) {
        a->post_fd = d->actions_fd;
        a->dumping = !pthread_create(&a->thread, NULL, dump_thread, a);
    }
    if (!a->dumping) {
        log_errx(&d->log, "%s (%u): not dumped: cannot start its thread",
                 name, a->domid);
        return false;
    }
    log_info(&d->log, "%s (%u): dumping its core to %s", name, a->domid,
             a->file.path);
    return true;
}

int actions_fd(const struct xltd *d)
{
    return d->actions_fd;
}

void actions_ready(struct xltd *d)
{
    uint64_t n;
    struct action *a, *next;

    if (read(d->actions_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
        return;
    for (a = d->actions; a; a = next) {
        next = a->next;
        if (!a->dumping || !atomic_load(&a->dumped))
            continue;
        pthread_join(a->thread, NULL);
        a->dumping = false;
        crashes_dump_done(d, a->domid, a->cfg.c_info.name, &a->file,
                          a->dump_errno);
        destroy_step(a);
    }
}

size_t actions_dumping(const struct xltd *d)
{
    size_t n = 0;

    for (const struct action *a = d->actions; a; a = a->next)
        n += a->dumping;
    return n;
}

void actions_stop(struct xltd *d)
{
    for (struct action *a = d->actions; a; a = a->next) {
        if (!a->dumping)
            continue;
        /* its thread dies with xltd; what it wrote goes now */
        unlink(a->file.part);
        log_warnx(&d->log, "%s (%u): stopping before its core dump was "
                  "whole: %s removed; the next xltd applies its action",
                  a->cfg.c_info.name, a->domid, a->file.part);
    }
}

/* ---- the action ---------------------------------------------------------- */

static struct action *action_new(struct xltd *d, uint32_t domid,
                                 libxl_domain_config *cfg,
                                 libxl_action_on_shutdown what)
{
    struct action *a = calloc(1, sizeof(*a));

    if (!a)
        return NULL;
    a->d = d;
    a->domid = domid;
    a->what = what;
    a->cfg = *cfg; /* take it over */
    libxl_domain_config_init(cfg);
    atomic_init(&a->dumped, false);
    a->next = d->actions;
    d->actions = a;
    return a;
}

bool actions_apply(struct xltd *d, uint32_t domid, libxl_domain_config *cfg,
                   libxl_action_on_shutdown what)
{
    struct action *a;
    bool dump = what == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY ||
                what == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART;

    if (what == LIBXL_ACTION_ON_SHUTDOWN_PRESERVE)
        return false;
    if (hostdown_active(d) && what != LIBXL_ACTION_ON_SHUTDOWN_DESTROY &&
        what != LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY) {
        log_info(&d->log, "%s (%u): the host is shutting down: destroyed, "
                 "not restarted", cfg->c_info.name, domid);
        what = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
        dump = false;
    }
    if (action_find(d, domid)) {
        log_info(&d->log, "%s (%u): its on_* action is under way already",
                 cfg->c_info.name, domid);
        return true;
    }
    if (what == LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET) {
        pinning_apply(d, cfg); /* as a restart: run-time pinning stays */
        domain_soft_reset(d, domid, cfg);
        return false;
    }
    if (restarts_after_destroy(what) ||
        what == LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME)
        pinning_apply(d, cfg); /* logs what went wrong; restart regardless */
    if (what == LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME) {
        if (!rename_old(d, domid, cfg))
            restart(d, cfg);
        return false;
    }
    a = action_new(d, domid, cfg, what);
    if (!a) {
        log_errx(&d->log, "domain %u: out of memory for its on_* action",
                 domid);
        return false;
    }
    if (!dump || !dump_step(a))
        destroy_step(a);
    return true;
}
