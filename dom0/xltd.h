/* xltd, the xlt daemon: one file per concern, their public functions here. */
#ifndef XLTD_H
#define XLTD_H

#include <poll.h>
#include <stdarg.h>
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

struct xltd_conf {
    char *socket_path;
    char *pid_path;
    char *log_path;
    char *state_dir;
    enum log_level log_level;
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
    struct xs_handle *xs; /* for @introduceDomain */
};

/* ---- store.c: the domains xltd manages, on disk ----------------------- */

int store_init(struct xltd *d);
int store_put(struct xltd *d, const libxl_domain_config *cfg,
              const char *path, const char *text);
bool store_has(const struct xltd *d, const libxl_uuid *uuid);
void store_drop(struct xltd *d, const libxl_uuid *uuid);
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
/* Send G's document (an object the caller opened and closed) as the
 * result, and free G. */
void requests_reply_gen(struct xltd *d, unsigned conn, yajl_gen g);

/* ---- debug.c: consoles and the debugging requests -------------------- */

void req_console(struct xltd *d, unsigned conn, yajl_val args);
void req_dmesg(struct xltd *d, unsigned conn, yajl_val args);
void req_sysrq(struct xltd *d, unsigned conn, yajl_val args);
void req_trigger(struct xltd *d, unsigned conn, yajl_val args);

/* ---- domain.c: starting domains ------------------------------------- */

/* Create a domain from CFG, which this takes over (CFG is left empty), and
 * unpause it unless PAUSED.  Connection CONN (0: none) gets the result.
 * -1 if it could not even begin (CONN has been told). */
int domain_start(struct xltd *d, libxl_domain_config *cfg, bool paused,
                 unsigned conn);
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
/* Answer CONN once every domain in DOMIDS has shut down or died. */
int supervise_wait(struct xltd *d, unsigned conn, const uint32_t *domids,
                   size_t n);
void supervise_event(struct xltd *d, libxl_event *ev); /* frees EV */
void supervise_stop(struct xltd *d);

/* ---- loop.c: the poll loop, with libxl's fds and timeouts inside ------ */

int loop_run(struct xltd *d);

/* ---- notify.c: systemd readiness ------------------------------------- */

void notify_systemd(struct xltd_log *log, const char *state);

#endif
