/* The unit tests: one suite per file, all run by main.c. */
#ifndef XLT_UNIT_H
#define XLT_UNIT_H

#include <check.h>

#include "xlt.h"

Suite *config_suite(void);
Suite *proto_suite(void);
Suite *json_suite(void);
Suite *cli_suite(void);
Suite *cpumap_suite(void);
Suite *lvm_suite(void);
Suite *antispoof_suite(void);
Suite *savefile_suite(void);
Suite *chan_suite(void);
Suite *xltd_suite(void);
Suite *util_suite(void);
Suite *storeentry_suite(void);
Suite *auditlog_suite(void);
Suite *pki_suite(void);
Suite *remote_suite(void);
Suite *stats_suite(void);
/* The made-up host the config tests parse cpus= against (test_cpumap.c). */
extern const struct xlt_topology unit_topology;
/* A sample at T seconds: dom0 (id 0) and "web" (id 5, two vCPUs, xvda,
 * vif 0 on xenbr0), each counter N times its unit (test_stats.c). */
void unit_stats_sample(struct xlt_stats *s, uint64_t t, uint64_t n);
Suite *promtext_suite(void);
/* XLT_SRCDIR/REL (the tests' fixtures); the caller frees. */
char *unit_path(const char *rel);

#endif
