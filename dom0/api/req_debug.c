/* req_debug.c: console, dmesg, sysrq and trigger. */
#include <stdlib.h>

#include "api.h"

/* {"domains": [REF], "type": "pv"|"serial" (absent: the primary
 * console), "num": N, "stream": BOOL} -> {"domid": ID, "tty":
 * "/dev/pts/N"}; with "stream" the connection then carries the console's
 * bytes both ways (control.c), for a client on another host or without
 * the right to open the pty itself. */
int req_console(struct xltd *d, struct request *r, yajl_val args)
{
    uint32_t domid = INVALID_DOMID;
    long long num = 0;
    struct xlt_err err;
    char *tty = NULL;
    yajl_gen g;
    int rc;

    xlt_json_get_int(args, "num", &num);
    if (args_the_domain(d, args, &domid, &err) ||
        debug_console_tty(d, domid, xlt_json_get_str(args, "type"), num, &tty,
                          &err))
        return req_fail_err(r, &err);
    if (YAJL_IS_TRUE(xlt_json_get(args, "stream")) &&
        control_join_console(d, r->conn, tty, &r->subject, &err)) {
        free(tty);
        return req_fail_err(r, &err);
    }
    g = xlt_json_gen_new();
    if (g) {
        yajl_gen_map_open(g);
        xlt_json_kv_uint(g, "domid", domid);
        xlt_json_kv_str(g, "tty", tty);
        yajl_gen_map_close(g);
    }
    rc = req_done_gen(r, g);
    free(tty);
    return rc;
}

/* {"clear": BOOL} -> {"text": "..."} */
int req_dmesg(struct xltd *d, struct request *r, yajl_val args)
{
    struct xlt_err err;
    char *text = NULL;
    int rc;

    if (debug_dmesg(d, YAJL_IS_TRUE(xlt_json_get(args, "clear")), &text,
                    &err))
        return req_fail_err(r, &err);
    rc = req_done_str(r, "text", text);
    free(text);
    return rc;
}

/* {"domains": [REF], "key": "b"} */
int req_sysrq(struct xltd *d, struct request *r, yajl_val args)
{
    uint32_t domid = INVALID_DOMID;
    struct xlt_err err;

    if (args_the_domain(d, args, &domid, &err) ||
        debug_sysrq(d, domid, xlt_json_get_str(args, "key"), &err))
        return req_fail_err(r, &err);
    return REQ_DONE;
}

/* {"domains": [REF], "trigger": "nmi", "vcpu": N} */
int req_trigger(struct xltd *d, struct request *r, yajl_val args)
{
    uint32_t domid = INVALID_DOMID;
    long long vcpu = 0;
    struct xlt_err err;

    xlt_json_get_int(args, "vcpu", &vcpu);
    if (args_the_domain(d, args, &domid, &err) ||
        debug_trigger(d, domid, xlt_json_get_str(args, "trigger"), vcpu,
                      &err))
        return req_fail_err(r, &err);
    return REQ_DONE;
}
