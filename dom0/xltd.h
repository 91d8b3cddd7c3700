/*
 * xltd, the xlt daemon.  Three layers, each with its header:
 *   api/   (api.h)  the control socket, the request table, the one place
 *                   that answers a request, and thin handlers;
 *   core/  (core.h) domains, supervision, the store, devices, memory,
 *                   vCPUs, pools, save/restore, migration: no clients;
 *   here   (xltd.h) main, the loop, the drain when stopping, the
 *                   configuration and the log.
 * api -> core -> xlt/lib, never upward (`make layers` checks it).  This
 * header holds what every layer shares: the log, the configuration and
 * the daemon's state.
 */
#ifndef XLTD_H
#define XLTD_H

#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/types.h>
#include <time.h>

#include <libxl.h>
#include <xentoollog.h>

#include "xlt.h"

/* ---- log.c: the daemon's log ------------------------------------------ */

/* Not syslog.h's LOG_* (which the journal's priorities are). */
enum log_level { LOGL_ERR, LOGL_WARN, LOGL_INFO, LOGL_DEBUG };

struct xltd_log {
    FILE *f;
    enum log_level level;
    bool journal; /* F is systemd's journal stream: "<N>" priorities */
    /* libxl's messages come through this logger */
    xentoollog_logger xtl;
    char last_libxl_error[512]; /* the latest error libxl reported */
    /* libxc's progress reports (saves), if someone wants them */
    void (*progress)(void *arg, const char *doing, unsigned long done,
                     unsigned long total);
    void *progress_arg;
};

/* Lines go to F, or, when F is systemd's journal stream (see
 * $JOURNAL_STREAM), as "<PRIORITY>text" for the journal to file. */
void log_init(struct xltd_log *log, FILE *f, enum log_level level);
void log_msg(struct xltd_log *log, enum log_level level, const char *fmt, ...)
    XLT_PRINTF(3, 4);
/* log_msg with ": " and strerror(errno) appended, as vmd's log_warn. */
void log_msg_errno(struct xltd_log *log, enum log_level level,
                   const char *fmt, ...) XLT_PRINTF(3, 4);
#define log_err(l, ...) log_msg_errno((l), LOGL_ERR, __VA_ARGS__)
#define log_errx(l, ...) log_msg((l), LOGL_ERR, __VA_ARGS__)
#define log_warn(l, ...) log_msg_errno((l), LOGL_WARN, __VA_ARGS__)
#define log_warnx(l, ...) log_msg((l), LOGL_WARN, __VA_ARGS__)
#define log_info(l, ...) log_msg((l), LOGL_INFO, __VA_ARGS__)
#define log_debug(l, ...) log_msg((l), LOGL_DEBUG, __VA_ARGS__)

/* ---- conf.c: /etc/xlt/xlt.conf ---------------------------------------- */

#define XLTD_CONF_PATH "/etc/xlt/xlt.conf"
#define XLTD_PID_PATH "/run/xlt/xltd.pid"
#define XLTD_LOG_PATH "/var/log/xlt/xltd.log"
#define XLTD_STATE_DIR "/var/lib/xlt"
/* There once xltd has started since the host booted (/run: a tmpfs). */
#define XLTD_BOOT_MARK "/run/xlt/booted"

enum autoballoon { AUTOBALLOON_AUTO, AUTOBALLOON_ON, AUTOBALLOON_OFF };

/* How xltd makes room for a domain by shrinking dom0. */
struct balloon_conf {
    enum autoballoon mode;  /* auto: on unless Xen has dom0_mem= */
    uint64_t dom0_min_kb;   /* dom0 is never lowered below this */
    int seconds;            /* how long dom0 may take to free it */
};

/* The addresses a listener may be given. */
#define LISTEN_MAX 8

