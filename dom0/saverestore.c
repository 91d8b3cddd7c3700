/*
 * saverestore.c: save a domain to a file and restore it, in xl's file
 * layout (xlt/lib/savefile.c), so either tool reads the other's files.
 *
 * The saved config is libxl's current one for the domain (memory target,
 * online vCPUs, hotplugged devices) with the pinning xltd keeps applied,
 * so that xl restores it pinned as well.  xlt's own state (the config
 * file's path and text, the pinning, dedicated cores) travels in an extra
 * chunk xl skips; a dedicated domain's pool and pinning are left out of
 * the config (they name CPUs of this host) and xlt restore dedicates
 * fresh ones.  A domain xlt restores is xltd's from then on.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xltd.h"

/* Store entry members that are not in libxl's config: the config file's,
 * and the tuning libxl does not keep. */
static const char *const kept_file[] = {"path", "text"};
static const char *const kept_tuning[] = {"pinning", "dedicated"};
#define N_KEPT(a) (sizeof(a) / sizeof((a)[0]))

static void emit_members(yajl_gen g, yajl_val obj, const char *const *keys,
                         size_t n)
{
    for (size_t i = 0; i < n; i++) {
        yajl_val v = xlt_json_get(obj, keys[i]);
        if (v) {
            xlt_json_str(g, keys[i]);
            xlt_json_emit(g, v);
        }
    }
}

struct save {
    struct xltd *d;
    unsigned conn;
    uint32_t domid;
    libxl_uuid uuid;
    char *name, *file;
    bool checkpoint, paused;
    struct transfer *transfer;
    libxl_asyncop_how how;
};

static void save_free(struct save *s)
{
    if (s->transfer)
        transfer_end(s->d, s->transfer);
    free(s->name);
    free(s->file);
    free(s);
}

/* ---- what goes into the file ------------------------------------------- */

static void drop_hard_affinity(libxl_domain_build_info *b)
{
    for (int i = 0; i < b->num_vcpu_hard_affinity; i++)
        libxl_bitmap_dispose(&b->vcpu_hard_affinity[i]);
    free(b->vcpu_hard_affinity);
    b->vcpu_hard_affinity = NULL;
    b->num_vcpu_hard_affinity = 0;
}

/* xlt's chunk: {"xlt_save":1, and what the store keeps beyond the config};
 * NULL (no chunk) for a domain xltd does not manage. */
static char *save_extras(struct xltd *d, const libxl_uuid *uuid)
{
    yajl_val entry = NULL;
    yajl_gen g = NULL;
    char *text = NULL;

    if (store_get(d, uuid, &entry))
        return NULL;
    g = xlt_json_gen_new();
    if (!g)
        goto out;
    yajl_gen_map_open(g);
    xlt_json_kv_int(g, "xlt_save", 1);
    emit_members(g, entry, kept_file, N_KEPT(kept_file));
    emit_members(g, entry, kept_tuning, N_KEPT(kept_tuning));
    yajl_gen_map_close(g);
    text = xlt_json_gen_take(g);
out:
    if (g)
        yajl_gen_free(g);
    yajl_tree_free(entry);
    return text;
}

int saverestore_header(struct xltd *d, uint32_t domid, char **buf_r,
                       size_t *len_r, struct xlt_err *err)
{
    libxl_domain_config cfg;
    char *config = NULL, *extras = NULL;
    int rc = -1;

    libxl_domain_config_init(&cfg);
    if (libxl_retrieve_domain_configuration(d->ctx, domid, &cfg, NULL)) {
        xlt_err_set(err, "cannot read domain %u's configuration: %s", domid,
                    domain_libxl_said(d, ERROR_FAIL));
        goto out;
    }
    cfg.c_info.domid = 0; /* as xl: a restore picks a new one */
    pinning_apply(d, &cfg);
    if (store_get_bool(d, &cfg.c_info.uuid, "dedicated")) {
        free(cfg.c_info.pool_name);
        cfg.c_info.pool_name = NULL;
        cfg.c_info.poolid = 0;
        drop_hard_affinity(&cfg.b_info);
    }
    config = libxl_domain_config_to_json(d->ctx, &cfg);
    if (!config) {
        xlt_err_set(err, "cannot turn domain %u's configuration into JSON",
                    domid);
        goto out;
    }
    extras = save_extras(d, &cfg.c_info.uuid);
    rc = xlt_save_header_build(config, extras, buf_r, len_r, err);
out:
    free(config);
    free(extras);
    libxl_domain_config_dispose(&cfg);
    return rc;
}

/* ---- save ------------------------------------------------------------------ */

static void save_reply(struct save *s)
{
    yajl_gen g = xlt_json_gen_new();

    if (g) {
        yajl_gen_map_open(g);
        xlt_json_kv_int(g, "domid", s->domid);
        xlt_json_kv_str(g, "name", s->name);
        xlt_json_kv_str(g, "file", s->file);
        transfer_gen_summary(s->transfer, g);
        yajl_gen_map_close(g);
    }
    requests_reply_gen(s->d, s->conn, g);
}

