/*
 * libxlt: what both the xlt command and the xltd daemon need.
 * Each section names the file that implements it.
 */
#ifndef XLT_H
#define XLT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <libxl_json.h>
#include <libxlutil.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#define XLT_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ---- err.c: one precise line about what went wrong ------------------- */

struct xlt_err {
    char msg[1024];
};

/* Returns -1, so that `return xlt_err_set(err, ...)` reads naturally.
 * An argument may be ERR's own message, to add words to it.  ERR may be
 * NULL: a caller that wants no words passes NULL for its err. */
int xlt_err_set(struct xlt_err *err, const char *fmt, ...) XLT_PRINTF(2, 3);
/* Like xlt_err_set, with ": strerror(errnum)" appended. */
int xlt_err_errno(struct xlt_err *err, int errnum, const char *fmt, ...)
    XLT_PRINTF(3, 4);

/* ---- cfgfile.c: an xl.cfg file read by libxlutil, with line numbers --- */

struct xlt_cfgfile;

/* Parse TEXT (LEN bytes) as the xl.cfg file PATH.  On a syntax error the
 * message is libxlutil's own "PATH:LINE: ...".  Only the first FILE_LEN
 * bytes are the file; lines after them are command-line overrides. */
int xlt_cfgfile_open(struct xlt_cfgfile **cf_r, const char *path,
                     const char *text, size_t len, size_t file_len,
                     struct xlt_err *err);
void xlt_cfgfile_close(struct xlt_cfgfile *cf);
const char *xlt_cfgfile_path(const struct xlt_cfgfile *cf);
/* Does the file set KEY (to anything)? */
bool xlt_cfgfile_is_set(struct xlt_cfgfile *cf, const char *key);
/* The line KEY is set on (0 if unknown). */
int xlt_cfgfile_line(struct xlt_cfgfile *cf, const char *key);
/* Where KEY is set, for a message: "PATH:LINE", "command line" or "PATH". */
const char *xlt_cfgfile_where(struct xlt_cfgfile *cf, const char *key,
                              char *buf, size_t size);
/* Getters: 0 = found, 1 = absent, -1 = error in ERR ("PATH:LINE: KEY: ..."). */
int xlt_cfgfile_string(struct xlt_cfgfile *cf, const char *key,
                       const char **val_r, struct xlt_err *err);
int xlt_cfgfile_long(struct xlt_cfgfile *cf, const char *key, long min,
                     long max, long *val_r, struct xlt_err *err);
/* A list of strings: 0 = found, 1 = absent or not a list, -1 = error. */
int xlt_cfgfile_list_strings(struct xlt_cfgfile *cf, const char *key,
                             libxl_string_list *list, struct xlt_err *err);
/* A list: 0 = found, 1 = absent, -1 = not a list (error in ERR). */
int xlt_cfgfile_list(struct xlt_cfgfile *cf, const char *key,
                     XLU_ConfigList **list_r, int *n_r, struct xlt_err *err);
/* Say what is wrong with KEY's value, with file and line.  Returns -1. */
int xlt_cfgfile_bad(struct xlt_cfgfile *cf, struct xlt_err *err,
                    const char *key, const char *fmt, ...) XLT_PRINTF(4, 5);
/* The libxlutil handle, for its spec parsers (xlu_disk_parse, ...). */
XLU_Config *xlt_cfgfile_xlu(struct xlt_cfgfile *cf);
/* After one of those parsers failed on ITEM of KEY: what it said (or
 * WHAT if it said nothing), as "PATH:LINE: KEY: ...".  Returns -1. */
int xlt_cfgfile_xlu_failed(struct xlt_cfgfile *cf, struct xlt_err *err,
                           const char *key, const char *item,
                           const char *what);
/* Forget what libxlutil has said so far. */
void xlt_cfgfile_hush(struct xlt_cfgfile *cf);

/* ---- cpumap.c: xl's CPU lists ---------------------------------------- */

/* The host's CPUs as libxl sees them (libxl_get_max_cpus() and
 * libxl_get_cpu_topology()); xltd fills it, xlt asks xltd for it. */
struct xlt_topology {
    int max_cpus;     /* bitmaps have this many bits */
    int nr_nodes;     /* NUMA nodes, at least 1 */
    int *node_of_cpu; /* [max_cpus]; -1 for a CPU that is not there */
};

/* Size MAP for BITS bits, all clear.  libxl_bitmap_alloc() needs a libxl
 * context, which a dry run and the unit tests do not have; a libxl_bitmap
 * is a plain calloc'd byte array that libxl_bitmap_dispose() frees. */
