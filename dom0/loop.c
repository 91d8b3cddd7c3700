/*
 * loop.c: xltd's one poll() loop.  libxl runs inside it through
 * libxl_osevent_beforepoll/afterpoll, so its fds and timeouts are polled
 * together with the control socket and the signal fd.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <unistd.h>

#include "api.h"

struct pollset {
    struct pollfd *fds;
    int cap;
};

static int pollset_reserve(struct pollset *ps, int n)
{
    struct pollfd *bigger;

    if (n <= ps->cap)
        return 0;
    bigger = realloc(ps->fds, (size_t)n * sizeof(*bigger));
    if (!bigger)
        return -1;
    ps->fds = bigger;
    ps->cap = n;
    return 0;
}

static void handle_signal(struct xltd *d)
{
    struct signalfd_siginfo si;

    if (read(d->signal_fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
        return;
    if (d->stopping) {
        log_info(&d->log, "signal %s: stopping already",
                 strsignal((int)si.ssi_signo));
        return;
    }
    log_info(&d->log, "signal %s: stopping", strsignal((int)si.ssi_signo));
    d->stopping = true;
}

/* *TIMEOUT (ms, -1: none) made no later than MS (-1: no bound). */
static void soonest(int *timeout, int ms)
{
    if (ms >= 0 && (*timeout < 0 || ms < *timeout))
        *timeout = ms;
}

/* The fds before the control fds: [0] the signal fd, [1] xenstore's,
 * [2] the autoballoon timer, [3] the transfers', [4] the core dumps',
 * [5] the volume requests' and [6] the statistics' sampler's (-1,
 * ignored, when idle). */
#define OURS_FIXED 7

/* Fill PS: the OURS_FIXED fds above, then the control fds, the
 * migrations', the listener's, the reclaims' and the remote API's (their
 * counts in PARTS),
 * then libxl's.
 * Returns the count, with *ours the number before libxl's. */
static int gather(struct xltd *d, struct pollset *ps, int *timeout,
                  int *ours, size_t parts[5])
{
    struct timeval now;
    int n, nlibxl = 0;

    n = (int)(control_count(d) + migrate_count(d) + receive_count(d) +
              reclaim_count(d) + remote_count(d)) +
        OURS_FIXED;
    if (pollset_reserve(ps, n + 8) || !ps->fds)
        return -1;
    ps->fds[0] = (struct pollfd){.fd = d->signal_fd, .events = POLLIN};
    ps->fds[1] = (struct pollfd){.fd = supervise_xenstore_fd(d),
                                 .events = POLLIN};
    ps->fds[2] = (struct pollfd){.fd = balloon_fd(d), .events = POLLIN};
    ps->fds[3] = (struct pollfd){.fd = transfer_fd(d), .events = POLLIN};
    ps->fds[4] = (struct pollfd){.fd = actions_fd(d), .events = POLLIN};
    ps->fds[5] = (struct pollfd){.fd = volumes_fd(d), .events = POLLIN};
    ps->fds[6] = (struct pollfd){.fd = stats_fd(d), .events = POLLIN};
    parts[0] = control_pollfds(d, ps->fds + OURS_FIXED,
                               (size_t)ps->cap - OURS_FIXED);
    n = OURS_FIXED + (int)parts[0];
    parts[1] = migrate_pollfds(d, ps->fds + n, (size_t)(ps->cap - n));
    n += (int)parts[1];
    parts[2] = receive_pollfds(d, ps->fds + n, (size_t)(ps->cap - n));
    n += (int)parts[2];
    parts[3] = reclaim_pollfds(d, ps->fds + n, (size_t)(ps->cap - n));
    n += (int)parts[3];
    parts[4] = remote_pollfds(d, ps->fds + n, (size_t)(ps->cap - n));
    n += (int)parts[4];
    *ours = n;
    *timeout = -1;
    for (;;) {
        int rc;
        nlibxl = ps->cap - n;
        gettimeofday(&now, NULL);
        rc = libxl_osevent_beforepoll(d->ctx, &nlibxl, ps->fds + n, timeout,
                                      now);
        if (rc == 0)
            break;
        if (rc != ERROR_BUFFERFULL || pollset_reserve(ps, n + nlibxl))
            return -1;
    }
    soonest(timeout, receive_timeout_ms(d));
    soonest(timeout, control_timeout_ms(d));
    soonest(timeout, reclaim_timeout_ms(d));
    soonest(timeout, drain_timeout_ms(d));
    soonest(timeout, devmodel_timeout_ms(d));
    soonest(timeout, hostboot_timeout_ms(d));
    soonest(timeout, hostdown_timeout_ms(d));
    soonest(timeout, migrate_timeout_ms(d));
    return n + nlibxl;
}

int loop_run(struct xltd *d)
{
    struct pollset ps = {0};
    struct timeval now;
    int rc = -1;

    while (!drain_over(d)) {
        size_t parts[5];
        int timeout, ours, n = gather(d, &ps, &timeout, &ours, parts);
        if (n < 0) {
            log_errx(&d->log, "event loop: out of memory");
            goto out;
        }
        if (poll(ps.fds, (nfds_t)n, timeout) < 0) {
            if (errno == EINTR)
                continue;
            log_err(&d->log, "poll");
            goto out;
        }
        gettimeofday(&now, NULL);
        libxl_osevent_afterpoll(d->ctx, n - ours, ps.fds + ours, now);
        if (ps.fds[0].revents)
            handle_signal(d);
        if (ps.fds[1].revents)
            supervise_xenstore_ready(d);
        if (ps.fds[2].revents)
            balloon_tick(d);
        if (ps.fds[3].revents)
            transfer_tick(d);
        if (ps.fds[4].revents)
            actions_ready(d);
        if (ps.fds[5].revents)
            volumes_ready(d);
        if (ps.fds[6].revents)
            stats_ready(d);
        control_handle(d, ps.fds + OURS_FIXED, parts[0]);
        migrate_handle(d, ps.fds + OURS_FIXED + parts[0], parts[1]);
        receive_handle(d, ps.fds + OURS_FIXED + parts[0] + parts[1],
                       parts[2]);
        reclaim_handle(d, ps.fds + OURS_FIXED + parts[0] + parts[1] +
                              parts[2],
                       parts[3]);
        remote_handle(d, ps.fds + OURS_FIXED + parts[0] + parts[1] + parts[2] +
                             parts[3],
                      parts[4]);
        receive_expire(d);
        control_expire(d);
        reclaim_expire(d);
        devmodel_expire(d);
        hostboot_expire(d);
        hostdown_expire(d);
        migrate_expire(d);
    }
    rc = 0;
out:
    free(ps.fds);
    return rc;
}
