/*
 * control.c: the Unix sockets xlt talks to.
 *
 * The main one is root's (mode 0600, and SO_PEERCRED checked): root is
 * admin there, anyone else read-only.  The read-only one (ro_socket, mode
 * 0660, group ro_group) makes whoever the group lets in read-only: it
 * exists only if that group does.  Each connection sends
 * one request at a time and gets progress lines, then a result or an error;
 * its next request is read once that answer is out.  A malformed message
 * closes that connection, never the daemon; so does idling.
 *
 * Two requests turn their connection into a stream once answered: events
 * (every domain event a line, until the client hangs up) and console
 * (the console's bytes both ways, raw, until either side ends; its close
 * is audited as its open was).  Remote clients get the same through
 * remote.c's relay.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "api.h"

#define MAX_CONNS 64
/* A client with no request running is closed after control_idle_timeout
 * (xlt.conf; d->idle_seconds), and the longest idle one makes room when
 * MAX_CONNS are connected: idle clients cannot lock the others out. */
/* Progress lines are dropped while this much output waits (the client
 * does not read); a request's answer is always kept. */
#define PROGRESS_BACKLOG (64u << 10)
/* A client following the events that lets this much wait is closed; a
 * console's bytes wait while this much does, each way. */
#define EVENTS_BACKLOG (1u << 20)
#define CONSOLE_BACKLOG (64u << 10)
/* At most this many connections follow the events or a console, so that
 * they cannot take every place of MAX_CONNS. */
#define MAX_STREAMS 32

enum conn_mode {
    CONN_REQUESTS, /* one request at a time */
    CONN_EVENTS,   /* it follows the events */
    CONN_CONSOLE,  /* joined to a console */
};

struct conn {
    struct conn *next;
    unsigned id;
    int fd;
    struct caller caller;
    bool busy;    /* a request is running */
    bool closing; /* close once the output is written */
    struct timespec last; /* its latest request's end, or its accept */
    struct xlt_linebuf in; /* CONSOLE: the bytes for the console */
    char *out;
    size_t out_len;
    enum conn_mode mode;
    enum conn_mode next_mode; /* once the answer is out */
    int tty_fd;               /* CONSOLE: the console (-1: none) */
    struct termios tty_saved; /* its modes before it was made raw */
    bool tty_raw;
    struct audit_subject console; /* CONSOLE: whose, since when */
};

/* ---- the listening socket ---------------------------------------------- */

static int make_parent_dir(struct xltd *d, const char *path)
{
    char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
    char *slash;

    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    if (mkdir(dir, 0755) && errno != EEXIST) {
        log_err(&d->log, "creating %s", dir);
        return -1;
    }
    return 0;
}

/* A listening socket at PATH with MODE, of group GID (-1: root's); the
 * fd, or -1 (logged). */
static int listen_at(struct xltd *d, const char *path, mode_t mode,
                     gid_t gid)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t len = strlen(path);
    mode_t old_umask;
    int fd = -1;

    if (len >= sizeof(sa.sun_path)) {
        log_errx(&d->log, "socket path too long: %s", path);
        return -1;
    }
    memcpy(sa.sun_path, path, len + 1);
    if (make_parent_dir(d, path))
        return -1;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        goto fail;
    /* We hold the pid lock, so a socket file left here is stale. */
    unlink(path);
    old_umask = umask(0177);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        umask(old_umask);
        goto fail;
    }
    umask(old_umask);
    if ((gid != (gid_t)-1 && chown(path, 0, gid)) || chmod(path, mode) ||
        listen(fd, 16) < 0)
        goto fail;
    return fd;
fail:
    log_err(&d->log, "listening on %s", path);
    if (fd >= 0)
        close(fd);
    return -1;
}

