/*
 * hostboot.c: the host's boot, as xltd sees it.  xltd's first start since
 * the host booted (XLTD_BOOT_MARK, in /run, a tmpfs, is not there yet; a
 * restart of xltd alone finds it) restores the guests the host's
 * shutdown saved (host_save_dir/NAME.save, each file removed once its
 * guest runs again, renamed NAME.save.failed if it cannot be restored),
 * then starts the defined domains marked autostart that are not running:
 * by order, lowest first; those of one order side by side, host_parallel
 * at a time; after each order, the longest delay its definitions ask
 * for.  A start checks memory as any create does (balloon.c), and each
 * start and failure is logged and told as an event (the audit trail
 * records them).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

#define SAVE_SUFFIX ".save"

struct autostart_item {
    char *name;
    long long order, delay;
    bool balloon_busy; /* another create held dom0's ballooning: again */
};

struct hostboot {
    char **files; /* the saved guests' files */
    size_t n_files, restored;
    struct autostart_item *items; /* sorted by order, then name */
    size_t n_items, group_start, group_end, started, failed;
    size_t *todo; /* the items of the batch under way */
    size_t n_todo;
    bool second_pass; /* the group's items that found dom0 ballooning */
    bool waiting; /* for an order's delay, until WAKE */
    struct timespec wake;
};

static void hostboot_free(struct hostboot *hb)
{
    for (size_t i = 0; i < hb->n_files; i++)
        free(hb->files[i]);
    free(hb->files);
    for (size_t i = 0; i < hb->n_items; i++)
        free(hb->items[i].name);
    free(hb->items);
    free(hb->todo);
    free(hb);
}

static void next_group(struct xltd *d);
static bool start_batch(struct xltd *d, struct hostboot *hb,
                        bool second_pass);

/* ---- autostart ---------------------------------------------------------- */

static int autostart_start(struct xltd *d, size_t i, struct job *job,
                           struct xlt_err *err, void *arg)
{
    struct hostboot *hb = arg;
    struct autostart_item *it = &hb->items[hb->todo[i]];

    log_info(&d->log, "%s: autostart", it->name);
    /* a create that must lower dom0 while another does fails at once:
     * it goes again after the group, one at a time */
    it->balloon_busy = d->balloon != NULL;
    return defined_start(d, it->name, false, job, err);
}

static void autostart_end(struct xltd *d, size_t i, const char *result,
                          const char *error, void *arg)
{
    struct hostboot *hb = arg;
    struct autostart_item *it = &hb->items[hb->todo[i]];
    const char *name = it->name;
    long long domid = -1;
    yajl_val v = NULL;

    if (error && it->balloon_busy && !hb->second_pass) {
        log_info(&d->log, "%s: autostart: %s; again after its order", name,
                 error);
        return;
    }
    it->balloon_busy = false;
    if (error) {
        hb->failed++;
        log_errx(&d->log, "%s: autostart failed: %s", name, error);
        events_emit(d, &(struct event){.kind = "autostart-failed",
                                       .domid = (uint32_t)INVALID_DOMID,
                                       .name = name, .detail_key = "error",
                                       .detail = error});
        return;
    }
    hb->started++;
    if (!xlt_json_parse(result, strlen(result) + 1, "result", &v, NULL))
        xlt_json_get_int(v, "domid", &domid);
    yajl_tree_free(v);
    log_info(&d->log, "%s: autostarted (id %lld)", name, domid);
    events_emit(d, &(struct event){.kind = "autostarted",
                                   .domid = (uint32_t)domid, .name = name});
}

static void group_done(struct xltd *d, size_t ended, void *arg)
{
    struct hostboot *hb = arg;
    long long delay = 0;

    (void)ended;
    if (!hb->second_pass && start_batch(d, hb, true))
        return;
    hb->second_pass = false;
    for (size_t i = hb->group_start; i < hb->group_end; i++)
        if (hb->items[i].delay > delay)
            delay = hb->items[i].delay;
    hb->group_start = hb->group_end;
    if (delay > 0 && hb->group_start < hb->n_items && !d->stopping) {
        log_info(&d->log, "autostart: %lld s before order %lld", delay,
                 hb->items[hb->group_start].order);
        clock_gettime(CLOCK_MONOTONIC, &hb->wake);
        hb->wake.tv_sec += (time_t)delay;
        hb->waiting = true;
        return;
    }
    next_group(d);
}

