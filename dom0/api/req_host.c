/*
 * req_host.c: what xltd says of the host: info, with the fields and order
 * of `xl info`; audit, its audit trail's records; events, the domains'
 * events as they come.
 */
#include <inttypes.h>
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "api.h"

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
int req_info(struct xltd *d, struct request *r, yajl_val args)
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
    return req_done_gen(r, g);
}

/* ---- audit ----------------------------------------------------------------- */

int req_audit(struct xltd *d, struct request *r, yajl_val args)
{
    yajl_gen g = xlt_json_gen_new();
    struct xlt_err err;

    if (!g)
        return req_fail(r, "out of memory");
    yajl_gen_map_open(g);
    if (trail_records(d, xlt_json_get_str(args, "since"), g, &err)) {
        yajl_gen_free(g);
        return req_fail_err(r, &err);
    }
    yajl_gen_map_close(g);
    return req_done_gen(r, g);
}

/* {} -> {"host": NAME}; the connection then follows the events. */
int req_events(struct xltd *d, struct request *r, yajl_val args)
{
    char host[256] = "";
    struct xlt_err err;

    (void)args;
    if (control_follow_events(d, r->conn, &err))
        return req_fail_err(r, &err);
    gethostname(host, sizeof(host) - 1);
    return req_done_str(r, "host", host);
}

/* ---- host-shutdown ---------------------------------------------------------- */

/* {"mode": "save"|"shutdown"|"migrate"} (xlt.conf's host_shutdown if
 * absent) -> {"migrated": [NAME...], "saved", "shut_down", "destroyed",
 * "failed"} once every guest is gone */
int req_host_shutdown(struct xltd *d, struct request *r, yajl_val args)
{
    enum host_shutdown_mode mode = d->host_conf.mode;
    const char *given = xlt_json_get_str(args, "mode");
    struct xlt_err err;

    if (given && host_shutdown_mode_parse(given, &mode))
        return req_fail(r, "mode: `%s' is not save, shutdown or migrate",
                        given);
    return req_started(r, hostdown_run(d, mode, &r->job, &err), &err);
}
