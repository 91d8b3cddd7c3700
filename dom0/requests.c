/*
 * requests.c: what xltd does for each request.  Quick ones reply at once;
 * long ones (create, destroy) run as libxl asynchronous operations and
 * reply from their callback.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>


#include "xltd.h"

/* A request in flight inside libxl. */
struct op {
    struct xltd *d;
    unsigned conn;
    uint32_t domid;
    libxl_uuid uuid;
    libxl_asyncop_how how;
};

static struct op *op_new(struct xltd *d, unsigned conn,
                         void (*done)(libxl_ctx *, int, void *))
{
    struct op *op = calloc(1, sizeof(*op));

    if (!op)
        return NULL;
    op->d = d;
    op->conn = conn;
    op->domid = INVALID_DOMID;
    op->how.callback = done;
    op->how.u.for_callback = op;
    return op;
}

static void op_free(struct op *op)
{
    free(op);
}


void requests_reply_gen(struct xltd *d, unsigned conn, yajl_gen g)
{
    char *text = g ? xlt_json_gen_take(g) : NULL;

    if (text)
        control_reply_result(d, conn, text);
    else
        control_reply_error(d, conn, "out of memory");
    free(text);
    if (g)
        yajl_gen_free(g);
}

/* ---- info ---------------------------------------------------------------- */

static void info_node(yajl_gen g)
{
    struct utsname u;

    if (uname(&u) < 0)
        return;
    xlt_json_kv_str(g, "host", u.nodename);
    xlt_json_kv_str(g, "release", u.release);
    xlt_json_kv_str(g, "version", u.version);
    xlt_json_kv_str(g, "machine", u.machine);
}

static void info_caps(yajl_gen g, const libxl_physinfo *p)
{
    char caps[256];

    snprintf(caps, sizeof(caps), "%08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x",
             p->hw_cap[0], p->hw_cap[1], p->hw_cap[2], p->hw_cap[3],
             p->hw_cap[4], p->hw_cap[5], p->hw_cap[6], p->hw_cap[7]);
    xlt_json_kv_str(g, "hw_caps", caps);
    snprintf(caps, sizeof(caps), "%s%s%s%s%s%s%s%s%s%s%s",
             p->cap_pv ? " pv" : "", p->cap_hvm ? " hvm" : "",
             p->cap_hvm && p->cap_hvm_directio ? " hvm_directio" : "",
             p->cap_pv && p->cap_hvm_directio ? " pv_directio" : "",
             p->cap_hap ? " hap" : "", p->cap_shadow ? " shadow" : "",
             p->cap_iommu_hap_pt_share ? " iommu_hap_pt_share" : "",
             p->cap_vmtrace ? " vmtrace" : "", p->cap_vpmu ? " vpmu" : "",
             p->cap_gnttab_v1 ? " gnttab-v1" : "",
             p->cap_gnttab_v2 ? " gnttab-v2" : "");
    xlt_json_kv_str(g, "virt_caps", caps[0] ? caps + 1 : "");
}

static void info_physinfo(struct xltd *d, yajl_gen g,
                          const libxl_version_info *v)
{
    libxl_physinfo p;
    libxl_bitmap free_cpus;
    uint64_t per_mb = v && v->pagesize ? (1u << 20) / v->pagesize : 256;
    char mhz[32];

    libxl_physinfo_init(&p);
    libxl_bitmap_init(&free_cpus);
    if (libxl_get_physinfo(d->ctx, &p))
        goto out;
    xlt_json_kv_int(g, "nr_cpus", p.nr_cpus);
    xlt_json_kv_int(g, "max_cpu_id", p.max_cpu_id);
    xlt_json_kv_int(g, "nr_nodes", p.nr_nodes);
    xlt_json_kv_int(g, "cores_per_socket", p.cores_per_socket);
    xlt_json_kv_int(g, "threads_per_core", p.threads_per_core);
    snprintf(mhz, sizeof(mhz), "%u.%03u", p.cpu_khz / 1000, p.cpu_khz % 1000);
    xlt_json_kv_str(g, "cpu_mhz", mhz);
    info_caps(g, &p);
    xlt_json_kv_uint(g, "total_memory", p.total_pages / per_mb);
    xlt_json_kv_uint(g, "free_memory",
                     (p.free_pages - p.outstanding_pages) / per_mb);
    xlt_json_kv_uint(g, "sharing_freed_memory", p.sharing_freed_pages / per_mb);
    xlt_json_kv_uint(g, "sharing_used_memory", p.sharing_used_frames / per_mb);
    xlt_json_kv_uint(g, "outstanding_claims", p.outstanding_pages / per_mb);
    if (!libxl_get_freecpus(d->ctx, &free_cpus))
        xlt_json_kv_int(g, "free_cpus", libxl_bitmap_count_set(&free_cpus));
    dedicated_gen_info(d, g);
out:
    libxl_bitmap_dispose(&free_cpus);
    libxl_physinfo_dispose(&p);
}

