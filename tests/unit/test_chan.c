/* chan.c: frames over plain and TLS-PSK channels, on socketpairs. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "unit.h"

#define KEY "00112233445566778899aabbccddeeff"
#define OTHER_KEY "ffeeddccbbaa99887766554433221100"

struct client {
    int fd;
    const char *psk;
    int rc;
    struct xlt_err err;
    char session[256], kx[32]; /* what the server saw */
};

/* The client end: connect, send a JSON frame and a data frame, close. */
static void *client_main(void *arg)
{
    struct client *c = arg;
    struct xlt_chan *ch = NULL;
    static const char data[3000] = {1, 2, 3};

    c->rc = xlt_chan_client(c->fd, c->psk, "lab-a", &ch, &c->err);
    if (c->rc) {
        close(c->fd);
        return NULL;
    }
    c->rc = xlt_frame_send(ch, XLT_FRAME_JSON, "{\"a\":1}", 7, &c->err) ||
            xlt_frame_send(ch, XLT_FRAME_DATA, data, sizeof(data), &c->err);
    xlt_chan_close(ch);
    return NULL;
}

/* Serve one client with SERVER_PSK; the frames it got, or -1 and ERR. */
static int serve(const char *server_psk, const char *client_psk,
                 struct xlt_err *err, struct client *c)
{
    struct xlt_chan *ch = NULL;
    pthread_t t;
    int sv[2], rc;
    char kind, *data = NULL;
    size_t len = 0;

    ck_assert(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    c->fd = sv[0];
    c->psk = client_psk;
    ck_assert(!pthread_create(&t, NULL, client_main, c));
    rc = xlt_chan_server(sv[1], server_psk, &ch, err);
    if (rc) {
        close(sv[1]);
        pthread_join(t, NULL);
        return -1;
    }
    ck_assert_int_eq(xlt_chan_is_tls(ch), server_psk != NULL);
    xlt_chan_describe(ch, c->session, sizeof(c->session));
    snprintf(c->kx, sizeof(c->kx), "%s", xlt_chan_kx(ch));
    rc = xlt_frame_recv(ch, &kind, &data, &len, 100, err);
    if (!rc) {
        ck_assert_int_eq(kind, XLT_FRAME_JSON);
        ck_assert_str_eq(data, "{\"a\":1}");
        free(data);
        rc = xlt_frame_recv(ch, &kind, &data, &len, 100, err);
    }
    free(data);
    /* the client's frames fit in the socket's buffer: it is done once
     * they are sent, and closing first would fail its sends at random */
    pthread_join(t, NULL);
    xlt_chan_close(ch);
    return rc;
}

START_TEST(chan_plain_frames)
{
    struct client c = {0};
    struct xlt_err err;

    /* the data frame (3000 bytes) exceeds what the server takes (100) */
    ck_assert_int_eq(serve(NULL, NULL, &err, &c), -1);
    ck_assert_str_eq(err.msg, "the peer sent a frame of 3000 bytes (at "
                              "most 100 expected)");
}
END_TEST

START_TEST(chan_tls_psk)
{
    struct client c = {0};
    struct xlt_err err;

    ck_assert_int_eq(serve(KEY, KEY, &err, &c), -1);
    ck_assert_str_eq(err.msg, "the peer sent a frame of 3000 bytes (at "
                              "most 100 expected)");
    ck_assert_int_eq(c.rc, 0);
    /* forward secrecy: PSK with an ECDH exchange, never plain PSK */
    ck_assert_str_eq(c.kx, "ECDHE-PSK");
    ck_assert_msg(strstr(c.session, "(TLS1.3)") &&
                  strstr(c.session, ", identity lab-a"), "%s", c.session);
}
END_TEST

START_TEST(chan_tls_wrong_key)
{
    struct client c = {0};
    struct xlt_err err;

    ck_assert_int_eq(serve(KEY, OTHER_KEY, &err, &c), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "TLS handshake"));
    ck_assert_int_ne(c.rc, 0);
}
END_TEST

START_TEST(chan_mismatch)
{
    struct client c = {0};
    struct xlt_err err;

    ck_assert_int_eq(serve(KEY, NULL, &err, &c), -1);
    ck_assert_str_eq(err.msg, "the peer speaks plain, and this host takes "
                              "TLS only (migrate_plain is off here)");
    ck_assert_int_eq(serve(NULL, KEY, &err, &c), -1);
    ck_assert_str_eq(err.msg, "the peer speaks TLS, and this host is set "
                              "to plain (migrate_plain = 1)");
}
END_TEST

/* A client of plain PSK key exchange alone (no forward secrecy), made
 * with GnuTLS directly: its handshake's result. */
