/*
 * domain.c: starting a domain, for a client's create or restore and for a
 * restart that an on_* action asks for.  libxl builds (or restores) it
 * asynchronously; once built it is unpaused (unless asked not to) and
 * watched.
 */
#include <stdio.h>
#include <stdlib.h>

#include "xltd.h"

struct start {
    struct xltd *d;
    unsigned conn; /* 0: nobody to answer */
    uint32_t domid;
    bool paused;
    struct transfer *transfer; /* a restore's stream; NULL for a create */
    libxl_asyncop_how how;
    libxl_domain_config cfg;
};

static void start_free(struct start *s)
{
    if (s->transfer)
        transfer_end(s->d, s->transfer);
    libxl_domain_config_dispose(&s->cfg);
    free(s);
}

/* {"domid":N,"name":NAME} and, for a restore, the bytes and seconds. */
static void reply_started(struct start *s)
{
    yajl_gen g = xlt_json_gen_new();

    if (g) {
        yajl_gen_map_open(g);
        xlt_json_kv_int(g, "domid", s->domid);
        xlt_json_kv_str(g, "name", s->cfg.c_info.name);
        if (s->transfer)
            transfer_gen_summary(s->transfer, g);
        yajl_gen_map_close(g);
    }
    requests_reply_gen(s->d, s->conn, g);
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
    const char *verb = s->transfer ? "restoring" : "creating";

    dedicated_started(d, &s->cfg);
    if (rc) {
        store_drop(d, &s->cfg.c_info.uuid);
        log_err(&d->log, "%s %s failed: %s", verb, name,
                domain_libxl_said(d, rc));
        control_reply_error(d, s->conn, "%s %s failed: %s", verb, name,
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
    log_info(&d->log, "%s (%u): %s%s", name, s->domid,
             s->transfer ? "restored" : "started",
             s->paused ? ", paused" : "");
    supervise_watch(d, s->domid);
    reply_started(s);
out:
    start_free(s);
}

/* Create (FD < 0) or restore from FD; see domain_start. */
static int start(struct xltd *d, libxl_domain_config *cfg, bool paused,
                 unsigned conn, struct transfer *t, int fd)
{
    struct start *s = calloc(1, sizeof(*s));
    libxl_domain_restore_params params;
    const char *verb = t ? "restoring" : "creating";
    int rc;

    if (!s) {
        control_reply_error(d, conn, "out of memory");
        libxl_domain_config_dispose(cfg);
        libxl_domain_config_init(cfg);
        if (t)
            transfer_end(d, t);
        return -1;
    }
    s->d = d;
    s->conn = conn;
    s->domid = INVALID_DOMID;
    s->paused = paused;
    s->transfer = t;
    s->how.callback = start_done;
    s->how.u.for_callback = s;
    s->cfg = *cfg; /* take it over */
    libxl_domain_config_init(cfg);
    d->log.last_libxl_error[0] = '\0';
    if (t) {
        libxl_domain_restore_params_init(&params);
        params.stream_version = 2;
        rc = libxl_domain_create_restore(d->ctx, &s->cfg, &s->domid, fd, -1,
                                         &params, &s->how, NULL);
        libxl_domain_restore_params_dispose(&params);
    } else {
        rc = libxl_domain_create_new(d->ctx, &s->cfg, &s->domid, &s->how,
                                     NULL);
    }
    if (rc) {
        store_drop(d, &s->cfg.c_info.uuid);
        dedicated_started(d, &s->cfg);
        log_err(&d->log, "%s %s failed: %s", verb, s->cfg.c_info.name,
                domain_libxl_said(d, rc));
        control_reply_error(d, conn, "%s %s failed: %s", verb,
                            s->cfg.c_info.name, domain_libxl_said(d, rc));
        start_free(s);
        return -1;
    }
    return 0;
}

int domain_start(struct xltd *d, libxl_domain_config *cfg, bool paused,
                 unsigned conn)
{
    return start(d, cfg, paused, conn, NULL, -1);
}

int domain_restore(struct xltd *d, libxl_domain_config *cfg,
                   struct transfer *t, int fd, bool paused, unsigned conn)
{
    return start(d, cfg, paused, conn, t, fd);
}
