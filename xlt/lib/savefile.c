/*
 * savefile.c: the header of a saved domain, in xl's layout, so that xl
 * restores the files xlt saves and xlt restores xl's.
 *
 * The layout (xl's tools/xl/xl.h): 32 magic bytes; four uint32 in the
 * host's byte order: a byte-order mark, the mandatory flags, the optional
 * flags, the length of the optional data; then the optional data: a uint32
 * length and the domain's libxl_domain_config JSON (NUL included).  xlt
 * adds one more chunk of that form with its own state ({"xlt_save":1,...});
 * xl reads the config and skips the rest.  libxl's stream follows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xlt.h"

static const char save_magic[32] = "Xen saved domain, xl format\n \0 \r";
#define SAVE_BYTEORDER 0x01020304u
#define SAVE_OPTIONAL_MAX (16u << 20) /* far beyond any real config */

static void put_u32(char *p, uint32_t v)
{
    memcpy(p, &v, sizeof(v));
}

static uint32_t get_u32(const char *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

/* A chunk: its length (NUL included) and TEXT with its NUL, at P. */
static size_t put_chunk(char *p, const char *text)
{
    size_t len = strlen(text) + 1;

    put_u32(p, (uint32_t)len);
    memcpy(p + 4, text, len);
    return 4 + len;
}

int xlt_save_header_build(const char *config, const char *extras,
                          char **buf_r, size_t *len_r, struct xlt_err *err)
{
    size_t optional = 4 + strlen(config) + 1 +
                      (extras ? 4 + strlen(extras) + 1 : 0);
    char *buf;
    size_t at;

    *buf_r = NULL;
    if (optional > SAVE_OPTIONAL_MAX)
        return xlt_err_set(err, "the domain's configuration is too big to "
                           "save (%zu bytes)", optional);
    buf = calloc(1, XLT_SAVE_FIXED_LEN + optional);
    if (!buf)
        return xlt_err_errno(err, ENOMEM, "save header");
    memcpy(buf, save_magic, sizeof(save_magic));
    put_u32(buf + 32, SAVE_BYTEORDER);
    put_u32(buf + 36, XLT_SAVE_JSON | XLT_SAVE_STREAMV2);
    put_u32(buf + 40, 0);
    put_u32(buf + 44, (uint32_t)optional);
    at = XLT_SAVE_FIXED_LEN + put_chunk(buf + XLT_SAVE_FIXED_LEN, config);
    if (extras)
        at += put_chunk(buf + at, extras);
    *buf_r = buf;
    *len_r = at;
    return 0;
}

int xlt_save_header_fixed(const void *fixed, const char *source,
                          struct xlt_save_header *h, uint32_t *optional_r,
                          struct xlt_err *err)
{
    const char *p = fixed;
    uint32_t unknown;

    if (memcmp(p, save_magic, sizeof(save_magic)) != 0)
        return xlt_err_set(err, "%s: not a saved domain (no xl save header)",
                           source);
    if (get_u32(p + 32) != SAVE_BYTEORDER)
        return xlt_err_set(err, "%s: saved on a host of the other byte "
                           "order", source);
    h->mandatory = get_u32(p + 36);
    unknown = h->mandatory & ~(uint32_t)(XLT_SAVE_JSON | XLT_SAVE_STREAMV2);
    if (unknown)
        return xlt_err_set(err, "%s: needs features this xlt lacks "
                           "(mandatory flags 0x%x)", source, unknown);
    *optional_r = get_u32(p + 44);
    if (*optional_r > SAVE_OPTIONAL_MAX)
        return xlt_err_set(err, "%s: header claims %u bytes of optional "
                           "data; corrupt?", source, *optional_r);
    return 0;
}

/* The chunk at *AT of BUF (LEN bytes) as a string; *AT moves past it. */
static int take_chunk(const char *buf, size_t len, size_t *at,
                      const char *source, char **text_r, struct xlt_err *err)
{
    uint32_t n;

    if (len - *at < 4)
        return xlt_err_set(err, "%s: header truncated", source);
    n = get_u32(buf + *at);
    if (len - *at - 4 < n)
        return xlt_err_set(err, "%s: header truncated (a chunk of %u "
                           "bytes, %zu left)", source, n, len - *at - 4);
    *text_r = malloc((size_t)n + 1);
    if (!*text_r)
        return xlt_err_errno(err, ENOMEM, "%s", source);
    memcpy(*text_r, buf + *at + 4, n);
    (*text_r)[n] = '\0'; /* xl includes it; a file without it is fine */
    *at += 4 + (size_t)n;
    return 0;
}

/* The config (when it is JSON) and xlt's chunk are read by parsers that
 * recurse: within xlt_json_check's limits, or refused here. */
static int header_json_check(const struct xlt_save_header *h,
                             const char *source, struct xlt_err *err)
{
    char what[300];

    snprintf(what, sizeof(what), "%s: its config", source);
    if (h->config && (h->mandatory & XLT_SAVE_JSON) &&
        xlt_json_check(h->config, SAVE_OPTIONAL_MAX, what, err))
        return -1;
    snprintf(what, sizeof(what), "%s: its xlt chunk", source);
    if (h->extras && xlt_json_check(h->extras, SAVE_OPTIONAL_MAX, what, err))
        return -1;
    return 0;
}

int xlt_save_header_optional(const void *optional, size_t len,
                             const char *source, struct xlt_save_header *h,
                             struct xlt_err *err)
{
    const char *buf = optional;
    size_t at = 0;

    if (len == 0)
        return 0;
    if (take_chunk(buf, len, &at, source, &h->config, err))
        return -1;
    if (len - at >= 4 && take_chunk(buf, len, &at, source, &h->extras, err))
        return -1;
    if (h->extras && !strstr(h->extras, "\"xlt_save\"")) {
        free(h->extras); /* someone else's addition: not ours to read */
        h->extras = NULL;
    }
    return header_json_check(h, source, err);
}

int xlt_save_header_parse(const void *buf, size_t len, const char *source,
                          struct xlt_save_header *h, struct xlt_err *err)
{
    uint32_t optional = 0;
    int rc;

    memset(h, 0, sizeof(*h));
    if (len < XLT_SAVE_FIXED_LEN)
        return xlt_err_set(err, "%s: header truncated", source);
    if (xlt_save_header_fixed(buf, source, h, &optional, err))
        return -1;
    if (optional != len - XLT_SAVE_FIXED_LEN)
        return xlt_err_set(err, "%s: header of %zu bytes claims %u bytes "
                           "of optional data", source, len, optional);
    rc = xlt_save_header_optional((const char *)buf + XLT_SAVE_FIXED_LEN,
                                  optional, source, h, err);
    if (rc)
        xlt_save_header_dispose(h);
    return rc;
}

static int read_exact(int fd, void *buf, size_t len, const char *source,
                      struct xlt_err *err)
{
    char *p = buf;

    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return xlt_err_errno(err, errno, "%s", source);
        if (n == 0)
            return xlt_err_set(err, "%s: ends inside its header", source);
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int xlt_save_header_read(int fd, const char *source,
                         struct xlt_save_header *h, struct xlt_err *err)
{
    char fixed[XLT_SAVE_FIXED_LEN], *optional = NULL;
    uint32_t len = 0;
    int rc = -1;

    memset(h, 0, sizeof(*h));
    if (read_exact(fd, fixed, sizeof(fixed), source, err) ||
        xlt_save_header_fixed(fixed, source, h, &len, err))
        goto out;
    optional = malloc(len ? len : 1);
    if (!optional) {
        xlt_err_errno(err, ENOMEM, "%s", source);
        goto out;
    }
    if (read_exact(fd, optional, len, source, err) ||
        xlt_save_header_optional(optional, len, source, h, err))
        goto out;
    rc = 0;
out:
    free(optional);
    if (rc)
        xlt_save_header_dispose(h);
    return rc;
}

void xlt_save_header_dispose(struct xlt_save_header *h)
{
    free(h->config);
    free(h->extras);
    h->config = h->extras = NULL;
}
