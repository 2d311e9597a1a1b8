/* hostname.h: computer names as bundles give them: in an event's Computer
 * field, in systeminfo's host name, in the names collectors give files and
 * folders. How two names are told to be one computer, and how a name is
 * found in a file or folder name (docs/facts.md, "Which computer"). */
#ifndef KB_HOSTNAME_H
#define KB_HOSTNAME_H

#include <stddef.h>

/* Whether a name can name a computer: not empty, has a letter or digit,
 * and is not "localhost". */
int kb_hostname_usable(const char *name);

/* Whether a and b name the same computer: equal ignoring case, or one is a
 * bare name (no dot) that equals the other's first label (SRV01 and
 * SRV01.contoso.local). Two full names must be equal: SRV01.contoso.local
 * and SRV01.fabrikam.com are two computers. */
int kb_hostname_same(const char *a, const char *b);

/* Whether a and b are two full names with the same first label in
 * different domains: then no bare name may join them. */
int kb_hostname_conflict(const char *a, const char *b);

/* How long the first label of name is: "SRV01" of "SRV01.contoso.local". */
size_t kb_hostname_label_len(const char *name);

/* Whether text (a file or folder name) holds name's first label as a
 * whole word: bounded by the text's ends or by characters that are not
 * letters or digits (SRV01 in "SRV01_vssadmin.txt", "SRV01-Application.evtx",
 * "Application_SRV01.evtx"; not in "SRV011.txt"). Labels shorter than two
 * characters are never found. */
int kb_hostname_in(const char *text, const char *name);

/* The computer name a collector writes into a file name: TSS's
 * "<NAME>_<yyMMdd-HHmmss>_..." and psSDP's "<NAME>_evt_...". Copies it to
 * out and returns 1, or returns 0. */
int kb_hostname_from_file(const char *base, char *out, size_t outlen);

/* The computer name in a folder's (or archive's) name: TSS's
 * "TSS_<NAME>_<yyMMdd-HHmmss>...", psSDP's "tss_<yyMMdd-HHmmss>_<NAME>_psSDP...",
 * Get-SDDCDiagnosticInfo's "Node_<NAME>". As kb_hostname_from_file. */
int kb_hostname_from_folder(const char *base, char *out, size_t outlen);

#endif
