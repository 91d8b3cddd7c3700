/*
 * dedicated.c: dedicated cores.  Each vCPU of a dedicated domain gets a
 * physical CPU of its own.  The CPUs leave Pool-0, where dom0 and every
 * other domain run, for the CPU pool "xlt-dedicated"; the domain runs in
 * that pool with vCPU i hard-pinned to its CPU, so Xen itself keeps
 * everyone else off those CPUs.  Pool-0 always keeps one CPU for dom0.
 *
 * Who holds which CPU is read back from Xen each time (the pool's domains
 * and their vCPUs' affinity), so nothing kept here can go stale.  Only the
 * CPUs of creates still under way are remembered (d->dedicated_pending).
 * A CPU of the pool that nobody holds goes back to Pool-0; an empty pool
 * is destroyed.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

#define DEDICATED_POOL "xlt-dedicated"

/* The pool's id: 0 if it exists, 1 if not. */
static int pool_find(struct xltd *d, uint32_t *poolid)
{
    return libxl_name_to_cpupoolid(d->ctx, DEDICATED_POOL, poolid) ? 1 : 0;
}

static bool pending_has(const struct xltd *d, int cpu)
{
    return cpu < (int)d->dedicated_pending.size * 8 &&
           libxl_bitmap_test(&d->dedicated_pending, cpu);
}

/* Call FN for each vCPU of each domain in POOLID, but not of the dying
 * (a destroyed domain lingers while Xen frees its memory; its CPUs are
 * free for the restart that follows). */
typedef void vcpu_fn(const libxl_dominfo *dom, const libxl_vcpuinfo *v,
                     void *arg);

static int each_pool_vcpu(struct xltd *d, uint32_t poolid, vcpu_fn *fn,
                          void *arg)
{
    int n_dom = 0;
    libxl_dominfo *doms = libxl_list_domain(d->ctx, &n_dom);

    if (!doms)
        return -1;
    for (int i = 0; i < n_dom; i++) {
        int n_vcpu = 0, n_cpu = 0;
        libxl_vcpuinfo *v;

        if (doms[i].cpupool != poolid || doms[i].dying)
            continue;
        v = libxl_list_vcpu(d->ctx, doms[i].domid, &n_vcpu, &n_cpu);
        if (!v)
            continue; /* gone meanwhile */
        for (int j = 0; j < n_vcpu; j++)
            fn(&doms[i], &v[j], arg);
        libxl_vcpuinfo_list_free(v, n_vcpu);
    }
    libxl_dominfo_list_free(doms, n_dom);
    return 0;
}

static void add_hard(const libxl_dominfo *dom, const libxl_vcpuinfo *v,
                     void *arg)
{
    libxl_bitmap *held = arg;
    int cpu;

    (void)dom;
    libxl_for_each_set_bit(cpu, v->cpumap)
        if (cpu < (int)held->size * 8)
            libxl_bitmap_set(held, cpu);
}

/* The CPUs of the pool some domain may run on, or a create is taking. */
static int held_cpus(struct xltd *d, uint32_t poolid, libxl_bitmap *held)
{
    int cpu;

    if (xlt_bitmap_alloc(held, libxl_get_max_cpus(d->ctx)) ||
        each_pool_vcpu(d, poolid, add_hard, held))
        return -1;
    for (cpu = 0; cpu < (int)held->size * 8; cpu++)
        if (pending_has(d, cpu))
            libxl_bitmap_set(held, cpu);
    return 0;
}

/* Move CPU from pool FROM to pool TO. */
static int move_cpu(struct xltd *d, int cpu, uint32_t from, uint32_t to)
{
    if (libxl_cpupool_cpuremove(d->ctx, from, cpu))
        return -1;
    if (libxl_cpupool_cpuadd(d->ctx, to, cpu)) {
        libxl_cpupool_cpuadd(d->ctx, from, cpu);
        return -1;
    }
    return 0;
}

