/*
 * xltd's request layer: the control socket, the request table and the
 * one place that answers a request (request.c), and thin handlers, one
 * file per command group, that turn a request's arguments into calls of
 * the core and its results into the answer.  Only this layer talks to
 * clients.
 */
#ifndef XLTD_API_H
#define XLTD_API_H

#include "core.h"

/* Who makes a request: the role that says what it may do, and who it is
 * for the log and the audit trail. */
struct caller {
    enum xlt_role role;
    uid_t uid;       /* a local caller's; (uid_t)-1 for a remote one */
    char who[256];   /* its user's name, "uid N", or its certificate's DN */
    char from[64];   /* a remote caller's address ("": local) */
};

/* ---- control.c: the Unix sockets clients talk to --------------------- */

int control_listen(struct xltd *d);
void control_close(struct xltd *d);
/* Add the socket's and the connections' pollfds; handle their events. */
size_t control_pollfds(struct xltd *d, struct pollfd *fds, size_t max);
void control_handle(struct xltd *d, const struct pollfd *fds, size_t n);
size_t control_count(const struct xltd *d);
/* Take on FD (a connected socket, non-blocking) as a client of CALLER's:
 * false if there is no room (FD is closed). */
bool control_adopt(struct xltd *d, int fd, const struct caller *caller);
/* How long until an idle client's deadline (ms; -1: none), and closing
 * those past it (the loop calls it every turn). */
int control_timeout_ms(const struct xltd *d);
void control_expire(struct xltd *d);
/* Send connection ID (which may have gone away meanwhile) the final line
 * of its request, RESULT (a JSON object's text) or ERROR, or a progress
 * line.  request.c's answer is their only caller. */
void control_send_end(struct xltd *d, unsigned id, const char *result,
                      const char *error, const char *request_id);
void control_send_progress(struct xltd *d, unsigned id, const char *text);
/* Once its answer is out, connection ID follows the events: each a line
 * {"xlt":1,"event":{..}}, until it hangs up.  -1 with ERR if too many
 * connections follow events or consoles. */
int control_follow_events(struct xltd *d, unsigned id, struct xlt_err *err);
/* Once its answer is out, connection ID is joined to the console TTY (a
 * pty, made raw meanwhile): bytes both ways until either side ends, which
 * the audit trail records as S (the request that opened it) with op
 * console-close.  -1 with ERR if TTY cannot be opened or too many
 * connections are streams. */
struct audit_subject;
int control_join_console(struct xltd *d, unsigned id, const char *tty,
                         const struct audit_subject *s, struct xlt_err *err);

/* ---- remote.c: the remote API (TLS, X.509 both ways) ---------------- */

/* Listen as CONF says (port 0: not at all); -1 (logged) if it cannot. */
int remote_listen(struct xltd *d, const struct remote_conf *conf);
/* Close the listeners, end the clients' threads. */
void remote_close(struct xltd *d);
/* The loop's: how many pollfds, which, and their events. */
size_t remote_count(const struct xltd *d);
size_t remote_pollfds(struct xltd *d, struct pollfd *fds, size_t max);
void remote_handle(struct xltd *d, const struct pollfd *fds, size_t n);

/* ---- trail.c: the audit trail ----------------------------------------- */

/* What a request is about and who made it, as the audit trail says. */
struct audit_subject {
    char id[17];            /* the request's id, random hex */
    struct caller caller;
    char op[XLT_PROTO_MAX_CMD + 1];
    char vm[128];           /* the domain's name ("" none, "*" all) */
    char uuid[40];          /* its UUID ("" unknown) */
    char *params;           /* the request's arguments, as JSON (short) */
    long long old_value;    /* mem-set, mem-max (KiB), vcpu-set: before */
    struct timespec start;
};

/* Open the trail (xlt.conf's audit_log; the journal, auditd where they
 * run); -1 (logged) if the file cannot be written. */
int trail_open(struct xltd *d, const char *path);
void trail_close(struct xltd *d);
/* S began (OP, by CALLER): its id and start time set, what ARGS names
 * looked up. */
void trail_begin(struct xltd *d, struct audit_subject *s,
                 const struct caller *caller, const char *op, yajl_val args);
/* S ended: RESULT "ok", "failed" or "refused", with ERROR; recorded in
 * every sink.  RESULT_JSON (an answer's, may be NULL) names a domain S
 * could not. */
void trail_end(struct xltd *d, struct audit_subject *s, const char *result,
               const char *error, const char *result_json);
void trail_subject_dispose(struct audit_subject *s);
/* Members "file", "whole" (false: only its newest 8 MiB were read) and
 * "records" (those from SINCE on, a time or its prefix; NULL: all) in
 * G, an object the caller opened. */
int trail_records(struct xltd *d, const char *since, yajl_gen g,
                  struct xlt_err *err);

/* ---- request.c: the request table, and the one place that answers ---- */

/* A request, from its dispatch to its answer.  Its job is what the core
 * gets for a long operation; the job's end is the request's end. */
