/*
 * domain.c: starting a domain, for a client's create and for a restart
 * that an on_* action asks for.  libxl builds it asynchronously; once
 * built it is unpaused (unless asked not to) and watched.
 */
#include <stdio.h>
#include <stdlib.h>

#include "xltd.h"

struct start {
    struct xltd *d;
    unsigned conn; /* 0: nobody to answer */
    uint32_t domid;
    bool paused;
    libxl_asyncop_how how;
    libxl_domain_config cfg;
};

static void start_free(struct start *s)
{
    libxl_domain_config_dispose(&s->cfg);
    free(s);
}

const char *domain_libxl_said(struct xltd *d, int rc)
{
    char *said = d->log.last_libxl_error;

    if (!said[0])
        snprintf(said, sizeof(d->log.last_libxl_error), "libxl error %d", rc);
    return said;
}

static void start_done(libxl_ctx *ctx, int rc, void *arg)
{
    struct start *s = arg;
    struct xltd *d = s->d;
    const char *name = s->cfg.c_info.name;
    char result[64];

    dedicated_started(d, &s->cfg);
    if (rc) {
        store_drop(d, &s->cfg.c_info.uuid);
        log_err(&d->log, "creating %s failed: %s", name,
                domain_libxl_said(d, rc));
        control_reply_error(d, s->conn, "creating %s failed: %s", name,
                            domain_libxl_said(d, rc));
        goto out;
    }
    if (!s->paused && libxl_domain_unpause(ctx, s->domid, NULL)) {
        log_err(&d->log, "%s (%u): unpause failed; destroying it", name,
                s->domid);
        control_reply_error(d, s->conn, "%s: unpause failed: %s", name,
                            domain_libxl_said(d, ERROR_FAIL));
        libxl_domain_destroy(ctx, s->domid, NULL);
        goto out;
    }
    log_info(&d->log, "%s (%u): started%s", name, s->domid,
             s->paused ? ", paused" : "");
    supervise_watch(d, s->domid);
    snprintf(result, sizeof(result), "{\"domid\":%u}", s->domid);
    control_reply_result(d, s->conn, result);
out:
    start_free(s);
}

int domain_start(struct xltd *d, libxl_domain_config *cfg, bool paused,
                 unsigned conn)
{
    struct start *s = calloc(1, sizeof(*s));
    int rc;

    if (!s) {
        control_reply_error(d, conn, "out of memory");
        libxl_domain_config_dispose(cfg);
        libxl_domain_config_init(cfg);
        return -1;
    }
    s->d = d;
    s->conn = conn;
    s->domid = INVALID_DOMID;
    s->paused = paused;
    s->how.callback = start_done;
    s->how.u.for_callback = s;
    s->cfg = *cfg; /* take it over */
    libxl_domain_config_init(cfg);
    d->log.last_libxl_error[0] = '\0';
    rc = libxl_domain_create_new(d->ctx, &s->cfg, &s->domid, &s->how, NULL);
    if (rc) {
        store_drop(d, &s->cfg.c_info.uuid);
        dedicated_started(d, &s->cfg);
        log_err(&d->log, "creating %s failed: %s", s->cfg.c_info.name,
                domain_libxl_said(d, rc));
        control_reply_error(d, conn, "creating %s failed: %s",
                            s->cfg.c_info.name, domain_libxl_said(d, rc));
        start_free(s);
        return -1;
    }
    return 0;
}
