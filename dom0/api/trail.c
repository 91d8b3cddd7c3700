/*
 * trail.c: the audit trail.  Every request that may change something,
 * and every refused request, is recorded once, when it is answered:
 * when, its id, who (user, role), what (the request, its domain's name
 * and UUID, its arguments), the outcome and how long it took.  Three
 * sinks, each for its readers:
 * - a file of JSON lines (audit_log in xlt.conf), each sealed with a
 *   hash over it and the one before (xlt/lib/auditlog.c): `xlt audit
 *   verify` tells an edited, dropped or moved record;
 * - the journal, with fields to search by (XLT_OP=, XLT_VM_UUID=,
 *   XLT_USER=, XLT_RESULT=, XLT_REQUEST_ID=, and XLT_AUDIT_HASH=, the
 *   file's newest hash, kept apart from the file) and a MESSAGE_ID per
 *   operation;
 * - the kernel's audit system (auditd), as libvirt writes it: VIRT_CONTROL
 *   for lifecycle, VIRT_RESOURCE for memory, vCPUs, disks and NICs,
 *   VIRT_MACHINE_ID for a domain that starts, with virt=xen, so that
 *   `ausearch -m VIRT_CONTROL` reads xlt hosts as libvirt's.
 * A sink that is not there (no journald, a kernel without audit) is
 * skipped; a trail file that cannot be written is logged each time.
 */
#include <errno.h>
#include <fcntl.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <time.h>
#include <unistd.h>

#include "api.h"

/* The newest record is in the file's last TAIL_MAX bytes; `xlt audit`
 * reads its last READ_MAX. */
#define TAIL_MAX (256u << 10)
#define READ_MAX (8u << 20)
#define PARAMS_MAX 1024

struct trail {
    int fd;            /* the trail file, -1: none */
    char *path;
    char prev[XLT_AUDIT_HASH_LEN + 1];
    long long seq;     /* the newest record's */
    int kernel_fd;     /* libaudit's, -1: the kernel has no audit */
};

/* ---- the trail file's end: where the chain goes on ---------------------- */

/* From TEXT (LEN bytes, the file's end), the newest whole record's hash
 * and seq into A; 0 if there is none. */
static void chain_end(struct trail *a, const char *text, size_t len)
{
    const char *end = text + len, *start;
    yajl_val v = NULL;
    char *line = NULL;
    long long seq = 0;

    while (end > text && end[-1] == '\n')
        end--;
    start = end;
    while (start > text && start[-1] != '\n')
        start--;
    if (end - start < XLT_AUDIT_HASH_LEN + 3)
        return;
    line = strndup(start, (size_t)(end - start));
    if (line && !xlt_json_parse(line, strlen(line) + 1, a->path, &v, NULL) &&
        xlt_json_get_str(v, "hash") &&
        strlen(xlt_json_get_str(v, "hash")) == XLT_AUDIT_HASH_LEN) {
        memcpy(a->prev, xlt_json_get_str(v, "hash"), XLT_AUDIT_HASH_LEN);
        if (xlt_json_get_int(v, "seq", &seq))
            a->seq = seq;
    }
    yajl_tree_free(v);
    free(line);
}

/* Read the end of the open trail to go on with its chain. */
static int read_chain_end(struct xltd *d, struct trail *a)
{
    struct stat st;
    char *buf = NULL;
    off_t from;
    ssize_t n;

    if (fstat(a->fd, &st))
        return -1;
    if (st.st_size == 0)
        return 0;
    from = st.st_size > (off_t)TAIL_MAX ? st.st_size - (off_t)TAIL_MAX : 0;
    buf = malloc((size_t)(st.st_size - from));
    n = buf ? pread(a->fd, buf, (size_t)(st.st_size - from), from) : -1;
    if (n > 0)
        chain_end(a, buf, (size_t)n);
    if (n > 0 && buf[n - 1] != '\n')
        log_warnx(&d->log, "audit trail %s ends with a record cut short; "
                  "its chain goes on from the record before", a->path);
    free(buf);
    return n < 0 ? -1 : 0;
}

