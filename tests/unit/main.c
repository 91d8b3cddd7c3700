/* Runs every unit test suite.  XLT_REGEN=1 rewrites the golden files. */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

char *unit_path(const char *rel)
{
    const char *top = getenv("XLT_SRCDIR");
    char *path = NULL;

    if (asprintf(&path, "%s/%s", top ? top : ".", rel) < 0)
        abort();
    return path;
}

int main(void)
{
    SRunner *sr = srunner_create(config_suite());
    int failed;

    srunner_add_suite(sr, proto_suite());
    srunner_add_suite(sr, json_suite());
    srunner_add_suite(sr, cli_suite());
    srunner_add_suite(sr, cpumap_suite());
    srunner_add_suite(sr, lvm_suite());
    srunner_add_suite(sr, antispoof_suite());
    srunner_add_suite(sr, savefile_suite());
    srunner_add_suite(sr, chan_suite());
    srunner_add_suite(sr, stats_suite());
    srunner_add_suite(sr, promtext_suite());
    srunner_add_suite(sr, storeentry_suite());
    srunner_add_suite(sr, auditlog_suite());
    srunner_add_suite(sr, pki_suite());
    srunner_add_suite(sr, remote_suite());
    srunner_add_suite(sr, xltd_suite());
    srunner_add_suite(sr, util_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
