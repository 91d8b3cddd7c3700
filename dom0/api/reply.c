/*
 * reply.c: what a handler returns: done with a result, failed with an
 * error, or started (a job); and the answer about domains that list-type
 * requests share.  request.c turns these into the answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

int req_done(struct request *r, const char *result)
{
    if (!result)
        return REQ_DONE;
    free(r->result);
    r->result = strdup(result);
    return r->result ? REQ_DONE : req_fail(r, "out of memory");
}

int req_done_gen(struct request *r, yajl_gen g)
{
    char *text = g ? xlt_json_gen_take(g) : NULL;

    if (g)
        yajl_gen_free(g);
    if (!text)
        return req_fail(r, "out of memory");
    free(r->result);
    r->result = text;
    return REQ_DONE;
}

int req_done_str(struct request *r, const char *key, const char *value)
{
    yajl_gen g = xlt_json_gen_new();

    if (g) {
        yajl_gen_map_open(g);
        xlt_json_kv_str(g, key, value);
        yajl_gen_map_close(g);
    }
    return req_done_gen(r, g);
}

int req_fail(struct request *r, const char *fmt, ...)
{
    char text[sizeof(r->error.msg)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    memcpy(r->error.msg, text, sizeof(text));
    return REQ_FAILED;
}

int req_fail_err(struct request *r, const struct xlt_err *err)
{
    if (err != &r->error)
        r->error = *err;
    return REQ_FAILED;
}

int req_started(struct request *r, int rc, const struct xlt_err *err)
{
    return rc ? req_fail_err(r, err) : REQ_STARTED;
}

/* ---- answers about domains ------------------------------------------- */

/* Is DOMID among IDS (all, if there are none)? */
static bool wanted(uint32_t domid, const uint32_t *ids, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (ids[k] == domid)
            return true;
    return n == 0;
}

static yajl_gen gen_domains(struct xltd *d, const libxl_dominfo *info, int n,
                            const uint32_t *ids, size_t nids,
                            req_gen_domain *gen, void *arg,
                            req_gen_more *more)
{
    yajl_gen g = xlt_json_gen_new();

    if (!g)
        return NULL;
    yajl_gen_map_open(g);
    xlt_json_str(g, "domains");
    yajl_gen_array_open(g);
    for (int k = 0; k < n; k++)
        if (wanted(info[k].domid, ids, nids))
            gen(d, g, &info[k], arg);
    if (more)
        more(d, g, info, n, arg);
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    return g;
}

int req_domains(struct xltd *d, struct request *r, yajl_val args,
                req_gen_domain *gen, void *arg)
{
    return req_domains_and(d, r, args, gen, arg, NULL);
}

int req_domains_and(struct xltd *d, struct request *r, yajl_val args,
                    req_gen_domain *gen, void *arg, req_gen_more *more)
{
    libxl_dominfo *info = NULL;
    struct xlt_err err;
    uint32_t *ids = NULL;
    size_t nids = 0;
    int n = 0, rc;

    if (args_domain_ids(d, xlt_json_get(args, "domains"), &ids, &nids,
                        &err)) {
        rc = req_fail_err(r, &err);
        goto out;
    }
    info = libxl_list_domain(d->ctx, &n);
    if (!info) {
        xlerr_set(d, 0, &err, "listing domains");
        rc = req_fail_err(r, &err);
        goto out;
    }
    rc = req_done_gen(r, gen_domains(d, info, n, ids, nids, gen, arg,
                                     more));
out:
    if (info)
        libxl_dominfo_list_free(info, n);
    free(ids);
    return rc;
}
