/*
 * config_cpus.c: cpus= and cpus_soft=, the vCPUs' hard and soft affinity.
 *
 * As xl: a string gives every vCPU (up to maxvcpus) the same map; a list
 * gives vCPU i the map of item i (extra items are ignored, vCPUs without
 * one keep libxl's default).  A list, or a soft string, turns libxl's
 * automatic NUMA placement off.  (Without vcpus= or maxvcpus=, xl writes
 * a string's map past an empty array; xlt gives it to libxl's one vCPU.)
 *
 * dedicated_cpus=1 is xlt's own: xltd gives each vCPU a physical CPU of its
 * own when it creates the domain, so it takes the place of cpus=,
 * cpus_soft= and pool=, and sets nothing in libxl's config here.
 */
#include <stdlib.h>

#include "config_parse.h"

/* One map, or the error "FILE:LINE: KEY: ..." naming the vCPU of a list. */
static int parse_map(struct parse *p, const char *key, const char *spec,
                     int vcpu, libxl_bitmap *map)
{
    struct xlt_err why;

    if (!xlt_cpumap_parse(spec, p->topo, map, &why))
        return 0;
    if (vcpu < 0)
        return xlt_cfgfile_bad(p->cf, p->err, key, "%s", why.msg);
    return xlt_cfgfile_bad(p->cf, p->err, key, "vCPU %d: %s", vcpu, why.msg);
}

static int affinity_from_list(struct parse *p, const char *key,
                              XLU_ConfigList *list, int n, libxl_bitmap *maps)
{
    const char *item;

    for (int i = 0; i < n; i++) {
        item = xlu_cfg_get_listitem(list, i);
        if (!item)
            return xlt_cfgfile_bad(p->cf, p->err, key, "vCPU %d: not a "
                                   "string", i);
        if (parse_map(p, key, item, i, &maps[i]))
            return -1;
    }
    return 0;
}

static int affinity_from_string(struct parse *p, const char *key, int n,
                                libxl_bitmap *maps)
{
    const char *spec;
    int rc = xlt_cfgfile_string(p->cf, key, &spec, p->err);

    if (rc)
        return -1;
    if (parse_map(p, key, spec, -1, &maps[0]))
        return -1;
    for (int i = 1; i < n; i++) {
        if (xlt_cpumap_alloc(&maps[i], p->topo))
            return xlt_err_set(p->err, "%s: out of memory", key);
        libxl_bitmap_copy(NULL, &maps[i], &maps[0]);
    }
    return 0;
}

/* KEY into *MAPS_R / *N_R (which the caller's config owns from the start,
 * so that it disposes them whatever happens). */
static int parse_affinity(struct parse *p, const char *key,
                          libxl_bitmap **maps_r, int *n_r, bool hard)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    XLU_ConfigList *list = NULL;
    int n = b->max_vcpus ? b->max_vcpus : 1, items = 0; /* libxl's default */

    if (!xlt_cfgfile_is_set(p->cf, key))
        return 0;
    if (!p->topo)
        return xlt_cfgfile_bad(p->cf, p->err, key, "needs the host's CPUs, "
                               "which xlt asks xltd for: is xltd running?");
    if (xlt_cfgfile_list(p->cf, key, &list, &items, p->err) == 0 &&
        items < n)
        n = items;
    *maps_r = n ? calloc((size_t)n, sizeof(**maps_r)) : NULL;
    if (n && !*maps_r)
        return xlt_err_set(p->err, "%s: out of memory", key);
    *n_r = n;
    for (int i = 0; i < n; i++)
        libxl_bitmap_init(&(*maps_r)[i]);
    if (list ? affinity_from_list(p, key, list, n, *maps_r)
             : affinity_from_string(p, key, n, *maps_r))
        return -1;
    if (list || !hard)
        libxl_defbool_set(&b->numa_placement, false);
    return 0;
}

int config_parse_cpus(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;

    if (parse_affinity(p, "cpus", &b->vcpu_hard_affinity,
                       &b->num_vcpu_hard_affinity, true))
        return -1;
    return parse_affinity(p, "cpus_soft", &b->vcpu_soft_affinity,
                          &b->num_vcpu_soft_affinity, false);
}

/* dedicated_cpus= (0 or 1) into *ON; with 1, no key that pins or pools. */
static int dedicated_from(struct xlt_cfgfile *cf, bool *on,
                          struct xlt_err *err)
{
    static const char *const rivals[] = {"cpus", "cpus_soft", "pool"};
    char where[256];
    long v = 0;

    *on = false;
    if (xlt_cfgfile_long(cf, "dedicated_cpus", 0, 1, &v, err) < 0)
        return -1;
    for (size_t i = 0; v && i < ARRAY_LEN(rivals); i++)
        if (xlt_cfgfile_is_set(cf, rivals[i]))
            return xlt_cfgfile_bad(cf, err, "dedicated_cpus", "xltd picks "
                                   "the CPUs and the pool: drop %s= (%s)",
                                   rivals[i],
                                   xlt_cfgfile_where(cf, rivals[i], where,
                                                     sizeof(where)));
    *on = v == 1;
    return 0;
}

int config_parse_dedicated(struct parse *p)
{
    bool on;

    return dedicated_from(p->cf, &on, p->err);
}

int xlt_config_dedicated(const char *path, const char *text, size_t len,
                         size_t file_len, bool *on, struct xlt_err *err)
{
    struct xlt_cfgfile *cf = NULL;
    int rc = xlt_cfgfile_open(&cf, path, text, len, file_len, err);

    *on = false;
    if (!rc)
        rc = dedicated_from(cf, on, err);
    xlt_cfgfile_close(cf);
    return rc;
}
