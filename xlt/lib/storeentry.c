/*
 * storeentry.c: the shape of a store entry, /var/lib/xlt/domains/UUID.json,
 * checked before xltd reads anything of it.  xltd writes them itself, but a
 * disk that filled up, a crash half-way through an older version's write
 * or a hand edit can leave anything there; what is not a store entry is
 * refused whole, naming the key, rather than read in part.
 */
#include <string.h>

#include "xlt.h"

#define PINNING_MAX 4096 /* vCPUs: HVM_MAX_VCPUS and then some */

/* KEY is absent, or a string (or null if NULL_OK). */
static int string_or_absent(yajl_val e, const char *key, bool null_ok,
                            struct xlt_err *err)
{
    yajl_val v = xlt_json_get(e, key);

    if (!v || YAJL_IS_STRING(v) || (null_ok && YAJL_IS_NULL(v)))
        return 0;
    return xlt_err_set(err, "`%s' is not a string", key);
}

static int bool_or_absent(yajl_val e, const char *key, struct xlt_err *err)
{
    yajl_val v = xlt_json_get(e, key);

    if (!v || YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
        return 0;
    return xlt_err_set(err, "`%s' is not true or false", key);
}

/* pinning.KEY: absent, or an array of CPU specs (strings) and nulls. */
static int specs(yajl_val pinning, const char *key, struct xlt_err *err)
{
    yajl_val a = xlt_json_get(pinning, key);

    if (!a)
        return 0;
    if (!YAJL_IS_ARRAY(a) || a->u.array.len > PINNING_MAX)
        return xlt_err_set(err, "`pinning.%s' is not a list of at most %d "
                           "CPU specs", key, PINNING_MAX);
    for (size_t i = 0; i < a->u.array.len; i++) {
        yajl_val s = a->u.array.values[i];
        if (!YAJL_IS_NULL(s) && (!YAJL_IS_STRING(s) || !*s->u.string))
            return xlt_err_set(err, "`pinning.%s' item %zu is not a CPU spec "
                               "or null", key, i);
    }
    return 0;
}

int xlt_store_entry_check(yajl_val e, struct xlt_err *err)
{
    long long version = 0;
    yajl_val pinning = xlt_json_get(e, "pinning");
    const char *name = xlt_json_get_str(e, "name");

    if (!YAJL_IS_OBJECT(e))
        return xlt_err_set(err, "not a JSON object");
    if (!xlt_json_get_int(e, "xlt_store", &version) || version != 1)
        return xlt_err_set(err, "`xlt_store' is not 1 (not a store entry, "
                           "or another version's)");
    if (!name || !*name)
        return xlt_err_set(err, "`name' is missing or empty");
    if (!YAJL_IS_OBJECT(xlt_json_get(e, "config")))
        return xlt_err_set(err, "`config' (libxl's) is missing or not an "
                           "object");
    if (string_or_absent(e, "path", true, err) ||
        string_or_absent(e, "text", true, err) ||
        bool_or_absent(e, "building", err) ||
        bool_or_absent(e, "dedicated", err))
        return -1;
    if (pinning && !YAJL_IS_OBJECT(pinning))
        return xlt_err_set(err, "`pinning' is not an object");
    return specs(pinning, "hard", err) || specs(pinning, "soft", err) ? -1
                                                                       : 0;
}
