/*
 * req_domain.c: list, create, destroy, rename, pause, unpause, the
 * cluster resource a domain is, shutdown and reboot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenstore.h>

#include "api.h"

/* ---- list ---------------------------------------------------------------- */

/* xl's six state letters: running, blocked, paused, shutdown (with its
 * reason), dying. */
static void state_letters(const libxl_dominfo *i, char s[7])
{
    static const char reasons[] = "-rscwS";
    unsigned r = i->shutdown ? (unsigned)i->shutdown_reason : 0;

    s[0] = "-r"[i->running != 0];
    s[1] = "-b"[i->blocked != 0];
    s[2] = "-p"[i->paused != 0];
    s[3] = "-s"[i->shutdown != 0];
    s[4] = '?';
    if (r < sizeof(reasons) - 1)
        s[4] = reasons[r];
    s[5] = "-d"[i->dying != 0];
    s[6] = '\0';
}

/* Seconds since the domain started (for dom0: since the host booted). */
static unsigned long uptime_of(struct xltd *d, uint32_t domid)
{
    uint32_t start;
    double up = 0;
    FILE *f;

    if (domid == 0) {
        f = fopen("/proc/uptime", "re");
        if (f && fscanf(f, "%lf", &up) != 1)
            up = 0;
        if (f)
            fclose(f);
        return (unsigned long)up;
    }
    start = libxl_vm_get_start_time(d->ctx, domid);
    if (start == (uint32_t)-1 || (time_t)start > time(NULL))
        return 0;
    return (unsigned long)(time(NULL) - (time_t)start);
}

/* Xen sees PVH guests as HVM; libxl records which in xenstore, at
 * /libxl/DOMID/type (what libxl itself reads back). */
static libxl_domain_type type_of(struct xltd *d, const libxl_dominfo *i)
{
    libxl_domain_type t = i->domain_type;
    char path[64], *text;
    unsigned int len;

    if (t != LIBXL_DOMAIN_TYPE_HVM || !d->xs)
        return t;
    snprintf(path, sizeof(path), "/libxl/%u/type", i->domid);
    text = xs_read(d->xs, XBT_NULL, path, &len);
    if (text && libxl_domain_type_from_string(text, &t))
        t = i->domain_type;
    free(text);
    return t;
}

static void list_one(struct xltd *d, yajl_gen g, const libxl_dominfo *i,
                     void *defined)
{
    char *name = libxl_domid_to_name(d->ctx, i->domid);
    char uuid[LIBXL_UUID_FMTLEN + 1], state[7], *rsc = NULL;
    uint64_t kb;

    snprintf(uuid, sizeof(uuid), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(i->uuid));
    state_letters(i, state);
    yajl_gen_map_open(g);
    xlt_json_kv_str(g, "name", name ? name : "");
    xlt_json_kv_int(g, "domid", i->domid);
    xlt_json_kv_str(g, "uuid", uuid);
    xlt_json_kv_str(g, "type", libxl_domain_type_to_string(type_of(d, i)));
    xlt_json_kv_str(g, "state", state);
    xlt_json_kv_uint(g, "memory", (i->current_memkb + i->outstanding_memkb)
                                      / 1024);
    if (!memory_target(d, i->domid, &kb))
        xlt_json_kv_uint(g, "target_memory", kb / 1024);
    xlt_json_kv_uint(g, "max_memory", memory_static_max(d, i->domid, &kb)
                                          ? i->max_memkb / 1024 : kb / 1024);
    xlt_json_kv_int(g, "vcpus", i->vcpu_online);
    xlt_json_kv_int(g, "max_vcpus", i->vcpu_max_id + 1);
    xlt_json_kv_double(g, "cpu_time", (double)i->cpu_time / 1e9);
    xlt_json_kv_uint(g, "uptime", uptime_of(d, i->domid));
    if (i->domid != 0) {
        req_defined_members(g, defined, &i->uuid);
        rsc = cluster_resource_of(d, &i->uuid);
        if (rsc)
            xlt_json_kv_str(g, "cluster_resource", rsc);
    }
    yajl_gen_map_close(g);
    free(rsc);
    free(name);
}

/* {"domains": [REF...], "all": BOOL (the definitions that are off too)} */
int req_list(struct xltd *d, struct request *r, yajl_val args)
{
    struct defined_rows defined;
    int rc;

    req_defined_rows(d, &defined);
    rc = req_domains_and(d, r, args, list_one, &defined,
                         YAJL_IS_TRUE(xlt_json_get(args, "all"))
                             ? req_list_more
                             : NULL);
    req_defined_rows_dispose(&defined);
    return rc;
}

