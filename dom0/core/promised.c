/*
 * promised.c: memory promised to the operations under way.  A create, a
 * restore or a migration in checks that the host has the memory its
 * domain needs, and libxl allocates it later (a migration's stream may
 * come seconds after its header): until then that memory still shows as
 * free, and a second operation checked meanwhile would be promised the
 * same pages.  Each such operation holds a promise from its check to its
 * end; what the promises still lack (what each needs, less what its
 * domain, found by UUID and name, already has) is not free to the next.
 *
 * While any promise is listed xltd holds xl's lock, /var/lock/xl, as xl
 * does from its memory check to the end of its create: a stock `xl
 * create` waits rather than take the memory promised.  One hold for all,
 * so xltd's own operations still run side by side.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

/* xl's lock, without waiting: 0, or -1 with ERR if another process
 * holds it or the file cannot be opened. */
static int hold_xl_lock(struct xltd *d, struct xlt_err *err)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int fd;

    if (d->xl_lock_fd >= 0)
        return 0;
    fd = open(XL_LOCK_PATH, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
              0644);
    if (fd < 0)
        return xlt_err_errno(err, errno, "%s", XL_LOCK_PATH);
    if (fcntl(fd, F_SETLK, &fl) < 0) {
        int e = errno;

        close(fd);
        if (e == EAGAIN || e == EACCES)
            return xlt_err_set(err, "%s is held by another toolstack (a "
                               "stock xl create?): try again", XL_LOCK_PATH);
        return xlt_err_errno(err, e, "%s", XL_LOCK_PATH);
    }
    d->xl_lock_fd = fd;
    return 0;
}

/* No promise is left: closing the file lets the lock go. */
static void release_xl_lock(struct xltd *d)
{
    if (d->promises || d->xl_lock_fd < 0)
        return;
    close(d->xl_lock_fd);
    d->xl_lock_fd = -1;
}

int promise_make(struct xltd *d, struct promise *p, uint64_t kb,
                 const libxl_domain_config *cfg, struct xlt_err *err)
{
    promise_keep(d, p);
    if (hold_xl_lock(d, err))
        return -1;
    p->kb = kb;
    p->cfg = cfg;
    p->next = d->promises;
    p->listed = true;
    d->promises = p;
    return 0;
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
    release_xl_lock(d);
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
