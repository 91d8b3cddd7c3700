/*
 * cpupools.c: CPU pools, as xl's cpupool-* commands: list, create,
 * destroy, rename, cpu-add, cpu-remove, migrate.  Each checks what Xen
 * would refuse with an errno (a CPU that is not free, a pool with
 * domains) and says so in words.
 *
 * A domain moves between pools paused: under Xen 4.17.7's credit2 a move
 * while one of its vCPUs runs panicked the hypervisor in the lab
 * (update_runq_load from csched2_context_saved, a NULL runqueue, during
 * cpupool-migrate of a running PV guest from a one-CPU pool to Pool-0).
 */
#include <stdlib.h>
#include <string.h>

#include "xltd.h"

/* ARGS' "pool" (a name or an id) -> *POOLID; -1 once CONN knows why not. */
static int the_pool(struct xltd *d, unsigned conn, yajl_val args,
                    uint32_t *poolid)
{
    const char *ref = xlt_json_get_str(args, "pool");
    libxl_cpupoolinfo info;
    int rc = -1;

    /* an id is taken as it is: ask Xen whether that pool exists */
    libxl_cpupoolinfo_init(&info);
    if (ref &&
        !libxl_cpupool_qualifier_to_cpupoolid(d->ctx, ref, poolid, NULL) &&
        !libxl_cpupool_info(d->ctx, &info, *poolid))
        rc = 0;
    else
        control_reply_error(d, conn, "`%s' is not a CPU pool (cpupool-list "
                            "shows them)", ref ? ref : "");
    libxl_cpupoolinfo_dispose(&info);
    return rc;
}

/* ARGS' "cpus" (an xl CPU list) as a map; -1 once CONN knows why not. */
static int the_cpus(struct xltd *d, unsigned conn, yajl_val args,
                    libxl_bitmap *map)
{
    const char *spec = xlt_json_get_str(args, "cpus");
    struct xlt_topology t;
    struct xlt_err err;
    int rc;

    if (vcpus_topology(d, &t)) {
        control_reply_error(d, conn, "cannot read the host's CPUs");
        return -1;
    }
    rc = xlt_cpumap_parse(spec ? spec : "", &t, map, &err);
    if (rc)
        control_reply_error(d, conn, "CPUs %s: %s", spec ? spec : "",
                            err.msg);
    xlt_topology_dispose(&t);
    return rc;
}

/* Every CPU of WANT is free (in no pool); else -1 once CONN knows which. */
static int all_free(struct xltd *d, unsigned conn, const libxl_bitmap *want)
{
    libxl_bitmap free_cpus;
    int cpu, rc = 0;

    libxl_bitmap_init(&free_cpus);
    if (libxl_get_freecpus(d->ctx, &free_cpus)) {
        control_reply_error(d, conn, "cannot read the free CPUs");
        return -1;
    }
    libxl_for_each_set_bit(cpu, *want) {
        if (cpu < (int)free_cpus.size * 8 &&
            !libxl_bitmap_test(&free_cpus, cpu)) {
            control_reply_error(d, conn, "CPU %d is not free: it is in a "
                                "pool (cpupool-cpu-remove it first)", cpu);
            rc = -1;
            break;
        }
    }
    libxl_bitmap_dispose(&free_cpus);
    return rc;
}

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

/* {"pool": REF (absent: all)} -> {"pools": [...]} */
void req_cpupool_list(struct xltd *d, unsigned conn, yajl_val args)
{
    const char *ref = xlt_json_get_str(args, "pool");
    int n = 0, max_cpus = libxl_get_max_cpus(d->ctx);
    libxl_cpupoolinfo *pools = libxl_list_cpupool(d->ctx, &n);
    uint32_t only = 0;
    yajl_gen g;

    if (!pools) {
        control_reply_error(d, conn, "cannot list the CPU pools");
        return;
    }
    if (ref && the_pool(d, conn, args, &only))
        goto out;
    g = xlt_json_gen_new();
    if (g) {
        yajl_gen_map_open(g);
        xlt_json_str(g, "pools");
        yajl_gen_array_open(g);
        for (int i = 0; i < n; i++)
            if (!ref || pools[i].poolid == only)
                gen_pool(g, &pools[i], max_cpus);
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
    }
    requests_reply_gen(d, conn, g);
out:
    libxl_cpupoolinfo_list_free(pools, n);
}

/* ---- create, destroy, rename ------------------------------------------- */