struct request {
    struct job job;
    struct xltd *d;
    unsigned conn;
    const struct request_type *type;
    char *result;          /* what a handler that is done answers */
    struct xlt_err error;  /* why a handler failed */
    struct audit_subject subject; /* for the audit trail */
};

/* What a handler returns: it is done (result set) or failed (error set),
 * and request.c answers; or it STARTED a job, whose end answers (it may
 * have answered already: the handler must not touch R after that). */
enum { REQ_FAILED = -1, REQ_DONE = 0, REQ_STARTED = 1 };

typedef int req_handler(struct xltd *d, struct request *r, yajl_val args);

struct request_type {
    const char *name;
    enum xlt_role role; /* the least that may make it; above read-only,
                           it changes the host or a domain: audited */
    req_handler *run;
};

/* The table; the unit tests check the CLI's table against it. */
extern const struct request_type request_types[];
extern const size_t request_ntypes;
const struct request_type *request_type_find(const char *name);
/* Run request MSG from connection CONN, made by CALLER. */
void request_dispatch(struct xltd *d, unsigned conn,
                      const struct caller *caller, const struct xlt_msg *msg);

/* ---- reply.c: what handlers return ------------------------------------- */

/* A handler's returns: done with RESULT (a JSON object's text; NULL:
 * {}), done with G's document (an object the caller opened and closed;
 * frees G, NULL: out of memory), failed with a message or with ERR's. */
int req_done(struct request *r, const char *result);
int req_done_gen(struct request *r, yajl_gen g);
/* Done with {KEY: VALUE}. */
int req_done_str(struct request *r, const char *key, const char *value);
int req_fail(struct request *r, const char *fmt, ...) XLT_PRINTF(2, 3);
int req_fail_err(struct request *r, const struct xlt_err *err);
/* What a handler that began a job returns: STARTED if the core began it
 * (RC 0), else failed with ERR. */
int req_started(struct request *r, int rc, const struct xlt_err *err);
/* What a per-domain answer says of one domain (an object, or nothing). */
typedef void req_gen_domain(struct xltd *d, yajl_gen g,
                            const libxl_dominfo *info, void *arg);
/* Done with {"domains": [...]}: what GEN says of each domain ARGS'
 * "domains" names (every domain if it names none). */
int req_domains(struct xltd *d, struct request *r, yajl_val args,
                req_gen_domain *gen, void *arg);
/* The same, with what MORE (ARG too) adds to the list after the
 * domains; MORE is given the N domains listed (INFO), all of them. */
typedef void req_gen_more(struct xltd *d, yajl_gen g,
                          const libxl_dominfo *info, int n, void *arg);
int req_domains_and(struct xltd *d, struct request *r, yajl_val args,
                    req_gen_domain *gen, void *arg, req_gen_more *more);

/* ---- args.c: a request's arguments ----------------------------------- */

/* The one domain ARGS names in "domains": [REF]. */
int args_the_domain(struct xltd *d, yajl_val args, uint32_t *domid,
                    struct xlt_err *err);
/* The domains REFS names ([REF...]; a name or id that matches no domain
 * is an error), as *N_R ids in *IDS_R (the caller frees it). */
int args_domain_ids(struct xltd *d, yajl_val refs, uint32_t **ids_r,
                    size_t *n_r, struct xlt_err *err);
/* The domains ARGS names, or with "all": true every guest. */
int args_named_domains(struct xltd *d, yajl_val args, uint32_t **ids_r,
                       size_t *n_r, struct xlt_err *err);
/* The libxl config in ARGS' "config", as it is... */
int args_config_only(struct xltd *d, yajl_val args, libxl_domain_config *cfg,
                     struct xlt_err *err);
/* ... or checked as for a new domain (its name free, its kernel
 * readable). */
int args_config(struct xltd *d, yajl_val args, libxl_domain_config *cfg,
                struct xlt_err *err);
/* ARGS' "definition": a definition's name (not checked further). */
int args_definition(yajl_val args, const char **name_r, struct xlt_err *err);
/* ARGS' "pool" (a name or an id of a pool that exists). */
int args_pool(struct xltd *d, yajl_val args, uint32_t *poolid,
              struct xlt_err *err);

/* ---- req_host.c ------------------------------------------------------ */

int req_info(struct xltd *d, struct request *r, yajl_val args);
int req_audit(struct xltd *d, struct request *r, yajl_val args);
int req_events(struct xltd *d, struct request *r, yajl_val args);
int req_host_shutdown(struct xltd *d, struct request *r, yajl_val args);

/* ---- metrics.c: GET /metrics for Prometheus, off the loop ------------- */

/* Serve /metrics as CONF says (port 0: not at all), TLS with PKI_DIR's
 * host certificate if it asks; -1 (logged) if it cannot: none served. */
int metrics_start(struct xltd *d, const struct metrics_conf *conf,
                  const char *pki_dir);
/* Stop serving (before the sampler stops). */
void metrics_stop(struct xltd *d);

/* ---- promtext.c: Prometheus's text format --------------------------- */

/* S and OPS as the exposition text (*LEN bytes; NULL on ENOMEM). */
char *promtext_render(const struct xlt_stats *s,
                      const struct opstats_copy *ops, size_t *len);

