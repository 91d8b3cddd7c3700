/*
 * hostdown.c: the host's shutdown (a host-shutdown request, which
 * xlt-guests.service makes before the network and storage go), as
 * Debian's xendomains does it: every guest migrated to host_migrate_to,
 * or saved to host_save_dir/NAME.save (side by side, host_parallel at a
 * time, progress in the log), or asked to shut down; a guest whose
 * migration fails is saved, one whose save fails is asked to shut down,
 * and what is still there host_shutdown_timeout seconds after the ask is
 * destroyed.  Meanwhile no on_* action restarts a guest (actions.c asks).
 * The next boot restores the saved ones (hostboot.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core.h"

/* How often the shutdown looks for the guests that are gone. */
#define POLL_MS 500
/* After destroying what was left, how long to wait for it to go. */
#define DESTROY_GRACE_S 30

enum outcome { PENDING, MIGRATED, SAVED, SHUT_DOWN, DESTROYED, FAILED };
static const char *const outcome_names[] = {"pending", "migrated", "saved",
                                            "shut_down", "destroyed",
                                            "failed"};

struct guest {
    uint32_t domid;
    libxl_uuid uuid;
    char *name;
    enum outcome outcome;
    char *error; /* the last step's failure, if any */
};

enum phase { PHASE_MIGRATE, PHASE_SAVE, PHASE_SHUTDOWN, PHASE_DESTROY };

struct hostdown {
    struct job *job;
    enum host_shutdown_mode mode;
    struct guest *guests;
    size_t n;
    size_t *todo; /* the guests of the current phase's batch */
    size_t n_todo;
    enum phase phase;
    struct timespec next_poll, deadline;
};

static void hostdown_free(struct hostdown *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->guests[i].name);
        free(h->guests[i].error);
    }
    free(h->guests);
    free(h->todo);
    free(h);
}

static void phase_begin(struct xltd *d, enum phase phase);

/* ---- the guests --------------------------------------------------------- */

/* Every guest but dom0, the dying and a migration's copies into H. */
static int collect_guests(struct xltd *d, struct hostdown *h,
                          struct xlt_err *err)
{
    libxl_dominfo *info;
    int n = 0;

    info = libxl_list_domain(d->ctx, &n);
    if (!info)
        return xlt_err_set(err, "cannot list the domains");
    h->guests = calloc((size_t)n + 1, sizeof(*h->guests));
    h->todo = calloc((size_t)n + 1, sizeof(*h->todo));
    for (int i = 0; h->guests && h->todo && i < n; i++) {
        char *name = libxl_domid_to_name(d->ctx, info[i].domid);
        if (info[i].domid == 0 || info[i].dying || !name ||
            receive_copy_name(name)) {
            free(name);
            continue;
        }
        h->guests[h->n++] = (struct guest){.domid = info[i].domid,
                                           .uuid = info[i].uuid,
                                           .name = name};
    }
    libxl_dominfo_list_free(info, n);
    if (!h->guests || !h->todo)
        return xlt_err_set(err, "out of memory");
    return 0;
}

/* Is guest G still there (its domid, with its UUID)? */
static bool still_there(struct xltd *d, const struct guest *g)
{
    libxl_dominfo info;
    bool there;

    libxl_dominfo_init(&info);
    there = !libxl_domain_info(d->ctx, &info, g->domid) &&
            !libxl_uuid_compare(&info.uuid, &g->uuid);
    libxl_dominfo_dispose(&info);
    return there;
}

static void note_error(struct guest *g, const char *error)
{
    free(g->error);
    g->error = strdup(error);
}

/* ---- migrate, save ------------------------------------------------------ */

static int step_start(struct xltd *d, size_t i, struct job *job,
                      struct xlt_err *err, void *arg)
{
    struct hostdown *h = arg;
    struct guest *g = &h->guests[h->todo[i]];
    char file[4200];

