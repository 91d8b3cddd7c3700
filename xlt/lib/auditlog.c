/*
 * auditlog.c: xltd's audit trail as a file of JSON lines, each sealed
 * with a hash that covers the one before.  A record's line is its JSON
 * object whose last members are "prev" (the hash of the line before; the
 * genesis, 64 zeros, for the first) and "hash": the SHA-256, in hex, of
 * the line up to the comma before "hash".  Editing, dropping or
 * reordering a line breaks the chain at that line; so does cutting the
 * file anywhere but at its end, which only the newest hash, kept apart
 * (xltd puts each in the journal too), can tell.
 */
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlt.h"

const char xlt_audit_genesis[XLT_AUDIT_HASH_LEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

#define HASH_TAIL ",\"hash\":\"" /* then 64 hex digits and "} */

int xlt_audit_hash(const void *data, size_t len,
                   char hex[XLT_AUDIT_HASH_LEN + 1])
{
    unsigned char digest[32];

    if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, digest))
        return -1;
    for (size_t i = 0; i < sizeof(digest); i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    return 0;
}

char *xlt_audit_seal(const char *body, char hash_r[XLT_AUDIT_HASH_LEN + 1])
{
    size_t len = strlen(body);
    char *line;

    if (!len || body[len - 1] != '}' || xlt_audit_hash(body, len - 1, hash_r))
        return NULL;
    if (asprintf(&line, "%.*s" HASH_TAIL "%s\"}", (int)(len - 1), body,
                 hash_r) < 0)
        return NULL;
    return line;
}

/* LINE's parts: where its hash tail begins (*CUT), and the hash. */
static int line_hash(const char *line, size_t len, size_t *cut,
                     const char **hash)
{
    size_t tail = strlen(HASH_TAIL) + XLT_AUDIT_HASH_LEN + 2;

    if (len < tail + 2 || line[len - 1] != '}' || line[len - 2] != '"' ||
        strncmp(line + len - tail, HASH_TAIL, strlen(HASH_TAIL)) != 0)
        return -1;
    *cut = len - tail;
    *hash = line + *cut + strlen(HASH_TAIL);
    return 0;
}

/* Check one line against PREV (the hash before it); its hash in HASH. */
static int check_line(const char *line, size_t len, const char *prev,
                      char hash[XLT_AUDIT_HASH_LEN + 1], struct xlt_err *err)
{
    char want[XLT_AUDIT_HASH_LEN + 1];
    const char *sealed;
    yajl_val v = NULL;
    char *text = NULL;
    size_t cut;
    int rc = -1;

    if (line_hash(line, len, &cut, &sealed)) {
        xlt_err_set(err, "not a sealed record (no \"hash\" at its end)");
        goto out;
    }
    if (xlt_audit_hash(line, cut, want) ||
        strncmp(want, sealed, XLT_AUDIT_HASH_LEN) != 0) {
        xlt_err_set(err, "its hash does not match its text (edited?)");
        goto out;
    }
    text = strndup(line, len);
    if (!text || xlt_json_parse(text, len + 1, "record", &v, err))
        goto out;
    if (!xlt_json_get_str(v, "prev") ||
        strcmp(xlt_json_get_str(v, "prev"), prev) != 0) {
        xlt_err_set(err, "its \"prev\" is not the hash of the record "
                    "before (a record dropped, added or moved?)");
        goto out;
    }
    memcpy(hash, want, sizeof(want));
    rc = 0;
out:
    yajl_tree_free(v);
    free(text);
    return rc;
}

int xlt_audit_verify(const char *text, size_t len, size_t *count_r,
                     char last_r[XLT_AUDIT_HASH_LEN + 1], struct xlt_err *err)
{
    char hash[XLT_AUDIT_HASH_LEN + 1];
    size_t n = 0, pos = 0;

    memcpy(hash, xlt_audit_genesis, sizeof(hash));
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        struct xlt_err why;
        if (!nl)
            return xlt_err_set(err, "record %zu: cut short (no end of "
                               "line)", n + 1);
        if (check_line(text + pos, (size_t)(nl - text - pos), hash, hash,
                       &why))
            return xlt_err_set(err, "record %zu: %s", n + 1, why.msg);
        n++;
        pos = (size_t)(nl - text) + 1;
    }
    *count_r = n;
    memcpy(last_r, hash, sizeof(hash));
    return 0;
}
