/* archive.h: archives read where they lie, through libarchive: zip
 * (zip64 included), 7z, cab, tar, tar.gz/.bz2/.xz, and single files
 * compressed with gzip, bzip2 or xz, recognised by their magic bytes
 * whatever their name. Each member is handed to the scan driver as an
 * input of its own (source/container.h): read into memory, or into an
 * unnamed file of kbscan's private temporary directory when it is large
 * (tmpdir.h), within the limits of container.h, one member at a time, so
 * that memory stays bounded whatever the archive's size.
 *
 * One concept per file: sniff.c (magic bytes), names.c (how a member's
 * name is shown), open.c (libarchive over an input handle), member.c
 * (reading one member within the limits), walk.c (the members in turn,
 * damage and encryption), source.c (the registry's entry). */
#ifndef KB_ARCHIVE_H
#define KB_ARCHIVE_H

#include <stddef.h>

#include "source/source.h"

/* "zip", "7z", "cab", "tar", "gzip", "bzip2", "xz", or NULL. */
const char *kb_archive_magic(const unsigned char *head, size_t len);
/* 100 for an archive, else 0 (a source's sniff_head). */
int kb_archive_sniff(const unsigned char *head, size_t len);

/* The name shown for a member stored as stored (see names.c), cut to max
 * bytes; *note says why it is escaped or cut, or is NULL. Free both. */
void kb_member_name(const char *stored, size_t max, char **shown, char **note);

/* Hands every member of the archive in h to visit (the source's members()). */
kb_status kb_archive_members(const kb_input_handle *h, kb_parse_ctx *ctx, const kb_member_visitor *visit);

#endif