/* {"name", "sched" (absent: the host's), "cpus" (absent: none),
 *  "dry_run"} -> {"id", "name", "sched", "n_cpus"} */
void req_cpupool_create(struct xltd *d, unsigned conn, yajl_val args)
{
    const char *name = xlt_json_get_str(args, "name");
    const char *sched_name = xlt_json_get_str(args, "sched");
    bool dry_run = YAJL_IS_TRUE(xlt_json_get(args, "dry_run"));
    uint32_t poolid = LIBXL_CPUPOOL_POOLID_ANY, other;
    libxl_scheduler sched;
    libxl_bitmap cpus;
    libxl_uuid uuid;
    yajl_gen g;
    int rc;

    libxl_bitmap_init(&cpus);
    if (!name || !*name) {
        control_reply_error(d, conn, "the pool needs a name");
        goto out;
    }
    if (!libxl_name_to_cpupoolid(d->ctx, name, &other)) {
        control_reply_error(d, conn, "a pool named %s exists already (id "
                            "%u)", name, other);
        goto out;
    }
    sched = (libxl_scheduler)libxl_get_scheduler(d->ctx);
    if (sched_name && libxl_scheduler_from_string(sched_name, &sched)) {
        control_reply_error(d, conn, "`%s' is not a scheduler", sched_name);
        goto out;
    }
    if (!xlt_json_get_str(args, "cpus")) { /* a pool without CPUs */
        if (xlt_bitmap_alloc(&cpus, libxl_get_max_cpus(d->ctx))) {
            control_reply_error(d, conn, "out of memory");
            goto out;
        }
    } else if (the_cpus(d, conn, args, &cpus) || all_free(d, conn, &cpus)) {
        goto out;
    }
    if (!dry_run) {
        libxl_uuid_generate(&uuid);
        d->log.last_libxl_error[0] = '\0';
        rc = libxl_cpupool_create(d->ctx, name, sched, cpus, &uuid, &poolid);
        if (rc) {
            control_reply_error(d, conn, "creating pool %s failed: %s", name,
                                domain_libxl_said(d, rc));
            goto out;
        }
        log_info(&d->log, "cpupool %s (%u) created", name, poolid);
    }
    g = xlt_json_gen_new();
    if (g) {
        yajl_gen_map_open(g);
        if (!dry_run)
            xlt_json_kv_uint(g, "id", poolid);
        xlt_json_kv_str(g, "name", name);
        xlt_json_kv_str(g, "sched", libxl_scheduler_to_string(sched));
        xlt_json_kv_int(g, "n_cpus", libxl_bitmap_count_set(&cpus));
        yajl_gen_map_close(g);
    }
    requests_reply_gen(d, conn, g);
out:
    libxl_bitmap_dispose(&cpus);
}

/* {"pool": REF}: its domains must have gone elsewhere first. */
void req_cpupool_destroy(struct xltd *d, unsigned conn, yajl_val args)
{
    libxl_cpupoolinfo info;
    uint32_t poolid;
    int rc;

    libxl_cpupoolinfo_init(&info);
    if (the_pool(d, conn, args, &poolid))
        goto out;
    if (poolid == 0 || libxl_cpupool_info(d->ctx, &info, poolid)) {
        control_reply_error(d, conn, poolid ? "cannot read pool %u"
                            : "pool %u (Pool-0) cannot be destroyed", poolid);
        goto out;
    }
    if (info.n_dom) {
        control_reply_error(d, conn, "pool %s still has %u domain(s): "
                            "cpupool-migrate them first", info.pool_name,
                            info.n_dom);
        goto out;
    }
    d->log.last_libxl_error[0] = '\0';
    rc = libxl_cpupool_destroy(d->ctx, poolid);
    if (rc) {
        control_reply_error(d, conn, "destroying pool %s failed: %s",
                            info.pool_name, domain_libxl_said(d, rc));
        goto out;
    }
    log_info(&d->log, "cpupool %s (%u) destroyed", info.pool_name, poolid);
    control_reply_result(d, conn, "{}");
out:
    libxl_cpupoolinfo_dispose(&info);
}

