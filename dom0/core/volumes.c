/*
 * volumes.c: the volume-* requests, each run by a thread of its own (an
 * lvm command takes seconds; xltd's loop waits for none): xlt/lib's
 * xlt_volume_run there, and its end posted to one eventfd, on which the
 * loop ends the job.  A stop waits for the volumes under way: an lvm
 * command cut off could leave LVM's metadata half changed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core.h"

struct volume_op {
    struct volume_op *next;
    struct job *job;
    char op[XLT_PROTO_MAX_CMD + 1];
    yajl_val args; /* a copy, the thread's */
    pthread_t thread;
    int post_fd;
    atomic_bool done;
    char *result;       /* what the thread found: RESULT, or ERR */
    struct xlt_err err;
};

static void *volume_thread(void *arg)
{
    struct volume_op *v = arg;
    uint64_t one = 1;

    if (xlt_volume_run(v->op, v->args, &v->result, &v->err))
        v->result = NULL;
    atomic_store(&v->done, true);
    if (write(v->post_fd, &one, sizeof(one)) < 0) {
        /* the counter cannot overflow; the loop sees DONE on its next
         * wake-up anyway */
    }
    return NULL;
}

static void volume_free(struct volume_op *v)
{
    yajl_tree_free(v->args);
    free(v->result);
    free(v);
}

int volumes_start(struct xltd *d, const char *op, yajl_val args,
                  struct job *job, struct xlt_err *err)
{
    struct volume_op *v = calloc(1, sizeof(*v));
    char *text = args ? xlt_json_to_text(args) : NULL;
    int rc;

    if (!v || (args && !text)) {
        free(v);
        free(text);
        return xlt_err_set(err, "out of memory");
    }
    snprintf(v->op, sizeof(v->op), "%s", op);
    v->args = text ? yajl_tree_parse(text, NULL, 0) : NULL;
    free(text);
    v->job = job;
    atomic_init(&v->done, false);
    if (d->volumes_fd < 0)
        d->volumes_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    v->post_fd = d->volumes_fd;
    rc = v->post_fd < 0 ? errno
                        : pthread_create(&v->thread, NULL, volume_thread, v);
    if (rc) {
        volume_free(v);
        return xlt_err_errno(err, rc, "%s: cannot start its thread", op);
    }
    v->next = d->volumes;
    d->volumes = v;
    return 0;
}

int volumes_fd(const struct xltd *d)
{
    return d->volumes_fd;
}

void volumes_ready(struct xltd *d)
{
    struct volume_op **pp = &d->volumes, *v;
    uint64_t n;

    if (read(d->volumes_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
        return;
    while ((v = *pp)) {
        if (!atomic_load(&v->done)) {
            pp = &v->next;
            continue;
        }
        *pp = v->next;
        pthread_join(v->thread, NULL);
        if (v->result) {
            log_info(&d->log, "%s: done", v->op);
            job_done(v->job, v->result);
        } else {
            job_fail(v->job, "%s", v->err.msg);
        }
        volume_free(v);
    }
}

size_t volumes_running(const struct xltd *d)
{
    size_t n = 0;

    for (const struct volume_op *v = d->volumes; v; v = v->next)
        n++;
    return n;
}
