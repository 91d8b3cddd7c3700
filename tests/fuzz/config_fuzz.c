/*
 * config_fuzz.c: libFuzzer target for the config mapping.  Any input,
 * read as an xl.cfg file (the first half) plus KEY=VALUE overrides (the
 * lines of the second half), must parse or fail with a message: no crash,
 * no leak, no undefined behaviour (ASan + UBSan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xlt.h"

/* A host of 4 CPUs on 2 NUMA nodes, for cpus= and cpus_soft=. */
static int fuzz_nodes[4] = {0, 0, 1, 1};
static const struct xlt_topology fuzz_topology = {
    .max_cpus = 4, .nr_nodes = 2, .node_of_cpu = fuzz_nodes,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The lines of TEXT as an argv-like array (TEXT is cut in place). */
static int split_lines(char *text, char **lines, int max)
{
    int n = 0;

    for (char *line = strtok(text, "\n"); line && n < max;
         line = strtok(NULL, "\n"))
        lines[n++] = line;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t half = size / 2;
    char *file = strndup((const char *)data, half);
    char *extra = strndup((const char *)data + half, size - half);
    char *joined = NULL, *overrides[16];
    libxl_domain_config cfg;
    struct xlt_err err;
    size_t file_len = file ? strlen(file) : 0, len;
    int n;

    libxl_domain_config_init(&cfg);
    if (!file || !extra)
        goto out;
    n = split_lines(extra, overrides, 16);
    if (xlt_config_add_overrides(file, file_len, overrides, n, &joined, &len,
                                 &err))
        goto out;
    if (xlt_config_parse("fuzz.cfg", joined, len, file_len, &fuzz_topology,
                         &cfg, NULL, &err))
        goto out;
    free(libxl_domain_config_to_json(NULL, &cfg));
out:
    libxl_domain_config_dispose(&cfg);
    free(joined);
    free(file);
    free(extra);
    return 0;
}
