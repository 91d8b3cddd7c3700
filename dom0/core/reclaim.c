/*
 * reclaim.c: domains this host handed over to a migration's target
 * without hearing that the target runs them.  Once the source has said
 * "go" it cannot tell alone whether the target took the domain (it read
 * "go" and runs it) or not (the connection broke first, and the target
 * threw its copy away); meanwhile the copy here stays suspended, as
 * NAME--migratedaway.  So the handover notes the domain in
 * STATE/away/UUID.json (its name, the target, its store entry) before
 * "go", and the note goes when the target says "running".  A note that
 * stays (the connection broke after "go", or this xltd was killed) is
 * settled by asking the target, over its migration port, whether it took
 * that migration's "go" (each migration has a random id, in its hello;
 * the target records the id of each "go" it takes before the domain runs
 * there, and keeps the record 30 days): yes, and the copy here is
 * destroyed; no, and the copy is named NAME again, resumed and managed
 * here; no answer, or a migration of it still under way there, and it is
 * asked again RETRY_S later.  Only over TLS: a plain peer's answer proves
 * nothing, so a plain handover that went silent is left to the operator.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

#define RETRY_S 10
#define NOTE_MAX (16u << 20) /* a store entry, and a few names */
#define TAKEN_KEEP_S ((time_t)30 * 24 * 3600)

enum {
    EV_RUNS = 'R',      /* the target runs it */
    EV_GONE = 'G',      /* the target has no such domain */
    EV_NO_ANSWER = 'N', /* text: why not */
};

struct reclaim {
    struct reclaim *next;
    struct xltd *d;
    libxl_uuid uuid;
    char *name, *host, *port, *id, *key;
    yajl_val note; /* {"name", "host", "port", "id", "entry"} */
    struct mworker w;
    bool asking;
    int tries;
    struct timespec retry; /* when not asking: when to ask again */
    struct inflight op;    /* the destroy of the copy here */
};

static void note_path(const struct xltd *d, const libxl_uuid *uuid,
                      char *buf, size_t len)
{
    snprintf(buf, len, "%s/away/" LIBXL_UUID_FMT ".json", d->state_dir,
             LIBXL_UUID_BYTES(*uuid));
}

bool reclaim_id_valid(const char *id)
{
    return id && strlen(id) == XLT_MIGRATION_ID_LEN &&
           strspn(id, "0123456789abcdef") == XLT_MIGRATION_ID_LEN;
}

int reclaim_note(struct xltd *d, const libxl_uuid *uuid, const char *name,
                 const char *host, const char *port, const char *id,
                 yajl_val entry)
{
    yajl_gen g = xlt_json_gen_new();
    char path[4096], *json = NULL;
    int rc = -1;

    snprintf(path, sizeof(path), "%s/away", d->state_dir);
    if (!g || (mkdir(path, 0700) && errno != EEXIST))
        goto out;
    yajl_gen_map_open(g);
    xlt_json_kv_str(g, "name", name);
    xlt_json_kv_str(g, "host", host);
    xlt_json_kv_str(g, "port", port);
    xlt_json_kv_str(g, "id", id);
    if (entry) {
        xlt_json_str(g, "entry");
        xlt_json_emit(g, entry);
    }
    yajl_gen_map_close(g);
    json = xlt_json_gen_take(g);
    note_path(d, uuid, path, sizeof(path));
    rc = json ? store_write_atomic(d, path, json) : -1;
out:
    free(json);
    if (g)
        yajl_gen_free(g);
    return rc;
}

void reclaim_forget(struct xltd *d, const libxl_uuid *uuid)
{
    char path[4096];

    note_path(d, uuid, path, sizeof(path));
    unlink(path);
}

/* ---- the target's records ------------------------------------------------- */

static void taken_path(const struct xltd *d, const char *id, char *buf,
                       size_t len)
{
    snprintf(buf, len, "%s/taken/%s", d->state_dir, id);
}

int reclaim_taken_note(struct xltd *d, const char *id, const char *name)
{
    char path[4096];

    if (!reclaim_id_valid(id))
        return -1;
    snprintf(path, sizeof(path), "%s/taken", d->state_dir);
    if (mkdir(path, 0700) && errno != EEXIST) {
        log_err(&d->log, "creating %s", path);
        return -1;
    }
    taken_path(d, id, path, sizeof(path));
    return store_write_atomic(d, path, name);
}

void reclaim_taken_drop(struct xltd *d, const char *id)
{
    char path[4096];

    if (!reclaim_id_valid(id))
        return;
    taken_path(d, id, path, sizeof(path));
    unlink(path);
}

bool reclaim_taken(const struct xltd *d, const char *id)
{
    char path[4096];

    if (!reclaim_id_valid(id))
        return false;
    taken_path(d, id, path, sizeof(path));
    return access(path, F_OK) == 0;
}

