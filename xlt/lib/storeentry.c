/*
 * storeentry.c: the shape of a store entry, /var/lib/xlt/domains/UUID.json,
 * and of a definition, /var/lib/xlt/defined/UUID.json, each checked before
 * xltd reads anything of it.  xltd writes them itself, but a
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

/* What every kind of entry has: VERSION_KEY 1 (else it is not WHAT, or
 * another version's), a name, libxl's config, and the config file's path
 * and text, if any. */
static int common_members(yajl_val e, const char *version_key,
                          const char *what, struct xlt_err *err)
{
    long long version = 0;
    const char *name = xlt_json_get_str(e, "name");

    if (!YAJL_IS_OBJECT(e))
        return xlt_err_set(err, "not a JSON object");
    if (!xlt_json_get_int(e, version_key, &version) || version != 1)
        return xlt_err_set(err, "`%s' is not 1 (not %s, or another "
                           "version's)", version_key, what);
    if (!name || !*name)
        return xlt_err_set(err, "`name' is missing or empty");
    if (!YAJL_IS_OBJECT(xlt_json_get(e, "config")))
        return xlt_err_set(err, "`config' (libxl's) is missing or not an "
                           "object");
    return string_or_absent(e, "path", true, err) ||
                   string_or_absent(e, "text", true, err)
               ? -1
               : 0;
}

int xlt_store_entry_check(yajl_val e, struct xlt_err *err)
{
    yajl_val pinning = xlt_json_get(e, "pinning");

    if (common_members(e, "xlt_store", "a store entry", err) ||
        bool_or_absent(e, "building", err) ||
        bool_or_absent(e, "dedicated", err) ||
        string_or_absent(e, "cluster_resource", true, err))
        return -1;
    if (pinning && !YAJL_IS_OBJECT(pinning))
        return xlt_err_set(err, "`pinning' is not an object");
    return specs(pinning, "hard", err) || specs(pinning, "soft", err) ? -1
                                                                       : 0;
}

/* KEY is absent, or an integer from MIN to MAX. */
static int integer_or_absent(yajl_val e, const char *key, long long min,
                             long long max, struct xlt_err *err)
{
    yajl_val v = xlt_json_get(e, key);
    long long n;

    if (!v)
        return 0;
    if (!xlt_json_get_int(e, key, &n) || n < min || n > max)
        return xlt_err_set(err, "`%s' is not an integer from %lld to %lld",
                           key, min, max);
    return 0;
}

int xlt_definition_check(yajl_val e, struct xlt_err *err)
{
    const char *uuid = xlt_json_get_str(e, "uuid");
    libxl_uuid u;

    if (common_members(e, "xlt_definition", "a definition", err))
        return -1;
    if (!uuid || libxl_uuid_from_string(&u, uuid) || libxl_uuid_is_nil(&u))
        return xlt_err_set(err, "`uuid' is missing or not a UUID");
    return bool_or_absent(e, "autostart", err) ||
                   integer_or_absent(e, "autostart_order", -1000000, 1000000,
                                     err) ||
                   integer_or_absent(e, "autostart_delay", 0,
                                     XLT_AUTOSTART_DELAY_MAX, err)
               ? -1
               : 0;
}
