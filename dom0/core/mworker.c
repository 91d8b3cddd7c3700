/*
 * mworker.c: the thread that moves one migration's bytes.  The network
 * side (connect, TLS, frames, waiting on a slow or dead peer) blocks, so it
 * runs in its own thread; libxl stays in xltd's loop and reads or writes
 * its end of a socketpair.  The two talk through two pipes: the worker
 * posts events (one byte each) that the loop polls, and waits for the
 * loop's commands (one byte each).  Anything longer (the peer's message,
 * an error) is left in the worker's text under its lock before the event.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

#define PEER_JSON_MAX 65536 /* a hello or an answer: far smaller */

#define RELAY_CHUNK ((size_t)256 * 1024)
#define CONNECT_MS 10000
#define PEER_TIMEOUT_S 60 /* a peer silent this long has failed */

int mworker_init(struct mworker *w)
{
    memset(w, 0, sizeof(*w));
    w->events[0] = w->events[1] = w->commands[0] = w->commands[1] = -1;
    w->stream[0] = w->stream[1] = w->sock = -1;
    if (pthread_mutex_init(&w->lock, NULL))
        return -1;
    if (pipe2(w->events, O_CLOEXEC | O_NONBLOCK) ||
        pipe2(w->commands, O_CLOEXEC) ||
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, w->stream))
        return -1;
    return 0;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

int mworker_start(struct mworker *w, void *(*run)(void *), void *arg)
{
    if (pthread_create(&w->thread, NULL, run, arg))
        return -1;
    w->started = true;
    return 0;
}

/* Shut the worker's connection (HOW: SHUT_RD or SHUT_RDWR); one it
 * has not made yet it may not make. */
static void shut(struct mworker *w, int how)
{
    pthread_mutex_lock(&w->lock);
    w->cancelled = true;
    if (w->sock >= 0)
        shutdown(w->sock, how);
    pthread_mutex_unlock(&w->lock);
}

void mworker_cancel(struct mworker *w)
{
    shut(w, SHUT_RDWR);
}

void mworker_dispose(struct mworker *w, bool graceful)
{
    if (w->started) {
        /* a worker in recv() wakes, even one a trickling peer feeds; a
         * graceful one may still tell the peer something */
        shut(w, graceful ? SHUT_RD : SHUT_RDWR);
        close_fd(&w->commands[1]); /* a worker waiting for a command ends */
        close_fd(&w->stream[0]);
        pthread_join(w->thread, NULL);
    }
    if (w->chan)
        xlt_chan_close(w->chan); /* and its connection */
    else
        close_fd(&w->sock);
    close_fd(&w->events[0]);
    close_fd(&w->events[1]);
    close_fd(&w->commands[0]);
    close_fd(&w->commands[1]);
    close_fd(&w->stream[0]);
    close_fd(&w->stream[1]);
    pthread_mutex_destroy(&w->lock);
}

/* ---- the worker's side ------------------------------------------------------ */

int mworker_own_sock(struct mworker *w, int fd)
{
    int rc = 0;

    pthread_mutex_lock(&w->lock);
    if (fd >= 0 && w->cancelled)
        rc = -1;
    else
        w->sock = fd;
    pthread_mutex_unlock(&w->lock);
    return rc;
}

void mworker_post(struct mworker *w, char event, const char *fmt, ...)
{
    va_list ap;

    pthread_mutex_lock(&w->lock);
    if (fmt) {
        va_start(ap, fmt);
        vsnprintf(w->text, sizeof(w->text), fmt, ap);
        va_end(ap);
    }
    pthread_mutex_unlock(&w->lock);
    while (write(w->events[1], &event, 1) < 0 && errno == EINTR)
        ;
}

int mworker_wait(struct mworker *w)
{
    char cmd;
    ssize_t n;

    do {
        n = read(w->commands[0], &cmd, 1);
    } while (n < 0 && errno == EINTR);
    return n == 1 ? cmd : MW_CMD_ABORT;
}

int mworker_send_json(struct mworker *w, const char *json,
                      struct xlt_err *err)
{
    return xlt_frame_send(w->chan, XLT_FRAME_JSON, json, strlen(json), err);
}

int mworker_recv_json(struct mworker *w, yajl_val *v_r, struct xlt_err *err)
{
    char kind, *data = NULL;
    struct xlt_err why;
    size_t len;

    *v_r = NULL;
    if (xlt_frame_recv(w->chan, &kind, &data, &len, PEER_JSON_MAX, err))
        return -1;
    if (kind == XLT_FRAME_JSON &&
        xlt_json_parse(data, PEER_JSON_MAX, "the peer's message", v_r, &why)) {
        free(data);
        return xlt_err_set(err, "%s", why.msg);
    }
    free(data);
    if (!YAJL_IS_OBJECT(*v_r)) {
        yajl_tree_free(*v_r);
        *v_r = NULL;
        return xlt_err_set(err, "the peer sent something other than a "
                           "message");
    }
    return 0;
}

int mworker_relay_out(struct mworker *w, struct xlt_err *err)
{
    char *buf = malloc(RELAY_CHUNK);
    int rc = -1;

    if (!buf)
        return xlt_err_errno(err, ENOMEM, "relay");
    for (;;) {
        ssize_t n = read(w->stream[1], buf, RELAY_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            xlt_err_errno(err, errno, "reading libxl's stream");
            break;
        }
        if (n == 0) {
            rc = 0;
            break;
        }
        if (xlt_frame_send(w->chan, XLT_FRAME_DATA, buf, (size_t)n, err))
            break;
        atomic_fetch_add(&w->bytes, (uint64_t)n);
    }
    free(buf);
    return rc;
}

