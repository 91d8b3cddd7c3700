/*
 * cfgfile.c: an xl.cfg file as libxlutil reads it.
 *
 * libxlutil does the lexing and parsing and reports problems, with the file
 * and line, to a stream we give it.  We give it a memory stream, so its
 * messages become our error messages, and so we can learn the line a key is
 * set on: asking for a key as the other type (a list as a string, a string
 * as a list) makes libxlutil report "PATH:LINE: ..." for that key.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

#include "xlt.h"

struct xlt_cfgfile {
    XLU_Config *xlu;
    char *path;
    int file_lines;     /* lines past this are command-line overrides */
    FILE *report;       /* libxlutil writes here */
    char *report_buf;   /* ... which lands here */
    size_t report_len;
    size_t report_seen; /* bytes already consumed */
};

/* What libxlutil said since the last call, without the final newline.
 * Valid until libxlutil writes again. */
static const char *take_report(struct xlt_cfgfile *cf)
{
    char *text;

    fflush(cf->report);
    text = cf->report_buf + cf->report_seen;
    cf->report_seen = cf->report_len;
    if (cf->report_len > 0 && cf->report_buf[cf->report_len - 1] == '\n')
        cf->report_buf[cf->report_len - 1] = '\0';
    return text;
}

static int count_lines(const char *text, size_t len)
{
    int n = 0;

    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    return n + (len > 0 && text[len - 1] != '\n');
}

int xlt_cfgfile_open(struct xlt_cfgfile **cf_r, const char *path,
                     const char *text, size_t len, size_t file_len,
                     struct xlt_err *err)
{
    struct xlt_cfgfile *cf = NULL;
    int e, rc = -1;

    *cf_r = NULL;
    if (len > (size_t)INT32_MAX) {
        xlt_err_set(err, "%s: file too large", path);
        goto out;
    }
    cf = calloc(1, sizeof(*cf));
    if (!cf || !(cf->path = strdup(path))) {
        xlt_err_errno(err, ENOMEM, "%s", path);
        goto out;
    }
    cf->file_lines = count_lines(text, file_len < len ? file_len : len);
    cf->report = open_memstream(&cf->report_buf, &cf->report_len);
    if (!cf->report) {
        xlt_err_errno(err, errno, "%s", path);
        goto out;
    }
    cf->xlu = xlu_cfg_init(cf->report, path);
    if (!cf->xlu) {
        xlt_err_errno(err, ENOMEM, "%s", path);
        goto out;
    }
    e = xlu_cfg_readdata(cf->xlu, text, (int)len);
    if (e) {
        const char *said = take_report(cf);
        /* Its first line says what and where; the rest is commentary. */
        if (*said)
            xlt_err_set(err, "%.*s", (int)strcspn(said, "\n"), said);
        else
            xlt_err_errno(err, e, "%s", path);
        goto out;
    }
    *cf_r = cf;
    cf = NULL;
    rc = 0;
out:
    xlt_cfgfile_close(cf);
    return rc;
}

void xlt_cfgfile_close(struct xlt_cfgfile *cf)
{
    if (!cf)
        return;
    if (cf->xlu)
        xlu_cfg_destroy(cf->xlu);
    if (cf->report)
        fclose(cf->report);
    free(cf->report_buf);
    free(cf->path);
    free(cf);
}

const char *xlt_cfgfile_path(const struct xlt_cfgfile *cf)
{
    return cf->path;
}

/* "PATH:LINE: ..." -> LINE, or 0. */
static int line_of_report(const struct xlt_cfgfile *cf, const char *said)
{
    size_t plen = strlen(cf->path);

    if (strncmp(said, cf->path, plen) != 0 || said[plen] != ':')
        return 0;
    return atoi(said + plen + 1);
}

int xlt_cfgfile_line(struct xlt_cfgfile *cf, const char *key)
{
    const char *s;
    int line;

    take_report(cf);
    /* One of these two must complain, naming the line, if KEY is set. */
    if (xlu_cfg_get_list(cf->xlu, key, NULL, NULL, 0) == EINVAL ||
        xlu_cfg_get_string(cf->xlu, key, &s, 0) == EINVAL) {
        line = line_of_report(cf, take_report(cf));
        return line;
    }
    take_report(cf);
    return 0;
}

const char *xlt_cfgfile_where(struct xlt_cfgfile *cf, const char *key,
                              char *buf, size_t size)
{
    int line = xlt_cfgfile_line(cf, key);

    if (line > cf->file_lines)
        snprintf(buf, size, "command line");
    else if (line > 0)
        snprintf(buf, size, "%s:%d", cf->path, line);
    else
        snprintf(buf, size, "%s", cf->path);
    return buf;
}

