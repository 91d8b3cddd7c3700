/* notify.c: tell systemd (Type=notify) how we are, without libsystemd. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "xltd.h"

void notify_systemd(struct xltd_log *log, const char *state)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t plen;
    socklen_t len;
    int fd;

    if (!path || !*path)
        return;
    plen = strlen(path);
    if ((path[0] != '/' && path[0] != '@') || plen >= sizeof(sa.sun_path)) {
        log_warnx(log, "NOTIFY_SOCKET=%s: unusable address", path);
        return;
    }
    memcpy(sa.sun_path, path, plen + 1);
    if (path[0] == '@')
        sa.sun_path[0] = '\0'; /* abstract namespace */
    len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || sendto(fd, state, strlen(state), MSG_NOSIGNAL,
                         (struct sockaddr *)&sa, len) < 0)
        log_warnx(log, "telling systemd %s failed", state);
    if (fd >= 0)
        close(fd);
}
