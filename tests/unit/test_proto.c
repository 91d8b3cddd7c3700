/* The protocol: framing and the checks made on every message. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "xlt.h"

/* A pipe with TEXT written into it; returns the read end. */
static int pipe_with(const char *text, size_t len)
{
    int p[2];

    ck_assert(pipe(p) == 0);
    ck_assert(xlt_write_all(p[1], text, len) == 0);
    close(p[1]);
    return p[0];
}

START_TEST(lines_split_and_join)
{
    struct xlt_linebuf lb = {0};
    int fd = pipe_with("one\ntw", 6);
    char *line;

    ck_assert_int_eq(xlt_linebuf_read(&lb, fd), 6);
    ck_assert_int_eq(xlt_linebuf_take(&lb, &line), 1);
    ck_assert_str_eq(line, "one");
    free(line);
    ck_assert_int_eq(xlt_linebuf_take(&lb, &line), 0);
    close(fd);
    fd = pipe_with("o\nthree\n", 8);
    ck_assert_int_eq(xlt_linebuf_read(&lb, fd), 8);
    ck_assert_int_eq(xlt_linebuf_take(&lb, &line), 1);
    ck_assert_str_eq(line, "two");
    free(line);
    ck_assert_int_eq(xlt_linebuf_take(&lb, &line), 1);
    ck_assert_str_eq(line, "three");
    free(line);
    ck_assert_int_eq(xlt_linebuf_read(&lb, fd), 0); /* EOF */
    close(fd);
    xlt_linebuf_dispose(&lb);
}
END_TEST

START_TEST(overlong_line_refused)
{
    struct xlt_linebuf lb = {0};
    size_t len = XLT_PROTO_MAX_LINE + 2;
    char *big = malloc(len);
    char *line;
    int p[2];

    ck_assert(big && pipe(p) == 0);
    memset(big, 'x', len);
    /* Feed it by hand: a pipe holds less than a message may. */
    lb.buf = big;
    lb.len = lb.cap = len;
    ck_assert_int_eq(xlt_linebuf_take(&lb, &line), -1);
    ck_assert_ptr_null(line);
    close(p[0]);
    close(p[1]);
    xlt_linebuf_dispose(&lb);
}
END_TEST

START_TEST(request_parsed)
{
    struct xlt_msg m;
    struct xlt_err err;

    ck_assert(!xlt_msg_parse(&m, "{\"xlt\":1,\"cmd\":\"list\",\"args\":"
                             "{\"domains\":[\"a\"]}}", &err));
    ck_assert_int_eq(m.kind, XLT_MSG_REQUEST);
    ck_assert_str_eq(m.cmd, "list");
    ck_assert(YAJL_IS_ARRAY(xlt_json_get(m.body, "domains")));
    xlt_msg_dispose(&m);
}
END_TEST

START_TEST(event_and_request_id_parsed)
{
    struct xlt_msg m;
    struct xlt_err err;

    ck_assert(!xlt_msg_parse(&m, "{\"xlt\":1,\"event\":{\"event\":"
                             "\"created\",\"domid\":3}}", &err));
    ck_assert_int_eq(m.kind, XLT_MSG_EVENT);
    ck_assert_str_eq(xlt_json_get_str(m.body, "event"), "created");
    xlt_msg_dispose(&m);
    ck_assert(!xlt_msg_parse(&m, "{\"xlt\":1,\"error\":\"no\","
                             "\"request\":\"0a1b\"}", &err));
    ck_assert_int_eq(m.kind, XLT_MSG_ERROR);
    ck_assert_str_eq(m.request, "0a1b");
    xlt_msg_dispose(&m);
    ck_assert(!xlt_msg_parse(&m, "{\"xlt\":1,\"error\":\"no\"}", &err));
    ck_assert_ptr_null(m.request);
    xlt_msg_dispose(&m);
}
END_TEST

static const struct {
    const char *line, *error;
} bad_messages[] = {
    {"{\"xlt\":1,\"cmd\":", "message is not JSON: parse error: premature EOF"},
    {"[1]", "message is not a JSON object"},
    {"{\"cmd\":\"list\"}", "message has no protocol version"},
    {"{\"xlt\":2,\"cmd\":\"list\"}", "protocol version 2, this side speaks 1"},
    {"{\"xlt\":1,\"cmd\":7}", "request: cmd must be a name of 1 to 64 characters"},
    {"{\"xlt\":1,\"cmd\":\"\"}", "request: cmd must be a name of 1 to 64 characters"},
    {"{\"xlt\":1,\"cmd\":\"list\",\"args\":[]}", "request list: args must be an object"},
    {"{\"xlt\":1,\"error\":5}", "message: error must be a string"},
    {"{\"xlt\":1,\"event\":\"created\"}", "message: event must be an object"},
    {"{\"xlt\":1}", "message is neither request, progress, result, error nor event"},
};

START_TEST(bad_message_refused)
{
    struct xlt_msg m;
    struct xlt_err err;

    ck_assert(xlt_msg_parse(&m, bad_messages[_i].line, &err) == -1);
    ck_assert_ptr_null(m.tree);
    ck_assert_str_eq(err.msg, bad_messages[_i].error);
}
END_TEST

