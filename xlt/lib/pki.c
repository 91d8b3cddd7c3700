/*
 * pki.c: the keys and certificates of xltd's remote API (mutual TLS),
 * made with GnuTLS's X.509 functions, so that nobody needs certtool or
 * a manual.  A directory DIR (XLT_PKI_DIR) holds
 *   ca.pem                 the CA's certificate (0644)
 *   private/ca-key.pem     its key (0600, in a folder of mode 0700)
 *   crl.pem                the CA's revocation list, signed (0644)
 *   remote.allow           this host's allow-list: the CA's users get
 *                          the role their certificate's OU names
 *   issued/NAME.pem        each certificate issued, kept to revoke by name
 *   issued/NAME/           what `issue' made, laid out as a host's or a
 *                          user's PKI directory, to copy there whole:
 *                          ca.pem, crl.pem, host.pem or client.pem,
 *                          private/host-key.pem or private/client-key.pem
 *                          (0600; the key is nowhere else), and a host's
 *                          remote.allow
 * (`issue --out DIR' lays the bundle out in DIR instead: this host's own
 * PKI directory, say; what is there already of the CA is kept.)
 * Keys are ECDSA P-256, signatures SHA-256.  Every file is written as a
 * temporary file beside it, fsync'd and renamed into place; a key is
 * 0600 from its creation.  A CA or an issued certificate is never
 * overwritten, and a call that fails removes what it made.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "xlt.h"

#define PATH_LEN 4096 /* as struct xlt_cert_info's paths */
#define NAME_MAX_LEN 64
#define DAYS_MAX 36500
#define DAY_S ((time_t)24 * 60 * 60)
#define SKEW_S ((time_t)5 * 60) /* not_before this far back: clock skew */
#define CRL_MAX_S (365 * DAY_S)
#define SERIAL_LEN 16
#define MADE_MAX 12

/* The CA of a directory, loaded. */
struct ca {
    gnutls_x509_crt_t crt;
    gnutls_x509_privkey_t xkey;
    gnutls_privkey_t key;   /* XKEY, to sign with */
    char org[NAME_MAX_LEN + 1]; /* its subject's O */
    unsigned char key_id[64];   /* its subject key id */
    size_t key_id_len;
};

/* What a call has made so far: undone, newest first, if it fails. */
struct made {
    char path[MADE_MAX][PATH_LEN];
    bool is_dir[MADE_MAX];
    size_t n;
};

static int tls_err(struct xlt_err *err, const char *what, int rc)
{
    return xlt_err_set(err, "%s: %s", what, gnutls_strerror(rc));
}

/* ---- names, days and paths --------------------------------------------- */

/* 0 if NAME can name a CA or a certificate (and its files). */
static int check_name(const char *name, struct xlt_err *err)
{
    size_t len = name ? strlen(name) : 0;

    if (len < 1 || len > NAME_MAX_LEN || name[0] == '.' || name[0] == '-' ||
        strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789._-") != len)
        return xlt_err_set(err, "`%s' is not a usable name (letters, "
                           "digits, '.', '_' and '-', at most %d)",
                           name ? name : "", NAME_MAX_LEN);
    return 0;
}

static int check_days(int days, struct xlt_err *err)
{
    if (days < 1 || days > DAYS_MAX)
        return xlt_err_set(err, "%d days: a certificate is valid for 1 to "
                           "%d days", days, DAYS_MAX);
    return 0;
}

/* 0 if S is a DNS name: dot-separated labels of letters, digits, '-'
 * and '_', none empty, none starting or ending with '-'. */
static int dns_name_ok(const char *s)
{
    size_t len = strlen(s), label = 0;

    if (len < 1 || len > 253)
        return -1;
    for (size_t i = 0; i <= len; i++) {
        if (s[i] == '.' || s[i] == '\0') {
            if (label < 1 || label > 63 || s[i - label] == '-' ||
                s[i - 1] == '-')
                return -1;
            label = 0;
        } else if (strchr("-_", s[i]) || (s[i] >= '0' && s[i] <= '9') ||
                   (s[i] >= 'a' && s[i] <= 'z') ||
                   (s[i] >= 'A' && s[i] <= 'Z')) {
            label++;
        } else {
            return -1;
        }
    }
    return 0;
}

/* ALT as a subject alternative name: an IP address (its 4 or 16 bytes
 * in IP) or a DNS name. */
static int san_of(const char *alt, gnutls_x509_subject_alt_name_t *type_r,
                  unsigned char ip[16], unsigned *len_r, struct xlt_err *err)
{
    if (inet_pton(AF_INET, alt, ip) == 1) {
        *type_r = GNUTLS_SAN_IPADDRESS;
        *len_r = 4;
    } else if (inet_pton(AF_INET6, alt, ip) == 1) {
        *type_r = GNUTLS_SAN_IPADDRESS;
        *len_r = 16;
    } else if (dns_name_ok(alt) == 0) {
        *type_r = GNUTLS_SAN_DNSNAME;
        *len_r = (unsigned)strlen(alt);
    } else {
        xlt_err_set(err, "`%s' is neither an IP address nor a DNS name",
                    alt);
        return -1; /* said apart: the analyzer does not know it is -1 */
    }
    return 0;
}

/* DIR/REL into PATH (PATH_LEN bytes). */
static int path_in(char *path, const char *dir, const char *rel,
                   struct xlt_err *err)
{
    int n = snprintf(path, PATH_LEN, "%s/%s", dir, rel);

    if (n < 0 || n >= PATH_LEN)
        return xlt_err_set(err, "%s/%s: path too long", dir, rel);
    return 0;
}

static bool exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

/* ---- files, written whole or not at all -------------------------------- */

static void made_add(struct made *made, const char *path, bool is_dir)
{
    if (made->n < MADE_MAX) {
        snprintf(made->path[made->n], PATH_LEN, "%s", path);
        made->is_dir[made->n++] = is_dir;
    }
}

/* Remove what MADE lists, newest first. */
static void made_undo(struct made *made)
{
    while (made->n > 0) {
        made->n--;
        if (made->is_dir[made->n])
            rmdir(made->path[made->n]);
        else
            unlink(made->path[made->n]);
    }
}

/* The folder PATH, mode MODE: made (and listed in MADE) if missing; if
 * there, it must be a folder, and if PRIVATE one that only its owner can
 * enter. */
static int make_dir(const char *path, mode_t mode, bool private,
                    struct made *made, struct xlt_err *err)
{
    struct stat st;

    if (mkdir(path, mode) == 0) {
        made_add(made, path, true);
        /* the exact mode, whatever the umask */
        if (chmod(path, mode))
            return xlt_err_errno(err, errno, "chmod %s", path);
        return 0;
    }
    if (errno != EEXIST)
        return xlt_err_errno(err, errno, "mkdir %s", path);
    if (stat(path, &st))
        return xlt_err_errno(err, errno, "%s", path);
    if (!S_ISDIR(st.st_mode))
        return xlt_err_set(err, "%s: not a folder", path);
    if (private && (st.st_mode & 077))
        return xlt_err_set(err, "%s: open to others (mode %04o; it should "
                           "be 0700)", path, (unsigned)(st.st_mode & 07777));
    return 0;
}

/* The folder of PATH, fsync'd: a rename in it is on disk. */
static int sync_dir_of(const char *path, struct xlt_err *err)
{
    char dir[PATH_LEN];
    char *slash;
    int fd, rc = 0;

    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd))
        rc = xlt_err_errno(err, errno, "fsync %s", dir);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* TMP into place as PATH; unless REPLACE, an existing PATH is refused
 * (EEXIST), atomically. */
