/*
 * memory.c: mem-set (the balloon target) and mem-max (the most a domain
 * may have), with the checks xl leaves to the hypervisor's errors.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <xenstore.h>

#include "core.h"

/* Below this a guest kernel cannot run: mem-set refuses it. */
#define MIN_GUEST_KB ((uint64_t)16 * 1024)

/* /local/domain/DOMID/memory/KEY in KiB; -1 if it is not there. */
static int memory_node(struct xltd *d, uint32_t domid, const char *key,
                       uint64_t *kb_r)
{
    char path[80], *text, *end;
    unsigned int len;
    int rc = -1;

    if (!d->xs)
        return -1;
    snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid, key);
    text = xs_read(d->xs, XBT_NULL, path, &len);
    if (text) {
        *kb_r = strtoull(text, &end, 10);
        rc = end != text && !*end ? 0 : -1;
    }
    free(text);
    return rc;
}

int memory_target(struct xltd *d, uint32_t domid, uint64_t *kb_r)
{
    return memory_node(d, domid, "target", kb_r);
}

int memory_static_max(struct xltd *d, uint32_t domid, uint64_t *kb_r)
{
    return memory_node(d, domid, "static-max", kb_r);
}

int memory_set_target(struct xltd *d, uint32_t domid, uint64_t kb,
                      struct xlt_err *err)
{
    uint64_t max = 0, target = 0, free_kb = 0;
    int rc;

    if (!memory_static_max(d, domid, &max) && kb > max)
        return xlt_err_set(err, "%" PRIu64 " MiB is above domain %u's "
                           "maximum of %" PRIu64 " MiB: raise it with mem-max "
                           "first", kb / 1024, domid, max / 1024);
    if (kb < MIN_GUEST_KB && domid != 0)
        return xlt_err_set(err, "%" PRIu64 " KiB is too little for a guest "
                           "to live on (16 MiB at least)", kb);
    if (!memory_target(d, domid, &target) && kb > target &&
        !libxl_get_free_memory(d->ctx, &free_kb) && kb - target > free_kb)
        return xlt_err_set(err, "the host has %" PRIu64 " MiB free; domain "
                           "%u would need %" PRIu64 " MiB more",
                           free_kb / 1024, domid, (kb - target) / 1024);
    rc = libxl_set_memory_target(d->ctx, domid, (int64_t)kb, 0, 1);
    if (rc)
        return xlerr_set(d, rc, err, "setting domain %u's memory failed",
                            domid);
    log_info(&d->log, "domain %u: memory target %" PRIu64 " KiB", domid, kb);
    events_emit(d, &(struct event){.kind = "memory", .domid = domid,
                                   .value_key = "target_kb",
                                   .value = (long long)kb});
    return 0;
}

int memory_set_max(struct xltd *d, uint32_t domid, uint64_t kb,
                   struct xlt_err *err)
{
    uint64_t target = 0;
    int rc;

    if (!memory_target(d, domid, &target) && kb < target)
        return xlt_err_set(err, "%" PRIu64 " MiB is below domain %u's "
                           "memory target of %" PRIu64 " MiB: lower it with "
                           "mem-set first", kb / 1024, domid, target / 1024);
    rc = libxl_domain_setmaxmem(d->ctx, domid, kb);
    if (rc)
        return xlerr_set(d, rc, err, "setting domain %u's maximum memory "
                            "failed", domid);
    log_info(&d->log, "domain %u: maximum memory %" PRIu64 " KiB", domid,
             kb);
    events_emit(d, &(struct event){.kind = "memory-max", .domid = domid,
                                   .value_key = "max_kb",
                                   .value = (long long)kb});
    return 0;
}
