/*
 * receive.c: the migration listener, and domains migrating in.
 *
 * Each connection gets a worker thread (mworker.c): TLS with the pool's
 * key (or plain, if this host is set so), the sender's hello and the
 * domain's save header.  xltd checks the domain can live here (its name,
 * memory, bridges) before anything exists, restores it paused as
 * NAME--incoming from the stream the worker feeds in, says "received",
 * and on "go" renames it NAME, unpauses it, records it in the store and
 * says "running".  Whatever goes wrong before "go" destroys what was built
 * and keeps nothing; the sender's copy runs on.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

#define PEER_TIMEOUT_S 60
#define HEADER_MAX (XLT_SAVE_FIXED_LEN + (16u << 20))
/* Before a peer has sent its domain's header it is nobody: the handshake
 * (TLS, hello, header) has this long, and so many may wait at once, in
 * all and from one address.  Past that a connection is closed at once. */
#define HANDSHAKE_S 10 /* "the deadline" in the log */
#define FRAME_S 30 /* each frame, from its first byte: against trickling */
#define HANDSHAKES_MAX 16
#define HANDSHAKES_PER_PEER 4
/* The sender's request id in a hello (its audit trail's: 16 hex digits) */
#define REQUEST_ID_MAX 32

enum {
    EV_HEADER = 'H', /* text: the hello; data: the save header */
    EV_STREAM = 'S', /* libxl's stream begins: the restore may start */
    EV_GO = 'G',     /* the sender has given the domain up */
    EV_ASK = 'A',    /* text: the UUID a source asks about */
    EV_FAILED = 'X', /* text: why */
};

enum state { HELLO, READY, RESTORING, RECEIVED };

struct incoming {
    struct incoming *next;
    struct xltd *d;
    char peer[80];
    enum state state;
    bool failed, graceful;
    struct mworker w;
    char *key;
    libxl_domain_config cfg;
    char *name;  /* the domain's own name; cfg has NAME--incoming */
    char id[XLT_MIGRATION_ID_LEN + 1]; /* the migration's, from the hello */
    char request[REQUEST_ID_MAX + 1];  /* the sender's request's id, if any */
    char *extras;
    uint32_t domid;
    struct timespec began; /* accepted */
    struct inflight op;
    struct promise promise; /* the memory checked for at its header */
};

static void incoming_free(struct incoming *in)
{
    struct xltd *d = in->d;

    for (struct incoming **pp = &d->incomings; *pp; pp = &(*pp)->next) {
        if (*pp == in) {
            *pp = in->next;
            break;
        }
    }
    promise_keep(d, &in->promise);
    mworker_dispose(&in->w, in->graceful);
    free(in->w.data);
    libxl_domain_config_dispose(&in->cfg);
    free(in->key);
    free(in->name);
    free(in->extras);
    free(in);
}

/* ---- the worker ------------------------------------------------------------ */

/* Is ID a request id a hello may carry: 1 to REQUEST_ID_MAX hex digits? */
static bool request_id_valid(const char *id)
{
    size_t n = id ? strspn(id, "0123456789abcdef") : 0;

    return n > 0 && n <= REQUEST_ID_MAX && !id[n];
}

static int reply_error(struct mworker *w, const char *why)
{
    yajl_gen g = xlt_json_gen_new();
    struct xlt_err err;
    char *text = NULL;
    int rc = -1;

    if (!g)
        return -1;
    yajl_gen_map_open(g);
    xlt_json_kv_str(g, "error", why);
    yajl_gen_map_close(g);
    text = xlt_json_gen_take(g);
    if (text)
        rc = mworker_send_json(w, text, &err);
    free(text);
    yajl_gen_free(g);
    return rc;
}

/* TLS (or not), the hello and the header; or, for a source that asks
 * whether this host runs a domain (reclaim.c), the hello alone, its
 * question in ASK_R (else ASK_R is ""). */
