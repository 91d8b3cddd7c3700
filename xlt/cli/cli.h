/* The xlt command: shared declarations of the files in xlt/cli/.  Each
 * section names the file that defines it (scripts/check-index checks). */
#ifndef XLT_CLI_H
#define XLT_CLI_H

#include <getopt.h>

#include <pthread.h>

#include "xlt.h"

/* What every command handler gets. */
struct cli {
    const char *socket_path;
    const char *host;         /* -H HOST[:PORT]: that host's xltd; NULL:
                                 this one's */
    const char *prog;         /* "xlt" */
    const struct xlt_command *cmd;
    bool quiet;               /* cli_fail() prints nothing: for calls whose
                                 failure the caller handles */
    char failure[1024];       /* what cli_fail() said last */
};

enum {
    /* changes host or domain state, and the least role that may: an
     * operator, or only an admin (neither: read-only); xltd's request
     * table says the same of REQUEST (a unit test checks) */
    CMD_OPERATOR = 1u << 0,
    CMD_ADMIN = 1u << 1,
    CMD_MODIFIES = CMD_OPERATOR | CMD_ADMIN,
};

struct xlt_command {
    const char *name;
    int (*handler)(struct cli *cli, int argc, char **argv);
    unsigned flags;
    const char *request;      /* the xltd request it makes; NULL: it does
                                 not talk to xltd */
    const char *synopsis;     /* arguments after the name */
    const char *help;         /* one line */
    const char *options;      /* "-n  ..." lines, '\n'-separated; may be NULL */
};

/* ---- commands.c: the command table ----------------------------------- */

extern const struct xlt_command xlt_commands[];
extern const size_t xlt_ncommands;
/* The least role that may run C. */
enum xlt_role xlt_command_role(const struct xlt_command *c);
/* Exact name, else a unique prefix.  NULL and a message in ERR otherwise. */
const struct xlt_command *xlt_command_find(const char *name,
                                           struct xlt_err *err);
/* The same, in any table (the tests use their own). */
const struct xlt_command *xlt_command_find_in(const struct xlt_command *tab,
                                              size_t n, const char *name,
                                              struct xlt_err *err);
void xlt_usage(FILE *out, const struct xlt_command *cmd);
void xlt_help_all(FILE *out);
void xlt_man_page(FILE *out);
int cmd_help(struct cli *cli, int argc, char **argv);
/* getopt for a command's own argv; prints usage on a bad option.
 * Returns the option, -1 at the end, '?' on error. */
int cli_getopt(struct cli *cli, int argc, char **argv, const char *opts);

/* ---- args.c: a command's operands as its request's arguments --------- */

/* A generator holding {"domains":[ARGV...] with the object still open for
 * more members (NULL: out of memory)... */
yajl_gen cli_domains_open(int argc, char *const *argv);
/* ... or {"domains":[DOMAIN] ([] if DOMAIN is NULL)... */
yajl_gen cli_domain_open(const char *domain);
/* ... closed, as text (NULL if G is NULL); frees G. */
char *cli_args_close(yajl_gen g);
/* {"domains":[ARGV...]} */
char *cli_domain_args(int argc, char **argv);
/* {"path","text","paused","config"} of a create, still open for more
 * members (NULL: out of memory). */
yajl_gen cli_config_args_open(const char *path, const char *text,
                              libxl_domain_config *cfg, bool paused);
/* list's options (-a, -j into *JSON) and operands as its request's
 * arguments in *ARGS_R; 0, or 2 after printing the usage (1 on ENOMEM). */
int cli_list_options(struct cli *cli, int argc, char **argv, bool *json,
                     char **args_r);
/* The one operand of a command that takes no options; NULL after printing
 * the usage. */
const char *cli_one_operand(struct cli *cli, int argc, char **argv);
/* "DOMAIN VALUE" and no options: {"domains":[DOMAIN] opened, for the
 * caller to add VALUE to; NULL after printing the usage (or on ENOMEM). */
yajl_gen cli_domain_and_value(struct cli *cli, int argc, char **argv,
                              const char **value_r);
/* A request naming exactly one domain, whose reply needs no printing. */
int cli_one_domain(struct cli *cli, int argc, char **argv);