/* The read-only socket, if xlt.conf names one and its group exists. */
static int listen_read_only(struct xltd *d)
{
    struct group gr, *found = NULL;
    char buf[4096];

    if (!*d->ro_socket_path)
        return 0;
    if (getgrnam_r(d->ro_group, &gr, buf, sizeof(buf), &found) || !found) {
        log_info(&d->log, "no group `%s': no read-only socket (%s)",
                 d->ro_group, d->ro_socket_path);
        return 0;
    }
    d->ro_listen_fd = listen_at(d, d->ro_socket_path, 0660, gr.gr_gid);
    return d->ro_listen_fd < 0 ? -1 : 0;
}

static void control_event(struct xltd *d, const struct event *e,
                          const char *json, void *arg);

int control_listen(struct xltd *d)
{
    d->listen_fd = listen_at(d, d->socket_path, 0600, (gid_t)-1);
    if (d->listen_fd < 0 || listen_read_only(d))
        return -1;
    return events_listen(d, control_event, NULL);
}

/* C's console is let go: its modes back, and its close audited. */
static void console_release(struct xltd *d, struct conn *c)
{
    if (c->tty_fd < 0)
        return;
    if (c->tty_raw)
        tcsetattr(c->tty_fd, TCSANOW, &c->tty_saved);
    close(c->tty_fd);
    c->tty_fd = -1;
    if (c->mode != CONN_CONSOLE)
        return; /* never opened: its answer did not go out */
    snprintf(c->console.op, sizeof(c->console.op), "console-close");
    trail_end(d, &c->console, "ok", NULL, NULL);
    log_info(&d->log, "client %u: console of %s closed", c->id,
             c->console.vm);
}

static void conn_free(struct xltd *d, struct conn *c)
{
    struct conn **pp;

    for (pp = &d->conns; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    console_release(d, c);
    close(c->fd);
    xlt_linebuf_dispose(&c->in);
    free(c->out);
    free(c);
}

void control_close(struct xltd *d)
{
    events_unlisten(d, control_event, NULL);
    while (d->conns)
        conn_free(d, d->conns);
    if (d->listen_fd >= 0) {
        close(d->listen_fd);
        unlink(d->socket_path);
        d->listen_fd = -1;
    }
    if (d->ro_listen_fd >= 0) {
        close(d->ro_listen_fd);
        unlink(d->ro_socket_path);
        d->ro_listen_fd = -1;
    }
}

/* The clients connected. */
static size_t conn_total(const struct xltd *d)
{
    size_t n = 0;

    for (const struct conn *c = d->conns; c; c = c->next)
        n++;
    return n;
}

size_t control_count(const struct xltd *d)
{
    size_t n = 2; /* the listeners */

    for (const struct conn *c = d->conns; c; c = c->next)
        n += c->tty_fd >= 0 ? 2 : 1;
    return n;
}

/* The connections that are streams, or about to be. */
static size_t stream_total(const struct xltd *d)
{
    size_t n = 0;

    for (const struct conn *c = d->conns; c; c = c->next)
        n += c->mode != CONN_REQUESTS || c->next_mode != CONN_REQUESTS;
    return n;
}

/* ---- output -------------------------------------------------------------- */

static struct conn *conn_by_id(struct xltd *d, unsigned id)
{
    for (struct conn *c = d->conns; c; c = c->next)
        if (c->id == id)
            return c;
    return NULL;
}

/* Write what we can.  Returns false if the connection is gone. */
static bool conn_flush(struct xltd *d, struct conn *c)
{
    while (c->out_len > 0) {
        ssize_t n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        if (n < 0) {
            log_debug(&d->log, "client %u: %s", c->id, strerror(errno));
            conn_free(d, c);
            return false;
        }
        c->out_len -= (size_t)n;
        memmove(c->out, c->out + n, c->out_len);
    }
    if (c->closing && !c->busy) {
        conn_free(d, c);
        return false;
    }
    return true;
}

static void conn_append(struct xltd *d, struct conn *c, const char *buf,
                        size_t n)
{
    char *bigger = realloc(c->out, c->out_len + n);

    if (!bigger) {
        log_errx(&d->log, "client %u: out of memory", c->id);
        c->closing = true;
        return;
    }
    c->out = bigger;
    memcpy(c->out + c->out_len, buf, n);
    c->out_len += n;
}

static void conn_send(struct xltd *d, struct conn *c, const char *line)
{
    conn_append(d, c, line, strlen(line));
}

static void reply_line(struct xltd *d, unsigned id, char *line, bool final)
{
    struct conn *c = conn_by_id(d, id);

    if (!line)
        log_errx(&d->log, "client %u: out of memory for a reply", id);
    if (c && line && (final || c->out_len < PROGRESS_BACKLOG))
        conn_send(d, c, line);
    free(line);
    if (!c)
        return;
    if (final) {
        c->busy = false;
        clock_gettime(CLOCK_MONOTONIC, &c->last);
    }
    conn_flush(d, c);
}

/* Connection C's request is answered (FAILED: with an error): it becomes
 * the stream its request asked for, if it did. */
static void conn_begin_stream(struct xltd *d, struct conn *c, bool failed)
{
    if (c->next_mode == CONN_REQUESTS)
        return;
    if (failed) {
        c->next_mode = CONN_REQUESTS;
        console_release(d, c);
        return;
    }
    c->mode = c->next_mode;
    c->next_mode = CONN_REQUESTS;
    if (c->mode == CONN_CONSOLE)
        clock_gettime(CLOCK_MONOTONIC, &c->console.start);
}

void control_send_end(struct xltd *d, unsigned id, const char *result,
                      const char *error, const char *request_id)
{
    struct conn *c = conn_by_id(d, id);
    char *line = NULL;

    if (c)
        conn_begin_stream(d, c, error != NULL);
    if (error)
        line = xlt_msg_error(error, request_id);
    else if (asprintf(&line, "{\"xlt\":%d,\"result\":%s}\n",
                      XLT_PROTO_VERSION, result ? result : "{}") < 0)
        line = NULL;
    reply_line(d, id, line, true);
}

void control_send_progress(struct xltd *d, unsigned id, const char *text)
{
    reply_line(d, id, xlt_msg_text(XLT_MSG_PROGRESS, text), false);
}

/* ---- idle clients ---------------------------------------------------------- */

/* Is C waiting for nothing (no request, no output), and since when? */
static bool conn_idle(const struct conn *c)
{
    return c->mode == CONN_REQUESTS && !c->busy && !c->closing &&
           !c->out_len;
}

static double idle_for(const struct conn *c)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - c->last.tv_sec) +
           (double)(now.tv_nsec - c->last.tv_nsec) / 1e9;
}

