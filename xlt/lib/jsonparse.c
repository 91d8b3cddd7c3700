/*
 * jsonparse.c: JSON that comes from outside (requests, a peer's messages,
 * save headers, store entries) is checked before a parser sees it.
 * yajl's tree code and libxl's parser recurse, and yajl takes comments,
 * which can hide brackets from a count that does not know them: so a
 * comment is refused (JSON has none), and so are text longer than the
 * caller allows and nesting deeper than XLT_JSON_MAX_DEPTH.
 */
#include <string.h>

#include "xlt.h"

int xlt_json_check(const char *text, size_t max_len, const char *what,
                   struct xlt_err *err)
{
    bool in_string = false;
    int depth = 0;
    size_t i;

    for (i = 0; text[i]; i++) {
        char c = text[i];
        if (i >= max_len)
            return xlt_err_set(err, "%s is longer than %zu bytes", what,
                               max_len);
        if (in_string) {
            if (c == '\\' && text[i + 1])
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '/') {
            return xlt_err_set(err, "%s holds a comment (not JSON)", what);
        } else if (c == '[' || c == '{') {
            if (++depth > XLT_JSON_MAX_DEPTH)
                return xlt_err_set(err, "%s nests deeper than %d levels",
                                   what, XLT_JSON_MAX_DEPTH);
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return 0;
}

int xlt_json_parse(const char *text, size_t max_len, const char *what,
                   yajl_val *v_r, struct xlt_err *err)
{
    char why[256] = "";

    *v_r = NULL;
    if (xlt_json_check(text, max_len, what, err))
        return -1;
    *v_r = yajl_tree_parse(text, why, sizeof(why));
    if (!*v_r) {
        why[strcspn(why, "\n")] = '\0';
        return xlt_err_set(err, "%s is not JSON: %s", what, why);
    }
    return 0;
}
