/*
 * cmd_stats.c: xlt stats, the host's and its domains' use over an
 * interval: two samples of xltd's counters (its `stats' request), the
 * rates between them.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define STATS_MAX_INTERVAL 3600.0

int cli_interval(const char *text, double *seconds, struct xlt_err *err)
{
    char *end;
    double s;

    errno = 0;
    s = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(s) || s < 0.1 ||
        s > STATS_MAX_INTERVAL)
        return xlt_err_set(err, "interval: `%s' is not a number of seconds "
                           "from 0.1 to %.0f", text, STATS_MAX_INTERVAL);
    *seconds = s;
    return 0;
}

void cli_sleep(double seconds)
{
    struct timespec ts = {(time_t)seconds,
                          (long)((seconds - (double)(time_t)seconds) * 1e9)};

    while (nanosleep(&ts, &ts) && errno == EINTR) {
    }
}

int cli_stats_sample(struct cli *cli, int n, char **domains,
                     struct xlt_stats *s)
{
    yajl_gen g = cli_domains_open(n, domains);
    yajl_val reply = NULL;
    struct xlt_err err;
    int rc = -1;

    if (g)
        xlt_json_kv_int(g, "max_age_ms", 0);
    if (cli_call_owned(cli, "stats", cli_args_close(g), &reply))
        goto out;
    if (xlt_stats_parse(xlt_json_get(reply, "result"), s, &err))
        cli_fail(cli, "%s", err.msg);
    else
        rc = 0;
out:
    if (reply)
        yajl_tree_free(reply);
    return rc;
}

/* AFTER - BEFORE per second over SECONDS (0 if a counter went back: a
 * domain's device replaced). */
double cli_rate(uint64_t before, uint64_t after, double seconds)
{
    return after >= before && seconds > 0 ? (double)(after - before) / seconds
                                          : 0.0;
}

/* ---- as JSON ------------------------------------------------------------- */

/* KEY: V with two decimals (not yajl's %.20g: 99.799999999999997). */
static void kv_num(yajl_gen g, const char *key, double v)
{
    char num[64];
    int n = snprintf(num, sizeof(num), "%.2f", v);

    xlt_json_str(g, key);
    yajl_gen_number(g, num, (size_t)n);
}

static void gen_vcpus(yajl_gen g, const struct xlt_stats_domain *was,
                      const struct xlt_stats_domain *now, double secs)
{
    xlt_json_str(g, "vcpus");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < now->n_vcpus; i++) {
        uint64_t before = was && i < was->n_vcpus ? was->vcpus[i].ns
                                                  : now->vcpus[i].ns;

        yajl_gen_map_open(g);
        xlt_json_kv_uint(g, "id", i);
        xlt_json_kv_bool(g, "online", now->vcpus[i].online);
        kv_num(g, "cpu_seconds", (double)now->vcpus[i].ns / 1e9);
        kv_num(g, "cpu_percent",
                           cli_rate(before, now->vcpus[i].ns, secs) / 1e7);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
}

/* The vbd of that device in WAS, or NULL. */
static const struct xlt_stats_vbd *
vbd_was(const struct xlt_stats_domain *was, const char *device)
{
    for (size_t i = 0; was && i < was->n_vbds; i++)
        if (!strcmp(was->vbds[i].device, device))
            return &was->vbds[i];
    return NULL;
}

static void gen_vbds(yajl_gen g, const struct xlt_stats_domain *was,
                     const struct xlt_stats_domain *now, double secs)
{
    xlt_json_str(g, "vbds");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < now->n_vbds; i++) {
        const struct xlt_stats_vbd *b = &now->vbds[i];
        const struct xlt_stats_vbd *a = vbd_was(was, b->device);

        if (!a)
            a = b;
        yajl_gen_map_open(g);
        xlt_json_kv_str(g, "device", b->device);
        xlt_json_kv_uint(g, "read_requests", b->rd_reqs);
        xlt_json_kv_uint(g, "write_requests", b->wr_reqs);
        xlt_json_kv_uint(g, "read_bytes", b->rd_sects * 512);
        xlt_json_kv_uint(g, "write_bytes", b->wr_sects * 512);
        kv_num(g, "read_requests_per_s",
                           cli_rate(a->rd_reqs, b->rd_reqs, secs));
        kv_num(g, "write_requests_per_s",
                           cli_rate(a->wr_reqs, b->wr_reqs, secs));
        kv_num(g, "read_bytes_per_s",
                           cli_rate(a->rd_sects, b->rd_sects, secs) * 512);
        kv_num(g, "write_bytes_per_s",
                           cli_rate(a->wr_sects, b->wr_sects, secs) * 512);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
}

/* The vif of that id in WAS, or NULL. */
static const struct xlt_stats_vif *vif_was(const struct xlt_stats_domain *was,
                                           unsigned id)
{
    for (size_t i = 0; was && i < was->n_vifs; i++)
        if (was->vifs[i].id == id)
            return &was->vifs[i];
    return NULL;
}