    if (h->phase == PHASE_MIGRATE) {
        log_info(&d->log, "host shutdown: migrating %s to %s", g->name,
                 d->host_conf.migrate_to);
        return migrate_start(d, g->domid, d->host_conf.migrate_to, true, 0,
                             job, err);
    }
    snprintf(file, sizeof(file), "%s/%s.save", d->host_conf.save_dir,
             g->name);
    log_info(&d->log, "host shutdown: saving %s to %s", g->name, file);
    return saverestore_save(d, g->domid, file, false, false, job, err);
}

static void step_end(struct xltd *d, size_t i, const char *result,
                     const char *error, void *arg)
{
    struct hostdown *h = arg;
    struct guest *g = &h->guests[h->todo[i]];
    bool migrating = h->phase == PHASE_MIGRATE;

    (void)result;
    if (error) {
        log_errx(&d->log, "host shutdown: %s: %s failed: %s; %s", g->name,
                 migrating ? "migration" : "save", error,
                 migrating ? "saving it" : "asking it to shut down");
        note_error(g, error);
        return;
    }
    g->outcome = migrating ? MIGRATED : SAVED;
    log_info(&d->log, "host shutdown: %s %s", g->name,
             migrating ? "migrated" : "saved");
}

static void step_done(struct xltd *d, size_t ended, void *arg)
{
    struct hostdown *h = arg;

    (void)ended;
    phase_begin(d, h->phase == PHASE_MIGRATE ? PHASE_SAVE : PHASE_SHUTDOWN);
}

static const struct batch_ops step_ops = {step_start, step_end, step_done};

/* ---- shut down, destroy ------------------------------------------------- */

static void set_after(struct timespec *t, long ms)
{
    clock_gettime(CLOCK_MONOTONIC, t);
    t->tv_sec += ms / 1000;
    t->tv_nsec += (ms % 1000) * 1000000;
    if (t->tv_nsec >= 1000000000) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000;
    }
}

static void ask_pending(struct xltd *d, struct hostdown *h)
{
    uint32_t *ids = calloc(h->n + 1, sizeof(*ids));
    struct xlt_err err;
    size_t n = 0;

    for (size_t i = 0; ids && i < h->n; i++)
        if (h->guests[i].outcome == PENDING && still_there(d, &h->guests[i]))
            ids[n++] = h->guests[i].domid;
    log_info(&d->log, "host shutdown: asking %zu guest(s) to shut down, "
             "%d s before they are destroyed", n,
             d->host_conf.shutdown_timeout_s);
    if (n && domain_ask(d, ids, n, false, true, false, &d->unattended, &err))
        log_errx(&d->log, "host shutdown: %s", err.msg);
    free(ids);
    set_after(&h->deadline, (long)d->host_conf.shutdown_timeout_s * 1000);
}

static void destroy_left(struct xltd *d, struct hostdown *h)
{
    struct xlt_err err;

    for (size_t i = 0; i < h->n; i++) {
        struct guest *g = &h->guests[i];
        if (g->outcome != PENDING || !still_there(d, g))
            continue;
        log_warnx(&d->log, "host shutdown: %s did not shut down in %d s: "
                  "destroying it", g->name, d->host_conf.shutdown_timeout_s);
        g->outcome = DESTROYED;
        if (domain_destroy(d, g->domid, &d->unattended, &err)) {
            g->outcome = FAILED;
            note_error(g, err.msg);
        }
    }
    set_after(&h->deadline, DESTROY_GRACE_S * 1000L);
}

/* The summary: each guest's name under its outcome. */
static void finish(struct xltd *d, struct hostdown *h)
{
    yajl_gen g = xlt_json_gen_new();

    if (g) {
        yajl_gen_map_open(g);
        for (int o = MIGRATED; o <= FAILED; o++) {
            xlt_json_str(g, outcome_names[o]);
            yajl_gen_array_open(g);
            for (size_t i = 0; i < h->n; i++)
                if ((int)h->guests[i].outcome == o)
                    xlt_json_str(g, h->guests[i].name);
            yajl_gen_array_close(g);
        }
        yajl_gen_map_close(g);
    }
    log_info(&d->log, "host shutdown: done");
    d->hostdown = NULL;
    job_done_gen(h->job, g);
    hostdown_free(h);
}

