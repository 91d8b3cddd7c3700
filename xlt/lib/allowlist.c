/*
 * allowlist.c: who may use the remote API, and in which role.  A file of
 * lines "ROLE DN-PATTERN" ('#' starts a comment): the first line whose
 * pattern matches a client certificate's subject gives its role; none
 * matching, or no file at all, lets nobody in.  A pattern is a DN as
 * GnuTLS prints one (RFC 4514: "CN=alice,OU=operator,O=lab"), compared
 * part by part (the parts are split at commas a backslash does not
 * escape), each part as a shell pattern: "CN=*,OU=operator,O=lab" takes
 * every operator of that CA, and a '*' never spans two parts.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xlt.h"

#define RDN_MAX 32

/* Split DN (changed in place) into its parts at unescaped commas; their
 * count, or -1 if there are more than MAX. */
static int dn_parts(char *dn, char **parts, int max)
{
    int n = 0;

    parts[n++] = dn;
    for (char *p = dn; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        if (*p != ',')
            continue;
        if (n == max)
            return -1;
        *p = '\0';
        parts[n++] = p + 1;
    }
    return n;
}

bool xlt_allow_match(const char *pattern, const char *dn)
{
    char *pat = strdup(pattern), *sub = strdup(dn);
    char *pp[RDN_MAX], *dp[RDN_MAX];
    int np, nd;
    bool match = false;

    if (!pat || !sub)
        goto out;
    np = dn_parts(pat, pp, RDN_MAX);
    nd = dn_parts(sub, dp, RDN_MAX);
    if (np < 0 || np != nd)
        goto out;
    match = true;
    for (int i = 0; i < np && match; i++)
        match = fnmatch(pp[i], dp[i], FNM_NOESCAPE) == 0;
out:
    free(pat);
    free(sub);
    return match;
}

/* One line of PATH (LINENO) with its comment cut: empty (0), or its
 * role and pattern (1); -1 if it is wrong. */
static int allow_line(char *line, const char *path, int lineno,
                      enum xlt_role *role, char **pattern, struct xlt_err *err)
{
    char *hash = strchr(line, '#'), *word, *rest;
    struct xlt_err why;

    if (hash)
        *hash = '\0';
    word = line + strspn(line, " \t\r");
    if (!*word)
        return 0;
    rest = word + strcspn(word, " \t\r");
    if (*rest)
        *rest++ = '\0';
    rest += strspn(rest, " \t\r");
    rest[strcspn(rest, " \t\r")] = '\0';
    if (xlt_role_parse(word, role, &why))
        return xlt_err_set(err, "%s:%d: %s", path, lineno, why.msg);
    if (!strchr(rest, '='))
        return xlt_err_set(err, "%s:%d: `%s' is not a DN pattern (like "
                           "CN=*,OU=operator,O=lab)", path, lineno, rest);
    *pattern = rest;
    return 1;
}

int xlt_allow_lookup(const char *path, const char *dn, enum xlt_role *role_r,
                     int *rules_r, struct xlt_err *err)
{
    char *text = NULL, *line, *next;
    bool found = false;
    size_t len;
    int lineno = 0, rc = 0, rules = 0;

    if (access(path, F_OK) && errno == ENOENT)
        goto out; /* no list: nobody */
    if (xlt_read_file(path, &text, &len, err)) {
        rc = -1;
        goto out;
    }
    /* every line read: one that is wrong refuses everyone */
    for (line = text; line && rc == 0; line = next) {
        enum xlt_role role;
        char *pattern = NULL;
        int got;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        got = allow_line(line, path, ++lineno, &role, &pattern, err);
        if (got < 0)
            rc = -1;
        else if (got > 0)
            rules++;
        if (got > 0 && dn && pattern && !found &&
            xlt_allow_match(pattern, dn)) {
            *role_r = role;
            found = true;
        }
    }
out:
    if (rules_r)
        *rules_r = rules;
    free(text);
    return rc < 0 ? -1 : found ? 1 : 0;
}
