/*
 * args.c: what a request's arguments name: its domains (by name or id),
 * the libxl config it carries, a CPU pool.
 */
#include <stdlib.h>

#include "api.h"

int args_the_domain(struct xltd *d, yajl_val args, uint32_t *domid,
                    struct xlt_err *err)
{
    yajl_val refs = xlt_json_get(args, "domains");

    if (!YAJL_IS_ARRAY(refs) || refs->u.array.len != 1 ||
        !YAJL_IS_STRING(refs->u.array.values[0]))
        return xlt_err_set(err, "expected one domain");
    return xlt_domain_lookup(d->ctx, refs->u.array.values[0]->u.string, domid,
                             err);
}

int args_domain_ids(struct xltd *d, yajl_val refs, uint32_t **ids_r,
                    size_t *n_r, struct xlt_err *err)
{
    size_t n = YAJL_IS_ARRAY(refs) ? refs->u.array.len : 0;
    uint32_t *ids = calloc(n ? n : 1, sizeof(*ids));

    if (!ids)
        return xlt_err_set(err, "out of memory");
    for (size_t k = 0; k < n; k++) {
        yajl_val r = refs->u.array.values[k];
        if (!YAJL_IS_STRING(r) ||
            xlt_domain_lookup(d->ctx, r->u.string, &ids[k], err)) {
            if (!YAJL_IS_STRING(r))
                xlt_err_set(err, "domains: expected names or ids");
            free(ids);
            return -1;
        }
    }
    *ids_r = ids;
    *n_r = n;
    return 0;
}

/* Every domain but dom0 and the dying. */
static int all_guests(struct xltd *d, uint32_t **ids_r, size_t *n_r,
                      struct xlt_err *err)
{
    libxl_dominfo *info;
    uint32_t *ids;
    size_t n = 0;
    int count = 0;

    info = libxl_list_domain(d->ctx, &count);
    if (!info)
        return xlt_err_set(err, "cannot list the domains");
    ids = calloc((size_t)count + 1, sizeof(*ids));
    for (int i = 0; ids && i < count; i++)
        if (info[i].domid != 0 && !info[i].dying)
            ids[n++] = info[i].domid;
    libxl_dominfo_list_free(info, count);
    if (!ids)
        return xlt_err_set(err, "out of memory");
    *ids_r = ids;
    *n_r = n;
    return 0;
}

int args_named_domains(struct xltd *d, yajl_val args, uint32_t **ids_r,
                       size_t *n_r, struct xlt_err *err)
{
    if (YAJL_IS_TRUE(xlt_json_get(args, "all")))
        return all_guests(d, ids_r, n_r, err);
    *ids_r = calloc(1, sizeof(**ids_r));
    *n_r = 1;
    if (!*ids_r)
        return xlt_err_set(err, "out of memory");
    return args_the_domain(d, args, *ids_r, err);
}

int args_config_only(struct xltd *d, yajl_val args, libxl_domain_config *cfg,
                     struct xlt_err *err)
{
    yajl_val config = xlt_json_get(args, "config");
    char *text;
    int rc;

    if (!YAJL_IS_OBJECT(config))
        return xlt_err_set(err, "config must be an object");
    text = xlt_json_to_text(config);
    if (!text)
        return xlt_err_set(err, "out of memory");
    rc = domain_config_parse(d, text, cfg, err);
    free(text);
    return rc;
}

int args_config(struct xltd *d, yajl_val args, libxl_domain_config *cfg,
                struct xlt_err *err)
{
    return args_config_only(d, args, cfg, err) ||
                   domain_check_new(d, cfg, err)
               ? -1
               : 0;
}

int args_definition(yajl_val args, const char **name_r, struct xlt_err *err)
{
    *name_r = xlt_json_get_str(args, "definition");
    if (!*name_r || !**name_r)
        return xlt_err_set(err, "expected a definition's name");
    return 0;
}

int args_pool(struct xltd *d, yajl_val args, uint32_t *poolid,
              struct xlt_err *err)
{
    const char *ref = xlt_json_get_str(args, "pool");
    libxl_cpupoolinfo info;
    int rc = -1;

    /* an id is taken as it is: ask Xen whether that pool exists */
    libxl_cpupoolinfo_init(&info);
    if (ref &&
        !libxl_cpupool_qualifier_to_cpupoolid(d->ctx, ref, poolid, NULL) &&
        !libxl_cpupool_info(d->ctx, &info, *poolid))
        rc = 0;
    else
        xlt_err_set(err, "`%s' is not a CPU pool (cpupool-list shows them)",
                    ref ? ref : "");
    libxl_cpupoolinfo_dispose(&info);
    return rc;
}