int xlt_bitmap_alloc(libxl_bitmap *map, int bits);
/* "N" or "N-M" (N <= M) in decimal, nothing after: 0, else -1. */
int xlt_range_parse(const char *s, unsigned long *lo, unsigned long *hi);
/* MAP sized for TOPO's CPUs, as libxl_cpu_bitmap_alloc() sizes it. */
int xlt_cpumap_alloc(libxl_bitmap *map, const struct xlt_topology *topo);
/* SPEC in xl's syntax: comma-separated items, each [^][node:|nodes:] and
 * then all, N or N-M.  "^" takes away, later items win.  MAP is
 * (re)allocated; ERR says what is wrong with which item. */
int xlt_cpumap_parse(const char *spec, const struct xlt_topology *topo,
                     libxl_bitmap *map, struct xlt_err *err);
/* MAP as xl vcpu-list shows it ("all", "0-3,6", "none"); NULL on ENOMEM,
 * else the caller frees it. */
char *xlt_cpumap_format(const libxl_bitmap *map, int max_cpus);
/* The topology as JSON (xltd's "topology" reply) and back. */
yajl_gen_status xlt_topology_gen(yajl_gen g, const struct xlt_topology *t);
int xlt_topology_parse(yajl_val v, struct xlt_topology *t,
                       struct xlt_err *err);
void xlt_topology_dispose(struct xlt_topology *t);

/* ---- cpupool.c: xl's cpupool-create definitions ---------------------- */

struct xlt_cpupool_spec {
    char *name;  /* name=, or the file's base name */
    char *sched; /* NULL: the host's default scheduler */
    char *cpus;  /* an xl CPU list ("2,3", "node:1"); NULL: none */
};

/* TEXT as for xlt_config_parse (PATH NULL: only command-line lines).  On
 * error ERR says "FILE:LINE: KEY: ..." and S is left empty. */
int xlt_cpupool_parse(const char *path, const char *text, size_t len,
                      size_t file_len, struct xlt_cpupool_spec *s,
                      struct xlt_err *err);
void xlt_cpupool_spec_dispose(struct xlt_cpupool_spec *s);

/* ---- config.c: xl.cfg -> libxl_domain_config ------------------------- */

/* CFG must have been libxl_domain_config_init()ed; the caller disposes it
 * whatever the result.  Warnings (e.g. ignored keys) go to WARN.  TEXT's
 * first FILE_LEN bytes are the file, the rest command-line overrides
 * (xlt_config_add_overrides).  TOPO sizes the CPU maps of cpus= and
 * cpus_soft=; without it (NULL) those keys are an error. */
int xlt_config_parse(const char *path, const char *text, size_t len,
                     size_t file_len, const struct xlt_topology *topo,
                     libxl_domain_config *cfg, FILE *warn,
                     struct xlt_err *err);
/* Does TEXT (a config and its overrides) set uuid=?  (Without it,
 * xlt_config_parse makes one up.) */
int xlt_config_names_uuid(const char *path, const char *text, size_t len,
                          bool *given, struct xlt_err *err);

/* ---- config_devices.c: the device keys ------------------------------- */

/* One "vif" or "disk" SPEC (xl's syntax; a disk spec's parts joined with
 * commas) into CFG's nics or disks, for network-attach and block-attach;
 * errors say "command line: KEY: ...". */
int xlt_device_parse(const char *key, const char *spec,
                     libxl_domain_config *cfg, struct xlt_err *err);

/* ---- config_cpus.c: cpus=, cpus_soft=, dedicated_cpus= --------------- */

/* Does TEXT (as for xlt_config_parse) ask for dedicated CPUs
 * (dedicated_cpus=1, xlt's own key)?  -1 with ERR if the key is wrong. */
int xlt_config_dedicated(const char *path, const char *text, size_t len,
                         size_t file_len, bool *on, struct xlt_err *err);

/* ---- overrides.c: KEY=VALUE on the command line ---------------------- */

/* TEXT (the file) followed by the N "KEY=VALUE" overrides, one per line,
 * as xl create takes them; each must be xl.cfg syntax on its own. */
int xlt_config_add_overrides(const char *text, size_t len,
                             char *const *overrides, int n, char **joined_r,
                             size_t *joined_len_r, struct xlt_err *err);

/* ---- lvm.c: LVM logical volumes ------------------------------------- */

struct xlt_lv {
    char vg[128], lv[128];
    char name[260]; /* VG/LV */
    char path[270]; /* /dev/VG/LV */
};

