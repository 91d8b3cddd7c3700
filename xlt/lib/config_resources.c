/*
 * config_resources.c: hardware resources a guest is given directly
 * (ioports=, irqs=, iomem=) and mca_caps= (HVM), with xl's syntax:
 *   ioports = [ "3f8-3ff", "2e8" ]     hex, a port or a range
 *   irqs    = [ 5, "7" ]               decimal
 *   iomem   = [ "f0000,10@e0000" ]     hex pages: start,number[@gfn]
 *   mca_caps = [ "lmce" ]
 * Where xl only prints a message on a malformed item and goes on, xlt
 * refuses the file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <xen/hvm/params.h>

#include "config_parse.h"

/* The items of list KEY into *ITEMS (NULL-terminated, caller frees) and
 * their count into *N; 1 if absent. */
static int list_items(struct parse *p, const char *key,
                      libxl_string_list *items, int *n)
{
    XLU_ConfigList *list;
    int rc = xlt_cfgfile_list(p->cf, key, &list, n, p->err);

    if (rc)
        return rc;
    rc = xlt_cfgfile_list_strings(p->cf, key, items, p->err);
    if (rc > 0)
        return xlt_cfgfile_bad(p->cf, p->err, key, "expected a list of "
                               "strings or numbers");
    return rc;
}

/* S (in BASE) as a number below LIMIT, the whole of it up to *END_R (or
 * the whole string if END_R is NULL).  0 if it is one. */
static int number(const char *s, int base, uint64_t limit, char **end_r,
                  uint64_t *v)
{
    char *end;

    errno = 0;
    if (!*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    *v = strtoull(s, &end, base);
    if (end == s || errno || *v >= limit || (!end_r && *end))
        return -1;
    if (end_r)
        *end_r = end;
    return 0;
}

/* "PORT" or "FIRST-LAST", hex. */
static int ioport_range(const char *s, libxl_ioport_range *r)
{
    uint64_t first, last;
    char *end;

    if (number(s, 16, UINT32_MAX, &end, &first))
        return -1;
    last = first;
    if (*end == '-' && number(end + 1, 16, UINT32_MAX, NULL, &last))
        return -1;
    if ((*end && *end != '-') || last < first)
        return -1;
    r->first = (uint32_t)first;
    r->number = (uint32_t)(last - first + 1);
    return 0;
}

static int parse_ioports(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    libxl_string_list items = NULL;
    int n, rc = list_items(p, "ioports", &items, &n);

    if (rc)
        return rc < 0 ? rc : 0;
    b->ioports = calloc((size_t)n, sizeof(*b->ioports));
    if (n && !b->ioports) {
        rc = xlt_err_set(p->err, "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        libxl_ioport_range_init(&b->ioports[i]);
        b->num_ioports = i + 1;
        if (ioport_range(items[i], &b->ioports[i])) {
            rc = xlt_cfgfile_bad(p->cf, p->err, "ioports", "`%s': not a "
                                 "port or FIRST-LAST range (hex, below "
                                 "ffffffff)", items[i]);
            goto out;
        }
    }
out:
    libxl_string_list_dispose(&items);
    return rc;
}

static int parse_irqs(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    libxl_string_list items = NULL;
    uint64_t irq;
    int n, rc = list_items(p, "irqs", &items, &n);

    if (rc)
        return rc < 0 ? rc : 0;
    b->irqs = calloc((size_t)n, sizeof(*b->irqs));
    if (n && !b->irqs) {
        rc = xlt_err_set(p->err, "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        if (number(items[i], 10, UINT32_MAX, NULL, &irq)) {
            rc = xlt_cfgfile_bad(p->cf, p->err, "irqs", "`%s': not an IRQ "
                                 "number (decimal)", items[i]);
            goto out;
        }
        b->irqs[i] = (uint32_t)irq;
        b->num_irqs = i + 1;
    }
out:
    libxl_string_list_dispose(&items);
    return rc;
}

/* "START,NUMBER" or "START,NUMBER@GFN", hex page numbers. */
static int iomem_range(const char *s, libxl_iomem_range *r)
{
    char *end;

    if (number(s, 16, UINT64_MAX, &end, &r->start) || *end != ',' ||
        number(end + 1, 16, UINT64_MAX, &end, &r->number))
        return -1;
    if (*end == '@')
        return number(end + 1, 16, UINT64_MAX, NULL, &r->gfn);
    return *end ? -1 : 0;
}

static int parse_iomem(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    libxl_string_list items = NULL;
    int n, rc = list_items(p, "iomem", &items, &n);

    if (rc)
        return rc < 0 ? rc : 0;
    b->iomem = calloc((size_t)n, sizeof(*b->iomem));
    if (n && !b->iomem) {
        rc = xlt_err_set(p->err, "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        libxl_iomem_range_init(&b->iomem[i]);
        b->num_iomem = i + 1;
        if (iomem_range(items[i], &b->iomem[i])) {
            rc = xlt_cfgfile_bad(p->cf, p->err, "iomem", "`%s': not "
                                 "START,NUMBER[@GFN] (hex page numbers)",
                                 items[i]);
            goto out;
        }
    }
out:
    libxl_string_list_dispose(&items);
    return rc;
}

static int parse_mca_caps(struct parse *p)
{
    libxl_string_list items = NULL;
    int n, rc;

    if (!xlt_cfgfile_is_set(p->cf, "mca_caps"))
        return 0;
    if (p->cfg->c_info.type != LIBXL_DOMAIN_TYPE_HVM) {
        config_warn(p, "mca_caps", "only for HVM guests, ignored");
        return 0;
    }
    rc = list_items(p, "mca_caps", &items, &n);
    for (int i = 0; !rc && i < n; i++) {
        if (strcmp(items[i], "lmce"))
            rc = xlt_cfgfile_bad(p->cf, p->err, "mca_caps", "`%s': unknown "
                                 "(the one capability is lmce)", items[i]);
        else
            p->cfg->b_info.u.hvm.mca_caps |= XEN_HVM_MCA_CAP_LMCE;
    }
    libxl_string_list_dispose(&items);
    return rc < 0 ? rc : 0;
}

int config_parse_resources(struct parse *p)
{
    int rc;

    if ((rc = parse_ioports(p)) || (rc = parse_irqs(p)) ||
        (rc = parse_iomem(p)) || (rc = parse_mca_caps(p)))
        return rc;
    return 0;
}
