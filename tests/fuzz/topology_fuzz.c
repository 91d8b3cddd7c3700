/*
 * topology_fuzz.c: libFuzzer target for the host topology xlt takes from
 * xltd's "topology" reply, and the CPU specs (cpus=, vcpu-pin) read
 * against it.  The input's first line is a spec, the rest the reply's
 * JSON.  Any input must parse or fail with a message: no crash, no leak,
 * no read outside the topology's arrays (ASan + UBSan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xlt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = strndup((const char *)data, size);
    char *json = text ? strchr(text, '\n') : NULL;
    struct xlt_topology topo = {0};
    libxl_bitmap map;
    struct xlt_err err;
    yajl_val v = NULL;

    if (!json) {
        free(text);
        return 0;
    }
    *json++ = '\0';
    libxl_bitmap_init(&map);
    if (!xlt_json_parse(json, 1u << 16, "the reply", &v, &err) &&
        !xlt_topology_parse(v, &topo, &err) &&
        !xlt_cpumap_parse(text, &topo, &map, &err))
        free(xlt_cpumap_format(&map, topo.max_cpus));
    libxl_bitmap_dispose(&map);
    xlt_topology_dispose(&topo);
    yajl_tree_free(v);
    free(text);
    return 0;
}
