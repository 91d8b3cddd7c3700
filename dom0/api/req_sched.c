/* req_sched.c: the credit and credit2 schedulers' weight and cap. */
#include <stdlib.h>

#include "api.h"

/* {"name", "domid", "weight", "cap"} of a domain whose pool runs the
 * scheduler *ARG (a libxl_scheduler). */
static void gen_params(struct xltd *d, yajl_gen g, const libxl_dominfo *info,
                       void *arg)
{
    libxl_scheduler sched = *(const libxl_scheduler *)arg;
    uint32_t domid = info->domid;
    libxl_domain_sched_params p;
    char *name;

    libxl_domain_sched_params_init(&p);
    if (libxl_domain_sched_params_get(d->ctx, domid, &p) || p.sched != sched)
        goto out;
    name = libxl_domid_to_name(d->ctx, domid);
    yajl_gen_map_open(g);
    xlt_json_kv_str(g, "name", name ? name : "");
    xlt_json_kv_uint(g, "domid", domid);
    xlt_json_kv_int(g, "weight", p.weight);
    xlt_json_kv_int(g, "cap", p.cap);
    yajl_gen_map_close(g);
    free(name);
out:
    libxl_domain_sched_params_dispose(&p);
}

/* {"scheduler": "credit"|"credit2", "domains": [REF...], "weight": W,
 *  "cap": C} -> {"domains": [{"name", "domid", "weight", "cap"}...]}:
 * sets W and C (when given) on the one domain named, then shows the named
 * domains (none named: all) whose pool runs that scheduler. */
int req_sched(struct xltd *d, struct request *r, yajl_val args)
{
    const char *name = xlt_json_get_str(args, "scheduler");
    long long weight = -1, cap = -1;
    libxl_scheduler sched;
    uint32_t *ids = NULL;
    struct xlt_err err;
    size_t n = 0;
    int rc;

    if (!name || libxl_scheduler_from_string(name, &sched) ||
        (sched != LIBXL_SCHEDULER_CREDIT && sched != LIBXL_SCHEDULER_CREDIT2))
        return req_fail(r, "`%s' is not credit or credit2", name ? name : "");
    if (args_domain_ids(d, xlt_json_get(args, "domains"), &ids, &n, &err))
        return req_fail_err(r, &err);
    if (xlt_json_get(args, "weight") || xlt_json_get(args, "cap")) {
        xlt_json_get_int(args, "weight", &weight);
        xlt_json_get_int(args, "cap", &cap);
        if (n != 1) {
            rc = req_fail(r, "name one domain to set its weight or cap");
            goto out;
        }
        if (sched_set(d, ids[0], sched, weight, cap, &err)) {
            rc = req_fail_err(r, &err);
            goto out;
        }
    }
    rc = req_domains(d, r, args, gen_params, &sched);
out:
    free(ids);
    return rc;
}