/* Close the client idle longest, if one is. */
static void make_room(struct xltd *d)
{
    struct conn *oldest = NULL;

    for (struct conn *c = d->conns; c; c = c->next)
        if (conn_idle(c) && (!oldest || idle_for(c) > idle_for(oldest)))
            oldest = c;
    if (!oldest)
        return;
    log_debug(&d->log, "client %u: idle, closed to make room", oldest->id);
    conn_free(d, oldest);
}

int control_timeout_ms(const struct xltd *d)
{
    double soonest = -1, left;

    for (const struct conn *c = d->conns; c; c = c->next) {
        if (!conn_idle(c))
            continue;
        left = d->idle_seconds - idle_for(c);
        if (soonest < 0 || left < soonest)
            soonest = left < 0 ? 0 : left;
    }
    return soonest < 0 ? -1 : (int)(soonest * 1000) + 1;
}

void control_expire(struct xltd *d)
{
    struct conn *c = d->conns, *next;

    for (; c; c = next) {
        next = c->next;
        if (conn_idle(c) && idle_for(c) >= d->idle_seconds) {
            log_debug(&d->log, "client %u: idle for %d s, closed", c->id,
                      d->idle_seconds);
            conn_free(d, c);
        }
    }
}

/* ---- streams: events and consoles ---------------------------------------- */

