/* clock.h: times as exports and collectors print them (clock.c): ISO 8601 (XML,
 * wevtutil), or a culture's short date and long time (CSV: Export-Csv and
 * Event Viewer write 10/3/2018 9:00:19 PM in en-US, 03.10.2018 21:00:19 in
 * de-DE, 2018/10/03 21:00:19 in ja-JP, 2018-10-03 오후 9:00:19 in ko-KR).
 * A zone or offset is applied when given (CLIXML: 2018-10-03T21:00:19+09:00);
 * without one the time is the server's local time, read as if it were UTC. */
#ifndef KB_TEXT_CLOCK_H
#define KB_TEXT_CLOCK_H

#include <stdint.h>

/* Which of day and month comes first when a date is written n/n/yyyy. */
typedef enum kb_date_order {
    KB_DATE_UNKNOWN = 0,
    KB_DATE_DAY_FIRST,      /* 03/10/2018: en-GB, fr, es, it, pt-BR, de (with dots) */
    KB_DATE_MONTH_FIRST     /* 10/3/2018: en-US */
} kb_date_order;

/* What one time says of the order: a number above 12 in first or second
 * place, or "PM"/"AM" (en-US); KB_DATE_UNKNOWN when it does not tell. */
kb_date_order kb_date_order_of(const char *text, int *has_ampm);

/* Reads a time; 0, or -1 when it is not one. *zoned: a zone was given. */
int kb_event_time(const char *text, kb_date_order order, int64_t *out, int *zoned);

#endif
