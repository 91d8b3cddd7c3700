/*
 * net.c: TCP for the migration channel and the remote API: a listener on
 * one address (or every one), a connection within a deadline that a
 * waker can cut short, keepalive that finds a dead peer, and HOST[:PORT]
 * as a user writes it.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xlt.h"

/* A listening socket bound to SA; -1 (errno set) if it cannot be had.
 * ALL_FAMILIES: an IPv6 socket also takes IPv4 (the "every address"
 * listener). */
static int listener(const struct sockaddr *sa, socklen_t len,
                    bool all_families)
{
    int v6only = !all_families, on = 1, e;
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    0);

    if (fd < 0)
        return -1;
    if ((sa->sa_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only))) ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
        bind(fd, sa, len) || listen(fd, 16)) {
        e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int xlt_tcp_listen(const char *addr, int port, struct xlt_err *err)
{
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_PASSIVE,
                             .ai_family = addr ? AF_UNSPEC : AF_INET6,
                             .ai_socktype = SOCK_STREAM}, *res = NULL;
    char service[8];
    int fd, rc;

    snprintf(service, sizeof(service), "%d", port);
    rc = getaddrinfo(addr, service, &hints, &res);
    if (rc)
        return xlt_err_set(err, "%s: %s", addr, gai_strerror(rc));
    fd = listener(res->ai_addr, res->ai_addrlen, !addr);
    freeaddrinfo(res);
    if (fd < 0)
        return xlt_err_errno(err, errno, "%s port %d",
                             addr ? addr : "every address", port);
    return fd;
}

int xlt_accept_peer(int listen_fd, int *spare_fd, char *peer, size_t size)
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof(sa);
    int fd = xlt_accept(listen_fd, spare_fd, (struct sockaddr *)&sa, &len,
                        SOCK_CLOEXEC);

    snprintf(peer, size, "?");
    if (fd < 0)
        return -1;
    getnameinfo((struct sockaddr *)&sa, len, peer, (socklen_t)size, NULL, 0,
                NI_NUMERICHOST);
    if (!strncmp(peer, "::ffff:", 7) && strchr(peer, '.')) /* IPv4 */
        memmove(peer, peer + 7, strlen(peer + 7) + 1);
    return fd;
}

/* Why connecting FD to A failed (0: it did not): the socket's error,
 * ETIMEDOUT, or ECANCELED when WAKE became readable first. */
static int connect_error(int fd, const struct addrinfo *a, int wake, int ms)
{
    struct pollfd p[2] = {{.fd = fd, .events = POLLOUT},
                          {.fd = wake, .events = POLLIN}};
    socklen_t elen = sizeof(int);
    int n, e = 0;

    if (!connect(fd, a->ai_addr, a->ai_addrlen))
        return 0;
    if (errno != EINPROGRESS)
        return errno;
    n = poll(p, 2, ms);
    if (n < 0)
        return errno;
    if (n == 0)
        return ETIMEDOUT;
    if (p[1].revents)
        return ECANCELED;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen))
        return errno;
    return e;
}

/* A connection to A within MS, unless WAKE becomes readable; -1 with *E
 * the errno. */
static int connect_one(const struct addrinfo *a, int wake, int ms, int *e)
{
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC |
                    SOCK_NONBLOCK, a->ai_protocol);

    if (fd < 0) {
        *e = errno;
        return -1;
    }
    *e = connect_error(fd, a, wake, ms);
    if (*e) {
        close(fd);
        return -1;
    }
    return fd;
}

int xlt_tcp_connect(const char *host, const char *port, int wake, int ms,
                    struct xlt_err *err)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    int fd = -1, e = 0, rc = getaddrinfo(host, port, &hints, &res);

    if (rc)
        return xlt_err_set(err, "%s: %s", host, gai_strerror(rc));
    for (struct addrinfo *a = res; a && fd < 0 && e != ECANCELED;
         a = a->ai_next)
        fd = connect_one(a, wake, ms, &e);
    freeaddrinfo(res);
    if (fd < 0)
        return xlt_err_errno(err, e, "connecting to %s port %s", host, port);
    return fd;
}

void xlt_tcp_keepalive(int fd, int idle_s)
{
    int on = 1, interval = idle_s / 3 > 0 ? idle_s / 3 : 1, count = 3;
    unsigned user_timeout = (unsigned)(idle_s + interval * count) * 1000u;

    /* Best effort: a socket without them only finds a dead peer later. */
    (void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof(idle_s));
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval,
                     sizeof(interval));
    (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));
    /* unacknowledged data (a peer that vanished mid-answer) too */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout,
                     sizeof(user_timeout));
}

/* Copy LEN bytes of FROM into TO (SIZE bytes); -1 if they do not fit. */
static int copy_part(char *to, size_t size, const char *from, size_t len)
{
    if (len == 0 || len >= size)
        return -1;
    memcpy(to, from, len);
    to[len] = '\0';
    return 0;
}

/* Is P a port number, 1 to 65535, in decimal digits? */
static bool is_port(const char *p)
{
    size_t len = strlen(p);

    return len > 0 && len <= 5 && strspn(p, "0123456789") == len &&
           atoi(p) >= 1 && atoi(p) <= 65535;
}

int xlt_host_port(const char *spec, const char *default_port, char *host,
                  size_t host_size, char *port, size_t port_size,
                  struct xlt_err *err)
{
    const char *colon = strrchr(spec, ':'), *start = spec, *p = NULL;
    size_t host_len = strlen(spec);

    if (spec[0] == '[') { /* [IPv6]:PORT or [IPv6] */
        const char *close = strchr(spec, ']');
        if (!close || (close[1] && close[1] != ':'))
            goto bad;
        start = spec + 1;
        host_len = (size_t)(close - start);
        p = close[1] ? close + 2 : NULL;
    } else if (colon && strchr(spec, ':') == colon) { /* HOST:PORT */
        host_len = (size_t)(colon - spec);
        p = colon + 1;
    } /* else a name, or an IPv6 address without a port */
    if (copy_part(host, host_size, start, host_len))
        goto bad;
    if (!p)
        p = default_port;
    if (!is_port(p) || copy_part(port, port_size, p, strlen(p)))
        goto bad;
    return 0;
bad:
    return xlt_err_set(err, "`%s' is not HOST or HOST:PORT", spec);
}
