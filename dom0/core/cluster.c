/*
 * cluster.c: the cluster resource a domain is.  A cluster manager that
 * runs a domain (Pacemaker, through ocf:xlt:domain) says so once it has
 * started it; the mark is a member of the domain's store entry,
 * "cluster_resource", so it goes with the domain on a migration or a
 * save and restore, and with its entry when the domain stops.  `xlt list`
 * shows it and `xlt destroy` warns that the cluster will start the domain
 * again.
 */
#include <string.h>

#include "core.h"

/* Pacemaker's resource ids are XML ids; a little longer than any sane one. */
#define RESOURCE_ID_MAX 256

/* RESOURCE is an XML id (a letter or _, then letters, digits, _ . -),
 * or a clone's instance of one (ID:N). */
static int resource_id_check(const char *resource, struct xlt_err *err)
{
    static const char more[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-:";
    size_t len = strlen(resource);

    if (len == 0 || len > RESOURCE_ID_MAX || strspn(resource, more) != len ||
        strchr("0123456789.-:", resource[0]))
        return xlt_err_set(err, "`%.64s' is not a cluster resource id (a "
                           "letter or _, then letters, digits, _ . - or :; "
                           "at most %d)", resource, RESOURCE_ID_MAX);
    return 0;
}

int cluster_mark(struct xltd *d, uint32_t domid, const char *resource,
                 struct xlt_err *err)
{
    struct yajl_val_s null = {.type = yajl_t_null};
    libxl_uuid uuid;
    int rc;

    if (resource && resource_id_check(resource, err))
        return -1;
    domain_uuid(d, domid, &uuid);
    if (!store_has(d, &uuid))
        return xlt_err_set(err, "domain %u is not xltd's (it was not made "
                           "by xlt): it cannot be a cluster resource", domid);
    rc = resource ? store_set_str(d, &uuid, "cluster_resource", resource)
                  : store_set(d, &uuid, "cluster_resource", &null);
    if (rc)
        return xlt_err_set(err, "domain %u: its store entry could not be "
                           "written (see xltd's log)", domid);
    log_info(&d->log, "domain %u: %s%s", domid,
             resource ? "cluster resource " : "no cluster resource",
             resource ? resource : "");
    return 0;
}

char *cluster_resource_of(struct xltd *d, const libxl_uuid *uuid)
{
    yajl_val entry = NULL;
    const char *rsc;
    char *copy = NULL;

    if (!store_has(d, uuid) || store_get(d, uuid, &entry))
        return NULL;
    rsc = xlt_json_get_str(entry, "cluster_resource");
    if (rsc)
        copy = strdup(rsc);
    yajl_tree_free(entry);
    return copy;
}
