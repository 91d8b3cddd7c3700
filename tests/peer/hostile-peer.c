/*
 * hostile-peer: a migration peer that lies, for the lab's tests of xltd's
 * receiver.  It speaks xlt's migration protocol with libxlt's channel
 * (TLS with the pool's key) as far as its mode says, then reports what
 * the receiver answered:
 *
 *   hostile-peer HOST PORT KEYFILE header CONFIG.json   the header of a
 *       domain with that libxl config; prints the receiver's answer
 *   hostile-peer HOST PORT KEYFILE hold CONFIG.json     the same, then
 *       no stream: holds what the receiver set aside for the domain
 *       until the receiver hangs up (or it is killed)
 *   hostile-peer HOST PORT KEYFILE stall                 TLS and a hello,
 *       then nothing: exits when the receiver hangs up
 *   hostile-peer HOST PORT KEYFILE garbage               TLS, then bytes
 *       that are no frame
 *   hostile-peer HOST PORT - trickle CONFIG.json         plain (KEYFILE
 *       -): the header, libxl's stream header and records of zeros, then
 *       a frame a byte a second; says after how long the receiver hung up
 *   hostile-peer HOST PORT - junkstream CONFIG.json      the same, but
 *       the stream does not begin as libxl's
 *   hostile-peer HOST PORT - oversize                    plain: a hello,
 *       then a header frame's head announcing ~4 GiB, and 64 KiB of it;
 *       prints the receiver's answer (or that it hung up)
 *   hostile-peer HOST PORT KEYFILE ask HELLO             sends HELLO (a
 *       sender's question, {"xlt_migrate":1,"ask":UUID,"id":ID}, or not)
 *       as its hello; prints the answer
 *   hostile-peer --target PORT KEYFILE close|stall runs|gone   a target
 *       on 127.0.0.1 PORT that takes one migration up to the sender's
 *       "go" and never says "running": it hangs up at once (close) or
 *       keeps the connection (stall); then it answers the one question a
 *       sender asks next (does the domain run here?) with yes (runs) or
 *       no (gone), and exits.  It prints "got go", then the question.
 *
 * Exit 0 once it has the receiver's answer or end, 1 on its own errors.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xlt.h"

#define HELLO "{\"xlt_migrate\":1,\"name\":\"hostile\",\"live\":true}"

static int dial(const char *host, const char *port)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    int fd = -1;

    if (getaddrinfo(host, port, &hints, &res))
        return -1;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen)) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

static char *read_key(const char *path, struct xlt_err *err)
{
    char *text = NULL;
    size_t len = 0;

    if (xlt_read_file(path, &text, &len, err))
        return NULL;
    while (len > 0 && strchr(" \t\r\n", text[len - 1]))
        text[--len] = '\0';
    return text;
}

/* The receiver's next message, printed; 0 if there was one. */
static int print_answer(struct xlt_chan *ch)
{
    char kind, *data = NULL;
    size_t len = 0;
    struct xlt_err err;

    if (xlt_frame_recv(ch, &kind, &data, &len, 65536, &err)) {
        printf("no answer: %s\n", err.msg);
        return 0;
    }
    printf("%s\n", data);
    free(data);
    return 0;
}

/* The hello and the header of CONFIG (a file of libxl's JSON). */
static int send_header(struct xlt_chan *ch, const char *config,
                       struct xlt_err *err)
{
    char *json = NULL, *header = NULL;
    size_t len = 0, hlen = 0;
    int rc = -1;

    if (xlt_read_file(config, &json, &len, err) ||
        xlt_save_header_build(json, "{\"xlt_save\":1}", &header, &hlen, err))
        goto out;
    rc = xlt_frame_send(ch, XLT_FRAME_JSON, HELLO, strlen(HELLO), err) ||
         xlt_frame_send(ch, XLT_FRAME_HEADER, header, hlen, err);
out:
    free(json);
    free(header);
    return rc;
}

/* After the header and some junk for libxl: a frame that never ends,
 * a byte a second on FD, until the receiver hangs up (or 120 s). */