static int recv_begin(struct incoming *in, int fd, char **hello_r,
                      char *ask_r, size_t ask_len, struct xlt_err *err)
{
    struct mworker *w = &in->w;
    yajl_val hello = NULL;
    char kind;
    int rc = -1;

    *hello_r = NULL;
    *ask_r = '\0';
    if (xlt_chan_server(fd, in->key, &w->chan, err))
        return -1; /* the connection stays the loop's to close */
    xlt_chan_frame_deadline(w->chan, FRAME_S * 1000);
    if (mworker_recv_json(w, &hello, err))
        return -1;
    if (!YAJL_IS_INTEGER(xlt_json_get(hello, "xlt_migrate")) ||
        YAJL_GET_INTEGER(xlt_json_get(hello, "xlt_migrate")) != 1) {
        xlt_err_set(err, "not an xlt migration (or another version of "
                    "its protocol)");
        reply_error(w, "this host speaks xlt migration version 1 only");
        goto out;
    }
    *hello_r = xlt_json_to_text(hello);
    if (xlt_json_get_str(hello, "ask")) { /* a source asks: no header */
        const char *id = xlt_json_get_str(hello, "id");
        snprintf(ask_r, ask_len, "%.40s %.40s", xlt_json_get_str(hello, "ask"),
                 id ? id : "-");
        rc = 0;
        goto out;
    }
    /* read by the loop after EV_HEADER (the events pipe orders it) */
    if (reclaim_id_valid(xlt_json_get_str(hello, "id")))
        snprintf(in->id, sizeof(in->id), "%s", xlt_json_get_str(hello, "id"));
    if (request_id_valid(xlt_json_get_str(hello, "request")))
        snprintf(in->request, sizeof(in->request), "%s",
                 xlt_json_get_str(hello, "request"));
    if (xlt_frame_recv(w->chan, &kind, &w->data, &w->data_len, HEADER_MAX,
                       err))
        goto out;
    if (kind != XLT_FRAME_HEADER || w->data_len < XLT_SAVE_FIXED_LEN) {
        xlt_err_set(err, "the peer sent no domain header");
        goto out;
    }
    rc = 0;
out:
    yajl_tree_free(hello);
    return rc;
}

/* Wait for the loop; on a refusal tell the peer why.  true: go on. */
static bool next_step(struct mworker *w)
{
    int cmd = mworker_wait(w);
    char why[sizeof(w->text)];

    if (cmd == MW_CMD_REFUSE) {
        pthread_mutex_lock(&w->lock);
        snprintf(why, sizeof(why), "%s", w->text);
        pthread_mutex_unlock(&w->lock);
        reply_error(w, why);
    }
    return cmd == MW_CMD_NEXT;
}

/* The loop answers ASK (a UUID); the worker sends its answer on. */
static void answer(struct mworker *w, const char *ask)
{
    char text[sizeof(w->text)];
    struct xlt_err err;

    mworker_post(w, EV_ASK, "%s", ask);
    if (mworker_wait(w) != MW_CMD_NEXT)
        return;
    pthread_mutex_lock(&w->lock);
    snprintf(text, sizeof(text), "%s", w->text);
    pthread_mutex_unlock(&w->lock);
    mworker_send_json(w, text, &err);
}

static void *recv_main(void *arg)
{
    struct incoming *in = arg;
    struct mworker *w = &in->w;
    struct xlt_err err;
    yajl_val go = NULL;
    char *hello = NULL, session[256], ask[96];

    if (recv_begin(in, w->sock, &hello, ask, sizeof(ask), &err))
        goto failed;
    if (*ask) {
        free(hello);
        answer(w, ask);
        return NULL;
    }
    xlt_chan_describe(w->chan, session, sizeof(session));
    mworker_post(w, EV_HEADER, "%s; %s", hello, session);
    free(hello);
    if (!next_step(w))
        return NULL;
    if (mworker_send_json(w, "{\"ready\":true}", &err) ||
        mworker_relay_in(w, EV_STREAM, &err))
        goto failed;
    if (!next_step(w))
        return NULL;
    if (mworker_send_json(w, "{\"received\":true}", &err) ||
        mworker_recv_json(w, &go, &err))
        goto failed;
    if (!YAJL_IS_TRUE(xlt_json_get(go, "go"))) {
        xlt_err_set(&err, "the sender gave up before the handover");
        yajl_tree_free(go);
        goto failed;
    }
    yajl_tree_free(go);
    mworker_post(w, EV_GO, NULL);
    if (next_step(w))
        mworker_send_json(w, "{\"running\":true}", &err);
    return NULL;
failed:
    shutdown(w->stream[1], SHUT_RDWR); /* libxl's restore fails at once */
    mworker_post(w, EV_FAILED, "%s", err.msg);
    return NULL;
}

