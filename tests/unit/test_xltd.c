/*
 * test_xltd.c: the daemon's parts that need no hypervisor: its log (the
 * journal's priorities, errno appended), libxl's words for an error, the
 * unattended job, and the request layer's refusals.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../xlt/cli/cli.h"
#include "api.h"
#include "unit.h"

/* What LOG wrote to F so far. */
static char *log_text(FILE *f)
{
    long n = ftell(f);
    char *text = calloc(1, (size_t)n + 1);

    ck_assert_ptr_nonnull(text);
    rewind(f);
    ck_assert_int_eq(fread(text, 1, (size_t)n, f), n);
    return text;
}

/* A daemon state with only its log, to a temporary file. */
static FILE *quiet_daemon(struct xltd *d, enum log_level level)
{
    FILE *f = tmpfile();

    ck_assert_ptr_nonnull(f);
    memset(d, 0, sizeof(*d));
    unsetenv("JOURNAL_STREAM");
    log_init(&d->log, f, level);
    return f;
}

START_TEST(log_to_journal)
{
    FILE *f = tmpfile();
    struct xltd_log log;
    struct stat st;
    char stream[64];
    char *text;

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fstat(fileno(f), &st), 0);
    snprintf(stream, sizeof(stream), "%llu:%llu",
             (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
    setenv("JOURNAL_STREAM", stream, 1);
    log_init(&log, f, LOGL_INFO);
    errno = ENOENT;
    log_warn(&log, "opening %s", "x.conf");
    ck_assert_int_eq(errno, ENOENT);
    log_errx(&log, "no errno here");
    log_info(&log, "ready");
    log_debug(&log, "not at this level");
    text = log_text(f);
    ck_assert_str_eq(text, "<4>opening x.conf: No such file or directory\n"
                           "<3>no errno here\n<6>ready\n");
    free(text);
    unsetenv("JOURNAL_STREAM");
    fclose(f);
}
END_TEST

START_TEST(log_to_file)
{
    struct xltd d;
    FILE *f = quiet_daemon(&d, LOGL_DEBUG);
    char *text;

    errno = EACCES;
    log_err(&d.log, "writing %s", "/var/lib/xlt/x");
    text = log_text(f);
    ck_assert_ptr_nonnull(strstr(text, " xltd error: writing /var/lib/xlt/x: "
                                       "Permission denied\n"));
    ck_assert_ptr_null(strstr(text, "<3>"));
    free(text);
    fclose(f);
}
END_TEST

START_TEST(libxl_words_once)
{
    struct xltd d;
    FILE *f = quiet_daemon(&d, LOGL_INFO);
    struct xlt_err err;

    snprintf(d.log.last_libxl_error, sizeof(d.log.last_libxl_error),
             "device script: LV vg/lv does not exist");
    ck_assert_int_eq(xlerr_set(&d, ERROR_FAIL, &err, "creating %s failed",
                                  "web"), -1);
    ck_assert_str_eq(err.msg, "creating web failed: device script: LV vg/lv "
                              "does not exist");
    ck_assert_int_eq(xlerr_set(&d, ERROR_FAIL, &err, "again"), -1);
    ck_assert_str_eq(err.msg, "again: libxl error -3");
    fclose(f);
}
END_TEST

START_TEST(unattended_job_logs_errors)
{
    struct xltd d;
    FILE *f = quiet_daemon(&d, LOGL_INFO);
    char *text;

    job_init_unattended(&d);
    job_progress(&d.unattended, "dropped %d", 1);
    job_done(&d.unattended, NULL);
    job_fail(&d.unattended, "restarting %s failed: %s", "web", "why");
    text = log_text(f);
    ck_assert_ptr_nonnull(strstr(text, "xltd error: restarting web failed: "
                                       "why\n"));
    ck_assert_ptr_null(strstr(text, "dropped"));
    free(text);
    fclose(f);
}
END_TEST

/* Dispatch CMD from a (gone) client 7, user alice with ROLE, to an xltd
 * that is STOPPING or not; the log. */
static char *dispatch_to(const char *cmd, enum xlt_role role, bool stopping)
{
    struct xlt_msg msg = {.kind = XLT_MSG_REQUEST};
    struct caller caller = {.role = role, .uid = 1000, .who = "alice"};
    struct xltd d;
    FILE *f = quiet_daemon(&d, LOGL_INFO);
    char *text;

    msg.cmd = cmd;
    d.stopping = stopping;
    request_dispatch(&d, 7, &caller, &msg);
    text = log_text(f);
    fclose(f);
    return text;
}

static char *dispatch(const char *cmd, enum xlt_role role)
{
    return dispatch_to(cmd, role, false);
}

START_TEST(requests_refused)
{
    char *text = dispatch("destroy", XLT_ROLE_READ_ONLY);

    ck_assert_ptr_nonnull(strstr(text, "client 7: destroy: error: destroy: "
                                       "permission denied: it needs the "
                                       "operator role (this caller, alice, "
                                       "is read-only)\n"));
    free(text);
    text = dispatch("create", XLT_ROLE_OPERATOR);
    ck_assert_ptr_nonnull(strstr(text, "client 7: create: error: create: "
                                       "permission denied: it needs the "
                                       "admin role (this caller, alice, is "
                                       "operator)\n"));
    free(text);
    text = dispatch("frobnicate", XLT_ROLE_ADMIN);
    ck_assert_ptr_nonnull(strstr(text, "client 7: frobnicate: error: unknown "
                                       "request `frobnicate' (xltd is older "
                                       "than xlt?)\n"));
    free(text);
}
END_TEST

/* The audit trail's file (api/trail.c): a record per audited request,
 * the chain going on across xltd's restarts. */
static void trail_one(struct xltd *d, const char *op, const char *args,
                      const char *result, const char *error)
{
    struct caller caller = {.role = XLT_ROLE_OPERATOR, .uid = 1000,
                            .who = "alice"};
    struct audit_subject s;
    yajl_val v = args ? yajl_tree_parse(args, NULL, 0) : NULL;

    trail_begin(d, &s, &caller, op, v);
    trail_end(d, &s, result, error, NULL);
    trail_subject_dispose(&s);
    yajl_tree_free(v);
}

START_TEST(trail_file_chains_records)
{
    char dir[] = "/tmp/xlt-trail-XXXXXX", path[64], *text = NULL;
    char last[XLT_AUDIT_HASH_LEN + 1];
    struct xltd d;
    FILE *f = quiet_daemon(&d, LOGL_INFO);
    struct xlt_err err;
    size_t len = 0, n = 0;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/log/audit.log", dir);
    ck_assert_int_eq(trail_open(&d, path), 0);
    trail_one(&d, "create", "{\"config\":{\"c_info\":{\"name\":\"web\","
              "\"uuid\":\"6d2f3c1e-8a4b-4c2d-9e1f-0a1b2c3d4e5f\"}},"
              "\"paused\":true}", "ok", NULL);
    trail_one(&d, "destroy", NULL, "refused", "destroy: permission denied");
    trail_close(&d);
    ck_assert_int_eq(trail_open(&d, path), 0); /* xltd starts again */
    trail_one(&d, "pause", NULL, "failed", "no domain `x'");
    trail_close(&d);
    ck_assert_int_eq(xlt_read_file(path, &text, &len, &err), 0);
    ck_assert_int_eq(xlt_audit_verify(text, len, &n, last, &err), 0);
    ck_assert_int_eq(n, 3);
    ck_assert_ptr_nonnull(strstr(text, "\"seq\":1,"));
    ck_assert_ptr_nonnull(strstr(text, "\"user\":\"alice\",\"uid\":1000,"
                                       "\"role\":\"operator\",\"op\":"
                                       "\"create\",\"vm\":\"web\",\"uuid\":"
                                       "\"6d2f3c1e-8a4b-4c2d-9e1f-0a1b2c3d4e5f\","
                                       "\"params\":{\"paused\":true},"
                                       "\"result\":\"ok\",\"error\":null,"));
    ck_assert_ptr_nonnull(strstr(text, "\"op\":\"destroy\",\"vm\":null,"));
    ck_assert_ptr_nonnull(strstr(text, "\"seq\":3,"));
    free(text);
    unlink(path);
    snprintf(path, sizeof(path), "%s/log", dir);
    rmdir(path);
    rmdir(dir);
    fclose(f);
}
END_TEST

/* While xltd stops, a change is refused; a look is not (it would be
 * answered, but its handler needs libxl: only the refusal is checked). */
START_TEST(changes_refused_while_stopping)
{
    char *text = dispatch_to("pause", XLT_ROLE_ADMIN, true);

    ck_assert_ptr_nonnull(strstr(text, "client 7: pause: error: pause: xltd "
                                       "is stopping (try again once it is "
                                       "back)\n"));
    free(text);
}
END_TEST

static void nothing_done(libxl_ctx *ctx, int rc, void *arg)
{
    (void)ctx;
    (void)rc;
    (void)arg;
}

/* The operations under way are listed from their start to their end. */
START_TEST(inflight_listed_until_they_end)
{
    struct inflight a = {0}, b = {0};
    struct xltd d = {0};
    const libxl_asyncop_how *how;

    how = inflight_begin(&d, &a, "a create", nothing_done, NULL);
    inflight_begin(&d, &b, "a save", nothing_done, NULL);
    ck_assert_uint_eq(inflight_count(&d), 2);
    how->callback(NULL, 0, how->u.for_callback); /* libxl's end of A */
    ck_assert_uint_eq(inflight_count(&d), 1);
    inflight_begin(&d, &b, "a save's destroy", nothing_done, NULL);
    ck_assert_uint_eq(inflight_count(&d), 1); /* the next step, not two */
    inflight_end(&d, &b); /* libxl refused it at once */
    inflight_end(&d, &b);
    ck_assert_uint_eq(inflight_count(&d), 0);
}
END_TEST

/* The pool's key is a secret: a file others may read is refused. */
START_TEST(migration_key_mode)
{
    char path[] = "/tmp/xlt-unit-key-XXXXXX";
    struct migrate_conf conf = {.key_path = path};
    struct xlt_err err;
    char *key = NULL, want[256];
    int fd = mkstemp(path);

    ck_assert_int_ge(fd, 0);
    ck_assert(!xlt_write_all(fd, "00112233445566778899aabbccddeeff\n", 33));
    close(fd);
    ck_assert_int_eq(chmod(path, 0644), 0);
    ck_assert_int_eq(mworker_key(&conf, &key, &err), -1);
    snprintf(want, sizeof(want), "the migration key %s may be read by "
             "others (mode 0644): chmod 600 it", path);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(chmod(path, 0600), 0);
    ck_assert_int_eq(mworker_key(&conf, &key, &err), 0);
    ck_assert_str_eq(key, "00112233445566778899aabbccddeeff");
    free(key);
    unlink(path);
}
END_TEST

/* xlt.conf with TEXT read into CONF; conf_read's result, its error in
 * ERR with the file's name as "xlt.conf". */
static int read_conf(const char *text, struct xltd_conf *conf,
                     struct xlt_err *err)
{
    char path[] = "/tmp/xlt-unit-conf-XXXXXX";
    int fd = mkstemp(path), rc;
    char *at;

    ck_assert_int_ge(fd, 0);
    ck_assert(!xlt_write_all(fd, text, strlen(text)));
    close(fd);
    memset(conf, 0, sizeof(*conf));
    conf_init(conf);
    rc = conf_read(conf, path, true, err);
    unlink(path);
    at = rc ? strstr(err->msg, path) : NULL;
    if (at) { /* the message names the file "xlt.conf" */
        char rest[sizeof(err->msg) - 16];
        snprintf(rest, sizeof(rest), "%s", at + strlen(path));
        snprintf(err->msg, sizeof(err->msg), "xlt.conf%s", rest);
    }
    return rc;
}

/* xlt.conf with TEXT is refused with MSG. */
static void conf_refused(const char *text, const char *msg)
{
    struct xltd_conf conf;
    struct xlt_err err;

    ck_assert_int_eq(read_conf(text, &conf, &err), -1);
    ck_assert_str_eq(err.msg, msg);
    conf_dispose(&conf);
}

/* migrate_listen: one address or a list, numeric; plain migrations only
 * on named addresses. */
START_TEST(migrate_listen_addresses)
{
    struct xltd_conf conf;
    struct xlt_err err;

    ck_assert_int_eq(read_conf("migrate_listen = \"10.0.0.1\"\n", &conf,
                               &err), 0);
    ck_assert_uint_eq(conf.migrate.n_listen, 1);
    ck_assert_str_eq(conf.migrate.listen[0], "10.0.0.1");
    conf_dispose(&conf);
    ck_assert_int_eq(read_conf("migrate_plain = 1\nmigrate_listen = "
                               "[\"10.9.0.1\", \"fd00::1\"]\n", &conf,
                               &err), 0);
    ck_assert_uint_eq(conf.migrate.n_listen, 2);
    ck_assert_str_eq(conf.migrate.listen[1], "fd00::1");
    conf_dispose(&conf);
    /* plain, but no listener: only sends */
    ck_assert_int_eq(read_conf("migrate_plain = 1\nmigrate_port = 0\n",
                               &conf, &err), 0);
    conf_dispose(&conf);

    ck_assert_int_eq(read_conf("\nmigrate_listen = \"lab-a\"\n", &conf,
                               &err), -1);
    ck_assert_str_eq(err.msg, "xlt.conf:2: migrate_listen: `lab-a' is not an "
                     "IP address (numeric IPv4 or IPv6; no names)");
    conf_dispose(&conf);
    ck_assert_int_eq(read_conf("migrate_plain = 1\n", &conf, &err), -1);
    ck_assert_str_eq(err.msg, "xlt.conf:1: migrate_plain: plain migrations "
                     "(no TLS, no key) are taken only on the addresses "
                     "migrate_listen names (a trusted, private link's); it "
                     "names none");
    conf_dispose(&conf);
    ck_assert_int_eq(read_conf("migrate_plain = 1\nmigrate_listen = "
                               "[\"10.9.0.1\", \"::\"]\n", &conf, &err),
                     -1);
    ck_assert_str_eq(err.msg, "xlt.conf:1: migrate_plain: plain migrations "
                     "are taken only on named addresses, and "
                     "migrate_listen's `::' is every address");
    conf_dispose(&conf);
}
END_TEST

/* crash_restart_limit, crash_restart_window, dump_keep: defaults, set,
 * out of range. */
START_TEST(crash_keys)
{
    struct xltd_conf conf;
    struct xlt_err err;

    ck_assert_int_eq(read_conf("\n", &conf, &err), 0);
    ck_assert_int_eq(conf.crash.restart_limit, 5);
    ck_assert_int_eq(conf.crash.window_s, 600);
    ck_assert_int_eq(conf.crash.dump_keep, 3);
    conf_dispose(&conf);
    ck_assert_int_eq(read_conf("crash_restart_limit = 0\ndump_keep = 1\n"
                               "crash_restart_window = 60\n", &conf, &err),
                     0);
    ck_assert_int_eq(conf.crash.restart_limit, 0);
    ck_assert_int_eq(conf.crash.window_s, 60);
    ck_assert_int_eq(conf.crash.dump_keep, 1);
    conf_dispose(&conf);
    ck_assert_int_eq(read_conf("crash_restart_window = 0\n", &conf, &err),
                     -1);
    ck_assert_str_eq(err.msg, "xlt.conf:1: crash_restart_window: `0' is "
                     "out of range [1, 86400]");
    conf_dispose(&conf);
}
END_TEST

/* host_shutdown and its company: defaults, set, refused. */
START_TEST(host_keys)
{
    struct xltd_conf conf;
    struct xlt_err err;

    ck_assert_int_eq(read_conf("\n", &conf, &err), 0);
    ck_assert_int_eq(conf.host.mode, HOST_SHUTDOWN_SAVE);
    ck_assert_str_eq(conf.host.save_dir, "/var/lib/xlt/save");
    ck_assert_int_eq(conf.host.shutdown_timeout_s, 300);
    ck_assert_str_eq(conf.host.migrate_to, "");
    ck_assert_int_eq(conf.host.parallel, 4);
    ck_assert_str_eq(conf.boot_mark, "/run/xlt/booted");
    conf_dispose(&conf);
    ck_assert_int_eq(read_conf("host_shutdown = \"migrate\"\n"
                               "host_migrate_to = \"hostb:8002\"\n"
                               "host_save_dir = \"/srv/save\"\n"
                               "host_shutdown_timeout = 8\n"
                               "host_parallel = 1\n", &conf, &err),
                     0);
    ck_assert_int_eq(conf.host.mode, HOST_SHUTDOWN_MIGRATE);
    ck_assert_str_eq(host_shutdown_mode_name(conf.host.mode), "migrate");
    ck_assert_str_eq(conf.host.migrate_to, "hostb:8002");
    ck_assert_str_eq(conf.host.save_dir, "/srv/save");
    ck_assert_int_eq(conf.host.shutdown_timeout_s, 8);
    ck_assert_int_eq(conf.host.parallel, 1);
    conf_dispose(&conf);
    conf_refused("host_shutdown = \"nap\"\n",
                 "xlt.conf:1: host_shutdown: `nap' is not save, shutdown or "
                 "migrate");
    conf_refused("host_save_dir = \"save\"\n",
                 "xlt.conf:1: host_save_dir: `save' is not an absolute path");
    conf_refused("host_parallel = 0\n",
                 "xlt.conf:1: host_parallel: `0' is out of range [1, 64]");
}
END_TEST

/* A batch whose operations 1 and 3 fail at once and the others end when
 * the test says: never more than 2 under way, each end told once, the
 * batch's end once, after the last. */
struct fake_batch {
    struct job *jobs[5];
    int running, most, ends, failures, done;
};

static int fake_start(struct xltd *d, size_t i, struct job *job,
                      struct xlt_err *err, void *arg)
{
    struct fake_batch *f = arg;

    (void)d;
    if (i == 1 || i == 3)
        return xlt_err_set(err, "operation %zu refused", i);
    f->jobs[i] = job;
    if (++f->running > f->most)
        f->most = f->running;
    return 0;
}

static void fake_end(struct xltd *d, size_t i, const char *result,
                     const char *error, void *arg)
{
    struct fake_batch *f = arg;

    (void)d;
    f->ends++;
    if (error) {
        f->failures++;
        ck_assert(i == 1 || i == 3);
    } else {
        ck_assert_str_eq(result, "{}");
        f->running--;
    }
}

static void fake_done(struct xltd *d, size_t ended, void *arg)
{
    struct fake_batch *f = arg;

    (void)d;
    ck_assert_int_eq((int)ended, 5);
    f->done++;
}

START_TEST(batch_runs_a_few_at_a_time)
{
    static const struct batch_ops ops = {fake_start, fake_end, fake_done};
    struct fake_batch f = {0};
    struct xltd d;
    FILE *log = quiet_daemon(&d, LOGL_INFO);

    ck_assert_int_eq(batch_run(&d, 5, 2, &ops, &f), 0);
    ck_assert_int_eq(f.running, 2); /* 0 and 2 (1 failed at once) */
    job_done(f.jobs[0], NULL);      /* 3 fails, 4 starts */
    ck_assert_int_eq(f.failures, 2);
    job_done(f.jobs[2], NULL);
    ck_assert_int_eq(f.done, 0);
    job_done(f.jobs[4], NULL);
    ck_assert_int_eq(f.done, 1);
    ck_assert_int_eq(f.ends, 5);
    ck_assert_int_eq(f.most, 2);
    fclose(log);
}
END_TEST

/* stop_timeout and control_idle_timeout: defaults, set, out of range. */
START_TEST(timeout_keys)
{
    struct xltd_conf conf;
    struct xlt_err err;

    ck_assert_int_eq(read_conf("\n", &conf, &err), 0);
    ck_assert_int_eq(conf.stop_seconds, 30);
    ck_assert_int_eq(conf.idle_seconds, 30);
    conf_dispose(&conf);
    ck_assert_int_eq(read_conf("control_idle_timeout = 15\n", &conf, &err),
                     0);
    ck_assert_int_eq(conf.idle_seconds, 15);
    conf_dispose(&conf);
    conf_refused("control_idle_timeout = 0\n", "xlt.conf:1: "
                 "control_idle_timeout: `0' is out of range [1, 86400]");
}
END_TEST

/* What policy_incoming says of a PV guest's config with LINES added, on
 * a host whose xlt.conf is CONF_TEXT. */
static int incoming_on(const char *conf_text, const char *lines,
                       struct xlt_err *err)
{
    char text[1024];
    libxl_domain_config cfg;
    struct xltd_conf conf;
    int rc;

    ck_assert_msg(!read_conf(conf_text, &conf, err), "%s", err->msg);
    snprintf(text, sizeof(text), "name = \"mig\"\nkernel = \"/boot/k\"\n"
             "memory = 128\n%s\n", lines);
    libxl_domain_config_init(&cfg);
    ck_assert_msg(!xlt_config_parse("mig.cfg", text, strlen(text),
                                    strlen(text), &unit_topology, &cfg, NULL,
                                    err), "%s", err->msg);
    rc = policy_incoming(&conf.migrate, &cfg, err);
    libxl_domain_config_dispose(&cfg);
    conf_dispose(&conf);
    return rc;
}

static int incoming(const char *lines, struct xlt_err *err)
{
    return incoming_on("migrate_volume_groups = \"vg\"\n", lines, err);
}

/* A migrating peer cannot choose what runs in dom0, take its hardware,
 * or hand the guest dom0's files and disks; xlt's own scripts, by any
 * host's path, the volume groups and directories xlt.conf names are
 * fine. */
START_TEST(incoming_policy)
{
    static const struct {
        const char *lines, *error;
    } refused[] = {
        {"vif = [\"bridge=xenbr0,script=/tmp/evil\"]",
         "vif 0: its hotplug script is this host's to choose; refused"},
        {"disk = [\"phy:/dev/vg/lv,xvda,w,script=/tmp/evil\"]",
         "disk 0: its hotplug script is this host's to choose; refused"},
        {"device_model_override = \"/bin/sh\"",
         "device_model_override: the device model is this host's to "
         "choose; refused"},
        {"device_model_args = [\"-chardev\", \"file,path=/etc/shadow\"]",
         "device_model_args: the device model's command line is this "
         "host's to choose; refused"},
        {"device_model_user = \"root\"",
         "device_model_user: the device model's user is this host's to "
         "choose; refused"},
        {"bootloader = \"/tmp/evil\"",
         "bootloader: a program run in dom0 is this host's to choose; "
         "refused"},
        {"ioports = [\"3f8-3ff\"]",
         "ioports: passing its I/O ports through is this host's to choose; "
         "refused"},
        {"iomem = [\"fe000,1\"]",
         "iomem: passing its memory through is this host's to choose; "
         "refused"},
        {"irqs = [7]",
         "irqs: passing its IRQs through is this host's to choose; refused"},
        {"pci = [\"0000:00:02.0\"]",
         "pci: passing its devices through is this host's to choose; "
         "refused"},
        {"p9 = [\"tag=share,path=/etc,security_model=none\"]",
         "p9: sharing a directory of dom0's is this host's to choose; "
         "refused"},
        {"type = \"hvm\"\nserial = \"file:/etc/passwd\"",
         "serial: where a serial port goes is this host's to choose; "
         "refused"},
        {"ramdisk = \"/etc/shadow\"",
         "ramdisk: /etc/shadow is not in a directory migrate_boot_dirs names "
         "(xlt.conf); refused"},
        {"ramdisk = \"/boot/../etc/shadow\"",
         "ramdisk: /boot/../etc/shadow is not in a directory "
         "migrate_boot_dirs names (xlt.conf); refused"},
        {"disk = [\"phy:/dev/sda,xvda,w\"]",
         "disk 0: /dev/sda is neither an LV of a volume group "
         "migrate_volume_groups names nor in a directory migrate_disk_dirs "
         "names (xlt.conf); refused"},
        {"disk = [\"phy:/dev/vg/lv,xvda,w\", \"phy:/dev/other/lv,xvdb,w\"]",
         "disk 1: /dev/other/lv is an LV of volume group `other', which "
         "migrate_volume_groups (xlt.conf) does not name; refused"},
        {"disk = [\"/var/lib/xen/images/../../../etc/shadow,raw,xvda,r\"]",
         "disk 0: /var/lib/xen/images/../../../etc/shadow is neither an LV "
         "of a volume group migrate_volume_groups names nor in a directory "
         "migrate_disk_dirs names (xlt.conf); refused"},
    };
    struct xlt_err err;

    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        ck_assert_msg(incoming(refused[i].lines, &err) == -1, "%s",
                      refused[i].lines);
        ck_assert_str_eq(err.msg, refused[i].error);
    }
    ck_assert_msg(!incoming("vif = [\"bridge=xenbr0,script=/usr/local/lib/"
                            "xlt/vif-bridge\", \"bridge=xenbr0,script=/etc/"
                            "xen/scripts/vif-bridge\"]\ndisk = [\"phy:/dev/"
                            "vg/lv,xvda,w,script=/usr/lib/xlt/block-lvm\", "
                            "\"/var/lib/xen/images/web.img,raw,xvdb,w\"]\n"
                            "ramdisk = \"/var/lib/xlt/boot/initrd\"",
                            &err), "%s", err.msg);
    /* no volume group named: no LV disk */
    ck_assert(incoming_on("\n", "disk = [\"phy:/dev/vg/lv,xvda,w\"]", &err));
    ck_assert_str_eq(err.msg, "disk 0: /dev/vg/lv is an LV of volume group "
                     "`vg', which migrate_volume_groups (xlt.conf) does not "
                     "name; refused");
}
END_TEST

