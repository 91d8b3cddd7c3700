/* req_memory.c: mem-set and mem-max. */
#include "api.h"

/* {"domains": [REF], "kb": N}: the domain, and N. */
static int mem_args(struct xltd *d, yajl_val args, uint32_t *domid,
                    uint64_t *kb_r, struct xlt_err *err)
{
    long long kb = -1;

    if (args_the_domain(d, args, domid, err))
        return -1;
    if (!xlt_json_get_int(args, "kb", &kb) || kb < 0)
        return xlt_err_set(err, "no memory size given");
    *kb_r = (uint64_t)kb;
    return 0;
}

/* Ask the guest's balloon driver for "kb" KiB. */
int req_mem_set(struct xltd *d, struct request *r, yajl_val args)
{
    uint32_t domid = INVALID_DOMID;
    struct xlt_err err;
    uint64_t kb = 0;

    if (mem_args(d, args, &domid, &kb, &err) ||
        memory_set_target(d, domid, kb, &err))
        return req_fail_err(r, &err);
    return REQ_DONE;
}

/* The domain may balloon up to "kb" KiB. */
int req_mem_max(struct xltd *d, struct request *r, yajl_val args)
{
    uint32_t domid = INVALID_DOMID;
    struct xlt_err err;
    uint64_t kb = 0;

    if (mem_args(d, args, &domid, &kb, &err) ||
        memory_set_max(d, domid, kb, &err))
        return req_fail_err(r, &err);
    return REQ_DONE;
}
