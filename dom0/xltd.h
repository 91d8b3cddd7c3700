/* xltd, the xlt daemon: one file per concern, their public functions here. */
#ifndef XLTD_H
#define XLTD_H

#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/types.h>

#include <libxl.h>
#include <xentoollog.h>

#include "xlt.h"

/* ---- log.c: the daemon's log ------------------------------------------ */

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

struct xltd_log {
    FILE *f;
    enum log_level level;
    /* libxl's messages come through this logger */
    xentoollog_logger xtl;
    char last_libxl_error[512]; /* the latest error libxl reported */
    /* libxc's progress reports (saves), if someone wants them */
    void (*progress)(void *arg, const char *doing, unsigned long done,
                     unsigned long total);
    void *progress_arg;
};

void log_init(struct xltd_log *log, FILE *f, enum log_level level);
void log_msg(struct xltd_log *log, enum log_level level, const char *fmt, ...)
    XLT_PRINTF(3, 4);
#define log_err(l, ...) log_msg((l), LOG_ERR, __VA_ARGS__)
#define log_warn(l, ...) log_msg((l), LOG_WARN, __VA_ARGS__)
#define log_info(l, ...) log_msg((l), LOG_INFO, __VA_ARGS__)
#define log_debug(l, ...) log_msg((l), LOG_DEBUG, __VA_ARGS__)

/* ---- conf.c: /etc/xlt/xlt.conf ---------------------------------------- */

#define XLTD_CONF_PATH "/etc/xlt/xlt.conf"
#define XLTD_PID_PATH "/run/xlt/xltd.pid"
#define XLTD_LOG_PATH "/var/log/xlt/xltd.log"
#define XLTD_STATE_DIR "/var/lib/xlt"

enum autoballoon { AUTOBALLOON_AUTO, AUTOBALLOON_ON, AUTOBALLOON_OFF };

/* How xltd makes room for a domain by shrinking dom0. */
struct balloon_conf {
    enum autoballoon mode;  /* auto: on unless Xen has dom0_mem= */
    uint64_t dom0_min_kb;   /* dom0 is never lowered below this */
    int seconds;            /* how long dom0 may take to free it */
};

/* Migrations between xltd. */
struct migrate_conf {
    int port;       /* the listener's (and the default peer's); 0: none */
    char *key_path; /* the pool's pre-shared key, hex */
    bool plain;     /* no TLS: both ends must say so */
};

struct xltd_conf {
    char *socket_path;
    char *pid_path;
    char *log_path;
    char *state_dir;
    char *bridge; /* for vifs whose spec names none */
    enum log_level log_level;
    struct balloon_conf balloon;
    struct migrate_conf migrate;
};

void conf_init(struct xltd_conf *conf);
void conf_dispose(struct xltd_conf *conf);
/* Read PATH (xl.cfg syntax).  A missing file means all defaults unless
 * MUST_EXIST. */
int conf_read(struct xltd_conf *conf, const char *path, bool must_exist,
              struct xlt_err *err);

/* ---- the daemon's state ---------------------------------------------- */

struct conn;
struct watch;
struct waiter;
struct balloon_op;
struct transfer;
struct migration;
struct incoming;

struct xltd {
    struct xltd_log log;
    libxl_ctx *ctx;
    const char *socket_path;
    const char *pid_path;
    int listen_fd;
    int signal_fd;
    int pid_fd;
    bool stopping;
    struct conn *conns;
    unsigned next_conn_id;
    struct watch *watches;
    struct waiter *waiters;
    const char *state_dir;
    const char *bridge;
    struct xs_handle *xs; /* for @introduceDomain */
    struct balloon_conf balloon_conf;
    struct balloon_op *balloon; /* a create waiting for dom0's memory */
    libxl_bitmap dedicated_pending; /* CPUs creates under way will hold */
    struct transfer *transfers; /* saves and restores under way */
    int transfer_timer;         /* their progress tick; -1 when none */
    struct migrate_conf migrate_conf;
    int migrate_fd;                /* the listener; -1 if none */
    struct migration *migrations;  /* outgoing */
    struct incoming *incomings;    /* incoming */
};

/* ---- store.c: the domains xltd manages, on disk ----------------------- */

int store_init(struct xltd *d);
int store_put(struct xltd *d, const libxl_domain_config *cfg,
              const char *path, const char *text);
bool store_has(const struct xltd *d, const libxl_uuid *uuid);
/* UUID's entry as a JSON tree (the caller frees it); -1 if it has none. */
int store_get(struct xltd *d, const libxl_uuid *uuid, yajl_val *entry_r);
/* Set member KEY of UUID's entry to VALUE (a copy is written). */
int store_set(struct xltd *d, const libxl_uuid *uuid, const char *key,
              yajl_val value);
