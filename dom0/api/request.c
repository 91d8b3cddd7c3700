/*
 * request.c: the request table, and the one place where a request is
 * checked (is it known, may this caller's role make it), run, answered
 * and recorded.  A handler returns done, failed, or started (a job whose
 * end answers); either way the answer goes out here, once, is logged
 * here, and what may change something or was refused goes to the audit
 * trail (trail.c) here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"

const struct request_type request_types[] = {
    {"info", XLT_ROLE_READ_ONLY, req_info},
    {"list", XLT_ROLE_READ_ONLY, req_list},
    {"audit", XLT_ROLE_READ_ONLY, req_audit},
    {"events", XLT_ROLE_READ_ONLY, req_events},
    {"stats", XLT_ROLE_READ_ONLY, req_stats},
    {"create", XLT_ROLE_ADMIN, req_create},
    {"destroy", XLT_ROLE_OPERATOR, req_destroy},
    {"rename", XLT_ROLE_ADMIN, req_rename},
    {"cluster-resource", XLT_ROLE_OPERATOR, req_cluster_resource},
    {"define", XLT_ROLE_ADMIN, req_define},
    {"undefine", XLT_ROLE_ADMIN, req_undefine},
    {"start", XLT_ROLE_OPERATOR, req_start},
    {"config-update", XLT_ROLE_ADMIN, req_config_update},
    {"autostart", XLT_ROLE_ADMIN, req_autostart},
    {"host-shutdown", XLT_ROLE_ADMIN, req_host_shutdown},
    {"pause", XLT_ROLE_OPERATOR, req_pause},
    {"unpause", XLT_ROLE_OPERATOR, req_unpause},
    {"shutdown", XLT_ROLE_OPERATOR, req_shutdown},
    {"reboot", XLT_ROLE_OPERATOR, req_reboot},
    {"console", XLT_ROLE_OPERATOR, req_console},
    {"dmesg", XLT_ROLE_ADMIN, req_dmesg},
    {"sysrq", XLT_ROLE_OPERATOR, req_sysrq},
    {"trigger", XLT_ROLE_OPERATOR, req_trigger},
    {"topology", XLT_ROLE_READ_ONLY, req_topology},
    {"vcpu-list", XLT_ROLE_READ_ONLY, req_vcpu_list},
    {"vcpu-pin", XLT_ROLE_ADMIN, req_vcpu_pin},
    {"vcpu-set", XLT_ROLE_OPERATOR, req_vcpu_set},
    {"vcpu-dedicate", XLT_ROLE_ADMIN, req_vcpu_dedicate},
    {"network-attach", XLT_ROLE_ADMIN, req_network_attach},
    {"network-detach", XLT_ROLE_ADMIN, req_network_detach},
    {"network-list", XLT_ROLE_READ_ONLY, req_network_list},
    {"block-attach", XLT_ROLE_ADMIN, req_block_attach},
    {"block-detach", XLT_ROLE_ADMIN, req_block_detach},
    {"block-list", XLT_ROLE_READ_ONLY, req_block_list},
    {"mem-set", XLT_ROLE_OPERATOR, req_mem_set},
    {"mem-max", XLT_ROLE_ADMIN, req_mem_max},
    {"sched", XLT_ROLE_ADMIN, req_sched},
    {"save", XLT_ROLE_ADMIN, req_save},
    {"restore", XLT_ROLE_ADMIN, req_restore},
    {"migrate", XLT_ROLE_OPERATOR, req_migrate},
    {"volume-create", XLT_ROLE_ADMIN, req_volume},
    {"volume-snapshot", XLT_ROLE_ADMIN, req_volume},
    {"volume-grow", XLT_ROLE_ADMIN, req_volume},
    {"volume-remove", XLT_ROLE_ADMIN, req_volume},
    {"volume-list", XLT_ROLE_READ_ONLY, req_volume},
    {"cpupool-list", XLT_ROLE_READ_ONLY, req_cpupool_list},
    {"cpupool-create", XLT_ROLE_ADMIN, req_cpupool_create},
    {"cpupool-destroy", XLT_ROLE_ADMIN, req_cpupool_destroy},
    {"cpupool-rename", XLT_ROLE_ADMIN, req_cpupool_rename},
    {"cpupool-cpu-add", XLT_ROLE_ADMIN, req_cpupool_cpu_add},
    {"cpupool-cpu-remove", XLT_ROLE_ADMIN, req_cpupool_cpu_remove},
    {"cpupool-migrate", XLT_ROLE_ADMIN, req_cpupool_migrate},
};

const size_t request_ntypes = sizeof(request_types) / sizeof(request_types[0]);

const struct request_type *request_type_find(const char *name)
{
    for (size_t i = 0; i < request_ntypes; i++)
        if (!strcmp(request_types[i].name, name))
            return &request_types[i];
    return NULL;
}

/* The one function that answers: the final line to the client, and the
 * outcome in the log. */
