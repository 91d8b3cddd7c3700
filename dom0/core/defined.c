/*
 * defined.c: domains defined to outlive their runs.  A definition is the
 * config a create would carry (libxl's JSON, the config file's path and
 * text) with a UUID of its own, kept under STATE_DIR/defined/UUID.json
 * apart from the run-time store (store.c), which holds only what runs.
 * The domain of a definition is the one that runs with its UUID: starting
 * it is a create with that UUID, and it stays defined when it stops.
 * Each file carries "xlt_definition": 1, its format's version.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

/* A definition holds a config file and libxl's JSON of it: kilobytes. */
#define DEFINITION_MAX (16u << 20)

static void definition_path(const struct xltd *d, const libxl_uuid *uuid,
                            char *buf, size_t len)
{
    snprintf(buf, len, "%s/defined/" LIBXL_UUID_FMT ".json", d->state_dir,
             LIBXL_UUID_BYTES(*uuid));
}

int defined_init(struct xltd *d)
{
    char dir[4096];

    snprintf(dir, sizeof(dir), "%s/defined", d->state_dir);
    if (mkdir(dir, 0700) && errno != EEXIST) {
        log_err(&d->log, "creating %s", dir);
        return -1;
    }
    return 0;
}

/* The definition in PATH, checked (NULL, logged, if it is not one). */
static yajl_val definition_read(struct xltd *d, const char *path)
{
    char *text = NULL;
    struct xlt_err err;
    yajl_val def = NULL;
    size_t len;

    if (xlt_read_file(path, &text, &len, &err)) {
        log_errx(&d->log, "%s", err.msg);
        return NULL;
    }
    if (xlt_json_parse(text, DEFINITION_MAX, path, &def, &err) ||
        xlt_definition_check(def, &err)) {
        log_errx(&d->log, "not a definition: %s%s%s", def ? path : "",
                 def ? ": " : "", err.msg);
        yajl_tree_free(def);
        def = NULL;
    }
    free(text);
    return def;
}

/* Is NAME a definition's file name (UUID.json), and which UUID? */
static bool definition_file(const char *name, libxl_uuid *uuid)
{
    char head[LIBXL_UUID_FMTLEN + 1];

    if (strlen(name) != LIBXL_UUID_FMTLEN + strlen(".json") ||
        strcmp(name + LIBXL_UUID_FMTLEN, ".json") != 0)
        return false;
    memcpy(head, name, LIBXL_UUID_FMTLEN);
    head[LIBXL_UUID_FMTLEN] = '\0';
    return !libxl_uuid_from_string(uuid, head);
}

struct each_definition {
    defined_fn *fn;
    void *arg;
};

static int each_definition(struct xltd *d, const char *dir, const char *name,
                           void *arg)
{
    struct each_definition *e = arg;
    char path[4600];
    libxl_uuid uuid;
    yajl_val def;
    int rc = 0;

    if (!definition_file(name, &uuid))
        return 0;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    def = definition_read(d, path);
    if (def)
        rc = e->fn(d, &uuid, def, e->arg);
    yajl_tree_free(def);
    return rc;
}

int defined_each(struct xltd *d, defined_fn *fn, void *arg)
{
    struct each_definition e = {fn, arg};

    return store_scan(d, "defined", each_definition, &e);
}

/* ---- finding one -------------------------------------------------------- */

struct lookup {
    const char *name;      /* the definition named so, or */
    const libxl_uuid *uuid; /* the one of this UUID */
    yajl_val found;        /* a copy of it (the caller frees it) */
    libxl_uuid found_uuid;
};

static yajl_val tree_copy(yajl_val v)
{
    char *text = xlt_json_to_text(v);
    yajl_val copy = text ? yajl_tree_parse(text, NULL, 0) : NULL;

    free(text);
    return copy;
}

