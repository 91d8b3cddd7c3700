/*
 * retrieve.c: a running domain's configuration as libxl has it now
 * (hotplugged devices, memory, online vCPUs), read off the loop.  For an
 * HVM guest libxl asks its device model over QMP, and a device model that
 * does not answer keeps libxl waiting 10 s: asked synchronously, that
 * would be 10 s in which xltd answers nobody.  Said so when it fails
 * because the device model is stopped.
 */
#include <stdlib.h>

#include "core.h"

struct retrieval {
    struct xltd *d;
    uint32_t domid;
    libxl_domain_config cfg;
    struct inflight op;
    retrieve_callback *callback;
    void *arg;
};

static void retrieved(libxl_ctx *ctx, int rc, void *arg)
{
    struct retrieval *r = arg;

    (void)ctx;
    r->callback(r->d, rc ? NULL : &r->cfg, rc, r->arg);
    libxl_domain_config_dispose(&r->cfg);
    free(r);
}

int retrieve_config(struct xltd *d, uint32_t domid,
                    retrieve_callback *callback, void *arg,
                    struct xlt_err *err)
{
    struct retrieval *r = calloc(1, sizeof(*r));
    int rc;

    if (!r)
        return xlt_err_set(err, "out of memory");
    r->d = d;
    r->domid = domid;
    r->callback = callback;
    r->arg = arg;
    libxl_domain_config_init(&r->cfg);
    rc = libxl_retrieve_domain_configuration(
        d->ctx, domid, &r->cfg,
        inflight_begin(d, &r->op, "reading a domain's configuration",
                       retrieved, r));
    if (rc) {
        inflight_end(d, &r->op);
        retrieve_error(d, domid, rc, err);
        libxl_domain_config_dispose(&r->cfg);
        free(r);
        return -1;
    }
    return 0;
}

int retrieve_error(struct xltd *d, uint32_t domid, int rc,
                   struct xlt_err *err)
{
    char doing[64];

    snprintf(doing, sizeof(doing), "cannot read domain %u's configuration",
             domid);
    if (devmodel_refuse_stopped(d, domid, doing, "", err)) {
        xlerr_reset(d);
        return -1;
    }
    return xlerr_set(d, rc, err, "%s", doing);
}
