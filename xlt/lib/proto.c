/*
 * proto.c: the protocol between xlt and xltd.
 *
 * One JSON object per line, each carrying the protocol version:
 *   request   {"xlt":1,"cmd":"list","args":{...}}
 *   progress  {"xlt":1,"progress":"..."}      (any number, long operations)
 *   result    {"xlt":1,"result":...}          (ends a request)
 *   error     {"xlt":1,"error":"...","request":ID}  (ends a request; the
 *                                           request's id is optional)
 *   event     {"xlt":1,"event":{...}}       (once a client follows events)
 * Every field is checked on receipt; a bad message is an error for that
 * connection only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xlt.h"

/* ---- framing ----------------------------------------------------------- */

void xlt_linebuf_dispose(struct xlt_linebuf *lb)
{
    free(lb->buf);
    memset(lb, 0, sizeof(*lb));
}

ssize_t xlt_linebuf_read(struct xlt_linebuf *lb, int fd)
{
    ssize_t n;

    if (lb->cap - lb->len < 4096) {
        size_t cap = lb->cap ? lb->cap * 2 : 8192;
        char *bigger;
        if (cap > XLT_PROTO_MAX_LINE + 8192)
            cap = XLT_PROTO_MAX_LINE + 8192;
        if (cap <= lb->len) {
            errno = EMSGSIZE;
            return -1;
        }
        bigger = realloc(lb->buf, cap);
        if (!bigger)
            return -1;
        lb->buf = bigger;
        lb->cap = cap;
    }
    do
        n = read(fd, lb->buf + lb->len, lb->cap - lb->len);
    while (n < 0 && errno == EINTR);
    if (n > 0)
        lb->len += (size_t)n;
    return n;
}

int xlt_linebuf_take(struct xlt_linebuf *lb, char **line_r)
{
    char *nl = lb->len ? memchr(lb->buf, '\n', lb->len) : NULL;
    size_t n;

    *line_r = NULL;
    if (!nl)
        return lb->len > XLT_PROTO_MAX_LINE ? -1 : 0;
    n = (size_t)(nl - lb->buf);
    if (n > XLT_PROTO_MAX_LINE)
        return -1;
    *line_r = malloc(n + 1);
    if (!*line_r)
        return -1;
    memcpy(*line_r, lb->buf, n);
    (*line_r)[n] = '\0';
    lb->len -= n + 1;
    memmove(lb->buf, nl + 1, lb->len);
    return 1;
}

/* ---- messages ---------------------------------------------------------- */

static const char *const kind_key[] = {
    [XLT_MSG_REQUEST] = "cmd",
    [XLT_MSG_PROGRESS] = "progress",
    [XLT_MSG_RESULT] = "result",
    [XLT_MSG_ERROR] = "error",
    [XLT_MSG_EVENT] = "event",
};

static int parse_request(struct xlt_msg *msg, struct xlt_err *err)
{
    yajl_val args = xlt_json_get(msg->tree, "args");

    msg->cmd = xlt_json_get_str(msg->tree, "cmd");
    if (!msg->cmd || !*msg->cmd || strlen(msg->cmd) > XLT_PROTO_MAX_CMD)
        return xlt_err_set(err, "request: cmd must be a name of 1 to %d "
                           "characters", XLT_PROTO_MAX_CMD);
    if (args && !YAJL_IS_OBJECT(args))
        return xlt_err_set(err, "request %s: args must be an object",
                           msg->cmd);
    msg->body = args;
    return 0;
}

static int parse_text(struct xlt_msg *msg, const char *key,
                      struct xlt_err *err)
{
    msg->text = xlt_json_get_str(msg->tree, key);
    if (!msg->text)
        return xlt_err_set(err, "message: %s must be a string", key);
    return 0;
}

