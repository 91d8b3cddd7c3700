/* The yajl helpers. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "xlt.h"

START_TEST(tree_emitted_back_unchanged)
{
    static const char doc[] =
        "{\"a\":[1,-2,3.5,\"x\\ny\",true,false,null],\"b\":{\"c\":{}}}";
    char why[128];
    yajl_val v = yajl_tree_parse(doc, why, sizeof(why));
    char *text;

    ck_assert_ptr_nonnull(v);
    text = xlt_json_to_text(v);
    ck_assert_str_eq(text, doc);
    free(text);
    yajl_tree_free(v);
}
END_TEST

START_TEST(getters_check_types)
{
    yajl_val v = yajl_tree_parse("{\"s\":\"x\",\"n\":4,\"f\":1.5}", NULL, 0);
    long long n = 0;

    ck_assert_str_eq(xlt_json_get_str(v, "s"), "x");
    ck_assert_ptr_null(xlt_json_get_str(v, "n"));
    ck_assert(xlt_json_get_int(v, "n", &n));
    ck_assert_int_eq(n, 4);
    ck_assert(!xlt_json_get_int(v, "f", &n));
    ck_assert(!xlt_json_get_int(v, "s", &n));
    ck_assert_ptr_null(xlt_json_get(v, "missing"));
    ck_assert_ptr_null(xlt_json_get(NULL, "s"));
    yajl_tree_free(v);
}
END_TEST

START_TEST(big_unsigned_kept_exact)
{
    yajl_gen g = xlt_json_gen_new();
    char *text;

    yajl_gen_map_open(g);
    xlt_json_kv_uint(g, "n", 18446744073709551615ULL);
    yajl_gen_map_close(g);
    text = xlt_json_gen_take(g);
    ck_assert_str_eq(text, "{\"n\":18446744073709551615}");
    free(text);
    yajl_gen_free(g);
}
END_TEST

/* TEXT without its whitespace (xlt_json_with indents). */
static char *squeezed(char *text)
{
    char *out = text;

    for (char *p = text; *p; p++)
        if (*p != ' ' && *p != '\n')
            *out++ = *p;
    *out = '\0';
    return text;
}

START_TEST(member_replaced_or_added_last)
{
    yajl_val v = yajl_tree_parse("{\"a\":1,\"b\":[2],\"c\":3}", NULL, 0);
    yajl_val t = yajl_tree_parse("true", NULL, 0);
    char *text;

    text = xlt_json_with(v, "b", t);
    ck_assert_str_eq(squeezed(text), "{\"a\":1,\"c\":3,\"b\":true}");
    free(text);
    text = xlt_json_with(v, "d", t);
    ck_assert_str_eq(squeezed(text), "{\"a\":1,\"b\":[2],\"c\":3,\"d\":true}");
    free(text);
    ck_assert_ptr_null(xlt_json_with(t, "a", v)); /* not an object */
    yajl_tree_free(v);
    yajl_tree_free(t);
}
END_TEST

Suite *json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("json");

    tcase_add_test(tc, tree_emitted_back_unchanged);
    tcase_add_test(tc, getters_check_types);
    tcase_add_test(tc, big_unsigned_kept_exact);
    tcase_add_test(tc, member_replaced_or_added_last);
    suite_add_tcase(s, tc);
    return s;
}
