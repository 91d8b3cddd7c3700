/*
 * config_parse.h: what the files of the config mapping share.  Not part
 * of libxlt's interface (that is xlt_config_parse() in xlt.h).
 */
#ifndef XLT_CONFIG_PARSE_H
#define XLT_CONFIG_PARSE_H

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

/* ---- config_hvm.c: HVM keys with more than one form ---- */

int config_parse_hvm(struct parse *p);
/* firmware=, bios=, firmware_override=, bios_path_override=. */
int config_parse_firmware(struct parse *p);

/* ---- config_devices.c: disk, vif, vfb, vkb, channel, pci, usb, p9,
 * pvcalls, vtpm ---- */

int config_parse_devices(struct parse *p);

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