static void save_destroyed(libxl_ctx *ctx, int rc, void *arg)
{
    struct save *s = arg;

    (void)ctx;
    if (rc) {
        log_err(&s->d->log, "%s (%u): saved to %s, but destroying it failed: "
                "%s", s->name, s->domid, s->file,
                domain_libxl_said(s->d, rc));
        control_reply_error(s->d, s->conn, "%s saved to %s, but destroying "
                            "it failed: %s", s->name, s->file,
                            domain_libxl_said(s->d, rc));
    } else {
        store_drop(s->d, &s->uuid);
        save_reply(s);
    }
    save_free(s);
}

/* The guest runs on after a checkpoint or a failed save. */
static int save_resume(struct save *s)
{
    struct xltd *d = s->d;

    if (s->paused && libxl_domain_pause(d->ctx, s->domid, NULL))
        log_warn(&d->log, "%s (%u): cannot pause it", s->name, s->domid);
    if (libxl_domain_resume(d->ctx, s->domid, 1, NULL)) {
        log_err(&d->log, "%s (%u): resuming it failed: %s", s->name,
                s->domid, domain_libxl_said(d, ERROR_FAIL));
        return -1;
    }
    supervise_rewatch(d, s->domid);
    return 0;
}

static void save_done(libxl_ctx *ctx, int rc, void *arg)
{
    struct save *s = arg;
    struct xltd *d = s->d;

    if (rc) {
        char said[512];
        snprintf(said, sizeof(said), "%s", domain_libxl_said(d, rc));
        unlink(s->file);
        log_err(&d->log, "%s (%u): saving to %s failed: %s", s->name,
                s->domid, s->file, said);
        control_reply_error(d, s->conn, "saving %s failed: %s; %s (%s "
                            "removed)", s->name, said, save_resume(s)
                            ? "and resuming it failed too, see xltd's log"
                            : "it runs on", s->file);
        save_free(s);
        return;
    }
    log_info(&d->log, "%s (%u): saved to %s", s->name, s->domid, s->file);
    if (s->checkpoint || s->paused) {
        if (save_resume(s))
            control_reply_error(d, s->conn, "%s saved to %s, but resuming it "
                                "failed: %s", s->name, s->file,
                                domain_libxl_said(d, ERROR_FAIL));
        else
            save_reply(s);
        save_free(s);
        return;
    }
    s->how.callback = save_destroyed;
    rc = libxl_domain_destroy(ctx, s->domid, &s->how);
    if (rc)
        save_destroyed(ctx, rc, s);
}

/* Open FILE and write DOMID's header; the fd, or -1 with ERR. */
static int save_open(struct xltd *d, uint32_t domid, const char *file,
                     struct xlt_err *err)
{
    char *header = NULL;
    size_t len = 0;
    int fd = -1;

    if (saverestore_header(d, domid, &header, &len, err))
        return -1;
    fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        xlt_err_errno(err, errno, "%s", file);
    } else if (xlt_write_all(fd, header, len)) {
        xlt_err_errno(err, errno, "writing %s", file);
        close(fd);
        unlink(file);
        fd = -1;
    }
    free(header);
    return fd;
}

static struct save *save_new(struct xltd *d, unsigned conn, uint32_t domid,
                             yajl_val args)
{
    struct save *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->d = d;
    s->conn = conn;
    s->domid = domid;
    s->name = libxl_domid_to_name(d->ctx, domid);
    s->file = strdup(xlt_json_get_str(args, "file"));
    s->checkpoint = YAJL_IS_TRUE(xlt_json_get(args, "checkpoint"));
    s->paused = YAJL_IS_TRUE(xlt_json_get(args, "paused"));
    s->how.callback = save_done;
    s->how.u.for_callback = s;
    requests_domain_uuid(d, domid, &s->uuid);
    if (!s->name || !s->file) {
        save_free(s);
        return NULL;
    }
    return s;
}

void req_save(struct xltd *d, unsigned conn, yajl_val args)
{
    const char *file = xlt_json_get_str(args, "file");
    char what[128];
    struct xlt_err err;
    struct save *s;
    uint32_t domid = INVALID_DOMID;
    int fd, rc;

    if (requests_the_domain(d, conn, args, &domid))
        return;
    if (domid == 0 || !file || file[0] != '/') {
        control_reply_error(d, conn, domid == 0 ? "dom0 cannot be saved"
                            : "save: the file must be an absolute path");
        return;
    }
    s = save_new(d, conn, domid, args);
    if (!s) {
        control_reply_error(d, conn, "out of memory");
        return;
    }
    fd = save_open(d, domid, file, &err);
    if (fd < 0) {
        control_reply_error(d, conn, "saving %s: %s; nothing done", s->name,
                            err.msg);
        save_free(s);
        return;
    }
    snprintf(what, sizeof(what), "saving %s", s->name);
    s->transfer = transfer_begin(d, conn, what, fd, false);
    if (!s->transfer) {
        close(fd);
        unlink(file);
        control_reply_error(d, conn, "out of memory");
        save_free(s);
        return;
    }
    log_info(&d->log, "%s (%u): saving to %s", s->name, domid, file);
    d->log.last_libxl_error[0] = '\0';
    rc = libxl_domain_suspend(d->ctx, domid, fd, 0, &s->how);
    if (rc)
        save_done(d->ctx, rc, s);
}

