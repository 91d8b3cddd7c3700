/*
 * metrics.c: GET /metrics for Prometheus, off xltd's loop: libmicrohttpd
 * (one daemon per listening address, each with its own thread) parses
 * HTTP, bounds connections, times out slow clients and speaks TLS (with
 * the remote API's host certificate, metrics_tls); a bearer token
 * (metrics_token_file) when configured.  A scrape takes the sampler's
 * latest sample if it is younger than METRICS_MAX_AGE_MS, else waits for
 * a new one: concurrent scrapes share one libxenstat pass.
 */
#include <errno.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"

#define METRICS_MAX_AGE_MS 1000
#define METRICS_CONNECTIONS 32
#define METRICS_PER_IP 8
#define METRICS_TIMEOUT_S 10
#define METRICS_TOKEN_MAX 256
#define METRICS_TOKEN_MIN 16

struct metrics {
    struct xltd *d;
    struct MHD_Daemon *daemons[LISTEN_MAX];
    size_t n_daemons;
    char token[METRICS_TOKEN_MAX + 1]; /* "": none asked for */
    char *key_pem, *cert_pem;          /* metrics_tls's */
};

/* ---- a scrape (a daemon's thread) ---------------------------------------- */

/* A and B equal, in a time that does not tell where they differ. */
static bool same_secret(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char diff = la != lb;

    for (size_t i = 0; i < la; i++)
        diff |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
    return diff == 0;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
                             char *body, size_t len, const char *type)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    enum MHD_Result rc;

    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Bearer realm=\"xltd\"");
    rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status,
                                  const char *text)
{
    char *body = strdup(text);

    return body ? reply(c, status, body, strlen(body),
                        "text/plain; charset=utf-8")
                : MHD_NO;
}

/* Does C carry the token M asks for (if it asks for one)? */
static bool authorized(const struct metrics *m, struct MHD_Connection *c)
{
    const char *auth;

    if (!m->token[0])
        return true;
    auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                       MHD_HTTP_HEADER_AUTHORIZATION);
    return auth && !strncmp(auth, "Bearer ", 7) &&
           same_secret(auth + 7, m->token);
}

static enum MHD_Result scrape(struct metrics *m, struct MHD_Connection *c)
{
    struct opstats_copy ops;
    struct stats_sample *s;
    char error[256], *text;
    size_t len = 0;

    s = stats_wait(m->d->stats, METRICS_MAX_AGE_MS, error, sizeof(error));
    if (!s)
        return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, error);
    opstats_copy(m->d, &ops);
    text = promtext_render(stats_sample_get(s), &ops, &len);
    stats_sample_put(s);
    if (!text)
        return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                          "out of memory\n");
    return reply(c, MHD_HTTP_OK, text, len,
                 "text/plain; version=0.0.4; charset=utf-8");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version,
                                  const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct metrics *m = cls;

    (void)version;
    (void)upload_data;
    (void)con_cls;
    if (*upload_data_size)
        return MHD_NO; /* a body: not a scrape; the connection goes */
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
        strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
                          "only GET /metrics\n");
    if (!authorized(m, c))
        return reply_text(c, MHD_HTTP_UNAUTHORIZED,
                          "a bearer token is needed\n");
    if (strcmp(url, "/metrics") != 0)
        return reply_text(c, MHD_HTTP_NOT_FOUND, "only /metrics\n");
    return scrape(m, c);
}

/* ---- starting and stopping (the loop's) ---------------------------------- */

