/*
 * xltd's core: what it does to domains and the host, for whoever asks.
 * Nothing here knows of clients or connections: a function fails with an
 * error for its caller (-1 and an xlt_err), and a long operation tells
 * its progress and its end to the struct job it was given.  A function
 * that starts a job returns 0 once the job will end (it may have ended
 * already: the caller must not touch the job again), or -1 with ERR when
 * nothing began and the job has not ended.  One file per concern; each
 * file's public functions under its name.
 */
#ifndef XLTD_CORE_H
#define XLTD_CORE_H

#include "xltd.h"

/* ---- job.c: a long operation's progress and end --------------------- */

/* The job of what xltd does on its own (restarts): its errors are
 * logged, its progress dropped. */
void job_init_unattended(struct xltd *d);
void job_progress(struct job *job, const char *fmt, ...) XLT_PRINTF(2, 3);
/* The end: RESULT (a JSON object's text; NULL: {}). */
void job_done(struct job *job, const char *result);
/* The end: G's document (an object the caller opened and closed); frees
 * G.  A NULL G (out of memory) fails the job. */
void job_done_gen(struct job *job, yajl_gen g);
void job_fail(struct job *job, const char *fmt, ...) XLT_PRINTF(2, 3);

/* ---- events.c: what happens to domains, for whoever listens ------- */

/* An event: KIND happened to DOMID, whose NAME and UUID (NULL: looked up
 * now) it names; with its own members DETAIL_KEY: DETAIL (a text) and
 * VALUE_KEY: VALUE (a number), PEER (the host a migration came from or
 * went to) and REQUEST (the id of the request on another host that led
 * to it), each left out when NULL. */
struct event {
    const char *kind;
    uint32_t domid;
    const char *name;
    const libxl_uuid *uuid;
    const char *detail_key, *detail;
    const char *value_key;
    long long value;
    const char *peer;
    const char *request;
};

/* FN(ARG) hears every event from now on, until events_unlisten; -1 (logged)
 * if EVENTS_MAX_LISTENERS already do. */
int events_listen(struct xltd *d, events_listener *fn, void *arg);
void events_unlisten(struct xltd *d, events_listener *fn, void *arg);
/* Tell E to the listeners (nothing of a migration's copy, NAME--incoming
 * or NAME--migratedaway). */
void events_emit(struct xltd *d, const struct event *e);
/* An event with no members of its own. */
void events_domain(struct xltd *d, const char *kind, uint32_t domid);

/* ---- inflight.c: libxl operations under way ------------------------ */

typedef void inflight_callback(libxl_ctx *ctx, int rc, void *arg);

struct inflight {
    struct inflight *next;
    bool listed;
    struct xltd *d;
    const char *what; /* "a create", for the log when xltd stops */
    inflight_callback *callback;
    void *arg;
    libxl_asyncop_how how;
};

/* The ao_how to give libxl for an operation that calls CALLBACK(ARG) at
 * its end; OP is listed until then (or until inflight_end, for an
 * operation libxl refused at once). */
const libxl_asyncop_how *inflight_begin(struct xltd *d, struct inflight *op,
                                        const char *what,
                                        inflight_callback *callback,
                                        void *arg);
void inflight_end(struct xltd *d, struct inflight *op);
size_t inflight_count(const struct xltd *d);
/* libxl_ao_abort of each (each then ends, with ERROR_ABORTED if libxl
 * could abort it). */
void inflight_abort_all(struct xltd *d);

/* ---- promised.c: memory promised to the operations under way ------- */

struct promise {
    struct promise *next;
    bool listed;
    uint64_t kb;                     /* what the domain needs */
    const libxl_domain_config *cfg;  /* its UUID and name, as libxl has them */
};

/* xl's lock file, held while any promise is listed */
#define XL_LOCK_PATH "/var/lock/xl"

/* P (the caller's, listed until promise_keep) promises KB to the domain
 * of CFG, which must live as long; xl's lock is held from the first
 * promise to the end of the last.  -1 with ERR (and P not listed) if
 * another process holds the lock. */
int promise_make(struct xltd *d, struct promise *p, uint64_t kb,
                 const libxl_domain_config *cfg, struct xlt_err *err);
/* The operation ended (its domain has the memory, or failed): P goes. */
void promise_keep(struct xltd *d, struct promise *p);
/* What the promises but EXCEPT (NULL: none) still lack: free memory that
 * is not free. */
uint64_t promised_kb(struct xltd *d, const struct promise *except);

/* ---- xlerr.c: libxl's words for what failed ---------------------- */

/* ERR = FMT's text, ": " and what libxl said last (its latest error, or
 * "libxl error RC"), which is then forgotten.  Returns -1. */
int xlerr_set(struct xltd *d, int rc, struct xlt_err *err,
                 const char *fmt, ...) XLT_PRINTF(4, 5);
/* Forget what libxl said before (at the start of a request). */
void xlerr_reset(struct xltd *d);

/* ---- store.c: the domains xltd manages, on disk ----------------------- */

int store_init(struct xltd *d);
/* CFG's entry, with the config file's PATH and TEXT; BUILDING: libxl
 * has yet to build the domain (store_built clears that). */
int store_put(struct xltd *d, libxl_domain_config *cfg,
              const char *path, const char *text, bool building);
/* The domain of UUID is built: its entry loses the mark store_put's
 * BUILDING gave it (it cannot fail for want of room). */
void store_built(struct xltd *d, const libxl_uuid *uuid);
/* UUID's entry is marked: libxl had yet to build its domain. */
bool store_building(struct xltd *d, const libxl_uuid *uuid);
bool store_has(const struct xltd *d, const libxl_uuid *uuid);
/* UUID's entry as a JSON tree (the caller frees it); -1 if it has none. */
int store_get(struct xltd *d, const libxl_uuid *uuid, yajl_val *entry_r);
/* Set member KEY of UUID's entry to VALUE (a copy is written). */
int store_set(struct xltd *d, const libxl_uuid *uuid, const char *key,
              yajl_val value);
