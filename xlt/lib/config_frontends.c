/*
 * config_frontends.c: vdispl and vsnd, the PV display and sound devices
 * (their backends are user-space programs such as displ_be and snd_be).
 *
 *   vdispl = [ "backend=DOM,be-alloc=0|1,connectors=ID:WxH;ID:WxH" ]
 *   vsnd = [ [ "card, OPTS", "pcm, OPTS", "stream, OPTS", ... ], ... ]
 *
 * In vsnd each list is one card; a "pcm" item adds a PCM device to it and
 * a "stream" item a stream to the last PCM (the first stream makes a PCM
 * if there is none).  Every level takes sample-rates=R;R, sample-formats=
 * F;F, channels-min, channels-max and buffer-size.  As xl, but an option
 * that is not known, or a bad number, is an error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_parse.h"

#include <xen/io/sndif.h> /* the vsnd option names */

/* "N" as a uint32_t: 0, or -1 (nothing said). */
static int uint32_of(const char *s, uint32_t *v, char **end_r)
{
    unsigned long n;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    n = strtoul(s, end_r, 10);
    if (errno || n > UINT32_MAX)
        return -1;
    *v = (uint32_t)n;
    return 0;
}

/* The VALUE of TOKEN if it is "NAME=VALUE", else NULL. */
static const char *value_of(const char *token, const char *name)
{
    size_t n = strlen(name);

    return !strncmp(token, name, n) && token[n] == '=' ? token + n + 1 : NULL;
}

/* ---- vdispl ---------------------------------------------------------- */

static const struct opt vdispl_opts[] = {
    OPT_STR("backend", libxl_device_vdispl, backend_domname),
    OPT_NUM("be-alloc", O_BOOL, libxl_device_vdispl, be_alloc, 0, 0),
};

/* "ID:WxH" into C. */
static int connector(struct parse *p, const char *text,
                     libxl_connector_param *c)
{
    const char *colon = strchr(text, ':');
    char *end;

    if (!colon || colon == text || uint32_of(colon + 1, &c->width, &end) ||
        *end != 'x' || uint32_of(end + 1, &c->height, &end) || *end)
        return xlt_cfgfile_bad(p->cf, p->err, "vdispl", "connector `%s': "
                               "expected ID:WIDTHxHEIGHT", text);
    c->unique_id = strndup(text, (size_t)(colon - text));
    return c->unique_id ? 0 : config_nomem(p, "vdispl");
}

/* connectors=ID:WxH;...; 1 for any other token (the table's). */
static int parse_vdispl_token(struct parse *p, const char *token, void *dev)
{
    libxl_device_vdispl *vdispl = dev;
    libxl_string_list list = NULL;
    const char *v;
    int rc;

    if (!(v = value_of(token, "connectors")))
        return 1;
    rc = config_split(p, "vdispl", v, ";", &list);
    for (int i = 0; !rc && list && list[i]; i++) {
        libxl_connector_param *c;

        APPEND(vdispl->connectors, vdispl->num_connectors,
               libxl_connector_param_init, c);
        rc = c ? connector(p, list[i], c) : config_nomem(p, "vdispl");
    }
    libxl_string_list_dispose(&list);
    return rc;
}

static int add_vdispl(struct parse *p, const char *spec, void *unused)
{
    (void)unused;
    libxl_domain_config *cfg = p->cfg;
    libxl_device_vdispl *v;
    int rc;

    APPEND(cfg->vdispls, cfg->num_vdispls, libxl_device_vdispl_init, v);
    if (!v)
        return config_nomem(p, "vdispl");
    v->devid = cfg->num_vdispls - 1;
    rc = config_parse_tokens(p, "vdispl", spec, v, vdispl_opts,
                             ARRAY_LEN(vdispl_opts), parse_vdispl_token);
    if (!rc && v->num_connectors == 0)
        rc = xlt_cfgfile_bad(p->cf, p->err, "vdispl", "`%s': connectors= "
                             "(at least one ID:WxH) is needed", spec);
    return rc;
}

/* ---- vsnd ------------------------------------------------------------ */

ENUM_FROM_STRING(vsnd_stream_type, libxl_vsnd_stream_type)

