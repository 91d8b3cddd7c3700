/*
 * drain.c: stopping while work is under way.  Told to stop, xltd stops
 * taking migrations, cancels those that have not handed their domain
 * over (each domain runs on where it was), refuses changes, and lets the
 * rest end (creates, destroys, saves, restores, device changes, volume
 * commands) until
 * stop_timeout.  Then it asks libxl to abort what is left and gives that
 * STOP_ABORT_S more; what still has not ended is left to the kernel: xltd
 * exits without freeing libxl (which would abort on it) and says so.
 */
#include <time.h>

#include "api.h"

#define STOP_ABORT_S 10

static size_t busy(const struct xltd *d)
{
    return inflight_count(d) + migrate_count(d) + receive_incomings(d) +
           actions_dumping(d) + volumes_running(d);
}

static void set_deadline(struct xltd *d, int seconds)
{
    clock_gettime(CLOCK_MONOTONIC, &d->stop_deadline);
    d->stop_deadline.tv_sec += seconds;
}

static long long ms_to_deadline(const struct xltd *d)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (d->stop_deadline.tv_sec - now.tv_sec) * 1000LL +
           (d->stop_deadline.tv_nsec - now.tv_nsec) / 1000000;
}

static void drain_begin(struct xltd *d)
{
    d->stop_phase = 1;
    set_deadline(d, d->stop_seconds);
    balloon_stop(d);
    receive_stop(d, false);
    migrate_stop(d, false);
    if (busy(d))
        log_info(&d->log, "stopping: %zu operation%s under way; waiting up "
                 "to %d s", busy(d), busy(d) == 1 ? "" : "s",
                 d->stop_seconds);
}

static void drain_abort(struct xltd *d)
{
    d->stop_phase = 2;
    set_deadline(d, STOP_ABORT_S);
    log_warnx(&d->log, "stopping: %zu operation%s still under way after "
              "%d s: aborting", busy(d), busy(d) == 1 ? "" : "s",
              d->stop_seconds);
    receive_stop(d, true);
    migrate_stop(d, true);
    inflight_abort_all(d);
}

bool drain_over(struct xltd *d)
{
    if (!d->stopping)
        return false;
    if (d->stop_phase == 0)
        drain_begin(d);
    if (!busy(d)) {
        d->stop_phase = 3;
        return true;
    }
    if (ms_to_deadline(d) > 0)
        return false;
    if (d->stop_phase == 1) {
        drain_abort(d);
        return false;
    }
    log_errx(&d->log, "stopping: %zu operation%s did not end; exiting "
             "without freeing libxl", busy(d), busy(d) == 1 ? "" : "s");
    d->stop_unfinished = true;
    d->stop_phase = 3;
    return true;
}

int drain_timeout_ms(const struct xltd *d)
{
    long long ms;

    if (!d->stopping)
        return -1;
    if (d->stop_phase == 0)
        return 0;
    ms = ms_to_deadline(d);
    return ms < 0 ? 0 : ms > 1000 ? 1000 : (int)ms;
}
