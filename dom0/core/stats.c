/*
 * stats.c: the sampler, a thread of its own that reads the host's and
 * its domains' counters (libxenstat's node: domains, vCPUs, vbds, vifs;
 * libxenctrl for the UUIDs and each physical CPU's idle time; xenstore
 * for memory targets, bridges and vbd names), never on xltd's loop.
 * One sample serves every reader for as long as it is young enough: a
 * reader asks for one no older than some age, and a new one is taken
 * only when the latest is older, once however many asked.  The loop's
 * readers are told through an eventfd; other threads (the metrics
 * endpoint) wait.  (Built as GNU C: xenctrl.h uses anonymous unions.)
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <xenctrl.h>
#include <xenstat.h>
#include <xenstore.h>

#include "core.h"

struct stats_sample {
    atomic_int refs;
    struct xlt_stats s;
};

struct stats_waiter {
    struct stats_waiter *next;
    stats_fn *fn;
    void *arg;
    unsigned long generation; /* the samples taken when it asked */
};

struct stats {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake; /* to the thread: WANT or QUIT */
    pthread_cond_t done; /* from it: a sample (or an error) is there */
    bool want, quit;
    unsigned long generation; /* samples taken (or failed) so far */
    uint64_t taken;           /* samples taken (the thread's) */
    struct stats_sample *latest;
    char error[256]; /* why the latest attempt failed; "" if it did not */
    int post_fd;     /* the loop's eventfd */
    struct stats_waiter *waiters; /* the loop's readers (loop only) */
    /* the thread's own */
    xenstat_handle *xsh;
    xc_interface *xch;
    struct xs_handle *xs;
};

static uint64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void stats_sample_put(struct stats_sample *sample)
{
    if (sample && atomic_fetch_sub(&sample->refs, 1) == 1) {
        xlt_stats_dispose(&sample->s);
        free(sample);
    }
}

const struct xlt_stats *stats_sample_get(const struct stats_sample *sample)
{
    return &sample->s;
}

/* ---- one sample (the thread's) ----------------------------------------- */

/* xenstore's PATH (a printf format), or NULL; the caller frees it. */
static char *read_xs_path(struct stats *st, const char *fmt, ...)
    XLT_PRINTF(2, 3);
static char *read_xs_path(struct stats *st, const char *fmt, ...)
{
    char path[256];
    unsigned int len;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    return xs_read(st->xs, XBT_NULL, path, &len);
}

/* The backend's KEY of the frontend device KIND/DEVID of DOMID, into
 * OUT ("" if there is none). */
static void backend_key(struct stats *st, uint32_t domid, const char *kind,
                        unsigned devid, const char *key, char *out,
                        size_t len)
{
    char *backend = read_xs_path(st, "/local/domain/%u/device/%s/%u/backend",
                           domid, kind, devid);
    char *value = backend ? read_xs_path(st, "%s/%s", backend, key) : NULL;

    snprintf(out, len, "%s", value ? value : "");
    free(value);
    free(backend);
}

static void state_of(xenstat_domain *x, char state[7])
{
    state[0] = xenstat_domain_dying(x) ? 'd' : '-';
    state[1] = xenstat_domain_shutdown(x) ? 's' : '-';
    state[2] = xenstat_domain_blocked(x) ? 'b' : '-';
    state[3] = xenstat_domain_crashed(x) ? 'c' : '-';
    state[4] = xenstat_domain_paused(x) ? 'p' : '-';
    state[5] = xenstat_domain_running(x) ? 'r' : '-';
    state[6] = '\0';
}

static int take_vcpus(xenstat_domain *x, struct xlt_stats_domain *dom)
{
    size_t n = xenstat_domain_num_vcpus(x);

    if (n && !(dom->vcpus = calloc(n, sizeof(*dom->vcpus))))
        return -1;
    for (size_t i = 0; i < n; i++) {
        xenstat_vcpu *v = xenstat_domain_vcpu(x, (unsigned)i);

        dom->vcpus[i].online = v && xenstat_vcpu_online(v);
        dom->vcpus[i].ns = v ? xenstat_vcpu_ns(v) : 0;
    }
    dom->n_vcpus = n;
    return 0;
}

static int take_vbds(struct stats *st, xenstat_domain *x,
                     struct xlt_stats_domain *dom)
{
    size_t n = xenstat_domain_num_vbds(x);

