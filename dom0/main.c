/*
 * main.c: xltd's start and stop.  Options, the pid lock (one xltd per
 * host), daemonizing with a readiness pipe, the libxl context and its event
 * hooks, then the loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"

struct options {
    const char *conf_path;
    const char *socket_path; /* overrides, or NULL */
    const char *pid_path;
    const char *log_path;
    bool foreground, verbose, check_only;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: xltd [-d] [-v] [-n] [-f CONF] [-S SOCKET] [-p PIDFILE] "
            "[-l LOGFILE]\n"
            "  -d  stay in the foreground and log to stderr\n"
            "  -v  verbose: log debug messages too\n"
            "  -n  check the configuration and exit\n"
            "  -f  configuration file (default " XLTD_CONF_PATH ")\n"
            "  -S  control socket (default " XLT_SOCKET_PATH ")\n"
            "  -p  pid file, the lock that keeps one xltd per host (default "
            XLTD_PID_PATH ")\n"
            "  -l  log file when not in the foreground (default "
            XLTD_LOG_PATH ")\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
    int c;

    o->conf_path = XLTD_CONF_PATH;
    while ((c = getopt(argc, argv, "dvnf:S:p:l:h")) != -1) {
        switch (c) {
        case 'd': o->foreground = true; break;
        case 'v': o->verbose = true; break;
        case 'n': o->check_only = true; break;
        case 'f': o->conf_path = optarg; break;
        case 'S': o->socket_path = optarg; break;
        case 'p': o->pid_path = optarg; break;
        case 'l': o->log_path = optarg; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return -1;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "xltd: unexpected argument %s\n", argv[optind]);
        usage(stderr);
        return -1;
    }
    return 0;
}

static int replace(char **field, const char *value)
{
    char *copy;

    if (!value)
        return 0;
    copy = strdup(value);
    if (!copy)
        return -1;
    free(*field);
    *field = copy;
    return 0;
}

static int make_dirs_for(const char *path)
{
    char dir[4096];
    char *slash;

    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    if (mkdir(dir, 0755) && errno != EEXIST)
        return -1;
    return 0;
}

/* The pid file, locked: a second xltd finds it locked and refuses. */
static int take_pid_lock(const char *path, struct xlt_err *err)
{
    char pid[32] = "";
    int fd;

    if (make_dirs_for(path))
        return xlt_err_errno(err, errno, "creating the directory of %s", path);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return xlt_err_errno(err, errno, "%s", path);
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int e = errno;
        ssize_t n = read(fd, pid, sizeof(pid) - 1);
        close(fd);
        if (e != EWOULDBLOCK)
            return xlt_err_errno(err, e, "locking %s", path);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        return xlt_err_set(err, "xltd is already running (pid %s, lock %s)",
                           pid[0] ? pid : "?", path);
    }
    return fd;
}

static int write_pid(int fd)
{
    char pid[32];
    int n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());

    if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
        return -1;
    return xlt_write_all(fd, pid, (size_t)n);
}

/* Fork; the parent waits until the child says it is ready (one byte on
 * READY_FD) and exits 0, or 1 if the child died first. */
static int daemonize(const char *log_path, int *ready_fd)
{
    int p[2];
    pid_t pid;
    char byte;

    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0) {
        close(p[1]);
        if (read(p[0], &byte, 1) == 1)
            exit(0);
        fprintf(stderr, "xltd: failed to start; see %s\n", log_path);
        exit(1);
    }
    close(p[0]);
    *ready_fd = p[1];
    if (setsid() < 0 || chdir("/") < 0)
        return -1;
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
        return -1;
    close(null);
    return 0;
}

static FILE *open_log(const char *path)
{
    FILE *f;

    if (make_dirs_for(path))
        return NULL;
    f = fopen(path, "ae");
    if (f)
        setvbuf(f, NULL, _IOLBF, 0);
    return f;
}

static void stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
}

/* Children (libxl's: the device model, hotplug scripts) must not inherit
 * the blocked signals: libxl stops a device model with SIGHUP. */
static void unblock_in_child(void)
{
    sigset_t set;

    stop_signals(&set);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    signal(SIGPIPE, SIG_DFL);
}