static int rename_into(const char *tmp, const char *path, bool replace)
{
    if (replace)
        return rename(tmp, path);
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    /* a file system without RENAME_NOREPLACE: link(2) refuses too */
    if (link(tmp, path))
        return -1;
    unlink(tmp);
    return 0;
}

/* LEN bytes of DATA as the file PATH of mode MODE: a temporary file
 * beside it (created with MODE, made exact before a byte is written),
 * fsync'd and renamed into place, and the folder fsync'd.  Unless
 * REPLACE, an existing PATH is refused. */
static int write_file(const char *path, const void *data, size_t len,
                      mode_t mode, bool replace, struct xlt_err *err)
{
    char tmp[PATH_LEN + 32];
    unsigned char rnd[6];
    int fd = -1, rc = -1;

    if (gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof(rnd)) < 0) {
        xlt_err_set(err, "%s: no random numbers", path);
        return -1;
    }
    snprintf(tmp, sizeof(tmp), "%s.tmp-%02x%02x%02x%02x%02x%02x", path,
             rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              mode);
    if (fd < 0) {
        xlt_err_errno(err, errno, "%s", tmp);
        return -1;
    }
    if (fchmod(fd, mode) || xlt_write_all(fd, data, len) || fsync(fd)) {
        xlt_err_errno(err, errno, "%s", tmp);
        goto out;
    }
    if (close(fd)) {
        fd = -1;
        xlt_err_errno(err, errno, "%s", tmp);
        goto out;
    }
    fd = -1;
    if (rename_into(tmp, path, replace)) {
        xlt_err_errno(err, errno, "%s", path);
        goto out;
    }
    rc = sync_dir_of(path, err);
    if (rc && !replace) /* ours, but perhaps not on disk: not there */
        unlink(path);
out:
    if (fd >= 0)
        close(fd);
    if (rc)
        unlink(tmp);
    return rc;
}

/* PEM as a new file PATH (listed in MADE). */
static int write_new(const char *path, const gnutls_datum_t *pem,
                     mode_t mode, struct made *made, struct xlt_err *err)
{
    if (write_file(path, pem->data, pem->size, mode, false, err))
        return -1;
    made_add(made, path, false);
    return 0;
}

/* ---- reading certificates ---------------------------------------------- */

/* The certificate in the PEM file PATH, into *CRT_R (the caller's). */
static int load_cert(const char *path, gnutls_x509_crt_t *crt_r,
                     struct xlt_err *err)
{
    gnutls_x509_crt_t crt = NULL;
    gnutls_datum_t d;
    char *text = NULL;
    size_t len;
    int rc = -1, grc;

    if (xlt_read_file(path, &text, &len, err))
        goto out;
    d.data = (unsigned char *)text;
    d.size = (unsigned)len;
    grc = gnutls_x509_crt_init(&crt);
    if (grc < 0) {
        tls_err(err, path, grc);
        goto out;
    }
    grc = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM);
    if (grc < 0) {
        xlt_err_set(err, "%s: not a certificate: %s", path,
                    gnutls_strerror(grc));
        goto out;
    }
    *crt_r = crt;
    crt = NULL;
    rc = 0;
out:
    if (crt)
        gnutls_x509_crt_deinit(crt);
    free(text);
    return rc;
}

/* DER-style hex of LEN bytes: lower case, no separators, leading zero
 * bytes (DER's sign padding) dropped. */
static void hex_of(const unsigned char *b, size_t len, char *out,
                   size_t size)
{
    size_t i = 0, at = 0;

    while (i + 1 < len && b[i] == 0)
        i++;
    out[0] = '\0';
    for (; i < len && at + 3 <= size; i++, at += 2)
        snprintf(out + at, 3, "%02x", b[i]);
}