/* ---- remote.c: xlt -H HOST, over the remote API ----------------------- */

/* A connection to another host's xltd, relayed to a local socket. */
struct remote_link {
    int sock;               /* TCP to the host */
    struct xlt_tls *tls;
    int local;              /* the relay's end of the socketpair */
    pthread_t thread;
    bool started;
};
/* Connect to CLI's host: the fd to speak the protocol on (the caller
 * closes it, then calls remote_link_close), or -1 (said). */
int remote_link_open(struct cli *cli, struct remote_link *link);
void remote_link_close(struct remote_link *link);

/* ---- client.c: talking to xltd ---------------------------------------- */

/* A connection to xltd, this host's or (-H) another's. */
struct cli_conn {
    int fd;
    struct remote_link link;
    struct xlt_linebuf lb; /* what was read and not yet taken */
};
/* Connect as CLI says; -1 (said) if not.  cli_close in any case. */
int cli_open(struct cli *cli, struct cli_conn *conn);
void cli_close(struct cli_conn *conn);
/* Send CMD with ARGS on CONN and wait for its answer, as cli_call; the
 * connection stays open, for a request whose answer a stream follows. */
int cli_request(struct cli *cli, struct cli_conn *conn, const char *cmd,
                const char *args, yajl_val *reply_r);
/* The next line from CONN: 1 and *LINE_R (the caller frees it), 0 at its
 * end, -1 (said) on error. */
int cli_next_line(struct cli *cli, struct cli_conn *conn, char **line_r);

/* Send CMD with ARGS (a JSON object's text, or NULL) and wait for the end.
 * Progress lines go to stderr.  On success *reply_r is the whole reply
 * message (free it with yajl_tree_free); its "result" member is the
 * answer.  On failure the message is printed and -1 returned. */
int cli_call(struct cli *cli, const char *cmd, const char *args,
             yajl_val *reply_r);
/* cli_call for ARGS built by the caller, which this frees; NULL ARGS means
 * building them ran out of memory. */
int cli_call_owned(struct cli *cli, const char *cmd, char *args,
                   yajl_val *reply_r);
/* A request whose answer needs no printing; returns the exit status. */
int cli_run(struct cli *cli, const char *cmd, char *args);
/* The options of a command that takes only --json: 0, or 2 (said). */
int cli_json_option(struct cli *cli, int argc, char **argv, bool *json);
/* A request that reads state, for a command "[--json] [DOMAIN...]" (or
 * just "[--json]" when KEY is NULL): member KEY of the result (the whole
 * result if NULL), as JSON with --json, else as SHOW prints it. */
int cli_query(struct cli *cli, int argc, char **argv, const char *cmd,
              const char *key, void (*show)(yajl_val));

/* ---- fanout.c: xlt -H @GROUP list ------------------------------------- */

/* list ("[--json] [DOMAIN...]") asked of every host of the group CLI's
 * host names ("@GROUP"), at once; 0 if every host answered. */
int cli_fanout_list(struct cli *cli, int argc, char **argv);
/* events (JSON lines if JSON) of every host of that group, as they come,
 * until every host has ended them (each end said on stderr). */
int cli_fanout_events(struct cli *cli, bool json);

/* ---- output.c: what xlt prints, as tables or as JSON ----------------- */

int cli_print_json(yajl_val v);
/* A scalar as text: strings as they are, numbers as written, true,
 * false; "" for anything else. */
const char *cli_scalar_text(yajl_val v);
/* Member KEY of OBJ as a number; MISSING if it is none. */
long long cli_json_ll(yajl_val obj, const char *key, long long missing);
double cli_json_double(yajl_val obj, const char *key, double missing);
/* "key                    : value" lines, like xl info. */
void cli_print_fields(yajl_val obj);
void cli_print_domains(yajl_val domains);
/* The rows of cli_print_domains, each after HOST's column (NULL: none). */
void cli_print_domain_rows(yajl_val domains, const char *host);
void cli_print_uptimes(yajl_val domains);
int cli_fail(struct cli *cli, const char *fmt, ...) XLT_PRINTF(2, 3);

/* ---- console.c: a terminal joined to a console ----------------------- */