/* The token in PATH (its first line), which nobody but root may read. */
static int read_token(struct xltd *d, const char *path, char *token)
{
    struct xlt_err err;
    struct stat st;
    char *text = NULL;
    size_t len = 0, n;
    int rc = -1;

    if (stat(path, &st)) {
        log_err(&d->log, "/metrics: its token file %s", path);
        return -1;
    }
    if (st.st_mode & 077) {
        log_errx(&d->log, "/metrics: its token file %s may be read by "
                 "others (chmod 600 it)", path);
        return -1;
    }
    if (xlt_read_file(path, &text, &len, &err)) {
        log_errx(&d->log, "/metrics: %s", err.msg);
        return -1;
    }
    n = strcspn(text, "\r\n");
    if (n < METRICS_TOKEN_MIN || n > METRICS_TOKEN_MAX ||
        strcspn(text, " \t") < n)
        log_errx(&d->log, "/metrics: the token in %s must be one word of "
                 "%d to %d characters", path, METRICS_TOKEN_MIN,
                 METRICS_TOKEN_MAX);
    else {
        memcpy(token, text, n);
        token[n] = '\0';
        rc = 0;
    }
    free(text);
    return rc;
}

static int read_tls(struct xltd *d, struct metrics *m, const char *pki_dir)
{
    struct xlt_err err;
    char path[4096];
    size_t len;

    snprintf(path, sizeof(path), "%s/host.pem", pki_dir);
    if (xlt_read_file(path, &m->cert_pem, &len, &err))
        goto bad;
    snprintf(path, sizeof(path), "%s/private/host-key.pem", pki_dir);
    if (xlt_read_file(path, &m->key_pem, &len, &err))
        goto bad;
    return 0;
bad:
    log_errx(&d->log, "/metrics over TLS: %s (see `xlt pki')", err.msg);
    return -1;
}

static int serve_on(struct xltd *d, struct metrics *m, const char *addr,
                    const struct metrics_conf *conf)
{
    struct xlt_err err;
    int fd = xlt_tcp_listen(addr, conf->port, &err);
    struct MHD_Daemon *daemon;

    if (fd < 0) {
        log_errx(&d->log, "/metrics cannot listen: %s", err.msg);
        return -1;
    }
    daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
            (conf->tls ? MHD_USE_TLS : 0),
        0, NULL, NULL, on_request, m, MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_CONNECTIONS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)METRICS_PER_IP,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
        conf->tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, m->key_pem,
        MHD_OPTION_HTTPS_MEM_CERT, m->cert_pem, MHD_OPTION_END);
    if (!daemon) {
        close(fd);
        log_errx(&d->log, "/metrics: libmicrohttpd would not serve on %s "
                 "port %d", addr ? addr : "every address", conf->port);
        return -1;
    }
    m->daemons[m->n_daemons++] = daemon;
    log_info(&d->log, "/metrics on %s port %d (%s, %s)",
             addr ? addr : "every address", conf->port,
             conf->tls ? "HTTPS" : "HTTP",
             m->token[0] ? "a bearer token" : "no token");
    return 0;
}

int metrics_start(struct xltd *d, const struct metrics_conf *conf,
                  const char *pki_dir)
{
    struct metrics *m;
    struct xlt_err err;
    int rc = 0;

    if (conf->port == 0)
        return 0;
    m = calloc(1, sizeof(*m));
    if (!m || stats_start(d, &err)) {
        log_errx(&d->log, "/metrics: %s", m ? err.msg : "out of memory");
        free(m);
        return -1;
    }
    m->d = d;
    d->metrics = m;
    if ((conf->token_path && *conf->token_path &&
         read_token(d, conf->token_path, m->token)) ||
        (conf->tls && read_tls(d, m, pki_dir)))
        rc = -1;
    if (!rc && conf->n_listen == 0)
        rc = serve_on(d, m, NULL, conf);
    for (size_t i = 0; !rc && i < conf->n_listen; i++)
        rc = serve_on(d, m, conf->listen[i], conf);
    if (rc)
        metrics_stop(d); /* all of them, or none */
    return rc;
}

void metrics_stop(struct xltd *d)
{
    struct metrics *m = d->metrics;

    if (!m)
        return;
    for (size_t i = 0; i < m->n_daemons; i++)
        MHD_stop_daemon(m->daemons[i]); /* its listener closed with it */
    free(m->key_pem);
    free(m->cert_pem);
    explicit_bzero(m->token, sizeof(m->token));
    free(m);
    d->metrics = NULL;
}