static int trickle(struct xlt_chan *ch, int fd, const char *config,
                   bool libxl_start, struct xlt_err *err)
{
    static const char start[5] = {0, 0x10, 0, 0, XLT_FRAME_DATA};
    static char junk[65536];
    int s;

    if (libxl_start) /* libxl's stream header, then records of zeros */
        memcpy(junk, "LibxlFmt\0\0\0\2\0\0\0\0", 16);
    if (send_header(ch, config, err) || print_answer(ch) ||
        xlt_frame_send(ch, XLT_FRAME_DATA, junk, sizeof(junk), err) ||
        xlt_write_all(fd, start, sizeof(start)))
        return -1;
    for (s = 0; s < 120; s++) {
        sleep(1);
        if (send(fd, "x", 1, MSG_NOSIGNAL) != 1)
            break;
    }
    printf("the receiver hung up after %d s of trickle\n", s);
    return 0;
}

/* Plain: a header frame that says it is ~4 GiB long, then a part of
 * it: the receiver must refuse it by its head, not wait for or allocate
 * the rest. */
static int oversize(struct xlt_chan *ch, int fd, struct xlt_err *err)
{
    static const unsigned char head[5] = {0xff, 0xff, 0xff, 0xf0,
                                          XLT_FRAME_HEADER};
    static char part[65536];

    if (xlt_frame_send(ch, XLT_FRAME_JSON, HELLO, strlen(HELLO), err) ||
        xlt_write_all(fd, head, sizeof(head)))
        return -1;
    if (xlt_write_all(fd, part, sizeof(part)))
        printf("the receiver hung up\n");
    return print_answer(ch);
}

static int run(struct xlt_chan *ch, int fd, const char *mode,
               const char *arg, struct xlt_err *err)
{
    static const char garbage[] = "\xff\xff\xff\xffnot a frame";
    char byte;
    size_t len;

    if (!strcmp(mode, "header") && arg)
        return send_header(ch, arg, err) ? -1 : print_answer(ch);
    if (!strcmp(mode, "hold") && arg) { /* a header, then no stream */
        if (send_header(ch, arg, err) || print_answer(ch))
            return -1;
        fflush(stdout);
        xlt_frame_recv_into(ch, &byte, &byte, 1, &len, err);
        printf("the receiver hung up\n");
        return 0;
    }
    if (!strcmp(mode, "stall")) {
        if (xlt_frame_send(ch, XLT_FRAME_JSON, HELLO, strlen(HELLO), err))
            return -1;
        xlt_frame_recv_into(ch, &byte, &byte, 1, &len, err);
        printf("the receiver hung up\n");
        return 0;
    }
    if (!strcmp(mode, "trickle") && arg)
        return trickle(ch, fd, arg, true, err);
    if (!strcmp(mode, "junkstream") && arg)
        return trickle(ch, fd, arg, false, err);
    if (!strcmp(mode, "oversize"))
        return oversize(ch, fd, err);
    if (!strcmp(mode, "ask") && arg) /* ARG: the hello, as it is */
        return xlt_frame_send(ch, XLT_FRAME_JSON, arg, strlen(arg), err)
                   ? -1 : print_answer(ch);
    if (!strcmp(mode, "garbage"))
        return xlt_frame_send(ch, XLT_FRAME_DATA, garbage, sizeof(garbage),
                              err) ? -1 : print_answer(ch);
    return xlt_err_set(err, "unknown mode %s", mode);
}

/* ---- --target ---------------------------------------------------------- */

/* One connection on LISTEN_FD, as a TLS server with KEY. */
static struct xlt_chan *take(int listen_fd, const char *key,
                             struct xlt_err *err)
{
    struct xlt_chan *ch = NULL;
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

    if (fd < 0) {
        xlt_err_errno(err, errno, "accept");
        return NULL;
    }
    if (xlt_chan_server(fd, key, &ch, err)) {
        close(fd);
        return NULL;
    }
    return ch;
}

/* A message of the sender's (a JSON frame), printed if PRINT. */
static int expect_json(struct xlt_chan *ch, bool print, struct xlt_err *err)
{
    char kind, *data = NULL;
    size_t len;

    if (xlt_frame_recv(ch, &kind, &data, &len, XLT_FRAME_MAX, err))
        return -1;
    if (print)
        printf("%s\n", data);
    free(data);
    return kind == XLT_FRAME_JSON ? 0 : xlt_err_set(err, "not a message");
}

