/* promtext.c: a sample and the operations' figures as Prometheus's text
 * format, checked line by line and by Prometheus's own promtool. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "api.h"
#include "unit.h"

#define WEB "{uuid=\"66666666-7777-8888-9999-000000000000\",name=\"web\""

/* The exposition text of the test sample (counters times N) and of D's
 * operations. */
static char *render(struct xltd *d, uint64_t n)
{
    struct opstats_copy ops;
    struct xlt_stats s;
    size_t len = 0;
    char *text;

    unit_stats_sample(&s, 10, n);
    s.number = 7;
    opstats_copy(d, &ops);
    text = promtext_render(&s, &ops, &len);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(strlen(text), len);
    xlt_stats_dispose(&s);
    return text;
}

static void has_line(const char *text, const char *line)
{
    char *want;

    ck_assert_int_ge(asprintf(&want, "\n%s\n", line), 0);
    if (!strstr(text, want))
        ck_abort_msg("no line `%s' in:\n%s", line, text);
    free(want);
}

START_TEST(domains_and_host)
{
    struct xltd d = {0};
    char *text;

    ck_assert_int_eq(opstats_init(&d), 0);
    text = render(&d, 4);
    has_line(text, "# TYPE xlt_domain_cpu_seconds_total counter");
    has_line(text, "xlt_domain_cpu_seconds_total" WEB "} 4.000000000");
    has_line(text, "xlt_domain_vcpu_seconds_total" WEB ",vcpu=\"0\"} "
                   "3.000000000");
    has_line(text, "xlt_domain_vcpus_online" WEB "} 1");
    has_line(text, "xlt_domain_info" WEB ",domid=\"5\"} 1");
    has_line(text, "xlt_domain_memory_bytes" WEB ",kind=\"current\"} "
                   "134217728");
    has_line(text, "xlt_domain_memory_bytes" WEB ",kind=\"max\"} 268435456");
    has_line(text, "xlt_domain_vbd_read_bytes_total" WEB ",device=\"xvda\"} "
                   "4194304");
    has_line(text, "xlt_domain_vif_receive_bytes_total" WEB ",vif=\"0\","
                   "bridge=\"xenbr0\"} 16384");
    has_line(text, "xlt_host_cpu_idle_seconds_total{cpu=\"1\"} 1.000000000");
    has_line(text, "xlt_host_memory_bytes{kind=\"free\"} 1073741824");
    has_line(text, "xlt_stats_samples_total 7");
    /* dom0 has no memory limit: no max line for it */
    ck_assert_ptr_null(strstr(text, "name=\"Domain-0\",kind=\"max\""));
    free(text);
    opstats_dispose(&d);
}
END_TEST

START_TEST(operations_and_failures)
{
    struct xltd d = {0};
    char *text;

    ck_assert_int_eq(opstats_init(&d), 0);
    opstats_ended(&d, "create", 3.0, false);
    opstats_ended(&d, "create", 40.0, false);
    opstats_ended(&d, "create", 1.0, true); /* a failure: not timed */
    opstats_ended(&d, "list", 0.01, false);  /* not a timed one */
    opstats_downtime(&d, 0.3);
    text = render(&d, 1);
    has_line(text, "xlt_operation_duration_seconds_bucket{operation="
                   "\"create\",le=\"2.5\"} 0");
    has_line(text, "xlt_operation_duration_seconds_bucket{operation="
                   "\"create\",le=\"5\"} 1");
    has_line(text, "xlt_operation_duration_seconds_bucket{operation="
                   "\"create\",le=\"+Inf\"} 2");
    has_line(text, "xlt_operation_duration_seconds_sum{operation="
                   "\"create\"} 43.000000");
    has_line(text, "xlt_operation_duration_seconds_count{operation="
                   "\"migrate\"} 0");
    has_line(text, "xlt_migration_downtime_seconds_bucket{le=\"0.5\"} 1");
    has_line(text, "xlt_migration_downtime_seconds_bucket{le=\"0.25\"} 0");
    has_line(text, "xlt_migration_downtime_seconds_count 1");
    has_line(text, "xlt_operation_failures_total{operation=\"create\"} 1");
    ck_assert_ptr_null(strstr(text, "operation=\"list\""));
    free(text);
    opstats_dispose(&d);
}
END_TEST

START_TEST(label_values_escaped)
{
    struct opstats_copy ops = {0};
    struct xlt_stats s;
    size_t len;
    char *text;

    unit_stats_sample(&s, 1, 1);
    free(s.domains[1].name);
    s.domains[1].name = strdup("a\"b\\c\nd");
    text = promtext_render(&s, &ops, &len);
    ck_assert_ptr_nonnull(strstr(text, "name=\"a\\\"b\\\\c\\nd\""));
    free(text);
    xlt_stats_dispose(&s);
}
END_TEST

/* promtool (Debian's prometheus package; scripts/setup.sh installs it)
 * finds nothing wrong with what xltd serves. */
START_TEST(promtool_is_content)
{
    struct xltd d = {0};
    char *text;
    FILE *p;
    int status;

    ck_assert_int_eq(opstats_init(&d), 0);
    opstats_ended(&d, "migrate", 12.0, false);
    opstats_ended(&d, "destroy", 0.1, true);
    opstats_downtime(&d, 0.4);
    text = render(&d, 3);
    p = popen("promtool check metrics >/tmp/xlt-unit-promtool.txt 2>&1",
              "w");
    ck_assert_ptr_nonnull(p);
    fputs(text, p);
    status = pclose(p);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char *said = NULL;
        size_t n = 0;
        struct xlt_err err;

        xlt_read_file("/tmp/xlt-unit-promtool.txt", &said, &n, &err);
        ck_abort_msg("promtool check metrics: status %d: %s", status,
                     said ? said : "?");
    }
    free(text);
    opstats_dispose(&d);
}
END_TEST

Suite *promtext_suite(void)
{
    Suite *s = suite_create("promtext");
    TCase *tc = tcase_create("promtext");

    tcase_add_test(tc, domains_and_host);
    tcase_add_test(tc, operations_and_failures);
    tcase_add_test(tc, label_values_escaped);
    tcase_add_test(tc, promtool_is_content);
    suite_add_tcase(s, tc);
    return s;
}
