/* mta.c: the message texts `wevtutil al` archives next to an exported log,
 * LocaleMetaData\<log>_<LCID>.MTA (TSS, Veeam and Get-SDDCDiagnosticInfo
 * add them; psSDP does not). Their format is not documented: such a file
 * is recognised by where it lies and listed, never reported as a file
 * kbscan does not know; its message texts are not read (later work: the
 * exports' rendered messages and the rules' insertion strings do without). */
#include "source/source.h"

#include <string.h>
#include <strings.h>

static const kb_fact_decl no_facts[] = {{NULL, NULL}};

/* "<anything>.MTA" whose folder is LocaleMetaData, any case, in a folder
 * or an archive ("b.zip!Events/LocaleMetaData/Application_1033.MTA"). */
static int sniff_place(const char *shown, size_t name_at)
{
    size_t len = strlen(shown);
    if (name_at > len || len - name_at < 5 || strcasecmp(shown + len - 4, ".mta") != 0 || name_at < 2)
        return 0;
    static const char folder[] = "LocaleMetaData";
    size_t n = sizeof folder - 1, end = name_at - 1; /* shown[end] is the separator */
    if (end < n || strncasecmp(shown + end - n, folder, n) != 0)
        return 0;
    size_t at = end - n;
    return at == 0 || shown[at - 1] == '/' || shown[at - 1] == '\\' || shown[at - 1] == '!' ? 100 : 0;
}

const kb_source kb_source_mta = {
    .name = "mta",
    .kind = "mta",
    .label = "message texts archived next to an exported log (LocaleMetaData\\*.MTA): listed, not read",
    .form = KB_FORM_BINARY,
    .sniff_place = sniff_place,
    .facts = no_facts,
    .feed = NULL,
    .covers = KB_COVERS_NOTHING,
    .name_hint = ".MTA",
};