static void info_xen(struct xltd *d, yajl_gen g, const libxl_version_info *v)
{
    char text[256];
    int sched = libxl_get_scheduler(d->ctx);

    if (!v)
        return;
    xlt_json_kv_int(g, "xen_major", v->xen_version_major);
    xlt_json_kv_int(g, "xen_minor", v->xen_version_minor);
    xlt_json_kv_str(g, "xen_extra", v->xen_version_extra);
    snprintf(text, sizeof(text), "%d.%d%s", v->xen_version_major,
             v->xen_version_minor, v->xen_version_extra);
    xlt_json_kv_str(g, "xen_version", text);
    xlt_json_kv_str(g, "xen_caps", v->capabilities);
    xlt_json_kv_str(g, "xen_scheduler",
                    sched < 0 ? "unknown" : libxl_scheduler_to_string(sched));
    xlt_json_kv_int(g, "xen_pagesize", v->pagesize);
    snprintf(text, sizeof(text), "virt_start=0x%" PRIx64, v->virt_start);
    xlt_json_kv_str(g, "platform_params", text);
    xlt_json_kv_str(g, "xen_changeset", v->changeset);
    xlt_json_kv_str(g, "xen_commandline", v->commandline);
    xlt_json_kv_str(g, "cc_compiler", v->compiler);
    xlt_json_kv_str(g, "cc_compile_by", v->compile_by);
    xlt_json_kv_str(g, "cc_compile_domain", v->compile_domain);
    xlt_json_kv_str(g, "cc_compile_date", v->compile_date);
    xlt_json_kv_str(g, "build_id", v->build_id);
}

/* The fields and order of `xl info`. */
static void req_info(struct xltd *d, unsigned conn, yajl_val args)
{
    const libxl_version_info *v = libxl_get_version_info(d->ctx);
    yajl_gen g = xlt_json_gen_new();

    (void)args;
    if (g) {
        yajl_gen_map_open(g);
        info_node(g);
        info_physinfo(d, g, v);
        info_xen(d, g, v);
        xlt_json_kv_int(g, "xend_config_format", 4);
        yajl_gen_map_close(g);
    }
    requests_reply_gen(d, conn, g);
}

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
                     void *unused)
{
    char *name = libxl_domid_to_name(d->ctx, i->domid);
    char uuid[LIBXL_UUID_FMTLEN + 1], state[7];
    uint64_t kb;

    (void)unused;
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
    yajl_gen_map_close(g);
    free(name);
}

int requests_domain_ids(struct xltd *d, yajl_val refs, uint32_t **ids_r,
                        size_t *n_r, struct xlt_err *err)
{
    size_t n = YAJL_IS_ARRAY(refs) ? refs->u.array.len : 0;
    uint32_t *ids = calloc(n ? n : 1, sizeof(*ids));

    if (!ids)
        return xlt_err_set(err, "out of memory");
    for (size_t k = 0; k < n; k++) {
        yajl_val r = refs->u.array.values[k];
        if (!YAJL_IS_STRING(r) ||
            xlt_domain_lookup(d->ctx, r->u.string, &ids[k], err)) {
            if (!YAJL_IS_STRING(r))
                xlt_err_set(err, "domains: expected names or ids");
            free(ids);
            return -1;
        }
    }
    *ids_r = ids;
    *n_r = n;
    return 0;
}

/* Is DOMID among IDS (all, if there are none)? */
static bool wanted(uint32_t domid, const uint32_t *ids, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (ids[k] == domid)
            return true;
    return n == 0;
}

