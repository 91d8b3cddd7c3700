/* err.c: one precise line about what went wrong. */
#include <stdarg.h>
#include <string.h>

#include "xlt.h"

/* Formatted apart first: an argument may be ERR's own message. */
static void err_vset(struct xlt_err *err, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void err_vset(struct xlt_err *err, const char *fmt, va_list ap)
{
    char text[sizeof(err->msg)];

    if (!err)
        return;
    vsnprintf(text, sizeof(text), fmt, ap);
    memcpy(err->msg, text, sizeof(text));
}

int xlt_err_set(struct xlt_err *err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_vset(err, fmt, ap);
    va_end(ap);
    return -1;
}

int xlt_err_errno(struct xlt_err *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    size_t used;

    if (!err)
        return -1;
    va_start(ap, fmt);
    err_vset(err, fmt, ap);
    va_end(ap);
    used = strlen(err->msg);
    snprintf(err->msg + used, sizeof(err->msg) - used, ": %s",
             strerror(errnum));
    return -1;
}