/* ---- restore ------------------------------------------------------------- */

/* The domain's config: the one the client sent (restore CONFIG FILE),
 * else the file's. */
static int restore_config(struct xltd *d, yajl_val args, const char *file,
                          const struct xlt_save_header *h,
                          libxl_domain_config *cfg, struct xlt_err *err)
{
    uint32_t other;

    if (xlt_json_get(args, "config")) {
        if (requests_config_from_args(d, args, cfg, err))
            return -1;
    } else if (!h->config) {
        return xlt_err_set(err, "%s holds no domain config; name one: "
                           "restore CONFIG FILE", file);
    } else if (!(h->mandatory & XLT_SAVE_JSON)) {
        return xlt_err_set(err, "%s holds its config in xl.cfg form (an old "
                           "xl saved it); name the config file: restore "
                           "CONFIG FILE", file);
    } else if (libxl_domain_config_from_json(d->ctx, cfg, h->config)) {
        return xlt_err_set(err, "%s: its config is not a valid "
                           "libxl_domain_config", file);
    }
    if (!cfg->c_info.name)
        return xlt_err_set(err, "%s: the config has no name", file);
    if (!libxl_name_to_domid(d->ctx, cfg->c_info.name, &other))
        return xlt_err_set(err, "a domain named %s already exists (id %u)",
                           cfg->c_info.name, other);
    return devices_prepare(d, cfg, err);
}

int saverestore_keep(struct xltd *d, const libxl_uuid *uuid, yajl_val kept)
{
    for (size_t i = 0; i < N_KEPT(kept_tuning); i++) {
        yajl_val v = xlt_json_get(kept, kept_tuning[i]);
        if (v && store_set(d, uuid, kept_tuning[i], v))
            return -1;
    }
    return 0;
}

/* Record CFG in the store with the state the file kept (EXTRAS); the
 * config file's path and text come from ARGS if the client named one. */
static int restore_record(struct xltd *d, yajl_val args, const char *extras,
                          libxl_domain_config *cfg, struct xlt_err *err)
{
    yajl_val kept = extras ? yajl_tree_parse(extras, NULL, 0) : NULL;
    const char *path = xlt_json_get_str(args, "path");
    const char *text = xlt_json_get_str(args, "text");
    int rc = 0;

    if (!xlt_json_get(args, "config")) {
        path = xlt_json_get_str(kept, "path");
        text = xlt_json_get_str(kept, "text");
    }
    rc = store_put(d, cfg, path, text) ||
         saverestore_keep(d, &cfg->c_info.uuid, kept);
    yajl_tree_free(kept);
    if (rc)
        return xlt_err_set(err, "cannot record it in %s/domains (see "
                           "xltd's log)", d->state_dir);
    pinning_apply(d, cfg);
    if (dedicated_restart(d, cfg, err)) {
        store_drop(d, &cfg->c_info.uuid);
        return -1;
    }
    return 0;
}

void req_restore(struct xltd *d, unsigned conn, yajl_val args)
{
    const char *file = xlt_json_get_str(args, "file");
    bool paused = YAJL_IS_TRUE(xlt_json_get(args, "paused"));
    struct xlt_save_header h = {0};
    libxl_domain_config cfg;
    struct transfer *t;
    struct xlt_err err;
    char what[128];
    int fd = -1, stream;

    libxl_domain_config_init(&cfg);
    if (!file || file[0] != '/') {
        control_reply_error(d, conn, "restore: the file must be an absolute "
                            "path");
        goto out;
    }
    fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || xlt_save_header_read(fd, file, &h, &err) ||
        restore_config(d, args, file, &h, &cfg, &err) ||
        balloon_fits(d, &cfg, &err) ||
        restore_record(d, args, h.extras, &cfg, &err)) {
        if (fd < 0)
            xlt_err_errno(&err, errno, "%s", file);
        control_reply_error(d, conn, "%s; nothing restored", err.msg);
        goto out;
    }
    snprintf(what, sizeof(what), "restoring %s", cfg.c_info.name);
    t = transfer_begin(d, conn, what, fd, true);
    if (!t) {
        control_reply_error(d, conn, "out of memory");
        store_drop(d, &cfg.c_info.uuid);
        dedicated_started(d, &cfg);
        goto out;
    }
    log_info(&d->log, "%s: restoring from %s", cfg.c_info.name, file);
    stream = fd;
    fd = -1; /* the transfer closes it */
    domain_restore(d, &cfg, t, stream, paused, conn);
out:
    if (fd >= 0)
        close(fd);
    xlt_save_header_dispose(&h);
    libxl_domain_config_dispose(&cfg);
}
