/*
 * events.c: what happens to domains (created, shut down, crashed,
 * restarted, migrated, devices, memory, vCPUs), told to whoever listens.
 * The core tells an event where it happens; the request layer listens
 * (clients that follow the events, the audit trail of what xltd does on
 * its own).  An event is one JSON object:
 *   {"time": "2026-12-07T14:00:00.123Z", "host": "a", "event": "created",
 *    "domid": 5, "name": "pv1", "uuid": "...", ...its own members}
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

int events_listen(struct xltd *d, events_listener *fn, void *arg)
{
    for (size_t i = 0; i < EVENTS_MAX_LISTENERS; i++) {
        if (!d->event_listeners[i].fn) {
            d->event_listeners[i].fn = fn;
            d->event_listeners[i].arg = arg;
            return 0;
        }
    }
    log_errx(&d->log, "no room for another listener of events");
    return -1;
}

void events_unlisten(struct xltd *d, events_listener *fn, void *arg)
{
    for (size_t i = 0; i < EVENTS_MAX_LISTENERS; i++)
        if (d->event_listeners[i].fn == fn && d->event_listeners[i].arg == arg)
            d->event_listeners[i].fn = NULL;
}

/* E's UUID, looked up if the caller left it to be. */
static void gen_uuid(struct xltd *d, yajl_gen g, const struct event *e)
{
    libxl_uuid uuid;
    char text[40];

    if (e->uuid)
        uuid = *e->uuid;
    else if (e->domid != (uint32_t)INVALID_DOMID)
        domain_uuid(d, e->domid, &uuid);
    else
        libxl_uuid_clear(&uuid);
    if (libxl_uuid_is_nil(&uuid)) {
        xlt_json_kv_str(g, "uuid", NULL);
    } else {
        snprintf(text, sizeof(text), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(uuid));
        xlt_json_kv_str(g, "uuid", text);
    }
}

/* E's JSON text, NAME its domain's name (NULL: unknown). */
static char *event_text(struct xltd *d, const struct event *e,
                        const char *name)
{
    yajl_gen g = xlt_json_gen_new();
    char when[40], host[256] = "";
    char *text = NULL;

    if (!g)
        return NULL;
    xlt_utc_now(when, sizeof(when));
    gethostname(host, sizeof(host) - 1);
    yajl_gen_map_open(g);
    xlt_json_kv_str(g, "time", when);
    xlt_json_kv_str(g, "host", host);
    xlt_json_kv_str(g, "event", e->kind);
    if (e->domid == (uint32_t)INVALID_DOMID) /* a domain that failed to start */
        xlt_json_kv_str(g, "domid", NULL);
    else
        xlt_json_kv_uint(g, "domid", e->domid);
    xlt_json_kv_str(g, "name", name);
    gen_uuid(d, g, e);
    if (e->detail_key)
        xlt_json_kv_str(g, e->detail_key, e->detail);
    if (e->value_key)
        xlt_json_kv_int(g, e->value_key, e->value);
    if (e->peer)
        xlt_json_kv_str(g, "peer", e->peer);
    if (e->request && *e->request)
        xlt_json_kv_str(g, "request", e->request);
    yajl_gen_map_close(g);
    text = xlt_json_gen_take(g);
    yajl_gen_free(g);
    return text;
}

void events_emit(struct xltd *d, const struct event *e)
{
    char *looked_up = NULL, *text = NULL;
    const char *name = e->name;
    bool heard = false;

    for (size_t i = 0; i < EVENTS_MAX_LISTENERS; i++)
        heard = heard || d->event_listeners[i].fn;
    if (!heard)
        return;
    if (!name)
        name = looked_up = libxl_domid_to_name(d->ctx, e->domid);
    if (name && receive_copy_name(name))
        goto out; /* a migration's copy: its domain's events say it all */
    text = event_text(d, e, name);
    if (!text) {
        log_errx(&d->log, "domain %u: out of memory for its %s event",
                 e->domid, e->kind);
        goto out;
    }
    for (size_t i = 0; i < EVENTS_MAX_LISTENERS; i++)
        if (d->event_listeners[i].fn)
            d->event_listeners[i].fn(d, e, text, d->event_listeners[i].arg);
out:
    free(text);
    free(looked_up);
}

void events_domain(struct xltd *d, const char *kind, uint32_t domid)
{
    events_emit(d, &(struct event){.kind = kind, .domid = domid});
}