void dedicated_rebalance(struct xltd *d)
{
    libxl_cpupoolinfo pool;
    libxl_bitmap held;
    uint32_t poolid;
    int cpu;

    libxl_cpupoolinfo_init(&pool);
    libxl_bitmap_init(&held);
    if (pool_find(d, &poolid) || libxl_cpupool_info(d->ctx, &pool, poolid) ||
        held_cpus(d, poolid, &held))
        goto out;
    libxl_for_each_set_bit(cpu, pool.cpumap) {
        if (cpu < (int)held.size * 8 && libxl_bitmap_test(&held, cpu))
            continue;
        if (move_cpu(d, cpu, poolid, 0)) {
            struct xlt_err err;
            xlerr_set(d, ERROR_FAIL, &err, "CPU %d: cannot give it back "
                         "to Pool-0 yet", cpu);
            log_warnx(&d->log, "%s", err.msg);
        } else
            log_info(&d->log, "CPU %d: no longer dedicated, back in Pool-0",
                     cpu);
    }
    libxl_cpupoolinfo_dispose(&pool);
    libxl_cpupoolinfo_init(&pool);
    if (!libxl_cpupool_info(d->ctx, &pool, poolid) && pool.n_dom == 0 &&
        libxl_bitmap_is_empty(&pool.cpumap) &&
        libxl_bitmap_is_empty(&d->dedicated_pending) &&
        !libxl_cpupool_destroy(d->ctx, poolid))
        log_info(&d->log, "cpupool %s destroyed: no dedicated domains left",
                 DEDICATED_POOL);
out:
    libxl_bitmap_dispose(&held);
    libxl_cpupoolinfo_dispose(&pool);
}

int dedicated_init(struct xltd *d)
{
    libxl_bitmap_init(&d->dedicated_pending);
    if (xlt_bitmap_alloc(&d->dedicated_pending, libxl_get_max_cpus(d->ctx))) {
        log_errx(&d->log, "out of memory");
        return -1;
    }
    dedicated_rebalance(d);
    return 0;
}

/* ---- choosing CPUs ------------------------------------------------------- */

struct choice {
    libxl_bitmap cpus; /* chosen */
    int n;             /* how many chosen */
    int want;
};

static void choose(struct choice *c, int cpu)
{
    if (c->n < c->want && !libxl_bitmap_test(&c->cpus, cpu)) {
        libxl_bitmap_set(&c->cpus, cpu);
        c->n++;
    }
}

/* What the host's CPUs are doing, for the refusal. */
static void explain(struct xltd *d, const libxl_bitmap *pool0,
                    const libxl_bitmap *taken, char *buf, size_t size)
{
    int max_cpus = libxl_get_max_cpus(d->ctx);
    char *p0 = xlt_cpumap_format(pool0, max_cpus);
    char *t = xlt_cpumap_format(taken, max_cpus);

    snprintf(buf, size, "Pool-0 (dom0 and the other domains) has CPUs %s "
             "and keeps one; CPUs dedicated already: %s",
             p0 && *p0 ? p0 : "none",
             t && *t && !libxl_bitmap_is_empty(taken) ? t : "none");
    free(p0);
    free(t);
}

/* WANT CPUs for NAME: the pool's unheld ones first (a restart gets its
 * own back), then free ones, then Pool-0's from the highest down. */
static int pick(struct xltd *d, const char *name, struct choice *c,
                struct xlt_err *err)
{
    libxl_cpupoolinfo pool0, pool;
    libxl_bitmap held, free_cpus;
    uint32_t poolid;
    bool have_pool = pool_find(d, &poolid) == 0;
    int cpu, rc = -1, left;
    char why[256];

