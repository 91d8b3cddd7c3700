/* The remote API's parts that need no Xen: the allow-list
 * (xlt/lib/allowlist.c), HOST[:PORT] (net.c), and TLS between a client
 * and a server with certificates `xlt pki' makes (apitls.c, pki.c). */
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"

START_TEST(dn_patterns_match_part_by_part)
{
    ck_assert(xlt_allow_match("CN=*,OU=operator,O=lab",
                              "CN=alice,OU=operator,O=lab"));
    ck_assert(!xlt_allow_match("CN=*,OU=operator,O=lab",
                               "CN=alice,OU=admin,O=lab"));
    /* a '*' never spans two parts */
    ck_assert(!xlt_allow_match("CN=*,O=lab", "CN=alice,OU=operator,O=lab"));
    ck_assert(!xlt_allow_match("CN=*", "CN=alice,OU=admin,O=lab"));
    /* an escaped comma is inside its part */
    ck_assert(xlt_allow_match("CN=*,OU=admin,O=lab",
                              "CN=a\\,OU=x,OU=admin,O=lab"));
    ck_assert(!xlt_allow_match("CN=*,OU=admin,O=lab",
                               "CN=a\\,OU=admin,O=lab,O=lab"));
    ck_assert(xlt_allow_match("CN=alice,OU=*,O=lab",
                              "CN=alice,OU=read-only,O=lab"));
}
END_TEST

/* The allow-list TEXT, written to a file whose path is returned. */
static char *allow_file(const char *text)
{
    char *path = strdup("/tmp/xlt-allow-XXXXXX");
    int fd = mkstemp(path);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(xlt_write_all(fd, text, strlen(text)), 0);
    close(fd);
    return path;
}