static int open_signals(struct xltd *d)
{
    sigset_t set;

    signal(SIGPIPE, SIG_IGN);
    stop_signals(&set);
    if (pthread_atfork(NULL, NULL, unblock_in_child) ||
        sigprocmask(SIG_BLOCK, &set, NULL) < 0)
        return -1;
    d->signal_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    return d->signal_fd < 0 ? -1 : 0;
}

static void event_occurs(void *user, libxl_event *ev)
{
    supervise_event(user, ev);
}

static void event_disaster(void *user, libxl_event_type type, const char *msg,
                           int errnoval)
{
    struct xltd *d = user;

    log_errx(&d->log, "libxl cannot deliver %s events: %s: %s; stopping",
             type ? libxl_event_type_to_string(type) : "any", msg,
             strerror(errnoval));
    d->stopping = true;
}

static int open_libxl(struct xltd *d)
{
    static const libxl_event_hooks event_hooks = {
        .event_occurs_mask = ~0ULL,
        .event_occurs = event_occurs,
        .disaster = event_disaster,
    };
    /* libxl reaps its own children; others are ours. */
    static const libxl_childproc_hooks child_hooks = {
        .chldowner = libxl_sigchld_owner_libxl_always_selective_reap,
    };

    if (libxl_ctx_alloc(&d->ctx, LIBXL_VERSION, 0, &d->log.xtl)) {
        log_errx(&d->log, "cannot open libxl (is this dom0 of a Xen host, "
                 "with xenstored running?)");
        return -1;
    }
    libxl_childproc_setmode(d->ctx, &child_hooks, d);
    libxl_event_register_callbacks(d->ctx, &event_hooks, d);
    return 0;
}

static int start(struct xltd *d, const struct xltd_conf *conf)
{
    if (open_signals(d)) {
        log_err(&d->log, "signals");
        return -1;
    }
    job_init_unattended(d);
    d->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (opstats_init(d) || store_init(d) || defined_init(d) ||
        trail_open(d, conf->audit_path) || open_libxl(d) ||
        supervise_open_xenstore(d) || supervise_adopt_all(d) ||
        dedicated_init(d) || control_listen(d))
        return -1;
    receive_drop_orphans(d);
    crashes_sweep_parts(d);
    receive_listen(d); /* logs why not; the rest of xltd works without */
    remote_listen(d, &conf->remote); /* the same */
    metrics_start(d, &conf->metrics, conf->remote.pki_dir); /* the same */
    reclaim_taken_sweep(d);
    reclaim_all(d);    /* after the listener: a target may be this host */
    log_info(&d->log, "ready: pid %d, socket %s", (int)getpid(),
             conf->socket_path);
    notify_systemd(&d->log, "READY=1");
    hostboot_begin(d); /* if this is the host's boot: in the loop */
    return 0;
}

/* libxc's progress, as the log hears it, goes to the transfers. */
static void forward_libxc_progress(void *arg, const char *doing,
                                   unsigned long done, unsigned long total)
{
    transfer_xc_progress(arg, doing, done, total);
}

static void stop(struct xltd *d)
{
    notify_systemd(&d->log, "STOPPING=1");
    balloon_stop(d); /* tells its client, so before the sockets close */
    metrics_stop(d); /* its threads wait for samples: before the sampler */
    stats_stop(d);   /* tells its clients too */
    control_close(d);
    remote_close(d);
    trail_close(d);
    receive_close(d);
    reclaim_stop(d);
    actions_stop(d);
    opstats_dispose(d);
    libxl_bitmap_dispose(&d->dedicated_pending);
    if (!d->stop_unfinished) { /* libxl asserts on operations in flight */
        supervise_stop(d);
        libxl_ctx_free(d->ctx);
    }
    if (d->signal_fd >= 0)
        close(d->signal_fd);
    if (d->spare_fd >= 0)
        close(d->spare_fd);
    if (d->pid_fd >= 0) {
        unlink(d->pid_path);
        close(d->pid_fd);
    }
    log_info(&d->log, "stopped");
}

