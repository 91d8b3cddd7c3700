/* util.c: xlt_accept when the process is out of file descriptors. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "unit.h"

/* A listening socket in the abstract namespace, and a client of it. */
static void listener_and_client(int *listen_fd, int *client_fd)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};

    snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "xlt-unit-%d",
             (int)getpid());
    *listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ck_assert_int_ge(*listen_fd, 0);
    ck_assert_int_eq(bind(*listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(listen(*listen_fd, 4), 0);
    *client_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(*client_fd, 0);
    ck_assert_int_eq(connect(*client_fd, (struct sockaddr *)&sa, sizeof(sa)),
                     0);
}

/* The highest fd open now, plus one: a limit that leaves none free. */
static rlim_t fds_in_use(void)
{
    int fd = open("/dev/null", O_RDONLY);

    ck_assert_int_ge(fd, 0);
    close(fd);
    return (rlim_t)fd;
}

/* Out of fds, the pending connection is taken with the spare fd and
 * dropped: the listener is no longer readable (a poll loop would spin),
 * the client sees the end, and the spare is back. */
/* Only regular files, and no wait for a FIFO's other end. */
START_TEST(an_error_nobody_wants_is_dropped)
{
    struct xlt_err err;

    /* a caller that wants no words passes NULL */
    ck_assert_int_eq(xlt_err_set(NULL, "%s: no such domain", "web"), -1);
    ck_assert_int_eq(xlt_err_errno(NULL, ENOENT, "%s", "/x"), -1);
    ck_assert_int_eq(xlt_domain_lookup(NULL, "nosuch", &(uint32_t){0}, NULL),
                     -1);
    ck_assert_int_eq(xlt_err_errno(&err, ENOENT, "%s", "/x"), -1);
    ck_assert_str_eq(err.msg, "/x: No such file or directory");
}
END_TEST

START_TEST(open_regular_takes_only_files)
{
    char dir[] = "/tmp/xlt-unit-open-XXXXXX", fifo[64], file[64];
    struct xlt_err err;
    int fd;

    ck_assert(mkdtemp(dir));
    snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
    snprintf(file, sizeof(file), "%s/file", dir);
    ck_assert(!mkfifo(fifo, 0600));
    ck_assert_int_eq(xlt_open_regular(fifo, O_RDONLY, 0, &err), -1);
    ck_assert_str_eq(strstr(err.msg, "fifo"), "fifo: not a regular file");
    ck_assert_int_eq(xlt_open_regular(fifo, O_WRONLY | O_CREAT | O_TRUNC,
                                      0644, &err), -1);
    ck_assert_int_eq(xlt_open_regular("/dev/null", O_RDONLY, 0, &err), -1);
    ck_assert_str_eq(err.msg, "/dev/null: not a regular file");
    fd = xlt_open_regular(file, O_WRONLY | O_CREAT | O_TRUNC, 0644, &err);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    close(fd);
    unlink(fifo);
    unlink(file);
    rmdir(dir);
}
END_TEST

START_TEST(accept_out_of_fds_drops_the_connection)
{
    struct rlimit lim, was;
    struct pollfd p;
    int lfd, cfd, spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
    char byte;

    ck_assert_int_ge(spare, 0);
    listener_and_client(&lfd, &cfd);
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &was), 0);
    lim = was;
    lim.rlim_cur = fds_in_use();
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &lim), 0);
    errno = 0;
    ck_assert_int_eq(xlt_accept(lfd, &spare, NULL, NULL, SOCK_CLOEXEC), -1);
    ck_assert_int_eq(errno, EMFILE);
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &was), 0); /* for LSan */
    ck_assert_int_ge(spare, 0);
    p = (struct pollfd){.fd = lfd, .events = POLLIN};
    ck_assert_int_eq(poll(&p, 1, 0), 0);
    ck_assert_int_eq(read(cfd, &byte, 1), 0);
    close(spare);
    close(cfd);
    close(lfd);
}
END_TEST

START_TEST(accept_takes_a_connection)
{
    int lfd, cfd, spare = -1, fd;

    listener_and_client(&lfd, &cfd);
    fd = xlt_accept(lfd, &spare, NULL, NULL, SOCK_CLOEXEC);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(cfd, "x", 1), 1);
    close(fd);
    close(cfd);
    close(lfd);
}
END_TEST

Suite *util_suite(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("util");

    tcase_add_test(tc, an_error_nobody_wants_is_dropped);
    tcase_add_test(tc, open_regular_takes_only_files);
    tcase_add_test(tc, accept_out_of_fds_drops_the_connection);
    tcase_add_test(tc, accept_takes_a_connection);
    suite_add_tcase(s, tc);
    return s;
}