/* libxl's stream v2 begins "LibxlFmt", version 2 (big-endian). */
static bool begins_as_libxl_stream(const char *buf, size_t len)
{
    static const char start[12] = {'L', 'i', 'b', 'x', 'l', 'F', 'm', 't',
                                   0, 0, 0, 2};

    return len >= sizeof(start) && !memcmp(buf, start, sizeof(start));
}

int mworker_relay_in(struct mworker *w, char started, struct xlt_err *err)
{
    char *buf = malloc(XLT_FRAME_MAX), kind;
    bool first = true;
    size_t len = 0;
    int rc = -1;

    if (!buf)
        return xlt_err_errno(err, ENOMEM, "relay");
    while (!xlt_frame_recv_into(w->chan, &kind, buf, XLT_FRAME_MAX, &len,
                                err)) {
        if (kind == XLT_FRAME_END && !first) {
            rc = 0;
            break;
        }
        if (kind != XLT_FRAME_DATA) {
            xlt_err_set(err, "the peer sent a frame of kind `%c' inside the "
                        "stream", kind);
            break;
        }
        if (first && !begins_as_libxl_stream(buf, len)) {
            xlt_err_set(err, "the peer's stream is not libxl's (it does "
                        "not begin with libxl's stream header)");
            break;
        }
        if (first) { /* now libxl may read it */
            mworker_post(w, started, NULL);
            if (mworker_wait(w) != MW_CMD_NEXT) {
                xlt_err_set(err, "the target gave up");
                break;
            }
            first = false;
        }
        if (xlt_write_all(w->stream[1], buf, len)) {
            xlt_err_errno(err, errno, "passing the stream to libxl");
            break;
        }
        atomic_fetch_add(&w->bytes, (uint64_t)len);
    }
    free(buf);
    return rc;
}

/* ---- the loop's side -------------------------------------------------------- */

void mworker_command(struct mworker *w, char cmd)
{
    if (w->commands[1] >= 0)
        while (write(w->commands[1], &cmd, 1) < 0 && errno == EINTR)
            ;
}

char mworker_event(struct mworker *w, char *text, size_t len)
{
    char event;

    if (read(w->events[0], &event, 1) != 1)
        return 0;
    pthread_mutex_lock(&w->lock);
    snprintf(text, len, "%s", w->text);
    pthread_mutex_unlock(&w->lock);
    return event;
}

int mworker_key(const struct migrate_conf *conf, char **key_r,
                struct xlt_err *err)
{
    char *text = NULL, *end, why[sizeof(err->msg)];
    struct stat st;
    size_t len;

    *key_r = NULL;
    if (conf->plain)
        return 0;
    if (stat(conf->key_path, &st) == 0 && (st.st_mode & 077))
        return xlt_err_set(err, "the migration key %s may be read by others "
                           "(mode %04o): chmod 600 it", conf->key_path,
                           (unsigned)(st.st_mode & 07777));
    if (xlt_read_file(conf->key_path, &text, &len, err)) {
        snprintf(why, sizeof(why), "%s", err->msg);
        return xlt_err_set(err, "the migration key: %s (make one as "
                           "xlt.conf(5) says, the same on every host)", why);
    }
    for (end = text + len; end > text && strchr(" \t\r\n", end[-1]); end--)
        ;
    *end = '\0';
    if (xlt_psk_check(text, err)) {
        snprintf(why, sizeof(why), "%s", err->msg);
        xlt_err_set(err, "the migration key in %s: %s", conf->key_path, why);
        free(text);
        return -1;
    }
    *key_r = text;
    return 0;
}

/* ---- connecting ------------------------------------------------------------ */

/* Connect to HOST PORT, giving up when WAKE (the worker's commands)
 * becomes readable: the loop is done with the migration. */
static int connect_peer(const char *host, const char *port, int wake,
                        struct xlt_err *err)
{
    struct timeval tv = {PEER_TIMEOUT_S, 0};
    int fd = xlt_tcp_connect(host, port, wake, CONNECT_MS, err);

    if (fd < 0)
        return -1;
    if (fcntl(fd, F_SETFL, 0) ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
        xlt_err_errno(err, errno, "socket options");
        close(fd);
        fd = -1;
    }
    return fd;
}

int mworker_connect(struct mworker *w, const char *host, const char *port,
                    const char *key, struct xlt_err *err)
{
    int fd = connect_peer(host, port, w->commands[0], err);
    char me[65];

    if (fd < 0)
        return -1;
    if (mworker_own_sock(w, fd)) {
        close(fd);
        return xlt_err_set(err, "xltd is stopping");
    }
    /* this host's name is its TLS identity: the target logs it */
    if (gethostname(me, sizeof(me)) || !me[0])
        snprintf(me, sizeof(me), "xlt");
    me[sizeof(me) - 1] = '\0';
    if (xlt_chan_client(fd, key, me, &w->chan, err)) {
        mworker_own_sock(w, -1);
        close(fd);
        return -1;
    }
    return 0;
}