/* Migrations between xltd. */
struct migrate_conf {
    int port;       /* the listener's (and the default peer's); 0: none */
    char *key_path; /* the pool's pre-shared key, hex */
    bool plain;     /* no TLS: both ends must say so */
    /* the addresses the listener binds (numeric IPv4 or IPv6); none: all
     * of the host's.  Plain takes only named ones. */
    char *listen[LISTEN_MAX];
    size_t n_listen;
    /* what a domain migrating in may use of this host (core/policy.c):
     * its kernel, ramdisk and firmware from these directories, its disks
     * that are LVs from these volume groups, the others from these
     * directories (NULL: none) */
    libxl_string_list boot_dirs;
    libxl_string_list volume_groups;
    libxl_string_list disk_dirs;
};

/* The remote API: xltd's requests over TLS, X.509 certificates both
 * ways (api/remote.c). */
struct remote_conf {
    int port;          /* 0: none */
    char *listen[LISTEN_MAX]; /* as migrate_listen's */
    size_t n_listen;
    char *pki_dir;     /* ca.pem, crl.pem, host.pem, private/host-key.pem */
    char *allow_path;  /* which certificates' subjects get which role */
};

/* The statistics' /metrics endpoint, for Prometheus (api/metrics.c). */
struct metrics_conf {
    int port;          /* 0: none */
    char *listen[LISTEN_MAX]; /* as migrate_listen's */
    size_t n_listen;
    bool tls;          /* HTTPS with the remote API's host certificate */
    char *token_path;  /* a bearer token scrapers must send ("": none) */
};

/* Domains that crash again and again (on_crash/on_watchdog restarts),
 * and their core dumps. */
struct crash_conf {
    int restart_limit;  /* restarts after a crash within window_s; 0: any */
    int window_s;
    int dump_keep;      /* core dumps kept per domain name; 0: any */
};

/* The host's boot and shutdown (core/hostboot.c, core/hostdown.c). */
enum host_shutdown_mode {
    HOST_SHUTDOWN_SAVE,
    HOST_SHUTDOWN_SHUTDOWN,
    HOST_SHUTDOWN_MIGRATE
};
struct host_conf {
    enum host_shutdown_mode mode; /* host_shutdown */
    char *save_dir;               /* host_save_dir */
    int shutdown_timeout_s;       /* host_shutdown_timeout */
    char *migrate_to;             /* host_migrate_to ("": none) */
    int parallel;  /* host_parallel: restores, saves, starts at once */
};

struct xltd_conf {
    char *socket_path;
    char *ro_socket_path; /* "": none */
    char *ro_group;
    char *audit_path;     /* the hash-chained trail; "": none */
    char *pid_path;
    char *log_path;
    char *state_dir;
    char *bridge; /* for vifs whose spec names none */
    enum log_level log_level;
    int stop_seconds; /* stop_timeout: the drain before aborting */
    int idle_seconds; /* control_idle_timeout: an idle client's time */
    struct balloon_conf balloon;
    struct migrate_conf migrate;
    struct remote_conf remote;
    struct metrics_conf metrics;
    struct crash_conf crash;
    struct host_conf host;
    char *boot_mark;
};

void conf_init(struct xltd_conf *conf);
void conf_dispose(struct xltd_conf *conf);
/* Read PATH (xl.cfg syntax).  A missing file means all defaults unless
 * MUST_EXIST. */
int conf_read(struct xltd_conf *conf, const char *path, bool must_exist,
              struct xlt_err *err);
/* "save", "shutdown" or "migrate" into *MODE; -1 if it is none. */
int host_shutdown_mode_parse(const char *s, enum host_shutdown_mode *mode);
const char *host_shutdown_mode_name(enum host_shutdown_mode mode);

/* ---- the daemon's state ---------------------------------------------- */

/* What a long operation tells whoever started it (core/job.c). */
struct job;
struct job_ops {
    void (*progress)(struct job *job, const char *text);
    /* Once, at its end: RESULT (a JSON object's text), or ERROR. */
    void (*end)(struct job *job, const char *result, const char *error);
};
struct job {
    const struct job_ops *ops;
    const char *id; /* the request's id, that a migration carries to its
                       target's audit trail (NULL: none) */
};

struct conn;
struct watch;
struct waiter;
struct balloon_op;
struct transfer;
struct inflight;
struct promise;
struct action;
struct reclaim;
struct trail;
struct migration;
struct incoming;
struct volume_op;
struct hostboot;
struct hostdown;
struct stats;
struct opstats;
struct metrics;
struct event;
struct xltd;