/* store_set with the string VALUE. */
int store_set_str(struct xltd *d, const libxl_uuid *uuid, const char *key,
                  const char *value);
int store_set_bool(struct xltd *d, const libxl_uuid *uuid, const char *key,
                   bool value);
/* Member KEY of UUID's entry is true (false if absent or no entry). */
bool store_get_bool(struct xltd *d, const libxl_uuid *uuid, const char *key);
/* The entry of OLD becomes CFG's (its UUID and name), keeping the config
 * file's path and text, the kept pinning and the dedicated flag. */
int store_move(struct xltd *d, const libxl_uuid *old,
               libxl_domain_config *cfg);
void store_drop(struct xltd *d, const libxl_uuid *uuid);
/* Write ENTRY (as store_get gave it) back as UUID's entry. */
int store_restore_entry(struct xltd *d, const libxl_uuid *uuid,
                        yajl_val entry);
/* Write JSON to PATH atomically (a new file, synced, renamed over); -1
 * (logged) if not. */
int store_write_atomic(struct xltd *d, const char *path, const char *json);
/* Drop the entries of domains not among INFO (at start-up); returns how
 * many entries remain, -1 on error. */
int store_forget_stopped(struct xltd *d, const libxl_dominfo *info, int n);
/* FN(DIR, NAME) for each file of STATE_DIR/SUBDIR but the dot files,
 * until FN returns non-zero, which is returned (-1, logged, if the
 * folder cannot be read). */
typedef int store_visit(struct xltd *d, const char *dir, const char *name,
                        void *arg);
int store_scan(struct xltd *d, const char *subdir, store_visit *fn,
               void *arg);
/* FN(UUID, ENTRY) for each readable store entry, as store_scan. */
typedef int store_entry_fn(struct xltd *d, const libxl_uuid *uuid,
                           yajl_val entry, void *arg);
int store_each(struct xltd *d, store_entry_fn *fn, void *arg);

/* ---- domain.c: building domains ---------------------------------- */

/* A new domain from CFG (which has a name) gets a valid name nobody
 * has and a UUID no running domain has (policy.c). */
int domain_check_identity(struct xltd *d, const libxl_domain_config *cfg,
                          struct xlt_err *err);
/* What libxl would refuse later, with less helpful words: a new domain
 * from CFG needs a name, the identity above, and the files below. */
int domain_check_new(struct xltd *d, const libxl_domain_config *cfg,
                     struct xlt_err *err);
/* CFG's kernel and ramdisk, if it names them, can be read. */
int domain_check_files(const libxl_domain_config *cfg, struct xlt_err *err);
/* CFG from JSON (libxl's domain config). */
int domain_config_parse(struct xltd *d, const char *json,
                        libxl_domain_config *cfg, struct xlt_err *err);
/* Create a domain from CFG (taken over: left empty) for a create request
 * (the config file PATH and TEXT go to the store): devices, room in
 * memory (dom0 may be lowered first, see balloon.c), dedicated CPUs, the
 * store entry, then libxl; unpaused unless PAUSED.  JOB ends with
 * {"domid", "name"}. */
int domain_create(struct xltd *d, libxl_domain_config *cfg, const char *path,
                  const char *text, bool paused, struct job *job,
                  struct xlt_err *err);
/* The rest of domain_create once the memory is there (balloon.c). */
int domain_create_go(struct xltd *d, libxl_domain_config *cfg,
                     const char *path, const char *text, bool paused,
                     struct job *job, struct xlt_err *err);
/* Build a domain from CFG (taken over), unpause it unless PAUSED and
 * watch it; a restart's start and the last step of a create. */
int domain_start(struct xltd *d, libxl_domain_config *cfg, bool paused,
                 struct job *job, struct xlt_err *err);
/* The same, restoring from FD (at the start of libxl's stream), whose
 * progress T reports; T ends with the operation (also on failure), its
 * summary in the result. */
int domain_restore(struct xltd *d, libxl_domain_config *cfg,
                   struct transfer *t, int fd, bool paused, struct job *job,
                   struct xlt_err *err);
/* Rebuild DOMID, an HVM guest that shut down asking for a soft reset
 * (kexec does), around its memory from CFG (taken over) and let it run on:
 * same domid, new device model and backends.  If that fails the domain is
 * destroyed and its store entry dropped (logged: nobody asked for it). */
void domain_soft_reset(struct xltd *d, uint32_t domid,
                       libxl_domain_config *cfg);

/* ---- defined.c: domains defined to outlive their runs ---------------- */

int defined_init(struct xltd *d);
/* FN(UUID, DEF) for each readable definition (unreadable ones are logged
 * and passed over) until FN returns non-zero, which is returned. */
typedef int defined_fn(struct xltd *d, const libxl_uuid *uuid, yajl_val def,
                       void *arg);
int defined_each(struct xltd *d, defined_fn *fn, void *arg);
/* The definition named NAME in *DEF_R (the caller frees it) and its UUID
 * in *UUID_R (if not NULL); -1 with ERR if there is none. */
int defined_get(struct xltd *d, const char *name, yajl_val *def_r,
                libxl_uuid *uuid_r, struct xlt_err *err);
/* A domain runs with UUID: its id in *DOMID_R. */
bool defined_running(struct xltd *d, const libxl_uuid *uuid,
                     uint32_t *domid_r);
/* Define CFG's domain (the config file's PATH and TEXT kept with it):
 * its name valid and no definition's, its kernel readable.  Its UUID is
 * the config's, or that of the running domain of its name (which is then
 * defined), or a new one; written into CFG. */
int defined_add(struct xltd *d, libxl_domain_config *cfg, const char *path,
                const char *text, struct xlt_err *err);
/* NAME's definition gets CFG (of the same name, and UUID if it has one)
 * for its next start; autostart settings stay. */
int defined_update(struct xltd *d, const char *name, libxl_domain_config *cfg,
                   const char *path, const char *text, struct xlt_err *err);
