/*
 * vif-bridge: xlt's driver for netback vifs on Linux bridges, through
 * rtnetlink (libnl-route-3) rather than ip or brctl.
 *
 * online/add: the interface (vifD.N, or the tap twin of an HVM vif) takes
 * the backend's mtu node or else the bridge's MTU, joins the bridge named
 * in the backend's bridge node, and comes up; a vif then reports
 * hotplug-status "connected".  offline/remove: it leaves the bridge and
 * goes down (it may be gone already: that is fine).
 *
 * Anti-spoofing (the backend's ip node, xl's ip=): on add, before the
 * interface joins the bridge, its chain in nftables' `table bridge xlt`
 * is made anew (antispoof.c writes the commands; libnftables runs them,
 * not the nft program), so that no frame of it crosses the bridge
 * unfiltered; without an ip node, a chain left for that name is removed.
 * On remove, after it left the bridge, its chain is removed.
 */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <nftables/libnftables.h>

#include "antispoof.h"
#include "hotplug.h"

#define DRIVER "vif-bridge"

/* The interface libxl means: INTERFACE for a tap, vif for a vif. */
static const char *interface_name(const struct hotplug *h)
{
    return getenv(h->tap ? "INTERFACE" : "vif");
}

/* Does the kernel speak nftables' netlink (nfnetlink) at all?  Asked
 * first because libnftables exits the process when it cannot open that
 * socket. */
static bool nfnetlink_present(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);

    if (fd < 0)
        return false;
    close(fd);
    return true;
}

/* Run the nft commands TEXT (one transaction); on failure -1 and nft's
 * error, one line, in ERR. */
static int nft_run(const char *text, char *err, size_t size)
{
    struct nft_ctx *nft = NULL;
    int rc = -1;

    if (!nfnetlink_present()) {
        snprintf(err, size, "the kernel has no nfnetlink: %s",
                 strerror(errno));
        goto out;
    }
    nft = nft_ctx_new(NFT_CTX_DEFAULT);
    if (!nft) {
        snprintf(err, size, "out of memory");
        goto out;
    }
    if (nft_ctx_buffer_output(nft) || nft_ctx_buffer_error(nft)) {
        snprintf(err, size, "cannot buffer its output");
        goto out;
    }
    errno = 0;
    if (nft_run_cmd_from_buffer(nft, text)) {
        antispoof_nft_error(nft_ctx_get_error_buffer(nft),
                            errno ? strerror(errno) : "it gave no reason",
                            err, size);
        goto out;
    }
    rc = 0;
out:
    if (nft)
        nft_ctx_free(nft);
    return rc;
}

/* Remove NAME's anti-spoofing chain, if it has one.  0 when it is gone
 * (or there is no nftables to ask: then there is none), else -1 and why
 * in ERR.  The query loads nf_tables if it is a module not loaded yet. */
static int guard_clean(const struct antispoof_name *name, char *err,
                           size_t size)
{
    char *query = antispoof_query_text(name), *remove = NULL;
    int rc = -1;

    if (!query || !(remove = antispoof_remove_text(name))) {
        snprintf(err, size, "out of memory");
        goto out;
    }
    if (!nft_run(query, err, size))
        rc = nft_run(remove, err, size);
    else /* only "there is none" means none: not a query that failed */
        rc = strstr(err, "No such file or directory") ||
                     strstr(err, "no nfnetlink")
                 ? 0
                 : -1;
out:
    free(remove);
    free(query);
    return rc;
}

/* On add: IFNAME's anti-spoofing chain made anew when the backend lists
 * addresses, removed when it lists none.  1 (hotplug_fail) if that fails,
 * nothing added. */
static int guard_add(struct hotplug *h, const char *ifname)
{
    char *ips = hotplug_read(h, "ip"), *mac = NULL, *text = NULL, err[400];
    struct antispoof a;
    int rc = 1;

    if (!antispoof_wanted(ips)) {
        rc = 0;
        if (!antispoof_name(&a.name, ifname, err, sizeof(err)) &&
            guard_clean(&a.name, err, sizeof(err)))
            rc = hotplug_fail(h, "%s: cannot remove the anti-spoofing rules "
                              "left for it (nftables: %s)", ifname, err);
        goto out;
    }
    mac = hotplug_read(h, "mac");
    if (antispoof_parse(&a, ifname, mac, ips, err, sizeof(err))) {
        rc = hotplug_fail(h, "%s", err);
        goto out;
    }
    text = antispoof_add_text(&a);
    if (!text) {
        rc = hotplug_fail(h, "%s: out of memory", ifname);
        goto out;
    }
    if (nft_run(text, err, sizeof(err))) {
        rc = hotplug_fail(h, "%s: cannot add its anti-spoofing rules for "
                          "ip=%s (nftables: %s)", ifname, ips, err);
        goto out;
    }
    rc = 0;
out:
    free(text);
    free(mac);
    free(ips);
    return rc;
}

