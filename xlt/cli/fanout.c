/*
 * fanout.c: xlt -H @GROUP list: every host of a group asked at once (a
 * thread each, over the remote API), the answers in one table with a
 * HOST column, and each host that did not answer on a line of its own
 * with why.  The groups are in the hosts file (XLT_HOSTS, default
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

/* Ask every host of G at once; 0 if all answered. */
static int ask_all(struct cli *cli, const struct group *g, const char *args,
                   bool json)
{
    struct member *ms = calloc(g->n, sizeof(*ms));
    int rc = 0;

    if (!ms)
        return cli_fail(cli, "out of memory");
    for (size_t i = 0; i < g->n; i++) {
        ms[i].cli = *cli;
        ms[i].cli.host = g->hosts[i];
        ms[i].cli.quiet = true;
        ms[i].args = args;
        ms[i].started = !pthread_create(&ms[i].thread, NULL, member_main,
                                        &ms[i]);
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

int cli_fanout_list(struct cli *cli, int argc, char **argv)
{
    const char *path = getenv("XLT_HOSTS");
    struct group g = {.n = 0};
    struct xlt_err err;
    char *args = NULL;
    bool json = false;
    int rc = 1;

    if (cli_json_option(cli, argc, argv, &json))
        return 2;
    if (!path || !*path)
        path = XLT_HOSTS_PATH;
    if (group_read(path, cli->host + 1, &g, &err)) {
        cli_fail(cli, "-H %s: %s", cli->host, err.msg);
        goto out;
    }
    args = cli_domain_args(argc - optind, argv + optind);
    if (!args) {
        cli_fail(cli, "out of memory");
        goto out;
    }
    rc = ask_all(cli, &g, args, json);
out:
    free(args);
    free(g.text);
    return rc;
}
