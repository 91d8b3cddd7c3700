/*
 * The config mapping against golden files: tests/unit/config/NAME.cfg with
 * NAME.json (libxl's JSON of the result) or NAME.err (the one error line),
 * and NAME.warn when the file should draw warnings.  XLT_REGEN=1 rewrites
 * them; review the diff before committing.
 */
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "xlt.h"

#define FIXTURES "tests/unit/config"

static glob_t cfgs;

static char *sibling(const char *cfg, const char *ext)
{
    char *path = NULL;
    size_t n = strlen(cfg) - strlen(".cfg");

    if (asprintf(&path, "%.*s%s", (int)n, cfg, ext) < 0)
        abort();
    return path;
}

/* The file's text, or NULL if it does not exist. */
static char *slurp(const char *path)
{
    struct xlt_err err;
    char *text = NULL;
    size_t len;

    if (access(path, F_OK))
        return NULL;
    ck_assert_msg(!xlt_read_file(path, &text, &len, &err), "%s", err.msg);
    return text;
}

static void spew(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* What `name` would be when the test names the file relative to the top. */
static const char *relative(const char *path)
{
    const char *p = strstr(path, FIXTURES "/");
    return p ? p : path;
}

struct outcome {
    char *json;  /* on success */
    char *error; /* on failure, with a newline */
    char *warnings;
};

static void parse_file(const char *path, struct outcome *o)
{
    libxl_domain_config cfg;
    struct xlt_err err;
    char *text = slurp(path);
    size_t wlen = 0;
    FILE *warn = open_memstream(&o->warnings, &wlen);

    ck_assert(text && warn);
    libxl_domain_config_init(&cfg);
    if (xlt_config_parse(relative(path), text, strlen(text), strlen(text), &unit_topology,
                         &cfg, warn, &err)) {
        if (asprintf(&o->error, "%s\n", err.msg) < 0)
            abort();
    } else {
        o->json = libxl_domain_config_to_json(NULL, &cfg);
        ck_assert(o->json);
    }
    fclose(warn);
    libxl_domain_config_dispose(&cfg);
    free(text);
}

/* JSON text in one canonical, compact form, so only content counts.
 * (libxl_domain_config_from_json needs a libxl context, which only the lab
 * has; xltd reads every created domain's config through it there.) */
static char *canonical(const char *json)
{
    char why[256];
    yajl_val tree = yajl_tree_parse(json, why, sizeof(why));
    char *text;

    ck_assert_msg(tree, "golden JSON does not parse: %s", why);
    text = xlt_json_to_text(tree);
    yajl_tree_free(tree);
    return text;
}

static void regenerate(const char *path, const struct outcome *o)
{
    char *json = sibling(path, ".json"), *errp = sibling(path, ".err");
    char *warnp = sibling(path, ".warn");

    unlink(json);
    unlink(errp);
    unlink(warnp);
    spew(o->error ? errp : json, o->error ? o->error : o->json);
    if (*o->warnings)
        spew(warnp, o->warnings);
    free(json);
    free(errp);
    free(warnp);
}

static void check_against_golden(const char *path, const struct outcome *o)
{
    char *jp = sibling(path, ".json"), *ep = sibling(path, ".err");
    char *wp = sibling(path, ".warn");
    char *json = slurp(jp), *error = slurp(ep), *warnings = slurp(wp);

    ck_assert_msg(json || error, "%s: no .json or .err beside it", path);
    if (error) {
        ck_assert_msg(o->error, "%s: parsed, but should fail with: %s", path,
                      error);
        ck_assert_str_eq(o->error, error);
    } else {
        char *want, *got;
        ck_assert_msg(!o->error, "%s: %s", path, o->error);
        want = canonical(json);
        got = canonical(o->json);
        ck_assert_str_eq(got, want);
        free(want);
        free(got);
    }
    ck_assert_str_eq(o->warnings, warnings ? warnings : "");
    free(json);
    free(error);
    free(warnings);
    free(jp);
    free(ep);
    free(wp);
}

START_TEST(golden)
{
    const char *path = cfgs.gl_pathv[_i];
    struct outcome o = {0};
    const char *regen = getenv("XLT_REGEN");

    parse_file(path, &o);
    if (regen && !strcmp(regen, "1"))
        regenerate(path, &o);
    else
        check_against_golden(path, &o);
    free(o.json);
    free(o.error);
    free(o.warnings);
}
END_TEST

/* TEXT parsed into A and into B (both initialised here); both succeed. */
static void parse_twice(const char *text, libxl_domain_config *a, libxl_domain_config *b)
{
    struct xlt_err err;

    libxl_domain_config_init(a);
    libxl_domain_config_init(b);
    ck_assert(!xlt_config_parse("a.cfg", text, strlen(text), strlen(text), &unit_topology, a,
                                NULL, &err));
    ck_assert(!xlt_config_parse("a.cfg", text, strlen(text), strlen(text), &unit_topology, b,
                                NULL, &err));
}

START_TEST(uuid_generated_when_absent)
{
    static const char text[] = "name='a'\nkernel='/k'\n";
    libxl_domain_config a, b;

    parse_twice(text, &a, &b);
    ck_assert(!libxl_uuid_is_nil(&a.c_info.uuid));
    ck_assert(libxl_uuid_compare(&a.c_info.uuid, &b.c_info.uuid) != 0);
    libxl_domain_config_dispose(&a);
    libxl_domain_config_dispose(&b);
}
END_TEST

/* ms_vm_genid="generate": a random ID, a different one each time (so it
 * has no golden file). */
START_TEST(ms_vm_genid_generated)
{
    static const char text[] = "name='a'\ntype='hvm'\nms_vm_genid='generate'\n";
    libxl_domain_config a, b;

    parse_twice(text, &a, &b);
    ck_assert(!libxl_ms_vm_genid_is_zero(&a.b_info.u.hvm.ms_vm_genid));
    ck_assert(memcmp(a.b_info.u.hvm.ms_vm_genid.bytes, b.b_info.u.hvm.ms_vm_genid.bytes,
                     LIBXL_MS_VM_GENID_LEN) != 0);
    libxl_domain_config_dispose(&a);
    libxl_domain_config_dispose(&b);
}
END_TEST

/* vnuma's pnode= counts the nodes that have CPUs, as xl's physinfo does,
 * not the size of Xen's node maps (topology's nr_nodes). */
START_TEST(vnuma_pnode_counts_real_nodes)
{
    static int one_node[2] = {0, 0};
    static const struct xlt_topology host = {
        .max_cpus = 2, .nr_nodes = 64, .node_of_cpu = one_node,
    };
    static const char text[] = "name='a'\nkernel='/k'\n"
                               "vnuma=[['pnode=1','size=128','vcpus=0']]\n";
    libxl_domain_config cfg;
    struct xlt_err err;

    libxl_domain_config_init(&cfg);
    ck_assert(xlt_config_parse("a.cfg", text, strlen(text), strlen(text), &host, &cfg,
                               NULL, &err));
    ck_assert_msg(strstr(err.msg, "pnode=1: the host has 1 NUMA node(s)"), "%s", err.msg);
    libxl_domain_config_dispose(&cfg);
}
END_TEST

/* xltd reads dedicated_cpus= from the text a create sends (the file and
 * the command line's overrides). */
START_TEST(dedicated_read_for_xltd)
{
    static const char on[] = "name='a'\nkernel='/k'\ndedicated_cpus=1\n";
    static const char off[] = "name='a'\nkernel='/k'\n";
    static const char overridden[] =
        "name='a'\nkernel='/k'\ndedicated_cpus=1\ndedicated_cpus=0\n";
    struct xlt_err err;
    bool yes = false;

    ck_assert(!xlt_config_dedicated("a.cfg", on, strlen(on), strlen(on), &yes,
                                    &err));
    ck_assert(yes);
    ck_assert(!xlt_config_dedicated("a.cfg", off, strlen(off), strlen(off),
                                    &yes, &err));
    ck_assert(!yes);
    ck_assert(!xlt_config_dedicated("a.cfg", overridden, strlen(overridden),
                                    strlen(on), &yes, &err));
    ck_assert(!yes);
    ck_assert(xlt_config_dedicated("a.cfg", "dedicated_cpus='x'\n", 19, 19,
                                   &yes, &err));
    ck_assert_str_eq(err.msg, "a.cfg:1: dedicated_cpus: `x' is not a number");
}
END_TEST

/* network-attach and block-attach: one spec, xl's syntax. */
START_TEST(device_spec_for_attach)
{
    libxl_domain_config cfg;
    struct xlt_err err;

    libxl_domain_config_init(&cfg);
    ck_assert(!xlt_device_parse("vif", "bridge=xenbr1,mac=00:16:3e:00:00:01",
                                &cfg, &err));
    ck_assert_int_eq(cfg.num_nics, 1);
    ck_assert_str_eq(cfg.nics[0].bridge, "xenbr1");
    ck_assert_int_eq(cfg.nics[0].mac[5], 1);
    ck_assert_int_eq(cfg.nics[0].devid, -1); /* libxl picks it */
    libxl_domain_config_dispose(&cfg);

    libxl_domain_config_init(&cfg);
    ck_assert(!xlt_device_parse("disk", "phy:/dev/vg0/data,xvdc,w", &cfg,
                                &err));
    ck_assert_int_eq(cfg.num_disks, 1);
    ck_assert_str_eq(cfg.disks[0].pdev_path, "/dev/vg0/data");
    ck_assert_str_eq(cfg.disks[0].vdev, "xvdc");
    libxl_domain_config_dispose(&cfg);

    libxl_domain_config_init(&cfg);
    ck_assert(xlt_device_parse("vif", "brige=xenbr1", &cfg, &err));
    ck_assert_msg(strstr(err.msg, "command line: vif: ") == err.msg,
                  "%s", err.msg);
    ck_assert_msg(strstr(err.msg, "brige") != NULL, "%s", err.msg);
    libxl_domain_config_dispose(&cfg);

    libxl_domain_config_init(&cfg);
    ck_assert(xlt_device_parse("disk", "phy:/dev/vg0/x',xvdc", &cfg, &err));
    ck_assert(xlt_device_parse("vfb", "vnc=1", &cfg, &err));
    libxl_domain_config_dispose(&cfg);
}
END_TEST

START_TEST(missing_file_names_it)
{
    struct xlt_err err;
    char *text;
    size_t len;

    ck_assert(xlt_read_file("/nonexistent/x.cfg", &text, &len, &err));
    ck_assert_str_eq(err.msg, "/nonexistent/x.cfg: No such file or directory");
}
END_TEST

/* `create FILE KEY=VALUE...': parse FILE's TEXT with the overrides; the
 * error (or "") lands in ERR, the warnings in WARNINGS. */
static int parse_with(const char *text, char *const *ovr, int n,
                      libxl_domain_config *cfg, struct xlt_err *err,
                      char **warnings)
{
    char *joined = NULL;
    size_t len, wlen = 0;
    FILE *warn = open_memstream(warnings, &wlen);
    int rc;

    ck_assert(warn);
    err->msg[0] = '\0';
    libxl_domain_config_init(cfg);
    rc = xlt_config_add_overrides(text, strlen(text), ovr, n, &joined, &len,
                                  err);
    if (rc == 0)
        rc = xlt_config_parse("f.cfg", joined, len, strlen(text), &unit_topology, cfg, warn,
                              err);
    fclose(warn);
    free(joined);
    return rc;
}

START_TEST(override_replaces_the_file)
{
    char *ovr[] = {"memory=512", "name=\"web2\"", "vif=['bridge=br1']"};
    libxl_domain_config cfg;
    struct xlt_err err;
    char *warnings = NULL;

    /* no newline at the end of the file: the override still starts a line */
    ck_assert_msg(!parse_with("name='a'\nkernel='/k'\nmemory=128", ovr, 3,
                              &cfg, &err, &warnings), "%s", err.msg);
    ck_assert_uint_eq(cfg.b_info.target_memkb, 512 * 1024);
    ck_assert_str_eq(cfg.c_info.name, "web2");
    ck_assert_int_eq(cfg.num_nics, 1);
    ck_assert_str_eq(cfg.nics[0].bridge, "br1");
    ck_assert_str_eq(warnings, "");
    libxl_domain_config_dispose(&cfg);
    free(warnings);
}
END_TEST

START_TEST(override_errors_say_command_line)
{
    static const char file[] = "name='a'\nkernel='/k'\n";
    char *bad_value[] = {"memory=\"lots\""}, *not_kv[] = {"memory"};
    char *bad_syntax[] = {"memory=[1"}, *unknown[] = {"frob=1"};
    libxl_domain_config cfg;
    struct xlt_err err;
    char *warnings = NULL;

    ck_assert(parse_with(file, bad_value, 1, &cfg, &err, &warnings));
    ck_assert_str_eq(err.msg, "command line: memory: `lots' is not a number");
    libxl_domain_config_dispose(&cfg);
    free(warnings);
    ck_assert(parse_with(file, not_kv, 1, &cfg, &err, &warnings));
    ck_assert_str_eq(err.msg, "command line: `memory' is not KEY=VALUE");
    libxl_domain_config_dispose(&cfg);
    free(warnings);
    ck_assert(parse_with(file, bad_syntax, 1, &cfg, &err, &warnings));
    ck_assert_msg(!strncmp(err.msg, "command line:1: ", 16), "%s", err.msg);
    libxl_domain_config_dispose(&cfg);
    free(warnings);
    ck_assert(!parse_with(file, unknown, 1, &cfg, &err, &warnings));
    ck_assert_str_eq(warnings, "command line: warning: frob: unknown key, "
                     "ignored\n");
    libxl_domain_config_dispose(&cfg);
    free(warnings);
}
END_TEST

START_TEST(fixtures_present)
{
    ck_assert_msg(cfgs.gl_pathc >= 10, "only %zu fixtures found; is "
                  "XLT_SRCDIR right?", cfgs.gl_pathc);
}
END_TEST

static void free_cfgs(void)
{
    globfree(&cfgs);
}

Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("golden");
    char *pattern = unit_path(FIXTURES "/*.cfg");

    if (glob(pattern, 0, NULL, &cfgs) != 0)
        cfgs.gl_pathc = 0;
    atexit(free_cfgs);
    free(pattern);
    tcase_add_loop_test(tc, golden, 0, (int)cfgs.gl_pathc);
    tcase_add_test(tc, fixtures_present);
    tcase_add_test(tc, uuid_generated_when_absent);
    tcase_add_test(tc, ms_vm_genid_generated);
    tcase_add_test(tc, vnuma_pnode_counts_real_nodes);
    tcase_add_test(tc, missing_file_names_it);
    tcase_add_test(tc, dedicated_read_for_xltd);
    tcase_add_test(tc, device_spec_for_attach);
    tcase_add_test(tc, override_replaces_the_file);
    tcase_add_test(tc, override_errors_say_command_line);
    suite_add_tcase(s, tc);
    return s;
}