START_TEST(the_first_matching_line_gives_the_role)
{
    char *path = allow_file("# who may use this host's API\n"
                            "read-only CN=*,OU=*,O=lab   # everyone\n"
                            "admin     CN=root,OU=admin,O=lab\n"
                            "\n"
                            "operator  CN=*,OU=operator,O=lab\n");
    enum xlt_role role = XLT_ROLE_ADMIN;
    struct xlt_err err;
    int rules = 0;

    ck_assert_int_eq(xlt_allow_lookup(path, "CN=root,OU=admin,O=lab", &role,
                                      NULL, &err), 1);
    ck_assert_int_eq(role, XLT_ROLE_READ_ONLY);
    ck_assert_int_eq(xlt_allow_lookup(path, "CN=bob,O=other", &role, NULL,
                                      &err), 0);
    ck_assert_int_eq(xlt_allow_lookup(path, NULL, NULL, &rules, &err), 0);
    ck_assert_int_eq(rules, 3);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(no_list_lets_nobody_in)
{
    enum xlt_role role;
    struct xlt_err err;
    char *path = allow_file("# nothing\n\n");

    ck_assert_int_eq(xlt_allow_lookup("/nonexistent/remote.allow",
                                      "CN=root,OU=admin,O=lab", &role, NULL,
                                      &err), 0);
    ck_assert_int_eq(xlt_allow_lookup(path, "CN=root,OU=admin,O=lab", &role,
                                      NULL, &err), 0);
    unlink(path);
    free(path);
}
END_TEST

/* The error the allow-list TEXT gives (its path cut to "F"). */
static const char *allow_error(const char *text)
{
    static char msg[1100];
    char *path = allow_file(text);
    struct xlt_err err;
    enum xlt_role role;
    const char *rest;

    ck_assert_int_eq(xlt_allow_lookup(path, "CN=x", &role, NULL, &err), -1);
    rest = strncmp(err.msg, path, strlen(path)) ? err.msg
                                                  : err.msg + strlen(path);
    snprintf(msg, sizeof(msg), "F%s", rest);
    unlink(path);
    free(path);
    return msg;
}

START_TEST(a_wrong_line_is_named)
{
    /* a wrong line after the one matching still refuses */
    ck_assert_str_eq(allow_error("admin CN=x\nroot CN=*\n"),
                     "F:2: `root' is not a role (read-only, operator or "
                     "admin)");
    ck_assert_str_eq(allow_error("\n\noperator alice\n"),
                     "F:3: `alice' is not a DN pattern (like "
                     "CN=*,OU=operator,O=lab)");
    ck_assert_str_eq(allow_error("admin\n"),
                     "F:1: `' is not a DN pattern (like "
                     "CN=*,OU=operator,O=lab)");
}
END_TEST

/* SPEC's host and port, "HOST PORT", or its error. */
static const char *host_port(const char *spec)
{
    static char out[1100];
    char host[64], port[8];
    struct xlt_err err;

    if (xlt_host_port(spec, "8003", host, sizeof(host), port, sizeof(port),
                      &err))
        snprintf(out, sizeof(out), "%s", err.msg);
    else
        snprintf(out, sizeof(out), "%s %s", host, port);
    return out;
}

START_TEST(host_and_port_as_users_write_them)
{
    ck_assert_str_eq(host_port("b"), "b 8003");
    ck_assert_str_eq(host_port("b.lab:9000"), "b.lab 9000");
    ck_assert_str_eq(host_port("10.99.0.2"), "10.99.0.2 8003");
    ck_assert_str_eq(host_port("fe80::1"), "fe80::1 8003");
    ck_assert_str_eq(host_port("[fe80::1]:8004"), "fe80::1 8004");
    ck_assert_str_eq(host_port("[fe80::1]"), "fe80::1 8003");
    ck_assert_str_eq(host_port("b:0"), "`b:0' is not HOST or HOST:PORT");
    ck_assert_str_eq(host_port("b:65536"),
                     "`b:65536' is not HOST or HOST:PORT");
    ck_assert_str_eq(host_port("b:"), "`b:' is not HOST or HOST:PORT");
    ck_assert_str_eq(host_port(":8003"), "`:8003' is not HOST or HOST:PORT");
    ck_assert_str_eq(host_port("[fe80::1"),
                     "`[fe80::1' is not HOST or HOST:PORT");
    ck_assert_str_eq(host_port("[::1]x"), "`[::1]x' is not HOST or HOST:PORT");
}
END_TEST

/* ---- TLS both ways, with what `xlt pki' makes ------------------------- */

/* A server's side of one connection: its verdict on the client. */
struct server {
    int fd;
    const char *dir;  /* the host's PKI directory */
    char verdict[1100];
    int relay;        /* if let in: relayed to this socket */
};

static void *server_main(void *arg)
{
    struct server *sv = arg;
    struct xlt_tls *t = NULL;
    struct xlt_err err;
    enum xlt_role role;
    char dn[256], allow[512];

    snprintf(allow, sizeof(allow), "%s/remote.allow", sv->dir);
    if (xlt_tls_accept(sv->fd, sv->dir, 5000, &t, &err) ||
        xlt_tls_client_dn(t, dn, sizeof(dn), &err)) {
        snprintf(sv->verdict, sizeof(sv->verdict), "%s", err.msg);
    } else if (xlt_allow_lookup(allow, dn, &role, NULL, &err) != 1) {
        snprintf(sv->verdict, sizeof(sv->verdict), "%s: not let in", dn);
    } else {
        snprintf(sv->verdict, sizeof(sv->verdict), "%s %s", dn,
                 xlt_role_name(role));
        if (sv->relay >= 0)
            xlt_tls_relay(t, sv->relay, -1);
    }
    if (t)
        xlt_tls_bye(t);
    xlt_tls_close(t);
    return NULL;
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* The lab's PKI in a temporary folder: a CA "lab", host b.lab (also
 * 127.0.0.1), users alice (operator) and mallory (admin, revoked), and
 * eve (admin) of another CA. */
struct pki {
    char dir[32];
    char ca[64], other[64];
};

static void issue(const char *ca, const char *name, const char *role,
                  const char *out)
{
    const char *alt[] = {"127.0.0.1"};
    struct xlt_err err;

    ck_assert_msg(xlt_pki_issue(ca, out, name, role, alt, role ? 0 : 1, 30,
                                NULL, &err) == 0, "%s", err.msg);
}

static void pki_make(struct pki *p)
{
    struct xlt_err err;
    char path[128], cmd[512];

    snprintf(p->dir, sizeof(p->dir), "/tmp/xlt-pki-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(p->dir));
    snprintf(p->ca, sizeof(p->ca), "%s/ca", p->dir);
    snprintf(p->other, sizeof(p->other), "%s/other", p->dir);
    ck_assert_int_eq(xlt_pki_init(p->ca, "lab", 30, NULL, &err), 0);
    ck_assert_int_eq(xlt_pki_init(p->other, "evil", 30, NULL, &err), 0);
    issue(p->ca, "b.lab", NULL, NULL);
    issue(p->ca, "alice", "operator", NULL);
    issue(p->ca, "mallory", "admin", NULL);
    issue(p->other, "eve", "admin", NULL);
    ck_assert_int_eq(xlt_pki_revoke(p->ca, "mallory", NULL, &err), 0);
    /* the host gets the new CRL, as `xlt pki revoke' tells the admin */
    snprintf(path, sizeof(path), "%s/issued/b.lab/crl.pem", p->ca);
    unlink(path);
    issue(p->ca, "x", "read-only", NULL); /* (a bundle with the new CRL) */
    snprintf(cmd, sizeof(cmd), "cp %s/crl.pem %s && cp %s/ca.pem "
             "%s/issued/eve/ca.pem", p->ca, path, p->ca, p->other);
    ck_assert_int_eq(system(cmd), 0);
}

static void pki_remove(struct pki *p)
{
    ck_assert_int_eq(nftw(p->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* USER (a bundle of CA) connects to host b.lab as HOST: the server's
 * verdict, or the client's error; LINE, if let in, relayed through. */
static const char *connect_as(const struct pki *p, const char *ca,
                              const char *user, const char *host)
{
    static char out[2300];
    char server_dir[96], client_dir[96], got[64] = "";
    struct server sv = {.relay = -1};
    struct xlt_tls *t = NULL;
    struct xlt_err err;
    int fds[2], relay[2];
    pthread_t th;

    snprintf(server_dir, sizeof(server_dir), "%s/issued/b.lab", p->ca);
    snprintf(client_dir, sizeof(client_dir), "%s/issued/%s", ca, user);
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, relay), 0);
    sv.fd = fds[0];
    sv.dir = server_dir;
    sv.relay = relay[0];
    ck_assert_int_eq(pthread_create(&th, NULL, server_main, &sv), 0);
    if (xlt_tls_connect(fds[1], client_dir, host, 5000, &t, &err)) {
        shutdown(fds[1], SHUT_RDWR);
        pthread_join(th, NULL);
        snprintf(out, sizeof(out), "client: %s", err.msg);
    } else {
        /* one line through, if the server relays */
        xlt_tls_send(t, "ping\n", 5);
        xlt_tls_bye(t);
        shutdown(relay[1], SHUT_WR);
        pthread_join(th, NULL);
        close(relay[0]); /* the server is done with it */
        relay[0] = -1;
        ssize_t n = read(relay[1], got, sizeof(got) - 1);
        got[n > 0 ? n : 0] = '\0';
        snprintf(out, sizeof(out), "%s%s%s", sv.verdict, *got ? " " : "",
                 got);
    }
    xlt_tls_close(t);
    close(fds[0]);
    close(fds[1]);
    if (relay[0] >= 0)
        close(relay[0]);
    close(relay[1]);
    return out;
}

START_TEST(certificates_decide_who_is_let_in)
{
    struct pki p;

    pki_make(&p);
    ck_assert_str_eq(connect_as(&p, p.ca, "alice", "b.lab"),
                     "CN=alice,OU=operator,O=lab operator ping\n");
    ck_assert_str_eq(connect_as(&p, p.ca, "alice", "127.0.0.1"),
                     "CN=alice,OU=operator,O=lab operator ping\n");
    ck_assert_str_eq(connect_as(&p, p.ca, "mallory", "b.lab"),
                     "certificate of CN=mallory,OU=admin,O=lab refused: it "
                     "is revoked");
    ck_assert_str_eq(connect_as(&p, p.other, "eve", "b.lab"),
                     "certificate of CN=eve,OU=admin,O=evil refused: it is "
                     "not issued by this host's CA");
    /* a host's certificate is not a user's: the allow-list has no hosts */
    ck_assert_str_eq(connect_as(&p, p.ca, "x", "b.lab"),
                     "CN=x,OU=read-only,O=lab read-only ping\n");
    /* the client checks the host's name */
    ck_assert_str_eq(connect_as(&p, p.ca, "alice", "c.lab"),
                     "client: c.lab: its certificate refused: it is another "
                     "host's");
    pki_remove(&p);
}
END_TEST

Suite *remote_suite(void)
{
    Suite *s = suite_create("remote");
    TCase *tc = tcase_create("allow");

    tcase_add_test(tc, dn_patterns_match_part_by_part);
    tcase_add_test(tc, the_first_matching_line_gives_the_role);
    tcase_add_test(tc, no_list_lets_nobody_in);
    tcase_add_test(tc, a_wrong_line_is_named);
    tcase_add_test(tc, host_and_port_as_users_write_them);
    suite_add_tcase(s, tc);
    tc = tcase_create("tls");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, certificates_decide_who_is_let_in);
    suite_add_tcase(s, tc);
    return s;
}
