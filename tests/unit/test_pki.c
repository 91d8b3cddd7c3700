/* The remote API's CA, keys and certificates (xlt/lib/pki.c), checked
 * with GnuTLS's own verification. */
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "unit.h"

#define DIR_TEMPLATE "/tmp/xlt-unit-pki-XXXXXX"

/* DIR/REL, in one of a few buffers that each call reuses in turn. */
static const char *in(const char *dir, const char *rel)
{
    static char bufs[4][256];
    static unsigned next;
    char *p = bufs[next++ % 4];

    snprintf(p, sizeof(bufs[0]), "%s/%s", dir, rel);
    return p;
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void rm_tree(const char *dir)
{
    ck_assert_int_eq(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* How many files and folders there are at PATH, PATH too (0 if none). */
static int files_in(const char *path)
{
    struct dirent *e;
    struct stat st;
    DIR *d;
    int n = 1;

    if (lstat(path, &st))
        return 0;
    if (!S_ISDIR(st.st_mode))
        return 1;
    d = opendir(path);
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d))) {
        char sub[512];
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        n += files_in(sub);
    }
    closedir(d);
    return n;
}

static mode_t mode_of(const char *path)
{
    struct stat st;

    ck_assert_int_eq(lstat(path, &st), 0);
    return st.st_mode & 07777;
}

static char *slurp(const char *path)
{
    struct xlt_err err;
    char *text = NULL;
    size_t len;

    ck_assert_msg(xlt_read_file(path, &text, &len, &err) == 0, "%s",
                  err.msg);
    return text;
}

static gnutls_x509_crt_t load_crt(const char *path)
{
    char *text = slurp(path);
    gnutls_datum_t d = {(unsigned char *)text, (unsigned)strlen(text)};
    gnutls_x509_crt_t crt;

    ck_assert_int_ge(gnutls_x509_crt_init(&crt), 0);
    ck_assert_int_ge(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM), 0);
    free(text);
    return crt;
}

static gnutls_x509_crl_t load_crl(const char *path)
{
    char *text = slurp(path);
    gnutls_datum_t d = {(unsigned char *)text, (unsigned)strlen(text)};
    gnutls_x509_crl_t crl;

    ck_assert_int_ge(gnutls_x509_crl_init(&crl), 0);
    ck_assert_int_ge(gnutls_x509_crl_import(crl, &d, GNUTLS_X509_FMT_PEM), 0);
    free(text);
    return crl;
}

/* GnuTLS's verdict on the certificate at CERT against DIR's ca.pem (and
 * its crl.pem if WITH_CRL): 0 if it chains, else the status bits. */
static unsigned verify(const char *dir, const char *cert, bool with_crl)
{
    gnutls_x509_trust_list_t tl;
    gnutls_x509_crt_t crt = load_crt(cert);
    unsigned status = ~0u;

    ck_assert_int_ge(gnutls_x509_trust_list_init(&tl, 0), 0);
    ck_assert_int_eq(gnutls_x509_trust_list_add_trust_file(
                         tl, in(dir, "ca.pem"), NULL, GNUTLS_X509_FMT_PEM,
                         0, 0), 1);
    if (with_crl) {
        gnutls_x509_crl_t crl = load_crl(in(dir, "crl.pem"));
        /* the list owns the CRL after */
        ck_assert_int_eq(gnutls_x509_trust_list_add_crls(
                             tl, &crl, 1,
                             GNUTLS_TL_VERIFY_CRL | GNUTLS_TL_FAIL_ON_INVALID_CRL,
                             0), 1);
    }
    ck_assert_int_ge(gnutls_x509_trust_list_verify_crt2(tl, &crt, 1, NULL, 0,
                                                        0, &status, NULL),
                     0);
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_trust_list_deinit(tl, 1);
    return status;
}

/* DIR with a CA named "lab", and INFO its. */
static void make_ca(char *dir, struct xlt_cert_info *info)
{
    struct xlt_err err;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_msg(xlt_pki_init(dir, "lab", 3650, info, &err) == 0, "%s",
                  err.msg);
}

