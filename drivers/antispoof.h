/*
 * antispoof.h: a vif's anti-spoofing rules (the backend's ip node, xl's
 * ip= key) as nft command text.  The pure part: it parses what xenstore
 * holds and prints nft commands, nothing else; vif-bridge runs the text
 * through libnftables.
 *
 * Everything lives in one table of xlt's own, `table bridge xlt`: a base
 * chain `prerouting` (hook prerouting, priority filter, policy accept)
 * whose one rule is `iifname vmap @antispoof`, and per vif a chain
 * `from-IFNAME` that map leads to: the vif's frames with another source
 * MAC dropped; IPv4 from the listed IPv4 addresses, DHCP discovery and ARP
 * for them accepted (when some are listed); IPv6 from the listed IPv6
 * addresses, link-local and unspecified accepted (when some are listed);
 * everything else from the vif dropped.
 *
 * The text holds nothing from xenstore but what was parsed and printed
 * again: addresses and the MAC re-printed, the interface name checked to
 * be a plain one.
 */
#ifndef XLT_ANTISPOOF_H
#define XLT_ANTISPOOF_H

#include <stdbool.h>
#include <stddef.h>

#define ANTISPOOF_MAX_ADDRS 32

/* An interface name checked plain: 1 to 15 of [A-Za-z0-9._-]. */
struct antispoof_name {
    char s[16];
};

struct antispoof_addr {
    int family;               /* AF_INET or AF_INET6 */
    unsigned char bytes[16];  /* network order, host bits cleared */
    unsigned int prefix;      /* 0-32 or 0-128; 32/128 is one address */
};

struct antispoof {
    struct antispoof_name name;
    unsigned char mac[6];
    size_t n_addrs;
    struct antispoof_addr addrs[ANTISPOOF_MAX_ADDRS];
};

/* ---- antispoof.c: parsing the backend's nodes, printing nft commands -- */

/* IFNAME into N if it is a plain name; else -1 and why in ERR. */
int antispoof_name(struct antispoof_name *n, const char *ifname, char *err,
                   size_t size);
/* Does the ip node IPS list anything (not only blanks)?  NULL: no. */
bool antispoof_wanted(const char *ips);
/* The interface IFNAME, the backend's mac node MAC (may be NULL) and its
 * ip node IPS (space separated ADDR or ADDR/PREFIX, IPv4 or IPv6) into A;
 * -1 and one line naming the bad value in ERR if any is not what it must
 * be. */
int antispoof_parse(struct antispoof *a, const char *ifname, const char *mac,
                    const char *ips, char *err, size_t size);
/* nft commands, malloc'd, or NULL when out of memory.  Add: one
 * transaction that makes the table if need be and A's chain anew.
 * Remove: one that deletes N's chain and map element, fine if they are
 * gone.  Query: lists N's chain (fails if it has none). */
char *antispoof_add_text(const struct antispoof *a);
char *antispoof_remove_text(const struct antispoof_name *n);
char *antispoof_query_text(const struct antispoof_name *n);
/* nft's error output NFT_ERR as one line into OUT: its "Error:" lines,
 * without that word, joined by "; " (the echoed command and the carets
 * left out); OTHERWISE if it has none (libnftables 1.0.6 says some
 * errors, e.g. EPERM, on stderr only). */
void antispoof_nft_error(const char *nft_err, const char *otherwise,
                         char *out, size_t size);

#endif