int control_follow_events(struct xltd *d, unsigned id, struct xlt_err *err)
{
    struct conn *c = conn_by_id(d, id);

    if (!c)
        return xlt_err_set(err, "the client went away");
    if (stream_total(d) >= MAX_STREAMS)
        return xlt_err_set(err, "%d clients follow events or consoles "
                           "already; try again later", MAX_STREAMS);
    c->next_mode = CONN_EVENTS;
    return 0;
}

/* Every client that follows the events gets E's line; one that has let
 * EVENTS_BACKLOG wait unread is closed. */
static void control_event(struct xltd *d, const struct event *e,
                          const char *json, void *arg)
{
    struct conn *c, *next;
    char *line = NULL;

    (void)e;
    (void)arg;
    if (asprintf(&line, "{\"xlt\":%d,\"event\":%s}\n", XLT_PROTO_VERSION,
                 json) < 0) {
        log_errx(&d->log, "out of memory for an event");
        return;
    }
    for (c = d->conns; c; c = next) {
        next = c->next;
        if (c->mode != CONN_EVENTS || c->closing)
            continue;
        if (c->out_len > EVENTS_BACKLOG) {
            log_warnx(&d->log, "client %u: %zu bytes of events unread; "
                      "closed", c->id, c->out_len);
            c->out_len = 0;
            c->closing = true;
        } else {
            conn_send(d, c, line);
        }
        conn_flush(d, c);
    }
    free(line);
}

int control_join_console(struct xltd *d, unsigned id, const char *tty,
                         const struct audit_subject *s, struct xlt_err *err)
{
    struct conn *c = conn_by_id(d, id);
    struct termios raw;
    int fd;

    if (!c)
        return xlt_err_set(err, "the client went away");
    if (stream_total(d) >= MAX_STREAMS)
        return xlt_err_set(err, "%d clients follow events or consoles "
                           "already; try again later", MAX_STREAMS);
    fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return xlt_err_errno(err, errno, "%s", tty);
    c->tty_raw = isatty(fd) && !tcgetattr(fd, &c->tty_saved);
    if (c->tty_raw) {
        raw = c->tty_saved;
        cfmakeraw(&raw);
        c->tty_raw = !tcsetattr(fd, TCSANOW, &raw);
    }
    c->tty_fd = fd;
    c->next_mode = CONN_CONSOLE;
    c->console = *s;
    c->console.params = NULL; /* the request's own, freed with it */
    log_info(&d->log, "client %u: console of %s (%s) opened", c->id, s->vm,
             tty);
    return 0;
}

/* What the client typed, to the console (C is closing if it ended). */
static void console_write(struct conn *c)
{
    while (c->in.len) {
        ssize_t n = write(c->tty_fd, c->in.buf, c->in.len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            c->in.len = 0;
            c->closing = true;
            return;
        }
        c->in.len -= (size_t)n;
        memmove(c->in.buf, c->in.buf + n, c->in.len);
    }
}

/* What the console said, for the client (C is closing if it ended: its
 * domain went away). */
static void console_read(struct xltd *d, struct conn *c)
{
    char buf[4096];
    ssize_t n = read(c->tty_fd, buf, sizeof(buf));

    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0)
        c->closing = true;
    else
        conn_append(d, c, buf, (size_t)n);
}

/* A console's pollfds: the client's and the console's, each read while
 * the other side is not CONSOLE_BACKLOG behind. */
static size_t console_pollfds(const struct conn *c, struct pollfd *fds,
                              size_t max)
{
    size_t n = 0;

    if (max < 2)
        return 0;
    fds[n++] = (struct pollfd){
        .fd = c->fd,
        .events = (short)((!c->closing && c->in.len < CONSOLE_BACKLOG
                               ? POLLIN : 0) |
                          (c->out_len ? POLLOUT : 0))};
    if (!c->closing)
        fds[n++] = (struct pollfd){
            .fd = c->tty_fd,
            .events = (short)((c->out_len < CONSOLE_BACKLOG ? POLLIN : 0) |
                              (c->in.len ? POLLOUT : 0))};
    return n;
}