    libxl_cpupoolinfo_init(&pool0);
    libxl_cpupoolinfo_init(&pool);
    libxl_bitmap_init(&held);
    libxl_bitmap_init(&free_cpus);
    if (libxl_cpupool_info(d->ctx, &pool0, 0) ||
        libxl_get_freecpus(d->ctx, &free_cpus) ||
        (have_pool && (libxl_cpupool_info(d->ctx, &pool, poolid) ||
                       held_cpus(d, poolid, &held)))) {
        xlt_err_set(err, "cannot read the host's CPU pools");
        goto out;
    }
    if (have_pool)
        libxl_for_each_set_bit(cpu, pool.cpumap)
            if (!libxl_bitmap_test(&held, cpu))
                choose(c, cpu);
    libxl_for_each_set_bit(cpu, free_cpus)
        choose(c, cpu);
    left = libxl_bitmap_count_set(&pool0.cpumap);
    for (cpu = (int)pool0.cpumap.size * 8 - 1; cpu >= 0 && left > 1; cpu--)
        if (libxl_bitmap_test(&pool0.cpumap, cpu)) {
            choose(c, cpu);
            left--;
        }
    if (c->n < c->want) {
        explain(d, &pool0.cpumap, &held, why,
                sizeof(why));
        xlt_err_set(err, "cannot dedicate %d CPU(s) to %s: only %d free. %s",
                    c->want, name, c->n, why);
        goto out;
    }
    rc = 0;
out:
    libxl_cpupoolinfo_dispose(&pool0);
    libxl_cpupoolinfo_dispose(&pool);
    libxl_bitmap_dispose(&held);
    libxl_bitmap_dispose(&free_cpus);
    return rc;
}

/* The pool, created empty (with Pool-0's scheduler) if need be. */
static int pool_get(struct xltd *d, uint32_t *poolid, struct xlt_err *err)
{
    libxl_bitmap none;
    libxl_uuid uuid;
    int rc;

    if (pool_find(d, poolid) == 0)
        return 0;
    libxl_bitmap_init(&none);
    *poolid = LIBXL_CPUPOOL_POOLID_ANY;
    libxl_uuid_generate(&uuid);
    rc = xlt_bitmap_alloc(&none, libxl_get_max_cpus(d->ctx)) ||
         libxl_cpupool_create(d->ctx, DEDICATED_POOL,
                              (libxl_scheduler)libxl_get_scheduler(d->ctx),
                              none, &uuid, poolid);
    libxl_bitmap_dispose(&none);
    if (rc)
        return xlerr_set(d, ERROR_FAIL, err, "cannot create CPU pool %s",
                            DEDICATED_POOL);
    log_info(&d->log, "cpupool %s (%u) created", DEDICATED_POOL, *poolid);
    return 0;
}

static void unpend(struct xltd *d, const libxl_bitmap *cpus)
{
    int cpu;

    libxl_for_each_set_bit(cpu, *cpus)
        if (pending_has(d, cpu))
            libxl_bitmap_reset(&d->dedicated_pending, cpu);
}

/* CPU into pool POOLID: from the free CPUs (FREE_CPUS) or from Pool-0. */
static int take_cpu(struct xltd *d, int cpu, const libxl_bitmap *free_cpus,
                    uint32_t poolid)
{
    if (cpu < (int)free_cpus->size * 8 && libxl_bitmap_test(free_cpus, cpu))
        return libxl_cpupool_cpuadd(d->ctx, poolid, cpu);
    return move_cpu(d, cpu, 0, poolid);
}

/* Take WANT CPUs for NAME into the pool, as *CHOSEN; they stay pending
 * (out of other creates' reach) until the create is done. */
static int reserve(struct xltd *d, const char *name, int want,
                   libxl_bitmap *chosen, uint32_t *poolid,
                   struct xlt_err *err)
{
    struct choice c = {.want = want};
    libxl_cpupoolinfo pool;
    libxl_bitmap free_cpus;
    int cpu, rc = -1;