    if (n && !(dom->vbds = calloc(n, sizeof(*dom->vbds))))
        return -1;
    for (size_t i = 0; i < n; i++) {
        xenstat_vbd *v = xenstat_domain_vbd(x, (unsigned)i);
        struct xlt_stats_vbd *out = &dom->vbds[i];

        if (!v)
            continue;
        backend_key(st, dom->domid, "vbd", xenstat_vbd_dev(v), "dev",
                    out->device, sizeof(out->device));
        if (!out->device[0])
            snprintf(out->device, sizeof(out->device), "%u",
                     xenstat_vbd_dev(v));
        out->rd_reqs = xenstat_vbd_rd_reqs(v);
        out->wr_reqs = xenstat_vbd_wr_reqs(v);
        out->rd_sects = xenstat_vbd_rd_sects(v);
        out->wr_sects = xenstat_vbd_wr_sects(v);
        out->oo_reqs = xenstat_vbd_oo_reqs(v);
    }
    dom->n_vbds = n;
    return 0;
}

static int take_vifs(struct stats *st, xenstat_domain *x,
                     struct xlt_stats_domain *dom)
{
    size_t n = xenstat_domain_num_networks(x);

    if (n && !(dom->vifs = calloc(n, sizeof(*dom->vifs))))
        return -1;
    for (size_t i = 0; i < n; i++) {
        xenstat_network *v = xenstat_domain_network(x, (unsigned)i);
        struct xlt_stats_vif *out = &dom->vifs[i];

        if (!v)
            continue;
        out->id = xenstat_network_id(v);
        backend_key(st, dom->domid, "vif", out->id, "bridge", out->bridge,
                    sizeof(out->bridge));
        out->rx_bytes = xenstat_network_rbytes(v);
        out->rx_packets = xenstat_network_rpackets(v);
        out->rx_drops = xenstat_network_rdrop(v);
        out->rx_errs = xenstat_network_rerrs(v);
        out->tx_bytes = xenstat_network_tbytes(v);
        out->tx_packets = xenstat_network_tpackets(v);
        out->tx_drops = xenstat_network_tdrop(v);
        out->tx_errs = xenstat_network_terrs(v);
    }
    dom->n_vifs = n;
    return 0;
}

/* The UUID of DOMID among INFO's N domains, into OUT ("" if not there). */
static void uuid_of(const xc_domaininfo_t *info, int n, uint32_t domid,
                    char out[LIBXL_UUID_FMTLEN + 1])
{
    out[0] = '\0';
    for (int i = 0; i < n; i++)
        if (info[i].domain == domid) {
            libxl_uuid u;

            memcpy(libxl_uuid_bytearray(&u), info[i].handle, 16);
            snprintf(out, LIBXL_UUID_FMTLEN + 1, LIBXL_UUID_FMT,
                     LIBXL_UUID_BYTES(u));
            return;
        }
}

static int take_domain(struct stats *st, xenstat_domain *x,
                       const xc_domaininfo_t *info, int n_info,
                       struct xlt_stats_domain *dom)
{
    const char *name = xenstat_domain_name(x);
    unsigned long long max = xenstat_domain_max_mem(x);
    char *target;

    dom->domid = xenstat_domain_id(x);
    uuid_of(info, n_info, dom->domid, dom->uuid);
    state_of(x, dom->state);
    dom->cpu_ns = xenstat_domain_cpu_ns(x);
    dom->mem_bytes = xenstat_domain_cur_mem(x);
    dom->max_bytes = max == (unsigned long long)-1 ? 0 : max;
    target = read_xs_path(st, "/local/domain/%u/memory/target", dom->domid);
    dom->target_bytes = target ? strtoull(target, NULL, 10) * 1024 : 0;
    free(target);
    if (!(dom->name = strdup(name ? name : "")))
        return -1;
    return take_vcpus(x, dom) || take_vbds(st, x, dom) ||
                   take_vifs(st, x, dom)
               ? -1
               : 0;
}

static int take_pcpus(struct stats *st, unsigned n_cpus, struct xlt_stats *s)
{
    xc_cpuinfo_t *info = calloc(n_cpus ? n_cpus : 1, sizeof(*info));
    int n = 0;

    if (!info)
        return -1;
    if (xc_getcpuinfo(st->xch, (int)n_cpus, info, &n) == 0 && n > 0) {
        s->pcpu_idle_ns = calloc((size_t)n, sizeof(*s->pcpu_idle_ns));
        for (int i = 0; s->pcpu_idle_ns && i < n; i++)
            s->pcpu_idle_ns[i] = info[i].idletime;
        s->n_pcpus = s->pcpu_idle_ns ? (size_t)n : 0;
    }
    free(info);
    return 0;
}

