/* req_volume.c: the volume-* requests, each run off the loop by
 * core/volumes.c with xlt/lib's volume.c (the lvm command). */
#include "api.h"

int req_volume(struct xltd *d, struct request *r, yajl_val args)
{
    struct xlt_err err;

    return req_started(r, volumes_start(d, r->type->name, args, &r->job,
                                        &err),
                       &err);
}
