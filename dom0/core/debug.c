/*
 * debug.c: what an administrator uses to look into a domain or the
 * hypervisor: where a domain's console pty is, Xen's console ring (dmesg),
 * magic SysRq and triggers (NMI, power button...).
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* Xen's console ring is 16 KiB to a few MiB; a reply must stay below the
 * protocol's limit, so dmesg keeps the newest part of a larger one. */
#define DMESG_MAX (2u << 20)

int debug_console_tty(struct xltd *d, uint32_t domid, const char *type_name,
                      long long num, char **tty_r, struct xlt_err *err)
{
    libxl_console_type type = LIBXL_CONSOLE_TYPE_PV;
    int rc;

    *tty_r = NULL;
    if (type_name && libxl_console_type_from_string(type_name, &type))
        return xlt_err_set(err, "`%s' is not a console type (pv or serial)",
                           type_name);
    rc = type_name ? libxl_console_get_tty(d->ctx, domid, (int)num, type,
                                           tty_r)
                   : libxl_primary_console_get_tty(d->ctx, domid, tty_r);
    if (rc || !*tty_r) {
        free(*tty_r);
        *tty_r = NULL;
        return xlerr_set(d, rc ? rc : ERROR_FAIL, err, "domain %u has no "
                            "%s console %lld yet", domid,
                            type_name ? type_name : "primary", num);
    }
    return 0;
}

/* Keep the newest DMESG_MAX bytes of TEXT (LEN long), from a line's start. */
static void keep_newest(char *text, size_t len)
{
    const char *from;

    if (len <= DMESG_MAX)
        return;
    from = strchr(text + len - DMESG_MAX, '\n');
    from = from ? from + 1 : text + len - DMESG_MAX;
    memmove(text, from, strlen(from) + 1);
}

/* Xen's console ring, oldest line first, at most DMESG_MAX bytes of it. */
static int read_xen_console(struct xltd *d, bool clear, char **text_r)
{
    libxl_xen_console_reader *cr = libxl_xen_console_read_start(d->ctx, clear);
    size_t len = 0, size = 0;
    char *text = NULL, *line;
    int rc = -1;

    if (!cr)
        return -1;
    while (libxl_xen_console_read_line(d->ctx, cr, &line) > 0) {
        size_t n = strlen(line);
        if (len + n + 1 > size) {
            char *grown = realloc(text, size = (len + n + 1) * 2);
            if (!grown)
                goto out;
            text = grown;
        }
        memcpy(text + len, line, n + 1);
        len += n;
    }
    if (text)
        keep_newest(text, len);
    *text_r = text ? text : strdup("");
    text = NULL;
    rc = *text_r ? 0 : -1;
out:
    free(text);
    libxl_xen_console_read_finish(d->ctx, cr);
    return rc;
}

int debug_dmesg(struct xltd *d, bool clear, char **text_r,
                struct xlt_err *err)
{
    if (read_xen_console(d, clear, text_r))
        return xlerr_set(d, ERROR_FAIL, err, "cannot read Xen's console");
    if (clear)
        log_info(&d->log, "Xen's console ring read and cleared");
    return 0;
}

int debug_sysrq(struct xltd *d, uint32_t domid, const char *key,
                struct xlt_err *err)
{
    int rc;

    if (!key || strlen(key) != 1)
        return xlt_err_set(err, "`%s' is not one sysrq letter",
                           key ? key : "");
    rc = libxl_send_sysrq(d->ctx, domid, key[0]);
    if (rc)
        return xlerr_set(d, rc, err, "sysrq %s to domain %u failed", key,
                            domid);
    log_info(&d->log, "domain %u: sysrq %s sent", domid, key);
    return 0;
}

int debug_trigger(struct xltd *d, uint32_t domid, const char *name,
                  long long vcpu, struct xlt_err *err)
{
    libxl_trigger trigger;
    int rc;

    if (!name || libxl_trigger_from_string(name, &trigger) ||
        trigger == LIBXL_TRIGGER_UNKNOWN)
        return xlt_err_set(err, "`%s' is not a trigger (nmi, reset, init, "
                           "power, sleep, s3resume)", name ? name : "");
    if (vcpu < 0 || vcpu > UINT32_MAX)
        return xlt_err_set(err, "%lld is not a vCPU number", vcpu);
    rc = libxl_send_trigger(d->ctx, domid, trigger, (uint32_t)vcpu, NULL);
    if (rc)
        return xlerr_set(d, rc, err, "trigger %s to domain %u failed",
                            name, domid);
    log_info(&d->log, "domain %u: trigger %s sent to vCPU %lld", domid, name,
             vcpu);
    return 0;
}
