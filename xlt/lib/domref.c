/* domref.c: a domain as named on the command line, by id or by name. */
#include <errno.h>
#include <stdlib.h>

#include "xlt.h"

static bool domain_exists(libxl_ctx *ctx, uint32_t domid)
{
    libxl_dominfo info;
    int rc;

    libxl_dominfo_init(&info);
    rc = libxl_domain_info(ctx, &info, domid);
    libxl_dominfo_dispose(&info);
    return rc == 0;
}

int xlt_domain_lookup(libxl_ctx *ctx, const char *ref, uint32_t *domid_r,
                      struct xlt_err *err)
{
    char *end;
    unsigned long id;

    if (!ref || !*ref)
        return xlt_err_set(err, "no domain given");
    errno = 0;
    id = strtoul(ref, &end, 10);
    if (!*end && !errno && ref[0] >= '0' && ref[0] <= '9') {
        if (id >= 0x7ff0) /* DOMID_FIRST_RESERVED */
            return xlt_err_set(err, "%s: not a valid domain id", ref);
        if (ctx && !domain_exists(ctx, (uint32_t)id))
            return xlt_err_set(err, "%s: no such domain", ref);
        *domid_r = (uint32_t)id;
        return 0;
    }
    if (!ctx || libxl_name_to_domid(ctx, ref, domid_r))
        return xlt_err_set(err, "%s: no such domain", ref);
    return 0;
}