/* The migration up to "go": hello, header, the stream to its end. */
static int take_until_go(struct xlt_chan *ch, struct xlt_err *err)
{
    static const char ready[] = "{\"ready\":true}",
                      received[] = "{\"received\":true}";
    char kind = 0, *data = NULL;
    size_t len;

    if (expect_json(ch, false, err) ||
        xlt_frame_recv(ch, &kind, &data, &len, 64u << 20, err))
        return -1;
    free(data);
    if (xlt_frame_send(ch, XLT_FRAME_JSON, ready, strlen(ready), err))
        return -1;
    do {
        data = NULL;
        if (xlt_frame_recv(ch, &kind, &data, &len, XLT_FRAME_MAX, err))
            return -1;
        free(data);
    } while (kind != XLT_FRAME_END);
    if (xlt_frame_send(ch, XLT_FRAME_JSON, received, strlen(received), err) ||
        expect_json(ch, false, err))
        return -1;
    printf("got go\n");
    fflush(stdout);
    return 0;
}

static int listen_on(const char *port, struct xlt_err *err)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)atoi(port)),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
                             sizeof(one)) ||
        bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4)) {
        xlt_err_errno(err, errno, "listening on port %s", port);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int target(const char *port, const char *key, const char *after_go,
                  const char *answer, struct xlt_err *err)
{
    const char *yes = "{\"runs\":true}", *no = "{\"runs\":false}";
    const char *text = !strcmp(answer, "runs") ? yes : no;
    struct xlt_chan *first = NULL, *second = NULL;
    int fd = listen_on(port, err), rc = -1;

    if (fd < 0)
        return -1;
    first = take(fd, key, err);
    if (!first || take_until_go(first, err))
        goto out;
    if (!strcmp(after_go, "close")) {
        xlt_chan_close(first);
        first = NULL;
    }
    second = take(fd, key, err);
    if (!second || expect_json(second, true, err) ||
        xlt_frame_send(second, XLT_FRAME_JSON, text, strlen(text), err))
        goto out;
    printf("answered %s\n", text);
    rc = 0;
out:
    xlt_chan_close(second);
    xlt_chan_close(first);
    close(fd);
    return rc;
}

int main(int argc, char **argv)
{
    struct xlt_chan *ch = NULL;
    struct xlt_err err;
    char *key = NULL;
    int fd = -1, rc = 1;

    if (argc == 6 && !strcmp(argv[1], "--target")) {
        key = read_key(argv[3], &err);
        rc = key && !target(argv[2], key, argv[4], argv[5], &err) ? 0 : 1;
        if (rc)
            fprintf(stderr, "hostile-peer: %s\n", err.msg);
        goto out;
    }
    if (argc < 5) {
        fprintf(stderr, "usage: hostile-peer HOST PORT KEYFILE|- "
                "header|hold CONFIG.json | ask HELLO | stall | garbage | "
                "trickle|junkstream CONFIG.json\n"
                "       hostile-peer --target PORT KEYFILE close|stall "
                "runs|gone\n");
        return 2;
    }
    key = strcmp(argv[3], "-") ? read_key(argv[3], &err) : NULL;
    fd = key || !strcmp(argv[3], "-") ? dial(argv[1], argv[2]) : -1;
    if (fd < 0) {
        fprintf(stderr, "hostile-peer: %s\n",
                key || !strcmp(argv[3], "-") ? strerror(errno) : err.msg);
        goto out;
    }
    if (xlt_chan_client(fd, key, "hostile", &ch, &err)) {
        fprintf(stderr, "hostile-peer: %s\n", err.msg);
        close(fd);
        goto out;
    }
    rc = run(ch, fd, argv[4], argc > 5 ? argv[5] : NULL, &err) ? 1 : 0;
    if (rc)
        fprintf(stderr, "hostile-peer: %s\n", err.msg);
out:
    xlt_chan_close(ch);
    free(key);
    return rc;
}