/* ---- the loop's side -------------------------------------------------------- */

static void refuse(struct incoming *in, const char *why)
{
    pthread_mutex_lock(&in->w.lock);
    snprintf(in->w.text, sizeof(in->w.text), "%s", why);
    pthread_mutex_unlock(&in->w.lock);
    log_warnx(&in->d->log, "migration from %s refused: %s", in->peer, why);
    mworker_command(&in->w, MW_CMD_REFUSE);
    in->graceful = true; /* the worker tells the peer, then ends */
    incoming_free(in);
}

/* Did the source keep EXTRAS' domain on dedicated cores? */
static bool kept_dedicated(const char *extras)
{
    yajl_val kept = extras ? yajl_tree_parse(extras, NULL, 0) : NULL;
    bool dedicated = YAJL_IS_TRUE(xlt_json_get(kept, "dedicated"));

    yajl_tree_free(kept);
    return dedicated;
}

/* NAME (with UUID) is free here, and NAME--incoming: a domain of that
 * name with that UUID is the source's own copy (a migration to itself). */
static int names_free(struct xltd *d, const char *name,
                      const libxl_uuid *uuid, const char *incoming,
                      struct xlt_err *err)
{
    libxl_dominfo info;
    uint32_t other;
    int rc = 0;

    libxl_dominfo_init(&info);
    if (!libxl_name_to_domid(d->ctx, name, &other) &&
        (libxl_domain_info(d->ctx, &info, other) ||
         libxl_uuid_compare(&info.uuid, uuid)))
        rc = xlt_err_set(err, "another domain named %s runs here (id %u)",
                         name, other);
    else if (!libxl_name_to_domid(d->ctx, incoming, &other))
        rc = xlt_err_set(err, "%s is already migrating in", name);
    libxl_dominfo_dispose(&info);
    return rc;
}

/* The domain in the header can live here: its config, renamed, and its
 * dedicated CPUs reserved. */
static int take_header(struct incoming *in, struct xlt_err *err)
{
    struct xltd *d = in->d;
    struct xlt_save_header h = {0};
    char incoming[300];
    uint64_t need = 0;
    int rc = -1;

    if (xlt_save_header_parse(in->w.data, in->w.data_len, "the header", &h,
                              err))
        goto out;
    if (!h.config || libxl_domain_config_from_json(d->ctx, &in->cfg,
                                                   h.config) ||
        !in->cfg.c_info.name) {
        xlt_err_set(err, "the domain's config is missing or not valid");
        goto out;
    }
    if (policy_incoming(&d->migrate_conf, &in->cfg, err) ||
        policy_uuid_free(d, &in->cfg.c_info.uuid, in->cfg.c_info.name, err))
        goto out;
    in->name = strdup(in->cfg.c_info.name);
    in->extras = h.extras;
    h.extras = NULL;
    snprintf(incoming, sizeof(incoming), "%s" INCOMING_SUFFIX, in->name);
    if (names_free(d, in->cfg.c_info.name, &in->cfg.c_info.uuid, incoming,
                   err))
        goto out;
    free(in->cfg.c_info.name);
    in->cfg.c_info.name = strdup(incoming);
    if (!in->name || !in->cfg.c_info.name) {
        xlt_err_set(err, "out of memory");
        goto out;
    }
    if (devices_prepare(d, &in->cfg, err) ||
        balloon_fits(d, &in->cfg, &need, err) ||
        promise_make(d, &in->promise, need, &in->cfg, err))
        goto out;
    /* dedicated on the source: CPUs of its own here too */
    if (kept_dedicated(in->extras) && dedicated_reserve(d, &in->cfg, err))
        goto out;
    rc = 0;
out:
    xlt_save_header_dispose(&h);
    return rc;
}

