/* units.c: memory sizes as xl takes them on its command line. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "xlt.h"

int xlt_mem_size_kb(const char *s, uint64_t *kb_r)
{
    unsigned long long n, kb;
    int shift_up = 0, shift_down = 0;
    char *end;

    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    n = strtoull(s, &end, 10);
    if (errno || (end[0] && end[1]))
        return -1;
    switch (tolower((unsigned char)*end)) {
    case 't': shift_up = 30; break;
    case 'g': shift_up = 20; break;
    case '\0':
    case 'm': shift_up = 10; break;
    case 'k': break;
    case 'b': shift_down = 10; break;
    default: return -1;
    }
    if (shift_up && n > (UINT64_MAX >> shift_up))
        return -1;
    kb = (n << shift_up) >> shift_down;
    *kb_r = kb;
    return 0;
}
