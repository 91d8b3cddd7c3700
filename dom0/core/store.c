/*
 * store.c: the domains xltd manages, one file each under
 * STATE_DIR/domains/UUID.json: the name, the config file's path and text,
 * and libxl's domain config JSON.  A domain with an entry is xltd's: it
 * applies its on_* actions, also after its own restart.  A domain without
 * one (made by stock xl, say) is left to its owner.  Before libxl builds
 * a domain, an empty file UUID.json.building marks its entry; it is
 * removed once the domain is built (an unlink: it cannot fail for want
 * of room, as rewriting the entry could on a full disk), so a domain
 * found marked when xltd starts was half built when an xltd died.  An
 * older xltd wrote "building": true into the entry itself: read too.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

/* An entry holds a config file and libxl's JSON of it: kilobytes. */
#define STORE_ENTRY_MAX (16u << 20)

static void entry_path(const struct xltd *d, const libxl_uuid *uuid,
                       const char *suffix, char *buf, size_t len)
{
    snprintf(buf, len, "%s/domains/" LIBXL_UUID_FMT ".json%s", d->state_dir,
             LIBXL_UUID_BYTES(*uuid), suffix);
}

int store_init(struct xltd *d)
{
    char dir[4096];

    snprintf(dir, sizeof(dir), "%s/domains", d->state_dir);
    if ((mkdir(d->state_dir, 0700) && errno != EEXIST) ||
        (mkdir(dir, 0700) && errno != EEXIST)) {
        log_err(&d->log, "creating %s", dir);
        return -1;
    }
    return 0;
}

static char *entry_text(libxl_domain_config *cfg, const char *path,
                        const char *text)
{
    yajl_gen g = xlt_json_gen_new();
    char *out = NULL;

    if (!g)
        return NULL;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_map_open(g);
    xlt_json_kv_int(g, "xlt_store", 1);
    xlt_json_kv_str(g, "name", cfg->c_info.name);
    xlt_json_kv_str(g, "path", path);
    xlt_json_kv_str(g, "text", text);
    xlt_json_str(g, "config");
    if (libxl_domain_config_gen_json(g, cfg) ==
            yajl_gen_status_ok &&
        yajl_gen_map_close(g) == yajl_gen_status_ok)
        out = xlt_json_gen_take(g);
    yajl_gen_free(g);
    return out;
}