START_TEST(long_command_name_refused)
{
    char line[256];
    struct xlt_msg m;
    struct xlt_err err;

    snprintf(line, sizeof(line), "{\"xlt\":1,\"cmd\":\"%065d\"}", 0);
    ck_assert(xlt_msg_parse(&m, line, &err) == -1);
}
END_TEST

/* Parse PREFIX and 100 opening brackets: -1, ERR saying why. */
static int parse_deep(const char *prefix, struct xlt_err *err)
{
    char line[512];
    size_t n = strlen(prefix);
    struct xlt_msg m;

    memcpy(line, prefix, n);
    memset(line + n, '[', 100);
    line[n + 100] = '\0';
    return xlt_msg_parse(&m, line, err);
}

START_TEST(deep_nesting_refused)
{
    struct xlt_msg m;
    struct xlt_err err;

    ck_assert(parse_deep("{\"xlt\":1,\"cmd\":\"x\",\"args\":{\"a\":", &err) ==
              -1);
    ck_assert_str_eq(err.msg, "message nests deeper than 64 levels");
    /* Brackets inside strings do not count. */
    ck_assert(!xlt_msg_parse(&m, "{\"xlt\":1,\"error\":\"[[[[[[[[[[[[[[[["
                             "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                             "[[[[[[[[[[[[[[[[[[[[\\\"\"}", &err));
    ck_assert_int_eq(m.kind, XLT_MSG_ERROR);
    xlt_msg_dispose(&m);
}
END_TEST

/* yajl takes comments: one must not hide a string's quote, and so
 * brackets, from the depth count.  JSON has no comments: refused. */
START_TEST(comments_refused)
{
    struct xlt_msg m;
    struct xlt_err err;

    ck_assert(parse_deep("{\"xlt\":1,\"cmd\":\"x\",\"args\":/*\"*/", &err) ==
              -1);
    ck_assert_str_eq(err.msg, "message holds a comment (not JSON)");
    ck_assert(xlt_msg_parse(&m, "{\"xlt\":1,\"cmd\":\"list\"}// x", &err));
    ck_assert_str_eq(err.msg, "message holds a comment (not JSON)");
    /* a slash inside a string is no comment */
    ck_assert(!xlt_msg_parse(&m, "{\"xlt\":1,\"cmd\":\"save\",\"args\":"
                             "{\"file\":\"/srv/a.save\"}}", &err));
    xlt_msg_dispose(&m);
}
END_TEST

START_TEST(messages_round_trip)
{
    yajl_gen g = xlt_json_gen_new();
    struct xlt_msg m;
    struct xlt_err err;
    char *line;

    ck_assert(xlt_msg_begin(g, XLT_MSG_RESULT, NULL) == yajl_gen_status_ok);
    yajl_gen_map_open(g);
    xlt_json_kv_int(g, "domid", 3);
    yajl_gen_map_close(g);
    line = xlt_msg_end(g);
    ck_assert_str_eq(line, "{\"xlt\":1,\"result\":{\"domid\":3}}\n");
    line[strlen(line) - 1] = '\0';
    ck_assert(!xlt_msg_parse(&m, line, &err));
    ck_assert_int_eq(m.kind, XLT_MSG_RESULT);
    xlt_msg_dispose(&m);
    free(line);
    yajl_gen_free(g);

    line = xlt_msg_text(XLT_MSG_ERROR, "no \"such\" domain");
    ck_assert_str_eq(line, "{\"xlt\":1,\"error\":\"no \\\"such\\\" domain\"}\n");
    ck_assert(!xlt_msg_parse(&m, line, &err));
    ck_assert_int_eq(m.kind, XLT_MSG_ERROR);
    ck_assert_str_eq(m.text, "no \"such\" domain");
    xlt_msg_dispose(&m);
    free(line);

    line = xlt_msg_error("refused", "00ff");
    ck_assert_str_eq(line,
                     "{\"xlt\":1,\"error\":\"refused\",\"request\":\"00ff\"}\n");
    free(line);
}
END_TEST

START_TEST(domain_ids_without_libxl)
{
    struct xlt_err err;
    uint32_t id;

    ck_assert(!xlt_domain_lookup(NULL, "12", &id, &err));
    ck_assert_uint_eq(id, 12);
    ck_assert(xlt_domain_lookup(NULL, "32752", &id, &err));
    ck_assert_str_eq(err.msg, "32752: not a valid domain id");
    ck_assert(xlt_domain_lookup(NULL, "guest", &id, &err));
    ck_assert_str_eq(err.msg, "guest: no such domain");
    ck_assert(xlt_domain_lookup(NULL, "", &id, &err));
    ck_assert_str_eq(err.msg, "no domain given");
}
END_TEST

Suite *proto_suite(void)
{
    Suite *s = suite_create("proto");
    TCase *tc = tcase_create("proto");

    tcase_add_test(tc, lines_split_and_join);
    tcase_add_test(tc, overlong_line_refused);
    tcase_add_test(tc, request_parsed);
    tcase_add_test(tc, event_and_request_id_parsed);
    tcase_add_loop_test(tc, bad_message_refused, 0,
                        sizeof(bad_messages) / sizeof(bad_messages[0]));
    tcase_add_test(tc, long_command_name_refused);
    tcase_add_test(tc, deep_nesting_refused);
    tcase_add_test(tc, comments_refused);
    tcase_add_test(tc, messages_round_trip);
    tcase_add_test(tc, domain_ids_without_libxl);
    suite_add_tcase(s, tc);
    return s;
}
