/*
 * vcpus.c: the host's CPUs and the domains' vCPUs: topology (for xlt's
 * cpus= parsing), vcpu-list, vcpu-pin and vcpu-set.
 */
#include <stdlib.h>
#include <string.h>

#include "xltd.h"

/* ---- topology ---------------------------------------------------------- */

int vcpus_topology(struct xltd *d, struct xlt_topology *t)
{
    libxl_cputopology *cpus = NULL;
    int nr = 0, max_cpus = libxl_get_max_cpus(d->ctx);
    int max_nodes = libxl_get_max_nodes(d->ctx);

    memset(t, 0, sizeof(*t));
    if (max_cpus <= 0 || max_nodes <= 0)
        return -1;
    cpus = libxl_get_cpu_topology(d->ctx, &nr);
    t->node_of_cpu = calloc((size_t)max_cpus, sizeof(*t->node_of_cpu));
    if (!cpus || !t->node_of_cpu) {
        if (cpus)
            libxl_cputopology_list_free(cpus, nr);
        xlt_topology_dispose(t);
        return -1;
    }
    t->max_cpus = max_cpus;
    t->nr_nodes = max_nodes;
    for (int i = 0; i < max_cpus; i++)
        t->node_of_cpu[i] = i < nr && cpus[i].node != LIBXL_CPUTOPOLOGY_INVALID_ENTRY
                                ? (int)cpus[i].node : -1;
    libxl_cputopology_list_free(cpus, nr);
    return 0;
}

void req_topology(struct xltd *d, unsigned conn, yajl_val args)
{
    struct xlt_topology t;
    yajl_gen g;

    (void)args;
    if (vcpus_topology(d, &t)) {
        control_reply_error(d, conn, "cannot read the host's CPU topology");
        return;
    }
    g = xlt_json_gen_new();
    if (g)
        xlt_topology_gen(g, &t);
    requests_reply_gen(d, conn, g);
    xlt_topology_dispose(&t);
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
void req_vcpu_list(struct xltd *d, unsigned conn, yajl_val args)
{
    requests_reply_domains(d, conn, args, gen_domain_vcpus, NULL);
}

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

/* {"domains": [REF], "vcpu": N (-1: all), "hard": SPEC, "soft": SPEC} */
void req_vcpu_pin(struct xltd *d, unsigned conn, yajl_val args)
{
    libxl_bitmap hard, soft, *hard_p, *soft_p;
    struct xlt_topology t = {0};
    libxl_dominfo info;
    uint32_t domid = INVALID_DOMID;
    long long vcpu = -1;
    struct xlt_err err;
    int rc;

    libxl_bitmap_init(&hard);
    libxl_bitmap_init(&soft);
    libxl_dominfo_init(&info);
    if (requests_the_domain(d, conn, args, &domid))
        goto out;
    if (vcpus_topology(d, &t) || libxl_domain_info(d->ctx, &info, domid)) {
        control_reply_error(d, conn, "cannot read domain %u or the host's "
                            "CPUs", domid);
        goto out;
    }
    if (dedicated_domain(d, &info)) {
        control_reply_error(d, conn, "domain %u has dedicated CPUs: "
                            "`vcpu-dedicate -r' it before pinning it", domid);
        goto out;
    }
    xlt_json_get_int(args, "vcpu", &vcpu);
    if (vcpu < -1 || vcpu > (long long)info.vcpu_max_id) {
        control_reply_error(d, conn, "domain %u has vCPUs 0-%u, not %lld",
                            domid, info.vcpu_max_id, vcpu);
        goto out;
    }
    if (pin_map("hard", xlt_json_get_str(args, "hard"), &t, &hard, &hard_p,
                &err) ||
        pin_map("soft", xlt_json_get_str(args, "soft"), &t, &soft, &soft_p,
                &err)) {
        control_reply_error(d, conn, "%s", err.msg);
        goto out;
    }
    d->log.last_libxl_error[0] = '\0';
    rc = vcpu < 0 ? libxl_set_vcpuaffinity_all(d->ctx, domid,
                                               info.vcpu_max_id + 1, hard_p,
                                               soft_p)
                  : libxl_set_vcpuaffinity(d->ctx, domid, (uint32_t)vcpu,
                                           hard_p, soft_p);
    if (rc) {
        control_reply_error(d, conn, "pinning domain %u failed: %s", domid,
                            domain_libxl_said(d, rc));
        goto out;
    }
    pinning_record(d, domid, &info.uuid, vcpu, (int)info.vcpu_max_id + 1,
                   hard_p ? xlt_json_get_str(args, "hard") : NULL,
                   soft_p ? xlt_json_get_str(args, "soft") : NULL);
    log_info(&d->log, "domain %u: vCPU %lld (-1: all) pinned: hard %s, "
             "soft %s", domid, vcpu, hard_p ? xlt_json_get_str(args, "hard")
             : "unchanged", soft_p ? xlt_json_get_str(args, "soft")
             : "unchanged");
    control_reply_result(d, conn, "{}");
out:
    libxl_bitmap_dispose(&hard);
    libxl_bitmap_dispose(&soft);
    libxl_dominfo_dispose(&info);
    xlt_topology_dispose(&t);
}

/* ---- vcpu-set ------------------------------------------------------------ */

/* {"domains": [REF], "count": N}: vCPUs 0..N-1 online, the rest offline. */
void req_vcpu_set(struct xltd *d, unsigned conn, yajl_val args)
{
    libxl_bitmap online;
    libxl_dominfo info;
    uint32_t domid = INVALID_DOMID;
    long long count = 0;
    int rc;

    libxl_bitmap_init(&online);
    libxl_dominfo_init(&info);
    if (requests_the_domain(d, conn, args, &domid))
        goto out;
    if (libxl_domain_info(d->ctx, &info, domid)) {
        control_reply_error(d, conn, "cannot read domain %u", domid);
        goto out;
    }
    if (!xlt_json_get_int(args, "count", &count) || count < 1 ||
        count > (long long)info.vcpu_max_id + 1) {
        control_reply_error(d, conn, "domain %u can have 1 to %u vCPUs "
                            "(maxvcpus), not %lld", domid,
                            info.vcpu_max_id + 1, count);
        goto out;
    }
    if (xlt_bitmap_alloc(&online, (int)info.vcpu_max_id + 1)) {
        control_reply_error(d, conn, "out of memory");
        goto out;
    }
    for (long long i = 0; i < count; i++)
        libxl_bitmap_set(&online, (int)i);
    d->log.last_libxl_error[0] = '\0';
    rc = libxl_set_vcpuonline(d->ctx, domid, &online, NULL);
    if (rc) {
        control_reply_error(d, conn, "setting domain %u's vCPUs failed: %s",
                            domid, domain_libxl_said(d, rc));
        goto out;
    }
    log_info(&d->log, "domain %u: %lld vCPUs online", domid, count);
    control_reply_result(d, conn, "{}");
out:
    libxl_bitmap_dispose(&online);
    libxl_dominfo_dispose(&info);
}
