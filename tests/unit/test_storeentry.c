/* The shape of xltd's store entries (xlt/lib/storeentry.c). */
#include <stdlib.h>

#include "unit.h"

#define GOOD_HEAD "{\"xlt_store\":1,\"name\":\"web\",\"config\":{}"

/* CHECK's verdict on TEXT: "" if it passes, else its message. */
static const char *verdict_of(int (*check)(yajl_val, struct xlt_err *),
                              const char *text)
{
    static struct xlt_err err;
    yajl_val v = yajl_tree_parse(text, NULL, 0);
    int rc = check(v, &err);

    yajl_tree_free(v);
    return rc ? err.msg : "";
}

static const char *verdict(const char *text)
{
    return verdict_of(xlt_store_entry_check, text);
}

START_TEST(entries_xltd_writes_pass)
{
    ck_assert_str_eq(verdict(GOOD_HEAD "}"), "");
    ck_assert_str_eq(verdict(GOOD_HEAD ",\"path\":\"/etc/xen/web.cfg\","
                             "\"text\":\"name = 'web'\\n\",\"building\":true,"
                             "\"dedicated\":false,\"pinning\":{\"hard\":"
                             "[\"0-1\",null],\"soft\":[]},\"future\":7}"),
                     "");
    ck_assert_str_eq(verdict(GOOD_HEAD ",\"path\":null,\"text\":null}"), "");
    ck_assert_str_eq(verdict(GOOD_HEAD ",\"cluster_resource\":\"vm-web\"}"),
                     "");
    ck_assert_str_eq(verdict(GOOD_HEAD ",\"cluster_resource\":null}"), "");
}
END_TEST

START_TEST(entries_of_another_shape_are_refused)
{
    ck_assert_str_eq(verdict("[1,2]"), "not a JSON object");
    ck_assert_str_eq(verdict("{\"name\":\"web\",\"config\":{}}"),
                     "`xlt_store' is not 1 (not a store entry, or another "
                     "version's)");
    ck_assert_str_eq(verdict("{\"xlt_store\":2,\"name\":\"w\",\"config\":{}}"),
                     "`xlt_store' is not 1 (not a store entry, or another "
                     "version's)");
    ck_assert_str_eq(verdict("{\"xlt_store\":1,\"name\":\"\",\"config\":{}}"),
                     "`name' is missing or empty");
    ck_assert_str_eq(verdict("{\"xlt_store\":1,\"name\":\"w\",\"config\":[]}"),
                     "`config' (libxl's) is missing or not an object");
    ck_assert_str_eq(verdict(GOOD_HEAD ",\"path\":3}"),
                     "`path' is not a string");
    ck_assert_str_eq(verdict(GOOD_HEAD ",\"building\":\"yes\"}"),
                     "`building' is not true or false");
    ck_assert_str_eq(verdict(GOOD_HEAD ",\"cluster_resource\":[\"a\"]}"),
                     "`cluster_resource' is not a string");
    ck_assert_str_eq(verdict(GOOD_HEAD ",\"pinning\":[]}"),
                     "`pinning' is not an object");
    ck_assert_str_eq(verdict(GOOD_HEAD ",\"pinning\":{\"hard\":\"0\"}}"),
                     "`pinning.hard' is not a list of at most 4096 CPU specs");
    ck_assert_str_eq(verdict(GOOD_HEAD ",\"pinning\":{\"soft\":[null,{}]}}"),
                     "`pinning.soft' item 1 is not a CPU spec or null");
    ck_assert_str_eq(verdict(GOOD_HEAD ",\"pinning\":{\"soft\":[\"\"]}}"),
                     "`pinning.soft' item 0 is not a CPU spec or null");
}
END_TEST

#define DEF_HEAD "{\"xlt_definition\":1,\"name\":\"web\",\"config\":{}," \
                 "\"uuid\":\"6f1c2a1e-36a3-4a43-9b3c-0d2b8d3c9a10\""

static const char *definition_verdict(const char *text)
{
    return verdict_of(xlt_definition_check, text);
}

START_TEST(definitions_xltd_writes_pass)
{
    ck_assert_str_eq(definition_verdict(DEF_HEAD "}"), "");
    ck_assert_str_eq(definition_verdict(DEF_HEAD ",\"path\":\"/etc/xen/w\","
                                        "\"text\":null,\"autostart\":true,"
                                        "\"autostart_order\":-3,"
                                        "\"autostart_delay\":3600}"),
                     "");
}
END_TEST

START_TEST(definitions_of_another_shape_are_refused)
{
    /* a store entry is not a definition, nor the other way round */
    ck_assert_str_eq(definition_verdict(GOOD_HEAD "}"),
                     "`xlt_definition' is not 1 (not a definition, or "
                     "another version's)");
    ck_assert_str_eq(verdict(DEF_HEAD "}"),
                     "`xlt_store' is not 1 (not a store entry, or another "
                     "version's)");
    ck_assert_str_eq(definition_verdict("{\"xlt_definition\":1,\"name\":"
                                        "\"w\",\"config\":{}}"),
                     "`uuid' is missing or not a UUID");
    ck_assert_str_eq(definition_verdict("{\"xlt_definition\":1,\"name\":"
                                        "\"w\",\"config\":{},\"uuid\":"
                                        "\"00000000-0000-0000-0000-"
                                        "000000000000\"}"),
                     "`uuid' is missing or not a UUID");
    ck_assert_str_eq(definition_verdict(DEF_HEAD ",\"autostart\":1}"),
                     "`autostart' is not true or false");
    ck_assert_str_eq(definition_verdict(DEF_HEAD ",\"autostart_delay\":-1}"),
                     "`autostart_delay' is not an integer from 0 to 3600");
    ck_assert_str_eq(definition_verdict(DEF_HEAD
                                        ",\"autostart_order\":\"1\"}"),
                     "`autostart_order' is not an integer from -1000000 to "
                     "1000000");
    ck_assert_str_eq(definition_verdict(DEF_HEAD ",\"text\":[]}"),
                     "`text' is not a string");
}
END_TEST

Suite *storeentry_suite(void)
{
    Suite *s = suite_create("storeentry");
    TCase *tc = tcase_create("storeentry");

    tcase_add_test(tc, entries_xltd_writes_pass);
    tcase_add_test(tc, entries_of_another_shape_are_refused);
    tcase_add_test(tc, definitions_xltd_writes_pass);
    tcase_add_test(tc, definitions_of_another_shape_are_refused);
    suite_add_tcase(s, tc);
    return s;
}
