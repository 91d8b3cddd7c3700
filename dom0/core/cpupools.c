/*
 * cpupools.c: CPU pools, as xl's cpupool-* commands: create, destroy,
 * rename, cpu-add, cpu-remove, migrate.  Each checks what Xen
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

#include "core.h"

/* SPEC (an xl CPU list) as a map. */
static int parse_cpus(struct xltd *d, const char *spec, libxl_bitmap *map,
                      struct xlt_err *err)
{
    struct xlt_topology t;
    struct xlt_err why;
    int rc;

    if (topology_read(d, &t))
        return xlt_err_set(err, "cannot read the host's CPUs");
    rc = xlt_cpumap_parse(spec ? spec : "", &t, map, &why);
    if (rc)
        xlt_err_set(err, "CPUs %s: %s", spec ? spec : "", why.msg);
    xlt_topology_dispose(&t);
    return rc;
}

/* Every CPU of WANT is free (in no pool); else -1 with ERR naming one. */
static int all_free(struct xltd *d, const libxl_bitmap *want,
                    struct xlt_err *err)
{
    libxl_bitmap free_cpus;
    int cpu, rc = 0;

    libxl_bitmap_init(&free_cpus);
    if (libxl_get_freecpus(d->ctx, &free_cpus))
        return xlt_err_set(err, "cannot read the free CPUs");
    libxl_for_each_set_bit(cpu, *want) {
        if (cpu < (int)free_cpus.size * 8 &&
            !libxl_bitmap_test(&free_cpus, cpu)) {
            rc = xlt_err_set(err, "CPU %d is not free: it is in a pool "
                             "(cpupool-cpu-remove it first)", cpu);
            break;
        }
    }
    libxl_bitmap_dispose(&free_cpus);
    return rc;
}

/* ---- create, destroy, rename ------------------------------------------- */

/* The CPUs of a new pool: SPEC's, all free; none if SPEC is NULL. */
static int new_pool_cpus(struct xltd *d, const char *spec, libxl_bitmap *cpus,
                         struct xlt_err *err)
{
    if (!spec)
        return xlt_bitmap_alloc(cpus, libxl_get_max_cpus(d->ctx))
                   ? xlt_err_set(err, "out of memory") : 0;
    return parse_cpus(d, spec, cpus, err) || all_free(d, cpus, err) ? -1 : 0;
}

int cpupools_create(struct xltd *d, const char *name, const char *sched_name,
                    const char *cpus, bool dry_run,
                    struct cpupool_made *made_r, struct xlt_err *err)
{
    uint32_t poolid = LIBXL_CPUPOOL_POOLID_ANY, other;
    libxl_scheduler sched;
    libxl_bitmap map;
    libxl_uuid uuid;
    int rc = -1;

    libxl_bitmap_init(&map);
    if (!name || !*name) {
        xlt_err_set(err, "the pool needs a name");
        goto out;
    }
    if (!libxl_name_to_cpupoolid(d->ctx, name, &other)) {
        xlt_err_set(err, "a pool named %s exists already (id %u)", name,
                    other);
        goto out;
    }
    sched = (libxl_scheduler)libxl_get_scheduler(d->ctx);
    if (sched_name && libxl_scheduler_from_string(sched_name, &sched)) {
        xlt_err_set(err, "`%s' is not a scheduler", sched_name);
        goto out;
    }
    if (new_pool_cpus(d, cpus, &map, err))
        goto out;
    if (!dry_run) {
        libxl_uuid_generate(&uuid);
        rc = libxl_cpupool_create(d->ctx, name, sched, map, &uuid, &poolid);
        if (rc) {
            rc = xlerr_set(d, rc, err, "creating pool %s failed", name);
            goto out;
        }
        log_info(&d->log, "cpupool %s (%u) created", name, poolid);
    }
    *made_r = (struct cpupool_made){.poolid = poolid, .sched = sched,
                                    .n_cpus = libxl_bitmap_count_set(&map)};
    rc = 0;
out:
    libxl_bitmap_dispose(&map);
    return rc ? -1 : 0;
}

