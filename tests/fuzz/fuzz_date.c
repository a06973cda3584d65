/*
 * fuzz_date.c -- libFuzzer target: timestamps, periods and the calendar
 * (core/base/ps_date.c).  The whole input is one string for ps_parse_time,
 * ps_parse_date and ps_period_parse, and a calendar CSV for
 * ps_calendar_load; accepted values are checked for consistency.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    ps_time t;
    ps_day d;
    if (ps_parse_time(s, &t)) {
        int y, m, dd;
        ps_day_to_ymd(ps_time_day(t), &y, &m, &dd);
        if (m < 1 || m > 12 || dd < 1 || dd > 31) __builtin_trap();
        char buf[32];
        ps_day_format(ps_time_day(t), buf, sizeof buf);
        ps_day_format_vn(ps_time_day(t), buf, sizeof buf);
    }
    if (ps_parse_date(s, &d)) {
        int y, m, dd;
        ps_day_to_ymd(d, &y, &m, &dd);
        if (ps_day_from_ymd(y, m, dd) != d) __builtin_trap(); /* round trip */
        if (ps_day_weekday(d) < 0 || ps_day_weekday(d) > 6) __builtin_trap();
    }
    ps_period p, prev;
    ps_error err = {0};
    if (ps_period_parse(s, &p, &err) == PS_OK) {
        if (p.first > p.last) __builtin_trap();
        ps_period_previous(&p, &prev);
        if (prev.first > prev.last) __builtin_trap();
    }
    free(s);

    char path[512];
    if (!fuzz_temp_file("calendar.csv", data, size, path, sizeof path)) return 0;
    ps_calendar cal = {0};
    if (ps_calendar_load(&cal, path, &err) == PS_OK) {
        int32_t w = ps_calendar_working_days(&cal, cal.first - 10, cal.last + 10);
        if (w < 0) __builtin_trap();
        (void)ps_calendar_is_working(&cal, cal.first);
        (void)ps_calendar_working_days(&cal, cal.last + 5, cal.first - 5);
    }
    ps_calendar_free(&cal);
    remove(path);
    return 0;
}