/* store_set with the string VALUE. */
int store_set_str(struct xltd *d, const libxl_uuid *uuid, const char *key,
                  const char *value);
int store_set_bool(struct xltd *d, const libxl_uuid *uuid, const char *key,
                   bool value);
/* Member KEY of UUID's entry is true (false if absent or no entry). */
bool store_get_bool(struct xltd *d, const libxl_uuid *uuid, const char *key);
/* The entry of OLD becomes CFG's (its UUID and name), keeping the config
 * file's path and text, the kept pinning and the dedicated flag. */
int store_move(struct xltd *d, const libxl_uuid *old,
               const libxl_domain_config *cfg);
void store_drop(struct xltd *d, const libxl_uuid *uuid);
/* Write ENTRY (as store_get gave it) back as UUID's entry. */
int store_restore_entry(struct xltd *d, const libxl_uuid *uuid,
                        yajl_val entry);
/* Drop the entries of domains not among INFO (at start-up); returns how
 * many entries remain, -1 on error. */
int store_forget_stopped(struct xltd *d, const libxl_dominfo *info, int n);

/* ---- control.c: the Unix socket clients talk to ---------------------- */

int control_listen(struct xltd *d);
void control_close(struct xltd *d);
/* Add the socket's and the connections' pollfds; handle their events. */
size_t control_pollfds(struct xltd *d, struct pollfd *fds, size_t max);
void control_handle(struct xltd *d, const struct pollfd *fds, size_t n);
size_t control_count(const struct xltd *d);
/* Replies to connection ID (which may have gone away meanwhile). */
void control_reply_result(struct xltd *d, unsigned id, const char *result);
void control_reply_error(struct xltd *d, unsigned id, const char *fmt, ...)
    XLT_PRINTF(3, 4);
void control_reply_progress(struct xltd *d, unsigned id, const char *text);

/* ---- requests.c: what each request does ------------------------------- */

/* Run request MSG from connection ID; it replies now or later. */
void requests_dispatch(struct xltd *d, unsigned id, bool root,
                       const struct xlt_msg *msg);
/* The one domain ARGS names in "domains": [REF]; -1 once CONN has been
 * told why there is none. */
int requests_the_domain(struct xltd *d, unsigned conn, yajl_val args,
                        uint32_t *domid);
/* The UUID of DOMID (nil if it is unknown). */
void requests_domain_uuid(struct xltd *d, uint32_t domid, libxl_uuid *uuid);
/* The domains REFS names ([REF...]; a name or id that matches no domain
 * is an error), as *N_R ids in *IDS_R (the caller frees it). */
int requests_domain_ids(struct xltd *d, yajl_val refs, uint32_t **ids_r,
                        size_t *n_r, struct xlt_err *err);
/* The libxl config in ARGS' "config", checked as for a create (its name
 * is free, its kernel readable). */
int requests_config_from_args(struct xltd *d, yajl_val args,
                              libxl_domain_config *cfg, struct xlt_err *err);
/* Record CFG in the store and start it (for create, once it fits). */
void requests_create_go(struct xltd *d, unsigned conn,
                        libxl_domain_config *cfg, const char *path,
                        const char *text, bool paused);
/* What a per-domain reply says of one domain (an object, or nothing). */
typedef void requests_gen_domain(struct xltd *d, yajl_gen g,
                                 const libxl_dominfo *info, void *arg);
/* Reply {"domains": [...]}: what GEN says of each domain ARGS' "domains"
 * names (every domain if it names none). */
void requests_reply_domains(struct xltd *d, unsigned conn, yajl_val args,
                            requests_gen_domain *gen, void *arg);
/* Send G's document (an object the caller opened and closed) as the
 * result, and free G. */
void requests_reply_gen(struct xltd *d, unsigned conn, yajl_gen g);

/* ---- debug.c: consoles and the debugging requests -------------------- */

void req_console(struct xltd *d, unsigned conn, yajl_val args);
void req_dmesg(struct xltd *d, unsigned conn, yajl_val args);
void req_sysrq(struct xltd *d, unsigned conn, yajl_val args);
void req_trigger(struct xltd *d, unsigned conn, yajl_val args);

/* ---- vcpus.c: the host's CPUs, the domains' vCPUs ------------------ */

