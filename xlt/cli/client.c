/* client.c: one request to xltd, over its Unix socket or (-H) the remote
 * API, and its replies. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"

/* A socket connected to PATH, or -1 with errno set. */
static int connect_to(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t len = strlen(path);
    int fd, e;

    if (len >= sizeof(sa.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(sa.sun_path, path, len + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        e = errno;
        close(fd);
        errno = e;
        fd = -1;
    }
    return fd;
}

/* xltd's socket; for one who may not use the main one (not root), the
 * read-only socket its group may. */
static int connect_daemon(struct cli *cli)
{
    int fd = connect_to(cli->socket_path), e = errno;

    if (fd < 0 && e == EACCES && !strcmp(cli->socket_path, XLT_SOCKET_PATH)) {
        fd = connect_to(XLT_RO_SOCKET_PATH);
        if (fd >= 0)
            return fd;
    }
    if (fd >= 0)
        return fd;
    if (e == ENOENT || e == ECONNREFUSED)
        cli_fail(cli, "xltd is not running (no daemon at %s)",
                 cli->socket_path);
    else
        cli_fail(cli, "cannot reach xltd at %s: %s%s", cli->socket_path,
                 strerror(e), e == EACCES ? " (root's; the members of group "
                 XLT_RO_GROUP " may read through " XLT_RO_SOCKET_PATH ")"
                                          : "");
    return -1;
}

static char *request_line(const char *cmd, const char *args)
{
    char *line = NULL;

    if (asprintf(&line, "{\"xlt\":%d,\"cmd\":\"%s\",\"args\":%s}\n",
                 XLT_PROTO_VERSION, cmd, args ? args : "{}") < 0)
        return NULL;
    return line;
}

/* 1 = request ended well, 0 = keep reading, -1 = failed (said). */
static int handle_reply(struct cli *cli, const char *line, yajl_val *reply_r)
{
    struct xlt_msg msg;
    struct xlt_err err;

    if (xlt_msg_parse(&msg, line, &err)) {
        cli_fail(cli, "bad reply from xltd: %s", err.msg);
        return -1;
    }
    switch (msg.kind) {
    case XLT_MSG_PROGRESS:
        fprintf(stderr, "%s\n", msg.text);
        xlt_msg_dispose(&msg);
        return 0;
    case XLT_MSG_ERROR:
        /* the id of a request the audit trail recorded: where to look */
        cli_fail(cli, "%s%s%s%s", msg.text, msg.request ? " (request " : "",
                 msg.request ? msg.request : "", msg.request ? ")" : "");
        xlt_msg_dispose(&msg);
        return -1;
    case XLT_MSG_RESULT:
        /* Keep the whole tree: the result points into it. */
        *reply_r = msg.tree;
        return 1;
    default:
        cli_fail(cli, "bad reply from xltd: not an answer");
        xlt_msg_dispose(&msg);
        return -1;
    }
}

int cli_open(struct cli *cli, struct cli_conn *conn)
{
    memset(conn, 0, sizeof(*conn));
    conn->link.sock = -1;
    conn->link.local = -1;
    conn->fd = cli->host ? remote_link_open(cli, &conn->link)
                         : connect_daemon(cli);
    return conn->fd < 0 ? -1 : 0;
}

void cli_close(struct cli_conn *conn)
{
    xlt_linebuf_dispose(&conn->lb);
    if (conn->fd >= 0)
        close(conn->fd);
    conn->fd = -1;
    remote_link_close(&conn->link);
}

int cli_next_line(struct cli *cli, struct cli_conn *conn, char **line_r)
{
    for (;;) {
        int got = xlt_linebuf_take(&conn->lb, line_r);
        ssize_t n;
        if (got < 0) {
            cli_fail(cli, "reply from xltd too long");
            return -1;
        }
        if (got > 0)
            return 1;
        n = xlt_linebuf_read(&conn->lb, conn->fd);
        if (n == 0)
            return 0;
        if (n < 0) {
            cli_fail(cli, "reading from xltd: %s", strerror(errno));
            return -1;
        }
    }
}

int cli_request(struct cli *cli, struct cli_conn *conn, const char *cmd,
                const char *args, yajl_val *reply_r)
{
    char *req = request_line(cmd, args), *line = NULL;
    int done = 0, got;

    *reply_r = NULL;
    if (!req || xlt_write_all(conn->fd, req, strlen(req))) {
        cli_fail(cli, "sending to xltd: %s", strerror(errno));
        free(req);
        return -1;
    }
    free(req);
    while (!done) {
        got = cli_next_line(cli, conn, &line);
        if (got < 0)
            return -1;
        if (got == 0) {
            cli_fail(cli, "xltd closed the connection before answering");
            return -1;
        }
        done = handle_reply(cli, line, reply_r);
        free(line);
        if (done < 0)
            return -1;
    }
    return 0;
}

int cli_call(struct cli *cli, const char *cmd, const char *args,
             yajl_val *reply_r)
{
    struct cli_conn conn;
    int rc = -1;

    *reply_r = NULL;
    if (!cli_open(cli, &conn))
        rc = cli_request(cli, &conn, cmd, args, reply_r);
    cli_close(&conn);
    return rc;
}

int cli_call_owned(struct cli *cli, const char *cmd, char *args,
                   yajl_val *reply_r)
{
    int rc;

    *reply_r = NULL;
    if (!args) {
        cli_fail(cli, "out of memory");
        return -1;
    }
    rc = cli_call(cli, cmd, args, reply_r);
    free(args);
    return rc;
}

int cli_run(struct cli *cli, const char *cmd, char *args)
{
    yajl_val reply = NULL;
    int rc = cli_call_owned(cli, cmd, args, &reply);

    if (reply)
        yajl_tree_free(reply);
    return rc ? 1 : 0;
}

int cli_json_option(struct cli *cli, int argc, char **argv, bool *json)
{
    int c;

    *json = false;
    while ((c = cli_getopt(cli, argc, argv, "j")) != -1) {
        if (c != 'j')
            return 2;
        *json = true;
    }
    return 0;
}

int cli_query(struct cli *cli, int argc, char **argv, const char *cmd,
              const char *key, void (*show)(yajl_val))
{
    yajl_val reply = NULL, result;
    bool json = false;
    int rc = 1;

    if (cli_json_option(cli, argc, argv, &json))
        return 2;
    if (!key && optind != argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    if (cli_call_owned(cli, cmd, cli_domain_args(argc - optind, argv + optind),
                       &reply))
        goto out;
    result = xlt_json_get(reply, "result");
    if (key)
        result = xlt_json_get(result, key);
    if (json)
        cli_print_json(result);
    else
        show(result);
    rc = 0;
out:
    if (reply)
        yajl_tree_free(reply);
    return rc;
}