/* "/dev/VG/LV" or "VG/LV" into LV; -1 if S is neither. */
int xlt_lv_parse(const char *s, struct xlt_lv *lv);
/* Run `lvm ARGS...` (NULL-terminated, at most 14); its standard output,
 * trimmed, in OUT; on failure what it said on stderr (its output if it
 * said nothing there), as one line, for a message.  Its exit status, -1
 * if it could not run. */
int xlt_lvm(char *out, size_t size, const char *const *args);
/* The active LV's block device as blkback's physical-device: "MAJOR:MINOR"
 * in hex.  -1 if LV has no device node (inactive or missing). */
int xlt_lv_device(const struct xlt_lv *lv, char *device, size_t size);
struct xs_handle;
/* What xlt_vbd_user does not count: one backend (an absolute path), and
 * every disk of the domains with one UUID (a guest's other copy while it
 * migrates to this host); either may be NULL. */
struct xlt_vbd_skip {
    const char *backend;
    const char *guest_uuid;
};
/* Is DEVICE (physical-device) the disk of a vbd backend SKIP does not
 * name (SKIP may be NULL)?  With WRITERS_ONLY only a backend that writes
 * counts.  1 and its domain in *DOMID, or 0. */
int xlt_vbd_user(struct xs_handle *xs, const char *device,
                 const struct xlt_vbd_skip *skip, bool writers_only,
                 unsigned *domid);
/* The UUID of the frontend domain of vbd BACKEND (an absolute path). */
int xlt_vbd_guest_uuid(struct xs_handle *xs, const char *backend, char *uuid,
                       size_t size);

/* ---- volume.c: the volume-* requests' work ----------------------------- */

/* Run volume request OP ("volume-create" {"vg", "name", "size"},
 * "volume-snapshot" {"lv", "name", "size" (optional)}, "volume-grow"
 * {"lv", "size" ([+]SIZE)}, "volume-remove" {"lv"}, "volume-list" {"vgs":
 * [VG...]}) with ARGS, through the lvm command (seconds: not on a loop).
 * Its answer ({"message", "path"}, or {"volumes": [...]}) in *RESULT_R
 * (the caller frees it), or -1 with ERR. */
int xlt_volume_run(const char *op, yajl_val args, char **result_r,
                   struct xlt_err *err);

/* ---- command.c: running a helper program ------------------------------ */

/* Run the first of PATHS (NULL-terminated) that can be run, with ARGV,
 * the environment ENVP (NULL: this process's), stdin /dev/null and no
 * other fds; its standard output in OUT and its standard error in ERR,
 * each cut at its size (the rest is read and dropped).  Its exit status;
 * -1 if it could not start or was killed. */
int xlt_command(const char *const *paths, char *const *argv,
                char *const *envp, char *out, size_t out_size, char *err,
                size_t err_size);

/* ---- json.c: yajl helpers -------------------------------------------- */

/* A compact (single-line) generator. */
yajl_gen xlt_json_gen_new(void);
/* Append the generator's text to a malloc'd string; NULL on ENOMEM. */
char *xlt_json_gen_take(yajl_gen g);
yajl_gen_status xlt_json_str(yajl_gen g, const char *s);
yajl_gen_status xlt_json_kv_str(yajl_gen g, const char *k, const char *v);
yajl_gen_status xlt_json_kv_int(yajl_gen g, const char *k, long long v);
yajl_gen_status xlt_json_kv_uint(yajl_gen g, const char *k,
                                 unsigned long long v);
yajl_gen_status xlt_json_kv_double(yajl_gen g, const char *k, double v);
yajl_gen_status xlt_json_kv_bool(yajl_gen g, const char *k, bool v);
/* Emit a parsed tree into G (to re-nest or pretty-print a document). */
yajl_gen_status xlt_json_emit(yajl_gen g, yajl_val v);
/* Members of an object; NULL when absent or of another type. */
yajl_val xlt_json_get(yajl_val obj, const char *key);
const char *xlt_json_get_str(yajl_val obj, const char *key);
bool xlt_json_get_int(yajl_val obj, const char *key, long long *v);
/* The object OBJ with member KEY set to VALUE (replaced, or added last),
 * as indented text; NULL if OBJ is not an object or on ENOMEM. */
char *xlt_json_with(yajl_val obj, const char *key, yajl_val value);
/* A tree back to compact text; NULL on ENOMEM. */
char *xlt_json_to_text(yajl_val v);

/* ---- jsonparse.c: JSON from outside, within limits ------------------- */

