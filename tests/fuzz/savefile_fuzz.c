/*
 * savefile_fuzz.c: libFuzzer target for save-file and migration headers:
 * the input as a whole header, and as the optional part (config and
 * xlt's chunk) behind a valid fixed part.  What parses is then read as
 * xltd reads it (yajl's tree of each chunk).  No crash, no leak, no deep
 * recursion (ASan + UBSan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xlt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The chunks as xltd reads them. */
static void read_chunks(const struct xlt_save_header *h)
{
    yajl_val v;

    if (h->config && (v = yajl_tree_parse(h->config, NULL, 0)))
        yajl_tree_free(v);
    if (h->extras && (v = yajl_tree_parse(h->extras, NULL, 0)))
        yajl_tree_free(v);
}

static void parse(const void *buf, size_t len)
{
    struct xlt_save_header h;
    struct xlt_err err;

    if (xlt_save_header_parse(buf, len, "fuzz", &h, &err))
        return;
    read_chunks(&h);
    xlt_save_header_dispose(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *fixed = NULL, *buf;
    size_t len = 0;
    struct xlt_err err;

    parse(data, size);
    if (xlt_save_header_build("{}", NULL, &fixed, &len, &err))
        return 0;
    buf = malloc(XLT_SAVE_FIXED_LEN + size);
    if (buf) {
        uint32_t optional = (uint32_t)size;
        memcpy(buf, fixed, XLT_SAVE_FIXED_LEN);
        memcpy(buf + 44, &optional, sizeof(optional)); /* its length */
        memcpy(buf + XLT_SAVE_FIXED_LEN, data, size);
        parse(buf, XLT_SAVE_FIXED_LEN + size);
    }
    free(buf);
    free(fixed);
    return 0;
}
