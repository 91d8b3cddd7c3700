/* The command table: lookup, usage and the man page come from it. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../xlt/cli/cli.h"
#include "unit.h"

static const struct xlt_command table[] = {
    {"domid", NULL, 0, "list", "NAME", "id of a domain", NULL},
    {"domname", NULL, 0, "list", "ID", "name of a domain", NULL},
    {"list", NULL, 0, "list", "", "list domains", NULL},
};

/* -H @GROUP: the group comes from the hosts file, or the error names it;
 * a host that does not answer is said, and the status says so. */
START_TEST(groups_of_hosts)
{
    char path[] = "/tmp/xlt-hosts-XXXXXX", want[256];
    const char *text = "# lab\nlab 127.0.0.1:1  # refuses\n";
    struct xlt_err err;
    struct cli cli = {.prog = "xlt", .quiet = true, .host = "@nope"};
    char *argv[] = {"list", NULL};
    int fd = mkstemp(path);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(xlt_write_all(fd, text, strlen(text)), 0);
    close(fd);
    setenv("XLT_HOSTS", path, 1);
    cli.cmd = xlt_command_find("list", &err);
    optind = 0;
    ck_assert_int_eq(cli_fanout_list(&cli, 1, argv), 1);
    snprintf(want, sizeof(want), "-H @nope: %s: no group `nope' (lines "
             "GROUP HOST...)", path);
    ck_assert_str_eq(cli.failure, want);
    cli.host = "@lab";
    optind = 0;
    ck_assert_int_eq(cli_fanout_list(&cli, 1, argv), 1);
    unsetenv("XLT_HOSTS");
    unlink(path);
}
END_TEST

/* --since: a time as the trail writes times, or an age. */
START_TEST(since_times_and_ages)
{
    char out[32];
    struct xlt_err err;
    time_t now = 1796627400; /* 2026-12-07T07:10:00Z */

    ck_assert_int_eq(cli_since("30m", now, out, sizeof(out), &err), 0);
    ck_assert_str_eq(out, "2026-12-07T06:40:00");
    ck_assert_int_eq(cli_since("2d", now, out, sizeof(out), &err), 0);
    ck_assert_str_eq(out, "2026-12-05T07:10:00");
    ck_assert_int_eq(cli_since("2026-12-07 14:30", now, out, sizeof(out),
                               &err), 0);
    ck_assert_str_eq(out, "2026-12-07T14:30");
    ck_assert_int_eq(cli_since("2026-12-07", now, out, sizeof(out), &err), 0);
    ck_assert_str_eq(out, "2026-12-07");
    ck_assert_int_eq(cli_since("yesterday", now, out, sizeof(out), &err), -1);
    ck_assert_str_eq(err.msg, "--since: `yesterday' is neither a time "
                              "(2026-12-07, 2026-12-07T14:30, UTC) nor an "
                              "age (90s, 30m, 2h, 7d)");
    ck_assert_int_eq(cli_since("2026-12-07T1", now, out, sizeof(out), &err),
                     -1);
}
END_TEST

START_TEST(exact_name_wins)
{
    struct xlt_err err;
    const struct xlt_command *c = xlt_command_find_in(table, 3, "domid", &err);

    ck_assert_ptr_eq(c, &table[0]);
}
END_TEST

START_TEST(unique_prefix_found)
{
    struct xlt_err err;

    ck_assert_ptr_eq(xlt_command_find_in(table, 3, "l", &err), &table[2]);
    ck_assert_ptr_eq(xlt_command_find_in(table, 3, "domn", &err), &table[1]);
}
END_TEST

START_TEST(ambiguous_prefix_refused)
{
    struct xlt_err err;

    ck_assert_ptr_null(xlt_command_find_in(table, 3, "dom", &err));
    ck_assert_str_eq(err.msg, "`dom' is ambiguous: it could be domid or domname");
}
END_TEST

START_TEST(unknown_command_refused)
{
    struct xlt_err err;

    ck_assert_ptr_null(xlt_command_find("frobnicate", &err));
    ck_assert_str_eq(err.msg,
                     "`frobnicate' is not a command; `xlt help' lists them");
    ck_assert_ptr_null(xlt_command_find("", &err));
}
END_TEST

START_TEST(real_table_is_sound)
{
    struct xlt_err err;

    for (size_t i = 0; i < xlt_ncommands; i++) {
        const struct xlt_command *c = &xlt_commands[i];
        ck_assert_ptr_nonnull(c->handler);
        ck_assert_ptr_nonnull(c->synopsis);
        ck_assert_msg(c->help && *c->help, "%s has no help", c->name);
        ck_assert_ptr_eq(xlt_command_find(c->name, &err), c);
    }
}
END_TEST

static char *captured(void (*write)(FILE *))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    write(f);
    fclose(f);
    return buf;
}

static void write_help(FILE *f)
{
    xlt_help_all(f);
}

START_TEST(help_and_man_list_every_command)
{
    char *help = captured(write_help);
    char *man = captured(xlt_man_page);

    for (size_t i = 0; i < xlt_ncommands; i++) {
        char want[64];
        snprintf(want, sizeof(want), "  %-10s %s", xlt_commands[i].name,
                 xlt_commands[i].help);
        ck_assert_msg(strstr(help, want), "help lacks %s", want);
        snprintf(want, sizeof(want), ".TP\n\\fB%s\\fR", xlt_commands[i].name);
        ck_assert_msg(strstr(man, want), "man page lacks %s",
                      xlt_commands[i].name);
    }
    ck_assert(strstr(man, "\\-\\-dry\\-run"));
    free(help);
    free(man);
}
END_TEST

START_TEST(memory_sizes_as_xl)
{
    static const struct {
        const char *in;
        uint64_t kb;
    } ok[] = {
        {"128", 131072}, {"128m", 131072}, {"128M", 131072},
        {"1g", 1048576}, {"2T", 2147483648ULL}, {"512k", 512},
        {"4096b", 4}, {"0", 0},
    };
    static const char *const bad[] = {
        "", "m", "-5", "12x", "12mb", " 12", "99999999999999999999",
        "18014398509481984t",
    };
    uint64_t kb;

    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        ck_assert_msg(!xlt_mem_size_kb(ok[i].in, &kb), "%s", ok[i].in);
        ck_assert_msg(kb == ok[i].kb, "%s: %llu", ok[i].in,
                      (unsigned long long)kb);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(xlt_mem_size_kb(bad[i], &kb), "%s accepted", bad[i]);
}
END_TEST

Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("commands");

    tcase_add_test(tc, exact_name_wins);
    tcase_add_test(tc, since_times_and_ages);
    tcase_add_test(tc, groups_of_hosts);
    tcase_add_test(tc, unique_prefix_found);
    tcase_add_test(tc, ambiguous_prefix_refused);
    tcase_add_test(tc, unknown_command_refused);
    tcase_add_test(tc, real_table_is_sound);
    tcase_add_test(tc, help_and_man_list_every_command);
    tcase_add_test(tc, memory_sizes_as_xl);
    suite_add_tcase(s, tc);
    return s;
}
