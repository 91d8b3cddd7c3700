/*
 * topology.c: the host's CPUs and NUMA nodes, as libxl sees them: what
 * CPU lists (cpus=, vcpu-pin, cpupool-*) are checked against.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

int topology_read(struct xltd *d, struct xlt_topology *t)
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