static int load_conf(const struct options *o, struct xltd_conf *conf,
                     struct xlt_err *err)
{
    conf_init(conf);
    if (!conf->socket_path || !conf->pid_path || !conf->log_path ||
        !conf->state_dir)
        return xlt_err_set(err, "out of memory");
    if (conf_read(conf, o->conf_path,
                  strcmp(o->conf_path, XLTD_CONF_PATH) != 0, err))
        return -1;
    if (replace(&conf->socket_path, o->socket_path) ||
        replace(&conf->pid_path, o->pid_path) ||
        replace(&conf->log_path, o->log_path))
        return xlt_err_set(err, "out of memory");
    if (o->verbose)
        conf->log_level = LOGL_DEBUG;
    return 0;
}

/* The log file (or stderr in the foreground) and, unless in the
 * foreground, the fork: *READY_FD is the pipe to tell the parent. */
static int open_output(const struct options *o, const struct xltd_conf *conf,
                       FILE **logf, int *ready_fd)
{
    if (o->foreground)
        return 0;
    *logf = open_log(conf->log_path);
    if (!*logf) {
        fprintf(stderr, "xltd: log %s: %s\n", conf->log_path,
                strerror(errno));
        return -1;
    }
    if (daemonize(conf->log_path, ready_fd) || dup2(fileno(*logf), 2) < 0) {
        fprintf(stderr, "xltd: daemonizing: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* What the daemon's state takes from the configuration. */
static void apply_conf(struct xltd *d, const struct xltd_conf *conf)
{
    d->socket_path = conf->socket_path;
    d->ro_socket_path = conf->ro_socket_path;
    d->ro_group = conf->ro_group;
    d->state_dir = conf->state_dir;
    d->balloon_conf = conf->balloon;
    d->crash_conf = conf->crash;
    d->stop_seconds = conf->stop_seconds;
    d->idle_seconds = conf->idle_seconds;
    d->bridge = conf->bridge;
    d->migrate_conf = conf->migrate;
    d->pid_path = conf->pid_path;
    d->host_conf = conf->host;
    d->boot_mark = conf->boot_mark;
}

int main(int argc, char **argv)
{
    struct options o = {0};
    struct xltd_conf conf = {0};
    struct xltd d = {.listen_fd = -1, .ro_listen_fd = -1, .signal_fd = -1,
                     .pid_fd = -1,
                     .spare_fd = -1, .transfer_timer = -1,
                     .xl_lock_fd = -1, .actions_fd = -1,
                     .volumes_fd = -1};
    struct xlt_err err;
    FILE *logf = stderr;
    int ready_fd = -1, rc = 1;

    if (parse_options(argc, argv, &o))
        return 2;
    if (load_conf(&o, &conf, &err)) {
        fprintf(stderr, "xltd: %s\n", err.msg);
        goto out;
    }
    if (o.check_only && conf.remote.port &&
        xlt_allow_lookup(conf.remote.allow_path, NULL, NULL, NULL, &err) < 0) {
        fprintf(stderr, "xltd: %s\n", err.msg);
        goto out;
    }
    if (o.check_only) {
        printf("xltd: configuration OK (socket %s, log %s, pid file %s)\n",
               conf.socket_path, conf.log_path, conf.pid_path);
        rc = 0;
        goto out;
    }
    apply_conf(&d, &conf);
    d.pid_fd = take_pid_lock(conf.pid_path, &err);
    if (d.pid_fd < 0) {
        fprintf(stderr, "xltd: %s\n", err.msg);
        goto out;
    }
    if (open_output(&o, &conf, &logf, &ready_fd))
        goto out;
    log_init(&d.log, logf, conf.log_level);
    d.log.progress = forward_libxc_progress;
    d.log.progress_arg = &d;
    if (write_pid(d.pid_fd))
        log_warn(&d.log, "writing %s", conf.pid_path);
    if (start(&d, &conf) == 0) {
        if (ready_fd >= 0 && write(ready_fd, "", 1) != 1)
            log_warnx(&d.log, "cannot tell the parent we are ready");
        rc = loop_run(&d) || d.stop_unfinished ? 1 : 0;
    }
    stop(&d);
out:
    if (ready_fd >= 0)
        close(ready_fd);
    if (logf && logf != stderr)
        fclose(logf);
    conf_dispose(&conf);
    return rc;
}