#define XLT_JSON_MAX_DEPTH 64 /* nesting of arrays and objects */
/* 0 if TEXT is at most MAX_LEN bytes, nests at most XLT_JSON_MAX_DEPTH
 * deep and holds no comment (yajl accepts them; they can hide brackets);
 * else -1 with ERR saying so of WHAT ("message", "the header's config").
 * For JSON another parser (libxl's) reads. */
int xlt_json_check(const char *text, size_t max_len, const char *what,
                   struct xlt_err *err);
/* xlt_json_check, then yajl's tree of TEXT in *V_R (the caller frees it). */
int xlt_json_parse(const char *text, size_t max_len, const char *what,
                   yajl_val *v_r, struct xlt_err *err);

/* ---- proto.c: the xlt <-> xltd protocol ------------------------------- */

#define XLT_PROTO_VERSION 1
#define XLT_PROTO_MAX_LINE (4u << 20) /* one message, bytes */
#define XLT_SOCKET_PATH "/run/xlt/xltd.sock"
/* xltd's read-only socket, for the members of group XLT_RO_GROUP */
#define XLT_RO_SOCKET_PATH "/run/xlt/xltd-ro.sock"
#define XLT_RO_GROUP "xlt"
/* xltd's audit trail file, unless xlt.conf says otherwise */
#define XLTD_AUDIT_DEFAULT "/var/log/xlt/audit.log"
#define XLT_MIGRATE_PORT 8002 /* where xltd listens for migrations */
/* the remote API's port (xlt -H HOST's default), and who may use it */
#define XLT_REMOTE_PORT "8003"
#define XLTD_REMOTE_ALLOW XLT_PKI_DIR "/remote.allow"
/* xlt -H @GROUP's groups of hosts */
#define XLT_HOSTS_PATH "/etc/xlt/hosts.conf"

/* A line-delimited byte stream: feed it bytes, take whole lines. */
struct xlt_linebuf {
    char *buf;
    size_t len, cap;
};
void xlt_linebuf_dispose(struct xlt_linebuf *lb);
/* Read once from FD. Returns bytes read, 0 at EOF, -1 on error (errno). */
ssize_t xlt_linebuf_read(struct xlt_linebuf *lb, int fd);
/* 1 and a malloc'd line (no newline) in *line_r, 0 if none is complete yet,
 * -1 if the pending line is longer than XLT_PROTO_MAX_LINE. */
int xlt_linebuf_take(struct xlt_linebuf *lb, char **line_r);

enum xlt_msg_kind {
    XLT_MSG_REQUEST,  /* client -> daemon: {"xlt":1,"cmd":..,"args":{..}} */
    XLT_MSG_PROGRESS, /* daemon -> client: {"xlt":1,"progress":".."} */
    XLT_MSG_RESULT,   /* daemon -> client: {"xlt":1,"result":{..}} */
    XLT_MSG_ERROR,    /* daemon -> client: {"xlt":1,"error":"...",
                         "request":ID} (ID: the audit trail's, optional) */
    XLT_MSG_EVENT,    /* daemon -> client, once it follows the events:
                         {"xlt":1,"event":{..}} */
};

struct xlt_msg {
    enum xlt_msg_kind kind;
    const char *cmd;      /* REQUEST: the command name */
    const char *text;     /* PROGRESS, ERROR: the message */
    const char *request;  /* ERROR: the request's id (NULL: not said) */
    yajl_val body;        /* REQUEST: args; RESULT: result (may be NULL);
                             EVENT: the event (an object) */
    yajl_val tree;        /* owns everything above */
};

/* Parse and check one message line. */
int xlt_msg_parse(struct xlt_msg *msg, const char *line, struct xlt_err *err);
void xlt_msg_dispose(struct xlt_msg *msg);
/* Open a message in G up to the value the caller writes next: a REQUEST's
 * args object (CMD names the command), a RESULT's value, a PROGRESS or
 * ERROR text.  Then xlt_msg_end(). */
yajl_gen_status xlt_msg_begin(yajl_gen g, enum xlt_msg_kind kind,
                              const char *cmd);
/* Close the message and return it as one line with its '\n'. */
char *xlt_msg_end(yajl_gen g);
/* A whole PROGRESS or ERROR message, ready to send; NULL on ENOMEM. */
char *xlt_msg_text(enum xlt_msg_kind kind, const char *text);
/* An ERROR message naming the REQUEST's id (NULL: none). */
char *xlt_msg_error(const char *text, const char *request);
/* The longest command name a request may carry. */
#define XLT_PROTO_MAX_CMD 64

/* ---- domref.c: naming a domain on the command line -------------------- */

