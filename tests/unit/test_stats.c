/* stats.c: a sample to JSON and back; cmd_stats.c: the rates between
 * two samples, and --interval's bounds. */
#include <stdlib.h>
#include <string.h>

#include "../../xlt/cli/cli.h"
#include "unit.h"

#define UUID_A "11111111-2222-3333-4444-555555555555"
#define UUID_B "66666666-7777-8888-9999-000000000000"

void unit_stats_sample(struct xlt_stats *s, uint64_t t, uint64_t n)
{
    struct xlt_stats_domain *web;

    xlt_stats_init(s);
    s->mono_ns = t * 1000000000ULL;
    s->mem_total = 4ULL << 30;
    s->mem_free = 1ULL << 30;
    s->n_pcpus = 2;
    s->pcpu_idle_ns = calloc(2, sizeof(*s->pcpu_idle_ns));
    s->pcpu_idle_ns[0] = n * 500000000ULL;
    s->pcpu_idle_ns[1] = n * 250000000ULL;
    s->n_domains = 2;
    s->domains = calloc(2, sizeof(*s->domains));
    s->domains[0].name = strdup("Domain-0");
    snprintf(s->domains[0].uuid, sizeof(s->domains[0].uuid), UUID_A);
    snprintf(s->domains[0].state, sizeof(s->domains[0].state), "-----r");
    web = &s->domains[1];
    web->domid = 5;
    web->name = strdup("web");
    snprintf(web->uuid, sizeof(web->uuid), UUID_B);
    snprintf(web->state, sizeof(web->state), "--b---");
    web->cpu_ns = n * 1000000000ULL;
    web->mem_bytes = 128ULL << 20;
    web->target_bytes = 128ULL << 20;
    web->max_bytes = 256ULL << 20;
    web->n_vcpus = 2;
    web->vcpus = calloc(2, sizeof(*web->vcpus));
    web->vcpus[0] = (struct xlt_stats_vcpu){true, n * 750000000ULL};
    web->vcpus[1] = (struct xlt_stats_vcpu){false, 0};
    web->n_vbds = 1;
    web->vbds = calloc(1, sizeof(*web->vbds));
    snprintf(web->vbds[0].device, sizeof(web->vbds[0].device), "xvda");
    web->vbds[0].rd_reqs = n * 10;
    web->vbds[0].rd_sects = n * 2048;
    web->n_vifs = 1;
    web->vifs = calloc(1, sizeof(*web->vifs));
    snprintf(web->vifs[0].bridge, sizeof(web->vifs[0].bridge), "xenbr0");
    web->vifs[0].rx_bytes = n * 4096;
    web->vifs[0].tx_packets = n;
}

/* S as text, through xlt_stats_gen, of the IDS given. */
static char *to_text(const struct xlt_stats *s, const uint32_t *ids,
                     size_t n)
{
    yajl_gen g = xlt_json_gen_new();
    char *text;

    xlt_stats_gen(g, s, ids, n);
    text = xlt_json_gen_take(g);
    yajl_gen_free(g);
    return text;
}

START_TEST(sample_round_trip)
{
    struct xlt_stats s, back;
    const struct xlt_stats_domain *web;
    struct xlt_err err;
    char *text, *again;
    yajl_val v;

    unit_stats_sample(&s, 7, 3);
    text = to_text(&s, NULL, 0);
    v = yajl_tree_parse(text, NULL, 0);
    ck_assert_int_eq(xlt_stats_parse(v, &back, &err), 0);
    ck_assert_uint_eq(back.mono_ns, 7000000000ULL);
    ck_assert_uint_eq(back.n_domains, 2);
    ck_assert_uint_eq(back.n_pcpus, 2);
    web = xlt_stats_find(&back, UUID_B, 5);
    ck_assert_ptr_nonnull(web);
    ck_assert_ptr_null(xlt_stats_find(&back, UUID_B, 6));
    ck_assert_str_eq(web->name, "web");
    ck_assert_str_eq(web->state, "--b---");
    ck_assert_uint_eq(web->vcpus[0].ns, 2250000000ULL);
    ck_assert(!web->vcpus[1].online);
    ck_assert_str_eq(web->vbds[0].device, "xvda");
    ck_assert_str_eq(web->vifs[0].bridge, "xenbr0");
    /* and out again, the same text */
    again = to_text(&back, NULL, 0);
    ck_assert_str_eq(again, text);
    free(again);
    free(text);
    yajl_tree_free(v);
    xlt_stats_dispose(&back);
    xlt_stats_dispose(&s);
}
END_TEST

START_TEST(sample_of_some_domains)
{
    struct xlt_stats s;
    const uint32_t five = 5, none = 9;
    char *text;

    unit_stats_sample(&s, 1, 1);
    text = to_text(&s, &five, 1);
    ck_assert_ptr_nonnull(strstr(text, "\"name\":\"web\""));
    ck_assert_ptr_null(strstr(text, "Domain-0"));
    free(text);
    text = to_text(&s, &none, 1);
    ck_assert_ptr_nonnull(strstr(text, "\"domains\":[]"));
    free(text);
    xlt_stats_dispose(&s);
}
END_TEST

