/*
 * cpupool.c: a CPU pool's definition as xl cpupool-create takes it, a
 * file and/or KEY=VALUE lines in xl.cfg syntax:
 *     name = "pool1"   sched = "credit2"
 *     cpus = "2-3" or cpus = ["2", "3"]   or   nodes = ["1"]
 * read with libxlutil into what xlt sends xltd: the CPUs as one xl CPU
 * list ("2,3", "node:1"), resolved against the host by xltd.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlt.h"

void xlt_cpupool_spec_dispose(struct xlt_cpupool_spec *s)
{
    free(s->name);
    free(s->sched);
    free(s->cpus);
    memset(s, 0, sizeof(*s));
}

/* LIST's first N items joined by ",", each with PREFIX ("node:" or ""). */
static char *join_list(XLU_ConfigList *list, int n, const char *prefix)
{
    size_t size = 1, len = 0;
    const char *item;
    char *out;

    for (int i = 0; i < n && (item = xlu_cfg_get_listitem(list, i)); i++)
        size += strlen(prefix) + strlen(item) + 1;
    out = malloc(size);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (int i = 0; i < n && (item = xlu_cfg_get_listitem(list, i)); i++)
        len += (size_t)snprintf(out + len, size - len, "%s%s%s",
                                i ? "," : "", prefix, item);
    return out;
}

/* cpus= (a string or a list of CPUs) or nodes= (a list of nodes). */
static int pool_cpus(struct xlt_cfgfile *cf, struct xlt_cpupool_spec *s,
                     struct xlt_err *err)
{
    XLU_ConfigList *list;
    const char *str;
    int n, rc;

    rc = xlt_cfgfile_list(cf, "nodes", &list, &n, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        if (xlt_cfgfile_is_set(cf, "cpus"))
            return xlt_cfgfile_bad(cf, err, "nodes", "give cpus or nodes, "
                                   "not both");
        s->cpus = join_list(list, n, "node:");
        return s->cpus && n ? 0 : xlt_cfgfile_bad(cf, err, "nodes",
                                                  "an empty list");
    }
    if (!xlt_cfgfile_is_set(cf, "cpus"))
        return 0;
    if (xlt_cfgfile_list(cf, "cpus", &list, &n, err) == 0)
        s->cpus = join_list(list, n, "");
    else if (xlt_cfgfile_string(cf, "cpus", &str, err) == 0)
        s->cpus = strdup(str);
    else
        return -1;
    return s->cpus && *s->cpus ? 0 : xlt_cfgfile_bad(cf, err, "cpus",
                                                     "no CPUs given");
}

/* The pool's name: name=, else the file's name without its directory. */
static int pool_name(struct xlt_cfgfile *cf, const char *path,
                     struct xlt_cpupool_spec *s, struct xlt_err *err)
{
    const char *str;
    char *copy;
    int rc = xlt_cfgfile_string(cf, "name", &str, err);

    if (rc < 0)
        return rc;
    if (rc == 0) {
        if (!*str)
            return xlt_cfgfile_bad(cf, err, "name", "must not be empty");
        s->name = strdup(str);
    } else if (!path) {
        return xlt_err_set(err, "command line: name: the pool needs a name "
                           "(name=\"POOL\")");
    } else {
        copy = strdup(path);
        s->name = copy ? strdup(basename(copy)) : NULL;
        free(copy);
    }
    return s->name ? 0 : xlt_err_set(err, "out of memory");
}

int xlt_cpupool_parse(const char *path, const char *text, size_t len,
                      size_t file_len, struct xlt_cpupool_spec *s,
                      struct xlt_err *err)
{
    struct xlt_cfgfile *cf = NULL;
    libxl_scheduler sched;
    const char *str;
    int rc;

    memset(s, 0, sizeof(*s));
    rc = xlt_cfgfile_open(&cf, path ? path : "command line", text, len,
                          file_len, err);
    if (rc)
        goto out;
    rc = pool_name(cf, path, s, err);
    if (rc)
        goto out;
    rc = xlt_cfgfile_string(cf, "sched", &str, err);
    if (rc == 0 && (libxl_scheduler_from_string(str, &sched) ||
                    sched == LIBXL_SCHEDULER_UNKNOWN))
        rc = xlt_cfgfile_bad(cf, err, "sched", "`%s' is not a scheduler "
                             "(credit, credit2, rtds, arinc653, null)", str);
    else if (rc == 0)
        rc = (s->sched = strdup(str)) ? 0 : xlt_err_set(err, "out of memory");
    if (rc < 0)
        goto out;
    rc = pool_cpus(cf, s, err);
out:
    xlt_cfgfile_close(cf);
    if (rc)
        xlt_cpupool_spec_dispose(s);
    return rc ? -1 : 0;
}