/* Forget NAME's definition (a domain of it running runs on). */
int defined_remove(struct xltd *d, const char *name, struct xlt_err *err);
/* Set member KEY of NAME's definition to VALUE. */
int defined_set(struct xltd *d, const char *name, const char *key,
                yajl_val value, struct xlt_err *err);
/* No definition but UUID's own is named NAME. */
int defined_name_free(struct xltd *d, const char *name,
                      const libxl_uuid *uuid, struct xlt_err *err);
/* The domain of UUID is now called NAME: so is its definition, if any. */
void defined_renamed(struct xltd *d, const libxl_uuid *uuid,
                     const char *name);
/* Start NAME's domain, as domain_create does (JOB the same), with the
 * definition's UUID; -1 with ERR if it runs or is starting. */
int defined_start(struct xltd *d, const char *name, bool paused,
                  struct job *job, struct xlt_err *err);

/* ---- batch.c: many operations side by side, a few at a time -------- */

struct batch_ops {
    /* Start operation I with JOB, as a core function starts one. */
    int (*start)(struct xltd *d, size_t i, struct job *job,
                 struct xlt_err *err, void *arg);
    /* Operation I ended: with RESULT, or ERROR (non-NULL). */
    void (*end)(struct xltd *d, size_t i, const char *result,
                const char *error, void *arg);
    /* The batch ended: ENDED operations did (fewer than asked if xltd is
     * stopping). */
    void (*done)(struct xltd *d, size_t ended, void *arg);
};
/* Run N operations of OPS (ARG theirs), at most PARALLEL at once; -1 (and
 * no done) if out of memory. */
int batch_run(struct xltd *d, size_t n, size_t parallel,
              const struct batch_ops *ops, void *arg);

/* ---- hostboot.c: the host's boot: saved guests back, autostart ------- */

/* If this is xltd's first start since the host booted: restore the saved
 * guests, then start the autostart definitions (in the loop). */
void hostboot_begin(struct xltd *d);
/* An order's delay under way: ms until it is over (-1: none). */
int hostboot_timeout_ms(const struct xltd *d);
void hostboot_expire(struct xltd *d);

/* ---- hostdown.c: the host's shutdown: guests saved, moved or stopped - */

/* Every guest migrated, saved or shut down as MODE says (falling back
 * to the next); JOB ends with {"migrated": [NAME...], "saved",
 * "shut_down", "destroyed", "failed"}. */
int hostdown_run(struct xltd *d, enum host_shutdown_mode mode,
                 struct job *job, struct xlt_err *err);
/* A host shutdown is under way: no guest is restarted. */
bool hostdown_active(const struct xltd *d);
int hostdown_timeout_ms(const struct xltd *d);
void hostdown_expire(struct xltd *d);

/* ---- policy.c: what a domain may be ---------------------------------- */

/* A name: 1 to 128 characters, no `/' (it goes into file names), no
 * control characters. */
int policy_domain_name(const char *name, struct xlt_err *err);
/* No running domain has UUID (nil: fine, libxl makes one), but for one
 * named SENDER (non-NULL for a migration in: the sender's own copy, when
 * it migrates to this host itself). */
int policy_uuid_free(struct xltd *d, const libxl_uuid *uuid,
                     const char *sender, struct xlt_err *err);
/* A config from a migrating peer: its name, and nothing that would run
 * a program of its choosing in dom0 (a hotplug script not xlt's own),
 * give it this host's hardware, or hand the guest files or disks M does
 * not allow.  -1 with ERR naming the key. */
int policy_incoming(const struct migrate_conf *m,
                    const libxl_domain_config *cfg, struct xlt_err *err);

/* ---- lifecycle.c: destroy, rename, pause, shutdown and reboot ------- */

/* Destroy DOMID (not dom0) and forget it; JOB ends with {"domid"}. */
int domain_destroy(struct xltd *d, uint32_t domid, struct job *job,
                   struct xlt_err *err);
int domain_rename(struct xltd *d, uint32_t domid, const char *name,
                  struct xlt_err *err);
int domain_pause(struct xltd *d, uint32_t domid, bool pause,
                 struct xlt_err *err);
/* Ask the N domains DOMIDS to shut down or (REBOOT) reboot through their
 * PV drivers, each at once; with FALLBACK an HVM guest without them gets
 * the ACPI power button, or for a reboot a reset.  JOB ends once every
 * guest has acknowledged (libxl waits up to 60 s for each; the loop goes
 * on meanwhile), with the first failure if one failed (the domains after
 * a refused one are not asked), or with WAIT once they have all gone
 * (supervise_wait).  Returns 0: JOB will end (it may have ended). */
int domain_ask(struct xltd *d, const uint32_t *domids, size_t n, bool reboot,
               bool fallback, bool wait, struct job *job,
               struct xlt_err *err);
/* The UUID of DOMID (nil if it is unknown). */
void domain_uuid(struct xltd *d, uint32_t domid, libxl_uuid *uuid);

/* ---- cluster.c: the cluster resource a domain is ------------------------ */

/* Mark domain DOMID (one xltd manages) as the cluster's resource RESOURCE
 * (an XML id); NULL clears the mark. */
int cluster_mark(struct xltd *d, uint32_t domid, const char *resource,
                 struct xlt_err *err);
/* The resource the domain of UUID is (malloc'd), or NULL: none. */
char *cluster_resource_of(struct xltd *d, const libxl_uuid *uuid);

/* ---- xenctrl.c: what libxl does not offer ---------------------------- */

/* Shut DOMID down for REASON from outside, without asking the guest, as a
 * reset button would; libxl then reports the shutdown and xltd applies
 * the matching on_* action. */
int xenctrl_shutdown(uint32_t domid, libxl_shutdown_reason reason,
                     struct xlt_err *err);

/* DOMID's core, written to PATH with a libxenctrl handle of the caller's
 * own (libxl's dump holds libxl's lock throughout); 0 or an errno. */
