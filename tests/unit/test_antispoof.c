/* drivers/antispoof.c: a vif's ip= list and MAC checked, and the exact nft
 * commands vif-bridge runs through libnftables for them. */
#include <stdlib.h>
#include <string.h>

#include "antispoof.h"
#include "unit.h"

#define MAC "00:16:3e:00:09:02"
/* what every add begins with: the table, its map and hook, the chain */
#define TABLE_AND(chain)                                                      \
    "add table bridge xlt\n"                                                  \
    "add map bridge xlt antispoof { type ifname : verdict; }\n"               \
    "add chain bridge xlt prerouting { type filter hook prerouting "          \
    "priority filter; policy accept; }\n"                                     \
    "flush chain bridge xlt prerouting\n"                                     \
    "add rule bridge xlt prerouting iifname vmap @antispoof\n"                \
    "add chain bridge xlt " chain "\n"                                        \
    "flush chain bridge xlt " chain "\n"                                      \
    "add rule bridge xlt " chain " ether saddr != " MAC " drop\n"
#define ARP(chain, addr)                                                      \
    "add rule bridge xlt " chain " arp htype 1 arp ptype ip arp hlen 6 "      \
    "arp plen 4 arp saddr ether " MAC " arp saddr ip " addr " accept\n"

/* The add text for IFNAME and IPS (with MAC), which must parse. */
static char *add_text(const char *ifname, const char *ips)
{
    struct antispoof a;
    char err[256] = "";
    char *text;

    ck_assert_msg(!antispoof_parse(&a, ifname, MAC, ips, err, sizeof(err)),
                  "refused %s: %s", ips, err);
    text = antispoof_add_text(&a);
    ck_assert_ptr_nonnull(text);
    return text;
}

/* The message refusing IFNAME, MAC_NODE and IPS. */
static const char *refusal(const char *ifname, const char *mac_node,
                           const char *ips)
{
    static char err[256];
    struct antispoof a;

    err[0] = '\0';
    ck_assert_msg(antispoof_parse(&a, ifname, mac_node, ips, err, sizeof(err)),
                  "accepted %s, %s, %s", ifname, mac_node ? mac_node : "-",
                  ips ? ips : "-");
    return err;
}

START_TEST(ipv4_list)
{
    char *text = add_text("vif5.0", "10.0.0.5 10.0.0.6");

    ck_assert_str_eq(text,
        TABLE_AND("from-vif5.0")
        "add rule bridge xlt from-vif5.0 ip saddr 10.0.0.5 accept\n"
        "add rule bridge xlt from-vif5.0 ip saddr 10.0.0.6 accept\n"
        "add rule bridge xlt from-vif5.0 ip saddr 0.0.0.0 ip daddr "
        "255.255.255.255 udp sport 68 udp dport 67 accept\n"
        ARP("from-vif5.0", "10.0.0.5")
        ARP("from-vif5.0", "10.0.0.6")
        ARP("from-vif5.0", "0.0.0.0")
        "add rule bridge xlt from-vif5.0 drop\n"
        "add element bridge xlt antispoof { \"vif5.0\" : jump from-vif5.0 }\n");
    free(text);
}
END_TEST

/* IPv6 only: no IPv4 rule at all (IPv4 and ARP dropped); a prefix is
 * its network, the blanks around and between are nothing. */
START_TEST(ipv6_list)
{
    char *text = add_text("vif5.0-emu", " 2001:db8::5  fd00::1:2/64 ");

    ck_assert_str_eq(text,
        TABLE_AND("from-vif5.0-emu")
        "add rule bridge xlt from-vif5.0-emu ip6 saddr 2001:db8::5 accept\n"
        "add rule bridge xlt from-vif5.0-emu ip6 saddr fd00::/64 accept\n"
        "add rule bridge xlt from-vif5.0-emu ip6 saddr fe80::/10 accept\n"
        "add rule bridge xlt from-vif5.0-emu ip6 saddr :: accept\n"
        "add rule bridge xlt from-vif5.0-emu drop\n"
        "add element bridge xlt antispoof { \"vif5.0-emu\" : "
        "jump from-vif5.0-emu }\n");
    free(text);
}
END_TEST

/* Both families, a tab between, upper-case hex and MAC printed again in
 * nft's form, host bits cleared, /32 and /128 as plain addresses. */
