/*
 * chan_fuzz.c: libFuzzer target for the bytes a migration peer sends,
 * read by a server end of a channel as xltd's receiver reads them.  The
 * input's first byte chooses how: 0, plain frames one after another
 * (xlt_frame_recv, as the receiver reads its control messages); 1, the
 * same into a buffer (xlt_frame_recv_into, as the stream is read); 2, a
 * TLS-PSK handshake on the rest.  The rest arrives on a socketpair whose
 * other end then shuts: every read ends.  No crash, no leak, no hang
 * (ASan, UBSan, libFuzzer's timeout).
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xlt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PSK "00112233445566778899aabbccddeeff"

static void read_frames(struct xlt_chan *ch, bool into)
{
    static char buf[64 * 1024];
    struct xlt_err err;
    char kind, *frame;
    size_t len;

    for (;;) {
        if (into) {
            if (xlt_frame_recv_into(ch, &kind, buf, sizeof(buf), &len, &err))
                return;
        } else {
            if (xlt_frame_recv(ch, &kind, &frame, &len, sizeof(buf), &err))
                return;
            free(frame);
        }
    }
}

/* DATA into FD, all of it (the socket's buffer holds libFuzzer's
 * inputs), then the writing side shut. */
static int feed(int fd, const uint8_t *data, size_t size)
{
    while (size) {
        ssize_t n = write(fd, data, size);
        if (n <= 0)
            return -1;
        data += n;
        size -= (size_t)n;
    }
    return shutdown(fd, SHUT_WR);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlt_chan *ch = NULL;
    struct xlt_err err;
    int fds[2];
    uint8_t mode;

    if (size < 1 || size > 60 * 1024)
        return 0;
    mode = data[0] % 3;
    signal(SIGPIPE, SIG_IGN); /* the TLS end answers a peer that left */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds))
        abort();
    if (feed(fds[1], data + 1, size - 1))
        abort();
    if (xlt_chan_server(fds[0], mode == 2 ? PSK : NULL, &ch, &err)) {
        close(fds[0]);
    } else {
        if (mode != 2)
            read_frames(ch, mode == 1);
        xlt_chan_close(ch); /* closes fds[0] */
    }
    close(fds[1]);
    return 0;
}
