/*
 * command.c: running a helper program (lvm) and reading what it says,
 * its standard output apart from its standard error, each to its end so
 * that the program never blocks on a full pipe, whatever it prints.  The
 * child does only what is safe after a fork in a threaded program (xltd):
 * no allocation, no setenv (the environment comes whole, as ENVP).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xlt.h"

struct capture {
    int fd;
    char *buf;
    size_t size, len;
};

/* Read what is there; what does not fit is read and dropped.
 * 0 once the pipe is at its end (closed). */
static int capture_read(struct capture *c)
{
    char scratch[4096];
    size_t room = c->len + 1 < c->size ? c->size - 1 - c->len : 0;
    ssize_t got = room ? read(c->fd, c->buf + c->len, room)
                       : read(c->fd, scratch, sizeof(scratch));

    if (got < 0 && (errno == EINTR || errno == EAGAIN))
        return 1;
    if (got <= 0) {
        close(c->fd);
        c->fd = -1;
        return 0;
    }
    if (room)
        c->len += (size_t)got;
    c->buf[c->len] = '\0';
    return 1;
}

static void capture_all(struct capture *out, struct capture *err)
{
    while (out->fd >= 0 || err->fd >= 0) {
        struct pollfd p[2] = {{.fd = out->fd, .events = POLLIN},
                              {.fd = err->fd, .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[0].revents)
            capture_read(out);
        if (p[1].revents)
            capture_read(err);
    }
    if (out->fd >= 0)
        close(out->fd);
    if (err->fd >= 0)
        close(err->fd);
}

static void child(const char *const *paths, char *const *argv,
                  char *const *envp, int out, int err)
{
    int null = open("/dev/null", O_RDONLY);

    if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 ||
        dup2(err, 2) < 0)
        _exit(127);
    close_range(3, ~0U, 0); /* lvm warns of every fd it inherits */
    for (size_t i = 0; paths[i]; i++)
        if (envp)
            execve(paths[i], argv, envp);
        else
            execv(paths[i], argv);
    _exit(127);
}

static int wait_status(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int xlt_command(const char *const *paths, char *const *argv,
                char *const *envp, char *out, size_t out_size, char *err,
                size_t err_size)
{
    struct capture o = {-1, out, out_size, 0}, e = {-1, err, err_size, 0};
    int po[2] = {-1, -1}, pe[2] = {-1, -1}, rc = -1;
    pid_t pid = -1;

    out[0] = err[0] = '\0';
    if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC))
        goto out;
    pid = fork();
    if (pid == 0)
        child(paths, argv, envp, po[1], pe[1]);
    if (pid < 0)
        goto out;
    o.fd = po[0];
    e.fd = pe[0];
    po[0] = pe[0] = -1;
    close(po[1]);
    close(pe[1]);
    po[1] = pe[1] = -1;
    capture_all(&o, &e);
    rc = wait_status(pid);
out:
    for (int i = 0; i < 2; i++) {
        if (po[i] >= 0)
            close(po[i]);
        if (pe[i] >= 0)
            close(pe[i]);
    }
    return rc;
}
