/*
 * fanout.c: xlt -H @GROUP list: every host of a group asked at once (a
 * thread each, over the remote API), the answers in one table with a
 * HOST column, and each host that did not answer on a line of its own
 * with why.  xlt -H @GROUP events: every host's events as they come,
 * and a host's end on stderr.  The groups are in the hosts file (XLT_HOSTS, default
 * XLT_HOSTS_PATH): lines "GROUP HOST[:PORT]...", '#' starting a comment;
 * @all is every host the file names, unless it names a group "all".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define GROUP_MAX 64

/* One host of the group, and what it answered. */
struct member {
    struct cli cli;     /* a copy of the caller's, for this host, quiet */
    const char *args;
    bool json;              /* events: as JSON */
    pthread_mutex_t *lock;  /* events: held while one prints */
    yajl_val reply;
    int rc;
    pthread_t thread;
    bool started;
};

struct group {
    char *text;                 /* the hosts file; the names point in */
    const char *hosts[GROUP_MAX];
    size_t n;
};

static bool listed(const struct group *g, const char *host)
{
    for (size_t i = 0; i < g->n; i++)
        if (!strcmp(g->hosts[i], host))
            return true;
    return false;
}

/* The words of LINE after its first (the group's name) into G. */
static int add_hosts(struct group *g, char *rest, const char *path,
                     int lineno, struct xlt_err *err)
{
    char *save = NULL;

    for (char *h = strtok_r(rest, " \t\r", &save); h;
         h = strtok_r(NULL, " \t\r", &save)) {
        if (listed(g, h))
            continue;
        if (g->n == GROUP_MAX)
            return xlt_err_set(err, "%s:%d: more than %d hosts", path,
                               lineno, GROUP_MAX);
        g->hosts[g->n++] = h;
    }
    return 0;
}

/* Group NAME of the hosts file PATH into G. */
static int group_read(const char *path, const char *name, struct group *g,
                      struct xlt_err *err)
{
    char *line, *next, *word, *rest;
    bool named = false;
    size_t len;
    int lineno = 0;

    if (xlt_read_file(path, &g->text, &len, err))
        return -1;
    for (line = g->text; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        line[strcspn(line, "#")] = '\0';
        word = line + strspn(line, " \t\r");
        if (!*word)
            continue;
        rest = word + strcspn(word, " \t\r");
        if (*rest)
            *rest++ = '\0';
        if (!strcmp(word, name) || (!named && !strcmp(name, "all"))) {
            if (!strcmp(word, name) && !named) {
                g->n = 0; /* a group "all" of its own */
                named = true;
            }
            if (add_hosts(g, rest, path, lineno, err))
                return -1;
        }
    }
    if (g->n == 0)
        return xlt_err_set(err, "%s: no group `%s' (lines GROUP HOST...)",
                           path, name);
    return 0;
}

static void *member_main(void *arg)
{
    struct member *m = arg;

    m->rc = cli_call(&m->cli, m->cli.cmd->request, m->args, &m->reply);
    return NULL;
}

static void print_table(const struct member *ms, size_t n)
{
    printf("%-16s Name                                        ID   Mem VCPUs\t"
           "State\tTime(s)\n", "HOST");
    for (size_t i = 0; i < n; i++) {
        yajl_val doms = xlt_json_get(xlt_json_get(ms[i].reply, "result"),
                                     "domains");
        if (ms[i].rc)
            printf("%-16s error: %s\n", ms[i].cli.host, ms[i].cli.failure);
        else
            cli_print_domain_rows(doms, ms[i].cli.host);
    }
}

