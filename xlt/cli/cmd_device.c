/* cmd_device.c: devices of running domains: network-attach/-detach/-list,
 * block-attach/-detach/-list, with xl's syntax. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The spec's parts (ARGV[FIRST..ARGC-1]) joined with commas. */
static char *join_spec(int argc, char **argv, int first)
{
    size_t size = 1, len = 0;
    char *spec;

    for (int i = first; i < argc; i++)
        size += strlen(argv[i]) + 1;
    spec = calloc(1, size);
    for (int i = first; spec && i < argc; i++)
        len += (size_t)snprintf(spec + len, size - len, "%s%s",
                                i > first ? "," : "", argv[i]);
    return spec;
}

/* DOMAIN SPEC...: KEY ("vif" or "disk") parsed here, sent as libxl's
 * JSON of the device. */
static int attach(struct cli *cli, int argc, char **argv, const char *key,
                  bool spec_required)
{
    libxl_domain_config cfg;
    struct xlt_err err;
    char *spec = NULL;
    yajl_gen g = NULL;
    int rc = 2;

    libxl_domain_config_init(&cfg);
    if (cli_getopt(cli, argc, argv, "") != -1)
        goto out;
    if (optind >= argc || (spec_required && optind + 1 >= argc)) {
        xlt_usage(stderr, cli->cmd);
        goto out;
    }
    spec = join_spec(argc, argv, optind + 1);
    if (!spec || xlt_device_parse(key, spec, &cfg, &err)) {
        cli_fail(cli, "%s", spec ? err.msg : "out of memory");
        rc = 1;
        goto out;
    }
    g = cli_domains_open(1, argv + optind);
    if (g) {
        xlt_json_str(g, "device");
        if (!strcmp(key, "vif"))
            libxl_device_nic_gen_json(g, &cfg.nics[0]);
        else
            libxl_device_disk_gen_json(g, &cfg.disks[0]);
    }
    rc = cli_run(cli, cli->cmd->request, cli_args_close(g));
out:
    free(spec);
    libxl_domain_config_dispose(&cfg);
    return rc;
}

int cmd_network_attach(struct cli *cli, int argc, char **argv)
{
    return attach(cli, argc, argv, "vif", false);
}

int cmd_block_attach(struct cli *cli, int argc, char **argv)
{
    return attach(cli, argc, argv, "disk", true);
}

/* DOMAIN DEVICE */
static int detach(struct cli *cli, int argc, char **argv)
{
    const char *device;
    yajl_gen g = cli_domain_and_value(cli, argc, argv, &device);

    if (!g)
        return 2;
    xlt_json_kv_str(g, "device", device);
    return cli_run(cli, cli->cmd->request, cli_args_close(g));
}

int cmd_network_detach(struct cli *cli, int argc, char **argv)
{
    return detach(cli, argc, argv);
}

int cmd_block_detach(struct cli *cli, int argc, char **argv)
{
    return detach(cli, argc, argv);
}

static long long num(yajl_val obj, const char *key)
{
    return cli_json_ll(obj, key, -1);
}

static const char *str(yajl_val obj, const char *key)
{
    const char *s = xlt_json_get_str(obj, key);

    return s ? s : "";
}

/* Each device (member KEY) of each domain of DOMAINS, by SHOW. */
static void each_device(yajl_val domains, const char *key,
                        void (*show)(yajl_val))
{
    for (size_t i = 0; YAJL_IS_ARRAY(domains) && i < domains->u.array.len;
         i++) {
        yajl_val devs = xlt_json_get(domains->u.array.values[i], key);
        for (size_t j = 0; YAJL_IS_ARRAY(devs) && j < devs->u.array.len; j++)
            show(devs->u.array.values[j]);
    }
}

static void show_vif(yajl_val v)
{
    printf("%-3lld %-3lld %-17s %-6lld %-5lld %-6lld %5lld/%-5lld %s\n",
           num(v, "devid"), num(v, "backend_id"), str(v, "mac"),
           num(v, "devid"), num(v, "state"), num(v, "evtch"),
           num(v, "rref_tx"), num(v, "rref_rx"), str(v, "backend"));
}

static void print_vifs(yajl_val domains)
{
    printf("%-3s %-3s %-17s %-6s %-5s %-6s %-11s %s\n", "Idx", "BE",
           "Mac Addr.", "handle", "state", "evt-ch", "tx-/rx-ring", "BE-path");
    each_device(domains, "vifs", show_vif);
}

static void show_disk(yajl_val v)
{
    printf("%-6s %-6lld %-3lld %-5lld %-6lld %-8lld %s\n", str(v, "vdev"),
           num(v, "devid"), num(v, "backend_id"), num(v, "state"),
           num(v, "evtch"), num(v, "rref"), str(v, "backend"));
}

static void print_disks(yajl_val domains)
{
    printf("%-6s %-6s %-3s %-5s %-6s %-8s %s\n", "Vdev", "handle", "BE",
           "state", "evt-ch", "ring-ref", "BE-path");
    each_device(domains, "disks", show_disk);
}

int cmd_network_list(struct cli *cli, int argc, char **argv)
{
    return cli_query(cli, argc, argv, cli->cmd->request, "domains",
                     print_vifs);
}

int cmd_block_list(struct cli *cli, int argc, char **argv)
{
    return cli_query(cli, argc, argv, cli->cmd->request, "domains",
                     print_disks);
}
