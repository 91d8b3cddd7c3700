/*
 * commands.c: the one command table.  Usage, `xlt help` and the man page
 * are all made from it.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"

const struct xlt_command xlt_commands[] = {
    {"help", cmd_help, 0, NULL, "[COMMAND]",
     "Show the commands, or one command's usage.", NULL},
    {"info", cmd_info, 0, "info", "[--json]",
     "Show the host: Xen version, CPUs, memory (like xl info).",
     "-j, --json  print the result as JSON"},
    {"list", cmd_list, 0, "list", "[--all] [--json] [DOMAIN...]",
     "List domains: name, id, memory (MiB), vCPUs, state, CPU time.",
     "-a, --all   the defined domains that are off too (state off, id -, "
     "the memory and vCPUs they start with)\n"
     "-j, --json  print the result as JSON (\"defined\", \"autostart\" "
     "too)"},
    {"audit", cmd_audit, 0, "audit", "[--since TIME] [--json] | verify [FILE]",
     "Show xltd's audit trail: who asked for what change (or was refused), "
     "when, and how it ended.  `audit verify' checks the trail file's hash "
     "chain, without xltd.",
     "-s, --since TIME  records from TIME on: 2026-12-07, "
     "2026-12-07T14:30 (UTC), or an age: 90s, 30m, 2h, 7d\n"
     "-j, --json        print the records as JSON\n"
     "verify [FILE]     check FILE (default " XLTD_AUDIT_DEFAULT "): every "
     "record sealed, each following the one before; exit 1 naming the "
     "first that is not"},
    {"events", cmd_events, 0, "events", "[--json]",
     "Follow the domains' events as they come: created, shut down, "
     "crashed, restarted, stopped, saved, restored, migrated in and out, "
     "paused, renamed, devices added and removed, memory and vCPU "
     "changes.  One line each (TIME HOST EVENT NAME (ID) KEY=VALUE...); "
     "ends when xltd does.  With -H @GROUP, every host of the group.",
     "-j, --json  one JSON object a line"},
    {"stats", cmd_stats, 0, "stats", "[--interval SECONDS] [--json] [DOMAIN...]",
     "Show what the domains use, over an interval (default 1 s): CPU "
     "seconds and %, per vCPU too; memory now, its target and maximum; "
     "network KiB/s received and sent; block requests/s read and "
     "written; each physical CPU's idle % (--json).  From xltd's "
     "counters (libxenstat), two samples an interval apart.",
     "-i, --interval SECONDS  the interval, 0.1 to 3600 (default 1)\n"
     "-j, --json              print the result as JSON, counters and "
     "rates, per vCPU, vbd and vif"},
    {"top", cmd_top, 0, "stats", "[-b] [-i ITERATIONS] [-d SECONDS] [-s KEY] [DOMAIN...]",
     "Show what the domains use, refreshed every few seconds, as xentop "
     "does (from xltd's samples: -H HOST works).  Keys: c, m, n, i, N, B "
     "sort by CPU, memory, name, id, network, block; q quits.",
     "-b          batch mode, as xentop -b: a table each time, no screen "
     "(the default when stdin is no terminal)\n"
     "-i N        N times, then exit (default: until q)\n"
     "-d SECONDS  between two (default 3; 0.1 to 3600)\n"
     "-s KEY      sort by cpu (default), memory, name, id, network or "
     "block"},
    {"pki", cmd_pki, 0, NULL,
     "init [NAME] | issue host NAME [--alt ADDR]... | issue user NAME "
     "--role ROLE | revoke NAME|FILE | show FILE",
     "Make the remote API's certificates, on this host's files: a CA "
     "(init), a host's or a user's key and certificate signed by it "
     "(issue, a folder to copy whole to that host's " XLT_PKI_DIR " or the "
     "user's ~/.xlt/pki), a revocation (revoke, into crl.pem), or what a "
     "certificate says (show).",
     "-D, --dir DIR     the CA's folder (default " XLT_PKI_DIR ")\n"
     "-d, --days N      how long it is valid (CA 3650, others 825)\n"
     "-r, --role ROLE   a user's: read-only, operator or admin\n"
     "-A, --alt ADDR    a host's other name or IP address (repeat)\n"
     "-o, --out DIR     lay the bundle out in DIR (default DIR/issued/NAME)"},
    {"create", cmd_create, CMD_ADMIN, "create",
     "[-n] [-p] [-c] FILE [KEY=VALUE...]",
     "Create a domain from an xl.cfg file.  Each KEY=VALUE is a line of "
     "xl.cfg that overrides the file (quote strings: 'name=\"web2\"').",
     "-n, --dry-run  parse FILE and print the libxl_domain_config JSON; "
     "create nothing\n"
     "-p, --paused   leave the domain paused\n"
     "-c             attach to its console once created (Ctrl-] detaches)"},
    {"define", cmd_define, CMD_ADMIN, "define", "FILE [KEY=VALUE...]",
     "Define a domain from an xl.cfg file (checked as create checks it, "
     "overrides as create's): kept by xltd, with a UUID of its own, and "
     "not started.  A running domain of that name becomes defined.", NULL},
    {"start", cmd_start, CMD_OPERATOR, "start", "[-p] [-c] NAME",
     "Start a defined domain (it stays defined when it stops).",
     "-p, --paused  leave the domain paused\n"
     "-c            attach to its console once started (Ctrl-] detaches)"},
    {"undefine", cmd_undefine, CMD_ADMIN, "undefine", "NAME",
     "Forget a definition; a domain of it that runs runs on, undefined.",
     NULL},
    {"config-update", cmd_config_update, CMD_ADMIN, "config-update",
     "NAME FILE [KEY=VALUE...]",
     "Give a defined domain a new config (of the same name) for its next "
     "start; a domain of it that runs is not changed.", NULL},
    {"autostart", cmd_autostart, CMD_ADMIN, "autostart",
     "[--order N] [--delay SECONDS] NAME on|off",
     "Start a defined domain when the host boots, or not.",
     "-O, --order N          lower first; equal orders start together "
     "(default 0)\n"
     "-W, --delay SECONDS    wait this long after starting it before "
     "the next order (default 0)"},
    {"host-shutdown", cmd_host_shutdown, CMD_ADMIN, "host-shutdown",
     "[--mode save|shutdown|migrate]",
     "What the host's shutdown does to its guests (xlt-guests.service "
     "runs it): migrate each to host_migrate_to, or save it to "
     "host_save_dir (restored when xltd next starts after a boot), or ask "
     "it to shut down, destroying it after host_shutdown_timeout; a failed "
     "migration falls back to a save, a failed save to a shutdown.  "
     "Prints which guests went which way; exit 1 if any failed.",
     "-m, --mode MODE  this instead of xlt.conf's host_shutdown"},
    {"destroy", cmd_destroy, CMD_OPERATOR, "destroy", "DOMAIN",
     "Destroy a domain at once (like pulling its power cord).", NULL},
    {"save", cmd_save, CMD_ADMIN, "save",
     "[-c] [-p] [--json] DOMAIN FILE",
     "Save a domain to FILE and destroy it (xl's file layout: xl restore "
     "reads it, and xlt restore reads xl's).  FILE is written by xltd.",
     "-c          leave the domain running (a checkpoint)\n"
     "-p          leave the domain paused\n"
     "-j, --json  print the summary as JSON"},
    {"restore", cmd_restore, CMD_ADMIN, "restore",
     "[-p] [--json] [CONFIG] FILE",
     "Restore a domain from FILE, saved by xlt or xl, with the config the "
     "file holds or the one in CONFIG.  Pinning, the memory target and "
     "dedicated cores come back as they were.",
     "-p, --paused  leave the domain paused\n"
     "-j, --json    print the summary as JSON"},
    {"migrate", cmd_migrate, CMD_OPERATOR, "migrate",
     "[--non-live] [--timeout SECONDS] [--json] DOMAIN HOST[:PORT]",
     "Move a running domain to HOST's xltd (port 8002 unless given), over "
     "TLS with the pool's key: live (memory copied while it runs) unless "
     "--non-live.  It keeps its name, UUID, pinning, memory target and "
     "devices; if anything fails before the handover it runs on here.",
     "-N, --non-live       suspend it, then move it (for PV guests where "
     "Xen cannot track their dirty pages); the downtime is the whole "
     "transfer\n"
     "-T, --timeout SECONDS  cancel it if the target has not taken the "
     "domain over by then: it runs on here\n"
     "-j, --json           print the summary as JSON"},
    {"shutdown", cmd_shutdown, CMD_OPERATOR, "shutdown",
     "[-w] [-F] (-a | DOMAIN)",
     "Ask a domain to shut down; xltd then applies its on_poweroff action.",
     "-a, --all   every domain but dom0\n"
     "-w, --wait  wait until the domains have shut down\n"
     "-F          press the ACPI power button of an HVM guest without PV "
     "drivers"},
    {"reboot", cmd_reboot, CMD_OPERATOR, "reboot",
     "[-w] [-F] (-a | DOMAIN)",
     "Ask a domain to reboot; xltd then applies its on_reboot action.",
     "-a, --all   every domain but dom0\n"
     "-w, --wait  wait until the domains have shut down\n"
     "-F          reset an HVM guest without PV drivers (Xen on x86 has no\n"
     "            reset button: xltd shuts it down for reboot itself)"},
    {"pause", cmd_pause, CMD_OPERATOR, "pause", "DOMAIN",
     "Pause a domain: its vCPUs stop being scheduled.", NULL},
    {"unpause", cmd_unpause, CMD_OPERATOR, "unpause", "DOMAIN",
     "Unpause a paused domain.", NULL},
    {"rename", cmd_rename, CMD_ADMIN, "rename", "DOMAIN NEWNAME",
     "Rename a domain.", NULL},
    {"cluster-resource", cmd_cluster_resource, CMD_OPERATOR,
     "cluster-resource", "(DOMAIN RESOURCE | -c DOMAIN)",
     "Mark a domain as a cluster manager's resource (ocf:xlt:domain does, "
     "for Pacemaker): list shows it, destroy warns that the cluster will "
     "start it again; the mark goes with the domain's migrations.",
     "-c  clear the mark"},
    {"console", cmd_console, CMD_OPERATOR, "console",
     "[-t pv|serial] [-n NUM] DOMAIN",
     "Attach this terminal to a domain's console; Ctrl-] detaches.",
     "-t TYPE  pv or serial (default: the domain's primary console, the\n"
     "         serial port of an HVM guest)\n"
     "-n NUM   which console of that type (default 0)"},
    {"dmesg", cmd_dmesg, CMD_ADMIN, "dmesg", "[-c] [--json]",
     "Print Xen's console ring (the hypervisor's boot and log messages).",
     "-c          clear the ring after reading it\n"
     "-j, --json  print {\"text\": ...}"},
    {"sysrq", cmd_sysrq, CMD_OPERATOR, "sysrq", "DOMAIN LETTER",
     "Send a magic SysRq letter to a PV or PVH guest's kernel.", NULL},
    {"trigger", cmd_trigger, CMD_OPERATOR, "trigger",
     "DOMAIN nmi|reset|init|power|sleep|s3resume [VCPU]",
     "Send a hardware event to a domain (an HVM guest for all but nmi).",
     NULL},
    {"uptime", cmd_uptime, 0, "list", "[--json] [DOMAIN...]",
     "Show how long domains have been running (like xl uptime).",
     "-j, --json  print the result as JSON"},
    {"domid", cmd_domid, 0, "list", "[--json] NAME", "Print a domain's id.",
     "-j, --json  print the domain's entry, as list --json does"},
    {"domname", cmd_domname, 0, "list", "[--json] ID",
     "Print a domain's name.",
     "-j, --json  print the domain's entry, as list --json does"},
    {"vcpu-list", cmd_vcpu_list, 0, "vcpu-list", "[--json] [DOMAIN...]",
     "List the vCPUs of domains: where each runs, its state, CPU time and "
     "hard and soft affinity.",
     "-j, --json  print the result as JSON"},
    {"vcpu-pin", cmd_vcpu_pin, CMD_ADMIN, "vcpu-pin",
     "DOMAIN VCPU|all HARD [SOFT]",
     "Set where a domain's vCPUs may run (hard) and prefer to run (soft). "
     "HARD and SOFT are CPU lists as in xl: 2, 0-3, 0-7,^5, node:1, all; "
     "\"-\" leaves that affinity as it is.", NULL},
    {"vcpu-set", cmd_vcpu_set, CMD_OPERATOR, "vcpu-set", "DOMAIN COUNT",
     "Bring COUNT vCPUs of a domain online (up to its maxvcpus) and the "
     "rest offline.", NULL},
    {"vcpu-dedicate", cmd_vcpu_dedicate, CMD_ADMIN, "vcpu-dedicate",
     "[-r] DOMAIN",
     "Give each vCPU of a running domain a physical CPU of its own: the "
     "CPUs leave Pool-0 (dom0 and the other domains) for the pool "
     "xlt-dedicated, and the domain keeps them across restarts.  Pool-0 "
     "always keeps one CPU.  dedicated_cpus=1 in a domain's config does "
     "the same at create.  info shows who holds which CPU.",
     "-r  give the CPUs back: the domain returns to Pool-0"},
    {"network-attach", cmd_network_attach, CMD_ADMIN, "network-attach",
     "DOMAIN [KEY=VALUE...]",
     "Give a running domain a new vif (xl's vif spec as separate words: "
     "bridge=xenbr1 mac=00:16:3e:..., etc.).  It joins its bridge through "
     "xlt's vif-bridge driver, and a restart keeps it.  With ip=\"ADDR "
     "...\" it may send from those addresses only (nftables rules in "
     "table bridge xlt).", NULL},
    {"network-detach", cmd_network_detach, CMD_ADMIN, "network-detach",
     "DOMAIN DEVID|MAC", "Take a vif away from a running domain.", NULL},
    {"network-list", cmd_network_list, 0, "network-list",
     "[--json] [DOMAIN...]",
     "List the vifs of domains, with their backend's state (4: "
     "connected).", "-j, --json  print the result as JSON"},
    {"block-attach", cmd_block_attach, CMD_ADMIN, "block-attach",
     "DOMAIN DISK-SPEC...",
     "Give a running domain a new disk (xl's disk spec, e.g. "
     "phy:/dev/vg0/data,xvdc,w; its parts may be separate words).  An LVM "
     "volume goes through xlt's block-lvm driver.", NULL},
    {"block-detach", cmd_block_detach, CMD_ADMIN, "block-detach",
     "DOMAIN VDEV|DEVID", "Take a disk away from a running domain.", NULL},
    {"block-list", cmd_block_list, 0, "block-list", "[--json] [DOMAIN...]",
     "List the disks of domains, with their backend's state (4: "
     "connected).", "-j, --json  print the result as JSON"},
    {"volume-create", cmd_volume_create, CMD_ADMIN, "volume-create", "VG NAME SIZE",
     "Create an LVM volume for a domain disk (lvcreate; SIZE as for mem-set, "
     "m if no unit).", NULL},
    {"volume-snapshot", cmd_volume_snapshot, CMD_ADMIN, "volume-snapshot",
     "VG/LV NAME [SIZE]",
     "Snapshot a volume (lvcreate -s), as big as the volume unless SIZE is "
     "given: for backups, snapshot, copy the snapshot out, volume-remove "
     "it.", NULL},
    {"volume-grow", cmd_volume_grow, CMD_ADMIN, "volume-grow", "VG/LV [+]SIZE",
     "Grow a volume to SIZE, or by +SIZE (lvextend).  A running domain "
     "whose disk it is sees the new size through blkback.", NULL},
    {"volume-remove", cmd_volume_remove, CMD_ADMIN, "volume-remove", "VG/LV",
     "Remove a volume (lvremove); refused while it is a domain's disk.",
     NULL},
    {"volume-list", cmd_volume_list, 0, "volume-list", "[--json] [VG...]",
     "List LVM volumes: size, whether active, snapshot origin and the "
     "domain whose disk each is.", "-j, --json  print the result as JSON"},
    {"mem-set", cmd_mem_set, CMD_OPERATOR, "mem-set", "DOMAIN SIZE",
     "Set a domain's memory target: its balloon driver gives memory back "
     "to Xen or takes more, up to its maximum.  SIZE: a number with an "
     "optional unit b, k, m, g or t (m if none).", NULL},
    {"mem-max", cmd_mem_max, CMD_ADMIN, "mem-max", "DOMAIN SIZE",
     "Set the most memory a domain may balloon up to (SIZE as for "
     "mem-set).", NULL},
    {"sched-credit2", cmd_sched_credit2, CMD_ADMIN, "sched",
     "[--json] [-d DOMAIN [-w WEIGHT] [-c CAP]]",
     "Show the credit2 scheduler's weight and cap of the domains (or of "
     "DOMAIN), or set them.",
     "-d DOMAIN  only this domain\n"
     "-w WEIGHT  its share relative to others (1-65535; default 256)\n"
     "-c CAP     at most this percentage of one CPU (0: no cap)\n"
     "-j, --json print the result as JSON"},
    {"sched-credit", cmd_sched_credit, CMD_ADMIN, "sched",
     "[--json] [-d DOMAIN [-w WEIGHT] [-c CAP]]",
     "As sched-credit2, for domains in a pool running the credit "
     "scheduler.",
     "-d DOMAIN  only this domain\n"
     "-w WEIGHT  its share relative to others (1-65535; default 256)\n"
     "-c CAP     at most this percentage of one CPU (0: no cap)\n"
     "-j, --json print the result as JSON"},
    {"cpupool-list", cmd_cpupool_list, 0, "cpupool-list",
     "[-c] [--json] [POOL]",
     "List the CPU pools: CPUs, scheduler, domains.",
     "-c          show each pool's CPUs instead\n"
     "-j, --json  print the result as JSON"},
    {"cpupool-create", cmd_cpupool_create, CMD_ADMIN, "cpupool-create",
     "[-n] [-f FILE] [KEY=VALUE...]",
     "Create a CPU pool from xl's pool definition: name=\"POOL\" (default: "
     "FILE's name), sched=\"credit2\" (default: the host's), cpus=\"2-3\" "
     "or [\"2\",\"3\"], or nodes=[\"1\"]; the CPUs must be free.",
     "-f FILE        read the definition from FILE; KEY=VALUE lines are "
     "added\n"
     "-n, --dry-run  check it and say what would be created"},
    {"cpupool-destroy", cmd_cpupool_destroy, CMD_ADMIN, "cpupool-destroy",
     "POOL", "Destroy an empty CPU pool; its CPUs become free.", NULL},
    {"cpupool-rename", cmd_cpupool_rename, CMD_ADMIN, "cpupool-rename",
     "POOL NEWNAME", "Rename a CPU pool.", NULL},
    {"cpupool-cpu-add", cmd_cpupool_cpu_add, CMD_ADMIN, "cpupool-cpu-add",
     "POOL CPUS", "Add free CPUs (an xl CPU list: 2, 2-3, node:1) to a "
     "pool.", NULL},
    {"cpupool-cpu-remove", cmd_cpupool_cpu_remove, CMD_ADMIN,
     "cpupool-cpu-remove",
     "POOL CPUS", "Take CPUs out of a pool; they become free.", NULL},
    {"cpupool-migrate", cmd_cpupool_migrate, CMD_ADMIN, "cpupool-migrate",
     "DOMAIN POOL", "Move a domain to another CPU pool.", NULL},
};

const size_t xlt_ncommands = sizeof(xlt_commands) / sizeof(xlt_commands[0]);

const struct xlt_command *xlt_command_find_in(const struct xlt_command *tab,
                                              size_t ntab, const char *name,
                                              struct xlt_err *err)
{
    const struct xlt_command *found = NULL;
    size_t n = strlen(name), i;

    for (i = 0; i < ntab; i++)
        if (!strcmp(tab[i].name, name))
            return &tab[i];
    for (i = 0; n > 0 && i < ntab; i++) {
        if (strncmp(tab[i].name, name, n) != 0)
            continue;
        if (found) {
            xlt_err_set(err, "`%s' is ambiguous: it could be %s or %s", name,
                        found->name, tab[i].name);
            return NULL;
        }
        found = &tab[i];
    }
    if (!found)
        xlt_err_set(err, "`%s' is not a command; `xlt help' lists them",
                    name);
    return found;
}

const struct xlt_command *xlt_command_find(const char *name,
                                           struct xlt_err *err)
{
    return xlt_command_find_in(xlt_commands, xlt_ncommands, name, err);
}

/* Print TEXT's lines, each indented by INDENT. */
static void print_indented(FILE *out, const char *text, const char *indent)
{
    while (text && *text) {
        size_t n = strcspn(text, "\n");
        fprintf(out, "%s%.*s\n", indent, (int)n, text);
        text += n;
        text += *text == '\n';
    }
}