/* A DN getter's text into BUF (SIZE bytes). */
static int dn_text(int grc, gnutls_datum_t *d, char *buf, size_t size,
                   const char *what, struct xlt_err *err)
{
    if (grc < 0)
        return tls_err(err, what, grc);
    snprintf(buf, size, "%.*s", (int)d->size, (const char *)d->data);
    gnutls_free(d->data);
    return 0;
}

/* What CRT (read from WHAT) says, into INFO; its paths "". */
static int cert_info(gnutls_x509_crt_t crt, const char *what,
                     struct xlt_cert_info *info, struct xlt_err *err)
{
    unsigned char buf[64];
    size_t size = sizeof(buf);
    gnutls_datum_t d;
    int grc;

    memset(info, 0, sizeof(*info));
    /* flags 0 is RFC 4514 (most specific first); GnuTLS 3.7's
     * GNUTLS_X509_DN_FLAG_COMPAT would give DER order, O= first */
    if (dn_text(gnutls_x509_crt_get_dn3(crt, &d, 0), &d, info->dn,
                sizeof(info->dn), what, err) ||
        dn_text(gnutls_x509_crt_get_issuer_dn3(crt, &d, 0), &d, info->issuer,
                sizeof(info->issuer), what, err))
        return -1;
    grc = gnutls_x509_crt_get_serial(crt, buf, &size);
    if (grc < 0)
        return tls_err(err, what, grc);
    hex_of(buf, size, info->serial, sizeof(info->serial));
    size = sizeof(buf);
    grc = gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, buf, &size);
    if (grc < 0)
        return tls_err(err, what, grc);
    for (size_t i = 0, at = 0; i < size && at + 4 <= sizeof(info->fingerprint);
         i++)
        at += (size_t)snprintf(info->fingerprint + at,
                               sizeof(info->fingerprint) - at, "%s%02X",
                               i ? ":" : "", buf[i]);
    info->not_before = gnutls_x509_crt_get_activation_time(crt);
    info->not_after = gnutls_x509_crt_get_expiration_time(crt);
    return 0;
}

/* ---- the CA ------------------------------------------------------------ */

static void ca_dispose(struct ca *ca)
{
    if (ca->key)
        gnutls_privkey_deinit(ca->key);
    if (ca->xkey)
        gnutls_x509_privkey_deinit(ca->xkey);
    if (ca->crt)
        gnutls_x509_crt_deinit(ca->crt);
    memset(ca, 0, sizeof(*ca));
}

/* CA's signing key (KEY) and the facts read from its certificate (CRT),
 * both already in CA. */
static int ca_complete(struct ca *ca, const char *what, struct xlt_err *err)
{
    size_t size = sizeof(ca->org) - 1;
    int grc;

    grc = gnutls_privkey_init(&ca->key);
    if (grc >= 0)
        grc = gnutls_privkey_import_x509(ca->key, ca->xkey, 0);
    if (grc < 0)
        return tls_err(err, what, grc);
    grc = gnutls_x509_crt_get_dn_by_oid(ca->crt,
                                        GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                        0, ca->org, &size);
    if (grc < 0)
        return xlt_err_set(err, "%s: its subject has no O= (not made by "
                           "`xlt pki init'?)", what);
    ca->org[size] = '\0';
    size = sizeof(ca->key_id);
    grc = gnutls_x509_crt_get_subject_key_id(ca->crt, ca->key_id, &size,
                                             NULL);
    if (grc < 0) {
        size = sizeof(ca->key_id);
        grc = gnutls_x509_crt_get_key_id(ca->crt, 0, ca->key_id, &size);
    }
    if (grc < 0)
        return tls_err(err, what, grc);
    ca->key_id_len = size;
    return 0;
}

/* The key in the PEM file PATH (zeroed in memory after). */
static int load_key(const char *path, gnutls_x509_privkey_t *key_r,
                    struct xlt_err *err)
{
    gnutls_datum_t d;
    char *text = NULL;
    size_t len;
    int grc;

    if (xlt_read_file(path, &text, &len, err))
        return -1;
    d.data = (unsigned char *)text;
    d.size = (unsigned)len;
    grc = gnutls_x509_privkey_init(key_r);
    if (grc >= 0)
        grc = gnutls_x509_privkey_import2(*key_r, &d, GNUTLS_X509_FMT_PEM,
                                          NULL, 0);
    gnutls_memset(text, 0, len);
    free(text);
    if (grc < 0)
        return xlt_err_set(err, "%s: not a key: %s", path,
                           gnutls_strerror(grc));
    return 0;
}

/* Does KEY belong to CRT? */
static bool key_fits(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key)
{
    unsigned char a[64], b[64];
    size_t la = sizeof(a), lb = sizeof(b);

    return gnutls_x509_crt_get_key_id(crt, 0, a, &la) >= 0 &&
           gnutls_x509_privkey_get_key_id(key, 0, b, &lb) >= 0 && la == lb &&
           memcmp(a, b, la) == 0;
}

/* DIR's CA, for signing: its certificate and key, which must fit, and
 * which must not have expired. */