START_TEST(mixed_list)
{
    struct antispoof a;
    char err[256], *text;

    ck_assert(!antispoof_parse(&a, "vif12.3", "00:16:3E:00:09:02",
                               "192.168.7.9/24\t2001:DB8::a/128 10.1.1.1/32",
                               err, sizeof(err)));
    text = antispoof_add_text(&a);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text,
        TABLE_AND("from-vif12.3")
        "add rule bridge xlt from-vif12.3 ip saddr 192.168.7.0/24 accept\n"
        "add rule bridge xlt from-vif12.3 ip saddr 10.1.1.1 accept\n"
        "add rule bridge xlt from-vif12.3 ip saddr 0.0.0.0 ip daddr "
        "255.255.255.255 udp sport 68 udp dport 67 accept\n"
        ARP("from-vif12.3", "192.168.7.0/24")
        ARP("from-vif12.3", "10.1.1.1")
        ARP("from-vif12.3", "0.0.0.0")
        "add rule bridge xlt from-vif12.3 ip6 saddr 2001:db8::a accept\n"
        "add rule bridge xlt from-vif12.3 ip6 saddr fe80::/10 accept\n"
        "add rule bridge xlt from-vif12.3 ip6 saddr :: accept\n"
        "add rule bridge xlt from-vif12.3 drop\n"
        "add element bridge xlt antispoof { \"vif12.3\" : "
        "jump from-vif12.3 }\n");
    free(text);
}
END_TEST

START_TEST(bad_address)
{
    ck_assert_str_eq(refusal("vif5.0", MAC, "10.0.0.5 10.0.0.300"),
                     "vif5.0: ip= lists \"10.0.0.300\", which is not an IPv4 "
                     "or IPv6 address (ADDR or ADDR/PREFIX)");
}
END_TEST

/* Anything but an address, with at most a decimal prefix that fits, is
 * refused: nothing else can reach the nft text. */
START_TEST(bad_addresses)
{
    static const char *const bad[] = {
        "10.0.0.1/33", "2001:db8::1/129", "10.0.0.1/", "10.0.0.1/+8",
        "10.0.0.1/1234", "10.0.0.1/8/8", "/24", "10.0.0", "010.0.0.1",
        "0x0a.0.0.1", "fe80::1%eth0", "10.0.0.1,10.0.0.2", "host.example",
        "10.0.0.1;", "10.0.0.1}", "\"10.0.0.1\"", "::1 } ; flush ruleset",
        "10.0.0.1\n", "10.0.0.1 @x",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(strstr(refusal("vif5.0", MAC, bad[i]),
                             "which is not an IPv4 or IPv6 address"),
                      "%s: %s", bad[i], refusal("vif5.0", MAC, bad[i]));
}
END_TEST

/* What xenstore holds is shown printable and short in a message. */
START_TEST(bad_address_shown_safely)
{
    ck_assert_str_eq(refusal("vif5.0", MAC, "10.0.0.1\033[2J"),
                     "vif5.0: ip= lists \"10.0.0.1?[2J\", which is not an "
                     "IPv4 or IPv6 address (ADDR or ADDR/PREFIX)");
    ck_assert_str_eq(refusal("vif5.0", MAC,
                             "0123456789012345678901234567890123456789xyz"),
                     "vif5.0: ip= lists \"0123456789012345678901234567890123456"
                     "789...\", which is not an IPv4 or IPv6 address (ADDR or "
                     "ADDR/PREFIX)");
}
END_TEST

START_TEST(too_many_addresses)
{
    char ips[1024] = "";

    for (int i = 0; i <= ANTISPOOF_MAX_ADDRS; i++)
        snprintf(ips + strlen(ips), sizeof(ips) - strlen(ips), "10.0.0.%d ",
                 i + 1);
    ck_assert_str_eq(refusal("vif5.0", MAC, ips),
                     "vif5.0: ip= lists more than 32 addresses");
}
END_TEST

START_TEST(bad_mac)
{
    /* only xx:xx:xx:xx:xx:xx, as libxl writes it */
    static const char *const bad[] = {
        "00-16-3e-00-09-02", "00:16:3e:00:09:g2", "00:16:3e:00:09:02 ",
        "0:16:3e:00:09:02:", "", "00:16:3e:00:09:002",
    };

    ck_assert_str_eq(refusal("vif5.0", NULL, "10.0.0.5"),
                     "vif5.0: the backend has no mac node, which ip= needs");
    ck_assert_str_eq(refusal("vif5.0", "00:16:3e:00:09", "10.0.0.5"),
                     "vif5.0: the backend's mac \"00:16:3e:00:09\" is not a "
                     "MAC address (xx:xx:xx:xx:xx:xx)");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(strstr(refusal("vif5.0", bad[i], "1.2.3.4"),
                             "is not a MAC address"), "mac %s", bad[i]);
}
END_TEST

START_TEST(bad_interface_names)
{
    static const char *const bad[] = {
        "", "vif 5.0", "vif5.0;", "vif5.0\n", "a\"b", "vif5/0", "vif5:0",
        "@antispoof", "{vif}", "0123456789abcdef",
    };
    struct antispoof_name n;
    char err[256];

    ck_assert_str_eq(refusal("vif5 0", MAC, "10.0.0.5"),
                     "interface name \"vif5 0\" is not a plain one "
                     "(1 to 15 of A-Z a-z 0-9 . _ -)");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(antispoof_name(&n, bad[i], err, sizeof(err)),
                      "accepted `%s'", bad[i]);
    ck_assert(antispoof_name(&n, NULL, err, sizeof(err)));
    ck_assert(!antispoof_name(&n, "0123456789abcde", err, sizeof(err)));
    ck_assert(!antispoof_name(&n, "vif5.0-emu", err, sizeof(err)));
    ck_assert_str_eq(n.s, "vif5.0-emu");
}
END_TEST

START_TEST(wanted)
{
    ck_assert(!antispoof_wanted(NULL));
    ck_assert(!antispoof_wanted(""));
    ck_assert(!antispoof_wanted(" \t "));
    ck_assert(antispoof_wanted(" 10.0.0.5"));
}
END_TEST

START_TEST(remove_and_query)
{
    struct antispoof_name n;
    char err[256], *text;

    ck_assert(!antispoof_name(&n, "vif5.0-emu", err, sizeof(err)));
    text = antispoof_remove_text(&n);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text,
        "add table bridge xlt\n"
        "add map bridge xlt antispoof { type ifname : verdict; }\n"
        "add chain bridge xlt from-vif5.0-emu\n"
        "add element bridge xlt antispoof { \"vif5.0-emu\" : "
        "jump from-vif5.0-emu }\n"
        "delete element bridge xlt antispoof { \"vif5.0-emu\" }\n"
        "flush chain bridge xlt from-vif5.0-emu\n"
        "delete chain bridge xlt from-vif5.0-emu\n");
    free(text);
    text = antispoof_query_text(&n);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, "list chain bridge xlt from-vif5.0-emu\n");
    free(text);
}
END_TEST

