/*
 * overrides.c: `xlt create FILE KEY=VALUE ...`, as xl does it: each
 * override is a line of xl.cfg appended to the file, so a later setting
 * replaces the file's.
 */
#include <stdlib.h>
#include <string.h>

#include "xlt.h"

/* One override must be xl.cfg on its own ("memory=512", 'name="x"'). */
static int check_override(const char *o, struct xlt_err *err)
{
    struct xlt_cfgfile *cf = NULL;
    int rc;

    if (!strchr(o, '=') || strchr(o, '\n'))
        return xlt_err_set(err, "command line: `%s' is not KEY=VALUE", o);
    rc = xlt_cfgfile_open(&cf, "command line", o, strlen(o), 0, err);
    xlt_cfgfile_close(cf);
    return rc;
}

int xlt_config_add_overrides(const char *text, size_t len,
                             char *const *overrides, int n, char **joined_r,
                             size_t *joined_len_r, struct xlt_err *err)
{
    bool newline = len == 0 || text[len - 1] == '\n';
    size_t size = len + 2;
    char *joined = NULL, *end;

    for (int i = 0; i < n; i++) {
        if (check_override(overrides[i], err))
            return -1;
        size += strlen(overrides[i]) + 1;
    }
    joined = malloc(size);
    if (!joined)
        return xlt_err_set(err, "command line: out of memory");
    memcpy(joined, text, len);
    end = joined + len;
    if (!newline)
        *end++ = '\n';
    for (int i = 0; i < n; i++) {
        size_t olen = strlen(overrides[i]);
        memcpy(end, overrides[i], olen);
        end += olen;
        *end++ = '\n';
    }
    *end = '\0';
    *joined_r = joined;
    *joined_len_r = (size_t)(end - joined);
    return 0;
}
