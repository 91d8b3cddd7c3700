/*
 * log.c: the daemon's log, and the logger libxl writes through.  Under
 * systemd (stderr is the journal's stream) each line carries its syslog
 * priority as "<N>" and the journal adds the time; otherwise lines go to
 * the log file with a timestamp and the level in words.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "xltd.h"

static const char *const level_name[] = {
    [LOGL_ERR] = "error", [LOGL_WARN] = "warning",
    [LOGL_INFO] = "info", [LOGL_DEBUG] = "debug",
};

/* syslog(3)'s priorities, which the journal reads from "<N>". */
static const int level_priority[] = {
    [LOGL_ERR] = 3, [LOGL_WARN] = 4, [LOGL_INFO] = 6, [LOGL_DEBUG] = 7,
};

/* $JOURNAL_STREAM is "DEVICE:INODE" of the stream systemd connected. */
static bool is_journal(FILE *f)
{
    const char *stream = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;

    return f && stream &&
           sscanf(stream, "%llu:%llu", &dev, &ino) == 2 &&
           fstat(fileno(f), &st) == 0 && (unsigned long long)st.st_dev == dev &&
           (unsigned long long)st.st_ino == ino;
}

static void log_vmsg(struct xltd_log *log, enum log_level level,
                     const char *fmt, va_list ap, int errnum)
    __attribute__((format(printf, 3, 0)));

static void log_vmsg(struct xltd_log *log, enum log_level level,
                     const char *fmt, va_list ap, int errnum)
{
    struct timeval tv;
    struct tm tm;
    char when[32];

    if (level > log->level || !log->f)
        return;
    if (log->journal) {
        fprintf(log->f, "<%d>", level_priority[level]);
    } else {
        gettimeofday(&tv, NULL);
        localtime_r(&tv.tv_sec, &tm);
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
        fprintf(log->f, "%s.%03ld xltd %s: ", when, (long)tv.tv_usec / 1000,
                level_name[level]);
    }
    vfprintf(log->f, fmt, ap);
    if (errnum)
        fprintf(log->f, ": %s", strerror(errnum));
    fputc('\n', log->f);
    fflush(log->f);
}

void log_msg(struct xltd_log *log, enum log_level level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vmsg(log, level, fmt, ap, 0);
    va_end(ap);
}

void log_msg_errno(struct xltd_log *log, enum log_level level,
                   const char *fmt, ...)
{
    int errnum = errno;
    va_list ap;

    va_start(ap, fmt);
    log_vmsg(log, level, fmt, ap, errnum);
    va_end(ap);
    errno = errnum;
}

static enum log_level level_of_xtl(xentoollog_level l)
{
    if (l >= XTL_ERROR)
        return LOGL_ERR;
    if (l >= XTL_WARN)
        return LOGL_WARN;
    if (l >= XTL_NOTICE)
        return LOGL_INFO;
    return LOGL_DEBUG;
}

/* Keep TEXT as the latest libxl error, except that what a device's
 * hotplug driver said (libxl logs its hotplug-error as "script: ...") is
 * the cause and stays: the errors libxl logs after it are consequences. */
#define SCRIPT_SAID "device script: "
static void keep_error(struct xltd_log *log, const char *text)
{
    const char *script = strstr(text, "script: ");

    if (!strncmp(log->last_libxl_error, SCRIPT_SAID, strlen(SCRIPT_SAID)))
        return;
    if (script && (script == text || script[-1] == ' '))
        snprintf(log->last_libxl_error, sizeof(log->last_libxl_error),
                 SCRIPT_SAID "%s", script + strlen("script: "));
    else
        snprintf(log->last_libxl_error, sizeof(log->last_libxl_error), "%s",
                 text);
}

static void xtl_vmessage(xentoollog_logger *logger, xentoollog_level level,
                         int errnoval, const char *context,
                         const char *format, va_list al)
    __attribute__((format(printf, 5, 0)));

static void xtl_vmessage(xentoollog_logger *logger, xentoollog_level level,
                         int errnoval, const char *context,
                         const char *format, va_list al)
{
    struct xltd_log *log =
        (struct xltd_log *)((char *)logger - offsetof(struct xltd_log, xtl));
    char text[512];
    va_list copy;

    va_copy(copy, al);
    vsnprintf(text, sizeof(text), format, copy);
    va_end(copy);
    if (errnoval >= 0) {
        size_t n = strlen(text);
        snprintf(text + n, sizeof(text) - n, ": %s", strerror(errnoval));
    }
    if (level >= XTL_ERROR)
        keep_error(log, text);
    log_msg(log, level_of_xtl(level), "%s: %s", context ? context : "libxl",
            text);
}

static void on_xtl_progress(xentoollog_logger *logger, const char *context,
                         const char *doing, int percent, unsigned long done,
                         unsigned long total)
{
    struct xltd_log *log =
        (struct xltd_log *)((char *)logger - offsetof(struct xltd_log, xtl));

    (void)context;
    (void)percent;
    if (log->progress)
        log->progress(log->progress_arg, doing, done, total);
}

static void xtl_destroy(xentoollog_logger *logger)
{
    (void)logger;
}

void log_init(struct xltd_log *log, FILE *f, enum log_level level)
{
    memset(log, 0, sizeof(*log));
    log->f = f;
    log->level = level;
    log->journal = is_journal(f);
    log->xtl.vmessage = xtl_vmessage;
    log->xtl.progress = on_xtl_progress;
    log->xtl.destroy = xtl_destroy;
}
