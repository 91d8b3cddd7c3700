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

#include "core.h"

/* Store entry members that are not in libxl's config: the config file's,
 * and the tuning libxl does not keep (and the cluster resource it is). */
static const char *const kept_file[] = {"path", "text"};
static const char *const kept_tuning[] = {"pinning", "dedicated",
                                          "cluster_resource"};
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
    struct job *job;
    uint32_t domid;
    libxl_uuid uuid;
    char *name, *file;
    bool checkpoint, paused;
    struct transfer *transfer;
    struct inflight op;
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

int saverestore_header(struct xltd *d, libxl_domain_config *cfg,
                       char **buf_r, size_t *len_r, struct xlt_err *err)
{
    char *config = NULL, *extras = NULL;
    int rc = -1;

    cfg->c_info.domid = 0; /* as xl: a restore picks a new one */
    pinning_apply(d, cfg);
    if (store_get_bool(d, &cfg->c_info.uuid, "dedicated")) {
        free(cfg->c_info.pool_name);
        cfg->c_info.pool_name = NULL;
        cfg->c_info.poolid = 0;
        drop_hard_affinity(&cfg->b_info);
    }
    config = libxl_domain_config_to_json(d->ctx, cfg);
    if (!config) {
        xlt_err_set(err, "cannot turn %s's configuration into JSON",
                    cfg->c_info.name);
        goto out;
    }
    extras = save_extras(d, &cfg->c_info.uuid);
    rc = xlt_save_header_build(config, extras, buf_r, len_r, err);
out:
    free(config);
    free(extras);
    return rc;
}

/* ---- save ------------------------------------------------------------------ */

static void save_end(struct save *s)
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
    events_emit(s->d, &(struct event){.kind = "saved", .domid = s->domid,
                                      .name = s->name, .uuid = &s->uuid,
                                      .detail_key = "file",
                                      .detail = s->file});
    job_done_gen(s->job, g);
}

static void save_destroyed(libxl_ctx *ctx, int rc, void *arg)
{
    struct save *s = arg;
    struct xlt_err err;

    (void)ctx;
    if (rc) {
        xlerr_set(s->d, rc, &err, "%s saved to %s, but destroying it "
                     "failed", s->name, s->file);
        job_fail(s->job, "%s", err.msg);
    } else {
        store_drop(s->d, &s->uuid);
        save_end(s);
    }
    save_free(s);
}

/* The guest runs on after a checkpoint or a failed save. */
static int save_resume(struct save *s, struct xlt_err *err)
{
    struct xltd *d = s->d;

    if (s->paused && libxl_domain_pause(d->ctx, s->domid, NULL))
        log_warnx(&d->log, "%s (%u): cannot pause it", s->name, s->domid);
    if (libxl_domain_resume(d->ctx, s->domid, 1, NULL))
        return xlerr_set(d, ERROR_FAIL, err, "resuming it failed");
    supervise_rewatch(d, s->domid);
    return 0;
}

static void save_failed(struct save *s, int rc)
{
    struct xlt_err err, resume_err;

    xlerr_set(s->d, rc, &err, "saving %s failed", s->name);
    unlink(s->file);
    if (save_resume(s, &resume_err)) {
        log_errx(&s->d->log, "%s (%u): %s", s->name, s->domid,
                 resume_err.msg);
        job_fail(s->job, "%s; and resuming it failed too, see xltd's log "
                 "(%s removed)", err.msg, s->file);
    } else {
        job_fail(s->job, "%s; it runs on (%s removed)", err.msg, s->file);
    }
}

static void save_done(libxl_ctx *ctx, int rc, void *arg)
{
    struct save *s = arg;
    struct xltd *d = s->d;
    struct xlt_err err;

    if (rc) {
        save_failed(s, rc);
        save_free(s);
        return;
    }
    log_info(&d->log, "%s (%u): saved to %s", s->name, s->domid, s->file);
    if (s->checkpoint || s->paused) {
        if (save_resume(s, &err))
            job_fail(s->job, "%s saved to %s, but %s", s->name, s->file,
                     err.msg);
        else
            save_end(s);
        save_free(s);
        return;
    }
    rc = libxl_domain_destroy(ctx, s->domid,
                              inflight_begin(d, &s->op, "a saved domain's "
                                             "destroy", save_destroyed, s));
    if (rc) {
        inflight_end(d, &s->op);
        save_destroyed(ctx, rc, s);
    }
}

/* Open FILE and write the header of CFG's domain; the fd, or -1 with
 * ERR. */
static int save_open(struct xltd *d, libxl_domain_config *cfg,
                     const char *file, struct xlt_err *err)
{
    char *header = NULL;
    size_t len = 0;
    int fd = -1;

    if (saverestore_header(d, cfg, &header, &len, err))
        return -1;
    fd = xlt_open_regular(file, O_WRONLY | O_CREAT | O_TRUNC, 0644, err);
    if (fd >= 0 && xlt_write_all(fd, header, len)) {
        xlt_err_errno(err, errno, "writing %s", file);
        close(fd);
        unlink(file);
        fd = -1;
    }
    free(header);
    return fd;
}

static struct save *save_new(struct xltd *d, uint32_t domid,
                             const char *file, bool checkpoint, bool paused,
                             struct job *job)
{
    struct save *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->d = d;
    s->job = job;
    s->domid = domid;
    s->name = libxl_domid_to_name(d->ctx, domid);
    s->file = strdup(file);
    s->checkpoint = checkpoint;
    s->paused = paused;
    domain_uuid(d, domid, &s->uuid);
    if (!s->name || !s->file) {
        save_free(s);
        return NULL;
    }
    return s;
}

/* The domain's configuration is read (CFG): the file gets its header,
 * and libxl saves it. */
