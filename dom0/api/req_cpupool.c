/*
 * req_cpupool.c: CPU pools: cpupool-list, -create, -destroy, -rename,
 * -cpu-add, -cpu-remove, -migrate.
 */
#include <stdlib.h>

#include "api.h"

/* ---- list ---------------------------------------------------------------- */

static void gen_pool(yajl_gen g, const libxl_cpupoolinfo *p, int max_cpus)
{
    char *cpus = xlt_cpumap_format(&p->cpumap, max_cpus);

    yajl_gen_map_open(g);
    xlt_json_kv_str(g, "name", p->pool_name);
    xlt_json_kv_uint(g, "id", p->poolid);
    xlt_json_kv_str(g, "sched", libxl_scheduler_to_string(p->sched));
    xlt_json_kv_int(g, "n_cpus", libxl_bitmap_count_set(&p->cpumap));
    xlt_json_kv_str(g, "cpus", cpus ? cpus : "?");
    xlt_json_kv_uint(g, "domains", p->n_dom);
    yajl_gen_map_close(g);
    free(cpus);
}

static yajl_gen gen_pools(const libxl_cpupoolinfo *pools, int n,
                          bool all, uint32_t only, int max_cpus)
{
    yajl_gen g = xlt_json_gen_new();

    if (!g)
        return NULL;
    yajl_gen_map_open(g);
    xlt_json_str(g, "pools");
    yajl_gen_array_open(g);
    for (int i = 0; i < n; i++)
        if (all || pools[i].poolid == only)
            gen_pool(g, &pools[i], max_cpus);
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    return g;
}

/* {"pool": REF (absent: all)} -> {"pools": [...]} */
int req_cpupool_list(struct xltd *d, struct request *r, yajl_val args)
{
    bool all = !xlt_json_get_str(args, "pool");
    int n = 0, max_cpus = libxl_get_max_cpus(d->ctx), rc;
    libxl_cpupoolinfo *pools = libxl_list_cpupool(d->ctx, &n);
    struct xlt_err err;
    uint32_t only = 0;

    if (!pools)
        return req_fail(r, "cannot list the CPU pools");
    if (!all && args_pool(d, args, &only, &err))
        rc = req_fail_err(r, &err);
    else
        rc = req_done_gen(r, gen_pools(pools, n, all, only, max_cpus));
    libxl_cpupoolinfo_list_free(pools, n);
    return rc;
}

/* ---- changes -------------------------------------------------------------- */

/* {"name", "sched" (absent: the host's), "cpus" (absent: none),
 *  "dry_run"} -> {"id", "name", "sched", "n_cpus"} */
int req_cpupool_create(struct xltd *d, struct request *r, yajl_val args)
{
    const char *name = xlt_json_get_str(args, "name");
    bool dry_run = YAJL_IS_TRUE(xlt_json_get(args, "dry_run"));
    struct cpupool_made made;
    struct xlt_err err;
    yajl_gen g;

    if (cpupools_create(d, name, xlt_json_get_str(args, "sched"),
                        xlt_json_get_str(args, "cpus"), dry_run, &made, &err))
        return req_fail_err(r, &err);
    g = xlt_json_gen_new();
    if (g) {
        yajl_gen_map_open(g);
        if (!dry_run)
            xlt_json_kv_uint(g, "id", made.poolid);
        xlt_json_kv_str(g, "name", name);
        xlt_json_kv_str(g, "sched", libxl_scheduler_to_string(made.sched));
        xlt_json_kv_int(g, "n_cpus", made.n_cpus);
        yajl_gen_map_close(g);
    }
    return req_done_gen(r, g);
}

/* {"pool": REF}: its domains must have gone elsewhere first. */
int req_cpupool_destroy(struct xltd *d, struct request *r, yajl_val args)
{
    struct xlt_err err;
    uint32_t poolid;

    if (args_pool(d, args, &poolid, &err) ||
        cpupools_destroy(d, poolid, &err))
        return req_fail_err(r, &err);
    return REQ_DONE;
}

/* {"pool": REF, "name": NEW} */
int req_cpupool_rename(struct xltd *d, struct request *r, yajl_val args)
{
    struct xlt_err err;
    uint32_t poolid;

    if (args_pool(d, args, &poolid, &err) ||
        cpupools_rename(d, poolid, xlt_json_get_str(args, "name"), &err))
        return req_fail_err(r, &err);
    return REQ_DONE;
}

/* {"pool": REF, "cpus": SPEC}: free CPUs into the pool, or (REMOVE) the
 * pool's own out of it. */
static int cpus_in_or_out(struct xltd *d, struct request *r, yajl_val args,
                          bool remove)
{
    struct xlt_err err;
    uint32_t poolid;

    if (args_pool(d, args, &poolid, &err) ||
        cpupools_cpus(d, poolid, xlt_json_get_str(args, "cpus"), remove,
                      &err))
        return req_fail_err(r, &err);
    return REQ_DONE;
}

int req_cpupool_cpu_add(struct xltd *d, struct request *r, yajl_val args)
{
    return cpus_in_or_out(d, r, args, false);
}

int req_cpupool_cpu_remove(struct xltd *d, struct request *r, yajl_val args)
{
    return cpus_in_or_out(d, r, args, true);
}

/* {"domains": [REF], "pool": REF} */
int req_cpupool_migrate(struct xltd *d, struct request *r, yajl_val args)
{
    uint32_t domid, poolid;
    struct xlt_err err;

    if (args_the_domain(d, args, &domid, &err) ||
        args_pool(d, args, &poolid, &err) ||
        cpupools_migrate(d, domid, poolid, &err))
        return req_fail_err(r, &err);
    return REQ_DONE;
}
