/*
 * cpumap.c: xl's CPU list syntax ("0-3,^2", "all", "node:1", "nodes:0-1")
 * into a libxl_bitmap sized for the host, as libxl_cpu_bitmap_alloc()
 * would size it.  The host's shape comes in a struct xlt_topology, so the
 * parsing needs no libxl context (xltd fills one from libxl).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xlt.h"

int xlt_bitmap_alloc(libxl_bitmap *map, int bits)
{
    libxl_bitmap_dispose(map);
    libxl_bitmap_init(map);
    map->map = calloc((size_t)(bits + 7) / 8, 1);
    if (!map->map)
        return -1;
    map->size = (uint32_t)(bits + 7) / 8;
    return 0;
}

int xlt_cpumap_alloc(libxl_bitmap *map, const struct xlt_topology *topo)
{
    return xlt_bitmap_alloc(map, topo->max_cpus);
}

int xlt_range_parse(const char *s, unsigned long *lo, unsigned long *hi)
{
    char *end;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    *lo = *hi = strtoul(s, &end, 10);
    if (*end == '-') {
        s = end + 1;
        if (*s < '0' || *s > '9')
            return -1;
        *hi = strtoul(s, &end, 10);
    }
    return errno || *end || *hi < *lo ? -1 : 0;
}

static void set_cpu(libxl_bitmap *map, int cpu, bool on)
{
    if (on)
        libxl_bitmap_set(map, cpu);
    else
        libxl_bitmap_reset(map, cpu);
}

static int set_node(libxl_bitmap *map, const struct xlt_topology *topo,
                    unsigned long node, bool on)
{
    int found = 0;

    for (int cpu = 0; cpu < topo->max_cpus; cpu++)
        if (topo->node_of_cpu[cpu] == (int)node) {
            set_cpu(map, cpu, on);
            found++;
        }
    return found ? 0 : -1;
}

/* One comma-separated item: [^][node:|nodes:](all|N|N-M). */
static int apply_item(const char *item, const struct xlt_topology *topo,
                      libxl_bitmap *map, struct xlt_err *err)
{
    const char *s = item;
    bool on = true, nodes = false;
    unsigned long lo, hi;

    if (*s == '^') {
        on = false;
        s++;
    }
    if (!strncmp(s, "node:", 5) || !strncmp(s, "nodes:", 6)) {
        nodes = true;
        s = strchr(s, ':') + 1;
    }
    if (!strcmp(s, "all")) {
        if (!on)
            return xlt_err_set(err, "'%s': \"^\" and \"all\" do not go "
                               "together", item);
        libxl_bitmap_set_any(map);
        return 0;
    }
    if (xlt_range_parse(s, &lo, &hi))
        return xlt_err_set(err, "'%s' is not a CPU, a range of CPUs (2-5), "
                           "node:N or all", item);
    if (!nodes && hi >= (unsigned long)topo->max_cpus)
        return xlt_err_set(err, "'%s': the host has CPUs 0-%d", item,
                           topo->max_cpus - 1);
    if (nodes && hi >= (unsigned long)topo->nr_nodes)
        return xlt_err_set(err, "'%s': the host's NUMA nodes are 0-%d",
                           item, topo->nr_nodes - 1);
    for (unsigned long i = lo; i <= hi; i++) {
        if (!nodes)
            set_cpu(map, (int)i, on);
        else if (set_node(map, topo, i, on))
            return xlt_err_set(err, "'%s': node %lu has no CPU", item, i);
    }
    return 0;
}

int xlt_cpumap_parse(const char *spec, const struct xlt_topology *topo,
                     libxl_bitmap *map, struct xlt_err *err)
{
    char *copy = NULL, *item, *save = NULL;
    int rc = -1;

    if (xlt_cpumap_alloc(map, topo))
        return xlt_err_set(err, "out of memory");
    copy = strdup(spec);
    if (!copy) {
        xlt_err_set(err, "out of memory");
        goto out;
    }
    if (!*spec) {
        xlt_err_set(err, "no CPUs given");
        goto out;
    }
    for (item = strtok_r(copy, ",", &save); item;
         item = strtok_r(NULL, ",", &save))
        if (apply_item(item, topo, map, err))
            goto out;
    rc = 0;
out:
    free(copy);
    return rc;
}

/* ---- printing ------------------------------------------------------- */

/* "all" when every CPU of the host is in MAP, else ranges: "0-3,6". */
char *xlt_cpumap_format(const libxl_bitmap *map, int max_cpus)
{
    size_t size = 16 + (size_t)max_cpus * 12, len = 0;
    char *out = malloc(size);
    int cpu = 0, all = 1;

    if (!out)
        return NULL;
    out[0] = '\0';
    for (int i = 0; i < max_cpus; i++)
        all &= libxl_bitmap_test(map, i);
    if (all && max_cpus > 0) {
        snprintf(out, size, "all");
        return out;
    }
    while (cpu < max_cpus) {
        int last;
        if (!libxl_bitmap_test(map, cpu)) {
            cpu++;
            continue;
        }
        for (last = cpu; last + 1 < max_cpus && libxl_bitmap_test(map, last + 1);)
            last++;
        len += (size_t)snprintf(out + len, size - len, last > cpu ? "%s%d-%d"
                                : "%s%d", len ? "," : "", cpu, last);
        cpu = last + 1;
    }
    if (!len)
        snprintf(out, size, "none");
    return out;
}

/* ---- the topology on the wire ---------------------------------------- */

/* {"max_cpus": N, "nr_nodes": M, "node_of_cpu": [n0, n1, ...]} */
yajl_gen_status xlt_topology_gen(yajl_gen g, const struct xlt_topology *t)
{
    yajl_gen_map_open(g);
    xlt_json_kv_int(g, "max_cpus", t->max_cpus);
    xlt_json_kv_int(g, "nr_nodes", t->nr_nodes);
    xlt_json_str(g, "node_of_cpu");
    yajl_gen_array_open(g);
    for (int i = 0; i < t->max_cpus; i++)
        yajl_gen_integer(g, t->node_of_cpu[i]);
    yajl_gen_array_close(g);
    return yajl_gen_map_close(g);
}

int xlt_topology_parse(yajl_val v, struct xlt_topology *t,
                       struct xlt_err *err)
{
    yajl_val nodes = xlt_json_get(v, "node_of_cpu");
    long long max_cpus, nr_nodes;

    memset(t, 0, sizeof(*t));
    if (!xlt_json_get_int(v, "max_cpus", &max_cpus) ||
        !xlt_json_get_int(v, "nr_nodes", &nr_nodes) ||
        !YAJL_IS_ARRAY(nodes) || max_cpus < 1 || max_cpus > 65536 ||
        nr_nodes < 1 || nodes->u.array.len != (size_t)max_cpus)
        return xlt_err_set(err, "xltd described the host's CPUs in a way "
                           "xlt does not understand");
    t->node_of_cpu = calloc((size_t)max_cpus, sizeof(*t->node_of_cpu));
    if (!t->node_of_cpu)
        return xlt_err_set(err, "out of memory");
    t->max_cpus = (int)max_cpus;
    t->nr_nodes = (int)nr_nodes;
    for (size_t i = 0; i < nodes->u.array.len; i++) {
        yajl_val n = nodes->u.array.values[i];
        t->node_of_cpu[i] = YAJL_IS_INTEGER(n) ? (int)YAJL_GET_INTEGER(n) : -1;
    }
    return 0;
}

void xlt_topology_dispose(struct xlt_topology *t)
{
    free(t->node_of_cpu);
    memset(t, 0, sizeof(*t));
}
