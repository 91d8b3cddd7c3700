/*
 * xl's CPU list syntax against a made-up host (unit_topology): 8 CPUs,
 * 0-3 on node 0 and 4-7 on node 1; printing; the topology on the wire.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "xlt.h"

static int unit_nodes[8] = {0, 0, 0, 0, 1, 1, 1, 1};
const struct xlt_topology unit_topology = {
    .max_cpus = 8, .nr_nodes = 2, .node_of_cpu = unit_nodes,
};

/* SPEC parsed and printed again. */
static char *roundtrip(const char *spec)
{
    libxl_bitmap map;
    struct xlt_err err;
    char *out;

    libxl_bitmap_init(&map);
    ck_assert_msg(!xlt_cpumap_parse(spec, &unit_topology, &map, &err),
                  "%s: %s", spec, err.msg);
    out = xlt_cpumap_format(&map, unit_topology.max_cpus);
    libxl_bitmap_dispose(&map);
    return out;
}

static void expect(const char *spec, const char *want)
{
    char *got = roundtrip(spec);

    ck_assert_msg(!strcmp(got, want), "%s: got %s, want %s", spec, got, want);
    free(got);
}

/* SPEC is refused with an error that contains WHY. */
static void refused(const char *spec, const char *why)
{
    libxl_bitmap map;
    struct xlt_err err;

    libxl_bitmap_init(&map);
    ck_assert_msg(xlt_cpumap_parse(spec, &unit_topology, &map, &err),
                  "%s was accepted", spec);
    ck_assert_msg(strstr(err.msg, why), "%s: %s", spec, err.msg);
    libxl_bitmap_dispose(&map);
}

START_TEST(cpus_ranges_and_exclusions)
{
    expect("3", "3");
    expect("0-2,5", "0-2,5");
    expect("0-7", "all");
    expect("all,^3", "0-2,4-7");
    expect("all,^1-2,^6", "0,3-5,7");
    expect("^2,2", "2");
}
END_TEST

START_TEST(cpus_by_node)
{
    expect("node:1", "4-7");
    expect("nodes:0-1,^node:0", "4-7");
    expect("node:0,6", "0-3,6");
    expect("nodes:all", "all");
}
END_TEST

START_TEST(cpus_bad_lists)
{
    refused("", "no CPUs");
    refused("8", "the host has CPUs 0-7");
    refused("2-9", "the host has CPUs 0-7");
    refused("3-1", "is not a CPU");
    refused("x", "'x' is not a CPU");
    refused("1,,2x", "'2x'");
    refused("-1", "is not a CPU");
    refused("^all", "\"^\" and \"all\"");
    refused("node:2", "NUMA nodes are 0-1");
    refused("node:", "is not a CPU");
    refused("99999999999999999999", "is not a CPU");
}
END_TEST

START_TEST(cpus_format_empty)
{
    libxl_bitmap map;
    char *s;

    libxl_bitmap_init(&map);
    ck_assert(!xlt_cpumap_alloc(&map, &unit_topology));
    s = xlt_cpumap_format(&map, unit_topology.max_cpus);
    ck_assert_str_eq(s, "none");
    free(s);
    libxl_bitmap_dispose(&map);
}
END_TEST

START_TEST(topology_on_the_wire)
{
    yajl_gen g = xlt_json_gen_new();
    struct xlt_topology back;
    struct xlt_err err;
    char *text, errbuf[128];
    yajl_val v;

    ck_assert(xlt_topology_gen(g, &unit_topology) == yajl_gen_status_ok);
    text = xlt_json_gen_take(g);
    yajl_gen_free(g);
    ck_assert_str_eq(text, "{\"max_cpus\":8,\"nr_nodes\":2,"
                           "\"node_of_cpu\":[0,0,0,0,1,1,1,1]}");
    v = yajl_tree_parse(text, errbuf, sizeof(errbuf));
    ck_assert(!xlt_topology_parse(v, &back, &err));
    ck_assert_int_eq(back.max_cpus, 8);
    ck_assert_int_eq(back.nr_nodes, 2);
    ck_assert_int_eq(back.node_of_cpu[5], 1);
    xlt_topology_dispose(&back);
    yajl_tree_free(v);
    free(text);

    v = yajl_tree_parse("{\"max_cpus\":3,\"nr_nodes\":1,\"node_of_cpu\":[0]}",
                        errbuf, sizeof(errbuf));
    ck_assert(xlt_topology_parse(v, &back, &err));
    ck_assert(strstr(err.msg, "does not understand"));
    yajl_tree_free(v);
}
END_TEST

/* cpupool-create's definition: TEXT as a file at PATH (NULL: command
 * line only); WANT "name|sched|cpus" or the error it must contain. */
static void pool(const char *path, const char *text, const char *want)
{
    struct xlt_cpupool_spec spec;
    struct xlt_err err;
    char got[256];
    size_t file_len = path ? strlen(text) : 0;

    if (xlt_cpupool_parse(path, text, strlen(text), file_len, &spec, &err)) {
        ck_assert_msg(strstr(err.msg, want), "%s: %s", text, err.msg);
        return;
    }
    snprintf(got, sizeof(got), "%s|%s|%s", spec.name,
             spec.sched ? spec.sched : "-", spec.cpus ? spec.cpus : "-");
    ck_assert_msg(!strcmp(got, want), "%s: got %s", text, got);
    xlt_cpupool_spec_dispose(&spec);
}

START_TEST(cpupool_definitions)
{
    pool(NULL, "name=\"p1\"\nsched=\"credit\"\ncpus=\"2-3\"\n",
         "p1|credit|2-3");
    pool(NULL, "name=\"p1\"\ncpus=[\"2\", \"3\"]\n", "p1|-|2,3");
    pool(NULL, "name=\"p1\"\nnodes=[\"0\", \"1\"]\n",
         "p1|-|node:0,node:1");
    pool("/etc/xen/fast-pool", "sched=\"credit2\"\n", "fast-pool|credit2|-");
    pool(NULL, "sched=\"credit2\"\n", "the pool needs a name");
    pool(NULL, "name=\"p1\"\nsched=\"fast\"\n",
         "sched: `fast' is not a scheduler");
    pool(NULL, "name=\"p1\"\ncpus=\"1\"\nnodes=[\"0\"]\n",
         "give cpus or nodes, not both");
    pool(NULL, "name=\"p1\"\nnodes=\"0\"\n", "nodes: expected a list");
    pool(NULL, "name=\"p1\"\ncpus=[]\n", "cpus: no CPUs given");
    pool("p.cfg", "name=\"\"\n", "p.cfg:1: name: must not be empty");
}
END_TEST

Suite *cpumap_suite(void)
{
    Suite *s = suite_create("cpumap");
    TCase *tc = tcase_create("cpumap");

    tcase_add_test(tc, cpus_ranges_and_exclusions);
    tcase_add_test(tc, cpus_by_node);
    tcase_add_test(tc, cpus_bad_lists);
    tcase_add_test(tc, cpus_format_empty);
    tcase_add_test(tc, topology_on_the_wire);
    tcase_add_test(tc, cpupool_definitions);
    suite_add_tcase(s, tc);
    return s;
}