void requests_reply_domains(struct xltd *d, unsigned conn, yajl_val args,
                            requests_gen_domain *gen, void *arg)
{
    libxl_dominfo *info = NULL;
    struct xlt_err err;
    uint32_t *ids = NULL;
    size_t nids = 0;
    yajl_gen g = NULL;
    int n = 0;

    if (requests_domain_ids(d, xlt_json_get(args, "domains"), &ids, &nids, &err)) {
        control_reply_error(d, conn, "%s", err.msg);
        goto out;
    }
    info = libxl_list_domain(d->ctx, &n);
    if (!info) {
        control_reply_error(d, conn, "listing domains: %s", domain_libxl_said(d, 0));
        goto out;
    }
    g = xlt_json_gen_new();
    if (g) {
        yajl_gen_map_open(g);
        xlt_json_str(g, "domains");
        yajl_gen_array_open(g);
        for (int k = 0; k < n; k++)
            if (wanted(info[k].domid, ids, nids))
                gen(d, g, &info[k], arg);
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
    }
    requests_reply_gen(d, conn, g);
out:
    if (info)
        libxl_dominfo_list_free(info, n);
    free(ids);
}

static void req_list(struct xltd *d, unsigned conn, yajl_val args)
{
    requests_reply_domains(d, conn, args, list_one, NULL);
}

/* ---- create -------------------------------------------------------------- */

/* Checks libxl would make later, with less helpful words. */
static int create_precheck(struct xltd *d, const libxl_domain_config *cfg,
                           struct xlt_err *err)
{
    const libxl_domain_build_info *b = &cfg->b_info;
    uint32_t other;

    if (!cfg->c_info.name)
        return xlt_err_set(err, "the configuration has no name");
    if (!libxl_name_to_domid(d->ctx, cfg->c_info.name, &other))
        return xlt_err_set(err, "a domain named %s already exists (id %u)",
                           cfg->c_info.name, other);
    if (b->kernel && access(b->kernel, R_OK))
        return xlt_err_errno(err, errno, "kernel %s", b->kernel);
    if (b->ramdisk && access(b->ramdisk, R_OK))
        return xlt_err_errno(err, errno, "ramdisk %s", b->ramdisk);
    return 0;
}

int requests_config_from_args(struct xltd *d, yajl_val args,
                              libxl_domain_config *cfg, struct xlt_err *err)
{
    yajl_val config = xlt_json_get(args, "config");
    char *text;
    int rc;

    if (!YAJL_IS_OBJECT(config))
        return xlt_err_set(err, "create: config must be an object");
    text = xlt_json_to_text(config);
    if (!text)
        return xlt_err_set(err, "out of memory");
    rc = libxl_domain_config_from_json(d->ctx, cfg, text);
    free(text);
    if (rc)
        return xlt_err_set(err, "create: the configuration is not a valid "
                           "libxl_domain_config");
    return create_precheck(d, cfg, err);
}

void requests_create_go(struct xltd *d, unsigned conn,
                        libxl_domain_config *cfg, const char *path,
                        const char *text, bool paused)
{
    char progress[256];
    struct xlt_err err;
    bool dedicated = false;

    if (text && xlt_config_dedicated(path ? path : "(config)", text,
                                     strlen(text), strlen(text), &dedicated,
                                     &err)) {
        control_reply_error(d, conn, "%s", err.msg);
        return;
    }
    if (dedicated && dedicated_reserve(d, cfg, &err)) {
        control_reply_error(d, conn, "%s; nothing created", err.msg);
        return;
    }
    if (store_put(d, cfg, path, text) ||
        (dedicated &&
         store_set_bool(d, &cfg->c_info.uuid, "dedicated", true))) {
        control_reply_error(d, conn, "%s: cannot record it in %s/domains "
                            "(see xltd's log); nothing created",
                            cfg->c_info.name, d->state_dir);
        store_drop(d, &cfg->c_info.uuid);
        dedicated_started(d, cfg);
        return;
    }
    snprintf(progress, sizeof(progress), "creating %s", cfg->c_info.name);
    control_reply_progress(d, conn, progress);
    log_info(&d->log, "%s: creating from %s", cfg->c_info.name,
             path ? path : "(no file)");
    domain_start(d, cfg, paused, conn);
}

