/*
 * apitls.c: the remote API's TLS, with X.509 certificates both ways.
 *
 * Both ends take their files from a PKI directory laid out as `xlt pki'
 * makes it (ca.pem, crl.pem; host.pem and private/host-key.pem for
 * xltd, client.pem and private/client-key.pem for xlt).  The server asks
 * for the client's certificate and checks it after the handshake, so
 * that a client it refuses is told why in a line of the protocol rather
 * than by a bare TLS alert; the client checks the server's against the
 * host name it was given.  Once both are content, xlt_tls_relay moves
 * bytes between the session and a local socket, so that the protocol's
 * code on either side reads and writes a plain fd.
 */
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xlt.h"

#define RELAY_BUF 16384
#define IO_TIMEOUT_S 60 /* a peer that takes no data this long is gone */

struct xlt_tls {
    gnutls_session_t session;
    gnutls_certificate_credentials_t cred;
    int fd;
};

static int tls_fail(struct xlt_err *err, const char *what, int rc)
{
    return xlt_err_set(err, "%s: %s", what, gnutls_strerror(rc));
}

/* DIR/NAME, or an error if it does not fit. */
static int pki_path(char *out, size_t size, const char *dir, const char *name,
                    struct xlt_err *err)
{
    if ((size_t)snprintf(out, size, "%s/%s", dir, name) >= size)
        return xlt_err_set(err, "%s: path too long", dir);
    return 0;
}

/* Is PATH there to read?  If not, ERR says so and what makes it. */
static int readable(const char *path, const char *maker, struct xlt_err *err)
{
    if (access(path, R_OK) == 0)
        return 0;
    return xlt_err_errno(err, errno, "%s%s%s", path, maker ? " (" : "",
                         maker ? maker : "");
}

/* The CA (and the CRL, if there is one) of DIR into CRED. */
static int load_trust(gnutls_certificate_credentials_t cred, const char *dir,
                      struct xlt_err *err)
{
    char ca[4096], crl[4096];
    int rc;

    if (pki_path(ca, sizeof(ca), dir, "ca.pem", err) ||
        pki_path(crl, sizeof(crl), dir, "crl.pem", err) ||
        readable(ca, "the CA's certificate: `xlt pki init' makes it)", err))
        return -1;
    rc = gnutls_certificate_set_x509_trust_file(cred, ca, GNUTLS_X509_FMT_PEM);
    if (rc < 0)
        return tls_fail(err, ca, rc);
    if (rc == 0)
        return xlt_err_set(err, "%s: no certificate in it", ca);
    if (access(crl, F_OK) == 0) {
        rc = gnutls_certificate_set_x509_crl_file(cred, crl,
                                                  GNUTLS_X509_FMT_PEM);
        if (rc < 0)
            return tls_fail(err, crl, rc);
    }
    return 0;
}

/* This end's certificate and key, DIR/WHO.pem and DIR/private/WHO-key.pem,
 * into CRED. */
static int load_own(gnutls_certificate_credentials_t cred, const char *dir,
                    const char *who, struct xlt_err *err)
{
    char cert[4096], key[4096], name[64];
    const char *maker = !strcmp(who, "host")
                            ? "this host's: `xlt pki issue host NAME' on the "
                              "CA's host makes it)"
                            : "yours: `xlt pki issue user NAME --role ROLE' "
                              "on the CA's host makes it)";
    int rc;

    snprintf(name, sizeof(name), "%s.pem", who);
    if (pki_path(cert, sizeof(cert), dir, name, err))
        return -1;
    snprintf(name, sizeof(name), "private/%s-key.pem", who);
    if (pki_path(key, sizeof(key), dir, name, err) ||
        readable(cert, maker, err) || readable(key, maker, err))
        return -1;
    rc = gnutls_certificate_set_x509_key_file(cred, cert, key,
                                              GNUTLS_X509_FMT_PEM);
    if (rc < 0)
        return xlt_err_set(err, "%s with %s: %s", cert, key,
                           gnutls_strerror(rc));
    return 0;
}