static int ca_load(const char *dir, struct ca *ca, struct xlt_err *err)
{
    char crt_path[PATH_LEN], key_path[PATH_LEN], when[64];
    time_t until;
    struct tm tm;

    if (path_in(crt_path, dir, "ca.pem", err) ||
        path_in(key_path, dir, "private/ca-key.pem", err))
        return -1;
    if (!exists(crt_path))
        return xlt_err_set(err, "%s: no CA here (make one with `xlt pki "
                           "init')", crt_path);
    if (load_cert(crt_path, &ca->crt, err) ||
        load_key(key_path, &ca->xkey, err))
        return -1;
    if (!key_fits(ca->crt, ca->xkey))
        return xlt_err_set(err, "%s: not the key of %s", key_path,
                           crt_path);
    until = gnutls_x509_crt_get_expiration_time(ca->crt);
    if (until != (time_t)-1 && until <= time(NULL)) {
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC",
                 gmtime_r(&until, &tm));
        return xlt_err_set(err, "%s: the CA expired on %s", crt_path, when);
    }
    return ca_complete(ca, crt_path, err);
}

/* ---- making keys and certificates -------------------------------------- */

/* A new ECDSA P-256 key, and its PKCS #8 PEM in *PEM_R (the caller
 * frees it with free_secret). */
static int new_key(gnutls_x509_privkey_t *key_r, gnutls_datum_t *pem_r,
                   struct xlt_err *err)
{
    int grc = gnutls_x509_privkey_init(key_r);

    if (grc >= 0)
        grc = gnutls_x509_privkey_generate2(
            *key_r, GNUTLS_PK_ECDSA,
            GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0, NULL, 0);
    if (grc >= 0)
        grc = gnutls_x509_privkey_export2_pkcs8(*key_r, GNUTLS_X509_FMT_PEM,
                                                NULL, GNUTLS_PKCS_PLAIN,
                                                pem_r);
    if (grc < 0)
        return tls_err(err, "making a key", grc);
    return 0;
}

static void free_secret(gnutls_datum_t *d)
{
    if (d->data) {
        gnutls_memset(d->data, 0, d->size);
        gnutls_free(d->data);
    }
    d->data = NULL;
}

/* Add the RDN OID=VALUE to CRT's subject (each added goes before the
 * ones already there in RFC 4514's order). */
static int add_rdn(gnutls_x509_crt_t crt, const char *oid, const char *value)
{
    return gnutls_x509_crt_set_dn_by_oid(crt, oid, 0, value,
                                         (unsigned)strlen(value));
}

/* A version 3 certificate for KEY: a random serial (16 bytes, positive),
 * valid from a little before NOW until UNTIL, subject RDNs O, OU (if
 * not NULL) and CN in that order, subject key id set. */
static int new_cert(gnutls_x509_crt_t *crt_r, gnutls_x509_privkey_t key,
                    time_t now, time_t until, const char *o, const char *ou,
                    const char *cn, struct xlt_err *err)
{
    unsigned char serial[SERIAL_LEN] = {0}, id[64];
    size_t id_len = sizeof(id);
    int grc = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial));

    /* top bit clear: positive; the next set: 16 bytes in DER, always */
    serial[0] = (unsigned char)((serial[0] & 0x3f) | 0x40);
    if (grc >= 0)
        grc = gnutls_x509_crt_init(crt_r);
    if (grc >= 0)
        grc = gnutls_x509_crt_set_version(*crt_r, 3);
    if (grc >= 0)
        grc = gnutls_x509_crt_set_serial(*crt_r, serial, sizeof(serial));
    if (grc >= 0)
        grc = gnutls_x509_crt_set_activation_time(*crt_r, now - SKEW_S);
    if (grc >= 0)
        grc = gnutls_x509_crt_set_expiration_time(*crt_r, until);
    if (grc >= 0)
        grc = gnutls_x509_crt_set_key(*crt_r, key);
    if (grc >= 0)
        grc = add_rdn(*crt_r, GNUTLS_OID_X520_ORGANIZATION_NAME, o);
    if (grc >= 0 && ou)
        grc = add_rdn(*crt_r, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, ou);
    if (grc >= 0)
        grc = add_rdn(*crt_r, GNUTLS_OID_X520_COMMON_NAME, cn);
    if (grc >= 0)
        grc = gnutls_x509_privkey_get_key_id(key, 0, id, &id_len);
    if (grc >= 0)
        grc = gnutls_x509_crt_set_subject_key_id(*crt_r, id, id_len);
    if (grc < 0)
        return tls_err(err, "making a certificate", grc);
    return 0;
}

/* CRT's PEM in *PEM_R (gnutls_free). */
static int cert_pem(gnutls_x509_crt_t crt, gnutls_datum_t *pem_r,
                    struct xlt_err *err)
{
    int grc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, pem_r);

    if (grc < 0)
        return tls_err(err, "writing a certificate", grc);
    return 0;
}

/* The number of the CRL after OLD (NULL: the first), big-endian in NUM
 * (9 bytes), its length in *LEN_R. */
static void crl_number_next(gnutls_x509_crl_t old, unsigned char num[9],
                            size_t *len_r)
{
    unsigned char buf[32];
    size_t len = sizeof(buf), at = 9;
    uint64_t n = 0;

    if (old && gnutls_x509_crl_get_number(old, buf, &len, NULL) >= 0 &&
        len <= 8)
        for (size_t i = 0; i < len; i++)
            n = n << 8 | buf[i];
    n++;
    /* minimal, with a zero byte first if the top bit is set (positive) */
    do {
        num[--at] = (unsigned char)(n & 0xff);
        n >>= 8;
    } while (n);
    if (num[at] & 0x80)
        num[--at] = 0;
    memmove(num, num + at, 9 - at);
    *len_r = 9 - at;
}

/* A CRL signed by CA: OLD's entries (OLD may be NULL), and SERIAL (may
 * be NULL) revoked now unless among them, numbered one past OLD's.  It
 * is valid until a year from now or until the CA expires, whichever is
 * sooner: `xlt pki revoke' re-signs it, and a peer that checks it must
 * get a fresh one within the year.  Its PEM in *PEM_R (gnutls_free). */