static void restored(libxl_ctx *ctx, int rc, void *arg)
{
    struct incoming *in = arg;
    struct xlt_err err;

    (void)ctx;
    dedicated_started(in->d, &in->cfg); /* its CPUs are no longer pending */
    if (in->w.stream[0] >= 0)
        close(in->w.stream[0]);
    in->w.stream[0] = -1;
    if (rc || in->failed) {
        xlerr_set(in->d, rc ? rc : ERROR_FAIL, &err, "restoring it failed");
        if (!rc) /* the worker failed, libxl did not notice: undo it */
            libxl_domain_destroy(in->d->ctx, in->domid, NULL);
        refuse(in, err.msg);
        return;
    }
    in->state = RECEIVED;
    mworker_command(&in->w, MW_CMD_NEXT);
}

static void on_header(struct incoming *in, const char *hello)
{
    struct xlt_err err;

    if (take_header(in, &err)) {
        refuse(in, err.msg);
        return;
    }
    log_info(&in->d->log, "%s: migrating in from %s (%s)", in->name,
             in->peer, hello);
    in->state = READY;
    mworker_command(&in->w, MW_CMD_NEXT);
}

/* The stream begins as libxl's: restore from it. */
static void on_stream(struct incoming *in)
{
    struct xltd *d = in->d;
    libxl_domain_restore_params params;
    int rc;

    in->state = RESTORING;
    libxl_domain_restore_params_init(&params);
    params.stream_version = 2;
    xlerr_reset(d);
    rc = libxl_domain_create_restore(d->ctx, &in->cfg, &in->domid,
                                     in->w.stream[0], -1, &params,
                                     inflight_begin(d, &in->op, "a migration in",
                                                    restored, in),
                                     NULL);
    libxl_domain_restore_params_dispose(&params);
    if (rc) {
        inflight_end(d, &in->op);
        restored(d->ctx, rc, in);
        return;
    }
    mworker_command(&in->w, MW_CMD_NEXT);
}

/* Record the domain as xltd's, with the state the sender kept; -1
 * (logged) if the store cannot take it (a full disk). */
static int record(struct incoming *in)
{
    struct xltd *d = in->d;
    yajl_val kept = in->extras ? yajl_tree_parse(in->extras, NULL, 0) : NULL;
    int rc = -1;

    free(in->cfg.c_info.name);
    in->cfg.c_info.name = strdup(in->name);
    if (!in->cfg.c_info.name ||
        store_put(d, &in->cfg, xlt_json_get_str(kept, "path"),
                  xlt_json_get_str(kept, "text"), false) ||
        saverestore_keep(d, &in->cfg.c_info.uuid, kept))
        log_errx(&d->log, "%s (%u): cannot record it in %s/domains; not "
                 "taking it over", in->name, in->domid, d->state_dir);
    else
        rc = 0;
    yajl_tree_free(kept);
    return rc;
}

/* The go of IN cannot be taken (libxl's WHAT failed; NULL: the store,
 * which logged why): its domain goes and the sender is told, so that its
 * copy runs on. */
static void not_taken(struct incoming *in, const char *what)
{
    struct xltd *d = in->d;
    struct xlt_err err;

    if (what) {
        xlerr_set(d, ERROR_FAIL, &err, "%s (%u): cannot take it over (%s)",
                  in->name, in->domid, what);
        log_errx(&d->log, "%s", err.msg);
    }
    libxl_domain_destroy(d->ctx, in->domid, NULL);
    refuse(in, "the target could not rename, record and unpause it");
}