static void req_create(struct xltd *d, unsigned conn, yajl_val args)
{
    const char *path = xlt_json_get_str(args, "path");
    const char *text = xlt_json_get_str(args, "text");
    bool paused = YAJL_IS_TRUE(xlt_json_get(args, "paused"));
    libxl_domain_config cfg;
    struct xlt_err err;

    libxl_domain_config_init(&cfg);
    if (requests_config_from_args(d, args, &cfg, &err)) {
        control_reply_error(d, conn, "%s", err.msg);
        goto out;
    }
    if (devices_prepare(d, &cfg, &err)) {
        control_reply_error(d, conn, "%s: %s; nothing created",
                            cfg.c_info.name, err.msg);
        goto out;
    }
    if (balloon_make_room(d, conn, &cfg, path, text, paused) == 0)
        requests_create_go(d, conn, &cfg, path, text, paused);
out:
    libxl_domain_config_dispose(&cfg);
}

void requests_domain_uuid(struct xltd *d, uint32_t domid, libxl_uuid *uuid)
{
    libxl_dominfo info;

    libxl_dominfo_init(&info);
    libxl_uuid_clear(uuid);
    if (!libxl_domain_info(d->ctx, &info, domid))
        libxl_uuid_copy(d->ctx, uuid, &info.uuid);
    libxl_dominfo_dispose(&info);
}

/* ---- destroy -------------------------------------------------------------- */

static void destroy_done(libxl_ctx *ctx, int rc, void *arg)
{
    struct op *op = arg;
    char result[64];

    (void)ctx;
    if (rc) {
        control_reply_error(op->d, op->conn, "destroying domain %u failed: %s",
                            op->domid, domain_libxl_said(op->d, rc));
    } else {
        log_info(&op->d->log, "domain %u: destroyed on request", op->domid);
        store_drop(op->d, &op->uuid);
        dedicated_rebalance(op->d);
        snprintf(result, sizeof(result), "{\"domid\":%u}", op->domid);
        control_reply_result(op->d, op->conn, result);
    }
    op_free(op);
}

static int one_domain(struct xltd *d, yajl_val args, uint32_t *domid,
                      struct xlt_err *err)
{
    yajl_val refs = xlt_json_get(args, "domains");

    if (!YAJL_IS_ARRAY(refs) || refs->u.array.len != 1 ||
        !YAJL_IS_STRING(refs->u.array.values[0]))
        return xlt_err_set(err, "expected one domain");
    return xlt_domain_lookup(d->ctx, refs->u.array.values[0]->u.string, domid,
                             err);
}

int requests_the_domain(struct xltd *d, unsigned conn, yajl_val args,
                        uint32_t *domid)
{
    struct xlt_err err;

    if (one_domain(d, args, domid, &err) == 0)
        return 0;
    control_reply_error(d, conn, "%s", err.msg);
    return -1;
}

static void req_destroy(struct xltd *d, unsigned conn, yajl_val args)
{
    struct op *op;
    uint32_t domid = INVALID_DOMID;
    int rc;

    if (requests_the_domain(d, conn, args, &domid))
        return;
    if (domid == 0) {
        control_reply_error(d, conn, "domain 0 cannot be destroyed");
        return;
    }
    op = op_new(d, conn, destroy_done);
    if (!op) {
        control_reply_error(d, conn, "out of memory");
        return;
    }
    op->domid = domid;
    requests_domain_uuid(d, domid, &op->uuid);
    d->log.last_libxl_error[0] = '\0';
    rc = libxl_domain_destroy(d->ctx, domid, &op->how);
    if (rc) {
        control_reply_error(d, conn, "destroying domain %u failed: %s", domid,
                            domain_libxl_said(d, rc));
        op_free(op);
    }
}

/* ---- rename --------------------------------------------------------------- */

