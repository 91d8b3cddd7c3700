/*
 * chan.c: the migration channel between two xltd, over a connected TCP
 * socket: TLS with a pre-shared key (GnuTLS; the client's PSK identity is
 * its host name, any one the server logs), or plain
 * when both hosts are configured for it.  Blocking I/O, for the worker
 * threads that move a migration's bytes.
 *
 * On it go frames: a 4-byte length (network order), one byte of kind, the
 * payload.  A receiver refuses a frame longer than it asked for, so a
 * broken or hostile peer cannot make it allocate at will.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "xlt.h"

#define PSK_IDENTITY "xlt" /* a client's identity when it names none */
#define PSK_IDENTITY_MAX 64
/* PSK with an (EC)DH exchange only (TLS 1.3's psk_dhe_ke, TLS 1.2's
 * ECDHE-PSK and DHE-PSK): a leaked pool key does not open recorded
 * sessions.  Plain PSK key exchange, without forward secrecy, is off. */
#define TLS_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:" \
                     "-KX-ALL:+ECDHE-PSK:+DHE-PSK"
#define TLS_RECORD_START 0x16 /* a TLS handshake record's first byte */

struct xlt_chan {
    int fd;
    gnutls_session_t tls; /* NULL: plain */
    gnutls_psk_client_credentials_t client_cred;
    gnutls_psk_server_credentials_t server_cred;
    char *psk; /* hex, ours: the server's callback reads it, the client's
                  key datum (not const) points at it */
    char identity[PSK_IDENTITY_MAX + 1]; /* the client's, a server learns */
    int tls_error; /* GnuTLS's latest error, for the message */
    int frame_ms;  /* a frame's time from its first byte; 0: any */
    struct timeval idle_timeout; /* the socket's own, between frames */
};

static int tls_err(struct xlt_err *err, const char *what, int rc)
{
    return xlt_err_set(err, "%s: %s", what, gnutls_strerror(rc));
}