static int open_file(struct xltd *d, struct trail *a, const char *path)
{
    char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;

    if (slash && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0750) && errno != EEXIST)
            log_warn(&d->log, "creating %s", dir);
    }
    free(dir);
    a->path = strdup(path);
    a->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (a->fd >= 0 && flock(a->fd, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK) {
        log_errx(&d->log, "audit trail %s is another xltd's (it holds its "
                 "lock): give this one an audit_log of its own", path);
        return -1;
    }
    if (!a->path || a->fd < 0 || read_chain_end(d, a)) {
        log_err(&d->log, "audit trail %s", path);
        return -1;
    }
    return 0;
}

static void trail_event(struct xltd *d, const struct event *e,
                        const char *json, void *arg);

int trail_open(struct xltd *d, const char *path)
{
    struct trail *a = calloc(1, sizeof(*a));

    if (!a)
        return -1;
    a->fd = a->kernel_fd = -1;
    memcpy(a->prev, xlt_audit_genesis, sizeof(a->prev));
    d->trail = a;
    if (*path && open_file(d, a, path))
        return -1;
    a->kernel_fd = audit_open();
    if (a->kernel_fd < 0)
        log_info(&d->log, "no kernel audit (%s): the audit trail goes to "
                 "%s and the journal", strerror(errno),
                 *path ? path : "(no file)");
    log_info(&d->log, "audit trail: %s%s, record %lld next", *path ? path :
             "no file", a->kernel_fd >= 0 ? ", the journal, auditd" :
             ", the journal", a->seq + 1);
    return events_listen(d, trail_event, NULL);
}

void trail_close(struct xltd *d)
{
    struct trail *a = d->trail;

    if (!a)
        return;
    events_unlisten(d, trail_event, NULL);
    if (a->fd >= 0)
        close(a->fd);
    if (a->kernel_fd >= 0)
        audit_close(a->kernel_fd);
    free(a->path);
    free(a);
    d->trail = NULL;
}

/* ---- what a request is about ---------------------------------------------- */

static void random_id(char id[17])
{
    unsigned char bytes[8] = {0};

    if (getrandom(bytes, sizeof(bytes), GRND_NONBLOCK) != sizeof(bytes)) {
        struct timespec ts; /* no randomness yet: unique enough for ids */
        clock_gettime(CLOCK_REALTIME, &ts);
        memcpy(bytes, &ts.tv_nsec, sizeof(bytes) < sizeof(ts.tv_nsec)
                                       ? sizeof(bytes)
                                       : sizeof(ts.tv_nsec));
    }
    for (size_t i = 0; i < sizeof(bytes); i++)
        snprintf(id + 2 * i, 3, "%02x", bytes[i]);
}

/* S's domain: DOMID's name and UUID. */
static void subject_domain(struct xltd *d, struct audit_subject *s,
                           uint32_t domid)
{
    char *name = libxl_domid_to_name(d->ctx, domid);
    libxl_dominfo info;

    libxl_dominfo_init(&info);
    snprintf(s->vm, sizeof(s->vm), "%s", name ? name : "?");
    if (!libxl_domain_info(d->ctx, &info, domid)) {
        snprintf(s->uuid, sizeof(s->uuid), LIBXL_UUID_FMT,
                 LIBXL_UUID_BYTES(info.uuid));
        if (!strcmp(s->op, "vcpu-set"))
            s->old_value = info.vcpu_online;
        else if (!strcmp(s->op, "mem-set"))
            s->old_value = (long long)info.current_memkb;
        else if (!strcmp(s->op, "mem-max"))
            s->old_value = (long long)info.max_memkb;
    }
    libxl_dominfo_dispose(&info);
    free(name);
}

/* ARGS' arguments but the bulky ones (a config and its text), as JSON;
 * NULL if they do not fit in PARAMS_MAX. */
static char *short_params(yajl_val args)
{
    yajl_gen g = xlt_json_gen_new();
    char *text = NULL;

    if (!g || !YAJL_IS_OBJECT(args))
        goto out;
    yajl_gen_map_open(g);
    for (size_t i = 0; i < args->u.object.len; i++) {
        const char *key = args->u.object.keys[i];
        if (!strcmp(key, "config") || !strcmp(key, "text"))
            continue;
        xlt_json_str(g, key);
        xlt_json_emit(g, args->u.object.values[i]);
    }
    yajl_gen_map_close(g);
    text = xlt_json_gen_take(g);
    if (text && strlen(text) > PARAMS_MAX) {
        free(text);
        text = NULL;
    }
out:
    if (g)
        yajl_gen_free(g);
    return text;
}