static void save_go(struct xltd *d, libxl_domain_config *cfg, int rc,
                    void *arg)
{
    struct save *s = arg;
    struct xlt_err err;
    char what[128];
    int fd;

    if (rc) {
        retrieve_error(d, s->domid, rc, &err);
        goto fail;
    }
    fd = save_open(d, cfg, s->file, &err);
    if (fd < 0)
        goto fail;
    snprintf(what, sizeof(what), "saving %s", s->name);
    s->transfer = transfer_begin(d, s->job, what, fd, false);
    if (!s->transfer) {
        close(fd);
        unlink(s->file);
        xlt_err_set(&err, "out of memory");
        goto fail;
    }
    log_info(&d->log, "%s (%u): saving to %s", s->name, s->domid, s->file);
    rc = libxl_domain_suspend(d->ctx, s->domid, fd, 0,
                              inflight_begin(d, &s->op, "a save", save_done,
                                             s));
    if (rc) {
        inflight_end(d, &s->op);
        save_done(d->ctx, rc, s);
    }
    return;
fail:
    job_fail(s->job, "saving %s: %s; nothing done", s->name, err.msg);
    save_free(s);
}

int saverestore_save(struct xltd *d, uint32_t domid, const char *file,
                     bool checkpoint, bool paused, struct job *job,
                     struct xlt_err *err)
{
    struct save *s;

    if (domid == 0)
        return xlt_err_set(err, "dom0 cannot be saved");
    if (!file || file[0] != '/')
        return xlt_err_set(err, "save: the file must be an absolute path");
    s = save_new(d, domid, file, checkpoint, paused, job);
    if (!s)
        return xlt_err_set(err, "out of memory");
    if (retrieve_config(d, domid, save_go, s, err)) {
        xlt_err_set(err, "saving %s: %s; nothing done", s->name, err->msg);
        save_free(s);
        return -1;
    }
    return 0;
}

/* ---- restore ------------------------------------------------------------- */

/* The domain's config: GIVEN (restore CONFIG FILE), else the file's. */
static int restore_config(struct xltd *d, const char *given,
                          const char *file, const struct xlt_save_header *h,
                          libxl_domain_config *cfg, struct xlt_err *err)
{
    if (given) {
        if (domain_config_parse(d, given, cfg, err) ||
            domain_check_new(d, cfg, err))
            return -1;
        return devices_prepare(d, cfg, err);
    }
    if (!h->config)
        return xlt_err_set(err, "%s holds no domain config; name one: "
                           "restore CONFIG FILE", file);
    if (!(h->mandatory & XLT_SAVE_JSON))
        return xlt_err_set(err, "%s holds its config in xl.cfg form (an old "
                           "xl saved it); name the config file: restore "
                           "CONFIG FILE", file);
    if (libxl_domain_config_from_json(d->ctx, cfg, h->config))
        return xlt_err_set(err, "%s: its config is not a valid "
                           "libxl_domain_config", file);
    if (!cfg->c_info.name)
        return xlt_err_set(err, "%s: the config has no name", file);
    if (domain_check_identity(d, cfg, err))
        return -1;
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
 * config file's path and text are PATH and TEXT if the caller gave a
 * config (GIVEN), else the file's. */
static int restore_record(struct xltd *d, bool given, const char *path,
                          const char *text, const char *extras,
                          libxl_domain_config *cfg, struct xlt_err *err)
{
    yajl_val kept = extras ? yajl_tree_parse(extras, NULL, 0) : NULL;
    int rc = 0;

    if (!given) {
        path = xlt_json_get_str(kept, "path");
        text = xlt_json_get_str(kept, "text");
    }
    rc = store_put(d, cfg, path, text, true) ||
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

/* FILE's header read, the domain checked and recorded: *FD_R is at the
 * start of libxl's stream. */
static int restore_prepare(struct xltd *d, const char *file,
                           const char *given, const char *path,
                           const char *text, libxl_domain_config *cfg,
                           int *fd_r, struct xlt_err *err)
{
    struct xlt_save_header h = {0};
    int fd = xlt_open_regular(file, O_RDONLY, 0, err), rc = -1;

    if (fd < 0)
        goto out;
    if (xlt_save_header_read(fd, file, &h, err) ||
        restore_config(d, given, file, &h, cfg, err) ||
        balloon_fits(d, cfg, NULL, err) ||
        restore_record(d, given != NULL, path, text, h.extras, cfg, err))
        goto out;
    *fd_r = fd;
    fd = -1;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    xlt_save_header_dispose(&h);
    return rc;
}

int saverestore_restore(struct xltd *d, const char *file,
                        const char *given, const char *path,
                        const char *text, bool paused, struct job *job,
                        struct xlt_err *err)
{
    libxl_domain_config cfg;
    struct transfer *t;
    char what[128];
    int fd = -1, rc = -1;

    libxl_domain_config_init(&cfg);
    if (!file || file[0] != '/') {
        xlt_err_set(err, "restore: the file must be an absolute path");
        goto out;
    }
    if (restore_prepare(d, file, given, path, text, &cfg, &fd, err)) {
        xlt_err_set(err, "%s; nothing restored", err->msg);
        goto out;
    }
    snprintf(what, sizeof(what), "restoring %s", cfg.c_info.name);
    t = transfer_begin(d, job, what, fd, true);
    if (!t) {
        close(fd);
        store_drop(d, &cfg.c_info.uuid);
        dedicated_started(d, &cfg);
        xlt_err_set(err, "out of memory");
        goto out;
    }
    log_info(&d->log, "%s: restoring from %s", cfg.c_info.name, file);
    rc = domain_restore(d, &cfg, t, fd, paused, job, err);
out:
    libxl_domain_config_dispose(&cfg);
    return rc;
}