static const struct batch_ops autostart_ops = {autostart_start, autostart_end,
                                               group_done};

/* The group's items side by side, or (SECOND_PASS) those that found dom0
 * ballooning, one at a time: true if a batch began. */
static bool start_batch(struct xltd *d, struct hostboot *hb,
                        bool second_pass)
{
    hb->n_todo = 0;
    for (size_t i = hb->group_start; i < hb->group_end; i++)
        if (!second_pass || hb->items[i].balloon_busy)
            hb->todo[hb->n_todo++] = i;
    hb->second_pass = second_pass;
    if (!hb->n_todo || d->stopping)
        return false;
    return !batch_run(d, hb->n_todo,
                      second_pass ? 1 : (size_t)d->host_conf.parallel,
                      &autostart_ops, hb);
}

/* The next order's definitions side by side; the boot's end after the
 * last. */
static void next_group(struct xltd *d)
{
    struct hostboot *hb = d->hostboot;
    size_t end = hb->group_start;

    while (end < hb->n_items &&
           hb->items[end].order == hb->items[hb->group_start].order)
        end++;
    hb->group_end = end;
    if (hb->group_start < hb->n_items && start_batch(d, hb, false))
        return;
    log_info(&d->log, "host boot: %zu of %zu saved guest(s) restored, %zu "
             "autostarted, %zu failed to start", hb->restored, hb->n_files,
             hb->started, hb->failed);
    hostboot_free(hb);
    d->hostboot = NULL;
}

static int by_order(const void *a, const void *b)
{
    const struct autostart_item *x = a, *y = b;

    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* DEF, if marked autostart and not running, into the boot's list. */
static int collect_autostart(struct xltd *d, const libxl_uuid *uuid,
                             yajl_val def, void *arg)
{
    struct hostboot *hb = arg;
    struct autostart_item *grown, *it;
    uint32_t domid;

    if (!YAJL_IS_TRUE(xlt_json_get(def, "autostart")))
        return 0;
    if (defined_running(d, uuid, &domid)) {
        log_info(&d->log, "%s: autostart: running already (id %u)",
                 xlt_json_get_str(def, "name"), domid);
        return 0;
    }
    grown = realloc(hb->items, (hb->n_items + 1) * sizeof(*grown));
    if (!grown)
        return -1;
    hb->items = grown;
    it = &hb->items[hb->n_items];
    *it = (struct autostart_item){.name = strdup(xlt_json_get_str(def,
                                                                  "name"))};
    if (!it->name)
        return -1;
    xlt_json_get_int(def, "autostart_order", &it->order);
    xlt_json_get_int(def, "autostart_delay", &it->delay);
    hb->n_items++;
    return 0;
}

static void autostart_begin(struct xltd *d, size_t ended, void *arg)
{
    struct hostboot *hb = arg;

    (void)ended;
    if (defined_each(d, collect_autostart, hb) < 0)
        log_errx(&d->log, "autostart: out of memory; starting what was "
                 "listed");
    qsort(hb->items, hb->n_items, sizeof(*hb->items), by_order);
    hb->todo = calloc(hb->n_items + 1, sizeof(*hb->todo));
    if (!hb->todo)
        hb->n_items = 0; /* logged below as nothing to start */
    log_info(&d->log, "host boot: %zu domain(s) to autostart", hb->n_items);
    next_group(d);
}

/* ---- the saved guests --------------------------------------------------- */

static int restore_start(struct xltd *d, size_t i, struct job *job,
                         struct xlt_err *err, void *arg)
{
    struct hostboot *hb = arg;

    log_info(&d->log, "host boot: restoring %s", hb->files[i]);
    return saverestore_restore(d, hb->files[i], NULL, NULL, NULL, false, job,
                               err);
}

static void restore_end(struct xltd *d, size_t i, const char *result,
                        const char *error, void *arg)
{
    struct hostboot *hb = arg;
    const char *file = hb->files[i];
    char failed[4200];

    (void)result;
    if (!error) {
        hb->restored++;
        log_info(&d->log, "host boot: restored %s; removing it", file);
        if (unlink(file))
            log_err(&d->log, "removing %s", file);
        return;
    }
    snprintf(failed, sizeof(failed), "%s.failed", file);
    log_errx(&d->log, "host boot: cannot restore %s: %s; kept as %s", file,
             error, failed);
    if (rename(file, failed))
        log_err(&d->log, "renaming %s", file);
}

static const struct batch_ops restore_ops = {restore_start, restore_end,
                                             autostart_begin};

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The saved guests' files in host_save_dir into HB (none if it does not
 * exist). */
