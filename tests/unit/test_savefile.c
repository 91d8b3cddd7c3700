/* savefile.c: the xl save-file header, both ways. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

/* Write LEN bytes of BUF into a pipe and read a header back from it. */
static int read_back(const char *buf, size_t len, struct xlt_save_header *h,
                     struct xlt_err *err)
{
    int fds[2], rc;

    ck_assert(!pipe(fds));
    ck_assert(!xlt_write_all(fds[1], buf, len));
    close(fds[1]);
    rc = xlt_save_header_read(fds[0], "test.save", h, err);
    close(fds[0]);
    return rc;
}

START_TEST(save_header_layout)
{
    static const char config[] = "{\"c_info\":{\"name\":\"a\"}}";
    char *buf = NULL;
    size_t len = 0;
    uint32_t v;
    struct xlt_err err;

    ck_assert(!xlt_save_header_build(config, NULL, &buf, &len, &err));
    ck_assert_uint_eq(len, 48 + 4 + sizeof(config));
    ck_assert(!memcmp(buf, "Xen saved domain, xl format\n \0 \r", 32));
    memcpy(&v, buf + 32, 4);
    ck_assert_uint_eq(v, 0x01020304u);
    memcpy(&v, buf + 36, 4);
    ck_assert_uint_eq(v, XLT_SAVE_JSON | XLT_SAVE_STREAMV2);
    memcpy(&v, buf + 44, 4);
    ck_assert_uint_eq(v, 4 + sizeof(config));
    memcpy(&v, buf + 48, 4);
    ck_assert_uint_eq(v, sizeof(config)); /* with its NUL, as xl writes */
    ck_assert_str_eq(buf + 52, config);
    free(buf);
}
END_TEST

START_TEST(save_header_round_trip)
{
    struct xlt_save_header h;
    struct xlt_err err;
    char *buf = NULL;
    size_t len = 0;

    ck_assert(!xlt_save_header_build("{\"x\":1}", "{\"xlt_save\":1}", &buf,
                                     &len, &err));
    ck_assert(!read_back(buf, len, &h, &err));
    ck_assert_uint_eq(h.mandatory, XLT_SAVE_JSON | XLT_SAVE_STREAMV2);
    ck_assert_str_eq(h.config, "{\"x\":1}");
    ck_assert_str_eq(h.extras, "{\"xlt_save\":1}");
    xlt_save_header_dispose(&h);
    free(buf);
}
END_TEST

/* Optional data after the config that is not xlt's is skipped, as xl
 * skips xlt's. */
START_TEST(save_header_foreign_extras)
{
    struct xlt_save_header h;
    struct xlt_err err;
    char *buf = NULL;
    size_t len = 0;

    ck_assert(!xlt_save_header_build("{}", "{\"other\":1}", &buf, &len,
                                      &err));
    ck_assert(!read_back(buf, len, &h, &err));
    ck_assert_str_eq(h.config, "{}");
    ck_assert_ptr_null(h.extras);
    xlt_save_header_dispose(&h);
    free(buf);
}
END_TEST

START_TEST(save_header_errors)
{
    struct xlt_save_header h;
    struct xlt_err err;
    char *buf = NULL, junk[64] = "not a save file at all, really not one";
    size_t len = 0;
    uint32_t v;

    ck_assert(read_back(junk, sizeof(junk), &h, &err));
    ck_assert_str_eq(err.msg, "test.save: not a saved domain (no xl save "
                              "header)");
    ck_assert(!xlt_save_header_build("{\"x\":1}", NULL, &buf, &len, &err));
    ck_assert(read_back(buf, 30, &h, &err));
    ck_assert_str_eq(err.msg, "test.save: ends inside its header");
    ck_assert(read_back(buf, len - 2, &h, &err));
    ck_assert_str_eq(err.msg, "test.save: ends inside its header");
    v = 5; /* the config chunk claims more than the optional data hold */
    memcpy(buf + 44, &v, 4);
    ck_assert(read_back(buf, len, &h, &err));
    ck_assert_str_eq(err.msg, "test.save: header truncated (a chunk of 8 "
                              "bytes, 1 left)");
    v = 1u << 5;
    memcpy(buf + 36, &v, 4);
    ck_assert(read_back(buf, len, &h, &err));
    ck_assert_str_eq(err.msg, "test.save: needs features this xlt lacks "
                              "(mandatory flags 0x20)");
    v = 0x04030201u;
    memcpy(buf + 32, &v, 4);
    ck_assert(read_back(buf, len, &h, &err));
    ck_assert_str_eq(err.msg, "test.save: saved on a host of the other byte "
                              "order");
    free(buf);
}
END_TEST

