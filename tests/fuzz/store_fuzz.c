/*
 * store_fuzz.c: libFuzzer target for xltd's store entries and definitions
 * as xltd reads them back (dom0/core/store.c, defined.c): JSON within its
 * limits, the entry's or the definition's shape (xlt/lib/storeentry.c),
 * then each kept vCPU pinning read as a CPU
 * spec against a made-up 8-CPU, 2-node host (core/pinning.c does that on
 * a restart).  Any input must pass or fail with a message: no crash, no
 * leak, nothing read out of bounds (ASan + UBSan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xlt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int node_of_cpu[8] = {0, 0, 0, 0, 1, 1, 1, 1};
static const struct xlt_topology host = {8, 2, node_of_cpu};

static void read_specs(yajl_val pinning, const char *key)
{
    yajl_val a = xlt_json_get(pinning, key);
    struct xlt_err err;
    libxl_bitmap map;

    for (size_t i = 0; a && i < a->u.array.len; i++) {
        if (!YAJL_IS_STRING(a->u.array.values[i]))
            continue;
        libxl_bitmap_init(&map);
        if (!xlt_cpumap_parse(a->u.array.values[i]->u.string, &host, &map,
                              &err))
            free(xlt_cpumap_format(&map, host.max_cpus));
        libxl_bitmap_dispose(&map);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = strndup((const char *)data, size);
    struct xlt_err err;
    yajl_val v = NULL;

    if (text && !xlt_json_parse(text, 1u << 16, "the entry", &v, &err)) {
        if (!xlt_store_entry_check(v, &err)) {
            read_specs(xlt_json_get(v, "pinning"), "hard");
            read_specs(xlt_json_get(v, "pinning"), "soft");
        }
        xlt_definition_check(v, &err);
    }
    yajl_tree_free(v);
    free(text);
    return 0;
}