static void on_go(struct incoming *in)
{
    struct xltd *d = in->d;
    char incoming[300];

    snprintf(incoming, sizeof(incoming), "%s" INCOMING_SUFFIX, in->name);
    /* a sender that hears nothing more asks whether "go" was taken: the
     * records (the store's, then the note of the go) come before the
     * domain runs, and a domain this host cannot manage is not taken */
    if (libxl_domain_rename(d->ctx, in->domid, incoming, in->name)) {
        not_taken(in, "rename");
        return;
    }
    if (record(in)) {
        not_taken(in, NULL);
        return;
    }
    if ((*in->id && reclaim_taken_note(d, in->id, in->name)) ||
        libxl_domain_unpause(d->ctx, in->domid, NULL)) {
        reclaim_taken_drop(d, in->id);
        not_taken(in, "unpause");
        return;
    }
    supervise_watch(d, in->domid);
    log_info(&d->log, "%s (%u): migrated in from %s", in->name, in->domid,
             in->peer);
    events_emit(d, &(struct event){.kind = "migrated-in", .domid = in->domid,
                                   .name = in->name,
                                   .uuid = &in->cfg.c_info.uuid,
                                   .peer = in->peer,
                                   .request = in->request});
    mworker_command(&in->w, MW_CMD_NEXT);
    in->graceful = true;
    incoming_free(in);
}

static void on_failed(struct incoming *in, const char *why)
{
    struct xltd *d = in->d;

    log_warnx(&d->log, "migration of %s from %s failed: %s; nothing kept",
              in->name ? in->name : "a domain", in->peer, why);
    if (in->state == RESTORING) {
        in->failed = true; /* libxl fails too; restored() cleans up */
        return;
    }
    if (in->state == READY) /* the header reserved its CPUs */
        dedicated_started(d, &in->cfg);
    if (in->state == RECEIVED)
        libxl_domain_destroy(d->ctx, in->domid, NULL);
    incoming_free(in);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && !strcmp(s + n - m, suffix);
}

bool receive_copy_name(const char *name)
{
    return ends_with(name, INCOMING_SUFFIX) ||
           ends_with(name, MIGRATEDAWAY_SUFFIX);
}

/* A source asks (TEXT: "UUID ID") whether this host took the "go" of
 * its migration ID of the domain of UUID: yes (the record on_go left),
 * no, or busy (a migration of that domain is still under way here: ask
 * again). */
static const char *answer_to(struct xltd *d, const struct incoming *self,
                             const char *text)
{
    char uuid_text[41] = "", id[41] = "";
    libxl_uuid uuid;

    if (sscanf(text, "%40s %40s", uuid_text, id) != 2 ||
        libxl_uuid_from_string(&uuid, uuid_text))
        return "{\"error\":\"not a UUID\"}";
    if (!reclaim_id_valid(id))
        return "{\"error\":\"no migration id\"}";
    for (const struct incoming *o = d->incomings; o; o = o->next)
        if (o != self && o->state != HELLO &&
            (!strcmp(o->id, id) ||
             !libxl_uuid_compare(&o->cfg.c_info.uuid, &uuid)))
            return "{\"busy\":true}";
    return reclaim_taken(d, id) ? "{\"runs\":true}" : "{\"runs\":false}";
}

static void on_ask(struct incoming *in, const char *text)
{
    struct xltd *d = in->d;
    const char *answer = answer_to(d, in, text);

    log_info(&d->log, "%s asks whether it took a migration's go: %s",
             in->peer, answer);
    pthread_mutex_lock(&in->w.lock);
    snprintf(in->w.text, sizeof(in->w.text), "%s", answer);
    pthread_mutex_unlock(&in->w.lock);
    mworker_command(&in->w, MW_CMD_NEXT);
    in->graceful = true; /* the worker answers, then ends */
    incoming_free(in);
}

static void on_event(struct incoming *in)
{
    char text[1024];

    switch (mworker_event(&in->w, text, sizeof(text))) {
    case EV_HEADER:
        on_header(in, text);
        break;
    case EV_STREAM:
        on_stream(in);
        break;
    case EV_GO:
        on_go(in);
        break;
    case EV_ASK:
        on_ask(in, text);
        break;
    case EV_FAILED:
        on_failed(in, text);
        break;
    default:
        break;
    }
}

/* ---- the listener ----------------------------------------------------------- */

/* Connections still in their handshake: in all (PEER NULL) or from PEER. */
static int handshaking(const struct xltd *d, const char *peer)
{
    int n = 0;

    for (const struct incoming *in = d->incomings; in; in = in->next)
        if (in->state == HELLO && (!peer || !strcmp(in->peer, peer)))
            n++;
    return n;
}

