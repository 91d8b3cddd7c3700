/*
 * roles.c: what a caller of xltd may do.  read-only: what changes
 * nothing; operator: also power actions, consoles, migrations, memory
 * and vCPU counts; admin: everything.  Each request names the least role
 * that may make it (xltd's request table; the CLI's command table agrees,
 * a unit test checks).
 */
#include <string.h>

#include "xlt.h"

static const char *const role_names[] = {"read-only", "operator", "admin"};

const char *xlt_role_name(enum xlt_role role)
{
    if (role == XLT_ROLE_NONE)
        return "none";
    return (unsigned)role < sizeof(role_names) / sizeof(role_names[0])
               ? role_names[role]
               : "?";
}

int xlt_role_parse(const char *text, enum xlt_role *role_r,
                   struct xlt_err *err)
{
    for (size_t i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++) {
        if (text && !strcmp(text, role_names[i])) {
            *role_r = (enum xlt_role)i;
            return 0;
        }
    }
    return xlt_err_set(err, "`%s' is not a role (read-only, operator or "
                       "admin)", text ? text : "");
}
