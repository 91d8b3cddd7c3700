/* antispoof.c: a vif's anti-spoofing rules as nft command text (see
 * antispoof.h).  Nothing here talks to the kernel. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "antispoof.h"

#define TABLE "bridge xlt"
#define BLANKS " \t"
/* "from-" and a 15-character name */
#define CHAIN_SIZE 24
/* The longest address with a prefix, "ffff:...:255.255.255.255/128", is
 * 49 characters: a longer token is no address. */
#define TOKEN_SIZE 64

/* ---- parsing ---------------------------------------------------------- */

/* TEXT (LEN bytes, from xenstore) fit for a message: printable ASCII,
 * anything else as '?', long ones cut. */
static void shown(const char *text, size_t len, char *out, size_t size)
{
    size_t max = len < 40 ? len : 40, i;

    for (i = 0; i < max && i + 4 < size; i++)
        out[i] = isprint((unsigned char)text[i]) ? text[i] : '?';
    if (i < len && i + 4 <= size) {
        memcpy(out + i, "...", 3);
        i += 3;
    }
    out[i] = '\0';
}

int antispoof_name(struct antispoof_name *n, const char *ifname, char *err,
                   size_t size)
{
    static const char plain[] = "abcdefghijklmnopqrstuvwxyz"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
    size_t len = ifname ? strlen(ifname) : 0;
    char show[48];

    if (len >= 1 && len < sizeof(n->s) && strspn(ifname, plain) == len) {
        memcpy(n->s, ifname, len + 1);
        return 0;
    }
    shown(ifname ? ifname : "", len, show, sizeof(show));
    snprintf(err, size, "interface name \"%s\" is not a plain one "
             "(1 to 15 of A-Z a-z 0-9 . _ -)", show);
    return -1;
}

bool antispoof_wanted(const char *ips)
{
    return ips && ips[strspn(ips, BLANKS)] != '\0';
}

/* "00:16:3e:01:02:03", exactly, into MAC. */
static int parse_mac(const char *s, unsigned char mac[6])
{
    if (strlen(s) != 17)
        return -1;
    for (size_t i = 0; i < 6; i++) {
        const char *p = s + 3 * i;
        char hex[3] = {p[0], p[1], '\0'};

        if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) ||
            (i < 5 && p[2] != ':'))
            return -1;
        mac[i] = (unsigned char)strtoul(hex, NULL, 16);
    }
    return 0;
}

/* "/N" with N from 0 to MAX (the part after the address), into PREFIX;
 * no suffix is MAX. */
static int parse_prefix(const char *slash, unsigned int max,
                        unsigned int *prefix)
{
    size_t digits;

    *prefix = max;
    if (!slash)
        return 0;
    digits = strspn(slash + 1, "0123456789");
    if (digits < 1 || digits > 3 || slash[1 + digits] != '\0')
        return -1;
    *prefix = (unsigned int)strtoul(slash + 1, NULL, 10);
    return *prefix <= max ? 0 : -1;
}

/* Clear the bits past the prefix: ADDR/PREFIX means the network, as
 * iptables' -s takes it. */
static void mask(struct antispoof_addr *a)
{
    for (unsigned int i = 0; i < sizeof(a->bytes); i++) {
        unsigned int first = 8 * i;

        if (first >= a->prefix)
            a->bytes[i] = 0;
        else if (first + 8 > a->prefix)
            a->bytes[i] &= (unsigned char)(0xff << (first + 8 - a->prefix));
    }
}

/* One token of the ip node, ADDR or ADDR/PREFIX, into A. */
static int parse_addr(const char *tok, size_t len, struct antispoof_addr *a)
{
    char buf[TOKEN_SIZE], *slash;

    if (len >= sizeof(buf))
        return -1;
    memcpy(buf, tok, len);
    buf[len] = '\0';
    slash = strchr(buf, '/');
    if (slash)
        *slash = '\0';
    memset(a, 0, sizeof(*a));
    if (inet_pton(AF_INET, buf, a->bytes) == 1)
        a->family = AF_INET;
    else if (inet_pton(AF_INET6, buf, a->bytes) == 1)
        a->family = AF_INET6;
    else
        return -1;
    if (slash)
        *slash = '/';
    if (parse_prefix(slash, a->family == AF_INET ? 32 : 128, &a->prefix))
        return -1;
    mask(a);
    return 0;
}

