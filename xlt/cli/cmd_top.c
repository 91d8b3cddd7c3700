/*
 * cmd_top.c: xlt top, the domains' use refreshed in the terminal as
 * xentop shows it, from xltd's samples (so `-H HOST' works): sorted by a
 * key that a keystroke changes; xentop's batch mode (-b, -i, -d) for
 * scripts and logs.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

enum sort_key { SORT_CPU, SORT_MEM, SORT_NAME, SORT_ID, SORT_NET, SORT_VBD };
static const char *const sort_names[] = {"cpu", "memory", "name", "id",
                                         "network", "block"};
static const char sort_keys[] = "cmniNB"; /* the keystrokes, in that order */

/* Ctrl-C or a TERM in the interactive view: the terminal is put back
 * before exit (a signal handler's flag is all it may set). */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

struct top {
    struct cli *cli;
    bool batch;
    long iterations; /* 0: until q (or forever, in batch mode) */
    double delay;
    enum sort_key sort;
    int n_domains;
    char **domains;
};

/* Biggest first (ids: smallest), then by name; ARG: the sort key. */
static int by_key(const void *pa, const void *pb, void *arg)
{
    const struct cli_stats_row *a = pa, *b = pb;
    enum sort_key sorting = *(const enum sort_key *)arg;
    double x = 0, y = 0;

    switch (sorting) {
    case SORT_CPU: x = a->cpu_pct; y = b->cpu_pct; break;
    case SORT_MEM: x = (double)a->dom->mem_bytes;
                   y = (double)b->dom->mem_bytes; break;
    case SORT_NET: x = a->net_rx + a->net_tx; y = b->net_rx + b->net_tx; break;
    case SORT_VBD: x = a->vbd_rd + a->vbd_wr; y = b->vbd_rd + b->vbd_wr; break;
    case SORT_ID: x = -(double)a->dom->domid; y = -(double)b->dom->domid;
                  break;
    case SORT_NAME: break;
    }
    if (x != y)
        return x > y ? -1 : 1;
    return strcmp(a->dom->name, b->dom->name);
}

/* ---- output ---------------------------------------------------------------- */

/* The screen's rows (24 if it is no terminal). */
static int screen_rows(void)
{
    struct winsize ws;

    return ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 4
               ? ws.ws_row
               : 24;
}

/* One frame: the rates from WAS to NOW, sorted. */
static int show(struct top *t, const struct xlt_stats *was,
                const struct xlt_stats *now)
{
    double secs = (double)(now->mono_ns - was->mono_ns) / 1e9;
    struct cli_stats_row *rows = calloc(now->n_domains + 1, sizeof(*rows));
    size_t max_rows = now->n_domains;
    char when[16];
    time_t clock = time(NULL);

    if (!rows)
        return cli_fail(t->cli, "out of memory");
    for (size_t i = 0; i < now->n_domains; i++)
        cli_stats_row(was, &now->domains[i], secs, &rows[i]);
    qsort_r(rows, now->n_domains, sizeof(*rows), by_key, &t->sort);
    strftime(when, sizeof(when), "%H:%M:%S", localtime(&clock));
    if (!t->batch) {
        int room = screen_rows() - 4;

        max_rows = room > 0 && (size_t)room < max_rows ? (size_t)room
                                                       : max_rows;
        printf("\033[H\033[2J");
        printf("xlt top - %s  %s  %zu domains  memory %llu MiB, %llu MiB "
               "free  sorted by %s\n",
               t->cli->host ? t->cli->host : "this host", when,
               now->n_domains, (unsigned long long)(now->mem_total >> 20),
               (unsigned long long)(now->mem_free >> 20),
               sort_names[t->sort]);
        printf("keys: c cpu, m memory, n name, i id, N network, B block, "
               "q quit\n");
    }
    cli_stats_print_header();
    for (size_t i = 0; i < max_rows; i++)
        cli_stats_print_row(&rows[i]);
    if (t->batch)
        putchar('\n');
    fflush(stdout);
    free(rows);
    return 0;
}

