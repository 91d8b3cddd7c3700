/* vcpus.c: the domains' vCPUs: vcpu-pin and vcpu-set. */
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* ---- vcpu-pin ------------------------------------------------------------ */

/* SPEC (NULL or "-": leave as it is) into *MAP_R, or the reason in ERR. */
static int pin_map(const char *what, const char *spec,
                   const struct xlt_topology *t, libxl_bitmap *map,
                   libxl_bitmap **map_r, struct xlt_err *err)
{
    struct xlt_err why;

    *map_r = NULL;
    if (!spec || !strcmp(spec, "-"))
        return 0;
    if (xlt_cpumap_parse(spec, t, map, &why))
        return xlt_err_set(err, "%s affinity: %s", what, why.msg);
    *map_r = map;
    return 0;
}

/* vcpu-pin's checks: DOMID's INFO, not dedicated, VCPU one it has. */
static int pin_check(struct xltd *d, uint32_t domid, long long vcpu,
                     libxl_dominfo *info, struct xlt_err *err)
{
    if (libxl_domain_info(d->ctx, info, domid))
        return xlt_err_set(err, "cannot read domain %u or the host's CPUs",
                           domid);
    if (dedicated_domain(d, info))
        return xlt_err_set(err, "domain %u has dedicated CPUs: "
                           "`vcpu-dedicate -r' it before pinning it", domid);
    if (vcpu < -1 || vcpu > (long long)info->vcpu_max_id)
        return xlt_err_set(err, "domain %u has vCPUs 0-%u, not %lld", domid,
                           info->vcpu_max_id, vcpu);
    return 0;
}

int vcpus_pin(struct xltd *d, uint32_t domid, long long vcpu,
              const char *hard, const char *soft, struct xlt_err *err)
{
    libxl_bitmap hard_map, soft_map, *hard_p, *soft_p;
    struct xlt_topology t = {0};
    libxl_dominfo info;
    int rc = -1;

    libxl_bitmap_init(&hard_map);
    libxl_bitmap_init(&soft_map);
    libxl_dominfo_init(&info);
    if (topology_read(d, &t)) {
        xlt_err_set(err, "cannot read domain %u or the host's CPUs", domid);
        goto out;
    }
    if (pin_check(d, domid, vcpu, &info, err) ||
        pin_map("hard", hard, &t, &hard_map, &hard_p, err) ||
        pin_map("soft", soft, &t, &soft_map, &soft_p, err))
        goto out;
    rc = vcpu < 0 ? libxl_set_vcpuaffinity_all(d->ctx, domid,
                                               info.vcpu_max_id + 1, hard_p,
                                               soft_p)
                  : libxl_set_vcpuaffinity(d->ctx, domid, (uint32_t)vcpu,
                                           hard_p, soft_p);
    if (rc) {
        rc = xlerr_set(d, rc, err, "pinning domain %u failed", domid);
        goto out;
    }
    pinning_record(d, domid, &info.uuid, vcpu, (int)info.vcpu_max_id + 1,
                   hard_p ? hard : NULL, soft_p ? soft : NULL);
    log_info(&d->log, "domain %u: vCPU %lld (-1: all) pinned: hard %s, "
             "soft %s", domid, vcpu, hard_p ? hard : "unchanged",
             soft_p ? soft : "unchanged");
out:
    libxl_bitmap_dispose(&hard_map);
    libxl_bitmap_dispose(&soft_map);
    libxl_dominfo_dispose(&info);
    xlt_topology_dispose(&t);
    return rc ? -1 : 0;
}

/* ---- vcpu-set ------------------------------------------------------------ */

/* A vcpu-set under way: for an HVM guest libxl asks its device model
 * (QMP), which may take its time, or not answer at all. */
struct vcpuset {
    struct xltd *d;
    struct job *job;
    uint32_t domid;
    long long count;
    libxl_bitmap online;
    struct inflight op;
};

static void vcpuset_free(struct vcpuset *v)
{
    libxl_bitmap_dispose(&v->online);
    free(v);
}

static void vcpuset_done(libxl_ctx *ctx, int rc, void *arg)
{
    struct vcpuset *v = arg;
    struct xltd *d = v->d;
    struct xlt_err err;

    (void)ctx;
    if (rc) {
        xlerr_set(d, rc, &err, "setting domain %u's vCPUs failed", v->domid);
        job_fail(v->job, "%s", err.msg);
    } else {
        log_info(&d->log, "domain %u: %lld vCPUs online", v->domid,
                 v->count);
        events_emit(d, &(struct event){.kind = "vcpus", .domid = v->domid,
                                       .value_key = "online",
                                       .value = v->count});
        job_done(v->job, NULL);
    }
    vcpuset_free(v);
}

/* V's bitmap: vCPUs 0..COUNT-1 of its domain, checked against its
 * maxvcpus. */
static int vcpuset_map(struct vcpuset *v, struct xlt_err *err)
{
    libxl_dominfo info;
    int rc = -1;

    libxl_dominfo_init(&info);
    if (libxl_domain_info(v->d->ctx, &info, v->domid)) {
        xlt_err_set(err, "cannot read domain %u", v->domid);
        goto out;
    }
    if (v->count < 1 || v->count > (long long)info.vcpu_max_id + 1) {
        xlt_err_set(err, "domain %u can have 1 to %u vCPUs (maxvcpus), not "
                    "%lld", v->domid, info.vcpu_max_id + 1, v->count);
        goto out;
    }
    if (xlt_bitmap_alloc(&v->online, (int)info.vcpu_max_id + 1)) {
        xlt_err_set(err, "out of memory");
        goto out;
    }
    for (long long i = 0; i < v->count; i++)
        libxl_bitmap_set(&v->online, (int)i);
    rc = 0;
out:
    libxl_dominfo_dispose(&info);
    return rc;
}

int vcpus_set_online(struct xltd *d, uint32_t domid, long long count,
                     struct job *job, struct xlt_err *err)
{
    struct vcpuset *v;
    char doing[64];
    int rc;

    snprintf(doing, sizeof(doing), "setting domain %u's vCPUs", domid);
    if (devmodel_refuse_stopped(d, domid, doing, "; nothing done", err))
        return -1; /* libxl would wait for it without end */
    v = calloc(1, sizeof(*v));
    if (!v)
        return xlt_err_set(err, "out of memory");
    v->d = d;
    v->job = job;
    v->domid = domid;
    v->count = count;
    libxl_bitmap_init(&v->online);
    if (vcpuset_map(v, err)) {
        vcpuset_free(v);
        return -1;
    }
    rc = libxl_set_vcpuonline(d->ctx, domid, &v->online,
                              inflight_begin(d, &v->op, "a vcpu-set",
                                             vcpuset_done, v));
    if (rc) {
        inflight_end(d, &v->op);
        vcpuset_free(v);
        return xlerr_set(d, rc, err, "setting domain %u's vCPUs failed",
                         domid);
    }
    return 0;
}