static void console_handle(struct xltd *d, struct conn *c, short revents)
{
    if (revents & POLLOUT)
        console_write(c);
    if (!c->closing && (revents & (POLLIN | POLLHUP | POLLERR)))
        console_read(d, c);
    conn_flush(d, c);
}

/* ---- input --------------------------------------------------------------- */

/* Who CRED is, for the log and the audit trail: a user's name, else
 * "uid N". */
static void caller_name(const struct ucred *cred, char *out, size_t len)
{
    struct passwd pw, *found = NULL;
    char buf[4096];

    if (!getpwuid_r(cred->uid, &pw, buf, sizeof(buf), &found) && found)
        snprintf(out, len, "%s", pw.pw_name);
    else
        snprintf(out, len, "uid %u", (unsigned)cred->uid);
}

/* A connection FD of CALLER's, taken on; false if there is no room (FD
 * is closed). */
static bool conn_add(struct xltd *d, int fd, const struct caller *caller)
{
    struct conn *c;

    if (conn_total(d) >= MAX_CONNS)
        make_room(d);
    c = conn_total(d) < MAX_CONNS ? calloc(1, sizeof(*c)) : NULL;
    if (!c) {
        close(fd);
        return false;
    }
    c->fd = fd;
    c->tty_fd = -1;
    c->caller = *caller;
    clock_gettime(CLOCK_MONOTONIC, &c->last);
    c->id = ++d->next_conn_id;
    c->next = d->conns;
    d->conns = c;
    return true;
}

bool control_adopt(struct xltd *d, int fd, const struct caller *caller)
{
    if (!conn_add(d, fd, caller)) {
        log_warnx(&d->log, "refusing %s from %s: too many clients",
                  caller->who, caller->from);
        return false;
    }
    log_debug(&d->log, "client %u: connected (%s from %s, %s)",
              d->next_conn_id, caller->who, caller->from,
              xlt_role_name(caller->role));
    return true;
}

/* A client of LISTEN_FD; READ_ONLY: the read-only socket's. */
static void conn_accept(struct xltd *d, int listen_fd, bool read_only)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);
    struct caller caller = {0};
    int fd;

    fd = xlt_accept(listen_fd, &d->spare_fd, NULL, NULL,
                    SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
        if (errno != EAGAIN && errno != EINTR)
            log_warn(&d->log, "accept (a client turned away)");
        return;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
        log_warn(&d->log, "refusing a client: its credentials");
        close(fd);
        return;
    }
    caller.uid = cred.uid;
    caller.role = cred.uid == 0 && !read_only ? XLT_ROLE_ADMIN
                                              : XLT_ROLE_READ_ONLY;
    caller_name(&cred, caller.who, sizeof(caller.who));
    if (!conn_add(d, fd, &caller)) {
        log_warnx(&d->log, "refusing a client: too many clients");
        return;
    }
    log_debug(&d->log, "client %u: connected (pid %d, %s, %s)",
              d->next_conn_id, (int)cred.pid, caller.who,
              xlt_role_name(caller.role));
}

/* Answer a broken message with an error and hang up.  Returns false (the
 * connection is going away). */
static bool conn_reject(struct xltd *d, struct conn *c, const char *why)
{
    char *line = xlt_msg_text(XLT_MSG_ERROR, why);

    log_warnx(&d->log, "client %u: %s; closing", c->id, why);
    if (line)
        conn_send(d, c, line);
    free(line);
    c->closing = true;
    conn_flush(d, c);
    return false;
}

/* One line from the client.  Returns false if the connection is closing. */
static bool conn_line(struct xltd *d, struct conn *c, const char *line)
{
    struct xlt_msg msg;
    struct xlt_err err;

    if (xlt_msg_parse(&msg, line, &err))
        return conn_reject(d, c, err.msg);
    if (msg.kind != XLT_MSG_REQUEST) {
        xlt_msg_dispose(&msg);
        return conn_reject(d, c, "message is not a request");
    }
    c->busy = true;
    log_debug(&d->log, "client %u: %s", c->id, msg.cmd);
    request_dispatch(d, c->id, &c->caller, &msg);
    xlt_msg_dispose(&msg);
    return true;
}