void reclaim_taken_sweep(struct xltd *d)
{
    char dir_path[4096], path[4096 + 64];
    time_t now = time(NULL);
    struct dirent *e;
    struct stat st;
    DIR *dir;

    snprintf(dir_path, sizeof(dir_path), "%s/taken", d->state_dir);
    dir = opendir(dir_path);
    if (!dir)
        return;
    while ((e = readdir(dir))) {
        if (!reclaim_id_valid(e->d_name))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir_path, e->d_name);
        if (!stat(path, &st) && now - st.st_mtime > TAKEN_KEEP_S)
            unlink(path);
    }
    closedir(dir);
}

/* ---- one note ------------------------------------------------------------- */

static void reclaim_free(struct reclaim *r)
{
    struct xltd *d = r->d;

    for (struct reclaim **pp = &d->reclaims; *pp; pp = &(*pp)->next) {
        if (*pp == r) {
            *pp = r->next;
            break;
        }
    }
    inflight_end(d, &r->op);
    mworker_dispose(&r->w, false);
    yajl_tree_free(r->note);
    free(r->name);
    free(r->host);
    free(r->port);
    free(r->id);
    free(r->key);
    free(r);
}

/* The note of UUID, read back; NULL (logged) if it cannot be.  Only a
 * note that is no note is removed: it may hold the domain's one store
 * entry. */
static struct reclaim *reclaim_read(struct xltd *d, const libxl_uuid *uuid)
{
    struct reclaim *r = calloc(1, sizeof(*r));
    char path[4096], *text = NULL;
    struct xlt_err err;
    size_t len;

    if (!r)
        return NULL;
    r->d = d;
    libxl_uuid_copy(d->ctx, &r->uuid, uuid);
    r->next = d->reclaims; /* reclaim_free unlinks it */
    d->reclaims = r;
    note_path(d, uuid, path, sizeof(path));
    if ((mworker_init(&r->w) && xlt_err_errno(&err, errno, "no worker")) ||
        xlt_read_file(path, &text, &len, &err)) {
        log_errx(&d->log, "a note of a domain handed over, left for the "
                 "next xltd: %s", err.msg);
        goto fail;
    }
    if (xlt_json_parse(text, NOTE_MAX, path, &r->note, &err) ||
        !xlt_json_get_str(r->note, "name") ||
        !xlt_json_get_str(r->note, "host") ||
        !xlt_json_get_str(r->note, "port")) {
        log_errx(&d->log, "%s: not a note of a domain handed over; "
                 "removed", path);
        unlink(path);
        goto fail;
    }
    r->name = strdup(xlt_json_get_str(r->note, "name"));
    r->host = strdup(xlt_json_get_str(r->note, "host"));
    r->port = strdup(xlt_json_get_str(r->note, "port"));
    r->id = strdup(xlt_json_get_str(r->note, "id")
                       ? xlt_json_get_str(r->note, "id") : "");
    if (!r->name || !r->host || !r->port || !r->id)
        goto fail;
    free(text);
    return r;
fail:
    free(text);
    reclaim_free(r);
    return NULL;
}

/* The copy here: NAME--migratedaway with the note's UUID; -1 if none. */
static int copy_here(struct xltd *d, const struct reclaim *r,
                     uint32_t *domid)
{
    char away[300];
    libxl_dominfo info;
    int rc = -1;

    snprintf(away, sizeof(away), "%s" MIGRATEDAWAY_SUFFIX, r->name);
    libxl_dominfo_init(&info);
    if (!libxl_name_to_domid(d->ctx, away, domid) &&
        !libxl_domain_info(d->ctx, &info, *domid) &&
        !libxl_uuid_compare(&info.uuid, &r->uuid))
        rc = 0;
    libxl_dominfo_dispose(&info);
    return rc;
}

/* ---- asking the target ---------------------------------------------------- */

static void *ask_main(void *arg)
{
    struct reclaim *r = arg;
    struct mworker *w = &r->w;
    struct xlt_err err;
    yajl_val v = NULL;
    char hello[192];

    snprintf(hello, sizeof(hello),
             "{\"xlt_migrate\":1,\"ask\":\"" LIBXL_UUID_FMT "\","
             "\"id\":\"%s\"}", LIBXL_UUID_BYTES(r->uuid), r->id);
    if (mworker_connect(w, r->host, r->port, r->key, &err) ||
        mworker_send_json(w, hello, &err) ||
        mworker_recv_json(w, &v, &err))
        mworker_post(w, EV_NO_ANSWER, "%s", err.msg);
    else if (xlt_json_get_str(v, "error"))
        mworker_post(w, EV_NO_ANSWER, "it says: %s",
                     xlt_json_get_str(v, "error"));
    else if (YAJL_IS_TRUE(xlt_json_get(v, "busy")))
        mworker_post(w, EV_NO_ANSWER, "a migration of it is under way there");
    else if (YAJL_IS_TRUE(xlt_json_get(v, "runs")))
        mworker_post(w, EV_RUNS, NULL);
    else if (YAJL_IS_FALSE(xlt_json_get(v, "runs")))
        mworker_post(w, EV_GONE, NULL);
    else
        mworker_post(w, EV_NO_ANSWER, "it answered neither yes nor no");
    yajl_tree_free(v);
    return NULL;
}