static void gen_vifs(yajl_gen g, const struct xlt_stats_domain *was,
                     const struct xlt_stats_domain *now, double secs)
{
    xlt_json_str(g, "vifs");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < now->n_vifs; i++) {
        const struct xlt_stats_vif *b = &now->vifs[i];
        const struct xlt_stats_vif *a = vif_was(was, b->id);

        if (!a)
            a = b;
        yajl_gen_map_open(g);
        xlt_json_kv_uint(g, "id", b->id);
        xlt_json_kv_str(g, "bridge", b->bridge);
        xlt_json_kv_uint(g, "rx_bytes", b->rx_bytes);
        xlt_json_kv_uint(g, "tx_bytes", b->tx_bytes);
        xlt_json_kv_uint(g, "rx_packets", b->rx_packets);
        xlt_json_kv_uint(g, "tx_packets", b->tx_packets);
        xlt_json_kv_uint(g, "rx_drops", b->rx_drops);
        xlt_json_kv_uint(g, "tx_drops", b->tx_drops);
        kv_num(g, "rx_bytes_per_s",
                           cli_rate(a->rx_bytes, b->rx_bytes, secs));
        kv_num(g, "tx_bytes_per_s",
                           cli_rate(a->tx_bytes, b->tx_bytes, secs));
        kv_num(g, "rx_packets_per_s",
                           cli_rate(a->rx_packets, b->rx_packets, secs));
        kv_num(g, "tx_packets_per_s",
                           cli_rate(a->tx_packets, b->tx_packets, secs));
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
}

static void gen_domain(yajl_gen g, const struct xlt_stats_domain *was,
                       const struct xlt_stats_domain *now, double secs)
{
    yajl_gen_map_open(g);
    xlt_json_kv_str(g, "name", now->name);
    xlt_json_kv_uint(g, "domid", now->domid);
    xlt_json_kv_str(g, "uuid", now->uuid);
    xlt_json_kv_str(g, "state", now->state);
    kv_num(g, "cpu_seconds", (double)now->cpu_ns / 1e9);
    kv_num(g, "cpu_percent",
                       cli_rate(was ? was->cpu_ns : now->cpu_ns, now->cpu_ns,
                                secs) /
                           1e7);
    xlt_json_kv_uint(g, "memory_bytes", now->mem_bytes);
    xlt_json_kv_uint(g, "target_bytes", now->target_bytes);
    xlt_json_kv_uint(g, "max_bytes", now->max_bytes);
    gen_vcpus(g, was, now, secs);
    gen_vbds(g, was, now, secs);
    gen_vifs(g, was, now, secs);
    yajl_gen_map_close(g);
}

static void gen_host(yajl_gen g, const struct xlt_stats *was,
                     const struct xlt_stats *now, double secs)
{
    xlt_json_str(g, "host");
    yajl_gen_map_open(g);
    xlt_json_kv_uint(g, "memory_total_bytes", now->mem_total);
    xlt_json_kv_uint(g, "memory_free_bytes", now->mem_free);
    xlt_json_str(g, "cpus");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < now->n_pcpus; i++) {
        uint64_t before = i < was->n_pcpus ? was->pcpu_idle_ns[i]
                                           : now->pcpu_idle_ns[i];

        yajl_gen_map_open(g);
        xlt_json_kv_uint(g, "id", i);
        kv_num(g, "idle_percent",
                           cli_rate(before, now->pcpu_idle_ns[i], secs) /
                               1e7);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
}

char *cli_stats_json(const struct xlt_stats *was, const struct xlt_stats *now)
{
    double secs = (double)(now->mono_ns - was->mono_ns) / 1e9;
    yajl_gen g = xlt_json_gen_new();
    char *text;

    if (!g)
        return NULL;
    yajl_gen_map_open(g);
    kv_num(g, "interval_s", secs);
    gen_host(g, was, now, secs);
    xlt_json_str(g, "domains");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < now->n_domains; i++) {
        const struct xlt_stats_domain *d = &now->domains[i];

        gen_domain(g, xlt_stats_find(was, d->uuid, d->domid), d, secs);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    text = xlt_json_gen_take(g);
    yajl_gen_free(g);
    return text;
}

/* ---- as tables ----------------------------------------------------------- */

void cli_stats_row(const struct xlt_stats *was,
                   const struct xlt_stats_domain *d, double secs,
                   struct cli_stats_row *r)
{
    const struct xlt_stats_domain *a = xlt_stats_find(was, d->uuid, d->domid);