/* ---- req_stats.c ----------------------------------------------------- */

int req_stats(struct xltd *d, struct request *r, yajl_val args);

/* ---- req_domain.c ---------------------------------------------------- */

int req_list(struct xltd *d, struct request *r, yajl_val args);
int req_create(struct xltd *d, struct request *r, yajl_val args);
int req_destroy(struct xltd *d, struct request *r, yajl_val args);
int req_rename(struct xltd *d, struct request *r, yajl_val args);
int req_cluster_resource(struct xltd *d, struct request *r, yajl_val args);
int req_pause(struct xltd *d, struct request *r, yajl_val args);
int req_unpause(struct xltd *d, struct request *r, yajl_val args);
int req_shutdown(struct xltd *d, struct request *r, yajl_val args);
int req_reboot(struct xltd *d, struct request *r, yajl_val args);

/* ---- req_defined.c: definitions ------------------------------------- */

int req_define(struct xltd *d, struct request *r, yajl_val args);
int req_undefine(struct xltd *d, struct request *r, yajl_val args);
int req_start(struct xltd *d, struct request *r, yajl_val args);
int req_config_update(struct xltd *d, struct request *r, yajl_val args);
int req_autostart(struct xltd *d, struct request *r, yajl_val args);
/* What list says of each definition, read once per list. */
struct defined_row {
    libxl_uuid uuid;
    char *name;
    char type[8];          /* pv, pvh, hvm */
    long long memory, max_memory, vcpus; /* MiB, from its config */
    bool autostart, has_order, has_delay;
    long long order, delay;
};
struct defined_rows {
    size_t n;
    struct defined_row *row;
};
void req_defined_rows(struct xltd *d, struct defined_rows *rows);
void req_defined_rows_dispose(struct defined_rows *rows);
/* A running domain's row's members about its definition ("defined", and
 * if it is, "autostart"...). */
void req_defined_members(yajl_gen g, const struct defined_rows *rows,
                         const libxl_uuid *uuid);
/* What list --all adds (DEFINED: struct defined_rows): a row per
 * definition whose domain is off, and one per domain being built (state
 * "starting": a create, a start or an on_* restart under way). */
void req_list_more(struct xltd *d, yajl_gen g, const libxl_dominfo *info,
                   int n, void *defined);

/* ---- req_debug.c ----------------------------------------------------- */

int req_console(struct xltd *d, struct request *r, yajl_val args);
int req_dmesg(struct xltd *d, struct request *r, yajl_val args);
int req_sysrq(struct xltd *d, struct request *r, yajl_val args);
int req_trigger(struct xltd *d, struct request *r, yajl_val args);

/* ---- req_vcpu.c ------------------------------------------------------ */

int req_topology(struct xltd *d, struct request *r, yajl_val args);
int req_vcpu_list(struct xltd *d, struct request *r, yajl_val args);
int req_vcpu_pin(struct xltd *d, struct request *r, yajl_val args);
int req_vcpu_set(struct xltd *d, struct request *r, yajl_val args);
int req_vcpu_dedicate(struct xltd *d, struct request *r, yajl_val args);

/* ---- req_memory.c ---------------------------------------------------- */

int req_mem_set(struct xltd *d, struct request *r, yajl_val args);
int req_mem_max(struct xltd *d, struct request *r, yajl_val args);

/* ---- req_sched.c ----------------------------------------------------- */

int req_sched(struct xltd *d, struct request *r, yajl_val args);

/* ---- req_cpupool.c --------------------------------------------------- */

int req_cpupool_list(struct xltd *d, struct request *r, yajl_val args);
int req_cpupool_create(struct xltd *d, struct request *r, yajl_val args);
int req_cpupool_destroy(struct xltd *d, struct request *r, yajl_val args);
int req_cpupool_rename(struct xltd *d, struct request *r, yajl_val args);
int req_cpupool_cpu_add(struct xltd *d, struct request *r, yajl_val args);
int req_cpupool_cpu_remove(struct xltd *d, struct request *r, yajl_val args);
int req_cpupool_migrate(struct xltd *d, struct request *r, yajl_val args);

/* ---- req_device.c ---------------------------------------------------- */

int req_network_attach(struct xltd *d, struct request *r, yajl_val args);
int req_network_detach(struct xltd *d, struct request *r, yajl_val args);
int req_network_list(struct xltd *d, struct request *r, yajl_val args);
int req_block_attach(struct xltd *d, struct request *r, yajl_val args);
int req_block_detach(struct xltd *d, struct request *r, yajl_val args);
int req_block_list(struct xltd *d, struct request *r, yajl_val args);

/* ---- req_volume.c ---------------------------------------------------- */

/* volume-create, volume-snapshot, volume-grow, volume-remove,
 * volume-list: run off the loop (core/volumes.c). */
int req_volume(struct xltd *d, struct request *r, yajl_val args);

/* ---- req_transfer.c -------------------------------------------------- */

int req_save(struct xltd *d, struct request *r, yajl_val args);
int req_restore(struct xltd *d, struct request *r, yajl_val args);
int req_migrate(struct xltd *d, struct request *r, yajl_val args);

#endif