static int lookup_one(struct xltd *d, const libxl_uuid *uuid, yajl_val def,
                      void *arg)
{
    struct lookup *l = arg;

    (void)d;
    if (l->name ? strcmp(xlt_json_get_str(def, "name"), l->name) != 0
                : libxl_uuid_compare(uuid, l->uuid) != 0)
        return 0;
    l->found = tree_copy(def);
    l->found_uuid = *uuid;
    return 1;
}

/* The definition named NAME (or, if NAME is NULL, of UUID): *DEF_R (the
 * caller frees it) and its UUID in *UUID_R; -1 if there is none. */
static int definition_find(struct xltd *d, const char *name,
                           const libxl_uuid *uuid, yajl_val *def_r,
                           libxl_uuid *uuid_r)
{
    struct lookup l = {.name = name, .uuid = uuid};

    libxl_uuid_clear(&l.found_uuid);
    defined_each(d, lookup_one, &l);
    *def_r = l.found;
    if (uuid_r)
        *uuid_r = l.found_uuid;
    return l.found ? 0 : -1;
}

int defined_get(struct xltd *d, const char *name, yajl_val *def_r,
                libxl_uuid *uuid_r, struct xlt_err *err)
{
    if (definition_find(d, name, NULL, def_r, uuid_r))
        return xlt_err_set(err, "%s: no such definition (xlt list --all "
                           "shows them)", name);
    return 0;
}

bool defined_running(struct xltd *d, const libxl_uuid *uuid,
                     uint32_t *domid_r)
{
    libxl_dominfo *info;
    bool runs = false;
    int n = 0;

    info = libxl_list_domain(d->ctx, &n);
    for (int i = 0; info && i < n && !runs; i++)
        if (!libxl_uuid_compare(&info[i].uuid, uuid)) {
            runs = true;
            *domid_r = info[i].domid;
        }
    if (info)
        libxl_dominfo_list_free(info, n);
    return runs;
}

/* ---- writing one -------------------------------------------------------- */

/* The definition of CFG (whose UUID is set) as text, with the config
 * file's PATH and TEXT, and KEPT's autostart members if KEPT is not NULL. */
static char *definition_text(libxl_domain_config *cfg, const char *path,
                             const char *text, yajl_val kept)
{
    static const char *const kept_keys[] = {"autostart", "autostart_order",
                                            "autostart_delay"};
    char uuid[LIBXL_UUID_FMTLEN + 1];
    yajl_gen g = xlt_json_gen_new();
    char *out = NULL;

    if (!g)
        return NULL;
    snprintf(uuid, sizeof(uuid), LIBXL_UUID_FMT,
             LIBXL_UUID_BYTES(cfg->c_info.uuid));
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_map_open(g);
    xlt_json_kv_int(g, "xlt_definition", 1);
    xlt_json_kv_str(g, "name", cfg->c_info.name);
    xlt_json_kv_str(g, "uuid", uuid);
    xlt_json_kv_str(g, "path", path);
    xlt_json_kv_str(g, "text", text);
    for (size_t i = 0; i < sizeof(kept_keys) / sizeof(kept_keys[0]); i++)
        if (xlt_json_get(kept, kept_keys[i])) {
            xlt_json_str(g, kept_keys[i]);
            xlt_json_emit(g, xlt_json_get(kept, kept_keys[i]));
        }
    xlt_json_str(g, "config");
    if (libxl_domain_config_gen_json(g, cfg) == yajl_gen_status_ok &&
        yajl_gen_map_close(g) == yajl_gen_status_ok)
        out = xlt_json_gen_take(g);
    yajl_gen_free(g);
    return out;
}

static int definition_write(struct xltd *d, const libxl_uuid *uuid,
                            const char *json, struct xlt_err *err)
{
    char path[4096];

    definition_path(d, uuid, path, sizeof(path));
    if (!json)
        return xlt_err_set(err, "out of memory");
    if (store_write_atomic(d, path, json))
        return xlt_err_set(err, "cannot write %s (see xltd's log)", path);
    return 0;
}

/* The client made up CFG's UUID if its config file TEXT (at PATH) names
 * none, as a create's parse does: then it has none. */