static int server_psk(gnutls_session_t session, const char *username,
                      gnutls_datum_t *key)
{
    struct xlt_chan *ch = gnutls_session_get_ptr(session);
    size_t len = strlen(username);

    /* any host of the pool, by its name: letters, digits, . _ - */
    if (len == 0 || len > PSK_IDENTITY_MAX ||
        strspn(username, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789._-") != len)
        return -1;
    memcpy(ch->identity, username, len + 1);
    len = strlen(ch->psk) / 2;
    key->data = gnutls_malloc(len);
    if (!key->data)
        return -1;
    key->size = (unsigned)len;
    for (size_t i = 0; i < len; i++) {
        unsigned byte;
        if (sscanf(ch->psk + 2 * i, "%2x", &byte) != 1)
            return -1;
        key->data[i] = (unsigned char)byte;
    }
    return 0;
}

int xlt_psk_check(const char *hex, struct xlt_err *err)
{
    size_t len = hex ? strlen(hex) : 0;

    if (len < 32 || len % 2)
        return xlt_err_set(err, "the key must be at least 16 bytes in hex "
                           "(32 hex digits or more, an even count)");
    for (size_t i = 0; i < len; i++)
        if (!strchr("0123456789abcdefABCDEF", hex[i]))
            return xlt_err_set(err, "the key has a character that is not a "
                               "hex digit at offset %zu", i);
    return 0;
}

static int tls_start(struct xlt_chan *ch, bool server, const char *psk,
                     const char *identity, struct xlt_err *err)
{
    gnutls_datum_t key;
    int rc;

    ch->psk = strdup(psk);
    if (!ch->psk)
        return tls_err(err, "TLS set-up", GNUTLS_E_MEMORY_ERROR);
    rc = gnutls_init(&ch->tls, (server ? GNUTLS_SERVER : GNUTLS_CLIENT) |
                                    GNUTLS_NO_SIGNAL);
    if (rc < 0) {
        ch->tls = NULL;
        return tls_err(err, "TLS", rc);
    }
    gnutls_session_set_ptr(ch->tls, ch);
    if (server) {
        rc = gnutls_psk_allocate_server_credentials(&ch->server_cred);
        if (rc >= 0) {
            gnutls_psk_set_server_credentials_function(ch->server_cred,
                                                       server_psk);
            rc = gnutls_credentials_set(ch->tls, GNUTLS_CRD_PSK,
                                        ch->server_cred);
        }
    } else {
        key.data = (unsigned char *)ch->psk;
        key.size = (unsigned)strlen(ch->psk);
        rc = gnutls_psk_allocate_client_credentials(&ch->client_cred);
        if (rc >= 0)
            rc = gnutls_psk_set_client_credentials(
                ch->client_cred, identity ? identity : PSK_IDENTITY, &key,
                GNUTLS_PSK_KEY_HEX);
        if (rc >= 0)
            rc = gnutls_credentials_set(ch->tls, GNUTLS_CRD_PSK,
                                        ch->client_cred);
    }
    if (rc >= 0)
        rc = gnutls_priority_set_direct(ch->tls, TLS_PRIORITY, NULL);
    if (rc < 0)
        return tls_err(err, "TLS set-up", rc);
    gnutls_transport_set_int(ch->tls, ch->fd);
    gnutls_handshake_set_timeout(ch->tls, GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT);
    do {
        rc = gnutls_handshake(ch->tls);
    } while (rc < 0 && !gnutls_error_is_fatal(rc));
    if (rc < 0)
        return tls_err(err, "TLS handshake (is the key the same on both "
                       "hosts?)", rc);
    return 0;
}

/* What the peer speaks, from its first byte: -1 with ERR if it does not
 * match what this end is configured for. */
static int server_check_peer(int fd, bool tls, struct xlt_err *err)
{
    unsigned char first;
    ssize_t n;

    do {
        n = recv(fd, &first, 1, MSG_PEEK);
    } while (n < 0 && errno == EINTR);
    if (n <= 0)
        return n == 0 ? xlt_err_set(err, "the peer closed the connection")
                      : xlt_err_errno(err, errno, "reading from the peer");
    if (tls && first != TLS_RECORD_START)
        return xlt_err_set(err, "the peer speaks plain, and this host takes "
                           "TLS only (migrate_plain is off here)");
    if (!tls && first == TLS_RECORD_START)
        return xlt_err_set(err, "the peer speaks TLS, and this host is set "
                           "to plain (migrate_plain = 1)");
    return 0;
}

static int chan_open(int fd, bool server, const char *psk,
                     const char *identity, struct xlt_chan **ch_r,
                     struct xlt_err *err)
{
    struct xlt_chan *ch = calloc(1, sizeof(*ch));

    *ch_r = NULL;
    if (!ch)
        return xlt_err_errno(err, ENOMEM, "channel");
    ch->fd = fd;
    if ((server && server_check_peer(fd, psk != NULL, err)) ||
        (psk && tls_start(ch, server, psk, identity, err))) {
        ch->fd = -1; /* the caller's */
        xlt_chan_close(ch);
        return -1;
    }
    *ch_r = ch;
    return 0;
}

int xlt_chan_client(int fd, const char *psk, const char *identity,
                    struct xlt_chan **ch_r, struct xlt_err *err)
{
    if (identity && strlen(identity) > PSK_IDENTITY_MAX)
        return xlt_err_set(err, "TLS identity `%s' is longer than %d "
                           "characters", identity, PSK_IDENTITY_MAX);
    return chan_open(fd, false, psk, identity, ch_r, err);
}

int xlt_chan_server(int fd, const char *psk, struct xlt_chan **ch_r,
                    struct xlt_err *err)
{
    return chan_open(fd, true, psk, NULL, ch_r, err);
}

void xlt_chan_describe(const struct xlt_chan *ch, char *buf, size_t size)
{
    char *desc;

    if (!ch->tls) {
        snprintf(buf, size, "plain");
        return;
    }
    desc = gnutls_session_get_desc(ch->tls);
    snprintf(buf, size, "%s%s%s", desc ? desc : "TLS",
             ch->identity[0] ? ", identity " : "", ch->identity);
    gnutls_free(desc);
}

const char *xlt_chan_kx(const struct xlt_chan *ch)
{
    const char *name = ch->tls ? gnutls_kx_get_name(gnutls_kx_get(ch->tls))
                               : NULL;

    return name ? name : "none";
}

bool xlt_chan_is_tls(const struct xlt_chan *ch)
{
    return ch->tls != NULL;
}

static ssize_t chan_send(struct xlt_chan *ch, const void *buf, size_t len)
{
    ssize_t n;

    if (!ch->tls) {
        do {
            n = send(ch->fd, buf, len, MSG_NOSIGNAL);
        } while (n < 0 && errno == EINTR);
        return n;
    }
    do {
        n = gnutls_record_send(ch->tls, buf, len);
    } while (n == GNUTLS_E_INTERRUPTED);
    if (n < 0)
        ch->tls_error = (int)n;
    return n;
}

static ssize_t chan_recv(struct xlt_chan *ch, void *buf, size_t len)
{
    ssize_t n;

    if (!ch->tls) {
        do {
            n = recv(ch->fd, buf, len, 0);
        } while (n < 0 && errno == EINTR);
        return n;
    }
    do {
        n = gnutls_record_recv(ch->tls, buf, len);
    } while (n == GNUTLS_E_INTERRUPTED);
    if (n == GNUTLS_E_PREMATURE_TERMINATION)
        n = 0;
    else if (n < 0)
        ch->tls_error = (int)n;
    return n < 0 ? -1 : n;
}

/* What went wrong on CH, while DOING ("sending to the peer"). */
static int io_error(struct xlt_chan *ch, const char *doing,
                    struct xlt_err *err)
{
    int e = errno;

    if (ch->tls_error == GNUTLS_E_AGAIN)
        return xlt_err_set(err, "%s: the peer is silent (timed out) or "
                           "gone", doing);
    if ((ch->tls_error == GNUTLS_E_PUSH_ERROR ||
         ch->tls_error == GNUTLS_E_PULL_ERROR) && e)
        return xlt_err_errno(err, e, "%s", doing);
    if (ch->tls_error)
        return xlt_err_set(err, "%s: %s", doing,
                           gnutls_strerror(ch->tls_error));
    return xlt_err_errno(err, errno, "%s", doing);
}

static int write_all(struct xlt_chan *ch, const void *buf, size_t len,
                     struct xlt_err *err)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = chan_send(ch, p, len);
        if (n <= 0)
            return io_error(ch, "sending to the peer", err);
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

void xlt_chan_frame_deadline(struct xlt_chan *ch, int ms)
{
    socklen_t len = sizeof(ch->idle_timeout);

    ch->frame_ms = ms;
    if (getsockopt(ch->fd, SOL_SOCKET, SO_RCVTIMEO, &ch->idle_timeout,
                   &len))
        ch->idle_timeout = (struct timeval){0, 0};
}

static long long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void set_recv_timeout(struct xlt_chan *ch, struct timeval tv)
{
    setsockopt(ch->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* LEN bytes; by DEADLINE (now_ms()'s clock) if it is not 0: each wait
 * gets what is left of it as the socket's receive timeout. */
static int read_all(struct xlt_chan *ch, void *buf, size_t len,
                    long long deadline, struct xlt_err *err)
{
    char *p = buf;

    while (len > 0) {
        long long left = deadline ? deadline - now_ms() : 1;
        ssize_t n = -1;
        if (left > 0) {
            if (deadline)
                set_recv_timeout(ch, (struct timeval){left / 1000,
                                                      left % 1000 * 1000});
            n = chan_recv(ch, p, len);
        }
        if (n == 0)
            return xlt_err_set(err, "the peer closed the connection");
        if (n < 0 && deadline && now_ms() >= deadline)
            return xlt_err_set(err, "reading from the peer: a frame took "
                               "more than %g s (the peer is too slow, or "
                               "trickles)", ch->frame_ms / 1000.0);
        if (n < 0)
            return io_error(ch, "reading from the peer", err);
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* LEN bytes of a frame whose first byte came at START (now_ms()'s
 * clock): by the channel's frame deadline, if it has one. */
static int read_frame_part(struct xlt_chan *ch, void *buf, size_t len,
                           long long start, struct xlt_err *err)
{
    int rc;

    if (ch->frame_ms <= 0)
        return read_all(ch, buf, len, 0, err);
    rc = read_all(ch, buf, len, start + ch->frame_ms, err);
    set_recv_timeout(ch, ch->idle_timeout); /* between frames */
    return rc;
}

int xlt_frame_send(struct xlt_chan *ch, char kind, const void *data,
                   size_t len, struct xlt_err *err)
{
    unsigned char head[5];
    uint32_t n = htonl((uint32_t)len);

    if (len > XLT_FRAME_MAX)
        return xlt_err_set(err, "frame of %zu bytes: too big", len);
    memcpy(head, &n, 4);
    head[4] = (unsigned char)kind;
    if (write_all(ch, head, sizeof(head), err))
        return -1;
    return len ? write_all(ch, data, len, err) : 0;
}

/* The next frame's head: its kind and payload length (at most MAX), and
 * when its first byte came in *START_R. */
static int frame_head(struct xlt_chan *ch, char *kind_r, uint32_t *len_r,
                      size_t max, long long *start_r, struct xlt_err *err)
{
    unsigned char head[5];
    uint32_t n;

    if (read_all(ch, head, 1, 0, err))
        return -1;
    *start_r = now_ms();
    if (read_frame_part(ch, head + 1, sizeof(head) - 1, *start_r, err))
        return -1;
    memcpy(&n, head, 4);
    n = ntohl(n);
    if (n > max)
        return xlt_err_set(err, "the peer sent a frame of %u bytes (at most "
                           "%zu expected)", n, max);
    *kind_r = (char)head[4];
    *len_r = n;
    return 0;
}

int xlt_frame_recv(struct xlt_chan *ch, char *kind_r, char **data_r,
                   size_t *len_r, size_t max, struct xlt_err *err)
{
    uint32_t n = 0;
    long long start;

    *data_r = NULL;
    if (frame_head(ch, kind_r, &n, max, &start, err))
        return -1;
    *data_r = malloc((size_t)n + 1);
    if (!*data_r)
        return xlt_err_errno(err, ENOMEM, "frame");
    if (read_frame_part(ch, *data_r, n, start, err)) {
        free(*data_r);
        *data_r = NULL;
        return -1;
    }
    (*data_r)[n] = '\0';
    *len_r = n;
    return 0;
}

int xlt_frame_recv_into(struct xlt_chan *ch, char *kind_r, void *buf,
                        size_t cap, size_t *len_r, struct xlt_err *err)
{
    uint32_t n = 0;
    long long start;

    if (frame_head(ch, kind_r, &n, cap, &start, err) ||
        read_frame_part(ch, buf, n, start, err))
        return -1;
    *len_r = n;
    return 0;
}

void xlt_chan_shutdown(struct xlt_chan *ch)
{
    if (ch && ch->fd >= 0)
        shutdown(ch->fd, SHUT_RDWR);
}

void xlt_chan_close(struct xlt_chan *ch)
{
    if (!ch)
        return;
    if (ch->tls) {
        gnutls_bye(ch->tls, GNUTLS_SHUT_WR);
        gnutls_deinit(ch->tls);
    }
    if (ch->client_cred)
        gnutls_psk_free_client_credentials(ch->client_cred);
    if (ch->server_cred)
        gnutls_psk_free_server_credentials(ch->server_cred);
    free(ch->psk);
    if (ch->fd >= 0)
        close(ch->fd);
    free(ch);
}
