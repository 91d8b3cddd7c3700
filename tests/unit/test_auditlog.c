/* The audit trail's hash chain (xlt/lib/auditlog.c) and the roles
 * (xlt/lib/roles.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* A trail of N records, as xltd writes them: each body ends with the
 * hash of the one before as "prev". */
static char *trail(int n)
{
    char prev[XLT_AUDIT_HASH_LEN + 1], hash[XLT_AUDIT_HASH_LEN + 1];
    char *text = strdup(""), *body, *line, *longer;

    memcpy(prev, xlt_audit_genesis, sizeof(prev));
    for (int i = 1; i <= n; i++) {
        ck_assert_int_ge(asprintf(&body, "{\"seq\":%d,\"op\":\"destroy\","
                                  "\"vm\":\"web%d\",\"prev\":\"%s\"}",
                                  i, i, prev), 0);
        line = xlt_audit_seal(body, hash);
        ck_assert_ptr_nonnull(line);
        ck_assert_int_ge(asprintf(&longer, "%s%s\n", text, line), 0);
        free(text);
        free(body);
        free(line);
        text = longer;
        memcpy(prev, hash, sizeof(prev));
    }
    return text;
}

/* The verdict on TEXT: "N records" or the error. */
static const char *verdict(const char *text)
{
    static char out[300];
    static struct xlt_err err;
    char last[XLT_AUDIT_HASH_LEN + 1];
    size_t n = 0;

    if (xlt_audit_verify(text, strlen(text), &n, last, &err))
        return err.msg;
    snprintf(out, sizeof(out), "%zu records", n);
    return out;
}

START_TEST(a_whole_trail_verifies)
{
    char *t = trail(3);
    char last[XLT_AUDIT_HASH_LEN + 1], want[XLT_AUDIT_HASH_LEN + 1];
    struct xlt_err err;
    size_t n;

    ck_assert_str_eq(verdict(t), "3 records");
    ck_assert_str_eq(verdict(""), "0 records");
    /* the newest hash is the last record's: its line ends "HASH"}\n */
    ck_assert_int_eq(xlt_audit_verify(t, strlen(t), &n, last, &err), 0);
    snprintf(want, sizeof(want), "%s", t + strlen(t) - 3 - 64);
    ck_assert_str_eq(last, want);
    free(t);
}
END_TEST

START_TEST(an_edited_record_breaks_the_chain)
{
    char *t = trail(3);

    *strstr(t, "web2") = 'W';
    ck_assert_str_eq(verdict(t), "record 2: its hash does not match its "
                                 "text (edited?)");
    free(t);
}
END_TEST

START_TEST(a_dropped_or_moved_record_breaks_the_chain)
{
    char *t = trail(3), *second = strchr(t, '\n') + 1;
    char *third = strchr(second, '\n') + 1;

    memmove(second, third, strlen(third) + 1); /* record 2 dropped */
    ck_assert_str_eq(verdict(t), "record 2: its \"prev\" is not the hash of "
                                 "the record before (a record dropped, "
                                 "added or moved?)");
    free(t);
}
END_TEST

START_TEST(a_record_resealed_by_hand_breaks_the_next)
{
    char *t = trail(3), *next, *line, *body;
    char hash[XLT_AUDIT_HASH_LEN + 1];
    char *first_end = strchr(t, '\n');

    /* record 1 edited and sealed again: record 2's prev no longer fits */
    ck_assert_int_ge(asprintf(&body, "{\"seq\":1,\"op\":\"create\",\"vm\":"
                              "\"web1\",\"prev\":\"%s\"}",
                              xlt_audit_genesis), 0);
    line = xlt_audit_seal(body, hash);
    ck_assert_int_ge(asprintf(&next, "%s%s", line, first_end), 0);
    ck_assert_str_eq(verdict(next), "record 2: its \"prev\" is not the hash "
                                    "of the record before (a record "
                                    "dropped, added or moved?)");
    free(body);
    free(line);
    free(next);
    free(t);
}
END_TEST

START_TEST(a_cut_or_foreign_line_is_named)
{
    char *t = trail(2);

    t[strlen(t) - 1] = '\0';
    ck_assert_str_eq(verdict(t), "record 2: cut short (no end of line)");
    ck_assert_str_eq(verdict("{\"op\":\"x\"}\n"),
                     "record 1: not a sealed record (no \"hash\" at its "
                     "end)");
    ck_assert_ptr_null(xlt_audit_seal("[1]", (char[65]){0}));
    free(t);
}
END_TEST

START_TEST(roles_by_name)
{
    enum xlt_role role = XLT_ROLE_ADMIN;
    struct xlt_err err;

    ck_assert_int_eq(xlt_role_parse("read-only", &role, &err), 0);
    ck_assert_int_eq(role, XLT_ROLE_READ_ONLY);
    ck_assert_int_eq(xlt_role_parse("operator", &role, &err), 0);
    ck_assert_int_eq(role, XLT_ROLE_OPERATOR);
    ck_assert_str_eq(xlt_role_name(XLT_ROLE_ADMIN), "admin");
    ck_assert_int_eq(xlt_role_parse("root", &role, &err), -1);
    ck_assert_str_eq(err.msg, "`root' is not a role (read-only, operator "
                              "or admin)");
    /* a refused client's: no role, and none that a list may give */
    ck_assert_str_eq(xlt_role_name(XLT_ROLE_NONE), "none");
    ck_assert(XLT_ROLE_NONE < XLT_ROLE_READ_ONLY);
    ck_assert_int_eq(xlt_role_parse("none", &role, &err), -1);
}
END_TEST

Suite *auditlog_suite(void)
{
    Suite *s = suite_create("auditlog");
    TCase *tc = tcase_create("chain");

    tcase_add_test(tc, a_whole_trail_verifies);
    tcase_add_test(tc, an_edited_record_breaks_the_chain);
    tcase_add_test(tc, a_dropped_or_moved_record_breaks_the_chain);
    tcase_add_test(tc, a_record_resealed_by_hand_breaks_the_next);
    tcase_add_test(tc, a_cut_or_foreign_line_is_named);
    tcase_add_test(tc, roles_by_name);
    suite_add_tcase(s, tc);
    return s;
}
