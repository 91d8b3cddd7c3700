/*
 * cmd_pki.c: `xlt pki', the remote API's certificates without a manual:
 * a CA, a key and certificate for each host and user (xlt/lib/pki.c),
 * revocation, and what a certificate says.  It works on this host's
 * files only (never through xltd): run it where the CA's key is.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define ALT_MAX 16

/* The options every subcommand takes: --dir, --days. */
struct pki_opts {
    const char *dir;
    const char *role;
    const char *out;
    const char *alt[ALT_MAX];
    size_t n_alt;
    int days;
};

static void print_date(const char *label, time_t t)
{
    char text[32];
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(text, sizeof(text), "%Y-%m-%d %H:%M UTC", &tm);
    printf("  %-12s %s\n", label, text);
}

static void print_info(const struct xlt_cert_info *info)
{
    printf("  subject      %s\n", info->dn);
    printf("  issuer       %s\n", info->issuer);
    printf("  serial       %s\n", info->serial);
    printf("  SHA-256      %s\n", info->fingerprint);
    print_date("valid from", info->not_before);
    print_date("valid until", info->not_after);
    if (*info->cert_path)
        printf("  certificate  %s\n", info->cert_path);
    if (*info->key_path)
        printf("  key          %s\n", info->key_path);
}

/* The options of ARGV from optind on; 2 if one is wrong (said). */
static int pki_options(struct cli *cli, int argc, char **argv,
                       struct pki_opts *o)
{
    int c;
    long days;
    char *end;

    while ((c = cli_getopt(cli, argc, argv, "D:d:r:o:A:")) != -1) {
        switch (c) {
        case 'D':
            o->dir = optarg;
            break;
        case 'd':
            days = strtol(optarg, &end, 10);
            if (*end || end == optarg || days < 1 || days > 36500) {
                cli_fail(cli, "--days: `%s' is not a number of days (1 to "
                         "36500)", optarg);
                return 2;
            }
            o->days = (int)days;
            break;
        case 'r':
            o->role = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'A':
            if (o->n_alt == ALT_MAX) {
                cli_fail(cli, "--alt: at most %d names", ALT_MAX);
                return 2;
            }
            o->alt[o->n_alt++] = optarg;
            break;
        default:
            return 2;
        }
    }
    return 0;
}

static int pki_init(struct cli *cli, const struct pki_opts *o,
                    const char *name)
{
    struct xlt_cert_info info;
    struct xlt_err err;

    if (xlt_pki_init(o->dir, name, o->days ? o->days : 3650, &info, &err))
        return cli_fail(cli, "init: %s", err.msg);
    printf("A CA for %s, in %s:\n", name, o->dir);
    print_info(&info);
    printf("Give this host its own certificate with `xlt pki issue host "
           "NAME', and each user one with `xlt pki issue user NAME --role "
           "ROLE'.\n");
    return 0;
}

/* What is wrong with issuing KIND with O's options (NULL: nothing). */
static const char *issue_misuse(const char *kind, const struct pki_opts *o)
{
    bool host = !strcmp(kind, "host");

    if (!host && strcmp(kind, "user") != 0)
        return "the first word after `issue' is host or user";
    if (!host && !o->role)
        return "a user needs --role (read-only, operator or admin)";
    if (host && o->role)
        return "a host has no --role (its allow-list gives users roles)";
    if (!host && o->n_alt)
        return "--alt names a host's addresses, not a user's";
    return NULL;
}

static int pki_issue(struct cli *cli, const struct pki_opts *o,
                     const char *kind, const char *name)
{
    const char *misuse = issue_misuse(kind, o);
    bool host = !strcmp(kind, "host");
    struct xlt_cert_info info;
    struct xlt_err err;

    if (misuse) {
        cli_fail(cli, "issue: %s", misuse);
        return 2;
    }
    if (xlt_pki_issue(o->dir, o->out, name, host ? NULL : o->role, o->alt,
                      o->n_alt, o->days ? o->days : 825, &info, &err))
        return cli_fail(cli, "issue: %s", err.msg);
    printf("%s %s, signed by the CA in %s:\n", host ? "Host" : "User", name,
           o->dir);
    print_info(&info);
    if (o->out)
        printf("Laid out in %s, ready to use.\n", info.bundle);
    else
        printf("Copy the directory %s whole to %s.\n", info.bundle,
               host ? "that host's " XLT_PKI_DIR
                    : "the user's ~/.xlt/pki (and set XLT_PKI to it)");
    return 0;
}

static int pki_revoke(struct cli *cli, const struct pki_opts *o,
                      const char *cert)
{
    struct xlt_cert_info info;
    struct xlt_err err;

    if (xlt_pki_revoke(o->dir, cert, &info, &err))
        return cli_fail(cli, "revoke: %s", err.msg);
    printf("Revoked %s (serial %s) in %s: copy it to every host's %s; "
           "xltd reads it at each connection.\n", info.dn, info.serial,
           info.cert_path, XLT_PKI_DIR);
    return 0;
}

static int pki_show(struct cli *cli, const char *path)
{
    struct xlt_cert_info info;
    struct xlt_err err;

    if (xlt_pki_describe(path, &info, &err))
        return cli_fail(cli, "show: %s", err.msg);
    printf("%s:\n", path);
    print_info(&info);
    return 0;
}

int cmd_pki(struct cli *cli, int argc, char **argv)
{
    struct pki_opts o = {.dir = XLT_PKI_DIR};
    char **words = argv + 1;
    int n = 0, rc;

    /* the words (SUBCOMMAND, its operands), then the options */
    while (1 + n < argc && argv[1 + n][0] != '-')
        n++;
    optind = 1 + n;
    rc = pki_options(cli, argc, argv, &o);
    if (rc)
        return rc;
    if (optind != argc || n == 0)
        goto usage;
    if (!strcmp(words[0], "init") && n <= 2)
        return pki_init(cli, &o, n == 2 ? words[1] : "xlt");
    if (!strcmp(words[0], "issue") && n == 3)
        return pki_issue(cli, &o, words[1], words[2]);
    if (!strcmp(words[0], "revoke") && n == 2)
        return pki_revoke(cli, &o, words[1]);
    if (!strcmp(words[0], "show") && n == 2)
        return pki_show(cli, words[1]);
usage:
    xlt_usage(stderr, cli->cmd);
    return 2;
}