static int take_domains(struct stats *st, xenstat_node *node,
                        struct xlt_stats *s)
{
    unsigned n = xenstat_node_num_domains(node);
    xc_domaininfo_t *info = calloc(n + 16, sizeof(*info));
    int n_info, rc = -1;

    if (!info || (n && !(s->domains = calloc(n, sizeof(*s->domains)))))
        goto out;
    n_info = xc_domain_getinfolist(st->xch, 0, n + 16, info);
    for (unsigned i = 0; i < n; i++) {
        xenstat_domain *x = xenstat_node_domain_by_index(node, i);

        if (!x)
            continue;
        if (take_domain(st, x, info, n_info, &s->domains[s->n_domains++]))
            goto out;
    }
    rc = 0;
out:
    free(info);
    return rc;
}

/* One sample into *S; -1 with WHY if it could not be taken. */
static int take_sample(struct stats *st, struct xlt_stats *s, char *why,
                       size_t len)
{
    xenstat_node *node;
    int rc = -1;

    if (!st->xsh && !(st->xsh = xenstat_init()))
        return snprintf(why, len, "cannot open libxenstat: %s",
                        strerror(errno)),
               -1;
    if (!st->xch && !(st->xch = xc_interface_open(NULL, NULL, 0)))
        return snprintf(why, len, "cannot open libxenctrl: %s",
                        strerror(errno)),
               -1;
    if (!st->xs && !(st->xs = xs_open(XS_OPEN_READONLY)))
        return snprintf(why, len, "cannot open xenstore: %s",
                        strerror(errno)),
               -1;
    s->took_ns = mono_ns();
    node = xenstat_get_node(st->xsh, XENSTAT_VCPU | XENSTAT_NETWORK |
                                         XENSTAT_VBD);
    if (!node)
        return snprintf(why, len, "libxenstat could not read the host's "
                        "counters"),
               -1;
    s->mono_ns = mono_ns();
    s->mem_total = xenstat_node_tot_mem(node);
    s->mem_free = xenstat_node_free_mem(node);
    s->cpu_hz = xenstat_node_cpu_hz(node);
    if (take_pcpus(st, xenstat_node_num_cpus(node), s) ||
        take_domains(st, node, s))
        snprintf(why, len, "out of memory");
    else
        rc = 0;
    xenstat_free_node(node);
    s->took_ns = mono_ns() - s->took_ns;
    return rc;
}

/* ---- the thread ---------------------------------------------------------- */

/* SAMPLE (NULL: WHY it could not be taken) to the readers. */
static void publish(struct stats *st, struct stats_sample *sample,
                    const char *why)
{
    uint64_t one = 1;

    pthread_mutex_lock(&st->mu);
    if (sample) {
        stats_sample_put(st->latest);
        st->latest = sample;
    }
    snprintf(st->error, sizeof(st->error), "%s", sample ? "" : why);
    st->generation++;
    pthread_cond_broadcast(&st->done);
    pthread_mutex_unlock(&st->mu);
    if (write(st->post_fd, &one, sizeof(one)) < 0) {
        /* the counter cannot overflow */
    }
}

static void *sampler_thread(void *arg)
{
    struct stats *st = arg;

    for (;;) {
        struct stats_sample *sample;
        char why[sizeof(st->error)] = "out of memory";

        pthread_mutex_lock(&st->mu);
        while (!st->want && !st->quit)
            pthread_cond_wait(&st->wake, &st->mu);
        if (st->quit) {
            pthread_mutex_unlock(&st->mu);
            break;
        }
        st->want = false;
        pthread_mutex_unlock(&st->mu);
        sample = calloc(1, sizeof(*sample));
        if (sample && take_sample(st, &sample->s, why, sizeof(why))) {
            xlt_stats_dispose(&sample->s);
            free(sample);
            sample = NULL;
        } else if (sample) {
            atomic_init(&sample->refs, 1);
            sample->s.number = ++st->taken;
        }
        publish(st, sample, why);
    }
    return NULL;
}

int stats_start(struct xltd *d, struct xlt_err *err)
{
    struct stats *st;
    int rc;

    if (d->stats)
        return 0;
    st = calloc(1, sizeof(*st));
    if (!st)
        return xlt_err_set(err, "out of memory");
    st->post_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (st->post_fd < 0) {
        free(st);
        return xlt_err_errno(err, errno, "statistics: eventfd");
    }
    pthread_mutex_init(&st->mu, NULL);
    pthread_cond_init(&st->wake, NULL);
    pthread_cond_init(&st->done, NULL);
    rc = pthread_create(&st->thread, NULL, sampler_thread, st);
    if (rc) {
        close(st->post_fd);
        free(st);
        return xlt_err_errno(err, rc, "statistics: cannot start the "
                             "sampler's thread");
    }
    d->stats = st;
    return 0;
}