static void issue_ok(const char *dir, const char *name, const char *role,
                     const char *const *alt, size_t n_alt,
                     struct xlt_cert_info *info)
{
    struct xlt_err err;

    ck_assert_msg(xlt_pki_issue(dir, NULL, name, role, alt, n_alt, 825, info,
                                &err) == 0, "%s", err.msg);
}

START_TEST(a_ca_and_what_it_issues_verify)
{
    char dir[] = DIR_TEMPLATE;
    const char *alt[] = {"10.99.0.2", "b.lab"};
    struct xlt_cert_info ca, host, user;
    gnutls_x509_crt_t crt;
    unsigned ca_flag = 9, critical = 9, usage = 0;
    char oid[64], san[64];
    size_t size;
    time_t now = time(NULL);

    make_ca(dir, &ca);
    ck_assert_str_eq(ca.dn, "CN=lab CA,O=lab");
    ck_assert_str_eq(ca.issuer, "CN=lab CA,O=lab");
    ck_assert_str_eq(ca.cert_path, in(dir, "ca.pem"));
    ck_assert_str_eq(ca.key_path, in(dir, "private/ca-key.pem"));
    ck_assert_int_eq(strlen(ca.serial), 32);
    ck_assert_int_eq(strspn(ca.serial, "0123456789abcdef"), 32);
    ck_assert(ca.not_before <= now - 299 && ca.not_before >= now - 310);
    ck_assert(ca.not_after >= now + 3650L * 86400 - 10);
    ck_assert_int_eq(mode_of(dir), 0700); /* mkdtemp's: left alone */
    ck_assert_int_eq(mode_of(in(dir, "private")), 0700);
    ck_assert_int_eq(mode_of(in(dir, "private/ca-key.pem")), 0600);
    ck_assert_int_eq(mode_of(in(dir, "ca.pem")), 0644);
    ck_assert_int_eq(mode_of(in(dir, "crl.pem")), 0644);
    ck_assert_int_eq(mode_of(in(dir, "issued")), 0755);
    ck_assert_int_eq(verify(dir, in(dir, "ca.pem"), true), 0);

    crt = load_crt(in(dir, "ca.pem"));
    ck_assert_int_eq(gnutls_x509_crt_get_version(crt), 3);
    ck_assert_int_eq(gnutls_x509_crt_get_basic_constraints(crt, &critical,
                                                           &ca_flag, NULL),
                     1);
    ck_assert_uint_eq(ca_flag, 1);
    ck_assert_uint_eq(critical, 1);
    ck_assert_int_eq(gnutls_x509_crt_get_key_usage(crt, &usage, &critical),
                     0);
    ck_assert_uint_eq(usage, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
    ck_assert_uint_eq(critical, 1);
    ck_assert_int_eq(gnutls_x509_crt_get_pk_algorithm(crt, NULL),
                     GNUTLS_PK_ECDSA);
    ck_assert_int_eq(gnutls_x509_crt_get_signature_algorithm(crt),
                     GNUTLS_SIGN_ECDSA_SHA256);
    gnutls_x509_crt_deinit(crt);

    issue_ok(dir, "a.lab", NULL, alt, 2, &host);
    ck_assert_str_eq(host.dn, "CN=a.lab,OU=host,O=lab");
    ck_assert_str_eq(host.issuer, "CN=lab CA,O=lab");
    /* a bundle laid out as the host's PKI directory, to copy whole */
    ck_assert_str_eq(host.bundle, in(dir, "issued/a.lab"));
    ck_assert_str_eq(host.cert_path, in(dir, "issued/a.lab/host.pem"));
    ck_assert_str_eq(host.key_path,
                     in(dir, "issued/a.lab/private/host-key.pem"));
    ck_assert_int_eq(mode_of(host.key_path), 0600);
    ck_assert_int_eq(mode_of(in(dir, "issued/a.lab/private")), 0700);
    ck_assert_int_eq(mode_of(host.cert_path), 0644);
    ck_assert_int_eq(mode_of(in(dir, "issued/a.lab.pem")), 0644);
    ck_assert_int_eq(mode_of(in(dir, "issued/a.lab/ca.pem")), 0644);
    ck_assert_int_eq(mode_of(in(dir, "issued/a.lab/crl.pem")), 0644);
    ck_assert_int_eq(mode_of(in(dir, "issued/a.lab/remote.allow")), 0644);
    ck_assert_int_eq(verify(dir, host.cert_path, false), 0);
    ck_assert_int_eq(verify(dir, host.cert_path, true), 0);
    crt = load_crt(host.cert_path);
    /* SANs: its name, then the others, 10.99.0.2 as an address */
    size = sizeof(san);
    ck_assert_int_eq(gnutls_x509_crt_get_subject_alt_name(crt, 0, san, &size,
                                                          NULL),
                     GNUTLS_SAN_DNSNAME);
    ck_assert_str_eq(san, "a.lab");
    size = sizeof(san);
    ck_assert_int_eq(gnutls_x509_crt_get_subject_alt_name(crt, 1, san, &size,
                                                          NULL),
                     GNUTLS_SAN_IPADDRESS);
    ck_assert_int_eq(size, 4);
    ck_assert_mem_eq(san, "\x0a\x63\x00\x02", 4);
    ck_assert(gnutls_x509_crt_check_hostname(crt, "b.lab"));
    ck_assert(gnutls_x509_crt_check_hostname(crt, "10.99.0.2"));
    ck_assert(!gnutls_x509_crt_check_hostname(crt, "c.lab"));
    size = sizeof(oid);
    ck_assert_int_eq(gnutls_x509_crt_get_key_purpose_oid(crt, 0, oid, &size,
                                                         NULL), 0);
    ck_assert_str_eq(oid, GNUTLS_KP_TLS_WWW_SERVER);
    size = sizeof(oid);
    ck_assert_int_eq(gnutls_x509_crt_get_key_purpose_oid(crt, 1, oid, &size,
                                                         NULL), 0);
    ck_assert_str_eq(oid, GNUTLS_KP_TLS_WWW_CLIENT);
    ck_assert_int_eq(gnutls_x509_crt_get_basic_constraints(crt, &critical,
                                                           &ca_flag, NULL),
                     0);
    ck_assert_uint_eq(critical, 1);
    gnutls_x509_crt_deinit(crt);

    issue_ok(dir, "alice", "operator", NULL, 0, &user);
    ck_assert_str_eq(user.dn, "CN=alice,OU=operator,O=lab");
    ck_assert_int_eq(mode_of(user.key_path), 0600);
    ck_assert_int_eq(verify(dir, user.cert_path, true), 0);
    crt = load_crt(user.cert_path);
    size = sizeof(oid);
    ck_assert_int_eq(gnutls_x509_crt_get_key_purpose_oid(crt, 0, oid, &size,
                                                         NULL), 0);
    ck_assert_str_eq(oid, GNUTLS_KP_TLS_WWW_CLIENT);
    size = sizeof(oid);
    ck_assert_int_eq(gnutls_x509_crt_get_key_purpose_oid(crt, 1, oid, &size,
                                                         NULL),
                     GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE);
    size = sizeof(san);
    ck_assert_int_eq(gnutls_x509_crt_get_subject_alt_name(crt, 0, san, &size,
                                                          NULL),
                     GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE);
    ck_assert_int_eq(gnutls_x509_crt_get_key_usage(crt, &usage, NULL), 0);
    ck_assert_uint_eq(usage, GNUTLS_KEY_DIGITAL_SIGNATURE);
    gnutls_x509_crt_deinit(crt);
    rm_tree(dir);
}
END_TEST

/* The key written beside a certificate is the certificate's. */
START_TEST(an_issued_key_fits_its_certificate)
{
    char dir[] = DIR_TEMPLATE;
    struct xlt_cert_info info;
    gnutls_x509_privkey_t key;
    gnutls_x509_crt_t crt;
    unsigned char a[64], b[64];
    size_t la = sizeof(a), lb = sizeof(b);
    char *text;
    gnutls_datum_t d;

    make_ca(dir, NULL);
    issue_ok(dir, "bob", "admin", NULL, 0, &info);
    text = slurp(info.key_path);
    ck_assert_ptr_nonnull(strstr(text, "-----BEGIN PRIVATE KEY-----"));
    d.data = (unsigned char *)text;
    d.size = (unsigned)strlen(text);
    ck_assert_int_ge(gnutls_x509_privkey_init(&key), 0);
    ck_assert_int_ge(gnutls_x509_privkey_import(key, &d, GNUTLS_X509_FMT_PEM),
                     0);
    crt = load_crt(info.cert_path);
    ck_assert_int_ge(gnutls_x509_crt_get_key_id(crt, 0, a, &la), 0);
    ck_assert_int_ge(gnutls_x509_privkey_get_key_id(key, 0, b, &lb), 0);
    ck_assert_int_eq(la, lb);
    ck_assert_mem_eq(a, b, la);
    ck_assert_int_eq(gnutls_x509_privkey_get_pk_algorithm(key),
                     GNUTLS_PK_ECDSA);
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_privkey_deinit(key);
    free(text);
    rm_tree(dir);
}
END_TEST

START_TEST(a_second_ca_is_refused)
{
    char dir[] = DIR_TEMPLATE, want[512];
    struct xlt_err err;
    char *before, *after;
    int files;

    make_ca(dir, NULL);
    before = slurp(in(dir, "ca.pem"));
    files = files_in(dir);
    ck_assert_int_eq(xlt_pki_init(dir, "other", 365, NULL, &err), -1);
    snprintf(want, sizeof(want), "%s/ca.pem exists: this host has a CA "
             "already", dir);
    ck_assert_str_eq(err.msg, want);
    after = slurp(in(dir, "ca.pem"));
    ck_assert_str_eq(after, before);
    ck_assert_int_eq(files_in(dir), files);
    free(before);
    free(after);
    rm_tree(dir);
}
END_TEST

START_TEST(a_name_is_issued_once)
{
    char dir[] = DIR_TEMPLATE, want[512];
    struct xlt_cert_info first, again;
    struct xlt_err err;
    char *before, *after;

    make_ca(dir, NULL);
    issue_ok(dir, "alice", "operator", NULL, 0, &first);
    before = slurp(first.key_path);
    ck_assert_int_eq(xlt_pki_issue(dir, NULL, "alice", "admin", NULL, 0, 30,
                                   &again, &err), -1);
    snprintf(want, sizeof(want), "%s/issued/alice.pem exists: alice was "
             "issued already", dir);
    ck_assert_str_eq(err.msg, want);
    after = slurp(first.key_path);
    ck_assert_str_eq(after, before);
    /* a bundle in the way of a name is not overwritten either */
    unlink(in(dir, "issued/alice.pem"));
    ck_assert_int_eq(xlt_pki_issue(dir, NULL, "alice", "admin", NULL, 0, 30,
                                   &again, &err), -1);
    snprintf(want, sizeof(want), "%s/issued/alice exists: remove it "
             "or choose another name", dir);
    ck_assert_str_eq(err.msg, want);
    free(before);
    free(after);
    rm_tree(dir);
}
END_TEST

/* The error of issuing NAME (ROLE, ALT, DAYS) in DIR: it makes no file. */
static const char *issue_err(const char *dir, const char *name,
                             const char *role, const char *const *alt,
                             size_t n_alt, int days)
{
    static struct xlt_err err;
    int files = files_in(dir);

    ck_assert_int_eq(xlt_pki_issue(dir, NULL, name, role, alt, n_alt, days, NULL,
                                   &err), -1);
    ck_assert_int_eq(files_in(dir), files);
    return err.msg;
}

START_TEST(bad_names_roles_and_days_are_refused)
{
    char dir[] = DIR_TEMPLATE, sub[64], want[512];
    const char *space[] = {"b lab"}, *v6[] = {"fd00::2"};
    struct xlt_err err;
    char long_name[70];

    make_ca(dir, NULL);
    ck_assert_str_eq(issue_err(dir, "a/b", NULL, NULL, 0, 30),
                     "`a/b' is not a usable name (letters, digits, '.', '_' "
                     "and '-', at most 64)");
    ck_assert_str_eq(issue_err(dir, "", "admin", NULL, 0, 30),
                     "`' is not a usable name (letters, digits, '.', '_' "
                     "and '-', at most 64)");
    ck_assert_str_eq(issue_err(dir, ".hidden", "admin", NULL, 0, 30),
                     "`.hidden' is not a usable name (letters, digits, '.', "
                     "'_' and '-', at most 64)");
    ck_assert_str_eq(issue_err(dir, "-x", "admin", NULL, 0, 30),
                     "`-x' is not a usable name (letters, digits, '.', '_' "
                     "and '-', at most 64)");
    memset(long_name, 'a', 65);
    long_name[65] = '\0';
    ck_assert_ptr_nonnull(strstr(issue_err(dir, long_name, "admin", NULL, 0,
                                           30),
                                 "' is not a usable name"));
    long_name[64] = '\0';
    issue_ok(dir, long_name, "admin", NULL, 0, NULL); /* 64 is fine */
    ck_assert_str_eq(issue_err(dir, "carol", "root", NULL, 0, 30),
                     "`root' is not a role (read-only, operator or admin)");
    ck_assert_str_eq(issue_err(dir, "carol", "admin", NULL, 0, 0),
                     "0 days: a certificate is valid for 1 to 36500 days");
    ck_assert_str_eq(issue_err(dir, "carol", "admin", NULL, 0, 36501),
                     "36501 days: a certificate is valid for 1 to 36500 "
                     "days");
    ck_assert_str_eq(issue_err(dir, "c.lab", NULL, space, 1, 30),
                     "`b lab' is neither an IP address nor a DNS name");
    ck_assert_str_eq(issue_err(dir, "c..lab", NULL, NULL, 0, 30),
                     "`c..lab' is neither an IP address nor a DNS name");
    ck_assert_str_eq(issue_err(dir, "carol", "admin", v6, 1, 30),
                     "carol: a user's certificate has no alternative names");
    issue_ok(dir, "c.lab", NULL, v6, 1, NULL); /* an IPv6 address */

    /* no CA there: nothing made either */
    snprintf(sub, sizeof(sub), "%s/none", dir);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    snprintf(want, sizeof(want), "%s/ca.pem: no CA here (make one with `xlt "
             "pki init')", sub);
    ck_assert_str_eq(issue_err(sub, "carol", "admin", NULL, 0, 30), want);
    ck_assert_int_eq(files_in(sub), 1);

    /* and a CA is not made of a bad name or days */
    snprintf(sub, sizeof(sub), "%s/new", dir);
    ck_assert_int_eq(xlt_pki_init(sub, "a b", 30, NULL, &err), -1);
    ck_assert_str_eq(err.msg, "`a b' is not a usable name (letters, digits, "
                              "'.', '_' and '-', at most 64)");
    ck_assert_int_eq(xlt_pki_init(sub, "lab", 40000, NULL, &err), -1);
    ck_assert_str_eq(err.msg, "40000 days: a certificate is valid for 1 to "
                              "36500 days");
    ck_assert_int_eq(files_in(sub), 0);
    rm_tree(dir);
}
END_TEST

/* A failure half-way through removes what the call made, and only that. */
START_TEST(a_failed_init_leaves_nothing)
{
    char dir[] = DIR_TEMPLATE, want[512];
    struct xlt_err err;
    FILE *f;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    f = fopen(in(dir, "crl.pem"), "w"); /* a leftover in the way */
    ck_assert_ptr_nonnull(f);
    fputs("old\n", f);
    fclose(f);
    ck_assert_int_eq(xlt_pki_init(dir, "lab", 30, NULL, &err), -1);
    snprintf(want, sizeof(want), "%s/crl.pem: File exists", dir);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(files_in(dir), 2); /* DIR and its crl.pem */
    unlink(in(dir, "crl.pem"));

    /* a private folder others can enter is refused, left as it was */
    ck_assert_int_eq(mkdir(in(dir, "private"), 0755), 0);
    ck_assert_int_eq(chmod(in(dir, "private"), 0755), 0);
    ck_assert_int_eq(xlt_pki_init(dir, "lab", 30, NULL, &err), -1);
    snprintf(want, sizeof(want), "%s/private: open to others (mode 0755; it "
             "should be 0700)", dir);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(files_in(dir), 2);
    rm_tree(dir);
}
END_TEST

/* DIR's CA certificate re-signed as valid in 2000 only. */
static void expire_ca(const char *dir)
{
    char *text = slurp(in(dir, "private/ca-key.pem"));
    gnutls_datum_t d = {(unsigned char *)text, (unsigned)strlen(text)};
    gnutls_x509_crt_t crt = load_crt(in(dir, "ca.pem"));
    gnutls_x509_privkey_t key;
    FILE *f;

    ck_assert_int_ge(gnutls_x509_privkey_init(&key), 0);
    ck_assert_int_ge(gnutls_x509_privkey_import(key, &d, GNUTLS_X509_FMT_PEM),
                     0);
    ck_assert_int_ge(gnutls_x509_crt_set_activation_time(crt, 946684800), 0);
    ck_assert_int_ge(gnutls_x509_crt_set_expiration_time(crt, 978307200), 0);
    ck_assert_int_ge(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256,
                                           0), 0);
    free(text);
    ck_assert_int_ge(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &d), 0);
    f = fopen(in(dir, "ca.pem"), "w");
    ck_assert_ptr_nonnull(f);
    fwrite(d.data, 1, d.size, f);
    fclose(f);
    gnutls_free(d.data);
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_privkey_deinit(key);
}

