/*
 * migrate.c: sending a domain to another host's xltd (xlt migrate).
 *
 * The worker thread connects (TLS with the pool's key, or plain), sends a
 * hello and the domain's save header (its config and xlt's state, as a
 * save file begins) and waits for the target's "ready".  Then libxl
 * suspends the domain into a socketpair (live: copying memory while it
 * runs, then a final pause) and the worker frames what libxl writes onto
 * the connection.  The target restores it paused and says "received".
 * Handover: this side renames its copy NAME--migratedaway and says "go";
 * the target renames its copy to NAME, unpauses it and says "running";
 * this side destroys its copy.  A failure before "go" resumes the domain
 * here, and the target throws its copy away.  A connection lost after "go"
 * cannot tell whether the target runs the domain: the copy here stays
 * suspended until the target, asked, says (reclaim.c).
 *
 * The downtime runs from the domain's final suspend here (its shutdown
 * event) to the target's "running".
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core.h"


/* Events of the sending worker. */
enum {
    EV_READY = 'R',    /* the target takes the domain */
    EV_RECEIVED = 'V', /* the target has it, paused */
    EV_RUNNING = 'U',  /* the target runs it */
    EV_FAILED = 'X',   /* text: why */
};

enum state { CONNECTING, STREAMING, SENT, HANDOVER, FINISHING };

struct migration {
    struct migration *next;
    struct xltd *d;
    struct job *job;
    uint32_t domid;
    libxl_uuid uuid;
    char *name, *host, *port, *key;
    char id[XLT_MIGRATION_ID_LEN + 1]; /* this migration's, in the hello */
    bool live, suspending, worker_failed;
    enum state state;
    char *header;
    size_t header_len;
    char failure[1024];
    struct mworker w;
    struct transfer *transfer;
    struct timespec suspended, running;
    struct timespec deadline; /* cancelled if not handed over by then
                                 (tv_sec 0: none) */
    int deadline_s;
    yajl_val entry; /* the store entry, while the target takes over */
    struct inflight op;
};