    libxl_cpupoolinfo_init(&pool);
    libxl_bitmap_init(&c.cpus);
    libxl_bitmap_init(&free_cpus);
    if (xlt_bitmap_alloc(&c.cpus, libxl_get_max_cpus(d->ctx))) {
        xlt_err_set(err, "out of memory");
        goto out;
    }
    if (pick(d, name, &c, err) || pool_get(d, poolid, err))
        goto out;
    if (libxl_cpupool_info(d->ctx, &pool, *poolid) ||
        libxl_get_freecpus(d->ctx, &free_cpus)) {
        xlt_err_set(err, "cannot read the host's CPU pools");
        goto out;
    }
    libxl_for_each_set_bit(cpu, c.cpus)
        libxl_bitmap_set(&d->dedicated_pending, cpu);
    libxl_for_each_set_bit(cpu, c.cpus) {
        if (libxl_bitmap_test(&pool.cpumap, cpu) ||
            !take_cpu(d, cpu, &free_cpus, *poolid))
            continue;
        xlerr_set(d, ERROR_FAIL, err, "cannot move CPU %d to pool %s",
                     cpu, DEDICATED_POOL);
        unpend(d, &c.cpus);
        dedicated_rebalance(d);
        goto out;
    }
    *chosen = c.cpus;
    libxl_bitmap_init(&c.cpus);
    rc = 0;
out:
    libxl_bitmap_dispose(&c.cpus);
    libxl_bitmap_dispose(&free_cpus);
    libxl_cpupoolinfo_dispose(&pool);
    return rc;
}

/* ---- for a create -------------------------------------------------------- */

/* No hard or soft affinity in B: libxl's defaults. */
static void drop_affinity(libxl_domain_build_info *b)
{
    for (int j = 0; j < b->num_vcpu_hard_affinity; j++)
        libxl_bitmap_dispose(&b->vcpu_hard_affinity[j]);
    for (int j = 0; j < b->num_vcpu_soft_affinity; j++)
        libxl_bitmap_dispose(&b->vcpu_soft_affinity[j]);
    free(b->vcpu_hard_affinity);
    free(b->vcpu_soft_affinity);
    b->vcpu_hard_affinity = b->vcpu_soft_affinity = NULL;
    b->num_vcpu_hard_affinity = b->num_vcpu_soft_affinity = 0;
}

/* CFG's vCPU I hard-pinned to the I-th CPU of CPUS, no soft affinity. */
static int pin_config(libxl_domain_config *cfg, const libxl_bitmap *cpus,
                      int max_cpus)
{
    libxl_domain_build_info *b = &cfg->b_info;
    int n = b->max_vcpus ? b->max_vcpus : 1, i = 0, cpu;

    drop_affinity(b);
    b->vcpu_hard_affinity = calloc((size_t)n, sizeof(libxl_bitmap));
    if (!b->vcpu_hard_affinity)
        return -1;
    libxl_for_each_set_bit(cpu, *cpus) {
        libxl_bitmap_init(&b->vcpu_hard_affinity[i]);
        if (xlt_bitmap_alloc(&b->vcpu_hard_affinity[i], max_cpus))
            return -1;
        libxl_bitmap_set(&b->vcpu_hard_affinity[i], cpu);
        b->num_vcpu_hard_affinity = ++i;
    }
    libxl_defbool_set(&b->numa_placement, false);
    return 0;
}

int dedicated_reserve(struct xltd *d, libxl_domain_config *cfg,
                      struct xlt_err *err)
{
    libxl_bitmap cpus;
    uint32_t poolid;
    int want = cfg->b_info.max_vcpus ? cfg->b_info.max_vcpus : 1, rc = -1;
    char *list = NULL;

    libxl_bitmap_init(&cpus);
    if (reserve(d, cfg->c_info.name, want, &cpus, &poolid, err))
        goto out;
    free(cfg->c_info.pool_name);
    cfg->c_info.pool_name = strdup(DEDICATED_POOL);
    cfg->c_info.poolid = poolid;
    if (!cfg->c_info.pool_name ||
        pin_config(cfg, &cpus, libxl_get_max_cpus(d->ctx))) {
        xlt_err_set(err, "out of memory");
        unpend(d, &cpus);
        dedicated_rebalance(d);
        goto out;
    }
    list = xlt_cpumap_format(&cpus, libxl_get_max_cpus(d->ctx));
    log_info(&d->log, "%s: CPUs %s dedicated to it", cfg->c_info.name,
             list ? list : "?");
    rc = 0;
out:
    free(list);
    libxl_bitmap_dispose(&cpus);
    return rc;
}