static const struct opt vsnd_params_opts[] = {
    OPT_NUM(XENSND_FIELD_CHANNELS_MIN, O_U32, libxl_vsnd_params,
            channels_min, 0, UINT32_MAX),
    OPT_NUM(XENSND_FIELD_CHANNELS_MAX, O_U32, libxl_vsnd_params,
            channels_max, 0, UINT32_MAX),
    OPT_NUM(XENSND_FIELD_BUFFER_SIZE, O_U32, libxl_vsnd_params, buffer_size,
            0, UINT32_MAX),
};
static const struct opt vsnd_card_opts[] = {
    OPT_STR("backend", libxl_device_vsnd, backend_domname),
    OPT_STR(XENSND_FIELD_VCARD_SHORT_NAME, libxl_device_vsnd, short_name),
    OPT_STR(XENSND_FIELD_VCARD_LONG_NAME, libxl_device_vsnd, long_name),
};
static const struct opt vsnd_pcm_opts[] = {
    OPT_STR(XENSND_FIELD_DEVICE_NAME, libxl_vsnd_pcm, name),
};
static const struct opt vsnd_stream_opts[] = {
    OPT_STR(XENSND_FIELD_STREAM_UNIQUE_ID, libxl_vsnd_stream, unique_id),
    OPT_ENUM(XENSND_FIELD_TYPE, libxl_vsnd_stream, type, vsnd_stream_type,
             "p (playback) or c (capture)"),
};

/* One level of a card: what its items fill in. */
struct vsnd_level {
    const char *kind;
    libxl_vsnd_params *params;
    const struct opt *opts;
    size_t n_opts;
    void *dev;
};

/* ITEM of sample-rates= into *ELEM (a uint32_t): 0, or -1. */
static int rate_item(const char *item, void *elem)
{
    char *end;

    return uint32_of(item, elem, &end) || *end ? -1 : 0;
}

/* ITEM of sample-formats= into *ELEM (a libxl_vsnd_pcm_format). */
static int format_item(const char *item, void *elem)
{
    return libxl_vsnd_pcm_format_from_string(item, elem) ? -1 : 0;
}

/* VALUE of option OPT, "A;B;...", each through ITEM into a new array of
 * SIZE-byte elements, *ARRAY_R (the caller frees it) and *COUNT_R; a bad
 * item is "vsnd: OPT: `ITEM' WHAT". */
static int value_list(struct parse *p, const char *opt, const char *value,
                      size_t size, int (*item)(const char *, void *),
                      const char *what, void **array_r, int *count_r)
{
    libxl_string_list list = NULL;
    char *array = NULL;
    int n = 0, rc = config_split(p, "vsnd", value, ";", &list);

    if (rc)
        goto out;
    n = libxl_string_list_length(&list);
    if (!(array = calloc((size_t)n + 1, size))) {
        rc = config_nomem(p, "vsnd");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        if (item(list[i], array + (size_t)i * size)) {
            rc = xlt_cfgfile_bad(p->cf, p->err, "vsnd", "%s: `%s' %s", opt,
                                 list[i], what);
            goto out;
        }
    }
    *array_r = array;
    *count_r = n;
    array = NULL;
out:
    free(array);
    libxl_string_list_dispose(&list);
    return rc;
}

/* TOKEN for level L: a parameter every level has, else one of L's own. */
static int vsnd_token(struct parse *p, const char *token,
                      const struct vsnd_level *l)
{
    void *array = NULL;
    const char *v;
    int n = 0, rc;

    if ((v = value_of(token, XENSND_FIELD_SAMPLE_RATES))) {
        rc = value_list(p, XENSND_FIELD_SAMPLE_RATES, v, sizeof(uint32_t),
                        rate_item, "is not a number", &array, &n);
        if (!rc) {
            free(l->params->sample_rates);
            l->params->sample_rates = array;
            l->params->num_sample_rates = n;
        }
        return rc;
    }
    if ((v = value_of(token, XENSND_FIELD_SAMPLE_FORMATS))) {
        rc = value_list(p, XENSND_FIELD_SAMPLE_FORMATS, v,
                        sizeof(libxl_vsnd_pcm_format), format_item,
                        "is not a PCM format (s16_le, u8, float, ...)",
                        &array, &n);
        if (!rc) {
            free(l->params->sample_formats);
            l->params->sample_formats = array;
            l->params->num_sample_formats = n;
        }
        return rc;
    }
    rc = config_try_opt(p, "vsnd", token, vsnd_params_opts,
                        ARRAY_LEN(vsnd_params_opts), l->params);
    if (rc == 1)
        rc = config_try_opt(p, "vsnd", token, l->opts, l->n_opts, l->dev);
    if (rc == 1)
        rc = xlt_cfgfile_bad(p->cf, p->err, "vsnd", "`%s' is not an option "
                             "of a %s", token, l->kind);
    return rc;
}

