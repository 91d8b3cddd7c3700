/*
 * inflight.c: the libxl operations under way.  Each one's
 * libxl_asyncop_how lives in a struct inflight, listed from the moment it
 * is given to libxl until libxl calls back; when xltd stops, it waits for
 * the list to empty and, past its deadline, asks libxl to abort what is
 * left (libxl then ends each with ERROR_ABORTED), as libxl must have no
 * operation in flight when its context is freed.
 */
#include "core.h"

static void inflight_unlink(struct xltd *d, struct inflight *op)
{
    for (struct inflight **pp = &d->inflight; *pp; pp = &(*pp)->next) {
        if (*pp == op) {
            *pp = op->next;
            break;
        }
    }
    op->next = NULL;
    op->listed = false;
}

static void inflight_done(libxl_ctx *ctx, int rc, void *arg)
{
    struct inflight *op = arg;

    inflight_unlink(op->d, op);
    op->callback(ctx, rc, op->arg);
}

const libxl_asyncop_how *inflight_begin(struct xltd *d, struct inflight *op,
                                        const char *what,
                                        inflight_callback *callback,
                                        void *arg)
{
    if (op->listed)
        inflight_unlink(d, op);
    op->d = d;
    op->what = what;
    op->callback = callback;
    op->arg = arg;
    op->how.callback = inflight_done;
    op->how.u.for_callback = op;
    op->next = d->inflight;
    op->listed = true;
    d->inflight = op;
    return &op->how;
}

void inflight_end(struct xltd *d, struct inflight *op)
{
    if (op->listed)
        inflight_unlink(d, op);
}

size_t inflight_count(const struct xltd *d)
{
    size_t n = 0;

    for (const struct inflight *op = d->inflight; op; op = op->next)
        n++;
    return n;
}

void inflight_abort_all(struct xltd *d)
{
    for (struct inflight *op = d->inflight; op; op = op->next) {
        log_info(&d->log, "stopping: aborting %s", op->what);
        libxl_ao_abort(d->ctx, &op->how);
    }
}
