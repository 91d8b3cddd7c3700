/*
 * stats.c: one sample of the host's and its domains' counters (what
 * xltd's sampler reads through libxenstat and libxenctrl), as xltd sends
 * it (JSON) and as xlt reads it back; the rates between two samples are
 * the reader's.  Counters only: nothing here is a rate or a percentage.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "xlt.h"

/* A device's counters: the JSON member and where it is in the struct. */
struct counter {
    const char *key;
    size_t offset;
};

#define VBD(key, field) {key, offsetof(struct xlt_stats_vbd, field)}
static const struct counter vbd_counters[] = {
    VBD("read_requests", rd_reqs),   VBD("write_requests", wr_reqs),
    VBD("read_sectors", rd_sects),   VBD("write_sectors", wr_sects),
    VBD("oo_requests", oo_reqs),
};
#define VIF(key, field) {key, offsetof(struct xlt_stats_vif, field)}
static const struct counter vif_counters[] = {
    VIF("rx_bytes", rx_bytes),     VIF("rx_packets", rx_packets),
    VIF("rx_drops", rx_drops),     VIF("rx_errors", rx_errs),
    VIF("tx_bytes", tx_bytes),     VIF("tx_packets", tx_packets),
    VIF("tx_drops", tx_drops),     VIF("tx_errors", tx_errs),
};
#define N_COUNTERS(t) (sizeof(t) / sizeof((t)[0]))

static uint64_t *counter_at(void *dev, const struct counter *c)
{
    return (uint64_t *)((char *)dev + c->offset);
}

static uint64_t counter_value(const void *dev, const struct counter *c)
{
    uint64_t v;

    memcpy(&v, (const char *)dev + c->offset, sizeof(v));
    return v;
}

static void gen_counters(yajl_gen g, const void *dev,
                         const struct counter *tab, size_t n)
{
    for (size_t i = 0; i < n; i++)
        xlt_json_kv_uint(g, tab[i].key, counter_value(dev, &tab[i]));
}

void xlt_stats_init(struct xlt_stats *s)
{
    memset(s, 0, sizeof(*s));
}

static void domain_dispose(struct xlt_stats_domain *dom)
{
    free(dom->name);
    free(dom->vcpus);
    free(dom->vbds);
    free(dom->vifs);
}

void xlt_stats_dispose(struct xlt_stats *s)
{
    for (size_t i = 0; s->domains && i < s->n_domains; i++)
        domain_dispose(&s->domains[i]);
    free(s->domains);
    free(s->pcpu_idle_ns);
    xlt_stats_init(s);
}

const struct xlt_stats_domain *xlt_stats_find(const struct xlt_stats *s,
                                              const char *uuid,
                                              uint32_t domid)
{
    for (size_t i = 0; i < s->n_domains; i++)
        if (s->domains[i].domid == domid &&
            !strcmp(s->domains[i].uuid, uuid))
            return &s->domains[i];
    return NULL;
}

/* ---- to JSON ------------------------------------------------------------ */

static void gen_vcpus(yajl_gen g, const struct xlt_stats_domain *dom)
{
    xlt_json_str(g, "vcpus");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < dom->n_vcpus; i++) {
        yajl_gen_map_open(g);
        xlt_json_kv_uint(g, "id", i);
        xlt_json_kv_bool(g, "online", dom->vcpus[i].online);
        xlt_json_kv_uint(g, "cpu_ns", dom->vcpus[i].ns);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
}

static void gen_vbds(yajl_gen g, const struct xlt_stats_domain *dom)
{
    xlt_json_str(g, "vbds");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < dom->n_vbds; i++) {
        const struct xlt_stats_vbd *b = &dom->vbds[i];

        yajl_gen_map_open(g);
        xlt_json_kv_str(g, "device", b->device);
        gen_counters(g, b, vbd_counters, N_COUNTERS(vbd_counters));
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
}

