/*
 * request.c: the request table, and the one place where a request is
 * checked (is it known, may this caller make it), run and answered.  A
 * handler returns done, failed, or started (a job whose end answers);
 * either way the answer goes out here, once, and is logged here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

const struct request_type request_types[] = {
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
                   const char *result, const char *error)
{
    control_send_end(d, conn, result, error);
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

static void request_end(struct job *job, const char *result,
                        const char *error)
{
    struct request *r = (struct request *)job;

    answer(r->d, r->conn, r->type->name, result, error);
    free(r->result);
    free(r);
}

static const struct job_ops request_job_ops = {request_progress,
                                               request_end};

void request_dispatch(struct xltd *d, unsigned conn, bool root,
                      const struct xlt_msg *msg)
{
    const struct request_type *type = request_type_find(msg->cmd);
    struct request *r;
    char why[300];
    int rc;

    if (!type || (type->modifies && !root)) {
        snprintf(why, sizeof(why), type ? "%s: permission denied (root only)"
                 : "unknown request `%s' (xltd is older than xlt?)",
                 msg->cmd);
        answer(d, conn, msg->cmd, NULL, why);
        return;
    }
    if (type->modifies && d->stopping) {
        snprintf(why, sizeof(why), "%s: xltd is stopping (try again once it "
                 "is back)", msg->cmd);
        answer(d, conn, msg->cmd, NULL, why);
        return;
    }
    r = calloc(1, sizeof(*r));
    if (!r) {
        answer(d, conn, msg->cmd, NULL, "out of memory");
        return;
    }
    r->job.ops = &request_job_ops;
    r->d = d;
    r->conn = conn;
    r->type = type;
    xlerr_reset(d);
    rc = type->run(d, r, msg->body);
    if (rc == REQ_STARTED)
        return; /* its job answers */
    request_end(&r->job, rc == REQ_DONE ? r->result ? r->result : "{}" : NULL,
                rc == REQ_DONE ? NULL : r->error.msg);
}