/* The host's CPUs and NUMA nodes from libxl; -1 if libxl cannot say. */
int vcpus_topology(struct xltd *d, struct xlt_topology *t);
void req_topology(struct xltd *d, unsigned conn, yajl_val args);
void req_vcpu_list(struct xltd *d, unsigned conn, yajl_val args);
void req_vcpu_pin(struct xltd *d, unsigned conn, yajl_val args);
void req_vcpu_set(struct xltd *d, unsigned conn, yajl_val args);

/* ---- dedicated.c: dedicated cores -------------------------------------- */

/* Give each vCPU of CFG a CPU of its own (CFG gets the pool and the
 * pinning); -1 with ERR (nothing taken) when the host has too few. */
int dedicated_reserve(struct xltd *d, libxl_domain_config *cfg,
                      struct xlt_err *err);
/* Before a restart from CFG (libxl's copy of the old instance's config):
 * fresh CPUs if the store says it is dedicated, else out of the pool
 * (a vcpu-dedicate -r since).  -1 with ERR if it cannot have its CPUs. */
int dedicated_restart(struct xltd *d, libxl_domain_config *cfg,
                      struct xlt_err *err);
/* A create from CFG has ended, well or not: its CPUs are no longer
 * pending, and those nobody holds go back to Pool-0. */
void dedicated_started(struct xltd *d, const libxl_domain_config *cfg);
/* At start-up, once the domains are adopted: give back what nobody holds. */
int dedicated_init(struct xltd *d);
/* Give the CPUs no dedicated domain holds back to Pool-0 (after a death,
 * at start-up). */
void dedicated_rebalance(struct xltd *d);
bool dedicated_domain(struct xltd *d, const libxl_dominfo *info);
/* "shared_cpus" and "dedicated_cpus" ("CPU=NAME/VCPU ..."), for info. */
void dedicated_gen_info(struct xltd *d, yajl_gen g);
void req_vcpu_dedicate(struct xltd *d, unsigned conn, yajl_val args);

/* ---- pinning.c: vcpu-pin kept across restarts ------------------------ */

/* Keep a successful vcpu-pin of DOMID (UUID; VCPU -1: all of MAX_VCPUS;
 * HARD or SOFT NULL: unchanged) in its store entry, if xltd manages it. */
int pinning_record(struct xltd *d, uint32_t domid, const libxl_uuid *uuid,
                   long long vcpu, int max_vcpus, const char *hard,
                   const char *soft);
/* Apply the kept pinning of CFG's domain to CFG, before a restart. */
int pinning_apply(struct xltd *d, libxl_domain_config *cfg);

/* ---- sched.c: credit and credit2 weight and cap ---------------------- */

void req_sched(struct xltd *d, unsigned conn, yajl_val args);

/* ---- cpupools.c: CPU pools ------------------------------------------ */

/* Move DOMID to pool POOLID, paused meanwhile unless it is paused or dom0
 * (see cpupools.c); a libxl error code. */
int cpupools_move_domain(struct xltd *d, uint32_t domid, uint32_t poolid);
void req_cpupool_list(struct xltd *d, unsigned conn, yajl_val args);
void req_cpupool_create(struct xltd *d, unsigned conn, yajl_val args);
void req_cpupool_destroy(struct xltd *d, unsigned conn, yajl_val args);
void req_cpupool_rename(struct xltd *d, unsigned conn, yajl_val args);
void req_cpupool_cpu_add(struct xltd *d, unsigned conn, yajl_val args);
void req_cpupool_cpu_remove(struct xltd *d, unsigned conn, yajl_val args);
void req_cpupool_migrate(struct xltd *d, unsigned conn, yajl_val args);

/* ---- balloon.c: dom0 autoballoon -------------------------------------- */

/* Make room for CFG: 0 if it fits now; 1 if dom0 is being lowered (the
 * create goes on from balloon_tick); -1 once CONN has been told why not. */
int balloon_make_room(struct xltd *d, unsigned conn,
                      const libxl_domain_config *cfg, const char *path,
                      const char *text, bool paused);
/* 0 if CFG fits in the memory Xen has free now; -1 with ERR if not (no
 * ballooning: for restores, whose stream cannot wait). */
int balloon_fits(struct xltd *d, const libxl_domain_config *cfg,
                 struct xlt_err *err);
/* The timer to poll while ballooning (-1 otherwise), and its handler. */
int balloon_fd(const struct xltd *d);
void balloon_tick(struct xltd *d);
/* On xltd's stop: give dom0 its target back, fail the create. */
void balloon_stop(struct xltd *d);

/* ---- memory.c: balloon target and maximum --------------------------- */