/* nft's error output (as libnftables 1.0.6 gives it) as one line. */
START_TEST(nft_errors)
{
    char out[128];

    antispoof_nft_error("Error: Could not process rule: No such file or "
                        "directory\nadd rule bridge xlt from-vif5.0 drop\n"
                        "^^^^^^^^^^^^^^^^^^^^^^\n"
                        "Error: Could not process rule: No such file or "
                        "directory\nadd element bridge xlt antispoof\n"
                        "^^^^^^^^^\n"
                        "Error: Operation not permitted\n", "-", out,
                        sizeof(out));
    ck_assert_str_eq(out, "Could not process rule: No such file or "
                     "directory; Operation not permitted");
    /* no Error: line (nft said it on stderr) */
    antispoof_nft_error("", "Operation not permitted", out, sizeof(out));
    ck_assert_str_eq(out, "Operation not permitted");
    antispoof_nft_error(NULL, "no reason", out, sizeof(out));
    ck_assert_str_eq(out, "no reason");
    antispoof_nft_error("add table bridge xlt\n^^^\n", "no reason", out,
                        sizeof(out));
    ck_assert_str_eq(out, "no reason");
    antispoof_nft_error("Error: a very long reason indeed", "-", out, 10);
    ck_assert_str_eq(out, "a very lo");
}
END_TEST

Suite *antispoof_suite(void)
{
    Suite *s = suite_create("antispoof");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, ipv4_list);
    tcase_add_test(tc, ipv6_list);
    tcase_add_test(tc, mixed_list);
    tcase_add_test(tc, bad_address);
    tcase_add_test(tc, bad_addresses);
    tcase_add_test(tc, bad_address_shown_safely);
    tcase_add_test(tc, too_many_addresses);
    tcase_add_test(tc, bad_mac);
    tcase_add_test(tc, bad_interface_names);
    tcase_add_test(tc, wanted);
    tcase_add_test(tc, remove_and_query);
    tcase_add_test(tc, nft_errors);
    suite_add_tcase(s, tc);
    return s;
}