START_TEST(a_ca_that_is_wrong_signs_nothing)
{
    char dir[] = DIR_TEMPLATE, other[] = DIR_TEMPLATE, want[512];
    struct xlt_cert_info info;
    struct xlt_err err;
    time_t ca_until;
    char *key;
    FILE *f;

    /* a certificate does not outlive its CA */
    make_ca(dir, &info);
    ca_until = info.not_after;
    issue_ok(dir, "alice", "admin", NULL, 0, &info);
    ck_assert(info.not_after < ca_until);
    rm_tree(dir);
    strcpy(dir, DIR_TEMPLATE);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(xlt_pki_init(dir, "lab", 10, &info, &err), 0);
    ca_until = info.not_after;
    issue_ok(dir, "alice", "admin", NULL, 0, &info);
    ck_assert_int_eq(info.not_after, ca_until);

    /* another CA's key */
    make_ca(other, NULL);
    key = slurp(in(other, "private/ca-key.pem"));
    f = fopen(in(dir, "private/ca-key.pem"), "w");
    ck_assert_ptr_nonnull(f);
    fputs(key, f);
    fclose(f);
    snprintf(want, sizeof(want), "%s/private/ca-key.pem: not the key of "
             "%s/ca.pem", dir, dir);
    ck_assert_str_eq(issue_err(dir, "bob", "admin", NULL, 0, 30), want);
    free(key);

    /* an expired one */
    expire_ca(other);
    snprintf(want, sizeof(want), "%s/ca.pem: the CA expired on 2001-01-01 "
             "00:00 UTC", other);
    ck_assert_str_eq(issue_err(other, "bob", "admin", NULL, 0, 30), want);
    rm_tree(dir);
    rm_tree(other);
}
END_TEST