static double seconds_between(const struct timespec *a,
                              const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) +
           (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void migration_free(struct migration *m)
{
    struct xltd *d = m->d;

    for (struct migration **pp = &d->migrations; *pp; pp = &(*pp)->next) {
        if (*pp == m) {
            *pp = m->next;
            break;
        }
    }
    mworker_dispose(&m->w, false);
    if (m->transfer)
        transfer_end(d, m->transfer);
    yajl_tree_free(m->entry);
    free(m->name);
    free(m->host);
    free(m->port);
    free(m->key);
    free(m->header);
    free(m);
}

/* ---- the worker ------------------------------------------------------------ */

/* Wait for the target's message: "ok" (KEY true) or {"error": "..."}. */
static int expect(struct mworker *w, const char *key, struct xlt_err *err)
{
    yajl_val v = NULL;
    const char *said;
    int rc = 0;

    if (mworker_recv_json(w, &v, err))
        return -1;
    said = xlt_json_get_str(v, "error");
    if (said)
        rc = xlt_err_set(err, "the target says: %s", said);
    else if (!YAJL_IS_TRUE(xlt_json_get(v, key)))
        rc = xlt_err_set(err, "the target answered without `%s'", key);
    yajl_tree_free(v);
    return rc;
}

static char *hello(const struct migration *m)
{
    yajl_gen g = xlt_json_gen_new();
    char *text;

    if (!g)
        return NULL;
    yajl_gen_map_open(g);
    xlt_json_kv_int(g, "xlt_migrate", 1);
    xlt_json_kv_str(g, "name", m->name);
    xlt_json_kv_bool(g, "live", m->live);
    xlt_json_kv_str(g, "id", m->id);
    if (m->job->id)
        xlt_json_kv_str(g, "request", m->job->id);
    yajl_gen_map_close(g);
    text = xlt_json_gen_take(g);
    yajl_gen_free(g);
    return text;
}

/* Connect, introduce the domain, wait until the target is ready. */
static int send_begin(struct migration *m, struct xlt_err *err)
{
    struct mworker *w = &m->w;
    char *text = hello(m);
    int rc = -1;

    if (mworker_connect(w, m->host, m->port, m->key, err))
        goto out;
    if (!text)
        xlt_err_set(err, "out of memory");
    else if (!mworker_send_json(w, text, err) &&
             !xlt_frame_send(w->chan, XLT_FRAME_HEADER, m->header,
                             m->header_len, err) &&
             !expect(w, "ready", err))
        rc = 0;
out:
    free(text);
    return rc;
}

static void *send_main(void *arg)
{
    struct migration *m = arg;
    struct mworker *w = &m->w;
    struct xlt_err err;

    if (send_begin(m, &err))
        goto failed;
    mworker_post(w, EV_READY, NULL);
    if (mworker_relay_out(w, &err))
        goto failed;
    if (mworker_wait(w) != MW_CMD_NEXT)
        return NULL;
    if (xlt_frame_send(w->chan, XLT_FRAME_END, NULL, 0, &err) ||
        expect(w, "received", &err))
        goto failed;
    mworker_post(w, EV_RECEIVED, NULL);
    if (mworker_wait(w) != MW_CMD_NEXT)
        return NULL;
    if (mworker_send_json(w, "{\"go\":true}", &err) ||
        expect(w, "running", &err))
        goto failed;
    mworker_post(w, EV_RUNNING, NULL);
    return NULL;
failed:
    shutdown(w->stream[1], SHUT_RDWR); /* libxl's writes fail at once */
    mworker_post(w, EV_FAILED, "%s", err.msg);
    return NULL;
}

/* ---- the loop's side -------------------------------------------------------- */

static void fail(struct migration *m, const char *fmt, ...) XLT_PRINTF(2, 3);
static void fail(struct migration *m, const char *fmt, ...)
{
    va_list ap;

    if (m->failure[0])
        return; /* the first cause is the one to tell */
    va_start(ap, fmt);
    vsnprintf(m->failure, sizeof(m->failure), fmt, ap);
    va_end(ap);
}

/* Whether DOMID is shut down (a suspend): a live migration that failed
 * during its copy never suspended it. */
static bool is_shut_down(struct xltd *d, uint32_t domid)
{
    libxl_dominfo info;
    bool down = false;

    libxl_dominfo_init(&info);
    if (!libxl_domain_info(d->ctx, &info, domid))
        down = info.shutdown;
    libxl_dominfo_dispose(&info);
    return down;
}

/* Before "go": the domain resumes here, under its own name, xltd's. */
static void give_back(struct migration *m)
{
    struct xltd *d = m->d;
    char *name = libxl_domid_to_name(d->ctx, m->domid);
    bool resumed = true;

    if (name && strcmp(name, m->name) != 0 &&
        !libxl_domain_rename(d->ctx, m->domid, name, m->name))
        supervise_renamed(d, m->domid, m->name);
    if (is_shut_down(d, m->domid)) {
        resumed = !libxl_domain_resume(d->ctx, m->domid, 1, NULL);
        supervise_rewatch(d, m->domid);
    }
    if (m->entry)
        store_restore_entry(d, &m->uuid, m->entry);
    job_fail(m->job, "migrating %s to %s failed: %s; %s", m->name, m->host,
             m->failure, resumed ? "it runs on here, and the target keeps "
                                   "nothing"
                                 : "and resuming it here failed (see xltd's "
                                   "log)");
    free(name);
    migration_free(m);
}

static void end_done(struct migration *m)
{
    yajl_gen g = xlt_json_gen_new();
    bool suspended = m->suspended.tv_sec != 0;

    if (g) {
        yajl_gen_map_open(g);
        xlt_json_kv_str(g, "name", m->name);
        xlt_json_kv_str(g, "host", m->host);
        xlt_json_kv_bool(g, "live", m->live);
        xlt_json_kv_bool(g, "tls", m->key != NULL);
        transfer_gen_summary(m->transfer, g);
        if (suspended)
            xlt_json_kv_double(g, "downtime",
                               seconds_between(&m->suspended, &m->running));
        yajl_gen_map_close(g);
    }
    if (suspended)
        opstats_downtime(m->d, seconds_between(&m->suspended, &m->running));
    events_emit(m->d, &(struct event){.kind = "migrated-out",
                                      .domid = m->domid, .name = m->name,
                                      .uuid = &m->uuid, .peer = m->host});
    job_done_gen(m->job, g);
}

static void destroyed(libxl_ctx *ctx, int rc, void *arg)
{
    struct migration *m = arg;

    (void)ctx;
    if (rc) {
        struct xlt_err err;
        xlerr_set(m->d, rc, &err, "%s (%u): migrated, but destroying the "
                     "old copy here failed", m->name, m->domid);
        log_errx(&m->d->log, "%s", err.msg);
    }
    reclaim_forget(m->d, &m->uuid);
    log_info(&m->d->log, "%s (%u): migrated to %s", m->name, m->domid,
             m->host);
    end_done(m);
    migration_free(m);
}

static void suspend_done(libxl_ctx *ctx, int rc, void *arg)
{
    struct migration *m = arg;

    (void)ctx;
    m->suspending = false;
    if (m->w.stream[0] >= 0)
        close(m->w.stream[0]); /* the worker sees the end of the stream */
    m->w.stream[0] = -1;
    if (rc || m->worker_failed) {
        struct xlt_err err;
        xlerr_set(m->d, rc ? rc : ERROR_FAIL, &err, "libxl");
        fail(m, "%s", err.msg);
        give_back(m);
        return;
    }
    m->state = SENT;
    mworker_command(&m->w, MW_CMD_NEXT);
}

static void start_stream(struct migration *m)
{
    struct xltd *d = m->d;
    int rc;

    m->state = STREAMING;
    m->suspending = true;
    rc = libxl_domain_suspend(d->ctx, m->domid, m->w.stream[0],
                              m->live ? LIBXL_SUSPEND_LIVE : 0,
                              inflight_begin(d, &m->op, "a migration out",
                                             suspend_done, m));
    if (rc) {
        inflight_end(d, &m->op);
        suspend_done(d->ctx, rc, m);
    }
}

/* The target has the domain: give it up here, and tell it to go. */
static void hand_over(struct migration *m)
{
    struct xltd *d = m->d;
    char away[300];

    snprintf(away, sizeof(away), "%s" MIGRATEDAWAY_SUFFIX, m->name);
    if (libxl_domain_rename(d->ctx, m->domid, m->name, away)) {
        fail(m, "cannot rename it to %s here", away);
        give_back(m);
        return;
    }
    supervise_renamed(d, m->domid, away);
    store_get(d, &m->uuid, &m->entry);
    if (reclaim_note(d, &m->uuid, m->name, m->host, m->port, m->id,
                     m->entry)) {
        fail(m, "cannot note the handover in %s/away", d->state_dir);
        give_back(m);
        return;
    }
    store_drop(d, &m->uuid);
    m->state = HANDOVER;
    mworker_command(&m->w, MW_CMD_NEXT);
}

static void finish(struct migration *m)
{
    struct xltd *d = m->d;
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &m->running);
    m->state = FINISHING;
    rc = libxl_domain_destroy(d->ctx, m->domid,
                              inflight_begin(d, &m->op, "a migrated domain's "
                                             "destroy", destroyed, m));
    if (rc) {
        inflight_end(d, &m->op);
        destroyed(d->ctx, rc, m);
    }
}

