/*
 * config_opts.c: what the "name=value,..." specs of xl.cfg (vif, vfb, vkb,
 * channel, usb, p9, pvcalls, vtpm, vdispl, vsnd) have in common: a table
 * of each device's options, and the loop over a list key's items.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_parse.h"

int config_nomem(struct parse *p, const char *key)
{
    return xlt_err_set(p->err, "%s: %s: out of memory",
                       xlt_cfgfile_path(p->cf), key);
}

static bool whole_number(const char *s, long *v)
{
    char *end;

    errno = 0;
    *v = strtol(s, &end, 0);
    return *s && !*end && errno == 0;
}

/* Set the field O names in DEV from VALUE, the text after "name=". */
int config_set_opt(struct parse *p, const char *key, const struct opt *o,
                   const char *value, void *dev)
{
    void *field = (char *)dev + o->offset;
    long v;

    if (o->kind == O_STRING) {
        free(*(char **)field);
        *(char **)field = strdup(value);
        return *(char **)field ? 0 : config_nomem(p, key);
    }
    if (o->kind == O_ENUM) /* libxl's enums are int-sized */
        return o->from_string(value, field) == 0
               ? 0 : xlt_cfgfile_bad(p->cf, p->err, key, "%s=%s: expected %s",
                                     o->name, value, o->names);
    if (o->kind == O_DEFBOOL || o->kind == O_BOOL) {
        if (!whole_number(value, &v))
            return xlt_cfgfile_bad(p->cf, p->err, key, "%s=%s: expected a "
                                   "number (0 or 1)", o->name, value);
    } else if (!whole_number(value, &v) || v < o->min || v > o->max) {
        return xlt_cfgfile_bad(p->cf, p->err, key, "%s=%s: expected a "
                               "number from %ld to %ld", o->name, value,
                               o->min, o->max);
    }
    switch (o->kind) {
    case O_DEFBOOL:
        libxl_defbool_set(field, v != 0);
        break;
    case O_BOOL:
        *(bool *)field = v != 0;
        break;
    case O_INT:
        *(int *)field = (int)v;
        break;
    case O_U32:
        *(uint32_t *)field = (uint32_t)v;
        break;
    default:
        *(uint8_t *)field = (uint8_t)v;
        break;
    }
    return 0;
}

/* "name=value" -> the table's entry for name, or NULL. */
static const struct opt *find_opt(const struct opt *opts, size_t n,
                                  const char *token, const char **value_r)
{
    size_t len = strcspn(token, "=");

    if (!token[len])
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (strlen(opts[i].name) == len && !strncmp(token, opts[i].name, len)) {
            *value_r = token + len + 1;
            return &opts[i];
        }
    }
    return NULL;
}

int config_try_opt(struct parse *p, const char *key, const char *token,
                   const struct opt *opts, size_t n, void *dev)
{
    const char *value;
    const struct opt *o = find_opt(opts, n, token, &value);

    return o ? config_set_opt(p, key, o, value, dev) : 1;
}

static int set_table_opt(struct parse *p, const char *key, const char *token,
                         const struct opt *opts, size_t n, void *dev)
{
    int rc = config_try_opt(p, key, token, opts, n, dev);

    return rc <= 0 ? rc : xlt_cfgfile_bad(p->cf, p->err, key, "`%s' is not "
                                          "a %s option", token, key);
}

/* Each "name=value" of SPEC through PARSE_TOKEN (which returns 1 for a
 * token it leaves to the table). */
int config_parse_tokens(struct parse *p, const char *key, const char *spec,
                        void *dev, const struct opt *opts, size_t n,
                        int (*parse_token)(struct parse *, const char *,
                                           void *))
{
    libxl_string_list tokens = NULL;
    int rc = config_split(p, key, spec, ",", &tokens);

    for (int i = 0; !rc && tokens && tokens[i]; i++) {
        rc = parse_token ? parse_token(p, tokens[i], dev) : 1;
        if (rc > 0)
            rc = set_table_opt(p, key, tokens[i], opts, n, dev);
    }
    libxl_string_list_dispose(&tokens);
    return rc;
}

/* Call ADD(P, ITEM, CTX) for each item of the list KEY. */
int config_each_item(struct parse *p, const char *key,
                     int (*add)(struct parse *, const char *, void *),
                     void *ctx)
{
    XLU_ConfigList *list;
    const char *item;
    int n, rc = xlt_cfgfile_list(p->cf, key, &list, &n, p->err);

    if (rc)
        return rc < 0 ? rc : 0;
    for (int i = 0; (item = xlu_cfg_get_listitem(list, i)); i++)
        if ((rc = add(p, item, ctx)))
            return rc;
    return 0;
}

int config_each_string_of(struct parse *p, const char *key, const char *what,
                          int n, XLU_ConfigValue *value, const char *shape,
                          int (*each)(struct parse *, const char *, void *),
                          void *ctx)
{
    XLU_Config *xlu = xlt_cfgfile_xlu(p->cf);
    XLU_ConfigList *items = NULL;
    XLU_ConfigValue *v;
    char *item;
    int rc = 0;

    if (xlu_cfg_value_get_list(xlu, value, &items, 0))
        return xlt_cfgfile_bad(p->cf, p->err, key, "%s %d: expected a list "
                               "%s", what, n, shape);
    for (int i = 0; !rc && (v = xlu_cfg_get_listitem2(items, i)); i++) {
        if (xlu_cfg_value_get_string(xlu, v, &item, 0))
            return xlt_cfgfile_bad(p->cf, p->err, key, "%s %d: item %d is "
                                   "not a string", what, n, i + 1);
        rc = each(p, item, ctx);
    }
    return rc;
}
