/*
 * transfer.c: progress of saves and restores.  While a domain's memory
 * streams to or from a file, the client gets a line a second: how many
 * bytes have gone through (the file's size as it is written, or the
 * offset libxl's helper has read to, which it shares with xltd, or a
 * migration's count) and what libxc said last ("Frames iteration 1" and
 * how far), when only one save or send runs and so libxc's words are
 * surely about it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

struct transfer {
    struct transfer *next;
    struct job *job;
    char what[96];    /* "saving pv1" */
    int fd;           /* closed at the end */
    bool reading;
    uint64_t total;   /* bytes to read, 0 if unknown */
    _Atomic uint64_t *counter; /* a migration's bytes; NULL for a file */
    bool xc_wanted;   /* libxc's progress is of this (a save, a send) */
    unsigned iterations; /* of a live migration's memory copy */
    struct timespec start;
    char xc[128];     /* libxc's latest progress */
};

static double since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) +
           (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static uint64_t bytes_so_far(const struct transfer *t)
{
    struct stat st;
    off_t at;

    if (t->counter)
        return atomic_load(t->counter);
    if (t->reading) {
        at = lseek(t->fd, 0, SEEK_CUR);
        return at > 0 ? (uint64_t)at : 0;
    }
    return fstat(t->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static size_t count(const struct xltd *d)
{
    size_t n = 0;

    for (const struct transfer *t = d->transfers; t; t = t->next)
        n++;
    return n;
}

static void timer_set(struct xltd *d, bool on)
{
    struct itimerspec tick = {{1, 0}, {1, 0}};

    if (on && d->transfer_timer < 0) {
        d->transfer_timer =
            timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (d->transfer_timer >= 0 &&
            timerfd_settime(d->transfer_timer, 0, &tick, NULL))
            log_warnx(&d->log, "transfer progress timer failed");
    } else if (!on && d->transfer_timer >= 0) {
        close(d->transfer_timer);
        d->transfer_timer = -1;
    }
}

struct transfer *transfer_begin(struct xltd *d, struct job *job,
                                const char *what, int fd, bool reading)
{
    struct transfer *t = calloc(1, sizeof(*t));
    struct stat st;

    if (!t)
        return NULL;
    t->job = job;
    snprintf(t->what, sizeof(t->what), "%s", what);
    t->fd = fd;
    t->reading = reading;
    t->xc_wanted = !reading;
    if (reading && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        t->total = (uint64_t)st.st_size;
    clock_gettime(CLOCK_MONOTONIC, &t->start);
    t->next = d->transfers;
    d->transfers = t;
    timer_set(d, true);
    return t;
}

struct transfer *transfer_begin_counted(struct xltd *d, struct job *job,
                                        const char *what,
                                        _Atomic uint64_t *counter)
{
    struct transfer *t = transfer_begin(d, job, what, -1, false);

    if (t)
        t->counter = counter;
    return t;
}

void transfer_gen_summary(const struct transfer *t, yajl_gen g)
{
    xlt_json_kv_uint(g, "bytes", bytes_so_far(t));
    xlt_json_kv_double(g, "seconds", since(&t->start));
    if (t->iterations)
        xlt_json_kv_uint(g, "iterations", t->iterations);
}

void transfer_end(struct xltd *d, struct transfer *t)
{
    for (struct transfer **pp = &d->transfers; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    if (t->fd >= 0)
        close(t->fd);
    free(t);
    timer_set(d, count(d) > 0);
}

int transfer_fd(const struct xltd *d)
{
    return d->transfer_timer;
}

static void report(const struct transfer *t)
{
    char total[48] = "";
    uint64_t bytes = bytes_so_far(t);

    if (t->total)
        snprintf(total, sizeof(total), " of %.1f",
                 (double)t->total / (1 << 20));
    job_progress(t->job, "%s: %.1f%s MiB after %.0f s%s%s", t->what,
                 (double)bytes / (1 << 20), total, since(&t->start),
                 t->xc[0] ? ", " : "", t->xc);
}

void transfer_tick(struct xltd *d)
{
    uint64_t expirations;

    if (d->transfer_timer < 0 ||
        read(d->transfer_timer, &expirations, sizeof(expirations)) < 0)
        return;
    for (struct transfer *t = d->transfers; t; t = t->next)
        report(t);
}

void transfer_xc_progress(struct xltd *d, const char *doing,
                          unsigned long done, unsigned long total)
{
    struct transfer *it = NULL;
    unsigned iteration;

    for (struct transfer *t = d->transfers; t; t = t->next) {
        if (!t->xc_wanted)
            continue;
        if (it)
            return; /* two saves or sends: whose words these are is unknown */
        it = t;
    }
    if (!it || !doing)
        return;
    if (sscanf(doing, "Frames iteration %u", &iteration) == 1 &&
        iteration + 1 > it->iterations)
        it->iterations = iteration + 1;
    if (total)
        snprintf(it->xc, sizeof(it->xc), "%s: %lu of %lu pages", doing, done,
                 total);
    else
        snprintf(it->xc, sizeof(it->xc), "%s", doing);
}