int xenctrl_dumpcore(uint32_t domid, const char *path);

/* ---- actions.c: on_* actions, off the loop ------------------------------ */

/* Apply WHAT to DOMID, which shut down (CFG taken over): a core dump in a
 * thread, libxl's asynchronous destroy, then a restart, as WHAT says.
 * true if that goes on after the call: its destroy's end then releases
 * DOMID's waiters (supervise_waiters_done). */
bool actions_apply(struct xltd *d, uint32_t domid, libxl_domain_config *cfg,
                   libxl_action_on_shutdown what);
/* The eventfd that a finished dump posts to (-1 until the first dump), and
 * what the loop does when it is readable. */
int actions_fd(const struct xltd *d);
void actions_ready(struct xltd *d);
/* How many dumps are being written. */
size_t actions_dumping(const struct xltd *d);
/* xltd exits: the dumps not finished are removed. */
void actions_stop(struct xltd *d);

/* ---- supervise.c: watching domains ----------------------------------- */

/* Watch every domain Xen has now (at start-up), once what an xltd that
 * died left mid-way is mended: its half-built domains destroyed, those
 * it left suspended (a save, a migration not handed over) resumed. */
int supervise_adopt_all(struct xltd *d);
/* Watch domains as they appear, whoever creates them. */
int supervise_open_xenstore(struct xltd *d);
int supervise_xenstore_fd(const struct xltd *d);
void supervise_xenstore_ready(struct xltd *d);
int supervise_watch(struct xltd *d, uint32_t domid);
/* DOMID is now called NAME (its events say so, also once it is gone). */
void supervise_renamed(struct xltd *d, uint32_t domid, const char *name);
/* Watch DOMID afresh: after a suspended domain resumes (libxl reports a
 * domain's shutdown only once per watch). */
int supervise_rewatch(struct xltd *d, uint32_t domid);
/* End JOB once every domain in DOMIDS has shut down or died. */
int supervise_wait(struct xltd *d, const uint32_t *domids, size_t n,
                   struct job *job, struct xlt_err *err);
void supervise_event(struct xltd *d, libxl_event *ev); /* frees EV */
/* DOMID is down (shut down and its action done, or dead): the clients
 * waiting for it (shutdown -w) get their answer. */
void supervise_waiters_done(struct xltd *d, uint32_t domid);
void supervise_stop(struct xltd *d);

/* ---- crashes.c: domains that crash again and again, core dumps ------ */

/* A restart of domain NAME after a crash or a watchdog: false (and
 * logged) if it would be more than crash_restart_limit within
 * crash_restart_window. */
bool crashes_restart_allowed(struct xltd *d, const char *name);
void crashes_forget(struct xltd *d);
struct dump_file {
    char path[512]; /* /var/lib/xen/dump/NAME-SECONDS.core */
    char part[520]; /* where it is written until whole: PATH.part */
};
/* Where a core dump of NAME (MEMKB of memory) goes, in *F: NAME's oldest
 * dumps removed, so that at most dump_keep are kept; false (and logged)
 * if the room is not there. */
bool crashes_dump_file(struct xltd *d, const char *name, uint64_t memkb,
                       struct dump_file *f);
/* At start-up: the half-written dumps (*.core.part) an xltd killed while
 * it dumped left are removed. */
void crashes_sweep_parts(struct xltd *d);
/* The dump of DOMID into F->part ended with ERRNUM (0: whole): it takes
 * its name, or goes; logged either way. */
void crashes_dump_done(struct xltd *d, uint32_t domid, const char *name,
                       const struct dump_file *f, int errnum);

/* ---- debug.c: looking into a domain or the hypervisor ---------------- */

/* The tty of DOMID's console TYPE_NAME ("pv", "serial"; NULL: its
 * primary console) number NUM, in *TTY_R (the caller frees it). */
int debug_console_tty(struct xltd *d, uint32_t domid, const char *type_name,
                      long long num, char **tty_r, struct xlt_err *err);
/* Xen's console ring, oldest line first (the newest 2 MiB of a larger
 * one), cleared after reading if CLEAR; *TEXT_R is the caller's. */
int debug_dmesg(struct xltd *d, bool clear, char **text_r,
                struct xlt_err *err);
int debug_sysrq(struct xltd *d, uint32_t domid, const char *key,
                struct xlt_err *err);
int debug_trigger(struct xltd *d, uint32_t domid, const char *name,
                  long long vcpu, struct xlt_err *err);

/* ---- topology.c: the host's CPUs and nodes ------------------------- */

/* The host's CPUs and NUMA nodes from libxl; -1 if libxl cannot say. */
int topology_read(struct xltd *d, struct xlt_topology *t);

/* ---- vcpus.c: the domains' vCPUs ----------------------------------- */

/* Pin vCPU VCPU (-1: all) of DOMID to the CPU lists HARD and SOFT (NULL
 * or "-": unchanged), and keep it for restarts. */
int vcpus_pin(struct xltd *d, uint32_t domid, long long vcpu,
              const char *hard, const char *soft, struct xlt_err *err);
/* vCPUs 0..COUNT-1 of DOMID online, the rest offline; JOB ends once
 * they are (an HVM guest's device model is asked, off the loop). */
int vcpus_set_online(struct xltd *d, uint32_t domid, long long count,
                     struct job *job, struct xlt_err *err);

/* ---- dedicated.c: dedicated cores -------------------------------------- */

/* Give each vCPU of CFG a CPU of its own (CFG gets the pool and the
 * pinning); -1 with ERR (nothing taken) when the host has too few. */
int dedicated_reserve(struct xltd *d, libxl_domain_config *cfg,
                      struct xlt_err *err);
/* Before a restart from CFG (libxl's copy of the old instance's config):
 * fresh CPUs if the store says it is dedicated, else out of the pool
 * (a vcpu-dedicate -r since).  -1 with ERR if it cannot have its CPUs. */
int dedicated_restart(struct xltd *d, libxl_domain_config *cfg,
                      struct xlt_err *err);
