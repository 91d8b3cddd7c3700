/* lvm.c: naming volumes (the lvm command itself is the lab's). */
#include "unit.h"

START_TEST(lv_names)
{
    struct xlt_lv lv;

    ck_assert(!xlt_lv_parse("/dev/vg0/web", &lv));
    ck_assert_str_eq(lv.vg, "vg0");
    ck_assert_str_eq(lv.lv, "web");
    ck_assert_str_eq(lv.name, "vg0/web");
    ck_assert_str_eq(lv.path, "/dev/vg0/web");
    ck_assert(!xlt_lv_parse("vg0/web-snap", &lv));
    ck_assert_str_eq(lv.path, "/dev/vg0/web-snap");
}
END_TEST

START_TEST(lv_bad_names)
{
    static const char *const bad[] = {
        "", "vg0", "/dev/vg0", "vg0/", "/web", "vg0/a/b", "/dev/vg0/a/b",
        "-vg/x", "vg/-x",
    };
    struct xlt_lv lv;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(xlt_lv_parse(bad[i], &lv), "accepted `%s'", bad[i]);
}
END_TEST

/* Without an lvm binary the command cannot run: -1 or 127, never 0. */
START_TEST(lvm_reports_failure)
{
    static const char *const args[] = {"lvs", "/nonexistent-vg-xlt", NULL};
    char out[256];

    ck_assert_int_ne(xlt_lvm(out, sizeof(out), args), 0);
}
END_TEST

Suite *lvm_suite(void)
{
    Suite *s = suite_create("lvm");
    TCase *tc = tcase_create("lvm");

    tcase_add_test(tc, lv_names);
    tcase_add_test(tc, lv_bad_names);
    tcase_add_test(tc, lvm_reports_failure);
    suite_add_tcase(s, tc);
    return s;
}