static void *plain_psk_client(void *arg)
{
    struct client *c = arg;
    gnutls_psk_client_credentials_t cred;
    gnutls_datum_t key = {(unsigned char *)KEY, sizeof(KEY) - 1};
    gnutls_session_t tls;

    ck_assert(gnutls_psk_allocate_client_credentials(&cred) >= 0);
    ck_assert(gnutls_psk_set_client_credentials(cred, "old", &key,
                                                GNUTLS_PSK_KEY_HEX) >= 0);
    ck_assert(gnutls_init(&tls, GNUTLS_CLIENT | GNUTLS_NO_SIGNAL) >= 0);
    ck_assert(gnutls_credentials_set(tls, GNUTLS_CRD_PSK, cred) >= 0);
    ck_assert(gnutls_priority_set_direct(tls, "NORMAL:-VERS-ALL:"
                                         "+VERS-TLS1.3:+VERS-TLS1.2:"
                                         "-KX-ALL:+PSK", NULL) >= 0);
    gnutls_transport_set_int(tls, c->fd);
    do {
        c->rc = gnutls_handshake(tls);
    } while (c->rc < 0 && !gnutls_error_is_fatal(c->rc));
    gnutls_deinit(tls);
    gnutls_psk_free_client_credentials(cred);
    close(c->fd);
    return NULL;
}

START_TEST(chan_tls_refuses_psk_without_dh)
{
    struct client c = {0};
    struct xlt_chan *ch = NULL;
    struct xlt_err err;
    pthread_t t;
    int sv[2];

    ck_assert(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    c.fd = sv[0];
    ck_assert(!pthread_create(&t, NULL, plain_psk_client, &c));
    ck_assert_int_eq(xlt_chan_server(sv[1], KEY, &ch, &err), -1);
    close(sv[1]);
    pthread_join(t, NULL);
    ck_assert_ptr_nonnull(strstr(err.msg, "TLS handshake"));
    ck_assert_int_lt(c.rc, 0);
}
END_TEST

START_TEST(psk_keys)
{
    struct xlt_err err;

    ck_assert(!xlt_psk_check(KEY, &err));
    ck_assert(xlt_psk_check("0011", &err));
    ck_assert(xlt_psk_check(KEY "0", &err));
    ck_assert(xlt_psk_check("00112233445566778899aabbccddeefg", &err));
    ck_assert_str_eq(err.msg, "the key has a character that is not a hex "
                              "digit at offset 31");
}
END_TEST

/* A peer that sends a frame's head at once, then one byte of its
 * payload every STEP_MS until N bytes are out (or the pipe breaks). */
struct trickler {
    int fd, n, step_ms;
};

static void *trickle_main(void *arg)
{
    struct trickler *t = arg;
    unsigned char head[5] = {0, 0, 0, (unsigned char)t->n, XLT_FRAME_DATA};

    if (write(t->fd, head, sizeof(head)) == (ssize_t)sizeof(head))
        for (int i = 0; i < t->n; i++) {
            usleep((useconds_t)t->step_ms * 1000);
            if (send(t->fd, "x", 1, MSG_NOSIGNAL) != 1)
                break;
        }
    return NULL;
}

/* Receive one frame from a trickler with a frame deadline of DEADLINE_MS;
 * the socket's own timeout is 5 s before and must be after. */
static int trickled(int n, int step_ms, int deadline_ms, struct xlt_err *err)
{
    struct trickler t = {.n = n, .step_ms = step_ms};
    struct timeval tv = {5, 0}, after = {0, 0};
    socklen_t len = sizeof(after);
    struct xlt_chan *ch = NULL;
    char kind, buf[256];
    size_t got;
    pthread_t th;
    int sv[2], rc;

    ck_assert(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    t.fd = sv[0];
    ck_assert(!setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    ck_assert(!pthread_create(&th, NULL, trickle_main, &t));
    ck_assert_int_eq(xlt_chan_server(sv[1], NULL, &ch, err), 0);
    xlt_chan_frame_deadline(ch, deadline_ms);
    rc = xlt_frame_recv_into(ch, &kind, buf, sizeof(buf), &got, err);
    ck_assert(!getsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &after, &len));
    ck_assert_int_eq(after.tv_sec, 5);
    xlt_chan_close(ch);
    close(sv[0]);
    pthread_join(th, NULL);
    return rc;
}

/* A frame must come whole within the deadline, however slowly its bytes
 * trickle in; one that does is fine. */
START_TEST(frame_deadline)
{
    struct xlt_err err;

    ck_assert_int_eq(trickled(40, 50, 300, &err), -1);
    ck_assert_str_eq(err.msg, "reading from the peer: a frame took more "
                     "than 0.3 s (the peer is too slow, or trickles)");
    ck_assert_int_eq(trickled(5, 20, 3000, &err), 0);
}
END_TEST

Suite *chan_suite(void)
{
    Suite *s = suite_create("chan");
    TCase *tc = tcase_create("chan");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, chan_plain_frames);
    tcase_add_test(tc, chan_tls_psk);
    tcase_add_test(tc, chan_tls_wrong_key);
    tcase_add_test(tc, chan_tls_refuses_psk_without_dh);
    tcase_add_test(tc, chan_mismatch);
    tcase_add_test(tc, psk_keys);
    tcase_add_test(tc, frame_deadline);
    suite_add_tcase(s, tc);
    return s;
}