/* A create from CFG has ended, well or not: its CPUs are no longer
 * pending, and those nobody holds go back to Pool-0. */
void dedicated_started(struct xltd *d, const libxl_domain_config *cfg);
/* At start-up, once the domains are adopted: give back what nobody holds. */
int dedicated_init(struct xltd *d);
/* Give the CPUs no dedicated domain holds back to Pool-0 (after a death,
 * at start-up). */
void dedicated_rebalance(struct xltd *d);
bool dedicated_domain(struct xltd *d, const libxl_dominfo *info);
/* "shared_cpus" and "dedicated_cpus" ("CPU=NAME/VCPU ..."), for info. */
void dedicated_gen_info(struct xltd *d, yajl_gen g);
/* vcpu-dedicate: CPUs of its own for running DOMID (their list in
 * *CPUS_R, the caller's), or with RELEASE back to Pool-0 (*CPUS_R NULL). */
int dedicated_change(struct xltd *d, uint32_t domid, bool release,
                     char **cpus_r, struct xlt_err *err);

/* ---- pinning.c: vcpu-pin kept across restarts ------------------------ */

/* Keep a successful vcpu-pin of DOMID (UUID; VCPU -1: all of MAX_VCPUS;
 * HARD or SOFT NULL: unchanged) in its store entry, if xltd manages it. */
int pinning_record(struct xltd *d, uint32_t domid, const libxl_uuid *uuid,
                   long long vcpu, int max_vcpus, const char *hard,
                   const char *soft);
/* Apply the kept pinning of CFG's domain to CFG, before a restart. */
int pinning_apply(struct xltd *d, libxl_domain_config *cfg);

/* ---- sched.c: credit and credit2 weight and cap ---------------------- */

/* Set WEIGHT and CAP (-1: unchanged) of DOMID, whose pool must run
 * SCHED. */
int sched_set(struct xltd *d, uint32_t domid, libxl_scheduler sched,
              long long weight, long long cap, struct xlt_err *err);

/* ---- cpupools.c: CPU pools ------------------------------------------ */

/* Move DOMID to pool POOLID, paused meanwhile unless it is paused or dom0
 * (see cpupools.c); a libxl error code. */
int cpupools_move_domain(struct xltd *d, uint32_t domid, uint32_t poolid);
/* Pool NAME with scheduler SCHED_NAME (NULL: the host's) and the free
 * CPUs CPUS (an xl CPU list; NULL: none); with DRY_RUN only the checks.
 * Its id (none for a dry run), scheduler and CPU count in *INFO_R. */
struct cpupool_made {
    uint32_t poolid;
    libxl_scheduler sched;
    int n_cpus;
};
int cpupools_create(struct xltd *d, const char *name, const char *sched_name,
                    const char *cpus, bool dry_run,
                    struct cpupool_made *made_r, struct xlt_err *err);
int cpupools_destroy(struct xltd *d, uint32_t poolid, struct xlt_err *err);
int cpupools_rename(struct xltd *d, uint32_t poolid, const char *name,
                    struct xlt_err *err);
/* Add the free CPUS (an xl CPU list) to POOLID, or with REMOVE take those
 * of its own out. */
int cpupools_cpus(struct xltd *d, uint32_t poolid, const char *cpus,
                  bool remove, struct xlt_err *err);
int cpupools_migrate(struct xltd *d, uint32_t domid, uint32_t poolid,
                     struct xlt_err *err);

/* ---- balloon.c: dom0 autoballoon -------------------------------------- */

/* Make room for CFG: 0 if it fits now; 1 if dom0 is being lowered (the
 * create goes on from balloon_tick, and JOB is its); -1 with ERR if not. */
int balloon_make_room(struct xltd *d, libxl_domain_config *cfg,
                      const char *path, const char *text, bool paused,
                      struct job *job, struct xlt_err *err);
/* 0 if CFG fits in the memory Xen has free now, less what operations
 * under way were promised (what it needs in *NEED_R, if not NULL); -1
 * with ERR if not (no ballooning: for restores, whose stream cannot
 * wait). */
int balloon_fits(struct xltd *d, libxl_domain_config *cfg, uint64_t *need_r,
                 struct xlt_err *err);
/* The timer to poll while ballooning (-1 otherwise), and its handler. */
int balloon_fd(const struct xltd *d);
void balloon_tick(struct xltd *d);
/* On xltd's stop: give dom0 its target back, fail the create. */
void balloon_stop(struct xltd *d);

/* ---- memory.c: balloon target and maximum --------------------------- */

/* xenstore's memory/target and memory/static-max of DOMID, in KiB. */
int memory_target(struct xltd *d, uint32_t domid, uint64_t *kb_r);
int memory_static_max(struct xltd *d, uint32_t domid, uint64_t *kb_r);
/* mem-set: ask DOMID's balloon driver for KB KiB. */
int memory_set_target(struct xltd *d, uint32_t domid, uint64_t kb,
                      struct xlt_err *err);
/* mem-max: DOMID may balloon up to KB KiB. */
int memory_set_max(struct xltd *d, uint32_t domid, uint64_t kb,
                   struct xlt_err *err);

/* ---- devices.c: xlt's drivers for a new domain's devices ------------- */

/* Name xlt's drivers as CFG's hotplug scripts, and check what they will
 * need (a vif's bridge); -1 with ERR if the domain cannot have them. */
int devices_prepare(struct xltd *d, libxl_domain_config *cfg,
                    struct xlt_err *err);
/* The same for one vif (number I, for messages) or one disk. */
int devices_prepare_nic(struct xltd *d, libxl_device_nic *nic, int i,
                        struct xlt_err *err);
int devices_prepare_disk(libxl_device_disk *disk, struct xlt_err *err);
/* Is PATH an LV's, /dev/VG/LV (two names under /dev, the first not one of
 * the kernel's or udev's own directories)?  Its names in *LV if so. */