static void on_failed(struct migration *m, const char *why)
{
    fail(m, "%s", why);
    m->worker_failed = true;
    switch (m->state) {
    case STREAMING:
        return; /* libxl fails next; suspend_done gives the domain back */
    case HANDOVER:
        job_fail(m->job, "migrating %s to %s: %s after the handover; the "
                 "target may run it.  The copy here stays suspended as "
                 "%s" MIGRATEDAWAY_SUFFIX " until xltd has asked the target: "
                 "destroyed if it runs the domain, else resumed here (see "
                 "xltd's log)", m->name, m->host, m->failure, m->name);
        reclaim_begin(m->d, &m->uuid);
        migration_free(m);
        return;
    default:
        give_back(m);
    }
}

static void on_event(struct migration *m)
{
    char text[1024];

    switch (mworker_event(&m->w, text, sizeof(text))) {
    case EV_READY:
        job_progress(m->job, "%s", m->live
                     ? "the target is ready: copying memory while the "
                       "domain runs"
                     : "the target is ready: suspending the domain");
        start_stream(m);
        break;
    case EV_RECEIVED:
        hand_over(m);
        break;
    case EV_RUNNING:
        finish(m);
        break;
    case EV_FAILED:
        on_failed(m, text);
        break;
    default:
        break;
    }
}

void migrate_domain_suspended(struct xltd *d, uint32_t domid)
{
    for (struct migration *m = d->migrations; m; m = m->next)
        if (m->domid == domid && m->state == STREAMING)
            clock_gettime(CLOCK_MONOTONIC, &m->suspended);
}

void migrate_stop(struct xltd *d, bool all)
{
    for (struct migration *m = d->migrations; m; m = m->next) {
        if (!all && m->state >= HANDOVER)
            continue; /* the target may run it already: let it end */
        fail(m, "xltd is stopping");
        mworker_cancel(&m->w);
    }
}