static int make_crl(struct ca *ca, gnutls_x509_crl_t old,
                    const gnutls_datum_t *serial, gnutls_datum_t *pem_r,
                    struct xlt_err *err)
{
    gnutls_x509_crl_t crl = NULL;
    unsigned char num[9], entry[64];
    size_t num_len;
    time_t now = time(NULL), until, when;
    bool listed = false;
    int grc, count = old ? gnutls_x509_crl_get_crt_count(old) : 0;
    int rc = -1;

    until = gnutls_x509_crt_get_expiration_time(ca->crt);
    if (until == (time_t)-1 || until - now > CRL_MAX_S)
        until = now + CRL_MAX_S;
    grc = gnutls_x509_crl_init(&crl);
    if (grc >= 0)
        grc = gnutls_x509_crl_set_version(crl, 2);
    if (grc >= 0)
        grc = gnutls_x509_crl_set_this_update(crl, now);
    if (grc >= 0)
        grc = gnutls_x509_crl_set_next_update(crl, until);
    for (int i = 0; grc >= 0 && i < count; i++) {
        size_t len = sizeof(entry);
        grc = gnutls_x509_crl_get_crt_serial(old, (unsigned)i, entry, &len,
                                             &when);
        if (grc >= 0)
            grc = gnutls_x509_crl_set_crt_serial(crl, entry, len, when);
        if (grc >= 0 && serial && len == serial->size &&
            memcmp(entry, serial->data, len) == 0)
            listed = true;
    }
    if (grc >= 0 && serial && !listed)
        grc = gnutls_x509_crl_set_crt_serial(crl, serial->data, serial->size,
                                             now);
    crl_number_next(old, num, &num_len);
    if (grc >= 0)
        grc = gnutls_x509_crl_set_number(crl, num, num_len);
    if (grc >= 0)
        grc = gnutls_x509_crl_set_authority_key_id(crl, ca->key_id,
                                                   ca->key_id_len);
    if (grc >= 0)
        grc = gnutls_x509_crl_privkey_sign(crl, ca->crt, ca->key,
                                           GNUTLS_DIG_SHA256, 0);
    if (grc >= 0)
        grc = gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_PEM, pem_r);
    if (grc < 0) {
        tls_err(err, "making the CRL", grc);
        goto out;
    }
    rc = 0;
out:
    if (crl)
        gnutls_x509_crl_deinit(crl);
    return rc;
}

/* The files a call wrote, for INFO. */
static void info_paths(struct xlt_cert_info *info, const char *cert,
                       const char *key)
{
    snprintf(info->cert_path, sizeof(info->cert_path), "%s", cert);
    snprintf(info->key_path, sizeof(info->key_path), "%s", key);
}

/* ---- what a host or user gets ------------------------------------------ */

/* DIR/remote.allow, unless there is one: ORG's users in the role their
 * certificate's OU names (`issue user --role'); hosts (OU=host) and
 * other CAs' certificates in none. */
static int write_allow(const char *dir, const char *org, struct made *made,
                       struct xlt_err *err)
{
    char path[PATH_LEN], *text = NULL;
    gnutls_datum_t d;
    int rc;

    if (path_in(path, dir, "remote.allow", err))
        return -1;
    if (exists(path))
        return 0;
    if (asprintf(&text,
                 "# Who may use this host's remote API (xlt -H), in which "
                 "role: lines\n"
                 "# ROLE DN-PATTERN; the first whose pattern matches a client "
                 "certificate's\n"
                 "# subject wins, and none matching lets nobody in.  "
                 "Written by `xlt pki'.\n"
                 "admin      CN=*,OU=admin,O=%s\n"
                 "operator   CN=*,OU=operator,O=%s\n"
                 "read-only  CN=*,OU=read-only,O=%s\n",
                 org, org, org) < 0)
        return xlt_err_set(err, "out of memory");
    d.data = (unsigned char *)text;
    d.size = (unsigned)strlen(text);
    rc = write_new(path, &d, 0644, made, err);
    free(text);
    return rc;
}

/* DIR's file NAME copied to OUT, unless OUT has it already: the same
 * (kept) or, for ca.pem, another CA's (refused). */
static int copy_in(const char *dir, const char *out, const char *name,
                   struct made *made, struct xlt_err *err)
{
    char from[PATH_LEN], to[PATH_LEN], *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    gnutls_datum_t d;
    int rc = -1;

    if (path_in(from, dir, name, err) || path_in(to, out, name, err) ||
        xlt_read_file(from, &a, &la, err))
        goto out;
    if (!exists(to)) {
        d.data = (unsigned char *)a;
        d.size = (unsigned)la;
        rc = write_new(to, &d, 0644, made, err);
        goto out;
    }
    if (xlt_read_file(to, &b, &lb, err))
        goto out;
    if (!strcmp(name, "ca.pem") && (la != lb || memcmp(a, b, la) != 0)) {
        xlt_err_set(err, "%s: another CA's; this bundle needs %s", to, from);
        goto out;
    }
    rc = 0;
out:
    free(a);
    free(b);
    return rc;
}

/* The bundle for a host (HOST) or a user in OUT: the CA's files, the
 * certificate CRT_PEM and its key KEY_PEM (their files into CRT and KEY,
 * PATH_LEN bytes each), and a host's allow-list. */
static int write_bundle(const char *dir, const char *out, bool host,
                        const char *org, const gnutls_datum_t *crt_pem,
                        const gnutls_datum_t *key_pem, char *crt, char *key,
                        struct made *made, struct xlt_err *err)
{
    char priv[PATH_LEN];
    const char *who = host ? "host" : "client";
    char rel[64];

