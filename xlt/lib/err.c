/* err.c: one precise line about what went wrong. */
#include <stdarg.h>
#include <string.h>

#include "xlt.h"

int xlt_err_set(struct xlt_err *err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

int xlt_err_errno(struct xlt_err *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    size_t used;

    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    used = strlen(err->msg);
    snprintf(err->msg + used, sizeof(err->msg) - used, ": %s",
             strerror(errnum));
    return -1;
}
