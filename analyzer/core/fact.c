/* fact.c: facts, fact lists and the time helpers of the fact model. */
#include "core/fact.h"
#include "core/alloc.h"
#include "core/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

kb_fact *kb_fact_new(const char *type, size_t input)
{
    kb_fact *f = kb_xcalloc(1, sizeof *f);
    f->type = kb_xstrdup(type);
    f->input = input;
    f->time = KB_TIME_NONE;
    return f;
}

void kb_fact_free(kb_fact *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nfields; i++) {
        free(f->fields[i].name);
        free(f->fields[i].value);
    }
    free(f->fields);
    free(f->type);
    free(f->text);
    free(f->before);
    free(f->after);
    free(f);
}

/* The first byte first: rules ask each fact for a few of a score of
 * fields, and most names differ there. */
static kb_field *fact_find(const kb_fact *f, const char *name)
{
    for (size_t i = 0; i < f->nfields; i++)
        if (f->fields[i].name[0] == name[0] && strcmp(f->fields[i].name, name) == 0)
            return &f->fields[i];
    return NULL;
}

int kb_fact_set_n(kb_fact *f, const char *name, const char *value, size_t len)
{
    char *v = kb_xstrndup(value, len);
    kb_field *field = fact_find(f, name);
    if (field) {
        free(field->value);
        field->value = v;
        return 0;
    }
    f->fields = kb_grow(f->fields, &f->cap, f->nfields + 1, sizeof *f->fields, 8);
    f->fields[f->nfields].name = kb_xstrdup(name);
    f->fields[f->nfields].value = v;
    f->nfields++;
    return 0;
}

int kb_fact_set(kb_fact *f, const char *name, const char *value)
{
    if (!value)
        value = "";
    return kb_fact_set_n(f, name, value, strlen(value));
}

int kb_fact_setf(kb_fact *f, const char *name, const char *fmt, ...)
{
    kb_buf b = KB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    kb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    kb_fact_set(f, name, kb_buf_str(&b));
    kb_buf_free(&b);
    return 0;
}

int kb_fact_set_text(kb_fact *f, const char *text)
{
    char *t = kb_strdup(text);
    free(f->text);
    f->text = t;
    return 0;
}

const char *kb_fact_get(const kb_fact *f, const char *name)
{
    const kb_field *field = fact_find(f, name);
    return field ? field->value : NULL;
}

int kb_factlist_add(kb_factlist *l, kb_fact *f)
{
    if (!f)
        return -1;
    l->items = kb_grow(l->items, &l->cap, l->n + 1, sizeof *l->items, 64);
    l->items[l->n++] = f;
    return 0;
}

void kb_factlist_free(kb_factlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        kb_fact_free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

/* FILETIME counts 100 ns since 1601-01-01. */
#define FILETIME_UNIX_DIFF 116444736000000000ULL

int64_t kb_time_from_filetime(uint64_t ft)
{
    if (ft < FILETIME_UNIX_DIFF)
        return -(int64_t)((FILETIME_UNIX_DIFF - ft) / 10);
    return (int64_t)((ft - FILETIME_UNIX_DIFF) / 10);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int parse_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int kb_time_parse(const char *s, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    int64_t frac = 0;
    const char *p = s;
    /* Years past 9999 (as far as FILETIME goes, in a damaged log) have a
     * fifth digit: what kb_time_format writes reads back. */
    if (!s || parse_digits(&p, *s && s[1] && s[2] && s[3] && s[4] >= '0' && s[4] <= '9' ? 5 : 4, &y) ||
        *p++ != '-' || parse_digits(&p, 2, &mo) ||
        *p++ != '-' || parse_digits(&p, 2, &d))
        return -1;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (parse_digits(&p, 2, &h) || *p++ != ':' || parse_digits(&p, 2, &mi))
            return -1;
        if (*p == ':') {
            p++;
            if (parse_digits(&p, 2, &sec))
                return -1;
            if (*p == '.' || *p == ',') {
                p++;
                int digits = 0;
                while (*p >= '0' && *p <= '9') {
                    if (digits < 6) {
                        frac = frac * 10 + (*p - '0');
                        digits++;
                    }
                    p++;
                }
                if (!digits)
                    return -1;
                while (digits++ < 6)
                    frac *= 10;
            }
        }
    }
    int64_t offset = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
        if (parse_digits(&p, 2, &oh))
            return -1;
        if (*p == ':')
            p++;
        if (*p && parse_digits(&p, 2, &om))
            return -1;
        offset = sign * (int64_t)(oh * 3600 + om * 60);
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset;
    *out = secs * 1000000 + frac;
    return 0;
}

void kb_time_format(int64_t t, char *out, size_t outlen)
{
    if (t == KB_TIME_NONE) {
        snprintf(out, outlen, "-");
        return;
    }
    int64_t secs = t / 1000000, us = t % 1000000;
    if (us < 0) {
        us += 1000000;
        secs--;
    }
    time_t tt = (time_t)secs;
    struct tm tm;
    gmtime_r(&tt, &tm);
    if (us % 1000 == 0 && us)
        snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(us / 1000));
    else if (us)
        snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)us);
    else
        snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