void xlt_usage(FILE *out, const struct xlt_command *cmd)
{
    fprintf(out, "usage: xlt %s %s\n%s\n", cmd->name, cmd->synopsis,
            cmd->help);
    print_indented(out, cmd->options, "  ");
}

void xlt_help_all(FILE *out)
{
    fprintf(out, "usage: xlt [-S SOCKET | -H HOST[:PORT]] COMMAND [ARGS...]\n\n"
            "Commands (a unique prefix will do):\n");
    for (size_t i = 0; i < xlt_ncommands; i++)
        fprintf(out, "  %-10s %s\n", xlt_commands[i].name,
                xlt_commands[i].help);
    fprintf(out, "\n`xlt help COMMAND' shows one command's usage.\n");
}

/* roff needs '-' and '\' escaped. */
static void man_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '-' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
}

enum xlt_role xlt_command_role(const struct xlt_command *c)
{
    if (c->flags & CMD_ADMIN)
        return XLT_ROLE_ADMIN;
    return c->flags & CMD_OPERATOR ? XLT_ROLE_OPERATOR : XLT_ROLE_READ_ONLY;
}

/* The commands ROLE may run that a lesser role may not. */
static void man_role_commands(FILE *out, enum xlt_role role)
{
    const char *sep = "";

    for (size_t i = 0; i < xlt_ncommands; i++) {
        const struct xlt_command *c = &xlt_commands[i];
        if (!c->request || xlt_command_role(c) != role)
            continue;
        fprintf(out, "%s\\fB", sep);
        man_text(out, c->name);
        fputs("\\fR", out);
        sep = ", ";
    }
    fprintf(out, ".\n");
}

