/*
 * xenctrl.c: what xltd needs from libxenctrl that libxl does not offer:
 * shutting a domain down from outside with a reason, and a core dump
 * that does not hold libxl's lock.  (Built as GNU C: xenctrl.h uses
 * anonymous unions.)
 */
#include <errno.h>
#include <xenctrl.h>

#include "core.h"

/* libxl's shutdown reasons are Xen's SHUTDOWN_* numbers. */
_Static_assert(LIBXL_SHUTDOWN_REASON_REBOOT == SHUTDOWN_reboot &&
               LIBXL_SHUTDOWN_REASON_SOFT_RESET == SHUTDOWN_soft_reset,
               "libxl and Xen disagree on shutdown reasons");

int xenctrl_shutdown(uint32_t domid, libxl_shutdown_reason reason,
                     struct xlt_err *err)
{
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);
    int rc;

    if (!xch)
        return xlt_err_errno(err, errno, "cannot open libxenctrl to shut "
                             "domain %u down", domid);
    rc = xc_domain_shutdown(xch, domid, (int)reason);
    if (rc)
        xlt_err_errno(err, errno, "domain %u: remote shutdown (reason %d) "
                      "failed", domid, reason);
    xc_interface_close(xch);
    return rc ? -1 : 0;
}

int xenctrl_dumpcore(uint32_t domid, const char *path)
{
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);
    int rc, e;

    if (!xch)
        return errno ? errno : EIO;
    rc = xc_domain_dumpcore(xch, domid, path);
    e = rc ? (errno ? errno : EIO) : 0;
    xc_interface_close(xch);
    return e;
}
