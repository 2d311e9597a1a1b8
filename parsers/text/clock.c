/* clock.c: times as event exports print them (see clock.h). */
#include "text/clock.h"
#include "core/fact.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define KB_TIME_NUMBERS 8

typedef struct clock_parts {
    long n[KB_TIME_NUMBERS];     /* the numbers, in order */
    int digits[KB_TIME_NUMBERS]; /* how many digits each had */
    char sep[KB_TIME_NUMBERS];   /* the character after each */
    size_t count;
    long frac_us;                /* a fraction of a second after the seconds, in microseconds */
    int pm, am;                  /* an AM/PM marker (en, ko, ja, zh) */
    int zone, zone_minutes;      /* 'Z' or +hh:mm after the time */
} clock_parts;

static int starts(const char *s, const char *word)
{
    return strncasecmp(s, word, strlen(word)) == 0;
}

/* Markers of the afternoon and the morning: PM, 오후, 午後, 下午; AM, 오전, 午前, 上午. */
static size_t marker(const char *s, clock_parts *p)
{
    static const char *const pm[] = {"PM", "P.M.", "\xec\x98\xa4\xed\x9b\x84", "\xe5\x8d\x88\xe5\xbe\x8c",
                                     "\xe4\xb8\x8b\xe5\x8d\x88", NULL};
    static const char *const am[] = {"AM", "A.M.", "\xec\x98\xa4\xec\xa0\x84", "\xe5\x8d\x88\xe5\x89\x8d",
                                     "\xe4\xb8\x8a\xe5\x8d\x88", NULL};
    for (size_t i = 0; pm[i]; i++)
        if (starts(s, pm[i])) {
            p->pm = 1;
            return strlen(pm[i]);
        }
    for (size_t i = 0; am[i]; i++)
        if (starts(s, am[i])) {
            p->am = 1;
            return strlen(am[i]);
        }
    return 0;
}

static int read_zone(const char *s, clock_parts *p)
{
    if (*s == 'Z' || *s == 'z') {
        p->zone = 1;
        return 1;
    }
    if ((*s == '+' || *s == '-') && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2])) {
        int h = (s[1] - '0') * 10 + (s[2] - '0'), m = 0;
        const char *q = s + 3;
        if (*q == ':')
            q++;
        if (isdigit((unsigned char)q[0]) && isdigit((unsigned char)q[1]))
            m = (q[0] - '0') * 10 + (q[1] - '0');
        p->zone = 1;
        p->zone_minutes = (*s == '-' ? -1 : 1) * (h * 60 + m);
        return 1;
    }
    return 0;
}

static int split(const char *s, clock_parts *p)
{
    memset(p, 0, sizeof *p);
    while (*s) {
        size_t m = marker(s, p);
        if (m) {
            s += m;
            continue;
        }
        if (p->count >= 6 && (*s == '.' || *s == ',') && isdigit((unsigned char)s[1])) {
            long us = 0, scale = 100000;
            for (s++; isdigit((unsigned char)*s); s++, scale /= 10)
                if (scale)
                    us += (*s - '0') * scale;
            p->frac_us = us;
            continue;
        }
        if (p->count >= 5 && read_zone(s, p))
            break;
        if (!isdigit((unsigned char)*s)) {
            s++;
            continue;
        }
        if (p->count == KB_TIME_NUMBERS)
            return -1;
        long v = 0;
        int d = 0;
        for (; isdigit((unsigned char)*s) && d < 9; s++, d++)
            v = v * 10 + (*s - '0');
        p->n[p->count] = v;
        p->digits[p->count] = d;
        p->sep[p->count] = *s;
        p->count++;
    }
    return p->count >= 5 ? 0 : -1;
}

kb_date_order kb_date_order_of(const char *text, int *has_ampm)
{
    clock_parts p;
    *has_ampm = 0;
    if (!text || split(text, &p) != 0)
        return KB_DATE_UNKNOWN;
    *has_ampm = p.am || p.pm;
    if (p.digits[0] == 4 || p.digits[2] != 4)
        return KB_DATE_UNKNOWN; /* year first: no doubt */
    if (p.sep[0] == '.')
        return KB_DATE_DAY_FIRST;
    if (p.n[0] > 12)
        return KB_DATE_DAY_FIRST;
    if (p.n[1] > 12)
        return KB_DATE_MONTH_FIRST;
    return KB_DATE_UNKNOWN;
}

int kb_event_time(const char *text, kb_date_order order, int64_t *out, int *zoned)
{
    clock_parts p;
    *zoned = 0;
    if (!text || split(text, &p) != 0)
        return -1;
    long y, mo, d;
    if (p.digits[0] == 4) {
        y = p.n[0], mo = p.n[1], d = p.n[2];
    } else if (p.digits[2] == 4) {
        int day_first = p.sep[0] == '.' || order == KB_DATE_DAY_FIRST;
        y = p.n[2];
        mo = day_first ? p.n[1] : p.n[0];
        d = day_first ? p.n[0] : p.n[1];
    } else {
        return -1;
    }
    long h = p.n[3], mi = p.n[4], s = p.count > 5 ? p.n[5] : 0;
    if (p.pm && h < 12)
        h += 12;
    if (p.am && h == 12)
        h = 0;
    char iso[40];
    snprintf(iso, sizeof iso, "%04ld-%02ld-%02ld %02ld:%02ld:%02ld", y, mo, d, h, mi, s);
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || kb_time_parse(iso, out) != 0)
        return -1;
    *out += p.frac_us;
    if (p.zone) {
        *out -= (int64_t)p.zone_minutes * 60 * 1000000;
        *zoned = 1;
    }
    return 0;
}