bool devices_lv_path(const char *path, struct xlt_lv *lv);
/* SCRIPT (a device's script=) is xlt's DRIVER ("vif-bridge",
 * "block-lvm"): none, the bare name, Xen's stock path of it, or any
 * host's PREFIX/lib/xlt/DRIVER.  devices_prepare names this host's. */
bool devices_script_is_xlts(const char *script, const char *driver);
/* Is SCRIPT (a backend's script node) this host's xlt DRIVER itself? */
bool devices_is_driver(const char *script, const char *driver);

/* ---- volumes.c: the volume-* requests, off the loop ----------------- */

/* Run volume request OP with ARGS (copied) in a thread of its own (lvm
 * takes seconds); JOB ends with its answer.  -1 with ERR if it could not
 * start. */
int volumes_start(struct xltd *d, const char *op, yajl_val args,
                  struct job *job, struct xlt_err *err);
/* The eventfd their threads post to (-1 until the first), and what the
 * loop does when it is readable; how many are under way. */
int volumes_fd(const struct xltd *d);
void volumes_ready(struct xltd *d);
size_t volumes_running(const struct xltd *d);

/* ---- stats.c: the host's and its domains' counters, off the loop ----- */

struct stats_sample;
/* The sampler's thread started (if it is not yet); -1 with ERR. */
int stats_start(struct xltd *d, struct xlt_err *err);
/* S, a sample no older than was asked, or NULL with ERROR. */
typedef void stats_fn(struct xltd *d, const struct xlt_stats *s,
                      const char *error, void *arg);
/* FN is called with a sample no older than MAX_AGE_MS: before this
 * returns if the latest is, else from the loop once the sampler (a
 * thread, started on the first request) has taken one; -1 with ERR if
 * it cannot be asked. */
int stats_request(struct xltd *d, int max_age_ms, stats_fn *fn, void *arg,
                  struct xlt_err *err);
/* For threads other than the loop's: waits for a sample no older than
 * MAX_AGE_MS, referenced (stats_sample_put), or NULL with ERROR. */
struct stats_sample *stats_wait(struct stats *st, int max_age_ms,
                                char *error, size_t len);
const struct xlt_stats *stats_sample_get(const struct stats_sample *sample);
void stats_sample_put(struct stats_sample *sample);
/* The sampler's eventfd (-1 while none runs), and what the loop does
 * when it is readable: tells the readers waiting. */
int stats_fd(const struct xltd *d);
void stats_ready(struct xltd *d);
/* Stops the sampler; readers still waiting are told xltd is stopping. */
void stats_stop(struct xltd *d);

/* ---- opstats.c: what the operations took, for the metrics ------------ */

#define OPSTATS_BUCKETS 9  /* and +Inf, which is the count */
#define OPSTATS_TIMED 5    /* the operations whose durations are kept */
#define OPSTATS_MAX_OPS 64 /* the kinds of request whose failures are */
extern const double opstats_duration_bounds[OPSTATS_BUCKETS];
extern const double opstats_downtime_bounds[OPSTATS_BUCKETS];
extern const char *const opstats_timed[OPSTATS_TIMED];
struct opstats_histogram {
    uint64_t buckets[OPSTATS_BUCKETS]; /* cumulative: v <= bound */
    uint64_t count;
    double sum;
};
struct opstats_failures {
    char op[XLT_PROTO_MAX_CMD + 1];
    uint64_t count;
};
struct opstats_copy {
    struct opstats_histogram durations[OPSTATS_TIMED]; /* successes */
    struct opstats_histogram downtime; /* migrations' (seconds) */
    struct opstats_failures failures[OPSTATS_MAX_OPS];
    size_t n_failures;
};
int opstats_init(struct xltd *d);
void opstats_dispose(struct xltd *d);
/* OP (a request's name) ended after SECONDS, FAILED or not. */
void opstats_ended(struct xltd *d, const char *op, double seconds,
                   bool failed);
/* A migration out whose guest was paused SECONDS. */
void opstats_downtime(struct xltd *d, double seconds);
/* What was recorded so far (any thread). */
void opstats_copy(struct xltd *d, struct opstats_copy *out);

/* ---- retrieve.c: a running domain's configuration, off the loop ------ */

/* CFG: libxl's current config of the domain (NULL if RC, which the
 * callback turns into words with retrieve_error); freed after the call. */
typedef void retrieve_callback(struct xltd *d, libxl_domain_config *cfg,
                               int rc, void *arg);
/* Read DOMID's configuration, then CALLBACK(ARG); -1 with ERR if that
 * could not begin (CALLBACK is then not called). */
int retrieve_config(struct xltd *d, uint32_t domid,
                    retrieve_callback *callback, void *arg,
                    struct xlt_err *err);
/* ERR: why reading DOMID's configuration failed with RC (naming a
 * stopped device model).  Returns -1. */
int retrieve_error(struct xltd *d, uint32_t domid, int rc,
                   struct xlt_err *err);

/* ---- devmodel.c: device models seen from outside ---------------------- */

/* The pid of DOMID's device model if it is stopped (SIGSTOP: it answers
 * nothing), else 0. */
int devmodel_stopped(struct xltd *d, uint32_t domid);
/* -1 with ERR ("DOING: its device model (pid P) is stopped and does not
 * answer (continue it: kill -CONT P)THEN") if it is, else 0: for what
 * would wait on it without end. */
int devmodel_refuse_stopped(struct xltd *d, uint32_t domid,
                            const char *doing, const char *then,
                            struct xlt_err *err);
/* DOMID is dying (destroyed): its device model is killed if it has not
 * ended within a grace period, by devmodel_expire, which the loop calls
 * every turn and within devmodel_timeout_ms (-1: no need). */
void devmodel_domain_dying(struct xltd *d, uint32_t domid);
int devmodel_timeout_ms(const struct xltd *d);
void devmodel_expire(struct xltd *d);
void devmodel_forget_all(struct xltd *d);

/* ---- leftovers.c: what a gone domain left in xenstore ----------------- */