/* "7" -> domid 7; a name -> looked up.  CTX may be NULL for ids only. */
int xlt_domain_lookup(libxl_ctx *ctx, const char *ref, uint32_t *domid_r,
                      struct xlt_err *err);

/* ---- savefile.c: xl's save-file header ------------------------------ */

#define XLT_SAVE_JSON (1u << 0)     /* the config is JSON (else xl.cfg) */
#define XLT_SAVE_STREAMV2 (1u << 1) /* libxl's migration stream v2 */
#define XLT_SAVE_FIXED_LEN 48

struct xlt_save_header {
    uint32_t mandatory; /* XLT_SAVE_* */
    char *config;       /* the domain config, NULL if the file has none */
    char *extras;       /* xlt's own state (JSON), NULL if none */
};

/* The header for CONFIG (libxl_domain_config JSON) and EXTRAS (JSON with
 * "xlt_save", or NULL) in *BUF_R, *LEN_R bytes (the caller frees it). */
int xlt_save_header_build(const char *config, const char *extras,
                          char **buf_r, size_t *len_r, struct xlt_err *err);
/* Check the first XLT_SAVE_FIXED_LEN bytes (FIXED) of SOURCE; the flags in
 * H, the length of the optional data that follow in *OPTIONAL_R. */
int xlt_save_header_fixed(const void *fixed, const char *source,
                          struct xlt_save_header *h, uint32_t *optional_r,
                          struct xlt_err *err);
/* The optional data (LEN bytes) into H. */
int xlt_save_header_optional(const void *optional, size_t len,
                             const char *source, struct xlt_save_header *h,
                             struct xlt_err *err);
/* Both, from the whole header in BUF (LEN bytes, as a migration sends it). */
int xlt_save_header_parse(const void *buf, size_t len, const char *source,
                          struct xlt_save_header *h, struct xlt_err *err);
/* Both, read from FD; FD is left at the start of libxl's stream. */
int xlt_save_header_read(int fd, const char *source,
                         struct xlt_save_header *h, struct xlt_err *err);
void xlt_save_header_dispose(struct xlt_save_header *h);

/* ---- chan.c: the migration channel (TLS-PSK or plain) and its frames - */

#define XLT_FRAME_MAX (1u << 20)
enum {
    XLT_FRAME_JSON = 'J',   /* a control message */
    XLT_FRAME_HEADER = 'H', /* the domain's save header (savefile.c) */
    XLT_FRAME_DATA = 'D',   /* a piece of libxl's stream */
    XLT_FRAME_END = 'E',    /* libxl's stream is complete */
};

struct xlt_chan;
/* 0 if HEX is a usable pre-shared key (16 bytes or more, in hex). */
int xlt_psk_check(const char *hex, struct xlt_err *err);
/* A channel on connected socket FD: TLS with the key PSK (hex), or plain
 * if PSK is NULL.  The client names itself IDENTITY (its host name; NULL:
 * "xlt"); the key exchange always has forward secrecy (ECDHE-PSK or
 * DHE-PSK).  The server end refuses a peer that speaks the other way.
 * On success the channel owns FD; on failure the caller keeps it. */
int xlt_chan_client(int fd, const char *psk, const char *identity,
                    struct xlt_chan **ch_r, struct xlt_err *err);
int xlt_chan_server(int fd, const char *psk, struct xlt_chan **ch_r,
                    struct xlt_err *err);
bool xlt_chan_is_tls(const struct xlt_chan *ch);
/* "(TLS1.3)-(ECDHE-SECP256R1)-...", and the client's identity at a
 * server, or "plain": for the log. */
void xlt_chan_describe(const struct xlt_chan *ch, char *buf, size_t size);
/* The key exchange's name ("ECDHE-PSK"), "none" if plain. */
const char *xlt_chan_kx(const struct xlt_chan *ch);
int xlt_frame_send(struct xlt_chan *ch, char kind, const void *data,
                   size_t len, struct xlt_err *err);
/* The next frame, its payload (NUL-terminated, the caller frees it) in
 * *DATA_R; one longer than MAX is an error. */
int xlt_frame_recv(struct xlt_chan *ch, char *kind_r, char **data_r,
                   size_t *len_r, size_t max, struct xlt_err *err);
/* The same into BUF (CAP bytes, the most it takes), for the stream. */
int xlt_frame_recv_into(struct xlt_chan *ch, char *kind_r, void *buf,
                        size_t cap, size_t *len_r, struct xlt_err *err);
/* From a frame's first byte, the whole of it must come within MS (0: no
 * limit), however the peer spaces its bytes; the wait for that first byte
 * is the socket's own timeout.  For a receiver, against a peer that
 * trickles. */