/* ---- readers ------------------------------------------------------------- */

/* The latest sample, referenced, if no older than MAX_AGE_MS; else NULL
 * and the thread asked for a new one.  Under ST->mu. */
static struct stats_sample *fresh_or_ask(struct stats *st, int max_age_ms)
{
    struct stats_sample *s = st->latest;

    if (s && mono_ns() - s->s.mono_ns <= (uint64_t)max_age_ms * 1000000ULL) {
        atomic_fetch_add(&s->refs, 1);
        return s;
    }
    st->want = true;
    pthread_cond_signal(&st->wake);
    return NULL;
}

int stats_request(struct xltd *d, int max_age_ms, stats_fn *fn, void *arg,
                  struct xlt_err *err)
{
    struct stats_waiter *w;
    struct stats_sample *s;

    if (stats_start(d, err))
        return -1;
    w = calloc(1, sizeof(*w));
    if (!w)
        return xlt_err_set(err, "out of memory");
    pthread_mutex_lock(&d->stats->mu);
    s = fresh_or_ask(d->stats, max_age_ms);
    *w = (struct stats_waiter){d->stats->waiters, fn, arg,
                               d->stats->generation};
    pthread_mutex_unlock(&d->stats->mu);
    if (s) {
        free(w);
        fn(d, &s->s, NULL, arg);
        stats_sample_put(s);
        return 0;
    }
    d->stats->waiters = w;
    return 0;
}

struct stats_sample *stats_wait(struct stats *st, int max_age_ms,
                                char *error, size_t len)
{
    struct stats_sample *s;
    unsigned long generation;

    pthread_mutex_lock(&st->mu);
    generation = st->generation;
    s = fresh_or_ask(st, max_age_ms);
    while (!s && st->generation == generation && !st->quit)
        pthread_cond_wait(&st->done, &st->mu);
    if (!s && st->generation != generation && !st->error[0] && st->latest) {
        s = st->latest;
        atomic_fetch_add(&s->refs, 1);
    }
    if (!s)
        snprintf(error, len, "%s", st->error[0] ? st->error : "stopping");
    pthread_mutex_unlock(&st->mu);
    return s;
}

int stats_fd(const struct xltd *d)
{
    return d->stats ? d->stats->post_fd : -1;
}

/* Tell the waiters that asked before the latest sample (or failure). */
void stats_ready(struct xltd *d)
{
    struct stats *st = d->stats;
    struct stats_waiter *w, **link = &st->waiters, *ready = NULL;
    struct stats_sample *s;
    char error[sizeof(st->error)];
    unsigned long generation;
    uint64_t n;

    if (read(st->post_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
        log_err(&d->log, "statistics: reading their eventfd");
    pthread_mutex_lock(&st->mu);
    s = st->error[0] ? NULL : st->latest;
    if (s)
        atomic_fetch_add(&s->refs, 1);
    snprintf(error, sizeof(error), "%s", st->error);
    generation = st->generation;
    pthread_mutex_unlock(&st->mu);
    while ((w = *link)) { /* those that asked after it wait for the next */
        if (w->generation == generation) {
            link = &w->next;
        } else {
            *link = w->next;
            w->next = ready;
            ready = w;
        }
    }
    while ((w = ready)) { /* told apart from the list: FN may ask again */
        ready = w->next;
        w->fn(d, s ? &s->s : NULL, s ? NULL : error, w->arg);
        free(w);
    }
    stats_sample_put(s);
}

void stats_stop(struct xltd *d)
{
    struct stats *st = d->stats;

    if (!st)
        return;
    pthread_mutex_lock(&st->mu);
    st->quit = true;
    pthread_cond_broadcast(&st->wake);
    pthread_cond_broadcast(&st->done);
    pthread_mutex_unlock(&st->mu);
    pthread_join(st->thread, NULL);
    while (st->waiters) {
        struct stats_waiter *next = st->waiters->next;

        st->waiters->fn(d, NULL, "xltd is stopping", st->waiters->arg);
        free(st->waiters);
        st->waiters = next;
    }
    stats_sample_put(st->latest);
    if (st->xsh)
        xenstat_uninit(st->xsh);
    if (st->xch)
        xc_interface_close(st->xch);
    if (st->xs)
        xs_close(st->xs);
    close(st->post_fd);
    pthread_cond_destroy(&st->wake);
    pthread_cond_destroy(&st->done);
    pthread_mutex_destroy(&st->mu);
    free(st);
    d->stats = NULL;
}
