/* container.c: the default limits of container sources (see container.h). */
#include "source/container.h"

void kb_container_limits_init(kb_container_limits *l)
{
    *l = (kb_container_limits){
        .max_total_bytes = KB_DEFAULT_CONTAINER_BYTES,
        .max_ratio = KB_DEFAULT_CONTAINER_RATIO,
        .ratio_after = KB_DEFAULT_RATIO_AFTER,
        .max_members = KB_DEFAULT_CONTAINER_MEMBERS,
        .max_depth = KB_DEFAULT_CONTAINER_DEPTH,
        .max_name = KB_DEFAULT_MEMBER_NAME,
        .memory_member = KB_DEFAULT_MEMBER_MEMORY,
        .max_member = KB_DEFAULT_MEMBER_BYTES,
    };
}