/* Who hears the domains' events (core/events.c): E, and its JSON text. */
typedef void events_listener(struct xltd *d, const struct event *e,
                             const char *json, void *arg);
#define EVENTS_MAX_LISTENERS 4

struct xltd {
    struct xltd_log log;
    libxl_ctx *ctx;
    int signal_fd;
    int pid_fd;
    int spare_fd; /* /dev/null, given up to accept when out of fds */
    const char *pid_path;
    bool stopping;
    /* stopping: in-flight work may end until the deadline; then what is
     * left is aborted, and given STOP_ABORT_S more */
    int stop_seconds;
    int stop_phase; /* 0 running, 1 draining, 2 aborting, 3 done */
    struct timespec stop_deadline;
    bool stop_unfinished; /* libxl still had operations: not freed */
    /* api: the control sockets and their clients, the audit trail */
    const char *socket_path;
    int listen_fd;
    const char *ro_socket_path; /* "": none */
    const char *ro_group;
    int ro_listen_fd;
    struct trail *trail;
    int idle_seconds; /* a client with no request running is closed then */
    struct conn *conns;
    unsigned next_conn_id;
    struct remote_api *remote; /* the remote API's listeners and clients */
    /* core */
    struct job unattended; /* for what xltd does on its own: logs errors */
    struct inflight *inflight; /* libxl operations under way */
    struct promise *promises;  /* memory they will take (core/promised.c) */
    int xl_lock_fd;            /* /var/lock/xl while promises are listed */
    struct action *actions;    /* on_* actions under way (core/actions.c) */
    int actions_fd;            /* their dumps' eventfd */
    struct reclaim *reclaims;  /* domains handed over, unconfirmed */
    struct watch *watches;
    struct waiter *waiters;
    struct dying *dying; /* dying domains' device models (core/devmodel.c) */
    const char *state_dir;
    const char *bridge;
    struct xs_handle *xs; /* for @introduceDomain */
    struct balloon_conf balloon_conf;
    struct balloon_op *balloon; /* a create waiting for dom0's memory */
    struct crash_conf crash_conf;
    struct crash *crashes; /* recent crashes of managed domains */
    libxl_bitmap dedicated_pending; /* CPUs creates under way will hold */
    struct transfer *transfers; /* saves and restores under way */
    int transfer_timer;         /* their progress tick; -1 when none */
    struct migrate_conf migrate_conf;
    int migrate_fds[LISTEN_MAX]; /* the listeners */
    size_t n_migrate_fds;
    unsigned migrate_refused;      /* connections refused, not logged yet */
    time_t migrate_refused_logged; /* when that was last logged */
    struct migration *migrations;  /* outgoing */
    struct incoming *incomings;    /* incoming */
    struct volume_op *volumes;     /* volume-* requests under way */
    struct host_conf host_conf;
    const char *boot_mark;
    struct hostboot *hostboot; /* the host's boot, while under way */
    struct hostdown *hostdown; /* the host's shutdown, while under way */
    int volumes_fd;                /* their threads' eventfd (-1: none yet) */
    struct stats *stats; /* the statistics' sampler (core/stats.c), once
                            asked for */
    struct opstats *opstats; /* what operations took (core/opstats.c) */
    struct metrics *metrics; /* the /metrics endpoint (api/metrics.c) */
    struct {
        events_listener *fn;
        void *arg;
    } event_listeners[EVENTS_MAX_LISTENERS];
};

/* ---- drain.c: stopping while work is under way ------------------------ */

/* Whether the loop may end: not before a stop was asked for, and then
 * once the work under way has ended or been given up.  The loop calls it
 * every turn, and polls no longer than drain_timeout_ms (ms; -1: any). */
bool drain_over(struct xltd *d);
int drain_timeout_ms(const struct xltd *d);

/* ---- loop.c: the poll loop, with libxl's fds and timeouts inside ------ */

int loop_run(struct xltd *d);

/* ---- notify.c: systemd readiness ------------------------------------- */

void notify_systemd(struct xltd_log *log, const char *state);

#endif
