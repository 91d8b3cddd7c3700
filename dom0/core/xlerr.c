/*
 * xlerr.c: libxl says why a call failed only in its log; log.c keeps
 * the latest error it logged (a hotplug driver's words win, see log.c).
 * This turns it into the error a caller reports, once.
 */
#include <stdio.h>

#include "core.h"

int xlerr_set(struct xltd *d, int rc, struct xlt_err *err,
                 const char *fmt, ...)
{
    char what[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (d->log.last_libxl_error[0])
        xlt_err_set(err, "%s: %s", what, d->log.last_libxl_error);
    else
        xlt_err_set(err, "%s: libxl error %d", what, rc);
    xlerr_reset(d);
    return -1;
}

void xlerr_reset(struct xltd *d)
{
    d->log.last_libxl_error[0] = '\0';
}