/* Who may run what, from the table. */
static void man_roles(FILE *out)
{
    fprintf(out, ".SH PERMISSIONS\nxltd checks each request against its "
            "caller's role.  Root on xltd's socket is \\fBadmin\\fR; a "
            "caller of the read\\-only socket (\\fBro_socket\\fR in "
            "xlt.conf(5), for the members of group \\fBxlt\\fR) is "
            "\\fBread\\-only\\fR.  A refused request names the role it "
            "needs.  Over the remote API (\\fB\\-H\\fR) the role is "
            "the one xltd's allow\\-list (\\fBremote_allow\\fR) gives "
            "the client certificate's subject.\n.TP\n\\fBread\\-only\\fR\n");
    man_role_commands(out, XLT_ROLE_READ_ONLY);
    fprintf(out, ".TP\n\\fBoperator\\fR\nwhat read\\-only may, and ");
    man_role_commands(out, XLT_ROLE_OPERATOR);
    fprintf(out, ".TP\n\\fBadmin\\fR\nevery command.\n");
}

void xlt_man_page(FILE *out)
{
    fprintf(out, ".TH XLT 1 \"\" \"xlt\" \"Xen toolstack\"\n"
            ".SH NAME\nxlt \\- manage Xen domains through xltd\n"
            ".SH SYNOPSIS\n.B xlt\n[\\fB\\-S\\fR \\fISOCKET\\fR | "
            "\\fB\\-H\\fR \\fIHOST\\fR[:\\fIPORT\\fR]] "
            "\\fICOMMAND\\fR [\\fIARGS\\fR...]\n"
            ".SH DESCRIPTION\n"
            "xlt is the client of xltd(8), the dom0 daemon that owns the "
            "libxl context.\nIt reads xl.cfg(5) domain files and takes xl's "
            "commands.\nIf xltd is not running, xlt says so and exits 1.\n"
            ".SH OPTIONS\n.TP\n\\fB\\-S\\fR \\fISOCKET\\fR\n"
            "xltd's control socket (default " XLT_SOCKET_PATH
            ", or $XLT_SOCKET).\n"
            ".TP\n\\fB\\-H\\fR \\fIHOST\\fR[:\\fIPORT\\fR]\n"
            "Send the command to HOST's xltd over its remote API (TLS, port "
            XLT_REMOTE_PORT " unless PORT is given; or $XLT_HOST), with the "
            "certificate in $XLT_PKI (default " XLT_PKI_DIR "): client.pem, "
            "private/client\\-key.pem, and ca.pem to check HOST's by.  "
            "Commands that read or change only this host's files "
            "(volumes, pki) are not sent.\n.PP\n"
            "\\fB\\-H @\\fIGROUP\\fR \\fBlist\\fR asks every host of GROUP "
            "(lines \\fIGROUP HOST\\fR[:\\fIPORT\\fR]... in " XLT_HOSTS_PATH
            " or $XLT_HOSTS; @all: every host named there) at once, and "
            "prints one table with a HOST column, a host that did not "
            "answer on a line of its own (exit status 1).\n.SH COMMANDS\n");
    for (size_t i = 0; i < xlt_ncommands; i++) {
        const struct xlt_command *c = &xlt_commands[i];
        fprintf(out, ".TP\n\\fB%s\\fR ", c->name);
        man_text(out, c->synopsis);
        fputc('\n', out);
        man_text(out, c->help);
        fputc('\n', out);
        for (const char *o = c->options; o && *o;) {
            size_t n = strcspn(o, "\n");
            char line[512];
            snprintf(line, sizeof(line), "%.*s", (int)n, o);
            fputs(".br\n", out);
            man_text(out, line);
            fputc('\n', out);
            o += n;
            o += *o == '\n';
        }
    }
    man_roles(out);
    fprintf(out, ".SH EXIT STATUS\n0 on success, 1 on failure, 2 on a usage "
            "error.\n.SH SEE ALSO\nxltd(8), xlt.conf(5), xl(1), xl.cfg(5)\n");
}

