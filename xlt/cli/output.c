/* output.c: what xlt prints, as tables like xl's or as JSON. */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

int cli_fail(struct cli *cli, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cli->failure, sizeof(cli->failure), fmt, ap);
    va_end(ap);
    if (cli->quiet)
        return 1;
    fprintf(stderr, "%s: ", cli->prog);
    if (cli->cmd && strcmp(cli->cmd->name, "help") != 0)
        fprintf(stderr, "%s: ", cli->cmd->name);
    fprintf(stderr, "%s\n", cli->failure);
    return 1;
}

int cli_print_json(yajl_val v)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;
    int rc = -1;

    if (!g)
        return -1;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    if (xlt_json_emit(g, v) == yajl_gen_status_ok &&
        yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
        fwrite(buf, 1, len, stdout);
        if (len && buf[len - 1] != '\n')
            fputc('\n', stdout);
        rc = 0;
    }
    yajl_gen_free(g);
    return rc;
}

const char *cli_scalar_text(yajl_val v)
{
    if (YAJL_IS_STRING(v))
        return v->u.string;
    if (YAJL_IS_NUMBER(v))
        return v->u.number.r;
    if (YAJL_IS_TRUE(v))
        return "true";
    if (YAJL_IS_FALSE(v))
        return "false";
    return "";
}

void cli_print_fields(yajl_val obj)
{
    if (!YAJL_IS_OBJECT(obj))
        return;
    for (size_t i = 0; i < obj->u.object.len; i++)
        printf("%-23s: %s\n", obj->u.object.keys[i],
               cli_scalar_text(obj->u.object.values[i]));
}

long long cli_json_ll(yajl_val obj, const char *key, long long missing)
{
    long long n = missing;
    xlt_json_get_int(obj, key, &n);
    return n;
}

double cli_json_double(yajl_val obj, const char *key, double missing)
{
    yajl_val v = xlt_json_get(obj, key);

    return YAJL_IS_NUMBER(v) ? YAJL_GET_DOUBLE(v) : missing;
}

static long long get_ll(yajl_val obj, const char *key)
{
    return cli_json_ll(obj, key, 0);
}

void cli_print_domain_rows(yajl_val domains, const char *host)
{
    for (size_t i = 0; YAJL_IS_ARRAY(domains) && i < domains->u.array.len;
         i++) {
        yajl_val d = domains->u.array.values[i];
        yajl_val t = xlt_json_get(d, "cpu_time");
        const char *name = xlt_json_get_str(d, "name");
        const char *state = xlt_json_get_str(d, "state");
        const char *rsc = xlt_json_get_str(d, "cluster_resource");
        char domid[24] = "-"; /* a defined domain that is off has none */
        long long id;
        if (xlt_json_get_int(d, "domid", &id))
            snprintf(domid, sizeof(domid), "%lld", id);
        if (host)
            printf("%-16s ", host);
        printf("%-40s %5s %5lld %5lld     %-6s  %8.1f",
               name ? name : "(null)", domid, get_ll(d, "memory"),
               get_ll(d, "vcpus"), state ? state : "------",
               YAJL_IS_NUMBER(t) ? YAJL_GET_DOUBLE(t) : 0.0);
        /* a cluster's resource: a seventh field, after xl's six */
        if (rsc)
            printf("  cluster:%s", rsc);
        putchar('\n');
    }
}

void cli_print_domains(yajl_val domains)
{
    printf("Name                                        ID   Mem VCPUs\t"
           "State\tTime(s)\n");
    cli_print_domain_rows(domains, NULL);
}

/* 93784 -> "1 day,  2:03:04", as xl uptime writes it. */
static void format_uptime(unsigned long long up, char *buf, size_t len)
{
    unsigned long long days = up / 86400;
    unsigned hours = (unsigned)(up % 86400 / 3600);
    unsigned mins = (unsigned)(up % 3600 / 60), secs = (unsigned)(up % 60);

    if (days)
        snprintf(buf, len, "%llu day%s, %2u:%02u:%02u", days,
                 days > 1 ? "s" : "", hours, mins, secs);
    else
        snprintf(buf, len, "%2u:%02u:%02u", hours, mins, secs);
}

void cli_print_uptimes(yajl_val domains)
{
    char up[64];

    printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
    if (!YAJL_IS_ARRAY(domains))
        return;
    for (size_t i = 0; i < domains->u.array.len; i++) {
        yajl_val d = domains->u.array.values[i];
        const char *name = xlt_json_get_str(d, "name");
        format_uptime((unsigned long long)get_ll(d, "uptime"), up,
                      sizeof(up));
        printf("%-33s %4lld %s\n", name ? name : "(null)",
               get_ll(d, "domid"), up);
    }
}