void xlt_chan_frame_deadline(struct xlt_chan *ch, int ms);
/* Make the other thread's blocking I/O on CH fail at once. */
void xlt_chan_shutdown(struct xlt_chan *ch);
void xlt_chan_close(struct xlt_chan *ch);

/* ---- units.c: memory sizes as xl takes them -------------------------- */

/* A memory size as xl mem-set takes it: a number with an optional unit,
 * b, k, m (the default), g or t (either case), into KiB.  -1 if it is not
 * one. */
int xlt_mem_size_kb(const char *s, uint64_t *kb_r);

/* ---- storeentry.c: the shape of xltd's store entries ---------------- */

/* 0 if E is a store entry xltd can read: {"xlt_store": 1, "name", "config"
 * (an object), "path"/"text" (strings or null), "building"/"dedicated"
 * (booleans), "pinning" {"hard"/"soft": [spec|null...]}}, all but the
 * first three optional; else -1 with ERR naming the key. */
int xlt_store_entry_check(yajl_val e, struct xlt_err *err);
/* 0 if E is a definition xltd can read (/var/lib/xlt/defined/UUID.json):
 * {"xlt_definition": 1, "name", "uuid" (its text), "config" (libxl's),
 * "path"/"text" (strings or null), "autostart" (a boolean),
 * "autostart_order" (an integer), "autostart_delay" (0 to
 * XLT_AUTOSTART_DELAY_MAX seconds)}, the last five optional; else -1
 * with ERR naming the key. */
#define XLT_AUTOSTART_DELAY_MAX 3600
int xlt_definition_check(yajl_val e, struct xlt_err *err);

/* ---- auditlog.c: the audit trail's hash-chained JSON lines ------------ */

#define XLT_AUDIT_HASH_LEN 64 /* SHA-256 in hex */
/* The "prev" of a trail's first record. */
extern const char xlt_audit_genesis[XLT_AUDIT_HASH_LEN + 1];
/* HEX: the SHA-256 of DATA. */
int xlt_audit_hash(const void *data, size_t len,
                   char hex[XLT_AUDIT_HASH_LEN + 1]);
/* The line of BODY (a JSON object's text whose last member is "prev"),
 * sealed: "hash" added, the hash in HASH_R.  NULL if BODY is no object
 * or out of memory; the caller frees it. */
char *xlt_audit_seal(const char *body, char hash_r[XLT_AUDIT_HASH_LEN + 1]);
/* Check a trail's TEXT (LEN bytes, whole lines): each record sealed, each
 * "prev" the hash of the one before.  0 with the count and the newest
 * hash (the genesis if none); -1 with ERR naming the first bad record. */
int xlt_audit_verify(const char *text, size_t len, size_t *count_r,
                     char last_r[XLT_AUDIT_HASH_LEN + 1], struct xlt_err *err);

/* ---- roles.c: what a caller of xltd may do ---------------------------- */

/* In order: each may do what the ones before it may. */
/* NONE: a caller not let in (a refused remote client), below every role */
enum xlt_role {
    XLT_ROLE_NONE = -1,
    XLT_ROLE_READ_ONLY,
    XLT_ROLE_OPERATOR,
    XLT_ROLE_ADMIN
};

const char *xlt_role_name(enum xlt_role role);
/* TEXT ("read-only", "operator", "admin") as a role. */
int xlt_role_parse(const char *text, enum xlt_role *role_r,
                   struct xlt_err *err);

/* ---- allowlist.c: who may use the remote API, in which role ---------- */

/* Does DN (a certificate's subject, RFC 4514) match PATTERN, part by
 * part, each part a shell pattern? */
bool xlt_allow_match(const char *pattern, const char *dn);
/* The allow-list at PATH (lines "ROLE DN-PATTERN"): 1 with *ROLE_R the
 * role of the first line matching DN, 0 if none does (or PATH does not
 * exist: nobody is let in), -1 if PATH cannot be read or any line is
 * wrong (ERR: "PATH:LINE: why").  DN NULL checks the whole file.  *RULES_R
 * (may be NULL): the lines read. */
int xlt_allow_lookup(const char *path, const char *dn, enum xlt_role *role_r,
                     int *rules_r, struct xlt_err *err);

/* ---- apitls.c: the remote API's TLS, X.509 both ways ---------------- */

/* A TLS session of the remote API. */
struct xlt_tls;
/* The server's side on FD (connected): DIR's ca.pem, crl.pem (if any),
 * host.pem and private/host-key.pem; the handshake within MS ms. */