/* Refusals are counted and logged at most every HANDSHAKE_S seconds: a
 * flood must not fill the log. */
static void refused(struct xltd *d, const char *peer, const char *why)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    d->migrate_refused++;
    log_debug(&d->log, "migration connection from %s refused: %s", peer, why);
    if (now.tv_sec - d->migrate_refused_logged < HANDSHAKE_S)
        return;
    log_warnx(&d->log, "migration connections refused: %u since the last "
              "such line (the latest from %s: %s)", d->migrate_refused, peer,
              why);
    d->migrate_refused = 0;
    d->migrate_refused_logged = now.tv_sec;
}

static struct incoming *incoming_new(struct xltd *d, int fd,
                                     const char *peer)
{
    struct incoming *in = calloc(1, sizeof(*in));
    struct xlt_err err;

    if (!in) {
        close(fd);
        return NULL;
    }
    in->d = d;
    libxl_domain_config_init(&in->cfg);
    in->next = d->incomings;
    d->incomings = in;
    clock_gettime(CLOCK_MONOTONIC, &in->began);
    snprintf(in->peer, sizeof(in->peer), "%s", peer);
    if (mworker_init(&in->w)) {
        if (errno == EMFILE || errno == ENFILE)
            refused(d, in->peer, "out of file descriptors");
        else
            log_err(&d->log, "migration from %s refused: setting it up",
                    in->peer);
        close(fd);
        incoming_free(in);
        return NULL;
    }
    in->w.sock = fd;
    if (mworker_key(&d->migrate_conf, &in->key, &err)) {
        log_errx(&d->log, "migration from %s refused: %s", in->peer,
                 err.msg);
        incoming_free(in);
        return NULL;
    }
    return in;
}

static void accept_one(struct xltd *d, int listen_fd)
{
    struct timeval tv = {PEER_TIMEOUT_S, 0};
    struct incoming *in;
    char peer[80];
    bool full;
    int fd = xlt_accept_peer(listen_fd, &d->spare_fd, peer, sizeof(peer));

    if (fd < 0) {
        if (errno == EMFILE)
            refused(d, "?", "out of file descriptors");
        return;
    }
    full = handshaking(d, NULL) >= HANDSHAKES_MAX;
    if (full || handshaking(d, peer) >= HANDSHAKES_PER_PEER) {
        refused(d, peer, full ? "too many connections in their handshake"
                              : "too many connections in their handshake "
                                "from that address");
        close(fd);
        return;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    in = incoming_new(d, fd, peer);
    if (!in)
        return;
    if (mworker_start(&in->w, recv_main, in)) {
        log_err(&d->log, "migration from %s refused: its thread", in->peer);
        incoming_free(in);
        return;
    }
    log_info(&d->log, "migration connection from %s", in->peer);
}

static double receive_elapsed(const struct incoming *in)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - in->began.tv_sec) +
           (double)(now.tv_nsec - in->began.tv_nsec) / 1e9;
}

int receive_timeout_ms(const struct xltd *d)
{
    struct timespec now;
    long long ms, soonest = -1;

    clock_gettime(CLOCK_MONOTONIC, &now);
    for (const struct incoming *in = d->incomings; in; in = in->next) {
        if (in->state != HELLO)
            continue;
        ms = (in->began.tv_sec + HANDSHAKE_S - now.tv_sec) * 1000LL +
             (in->began.tv_nsec - now.tv_nsec) / 1000000;
        if (soonest < 0 || ms < soonest)
            soonest = ms < 0 ? 0 : ms;
    }
    return (int)soonest;
}

void receive_expire(struct xltd *d)
{
    struct incoming *in = d->incomings, *next;

    for (; in; in = next) {
        next = in->next;
        if (in->state != HELLO || receive_elapsed(in) < HANDSHAKE_S)
            continue;
        refused(d, in->peer, "no handshake within the deadline");
        incoming_free(in); /* its connection is shut, its worker joined */
    }
}

