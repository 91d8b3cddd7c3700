/*
 * remote.c: the remote API.  xltd's requests over TCP with TLS, X.509
 * certificates both ways (xlt/lib/apitls.c), on remote_port.
 *
 * Each connection gets a thread.  It makes the handshake (within
 * HANDSHAKE_MS), checks the client's certificate against this host's CA
 * and CRL, and finds its role in the allow-list (the first DN pattern
 * matching its subject; none: refused).  A refused client is told why in
 * one error line and dropped, and the loop records the refusal in the
 * audit trail.  A client let in is handed to the loop as one end of a
 * socketpair, an ordinary control connection (control.c) with its role,
 * DN and address as its caller; the thread relays between that and the
 * TLS session until either ends.  The loop never waits on the network:
 * a client that says nothing, or trickles, holds only its thread.
 *
 * Limits: REMOTE_MAX clients in all, of them HANDSHAKES_MAX not yet let
 * in (HANDSHAKES_PER_PEER from one address); past them a connection is
 * closed at once.  Keepalive finds a dead peer in about a minute.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api.h"

#define REMOTE_MAX 32
#define HANDSHAKES_MAX 8
#define HANDSHAKES_PER_PEER 4
#define HANDSHAKE_MS 10000
#define KEEPALIVE_S 30
#define REFUSALS_LOG_S 10 /* refusals are logged at most this often */

/* A client, from its accept to its end. */
struct rclient {
    struct rclient *next;
    struct remote_api *api;
    pthread_t thread;
    bool started;
    int sock;          /* the TCP connection */
    int stop[2];       /* the loop writes to [1] to end the relay */
    char peer[64];
    atomic_bool let_in; /* past its handshake and checks */
    atomic_bool ended;  /* the thread is done: join it */
};

/* What a client's thread tells the loop, through the events pipe, in one
 * write (atomic: smaller than PIPE_BUF). */
enum { EV_ADOPT, EV_REFUSED, EV_ENDED };
struct rmsg { /* (~750 bytes) */
    struct rclient *c;
    int kind;
    int fd;               /* EV_ADOPT: the loop's end of the socketpair */
    struct caller caller; /* EV_ADOPT, EV_REFUSED */
    char why[400];        /* EV_REFUSED */
};

struct remote_api {
    const struct remote_conf *conf;
    int fds[LISTEN_MAX];
    size_t n_fds;
    int events[2];
    struct rclient *clients;
    unsigned refused;     /* connections refused, not logged yet */
    time_t refused_logged;
};

/* ---- a client's thread ------------------------------------------------------ */

static void post(struct rclient *c, int kind, int fd,
                 const struct caller *caller, const char *why)
{
    struct rmsg m = {.c = c, .kind = kind, .fd = fd};

    if (caller)
        m.caller = *caller;
    if (why)
        snprintf(m.why, sizeof(m.why), "%s", why);
    if (write(c->api->events[1], &m, sizeof(m)) != (ssize_t)sizeof(m) &&
        kind == EV_ADOPT)
        close(fd); /* (the loop reads every message: not seen) */
}

/* Tell the client why it is refused (one error line), read what it sent
 * meanwhile (so that the close does not reset the connection before it
 * reads that: at most DRAIN_MAX bytes, for about a second, or a client
 * that keeps sending would keep its place in the handshake's limit), and
 * say the session's end. */
#define DRAIN_MAX (64u << 10)
static void tell_refused(struct xlt_tls *t, int sock, const char *why)
{
    char *line = xlt_msg_text(XLT_MSG_ERROR, why);
    struct timeval tv = {0, 200000};
    struct timespec start, now;
    size_t drained = 0;
    char buf[512];
    ssize_t n;

    if (line)
        xlt_tls_send(t, line, strlen(line));
    free(line);
    xlt_tls_bye(t);
    setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        n = recv(sock, buf, sizeof(buf), 0);
        drained += n > 0 ? (size_t)n : 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (n > 0 && drained < DRAIN_MAX && now.tv_sec - start.tv_sec < 1);
}

/* The role of the client whose certificate's subject is DN: 0, or -1
 * with WHY. */
static int role_of(const struct remote_conf *conf, const char *dn,
                   enum xlt_role *role, struct xlt_err *why)
{
    int rc = xlt_allow_lookup(conf->allow_path, dn, role, NULL, why);

    if (rc == 0)
        xlt_err_set(why, "%s is not let in by %s", dn, conf->allow_path);
    return rc == 1 ? 0 : -1;
}

/* A client let in: the loop's end of a socketpair for it, posted; the
 * relay on this end until either side ends. */
static void serve(struct rclient *c, struct xlt_tls *t,
                  const struct caller *caller)
{
    int pair[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair)) {
        tell_refused(t, c->sock, "xltd is out of resources");
        return;
    }
    if (fcntl(pair[0], F_SETFL, O_NONBLOCK)) {
        close(pair[0]);
        close(pair[1]);
        return;
    }
    atomic_store(&c->let_in, true);
    post(c, EV_ADOPT, pair[0], caller, NULL);
    xlt_tls_relay(t, pair[1], c->stop[0]);
    close(pair[1]);
    xlt_tls_bye(t);
}