/* ms until M's deadline (0: passed; -1: none, or it no longer counts). */
static long long until_deadline(const struct migration *m)
{
    struct timespec now;
    long long ms;

    if (!m->deadline.tv_sec || m->state >= HANDOVER || m->failure[0])
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &now);
    ms = (long long)(m->deadline.tv_sec - now.tv_sec) * 1000 +
         (m->deadline.tv_nsec - now.tv_nsec) / 1000000;
    return ms < 0 ? 0 : ms;
}

int migrate_timeout_ms(const struct xltd *d)
{
    long long soonest = -1;

    for (const struct migration *m = d->migrations; m; m = m->next) {
        long long ms = until_deadline(m);
        if (ms >= 0 && (soonest < 0 || ms < soonest))
            soonest = ms;
    }
    return soonest > INT_MAX ? INT_MAX : (int)soonest;
}

void migrate_expire(struct xltd *d)
{
    for (struct migration *m = d->migrations; m; m = m->next) {
        if (until_deadline(m) != 0)
            continue;
        log_warnx(&d->log, "%s: migration to %s: its deadline of %d s "
                  "passed: cancelling it", m->name, m->host, m->deadline_s);
        fail(m, "not handed over within its deadline of %d s: cancelled",
             m->deadline_s);
        mworker_cancel(&m->w);
    }
}

size_t migrate_count(const struct xltd *d)
{
    size_t n = 0;

    for (const struct migration *m = d->migrations; m; m = m->next)
        n++;
    return n;
}

size_t migrate_pollfds(struct xltd *d, struct pollfd *fds, size_t max)
{
    size_t n = 0;

    for (struct migration *m = d->migrations; m && n < max; m = m->next)
        fds[n++] = (struct pollfd){.fd = m->w.events[0], .events = POLLIN};
    return n;
}

void migrate_handle(struct xltd *d, const struct pollfd *fds, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct migration *m;
        if (!fds[i].revents)
            continue;
        for (m = d->migrations; m && m->w.events[0] != fds[i].fd;)
            m = m->next;
        if (m) {
            on_event(m); /* may free it, and others may have changed: */
            return;      /* the rest waits for the next poll */
        }
    }
}

/* ---- the request -------------------------------------------------------------- */

/* Refuse what cannot work before anything moves: a PV guest's live
 * migration on a Xen without shadow paging (no log-dirty for PV). */
static int migrate_check(struct xltd *d, uint32_t domid, bool live,
                         const char *name, struct xlt_err *err)
{
    libxl_physinfo p;
    libxl_dominfo info;
    libxl_domain_type type = LIBXL_DOMAIN_TYPE_INVALID;
    bool shadow = true;

    libxl_physinfo_init(&p);
    libxl_dominfo_init(&info);
    if (!libxl_get_physinfo(d->ctx, &p))
        shadow = p.cap_shadow;
    if (!libxl_domain_info(d->ctx, &info, domid))
        type = info.domain_type;
    libxl_physinfo_dispose(&p);
    libxl_dominfo_dispose(&info);
    if (live && type == LIBXL_DOMAIN_TYPE_PV && !shadow)
        return xlt_err_set(err, "%s is a PV guest, and this host's Xen has "
                           "no shadow paging, so it cannot track the "
                           "guest's dirty pages (log-dirty) to move it "
                           "live; `xlt migrate --non-live' moves it "
                           "suspended (its downtime is the whole transfer)",
                           name);
    return 0;
}

/* HOST, HOST:PORT, [V6]:PORT */
static int split_host(const char *spec, int default_port, char **host_r,
                      char **port_r, struct xlt_err *err)
{
    const char *colon = strrchr(spec, ':');
    char port[16];
    size_t hlen;

    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (!close || (close[1] && close[1] != ':'))
            return xlt_err_set(err, "`%s' is not HOST[:PORT]", spec);
        colon = close[1] ? close + 1 : NULL;
        *host_r = strndup(spec + 1, (size_t)(close - spec - 1));
    } else {
        if (colon && strchr(spec, ':') != colon)
            colon = NULL; /* a bare IPv6 address */
        hlen = colon ? (size_t)(colon - spec) : strlen(spec);
        *host_r = strndup(spec, hlen);
    }
    snprintf(port, sizeof(port), "%d", default_port);
    *port_r = strdup(colon ? colon + 1 : port);
    if (!*host_r || !*port_r)
        return xlt_err_set(err, "out of memory");
    if (!**host_r || !**port_r || strspn(*port_r, "0123456789") !=
                                      strlen(*port_r))
        return xlt_err_set(err, "`%s' is not HOST[:PORT]", spec);
    return 0;
}

