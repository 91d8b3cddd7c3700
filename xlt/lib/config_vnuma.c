/*
 * config_vnuma.c: vnuma=, the guest's virtual NUMA nodes.  One list per
 * node of "pnode=N" (the host node backing it), "size=MiB",
 * "vcpus=RANGE,..." and "vdistances=D,..." (one distance per node).  As
 * with xl, the nodes' sizes are the guest's maxmem and their vCPUs its
 * maxvcpus: when maxmem= or maxvcpus= is set too, it must agree.  Stricter
 * than xl: a bad number, a node the host lacks, more distances than nodes
 * or a vCPU beyond maxvcpus is an error here (xl ignores some of these or
 * writes past its array).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config_parse.h"

/* What the nodes add up to. */
struct vnuma_sums {
    unsigned long vcpus;
    uint64_t memkb;
};

/* VALUE of node NODE's option OPT as a decimal number up to MAX. */
static int vnode_number(struct parse *p, int node, const char *opt,
                        const char *value, unsigned long max,
                        unsigned long *n_r)
{
    char *end;

    errno = 0;
    *n_r = strtoul(value, &end, 10);
    if (value[0] < '0' || value[0] > '9' || *end)
        return xlt_cfgfile_bad(p->cf, p->err, "vnuma", "node %d: %s=%s: "
                               "not a number", node, opt, value);
    if (errno || *n_r > max)
        return xlt_cfgfile_bad(p->cf, p->err, "vnuma", "node %d: %s=%s: "
                               "too large", node, opt, value);
    return 0;
}

/* vcpus=RANGE,...: the vCPUs into MAP: below maxvcpus if set, else
 * below the host's CPU count (then the guest's maxvcpus). */
static int vnode_vcpus(struct parse *p, int node, const char *value,
                       libxl_bitmap *map, struct vnuma_sums *sums)
{
    int max = p->cfg->b_info.max_vcpus;
    libxl_string_list items = NULL;
    unsigned long lo, hi;
    int rc = config_split(p, "vnuma", value, ",", &items);

    for (int i = 0; !rc && items && items[i]; i++) {
        if (xlt_range_parse(items[i], &lo, &hi)) {
            rc = xlt_cfgfile_bad(p->cf, p->err, "vnuma", "node %d: vcpus: "
                                 "`%s' is not N or N-M", node, items[i]);
            break;
        }
        if (hi >= (unsigned long)(max ? max : p->topo->max_cpus)) {
            rc = xlt_cfgfile_bad(p->cf, p->err, "vnuma", "node %d: vcpus: "
                                 "vCPU %lu: %s is %d", node, hi,
                                 max ? "maxvcpus" : "the host's CPU count",
                                 max ? max : p->topo->max_cpus);
            break;
        }
        for (unsigned long v = lo; v <= hi; v++)
            libxl_bitmap_set(map, (int)v);
        sums->vcpus += hi - lo + 1;
    }
    libxl_string_list_dispose(&items);
    return rc;
}

/* vdistances=D,...: the distance from this node to each node. */
static int vnode_distances(struct parse *p, int node, const char *value,
                           libxl_vnode_info *v)
{
    libxl_string_list items = NULL;
    unsigned long d;
    int i, rc = config_split(p, "vnuma", value, ",", &items);

    for (i = 0; !rc && items && items[i]; i++) {
        if (i >= v->num_distances) {
            rc = xlt_cfgfile_bad(p->cf, p->err, "vnuma", "node %d: "
                                 "vdistances: more distances than nodes (%d)", node,
                                 v->num_distances);
            break;
        }
        rc = vnode_number(p, node, "vdistances", items[i], UINT32_MAX, &d);
        v->distances[i] = (uint32_t)d;
    }
    libxl_string_list_dispose(&items);
    return rc;
}

/* The host's NUMA nodes, as xl counts them (physinfo's nr_nodes): the
 * nodes that have CPUs.  (TOPO's nr_nodes is the size of a node map,
 * Xen's maximum.) */
static int host_nodes(const struct xlt_topology *topo)
{
    int n = 1;

    for (int cpu = 0; cpu < topo->max_cpus; cpu++)
        if (topo->node_of_cpu[cpu] >= n)
            n = topo->node_of_cpu[cpu] + 1;
    return n;
}