int store_write_atomic(struct xltd *d, const char *path, const char *json)
{
    char tmp[4096];
    int fd = -1, rc = -1;

    snprintf(tmp, sizeof(tmp), "%s.new", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || xlt_write_all(fd, json, strlen(json)) || fsync(fd) ||
        rename(tmp, path)) {
        log_err(&d->log, "writing %s", path);
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

/* Write JSON as UUID's entry. */
static int write_entry(struct xltd *d, const libxl_uuid *uuid,
                       const char *json)
{
    char final[4096];

    entry_path(d, uuid, "", final, sizeof(final));
    return store_write_atomic(d, final, json);
}

/* Mark UUID's entry as one whose domain libxl has yet to build. */
static int mark_building(struct xltd *d, const libxl_uuid *uuid)
{
    char path[4096];
    int fd;

    entry_path(d, uuid, ".building", path, sizeof(path));
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || fsync(fd)) {
        log_err(&d->log, "writing %s", path);
        if (fd >= 0)
            close(fd);
        unlink(path);
        return -1;
    }
    close(fd);
    return 0;
}

int store_put(struct xltd *d, libxl_domain_config *cfg,
              const char *path, const char *text, bool building)
{
    char *json = entry_text(cfg, path, text);
    int rc = -1;

    if (!json) {
        log_errx(&d->log, "%s: out of memory for its store entry",
                 cfg->c_info.name);
        goto out;
    }
    if (building && mark_building(d, &cfg->c_info.uuid))
        goto out;
    rc = write_entry(d, &cfg->c_info.uuid, json);
    if (rc && building)
        store_built(d, &cfg->c_info.uuid);
out:
    free(json);
    return rc;
}

void store_built(struct xltd *d, const libxl_uuid *uuid)
{
    char path[4096];

    entry_path(d, uuid, ".building", path, sizeof(path));
    if (unlink(path) && errno != ENOENT)
        log_warn(&d->log, "removing %s", path);
}

bool store_building(struct xltd *d, const libxl_uuid *uuid)
{
    char path[4096];

    entry_path(d, uuid, ".building", path, sizeof(path));
    return access(path, F_OK) == 0 || store_get_bool(d, uuid, "building");
}

int store_get(struct xltd *d, const libxl_uuid *uuid, yajl_val *entry_r)
{
    char path[4096], *text = NULL;
    struct xlt_err err;
    size_t len;

    *entry_r = NULL;
    entry_path(d, uuid, "", path, sizeof(path));
    if (xlt_read_file(path, &text, &len, &err))
        return -1;
    if (xlt_json_parse(text, STORE_ENTRY_MAX, path, entry_r, &err) ||
        xlt_store_entry_check(*entry_r, &err)) {
        log_errx(&d->log, "not a store entry: %s%s%s", *entry_r ? path : "",
                 *entry_r ? ": " : "", err.msg);
        yajl_tree_free(*entry_r);
        *entry_r = NULL;
    }
    free(text);
    return *entry_r ? 0 : -1;
}

int store_set(struct xltd *d, const libxl_uuid *uuid, const char *key,
              yajl_val value)
{
    yajl_val entry = NULL;
    char *json = NULL;
    int rc = -1;

    if (store_get(d, uuid, &entry))
        return -1;
    json = xlt_json_with(entry, key, value);
    if (json)
        rc = write_entry(d, uuid, json);
    yajl_tree_free(entry);
    free(json);
    return rc;
}

int store_set_str(struct xltd *d, const libxl_uuid *uuid, const char *key,
                  const char *value)
{
    struct yajl_val_s v = {.type = yajl_t_string};
    int rc;

    v.u.string = strdup(value);
    if (!v.u.string)
        return -1;
    rc = store_set(d, uuid, key, &v);
    free(v.u.string);
    return rc;
}

int store_set_bool(struct xltd *d, const libxl_uuid *uuid, const char *key,
                   bool value)
{
    struct yajl_val_s v = {.type = value ? yajl_t_true : yajl_t_false};

    return store_set(d, uuid, key, &v);
}

bool store_get_bool(struct xltd *d, const libxl_uuid *uuid, const char *key)
{
    yajl_val entry = NULL;
    bool value = false;

    if (!store_get(d, uuid, &entry))
        value = YAJL_IS_TRUE(xlt_json_get(entry, key));
    yajl_tree_free(entry);
    return value;
}

int store_move(struct xltd *d, const libxl_uuid *old,
               libxl_domain_config *cfg)
{
    static const char *const kept[] = {"pinning", "dedicated"};
    yajl_val entry = NULL;
    int rc;

    store_get(d, old, &entry); /* none: a bare entry for the new one */
    rc = store_put(d, cfg, xlt_json_get_str(entry, "path"),
                   xlt_json_get_str(entry, "text"), false);
    for (size_t i = 0; !rc && i < sizeof(kept) / sizeof(kept[0]); i++) {
        yajl_val v = xlt_json_get(entry, kept[i]);
        if (v)
            rc = store_set(d, &cfg->c_info.uuid, kept[i], v);
    }
    if (!rc)
        store_drop(d, old);
    yajl_tree_free(entry);
    return rc;
}

int store_restore_entry(struct xltd *d, const libxl_uuid *uuid,
                        yajl_val entry)
{
    char *json = xlt_json_to_text(entry);
    int rc = json ? write_entry(d, uuid, json) : -1;

    free(json);
    return rc;
}

bool store_has(const struct xltd *d, const libxl_uuid *uuid)
{
    char path[4096];

    entry_path(d, uuid, "", path, sizeof(path));
    return access(path, F_OK) == 0;
}

void store_drop(struct xltd *d, const libxl_uuid *uuid)
{
    char path[4096];

    entry_path(d, uuid, "", path, sizeof(path));
    if (unlink(path) == 0)
        log_debug(&d->log, "forgot %s", path);
    else if (errno != ENOENT)
        log_warn(&d->log, "removing %s", path);
    store_built(d, uuid);
}

static bool uuid_running(const libxl_dominfo *info, int n,
                         const libxl_uuid *uuid)
{
    for (int i = 0; i < n; i++)
        if (!libxl_uuid_compare(&info[i].uuid, uuid))
            return true;
    return false;
}

enum store_file { STORE_FILE_OTHER, STORE_FILE_ENTRY, STORE_FILE_MARKER };

/* What NAME in the store's directory is: UUID.json, UUID.json.building
 * (*UUID set) or something else. */
static enum store_file store_file_of(const char *name, libxl_uuid *uuid)
{
    static const char *const suffix[] = {".json", ".json.building"};
    char head[LIBXL_UUID_FMTLEN + 1];

    if (strlen(name) < LIBXL_UUID_FMTLEN)
        return STORE_FILE_OTHER;
    snprintf(head, sizeof(head), "%s", name);
    if (libxl_uuid_from_string(uuid, head))
        return STORE_FILE_OTHER;
    for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++)
        if (!strcmp(name + LIBXL_UUID_FMTLEN, suffix[i]))
            return i ? STORE_FILE_MARKER : STORE_FILE_ENTRY;
    return STORE_FILE_OTHER;
}