static void req_rename(struct xltd *d, unsigned conn, yajl_val args)
{
    const char *name = xlt_json_get_str(args, "name");
    uint32_t domid = INVALID_DOMID, other;
    libxl_uuid uuid;

    if (requests_the_domain(d, conn, args, &domid))
        return;
    if (!name || !*name || strchr(name, '/')) {
        control_reply_error(d, conn, "`%s' is not a valid domain name",
                            name ? name : "");
        return;
    }
    if (!libxl_name_to_domid(d->ctx, name, &other)) {
        control_reply_error(d, conn, "a domain named %s already exists "
                            "(id %u)", name, other);
        return;
    }
    d->log.last_libxl_error[0] = '\0';
    if (libxl_domain_rename(d->ctx, domid, NULL, name)) {
        control_reply_error(d, conn, "renaming domain %u failed: %s", domid,
                            domain_libxl_said(d, ERROR_FAIL));
        return;
    }
    log_info(&d->log, "domain %u: renamed to %s", domid, name);
    requests_domain_uuid(d, domid, &uuid);
    if (store_has(d, &uuid) && store_set_str(d, &uuid, "name", name))
        log_err(&d->log, "domain %u: its store entry keeps the old name",
                domid);
    control_reply_result(d, conn, "{}");
}

/* ---- pause, unpause ------------------------------------------------------ */

static void pause_or_unpause(struct xltd *d, unsigned conn, yajl_val args,
                             bool pause)
{
    uint32_t domid = INVALID_DOMID;
    int rc;

    if (requests_the_domain(d, conn, args, &domid))
        return;
    d->log.last_libxl_error[0] = '\0';
    rc = pause ? libxl_domain_pause(d->ctx, domid, NULL)
               : libxl_domain_unpause(d->ctx, domid, NULL);
    if (rc) {
        control_reply_error(d, conn, "%s domain %u failed: %s",
                            pause ? "pausing" : "unpausing", domid,
                            domain_libxl_said(d, rc));
        return;
    }
    log_info(&d->log, "domain %u: %s", domid, pause ? "paused" : "unpaused");
    control_reply_result(d, conn, "{}");
}

static void req_pause(struct xltd *d, unsigned conn, yajl_val args)
{
    pause_or_unpause(d, conn, args, true);
}

static void req_unpause(struct xltd *d, unsigned conn, yajl_val args)
{
    pause_or_unpause(d, conn, args, false);
}

/* ---- shutdown, reboot ----------------------------------------------------- */

/* The domains a request names, or with "all": true every guest. */
static int named_domains(struct xltd *d, yajl_val args, uint32_t **ids_r,
                         size_t *n_r, struct xlt_err *err)
{
    libxl_dominfo *info;
    uint32_t *ids;
    size_t n = 0;
    int count = 0;

    if (!YAJL_IS_TRUE(xlt_json_get(args, "all"))) {
        *ids_r = calloc(1, sizeof(**ids_r));
        *n_r = 1;
        if (!*ids_r)
            return xlt_err_set(err, "out of memory");
        return one_domain(d, args, *ids_r, err);
    }
    info = libxl_list_domain(d->ctx, &count);
    if (!info)
        return xlt_err_set(err, "cannot list the domains");
    ids = calloc((size_t)count + 1, sizeof(*ids));
    for (int i = 0; ids && i < count; i++)
        if (info[i].domid != 0 && !info[i].dying)
            ids[n++] = info[i].domid;
    libxl_dominfo_list_free(info, count);
    if (!ids)
        return xlt_err_set(err, "out of memory");
    *ids_r = ids;
    *n_r = n;
    return 0;
}

/* Ask DOMID to shut down or reboot: through its PV drivers, else (with
 * FALLBACK) through the ACPI power button, or for a reboot a reset: Xen on
 * x86 has no reset trigger (ENOSYS), so xltd shuts the domain down for
 * reboot itself and on_reboot follows, as after a reset. */
static int ask_domain(struct xltd *d, uint32_t domid, bool reboot,
                      bool fallback, struct xlt_err *err)
{
    int rc;

    d->log.last_libxl_error[0] = '\0';
    rc = reboot ? libxl_domain_reboot(d->ctx, domid, NULL)
                : libxl_domain_shutdown(d->ctx, domid, NULL);
    if (rc == ERROR_NOPARAVIRT && fallback && reboot)
        rc = domain_remote_shutdown(d, domid, LIBXL_SHUTDOWN_REASON_REBOOT)
                 ? ERROR_FAIL : 0;
    else if (rc == ERROR_NOPARAVIRT && fallback)
        rc = libxl_send_trigger(d->ctx, domid, LIBXL_TRIGGER_POWER, 0, NULL);
    else if (rc == ERROR_NOPARAVIRT)
        return xlt_err_set(err, "domain %u has no PV drivers to ask; -F "
                           "%s instead", domid, reboot ? "resets it"
                           : "presses its ACPI power button");
    if (rc)
        return xlt_err_set(err, "asking domain %u to %s failed: %s", domid,
                           reboot ? "reboot" : "shut down",
                           domain_libxl_said(d, rc));
    log_info(&d->log, "domain %u: asked to %s", domid,
             reboot ? "reboot" : "shut down");
    return 0;
}

