/*
 * req_device.c: network-attach, -detach, -list and block-attach, -detach,
 * -list.  xlt sends libxl's JSON of the device it parsed (xl's syntax).
 */
#include <stdio.h>
#include <stdlib.h>

#include "api.h"

/* {"domains": [REF], "device": libxl's JSON of the nic or disk} */
static int attach(struct xltd *d, struct request *r, yajl_val args,
                  bool is_nic)
{
    yajl_val dev = xlt_json_get(args, "device");
    char *text = YAJL_IS_OBJECT(dev) ? xlt_json_to_text(dev) : NULL;
    uint32_t domid = INVALID_DOMID;
    struct xlt_err err;
    int rc;

    if (args_the_domain(d, args, &domid, &err))
        rc = req_fail_err(r, &err);
    else
        rc = req_started(r, hotplug_attach(d, domid, is_nic, text, &r->job,
                                           &err),
                         &err);
    free(text);
    return rc;
}

int req_network_attach(struct xltd *d, struct request *r, yajl_val args)
{
    return attach(d, r, args, true);
}

int req_block_attach(struct xltd *d, struct request *r, yajl_val args)
{
    return attach(d, r, args, false);
}

/* {"domains": [REF], "device": a vif's devid or MAC, a disk's vdev or
 * devid} */
static int detach(struct xltd *d, struct request *r, yajl_val args,
                  bool is_nic)
{
    uint32_t domid = INVALID_DOMID;
    struct xlt_err err;

    if (args_the_domain(d, args, &domid, &err))
        return req_fail_err(r, &err);
    return req_started(r, hotplug_detach(d, domid, is_nic,
                                         xlt_json_get_str(args, "device"),
                                         &r->job, &err),
                       &err);
}

int req_network_detach(struct xltd *d, struct request *r, yajl_val args)
{
    return detach(d, r, args, true);
}

int req_block_detach(struct xltd *d, struct request *r, yajl_val args)
{
    return detach(d, r, args, false);
}

/* ---- list ----------------------------------------------------------------- */

static void gen_nics(struct xltd *d, yajl_gen g, const libxl_dominfo *info,
                     void *unused)
{
    int n = 0;
    libxl_device_nic *nics = libxl_device_nic_list(d->ctx, info->domid, &n);
    char mac[18];

    (void)unused;
    yajl_gen_map_open(g);
    xlt_json_kv_uint(g, "domid", info->domid);
    xlt_json_str(g, "vifs");
    yajl_gen_array_open(g);
    for (int i = 0; i < n; i++) {
        libxl_nicinfo ni;
        libxl_nicinfo_init(&ni);
        if (!libxl_device_nic_getinfo(d->ctx, info->domid, &nics[i], &ni)) {
            const uint8_t *m = nics[i].mac;
            snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0],
                     m[1], m[2], m[3], m[4], m[5]);
            yajl_gen_map_open(g);
            xlt_json_kv_int(g, "devid", ni.devid);
            xlt_json_kv_uint(g, "backend_id", ni.backend_id);
            xlt_json_kv_str(g, "mac", mac);
            xlt_json_kv_str(g, "bridge", nics[i].bridge ? nics[i].bridge : "");
            xlt_json_kv_int(g, "state", ni.state);
            xlt_json_kv_int(g, "evtch", ni.evtch);
            xlt_json_kv_int(g, "rref_tx", ni.rref_tx);
            xlt_json_kv_int(g, "rref_rx", ni.rref_rx);
            xlt_json_kv_str(g, "backend", ni.backend ? ni.backend : "");
            yajl_gen_map_close(g);
        }
        libxl_nicinfo_dispose(&ni);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    libxl_device_nic_list_free(nics, n);
}

static void gen_disks(struct xltd *d, yajl_gen g, const libxl_dominfo *info,
                      void *unused)
{
    int n = 0;
    libxl_device_disk *disks = libxl_device_disk_list(d->ctx, info->domid,
                                                      &n);

    (void)unused;
    yajl_gen_map_open(g);
    xlt_json_kv_uint(g, "domid", info->domid);
    xlt_json_str(g, "disks");
    yajl_gen_array_open(g);
    for (int i = 0; i < n; i++) {
        libxl_diskinfo di;
        libxl_diskinfo_init(&di);
        if (!libxl_device_disk_getinfo(d->ctx, info->domid, &disks[i], &di)) {
            yajl_gen_map_open(g);
            xlt_json_kv_str(g, "vdev", disks[i].vdev ? disks[i].vdev : "");
            xlt_json_kv_int(g, "devid", di.devid);
            xlt_json_kv_uint(g, "backend_id", di.backend_id);
            xlt_json_kv_str(g, "target",
                            disks[i].pdev_path ? disks[i].pdev_path : "");
            xlt_json_kv_int(g, "state", di.state);
            xlt_json_kv_int(g, "evtch", di.evtch);
            xlt_json_kv_int(g, "rref", di.rref);
            xlt_json_kv_str(g, "backend", di.backend ? di.backend : "");
            yajl_gen_map_close(g);
        }
        libxl_diskinfo_dispose(&di);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    libxl_device_disk_list_free(disks, n);
}

int req_network_list(struct xltd *d, struct request *r, yajl_val args)
{
    return req_domains(d, r, args, gen_nics, NULL);
}

int req_block_list(struct xltd *d, struct request *r, yajl_val args)
{
    return req_domains(d, r, args, gen_disks, NULL);
}
