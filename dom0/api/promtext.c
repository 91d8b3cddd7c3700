/*
 * promtext.c: a statistics sample and the operations' figures in
 * Prometheus's text exposition format (version 0.0.4): names by its
 * conventions (xlt_ prefix, base units, _total for counters), domains
 * labelled by UUID and name, label values escaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

/* "# HELP" and "# TYPE" of NAME. */
static void family(FILE *f, const char *name, const char *type,
                   const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* V as a label value: \, " and newline escaped. */
static void label_value(FILE *f, const char *v)
{
    fputc('"', f);
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            fputc('\\', f);
        if (*v == '\n')
            fputs("\\n", f);
        else
            fputc(*v, f);
    }
    fputc('"', f);
}

/* NAME{uuid="...",name="..." without the closing brace. */
static void domain_labels(FILE *f, const char *name,
                          const struct xlt_stats_domain *dom)
{
    fprintf(f, "%s{uuid=", name);
    label_value(f, dom->uuid);
    fputs(",name=", f);
    label_value(f, dom->name ? dom->name : "");
}

static void domain_info(FILE *f, const struct xlt_stats *s)
{
    family(f, "xlt_domain_info", "gauge",
           "A domain that exists, with its id (always 1).");
    for (size_t i = 0; i < s->n_domains; i++) {
        domain_labels(f, "xlt_domain_info", &s->domains[i]);
        fprintf(f, ",domid=\"%u\"} 1\n", s->domains[i].domid);
    }
}

static void domain_cpu(FILE *f, const struct xlt_stats *s)
{
    family(f, "xlt_domain_cpu_seconds_total", "counter",
           "CPU time the domain's vCPUs ran, seconds.");
    for (size_t i = 0; i < s->n_domains; i++) {
        domain_labels(f, "xlt_domain_cpu_seconds_total", &s->domains[i]);
        fprintf(f, "} %.9f\n", (double)s->domains[i].cpu_ns / 1e9);
    }
    family(f, "xlt_domain_vcpu_seconds_total", "counter",
           "CPU time each vCPU ran, seconds.");
    for (size_t i = 0; i < s->n_domains; i++)
        for (size_t k = 0; k < s->domains[i].n_vcpus; k++) {
            domain_labels(f, "xlt_domain_vcpu_seconds_total",
                          &s->domains[i]);
            fprintf(f, ",vcpu=\"%zu\"} %.9f\n", k,
                    (double)s->domains[i].vcpus[k].ns / 1e9);
        }
    family(f, "xlt_domain_vcpus_online", "gauge", "vCPUs online.");
    for (size_t i = 0; i < s->n_domains; i++) {
        size_t online = 0;

        for (size_t k = 0; k < s->domains[i].n_vcpus; k++)
            online += s->domains[i].vcpus[k].online;
        domain_labels(f, "xlt_domain_vcpus_online", &s->domains[i]);
        fprintf(f, "} %zu\n", online);
    }
}

static void domain_memory(FILE *f, const struct xlt_stats *s)
{
    family(f, "xlt_domain_memory_bytes", "gauge",
           "The domain's memory: what it has (current), its balloon "
           "target, its maximum (absent: no limit).");
    for (size_t i = 0; i < s->n_domains; i++) {
        const struct xlt_stats_domain *dom = &s->domains[i];

        domain_labels(f, "xlt_domain_memory_bytes", dom);
        fprintf(f, ",kind=\"current\"} %llu\n",
                (unsigned long long)dom->mem_bytes);
        if (dom->target_bytes) {
            domain_labels(f, "xlt_domain_memory_bytes", dom);
            fprintf(f, ",kind=\"target\"} %llu\n",
                    (unsigned long long)dom->target_bytes);
        }
        if (dom->max_bytes) {
            domain_labels(f, "xlt_domain_memory_bytes", dom);
            fprintf(f, ",kind=\"max\"} %llu\n",
                    (unsigned long long)dom->max_bytes);
        }
    }
}

/* One vbd counter family: FIELD of each vbd, times SCALE. */
static void vbd_family(FILE *f, const struct xlt_stats *s, const char *name,
                       const char *help, size_t offset, uint64_t scale)
{
    family(f, name, "counter", help);
    for (size_t i = 0; i < s->n_domains; i++)
        for (size_t k = 0; k < s->domains[i].n_vbds; k++) {
            const struct xlt_stats_vbd *b = &s->domains[i].vbds[k];
            uint64_t v;

            memcpy(&v, (const char *)b + offset, sizeof(v));
            domain_labels(f, name, &s->domains[i]);
            fputs(",device=", f);
            label_value(f, b->device);
            fprintf(f, "} %llu\n", (unsigned long long)v * scale);
        }
}

static void domain_vbds(FILE *f, const struct xlt_stats *s)
{
    vbd_family(f, s, "xlt_domain_vbd_read_bytes_total", "Bytes read.",
               offsetof(struct xlt_stats_vbd, rd_sects), 512);
    vbd_family(f, s, "xlt_domain_vbd_write_bytes_total", "Bytes written.",
               offsetof(struct xlt_stats_vbd, wr_sects), 512);
    vbd_family(f, s, "xlt_domain_vbd_read_requests_total", "Read requests.",
               offsetof(struct xlt_stats_vbd, rd_reqs), 1);
    vbd_family(f, s, "xlt_domain_vbd_write_requests_total",
               "Write requests.", offsetof(struct xlt_stats_vbd, wr_reqs),
               1);
}