/* Relay between this terminal and CONN, which xltd has joined to a console,
 * until Ctrl-] on the terminal or the console goes away.  0, or -1 with
 * ERR. */
int console_join(struct cli_conn *conn, struct xlt_err *err);

/* The command handlers, cmd_<verb>(): one file per command group. */

/* ---- cmd_host.c: info, host-shutdown --------------------------------- */

int cmd_info(struct cli *cli, int argc, char **argv);
int cmd_host_shutdown(struct cli *cli, int argc, char **argv);

/* ---- cmd_pki.c: the remote API's certificates ------------------------ */

int cmd_pki(struct cli *cli, int argc, char **argv);

/* ---- cmd_events.c: the domains' events -------------------------------- */

int cmd_events(struct cli *cli, int argc, char **argv);
/* Print the events of CLI's host as they come (each under LOCK, if not
 * NULL), until xltd ends them: 1 then (said, quietly if CLI is). */
int cli_follow_events(struct cli *cli, bool json, pthread_mutex_t *lock);

/* ---- cmd_stats.c: what the domains use -------------------------------- */
int cmd_stats(struct cli *cli, int argc, char **argv);
/* "SECONDS" of --interval (0.1 to 3600) into *SECONDS; -1 with ERR. */
int cli_interval(const char *text, double *seconds, struct xlt_err *err);
void cli_sleep(double seconds);
/* A fresh sample of xltd's counters for the N DOMAINS named (all if 0)
 * into *S; -1 (said) if not. */
int cli_stats_sample(struct cli *cli, int n, char **domains,
                     struct xlt_stats *s);
/* AFTER - BEFORE per second over SECONDS; 0 if the counter went back. */
double cli_rate(uint64_t before, uint64_t after, double seconds);
/* What xlt stats --json prints: the rates from WAS to NOW (NULL: ENOMEM). */
char *cli_stats_json(const struct xlt_stats *was, const struct xlt_stats *now);
/* A domain's row of the table xlt stats and xlt top print: its rates
 * from WAS (none if it is not there) over SECS. */
struct cli_stats_row {
    const struct xlt_stats_domain *dom;
    double cpu_pct, net_rx, net_tx, vbd_rd, vbd_wr; /* per second */
    size_t vcpus_online;
};
void cli_stats_row(const struct xlt_stats *was,
                   const struct xlt_stats_domain *d, double secs,
                   struct cli_stats_row *r);
void cli_stats_print_header(void);
void cli_stats_print_row(const struct cli_stats_row *r);
/* ---- cmd_top.c: the domains' use, refreshed --------------------------- */
int cmd_top(struct cli *cli, int argc, char **argv);
/* ---- cmd_audit.c: the audit trail ------------------------------------ */

int cmd_audit(struct cli *cli, int argc, char **argv);
/* TEXT (--since): a UTC time or its prefix (2026-12-07, 2026-12-07T14:30,
 * a space for the T) or an age before NOW (90s, 30m, 2h, 7d), as the
 * trail's records write times, in OUT. */
int cli_since(const char *text, time_t now, char *out, size_t len,
              struct xlt_err *err);

/* ---- cmd_domain.c: list, create, destroy, domid, rename... ----------- */

int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_create(struct cli *cli, int argc, char **argv);
int cmd_destroy(struct cli *cli, int argc, char **argv);
int cmd_domid(struct cli *cli, int argc, char **argv);
int cmd_rename(struct cli *cli, int argc, char **argv);
int cmd_cluster_resource(struct cli *cli, int argc, char **argv);
int cmd_uptime(struct cli *cli, int argc, char **argv);
int cmd_domname(struct cli *cli, int argc, char **argv);
/* Read config FILE with the N KEY=VALUE OVERRIDES into CFG, as create
 * does; the text with the overrides in *TEXT_R.  -1 once it is said why. */
int cli_config_load(struct cli *cli, const char *file, char **overrides,
                    int n, libxl_domain_config *cfg, char **text_r);
/* "VERB domain NAME (id N)" of a create's or start's REPLY, then the
 * console if CONSOLE. */
int cli_report_start(struct cli *cli, const char *verb, const char *name,
                     yajl_val reply, bool paused, bool console);