/* On remove: IFNAME's anti-spoofing chain removed; errors only said
 * (libxl ignores a failed remove). */
static void guard_remove(struct hotplug *h, const char *ifname)
{
    struct antispoof_name name;
    char err[400];

    /* a name that is not plain never had a chain */
    if (antispoof_name(&name, ifname, err, sizeof(err)))
        return;
    if (guard_clean(&name, err, sizeof(err)))
        fprintf(stderr, "%s: %s: %s: cannot remove its anti-spoofing rules "
                "(nftables: %s)\n", DRIVER, h->xenbus_path, ifname, err);
}

/* The MTU the interface takes: the backend's mtu node, else the bridge's. */
static unsigned int wanted_mtu(struct hotplug *h, struct rtnl_link *bridge)
{
    char *node = hotplug_read(h, "mtu"), *end;
    unsigned long mtu = node ? strtoul(node, &end, 10) : 0;

    if (!node || *end || mtu < 68 || mtu > 65535)
        mtu = rtnl_link_get_mtu(bridge);
    free(node);
    return (unsigned int)mtu;
}

static int attach(struct hotplug *h, struct nl_sock *sk, const char *ifname,
                  struct rtnl_link *link)
{
    struct rtnl_link *bridge = NULL, *change = NULL;
    char *bridge_name = hotplug_read(h, "bridge");
    int err, rc = 1;

    if (!bridge_name || !*bridge_name) {
        rc = hotplug_fail(h, "%s: the backend names no bridge", ifname);
        goto out;
    }
    err = rtnl_link_get_kernel(sk, 0, bridge_name, &bridge);
    if (err < 0 || !rtnl_link_is_bridge(bridge)) {
        rc = hotplug_fail(h, "%s: bridge %s %s", ifname, bridge_name,
                          err < 0 ? "does not exist" : "is not a bridge");
        goto out;
    }
    change = rtnl_link_alloc();
    if (!change) {
        rc = hotplug_fail(h, "%s: out of memory", ifname);
        goto out;
    }
    rtnl_link_set_mtu(change, wanted_mtu(h, bridge));
    rtnl_link_set_master(change, rtnl_link_get_ifindex(bridge));
    rtnl_link_set_flags(change, IFF_UP);
    err = rtnl_link_change(sk, link, change, 0);
    if (err < 0) {
        rc = hotplug_fail(h, "%s: cannot join bridge %s: %s", ifname,
                          bridge_name, nl_geterror(err));
        goto out;
    }
    rc = 0;
    if (!h->tap && hotplug_connected(h))
        rc = 1;
out:
    if (change)
        rtnl_link_put(change);
    if (bridge)
        rtnl_link_put(bridge);
    free(bridge_name);
    return rc;
}

/* Out of the bridge and down; errors only logged (the device may be
 * going away under us, and libxl ignores a failed remove anyway). */
static int detach(struct hotplug *h, struct nl_sock *sk, const char *ifname,
                  struct rtnl_link *link)
{
    struct rtnl_link *change = rtnl_link_alloc();
    int err;

    if (!change)
        return 0;
    rtnl_link_set_master(change, 0);
    rtnl_link_unset_flags(change, IFF_UP);
    err = rtnl_link_change(sk, link, change, 0);
    if (err < 0)
        fprintf(stderr, "%s: %s: %s: %s\n", DRIVER, h->xenbus_path, ifname,
                nl_geterror(err));
    rtnl_link_put(change);
    return 0;
}

int main(int argc, char **argv)
{
    struct hotplug h;
    struct nl_sock *sk = NULL;
    struct rtnl_link *link = NULL;
    const char *ifname;
    int err, rc = 1;

    if (hotplug_init(&h, DRIVER, argc, argv))
        return 2;
    ifname = interface_name(&h);
    if (!ifname || !*ifname) {
        rc = hotplug_fail(&h, "no interface named (%s is not set)",
                          h.tap ? "INTERFACE" : "vif");
        goto out;
    }
    sk = nl_socket_alloc();
    if (!sk || (err = nl_connect(sk, NETLINK_ROUTE)) < 0) {
        rc = hotplug_fail(&h, "%s: cannot open rtnetlink: %s", ifname,
                          sk ? nl_geterror(err) : "out of memory");
        goto out;
    }
    err = rtnl_link_get_kernel(sk, 0, ifname, &link);
    if (h.action == HOTPLUG_REMOVE) {
        rc = err < 0 ? 0 : detach(&h, sk, ifname, link);
        guard_remove(&h, ifname);
    } else if (err < 0) {
        rc = hotplug_fail(&h, "interface %s does not exist", ifname);
    } else {
        rc = guard_add(&h, ifname);
        if (!rc)
            rc = attach(&h, sk, ifname, link);
    }
out:
    if (link)
        rtnl_link_put(link);
    if (sk)
        nl_socket_free(sk);
    hotplug_close(&h);
    return rc;
}