int xlt_tls_accept(int fd, const char *dir, int ms, struct xlt_tls **t_r,
                   struct xlt_err *err);
/* The client's certificate checked (this host's CA, its CRL, its dates,
 * made for TLS clients) and its subject (RFC 4514) into DN: 0, or -1 with
 * ERR saying why it is refused (DN set if it sent one). */
int xlt_tls_client_dn(struct xlt_tls *t, char *dn, size_t size,
                      struct xlt_err *err);
/* The client's side on FD: DIR's ca.pem, client.pem and
 * private/client-key.pem; the server's certificate must name HOST. */
int xlt_tls_connect(int fd, const char *dir, const char *host, int ms,
                    struct xlt_tls **t_r, struct xlt_err *err);
int xlt_tls_send(struct xlt_tls *t, const char *buf, size_t len);
/* Say the session's end (the peer reads an end, not an error). */
void xlt_tls_bye(struct xlt_tls *t);
/* Move bytes between T and the socket LOCAL until either ends or STOP
 * (an fd; -1: none) becomes readable. */
void xlt_tls_relay(struct xlt_tls *t, int local, int stop);
/* Free T (its fd is the caller's). */
void xlt_tls_close(struct xlt_tls *t);

/* ---- net.c: TCP listeners and connections ---------------------------- */

/* A listening socket (non-blocking) on ADDR (numeric) port PORT, or on
 * every address, IPv6 and IPv4, if ADDR is NULL. */
int xlt_tcp_listen(const char *addr, int port, struct xlt_err *err);
/* A connection taken from LISTEN_FD (xlt_accept, blocking, close-on-exec),
 * its peer's address, numeric (an IPv4 one plain, not as IPv6), into PEER
 * (SIZE bytes); -1 with errno set. */
int xlt_accept_peer(int listen_fd, int *spare_fd, char *peer, size_t size);
/* A connection (non-blocking) to HOST PORT within MS ms, given up when
 * WAKE (an fd; -1: none) becomes readable. */
int xlt_tcp_connect(const char *host, const char *port, int wake, int ms,
                    struct xlt_err *err);
/* Keepalive on FD: a peer silent IDLE_S seconds is probed, and found dead
 * about as long again later; unacknowledged data too. */
void xlt_tcp_keepalive(int fd, int idle_s);
/* SPEC, "HOST", "HOST:PORT", "[IPV6]" or "[IPV6]:PORT", into HOST and
 * PORT (DEFAULT_PORT if it names none). */
int xlt_host_port(const char *spec, const char *default_port, char *host,
                  size_t host_size, char *port, size_t port_size,
                  struct xlt_err *err);

/* ---- pki.c: the remote API's CA, keys and certificates (GnuTLS) ------ */

#define XLT_PKI_DIR "/etc/xlt/pki"
/* What a certificate says, as `xlt pki` shows it. */
struct xlt_cert_info {
    char dn[256];          /* its subject, RFC 4514 ("CN=alice,OU=operator,
                              O=lab": gnutls_x509_crt_get_dn3, flags 0) */
    char issuer[256];
    char serial[80];       /* hex, lower case, no separators */
    char fingerprint[100]; /* SHA-256, upper-case hex pairs joined by ':' */
    time_t not_before, not_after;
    char cert_path[4096], key_path[4096]; /* files written ("" if none) */
    char bundle[4096];     /* issue: the folder to copy whole */
};
/* Make a CA in DIR named NAME (subject "CN=NAME CA,O=NAME"), valid DAYS
 * days: ca.pem, private/ca-key.pem, an empty crl.pem and (unless there is
 * one) remote.allow, giving NAME's users their certificates' roles (DIR,
 * private/ and issued/ made if missing).  INFO (may be NULL): the CA's. */
int xlt_pki_init(const char *dir, const char *name, int days,
                 struct xlt_cert_info *info, struct xlt_err *err);
/* Issue a key and certificate signed by DIR's CA, valid DAYS days (no
 * longer than the CA), as a bundle laid out as a PKI directory in OUT
 * (NULL: DIR/issued/NAME): ca.pem, crl.pem, host.pem and
 * private/host-key.pem (and remote.allow) for a host, client.pem and
 * private/client-key.pem for a user; DIR/issued/NAME.pem keeps the
 * certificate.  A host's (ROLE NULL): subject "CN=NAME,OU=host,O=<the
 * CA's O>", subject alternative names NAME and each of ALT_NAMES (N_ALT
 * of them; an IPv4/IPv6 literal becomes an IP address SAN, anything else
 * a DNS name), extended key usage TLS server and client.  A user's (ROLE
 * "read-only", "operator" or "admin"; no ALT_NAMES): subject
 * "CN=NAME,OU=ROLE,O=<the CA's O>", extended key usage TLS client only. */
