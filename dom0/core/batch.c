/*
 * batch.c: N operations run side by side, at most PARALLEL at a time,
 * each with a job of its own; the batch's end once every one has ended.
 * What the host's boot and shutdown do to many domains at once
 * (hostboot.c, hostdown.c).  An operation's progress goes to the log.
 */
#include <stdlib.h>

#include "core.h"

struct batch_job {
    struct job job; /* first: the job's ops find the rest */
    struct batch *b;
    size_t i;
};

struct batch {
    struct xltd *d;
    size_t n, parallel, next, running, ended;
    const struct batch_ops *ops;
    void *arg;
    bool pumping; /* in pump(): a job ending at once must not recurse */
    struct batch_job *jobs;
};

static void pump(struct batch *b);

static void batch_progress(struct job *job, const char *text)
{
    struct batch_job *j = (struct batch_job *)job;

    log_info(&j->b->d->log, "%s", text);
}

static void batch_end(struct job *job, const char *result, const char *error)
{
    struct batch_job *j = (struct batch_job *)job;
    struct batch *b = j->b;

    b->running--;
    b->ended++;
    b->ops->end(b->d, j->i, result, error, b->arg);
    pump(b);
}

static const struct job_ops batch_job_ops = {batch_progress, batch_end};

/* Start what may start; once all have ended, the batch's end. */
static void pump(struct batch *b)
{
    struct xlt_err err;

    if (b->pumping)
        return;
    b->pumping = true;
    while (b->next < b->n && b->running < b->parallel && !b->d->stopping) {
        size_t i = b->next++;

        b->running++;
        if (b->ops->start(b->d, i, &b->jobs[i].job, &err, b->arg))
            batch_end(&b->jobs[i].job, NULL, err.msg);
    }
    b->pumping = false;
    if (b->running == 0 && (b->next == b->n || b->d->stopping)) {
        b->ops->done(b->d, b->ended, b->arg);
        free(b->jobs);
        free(b);
    }
}

int batch_run(struct xltd *d, size_t n, size_t parallel,
              const struct batch_ops *ops, void *arg)
{
    struct batch *b = calloc(1, sizeof(*b));

    if (!b || !(b->jobs = calloc(n ? n : 1, sizeof(*b->jobs)))) {
        free(b);
        log_errx(&d->log, "out of memory for a batch of %zu", n);
        return -1;
    }
    *b = (struct batch){.d = d, .n = n, .parallel = parallel ? parallel : 1,
                        .ops = ops, .arg = arg, .jobs = b->jobs};
    for (size_t i = 0; i < n; i++)
        b->jobs[i] = (struct batch_job){.job = {.ops = &batch_job_ops},
                                        .b = b, .i = i};
    pump(b);
    return 0;
}
