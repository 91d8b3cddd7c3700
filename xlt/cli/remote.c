/*
 * remote.c: xlt -H HOST: the same requests, to HOST's xltd over its
 * remote API (TLS, this user's certificate; xlt/lib/apitls.c).  A thread
 * relays between the TLS session and one end of a socketpair, so that
 * client.c speaks the protocol to a plain fd either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"

#define CONNECT_MS 10000
#define KEEPALIVE_S 30

static void *relay_main(void *arg)
{
    struct remote_link *link = arg;

    xlt_tls_relay(link->tls, link->local, -1);
    close(link->local); /* the client reads the end */
    link->local = -1;
    return NULL;
}

/* The PKI directory this user's certificate is in. */
static const char *pki_dir(void)
{
    const char *dir = getenv("XLT_PKI");

    return dir && *dir ? dir : XLT_PKI_DIR;
}

static void link_init(struct remote_link *link)
{
    memset(link, 0, sizeof(*link));
    link->sock = link->local = -1;
}

int remote_link_open(struct cli *cli, struct remote_link *link)
{
    char host[256], port[8];
    struct xlt_err err;
    int pair[2] = {-1, -1};

    link_init(link);
    if (xlt_host_port(cli->host, XLT_REMOTE_PORT, host, sizeof(host), port,
                      sizeof(port), &err))
        goto fail;
    link->sock = xlt_tcp_connect(host, port, -1, CONNECT_MS, &err);
    if (link->sock < 0 || fcntl(link->sock, F_SETFL, 0))
        goto fail;
    xlt_tcp_keepalive(link->sock, KEEPALIVE_S);
    if (xlt_tls_connect(link->sock, pki_dir(), host, CONNECT_MS, &link->tls,
                        &err)) {
        xlt_err_set(&err, "%s: %s", cli->host, err.msg);
        goto fail;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair)) {
        xlt_err_errno(&err, errno, "socketpair");
        goto fail;
    }
    link->local = pair[1];
    if (pthread_create(&link->thread, NULL, relay_main, link)) {
        xlt_err_set(&err, "cannot start a thread");
        goto fail;
    }
    link->started = true;
    return pair[0];
fail:
    cli_fail(cli, "%s", err.msg);
    if (pair[0] >= 0)
        close(pair[0]);
    remote_link_close(link);
    return -1;
}

void remote_link_close(struct remote_link *link)
{
    if (link->started) /* its client's end is closed: the relay ends */
        pthread_join(link->thread, NULL);
    if (link->local >= 0)
        close(link->local);
    if (link->tls)
        xlt_tls_bye(link->tls);
    xlt_tls_close(link->tls);
    if (link->sock >= 0)
        close(link->sock);
    link_init(link);
}
