/* hotplug.c: the command line, the environment and the xenstore reports
 * every driver shares (see hotplug.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "hotplug.h"

static int usage(const char *driver)
{
    fprintf(stderr, "usage: %s online|offline|add|remove [type_if=vif|tap]\n"
            "(run by libxl as a device's hotplug script, with XENBUS_PATH "
            "set)\n", driver);
    return -1;
}

int hotplug_init(struct hotplug *h, const char *driver, int argc,
                 char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";

    memset(h, 0, sizeof(*h));
    h->driver = driver;
    if (!strcmp(cmd, "online") || !strcmp(cmd, "add"))
        h->action = HOTPLUG_ADD;
    else if (!strcmp(cmd, "offline") || !strcmp(cmd, "remove"))
        h->action = HOTPLUG_REMOVE;
    else
        return usage(driver);
    h->tap = argc > 2 && !strcmp(argv[2], "type_if=tap");
    h->xenbus_path = getenv("XENBUS_PATH");
    if (!h->xenbus_path || !*h->xenbus_path)
        return usage(driver);
    h->xs = xs_open(0);
    if (!h->xs) {
        fprintf(stderr, "%s: cannot talk to xenstore\n", driver);
        return -1;
    }
    return 0;
}

void hotplug_close(struct hotplug *h)
{
    if (h->xs)
        xs_close(h->xs);
    h->xs = NULL;
}

static int node_path(struct hotplug *h, const char *name, char *buf,
                     size_t size)
{
    int n = snprintf(buf, size, "%s/%s", h->xenbus_path, name);

    return n < 0 || (size_t)n >= size ? -1 : 0;
}

char *hotplug_read(struct hotplug *h, const char *name)
{
    char path[512];
    unsigned int len;

    if (node_path(h, name, path, sizeof(path)))
        return NULL;
    return xs_read(h->xs, XBT_NULL, path, &len);
}

int hotplug_write(struct hotplug *h, const char *name, const char *value)
{
    char path[512];

    if (node_path(h, name, path, sizeof(path)) ||
        !xs_write(h->xs, XBT_NULL, path, value, strlen(value)))
        return -1;
    return 0;
}

int hotplug_connected(struct hotplug *h)
{
    if (hotplug_write(h, "hotplug-status", "connected")) {
        fprintf(stderr, "%s: %s: cannot write hotplug-status\n", h->driver,
                h->xenbus_path);
        return -1;
    }
    return 0;
}

int hotplug_fail(struct hotplug *h, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s: %s\n", h->driver, h->xenbus_path, msg);
    if (h->xs) {
        hotplug_write(h, "hotplug-error", msg);
        hotplug_write(h, "hotplug-status", "error");
    }
    return 1;
}

int hotplug_gone(struct hotplug *h)
{
    unsigned int n;
    char **nodes = xs_directory(h->xs, XBT_NULL, h->xenbus_path, &n);

    free(nodes);
    if (nodes)
        return 0;
    fprintf(stderr, "%s: %s: the device was taken away meanwhile\n",
            h->driver, h->xenbus_path);
    return 1;
}