static void *client_main(void *arg)
{
    struct rclient *c = arg;
    const struct remote_conf *conf = c->api->conf;
    struct caller caller = {.uid = (uid_t)-1, .role = XLT_ROLE_NONE};
    struct xlt_tls *t = NULL;
    struct xlt_err err;

    snprintf(caller.from, sizeof(caller.from), "%s", c->peer);
    if (xlt_tls_accept(c->sock, conf->pki_dir, HANDSHAKE_MS, &t, &err)) {
        post(c, EV_REFUSED, -1, &caller, err.msg);
        goto out;
    }
    if (xlt_tls_client_dn(t, caller.who, sizeof(caller.who), &err) ||
        role_of(conf, caller.who, &caller.role, &err)) {
        tell_refused(t, c->sock, err.msg);
        post(c, EV_REFUSED, -1, &caller, err.msg);
        goto out;
    }
    serve(c, t, &caller);
out:
    xlt_tls_close(t);
    post(c, EV_ENDED, -1, NULL, NULL);
    return NULL;
}

/* ---- the clients, in the loop --------------------------------------------- */

static void client_free(struct remote_api *api, struct rclient *c)
{
    struct rclient **pp;

    for (pp = &api->clients; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    if (c->started) {
        shutdown(c->sock, SHUT_RDWR); /* a handshake in progress ends */
        if (write(c->stop[1], "", 1) < 0) {
            /* the thread ends anyway: its socket is shut */
        }
        pthread_join(c->thread, NULL);
    }
    close(c->sock);
    if (c->stop[0] >= 0)
        close(c->stop[0]);
    if (c->stop[1] >= 0)
        close(c->stop[1]);
    free(c);
}

/* Clients in all, and those not let in yet (in all, or from PEER). */
static int clients_count(const struct remote_api *api, bool waiting,
                         const char *peer)
{
    int n = 0;

    for (const struct rclient *c = api->clients; c; c = c->next)
        if ((!waiting || !atomic_load(&c->let_in)) &&
            (!peer || !strcmp(c->peer, peer)))
            n++;
    return n;
}

/* Refusals are counted and logged at most every REFUSALS_LOG_S: a flood
 * must not fill the log. */
static void refused(struct xltd *d, const char *peer, const char *why)
{
    struct remote_api *api = d->remote;
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    api->refused++;
    log_debug(&d->log, "remote client %s refused: %s", peer, why);
    if (now.tv_sec - api->refused_logged < REFUSALS_LOG_S)
        return;
    log_warnx(&d->log, "remote clients refused: %u since the last such line "
              "(the latest, %s: %s)", api->refused, peer, why);
    api->refused = 0;
    api->refused_logged = now.tv_sec;
}

/* The loop's part of a client: its fds and thread. */
static struct rclient *client_new(struct xltd *d, int fd, const char *peer)
{
    struct rclient *c = calloc(1, sizeof(*c));

    if (!c) {
        close(fd);
        return NULL;
    }
    c->api = d->remote;
    c->sock = fd;
    c->stop[0] = c->stop[1] = -1;
    snprintf(c->peer, sizeof(c->peer), "%s", peer);
    c->next = d->remote->clients;
    d->remote->clients = c;
    if (fcntl(fd, F_SETFL, 0) || pipe2(c->stop, O_CLOEXEC) ||
        pthread_create(&c->thread, NULL, client_main, c)) {
        refused(d, peer, "out of resources");
        client_free(d->remote, c);
        return NULL;
    }
    c->started = true;
    return c;
}

static void accept_one(struct xltd *d, int listen_fd)
{
    const char *why = NULL;
    char peer[64];
    int fd = xlt_accept_peer(listen_fd, &d->spare_fd, peer, sizeof(peer));

    if (fd < 0) {
        if (errno == EMFILE)
            refused(d, "?", "out of file descriptors");
        return;
    }
    if (clients_count(d->remote, false, NULL) >= REMOTE_MAX)
        why = "too many clients";
    else if (clients_count(d->remote, true, NULL) >= HANDSHAKES_MAX)
        why = "too many clients in their handshake";
    else if (clients_count(d->remote, true, peer) >= HANDSHAKES_PER_PEER)
        why = "too many clients in their handshake from that address";
    if (why) {
        refused(d, peer, why);
        close(fd);
        return;
    }
    xlt_tcp_keepalive(fd, KEEPALIVE_S);
    client_new(d, fd, peer);
}

/* A refusal: logged, and in the audit trail if the client showed a
 * certificate (a scan or a stray connection is only counted). */
static void on_refused(struct xltd *d, const struct rmsg *m)
{
    struct audit_subject s;

    refused(d, m->caller.from, m->why);
    if (!m->caller.who[0])
        return;
    trail_begin(d, &s, &m->caller, "connect", NULL);
    trail_end(d, &s, "refused", m->why, NULL);
    trail_subject_dispose(&s);
}

static void on_message(struct xltd *d, const struct rmsg *m)
{
    switch (m->kind) {
    case EV_ADOPT:
        log_info(&d->log, "remote client %s: %s (%s)", m->caller.from,
                 m->caller.who, xlt_role_name(m->caller.role));
        control_adopt(d, m->fd, &m->caller);
        break;
    case EV_REFUSED:
        on_refused(d, m);
        break;
    case EV_ENDED:
        client_free(d->remote, m->c);
        break;
    default:
        break;
    }
}

static void read_messages(struct xltd *d)
{
    struct rmsg m;

    while (read(d->remote->events[0], &m, sizeof(m)) == (ssize_t)sizeof(m))
        on_message(d, &m);
}

/* While stopping: the threads' messages until each has ended (within
 * STOP_MS; one that will not is left), sockets offered to nobody. */
#define STOP_MS 5000
static void wait_threads(struct remote_api *api)
{
    struct pollfd p = {.fd = api->events[0], .events = POLLIN};
    struct rmsg m;
    int waited = 0;

    while (api->clients && waited < STOP_MS) {
        if (poll(&p, 1, 100) == 0)
            waited += 100;
        while (read(api->events[0], &m, sizeof(m)) == (ssize_t)sizeof(m)) {
            if (m.kind == EV_ADOPT)
                close(m.fd);
            else if (m.kind == EV_ENDED)
                client_free(api, m.c);
        }
    }
}

/* ---- the listeners ------------------------------------------------------------ */

static int listen_on(struct xltd *d, const char *addr)
{
    struct remote_api *api = d->remote;
    struct xlt_err err;
    int fd = xlt_tcp_listen(addr, api->conf->port, &err);

    if (fd < 0) {
        log_errx(&d->log, "the remote API cannot listen: %s", err.msg);
        return -1;
    }
    api->fds[api->n_fds++] = fd;
    log_info(&d->log, "remote API on %s port %d (TLS, certificates from %s, "
             "roles from %s)", addr ? addr : "every address", api->conf->port,
             api->conf->pki_dir, api->conf->allow_path);
    return 0;
}

/* Are this host's files there?  Said once, at start: a connection would
 * only fail later. */
static int files_present(struct xltd *d, const struct remote_conf *conf)
{
    static const char *const needed[] = {"ca.pem", "host.pem",
                                         "private/host-key.pem"};
    struct xlt_err err;
    char path[4096];

    for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", conf->pki_dir, needed[i]);
        if (access(path, R_OK)) {
            log_err(&d->log, "the remote API needs %s (see `xlt pki')", path);
            return -1;
        }
    }
    if (xlt_allow_lookup(conf->allow_path, NULL, NULL, NULL, &err) < 0) {
        log_errx(&d->log, "the remote API: %s", err.msg);
        return -1;
    }
    return 0;
}