static void gen_vifs(yajl_gen g, const struct xlt_stats_domain *dom)
{
    xlt_json_str(g, "vifs");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < dom->n_vifs; i++) {
        const struct xlt_stats_vif *v = &dom->vifs[i];

        yajl_gen_map_open(g);
        xlt_json_kv_uint(g, "id", v->id);
        xlt_json_kv_str(g, "bridge", v->bridge);
        gen_counters(g, v, vif_counters, N_COUNTERS(vif_counters));
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
}

static void gen_domain(yajl_gen g, const struct xlt_stats_domain *dom)
{
    yajl_gen_map_open(g);
    xlt_json_kv_uint(g, "domid", dom->domid);
    xlt_json_kv_str(g, "name", dom->name ? dom->name : "");
    xlt_json_kv_str(g, "uuid", dom->uuid);
    xlt_json_kv_str(g, "state", dom->state);
    xlt_json_kv_uint(g, "cpu_ns", dom->cpu_ns);
    xlt_json_kv_uint(g, "memory_bytes", dom->mem_bytes);
    xlt_json_kv_uint(g, "target_bytes", dom->target_bytes);
    xlt_json_kv_uint(g, "max_bytes", dom->max_bytes);
    gen_vcpus(g, dom);
    gen_vbds(g, dom);
    gen_vifs(g, dom);
    yajl_gen_map_close(g);
}

/* Is DOMID among IDS (any, when there are none)? */
static bool wanted(uint32_t domid, const uint32_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == domid)
            return true;
    return n == 0;
}

void xlt_stats_gen(yajl_gen g, const struct xlt_stats *s,
                   const uint32_t *ids, size_t n_ids)
{
    yajl_gen_map_open(g);
    xlt_json_kv_uint(g, "time_ns", s->mono_ns);
    xlt_json_kv_uint(g, "memory_total_bytes", s->mem_total);
    xlt_json_kv_uint(g, "memory_free_bytes", s->mem_free);
    xlt_json_kv_uint(g, "cpu_hz", s->cpu_hz);
    xlt_json_str(g, "cpu_idle_ns");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < s->n_pcpus; i++)
        yajl_gen_integer(g, (long long)s->pcpu_idle_ns[i]);
    yajl_gen_array_close(g);
    xlt_json_str(g, "domains");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < s->n_domains; i++)
        if (wanted(s->domains[i].domid, ids, n_ids))
            gen_domain(g, &s->domains[i]);
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
}

/* ---- from JSON ---------------------------------------------------------- */

/* KEY of OBJ as an unsigned counter; false if absent or negative. */
static bool get_u64(yajl_val obj, const char *key, uint64_t *v)
{
    yajl_val x = xlt_json_get(obj, key);

    if (!x || !YAJL_IS_INTEGER(x) || YAJL_GET_INTEGER(x) < 0)
        return false;
    *v = (uint64_t)YAJL_GET_INTEGER(x);
    return true;
}

static void parse_counters(yajl_val obj, void *dev,
                           const struct counter *tab, size_t n)
{
    for (size_t i = 0; i < n; i++)
        get_u64(obj, tab[i].key, counter_at(dev, &tab[i]));
}

/* The array KEY of OBJ, its length in *N: NULL (and 0) if absent. */
static yajl_val get_array(yajl_val obj, const char *key, size_t *n)
{
    yajl_val a = xlt_json_get(obj, key);

    *n = a && YAJL_IS_ARRAY(a) ? a->u.array.len : 0;
    return *n ? a : NULL;
}

static int parse_vcpus(yajl_val v, struct xlt_stats_domain *dom)
{
    size_t n;
    yajl_val a = get_array(v, "vcpus", &n);

    if (n && !(dom->vcpus = calloc(n, sizeof(*dom->vcpus))))
        return -1;
    for (size_t i = 0; i < n; i++) {
        yajl_val c = a->u.array.values[i];

        dom->vcpus[i].online = YAJL_IS_TRUE(xlt_json_get(c, "online"));
        get_u64(c, "cpu_ns", &dom->vcpus[i].ns);
    }
    dom->n_vcpus = n;
    return 0;
}