/* A file at PATH with MODE. */
static void write_mode(const char *path, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);

    ck_assert_int_ge(fd, 0);
    ck_assert(!xlt_write_all(fd, "boot", 4));
    close(fd);
    ck_assert(!chmod(path, mode));
}

/* A domain with kernel PATH migrating to a host with xlt.conf CONF is
 * refused: PATH is not in migrate_boot_dirs. */
static void kernel_outside(const char *conf, const char *path)
{
    char lines[256], want[256];
    struct xlt_err err;

    snprintf(lines, sizeof(lines), "kernel = \"%s\"", path);
    ck_assert(incoming_on(conf, lines, &err));
    snprintf(want, sizeof(want), "kernel: %s is not in a directory "
             "migrate_boot_dirs names (xlt.conf); refused", path);
    ck_assert_str_eq(err.msg, want);
}

/* Boot files that are here: readable by everyone, and in the directory
 * once their links are resolved. */
START_TEST(incoming_boot_files_here)
{
    char dir[] = "/tmp/xlt-unit-boot-XXXXXX", conf[128], lines[256];
    char private_file[64], open_file[64], link[64];
    struct xlt_err err;

    ck_assert(mkdtemp(dir));
    snprintf(conf, sizeof(conf), "migrate_boot_dirs = \"%s\"\n", dir);
    snprintf(private_file, sizeof(private_file), "%s/private", dir);
    snprintf(open_file, sizeof(open_file), "%s/open", dir);
    snprintf(link, sizeof(link), "%s/link", dir);
    write_mode(private_file, 0600);
    write_mode(open_file, 0644);
    ck_assert(!symlink("/etc/hostname", link));

    snprintf(lines, sizeof(lines), "kernel = \"%s\"", open_file);
    ck_assert_msg(!incoming_on(conf, lines, &err), "%s", err.msg);
    snprintf(lines, sizeof(lines), "kernel = \"%s\"\nramdisk = \"%s\"",
             open_file, private_file);
    ck_assert(incoming_on(conf, lines, &err));
    ck_assert_str_eq(strstr(err.msg, "private"), "private is not a file "
                     "everyone here may read; refused");
    kernel_outside(conf, link);
    /* a link to nothing, and a missing file under a linked directory */
    unlink(link);
    ck_assert(!symlink("/nonexistent/x", link));
    kernel_outside(conf, link);
    unlink(link);
    ck_assert(!symlink("/etc", link));
    snprintf(lines, sizeof(lines), "%s/missing", link);
    kernel_outside(conf, lines);
    snprintf(lines, sizeof(lines), "kernel = \"%s/missing\"", dir);
    ck_assert_msg(!incoming_on(conf, lines, &err), "%s", err.msg);
    unlink(private_file);
    unlink(open_file);
    unlink(link);
    rmdir(dir);
}
END_TEST