/* ---- the phases --------------------------------------------------------- */

static void phase_begin(struct xltd *d, enum phase phase)
{
    struct hostdown *h = d->hostdown;

    h->phase = phase;
    if (phase == PHASE_SHUTDOWN) {
        ask_pending(d, h);
        set_after(&h->next_poll, POLL_MS);
        return;
    }
    h->n_todo = 0;
    for (size_t i = 0; i < h->n; i++)
        if (h->guests[i].outcome == PENDING && still_there(d, &h->guests[i]))
            h->todo[h->n_todo++] = i;
    if (batch_run(d, h->n_todo, phase == PHASE_MIGRATE
                                    ? 1
                                    : (size_t)d->host_conf.parallel,
                  &step_ops, h))
        phase_begin(d, PHASE_SHUTDOWN);
}

int hostdown_run(struct xltd *d, enum host_shutdown_mode mode,
                 struct job *job, struct xlt_err *err)
{
    struct hostdown *h;

    if (d->hostdown)
        return xlt_err_set(err, "a host shutdown is under way already");
    if (mode == HOST_SHUTDOWN_MIGRATE && !*d->host_conf.migrate_to)
        return xlt_err_set(err, "migrate: host_migrate_to is not set in "
                           "xlt.conf");
    if (mode != HOST_SHUTDOWN_SHUTDOWN &&
        mkdir(d->host_conf.save_dir, 0700) && errno != EEXIST)
        return xlt_err_errno(err, errno, "%s", d->host_conf.save_dir);
    h = calloc(1, sizeof(*h));
    if (!h)
        return xlt_err_set(err, "out of memory");
    if (collect_guests(d, h, err)) {
        hostdown_free(h);
        return -1;
    }
    h->job = job;
    h->mode = mode;
    d->hostdown = h;
    log_info(&d->log, "host shutdown: %zu guest(s), mode %s", h->n,
             host_shutdown_mode_name(mode));
    job_progress(job, "%zu guest(s)", h->n);
    phase_begin(d, mode == HOST_SHUTDOWN_MIGRATE ? PHASE_MIGRATE
                   : mode == HOST_SHUTDOWN_SAVE  ? PHASE_SAVE
                                                 : PHASE_SHUTDOWN);
    return 0;
}

bool hostdown_active(const struct xltd *d)
{
    return d->hostdown != NULL;
}

static long ms_until(const struct timespec *t)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(t->tv_sec - now.tv_sec) * 1000 +
           (t->tv_nsec - now.tv_nsec) / 1000000;
}

int hostdown_timeout_ms(const struct xltd *d)
{
    const struct hostdown *h = d->hostdown;
    long ms;

    if (!h || (h->phase != PHASE_SHUTDOWN && h->phase != PHASE_DESTROY))
        return -1;
    ms = ms_until(&h->next_poll);
    return ms < 0 ? 0 : (int)ms;
}

void hostdown_expire(struct xltd *d)
{
    struct hostdown *h = d->hostdown;
    bool left = false;

    if (hostdown_timeout_ms(d) != 0)
        return;
    for (size_t i = 0; i < h->n; i++) {
        struct guest *g = &h->guests[i];
        if (g->outcome != PENDING && g->outcome != DESTROYED)
            continue;
        if (still_there(d, g))
            left = true;
        else if (g->outcome == PENDING)
            g->outcome = SHUT_DOWN;
    }
    if (!left) {
        finish(d, h);
        return;
    }
    if (ms_until(&h->deadline) <= 0) {
        if (h->phase == PHASE_DESTROY) {
            for (size_t i = 0; i < h->n; i++)
                if (still_there(d, &h->guests[i]))
                    h->guests[i].outcome = FAILED;
            finish(d, h);
            return;
        }
        h->phase = PHASE_DESTROY;
        destroy_left(d, h);
    }
    set_after(&h->next_poll, POLL_MS);
}