/* ---- cmd_defined.c: define, start, undefine, config-update, autostart - */

int cmd_define(struct cli *cli, int argc, char **argv);
int cmd_config_update(struct cli *cli, int argc, char **argv);
int cmd_start(struct cli *cli, int argc, char **argv);
int cmd_undefine(struct cli *cli, int argc, char **argv);
int cmd_autostart(struct cli *cli, int argc, char **argv);

/* ---- cmd_lifecycle.c: shutdown, reboot, pause, unpause --------------- */

int cmd_shutdown(struct cli *cli, int argc, char **argv);
int cmd_reboot(struct cli *cli, int argc, char **argv);
int cmd_pause(struct cli *cli, int argc, char **argv);
int cmd_unpause(struct cli *cli, int argc, char **argv);

/* ---- cmd_saverestore.c: save, restore, migrate ----------------------- */

int cmd_save(struct cli *cli, int argc, char **argv);
int cmd_restore(struct cli *cli, int argc, char **argv);
int cmd_migrate(struct cli *cli, int argc, char **argv);

/* ---- cmd_debug.c: console, dmesg, sysrq, trigger --------------------- */

int cmd_console(struct cli *cli, int argc, char **argv);
int cmd_dmesg(struct cli *cli, int argc, char **argv);
int cmd_sysrq(struct cli *cli, int argc, char **argv);
int cmd_trigger(struct cli *cli, int argc, char **argv);
/* Attach the terminal to domain DOMAIN's console; TYPE NULL = primary.
 * WAIT_MS: how long to wait for the console to appear. */
int cli_console(struct cli *cli, const char *domain, const char *type,
                int num, int wait_ms);

/* ---- cmd_vcpu.c: vcpu-list, vcpu-pin, vcpu-set, vcpu-dedicate -------- */

int cmd_vcpu_list(struct cli *cli, int argc, char **argv);
int cmd_vcpu_pin(struct cli *cli, int argc, char **argv);
int cmd_vcpu_set(struct cli *cli, int argc, char **argv);
int cmd_vcpu_dedicate(struct cli *cli, int argc, char **argv);

/* ---- cmd_device.c: network- and block-attach, -detach, -list --------- */

int cmd_network_attach(struct cli *cli, int argc, char **argv);
int cmd_network_detach(struct cli *cli, int argc, char **argv);
int cmd_network_list(struct cli *cli, int argc, char **argv);
int cmd_block_attach(struct cli *cli, int argc, char **argv);
int cmd_block_detach(struct cli *cli, int argc, char **argv);
int cmd_block_list(struct cli *cli, int argc, char **argv);

/* ---- cmd_volume.c: volume-create, -snapshot, -grow, -remove, -list ---- */

int cmd_volume_create(struct cli *cli, int argc, char **argv);
int cmd_volume_snapshot(struct cli *cli, int argc, char **argv);
int cmd_volume_grow(struct cli *cli, int argc, char **argv);
int cmd_volume_remove(struct cli *cli, int argc, char **argv);
int cmd_volume_list(struct cli *cli, int argc, char **argv);

/* ---- cmd_memory.c: mem-set, mem-max ---------------------------------- */

int cmd_mem_set(struct cli *cli, int argc, char **argv);
int cmd_mem_max(struct cli *cli, int argc, char **argv);

/* ---- cmd_sched.c: sched-credit, sched-credit2 ------------------------ */

int cmd_sched_credit(struct cli *cli, int argc, char **argv);
int cmd_sched_credit2(struct cli *cli, int argc, char **argv);

/* ---- cmd_cpupool.c: cpupool-list, -create, -destroy, -rename... ------ */

int cmd_cpupool_list(struct cli *cli, int argc, char **argv);
int cmd_cpupool_create(struct cli *cli, int argc, char **argv);
int cmd_cpupool_destroy(struct cli *cli, int argc, char **argv);
int cmd_cpupool_rename(struct cli *cli, int argc, char **argv);
int cmd_cpupool_cpu_add(struct cli *cli, int argc, char **argv);
int cmd_cpupool_cpu_remove(struct cli *cli, int argc, char **argv);
int cmd_cpupool_migrate(struct cli *cli, int argc, char **argv);

#endif
