/* util.c: small I/O helpers, and the time as xlt writes it. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xlt.h"

int xlt_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int xlt_open_regular(const char *path, int flags, mode_t mode,
                     struct xlt_err *err)
{
    struct stat st;
    int fd;

    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return xlt_err_set(err, "%s: not a regular file", path);
    fd = open(path, flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, mode);
    if (fd < 0)
        return xlt_err_errno(err, errno, "%s", path);
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return xlt_err_set(err, "%s: not a regular file", path);
    }
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)) {
        xlt_err_errno(err, errno, "%s", path);
        close(fd);
        return -1;
    }
    return fd;
}

int xlt_read_file(const char *path, char **text_r, size_t *len_r,
                  struct xlt_err *err)
{
    int fd = -1, rc = -1;
    char *text = NULL;
    size_t len = 0, cap = 0;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        xlt_err_errno(err, errno, "%s", path);
        goto out;
    }
    for (;;) {
        ssize_t n;
        if (cap - len < 4096) {
            char *bigger = realloc(text, cap + 65536);
            if (!bigger) {
                xlt_err_errno(err, ENOMEM, "%s", path);
                goto out;
            }
            text = bigger;
            cap += 65536;
        }
        n = read(fd, text + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            xlt_err_errno(err, errno, "%s", path);
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    text[len] = '\0';
    *text_r = text;
    *len_r = len;
    text = NULL;
    rc = 0;
out:
    free(text);
    if (fd >= 0)
        close(fd);
    return rc;
}

int xlt_accept(int listen_fd, int *spare_fd, struct sockaddr *sa,
               socklen_t *len, int flags)
{
    int fd = accept4(listen_fd, sa, len, flags);

    if (fd >= 0 || (errno != EMFILE && errno != ENFILE) || *spare_fd < 0)
        return fd;
    /* Out of fds: the connection would wait, the listener stay readable
     * and a poll loop spin.  Take it with the spare fd and drop it. */
    close(*spare_fd);
    fd = accept4(listen_fd, sa, len, flags);
    if (fd >= 0)
        close(fd);
    *spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    errno = EMFILE;
    return -1;
}

void xlt_utc_now(char *out, size_t len)
{
    struct timespec ts;
    struct tm tm;
    char base[32];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, len, "%.19s.%03dZ", base, (int)(ts.tv_nsec / 1000000));
}
