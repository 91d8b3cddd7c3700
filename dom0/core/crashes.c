/*
 * crashes.c: domains that crash again and again, and their core dumps.
 * A guest that crashes as it boots, with on_crash=restart or
 * coredump-restart, would be restarted (and dumped) for ever, and its
 * dumps would fill dom0's disk.  xltd counts the restarts it makes after
 * a crash or a watchdog, per domain name (rename-restart gives each new
 * instance a new UUID, the same name): more than crash_restart_limit
 * within crash_restart_window seconds and it stops restarting it.  A
 * core dump is written only if the file system has room for it (the
 * domain's memory, with a tenth of the file system left free), and the
 * oldest dumps of the same name go first so that at most dump_keep are
 * kept.  The dump itself is written beside the loop (actions.c), as
 * NAME-SECONDS.core.part until it is whole; xltd removes the parts an
 * xltd killed meanwhile left when it starts.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

#define DUMP_DIR "/var/lib/xen/dump"

struct crash {
    struct crash *next;
    time_t first; /* the first crash of the window */
    int restarts; /* restarts since then */
    char name[];
};

static struct crash *crash_find(struct xltd *d, const char *name)
{
    for (struct crash *c = d->crashes; c; c = c->next)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

bool crashes_restart_allowed(struct xltd *d, const char *name)
{
    const struct crash_conf *conf = &d->crash_conf;
    struct crash *c = crash_find(d, name);
    time_t now = time(NULL);

    if (conf->restart_limit == 0)
        return true;
    if (!c) {
        size_t len = strlen(name) + 1;
        c = calloc(1, sizeof(*c) + len);
        if (!c)
            return true; /* as if it were the first */
        memcpy(c->name, name, len);
        c->next = d->crashes;
        d->crashes = c;
    }
    if (c->restarts == 0 || now - c->first > conf->window_s) {
        c->first = now;
        c->restarts = 0;
    }
    if (c->restarts >= conf->restart_limit) {
        log_errx(&d->log, "%s: crashed %d times within %d s; not restarting "
                 "it (crash_restart_limit = %d in xlt.conf)", name,
                 c->restarts + 1, conf->window_s, conf->restart_limit);
        c->restarts = 0;
        return false;
    }
    c->restarts++;
    return true;
}

void crashes_forget(struct xltd *d)
{
    while (d->crashes) {
        struct crash *c = d->crashes;
        d->crashes = c->next;
        free(c);
    }
}

/* Is FILE one of NAME's dumps, NAME-SECONDS.core? */
static bool dump_of(const char *file, const char *name)
{
    size_t n = strlen(name), len = strlen(file);

    return len > n + 6 && !strncmp(file, name, n) && file[n] == '-' &&
           strspn(file + n + 1, "0123456789") == len - n - 6 &&
           !strcmp(file + len - 5, ".core");
}

/* Remove NAME's oldest dumps until KEEP - 1 are left (room for the one
 * about to be written). */
static void prune(struct xltd *d, const char *name, int keep)
{
    for (;;) {
        DIR *dir = opendir(DUMP_DIR);
        char oldest[256] = "", path[512];
        struct dirent *e;
        int n = 0;

        if (!dir)
            return;
        while ((e = readdir(dir)))
            if (dump_of(e->d_name, name)) {
                n++;
                /* NAME-SECONDS: the shorter, or at the same length the
                 * smaller, is the older */
                if (!*oldest || strlen(e->d_name) < strlen(oldest) ||
                    (strlen(e->d_name) == strlen(oldest) &&
                     strcmp(e->d_name, oldest) < 0))
                    snprintf(oldest, sizeof(oldest), "%s", e->d_name);
            }
        closedir(dir);
        if (n < keep || !*oldest)
            return;
        snprintf(path, sizeof(path), DUMP_DIR "/%s", oldest);
        if (unlink(path))
            return;
        log_info(&d->log, "%s: removed its oldest core dump %s (dump_keep "
                 "= %d)", name, path, keep);
    }
}

/* Room in DUMP_DIR for a dump of MEMKB, with a tenth of the file system
 * still free after it. */
static bool room_for(struct xltd *d, const char *name, uint64_t memkb)
{
    struct statvfs fs;
    uint64_t free_kb, size_kb;

    if (statvfs(DUMP_DIR, &fs) || fs.f_blocks == 0)
        return true; /* no size to go by; the dump says what goes wrong */
    free_kb = (uint64_t)fs.f_bavail * fs.f_frsize / 1024;
    size_kb = (uint64_t)fs.f_blocks * fs.f_frsize / 1024;
    if (free_kb >= memkb + size_kb / 10)
        return true;
    log_errx(&d->log, "%s: not dumped: a core of %llu MiB would leave less "
             "than a tenth of %s free (%llu of %llu MiB free)", name,
             (unsigned long long)(memkb / 1024), DUMP_DIR,
             (unsigned long long)(free_kb / 1024),
             (unsigned long long)(size_kb / 1024));
    return false;
}

void crashes_sweep_parts(struct xltd *d)
{
    DIR *dir = opendir(DUMP_DIR);
    struct dirent *e;
    char path[512];
    size_t len;

    if (!dir)
        return;
    while ((e = readdir(dir))) {
        len = strlen(e->d_name);
        if (len < 10 || strcmp(e->d_name + len - 10, ".core.part") != 0)
            continue;
        snprintf(path, sizeof(path), DUMP_DIR "/%s", e->d_name);
        if (!unlink(path))
            log_info(&d->log, "removed a half-written core dump %s (an "
                     "xltd stopped while it wrote it)", path);
    }
    closedir(dir);
}

bool crashes_dump_file(struct xltd *d, const char *name, uint64_t memkb,
                       struct dump_file *f)
{
    time_t now = time(NULL);

    mkdir(DUMP_DIR, 0700);
    if (d->crash_conf.dump_keep) /* first: the room they take counts */
        prune(d, name, d->crash_conf.dump_keep);
    if (!room_for(d, name, memkb))
        return false;
    snprintf(f->path, sizeof(f->path), DUMP_DIR "/%s-%ld.core", name,
             (long)now);
    snprintf(f->part, sizeof(f->part), "%s.part", f->path);
    return true;
}

void crashes_dump_done(struct xltd *d, uint32_t domid, const char *name,
                       const struct dump_file *f, int errnum)
{
    if (!errnum && rename(f->part, f->path))
        errnum = errno;
    if (errnum) {
        log_errx(&d->log, "%s (%u): core dump to %s failed: %s", name, domid,
                 f->path, strerror(errnum));
        unlink(f->part); /* no half-written dump */
        return;
    }
    log_info(&d->log, "%s (%u): core dumped to %s", name, domid, f->path);
}
