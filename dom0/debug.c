/*
 * debug.c: the requests an administrator uses to look into a domain or
 * the hypervisor: console (where a domain's console pty is), dmesg (Xen's
 * console ring), sysrq and trigger.
 */
#include <stdlib.h>
#include <string.h>

#include "xltd.h"

/* Xen's console ring is 16 KiB to a few MiB; a reply must stay below the
 * protocol's limit, so dmesg keeps the newest part of a larger one. */
#define DMESG_MAX (2u << 20)

/* {"domains": [REF], "type": "pv"|"serial" (absent: the primary
 * console), "num": N} -> {"domid": ID, "tty": "/dev/pts/N"} */
void req_console(struct xltd *d, unsigned conn, yajl_val args)
{
    const char *type_name = xlt_json_get_str(args, "type");
    libxl_console_type type = LIBXL_CONSOLE_TYPE_PV;
    uint32_t domid = INVALID_DOMID;
    long long num = 0;
    char *tty = NULL;
    yajl_gen g = NULL;
    int rc;

    if (requests_the_domain(d, conn, args, &domid))
        goto out;
    if (type_name && libxl_console_type_from_string(type_name, &type)) {
        control_reply_error(d, conn, "`%s' is not a console type (pv or "
                            "serial)", type_name);
        goto out;
    }
    xlt_json_get_int(args, "num", &num);
    d->log.last_libxl_error[0] = '\0';
    rc = type_name ? libxl_console_get_tty(d->ctx, domid, (int)num, type, &tty)
                   : libxl_primary_console_get_tty(d->ctx, domid, &tty);
    if (rc || !tty) {
        control_reply_error(d, conn, "domain %u has no %s console %lld yet: "
                            "%s", domid, type_name ? type_name : "primary",
                            num, domain_libxl_said(d, rc ? rc : ERROR_FAIL));
        goto out;
    }
    g = xlt_json_gen_new();
    if (g) {
        yajl_gen_map_open(g);
        xlt_json_kv_uint(g, "domid", domid);
        xlt_json_kv_str(g, "tty", tty);
        yajl_gen_map_close(g);
    }
    requests_reply_gen(d, conn, g);
out:
    free(tty);
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
    if (len > DMESG_MAX) {
        const char *from = strchr(text + len - DMESG_MAX, '\n');
        from = from ? from + 1 : text + len - DMESG_MAX;
        memmove(text, from, strlen(from) + 1);
    }
    *text_r = text ? text : strdup("");
    text = NULL;
    rc = *text_r ? 0 : -1;
out:
    free(text);
    libxl_xen_console_read_finish(d->ctx, cr);
    return rc;
}

/* {"clear": BOOL} -> {"text": "..."} */
void req_dmesg(struct xltd *d, unsigned conn, yajl_val args)
{
    bool clear = YAJL_IS_TRUE(xlt_json_get(args, "clear"));
    char *text = NULL;
    yajl_gen g = NULL;

    if (read_xen_console(d, clear, &text)) {
        control_reply_error(d, conn, "cannot read Xen's console: %s",
                            domain_libxl_said(d, ERROR_FAIL));
        return;
    }
    if (clear)
        log_info(&d->log, "Xen's console ring read and cleared");
    g = xlt_json_gen_new();
    if (g) {
        yajl_gen_map_open(g);
        xlt_json_kv_str(g, "text", text);
        yajl_gen_map_close(g);
    }
    requests_reply_gen(d, conn, g);
    free(text);
}

/* {"domains": [REF], "key": "b"} */
void req_sysrq(struct xltd *d, unsigned conn, yajl_val args)
{
    const char *key = xlt_json_get_str(args, "key");
    uint32_t domid = INVALID_DOMID;
    int rc;

    if (requests_the_domain(d, conn, args, &domid))
        return;
    if (!key || strlen(key) != 1) {
        control_reply_error(d, conn, "`%s' is not one sysrq letter",
                            key ? key : "");
        return;
    }
    d->log.last_libxl_error[0] = '\0';
    rc = libxl_send_sysrq(d->ctx, domid, key[0]);
    if (rc) {
        control_reply_error(d, conn, "sysrq %s to domain %u failed: %s", key,
                            domid, domain_libxl_said(d, rc));
        return;
    }
    log_info(&d->log, "domain %u: sysrq %s sent", domid, key);
    control_reply_result(d, conn, "{}");
}

/* {"domains": [REF], "trigger": "nmi", "vcpu": N} */
void req_trigger(struct xltd *d, unsigned conn, yajl_val args)
{
    const char *name = xlt_json_get_str(args, "trigger");
    libxl_trigger trigger;
    uint32_t domid = INVALID_DOMID;
    long long vcpu = 0;
    int rc;

    if (requests_the_domain(d, conn, args, &domid))
        return;
    if (!name || libxl_trigger_from_string(name, &trigger) ||
        trigger == LIBXL_TRIGGER_UNKNOWN) {
        control_reply_error(d, conn, "`%s' is not a trigger (nmi, reset, "
                            "init, power, sleep, s3resume)", name ? name : "");
        return;
    }
    xlt_json_get_int(args, "vcpu", &vcpu);
    if (vcpu < 0 || vcpu > UINT32_MAX) {
        control_reply_error(d, conn, "%lld is not a vCPU number", vcpu);
        return;
    }
    d->log.last_libxl_error[0] = '\0';
    rc = libxl_send_trigger(d->ctx, domid, trigger, (uint32_t)vcpu, NULL);
    if (rc) {
        control_reply_error(d, conn, "trigger %s to domain %u failed: %s",
                            name, domid, domain_libxl_said(d, rc));
        return;
    }
    log_info(&d->log, "domain %u: trigger %s sent to vCPU %lld", domid, name,
             vcpu);
    control_reply_result(d, conn, "{}");
}