/* migrate_boot_dirs, migrate_disk_dirs, migrate_volume_groups: defaults,
 * one or a list, none, bad values. */
START_TEST(incoming_keys)
{
    struct xltd_conf conf;
    struct xlt_err err;

    ck_assert_int_eq(read_conf("\n", &conf, &err), 0);
    ck_assert_str_eq(conf.migrate.boot_dirs[0], "/boot");
    ck_assert_str_eq(conf.migrate.disk_dirs[1], "/var/lib/xen/images");
    ck_assert_ptr_null(conf.migrate.volume_groups);
    conf_dispose(&conf);
    ck_assert_int_eq(read_conf("migrate_volume_groups = [\"vg0\", \"data_1\"]"
                               "\nmigrate_boot_dirs = []\nmigrate_disk_dirs = "
                               "\"/srv/xen\"\n", &conf, &err), 0);
    ck_assert_str_eq(conf.migrate.volume_groups[1], "data_1");
    ck_assert_ptr_null(conf.migrate.boot_dirs[0]);
    ck_assert_str_eq(conf.migrate.disk_dirs[0], "/srv/xen");
    ck_assert_ptr_null(conf.migrate.disk_dirs[1]);
    conf_dispose(&conf);
    conf_refused("migrate_boot_dirs = [\"/boot\", \"img\"]\n", "xlt.conf:1: "
                 "migrate_boot_dirs: `img' is not an absolute path");
    conf_refused("\nmigrate_volume_groups = \"a/b\"\n", "xlt.conf:2: "
                 "migrate_volume_groups: `a/b' is not a volume group's name");
}
END_TEST

