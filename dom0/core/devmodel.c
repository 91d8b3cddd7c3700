/*
 * devmodel.c: domains' device models (qemu-xen), seen from outside.
 * A stopped device model (SIGSTOP, a debugger) answers no QMP command:
 * libxl then waits 10 s and says only "libxl error -3", so xltd names
 * the process.  And libxl ends a device model with SIGHUP, which a
 * stopped process does not act on: its domain then stays dying, its
 * memory mapped, until somebody continues it.  xltd gives a dying
 * domain's device model DEVMODEL_GRACE_MS to go, then kills it (SIGKILL
 * ends a stopped process too) and says so.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "core.h"

#define DEVMODEL_GRACE_MS 10000

struct dying {
    struct dying *next;
    uint32_t domid;
    int64_t deadline_ms;
};

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The state letter of process PID (/proc/PID/stat), or 0. */
static int process_state(int pid)
{
    char path[64], buf[512], *paren;
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    paren = strrchr(buf, ')'); /* the command may hold spaces and ')' */
    return paren && paren[1] == ' ' ? (unsigned char)paren[2] : 0;
}

/* The device model's pid libxl noted for DOMID, or -1. */
static int devmodel_pid(struct xltd *d, uint32_t domid)
{
    char path[64], *text;
    unsigned len = 0;
    int pid = -1;

    if (!d->xs)
        return -1;
    snprintf(path, sizeof(path), "/local/domain/%u/image/device-model-pid",
             domid);
    text = xs_read(d->xs, XBT_NULL, path, &len);
    if (text && len > 0 && len < 12 && isdigit((unsigned char)text[0]))
        pid = atoi(text);
    free(text);
    return pid;
}

int devmodel_stopped(struct xltd *d, uint32_t domid)
{
    int pid = devmodel_pid(d, domid);
    int state = pid > 0 ? process_state(pid) : 0;

    return state == 'T' || state == 't' ? pid : 0;
}

int devmodel_refuse_stopped(struct xltd *d, uint32_t domid,
                            const char *doing, const char *then,
                            struct xlt_err *err)
{
    int pid = devmodel_stopped(d, domid);

    if (!pid)
        return 0;
    return xlt_err_set(err, "%s: its device model (pid %d) is stopped and "
                       "does not answer (continue it: kill -CONT %d)%s",
                       doing, pid, pid, then);
}

/* Process PID's command line is a device model of DOMID's: it has the
 * arguments "-xen-domid" and DOMID. */
static bool devmodel_of(int pid, uint32_t domid)
{
    char path[64], buf[8192], want[16];
    bool found = false;
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    snprintf(want, sizeof(want), "%u", domid);
    for (char *arg = buf; arg < buf + n; arg += strlen(arg) + 1) {
        char *next = arg + strlen(arg) + 1;
        if (!strcmp(arg, "-xen-domid") && next < buf + n &&
            !strcmp(next, want)) {
            found = true;
            break;
        }
    }
    return found;
}

/* Kill PID, a device model of dying DOMID, through a pidfd (so that a
 * pid used again meanwhile is not hit). */
static void devmodel_kill(struct xltd *d, int pid, uint32_t domid)
{
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    int state;

    if (pidfd < 0)
        return; /* gone meanwhile */
    state = process_state(pid);
    if (!devmodel_of(pid, domid)) {
        close(pidfd);
        return;
    }
    if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0))
        log_err(&d->log, "domain %u: killing its device model (pid %d)",
                domid, pid);
    else
        log_warnx(&d->log, "domain %u: its device model (pid %d, state %c%s) "
                  "did not end %d s after the domain was destroyed, and "
                  "the domain's memory stays taken while it runs; killed "
                  "it", domid, pid, state ? state : '?',
                  state == 'T' || state == 't' ? ": stopped" : "",
                  DEVMODEL_GRACE_MS / 1000);
    close(pidfd);
}

/* Kill every device model of DOMID still running. */
static void devmodel_kill_all(struct xltd *d, uint32_t domid)
{
    DIR *proc = opendir("/proc");
    struct dirent *e;

    if (!proc) {
        log_err(&d->log, "reading /proc");
        return;
    }
    while ((e = readdir(proc))) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        int pid = atoi(e->d_name);
        if (pid > 1 && devmodel_of(pid, domid))
            devmodel_kill(d, pid, domid);
    }
    closedir(proc);
}

void devmodel_domain_dying(struct xltd *d, uint32_t domid)
{
    struct dying *x;

    for (x = d->dying; x; x = x->next)
        if (x->domid == domid)
            return;
    x = calloc(1, sizeof(*x));
    if (!x) {
        log_errx(&d->log, "domain %u: out of memory to watch its device "
                 "model", domid);
        return;
    }
    x->domid = domid;
    x->deadline_ms = now_ms() + DEVMODEL_GRACE_MS;
    x->next = d->dying;
    d->dying = x;
}

int devmodel_timeout_ms(const struct xltd *d)
{
    int64_t soonest = -1, now = now_ms();

    for (const struct dying *x = d->dying; x; x = x->next)
        if (soonest < 0 || x->deadline_ms < soonest)
            soonest = x->deadline_ms;
    if (soonest < 0)
        return -1;
    return soonest <= now ? 0 : (int)(soonest - now);
}

/* Whether DOMID is still there, dying. */
static bool still_dying(struct xltd *d, uint32_t domid)
{
    libxl_dominfo info;
    bool dying;

    libxl_dominfo_init(&info);
    dying = !libxl_domain_info(d->ctx, &info, domid) && info.dying;
    libxl_dominfo_dispose(&info);
    return dying;
}

void devmodel_expire(struct xltd *d)
{
    int64_t now = now_ms();
    struct dying **pp = &d->dying;

    while (*pp) {
        struct dying *x = *pp;
        if (x->deadline_ms > now) {
            pp = &x->next;
            continue;
        }
        *pp = x->next;
        if (still_dying(d, x->domid))
            devmodel_kill_all(d, x->domid);
        free(x);
    }
}

void devmodel_forget_all(struct xltd *d)
{
    while (d->dying) {
        struct dying *x = d->dying;
        d->dying = x->next;
        free(x);
    }
}
