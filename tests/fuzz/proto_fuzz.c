/*
 * proto_fuzz.c: libFuzzer target for the xlt<->xltd message parser, what
 * xltd runs on every line a client sends.  Any input must parse or fail
 * with a message: no crash, no leak, no deep recursion (ASan + UBSan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xlt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = strndup((const char *)data, size);
    struct xlt_msg msg;
    struct xlt_err err;

    if (line && !xlt_msg_parse(&msg, line, &err)) {
        free(xlt_json_to_text(msg.body));
        xlt_msg_dispose(&msg);
    }
    free(line);
    return 0;
}