START_TEST(domain_names)
{
    char long_name[200];
    struct xlt_err err;

    ck_assert(!policy_domain_name("web-1.example", &err));
    ck_assert(policy_domain_name("../../etc/x", &err));
    ck_assert_str_eq(err.msg, "the domain's name `../../etc/x' has a `/' or "
                              "a control character");
    memset(long_name, 'a', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    ck_assert(policy_domain_name(long_name, &err));
    ck_assert_str_eq(err.msg, "the domain's name is 199 characters long (at "
                              "most 128)");
}
END_TEST

/* Requests only xlt's own steps make (create's cpus= needs the host's
 * CPUs), not a command of their own. */
static bool internal_request(const char *name)
{
    return !strcmp(name, "topology");
}

/* The CLI's role of each command is the daemon's of its request: one
 * fact, which the man page's PERMISSIONS and the audit trail read. */
START_TEST(command_and_request_tables_agree)
{
    for (size_t i = 0; i < xlt_ncommands; i++) {
        const struct xlt_command *c = &xlt_commands[i];
        const struct request_type *t;
        if (!c->request)
            continue;
        t = request_type_find(c->request);
        ck_assert_msg(t, "xlt %s makes request %s, which xltd lacks", c->name,
                      c->request);
        ck_assert_msg(t->role == xlt_command_role(c),
                      "xlt %s needs the %s role, xltd's %s the %s role",
                      c->name, xlt_role_name(xlt_command_role(c)), t->name,
                      xlt_role_name(t->role));
    }
    for (size_t k = 0; k < request_ntypes; k++) {
        const char *name = request_types[k].name;
        bool made = internal_request(name);
        for (size_t i = 0; i < xlt_ncommands && !made; i++)
            made = xlt_commands[i].request &&
                   !strcmp(xlt_commands[i].request, name);
        ck_assert_msg(made, "xltd's request %s is made by no command", name);
        ck_assert_ptr_eq(request_type_find(name), &request_types[k]);
    }
}
END_TEST

static long long cli_like_int(yajl_val v, const char *key)
{
    long long n = -1;

    xlt_json_get_int(v, key, &n);
    return n;
}

/* What a listener of the events heard (core/events.c). */
struct heard {
    int n;
    char last[1024];
};

static void hear(struct xltd *d, const struct event *e, const char *json,
                 void *arg)
{
    struct heard *h = arg;

    (void)d;
    (void)e;
    h->n++;
    snprintf(h->last, sizeof(h->last), "%s", json);
}

/* An event is one JSON object with its kind, domain and own members;
 * nothing of a migration's copies; nobody hears once unlistened. */
START_TEST(events_told_to_listeners)
{
    struct xltd d;
    FILE *f = quiet_daemon(&d, LOGL_INFO);
    struct heard one = {0}, two = {0};
    libxl_uuid uuid;
    yajl_val v = NULL;

    ck_assert(!libxl_uuid_from_string(&uuid,
                                      "5f1e6c2a-0000-4000-8000-00000000abcd"));
    ck_assert_int_eq(events_listen(&d, hear, &one), 0);
    ck_assert_int_eq(events_listen(&d, hear, &two), 0);
    events_emit(&d, &(struct event){.kind = "shutdown", .domid = 7,
                                    .name = "web", .uuid = &uuid,
                                    .detail_key = "reason",
                                    .detail = "poweroff",
                                    .value_key = "online", .value = 2,
                                    .peer = "b", .request = "00ff"});
    ck_assert_int_eq(one.n, 1);
    ck_assert_int_eq(two.n, 1);
    ck_assert(!xlt_json_parse(one.last, sizeof(one.last), "event", &v, NULL));
    ck_assert_str_eq(xlt_json_get_str(v, "event"), "shutdown");
    ck_assert_str_eq(xlt_json_get_str(v, "name"), "web");
    ck_assert_str_eq(xlt_json_get_str(v, "uuid"),
                     "5f1e6c2a-0000-4000-8000-00000000abcd");
    ck_assert_str_eq(xlt_json_get_str(v, "reason"), "poweroff");
    ck_assert_str_eq(xlt_json_get_str(v, "peer"), "b");
    ck_assert_str_eq(xlt_json_get_str(v, "request"), "00ff");
    ck_assert_int_eq(cli_like_int(v, "domid"), 7);
    ck_assert_int_eq(cli_like_int(v, "online"), 2);
    ck_assert_ptr_nonnull(xlt_json_get_str(v, "time"));
    ck_assert_ptr_nonnull(xlt_json_get_str(v, "host"));
    yajl_tree_free(v);
    events_emit(&d, &(struct event){.kind = "stopped", .domid = 8,
                                    .name = "web--migratedaway",
                                    .uuid = &uuid});
    ck_assert_int_eq(one.n, 1);
    events_unlisten(&d, hear, &one);
    events_emit(&d, &(struct event){.kind = "paused", .domid = 7,
                                    .name = "web", .uuid = &uuid});
    ck_assert_int_eq(one.n, 1);
    ck_assert_int_eq(two.n, 2);
    for (int i = 0; i < EVENTS_MAX_LISTENERS - 1; i++)
        ck_assert_int_eq(events_listen(&d, hear, &one), 0);
    ck_assert_int_eq(events_listen(&d, hear, &one), -1);
    fclose(f);
}
END_TEST

/* A migration's id, and the target's record of the "go"s it took
 * (core/reclaim.c): what a sender that heard nothing more asks about. */
START_TEST(migration_ids_and_taken_records)
{
    struct xltd d;
    FILE *f = quiet_daemon(&d, LOGL_INFO);
    char dir[] = "/tmp/xlt-unit-taken-XXXXXX", taken[64];
    static const char id[] = "0123456789abcdef0123456789abcdef";

    ck_assert(reclaim_id_valid(id));
    ck_assert(!reclaim_id_valid("0123456789ABCDEF0123456789ABCDEF"));
    ck_assert(!reclaim_id_valid("0123456789abcdef"));
    ck_assert(!reclaim_id_valid("../../etc/passwd"));
    ck_assert(!reclaim_id_valid(NULL));
    ck_assert_ptr_nonnull(mkdtemp(dir));
    d.state_dir = dir;
    ck_assert(!reclaim_taken(&d, id));
    ck_assert_int_eq(reclaim_taken_note(&d, id, "web"), 0);
    ck_assert(reclaim_taken(&d, id));
    ck_assert_int_eq(reclaim_taken_note(&d, "../x", "web"), -1);
    reclaim_taken_sweep(&d); /* a fresh record stays */
    ck_assert(reclaim_taken(&d, id));
    reclaim_taken_drop(&d, id);
    ck_assert(!reclaim_taken(&d, id));
    snprintf(taken, sizeof(taken), "%s/taken", dir);
    ck_assert_int_eq(rmdir(taken), 0);
    ck_assert_int_eq(rmdir(dir), 0);
    fclose(f);
}
END_TEST

Suite *xltd_suite(void)
{
    Suite *s = suite_create("xltd");
    TCase *tc = tcase_create("xltd");

    tcase_add_test(tc, log_to_journal);
    tcase_add_test(tc, log_to_file);
    tcase_add_test(tc, libxl_words_once);
    tcase_add_test(tc, unattended_job_logs_errors);
    tcase_add_test(tc, requests_refused);
    tcase_add_test(tc, command_and_request_tables_agree);
    tcase_add_test(tc, migration_key_mode);
    tcase_add_test(tc, migrate_listen_addresses);
    tcase_add_test(tc, incoming_boot_files_here);
    tcase_add_test(tc, incoming_keys);
    tcase_add_test(tc, timeout_keys);
    tcase_add_test(tc, crash_keys);
    tcase_add_test(tc, host_keys);
    tcase_add_test(tc, batch_runs_a_few_at_a_time);
    tcase_add_test(tc, changes_refused_while_stopping);
    tcase_add_test(tc, trail_file_chains_records);
    tcase_add_test(tc, inflight_listed_until_they_end);
    tcase_add_test(tc, incoming_policy);
    tcase_add_test(tc, domain_names);
    tcase_add_test(tc, migration_ids_and_taken_records);
    tcase_add_test(tc, events_told_to_listeners);
    suite_add_tcase(s, tc);
    return s;
}