/* If Xen no longer has DOMID (or has it dying): run xlt's drivers of the
 * backends it left for their removal, remove those backends, /libxl/DOMID
 * and /local/domain/DOMID, and log it.  1 if anything was left, else 0. */
int leftovers_sweep(struct xltd *d, uint32_t domid);
/* The same for every domain id xenstore still names (at start-up). */
void leftovers_sweep_all(struct xltd *d);
/* libxl failed to build (create, restore or rebuild) domain DOMID, NAME:
 * destroy it if libxl left it (an aborted create does), then sweep.
 * Nothing for an id that names no domain (INVALID_DOMID). */
void leftovers_failed_build(struct xltd *d, uint32_t domid, const char *name);

/* ---- hotplug.c: devices of running domains ---------------------------- */

/* Attach DEVICE (libxl's JSON of a nic, IS_NIC, or of a disk) to DOMID;
 * JOB ends with {"devid"}.  A half-made device is taken away again. */
int hotplug_attach(struct xltd *d, uint32_t domid, bool is_nic,
                   const char *device, struct job *job, struct xlt_err *err);
/* Detach DOMID's vif (devid or MAC) or disk (vdev or devid) REF. */
int hotplug_detach(struct xltd *d, uint32_t domid, bool is_nic,
                   const char *ref, struct job *job, struct xlt_err *err);

/* ---- transfer.c: progress of saves and restores --------------------- */

/* Report WHAT ("saving pv1") to JOB each second while FD (a file xltd
 * writes, or reads when READING) streams; FD is closed by transfer_end.
 * NULL if out of memory. */
struct transfer *transfer_begin(struct xltd *d, struct job *job,
                                const char *what, int fd, bool reading);
/* The same for a migration: its bytes counted in *COUNTER, and libxc's
 * progress (iterations, pages) is its. */
struct transfer *transfer_begin_counted(struct xltd *d, struct job *job,
                                        const char *what,
                                        _Atomic uint64_t *counter);
/* "bytes" and "seconds" so far, into G's open object. */
void transfer_gen_summary(const struct transfer *t, yajl_gen g);
void transfer_end(struct xltd *d, struct transfer *t);
/* The progress timer to poll (-1 when idle), and its handler. */
int transfer_fd(const struct xltd *d);
void transfer_tick(struct xltd *d);
/* libxc's progress (log.c passes it on). */
void transfer_xc_progress(struct xltd *d, const char *doing,
                          unsigned long done, unsigned long total);

/* ---- saverestore.c: save and restore --------------------------------- */

/* The save header of CFG's domain (CFG, as retrieve_config gave it, and
 * xlt's state), as save writes it and migrate sends it.  CFG is made fit
 * for another host (no domid; dedicated cores' pool and pinning gone). */
int saverestore_header(struct xltd *d, libxl_domain_config *cfg,
                       char **buf_r, size_t *len_r, struct xlt_err *err);
/* Record in UUID's store entry the tuning a save header KEPT (its extras
 * chunk: pinning, dedicated cores). */
int saverestore_keep(struct xltd *d, const libxl_uuid *uuid, yajl_val kept);
/* Save DOMID to FILE (an absolute path), then destroy it, or leave it
 * running (CHECKPOINT) or paused (PAUSED).  JOB ends with {"domid",
 * "name", "file", "bytes", "seconds"}. */
int saverestore_save(struct xltd *d, uint32_t domid, const char *file,
                     bool checkpoint, bool paused, struct job *job,
                     struct xlt_err *err);
/* Restore a domain from FILE (absolute), with the config GIVEN (libxl's
 * JSON; the config file's PATH and TEXT go to the store), or NULL: the
 * file's.  JOB ends with {"domid", "name", "bytes", "seconds"}. */
int saverestore_restore(struct xltd *d, const char *file,
                        const char *given, const char *path,
                        const char *text, bool paused, struct job *job,
                        struct xlt_err *err);

/* ---- mworker.c: the thread that moves a migration's bytes ------------ */

enum {
    MW_CMD_ABORT = 'a', /* stop (also what a closed command pipe reads as) */
    MW_CMD_NEXT = 'n',  /* go on to the next step */
    MW_CMD_REFUSE = 'r' /* tell the peer no (the reason in text) */
};

struct mworker {
    pthread_t thread;
    bool started;
    int events[2];   /* worker -> loop, one byte an event */
    int commands[2]; /* loop -> worker */
    int stream[2];   /* libxl's end [0], the worker's [1] */
    struct xlt_chan *chan;
    int sock; /* the connection (the loop accepted it, or the worker made
                 it: under the lock): shut before the worker is joined,
                 closed by the loop */
    bool cancelled; /* under the lock: the worker makes no connection */
    pthread_mutex_t lock;
    char text[1024];   /* with an event or a refusal */
    char *data;        /* what the peer sent before the stream */
    size_t data_len;
    _Atomic uint64_t bytes; /* of libxl's stream, so far */
};

int mworker_init(struct mworker *w);
int mworker_start(struct mworker *w, void *(*run)(void *), void *arg);
/* Stop the worker (its connection shut, unless GRACEFUL: it is ending on
 * its own, telling the peer something), wait for it, free everything. */
void mworker_dispose(struct mworker *w, bool graceful);
/* The worker's side: post EVENT (with text, if FMT), wait for a command,
 * a JSON message each way, libxl's stream out to the peer (until libxl's
 * end closes) or in from it (until its end frame). */
void mworker_post(struct mworker *w, char event, const char *fmt, ...)
    XLT_PRINTF(3, 4);
int mworker_wait(struct mworker *w);
int mworker_send_json(struct mworker *w, const char *json,
                      struct xlt_err *err);
int mworker_recv_json(struct mworker *w, yajl_val *v_r, struct xlt_err *err);
int mworker_relay_out(struct mworker *w, struct xlt_err *err);
/* In: the first frame must begin as libxl's stream does; then the worker
 * posts STARTED and waits for MW_CMD_NEXT (libxl's restore is started
 * only on a stream that is libxl's: 4.17's crashes on a bad header). */