static void uuid_from_file_only(libxl_domain_config *cfg, const char *path,
                                const char *text)
{
    struct xlt_err ignored;
    bool given = true;

    if (text && !xlt_config_names_uuid(path ? path : "(config)", text,
                                       strlen(text), &given, &ignored) &&
        !given)
        libxl_uuid_clear(&cfg->c_info.uuid);
}

/* The UUID a new definition of CFG gets: the file's, or the running
 * domain's of its name (which becomes defined), or a new one. */
static int new_identity(struct xltd *d, libxl_domain_config *cfg,
                        struct xlt_err *err)
{
    libxl_uuid *uuid = &cfg->c_info.uuid;
    yajl_val other = NULL;
    libxl_dominfo info;
    uint32_t domid;
    int rc = 0;

    libxl_dominfo_init(&info);
    if (!libxl_name_to_domid(d->ctx, cfg->c_info.name, &domid) &&
        !libxl_domain_info(d->ctx, &info, domid)) {
        if (!libxl_uuid_is_nil(uuid) && libxl_uuid_compare(uuid, &info.uuid))
            rc = xlt_err_set(err, "%s runs (id %u) with UUID " LIBXL_UUID_FMT
                             ", not the config's", cfg->c_info.name, domid,
                             LIBXL_UUID_BYTES(info.uuid));
        libxl_uuid_copy(d->ctx, uuid, &info.uuid);
    } else if (!libxl_uuid_is_nil(uuid)) {
        rc = policy_uuid_free(d, uuid, NULL, err);
    } else {
        libxl_uuid_generate(uuid);
    }
    if (!rc && !definition_find(d, NULL, uuid, &other, NULL))
        rc = xlt_err_set(err, "UUID " LIBXL_UUID_FMT " is %s's definition "
                         "already", LIBXL_UUID_BYTES(*uuid),
                         xlt_json_get_str(other, "name"));
    yajl_tree_free(other);
    libxl_dominfo_dispose(&info);
    return rc;
}

int defined_add(struct xltd *d, libxl_domain_config *cfg, const char *path,
                const char *text, struct xlt_err *err)
{
    yajl_val other = NULL;
    char *json;
    int rc;

    if (!cfg->c_info.name)
        return xlt_err_set(err, "the configuration has no name");
    if (policy_domain_name(cfg->c_info.name, err) ||
        domain_check_files(cfg, err))
        return -1;
    if (!definition_find(d, cfg->c_info.name, NULL, &other, NULL)) {
        yajl_tree_free(other);
        return xlt_err_set(err, "%s: defined already (xlt config-update %s "
                           "FILE changes its config)", cfg->c_info.name,
                           cfg->c_info.name);
    }
    uuid_from_file_only(cfg, path, text);
    if (new_identity(d, cfg, err))
        return -1;
    json = definition_text(cfg, path, text, NULL);
    rc = definition_write(d, &cfg->c_info.uuid, json, err);
    free(json);
    if (!rc)
        log_info(&d->log, "%s: defined from %s", cfg->c_info.name,
                 path ? path : "(no file)");
    return rc;
}

int defined_update(struct xltd *d, const char *name, libxl_domain_config *cfg,
                   const char *path, const char *text, struct xlt_err *err)
{
    yajl_val def = NULL;
    libxl_uuid uuid;
    char *json = NULL;
    int rc = -1;

    if (defined_get(d, name, &def, &uuid, err))
        return -1;
    if (!cfg->c_info.name || strcmp(cfg->c_info.name, name) != 0) {
        xlt_err_set(err, "the config names the domain %s, not %s (a "
                    "definition keeps its name: xlt rename)",
                    cfg->c_info.name ? cfg->c_info.name : "(nothing)", name);
        goto out;
    }
    uuid_from_file_only(cfg, path, text);
    if (!libxl_uuid_is_nil(&cfg->c_info.uuid) &&
        libxl_uuid_compare(&cfg->c_info.uuid, &uuid)) {
        xlt_err_set(err, "the config's UUID is not %s's, " LIBXL_UUID_FMT,
                    name, LIBXL_UUID_BYTES(uuid));
        goto out;
    }
    if (domain_check_files(cfg, err))
        goto out;
    libxl_uuid_copy(d->ctx, &cfg->c_info.uuid, &uuid);
    json = definition_text(cfg, path, text, def);
    rc = definition_write(d, &uuid, json, err);
    if (!rc)
        log_info(&d->log, "%s: definition updated from %s", name,
                 path ? path : "(no file)");
out:
    free(json);
    yajl_tree_free(def);
    return rc;
}