/* ---- the loop -------------------------------------------------------------- */

/* Wait T's delay, or less if a key came (interactive): what it asks. */
static int wait_key(struct top *t)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    char c;
    const char *k;

    if (t->batch) {
        cli_sleep(t->delay);
        return 0;
    }
    if (poll(&p, 1, (int)(t->delay * 1000)) <= 0 ||
        read(STDIN_FILENO, &c, 1) != 1)
        return interrupted ? 'q' : 0;
    if (c == 'q' || c == 'Q')
        return 'q';
    k = strchr(sort_keys, c);
    if (k && c) {
        t->sort = (enum sort_key)(k - sort_keys);
        return 's';
    }
    return 0;
}

static int run(struct top *t)
{
    struct xlt_stats was, now;
    int rc = 1;

    xlt_stats_init(&was);
    xlt_stats_init(&now);
    if (cli_stats_sample(t->cli, t->n_domains, t->domains, &was))
        goto out;
    for (long i = 0; t->iterations == 0 || i < t->iterations; i++) {
        int key = wait_key(t);

        if (key == 'q')
            break;
        if (key == 's' && now.mono_ns) { /* the same figures, resorted */
            show(t, &was, &now);
            i--;
            continue;
        }
        if (now.mono_ns) {
            xlt_stats_dispose(&was);
            was = now;
            xlt_stats_init(&now);
        }
        if (cli_stats_sample(t->cli, t->n_domains, t->domains, &now) ||
            show(t, &was, &now))
            goto out;
    }
    rc = 0;
out:
    xlt_stats_dispose(&was);
    xlt_stats_dispose(&now);
    return rc;
}

static int parse_sort(const char *s, enum sort_key *key)
{
    for (size_t i = 0; i < sizeof(sort_names) / sizeof(sort_names[0]); i++)
        if (!strcmp(s, sort_names[i])) {
            *key = (enum sort_key)i;
            return 0;
        }
    return -1;
}

static int options(struct top *t, int argc, char **argv)
{
    struct xlt_err err;
    char *end;
    int c;

    while ((c = cli_getopt(t->cli, argc, argv, "bi:d:s:")) != -1) {
        if (c == 'b') {
            t->batch = true;
        } else if (c == 'i') {
            errno = 0;
            t->iterations = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || t->iterations < 1)
                return cli_fail(t->cli, "-i: `%s' is not a number of "
                                "iterations (1 or more)", optarg) + 1;
        } else if (c == 'd') {
            if (cli_interval(optarg, &t->delay, &err))
                return cli_fail(t->cli, "-d: %s", err.msg) + 1;
        } else if (c == 's') {
            if (parse_sort(optarg, &t->sort))
                return cli_fail(t->cli, "-s: `%s' is not one of cpu, "
                                "memory, name, id, network, block", optarg) +
                       1;
        } else {
            return 2;
        }
    }
    t->n_domains = argc - optind;
    t->domains = argv + optind;
    return 0;
}

int cmd_top(struct cli *cli, int argc, char **argv)
{
    struct top t = {.cli = cli, .delay = 3.0, .sort = SORT_CPU};
    struct termios saved, quiet;
    bool term = false;
    int rc = options(&t, argc, argv);

    if (rc)
        return rc;
    if (!t.batch && !isatty(STDIN_FILENO))
        t.batch = true; /* no keys to read: as xentop -b */
    if (!t.batch && tcgetattr(STDIN_FILENO, &saved) == 0) {
        struct sigaction sa = {.sa_handler = on_interrupt}; /* no restart */

        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
        quiet.c_cc[VMIN] = 1;
        quiet.c_cc[VTIME] = 0;
        term = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
    }
    rc = run(&t);
    if (term)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    return rc;
}
