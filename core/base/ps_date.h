/*
 * ps_date.h -- timestamps, periods and the working-day calendar.
 *
 * A date is a day number (days since 1970-01-01, proleptic Gregorian); a
 * timestamp is seconds since 1970-01-01 00:00 *local Vietnam time* (the
 * sources are all in UTC+07:00, so no zone arithmetic is needed; an explicit
 * "+07:00" is accepted, any other offset is rejected as data to check).
 */
#ifndef PS_DATE_H
#define PS_DATE_H

#include <stdint.h>
#include "base/ps_util.h"

typedef int32_t ps_day;   /* days since 1970-01-01 */
typedef int64_t ps_time;  /* seconds since 1970-01-01T00:00 local */

/* Parse "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]", with ' ' for 'T', optional
 * "+07:00"/"+0700"/"Z"-less suffix.  Returns 1 on success. */
int ps_parse_time(const char *s, ps_time *out);
int ps_parse_date(const char *s, ps_day *out);  /* accepts timestamps too */
ps_day ps_time_day(ps_time t);
ps_day ps_day_from_ymd(int y, int m, int d);
void ps_day_to_ymd(ps_day day, int *y, int *m, int *d);
int ps_day_weekday(ps_day day);                  /* 0 Monday .. 6 Sunday */
void ps_day_format(ps_day day, char *buf, size_t size);      /* YYYY-MM-DD */
void ps_day_format_vn(ps_day day, char *buf, size_t size);   /* DD/MM/YYYY */

/* A reporting period: first and last day inclusive, and its label. */
typedef struct ps_period {
    ps_day first, last;
    char label[32];      /* "2025", "2025-Q1", "2025-03", or "A..B" */
    char label_vn[64];   /* "Năm 2025", "Quý I/2025", "Tháng 3/2025", "Từ ... đến ..." */
} ps_period;
/* "2025", "2025-Q2", "2025-07", "2025-01-01..2025-06-30". */
int ps_period_parse(const char *s, ps_period *p, ps_error *err);
/* The period of the same length just before (year, quarter, month). */
void ps_period_previous(const ps_period *p, ps_period *prev);

/* Working-day calendar: Monday-Friday, minus holidays, plus the swapped
 * working days (usually Saturdays) of the year's government notice. */
typedef struct ps_calendar {
    ps_day first, last;        /* range covered by the data */
    uint8_t *kind;             /* per day in [first,last]: 0 default, 1 holiday, 2 working */
    int32_t *prefix;           /* working days in [first, first+i) */
    int year_first, year_last; /* years the file lists days of; 0 if none */
    char source[256];
} ps_calendar;
/* CSV "date,kind,name" with kind "holiday" or "working"; '#' comments. */
int ps_calendar_load(ps_calendar *cal, const char *path, ps_error *err);
/* PS_OK when every year of the period is one the calendar lists; else
 * PS_EDATA naming the calendar file and its years (outside them, working
 * days would silently be Monday-Friday). */
int ps_calendar_covers(const ps_calendar *cal, const ps_period *p, ps_error *err);
int ps_calendar_is_working(const ps_calendar *cal, ps_day day);
/* Working days in the half-open range (from, to]: the day of reception
 * does not count, the day of finishing does (a same-day result takes 0). */
int32_t ps_calendar_working_days(const ps_calendar *cal, ps_day from, ps_day to);
void ps_calendar_free(ps_calendar *cal);

#endif