/* CFG's vCPUs may run anywhere, in Pool-0. */
static void unpin_config(libxl_domain_config *cfg)
{
    drop_affinity(&cfg->b_info);
    free(cfg->c_info.pool_name);
    cfg->c_info.pool_name = NULL;
    cfg->c_info.poolid = 0;
}

int dedicated_restart(struct xltd *d, libxl_domain_config *cfg,
                      struct xlt_err *err)
{
    if (store_get_bool(d, &cfg->c_info.uuid, "dedicated"))
        return dedicated_reserve(d, cfg, err);
    if (cfg->c_info.pool_name &&
        !strcmp(cfg->c_info.pool_name, DEDICATED_POOL))
        unpin_config(cfg);
    return 0;
}

void dedicated_started(struct xltd *d, const libxl_domain_config *cfg)
{
    const libxl_domain_build_info *b = &cfg->b_info;
    uint32_t poolid;

    if (pool_find(d, &poolid) || cfg->c_info.poolid != poolid)
        return;
    for (int i = 0; i < b->num_vcpu_hard_affinity; i++)
        unpend(d, &b->vcpu_hard_affinity[i]);
    dedicated_rebalance(d);
}

bool dedicated_domain(struct xltd *d, const libxl_dominfo *info)
{
    uint32_t poolid;

    return pool_find(d, &poolid) == 0 && info->cpupool == poolid;
}

/* ---- the layout, for info ------------------------------------------------ */

struct layout {
    libxl_ctx *ctx;
    char text[1024];
    size_t len;
};

static void add_layout(const libxl_dominfo *dom, const libxl_vcpuinfo *v,
                       void *arg)
{
    struct layout *l = arg;
    char *name = libxl_domid_to_name(l->ctx, dom->domid);
    int cpu = -1, c, n;

    libxl_for_each_set_bit(c, v->cpumap)
        cpu = cpu == -1 ? c : -2; /* -2: more than one */
    if (cpu >= 0)
        n = snprintf(l->text + l->len, sizeof(l->text) - l->len,
                     "%s%d=%s/%u", l->len ? " " : "", cpu,
                     name ? name : "?", v->vcpuid);
    else
        n = snprintf(l->text + l->len, sizeof(l->text) - l->len,
                     "%s?=%s/%u", l->len ? " " : "", name ? name : "?",
                     v->vcpuid);
    if (n > 0 && (size_t)n < sizeof(l->text) - l->len)
        l->len += (size_t)n;
    free(name);
}

void dedicated_gen_info(struct xltd *d, yajl_gen g)
{
    libxl_cpupoolinfo pool0;
    struct layout l = {.ctx = d->ctx, .len = 0};
    uint32_t poolid;
    char *shared;

    libxl_cpupoolinfo_init(&pool0);
    if (!libxl_cpupool_info(d->ctx, &pool0, 0)) {
        shared = xlt_cpumap_format(&pool0.cpumap, libxl_get_max_cpus(d->ctx));
        xlt_json_kv_str(g, "shared_cpus", shared ? shared : "?");
        free(shared);
    }
    libxl_cpupoolinfo_dispose(&pool0);
    l.text[0] = '\0';
    if (pool_find(d, &poolid) == 0)
        each_pool_vcpu(d, poolid, add_layout, &l);
    xlt_json_kv_str(g, "dedicated_cpus", l.len ? l.text : "none");
}

/* ---- vcpu-dedicate: a running domain ------------------------------------ */