/* xenstore's memory/target and memory/static-max of DOMID, in KiB. */
int memory_target(struct xltd *d, uint32_t domid, uint64_t *kb_r);
int memory_static_max(struct xltd *d, uint32_t domid, uint64_t *kb_r);
void req_mem_set(struct xltd *d, unsigned conn, yajl_val args);
void req_mem_max(struct xltd *d, unsigned conn, yajl_val args);

/* ---- devices.c: xlt's drivers for a new domain's devices ------------- */

/* Name xlt's drivers as CFG's hotplug scripts, and check what they will
 * need (a vif's bridge); -1 with ERR if the domain cannot have them. */
int devices_prepare(struct xltd *d, libxl_domain_config *cfg,
                    struct xlt_err *err);
/* The same for one vif (number I, for messages) or one disk. */
int devices_prepare_nic(struct xltd *d, libxl_device_nic *nic, int i,
                        struct xlt_err *err);
int devices_prepare_disk(libxl_device_disk *disk, struct xlt_err *err);

/* ---- hotplug.c: devices of running domains ---------------------------- */

void req_network_attach(struct xltd *d, unsigned conn, yajl_val args);
void req_network_detach(struct xltd *d, unsigned conn, yajl_val args);
void req_network_list(struct xltd *d, unsigned conn, yajl_val args);
void req_block_attach(struct xltd *d, unsigned conn, yajl_val args);
void req_block_detach(struct xltd *d, unsigned conn, yajl_val args);
void req_block_list(struct xltd *d, unsigned conn, yajl_val args);

/* ---- domain.c: starting domains ------------------------------------- */

/* Create a domain from CFG, which this takes over (CFG is left empty), and
 * unpause it unless PAUSED.  Connection CONN (0: none) gets the result.
 * -1 if it could not even begin (CONN has been told). */
int domain_start(struct xltd *d, libxl_domain_config *cfg, bool paused,
                 unsigned conn);
/* The same, restoring from FD (at the start of libxl's stream), whose
 * progress T reports; T ends with the operation, its summary in the
 * reply. */
int domain_restore(struct xltd *d, libxl_domain_config *cfg,
                   struct transfer *t, int fd, bool paused, unsigned conn);
/* Rebuild DOMID, an HVM guest that shut down asking for a soft reset
 * (kexec does), around its memory from CFG (taken over) and let it run on:
 * same domid, new device model and backends.  If that fails the domain is
 * destroyed and its store entry dropped. */
int domain_soft_reset(struct xltd *d, uint32_t domid,
                      libxl_domain_config *cfg);
/* libxl's last error message, or "libxl error RC". */
const char *domain_libxl_said(struct xltd *d, int rc);
/* Shut DOMID down for REASON from outside, without asking the guest, as a
 * reset button would; libxl then reports the shutdown and xltd applies
 * the matching on_* action (xenctrl.c). */
int domain_remote_shutdown(struct xltd *d, uint32_t domid,
                           libxl_shutdown_reason reason);

/* ---- supervise.c: watching domains ----------------------------------- */

/* Watch every domain Xen has now (at start-up). */
int supervise_adopt_all(struct xltd *d);
/* Watch domains as they appear, whoever creates them. */
int supervise_open_xenstore(struct xltd *d);
int supervise_xenstore_fd(const struct xltd *d);
void supervise_xenstore_ready(struct xltd *d);
int supervise_watch(struct xltd *d, uint32_t domid);
/* Watch DOMID afresh: after a suspended domain resumes (libxl reports a
 * domain's shutdown only once per watch). */
int supervise_rewatch(struct xltd *d, uint32_t domid);
/* Answer CONN once every domain in DOMIDS has shut down or died. */
int supervise_wait(struct xltd *d, unsigned conn, const uint32_t *domids,
                   size_t n);
void supervise_event(struct xltd *d, libxl_event *ev); /* frees EV */
void supervise_stop(struct xltd *d);

/* ---- transfer.c: progress of saves and restores --------------------- */

/* Report WHAT ("saving pv1") to CONN each second while FD (a file xltd
 * writes, or reads when READING) streams; FD is closed by transfer_end.
 * NULL if out of memory. */
struct transfer *transfer_begin(struct xltd *d, unsigned conn,
                                const char *what, int fd, bool reading);
/* The same for a migration: its bytes counted in *COUNTER, and libxc's
 * progress (iterations, pages) is its. */
struct transfer *transfer_begin_counted(struct xltd *d, unsigned conn,
                                        const char *what,
                                        _Atomic uint64_t *counter);