static int parse_addrs(struct antispoof *a, const char *ips, char *err,
                       size_t size)
{
    const char *p = ips + strspn(ips, BLANKS);
    char show[48];

    while (*p) {
        size_t len = strcspn(p, BLANKS);

        if (a->n_addrs == ANTISPOOF_MAX_ADDRS) {
            snprintf(err, size, "%s: ip= lists more than %d addresses",
                     a->name.s, ANTISPOOF_MAX_ADDRS);
            return -1;
        }
        if (parse_addr(p, len, &a->addrs[a->n_addrs])) {
            shown(p, len, show, sizeof(show));
            snprintf(err, size, "%s: ip= lists \"%s\", which is not an IPv4 "
                     "or IPv6 address (ADDR or ADDR/PREFIX)", a->name.s, show);
            return -1;
        }
        a->n_addrs++;
        p += len;
        p += strspn(p, BLANKS);
    }
    return 0;
}

int antispoof_parse(struct antispoof *a, const char *ifname, const char *mac,
                    const char *ips, char *err, size_t size)
{
    char show[48];

    memset(a, 0, sizeof(*a));
    if (antispoof_name(&a->name, ifname, err, size))
        return -1;
    if (!mac) {
        snprintf(err, size, "%s: the backend has no mac node, which ip= "
                 "needs", a->name.s);
        return -1;
    }
    if (parse_mac(mac, a->mac)) {
        shown(mac, strlen(mac), show, sizeof(show));
        snprintf(err, size, "%s: the backend's mac \"%s\" is not a MAC "
                 "address (xx:xx:xx:xx:xx:xx)", a->name.s, show);
        return -1;
    }
    return parse_addrs(a, ips ? ips : "", err, size);
}

/* ---- printing --------------------------------------------------------- */

static void chain_of(const struct antispoof_name *n, char chain[CHAIN_SIZE])
{
    snprintf(chain, CHAIN_SIZE, "from-%s", n->s);
}

/* ADDR, or NET/PREFIX, as nft reads it. */
static void put_addr(FILE *f, const struct antispoof_addr *a)
{
    char text[INET6_ADDRSTRLEN];

    if (!inet_ntop(a->family, a->bytes, text, sizeof(text)))
        text[0] = '\0';  /* cannot happen: the family is one of the two */
    fputs(text, f);
    if (a->prefix != (a->family == AF_INET ? 32U : 128U))
        fprintf(f, "/%u", a->prefix);
}

static void put_mac(FILE *f, const unsigned char mac[6])
{
    fprintf(f, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
            mac[3], mac[4], mac[5]);
}

static bool has_family(const struct antispoof *a, int family)
{
    for (size_t i = 0; i < a->n_addrs; i++)
        if (a->addrs[i].family == family)
            return true;
    return false;
}

/* The table, its map and hook (made once; the hook's one rule made anew,
 * so that it is there exactly once), and CHAIN, made if need be. */
static void put_table(FILE *f, const char *chain)
{
    fputs("add table " TABLE "\n"
          "add map " TABLE " antispoof { type ifname : verdict; }\n"
          "add chain " TABLE " prerouting { type filter hook prerouting "
          "priority filter; policy accept; }\n"
          "flush chain " TABLE " prerouting\n"
          "add rule " TABLE " prerouting iifname vmap @antispoof\n", f);
    fprintf(f, "add chain " TABLE " %s\n", chain);
}

/* ARP from the vif's own MAC for ADDR (Ethernet and IPv4 only, so that
 * the sender address is where nft reads it). */
static void put_arp(FILE *f, const struct antispoof *a, const char *chain,
                    const struct antispoof_addr *addr)
{
    fprintf(f, "add rule " TABLE " %s arp htype 1 arp ptype ip arp hlen 6 "
            "arp plen 4 arp saddr ether ", chain);
    put_mac(f, a->mac);
    fputs(" arp saddr ip ", f);
    put_addr(f, addr);
    fputs(" accept\n", f);
}

/* The listed IPv4 addresses, DHCP discovery, and ARP for them (and for
 * 0.0.0.0: probes). */
static void put_ipv4(FILE *f, const struct antispoof *a, const char *chain)
{
    static const struct antispoof_addr any = {.family = AF_INET, .prefix = 32};

    for (size_t i = 0; i < a->n_addrs; i++) {
        if (a->addrs[i].family != AF_INET)
            continue;
        fprintf(f, "add rule " TABLE " %s ip saddr ", chain);
        put_addr(f, &a->addrs[i]);
        fputs(" accept\n", f);
    }
    fprintf(f, "add rule " TABLE " %s ip saddr 0.0.0.0 ip daddr "
            "255.255.255.255 udp sport 68 udp dport 67 accept\n", chain);
    for (size_t i = 0; i < a->n_addrs; i++)
        if (a->addrs[i].family == AF_INET)
            put_arp(f, a, chain, &a->addrs[i]);
    put_arp(f, a, chain, &any);
}

