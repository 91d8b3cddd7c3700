/*
 * supervise.c: xltd watches every domain it knows for shutdown and death,
 * through libxl's domain-death events.  A domain that shuts down is
 * destroyed (the on_poweroff default); its death is logged.
 */
#include <stdlib.h>

#include "xltd.h"

struct watch {
    struct watch *next;
    uint32_t domid;
    libxl_evgen_domain_death *gen;
};

static struct watch *watch_find(struct xltd *d, uint32_t domid)
{
    for (struct watch *w = d->watches; w; w = w->next)
        if (w->domid == domid)
            return w;
    return NULL;
}

int supervise_watch(struct xltd *d, uint32_t domid)
{
    struct watch *w;

    if (domid == 0 || watch_find(d, domid))
        return 0;
    w = calloc(1, sizeof(*w));
    if (!w) {
        log_err(&d->log, "domain %u: out of memory for its watch", domid);
        return -1;
    }
    w->domid = domid;
    if (libxl_evenable_domain_death(d->ctx, domid, 0, &w->gen)) {
        log_err(&d->log, "domain %u: cannot watch it", domid);
        free(w);
        return -1;
    }
    w->next = d->watches;
    d->watches = w;
    log_debug(&d->log, "domain %u: watching", domid);
    return 0;
}

static void watch_drop(struct xltd *d, uint32_t domid)
{
    for (struct watch **pp = &d->watches; *pp; pp = &(*pp)->next) {
        struct watch *w = *pp;
        if (w->domid != domid)
            continue;
        *pp = w->next;
        libxl_evdisable_domain_death(d->ctx, w->gen);
        free(w);
        return;
    }
}

int supervise_adopt_all(struct xltd *d)
{
    libxl_dominfo *info;
    int n = 0;

    info = libxl_list_domain(d->ctx, &n);
    if (!info) {
        log_err(&d->log, "cannot list the domains");
        return -1;
    }
    for (int i = 0; i < n; i++)
        supervise_watch(d, info[i].domid);
    log_info(&d->log, "watching %d domain%s", n - 1, n - 1 == 1 ? "" : "s");
    libxl_dominfo_list_free(info, n);
    return 0;
}

static void domain_shutdown(struct xltd *d, uint32_t domid,
                            libxl_shutdown_reason reason)
{
    char *name = libxl_domid_to_name(d->ctx, domid);

    log_info(&d->log, "%s (%u): shut down (%s); destroying it",
             name ? name : "?", domid, libxl_shutdown_reason_to_string(reason));
    if (libxl_domain_destroy(d->ctx, domid, NULL))
        log_err(&d->log, "%s (%u): destroy failed", name ? name : "?", domid);
    free(name);
}

void supervise_event(struct xltd *d, libxl_event *ev)
{
    switch (ev->type) {
    case LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN:
        domain_shutdown(d, ev->domid, ev->u.domain_shutdown.shutdown_reason);
        break;
    case LIBXL_EVENT_TYPE_DOMAIN_DEATH:
        log_info(&d->log, "domain %u: died", ev->domid);
        watch_drop(d, ev->domid);
        break;
    default:
        log_debug(&d->log, "domain %u: event %s", ev->domid,
                  libxl_event_type_to_string(ev->type));
        break;
    }
    libxl_event_free(d->ctx, ev);
}

void supervise_stop(struct xltd *d)
{
    while (d->watches)
        watch_drop(d, d->watches->domid);
}