int remote_listen(struct xltd *d, const struct remote_conf *conf)
{
    struct remote_api *api;
    int rc = 0;

    if (conf->port == 0)
        return 0;
    if (files_present(d, conf))
        return -1;
    api = calloc(1, sizeof(*api));
    /* the threads' end blocks: no message of theirs is lost */
    if (!api || pipe2(api->events, O_CLOEXEC) ||
        fcntl(api->events[0], F_SETFL, O_NONBLOCK)) {
        log_err(&d->log, "the remote API");
        free(api);
        return -1;
    }
    api->conf = conf;
    d->remote = api;
    if (conf->n_listen == 0)
        rc = listen_on(d, NULL);
    for (size_t i = 0; rc == 0 && i < conf->n_listen; i++)
        rc = listen_on(d, conf->listen[i]);
    if (rc)
        remote_close(d); /* all of them, or none */
    return rc;
}

void remote_close(struct xltd *d)
{
    struct remote_api *api = d->remote;

    if (!api)
        return;
    for (size_t i = 0; i < api->n_fds; i++)
        close(api->fds[i]);
    for (struct rclient *c = api->clients; c; c = c->next) {
        shutdown(c->sock, SHUT_RDWR);
        if (write(c->stop[1], "", 1) < 0) {
            /* its socket is shut: it ends anyway */
        }
    }
    wait_threads(api);
    if (api->clients) {
        log_warnx(&d->log, "remote clients' threads did not end; left");
        return;
    }
    close(api->events[0]);
    close(api->events[1]);
    free(api);
    d->remote = NULL;
}

size_t remote_count(const struct xltd *d)
{
    return d->remote ? d->remote->n_fds + 1 : 0;
}

size_t remote_pollfds(struct xltd *d, struct pollfd *fds, size_t max)
{
    struct remote_api *api = d->remote;
    size_t n = 0;

    if (!api)
        return 0;
    if (n < max)
        fds[n++] = (struct pollfd){.fd = api->events[0], .events = POLLIN};
    for (size_t i = 0; i < api->n_fds && n < max; i++)
        fds[n++] = (struct pollfd){.fd = api->fds[i], .events = POLLIN};
    return n;
}

void remote_handle(struct xltd *d, const struct pollfd *fds, size_t n)
{
    for (size_t i = 0; i < n && d->remote; i++) {
        if (!fds[i].revents)
            continue;
        if (fds[i].fd == d->remote->events[0])
            read_messages(d);
        else
            accept_one(d, fds[i].fd);
    }
}
