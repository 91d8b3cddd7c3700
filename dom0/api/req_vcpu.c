/* req_vcpu.c: topology, vcpu-list, vcpu-pin, vcpu-set, vcpu-dedicate. */
#include <stdlib.h>

#include "api.h"

/* {} -> the host's CPUs and nodes (xlt's cpus= parsing needs them) */
int req_topology(struct xltd *d, struct request *r, yajl_val args)
{
    struct xlt_topology t;
    yajl_gen g;
    int rc;

    (void)args;
    if (topology_read(d, &t))
        return req_fail(r, "cannot read the host's CPU topology");
    g = xlt_json_gen_new();
    if (g)
        xlt_topology_gen(g, &t);
    rc = req_done_gen(r, g);
    xlt_topology_dispose(&t);
    return rc;
}

/* ---- vcpu-list ---------------------------------------------------------- */

static void gen_affinity(yajl_gen g, const char *key, const libxl_bitmap *map,
                         int max_cpus)
{
    char *s = xlt_cpumap_format(map, max_cpus);

    xlt_json_kv_str(g, key, s ? s : "?");
    free(s);
}

/* {"name": N, "domid": D, "vcpus": [{"vcpu", "cpu", "online", "state",
 *  "time", "hard", "soft"}, ...]} */
static void gen_domain_vcpus(struct xltd *d, yajl_gen g,
                             const libxl_dominfo *info, void *unused)
{
    int nr_vcpus = 0, nr_cpus = 0, max_cpus = libxl_get_max_cpus(d->ctx);
    uint32_t domid = info->domid;
    libxl_vcpuinfo *v = libxl_list_vcpu(d->ctx, domid, &nr_vcpus, &nr_cpus);
    char *name = libxl_domid_to_name(d->ctx, domid);

    (void)unused;
    if (!v) { /* gone meanwhile: left out */
        free(name);
        return;
    }
    yajl_gen_map_open(g);
    xlt_json_kv_str(g, "name", name ? name : "");
    xlt_json_kv_uint(g, "domid", domid);
    xlt_json_kv_bool(g, "dedicated", dedicated_domain(d, info));
    xlt_json_str(g, "vcpus");
    yajl_gen_array_open(g);
    for (int i = 0; i < nr_vcpus; i++) {
        yajl_gen_map_open(g);
        xlt_json_kv_uint(g, "vcpu", v[i].vcpuid);
        xlt_json_kv_int(g, "cpu", v[i].online ? (long long)v[i].cpu : -1);
        xlt_json_kv_bool(g, "online", v[i].online);
        char state[4] = {v[i].running ? 'r' : '-', v[i].blocked ? 'b' : '-',
                         v[i].online ? '-' : 'p', '\0'};
        if (!v[i].online)
            state[0] = state[1] = '-';
        xlt_json_kv_str(g, "state", state);
        xlt_json_kv_double(g, "time", (double)v[i].vcpu_time / 1e9);
        gen_affinity(g, "hard", &v[i].cpumap, max_cpus);
        gen_affinity(g, "soft", &v[i].cpumap_soft, max_cpus);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    libxl_vcpuinfo_list_free(v, nr_vcpus);
    free(name);
}

/* {"domains": [REF...]} (none: every domain) -> {"domains": [...]} */
int req_vcpu_list(struct xltd *d, struct request *r, yajl_val args)
{
    return req_domains(d, r, args, gen_domain_vcpus, NULL);
}

/* ---- changes -------------------------------------------------------------- */

/* {"domains": [REF], "vcpu": N (-1: all), "hard": SPEC, "soft": SPEC} */
int req_vcpu_pin(struct xltd *d, struct request *r, yajl_val args)
{
    uint32_t domid = INVALID_DOMID;
    long long vcpu = -1;
    struct xlt_err err;

    xlt_json_get_int(args, "vcpu", &vcpu);
    if (args_the_domain(d, args, &domid, &err) ||
        vcpus_pin(d, domid, vcpu, xlt_json_get_str(args, "hard"),
                  xlt_json_get_str(args, "soft"), &err))
        return req_fail_err(r, &err);
    return REQ_DONE;
}

/* {"domains": [REF], "count": N}: vCPUs 0..N-1 online, the rest offline. */
int req_vcpu_set(struct xltd *d, struct request *r, yajl_val args)
{
    uint32_t domid = INVALID_DOMID;
    long long count = 0;
    struct xlt_err err;

    xlt_json_get_int(args, "count", &count);
    if (args_the_domain(d, args, &domid, &err))
        return req_fail_err(r, &err);
    return req_started(r, vcpus_set_online(d, domid, count, &r->job, &err),
                       &err);
}

/* {"domains": [REF], "release": BOOL} -> {"cpus": LIST} (what it holds) */
int req_vcpu_dedicate(struct xltd *d, struct request *r, yajl_val args)
{
    uint32_t domid = INVALID_DOMID;
    struct xlt_err err;
    char *cpus = NULL;
    int rc;

    if (args_the_domain(d, args, &domid, &err) ||
        dedicated_change(d, domid,
                         YAJL_IS_TRUE(xlt_json_get(args, "release")), &cpus,
                         &err))
        return req_fail_err(r, &err);
    rc = req_done_str(r, "cpus", cpus ? cpus : "");
    free(cpus);
    return rc;
}