/* "bytes" and "seconds" so far, into G's open object. */
void transfer_gen_summary(const struct transfer *t, yajl_gen g);
void transfer_end(struct xltd *d, struct transfer *t);
/* The progress timer to poll (-1 when idle), and its handler. */
int transfer_fd(const struct xltd *d);
void transfer_tick(struct xltd *d);
/* libxc's progress (log.c passes it on). */
void transfer_xc_progress(struct xltd *d, const char *doing,
                          unsigned long done, unsigned long total);

/* ---- saverestore.c: save and restore --------------------------------- */

/* The save header for DOMID (its config, xlt's state), as save writes it
 * and migrate sends it. */
int saverestore_header(struct xltd *d, uint32_t domid, char **buf_r,
                       size_t *len_r, struct xlt_err *err);
/* Record in UUID's store entry the tuning a save header KEPT (its extras
 * chunk: pinning, dedicated cores). */
int saverestore_keep(struct xltd *d, const libxl_uuid *uuid, yajl_val kept);
void req_save(struct xltd *d, unsigned conn, yajl_val args);

/* ---- mworker.c: the thread that moves a migration's bytes ------------ */

enum {
    MW_CMD_ABORT = 'a', /* stop (also what a closed command pipe reads as) */
    MW_CMD_NEXT = 'n',  /* go on to the next step */
    MW_CMD_REFUSE = 'r' /* tell the peer no (the reason in text) */
};

struct mworker {
    pthread_t thread;
    bool started;
    int events[2];   /* worker -> loop, one byte an event */
    int commands[2]; /* loop -> worker */
    int stream[2];   /* libxl's end [0], the worker's [1] */
    struct xlt_chan *chan;
    pthread_mutex_t lock;
    char text[1024];   /* with an event or a refusal */
    char *data;        /* what the peer sent before the stream */
    size_t data_len;
    _Atomic uint64_t bytes; /* of libxl's stream, so far */
};

int mworker_init(struct mworker *w);
int mworker_start(struct mworker *w, void *(*run)(void *), void *arg);
/* Stop the worker (its channel shut, unless GRACEFUL: it is ending on
 * its own, telling the peer something), wait for it, free everything. */
void mworker_dispose(struct mworker *w, bool graceful);
/* The worker's side: post EVENT (with text, if FMT), wait for a command,
 * a JSON message each way, libxl's stream out to the peer (until libxl's
 * end closes) or in from it (until its end frame). */
void mworker_post(struct mworker *w, char event, const char *fmt, ...)
    XLT_PRINTF(3, 4);
int mworker_wait(struct mworker *w);
int mworker_send_json(struct mworker *w, const char *json,
                      struct xlt_err *err);
int mworker_recv_json(struct mworker *w, yajl_val *v_r, struct xlt_err *err);
int mworker_relay_out(struct mworker *w, struct xlt_err *err);
int mworker_relay_in(struct mworker *w, struct xlt_err *err);
/* The loop's side. */
void mworker_command(struct mworker *w, char cmd);
/* The next event (0 if none) and its text. */
char mworker_event(struct mworker *w, char *text, size_t len);
/* The pool's key (hex) from CONF, or NULL for plain; -1 with ERR. */
int mworker_key(const struct migrate_conf *conf, char **key_r,
                struct xlt_err *err);

/* ---- migrate.c: sending a domain to another xltd -------------------- */

void req_migrate(struct xltd *d, unsigned conn, yajl_val args);
/* DOMID has suspended (supervise.c): the downtime of its migration
 * starts. */
void migrate_domain_suspended(struct xltd *d, uint32_t domid);
/* The pollfds (their count first), and their events. */
size_t migrate_count(const struct xltd *d);
size_t migrate_pollfds(struct xltd *d, struct pollfd *fds, size_t max);
void migrate_handle(struct xltd *d, const struct pollfd *fds, size_t n);

/* ---- receive.c: the listener, and domains migrating in --------------- */

/* At start-up: destroy domains left half-received (NAME--incoming). */
void receive_drop_orphans(struct xltd *d);
int receive_listen(struct xltd *d);
void receive_close(struct xltd *d);
size_t receive_count(const struct xltd *d);
size_t receive_pollfds(struct xltd *d, struct pollfd *fds, size_t max);
void receive_handle(struct xltd *d, const struct pollfd *fds, size_t n);
void req_restore(struct xltd *d, unsigned conn, yajl_val args);

/* ---- loop.c: the poll loop, with libxl's fds and timeouts inside ------ */

int loop_run(struct xltd *d);

/* ---- notify.c: systemd readiness ------------------------------------- */

void notify_systemd(struct xltd_log *log, const char *state);

#endif