int store_scan(struct xltd *d, const char *subdir, store_visit *fn,
               void *arg)
{
    char dir[4096];
    struct dirent *e;
    int rc = 0;
    DIR *dh;

    snprintf(dir, sizeof(dir), "%s/%s", d->state_dir, subdir);
    dh = opendir(dir);
    if (!dh) {
        log_err(&d->log, "reading %s", dir);
        return -1;
    }
    while (!rc && (e = readdir(dh)))
        if (e->d_name[0] != '.')
            rc = fn(d, dir, e->d_name, arg);
    closedir(dh);
    return rc;
}

struct forgetting {
    const libxl_dominfo *info;
    int n, kept;
};

static int forget_one(struct xltd *d, const char *dir, const char *name,
                      void *arg)
{
    struct forgetting *f = arg;
    enum store_file kind;
    libxl_uuid uuid;
    char path[4600];

    kind = store_file_of(name, &uuid);
    if (kind == STORE_FILE_OTHER)
        return 0;
    if (uuid_running(f->info, f->n, &uuid)) {
        f->kept += kind == STORE_FILE_ENTRY;
        return 0;
    }
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    log_info(&d->log, "forgetting %s: that domain no longer runs", path);
    unlink(path);
    return 0;
}

int store_forget_stopped(struct xltd *d, const libxl_dominfo *info, int n)
{
    struct forgetting f = {info, n, 0};

    return store_scan(d, "domains", forget_one, &f) ? -1 : f.kept;
}

struct each_entry {
    store_entry_fn *fn;
    void *arg;
};

static int each_entry(struct xltd *d, const char *dir, const char *name,
                      void *arg)
{
    struct each_entry *e = arg;
    yajl_val entry = NULL;
    libxl_uuid uuid;
    int rc = 0;

    (void)dir;
    if (store_file_of(name, &uuid) != STORE_FILE_ENTRY ||
        store_get(d, &uuid, &entry))
        return 0;
    rc = e->fn(d, &uuid, entry, e->arg);
    yajl_tree_free(entry);
    return rc;
}

int store_each(struct xltd *d, store_entry_fn *fn, void *arg)
{
    struct each_entry e = {fn, arg};

    return store_scan(d, "domains", each_entry, &e);
}