void xlt_tls_close(struct xlt_tls *t)
{
    if (!t)
        return;
    if (t->session)
        gnutls_deinit(t->session);
    if (t->cred)
        gnutls_certificate_free_credentials(t->cred);
    free(t);
}

/* A session on FD as SERVER or client, with DIR's files for WHO ("host"
 * or "client"), I/O timeouts of MS. */
static struct xlt_tls *tls_new(int fd, bool server, const char *dir,
                               const char *who, int ms, struct xlt_err *err)
{
    struct xlt_tls *t = calloc(1, sizeof(*t));
    struct timeval tv = {ms / 1000, (suseconds_t)(ms % 1000) * 1000};
    int rc;

    if (!t) {
        xlt_err_set(err, "out of memory");
        return NULL;
    }
    t->fd = fd;
    rc = gnutls_certificate_allocate_credentials(&t->cred);
    if (rc < 0) {
        tls_fail(err, "TLS credentials", rc);
        goto fail;
    }
    if (load_trust(t->cred, dir, err) || load_own(t->cred, dir, who, err))
        goto fail;
    rc = gnutls_init(&t->session, server ? GNUTLS_SERVER : GNUTLS_CLIENT);
    if (rc >= 0)
        rc = gnutls_set_default_priority(t->session);
    if (rc >= 0)
        rc = gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE,
                                    t->cred);
    if (rc < 0) {
        tls_fail(err, "TLS session", rc);
        goto fail;
    }
    if (server) { /* asked for, checked after the handshake */
        gnutls_certificate_server_set_request(t->session, GNUTLS_CERT_REQUEST);
        /* no list of CAs: a client sends its certificate whoever issued
         * it, and a stranger's is refused by name (and recorded) */
        gnutls_certificate_send_x509_rdn_sequence(t->session, 1);
    }
    gnutls_transport_set_int(t->session, fd);
    gnutls_handshake_set_timeout(t->session, (unsigned)ms);
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
        xlt_err_errno(err, errno, "socket options");
        goto fail;
    }
    return t;
fail:
    xlt_tls_close(t);
    return NULL;
}

/* The handshake; -1 with ERR (and GnuTLS's code in *RC_R) if it failed. */
static int handshake(struct xlt_tls *t, int *rc_r, struct xlt_err *err)
{
    struct timeval tv = {IO_TIMEOUT_S, 0};
    int rc;

    do
        rc = gnutls_handshake(t->session);
    while (rc < 0 && !gnutls_error_is_fatal(rc));
    *rc_r = rc;
    if (rc < 0)
        return tls_fail(err, "TLS handshake", rc);
    if (setsockopt(t->fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){0, 0},
                   sizeof(tv)) ||
        setsockopt(t->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
        return xlt_err_errno(err, errno, "socket options");
    return 0;
}

int xlt_tls_accept(int fd, const char *dir, int ms, struct xlt_tls **t_r,
                   struct xlt_err *err)
{
    struct xlt_tls *t = tls_new(fd, true, dir, "host", ms, err);
    int rc;

    *t_r = NULL;
    if (!t)
        return -1;
    if (handshake(t, &rc, err)) {
        xlt_tls_close(t);
        return -1;
    }
    *t_r = t;
    return 0;
}

/* Why the peer's certificate failed, from STATUS, in a few words. */
static const char *status_words(unsigned status)
{
    if (status & GNUTLS_CERT_REVOKED)
        return "it is revoked";
    if (status & GNUTLS_CERT_EXPIRED)
        return "it has expired";
    if (status & GNUTLS_CERT_NOT_ACTIVATED)
        return "it is not valid yet";
    if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA))
        return "it is not issued by this host's CA";
    if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
        return "it is not made for this use";
    if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
        return "it is another host's";
    return "it does not verify";
}