/* Domains named NAME--incoming when xltd starts were being received when
 * an xltd stopped or died: half restored, paused, nobody's.  (Stock xl's
 * migrate-receive uses the same suffix: do not start xltd while xl
 * receives a migration.) */
void receive_drop_orphans(struct xltd *d)
{
    libxl_dominfo *info;
    int n = 0;

    info = libxl_list_domain(d->ctx, &n);
    for (int i = 0; info && i < n; i++) {
        char *name = libxl_domid_to_name(d->ctx, info[i].domid);
        if (name && ends_with(name, INCOMING_SUFFIX)) {
            log_warnx(&d->log, "%s (%u): left from a migration that did not "
                      "finish; destroying it", name, info[i].domid);
            libxl_domain_destroy(d->ctx, info[i].domid, NULL);
        }
        free(name);
    }
    if (info)
        libxl_dominfo_list_free(info, n);
}

/* A listener on ADDR (numeric, from xlt.conf), or on every address, IPv6
 * and IPv4, if ADDR is NULL; added to D's. */
static int listen_on(struct xltd *d, const char *addr)
{
    char where[96];
    struct xlt_err err;
    int fd;

    if (addr)
        snprintf(where, sizeof(where), "on %s port %d", addr,
                 d->migrate_conf.port);
    else
        snprintf(where, sizeof(where), "on port %d", d->migrate_conf.port);
    fd = xlt_tcp_listen(addr, d->migrate_conf.port, &err);
    if (fd < 0) {
        log_errx(&d->log, "migrations cannot come in: %s", err.msg);
        return -1;
    }
    d->migrate_fds[d->n_migrate_fds++] = fd;
    log_info(&d->log, "taking migrations %s (%s)", where,
             d->migrate_conf.plain ? "plain" : "TLS");
    return 0;
}

int receive_listen(struct xltd *d)
{
    const struct migrate_conf *m = &d->migrate_conf;
    int rc = 0;

    d->n_migrate_fds = 0;
    if (m->port == 0)
        return 0;
    if (m->n_listen == 0)
        rc = listen_on(d, NULL);
    for (size_t i = 0; rc == 0 && i < m->n_listen; i++)
        rc = listen_on(d, m->listen[i]);
    if (rc)
        receive_close(d); /* all of them, or none */
    return rc;
}

void receive_close(struct xltd *d)
{
    for (size_t i = 0; i < d->n_migrate_fds; i++)
        close(d->migrate_fds[i]);
    d->n_migrate_fds = 0;
}

void receive_stop(struct xltd *d, bool all)
{
    receive_close(d);
    for (struct incoming *in = d->incomings; in; in = in->next)
        if (all || in->state != RECEIVED) /* received: "go" is near */
            mworker_cancel(&in->w);
}

size_t receive_incomings(const struct xltd *d)
{
    size_t n = 0;

    for (const struct incoming *in = d->incomings; in; in = in->next)
        n++;
    return n;
}

size_t receive_count(const struct xltd *d)
{
    return receive_incomings(d) + d->n_migrate_fds; /* and the listeners */
}

size_t receive_pollfds(struct xltd *d, struct pollfd *fds, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < d->n_migrate_fds && n < max; i++)
        fds[n++] = (struct pollfd){.fd = d->migrate_fds[i], .events = POLLIN};
    for (struct incoming *in = d->incomings; in && n < max; in = in->next)
        fds[n++] = (struct pollfd){.fd = in->w.events[0], .events = POLLIN};
    return n;
}

static bool is_listener(const struct xltd *d, int fd)
{
    for (size_t i = 0; i < d->n_migrate_fds; i++)
        if (d->migrate_fds[i] == fd)
            return true;
    return false;
}

void receive_handle(struct xltd *d, const struct pollfd *fds, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct incoming *in;
        if (!fds[i].revents)
            continue;
        if (is_listener(d, fds[i].fd)) {
            accept_one(d, fds[i].fd);
            return;
        }
        for (in = d->incomings; in && in->w.events[0] != fds[i].fd;)
            in = in->next;
        if (in) {
            on_event(in); /* may free it, and others may have changed: */
            return;       /* the rest waits for the next poll */
        }
    }
}