/* One vif counter family: FIELD of each vif. */
static void vif_family(FILE *f, const struct xlt_stats *s, const char *name,
                       const char *help, size_t offset)
{
    family(f, name, "counter", help);
    for (size_t i = 0; i < s->n_domains; i++)
        for (size_t k = 0; k < s->domains[i].n_vifs; k++) {
            const struct xlt_stats_vif *v = &s->domains[i].vifs[k];
            uint64_t n;

            memcpy(&n, (const char *)v + offset, sizeof(n));
            domain_labels(f, name, &s->domains[i]);
            fprintf(f, ",vif=\"%u\",bridge=", v->id);
            label_value(f, v->bridge);
            fprintf(f, "} %llu\n", (unsigned long long)n);
        }
}

static void domain_vifs(FILE *f, const struct xlt_stats *s)
{
    static const struct {
        const char *name, *help;
        size_t offset;
    } fams[] = {
        {"xlt_domain_vif_receive_bytes_total", "Bytes the guest received.",
         offsetof(struct xlt_stats_vif, rx_bytes)},
        {"xlt_domain_vif_transmit_bytes_total", "Bytes the guest sent.",
         offsetof(struct xlt_stats_vif, tx_bytes)},
        {"xlt_domain_vif_receive_packets_total",
         "Packets the guest received.",
         offsetof(struct xlt_stats_vif, rx_packets)},
        {"xlt_domain_vif_transmit_packets_total", "Packets the guest sent.",
         offsetof(struct xlt_stats_vif, tx_packets)},
        {"xlt_domain_vif_receive_drops_total",
         "Packets to the guest dropped.",
         offsetof(struct xlt_stats_vif, rx_drops)},
        {"xlt_domain_vif_transmit_drops_total",
         "Packets from the guest dropped.",
         offsetof(struct xlt_stats_vif, tx_drops)},
    };

    for (size_t i = 0; i < sizeof(fams) / sizeof(fams[0]); i++)
        vif_family(f, s, fams[i].name, fams[i].help, fams[i].offset);
}

static void sampler(FILE *f, const struct xlt_stats *s)
{
    family(f, "xlt_stats_samples_total", "counter",
           "Samples xltd's sampler took (one serves every scrape within "
           "a second).");
    fprintf(f, "xlt_stats_samples_total %llu\n",
            (unsigned long long)s->number);
    family(f, "xlt_stats_sample_duration_seconds", "gauge",
           "How long this sample took, seconds.");
    fprintf(f, "xlt_stats_sample_duration_seconds %.6f\n",
            (double)s->took_ns / 1e9);
}

static void host(FILE *f, const struct xlt_stats *s)
{
    family(f, "xlt_host_memory_bytes", "gauge",
           "The host's memory: total, and free (Xen's).");
    fprintf(f, "xlt_host_memory_bytes{kind=\"total\"} %llu\n",
            (unsigned long long)s->mem_total);
    fprintf(f, "xlt_host_memory_bytes{kind=\"free\"} %llu\n",
            (unsigned long long)s->mem_free);
    family(f, "xlt_host_cpu_idle_seconds_total", "counter",
           "Time each physical CPU was idle, seconds.");
    for (size_t i = 0; i < s->n_pcpus; i++)
        fprintf(f, "xlt_host_cpu_idle_seconds_total{cpu=\"%zu\"} %.9f\n", i,
                (double)s->pcpu_idle_ns[i] / 1e9);
}

/* NAME's buckets, sum and count, with LABEL ("" or "k=\"v\","). */
static void histogram(FILE *f, const char *name, const char *label,
                      const struct opstats_histogram *h, const double *bounds)
{
    for (size_t i = 0; i < OPSTATS_BUCKETS; i++)
        fprintf(f, "%s_bucket{%sle=\"%g\"} %llu\n", name, label, bounds[i],
                (unsigned long long)h->buckets[i]);
    fprintf(f, "%s_bucket{%sle=\"+Inf\"} %llu\n", name, label,
            (unsigned long long)h->count);
    if (*label)
        fprintf(f, "%s_sum{%.*s} %.6f\n%s_count{%.*s} %llu\n", name,
                (int)strlen(label) - 1, label, h->sum, name,
                (int)strlen(label) - 1, label, (unsigned long long)h->count);
    else
        fprintf(f, "%s_sum %.6f\n%s_count %llu\n", name, h->sum, name,
                (unsigned long long)h->count);
}

static void operations(FILE *f, const struct opstats_copy *ops)
{
    char label[64];

    family(f, "xlt_operation_duration_seconds", "histogram",
           "How long the operations that succeeded took, seconds.");
    for (size_t i = 0; i < OPSTATS_TIMED; i++) {
        snprintf(label, sizeof(label), "operation=\"%s\",",
                 opstats_timed[i]);
        histogram(f, "xlt_operation_duration_seconds", label,
                  &ops->durations[i], opstats_duration_bounds);
    }
    family(f, "xlt_migration_downtime_seconds", "histogram",
           "How long a migrating guest was paused, seconds.");
    histogram(f, "xlt_migration_downtime_seconds", "", &ops->downtime,
              opstats_downtime_bounds);
    family(f, "xlt_operation_failures_total", "counter",
           "Requests that failed, by operation.");
    for (size_t i = 0; i < ops->n_failures; i++) {
        fputs("xlt_operation_failures_total{operation=", f);
        label_value(f, ops->failures[i].op);
        fprintf(f, "} %llu\n", (unsigned long long)ops->failures[i].count);
    }
}

char *promtext_render(const struct xlt_stats *s,
                      const struct opstats_copy *ops, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);

    if (!f)
        return NULL;
    sampler(f, s);
    host(f, s);
    domain_info(f, s);
    domain_cpu(f, s);
    domain_memory(f, s);
    domain_vbds(f, s);
    domain_vifs(f, s);
    operations(f, ops);
    if (fclose(f)) {
        free(text);
        return NULL;
    }
    return text;
}
