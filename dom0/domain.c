/*
 * domain.c: starting a domain, for a client's create or restore, for a
 * restart that an on_* action asks for, and again after a soft reset.
 * libxl builds (or restores, or rebuilds) it asynchronously; once built it
 * is unpaused (unless asked not to) and watched.
 */
#include <stdio.h>
#include <stdlib.h>

#include "xltd.h"

struct start {
    struct xltd *d;
    unsigned conn; /* 0: nobody to answer */
    uint32_t domid;
    bool paused;
    bool soft_reset;           /* DOMID is rebuilt in place */
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

static const char *start_verb(const struct start *s)
{
    return s->soft_reset ? "soft-resetting" : s->transfer ? "restoring"
                                                           : "creating";
}

static void start_done(libxl_ctx *ctx, int rc, void *arg)
{
    struct start *s = arg;
    struct xltd *d = s->d;
    const char *name = s->cfg.c_info.name;
    const char *verb = start_verb(s);

    if (!s->soft_reset)
        dedicated_started(d, &s->cfg);
    if (rc) {
        store_drop(d, &s->cfg.c_info.uuid);
        log_err(&d->log, "%s %s failed: %s", verb, name,
                domain_libxl_said(d, rc));
        control_reply_error(d, s->conn, "%s %s failed: %s", verb, name,
                            domain_libxl_said(d, rc));
        if (s->soft_reset) /* half rebuilt: nothing to keep */
            libxl_domain_destroy(ctx, s->domid, NULL);
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
             s->soft_reset ? "soft-reset, running on"
             : s->transfer ? "restored" : "started",
             s->paused ? ", paused" : "");
    /* libxl reports a domain's shutdown once per watch: a fresh one */
    if (s->soft_reset)
        supervise_rewatch(d, s->domid);
    else
        supervise_watch(d, s->domid);
    reply_started(s);
out:
    start_free(s);
}

/* Create (FD < 0), restore from FD, or with SOFT_RESET rebuild DOMID;
 * see domain_start. */
static int start(struct xltd *d, libxl_domain_config *cfg, bool paused,
                 unsigned conn, struct transfer *t, int fd, uint32_t domid,
                 bool soft_reset)
{
    struct start *s = calloc(1, sizeof(*s));
    libxl_domain_restore_params params;
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
    s->domid = domid;
    s->paused = paused;
    s->soft_reset = soft_reset;
    s->transfer = t;
    s->how.callback = start_done;
    s->how.u.for_callback = s;
    s->cfg = *cfg; /* take it over */
    libxl_domain_config_init(cfg);
    d->log.last_libxl_error[0] = '\0';
    if (soft_reset) {
        rc = libxl_domain_soft_reset(d->ctx, &s->cfg, domid, &s->how, NULL);
    } else if (t) {
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
        if (soft_reset)
            libxl_domain_destroy(d->ctx, domid, NULL);
        else
            dedicated_started(d, &s->cfg);
        log_err(&d->log, "%s %s failed: %s", start_verb(s),
                s->cfg.c_info.name, domain_libxl_said(d, rc));
        control_reply_error(d, conn, "%s %s failed: %s", start_verb(s),
                            s->cfg.c_info.name, domain_libxl_said(d, rc));
        start_free(s);
        return -1;
    }
    return 0;
}

int domain_start(struct xltd *d, libxl_domain_config *cfg, bool paused,
                 unsigned conn)
{
    return start(d, cfg, paused, conn, NULL, -1, INVALID_DOMID, false);
}

int domain_restore(struct xltd *d, libxl_domain_config *cfg,
                   struct transfer *t, int fd, bool paused, unsigned conn)
{
    return start(d, cfg, paused, conn, t, fd, INVALID_DOMID, false);
}

int domain_soft_reset(struct xltd *d, uint32_t domid,
                      libxl_domain_config *cfg)
{
    return start(d, cfg, false, 0, NULL, -1, domid, true);
}