int xlt_msg_parse(struct xlt_msg *msg, const char *line, struct xlt_err *err)
{
    long long version;
    int rc = -1;

    memset(msg, 0, sizeof(*msg));
    if (xlt_json_parse(line, XLT_PROTO_MAX_LINE, "message", &msg->tree, err))
        goto out;
    if (!YAJL_IS_OBJECT(msg->tree)) {
        xlt_err_set(err, "message is not a JSON object");
        goto out;
    }
    if (!xlt_json_get_int(msg->tree, "xlt", &version)) {
        xlt_err_set(err, "message has no protocol version");
        goto out;
    }
    if (version != XLT_PROTO_VERSION) {
        xlt_err_set(err, "protocol version %lld, this side speaks %d",
                    version, XLT_PROTO_VERSION);
        goto out;
    }
    if (xlt_json_get(msg->tree, "cmd")) {
        msg->kind = XLT_MSG_REQUEST;
        rc = parse_request(msg, err);
    } else if (xlt_json_get(msg->tree, "progress")) {
        msg->kind = XLT_MSG_PROGRESS;
        rc = parse_text(msg, "progress", err);
    } else if (xlt_json_get(msg->tree, "error")) {
        msg->kind = XLT_MSG_ERROR;
        rc = parse_text(msg, "error", err);
        msg->request = xlt_json_get_str(msg->tree, "request");
    } else if (xlt_json_get(msg->tree, "event")) {
        msg->kind = XLT_MSG_EVENT;
        msg->body = xlt_json_get(msg->tree, "event");
        rc = YAJL_IS_OBJECT(msg->body)
                 ? 0
                 : xlt_err_set(err, "message: event must be an object");
    } else if (xlt_json_get(msg->tree, "result")) {
        msg->kind = XLT_MSG_RESULT;
        msg->body = xlt_json_get(msg->tree, "result");
        rc = 0;
    } else {
        xlt_err_set(err, "message is neither request, progress, result, "
                    "error nor event");
    }
out:
    if (rc)
        xlt_msg_dispose(msg);
    return rc;
}

void xlt_msg_dispose(struct xlt_msg *msg)
{
    if (msg->tree)
        yajl_tree_free(msg->tree);
    memset(msg, 0, sizeof(*msg));
}

yajl_gen_status xlt_msg_begin(yajl_gen g, enum xlt_msg_kind kind,
                              const char *cmd)
{
    yajl_gen_status st = yajl_gen_map_open(g);

    if (st == yajl_gen_status_ok)
        st = xlt_json_kv_int(g, "xlt", XLT_PROTO_VERSION);
    if (st == yajl_gen_status_ok && kind == XLT_MSG_REQUEST) {
        st = xlt_json_kv_str(g, "cmd", cmd);
        if (st == yajl_gen_status_ok)
            st = xlt_json_str(g, "args");
        return st;
    }
    if (st == yajl_gen_status_ok)
        st = xlt_json_str(g, kind_key[kind]);
    return st;
}

char *xlt_msg_end(yajl_gen g)
{
    char *body, *line;
    size_t n;

    if (yajl_gen_map_close(g) != yajl_gen_status_ok)
        return NULL;
    body = xlt_json_gen_take(g);
    if (!body)
        return NULL;
    n = strlen(body);
    line = realloc(body, n + 2);
    if (!line) {
        free(body);
        return NULL;
    }
    line[n] = '\n';
    line[n + 1] = '\0';
    return line;
}

char *xlt_msg_text(enum xlt_msg_kind kind, const char *text)
{
    yajl_gen g = xlt_json_gen_new();
    char *line = NULL;

    if (!g)
        return NULL;
    if (xlt_msg_begin(g, kind, NULL) == yajl_gen_status_ok &&
        xlt_json_str(g, text) == yajl_gen_status_ok)
        line = xlt_msg_end(g);
    yajl_gen_free(g);
    return line;
}

char *xlt_msg_error(const char *text, const char *request)
{
    yajl_gen g = xlt_json_gen_new();
    char *line = NULL;

    if (!g)
        return NULL;
    if (xlt_msg_begin(g, XLT_MSG_ERROR, NULL) == yajl_gen_status_ok &&
        xlt_json_str(g, text) == yajl_gen_status_ok &&
        (!request || xlt_json_kv_str(g, "request", request) ==
                         yajl_gen_status_ok))
        line = xlt_msg_end(g);
    yajl_gen_free(g);
    return line;
}
