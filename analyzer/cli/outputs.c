/* outputs.c: refuses report files that are inputs or inside one (see
 * outputs.h). Paths are compared after resolving links and "..", so
 * `-o ./b/../b/x.txt` or a link to an input is caught as well. */
#include "cli/outputs.h"
#include "core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The canonical form of an output path, which may not exist yet: its
 * folder resolved, its last name kept (a link there is resolved too). */
static char *resolve_output(const char *path)
{
    char *full = realpath(path, NULL);
    if (full)
        return full;
    const char *slash = strrchr(path, '/');
    char *dir = slash ? kb_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : kb_strdup(".");
    char *dir_full = dir ? realpath(dir, NULL) : NULL;
    free(dir);
    if (!dir_full)
        return NULL; /* its folder does not exist: writing it fails later, said so */
    const char *name = slash ? slash + 1 : path;
    char *joined = kb_strprintf("%s%s%s", dir_full, strcmp(dir_full, "/") == 0 ? "" : "/", name);
    free(dir_full);
    return joined;
}

/* 1 when path is inside (or is) the folder or file `input`. */
static int is_within(const char *path, const char *input)
{
    size_t n = strlen(input);
    if (strncmp(path, input, n) != 0)
        return 0;
    return path[n] == '\0' || path[n] == '/' || (n == 1 && input[0] == '/');
}

int kb_outputs_check(const char *const *outputs, size_t noutputs, const char *const *inputs,
                     size_t ninputs)
{
    int rc = 0;
    for (size_t o = 0; o < noutputs && rc == 0; o++) {
        if (!outputs[o])
            continue;
        char *out = resolve_output(outputs[o]);
        for (size_t i = 0; out && i < ninputs && rc == 0; i++) {
            char *in = realpath(inputs[i], NULL);
            if (in && is_within(out, in)) {
                char *shown_out = kb_text_visible(outputs[o]);
                char *shown_in = kb_text_visible(inputs[i]);
                fprintf(stderr, "kbscan: %s: refusing to write a report %s %s, which is being read\n",
                        shown_out ? shown_out : "?", strcmp(out, in) == 0 ? "over" : "inside",
                        shown_in ? shown_in : "?");
                free(shown_out);
                free(shown_in);
                rc = -1;
            }
            free(in);
        }
        free(out);
    }
    return rc;
}