/* A fresh random id, XLT_MIGRATION_ID_LEN hex digits, in ID; -1 (errno
 * set) if the kernel gives no randomness. */
static int migration_id(char *id)
{
    unsigned char bytes[XLT_MIGRATION_ID_LEN / 2];

    if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes))
        return -1;
    for (size_t i = 0; i < sizeof(bytes); i++)
        snprintf(id + 2 * i, 3, "%02x", bytes[i]);
    return 0;
}

static struct migration *migration_new(struct xltd *d, uint32_t domid,
                                       const char *target, bool live,
                                       struct job *job, struct xlt_err *err)
{
    struct migration *m = calloc(1, sizeof(*m));
    int port = d->migrate_conf.port ? d->migrate_conf.port : XLT_MIGRATE_PORT;

    if (!m) {
        xlt_err_set(err, "out of memory");
        return NULL;
    }
    m->next = d->migrations; /* migration_free unlinks it */
    d->migrations = m;
    m->d = d;
    m->job = job;
    m->domid = domid;
    m->live = live;
    m->name = libxl_domid_to_name(d->ctx, domid);
    domain_uuid(d, domid, &m->uuid);
    if (mworker_init(&m->w) || migration_id(m->id))
        xlt_err_errno(err, errno, "migration set-up");
    else if (!m->name || !target)
        xlt_err_set(err, "migrate: a domain and a host, please");
    else if (!split_host(target, port, &m->host, &m->port, err) &&
             !migrate_check(d, domid, m->live, m->name, err) &&
             !mworker_key(&d->migrate_conf, &m->key, err))
        return m;
    migration_free(m);
    return NULL;
}

/* The domain's configuration is read (CFG): its header made, the worker
 * starts. */
static void migrate_go(struct xltd *d, libxl_domain_config *cfg, int rc,
                       void *arg)
{
    struct migration *m = arg;
    struct xlt_err err;
    char what[300];

    if (m->failure[0]) { /* xltd is stopping */
        xlt_err_set(&err, "%s", m->failure);
        goto fail;
    }
    if (rc) {
        retrieve_error(d, m->domid, rc, &err);
        goto fail;
    }
    if (saverestore_header(d, cfg, &m->header, &m->header_len, &err))
        goto fail;
    snprintf(what, sizeof(what), "migrating %s to %s", m->name, m->host);
    m->transfer = transfer_begin_counted(d, m->job, what, &m->w.bytes);
    if (!m->transfer || mworker_start(&m->w, send_main, m)) {
        xlt_err_set(&err, "cannot start the migration");
        goto fail;
    }
    log_info(&d->log, "%s (%u): migrating to %s port %s (%s, %s)", m->name,
             m->domid, m->host, m->port, m->live ? "live" : "non-live",
             m->key ? "TLS" : "plain");
    job_progress(m->job, "%s", what);
    return;
fail:
    job_fail(m->job, "%s; nothing done", err.msg);
    migration_free(m);
}

int migrate_start(struct xltd *d, uint32_t domid, const char *target,
                  bool live, int deadline_s, struct job *job,
                  struct xlt_err *err)
{
    struct migration *m;

    if (domid == 0)
        return xlt_err_set(err, "dom0 cannot migrate");
    if (deadline_s < 0 || deadline_s > MIGRATE_DEADLINE_MAX)
        return xlt_err_set(err, "timeout: %d is not 0 (none) to %d seconds",
                           deadline_s, MIGRATE_DEADLINE_MAX);
    for (m = d->migrations; m; m = m->next)
        if (m->domid == domid)
            return xlt_err_set(err, "%s is migrating already", m->name);
    m = migration_new(d, domid, target, live, job, err);
    if (!m)
        return xlt_err_set(err, "%s; nothing done", err->msg);
    if (deadline_s > 0) {
        clock_gettime(CLOCK_MONOTONIC, &m->deadline);
        m->deadline.tv_sec += deadline_s;
        m->deadline_s = deadline_s;
    }
    if (retrieve_config(d, domid, migrate_go, m, err)) {
        migration_free(m);
        return xlt_err_set(err, "%s; nothing done", err->msg);
    }
    return 0;
}
