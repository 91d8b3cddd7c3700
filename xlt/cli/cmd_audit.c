/*
 * cmd_audit.c: xltd's audit trail, read back (`xlt audit`, through xltd)
 * and checked (`xlt audit verify`, from the file, without xltd).
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

int cli_since(const char *text, time_t now, char *out, size_t len,
              struct xlt_err *err)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    size_t n = strlen(text), i;
    char *end;
    long age;
    struct tm tm;

    age = strtol(text, &end, 10);
    if (end != text && age >= 0 && end[0] && !end[1] &&
        strchr("smhd", end[0])) {
        long unit = end[0] == 's' ? 1 : end[0] == 'm' ? 60
                    : end[0] == 'h' ? 3600 : 86400;
        time_t t = now - (time_t)(age * unit);
        gmtime_r(&t, &tm);
        strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
        return 0;
    }
    for (i = 0; i < n && i < sizeof(shape) - 1; i++) {
        char c = text[i];
        bool ok = shape[i] == 'd' ? isdigit((unsigned char)c) != 0
                  : shape[i] == 'T' ? c == 'T' || c == ' '
                                    : c == shape[i];
        if (!ok)
            break;
    }
    if (n < 10 || i != n || (n != 10 && n != 13 && n != 16 && n != 19))
        return xlt_err_set(err, "--since: `%s' is neither a time "
                           "(2026-12-07, 2026-12-07T14:30, UTC) nor an age "
                           "(90s, 30m, 2h, 7d)", text);
    snprintf(out, len, "%s", text);
    if (n > 10)
        out[10] = 'T';
    return 0;
}

/* `xlt audit verify [FILE]`. */
static int verify(struct cli *cli, int argc, char **argv)
{
    const char *file = optind + 1 < argc ? argv[optind + 1]
                                         : XLTD_AUDIT_DEFAULT;
    char last[XLT_AUDIT_HASH_LEN + 1], *text = NULL;
    struct xlt_err err;
    size_t len = 0, n = 0;
    int rc = 1;

    if (optind + 2 < argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    if (cli->host)
        return cli_fail(cli, "verify reads a trail file on this host; run it "
                        "on %s", cli->host);
    if (xlt_read_file(file, &text, &len, &err))
        cli_fail(cli, "verify: %s", err.msg);
    else if (xlt_audit_verify(text, len, &n, last, &err))
        cli_fail(cli, "verify: %s: %s", file, err.msg);
    else {
        printf("%s: %zu records, each sealed and following the one before; "
               "newest hash %s\n", file, n, last);
        rc = 0;
    }
    free(text);
    return rc;
}

static void print_records(yajl_val records)
{
    printf("%-24s %-12s %-9s %-14s %-16s %-8s %s\n", "TIME", "USER", "ROLE",
           "OP", "DOMAIN", "RESULT", "ERROR");
    for (size_t i = 0; YAJL_IS_ARRAY(records) && i < records->u.array.len;
         i++) {
        yajl_val r = records->u.array.values[i];
        const char *vm = xlt_json_get_str(r, "vm");
        const char *error = xlt_json_get_str(r, "error");
        printf("%-24s %-12s %-9s %-14s %-16s %-8s %s\n",
               xlt_json_get_str(r, "time") ? xlt_json_get_str(r, "time") : "",
               xlt_json_get_str(r, "user") ? xlt_json_get_str(r, "user") : "",
               xlt_json_get_str(r, "role") ? xlt_json_get_str(r, "role") : "",
               xlt_json_get_str(r, "op") ? xlt_json_get_str(r, "op") : "",
               vm ? vm : "-",
               xlt_json_get_str(r, "result") ? xlt_json_get_str(r, "result")
                                             : "",
               error ? error : "");
    }
}

int cmd_audit(struct cli *cli, int argc, char **argv)
{
    char since[32] = "", *args = NULL;
    yajl_val reply = NULL, result;
    bool json = false;
    struct xlt_err err;
    int c, rc = 1;

    while ((c = cli_getopt(cli, argc, argv, "s:j")) != -1) {
        if (c == 'j') {
            json = true;
        } else if (c != 's') {
            return 2;
        } else if (cli_since(optarg, time(NULL), since, sizeof(since),
                             &err)) {
            cli_fail(cli, "%s", err.msg);
            return 2;
        }
    }
    if (optind < argc && !strcmp(argv[optind], "verify"))
        return verify(cli, argc, argv);
    if (optind != argc) {
        xlt_usage(stderr, cli->cmd);
        return 2;
    }
    if (asprintf(&args, *since ? "{\"since\":\"%s\"}" : "{}", since) < 0)
        args = NULL;
    if (cli_call_owned(cli, cli->cmd->request, args, &reply))
        goto out;
    result = xlt_json_get(reply, "result");
    if (json)
        cli_print_json(xlt_json_get(result, "records"));
    else
        print_records(xlt_json_get(result, "records"));
    rc = 0;
out:
    if (reply)
        yajl_tree_free(reply);
    return rc;
}
