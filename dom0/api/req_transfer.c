/* req_transfer.c: save, restore and migrate. */
#include <stdlib.h>

#include "api.h"

/* {"domains": [REF], "file": PATH, "checkpoint", "paused"} */
int req_save(struct xltd *d, struct request *r, yajl_val args)
{
    uint32_t domid = INVALID_DOMID;
    struct xlt_err err;

    if (args_the_domain(d, args, &domid, &err))
        return req_fail_err(r, &err);
    return req_started(r, saverestore_save(
                              d, domid, xlt_json_get_str(args, "file"),
                              YAJL_IS_TRUE(xlt_json_get(args, "checkpoint")),
                              YAJL_IS_TRUE(xlt_json_get(args, "paused")),
                              &r->job, &err),
                       &err);
}

/* {"file": PATH, "paused", and for restore CONFIG FILE "config" (libxl's
 * JSON), "path", "text" (the config file's)} */
int req_restore(struct xltd *d, struct request *r, yajl_val args)
{
    yajl_val config = xlt_json_get(args, "config");
    char *given = NULL;
    struct xlt_err err;
    int rc;

    if (config) {
        given = YAJL_IS_OBJECT(config) ? xlt_json_to_text(config)
                                       : calloc(1, 1);
        if (!given)
            return req_fail(r, "out of memory");
    }
    rc = req_started(r, saverestore_restore(
                            d, xlt_json_get_str(args, "file"), given,
                            xlt_json_get_str(args, "path"),
                            xlt_json_get_str(args, "text"),
                            YAJL_IS_TRUE(xlt_json_get(args, "paused")),
                            &r->job, &err),
                     &err);
    free(given);
    return rc;
}

/* {"domains": [REF], "host": HOST[:PORT], "live"} */
int req_migrate(struct xltd *d, struct request *r, yajl_val args)
{
    uint32_t domid = INVALID_DOMID;
    struct xlt_err err;
    long long timeout = 0;

    if (args_the_domain(d, args, &domid, &err))
        return req_fail_err(r, &err);
    if (xlt_json_get(args, "timeout") &&
        (!xlt_json_get_int(args, "timeout", &timeout) || timeout < 0 ||
         timeout > MIGRATE_DEADLINE_MAX))
        return req_fail(r, "timeout: expected 0 (none) to %d seconds",
                        MIGRATE_DEADLINE_MAX);
    return req_started(r, migrate_start(d, domid,
                                        xlt_json_get_str(args, "host"),
                                        !YAJL_IS_FALSE(xlt_json_get(args,
                                                                    "live")),
                                        (int)timeout, &r->job, &err),
                       &err);
}