int xlt_cfgfile_bad(struct xlt_cfgfile *cf, struct xlt_err *err,
                    const char *key, const char *fmt, ...)
{
    char what[512], where[PATH_MAX + 32];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return xlt_err_set(err, "%s: %s: %s",
                       xlt_cfgfile_where(cf, key, where, sizeof(where)), key,
                       what);
}

int xlt_cfgfile_string(struct xlt_cfgfile *cf, const char *key,
                       const char **val_r, struct xlt_err *err)
{
    int e = xlu_cfg_get_string(cf->xlu, key, val_r, 1);

    if (e == ESRCH)
        return 1;
    if (e)
        return xlt_cfgfile_bad(cf, err, key,
                               "expected a single value, not a list");
    return 0;
}

int xlt_cfgfile_long(struct xlt_cfgfile *cf, const char *key, long min,
                     long max, long *val_r, struct xlt_err *err)
{
    const char *text;
    long v;
    int e = xlt_cfgfile_string(cf, key, &text, err);

    if (e)
        return e;
    e = xlu_cfg_get_long(cf->xlu, key, &v, 1);
    if (e == ERANGE || (e == 0 && (v < min || v > max)))
        return xlt_cfgfile_bad(cf, err, key, "`%s' is out of range [%ld, %ld]",
                               text, min, max);
    if (e)
        return xlt_cfgfile_bad(cf, err, key, "`%s' is not a number", text);
    *val_r = v;
    return 0;
}

bool xlt_cfgfile_is_set(struct xlt_cfgfile *cf, const char *key)
{
    const char *s;

    return xlu_cfg_get_string(cf->xlu, key, &s, 1) != ESRCH;
}

int xlt_cfgfile_list_strings(struct xlt_cfgfile *cf, const char *key,
                             libxl_string_list *list, struct xlt_err *err)
{
    int e = xlu_cfg_get_list_as_string_list(cf->xlu, key, list, 1);
    XLU_ConfigList *items;
    int n = 0;

    if (e == ESRCH || e == EINVAL)
        return 1;
    if (e)
        return xlt_cfgfile_bad(cf, err, key, "%s", strerror(e));
    /* an item that is itself a list comes back as NULL, cutting the list
     * short (and hiding the items after it from libxl's dispose) */
    xlu_cfg_get_list(cf->xlu, key, &items, &n, 1);
    if (libxl_string_list_length(list) == n)
        return 0;
    for (int i = 0; i < n; i++)
        free((*list)[i]);
    free(*list);
    *list = NULL;
    return xlt_cfgfile_bad(cf, err, key, "expected a list of strings, not "
                           "of lists");
}

int xlt_cfgfile_list(struct xlt_cfgfile *cf, const char *key,
                     XLU_ConfigList **list_r, int *n_r, struct xlt_err *err)
{
    int e = xlu_cfg_get_list(cf->xlu, key, list_r, n_r, 1);

    if (e == ESRCH)
        return 1;
    if (e)
        return xlt_cfgfile_bad(cf, err, key, "expected a list [ ... ], "
                               "not a single value");
    return 0;
}

XLU_Config *xlt_cfgfile_xlu(struct xlt_cfgfile *cf)
{
    return cf->xlu;
}

void xlt_cfgfile_hush(struct xlt_cfgfile *cf)
{
    take_report(cf);
}

/* "PATH: config parsing error in disk specification: WHAT" -> "WHAT". */
static const char *strip_report(const struct xlt_cfgfile *cf, const char *said)
{
    static const char lead[] = "config parsing error in ";
    size_t plen = strlen(cf->path);

    if (!strncmp(said, cf->path, plen) && !strncmp(said + plen, ": ", 2))
        said += plen + 2;
    if (!strncmp(said, lead, sizeof(lead) - 1) && strstr(said, ": "))
        said = strstr(said, ": ") + 2;
    return said;
}

int xlt_cfgfile_xlu_failed(struct xlt_cfgfile *cf, struct xlt_err *err,
                           const char *key, const char *item,
                           const char *what)
{
    char *said = strdup(take_report(cf));
    const char *text = said ? strip_report(cf, said) : "";
    int rc;

    if (*text && strstr(text, item))
        rc = xlt_cfgfile_bad(cf, err, key, "%.*s", (int)strcspn(text, "\n"),
                             text);
    else if (*text)
        rc = xlt_cfgfile_bad(cf, err, key, "`%s': %.*s", item,
                             (int)strcspn(text, "\n"), text);
    else
        rc = xlt_cfgfile_bad(cf, err, key, "`%s': %s", item, what);
    free(said);
    return rc;
}
