/* lvm.c: naming volumes (the lvm command itself is the lab's); command.c:
 * running a helper and reading what it says. */
#include <stdlib.h>

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

/* volume.c: what a volume request's arguments must be, refused before
 * lvm runs. */
static const struct {
    const char *op, *args, *error;
} bad_volume_requests[] = {
    {"volume-create", "{\"vg\":\"vg0\",\"name\":\"a/b\",\"size\":\"1g\"}",
     "`vg0/a/b' is not a volume: VG/LV or /dev/VG/LV"},
    {"volume-create", "{\"vg\":\"vg0\",\"name\":\"d\",\"size\":\"lots\"}",
     "`lots' is not a size (a number with an optional unit k, m, g or t; "
     "m if none)"},
    {"volume-create", "{\"vg\":\"vg0\",\"name\":\"d\"}",
     "`' is not a size (a number with an optional unit k, m, g or t; m if "
     "none)"},
    {"volume-snapshot", "{\"lv\":\"vg0/d\",\"name\":\"-s\"}",
     "`vg0/-s' is not a volume: VG/LV or /dev/VG/LV"},
    {"volume-grow", "{\"lv\":\"vg0/d\",\"size\":\"+0\"}",
     "`+0' is not a size (a number with an optional unit k, m, g or t; m "
     "if none)"},
    {"volume-grow", "{\"lv\":\"vg0/d\",\"size\":\"-8m\"}",
     "`-8m' is not a size (a number with an optional unit k, m, g or t; m "
     "if none)"},
    {"volume-remove", "{\"lv\":\"data\"}",
     "`data' is not a volume: VG/LV or /dev/VG/LV"},
    {"volume-frob", "{}", "volume-frob: not a volume request"},
};

START_TEST(bad_volume_request_refused)
{
    yajl_val args = yajl_tree_parse(bad_volume_requests[_i].args, NULL, 0);
    struct xlt_err err;
    char *result = NULL;

    ck_assert_ptr_nonnull(args);
    ck_assert_int_eq(xlt_volume_run(bad_volume_requests[_i].op, args, &result,
                                    &err),
                     -1);
    ck_assert_ptr_null(result);
    ck_assert_str_eq(err.msg, bad_volume_requests[_i].error);
    yajl_tree_free(args);
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

static const char *const sh[] = {"/bin/sh", NULL};

/* stdout and stderr apart, and the exit status. */
START_TEST(command_streams_apart)
{
    char *const argv[] = {"sh", "-c", "echo out; echo err >&2; exit 3", NULL};
    char out[64], err[64];

    ck_assert_int_eq(xlt_command(sh, argv, NULL, out, sizeof(out), err,
                                 sizeof(err)), 3);
    ck_assert_str_eq(out, "out\n");
    ck_assert_str_eq(err, "err\n");
}
END_TEST

/* A program that says far more than fits (on both streams) is read to
 * its end: it exits, and the buffers hold what fits. */
START_TEST(command_reads_everything)
{
    char *const argv[] = {"sh", "-c",
                          "i=0; while [ $i -lt 4000 ]; do "
                          "echo 0123456789012345678901234567890123456789; "
                          "echo 0123456789012345678901234567890123456789 >&2; "
                          "i=$((i+1)); done; exit 0", NULL};
    char out[100], err[10];

    ck_assert_int_eq(xlt_command(sh, argv, NULL, out, sizeof(out), err,
                                 sizeof(err)), 0);
    ck_assert_uint_eq(strlen(out), sizeof(out) - 1);
    ck_assert_uint_eq(strlen(err), sizeof(err) - 1);
}
END_TEST

/* ENVP is the whole environment: nothing of this process's gets through. */
START_TEST(command_takes_its_environment)
{
    char *const argv[] = {"sh", "-c", "echo \"$XENBUS_PATH:$HOME\"", NULL};
    char *const envp[] = {"XENBUS_PATH=backend/vbd/7/51712", NULL};
    char out[64], err[16];

    setenv("HOME", "/root", 1);
    ck_assert_int_eq(xlt_command(sh, argv, envp, out, sizeof(out), err,
                                 sizeof(err)), 0);
    ck_assert_str_eq(out, "backend/vbd/7/51712:\n");
}
END_TEST

START_TEST(command_cannot_run)
{
    static const char *const none[] = {"/nonexistent/xlt-tool", NULL};
    char *const argv[] = {"xlt-tool", NULL};
    char out[16], err[16];

    ck_assert_int_eq(xlt_command(none, argv, NULL, out, sizeof(out), err,
                                 sizeof(err)), 127);
    ck_assert_str_eq(out, "");
}
END_TEST

Suite *lvm_suite(void)
{
    Suite *s = suite_create("lvm");
    TCase *tc = tcase_create("lvm");

    tcase_add_test(tc, lv_names);
    tcase_add_test(tc, lv_bad_names);
    tcase_add_loop_test(tc, bad_volume_request_refused, 0,
                        (int)(sizeof(bad_volume_requests) /
                              sizeof(bad_volume_requests[0])));
    tcase_add_test(tc, lvm_reports_failure);
    tcase_add_test(tc, command_streams_apart);
    tcase_add_test(tc, command_reads_everything);
    tcase_add_test(tc, command_takes_its_environment);
    tcase_add_test(tc, command_cannot_run);
    suite_add_tcase(s, tc);
    return s;
}