static void retry_later(struct reclaim *r)
{
    clock_gettime(CLOCK_MONOTONIC, &r->retry);
    r->retry.tv_sec += RETRY_S;
}

/* Ask the target (in a worker), unless there is no copy here to settle
 * any more, or nothing to ask with. */
static void ask(struct reclaim *r)
{
    struct xltd *d = r->d;
    struct xlt_err err;
    uint32_t domid;

    if (copy_here(d, r, &domid)) {
        log_info(&d->log, "%s: no copy of it here any more; its note goes",
                 r->name);
        reclaim_forget(d, &r->uuid);
        reclaim_free(r);
        return;
    }
    r->tries++;
    free(r->key);
    r->key = NULL;
    if (mworker_key(&d->migrate_conf, &r->key, &err)) {
        log_errx(&d->log, "%s: cannot ask %s: %s", r->name, r->host,
                 err.msg);
        retry_later(r);
        return;
    }
    if (!r->key || !reclaim_id_valid(r->id)) {
        log_warnx(&d->log, "%s (%u): handed over to %s %s; its copy here "
                  "stays suspended as %s" MIGRATEDAWAY_SUFFIX ": check "
                  "whether the target runs it, then destroy the copy here "
                  "or resume it (and remove %s/away/" LIBXL_UUID_FMT
                  ".json)", r->name, domid, r->host,
                  r->key ? "by an xltd that sent no migration id"
                         : "in plain mode, whose answers prove nothing",
                  r->name, d->state_dir, LIBXL_UUID_BYTES(r->uuid));
        reclaim_free(r); /* the note stays */
        return;
    }
    if (mworker_start(&r->w, ask_main, r)) {
        log_errx(&d->log, "%s: cannot start asking %s", r->name, r->host);
        retry_later(r);
        return;
    }
    r->asking = true;
}

/* No answer: ask again later. */
static void ask_later(struct reclaim *r, const char *why)
{
    struct xltd *d = r->d;

    if (r->tries == 1 || r->tries % 30 == 0)
        log_warnx(&d->log, "%s: cannot tell whether %s runs it (%s); its "
                  "copy here stays suspended as %s" MIGRATEDAWAY_SUFFIX
                  ", and xltd asks again every %d s", r->name, r->host, why,
                  r->name, RETRY_S);
    retry_later(r);
}

/* The worker said its last: join it, and have a fresh one for the next
 * question. */
static void worker_reset(struct reclaim *r)
{
    mworker_dispose(&r->w, false);
    r->asking = false;
    if (mworker_init(&r->w))
        log_errx(&r->d->log, "%s: cannot ask again", r->name);
}

/* ---- the answer ------------------------------------------------------------ */

static void copy_destroyed(libxl_ctx *ctx, int rc, void *arg)
{
    struct reclaim *r = arg;

    (void)ctx;
    if (rc) {
        log_errx(&r->d->log, "%s: %s runs it, but destroying its copy here "
                 "failed; trying again in %d s", r->name, r->host, RETRY_S);
        retry_later(r);
        return;
    }
    log_info(&r->d->log, "%s: %s runs it; its copy here is destroyed",
             r->name, r->host);
    reclaim_forget(r->d, &r->uuid);
    reclaim_free(r);
}

static void target_runs_it(struct reclaim *r, uint32_t domid)
{
    struct xltd *d = r->d;

    if (libxl_domain_destroy(d->ctx, domid,
                             inflight_begin(d, &r->op, "a migrated domain's "
                                            "destroy", copy_destroyed, r))) {
        inflight_end(d, &r->op);
        copy_destroyed(d->ctx, ERROR_FAIL, r);
    }
}

/* The copy here is the domain again: its store entry first (an xltd
 * killed after it resumes a suspended managed domain at start-up), then
 * its name, then it runs. */
