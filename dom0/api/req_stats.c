/*
 * req_stats.c: stats, one sample of the host's and its domains' counters
 * (core/stats.c's sampler, off the loop), for xlt stats and xlt top:
 * the domains named, or all; no older than "max_age_ms" (default 500).
 */
#include <stdlib.h>

#include "api.h"

#define STATS_DEFAULT_AGE_MS 500
#define STATS_MAX_AGE_MS 60000

struct stats_req {
    struct job *job;
    uint32_t *ids;
    size_t n_ids;
};

static void stats_answer(struct xltd *d, const struct xlt_stats *s,
                         const char *error, void *arg)
{
    struct stats_req *q = arg;
    yajl_gen g;

    (void)d;
    if (!s) {
        job_fail(q->job, "statistics: %s", error);
    } else {
        g = xlt_json_gen_new();
        if (g)
            xlt_stats_gen(g, s, q->ids, q->n_ids);
        job_done_gen(q->job, g);
    }
    free(q->ids);
    free(q);
}

/* ARGS' "max_age_ms" into *MS (the default when absent). */
static int max_age(yajl_val args, int *ms, struct xlt_err *err)
{
    yajl_val v = xlt_json_get(args, "max_age_ms");

    *ms = STATS_DEFAULT_AGE_MS;
    if (!v)
        return 0;
    if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0 ||
        YAJL_GET_INTEGER(v) > STATS_MAX_AGE_MS)
        return xlt_err_set(err, "max_age_ms: expected 0 to %d",
                           STATS_MAX_AGE_MS);
    *ms = (int)YAJL_GET_INTEGER(v);
    return 0;
}

int req_stats(struct xltd *d, struct request *r, yajl_val args)
{
    struct stats_req *q = calloc(1, sizeof(*q));
    struct xlt_err err;
    int ms;

    if (!q)
        return req_fail(r, "out of memory");
    q->job = &r->job;
    if (max_age(args, &ms, &err) ||
        args_domain_ids(d, xlt_json_get(args, "domains"), &q->ids,
                        &q->n_ids, &err) ||
        stats_request(d, ms, stats_answer, q, &err)) {
        free(q->ids);
        free(q);
        return req_fail_err(r, &err);
    }
    return REQ_STARTED;
}