/* [{"host": H, "domains": [...]} or {"host": H, "error": "..."}...] */
static void print_json(const struct member *ms, size_t n)
{
    yajl_gen g = xlt_json_gen_new();
    char *text;

    if (!g)
        return;
    yajl_gen_array_open(g);
    for (size_t i = 0; i < n; i++) {
        yajl_gen_map_open(g);
        xlt_json_kv_str(g, "host", ms[i].cli.host);
        if (ms[i].rc) {
            xlt_json_kv_str(g, "error", ms[i].cli.failure);
        } else {
            xlt_json_str(g, "domains");
            xlt_json_emit(g, xlt_json_get(xlt_json_get(ms[i].reply, "result"),
                                          "domains"));
        }
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    text = xlt_json_gen_take(g);
    if (text)
        printf("%s\n", text);
    free(text);
    yajl_gen_free(g);
}

/* Run MAIN for each of the N members MS (as TEMPLATE says, each for its
 * host of G) at once, and wait for them all; 0 if all succeeded. */
static int run_all(struct cli *cli, const struct group *g,
                   const struct member *template, void *(*main)(void *),
                   struct member *ms)
{
    int rc = 0;

    for (size_t i = 0; i < g->n; i++) {
        ms[i] = *template;
        ms[i].cli = *cli;
        ms[i].cli.host = g->hosts[i];
        ms[i].cli.quiet = true;
        ms[i].started = !pthread_create(&ms[i].thread, NULL, main, &ms[i]);
        if (!ms[i].started) {
            ms[i].rc = -1;
            snprintf(ms[i].cli.failure, sizeof(ms[i].cli.failure),
                     "cannot start a thread");
        }
    }
    for (size_t i = 0; i < g->n; i++) {
        if (ms[i].started)
            pthread_join(ms[i].thread, NULL);
        rc |= ms[i].rc ? 1 : 0;
    }
    return rc;
}

/* Ask every host of G at once; 0 if all answered. */
static int ask_all(struct cli *cli, const struct group *g, const char *args,
                   bool json)
{
    struct member *ms = calloc(g->n, sizeof(*ms));
    int rc;

    if (!ms)
        return cli_fail(cli, "out of memory");
    rc = run_all(cli, g, &(struct member){.args = args}, member_main, ms);
    if (json)
        print_json(ms, g->n);
    else
        print_table(ms, g->n);
    for (size_t i = 0; i < g->n; i++)
        if (ms[i].reply)
            yajl_tree_free(ms[i].reply);
    free(ms);
    return rc;
}

/* The group CLI's host names (@GROUP) into G; -1 (said) if not. */
static int group_of(struct cli *cli, struct group *g)
{
    const char *path = getenv("XLT_HOSTS");
    struct xlt_err err;

    if (!path || !*path)
        path = XLT_HOSTS_PATH;
    if (group_read(path, cli->host + 1, g, &err)) {
        cli_fail(cli, "-H %s: %s", cli->host, err.msg);
        return -1;
    }
    return 0;
}

int cli_fanout_list(struct cli *cli, int argc, char **argv)
{
    struct group g = {.n = 0};
    char *args = NULL;
    bool json = false;
    int rc = cli_list_options(cli, argc, argv, &json, &args);

    if (rc)
        return rc;
    rc = group_of(cli, &g) ? 1 : ask_all(cli, &g, args, json);
    free(args);
    free(g.text);
    return rc;
}

/* A host's events until it ends them; then why, on stderr. */
static void *follower_main(void *arg)
{
    struct member *m = arg;

    m->rc = cli_follow_events(&m->cli, m->json, m->lock);
    pthread_mutex_lock(m->lock);
    fprintf(stderr, "%s: events: %s: %s\n", m->cli.prog, m->cli.host,
            m->cli.failure);
    pthread_mutex_unlock(m->lock);
    return NULL;
}

int cli_fanout_events(struct cli *cli, bool json)
{
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    struct group g = {.n = 0};
    struct member *ms = NULL;
    int rc = 1;

    if (group_of(cli, &g))
        goto out;
    ms = g.n ? calloc(g.n, sizeof(*ms)) : NULL; /* group_of names one */
    if (!ms) {
        cli_fail(cli, "out of memory");
        goto out;
    }
    rc = run_all(cli, &g, &(struct member){.json = json, .lock = &lock},
                 follower_main, ms);
out:
    free(ms);
    free(g.text);
    return rc;
}
