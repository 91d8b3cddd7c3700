/* log.c: the daemon's log, and the logger libxl writes through. */
#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "xltd.h"

static const char *const level_name[] = {
    [LOG_ERR] = "error", [LOG_WARN] = "warning",
    [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

static void log_vmsg(struct xltd_log *log, enum log_level level,
                     const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void log_vmsg(struct xltd_log *log, enum log_level level,
                     const char *prefix, const char *fmt, va_list ap)
{
    struct timeval tv;
    struct tm tm;
    char when[32];

    if (level > log->level || !log->f)
        return;
    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(log->f, "%s.%03ld xltd %s: %s", when, (long)tv.tv_usec / 1000,
            level_name[level], prefix);
    vfprintf(log->f, fmt, ap);
    fputc('\n', log->f);
    fflush(log->f);
}

void log_msg(struct xltd_log *log, enum log_level level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vmsg(log, level, "", fmt, ap);
    va_end(ap);
}

static enum log_level level_of_xtl(xentoollog_level l)
{
    if (l >= XTL_ERROR)
        return LOG_ERR;
    if (l >= XTL_WARN)
        return LOG_WARN;
    if (l >= XTL_NOTICE)
        return LOG_INFO;
    return LOG_DEBUG;
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
    char text[512], prefix[64];
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
    snprintf(prefix, sizeof(prefix), "%s: ", context ? context : "libxl");
    log_msg(log, level_of_xtl(level), "%s%s", prefix, text);
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
    log->xtl.vmessage = xtl_vmessage;
    log->xtl.progress = on_xtl_progress;
    log->xtl.destroy = xtl_destroy;
}
