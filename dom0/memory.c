/*
 * memory.c: mem-set (the balloon target) and mem-max (the most a domain
 * may have), with the checks xl leaves to the hypervisor's errors.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <xenstore.h>

#include "xltd.h"

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

/* The domain ARGS names, its info and its "kb" argument; -1 once CONN has
 * been told what is wrong. */
static int mem_request(struct xltd *d, unsigned conn, yajl_val args,
                       libxl_dominfo *info, uint64_t *kb_r)
{
    uint32_t domid = INVALID_DOMID;
    long long kb = -1;

    if (requests_the_domain(d, conn, args, &domid))
        return -1;
    if (libxl_domain_info(d->ctx, info, domid)) {
        control_reply_error(d, conn, "cannot read domain %u", domid);
        return -1;
    }
    if (!xlt_json_get_int(args, "kb", &kb) || kb < 0) {
        control_reply_error(d, conn, "no memory size given");
        return -1;
    }
    *kb_r = (uint64_t)kb;
    return 0;
}

/* {"domains": [REF], "kb": N}: ask the guest's balloon driver for N KiB. */
void req_mem_set(struct xltd *d, unsigned conn, yajl_val args)
{
    libxl_dominfo info;
    uint64_t kb, max = 0, target = 0, free_kb = 0;
    int rc;

    libxl_dominfo_init(&info);
    if (mem_request(d, conn, args, &info, &kb))
        goto out;
    if (!memory_static_max(d, info.domid, &max) && kb > max) {
        control_reply_error(d, conn, "%" PRIu64 " MiB is above domain %u's "
                            "maximum of %" PRIu64 " MiB: raise it with mem-max "
                            "first", kb / 1024, info.domid, max / 1024);
        goto out;
    }
    if (kb < MIN_GUEST_KB && info.domid != 0) {
        control_reply_error(d, conn, "%" PRIu64 " KiB is too little for a "
                            "guest to live on (16 MiB at least)", kb);
        goto out;
    }
    if (!memory_target(d, info.domid, &target) && kb > target &&
        !libxl_get_free_memory(d->ctx, &free_kb) && kb - target > free_kb) {
        control_reply_error(d, conn, "the host has %" PRIu64 " MiB free; "
                            "domain %u would need %" PRIu64 " MiB more",
                            free_kb / 1024, info.domid, (kb - target) / 1024);
        goto out;
    }
    d->log.last_libxl_error[0] = '\0';
    rc = libxl_set_memory_target(d->ctx, info.domid, (int64_t)kb, 0, 1);
    if (rc) {
        control_reply_error(d, conn, "setting domain %u's memory failed: %s",
                            info.domid, domain_libxl_said(d, rc));
        goto out;
    }
    log_info(&d->log, "domain %u: memory target %" PRIu64 " KiB", info.domid,
             kb);
    control_reply_result(d, conn, "{}");
out:
    libxl_dominfo_dispose(&info);
}

/* {"domains": [REF], "kb": N}: the domain may balloon up to N KiB. */
void req_mem_max(struct xltd *d, unsigned conn, yajl_val args)
{
    libxl_dominfo info;
    uint64_t kb, target = 0;
    int rc;

    libxl_dominfo_init(&info);
    if (mem_request(d, conn, args, &info, &kb))
        goto out;
    if (!memory_target(d, info.domid, &target) && kb < target) {
        control_reply_error(d, conn, "%" PRIu64 " MiB is below domain %u's "
                            "memory target of %" PRIu64 " MiB: lower it with "
                            "mem-set first", kb / 1024, info.domid,
                            target / 1024);
        goto out;
    }
    d->log.last_libxl_error[0] = '\0';
    rc = libxl_domain_setmaxmem(d->ctx, info.domid, kb);
    if (rc) {
        control_reply_error(d, conn, "setting domain %u's maximum memory "
                            "failed: %s", info.domid,
                            domain_libxl_said(d, rc));
        goto out;
    }
    log_info(&d->log, "domain %u: maximum memory %" PRIu64 " KiB",
             info.domid, kb);
    control_reply_result(d, conn, "{}");
out:
    libxl_dominfo_dispose(&info);
}