/* The serials in DIR's crl.pem: how many, and whether SERIAL (hex) is. */
static int crl_entries(const char *dir, const char *serial, bool *listed)
{
    gnutls_x509_crl_t crl = load_crl(in(dir, "crl.pem"));
    int n = gnutls_x509_crl_get_crt_count(crl);

    *listed = false;
    for (int i = 0; i < n; i++) {
        unsigned char b[64];
        char hex[130] = "";
        size_t len = sizeof(b);
        ck_assert_int_ge(gnutls_x509_crl_get_crt_serial(crl, (unsigned)i, b,
                                                        &len, NULL), 0);
        for (size_t j = 0; j < len; j++)
            snprintf(hex + 2 * j, 3, "%02x", b[j]);
        if (serial && !strcmp(hex, serial))
            *listed = true;
    }
    gnutls_x509_crl_deinit(crl);
    return n;
}

START_TEST(a_revoked_certificate_no_longer_verifies)
{
    char dir[] = DIR_TEMPLATE, crl_path[256];
    struct xlt_cert_info alice, host, info;
    gnutls_x509_crl_t crl;
    struct xlt_err err;
    bool listed;
    unsigned char num[16];
    size_t num_len = sizeof(num);

    make_ca(dir, NULL);
    snprintf(crl_path, sizeof(crl_path), "%s/crl.pem", dir);
    crl = load_crl(crl_path);
    ck_assert_int_eq(gnutls_x509_crl_get_version(crl), 2);
    ck_assert_int_eq(gnutls_x509_crl_get_crt_count(crl), 0);
    ck_assert(gnutls_x509_crl_get_next_update(crl) >=
              time(NULL) + 365L * 86400 - 10);
    gnutls_x509_crl_deinit(crl);

    issue_ok(dir, "alice", "operator", NULL, 0, &alice);
    issue_ok(dir, "a.lab", NULL, NULL, 0, &host);
    ck_assert_msg(xlt_pki_revoke(dir, "alice", &info, &err) == 0, "%s",
                  err.msg);
    ck_assert_str_eq(info.serial, alice.serial);
    ck_assert_str_eq(info.dn, "CN=alice,OU=operator,O=lab");
    ck_assert_str_eq(info.cert_path, crl_path);
    ck_assert_int_eq(mode_of(crl_path), 0644);
    ck_assert_int_eq(crl_entries(dir, alice.serial, &listed), 1);
    ck_assert(listed);
    ck_assert_uint_eq(verify(dir, alice.cert_path, false), 0);
    ck_assert(verify(dir, alice.cert_path, true) & GNUTLS_CERT_REVOKED);
    ck_assert_uint_eq(verify(dir, host.cert_path, true), 0);

    /* again, by its path: not an error, still one entry */
    ck_assert_int_eq(xlt_pki_revoke(dir, alice.cert_path, NULL, &err), 0);
    ck_assert_int_eq(crl_entries(dir, alice.serial, &listed), 1);
    /* re-signed alone: the entry stays; numbered 1, 2, 3, 4 */
    ck_assert_int_eq(xlt_pki_revoke(dir, NULL, &info, &err), 0);
    ck_assert_str_eq(info.serial, "");
    ck_assert_int_eq(crl_entries(dir, alice.serial, &listed), 1);
    ck_assert(listed);
    crl = load_crl(crl_path);
    ck_assert_int_ge(gnutls_x509_crl_get_number(crl, num, &num_len, NULL), 0);
    ck_assert_int_eq(num_len, 1);
    ck_assert_int_eq(num[0], 4);
    gnutls_x509_crl_deinit(crl);
    ck_assert_msg(xlt_pki_revoke(dir, "a.lab", NULL, &err) == 0, "%s",
                  err.msg);
    ck_assert_int_eq(crl_entries(dir, host.serial, &listed), 2);
    ck_assert(listed);
    ck_assert(verify(dir, host.cert_path, true) & GNUTLS_CERT_REVOKED);
    rm_tree(dir);
}
END_TEST

