/* status.c: names of the kb_status values. */
#include "core/status.h"

const char *kb_status_name(kb_status status)
{
    switch (status) {
    case KB_OK: return "ok";
    case KB_ERR_NOMEM: return "out of memory";
    case KB_ERR_IO: return "read error";
    case KB_ERR_FORMAT: return "format error";
    case KB_ERR_ENCODING: return "encoding error";
    case KB_ERR_DAMAGED: return "damaged";
    case KB_ERR_LIMIT: return "limit reached";
    case KB_ERR_USAGE: return "usage error";
    case KB_ERR_RULES: return "rule error";
    }
    return "unknown error";
}
