/*
 * vif-bridge: xlt's driver for netback vifs on Linux bridges, through
 * rtnetlink (libnl-route-3) rather than ip or brctl.
 *
 * online/add: the interface (vifD.N, or the tap twin of an HVM vif) takes
 * the backend's mtu node or else the bridge's MTU, joins the bridge named
 * in the backend's bridge node, and comes up; a vif then reports
 * hotplug-status "connected".  offline/remove: it leaves the bridge and
 * goes down (it may be gone already: that is fine).
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>

#include "hotplug.h"

#define DRIVER "vif-bridge"

/* The interface libxl means: INTERFACE for a tap, vif for a vif. */
static const char *interface_name(const struct hotplug *h)
{
    return getenv(h->tap ? "INTERFACE" : "vif");
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
    if (err < 0) {
        rc = h.action == HOTPLUG_REMOVE
                 ? 0
                 : hotplug_fail(&h, "interface %s does not exist", ifname);
        goto out;
    }
    rc = h.action == HOTPLUG_ADD ? attach(&h, sk, ifname, link)
                                 : detach(&h, sk, ifname, link);
out:
    if (link)
        rtnl_link_put(link);
    if (sk)
        nl_socket_free(sk);
    hotplug_close(&h);
    return rc;
}
