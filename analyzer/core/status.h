/* status.h: the one error enum shared by every part of kbscan. */
#ifndef KB_STATUS_H
#define KB_STATUS_H

typedef enum kb_status {
    KB_OK = 0,
    KB_ERR_NOMEM,     /* out of memory */
    KB_ERR_IO,        /* a file could not be opened or read */
    KB_ERR_FORMAT,    /* recognised, but not laid out as expected */
    KB_ERR_ENCODING,  /* bytes that do not decode in the detected encoding */
    KB_ERR_DAMAGED,   /* readable only in part */
    KB_ERR_LIMIT,     /* a documented limit was hit */
    KB_ERR_USAGE,     /* bad command line */
    KB_ERR_RULES      /* unusable rule files */
} kb_status;

/* A short lower-case name for messages, e.g. "damaged". */
const char *kb_status_name(kb_status status);

#endif