void trail_begin(struct xltd *d, struct audit_subject *s,
                 const struct caller *caller, const char *op, yajl_val args)
{
    yajl_val refs = xlt_json_get(args, "domains");
    yajl_val cinfo = xlt_json_get(xlt_json_get(args, "config"), "c_info");
    uint32_t domid;

    memset(s, 0, sizeof(*s));
    random_id(s->id);
    clock_gettime(CLOCK_MONOTONIC, &s->start);
    s->caller = *caller;
    s->old_value = -1;
    snprintf(s->op, sizeof(s->op), "%s", op);
    s->params = short_params(args);
    if (YAJL_IS_TRUE(xlt_json_get(args, "all")))
        snprintf(s->vm, sizeof(s->vm), "*");
    else if (YAJL_IS_ARRAY(refs) && refs->u.array.len > 0 &&
             YAJL_IS_STRING(refs->u.array.values[0]) &&
             !xlt_domain_lookup(d->ctx, refs->u.array.values[0]->u.string,
                                &domid, NULL))
        subject_domain(d, s, domid);
    if (xlt_json_get_str(args, "definition"))
        snprintf(s->vm, sizeof(s->vm), "%s",
                 xlt_json_get_str(args, "definition"));
    if (xlt_json_get_str(cinfo, "name"))
        snprintf(s->vm, sizeof(s->vm), "%s", xlt_json_get_str(cinfo, "name"));
    if (xlt_json_get_str(cinfo, "uuid"))
        snprintf(s->uuid, sizeof(s->uuid), "%s",
                 xlt_json_get_str(cinfo, "uuid"));
}

void trail_subject_dispose(struct audit_subject *s)
{
    free(s->params);
    s->params = NULL;
}

/* The domain the answer names, when S does not know it or its UUID (a
 * restore's, from its file; a create's from a config without one). */
static void subject_from_answer(struct xltd *d, struct audit_subject *s,
                                const char *result_json)
{
    yajl_val v = NULL;
    long long domid;

    if (*s->uuid || !result_json ||
        xlt_json_parse(result_json, strlen(result_json) + 1, "answer", &v,
                       NULL))
        return;
    if (xlt_json_get_int(v, "domid", &domid) && domid > 0)
        subject_domain(d, s, (uint32_t)domid);
    yajl_tree_free(v);
}

/* ---- the sinks ------------------------------------------------------------- */