int xlt_pki_issue(const char *dir, const char *out, const char *name,
                  const char *role, const char *const *alt_names,
                  size_t n_alt, int days, struct xlt_cert_info *info,
                  struct xlt_err *err);
/* Add the certificate at CERT (a path if it has a '/', else NAME meaning
 * DIR/issued/NAME.pem) to DIR's CRL, re-signed, written atomically;
 * INFO: the certificate's, its cert_path the CRL.  Revoking one already
 * revoked is not an error.  CERT NULL: only re-sign the CRL (its next
 * update is a year away at most). */
int xlt_pki_revoke(const char *dir, const char *cert,
                   struct xlt_cert_info *info, struct xlt_err *err);
/* What the certificate in file PATH says. */
int xlt_pki_describe(const char *path, struct xlt_cert_info *info,
                     struct xlt_err *err);

/* ---- stats.c: one sample of the host's and its domains' counters ----- */

struct xlt_stats_vcpu {
    bool online;
    uint64_t ns; /* time run */
};
struct xlt_stats_vbd {
    char device[16]; /* the guest's name for it: xvda */
    uint64_t rd_reqs, wr_reqs, rd_sects, wr_sects, oo_reqs;
};
/* As the guest sees it: rx is what it received. */
struct xlt_stats_vif {
    unsigned id; /* the vif's devid: vifDOMID.ID in dom0 */
    char bridge[32];
    uint64_t rx_bytes, rx_packets, rx_drops, rx_errs;
    uint64_t tx_bytes, tx_packets, tx_drops, tx_errs;
};
struct xlt_stats_domain {
    uint32_t domid;
    char *name;
    char uuid[LIBXL_UUID_FMTLEN + 1];
    char state[7]; /* xentop's: d s b c p r, '-' when not */
    uint64_t cpu_ns;
    uint64_t mem_bytes, target_bytes, max_bytes; /* target 0: unknown */
    size_t n_vcpus, n_vbds, n_vifs;
    struct xlt_stats_vcpu *vcpus;
    struct xlt_stats_vbd *vbds;
    struct xlt_stats_vif *vifs;
};
struct xlt_stats {
    uint64_t mono_ns; /* when taken, CLOCK_MONOTONIC of the host */
    uint64_t number, took_ns; /* the sampler's count, and its time */
    uint64_t mem_total, mem_free, cpu_hz;
    size_t n_pcpus, n_domains;
    uint64_t *pcpu_idle_ns; /* each physical CPU's idle time */
    struct xlt_stats_domain *domains;
};

void xlt_stats_init(struct xlt_stats *s);
void xlt_stats_dispose(struct xlt_stats *s);
/* The domain of that UUID and id in S, or NULL. */
const struct xlt_stats_domain *xlt_stats_find(const struct xlt_stats *s,
                                              const char *uuid,
                                              uint32_t domid);
/* S as a JSON object, with only the domains of IDS (all when N_IDS is
 * 0). */
void xlt_stats_gen(yajl_gen g, const struct xlt_stats *s,
                   const uint32_t *ids, size_t n_ids);
/* xlt_stats_gen's object back into *S (disposed on failure). */
int xlt_stats_parse(yajl_val v, struct xlt_stats *s, struct xlt_err *err);

/* ---- util.c: small I/O helpers, the time ----------------------------- */

/* Read PATH whole into a NUL-terminated buffer the caller frees. */
int xlt_read_file(const char *path, char **text_r, size_t *len_r,
                  struct xlt_err *err);
int xlt_write_all(int fd, const void *buf, size_t len);
/* open(2) of PATH with FLAGS (and MODE, for O_CREAT) that never waits
 * (a FIFO with no writer, a tty) and takes only a regular file: the fd
 * (blocking again), or -1 with ERR naming PATH. */
int xlt_open_regular(const char *path, int flags, mode_t mode,
                     struct xlt_err *err);
/* accept4(2) on LISTEN_FD; when the process is out of fds, the pending
 * connection is accepted with *SPARE_FD (an fd kept open for this, then
 * reopened) and closed at once, so that the listener does not stay
 * readable: -1 with errno EMFILE. */
int xlt_accept(int listen_fd, int *spare_fd, struct sockaddr *sa,
               socklen_t *len, int flags);
/* Now, in UTC, to the millisecond, as the audit trail and the events
 * write times: 2026-12-07T07:10:00.123Z. */
void xlt_utc_now(char *out, size_t len);

#endif
