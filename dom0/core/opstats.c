/*
 * opstats.c: what xltd's operations took, for the metrics endpoint: how
 * long the creates, starts, saves, restores and migrations lasted
 * (histograms), each migration's downtime, and the failures of every
 * kind of request.  The loop records; the endpoint's thread copies them
 * out; a mutex between the two.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

const double opstats_duration_bounds[OPSTATS_BUCKETS] = {
    0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
const double opstats_downtime_bounds[OPSTATS_BUCKETS] = {
    0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30};
const char *const opstats_timed[OPSTATS_TIMED] = {"create", "start", "save",
                                                  "restore", "migrate"};

struct opstats {
    pthread_mutex_t mu;
    struct opstats_copy c;
};

int opstats_init(struct xltd *d)
{
    d->opstats = calloc(1, sizeof(*d->opstats));
    if (!d->opstats)
        return -1;
    pthread_mutex_init(&d->opstats->mu, NULL);
    return 0;
}

void opstats_dispose(struct xltd *d)
{
    if (!d->opstats)
        return;
    pthread_mutex_destroy(&d->opstats->mu);
    free(d->opstats);
    d->opstats = NULL;
}

static void observe(struct opstats_histogram *h, const double *bounds,
                    double v)
{
    for (size_t i = 0; i < OPSTATS_BUCKETS; i++)
        if (v <= bounds[i])
            h->buckets[i]++;
    h->count++;
    h->sum += v;
}

/* OP's row among the failures, added if there is room; NULL if none. */
static struct opstats_failures *failures_of(struct opstats_copy *c,
                                            const char *op)
{
    for (size_t i = 0; i < c->n_failures; i++)
        if (!strcmp(c->failures[i].op, op))
            return &c->failures[i];
    if (c->n_failures == OPSTATS_MAX_OPS)
        return NULL;
    snprintf(c->failures[c->n_failures].op,
             sizeof(c->failures[c->n_failures].op), "%s", op);
    return &c->failures[c->n_failures++];
}

void opstats_ended(struct xltd *d, const char *op, double seconds,
                   bool failed)
{
    struct opstats *s = d->opstats;
    struct opstats_failures *f;

    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < OPSTATS_TIMED; i++)
        if (!failed && !strcmp(op, opstats_timed[i]))
            observe(&s->c.durations[i], opstats_duration_bounds, seconds);
    if (failed && (f = failures_of(&s->c, op)))
        f->count++;
    pthread_mutex_unlock(&s->mu);
}

void opstats_downtime(struct xltd *d, double seconds)
{
    struct opstats *s = d->opstats;

    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    observe(&s->c.downtime, opstats_downtime_bounds, seconds);
    pthread_mutex_unlock(&s->mu);
}

void opstats_copy(struct xltd *d, struct opstats_copy *out)
{
    struct opstats *s = d->opstats;

    memset(out, 0, sizeof(*out));
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    *out = s->c;
    pthread_mutex_unlock(&s->mu);
}