/* The listed IPv6 addresses, and link-local and unspecified sources
 * (neighbour discovery, duplicate address detection, MLD). */
static void put_ipv6(FILE *f, const struct antispoof *a, const char *chain)
{
    for (size_t i = 0; i < a->n_addrs; i++) {
        if (a->addrs[i].family != AF_INET6)
            continue;
        fprintf(f, "add rule " TABLE " %s ip6 saddr ", chain);
        put_addr(f, &a->addrs[i]);
        fputs(" accept\n", f);
    }
    fprintf(f, "add rule " TABLE " %s ip6 saddr fe80::/10 accept\n"
            "add rule " TABLE " %s ip6 saddr :: accept\n", chain, chain);
}

/* What F (open_memstream's, on *BUF) printed, or NULL (and *BUF freed)
 * if it could not all be. */
static char *finish(FILE *f, char **buf)
{
    bool failed = ferror(f) != 0;

    if (fclose(f) != 0 || failed) {
        free(*buf);
        return NULL;
    }
    return *buf;
}

char *antispoof_add_text(const struct antispoof *a)
{
    char chain[CHAIN_SIZE], *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);

    if (!f)
        return NULL;
    chain_of(&a->name, chain);
    put_table(f, chain);
    fprintf(f, "flush chain " TABLE " %s\n"
            "add rule " TABLE " %s ether saddr != ", chain, chain);
    put_mac(f, a->mac);
    fputs(" drop\n", f);
    if (has_family(a, AF_INET))
        put_ipv4(f, a, chain);
    if (has_family(a, AF_INET6))
        put_ipv6(f, a, chain);
    fprintf(f, "add rule " TABLE " %s drop\n"
            "add element " TABLE " antispoof { \"%s\" : jump %s }\n",
            chain, a->name.s, chain);
    return finish(f, &buf);
}

/* Deleting what may not exist fails the whole transaction: so each is
 * added first (a no-op if it is there), then deleted. */
char *antispoof_remove_text(const struct antispoof_name *n)
{
    char chain[CHAIN_SIZE], *buf = NULL;

    chain_of(n, chain);
    if (asprintf(&buf,
                 "add table " TABLE "\n"
                 "add map " TABLE " antispoof { type ifname : verdict; }\n"
                 "add chain " TABLE " %s\n"
                 "add element " TABLE " antispoof { \"%s\" : jump %s }\n"
                 "delete element " TABLE " antispoof { \"%s\" }\n"
                 "flush chain " TABLE " %s\n"
                 "delete chain " TABLE " %s\n",
                 chain, n->s, chain, n->s, chain, chain) < 0)
        return NULL;
    return buf;
}

char *antispoof_query_text(const struct antispoof_name *n)
{
    char chain[CHAIN_SIZE], *buf = NULL;

    chain_of(n, chain);
    if (asprintf(&buf, "list chain " TABLE " %s\n", chain) < 0)
        return NULL;
    return buf;
}

/* ---- nft's errors ----------------------------------------------------- */

/* Is LINE (LEN bytes) also an earlier line of TEXT? */
static bool said_before(const char *text, const char *line, size_t len)
{
    const char *p = text;

    while (p < line) {
        size_t n = strcspn(p, "\n");

        if (n == len && !memcmp(p, line, len))
            return true;
        p += n;
        p += *p == '\n';
    }
    return false;
}

void antispoof_nft_error(const char *nft_err, const char *otherwise,
                         char *out, size_t size)
{
    const char *text = nft_err ? nft_err : "", *p = text;

    if (!size)
        return;
    out[0] = '\0';
    while (*p) {
        size_t len = strcspn(p, "\n"), used = strlen(out);

        if (len > 7 && !strncmp(p, "Error: ", 7) &&
            !said_before(text, p, len))
            snprintf(out + used, size - used, "%s%.*s", used ? "; " : "",
                     (int)(len - 7), p + 7);
        p += len;
        p += *p == '\n';
    }
    if (!out[0])
        snprintf(out, size, "%s", otherwise);
}
