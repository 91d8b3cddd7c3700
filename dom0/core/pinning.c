/*
 * pinning.c: vcpu-pin outlives the domain instance.  libxl's retrieved
 * config keeps the memory target and the online vCPUs across a restart,
 * but not the vCPUs' affinity.  So each vcpu-pin of a domain xltd manages
 * is kept in its store entry,
 *     "pinning": {"hard": [SPEC|null, ...], "soft": [...]}   (by vCPU)
 * and a restart applies it again to the config it starts from.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* Item I of OLD's KEY array, if a string. */
static const char *old_spec(yajl_val old, const char *key, size_t i)
{
    yajl_val arr = xlt_json_get(old, key);

    if (!YAJL_IS_ARRAY(arr) || i >= arr->u.array.len ||
        !YAJL_IS_STRING(arr->u.array.values[i]))
        return NULL;
    return arr->u.array.values[i]->u.string;
}

/* KEY: [...] with SPEC (NULL: unchanged) at VCPU (-1: every one). */
static void gen_specs(yajl_gen g, yajl_val old, const char *key,
                      long long vcpu, int max_vcpus, const char *spec)
{
    xlt_json_str(g, key);
    yajl_gen_array_open(g);
    for (int i = 0; i < max_vcpus; i++) {
        const char *s = old_spec(old, key, (size_t)i);
        if (spec && (vcpu < 0 || vcpu == i))
            s = spec;
        if (s)
            xlt_json_str(g, s);
        else
            yajl_gen_null(g);
    }
    yajl_gen_array_close(g);
}

int pinning_record(struct xltd *d, uint32_t domid, const libxl_uuid *uuid,
                   long long vcpu, int max_vcpus, const char *hard,
                   const char *soft)
{
    yajl_val entry = NULL, value = NULL;
    yajl_gen g = NULL;
    char *text = NULL;
    int rc = -1;

    if (!store_has(d, uuid))
        return 0; /* not xltd's: nothing to keep */
    if (store_get(d, uuid, &entry))
        goto out;
    g = xlt_json_gen_new();
    if (!g)
        goto out;
    yajl_gen_map_open(g);
    gen_specs(g, xlt_json_get(entry, "pinning"), "hard", vcpu, max_vcpus,
              hard);
    gen_specs(g, xlt_json_get(entry, "pinning"), "soft", vcpu, max_vcpus,
              soft);
    yajl_gen_map_close(g);
    text = xlt_json_gen_take(g);
    value = text ? yajl_tree_parse(text, NULL, 0) : NULL;
    rc = value ? store_set(d, uuid, "pinning", value) : -1;
out:
    if (rc)
        log_errx(&d->log, "domain %u: could not keep its pinning in the "
                 "store", domid);
    if (g)
        yajl_gen_free(g);
    yajl_tree_free(value);
    yajl_tree_free(entry);
    free(text);
    return rc;
}

/* Grow *MAPS (of *N) to N_WANT maps, the new ones allowing every CPU. */
static int grow_maps(libxl_bitmap **maps, int *n, int n_want,
                     const struct xlt_topology *t)
{
    libxl_bitmap *grown;

    if (*n >= n_want)
        return 0;
    grown = realloc(*maps, (size_t)n_want * sizeof(**maps));
    if (!grown)
        return -1;
    *maps = grown;
    for (; *n < n_want; (*n)++) {
        libxl_bitmap_init(&grown[*n]);
        if (xlt_cpumap_alloc(&grown[*n], t))
            return -1;
        libxl_bitmap_set_any(&grown[*n]);
    }
    return 0;
}

static int apply_specs(struct xltd *d, libxl_domain_config *cfg,
                       yajl_val pinning, const char *key, libxl_bitmap **maps,
                       int *n, const struct xlt_topology *t)
{
    struct xlt_err err;

    for (int i = 0; i < cfg->b_info.max_vcpus; i++) {
        const char *spec = old_spec(pinning, key, (size_t)i);
        if (!spec)
            continue;
        if (grow_maps(maps, n, cfg->b_info.max_vcpus, t))
            return -1;
        if (xlt_cpumap_parse(spec, t, &(*maps)[i], &err))
            log_warnx(&d->log, "%s: vCPU %d: kept %s affinity %s no longer "
                      "fits this host (%s); left out", cfg->c_info.name, i,
                      key, spec, err.msg);
    }
    return 0;
}

int pinning_apply(struct xltd *d, libxl_domain_config *cfg)
{
    libxl_domain_build_info *b = &cfg->b_info;
    struct xlt_topology t = {0};
    yajl_val entry = NULL, pinning;
    int rc = 0;

    if (store_get(d, &cfg->c_info.uuid, &entry))
        return 0;
    pinning = xlt_json_get(entry, "pinning");
    if (!YAJL_IS_OBJECT(pinning))
        goto out;
    rc = -1;
    if (topology_read(d, &t) ||
        apply_specs(d, cfg, pinning, "hard", &b->vcpu_hard_affinity,
                    &b->num_vcpu_hard_affinity, &t) ||
        apply_specs(d, cfg, pinning, "soft", &b->vcpu_soft_affinity,
                    &b->num_vcpu_soft_affinity, &t)) {
        log_errx(&d->log, "%s: could not apply its kept pinning",
                 cfg->c_info.name);
        goto out;
    }
    libxl_defbool_set(&b->numa_placement, false);
    log_info(&d->log, "%s: kept vCPU pinning applied", cfg->c_info.name);
    rc = 0;
out:
    xlt_topology_dispose(&t);
    yajl_tree_free(entry);
    return rc;
}