static void answer(struct xltd *d, unsigned conn, const char *name,
                   const char *request_id, const char *result,
                   const char *error)
{
    control_send_end(d, conn, result, error, request_id);
    if (error)
        log_info(&d->log, "client %u: %s: error: %s", conn, name, error);
    else
        log_debug(&d->log, "client %u: %s: done", conn, name);
}

/* ---- a request's life -------------------------------------------------- */

static void request_progress(struct job *job, const char *text)
{
    struct request *r = (struct request *)job;

    control_send_progress(r->d, r->conn, text);
}

/* A request that may change something is audited; so is one refused. */
static bool audited(const struct request *r)
{
    return !r->type || r->type->role > XLT_ROLE_READ_ONLY;
}

static void request_free(struct request *r)
{
    trail_subject_dispose(&r->subject);
    free(r->result);
    free(r);
}

static void request_end(struct job *job, const char *result,
                        const char *error)
{
    struct request *r = (struct request *)job;
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    opstats_ended(r->d, r->subject.op,
                  (double)(now.tv_sec - r->subject.start.tv_sec) +
                      (double)(now.tv_nsec - r->subject.start.tv_nsec) / 1e9,
                  error != NULL);

    answer(r->d, r->conn, r->subject.op, r->subject.id, result, error);
    if (audited(r))
        trail_end(r->d, &r->subject, error ? "failed" : "ok", error, result);
    request_free(r);
}

static const struct job_ops request_job_ops = {request_progress,
                                               request_end};

/* R is not run: WHY (a printf format) says so, and the trail has it. */
static void refuse(struct request *r, const char *fmt, ...)
    XLT_PRINTF(2, 3);
static void refuse(struct request *r, const char *fmt, ...)
{
    char why[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    answer(r->d, r->conn, r->subject.op, r->subject.id, NULL, why);
    trail_end(r->d, &r->subject, "refused", why, NULL);
    request_free(r);
}

void request_dispatch(struct xltd *d, unsigned conn,
                      const struct caller *caller, const struct xlt_msg *msg)
{
    const struct request_type *type = request_type_find(msg->cmd);
    struct request *r = calloc(1, sizeof(*r));
    int rc;

    if (!r) {
        answer(d, conn, msg->cmd, NULL, NULL, "out of memory");
        return;
    }
    r->job.ops = &request_job_ops;
    r->job.id = r->subject.id;
    r->d = d;
    r->conn = conn;
    r->type = type;
    trail_begin(d, &r->subject, caller, msg->cmd,
                audited(r) ? msg->body : NULL);
    if (!type) {
        refuse(r, "unknown request `%s' (xltd is older than xlt?)",
               msg->cmd);
        return;
    }
    if (caller->role < type->role) {
        refuse(r, "%s: permission denied: it needs the %s role (this "
               "caller, %s, is %s)", msg->cmd, xlt_role_name(type->role),
               caller->who, xlt_role_name(caller->role));
        return;
    }
    if (type->role > XLT_ROLE_READ_ONLY && d->stopping) {
        refuse(r, "%s: xltd is stopping (try again once it is back)",
               msg->cmd);
        return;
    }
    xlerr_reset(d);
    rc = type->run(d, r, msg->body);
    if (rc == REQ_STARTED)
        return; /* its job answers */
    request_end(&r->job, rc == REQ_DONE ? r->result ? r->result : "{}" : NULL,
                rc == REQ_DONE ? NULL : r->error.msg);
}