    *r = (struct cli_stats_row){.dom = d};
    if (a)
        r->cpu_pct = cli_rate(a->cpu_ns, d->cpu_ns, secs) / 1e7;
    for (size_t i = 0; i < d->n_vcpus; i++)
        r->vcpus_online += d->vcpus[i].online;
    for (size_t i = 0; a && i < d->n_vifs; i++) {
        const struct xlt_stats_vif *v = vif_was(a, d->vifs[i].id);

        if (!v)
            continue;
        r->net_rx += cli_rate(v->rx_bytes, d->vifs[i].rx_bytes, secs);
        r->net_tx += cli_rate(v->tx_bytes, d->vifs[i].tx_bytes, secs);
    }
    for (size_t i = 0; a && i < d->n_vbds; i++) {
        const struct xlt_stats_vbd *b = vbd_was(a, d->vbds[i].device);

        if (!b)
            continue;
        r->vbd_rd += cli_rate(b->rd_reqs, d->vbds[i].rd_reqs, secs);
        r->vbd_wr += cli_rate(b->wr_reqs, d->vbds[i].wr_reqs, secs);
    }
}

void cli_stats_print_header(void)
{
    printf("%-20s %5s %6s %10s %6s %5s %10s %11s %10s %12s %12s %8s %8s\n",
           "NAME", "ID", "STATE", "CPU(sec)", "CPU(%)", "VCPUS", "MEM(KiB)",
           "TARGET(KiB)", "MAX(KiB)", "NETRX(KiB/s)", "NETTX(KiB/s)",
           "VBD_RD/s", "VBD_WR/s");
}

void cli_stats_print_row(const struct cli_stats_row *r)
{
    const struct xlt_stats_domain *d = r->dom;
    char max[24];

    if (d->max_bytes)
        snprintf(max, sizeof(max), "%llu",
                 (unsigned long long)d->max_bytes / 1024);
    else
        snprintf(max, sizeof(max), "no limit");
    printf("%-20s %5u %6s %10.1f %6.1f %5zu %10llu %11llu %10s %12.1f %12.1f "
           "%8.1f %8.1f\n",
           d->name, d->domid, d->state, (double)d->cpu_ns / 1e9, r->cpu_pct,
           r->vcpus_online, (unsigned long long)d->mem_bytes / 1024,
           (unsigned long long)d->target_bytes / 1024, max, r->net_rx / 1024,
           r->net_tx / 1024, r->vbd_rd, r->vbd_wr);
}

static void print_domains(const struct xlt_stats *was,
                          const struct xlt_stats *now)
{
    double secs = (double)(now->mono_ns - was->mono_ns) / 1e9;
    struct cli_stats_row r;

    cli_stats_print_header();
    for (size_t i = 0; i < now->n_domains; i++) {
        cli_stats_row(was, &now->domains[i], secs, &r);
        cli_stats_print_row(&r);
    }
}

/* Each vCPU's use, from WAS to NOW. */
static void print_vcpus(const struct xlt_stats *was,
                        const struct xlt_stats *now)
{
    double secs = (double)(now->mono_ns - was->mono_ns) / 1e9;

    printf("\n%-20s %5s %4s %6s %10s %6s\n", "NAME", "ID", "VCPU", "ONLINE",
           "CPU(sec)", "CPU(%)");
    for (size_t i = 0; i < now->n_domains; i++) {
        const struct xlt_stats_domain *d = &now->domains[i];
        const struct xlt_stats_domain *a = xlt_stats_find(was, d->uuid,
                                                          d->domid);

        for (size_t k = 0; k < d->n_vcpus; k++) {
            uint64_t before = a && k < a->n_vcpus ? a->vcpus[k].ns
                                                  : d->vcpus[k].ns;

            printf("%-20s %5u %4zu %6s %10.1f %6.1f\n", d->name, d->domid, k,
                   d->vcpus[k].online ? "yes" : "no",
                   (double)d->vcpus[k].ns / 1e9,
                   cli_rate(before, d->vcpus[k].ns, secs) / 1e7);
        }
    }
}

int cmd_stats(struct cli *cli, int argc, char **argv)
{
    struct xlt_stats was, now;
    double interval = 1.0;
    char *text = NULL;
    yajl_val v = NULL;
    bool json = false;
    struct xlt_err err;
    int c, rc = 1;

    xlt_stats_init(&was);
    xlt_stats_init(&now);
    while ((c = cli_getopt(cli, argc, argv, "i:j")) != -1) {
        if (c == 'j') {
            json = true;
        } else if (c != 'i') {
            return 2;
        } else if (cli_interval(optarg, &interval, &err)) {
            cli_fail(cli, "%s", err.msg);
            return 2;
        }
    }
    if (cli_stats_sample(cli, argc - optind, argv + optind, &was))
        goto out;
    cli_sleep(interval);
    if (cli_stats_sample(cli, argc - optind, argv + optind, &now))
        goto out;
    if (!json) { /* the tables, from the samples themselves */
        print_domains(&was, &now);
        print_vcpus(&was, &now);
    } else if (!(text = cli_stats_json(&was, &now)) ||
               !(v = yajl_tree_parse(text, NULL, 0))) {
        cli_fail(cli, "out of memory");
        goto out;
    } else {
        cli_print_json(v);
    }
    rc = 0;
out:
    yajl_tree_free(v);
    free(text);
    xlt_stats_dispose(&was);
    xlt_stats_dispose(&now);
    return rc;
}
