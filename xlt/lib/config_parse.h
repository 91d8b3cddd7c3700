/*
 * config_parse.h: what the files of the config mapping share.  Not part
 * of libxlt's interface (that is xlt_config_parse() in xlt.h).
 */
#ifndef XLT_CONFIG_PARSE_H
#define XLT_CONFIG_PARSE_H

#include <stddef.h>
#include <stdlib.h>

#include "xlt.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof(*(a)))

/* Largest size in MiB that still fits libxl's kB fields. */
#define MAX_MEM_MB (LONG_MAX / 1024)

struct parse {
    struct xlt_cfgfile *cf;
    libxl_domain_config *cfg;
    FILE *warn;
    struct xlt_err *err;
    long vcpus; /* vcpus= (online at boot), 0 if not given */
    const struct xlt_topology *topo; /* NULL: cpus= and cpus_soft= fail */
};

/* libxl's NAME_from_string() for an enum type, as
 * "static int NAME_from_string(const char *s, int *v)" (0 = found). */
#define ENUM_FROM_STRING(name, type)                                         \
    static int name##_from_string(const char *s, int *v)                    \
    {                                                                        \
        type t;                                                              \
        int rc = libxl_##name##_from_string(s, &t);                          \
        if (rc == 0)                                                         \
            *v = (int)t;                                                     \
        return rc;                                                           \
    }

/* ---- config.c ---- */

/* "PATH:LINE: warning: KEY: ..." on the warning stream. */
void config_warn(struct parse *p, const char *key, const char *fmt, ...)
    XLT_PRINTF(3, 4);
/* A string key into a malloc'd field (replacing what it held). */
int config_string(struct parse *p, const char *key, char **field);
/* Split "a=1, b=2" into trimmed tokens; the caller frees the list. */
int config_split(struct parse *p, const char *key, const char *text,
                 const char *seps, libxl_string_list *list_r);

/* ---- config_opts.c: "name=value,..." specs, from a table of options ---- */

/* Append one element to ARRAY (COUNT elements) and INIT it; ELEM points to
 * it, or is NULL when memory ran out. */
#define APPEND(array, count, init, elem)                                    \
    do {                                                                    \
        void *grown_ = realloc((array), sizeof(*(array)) * ((count) + 1)); \
        (elem) = NULL;                                                      \
        if (grown_) {                                                       \
            (array) = grown_;                                               \
            (elem) = &(array)[(count)++];                                   \
            init(elem);                                                     \
        }                                                                   \
    } while (0)

enum opt_kind {
    O_STRING,  /* char * */
    O_DEFBOOL, /* a number, non-zero is true, into a libxl_defbool */
    O_BOOL,    /* the same into a bool */
    O_INT,     /* an int within [min, max] */
    O_U32,     /* the same into a uint32_t */
    O_U8,      /* the same into a uint8_t */
    O_ENUM,    /* a libxl enum, by from_string() */
};

struct opt {
    const char *name;
    enum opt_kind kind;
    size_t offset;
    long min, max;
    int (*from_string)(const char *, int *); /* O_ENUM */
    const char *names;                       /* O_ENUM: for the error */
};

#define OPT_STR(name, type, field)                                          \
    {name, O_STRING, offsetof(type, field), 0, 0, NULL, NULL}
#define OPT_NUM(name, kind, type, field, min, max)                          \
    {name, kind, offsetof(type, field), min, max, NULL, NULL}
#define OPT_ENUM(name, type, field, enum_name, names)                       \
    {name, O_ENUM, offsetof(type, field), 0, 0, enum_name##_from_string,    \
     names}

/* "PATH: KEY: out of memory" in P's error.  Returns -1. */
int config_nomem(struct parse *p, const char *key);
/* Set the field O names in DEV from VALUE, the text after "name=". */
int config_set_opt(struct parse *p, const char *key, const struct opt *o,
                   const char *value, void *dev);
/* TOKEN ("name=value") into DEV if OPTS (N entries) has its name; 1 if
 * not. */
int config_try_opt(struct parse *p, const char *key, const char *token,
                   const struct opt *opts, size_t n, void *dev);
/* Each "name=value" of SPEC (split at commas) through PARSE_TOKEN, which
 * returns 1 for a token it leaves to the table OPTS (N entries); NULL:
 * the table alone.  An option the table lacks is an error. */
int config_parse_tokens(struct parse *p, const char *key, const char *spec,
                        void *dev, const struct opt *opts, size_t n,
                        int (*parse_token)(struct parse *, const char *,
                                           void *));
/* Call ADD(P, ITEM, CTX) for each item of the list KEY (absent: none). */
int config_each_item(struct parse *p, const char *key,
                     int (*add)(struct parse *, const char *, void *),
                     void *ctx);

/* VALUE, item N of the list-of-lists KEY, through EACH(P, STRING, CTX) for
 * each of its strings.  Errors: "KEY: WHAT N: expected a list SHAPE",
 * "KEY: WHAT N: item I is not a string". */
int config_each_string_of(struct parse *p, const char *key, const char *what,
                          int n, XLU_ConfigValue *value, const char *shape,
                          int (*each)(struct parse *, const char *, void *),
                          void *ctx);

/* ---- config_hvm.c: HVM keys with more than one form ---- */

int config_parse_hvm(struct parse *p);
/* firmware=, bios=, firmware_override=, bios_path_override=. */
int config_parse_firmware(struct parse *p);

/* ---- config_devices.c: disk, vif, vfb, vkb, channel, pci, usb, p9,
 * pvcalls, vtpm ---- */

int config_parse_devices(struct parse *p);

/* ---- config_frontends.c: vdispl, vsnd ---- */
int config_parse_frontends(struct parse *p);

/* ---- config_resources.c: ioports, irqs, iomem, mca_caps ---- */
int config_parse_resources(struct parse *p);

/* ---- config_vnuma.c ---- */

/* vnuma=; before maxmem and maxvcpus get their defaults (it sets them). */
int config_parse_vnuma(struct parse *p);

/* ---- config_cpus.c ---- */

/* cpus= and cpus_soft=; needs max_vcpus settled (from finish()). */
int config_parse_cpus(struct parse *p);
/* dedicated_cpus=: only checked here (xltd acts on it). */
int config_parse_dedicated(struct parse *p);

#endif