static void target_lacks_it(struct reclaim *r, uint32_t domid)
{
    struct xltd *d = r->d;
    char away[300];
    yajl_val entry = xlt_json_get(r->note, "entry");

    snprintf(away, sizeof(away), "%s" MIGRATEDAWAY_SUFFIX, r->name);
    if ((entry && store_restore_entry(d, &r->uuid, entry)) ||
        libxl_domain_rename(d->ctx, domid, away, r->name)) {
        log_errx(&d->log, "%s: %s does not run it, and its copy here cannot "
                 "be managed and named %s again; left suspended as %s, "
                 "trying again in %d s", r->name, r->host, r->name, away,
                 RETRY_S);
        retry_later(r);
        return;
    }
    if (libxl_domain_resume(d->ctx, domid, 1, NULL))
        log_errx(&d->log, "%s (%u): %s does not run it; resuming it here "
                 "failed", r->name, domid, r->host);
    else
        log_warnx(&d->log, "%s (%u): %s does not run it: resumed here, "
                  "where it runs on", r->name, domid, r->host);
    supervise_rewatch(d, domid);
    reclaim_forget(d, &r->uuid);
    reclaim_free(r);
}

static void on_event(struct reclaim *r)
{
    struct xltd *d = r->d;
    char text[1024];
    char ev = mworker_event(&r->w, text, sizeof(text));
    uint32_t domid;

    if (!ev)
        return;
    worker_reset(r);
    if (ev != EV_RUNS && ev != EV_GONE) {
        ask_later(r, text);
    } else if (copy_here(d, r, &domid)) {
        log_info(&d->log, "%s: no copy of it here any more; its note goes",
                 r->name);
        reclaim_forget(d, &r->uuid);
        reclaim_free(r);
    } else if (ev == EV_RUNS) {
        target_runs_it(r, domid);
    } else {
        target_lacks_it(r, domid);
    }
}

/* ---- the loop's side -------------------------------------------------------- */

void reclaim_begin(struct xltd *d, const libxl_uuid *uuid)
{
    struct reclaim *r;

    for (r = d->reclaims; r; r = r->next)
        if (!libxl_uuid_compare(&r->uuid, uuid))
            return; /* being settled */
    r = reclaim_read(d, uuid);
    if (!r)
        return;
    log_info(&d->log, "%s: asking %s port %s whether it runs it", r->name,
             r->host, r->port);
    ask(r);
}

void reclaim_all(struct xltd *d)
{
    char path[4096];
    struct dirent *e;
    libxl_uuid uuid;
    DIR *dir;

    snprintf(path, sizeof(path), "%s/away", d->state_dir);
    dir = opendir(path);
    if (!dir)
        return;
    while ((e = readdir(dir))) {
        char text[64];
        size_t len = strlen(e->d_name);
        if (len != 36 + 5 || strcmp(e->d_name + 36, ".json") != 0)
            continue;
        memcpy(text, e->d_name, 36);
        text[36] = '\0';
        if (!libxl_uuid_from_string(&uuid, text))
            reclaim_begin(d, &uuid);
    }
    closedir(dir);
}

void reclaim_stop(struct xltd *d)
{
    while (d->reclaims) /* their notes stay for the next xltd */
        reclaim_free(d->reclaims);
}

size_t reclaim_count(const struct xltd *d)
{
    size_t n = 0;

    for (const struct reclaim *r = d->reclaims; r; r = r->next)
        n += r->asking;
    return n;
}

size_t reclaim_pollfds(struct xltd *d, struct pollfd *fds, size_t max)
{
    size_t n = 0;

    for (struct reclaim *r = d->reclaims; r && n < max; r = r->next)
        if (r->asking)
            fds[n++] = (struct pollfd){.fd = r->w.events[0],
                                       .events = POLLIN};
    return n;
}

void reclaim_handle(struct xltd *d, const struct pollfd *fds, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct reclaim *r;
        if (!fds[i].revents)
            continue;
        for (r = d->reclaims; r && !(r->asking &&
                                     r->w.events[0] == fds[i].fd);)
            r = r->next;
        if (r) {
            on_event(r); /* may free it: the rest waits for the next poll */
            return;
        }
    }
}

static long long ms_until(const struct timespec *t)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (t->tv_sec - now.tv_sec) * 1000LL +
           (t->tv_nsec - now.tv_nsec) / 1000000;
}

int reclaim_timeout_ms(const struct xltd *d)
{
    long long soonest = -1, ms;

    for (const struct reclaim *r = d->reclaims; r; r = r->next) {
        if (r->asking || r->op.listed)
            continue;
        ms = ms_until(&r->retry);
        if (ms < 0)
            ms = 0;
        if (soonest < 0 || ms < soonest)
            soonest = ms;
    }
    return soonest > 1000 ? 1000 : (int)soonest;
}

void reclaim_expire(struct xltd *d)
{
    struct reclaim *r, *next;

    for (r = d->reclaims; r; r = next) {
        next = r->next; /* ask may free R */
        if (!r->asking && !r->op.listed && ms_until(&r->retry) <= 0)
            ask(r);
    }
}