/* The last PCM of CARD, made if MAKE or if there is none. */
static libxl_vsnd_pcm *vsnd_pcm(libxl_device_vsnd *card, bool make)
{
    libxl_vsnd_pcm *pcm = NULL;

    if (!make && card->num_vsnd_pcms)
        return &card->pcms[card->num_vsnd_pcms - 1];
    APPEND(card->pcms, card->num_vsnd_pcms, libxl_vsnd_pcm_init, pcm);
    return pcm;
}

/* What the item of KIND fills in, made as needed; -1 once P says why. */
static int vsnd_level(struct parse *p, libxl_device_vsnd *card,
                      const char *kind, struct vsnd_level *l)
{
    libxl_vsnd_pcm *pcm;
    libxl_vsnd_stream *stream;

    if (!strcasecmp(kind, "card")) {
        *l = (struct vsnd_level){"card", &card->params, vsnd_card_opts,
                                 ARRAY_LEN(vsnd_card_opts), card};
        return 0;
    }
    if (strcasecmp(kind, "pcm") != 0 && strcasecmp(kind, "stream") != 0)
        return xlt_cfgfile_bad(p->cf, p->err, "vsnd", "`%s': an item starts "
                               "with card, pcm or stream", kind);
    if (!(pcm = vsnd_pcm(card, !strcasecmp(kind, "pcm"))))
        return config_nomem(p, "vsnd");
    if (!strcasecmp(kind, "pcm")) {
        *l = (struct vsnd_level){"pcm", &pcm->params, vsnd_pcm_opts,
                                 ARRAY_LEN(vsnd_pcm_opts), pcm};
        return 0;
    }
    APPEND(pcm->streams, pcm->num_vsnd_streams, libxl_vsnd_stream_init,
           stream);
    if (!stream)
        return config_nomem(p, "vsnd");
    *l = (struct vsnd_level){"stream", &stream->params, vsnd_stream_opts,
                             ARRAY_LEN(vsnd_stream_opts), stream};
    return 0;
}

/* "KIND, OPTION=VALUE, ..." of CARD. */
static int vsnd_item(struct parse *p, libxl_device_vsnd *card,
                     const char *item)
{
    libxl_string_list tokens = NULL;
    struct vsnd_level l = {"card", &card->params, vsnd_card_opts,
                           ARRAY_LEN(vsnd_card_opts), card};
    int rc = config_split(p, "vsnd", item, ",", &tokens);

    if (rc)
        goto out;
    if (!tokens || !tokens[0]) {
        rc = xlt_cfgfile_bad(p->cf, p->err, "vsnd", "an empty item");
        goto out;
    }
    rc = vsnd_level(p, card, tokens[0], &l);
    for (int i = 1; !rc && tokens[i]; i++)
        rc = vsnd_token(p, tokens[i], &l);
out:
    libxl_string_list_dispose(&tokens);
    return rc;
}

/* One item of CARD's list. */
static int card_item(struct parse *p, const char *item, void *card)
{
    return vsnd_item(p, card, item);
}

/* Card number N from its list of items. */
static int add_vsnd(struct parse *p, int n, XLU_ConfigValue *value)
{
    libxl_domain_config *cfg = p->cfg;
    libxl_device_vsnd *card;

    APPEND(cfg->vsnds, cfg->num_vsnds, libxl_device_vsnd_init, card);
    if (!card)
        return config_nomem(p, "vsnd");
    card->devid = cfg->num_vsnds - 1;
    return config_each_string_of(p, "vsnd", "card", n, value,
                                 "[\"card, ...\", \"pcm, ...\", ...]",
                                 card_item, card);
}

static int parse_vsnds(struct parse *p)
{
    XLU_ConfigList *cards;
    XLU_ConfigValue *card;
    int n, rc = xlt_cfgfile_list(p->cf, "vsnd", &cards, &n, p->err);

    if (rc)
        return rc < 0 ? rc : 0;
    for (int i = 0; !rc && (card = xlu_cfg_get_listitem2(cards, i)); i++)
        rc = add_vsnd(p, i, card);
    return rc;
}

int config_parse_frontends(struct parse *p)
{
    int rc = config_each_item(p, "vdispl", add_vdispl, NULL);

    return rc ? rc : parse_vsnds(p);
}
