/* conf.c: xltd's configuration file, in xl.cfg syntax, read by libxlutil. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xltd.h"

/* ITEMS (NULL-terminated) as a list of their copies; NULL if out of
 * memory. */
static libxl_string_list strings_of(const char *const *items)
{
    size_t n = 0;
    libxl_string_list list;

    while (items[n])
        n++;
    list = calloc(n + 1, sizeof(*list));
    for (size_t i = 0; list && i < n; i++)
        if (!(list[i] = strdup(items[i])))
            libxl_string_list_dispose(&list);
    return list;
}

void conf_init(struct xltd_conf *conf)
{
    static const char *const boot_dirs[] = {"/boot", "/var/lib/xlt/boot",
                                            NULL};
    static const char *const disk_dirs[] = {"/var/lib/xlt/images",
                                            "/var/lib/xen/images", NULL};

    conf->socket_path = strdup(XLT_SOCKET_PATH);
    conf->ro_socket_path = strdup(XLT_RO_SOCKET_PATH);
    conf->ro_group = strdup(XLT_RO_GROUP);
    conf->audit_path = strdup(XLTD_AUDIT_DEFAULT);
    conf->pid_path = strdup(XLTD_PID_PATH);
    conf->log_path = strdup(XLTD_LOG_PATH);
    conf->state_dir = strdup(XLTD_STATE_DIR);
    conf->bridge = strdup("xenbr0");
    conf->log_level = LOGL_INFO;
    conf->stop_seconds = 30;
    conf->idle_seconds = 30;
    conf->balloon.mode = AUTOBALLOON_AUTO;
    conf->balloon.dom0_min_kb = (uint64_t)512 * 1024;
    conf->balloon.seconds = 30;
    conf->crash.restart_limit = 5;
    conf->crash.window_s = 600;
    conf->crash.dump_keep = 3;
    conf->migrate.port = XLT_MIGRATE_PORT;
    conf->migrate.key_path = strdup("/etc/xlt/migrate.key");
    conf->migrate.boot_dirs = strings_of(boot_dirs);
    conf->migrate.disk_dirs = strings_of(disk_dirs);
    conf->remote.pki_dir = strdup(XLT_PKI_DIR);
    conf->remote.allow_path = strdup(XLTD_REMOTE_ALLOW);
    conf->metrics.token_path = strdup("");
    conf->host.mode = HOST_SHUTDOWN_SAVE;
    conf->host.save_dir = strdup(XLTD_STATE_DIR "/save");
    conf->host.shutdown_timeout_s = 300;
    conf->host.migrate_to = strdup("");
    conf->host.parallel = 4;
    conf->boot_mark = strdup(XLTD_BOOT_MARK);
}

void conf_dispose(struct xltd_conf *conf)
{
    free(conf->socket_path);
    free(conf->ro_socket_path);
    free(conf->ro_group);
    free(conf->audit_path);
    free(conf->pid_path);
    free(conf->log_path);
    free(conf->state_dir);
    free(conf->bridge);
    free(conf->migrate.key_path);
    for (size_t i = 0; i < conf->migrate.n_listen; i++)
        free(conf->migrate.listen[i]);
    libxl_string_list_dispose(&conf->migrate.boot_dirs);
    libxl_string_list_dispose(&conf->migrate.volume_groups);
    libxl_string_list_dispose(&conf->migrate.disk_dirs);
    for (size_t i = 0; i < conf->remote.n_listen; i++)
        free(conf->remote.listen[i]);
    free(conf->remote.pki_dir);
    free(conf->remote.allow_path);
    for (size_t i = 0; i < conf->metrics.n_listen; i++)
        free(conf->metrics.listen[i]);
    free(conf->metrics.token_path);
    free(conf->host.save_dir);
    free(conf->host.migrate_to);
    free(conf->boot_mark);
    memset(conf, 0, sizeof(*conf));
}