static void shutdown_or_reboot(struct xltd *d, unsigned conn, yajl_val args,
                               bool reboot)
{
    bool fallback = YAJL_IS_TRUE(xlt_json_get(args, "acpi_fallback"));
    struct xlt_err err;
    uint32_t *ids = NULL;
    size_t n = 0;

    if (named_domains(d, args, &ids, &n, &err)) {
        control_reply_error(d, conn, "%s", err.msg);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (ids[i] == 0) {
            control_reply_error(d, conn, "domain 0 is dom0: shut the host "
                                "down instead");
            goto out;
        }
        if (ask_domain(d, ids[i], reboot, fallback, &err)) {
            control_reply_error(d, conn, "%s", err.msg);
            goto out;
        }
    }
    if (YAJL_IS_TRUE(xlt_json_get(args, "wait"))) {
        control_reply_progress(d, conn, "waiting for the domains to go");
        supervise_wait(d, conn, ids, n);
    } else {
        control_reply_result(d, conn, "{}");
    }
out:
    free(ids);
}

static void req_shutdown(struct xltd *d, unsigned conn, yajl_val args)
{
    shutdown_or_reboot(d, conn, args, false);
}

static void req_reboot(struct xltd *d, unsigned conn, yajl_val args)
{
    shutdown_or_reboot(d, conn, args, true);
}

/* ---- dispatch ------------------------------------------------------------- */

static const struct request {
    const char *name;
    bool modifies; /* root only */
    void (*run)(struct xltd *d, unsigned conn, yajl_val args);
} requests[] = {
    {"info", false, req_info},
    {"list", false, req_list},
    {"create", true, req_create},
    {"destroy", true, req_destroy},
    {"rename", true, req_rename},
    {"pause", true, req_pause},
    {"unpause", true, req_unpause},
    {"shutdown", true, req_shutdown},
    {"reboot", true, req_reboot},
    {"console", true, req_console},
    {"dmesg", true, req_dmesg},
    {"sysrq", true, req_sysrq},
    {"trigger", true, req_trigger},
    {"topology", false, req_topology},
    {"vcpu-list", false, req_vcpu_list},
    {"vcpu-pin", true, req_vcpu_pin},
    {"vcpu-set", true, req_vcpu_set},
    {"vcpu-dedicate", true, req_vcpu_dedicate},
    {"network-attach", true, req_network_attach},
    {"network-detach", true, req_network_detach},
    {"network-list", false, req_network_list},
    {"block-attach", true, req_block_attach},
    {"block-detach", true, req_block_detach},
    {"block-list", false, req_block_list},
    {"mem-set", true, req_mem_set},
    {"mem-max", true, req_mem_max},
    {"sched", true, req_sched},
    {"save", true, req_save},
    {"restore", true, req_restore},
    {"migrate", true, req_migrate},
    {"cpupool-list", false, req_cpupool_list},
    {"cpupool-create", true, req_cpupool_create},
    {"cpupool-destroy", true, req_cpupool_destroy},
    {"cpupool-rename", true, req_cpupool_rename},
    {"cpupool-cpu-add", true, req_cpupool_cpu_add},
    {"cpupool-cpu-remove", true, req_cpupool_cpu_remove},
    {"cpupool-migrate", true, req_cpupool_migrate},
};

void requests_dispatch(struct xltd *d, unsigned id, bool root,
                       const struct xlt_msg *msg)
{
    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        const struct request *r = &requests[i];
        if (strcmp(r->name, msg->cmd) != 0)
            continue;
        if (r->modifies && !root) {
            control_reply_error(d, id, "%s: permission denied (root only)",
                                r->name);
            return;
        }
        r->run(d, id, msg->body);
        return;
    }
    control_reply_error(d, id, "unknown request `%s' (xltd is older than "
                        "xlt?)", msg->cmd);
}