/* ---- create, destroy, rename, pause -------------------------------------- */

/* {"config": libxl's JSON, "path", "text" (the config file's), "paused"}
 * -> {"domid", "name"} */
int req_create(struct xltd *d, struct request *r, yajl_val args)
{
    libxl_domain_config cfg;
    struct xlt_err err;
    int rc;

    libxl_domain_config_init(&cfg);
    if (args_config(d, args, &cfg, &err))
        rc = req_fail_err(r, &err);
    else
        rc = req_started(r, domain_create(d, &cfg,
                                          xlt_json_get_str(args, "path"),
                                          xlt_json_get_str(args, "text"),
                                          YAJL_IS_TRUE(xlt_json_get(args,
                                                                    "paused")),
                                          &r->job, &err),
                         &err);
    libxl_domain_config_dispose(&cfg);
    return rc;
}

int req_destroy(struct xltd *d, struct request *r, yajl_val args)
{
    uint32_t domid = INVALID_DOMID;
    struct xlt_err err;

    if (args_the_domain(d, args, &domid, &err))
        return req_fail_err(r, &err);
    return req_started(r, domain_destroy(d, domid, &r->job, &err), &err);
}

/* {"domains": [REF], "name": NEW} */
int req_rename(struct xltd *d, struct request *r, yajl_val args)
{
    uint32_t domid = INVALID_DOMID;
    struct xlt_err err;

    if (args_the_domain(d, args, &domid, &err) ||
        domain_rename(d, domid, xlt_json_get_str(args, "name"), &err))
        return req_fail_err(r, &err);
    return REQ_DONE;
}

static int pause_or_unpause(struct xltd *d, struct request *r, yajl_val args,
                            bool pause)
{
    uint32_t domid = INVALID_DOMID;
    struct xlt_err err;

    if (args_the_domain(d, args, &domid, &err) ||
        domain_pause(d, domid, pause, &err))
        return req_fail_err(r, &err);
    return REQ_DONE;
}

int req_pause(struct xltd *d, struct request *r, yajl_val args)
{
    return pause_or_unpause(d, r, args, true);
}

int req_unpause(struct xltd *d, struct request *r, yajl_val args)
{
    return pause_or_unpause(d, r, args, false);
}

/* {"domains": [REF], "resource": ID or null (no resource)} */
int req_cluster_resource(struct xltd *d, struct request *r, yajl_val args)
{
    yajl_val rsc = xlt_json_get(args, "resource");
    uint32_t domid = INVALID_DOMID;
    struct xlt_err err;

    if (!YAJL_IS_STRING(rsc) && !YAJL_IS_NULL(rsc))
        return req_fail(r, "`resource' is not a string or null");
    if (args_the_domain(d, args, &domid, &err) ||
        cluster_mark(d, domid, YAJL_IS_STRING(rsc) ? rsc->u.string : NULL,
                     &err))
        return req_fail_err(r, &err);
    return REQ_DONE;
}

/* ---- shutdown, reboot ----------------------------------------------------- */

/* {"domains": [REF] or "all": true, "acpi_fallback", "wait"}: answered
 * once every guest acknowledged (and with "wait" once they are gone). */
static int shutdown_or_reboot(struct xltd *d, struct request *r,
                              yajl_val args, bool reboot)
{
    bool fallback = YAJL_IS_TRUE(xlt_json_get(args, "acpi_fallback"));
    bool wait = YAJL_IS_TRUE(xlt_json_get(args, "wait"));
    struct xlt_err err;
    uint32_t *ids = NULL;
    size_t n = 0;
    int rc;

    if (args_named_domains(d, args, &ids, &n, &err))
        return req_fail_err(r, &err);
    if (wait)
        job_progress(&r->job, "asking; then waiting for the domains to go");
    rc = req_started(r, domain_ask(d, ids, n, reboot, fallback, wait,
                                   &r->job, &err), &err);
    free(ids);
    return rc;
}

int req_shutdown(struct xltd *d, struct request *r, yajl_val args)
{
    return shutdown_or_reboot(d, r, args, false);
}

int req_reboot(struct xltd *d, struct request *r, yajl_val args)
{
    return shutdown_or_reboot(d, r, args, true);
}
