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

/* Each item of list KEY through ITEM into a new array of SIZE-byte
 * elements (*ARRAY_R, *COUNT_R: set even on failure, for libxl's dispose);
 * a bad item is "`ITEM': WHAT". */
static int parse_list(struct parse *p, const char *key, size_t size,
                      int (*item)(const char *, void *), const char *what,
                      void **array_r, int *count_r)
{
    libxl_string_list items = NULL;
    char *array;
    int n, rc = list_items(p, key, &items, &n);

    if (rc)
        return rc < 0 ? rc : 0;
    array = calloc((size_t)n, size);
    *array_r = array;
    if (n && !array) {
        rc = xlt_err_set(p->err, "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        *count_r = i + 1;
        if (item(items[i], array + (size_t)i * size)) {
            rc = xlt_cfgfile_bad(p->cf, p->err, key, "`%s': %s", items[i],
                                 what);
            goto out;
        }
    }
out:
    libxl_string_list_dispose(&items);
    return rc;
}

/* "PORT" or "FIRST-LAST", hex. */
static int ioport_item(const char *s, void *elem)
{
    libxl_ioport_range *r = elem;
    uint64_t first, last;
    char *end;

    libxl_ioport_range_init(r);
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

/* An IRQ, decimal. */
static int irq_item(const char *s, void *elem)
{
    uint64_t irq;

    if (number(s, 10, UINT32_MAX, NULL, &irq))
        return -1;
    *(uint32_t *)elem = (uint32_t)irq;
    return 0;
}

/* "START,NUMBER" or "START,NUMBER@GFN", hex page numbers. */
static int iomem_item(const char *s, void *elem)
{
    libxl_iomem_range *r = elem;
    char *end;

    libxl_iomem_range_init(r);
    if (number(s, 16, UINT64_MAX, &end, &r->start) || *end != ',' ||
        number(end + 1, 16, UINT64_MAX, &end, &r->number))
        return -1;
    if (*end == '@')
        return number(end + 1, 16, UINT64_MAX, NULL, &r->gfn);
    return *end ? -1 : 0;
}

static int parse_ioports(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    void *array = NULL;
    int rc = parse_list(p, "ioports", sizeof(*b->ioports), ioport_item,
                        "not a port or FIRST-LAST range (hex, below "
                        "ffffffff)", &array, &b->num_ioports);

    b->ioports = array;
    return rc;
}

static int parse_irqs(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    void *array = NULL;
    int rc = parse_list(p, "irqs", sizeof(*b->irqs), irq_item,
                        "not an IRQ number (decimal)", &array, &b->num_irqs);

    b->irqs = array;
    return rc;
}

static int parse_iomem(struct parse *p)
{
    libxl_domain_build_info *b = &p->cfg->b_info;
    void *array = NULL;
    int rc = parse_list(p, "iomem", sizeof(*b->iomem), iomem_item,
                        "not START,NUMBER[@GFN] (hex page numbers)", &array,
                        &b->num_iomem);

    b->iomem = array;
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
        if (strcmp(items[i], "lmce") != 0)
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
