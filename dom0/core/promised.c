/*
 * promised.c: memory promised to the operations under way.  A create, a
 * restore or a migration in checks that the host has the memory its
 * domain needs, and libxl allocates it later (a migration's stream may
 * come seconds after its header): until then that memory still shows as
 * free, and a second operation checked meanwhile would be promised the
 * same pages.  Each such operation holds a promise from its check to its
 * end; what the promises still lack (what each needs, less what its
 * domain, found by UUID and name, already has) is not free to the next.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

void promise_make(struct xltd *d, struct promise *p, uint64_t kb,
                  const libxl_domain_config *cfg)
{
    promise_keep(d, p);
    p->kb = kb;
    p->cfg = cfg;
    p->next = d->promises;
    p->listed = true;
    d->promises = p;
}

void promise_keep(struct xltd *d, struct promise *p)
{
    if (!p->listed)
        return;
    for (struct promise **pp = &d->promises; *pp; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    p->next = NULL;
    p->listed = false;
}

/* What DOMAINS (N of them) give P's domain already, in KiB. */
static uint64_t allocated_kb(struct xltd *d, const struct promise *p,
                             const libxl_dominfo *domains, int n)
{
    const libxl_domain_create_info *c = &p->cfg->c_info;
    uint64_t kb = 0;
    char *name;

    for (int i = 0; i < n; i++) {
        if (libxl_uuid_compare(&domains[i].uuid, &c->uuid) != 0)
            continue;
        /* the same UUID, its own name: not a migrating domain's source */
        name = libxl_domid_to_name(d->ctx, domains[i].domid);
        if (name && c->name && !strcmp(name, c->name))
            kb += domains[i].current_memkb + domains[i].outstanding_memkb;
        free(name);
    }
    return kb;
}

uint64_t promised_kb(struct xltd *d, const struct promise *except)
{
    libxl_dominfo *domains;
    uint64_t kb = 0, has;
    int n = 0;

    if (!d->promises)
        return 0;
    domains = libxl_list_domain(d->ctx, &n);
    for (const struct promise *p = d->promises; p; p = p->next) {
        if (p == except)
            continue;
        has = domains ? allocated_kb(d, p, domains, n) : 0;
        kb += p->kb > has ? p->kb - has : 0;
    }
    if (domains)
        libxl_dominfo_list_free(domains, n);
    return kb;
}