/* Every vCPU of DOMID (MAX_ID + 1 of them) may run anywhere again. */
static void unpin_all(struct xltd *d, uint32_t domid, uint32_t max_id)
{
    libxl_bitmap all;

    libxl_bitmap_init(&all);
    if (!xlt_bitmap_alloc(&all, libxl_get_max_cpus(d->ctx))) {
        libxl_bitmap_set_any(&all);
        libxl_set_vcpuaffinity_all(d->ctx, domid, max_id + 1, &all, &all);
    }
    libxl_bitmap_dispose(&all);
}

/* vCPU I of DOMID hard-pinned to the I-th CPU of CPUS. */
static int pin_live(struct xltd *d, uint32_t domid, const libxl_bitmap *cpus)
{
    libxl_bitmap one;
    uint32_t vcpu = 0;
    int cpu, rc = 0;

    libxl_bitmap_init(&one);
    if (xlt_bitmap_alloc(&one, libxl_get_max_cpus(d->ctx)))
        return -1;
    libxl_for_each_set_bit(cpu, *cpus) {
        libxl_bitmap_set_none(&one);
        libxl_bitmap_set(&one, cpu);
        rc = libxl_set_vcpuaffinity(d->ctx, domid, vcpu++, &one, NULL);
        if (rc)
            break;
    }
    libxl_bitmap_dispose(&one);
    return rc;
}

static int dedicate_live(struct xltd *d, const libxl_dominfo *info,
                         const char *name, libxl_bitmap *cpus,
                         struct xlt_err *err)
{
    uint32_t poolid;

    if (reserve(d, name, (int)info->vcpu_max_id + 1, cpus, &poolid, err))
        return -1;
    if (cpupools_move_domain(d, info->domid, poolid) ||
        pin_live(d, info->domid, cpus)) {
        xlerr_set(d, ERROR_FAIL, err, "moving %s onto its CPUs failed",
                     name);
        cpupools_move_domain(d, info->domid, 0);
        unpin_all(d, info->domid, info->vcpu_max_id);
        unpend(d, cpus);
        dedicated_rebalance(d);
        return -1;
    }
    unpend(d, cpus);
    return 0;
}

static int release_live(struct xltd *d, const libxl_dominfo *info,
                        const char *name, struct xlt_err *err)
{
    if (cpupools_move_domain(d, info->domid, 0))
        return xlerr_set(d, ERROR_FAIL, err, "moving %s back to Pool-0 "
                            "failed", name);
    unpin_all(d, info->domid, info->vcpu_max_id);
    dedicated_rebalance(d);
    return 0;
}

int dedicated_change(struct xltd *d, uint32_t domid, bool release,
                     char **cpus_r, struct xlt_err *err)
{
    libxl_bitmap cpus;
    libxl_dominfo info;
    char *name = libxl_domid_to_name(d->ctx, domid);
    const char *who = name ? name : "?";
    int rc = -1;

    *cpus_r = NULL;
    libxl_bitmap_init(&cpus);
    libxl_dominfo_init(&info);
    if (domid == 0 || libxl_domain_info(d->ctx, &info, domid)) {
        xlt_err_set(err, domid ? "cannot read domain %u"
                    : "domain %u (dom0) always shares Pool-0", domid);
        goto out;
    }
    if (release != dedicated_domain(d, &info)) {
        xlt_err_set(err, release ? "%s has no dedicated CPUs"
                    : "%s has dedicated CPUs already (vcpu-list shows them)",
                    who);
        goto out;
    }
    if (release ? release_live(d, &info, who, err)
                : dedicate_live(d, &info, who, &cpus, err))
        goto out;
    if (store_has(d, &info.uuid))
        store_set_bool(d, &info.uuid, "dedicated", !release);
    *cpus_r = release ? NULL
                      : xlt_cpumap_format(&cpus, libxl_get_max_cpus(d->ctx));
    log_info(&d->log, "%s (%u): %s%s", who, domid,
             release ? "back in Pool-0" : "dedicated CPUs ",
             *cpus_r ? *cpus_r : "");
    rc = 0;
out:
    free(name);
    libxl_bitmap_dispose(&cpus);
    libxl_dominfo_dispose(&info);
    return rc;
}
