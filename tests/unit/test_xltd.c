/*
 * test_xltd.c: the daemon's parts that need no hypervisor: its log (the
 * journal's priorities, errno appended), libxl's words for an error, the
 * unattended job, and the request layer's refusals.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
    ck_assert_int_eq(libxlerr_set(&d, ERROR_FAIL, &err, "creating %s failed",
                                  "web"), -1);
    ck_assert_str_eq(err.msg, "creating web failed: device script: LV vg/lv "
                              "does not exist");
    ck_assert_int_eq(libxlerr_set(&d, ERROR_FAIL, &err, "again"), -1);
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

/* Dispatch CMD from a (gone) client 7 that is root if ROOT; the log. */
static char *dispatch(const char *cmd, bool root)
{
    struct xlt_msg msg = {.kind = XLT_MSG_REQUEST};
    struct xltd d;
    FILE *f = quiet_daemon(&d, LOGL_INFO);
    char *text;

    msg.cmd = cmd;
    request_dispatch(&d, 7, root, &msg);
    text = log_text(f);
    fclose(f);
    return text;
}

START_TEST(requests_refused)
{
    char *text = dispatch("destroy", false);

    ck_assert_ptr_nonnull(strstr(text, "client 7: destroy: error: destroy: "
                                       "permission denied (root only)\n"));
    free(text);
    text = dispatch("frobnicate", true);
    ck_assert_ptr_nonnull(strstr(text, "client 7: frobnicate: error: unknown "
                                       "request `frobnicate' (xltd is older "
                                       "than xlt?)\n"));
    free(text);
}
END_TEST

/* Requests only xlt's own steps make (create's cpus= needs the host's
 * CPUs), not a command of their own. */
static bool internal_request(const char *name)
{
    return !strcmp(name, "topology");
}

/* The CLI's "modifies" is the daemon's: one fact, which roles and the
 * audit trail will read from the daemon's table. */
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
        ck_assert_msg(t->modifies == !!(c->flags & CMD_MODIFIES),
                      "xlt %s says it %s, xltd's %s says the opposite",
                      c->name, c->flags & CMD_MODIFIES ? "modifies"
                                                       : "only reads",
                      t->name);
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
    suite_add_tcase(s, tc);
    return s;
}
