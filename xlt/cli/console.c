/*
 * console.c: join this terminal to a domain's console, as xenconsole
 * does: raw mode, Ctrl-] detaches, the end of the console (the domain
 * went away) ends it too.  The console's bytes come through xltd (its
 * console request with "stream"), on this host or over -H.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

#define DETACH_KEY 0x1d /* Ctrl-] */

/* Copy what FROM has to TO; 1 if FROM ended, -1 on error, 0 otherwise.
 * With DETACH, stop (returning 1) at the detach key. */
static int relay(int from, int to, bool detach)
{
    char buf[4096], *key;
    ssize_t n = read(from, buf, sizeof(buf));

    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : errno == EIO ? 1 : -1;
    if (n == 0)
        return 1;
    key = detach ? memchr(buf, DETACH_KEY, (size_t)n) : NULL;
    if (xlt_write_all(to, buf, key ? (size_t)(key - buf) : (size_t)n))
        return -1;
    return key ? 2 : 0;
}

static void make_raw(int fd, struct termios *saved, bool *was_set)
{
    struct termios raw;

    *was_set = false;
    if (!isatty(fd) || tcgetattr(fd, saved))
        return;
    raw = *saved;
    cfmakeraw(&raw);
    *was_set = tcsetattr(fd, TCSANOW, &raw) == 0;
}

int console_join(struct cli_conn *conn, struct xlt_err *err)
{
    struct termios saved_term;
    bool term_raw = false;
    struct pollfd fds[2];
    int rc = -1, stop = 0;

    make_raw(STDIN_FILENO, &saved_term, &term_raw);
    /* what came after the answer, before this */
    if (conn->lb.len && xlt_write_all(STDOUT_FILENO, conn->lb.buf,
                                      conn->lb.len)) {
        xlt_err_errno(err, errno, "writing to the terminal");
        goto out;
    }
    conn->lb.len = 0;
    fds[0] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
    fds[1] = (struct pollfd){.fd = conn->fd, .events = POLLIN};
    while (!stop) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            xlt_err_errno(err, errno, "poll");
            goto out;
        }
        if (fds[0].revents) {
            stop = relay(STDIN_FILENO, conn->fd, true);
            if (stop == 1) { /* end of input: keep showing the console */
                fds[0].fd = -1;
                stop = 0;
            }
        }
        if (!stop && fds[1].revents)
            stop = relay(conn->fd, STDOUT_FILENO, false);
    }
    if (stop < 0) {
        xlt_err_errno(err, errno, "the console");
        goto out;
    }
    rc = 0;
out:
    if (term_raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_term);
    return rc;
}