static long long elapsed_ms(const struct timespec *since)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)(now.tv_sec - since->tv_sec) * 1000 +
           (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* The record's body: every member, "prev" last. */
static char *record_body(struct trail *a, const struct audit_subject *s,
                         const char *result, const char *error, long long ms)
{
    yajl_gen g = xlt_json_gen_new();
    yajl_val params = s->params ? yajl_tree_parse(s->params, NULL, 0) : NULL;
    char when[40], *text = NULL;

    if (!g)
        goto out;
    xlt_utc_now(when, sizeof(when));
    yajl_gen_map_open(g);
    xlt_json_kv_int(g, "seq", a->seq + 1);
    xlt_json_kv_str(g, "time", when);
    xlt_json_kv_str(g, "id", s->id);
    xlt_json_kv_str(g, "user", s->caller.who);
    if (*s->caller.from)
        xlt_json_kv_str(g, "from", s->caller.from);
    else
        xlt_json_kv_int(g, "uid", (long long)s->caller.uid);
    xlt_json_kv_str(g, "role", xlt_role_name(s->caller.role));
    xlt_json_kv_str(g, "op", s->op);
    xlt_json_kv_str(g, "vm", *s->vm ? s->vm : NULL);
    xlt_json_kv_str(g, "uuid", *s->uuid ? s->uuid : NULL);
    xlt_json_str(g, "params");
    if (!params || xlt_json_emit(g, params) != yajl_gen_status_ok)
        yajl_gen_null(g);
    xlt_json_kv_str(g, "result", result);
    xlt_json_kv_str(g, "error", error);
    xlt_json_kv_int(g, "ms", ms);
    xlt_json_kv_str(g, "prev", a->prev);
    yajl_gen_map_close(g);
    text = xlt_json_gen_take(g);
out:
    if (g)
        yajl_gen_free(g);
    yajl_tree_free(params);
    return text;
}

/* Append the record to the trail file; its hash into HASH. */
static void write_file(struct xltd *d, struct trail *a,
                       const struct audit_subject *s, const char *result,
                       const char *error, long long ms,
                       char hash[XLT_AUDIT_HASH_LEN + 1])
{
    char *body = record_body(a, s, result, error, ms);
    char *line = body ? xlt_audit_seal(body, hash) : NULL;
    size_t len = line ? strlen(line) : 0;

    if (line)
        line[len++] = '\n'; /* over the NUL: written by length */
    if (!line || xlt_write_all(a->fd, line, len) || fdatasync(a->fd)) {
        log_err(&d->log, "audit trail %s: request %s (%s) not recorded",
                a->path, s->id, s->op);
        *hash = '\0';
    } else {
        memcpy(a->prev, hash, XLT_AUDIT_HASH_LEN + 1);
        a->seq++;
    }
    free(body);
    free(line);
}

/* The journal's MESSAGE_ID of OP: a UUID made of its name's hash. */
static void message_id(const char *op, char id[33])
{
    char hex[XLT_AUDIT_HASH_LEN + 1], text[96];

    snprintf(text, sizeof(text), "xlt audit %s", op);
    if (xlt_audit_hash(text, strlen(text), hex))
        memset(hex, '0', 32);
    snprintf(id, 33, "%.32s", hex);
}

static void write_journal(const struct audit_subject *s, const char *result,
                          const char *error, long long ms, const char *hash)
{
    char id[33];

    message_id(s->op, id);
    /* no journald (a host without systemd): nothing to do */
    sd_journal_send("MESSAGE=audit: %s %s by %s (%s): %s%s%s", s->op,
                    *s->vm ? s->vm : "-", s->caller.who,
                    xlt_role_name(s->caller.role), result,
                    error ? ": " : "", error ? error : "",
                    "MESSAGE_ID=%s", id,
                    "PRIORITY=%d", strcmp(result, "ok") ? LOG_WARNING
                                                        : LOG_NOTICE,
                    "SYSLOG_IDENTIFIER=xltd",
                    "XLT_OP=%s", s->op,
                    "XLT_VM_NAME=%s", s->vm,
                    "XLT_VM_UUID=%s", s->uuid,
                    "XLT_USER=%s", s->caller.who,
                    "XLT_FROM=%s", s->caller.from,
                    "XLT_ROLE=%s", xlt_role_name(s->caller.role),
                    "XLT_RESULT=%s", result,
                    "XLT_ERROR=%s", error ? error : "",
                    "XLT_REQUEST_ID=%s", s->id,
                    "XLT_DURATION_MS=%lld", ms,
                    "XLT_AUDIT_HASH=%s", hash,
                    NULL);
}

/* How auditd's readers know a request: libvirt's record types and
 * words.  A request not named here is a VIRT_CONTROL with op= its name. */
static const struct virt_op {
    const char *op;
    int type;
    const char *what; /* op= (control) or resrc= (resource) */
    const char *reason;
} virt_ops[] = {
    {"create", AUDIT_VIRT_CONTROL, "start", "booted"},
    {"start", AUDIT_VIRT_CONTROL, "start", "booted"},
    {"restore", AUDIT_VIRT_CONTROL, "start", "restored"},
    {"destroy", AUDIT_VIRT_CONTROL, "stop", "destroyed"},
    {"shutdown", AUDIT_VIRT_CONTROL, "stop", "shutdown"},
    {"reboot", AUDIT_VIRT_CONTROL, "stop", "reboot"},
    {"save", AUDIT_VIRT_CONTROL, "stop", "saved"},
    {"migrate", AUDIT_VIRT_CONTROL, "stop", "migrated"},
    {"pause", AUDIT_VIRT_CONTROL, "suspend", "paused"},
    {"unpause", AUDIT_VIRT_CONTROL, "resume", "unpaused"},
    {"mem-set", AUDIT_VIRT_RESOURCE, "mem", "update"},
    {"mem-max", AUDIT_VIRT_RESOURCE, "mem", "update"},
    {"vcpu-set", AUDIT_VIRT_RESOURCE, "vcpu", "update"},
    {"block-attach", AUDIT_VIRT_RESOURCE, "disk", "attach"},
    {"block-detach", AUDIT_VIRT_RESOURCE, "disk", "detach"},
    {"network-attach", AUDIT_VIRT_RESOURCE, "net", "attach"},
    {"network-detach", AUDIT_VIRT_RESOURCE, "net", "detach"},
};

static const struct virt_op *virt_op_of(const char *op)
{
    for (size_t i = 0; i < sizeof(virt_ops) / sizeof(virt_ops[0]); i++)
        if (!strcmp(virt_ops[i].op, op))
            return &virt_ops[i];
    return NULL;
}

/* KEY=VALUE as auditd wants it (quoted, or hex if it must be). */
static char *encoded(const char *key, const char *value)
{
    return audit_encode_nv_string(key, value && *value ? value : "?", 0);
}

/* A resource record's old and new values: numbers for memory (KiB) and
 * vCPUs, a device for disks and NICs. */
static char *resource_values(const struct virt_op *v,
                             const struct audit_subject *s)
{
    yajl_val args = s->params ? yajl_tree_parse(s->params, NULL, 0) : NULL;
    yajl_val dev = xlt_json_get(args, "device");
    char *out = NULL, *old = NULL, *new = NULL, key[16];
    long long n = -1;

    if (!strcmp(v->what, "mem") || !strcmp(v->what, "vcpu")) {
        if (!xlt_json_get_int(args, !strcmp(v->what, "mem") ? "kb" : "count",
                              &n))
            n = -1;
        if (asprintf(&out, "old-%s=%lld new-%s=%lld", v->what, s->old_value,
                     v->what, n) < 0)
            out = NULL;
        goto done;
    }
    snprintf(key, sizeof(key), "old-%s", v->what);
    old = encoded(key, YAJL_IS_STRING(dev) ? dev->u.string : NULL);
    snprintf(key, sizeof(key), "new-%s", v->what);
    new = encoded(key, xlt_json_get_str(dev, !strcmp(v->what, "disk")
                                                 ? "pdev_path"
                                                 : "mac"));
    if (!old || !new || asprintf(&out, "%s %s", old, new) < 0)
        out = NULL;
done:
    yajl_tree_free(args);
    free(old);
    free(new);
    return out;
}

static void write_kernel(struct trail *a, const struct audit_subject *s,
                         bool success)
{
    const struct virt_op *v = virt_op_of(s->op);
    char *vm = encoded("vm", s->vm), *values = NULL, *msg = NULL;
    const char *uuid = *s->uuid ? s->uuid : "?";
    int rc;

    if (!vm)
        return;
    if (v && v->type == AUDIT_VIRT_RESOURCE) {
        values = resource_values(v, s);
        rc = asprintf(&msg, "virt=xen resrc=%s reason=%s %s uuid=%s %s",
                      v->what, v->reason, vm, uuid, values ? values : "");
    } else {
        rc = asprintf(&msg, "virt=xen op=%s reason=%s %s uuid=%s vm-pid=-1",
                      v ? v->what : s->op, v ? v->reason : "api", vm, uuid);
    }
    if (rc >= 0)
        audit_log_user_message(a->kernel_fd, v ? v->type : AUDIT_VIRT_CONTROL,
                               msg, NULL, *s->caller.from ? s->caller.from
                                                          : NULL,
                               NULL, success);
    free(msg);
    msg = NULL;
    /* a domain that starts: its identity, as libvirt gives it */
    if (success && v && !strcmp(v->what, "start") &&
        asprintf(&msg, "virt=xen %s uuid=%s vm-ctx=? img-ctx=? model=none",
                 vm, uuid) >= 0)
        audit_log_user_message(a->kernel_fd, AUDIT_VIRT_MACHINE_ID, msg,
                               NULL, NULL, NULL, 1);
    free(msg);
    free(values);
    free(vm);
}

void trail_end(struct xltd *d, struct audit_subject *s, const char *result,
               const char *error, const char *result_json)
{
    struct trail *a = d->trail;
    char hash[XLT_AUDIT_HASH_LEN + 1] = "";
    long long ms = elapsed_ms(&s->start);

    if (!a)
        return;
    subject_from_answer(d, s, result_json);
    if (a->fd >= 0)
        write_file(d, a, s, result, error, ms, hash);
    write_journal(s, result, error, ms, hash);
    if (a->kernel_fd >= 0)
        write_kernel(a, s, !strcmp(result, "ok"));
}

/* ---- what xltd does without a request of its own ---------------------------- */

/* The events that change a domain without a request here, as the trail
 * records them: a restart its on_* action asked for, a migration a
 * peer's request sent in (recorded under that request's id, from that
 * peer), a start at the host's boot, and its failure (the event's detail
 * the reason). */
static const struct unrequested {
    const char *kind, *op;
    bool failed;
} unrequested[] = {
    {"restarted", "restart", false},
    {"migrated-in", "migrate-in", false},
    {"autostarted", "autostart", false},
    {"autostart-failed", "autostart", true},
};

static const struct unrequested *unrequested_of(const char *kind)
{
    for (size_t i = 0; i < sizeof(unrequested) / sizeof(unrequested[0]); i++)
        if (!strcmp(unrequested[i].kind, kind))
            return &unrequested[i];
    return NULL;
}

static void trail_event(struct xltd *d, const struct event *e,
                        const char *json, void *arg)
{
    const struct unrequested *u = unrequested_of(e->kind);
    struct audit_subject s = {.old_value = -1};
    yajl_val v = NULL;

    (void)arg;
    if (!u || xlt_json_parse(json, strlen(json) + 1, "event", &v, NULL))
        return;
    if (e->request && *e->request)
        snprintf(s.id, sizeof(s.id), "%s", e->request);
    else
        random_id(s.id);
    clock_gettime(CLOCK_MONOTONIC, &s.start);
    s.caller.role = XLT_ROLE_ADMIN;
    s.caller.uid = 0;
    snprintf(s.caller.who, sizeof(s.caller.who), "xltd");
    if (e->peer)
        snprintf(s.caller.from, sizeof(s.caller.from), "%s", e->peer);
    snprintf(s.op, sizeof(s.op), "%s", u->op);
    snprintf(s.vm, sizeof(s.vm), "%s", 
             xlt_json_get_str(v, "name") ? xlt_json_get_str(v, "name")
                                         : "?");
    snprintf(s.uuid, sizeof(s.uuid), "%s",
             xlt_json_get_str(v, "uuid") ? xlt_json_get_str(v, "uuid") : "");
    trail_end(d, &s, u->failed ? "failed" : "ok",
              u->failed ? e->detail : NULL, NULL);
    yajl_tree_free(v);
}

/* ---- reading it back ------------------------------------------------------- */

/* The records of TEXT (LEN bytes of whole lines) from SINCE on (a time
 * as the records write it, or a prefix of one; NULL: all), as a list in
 * G.  Lines that are not records are skipped: `xlt audit verify` judges
 * them. */
static void emit_records(yajl_gen g, const char *text, size_t len,
                         const char *since)
{
    const char *end = text + len;

    yajl_gen_array_open(g);
    for (const char *line = text; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
        char *copy = strndup(line, n);
        yajl_val v = NULL;
        const char *when;

        if (copy && !xlt_json_parse(copy, n + 1, "record", &v, NULL) &&
            (when = xlt_json_get_str(v, "time")) &&
            (!since || strcmp(when, since) >= 0))
            xlt_json_emit(g, v);
        yajl_tree_free(v);
        free(copy);
        line += n + 1;
    }
    yajl_gen_array_close(g);
}

int trail_records(struct xltd *d, const char *since, yajl_gen g,
                  struct xlt_err *err)
{
    struct trail *a = d->trail;
    struct stat st;
    char *buf = NULL;
    const char *text;
    off_t from;
    ssize_t n;

    if (!a || a->fd < 0)
        return xlt_err_set(err, "xltd keeps no audit trail file (audit_log "
                           "in xlt.conf)");
    if (fstat(a->fd, &st))
        return xlt_err_errno(err, errno, "%s", a->path);
    from = st.st_size > (off_t)READ_MAX ? st.st_size - (off_t)READ_MAX : 0;
    buf = malloc((size_t)(st.st_size - from) + 1);
    n = buf ? pread(a->fd, buf, (size_t)(st.st_size - from), from) : -1;
    if (n < 0) {
        free(buf);
        return xlt_err_errno(err, buf ? errno : ENOMEM, "reading %s",
                             a->path);
    }
    buf[n] = '\0';
    text = buf;
    if (from > 0 && (text = strchr(buf, '\n'))) /* a whole line first */
        text++;
    xlt_json_kv_str(g, "file", a->path);
    xlt_json_kv_bool(g, "whole", from == 0);
    xlt_json_str(g, "records");
    emit_records(g, text ? text : "", text ? (size_t)(buf + n - text) : 0,
                 since);
    free(buf);
    return 0;
}
