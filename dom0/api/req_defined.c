/*
 * req_defined.c: define, undefine, start, config-update, autostart, and
 * what list says of definitions.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"

/* {"config", "path", "text"} -> {"name", "uuid"} */
int req_define(struct xltd *d, struct request *r, yajl_val args)
{
    char uuid[LIBXL_UUID_FMTLEN + 1];
    libxl_domain_config cfg;
    struct xlt_err err;
    yajl_gen g;
    int rc;

    libxl_domain_config_init(&cfg);
    if (args_config_only(d, args, &cfg, &err) ||
        defined_add(d, &cfg, xlt_json_get_str(args, "path"),
                    xlt_json_get_str(args, "text"), &err)) {
        rc = req_fail_err(r, &err);
        goto out;
    }
    snprintf(uuid, sizeof(uuid), LIBXL_UUID_FMT,
             LIBXL_UUID_BYTES(cfg.c_info.uuid));
    snprintf(r->subject.uuid, sizeof(r->subject.uuid), "%s", uuid);
    g = xlt_json_gen_new();
    if (g) {
        yajl_gen_map_open(g);
        xlt_json_kv_str(g, "name", cfg.c_info.name);
        xlt_json_kv_str(g, "uuid", uuid);
        yajl_gen_map_close(g);
    }
    rc = req_done_gen(r, g);
out:
    libxl_domain_config_dispose(&cfg);
    return rc;
}

/* {"running": domid} if a domain of UUID runs, else {} */
static int answer_running(struct xltd *d, struct request *r,
                          const libxl_uuid *uuid)
{
    yajl_gen g = xlt_json_gen_new();
    uint32_t domid;

    if (g) {
        yajl_gen_map_open(g);
        if (defined_running(d, uuid, &domid))
            xlt_json_kv_int(g, "running", domid);
        yajl_gen_map_close(g);
    }
    return req_done_gen(r, g);
}

/* {"definition": NAME} -> {"running": domid} if a domain of it runs on */
int req_undefine(struct xltd *d, struct request *r, yajl_val args)
{
    const char *name;
    struct xlt_err err;
    yajl_val def = NULL;
    libxl_uuid uuid;

    if (args_definition(args, &name, &err) ||
        defined_get(d, name, &def, &uuid, &err))
        return req_fail_err(r, &err);
    yajl_tree_free(def);
    if (defined_remove(d, name, &err))
        return req_fail_err(r, &err);
    return answer_running(d, r, &uuid);
}

/* {"definition": NAME, "paused"} -> as create's */
int req_start(struct xltd *d, struct request *r, yajl_val args)
{
    const char *name;
    struct xlt_err err;

    if (args_definition(args, &name, &err))
        return req_fail_err(r, &err);
    return req_started(r, defined_start(d, name,
                                        YAJL_IS_TRUE(xlt_json_get(args,
                                                                  "paused")),
                                        &r->job, &err),
                       &err);
}

/* {"definition": NAME, "config", "path", "text"} -> {"running": domid}
 * if a domain of it runs (the update waits for its next start) */
int req_config_update(struct xltd *d, struct request *r, yajl_val args)
{
    libxl_domain_config cfg;
    const char *name;
    struct xlt_err err;
    int rc;

    libxl_domain_config_init(&cfg);
    if (args_definition(args, &name, &err) ||
        args_config_only(d, args, &cfg, &err) ||
        defined_update(d, name, &cfg, xlt_json_get_str(args, "path"),
                       xlt_json_get_str(args, "text"), &err)) {
        rc = req_fail_err(r, &err);
        goto out;
    }
    rc = answer_running(d, r, &cfg.c_info.uuid);
out:
    libxl_domain_config_dispose(&cfg);
    return rc;
}

/* {"definition": NAME, "on": BOOL, "order": N, "delay": SECONDS}, the last
 * two optional (kept as they were if absent) */
int req_autostart(struct xltd *d, struct request *r, yajl_val args)
{
    static const struct {
        const char *arg, *key;
    } keys[] = {{"on", "autostart"},
                {"order", "autostart_order"},
                {"delay", "autostart_delay"}};
    yajl_val on = xlt_json_get(args, "on");
    const char *name;
    struct xlt_err err;
    long long n;

    if (args_definition(args, &name, &err))
        return req_fail_err(r, &err);
    if (!YAJL_IS_TRUE(on) && !YAJL_IS_FALSE(on))
        return req_fail(r, "on: expected true or false");
    if (xlt_json_get(args, "order") &&
        (!xlt_json_get_int(args, "order", &n) || n < -1000000 ||
         n > 1000000))
        return req_fail(r, "order: expected an integer from -1000000 to "
                        "1000000");
    if (xlt_json_get(args, "delay") &&
        (!xlt_json_get_int(args, "delay", &n) || n < 0 ||
         n > XLT_AUTOSTART_DELAY_MAX))
        return req_fail(r, "delay: expected 0 to %d seconds",
                        XLT_AUTOSTART_DELAY_MAX);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        yajl_val v = xlt_json_get(args, keys[i].arg);
        if (v && defined_set(d, name, keys[i].key, v, &err))
            return req_fail_err(r, &err);
    }
    return REQ_DONE;
}

/* ---- list --------------------------------------------------------------- */

/* libxl's config JSON's KEY in SECTION, in KiB, as MiB (0 if absent). */
static long long config_mib(yajl_val config, const char *section,
                            const char *key)
{
    long long kb = 0;

    xlt_json_get_int(xlt_json_get(config, section), key, &kb);
    return kb > 0 ? kb / 1024 : 0;
}