/* {"pool": REF, "name": NEW} */
void req_cpupool_rename(struct xltd *d, unsigned conn, yajl_val args)
{
    const char *name = xlt_json_get_str(args, "name");
    uint32_t poolid, other;
    int rc;

    if (the_pool(d, conn, args, &poolid))
        return;
    if (!name || !*name || !libxl_name_to_cpupoolid(d->ctx, name, &other)) {
        control_reply_error(d, conn, "`%s' is empty or taken by another "
                            "pool", name ? name : "");
        return;
    }
    d->log.last_libxl_error[0] = '\0';
    rc = libxl_cpupool_rename(d->ctx, name, poolid);
    if (rc) {
        control_reply_error(d, conn, "renaming pool %u failed: %s", poolid,
                            domain_libxl_said(d, rc));
        return;
    }
    log_info(&d->log, "cpupool %u renamed %s", poolid, name);
    control_reply_result(d, conn, "{}");
}

/* ---- CPUs and domains ---------------------------------------------------- */

/* {"pool": REF, "cpus": SPEC}: add free CPUs to the pool, or (REMOVE)
 * take the pool's own CPUs out of it. */
static void cpus_in_or_out(struct xltd *d, unsigned conn, yajl_val args,
                           bool remove)
{
    libxl_cpupoolinfo info;
    libxl_bitmap cpus;
    uint32_t poolid;
    int cpu, rc;

    libxl_cpupoolinfo_init(&info);
    libxl_bitmap_init(&cpus);
    if (the_pool(d, conn, args, &poolid) ||
        the_cpus(d, conn, args, &cpus) ||
        (!remove && all_free(d, conn, &cpus)))
        goto out;
    if (libxl_cpupool_info(d->ctx, &info, poolid)) {
        control_reply_error(d, conn, "cannot read pool %u", poolid);
        goto out;
    }
    libxl_for_each_set_bit(cpu, cpus) {
        if (remove && !libxl_bitmap_test(&info.cpumap, cpu)) {
            control_reply_error(d, conn, "CPU %d is not in pool %s", cpu,
                                info.pool_name);
            goto out;
        }
    }
    d->log.last_libxl_error[0] = '\0';
    rc = remove ? libxl_cpupool_cpuremove_cpumap(d->ctx, poolid, &cpus)
                : libxl_cpupool_cpuadd_cpumap(d->ctx, poolid, &cpus);
    if (rc) {
        control_reply_error(d, conn, "%s CPUs %s %s pool %s failed: %s",
                            remove ? "taking" : "adding",
                            xlt_json_get_str(args, "cpus"),
                            remove ? "out of" : "to", info.pool_name,
                            domain_libxl_said(d, rc));
        goto out;
    }
    log_info(&d->log, "cpupool %s: CPUs %s %s", info.pool_name,
             xlt_json_get_str(args, "cpus"), remove ? "removed" : "added");
    control_reply_result(d, conn, "{}");
out:
    libxl_bitmap_dispose(&cpus);
    libxl_cpupoolinfo_dispose(&info);
}

void req_cpupool_cpu_add(struct xltd *d, unsigned conn, yajl_val args)
{
    cpus_in_or_out(d, conn, args, false);
}

void req_cpupool_cpu_remove(struct xltd *d, unsigned conn, yajl_val args)
{
    cpus_in_or_out(d, conn, args, true);
}

int cpupools_move_domain(struct xltd *d, uint32_t domid, uint32_t poolid)
{
    libxl_dominfo info;
    bool pause;
    int rc;

    libxl_dominfo_init(&info);
    pause = !libxl_domain_info(d->ctx, &info, domid) && !info.paused &&
            domid != 0;
    libxl_dominfo_dispose(&info);
    if (pause && libxl_domain_pause(d->ctx, domid, NULL))
        return ERROR_FAIL;
    rc = libxl_cpupool_movedomain(d->ctx, poolid, domid);
    if (pause && libxl_domain_unpause(d->ctx, domid, NULL)) {
        log_err(&d->log, "domain %u: cannot unpause it after moving it "
                "between pools", domid);
        rc = rc ? rc : ERROR_FAIL;
    }
    return rc;
}

/* {"domains": [REF], "pool": REF} */
void req_cpupool_migrate(struct xltd *d, unsigned conn, yajl_val args)
{
    uint32_t domid, poolid;
    int rc;

    if (requests_the_domain(d, conn, args, &domid) ||
        the_pool(d, conn, args, &poolid))
        return;
    d->log.last_libxl_error[0] = '\0';
    rc = cpupools_move_domain(d, domid, poolid);
    if (rc) {
        control_reply_error(d, conn, "moving domain %u to pool %u failed: "
                            "%s", domid, poolid, domain_libxl_said(d, rc));
        return;
    }
    log_info(&d->log, "domain %u moved to cpupool %u", domid, poolid);
    control_reply_result(d, conn, "{}");
}
