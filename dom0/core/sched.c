/*
 * sched.c: per-domain weight and cap of the credit and credit2 schedulers
 * (xl's sched-credit and sched-credit2).
 */
#include "core.h"

/* A cap is a percentage of one CPU; Xen takes up to 100 per vCPU. */
#define MAX_CAP (100LL * 4096)

int sched_set(struct xltd *d, uint32_t domid, libxl_scheduler sched,
              long long weight, long long cap, struct xlt_err *err)
{
    libxl_domain_sched_params p;
    int rc = -1;

    libxl_domain_sched_params_init(&p);
    if (libxl_domain_sched_params_get(d->ctx, domid, &p)) {
        xlt_err_set(err, "cannot read domain %u's scheduling", domid);
        goto out;
    }
    if (p.sched != sched) {
        xlt_err_set(err, "domain %u's pool runs the %s scheduler, not %s",
                    domid, libxl_scheduler_to_string(p.sched),
                    libxl_scheduler_to_string(sched));
        goto out;
    }
    if (weight != -1 && (weight < 1 || weight > 65535)) {
        xlt_err_set(err, "weight %lld is not in 1-65535", weight);
        goto out;
    }
    if (cap != -1 && (cap < 0 || cap > MAX_CAP)) {
        xlt_err_set(err, "cap %lld is not a percentage of one CPU (0: no "
                    "cap)", cap);
        goto out;
    }
    libxl_domain_sched_params_dispose(&p);
    libxl_domain_sched_params_init(&p);
    p.sched = sched;
    if (weight != -1)
        p.weight = (int)weight;
    if (cap != -1)
        p.cap = (int)cap;
    rc = libxl_domain_sched_params_set(d->ctx, domid, &p);
    if (rc) {
        rc = xlerr_set(d, rc, err, "setting domain %u's %s parameters "
                          "failed", domid, libxl_scheduler_to_string(sched));
        goto out;
    }
    log_info(&d->log, "domain %u: %s weight %lld, cap %lld (-1: as it was)",
             domid, libxl_scheduler_to_string(sched), weight, cap);
out:
    libxl_domain_sched_params_dispose(&p);
    return rc ? -1 : 0;
}