START_TEST(sample_refused)
{
    struct xlt_stats s;
    struct xlt_err err;
    yajl_val v = yajl_tree_parse("{\"domains\":[]}", NULL, 0);

    ck_assert_int_eq(xlt_stats_parse(v, &s, &err), -1);
    ck_assert_str_eq(err.msg, "xltd's statistics have no time_ns");
    ck_assert_int_eq(xlt_stats_parse(NULL, &s, &err), -1);
    yajl_tree_free(v);
}
END_TEST

/* KEY of the domain named NAME in stats JSON V (of the first element
 * of its array IN, if not NULL), as a number. */
static double member(yajl_val v, const char *name, const char *in,
                     const char *key)
{
    yajl_val doms = xlt_json_get(v, "domains");

    for (size_t i = 0; i < doms->u.array.len; i++) {
        yajl_val d = doms->u.array.values[i];

        if (strcmp(xlt_json_get_str(d, "name"), name))
            continue;
        if (in)
            d = xlt_json_get(d, in)->u.array.values[0];
        return cli_json_double(d, key, -1);
    }
    return -1;
}

START_TEST(rates_between_samples)
{
    struct xlt_stats was, now;
    char *text;
    yajl_val v, cpus;

    unit_stats_sample(&was, 10, 2);
    unit_stats_sample(&now, 12, 4); /* two seconds later, every counter doubled */
    text = cli_stats_json(&was, &now);
    v = yajl_tree_parse(text, NULL, 0);
    ck_assert_double_eq_tol(cli_json_double(v, "interval_s", 0), 2.0, 1e-9);
    /* 2 s of CPU in 2 s: 100%; vCPU 0 1.5 s: 75% */
    ck_assert_double_eq_tol(member(v, "web", NULL, "cpu_percent"),
                            100.0, 1e-6);
    ck_assert_double_eq_tol(member(v, "web", "vcpus", "cpu_percent"),
                            75.0, 1e-6);
    /* 4096 sectors of 512 bytes in 2 s; 20 requests */
    ck_assert_double_eq_tol(
        member(v, "web", "vbds", "read_bytes_per_s"), 1048576.0, 1e-6);
    ck_assert_double_eq_tol(
        member(v, "web", "vbds", "read_requests_per_s"), 10.0, 1e-6);
    ck_assert_double_eq_tol(member(v, "web", "vifs", "rx_bytes_per_s"),
                            4096.0, 1e-6);
    cpus = xlt_json_get(xlt_json_get(v, "host"), "cpus");
    ck_assert_double_eq_tol(
        cli_json_double(cpus->u.array.values[0], "idle_percent", 0), 50.0,
        1e-6);
    free(text);
    yajl_tree_free(v);
    xlt_stats_dispose(&now);
    /* a domain that is new (another id) has no rate yet */
    unit_stats_sample(&now, 12, 4);
    now.domains[1].domid = 6;
    text = cli_stats_json(&was, &now);
    v = yajl_tree_parse(text, NULL, 0);
    ck_assert_double_eq_tol(member(v, "web", NULL, "cpu_percent"), 0.0,
                            1e-9);
    free(text);
    yajl_tree_free(v);
    xlt_stats_dispose(&now);
    xlt_stats_dispose(&was);
}
END_TEST

START_TEST(rate_of_a_counter)
{
    ck_assert_double_eq_tol(cli_rate(100, 300, 2.0), 100.0, 1e-9);
    ck_assert_double_eq_tol(cli_rate(300, 100, 2.0), 0.0, 1e-9);
    ck_assert_double_eq_tol(cli_rate(1, 2, 0.0), 0.0, 1e-9);
}
END_TEST

START_TEST(interval_bounds)
{
    struct xlt_err err;
    double s = 0;

    ck_assert_int_eq(cli_interval("2.5", &s, &err), 0);
    ck_assert_double_eq_tol(s, 2.5, 1e-9);
    ck_assert_int_eq(cli_interval("0.05", &s, &err), -1);
    ck_assert_str_eq(err.msg, "interval: `0.05' is not a number of seconds "
                              "from 0.1 to 3600");
    ck_assert_int_eq(cli_interval("1s", &s, &err), -1);
    ck_assert_int_eq(cli_interval("nan", &s, &err), -1);
    ck_assert_int_eq(cli_interval("", &s, &err), -1);
}
END_TEST

Suite *stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("stats");

    tcase_add_test(tc, sample_round_trip);
    tcase_add_test(tc, sample_of_some_domains);
    tcase_add_test(tc, sample_refused);
    tcase_add_test(tc, rates_between_samples);
    tcase_add_test(tc, rate_of_a_counter);
    tcase_add_test(tc, interval_bounds);
    suite_add_tcase(s, tc);
    return s;
}
