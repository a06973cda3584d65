/*
 * gen_calendar.c -- timestamps and working days for the generator.  Due
 * dates must be counted in working days exactly as the engine counts them,
 * so the holidays are read with the core's own calendar loader from the
 * shipped data/calendar-vn.csv (or --calendar FILE).
 */
#include "gen.h"

#include <stdlib.h>
#include <string.h>

static char *put2(char *p, int v) {
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

/* Hand-formatted: snprintf here was a quarter of the run time. */
void gen_format_time(gen_time t, int style, char *buf, size_t size) {
    int y, m, d;
    if (size < 26) {
        if (size) buf[0] = '\0';
        return;
    }
    ps_day_to_ymd(t.day, &y, &m, &d);
    char *p = put2(put2(buf, y / 100), y % 100);
    *p++ = '-';
    p = put2(p, m);
    *p++ = '-';
    p = put2(p, d);
    *p++ = style == 1 ? ' ' : 'T';
    p = put2(p, (int)(t.sec / 3600));
    *p++ = ':';
    p = put2(p, (int)(t.sec / 60 % 60));
    *p++ = ':';
    p = put2(p, (int)(t.sec % 60));
    if (style == 2) {
        memcpy(p, "+07:00", 6);
        p += 6;
    }
    *p = '\0';
}

int gen_time_cmp(gen_time a, gen_time b) {
    if (a.day != b.day) return a.day < b.day ? -1 : 1;
    return a.sec < b.sec ? -1 : a.sec > b.sec;
}

int gen_calendar_init(gen_calendar *cal, int year, const char *csv_path,
                      ps_error *err) {
    memset(cal, 0, sizeof *cal);
    int rc = ps_calendar_load(&cal->ps, csv_path, err);
    if (rc != PS_OK) return rc;
    /* a flat table over the years touched: the lookup is in the inner loop */
    cal->first = ps_day_from_ymd(year - 1, 1, 1);
    cal->last = ps_day_from_ymd(year + 1, 12, 31);
    cal->working = malloc((size_t)(cal->last - cal->first + 1));
    if (!cal->working) return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    for (gen_day d = cal->first; d <= cal->last; d++)
        cal->working[d - cal->first] = (uint8_t)ps_calendar_is_working(&cal->ps, d);
    return PS_OK;
}

int gen_calendar_is_working(const gen_calendar *cal, gen_day d) {
    if (d < cal->first || d > cal->last) return ps_calendar_is_working(&cal->ps, d);
    return cal->working[d - cal->first];
}

gen_day gen_calendar_add(const gen_calendar *cal, gen_day d, int k) {
    while (k > 0) {
        d++;
        if (gen_calendar_is_working(cal, d)) k--;
    }
    return d;
}

void gen_calendar_free(gen_calendar *cal) {
    free(cal->working);
    cal->working = NULL;
    ps_calendar_free(&cal->ps);
}
