/*
 * sched.c: per-domain weight and cap of the credit and credit2 schedulers
 * (xl's sched-credit and sched-credit2).
 */
#include <stdlib.h>

#include "xltd.h"

/* A cap is a percentage of one CPU; Xen takes up to 100 per vCPU. */
#define MAX_CAP (100LL * 4096)

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

/* Set "weight" and/or "cap" of ARGS on DOMID, whose pool must run SCHED;
 * -1 once CONN has been told why not. */
static int set_params(struct xltd *d, unsigned conn, uint32_t domid,
                      libxl_scheduler sched, yajl_val args)
{
    libxl_domain_sched_params p;
    long long weight = -1, cap = -1;
    int rc = -1;

    libxl_domain_sched_params_init(&p);
    if (libxl_domain_sched_params_get(d->ctx, domid, &p)) {
        control_reply_error(d, conn, "cannot read domain %u's scheduling",
                            domid);
        goto out;
    }
    if (p.sched != sched) {
        control_reply_error(d, conn, "domain %u's pool runs the %s "
                            "scheduler, not %s", domid,
                            libxl_scheduler_to_string(p.sched),
                            libxl_scheduler_to_string(sched));
        goto out;
    }
    xlt_json_get_int(args, "weight", &weight);
    xlt_json_get_int(args, "cap", &cap);
    if (weight != -1 && (weight < 1 || weight > 65535)) {
        control_reply_error(d, conn, "weight %lld is not in 1-65535", weight);
        goto out;
    }
    if (cap != -1 && (cap < 0 || cap > MAX_CAP)) {
        control_reply_error(d, conn, "cap %lld is not a percentage of one "
                            "CPU (0: no cap)", cap);
        goto out;
    }
    libxl_domain_sched_params_dispose(&p);
    libxl_domain_sched_params_init(&p);
    p.sched = sched;
    if (weight != -1)
        p.weight = (int)weight;
    if (cap != -1)
        p.cap = (int)cap;
    d->log.last_libxl_error[0] = '\0';
    rc = libxl_domain_sched_params_set(d->ctx, domid, &p);
    if (rc) {
        control_reply_error(d, conn, "setting domain %u's %s parameters "
                            "failed: %s", domid,
                            libxl_scheduler_to_string(sched),
                            domain_libxl_said(d, rc));
        goto out;
    }
    log_info(&d->log, "domain %u: %s weight %lld, cap %lld (-1: as it was)",
             domid, libxl_scheduler_to_string(sched), weight, cap);
out:
    libxl_domain_sched_params_dispose(&p);
    return rc ? -1 : 0;
}

/* {"scheduler": "credit"|"credit2", "domains": [REF...], "weight": W,
 *  "cap": C} -> {"domains": [{"name", "domid", "weight", "cap"}...]}:
 * sets W and C (when given) on the one domain named, then shows the named
 * domains (none named: all) whose pool runs that scheduler. */
void req_sched(struct xltd *d, unsigned conn, yajl_val args)
{
    const char *name = xlt_json_get_str(args, "scheduler");
    libxl_scheduler sched;
    uint32_t *ids = NULL;
    struct xlt_err err;
    size_t n = 0;

    if (!name || libxl_scheduler_from_string(name, &sched) ||
        (sched != LIBXL_SCHEDULER_CREDIT && sched != LIBXL_SCHEDULER_CREDIT2)) {
        control_reply_error(d, conn, "`%s' is not credit or credit2",
                            name ? name : "");
        goto out;
    }
    if (requests_domain_ids(d, xlt_json_get(args, "domains"), &ids, &n,
                            &err)) {
        control_reply_error(d, conn, "%s", err.msg);
        goto out;
    }
    if ((xlt_json_get(args, "weight") || xlt_json_get(args, "cap")) &&
        (n != 1 || set_params(d, conn, ids[0], sched, args))) {
        if (n != 1)
            control_reply_error(d, conn, "name one domain to set its "
                                "weight or cap");
        goto out;
    }
    requests_reply_domains(d, conn, args, gen_params, &sched);
out:
    free(ids);
}