static int parse_vbds(yajl_val v, struct xlt_stats_domain *dom)
{
    size_t n;
    yajl_val a = get_array(v, "vbds", &n);

    if (n && !(dom->vbds = calloc(n, sizeof(*dom->vbds))))
        return -1;
    for (size_t i = 0; i < n; i++) {
        yajl_val b = a->u.array.values[i];
        struct xlt_stats_vbd *out = &dom->vbds[i];
        const char *dev = xlt_json_get_str(b, "device");

        snprintf(out->device, sizeof(out->device), "%s", dev ? dev : "?");
        parse_counters(b, out, vbd_counters, N_COUNTERS(vbd_counters));
    }
    dom->n_vbds = n;
    return 0;
}

static int parse_vifs(yajl_val v, struct xlt_stats_domain *dom)
{
    size_t n;
    yajl_val a = get_array(v, "vifs", &n);

    if (n && !(dom->vifs = calloc(n, sizeof(*dom->vifs))))
        return -1;
    for (size_t i = 0; i < n; i++) {
        yajl_val x = a->u.array.values[i];
        struct xlt_stats_vif *out = &dom->vifs[i];
        const char *bridge = xlt_json_get_str(x, "bridge");
        uint64_t id = 0;

        get_u64(x, "id", &id);
        out->id = (unsigned)id;
        snprintf(out->bridge, sizeof(out->bridge), "%s", bridge ? bridge : "");
        parse_counters(x, out, vif_counters, N_COUNTERS(vif_counters));
    }
    dom->n_vifs = n;
    return 0;
}

static int parse_domain(yajl_val v, struct xlt_stats_domain *dom)
{
    const char *name = xlt_json_get_str(v, "name");
    const char *uuid = xlt_json_get_str(v, "uuid");
    const char *state = xlt_json_get_str(v, "state");
    uint64_t domid = 0;

    get_u64(v, "domid", &domid);
    dom->domid = (uint32_t)domid;
    snprintf(dom->uuid, sizeof(dom->uuid), "%s", uuid ? uuid : "");
    snprintf(dom->state, sizeof(dom->state), "%s", state ? state : "");
    get_u64(v, "cpu_ns", &dom->cpu_ns);
    get_u64(v, "memory_bytes", &dom->mem_bytes);
    get_u64(v, "target_bytes", &dom->target_bytes);
    get_u64(v, "max_bytes", &dom->max_bytes);
    if (!(dom->name = strdup(name ? name : "")))
        return -1;
    return parse_vcpus(v, dom) || parse_vbds(v, dom) || parse_vifs(v, dom)
               ? -1
               : 0;
}

int xlt_stats_parse(yajl_val v, struct xlt_stats *s, struct xlt_err *err)
{
    size_t n;
    yajl_val a;

    xlt_stats_init(s);
    if (!v || !YAJL_IS_OBJECT(v) || !get_u64(v, "time_ns", &s->mono_ns))
        return xlt_err_set(err, "xltd's statistics have no time_ns");
    get_u64(v, "memory_total_bytes", &s->mem_total);
    get_u64(v, "memory_free_bytes", &s->mem_free);
    get_u64(v, "cpu_hz", &s->cpu_hz);
    a = get_array(v, "cpu_idle_ns", &n);
    if (n && !(s->pcpu_idle_ns = calloc(n, sizeof(*s->pcpu_idle_ns))))
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        yajl_val x = a->u.array.values[i];

        s->pcpu_idle_ns[i] = YAJL_IS_INTEGER(x) && YAJL_GET_INTEGER(x) > 0
                                 ? (uint64_t)YAJL_GET_INTEGER(x)
                                 : 0;
    }
    s->n_pcpus = n;
    a = get_array(v, "domains", &n);
    if (n && !(s->domains = calloc(n, sizeof(*s->domains))))
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        s->n_domains = i + 1;
        if (parse_domain(a->u.array.values[i], &s->domains[i]))
            goto nomem;
    }
    return 0;
nomem:
    xlt_stats_dispose(s);
    return xlt_err_set(err, "out of memory");
}
