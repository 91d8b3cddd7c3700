/* cmd_events.c: events, the domains' events as they come, from this host,
 * another (-H HOST) or a group (-H @GROUP, fanout.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The members every event has, printed first. */
static bool common_member(const char *key)
{
    static const char *const keys[] = {"time", "host", "event", "domid",
                                       "name", "uuid"};

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (!strcmp(key, keys[i]))
            return true;
    return false;
}

/* Member KEY of E, or "-". */
static const char *member(yajl_val e, const char *key)
{
    const char *s = xlt_json_get_str(e, key);

    return s ? s : "-";
}

/* TIME HOST EVENT NAME (DOMID) KEY=VALUE... */
static void print_event_line(yajl_val e)
{
    printf("%s %s %s %s (%lld)", member(e, "time"), member(e, "host"),
           member(e, "event"), member(e, "name"),
           cli_json_ll(e, "domid", -1));
    for (size_t i = 0; i < e->u.object.len; i++) {
        const char *key = e->u.object.keys[i];
        yajl_val v = e->u.object.values[i];
        if (!common_member(key) && !YAJL_IS_NULL(v))
            printf(" %s=%s", key, cli_scalar_text(v));
    }
    printf("\n");
}

/* One event line from xltd, printed; -1 (said) if it is not one. */
static int print_event(struct cli *cli, const char *line, bool json,
                       pthread_mutex_t *lock)
{
    struct xlt_msg msg;
    struct xlt_err err;
    char *text = NULL;

    if (xlt_msg_parse(&msg, line, &err) || msg.kind != XLT_MSG_EVENT) {
        if (!msg.tree)
            cli_fail(cli, "bad event from xltd: %s", err.msg);
        else
            cli_fail(cli, "bad event from xltd: not an event");
        xlt_msg_dispose(&msg);
        return -1;
    }
    if (json)
        text = xlt_json_to_text(msg.body);
    if (lock)
        pthread_mutex_lock(lock);
    if (json)
        printf("%s\n", text ? text : "{}");
    else
        print_event_line(msg.body);
    fflush(stdout); /* each as it comes, also into a pipe or a file */
    if (lock)
        pthread_mutex_unlock(lock);
    free(text);
    xlt_msg_dispose(&msg);
    return 0;
}

int cli_follow_events(struct cli *cli, bool json, pthread_mutex_t *lock)
{
    struct cli_conn conn;
    yajl_val reply = NULL;
    char *line = NULL;
    int got = -1;

    if (cli_open(cli, &conn) ||
        cli_request(cli, &conn, "events", NULL, &reply))
        goto out;
    /* on stderr, not among the events: that they are followed from now */
    if (lock)
        pthread_mutex_lock(lock);
    fprintf(stderr, "%s: events: following %s's events\n", cli->prog,
            member(xlt_json_get(reply, "result"), "host"));
    if (lock)
        pthread_mutex_unlock(lock);
    while ((got = cli_next_line(cli, &conn, &line)) > 0) {
        got = print_event(cli, line, json, lock);
        free(line);
        if (got < 0)
            goto out;
    }
    if (got == 0)
        cli_fail(cli, "xltd ended the events (it stopped?)");
out:
    if (reply)
        yajl_tree_free(reply);
    cli_close(&conn);
    return 1;
}

int cmd_events(struct cli *cli, int argc, char **argv)
{
    bool json = false;

    if (cli_json_option(cli, argc, argv, &json))
        return 2;
    if (optind != argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    if (cli->host && cli->host[0] == '@')
        return cli_fanout_events(cli, json);
    return cli_follow_events(cli, json, NULL);
}