/* One "OPTION=VALUE" of node NODE. */
static int vnode_option(struct parse *p, int node, const char *item,
                        libxl_vnode_info *v, struct vnuma_sums *sums)
{
    libxl_string_list kv = NULL;
    unsigned long n;
    int rc = config_split(p, "vnuma", item, "=", &kv);

    if (rc)
        return rc;
    if (!kv || !kv[0] || !kv[1] || kv[2] || strchr(strchr(item, '=') + 1, '='))
        rc = xlt_cfgfile_bad(p->cf, p->err, "vnuma", "node %d: `%s' is not "
                             "OPTION=VALUE", node, item);
    else if (!strcmp(kv[0], "pnode")) {
        rc = vnode_number(p, node, "pnode", kv[1], UINT32_MAX, &n);
        if (!rc && n >= (unsigned long)host_nodes(p->topo))
            rc = xlt_cfgfile_bad(p->cf, p->err, "vnuma", "node %d: pnode=%lu:"
                                 " the host has %d NUMA node(s)", node, n,
                                 host_nodes(p->topo));
        v->pnode = (uint32_t)n;
        libxl_defbool_set(&p->cfg->b_info.numa_placement, false);
    } else if (!strcmp(kv[0], "size")) {
        rc = vnode_number(p, node, "size", kv[1], MAX_MEM_MB, &n);
        v->memkb = (uint64_t)n * 1024;
        sums->memkb += v->memkb;
    } else if (!strcmp(kv[0], "vcpus"))
        rc = vnode_vcpus(p, node, kv[1], &v->vcpus, sums);
    else if (!strcmp(kv[0], "vdistances"))
        rc = vnode_distances(p, node, kv[1], v);
    else
        config_warn(p, "vnuma", "node %d: unknown option `%s', ignored",
                    node, kv[0]);
    libxl_string_list_dispose(&kv);
    return rc;
}

/* Where vnode_option() works: node NODE and the running sums. */
struct vnode_ctx {
    int node;
    struct vnuma_sums *sums;
};

static int vnode_item(struct parse *p, const char *item, void *ctx)
{
    struct vnode_ctx *c = ctx;

    return vnode_option(p, c->node, item,
                        &p->cfg->b_info.vnuma_nodes[c->node], c->sums);
}

/* Node NODE from its list of options. */
static int parse_vnode(struct parse *p, int node, XLU_ConfigValue *spec,
                       struct vnuma_sums *sums)
{
    struct vnode_ctx ctx = {node, sums};

    return config_each_string_of(p, "vnuma", "node", node, spec,
                                 "[\"pnode=N\", \"size=MiB\", ...]",
                                 vnode_item, &ctx);
}

/* The nodes' arrays: distances for every node, a vCPU map each. */
static int alloc_vnodes(struct parse *p, int n)
{
    libxl_domain_build_info *b = &p->cfg->b_info;

    b->vnuma_nodes = calloc((size_t)n, sizeof(*b->vnuma_nodes));
    if (!b->vnuma_nodes)
        return -1;
    b->num_vnuma_nodes = n;
    for (int i = 0; i < n; i++) {
        libxl_vnode_info *v = &b->vnuma_nodes[i];

        libxl_vnode_info_init(v);
        v->distances = calloc((size_t)n, sizeof(*v->distances));
        if (!v->distances)
            return -1;
        v->num_distances = n;
        /* sized as xl sizes it: maxvcpus, or the host's CPUs */
        if (b->max_vcpus ? xlt_bitmap_alloc(&v->vcpus, b->max_vcpus)
                         : xlt_cpumap_alloc(&v->vcpus, p->topo))
            return -1;
    }
    return 0;
}

/* The sums against maxvcpus= and maxmem=, or into them. */
static int settle_sums(struct parse *p, const struct vnuma_sums *sums)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    int online = 0;

    if (b->max_vcpus && (unsigned long)b->max_vcpus != sums->vcpus)
        return xlt_cfgfile_bad(p->cf, p->err, "vnuma", "the nodes have %lu "
                               "vCPUs and maxvcpus is %d", sums->vcpus,
                               b->max_vcpus);
    for (int cpu = 0; cpu < p->topo->max_cpus; cpu++)
        online += p->topo->node_of_cpu[cpu] >= 0;
    if (!b->max_vcpus && sums->vcpus > (unsigned long)online)
        return xlt_cfgfile_bad(p->cf, p->err, "vnuma", "the nodes have %lu "
                               "vCPUs and the host %d CPUs (set maxvcpus= "
                               "to allow that)", sums->vcpus, online);
    if (!b->max_vcpus)
        b->max_vcpus = (int)sums->vcpus;
    if (b->max_memkb != LIBXL_MEMKB_DEFAULT && b->max_memkb != sums->memkb)
        return xlt_cfgfile_bad(p->cf, p->err, "vnuma", "the nodes have %"
                               PRIu64 " MiB and maxmem is %" PRIu64 " MiB",
                               sums->memkb / 1024, b->max_memkb / 1024);
    b->max_memkb = sums->memkb;
    return 0;
}

int config_parse_vnuma(struct parse *p)
{
    struct vnuma_sums sums = {0, 0};
    XLU_ConfigList *nodes;
    int n, rc = xlt_cfgfile_list(p->cf, "vnuma", &nodes, &n, p->err);

    if (rc)
        return rc < 0 ? rc : 0;
    if (n == 0)
        return 0;
    if (!p->topo)
        return xlt_cfgfile_bad(p->cf, p->err, "vnuma", "needs the host's "
                               "NUMA nodes, which xlt asks xltd for: is "
                               "xltd running?");
    if (alloc_vnodes(p, n))
        return xlt_err_set(p->err, "%s: vnuma: out of memory",
                           xlt_cfgfile_path(p->cf));
    for (int i = 0; i < n; i++)
        if ((rc = parse_vnode(p, i, xlu_cfg_get_listitem2(nodes, i), &sums)))
            return rc;
    return settle_sums(p, &sums);
}