/* The subject of the peer's first certificate into DN ("" if none). */
static void peer_dn(struct xlt_tls *t, char *dn, size_t size)
{
    const gnutls_datum_t *list;
    unsigned n = 0;
    gnutls_x509_crt_t crt = NULL;
    gnutls_datum_t text = {NULL, 0};

    dn[0] = '\0';
    list = gnutls_certificate_get_peers(t->session, &n);
    if (!list || n == 0 || gnutls_x509_crt_init(&crt) < 0)
        return;
    if (gnutls_x509_crt_import(crt, &list[0], GNUTLS_X509_FMT_DER) >= 0 &&
        gnutls_x509_crt_get_dn3(crt, &text, 0) >= 0)
        snprintf(dn, size, "%.*s", (int)text.size, (char *)text.data);
    gnutls_free(text.data);
    gnutls_x509_crt_deinit(crt);
}

int xlt_tls_client_dn(struct xlt_tls *t, char *dn, size_t size,
                      struct xlt_err *err)
{
    gnutls_typed_vdata_st purpose = {.type = GNUTLS_DT_KEY_PURPOSE_OID,
                                     .data = (void *)GNUTLS_KP_TLS_WWW_CLIENT};
    unsigned status = 0;
    int rc;

    peer_dn(t, dn, size);
    if (!dn[0])
        return xlt_err_set(err, "the client sent no certificate");
    rc = gnutls_certificate_verify_peers(t->session, &purpose, 1, &status);
    if (rc < 0)
        return xlt_err_set(err, "certificate of %s: %s", dn,
                           gnutls_strerror(rc));
    if (status)
        return xlt_err_set(err, "certificate of %s refused: %s", dn,
                           status_words(status));
    return 0;
}

int xlt_tls_connect(int fd, const char *dir, const char *host, int ms,
                    struct xlt_tls **t_r, struct xlt_err *err)
{
    struct xlt_tls *t = tls_new(fd, false, dir, "client", ms, err);
    unsigned status;
    int rc;

    *t_r = NULL;
    if (!t)
        return -1;
    gnutls_server_name_set(t->session, GNUTLS_NAME_DNS, host, strlen(host));
    gnutls_session_set_verify_cert(t->session, host, 0);
    if (handshake(t, &rc, err)) {
        /* the status says something only once the certificate came and
         * was checked (a handshake cut short leaves it all ones) */
        status = gnutls_session_get_verify_cert_status(t->session);
        if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR && status)
            xlt_err_set(err, "%s: its certificate refused: %s", host,
                        status_words(status));
        xlt_tls_close(t);
        return -1;
    }
    *t_r = t;
    return 0;
}

int xlt_tls_send(struct xlt_tls *t, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = gnutls_record_send(t->session, buf, len);
        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
            continue;
        if (n < 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

void xlt_tls_bye(struct xlt_tls *t)
{
    gnutls_bye(t->session, GNUTLS_SHUT_WR);
}

/* What the session has for LOCAL; false once the peer ended it. */
static bool relay_in(struct xlt_tls *t, int local, char *buf)
{
    ssize_t n;

    do
        n = gnutls_record_recv(t->session, buf, RELAY_BUF);
    while (n == GNUTLS_E_INTERRUPTED);
    if (n == GNUTLS_E_AGAIN)
        return true;
    return n > 0 && xlt_write_all(local, buf, (size_t)n) == 0;
}

/* What LOCAL has for the session; false once it ended. */
static bool relay_out(struct xlt_tls *t, int local, char *buf)
{
    ssize_t n = read(local, buf, RELAY_BUF);

    if (n < 0 && errno == EINTR)
        return true;
    return n > 0 && xlt_tls_send(t, buf, (size_t)n) == 0;
}

void xlt_tls_relay(struct xlt_tls *t, int local, int stop)
{
    char *buf = malloc(RELAY_BUF);
    struct pollfd p[3] = {{.fd = t->fd, .events = POLLIN},
                          {.fd = local, .events = POLLIN},
                          {.fd = stop, .events = POLLIN}};
    bool open = buf != NULL;

    while (open) {
        if (gnutls_record_check_pending(t->session) == 0 &&
            poll(p, 3, -1) < 0) {
            open = errno == EINTR;
            continue;
        }
        if (p[2].revents)
            break;
        if (gnutls_record_check_pending(t->session) > 0 || p[0].revents)
            open = relay_in(t, local, buf);
        if (open && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
            open = relay_out(t, local, buf);
        p[0].revents = p[1].revents = 0;
    }
    free(buf);
}
