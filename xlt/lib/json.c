/* json.c: yajl helpers shared by the client and the daemon. */
#include <stdlib.h>
#include <string.h>

#include "xlt.h"

yajl_gen xlt_json_gen_new(void)
{
    return yajl_gen_alloc(NULL);
}

char *xlt_json_gen_take(yajl_gen g)
{
    const unsigned char *buf;
    size_t len;
    char *s;

    if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
        return NULL;
    s = malloc(len + 1);
    if (!s)
        return NULL;
    memcpy(s, buf, len);
    s[len] = '\0';
    yajl_gen_clear(g);
    return s;
}

yajl_gen_status xlt_json_str(yajl_gen g, const char *s)
{
    if (!s)
        return yajl_gen_null(g);
    return yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

yajl_gen_status xlt_json_kv_str(yajl_gen g, const char *k, const char *v)
{
    yajl_gen_status st = xlt_json_str(g, k);
    return st != yajl_gen_status_ok ? st : xlt_json_str(g, v);
}

yajl_gen_status xlt_json_kv_int(yajl_gen g, const char *k, long long v)
{
    yajl_gen_status st = xlt_json_str(g, k);
    return st != yajl_gen_status_ok ? st : yajl_gen_integer(g, v);
}

yajl_gen_status xlt_json_kv_uint(yajl_gen g, const char *k,
                                 unsigned long long v)
{
    char num[32];
    yajl_gen_status st = xlt_json_str(g, k);

    if (st != yajl_gen_status_ok)
        return st;
    snprintf(num, sizeof(num), "%llu", v);
    return yajl_gen_number(g, num, strlen(num));
}

yajl_gen_status xlt_json_kv_double(yajl_gen g, const char *k, double v)
{
    yajl_gen_status st = xlt_json_str(g, k);
    return st != yajl_gen_status_ok ? st : yajl_gen_double(g, v);
}

yajl_gen_status xlt_json_kv_bool(yajl_gen g, const char *k, bool v)
{
    yajl_gen_status st = xlt_json_str(g, k);
    return st != yajl_gen_status_ok ? st : yajl_gen_bool(g, v);
}

static yajl_gen_status emit_object(yajl_gen g, yajl_val v)
{
    yajl_gen_status st = yajl_gen_map_open(g);

    for (size_t i = 0; st == yajl_gen_status_ok && i < v->u.object.len; i++) {
        st = xlt_json_str(g, v->u.object.keys[i]);
        if (st == yajl_gen_status_ok)
            st = xlt_json_emit(g, v->u.object.values[i]);
    }
    return st != yajl_gen_status_ok ? st : yajl_gen_map_close(g);
}

static yajl_gen_status emit_array(yajl_gen g, yajl_val v)
{
    yajl_gen_status st = yajl_gen_array_open(g);

    for (size_t i = 0; st == yajl_gen_status_ok && i < v->u.array.len; i++)
        st = xlt_json_emit(g, v->u.array.values[i]);
    return st != yajl_gen_status_ok ? st : yajl_gen_array_close(g);
}

yajl_gen_status xlt_json_emit(yajl_gen g, yajl_val v)
{
    if (!v)
        return yajl_gen_null(g);
    switch (v->type) {
    case yajl_t_string:
        return xlt_json_str(g, v->u.string);
    case yajl_t_number:
        return yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
    case yajl_t_object:
        return emit_object(g, v);
    case yajl_t_array:
        return emit_array(g, v);
    case yajl_t_true:
        return yajl_gen_bool(g, 1);
    case yajl_t_false:
        return yajl_gen_bool(g, 0);
    default:
        return yajl_gen_null(g);
    }
}

yajl_val xlt_json_get(yajl_val obj, const char *key)
{
    if (!obj || obj->type != yajl_t_object)
        return NULL;
    for (size_t i = 0; i < obj->u.object.len; i++)
        if (!strcmp(obj->u.object.keys[i], key))
            return obj->u.object.values[i];
    return NULL;
}

const char *xlt_json_get_str(yajl_val obj, const char *key)
{
    yajl_val v = xlt_json_get(obj, key);
    return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

bool xlt_json_get_int(yajl_val obj, const char *key, long long *n)
{
    yajl_val v = xlt_json_get(obj, key);

    if (!YAJL_IS_INTEGER(v))
        return false;
    *n = YAJL_GET_INTEGER(v);
    return true;
}

char *xlt_json_with(yajl_val obj, const char *key, yajl_val value)
{
    yajl_gen g = xlt_json_gen_new();
    char *s = NULL;

    if (!g || !YAJL_IS_OBJECT(obj))
        goto out;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_map_open(g);
    for (size_t i = 0; i < obj->u.object.len; i++) {
        if (!strcmp(obj->u.object.keys[i], key))
            continue;
        xlt_json_str(g, obj->u.object.keys[i]);
        xlt_json_emit(g, obj->u.object.values[i]);
    }
    xlt_json_str(g, key);
    xlt_json_emit(g, value);
    if (yajl_gen_map_close(g) == yajl_gen_status_ok)
        s = xlt_json_gen_take(g);
out:
    if (g)
        yajl_gen_free(g);
    return s;
}

char *xlt_json_to_text(yajl_val v)
{
    yajl_gen g = xlt_json_gen_new();
    char *s = NULL;

    if (g && xlt_json_emit(g, v) == yajl_gen_status_ok)
        s = xlt_json_gen_take(g);
    if (g)
        yajl_gen_free(g);
    return s;
}