/* ROW of UUID from FILE (a definition or a store entry: its name, libxl's
 * config, and for a definition its autostart members); -1 on ENOMEM. */
static int row_of_file(struct defined_row *row, const libxl_uuid *uuid,
                       yajl_val file)
{
    yajl_val config = xlt_json_get(file, "config");
    const char *type = xlt_json_get_str(xlt_json_get(config, "c_info"),
                                        "type");
    long long n;

    *row = (struct defined_row){.uuid = *uuid, .vcpus = 1};
    row->name = strdup(xlt_json_get_str(file, "name")
                           ? xlt_json_get_str(file, "name")
                           : "");
    snprintf(row->type, sizeof(row->type), "%s", type ? type : "pv");
    row->memory = config_mib(config, "b_info", "target_memkb");
    row->max_memory = config_mib(config, "b_info", "max_memkb");
    xlt_json_get_int(xlt_json_get(config, "b_info"), "max_vcpus",
                     &row->vcpus);
    row->autostart = YAJL_IS_TRUE(xlt_json_get(file, "autostart"));
    row->has_order = xlt_json_get_int(file, "autostart_order", &n);
    row->order = row->has_order ? n : 0;
    row->has_delay = xlt_json_get_int(file, "autostart_delay", &n);
    row->delay = row->has_delay ? n : 0;
    return row->name ? 0 : -1;
}

static int row_of_one(struct xltd *d, const libxl_uuid *uuid, yajl_val def,
                      void *arg)
{
    struct defined_rows *rows = arg;
    struct defined_row *grown;

    (void)d;
    grown = realloc(rows->row, (rows->n + 1) * sizeof(*rows->row));
    if (!grown)
        return -1;
    rows->row = grown;
    if (row_of_file(&rows->row[rows->n], uuid, def)) {
        free(rows->row[rows->n].name);
        return -1;
    }
    rows->n++;
    return 0;
}

void req_defined_rows(struct xltd *d, struct defined_rows *rows)
{
    *rows = (struct defined_rows){0};
    if (defined_each(d, row_of_one, rows))
        log_errx(&d->log, "list: out of memory for the definitions");
}

void req_defined_rows_dispose(struct defined_rows *rows)
{
    for (size_t i = 0; i < rows->n; i++)
        free(rows->row[i].name);
    free(rows->row);
    *rows = (struct defined_rows){0};
}

/* ROW's autostart members, as list shows them. */
static void row_members(yajl_gen g, const struct defined_row *row)
{
    xlt_json_kv_bool(g, "autostart", row->autostart);
    if (row->has_order)
        xlt_json_kv_int(g, "autostart_order", row->order);
    if (row->has_delay)
        xlt_json_kv_int(g, "autostart_delay", row->delay);
}

void req_defined_members(yajl_gen g, const struct defined_rows *rows,
                         const libxl_uuid *uuid)
{
    for (size_t i = 0; i < rows->n; i++)
        if (!libxl_uuid_compare(&rows->row[i].uuid, uuid)) {
            xlt_json_kv_bool(g, "defined", true);
            row_members(g, &rows->row[i]);
            return;
        }
    xlt_json_kv_bool(g, "defined", false);
}

/* What list --all adds, and from what: the definitions read once for
 * the list, the domains that run, listed once. */
struct more_rows {
    yajl_gen g;
    const struct defined_rows *defined;
    const libxl_dominfo *info;
    int n;
};

static bool runs(const struct more_rows *m, const libxl_uuid *uuid)
{
    for (int i = 0; i < m->n; i++)
        if (!libxl_uuid_compare(&m->info[i].uuid, uuid))
            return true;
    return false;
}

/* A row for a domain that does not run, in STATE: the memory and vCPUs
 * it will have when it runs. */
static void config_row(struct more_rows *m, const struct defined_row *row,
                       const char *state)
{
    char text[LIBXL_UUID_FMTLEN + 1];
    yajl_gen g = m->g;

    snprintf(text, sizeof(text), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(row->uuid));
    yajl_gen_map_open(g);
    xlt_json_kv_str(g, "name", row->name);
    xlt_json_kv_str(g, "uuid", text);
    xlt_json_kv_str(g, "type", row->type);
    xlt_json_kv_str(g, "state", state);
    xlt_json_kv_int(g, "memory", row->memory);
    xlt_json_kv_int(g, "max_memory", row->max_memory);
    xlt_json_kv_int(g, "vcpus", row->vcpus);
    xlt_json_kv_int(g, "max_vcpus", row->vcpus);
    req_defined_members(g, m->defined, &row->uuid);
    yajl_gen_map_close(g);
}

/* A domain xltd is building (a create, a start, an on_* restart) that
 * does not run yet. */
static int starting_row(struct xltd *d, const libxl_uuid *uuid,
                        yajl_val entry, void *arg)
{
    struct more_rows *m = arg;
    struct defined_row row;

    (void)d;
    if (runs(m, uuid))
        return 0;
    if (!row_of_file(&row, uuid, entry))
        config_row(m, &row, "starting");
    free(row.name);
    return 0;
}

void req_list_more(struct xltd *d, yajl_gen g, const libxl_dominfo *info,
                   int n, void *defined)
{
    struct more_rows m = {g, defined, info, n};
    const struct defined_rows *rows = defined;

    /* the definitions whose domain is off: not running, not being built */
    for (size_t i = 0; i < rows->n; i++)
        if (!runs(&m, &rows->row[i].uuid) &&
            !store_has(d, &rows->row[i].uuid))
            config_row(&m, &rows->row[i], "off");
    store_each(d, starting_row, &m);
}