/* What is wrong with a value (NULL: nothing). */
typedef const char *value_check(const char *s);

/* KEY's string, if the file sets it, into *FIELD once CHECK takes it. */
static int conf_string(struct xlt_cfgfile *cf, const char *key, char **field,
                       value_check *check, struct xlt_err *err)
{
    const char *s, *why;
    int rc = xlt_cfgfile_string(cf, key, &s, err);

    if (rc)
        return rc < 0 ? rc : 0;
    why = check(s);
    if (why)
        return xlt_cfgfile_bad(cf, err, key, "`%s' %s", s, why);
    free(*field);
    *field = strdup(s);
    return *field ? 0 : xlt_err_set(err, "out of memory");
}

static const char *absolute_path(const char *s)
{
    return s[0] == '/' ? NULL : "is not an absolute path";
}

static const char *absolute_path_or_none(const char *s)
{
    return !*s || s[0] == '/' ? NULL
                              : "is not an absolute path (nor \"\": none)";
}

/* A network interface's name (IFNAMSIZ: 15 characters at most). */
static const char *interface_name(const char *s)
{
    return !*s || strlen(s) > 15 || strpbrk(s, "/ \t")
               ? "is not an interface name"
               : NULL;
}

/* A group's name, as useradd takes it. */
static const char *group_name(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-");

    return !*s || s[n] || n > 32 || *s == '-' ? "is not a group's name"
                                              : NULL;
}

static int conf_path(struct xlt_cfgfile *cf, const char *key, char **field,
                     struct xlt_err *err)
{
    return conf_string(cf, key, field, absolute_path, err);
}

static int conf_level(struct xlt_cfgfile *cf, enum log_level *level,
                      struct xlt_err *err)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    const char *s;
    int rc = xlt_cfgfile_string(cf, "log_level", &s, err);

    if (rc)
        return rc < 0 ? rc : 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!strcmp(s, names[i])) {
            *level = (enum log_level)i;
            return 0;
        }
    }
    return xlt_cfgfile_bad(cf, err, "log_level",
                           "`%s' is not one of error, warning, info, debug",
                           s);
}

/* autoballoon = "auto" | "on" | "off", dom0_min_mem (MiB),
 * autoballoon_seconds. */
static int conf_balloon(struct xlt_cfgfile *cf, struct balloon_conf *b,
                        struct xlt_err *err)
{
    static const char *const modes[] = {"auto", "on", "off"};
    const char *s;
    long n;
    int rc = xlt_cfgfile_string(cf, "autoballoon", &s, err);