    snprintf(rel, sizeof(rel), "%s.pem", who);
    if (path_in(priv, out, "private", err) || path_in(crt, out, rel, err))
        return -1;
    snprintf(rel, sizeof(rel), "private/%s-key.pem", who);
    if (path_in(key, out, rel, err))
        return -1;
    if (exists(crt))
        return xlt_err_set(err, "%s exists: %s has its certificate already",
                           crt, out);
    if (make_dir(out, 0755, false, made, err) ||
        make_dir(priv, 0700, true, made, err) ||
        (strcmp(out, dir) != 0 && (copy_in(dir, out, "ca.pem", made, err) ||
                              copy_in(dir, out, "crl.pem", made, err))) ||
        (host && write_allow(out, org, made, err)) ||
        write_new(key, key_pem, 0600, made, err) ||
        write_new(crt, crt_pem, 0644, made, err))
        return -1;
    return 0;
}

/* ---- init -------------------------------------------------------------- */

/* The CA's own certificate, for KEY (in CA->xkey), self-signed, into
 * CA->crt; CA made ready to sign. */
static int make_ca(struct ca *ca, const char *name, int days,
                   struct xlt_err *err)
{
    time_t now = time(NULL);
    char cn[NAME_MAX_LEN + 4];
    int grc;

    snprintf(cn, sizeof(cn), "%s CA", name);
    if (new_cert(&ca->crt, ca->xkey, now, now + (time_t)days * DAY_S, name,
                 NULL, cn, err))
        return -1;
    grc = gnutls_x509_crt_set_basic_constraints(ca->crt, 1, -1);
    if (grc >= 0)
        grc = gnutls_x509_crt_set_key_usage(ca->crt, GNUTLS_KEY_KEY_CERT_SIGN |
                                                         GNUTLS_KEY_CRL_SIGN);
    if (grc < 0)
        return tls_err(err, "making the CA", grc);
    if (ca_complete(ca, "the CA", err))
        return -1;
    grc = gnutls_x509_crt_set_authority_key_id(ca->crt, ca->key_id,
                                               ca->key_id_len);
    if (grc >= 0)
        grc = gnutls_x509_crt_privkey_sign(ca->crt, ca->crt, ca->key,
                                           GNUTLS_DIG_SHA256, 0);
    if (grc < 0)
        return tls_err(err, "signing the CA", grc);
    return 0;
}

/* DIR's folders, made if missing (and listed in MADE). */
static int make_dirs(const char *dir, struct made *made, struct xlt_err *err)
{
    char priv[PATH_LEN], issued[PATH_LEN];

    if (path_in(priv, dir, "private", err) ||
        path_in(issued, dir, "issued", err))
        return -1;
    if (make_dir(dir, 0755, false, made, err) ||
        make_dir(priv, 0700, true, made, err) ||
        make_dir(issued, 0755, false, made, err))
        return -1;
    return 0;
}

int xlt_pki_init(const char *dir, const char *name, int days,
                 struct xlt_cert_info *info, struct xlt_err *err)
{
    char crt_path[PATH_LEN], key_path[PATH_LEN], crl_path[PATH_LEN];
    gnutls_datum_t key_pem = {NULL, 0}, crt_pem = {NULL, 0};
    gnutls_datum_t crl_pem = {NULL, 0};
    struct made made = {.n = 0};
    struct ca ca = {.crt = NULL};
    int rc = -1;

    if (check_name(name, err) || check_days(days, err) ||
        path_in(crt_path, dir, "ca.pem", err) ||
        path_in(key_path, dir, "private/ca-key.pem", err) ||
        path_in(crl_path, dir, "crl.pem", err))
        goto out;
    if (exists(crt_path)) {
        xlt_err_set(err, "%s exists: this host has a CA already", crt_path);
        goto out;
    }
    if (new_key(&ca.xkey, &key_pem, err) || make_ca(&ca, name, days, err) ||
        make_crl(&ca, NULL, NULL, &crl_pem, err) ||
        cert_pem(ca.crt, &crt_pem, err))
        goto out;
    /* ca.pem last: while it is missing there is no CA */
    if (make_dirs(dir, &made, err) ||
        write_new(key_path, &key_pem, 0600, &made, err) ||
        write_new(crl_path, &crl_pem, 0644, &made, err) ||
        write_allow(dir, ca.org, &made, err) ||
        write_new(crt_path, &crt_pem, 0644, &made, err))
        goto out;
    if (info && cert_info(ca.crt, crt_path, info, err))
        goto out;
    if (info)
        info_paths(info, crt_path, key_path);
    rc = 0;
out:
    if (rc)
        made_undo(&made);
    free_secret(&key_pem);
    gnutls_free(crt_pem.data);
    gnutls_free(crl_pem.data);
    ca_dispose(&ca);
    return rc;
}

/* ---- issue ------------------------------------------------------------- */

/* Subject alternative names for a host: NAME, then each of ALT (ALT's
 * repeats of NAME skipped). */
static int add_sans(gnutls_x509_crt_t crt, const char *name,
                    const char *const *alt, size_t n_alt, struct xlt_err *err)
{
    for (size_t i = 0; i <= n_alt; i++) {
        const char *s = i ? alt[i - 1] : name;
        gnutls_x509_subject_alt_name_t type;
        unsigned char ip[16];
        unsigned len;
        int grc;

        if (i && !strcmp(s, name))
            continue;
        if (san_of(s, &type, ip, &len, err))
            return -1;
        grc = gnutls_x509_crt_set_subject_alt_name(
            crt, type, type == GNUTLS_SAN_IPADDRESS ? (const void *)ip : s,
            len, GNUTLS_FSAN_APPEND);
        if (grc < 0)
            return tls_err(err, s, grc);
    }
    return 0;
}

