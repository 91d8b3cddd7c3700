/* The unit tests: one suite per file, all run by main.c. */
#ifndef XLT_UNIT_H
#define XLT_UNIT_H

#include <check.h>

Suite *config_suite(void);
Suite *proto_suite(void);
Suite *json_suite(void);
Suite *cli_suite(void);
/* XLT_SRCDIR/REL (the tests' fixtures); the caller frees. */
char *unit_path(const char *rel);

#endif