    if (rc < 0)
        return rc;
    for (size_t i = 0; rc == 0 && i < sizeof(modes) / sizeof(modes[0]); i++)
        if (!strcmp(s, modes[i])) {
            b->mode = (enum autoballoon)i;
            rc = 1;
        }
    if (rc == 0)
        return xlt_cfgfile_bad(cf, err, "autoballoon", "`%s' is not auto, "
                               "on or off", s);
    rc = xlt_cfgfile_long(cf, "dom0_min_mem", 64, 1L << 30, &n, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        b->dom0_min_kb = (uint64_t)n * 1024;
    rc = xlt_cfgfile_long(cf, "autoballoon_seconds", 1, 3600, &n, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        b->seconds = (int)n;
    return 0;
}

/* KEY, a number from MIN to MAX, into *FIELD if set. */
static int conf_int(struct xlt_cfgfile *cf, const char *key, long min,
                    long max, int *field, struct xlt_err *err)
{
    long n;
    int rc = xlt_cfgfile_long(cf, key, min, max, &n, err);

    if (rc == 0)
        *field = (int)n;
    return rc < 0 ? rc : 0;
}

/* stop_timeout (seconds): how long a stop waits for work under way;
 * control_idle_timeout (seconds): how long a client may wait idle. */
static int conf_timeouts(struct xlt_cfgfile *cf, struct xltd_conf *conf,
                         struct xlt_err *err)
{
    return conf_int(cf, "stop_timeout", 1, 3600, &conf->stop_seconds,
                    err) ||
                   conf_int(cf, "control_idle_timeout", 1, 86400,
                            &conf->idle_seconds, err)
               ? -1
               : 0;
}

/* crash_restart_limit, crash_restart_window (s), dump_keep. */
static int conf_crash(struct xlt_cfgfile *cf, struct crash_conf *c,
                      struct xlt_err *err)
{
    return conf_int(cf, "crash_restart_limit", 0, 1000, &c->restart_limit,
                    err) ||
                   conf_int(cf, "crash_restart_window", 1, 86400,
                            &c->window_s, err) ||
                   conf_int(cf, "dump_keep", 0, 1000, &c->dump_keep, err)
               ? -1
               : 0;
}

static const char *const shutdown_modes[] = {"save", "shutdown", "migrate"};

int host_shutdown_mode_parse(const char *s, enum host_shutdown_mode *mode)
{
    for (size_t i = 0; i < sizeof(shutdown_modes) / sizeof(shutdown_modes[0]);
         i++)
        if (!strcmp(s, shutdown_modes[i])) {
            *mode = (enum host_shutdown_mode)i;
            return 0;
        }
    return -1;
}

const char *host_shutdown_mode_name(enum host_shutdown_mode mode)
{
    return shutdown_modes[mode];
}

static const char *any_text(const char *s)
{
    (void)s;
    return NULL;
}

/* host_shutdown = "save" | "shutdown" | "migrate", host_save_dir,
 * host_shutdown_timeout, host_migrate_to, host_parallel, boot_mark. */
static int conf_host(struct xlt_cfgfile *cf, struct xltd_conf *conf,
                     struct xlt_err *err)
{
    struct host_conf *h = &conf->host;
    const char *s;
    int rc = xlt_cfgfile_string(cf, "host_shutdown", &s, err);

    if (rc < 0)
        return rc;
    if (rc == 0 && host_shutdown_mode_parse(s, &h->mode))
        return xlt_cfgfile_bad(cf, err, "host_shutdown", "`%s' is not save, "
                               "shutdown or migrate", s);
    return conf_path(cf, "host_save_dir", &h->save_dir, err) ||
                   conf_int(cf, "host_shutdown_timeout", 1, 86400,
                            &h->shutdown_timeout_s, err) ||
                   conf_string(cf, "host_migrate_to", &h->migrate_to,
                               any_text, err) ||
                   conf_int(cf, "host_parallel", 1, 64, &h->parallel, err) ||
                   conf_path(cf, "boot_mark", &conf->boot_mark, err)
               ? -1
               : 0;
}

/* ADDR is one address of this host's, numeric: IPv4 or IPv6. */
static bool one_address(const char *addr)
{
    unsigned char buf[sizeof(struct in6_addr)];

    return inet_pton(AF_INET, addr, buf) == 1 ||
           inet_pton(AF_INET6, addr, buf) == 1;
}

static bool any_address(const char *addr)
{
    return !strcmp(addr, "0.0.0.0") || !strcmp(addr, "::");
}

/* ADDR, one of KEY's, added to LISTEN (*N of them). */
static int listen_add(struct xlt_cfgfile *cf, const char *key, char **listen,
                      size_t *n, const char *addr, struct xlt_err *err)
{
    if (!one_address(addr))
        return xlt_cfgfile_bad(cf, err, key, "`%s' is not an IP address "
                               "(numeric IPv4 or IPv6; no names)", addr);
    if (*n == LISTEN_MAX)
        return xlt_cfgfile_bad(cf, err, key, "more than %d addresses",
                               LISTEN_MAX);
    listen[*n] = strdup(addr);
    if (!listen[*n])
        return xlt_err_set(err, "out of memory");
    (*n)++;
    return 0;
}

/* KEY: one string or a list of them, into *LIST (what it held goes); 1 if
 * KEY is absent. */
static int conf_strings(struct xlt_cfgfile *cf, const char *key,
                        libxl_string_list *list, struct xlt_err *err)
{
    libxl_string_list found = NULL;
    const char *one;
    int rc = xlt_cfgfile_list_strings(cf, key, &found, err);

    if (rc == 1) {
        rc = xlt_cfgfile_string(cf, key, &one, err);
        if (rc == 0 && !(found = strings_of((const char *const[]){one, NULL})))
            rc = xlt_err_set(err, "out of memory");
    }
    if (rc)
        return rc;
    libxl_string_list_dispose(list);
    *list = found;
    return 0;
}

/* KEY (migrate_listen, remote_listen): one address or a list of them,
 * into LISTEN (*N of them). */
static int conf_listen(struct xlt_cfgfile *cf, const char *key, char **listen,
                       size_t *n, struct xlt_err *err)
{
    libxl_string_list list = NULL;
    int rc = conf_strings(cf, key, &list, err);

    for (int i = 0; rc == 0 && list && list[i]; i++)
        rc = listen_add(cf, key, listen, n, list[i], err);
    libxl_string_list_dispose(&list);
    return rc < 0 ? -1 : 0;
}

/* KEY: absolute directories, one or a list. */
static int conf_dirs(struct xlt_cfgfile *cf, const char *key,
                     libxl_string_list *list, struct xlt_err *err)
{
    int rc = conf_strings(cf, key, list, err);

    for (int i = 0; rc == 0 && *list && (*list)[i]; i++)
        if ((*list)[i][0] != '/')
            return xlt_cfgfile_bad(cf, err, key, "`%s' is not an absolute "
                                   "path", (*list)[i]);
    return rc < 0 ? -1 : 0;
}

/* migrate_volume_groups: volume group names, one or a list. */
static int conf_vgs(struct xlt_cfgfile *cf, libxl_string_list *list,
                    struct xlt_err *err)
{
    int rc = conf_strings(cf, "migrate_volume_groups", list, err);

    for (int i = 0; rc == 0 && *list && (*list)[i]; i++) {
        const char *vg = (*list)[i];
        if (!*vg || strlen(vg) > 127 || vg[0] == '-' ||
            strspn(vg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "0123456789+_.-") != strlen(vg))
            return xlt_cfgfile_bad(cf, err, "migrate_volume_groups", "`%s' "
                                   "is not a volume group's name", vg);
    }
    return rc < 0 ? -1 : 0;
}

/* Plain migrations authenticate nobody: only on a private link's
 * addresses, named. */
static int plain_named(struct xlt_cfgfile *cf, const struct migrate_conf *m,
                       struct xlt_err *err)
{
    if (!m->plain || m->port == 0)
        return 0;
    if (m->n_listen == 0)
        return xlt_cfgfile_bad(cf, err, "migrate_plain", "plain migrations "
                               "(no TLS, no key) are taken only on the "
                               "addresses migrate_listen names (a trusted, "
                               "private link's); it names none");
    for (size_t i = 0; i < m->n_listen; i++)
        if (any_address(m->listen[i]))
            return xlt_cfgfile_bad(cf, err, "migrate_plain", "plain "
                                   "migrations are taken only on named "
                                   "addresses, and migrate_listen's `%s' "
                                   "is every address", m->listen[i]);
    return 0;
}

/* migrate_port (0: no listener), migrate_key_file, migrate_plain,
 * migrate_listen, and what a domain migrating in may use:
 * migrate_boot_dirs, migrate_disk_dirs, migrate_volume_groups. */
static int conf_migrate(struct xlt_cfgfile *cf, struct migrate_conf *m,
                        struct xlt_err *err)
{
    long n;
    int rc = xlt_cfgfile_long(cf, "migrate_port", 0, 65535, &n, err);

    if (rc < 0)
        return rc;
    if (rc == 0)
        m->port = (int)n;
    if (conf_path(cf, "migrate_key_file", &m->key_path, err))
        return -1;
    rc = xlt_cfgfile_long(cf, "migrate_plain", 0, 1, &n, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        m->plain = n == 1;
    return conf_listen(cf, "migrate_listen", m->listen, &m->n_listen, err) ||
                   plain_named(cf, m, err) ||
                   conf_dirs(cf, "migrate_boot_dirs", &m->boot_dirs, err) ||
                   conf_dirs(cf, "migrate_disk_dirs", &m->disk_dirs, err) ||
                   conf_vgs(cf, &m->volume_groups, err)
               ? -1
               : 0;
}

/* remote_port (0: no remote API), remote_listen, pki_dir, remote_allow. */
static int conf_remote(struct xlt_cfgfile *cf, struct remote_conf *r,
                       struct xlt_err *err)
{
    long n;
    int rc = xlt_cfgfile_long(cf, "remote_port", 0, 65535, &n, err);

    if (rc < 0)
        return rc;
    if (rc == 0)
        r->port = (int)n;
    return conf_listen(cf, "remote_listen", r->listen, &r->n_listen, err) ||
                   conf_path(cf, "pki_dir", &r->pki_dir, err) ||
                   conf_path(cf, "remote_allow", &r->allow_path, err)
               ? -1
               : 0;
}

/* metrics_port (0: no /metrics), metrics_listen, metrics_tls,
 * metrics_token_file. */
static int conf_metrics(struct xlt_cfgfile *cf, struct metrics_conf *m,
                        struct xlt_err *err)
{
    long n;
    int rc = xlt_cfgfile_long(cf, "metrics_port", 0, 65535, &n, err);

    if (rc < 0)
        return rc;
    if (rc == 0)
        m->port = (int)n;
    rc = xlt_cfgfile_long(cf, "metrics_tls", 0, 1, &n, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        m->tls = n == 1;
    return conf_listen(cf, "metrics_listen", m->listen, &m->n_listen, err) ||
                   conf_string(cf, "metrics_token_file", &m->token_path,
                               absolute_path_or_none, err)
               ? -1
               : 0;
}

int conf_read(struct xltd_conf *conf, const char *path, bool must_exist,
              struct xlt_err *err)
{
    struct xlt_cfgfile *cf = NULL;
    char *text = NULL;
    size_t len;
    int rc = -1;

    if (!must_exist && access(path, F_OK) && errno == ENOENT)
        return 0;
    if (xlt_read_file(path, &text, &len, err) ||
        xlt_cfgfile_open(&cf, path, text, len, len, err))
        goto out;
    if (conf_path(cf, "socket", &conf->socket_path, err) ||
        conf_string(cf, "ro_socket", &conf->ro_socket_path,
                    absolute_path_or_none, err) ||
        conf_string(cf, "ro_group", &conf->ro_group, group_name, err) ||
        conf_string(cf, "audit_log", &conf->audit_path,
                    absolute_path_or_none, err) ||
        conf_path(cf, "pid_file", &conf->pid_path, err) ||
        conf_path(cf, "log_file", &conf->log_path, err) ||
        conf_path(cf, "state_dir", &conf->state_dir, err) ||
        conf_string(cf, "bridge", &conf->bridge, interface_name, err) ||
        conf_level(cf, &conf->log_level, err) ||
        conf_timeouts(cf, conf, err) ||
        conf_balloon(cf, &conf->balloon, err) ||
        conf_crash(cf, &conf->crash, err) ||
        conf_host(cf, conf, err) ||
        conf_migrate(cf, &conf->migrate, err) ||
        conf_remote(cf, &conf->remote, err) ||
        conf_metrics(cf, &conf->metrics, err))
        goto out;
    rc = 0;
out:
    xlt_cfgfile_close(cf);
    free(text);
    return rc;
}