/* What ROLE (NULL: a host) and ALT_NAMES say, checked, before anything
 * is made: *OU_R the subject's OU. */
static int check_issue(const char *name, const char *role,
                       const char *const *alt, size_t n_alt,
                       const char **ou_r, struct xlt_err *err)
{
    gnutls_x509_subject_alt_name_t type;
    enum xlt_role r;
    unsigned char ip[16];
    unsigned len;

    if (role) {
        if (xlt_role_parse(role, &r, err))
            return -1;
        if (n_alt)
            return xlt_err_set(err, "%s: a user's certificate has no "
                               "alternative names", name);
        *ou_r = xlt_role_name(r);
        return 0;
    }
    for (size_t i = 0; i <= n_alt; i++)
        if (san_of(i ? alt[i - 1] : name, &type, ip, &len, err))
            return -1;
    *ou_r = "host";
    return 0;
}

/* The leaf certificate for KEY, signed by CA, into *CRT_R. */
static int make_leaf(gnutls_x509_crt_t *crt_r, gnutls_x509_privkey_t key,
                     struct ca *ca, const char *name, const char *ou,
                     bool host, const char *const *alt, size_t n_alt,
                     int days, struct xlt_err *err)
{
    time_t now = time(NULL), until = now + (time_t)days * DAY_S;
    time_t ca_until = gnutls_x509_crt_get_expiration_time(ca->crt);
    int grc;

    /* a certificate outliving its CA would not verify after it */
    if (ca_until != (time_t)-1 && until > ca_until)
        until = ca_until;
    if (new_cert(crt_r, key, now, until, ca->org, ou, name, err))
        return -1;
    grc = gnutls_x509_crt_set_basic_constraints(*crt_r, 0, -1);
    if (grc >= 0)
        grc = gnutls_x509_crt_set_key_usage(*crt_r,
                                            GNUTLS_KEY_DIGITAL_SIGNATURE);
    if (grc >= 0 && host)
        grc = gnutls_x509_crt_set_key_purpose_oid(*crt_r,
                                                  GNUTLS_KP_TLS_WWW_SERVER, 0);
    if (grc >= 0)
        grc = gnutls_x509_crt_set_key_purpose_oid(*crt_r,
                                                  GNUTLS_KP_TLS_WWW_CLIENT, 0);
    if (grc >= 0)
        grc = gnutls_x509_crt_set_authority_key_id(*crt_r, ca->key_id,
                                                   ca->key_id_len);
    if (grc < 0)
        return tls_err(err, name, grc);
    if (host && add_sans(*crt_r, name, alt, n_alt, err))
        return -1;
    grc = gnutls_x509_crt_privkey_sign(*crt_r, ca->crt, ca->key,
                                       GNUTLS_DIG_SHA256, 0);
    if (grc < 0)
        return tls_err(err, "signing", grc);
    return 0;
}

/* DIR/issued/NAME.pem (the record) and OUT (the bundle's folder: OUT
 * if given, else DIR/issued/NAME), neither there yet. */
static int issued_paths(const char *dir, const char *out, const char *name,
                        char *crt_path, char *bundle, struct xlt_err *err)
{
    char rel[NAME_MAX_LEN + 32];

    snprintf(rel, sizeof(rel), "issued/%s.pem", name);
    if (path_in(crt_path, dir, rel, err))
        return -1;
    snprintf(rel, sizeof(rel), "issued/%s", name);
    if (out && (size_t)snprintf(bundle, PATH_LEN, "%s", out) >= PATH_LEN)
        return xlt_err_set(err, "%s: path too long", out);
    if (!out && path_in(bundle, dir, rel, err))
        return -1;
    if (exists(crt_path))
        return xlt_err_set(err, "%s exists: %s was issued already", crt_path,
                           name);
    if (!out && exists(bundle))
        return xlt_err_set(err, "%s exists: remove it or choose another "
                           "name", bundle);
    return 0;
}

int xlt_pki_issue(const char *dir, const char *out, const char *name,
                  const char *role, const char *const *alt_names,
                  size_t n_alt, int days, struct xlt_cert_info *info,
                  struct xlt_err *err)
{
    char crt_path[PATH_LEN], bundle[PATH_LEN], issued[PATH_LEN];
    char bundle_crt[PATH_LEN], bundle_key[PATH_LEN];
    gnutls_datum_t key_pem = {NULL, 0}, crt_pem = {NULL, 0};
    gnutls_x509_privkey_t key = NULL;
    gnutls_x509_crt_t crt = NULL;
    struct made made = {.n = 0};
    struct ca ca = {.crt = NULL};
    const char *ou = NULL;
    int rc = -1;

    if (check_name(name, err) || check_days(days, err) ||
        check_issue(name, role, alt_names, n_alt, &ou, err) ||
        ca_load(dir, &ca, err) ||
        issued_paths(dir, out, name, crt_path, bundle, err) ||
        path_in(issued, dir, "issued", err))
        goto out;
    if (new_key(&key, &key_pem, err) ||
        make_leaf(&crt, key, &ca, name, ou, !role, alt_names, n_alt, days,
                  err) ||
        cert_pem(crt, &crt_pem, err))
        goto out;
    if (make_dir(issued, 0755, false, &made, err) ||
        write_bundle(dir, bundle, !role, ca.org, &crt_pem, &key_pem,
                     bundle_crt, bundle_key, &made, err) ||
        write_new(crt_path, &crt_pem, 0644, &made, err))
        goto out;
    if (info && cert_info(crt, crt_path, info, err))
        goto out;
    if (info) {
        snprintf(info->bundle, sizeof(info->bundle), "%s", bundle);
        info_paths(info, bundle_crt, bundle_key);
    }
    rc = 0;
out:
    if (rc)
        made_undo(&made);
    free_secret(&key_pem);
    gnutls_free(crt_pem.data);
    if (crt)
        gnutls_x509_crt_deinit(crt);
    if (key)
        gnutls_x509_privkey_deinit(key);
    ca_dispose(&ca);
    return rc;
}