int cmd_help(struct cli *cli, int argc, char **argv)
{
    struct xlt_err err;
    const struct xlt_command *cmd;

    if (cli_getopt(cli, argc, argv, "") != -1)
        return 2;
    if (optind >= argc) {
        xlt_help_all(stdout);
        return 0;
    }
    cmd = xlt_command_find(argv[optind], &err);
    if (!cmd) {
        cli_fail(cli, "%s", err.msg);
        return 2;
    }
    xlt_usage(stdout, cmd);
    return 0;
}

int cli_getopt(struct cli *cli, int argc, char **argv, const char *opts)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"dry-run", no_argument, NULL, 'n'},
        {"paused", no_argument, NULL, 'p'},
        {"all", no_argument, NULL, 'a'},
        {"wait", no_argument, NULL, 'w'},
        {"non-live", no_argument, NULL, 'N'},
        {"since", required_argument, NULL, 's'},
        {"dir", required_argument, NULL, 'D'},
        {"days", required_argument, NULL, 'd'},
        {"role", required_argument, NULL, 'r'},
        {"out", required_argument, NULL, 'o'},
        {"alt", required_argument, NULL, 'A'},
        {"order", required_argument, NULL, 'O'},
        {"delay", required_argument, NULL, 'W'},
        {"mode", required_argument, NULL, 'm'},
        {"timeout", required_argument, NULL, 'T'},
        {"interval", required_argument, NULL, 'i'},
        {NULL, 0, NULL, 0},
    };
    char shortopts[64];
    int c;

    snprintf(shortopts, sizeof(shortopts), "+:%s", opts);
    c = getopt_long(argc, argv, shortopts, longopts, NULL);
    if (c == -1)
        return -1;
    if (c == '?' || c == ':' || !strchr(opts, c)) {
        fprintf(stderr, "%s %s: unknown option %s\n", cli->prog,
                cli->cmd->name, argv[optind - 1]);
        xlt_usage(stderr, cli->cmd);
        return '?';
    }
    return c;
}