/* Run the requests connection ID has sent, while it is ready for one:
 * none running, the last answer out. */
static void conn_take_lines(struct xltd *d, unsigned id)
{
    struct conn *c;
    char *line = NULL;

    while ((c = conn_by_id(d, id)) && c->mode == CONN_REQUESTS && !c->busy &&
           !c->closing && !c->out_len) {
        int got = xlt_linebuf_take(&c->in, &line);
        if (got == 0)
            break;
        if (got < 0) {
            conn_reject(d, c, "message too long");
            break;
        }
        conn_line(d, c, line);
        free(line);
    }
}

static void conn_readable(struct xltd *d, struct conn *c)
{
    ssize_t n = xlt_linebuf_read(&c->in, c->fd);

    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        c->closing = true; /* the client went away */
        conn_flush(d, c);
        return;
    }
    if (c->mode == CONN_EVENTS) {
        c->in.len = 0; /* a follower has nothing to say: ignored */
    } else if (c->mode == CONN_CONSOLE) {
        console_write(c);
        conn_flush(d, c);
    } else
        conn_take_lines(d, c->id);
}

size_t control_pollfds(struct xltd *d, struct pollfd *fds, size_t max)
{
    size_t n = 0;

    if (n < max && d->listen_fd >= 0)
        fds[n++] = (struct pollfd){.fd = d->listen_fd, .events = POLLIN};
    if (n < max && d->ro_listen_fd >= 0)
        fds[n++] = (struct pollfd){.fd = d->ro_listen_fd, .events = POLLIN};
    for (struct conn *c = d->conns; c && n < max; c = c->next) {
        if (c->closing && !c->out_len)
            continue; /* gone; waits only for its request to end */
        if (c->mode == CONN_CONSOLE) {
            n += console_pollfds(c, fds + n, max - n);
            continue;
        }
        /* one request at a time, and the next once its answer is out; a
         * follower is read only to see it hang up */
        short ev = (short)((c->mode == CONN_EVENTS ||
                            !(c->busy || c->out_len) ? POLLIN : 0) |
                           (c->out_len ? POLLOUT : 0));
        fds[n++] = (struct pollfd){.fd = c->fd, .events = ev};
    }
    return n;
}

static struct conn *conn_by_fd(struct xltd *d, int fd, bool *is_tty)
{
    for (struct conn *c = d->conns; c; c = c->next) {
        *is_tty = c->tty_fd == fd;
        if (c->fd == fd || *is_tty)
            return c;
    }
    return NULL;
}

/* Requests read while an earlier one ran or its answer waited: their
 * turn once it is out (the socket has nothing new to wake the loop). */
static void take_pending(struct xltd *d)
{
    unsigned ids[MAX_CONNS + 1];
    size_t n = 0;

    for (struct conn *c = d->conns; c && n < MAX_CONNS + 1; c = c->next)
        if (c->in.len && c->mode == CONN_REQUESTS)
            ids[n++] = c->id;
    for (size_t i = 0; i < n; i++)
        conn_take_lines(d, ids[i]);
}

void control_handle(struct xltd *d, const struct pollfd *fds, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct conn *c;
        bool is_tty = false;
        if (!fds[i].revents)
            continue;
        if (fds[i].fd == d->listen_fd || fds[i].fd == d->ro_listen_fd) {
            conn_accept(d, fds[i].fd, fds[i].fd == d->ro_listen_fd);
            continue;
        }
        c = conn_by_fd(d, fds[i].fd, &is_tty);
        if (c && is_tty) {
            console_handle(d, c, fds[i].revents);
            continue;
        }
        if (c && (fds[i].revents & POLLOUT) && !conn_flush(d, c))
            continue;
        if (c && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
            conn_readable(d, c);
    }
    take_pending(d);
}