int mworker_relay_in(struct mworker *w, char started, struct xlt_err *err);
/* The connection the worker made is FD (-1: none any more); -1 if the
 * loop has cancelled the worker meanwhile (FD is not taken). */
int mworker_own_sock(struct mworker *w, int fd);
/* The loop's side. */
void mworker_command(struct mworker *w, char cmd);
/* Shut the worker's connection: it fails, and posts that. */
void mworker_cancel(struct mworker *w);
/* The next event (0 if none) and its text. */
char mworker_event(struct mworker *w, char *text, size_t len);
/* The worker's side: connect to HOST PORT (giving up when the loop is
 * done with the worker) and speak TLS with KEY (NULL: plain), this
 * host's name its identity; the connection is the worker's sock. */
int mworker_connect(struct mworker *w, const char *host, const char *port,
                    const char *key, struct xlt_err *err);
/* The pool's key (hex) from CONF, or NULL for plain; -1 with ERR. */
int mworker_key(const struct migrate_conf *conf, char **key_r,
                struct xlt_err *err);

/* ---- migrate.c: sending a domain to another xltd -------------------- */

/* Send DOMID to the xltd of TARGET (HOST, HOST:PORT or [V6]:PORT), live
 * unless not LIVE; cancelled (the domain runs on here) if not handed over
 * within DEADLINE_S seconds (0: no deadline; at most
 * MIGRATE_DEADLINE_MAX).  JOB ends with {"name", "host", "live", "tls",
 * "bytes", "seconds", "iterations", "downtime"}. */
#define MIGRATE_DEADLINE_MAX 86400
int migrate_start(struct xltd *d, uint32_t domid, const char *target,
                  bool live, int deadline_s, struct job *job,
                  struct xlt_err *err);
/* The soonest deadline's ms (-1: none), and the migrations past it
 * cancelled. */
int migrate_timeout_ms(const struct xltd *d);
void migrate_expire(struct xltd *d);
/* DOMID has suspended (supervise.c): the downtime of its migration
 * starts. */
void migrate_domain_suspended(struct xltd *d, uint32_t domid);
/* xltd is stopping: fail the migrations that have not handed their
 * domain over (each gives it back here, resumed), or ALL of them. */
void migrate_stop(struct xltd *d, bool all);
/* The pollfds (their count first), and their events. */
size_t migrate_count(const struct xltd *d);
size_t migrate_pollfds(struct xltd *d, struct pollfd *fds, size_t max);
void migrate_handle(struct xltd *d, const struct pollfd *fds, size_t n);

/* ---- reclaim.c: domains handed over without word from the target ---- */

/* A migration's id: hex digits, random, sent in its hello. */
#define XLT_MIGRATION_ID_LEN 32
/* Is ID one (XLT_MIGRATION_ID_LEN lower-case hex digits)? */
bool reclaim_id_valid(const char *id);
/* Before "go": note that the domain of UUID (NAME, its store ENTRY) is
 * being handed to HOST PORT by migration ID; -1 (logged) if it cannot be
 * noted. */
int reclaim_note(struct xltd *d, const libxl_uuid *uuid, const char *name,
                 const char *host, const char *port, const char *id,
                 yajl_val entry);
/* The target's side: migration ID's "go" was taken here (written before
 * the domain runs, so that the answer to the sender outlives this xltd);
 * was it?  Records older than 30 days are swept at start-up. */
int reclaim_taken_note(struct xltd *d, const char *id, const char *name);
void reclaim_taken_drop(struct xltd *d, const char *id);
bool reclaim_taken(const struct xltd *d, const char *id);
void reclaim_taken_sweep(struct xltd *d);
/* The target runs it: the note goes. */
void reclaim_forget(struct xltd *d, const libxl_uuid *uuid);
/* No word from the target after "go": ask it whether it runs UUID's
 * domain, and destroy the copy here, or resume it here. */
void reclaim_begin(struct xltd *d, const libxl_uuid *uuid);
/* At start-up: the same for every note an xltd left. */
void reclaim_all(struct xltd *d);
/* xltd stops: the questions end; the notes stay for the next xltd. */
void reclaim_stop(struct xltd *d);
/* The loop's side: how many ask, their fds and events; how soon one asks
 * again (ms, -1: none), and asking again when it is time. */
size_t reclaim_count(const struct xltd *d);
size_t reclaim_pollfds(struct xltd *d, struct pollfd *fds, size_t max);
void reclaim_handle(struct xltd *d, const struct pollfd *fds, size_t n);
int reclaim_timeout_ms(const struct xltd *d);
void reclaim_expire(struct xltd *d);

/* ---- receive.c: the listener, and domains migrating in --------------- */

/* The names of a migration's copies of domain NAME: the target's while it
 * is received, the source's once handed over. */
#define INCOMING_SUFFIX "--incoming"
#define MIGRATEDAWAY_SUFFIX "--migratedaway"
/* Is NAME one of those? */
bool receive_copy_name(const char *name);

/* At start-up: destroy domains left half-received (NAME--incoming). */
void receive_drop_orphans(struct xltd *d);
int receive_listen(struct xltd *d);
void receive_close(struct xltd *d);
/* xltd is stopping: close the listener, fail the incoming migrations
 * that are not waiting for the sender's "go" (or ALL): nothing of them
 * is kept. */
void receive_stop(struct xltd *d, bool all);
/* Migrations coming in (those in their handshake too). */
size_t receive_incomings(const struct xltd *d);
size_t receive_count(const struct xltd *d);
size_t receive_pollfds(struct xltd *d, struct pollfd *fds, size_t max);
void receive_handle(struct xltd *d, const struct pollfd *fds, size_t n);
/* How long until the next handshake's deadline (ms; -1: none), and
 * dropping those past it (the loop calls it every turn). */
int receive_timeout_ms(const struct xltd *d);
void receive_expire(struct xltd *d);

#endif