static int collect_saved(struct xltd *d, struct hostboot *hb)
{
    const char *dir = d->host_conf.save_dir;
    struct dirent *e;
    DIR *dh = opendir(dir);
    int rc = 0;

    if (!dh)
        return errno == ENOENT ? 0 : (log_err(&d->log, "reading %s", dir), 0);
    while (!rc && (e = readdir(dh))) {
        size_t len = strlen(e->d_name);
        char **grown;

        if (len <= strlen(SAVE_SUFFIX) ||
            strcmp(e->d_name + len - strlen(SAVE_SUFFIX), SAVE_SUFFIX) != 0)
            continue;
        grown = realloc(hb->files, (hb->n_files + 1) * sizeof(*grown));
        if (!grown || asprintf(&grown[hb->n_files], "%s/%s", dir,
                               e->d_name) < 0)
            rc = -1;
        if (grown)
            hb->files = grown;
        if (!rc)
            hb->n_files++;
    }
    closedir(dh);
    if (!rc && hb->n_files > 1)
        qsort(hb->files, hb->n_files, sizeof(*hb->files), by_name);
    return rc;
}

/* ---- the boot ----------------------------------------------------------- */

/* Is this xltd's first start since the host booted?  Marks it so (its
 * folder made if /run has none yet). */
static bool first_start_since_boot(struct xltd *d)
{
    char dir[4096], *slash;
    int fd;

    snprintf(dir, sizeof(dir), "%s", d->boot_mark);
    slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0755) && errno != EEXIST)
            log_err(&d->log, "creating %s", dir);
    }
    fd = open(d->boot_mark, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

    if (fd >= 0) {
        close(fd);
        return true;
    }
    if (errno != EEXIST)
        log_err(&d->log, "%s (no host boot done)", d->boot_mark);
    return false;
}

void hostboot_begin(struct xltd *d)
{
    struct hostboot *hb;

    if (!first_start_since_boot(d))
        return;
    hb = calloc(1, sizeof(*hb));
    if (!hb || collect_saved(d, hb)) {
        log_errx(&d->log, "host boot: out of memory");
        if (hb)
            hostboot_free(hb);
        return;
    }
    d->hostboot = hb;
    log_info(&d->log, "host boot: %zu saved guest(s) to restore in %s",
             hb->n_files, d->host_conf.save_dir);
    if (batch_run(d, hb->n_files, (size_t)d->host_conf.parallel,
                  &restore_ops, hb))
        autostart_begin(d, 0, hb);
}

int hostboot_timeout_ms(const struct xltd *d)
{
    struct timespec now;
    long long ms;

    if (!d->hostboot || !d->hostboot->waiting)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &now);
    ms = (long long)(d->hostboot->wake.tv_sec - now.tv_sec) * 1000 +
         (d->hostboot->wake.tv_nsec - now.tv_nsec) / 1000000;
    return ms < 0 ? 0 : (int)ms;
}

void hostboot_expire(struct xltd *d)
{
    if (hostboot_timeout_ms(d) != 0)
        return;
    d->hostboot->waiting = false;
    next_group(d);
}