START_TEST(only_this_cas_certificates_are_revoked)
{
    char dir[] = DIR_TEMPLATE, other[] = DIR_TEMPLATE, want[8192];
    struct xlt_cert_info stranger;
    struct xlt_err err;
    bool listed;

    make_ca(dir, NULL);
    make_ca(other, NULL);
    issue_ok(other, "mallory", "admin", NULL, 0, &stranger);
    ck_assert_int_eq(xlt_pki_revoke(dir, stranger.cert_path, NULL, &err), -1);
    snprintf(want, sizeof(want), "%s: not issued by the CA in %s",
             stranger.cert_path, dir);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(xlt_pki_revoke(dir, in(dir, "ca.pem"), NULL, &err), -1);
    snprintf(want, sizeof(want), "%s/ca.pem: that is the CA itself (a CA is "
             "retired by making a new one)", dir);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(xlt_pki_revoke(dir, in(dir, "crl.pem"), NULL, &err), -1);
    snprintf(want, sizeof(want), "%s/crl.pem: not a certificate: Base64 "
             "unexpected header error.", dir);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(xlt_pki_revoke(dir, "nobody", NULL, &err), -1);
    snprintf(want, sizeof(want), "%s/issued/nobody.pem: No such file or "
             "directory", dir);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(crl_entries(dir, NULL, &listed), 0);
    rm_tree(dir);
    rm_tree(other);
}
END_TEST

