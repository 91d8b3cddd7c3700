/*
 * job.c: how a long operation (a create, a save, a migration...) tells
 * whoever started it how far it is and how it ended.  The core knows a
 * job only by these calls; the request layer's jobs answer a client, and
 * the unattended job (what xltd does on its own, such as a restart) logs
 * its errors.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "core.h"

static void unattended_progress(struct job *job, const char *text)
{
    (void)job;
    (void)text;
}

static void unattended_end(struct job *job, const char *result,
                           const char *error)
{
    struct xltd *d =
        (struct xltd *)((char *)job - offsetof(struct xltd, unattended));

    (void)result;
    if (error)
        log_errx(&d->log, "%s", error);
}

void job_init_unattended(struct xltd *d)
{
    static const struct job_ops ops = {unattended_progress, unattended_end};

    d->unattended.ops = &ops;
}

void job_progress(struct job *job, const char *fmt, ...)
{
    char text[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    job->ops->progress(job, text);
}

void job_done(struct job *job, const char *result)
{
    job->ops->end(job, result ? result : "{}", NULL);
}

void job_done_gen(struct job *job, yajl_gen g)
{
    char *text = g ? xlt_json_gen_take(g) : NULL;

    if (text)
        job_done(job, text);
    else
        job_fail(job, "out of memory");
    free(text);
    if (g)
        yajl_gen_free(g);
}

void job_fail(struct job *job, const char *fmt, ...)
{
    char text[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    job->ops->end(job, NULL, text);
}