/* A header in memory, as a migration sends it. */
START_TEST(save_header_parse_buffer)
{
    struct xlt_save_header h;
    struct xlt_err err;
    char *buf = NULL;
    size_t len = 0;

    ck_assert(!xlt_save_header_build("{\"x\":1}", "{\"xlt_save\":1}", &buf,
                                     &len, &err));
    ck_assert(!xlt_save_header_parse(buf, len, "hdr", &h, &err));
    ck_assert_str_eq(h.config, "{\"x\":1}");
    ck_assert_str_eq(h.extras, "{\"xlt_save\":1}");
    xlt_save_header_dispose(&h);
    ck_assert(xlt_save_header_parse(buf, len - 1, "hdr", &h, &err));
    ck_assert_str_eq(err.msg, "hdr: header of 78 bytes claims 31 bytes of "
                              "optional data");
    ck_assert(xlt_save_header_parse(buf, 20, "hdr", &h, &err));
    ck_assert_str_eq(err.msg, "hdr: header truncated");
    free(buf);
}
END_TEST

/* A header whose config and extras are CONFIG and EXTRAS, parsed. */
static int parse_built(const char *config, const char *extras,
                       struct xlt_err *err)
{
    struct xlt_save_header h;
    char *buf = NULL;
    size_t len = 0;
    int rc;

    ck_assert(!xlt_save_header_build(config, extras, &buf, &len, err));
    rc = xlt_save_header_parse(buf, len, "hdr", &h, err);
    if (!rc)
        xlt_save_header_dispose(&h);
    free(buf);
    return rc;
}

/* libxl's parser and yajl's tree recurse: a header's JSON is checked
 * first, comments included (they could hide brackets). */
START_TEST(save_header_json_limits)
{
    char deep[200] = "{\"xlt_save\":1,\"pinning\":";
    struct xlt_err err;

    memset(deep + strlen(deep), '[', 100);
    ck_assert(parse_built("{\"x\":1}", deep, &err));
    ck_assert_str_eq(err.msg, "hdr: its xlt chunk nests deeper than 64 "
                              "levels");
    ck_assert(parse_built("{\"x\":1}", "{\"xlt_save\":1/*\"*/}", &err));
    ck_assert_str_eq(err.msg, "hdr: its xlt chunk holds a comment (not "
                              "JSON)");
    ck_assert(parse_built("{\"c\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                          "[[[[[[[[[[[[[[[[[[[[[[[[[[[[", NULL, &err));
    ck_assert_str_eq(err.msg, "hdr: its config nests deeper than 64 levels");
    ck_assert(!parse_built("{\"kernel\":\"/boot/vmlinuz\"}", NULL, &err));
}
END_TEST

Suite *savefile_suite(void)
{
    Suite *s = suite_create("savefile");
    TCase *tc = tcase_create("savefile");

    tcase_add_test(tc, save_header_layout);
    tcase_add_test(tc, save_header_round_trip);
    tcase_add_test(tc, save_header_foreign_extras);
    tcase_add_test(tc, save_header_errors);
    tcase_add_test(tc, save_header_parse_buffer);
    tcase_add_test(tc, save_header_json_limits);
    suite_add_tcase(s, tc);
    return s;
}