START_TEST(describe_says_what_a_certificate_says)
{
    char dir[] = DIR_TEMPLATE, want[8192];
    struct xlt_cert_info issued, info;
    struct xlt_err err;

    make_ca(dir, NULL);
    issue_ok(dir, "alice", "read-only", NULL, 0, &issued);
    ck_assert_msg(xlt_pki_describe(issued.cert_path, &info, &err) == 0, "%s",
                  err.msg);
    ck_assert_str_eq(info.dn, "CN=alice,OU=read-only,O=lab");
    ck_assert_str_eq(info.issuer, "CN=lab CA,O=lab");
    ck_assert_str_eq(info.serial, issued.serial);
    ck_assert_str_eq(info.fingerprint, issued.fingerprint);
    ck_assert_str_eq(info.cert_path, "");
    ck_assert_str_eq(info.key_path, "");
    ck_assert_int_eq(info.not_before, issued.not_before);
    ck_assert_int_eq(info.not_after, issued.not_after);
    /* 32 upper-case pairs joined by ':' */
    ck_assert_int_eq(strlen(info.fingerprint), 95);
    for (int i = 0; i < 95; i++)
        ck_assert(i % 3 == 2 ? info.fingerprint[i] == ':'
                             : strchr("0123456789ABCDEF",
                                      info.fingerprint[i]) != NULL);
    ck_assert_int_eq(xlt_pki_describe(issued.key_path, &info, &err), -1);
    snprintf(want, sizeof(want), "%s: not a certificate: Base64 unexpected "
             "header error.", issued.key_path);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(xlt_pki_describe("/dev/null", &info, &err), -1);
    ck_assert_str_eq(err.msg, "/dev/null: not a certificate: Base64 "
                              "unexpected header error.");
    ck_assert_int_eq(xlt_pki_describe(in(dir, "none.pem"), &info, &err), -1);
    snprintf(want, sizeof(want), "%s/none.pem: No such file or directory",
             dir);
    ck_assert_str_eq(err.msg, want);
    rm_tree(dir);
}
END_TEST

Suite *pki_suite(void)
{
    Suite *s = suite_create("pki");
    TCase *tc = tcase_create("ca");

    tcase_set_timeout(tc, 30); /* keys made under ASan */
    tcase_add_test(tc, a_ca_and_what_it_issues_verify);
    tcase_add_test(tc, an_issued_key_fits_its_certificate);
    tcase_add_test(tc, a_second_ca_is_refused);
    tcase_add_test(tc, a_name_is_issued_once);
    tcase_add_test(tc, bad_names_roles_and_days_are_refused);
    tcase_add_test(tc, a_failed_init_leaves_nothing);
    tcase_add_test(tc, a_ca_that_is_wrong_signs_nothing);
    tcase_add_test(tc, a_revoked_certificate_no_longer_verifies);
    tcase_add_test(tc, only_this_cas_certificates_are_revoked);
    tcase_add_test(tc, describe_says_what_a_certificate_says);
    suite_add_tcase(s, tc);
    return s;
}