int cpupools_destroy(struct xltd *d, uint32_t poolid, struct xlt_err *err)
{
    libxl_cpupoolinfo info;
    int rc = -1;

    libxl_cpupoolinfo_init(&info);
    if (poolid == 0 || libxl_cpupool_info(d->ctx, &info, poolid)) {
        xlt_err_set(err, poolid ? "cannot read pool %u"
                    : "pool %u (Pool-0) cannot be destroyed", poolid);
        goto out;
    }
    if (info.n_dom) {
        xlt_err_set(err, "pool %s still has %u domain(s): cpupool-migrate "
                    "them first", info.pool_name, info.n_dom);
        goto out;
    }
    rc = libxl_cpupool_destroy(d->ctx, poolid);
    if (rc) {
        rc = xlerr_set(d, rc, err, "destroying pool %s failed",
                          info.pool_name);
        goto out;
    }
    log_info(&d->log, "cpupool %s (%u) destroyed", info.pool_name, poolid);
out:
    libxl_cpupoolinfo_dispose(&info);
    return rc ? -1 : 0;
}

int cpupools_rename(struct xltd *d, uint32_t poolid, const char *name,
                    struct xlt_err *err)
{
    uint32_t other;
    int rc;

    if (!name || !*name || !libxl_name_to_cpupoolid(d->ctx, name, &other))
        return xlt_err_set(err, "`%s' is empty or taken by another pool",
                           name ? name : "");
    rc = libxl_cpupool_rename(d->ctx, name, poolid);
    if (rc)
        return xlerr_set(d, rc, err, "renaming pool %u failed", poolid);
    log_info(&d->log, "cpupool %u renamed %s", poolid, name);
    return 0;
}

/* ---- CPUs and domains ---------------------------------------------------- */

/* Every CPU of CPUS is in pool INFO; else -1 with ERR naming one. */
static int all_in(const libxl_cpupoolinfo *info, const libxl_bitmap *cpus,
                  struct xlt_err *err)
{
    int cpu;

    libxl_for_each_set_bit(cpu, *cpus)
        if (!libxl_bitmap_test(&info->cpumap, cpu))
            return xlt_err_set(err, "CPU %d is not in pool %s", cpu,
                               info->pool_name);
    return 0;
}

int cpupools_cpus(struct xltd *d, uint32_t poolid, const char *spec,
                  bool remove, struct xlt_err *err)
{
    libxl_cpupoolinfo info;
    libxl_bitmap cpus;
    int rc = -1;

    libxl_cpupoolinfo_init(&info);
    libxl_bitmap_init(&cpus);
    if (parse_cpus(d, spec, &cpus, err) ||
        (!remove && all_free(d, &cpus, err)))
        goto out;
    if (libxl_cpupool_info(d->ctx, &info, poolid)) {
        xlt_err_set(err, "cannot read pool %u", poolid);
        goto out;
    }
    if (remove && all_in(&info, &cpus, err))
        goto out;
    rc = remove ? libxl_cpupool_cpuremove_cpumap(d->ctx, poolid, &cpus)
                : libxl_cpupool_cpuadd_cpumap(d->ctx, poolid, &cpus);
    if (rc) {
        rc = xlerr_set(d, rc, err, "%s CPUs %s %s pool %s failed",
                          remove ? "taking" : "adding", spec,
                          remove ? "out of" : "to", info.pool_name);
        goto out;
    }
    log_info(&d->log, "cpupool %s: CPUs %s %s", info.pool_name, spec,
             remove ? "removed" : "added");
out:
    libxl_bitmap_dispose(&cpus);
    libxl_cpupoolinfo_dispose(&info);
    return rc ? -1 : 0;
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
        log_errx(&d->log, "domain %u: cannot unpause it after moving it "
                 "between pools", domid);
        rc = rc ? rc : ERROR_FAIL;
    }
    return rc;
}

int cpupools_migrate(struct xltd *d, uint32_t domid, uint32_t poolid,
                     struct xlt_err *err)
{
    int rc = cpupools_move_domain(d, domid, poolid);

    if (rc)
        return xlerr_set(d, rc, err, "moving domain %u to pool %u failed",
                            domid, poolid);
    log_info(&d->log, "domain %u moved to cpupool %u", domid, poolid);
    return 0;
}