/* ---- revoke ------------------------------------------------------------ */

/* The CRL in the PEM file PATH, signed by CA. */
static int load_crl(const char *path, struct ca *ca, gnutls_x509_crl_t *crl_r,
                    struct xlt_err *err)
{
    gnutls_datum_t d;
    char *text = NULL;
    size_t len;
    unsigned status = 0;
    int grc, rc = -1;

    if (xlt_read_file(path, &text, &len, err))
        return -1;
    d.data = (unsigned char *)text;
    d.size = (unsigned)len;
    grc = gnutls_x509_crl_init(crl_r);
    if (grc >= 0)
        grc = gnutls_x509_crl_import(*crl_r, &d, GNUTLS_X509_FMT_PEM);
    if (grc >= 0)
        grc = gnutls_x509_crl_verify(*crl_r, &ca->crt, 1, 0, &status);
    if (grc < 0)
        xlt_err_set(err, "%s: not a CRL: %s", path, gnutls_strerror(grc));
    else if (status)
        xlt_err_set(err, "%s: not signed by this CA", path);
    else
        rc = 0;
    free(text);
    return rc;
}

/* The certificate CERT names (a path, or NAME in DIR/issued), issued by
 * CA but not CA itself, into *CRT_R; PATH (PATH_LEN bytes) its file. */
static int revokee(const char *dir, const char *cert, struct ca *ca,
                   char *path, gnutls_x509_crt_t *crt_r, struct xlt_err *err)
{
    char rel[NAME_MAX_LEN + 32];
    unsigned status = 0;
    int grc;

    if (strchr(cert, '/')) {
        snprintf(path, PATH_LEN, "%s", cert);
    } else {
        if (check_name(cert, err))
            return -1;
        snprintf(rel, sizeof(rel), "issued/%s.pem", cert);
        if (path_in(path, dir, rel, err))
            return -1;
    }
    if (load_cert(path, crt_r, err))
        return -1;
    if (gnutls_x509_crt_equals(*crt_r, ca->crt))
        return xlt_err_set(err, "%s: that is the CA itself (a CA is retired "
                           "by making a new one)", path);
    grc = gnutls_x509_crt_verify(*crt_r, &ca->crt, 1,
                                 GNUTLS_VERIFY_DISABLE_TIME_CHECKS, &status);
    if (grc < 0 || status)
        return xlt_err_set(err, "%s: not issued by the CA in %s", path, dir);
    return 0;
}

/* Hold DIR's lock (flock on the folder) in *FD_R: one revoker at a time,
 * so that none loses another's entry. */
static int lock_dir(const char *dir, int *fd_r, struct xlt_err *err)
{
    *fd_r = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (*fd_r < 0)
        return xlt_err_errno(err, errno, "%s", dir);
    while (flock(*fd_r, LOCK_EX))
        if (errno != EINTR)
            return xlt_err_errno(err, errno, "locking %s", dir);
    return 0;
}

int xlt_pki_revoke(const char *dir, const char *cert,
                   struct xlt_cert_info *info, struct xlt_err *err)
{
    char crl_path[PATH_LEN], path[PATH_LEN];
    unsigned char serial[64];
    size_t serial_len = sizeof(serial);
    gnutls_datum_t crl_pem = {NULL, 0}, sd = {serial, 0};
    gnutls_x509_crt_t crt = NULL;
    gnutls_x509_crl_t old = NULL;
    struct ca ca = {.crt = NULL};
    int lock = -1, rc = -1, grc;

    if (ca_load(dir, &ca, err) || path_in(crl_path, dir, "crl.pem", err) ||
        (cert && revokee(dir, cert, &ca, path, &crt, err)))
        goto out;
    if (crt) {
        grc = gnutls_x509_crt_get_serial(crt, serial, &serial_len);
        if (grc < 0) {
            tls_err(err, path, grc);
            goto out;
        }
        sd.size = (unsigned)serial_len;
    }
    if (lock_dir(dir, &lock, err) || load_crl(crl_path, &ca, &old, err) ||
        make_crl(&ca, old, crt ? &sd : NULL, &crl_pem, err) ||
        write_file(crl_path, crl_pem.data, crl_pem.size, 0644, true, err))
        goto out;
    if (info && crt && cert_info(crt, path, info, err))
        goto out;
    if (info && !crt)
        memset(info, 0, sizeof(*info));
    if (info)
        info_paths(info, crl_path, "");
    rc = 0;
out:
    if (lock >= 0)
        close(lock);
    gnutls_free(crl_pem.data);
    if (old)
        gnutls_x509_crl_deinit(old);
    if (crt)
        gnutls_x509_crt_deinit(crt);
    ca_dispose(&ca);
    return rc;
}

/* ---- describe ---------------------------------------------------------- */

int xlt_pki_describe(const char *path, struct xlt_cert_info *info,
                     struct xlt_err *err)
{
    gnutls_x509_crt_t crt = NULL;
    int rc = -1;

    if (load_cert(path, &crt, err) || cert_info(crt, path, info, err))
        goto out;
    rc = 0;
out:
    if (crt)
        gnutls_x509_crt_deinit(crt);
    return rc;
}