int defined_remove(struct xltd *d, const char *name, struct xlt_err *err)
{
    yajl_val def = NULL;
    libxl_uuid uuid;
    char path[4096];

    if (defined_get(d, name, &def, &uuid, err))
        return -1;
    yajl_tree_free(def);
    definition_path(d, &uuid, path, sizeof(path));
    if (unlink(path))
        return xlt_err_errno(err, errno, "removing %s", path);
    log_info(&d->log, "%s: no longer defined", name);
    return 0;
}

int defined_set(struct xltd *d, const char *name, const char *key,
                yajl_val value, struct xlt_err *err)
{
    yajl_val def = NULL;
    libxl_uuid uuid;
    char *json;
    int rc;

    if (defined_get(d, name, &def, &uuid, err))
        return -1;
    json = xlt_json_with(def, key, value);
    rc = definition_write(d, &uuid, json, err);
    free(json);
    yajl_tree_free(def);
    return rc;
}

int defined_name_free(struct xltd *d, const char *name,
                      const libxl_uuid *uuid, struct xlt_err *err)
{
    yajl_val def = NULL;
    libxl_uuid other;
    int rc = 0;

    if (!definition_find(d, name, NULL, &def, &other) &&
        libxl_uuid_compare(&other, uuid))
        rc = xlt_err_set(err, "%s is defined, with UUID " LIBXL_UUID_FMT
                         " (xlt start %s starts it)", name,
                         LIBXL_UUID_BYTES(other), name);
    yajl_tree_free(def);
    return rc;
}

void defined_renamed(struct xltd *d, const libxl_uuid *uuid, const char *name)
{
    struct yajl_val_s v = {.type = yajl_t_string};
    yajl_val def = NULL;
    struct xlt_err err;

    v.u.string = strdup(name);
    if (v.u.string && !definition_find(d, NULL, uuid, &def, NULL) &&
        defined_set(d, xlt_json_get_str(def, "name"), "name", &v, &err))
        log_errx(&d->log, "%s: %s", name, err.msg);
    free(v.u.string);
    yajl_tree_free(def);
}

/* ---- starting one ------------------------------------------------------- */

int defined_start(struct xltd *d, const char *name, bool paused,
                  struct job *job, struct xlt_err *err)
{
    libxl_domain_config cfg;
    yajl_val def = NULL;
    char *json = NULL;
    libxl_uuid uuid;
    uint32_t domid;
    int rc = -1;

    libxl_domain_config_init(&cfg);
    if (defined_get(d, name, &def, &uuid, err))
        goto out;
    if (defined_running(d, &uuid, &domid)) {
        xlt_err_set(err, "%s: running already (id %u)", name, domid);
        goto out;
    }
    if (store_has(d, &uuid)) {
        xlt_err_set(err, "%s: starting already", name);
        goto out;
    }
    json = xlt_json_to_text(xlt_json_get(def, "config"));
    if (!json || domain_config_parse(d, json, &cfg, err))
        goto out;
    libxl_uuid_copy(d->ctx, &cfg.c_info.uuid, &uuid);
    free(cfg.c_info.name);
    cfg.c_info.name = strdup(name);
    if (!cfg.c_info.name || domain_check_new(d, &cfg, err))
        goto out;
    rc = domain_create(d, &cfg, xlt_json_get_str(def, "path"),
                       xlt_json_get_str(def, "text"), paused, job, err);
out:
    libxl_domain_config_dispose(&cfg);
    free(json);
    yajl_tree_free(def);
    return rc;
}
