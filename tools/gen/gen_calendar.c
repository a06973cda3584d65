/*
 * gen_calendar.c -- day numbers, timestamps and working days for the
 * generator.  Due dates must be counted in working days like the engine
 * does, so the holidays come from the repo's data/calendar-vn.csv when it
 * exists; the built-in table below is the fallback (the official 2024-2026
 * notices as far as the generator needs them).  Kept local rather than
 * using core/ps_date so the generator builds before the calendar code does.
 */
#include "gen.h"

#include <stdlib.h>
#include <string.h>

/* Howard Hinnant's days_from_civil / civil_from_days. */
gen_day gen_day_from_ymd(int y, int m, int d) {
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void gen_day_to_ymd(gen_day z, int *y, int *m, int *d) {
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

void gen_format_day(gen_day day, char *buf, size_t size) {
    int y, m, d;
    gen_day_to_ymd(day, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

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
    gen_day_to_ymd(t.day, &y, &m, &d);
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

/* Built-in: days off (H) and swapped working Saturdays (W), 2024-2026. */
static const char *const builtin_calendar[] = {
    "2024-01-01H", "2024-02-08H", "2024-02-09H", "2024-02-12H", "2024-02-13H",
    "2024-02-14H", "2024-04-18H", "2024-04-29H", "2024-04-30H", "2024-05-01H",
    "2024-05-04W", "2024-09-02H", "2024-09-03H",
    "2025-01-01H", "2025-01-27H", "2025-01-28H", "2025-01-29H", "2025-01-30H",
    "2025-01-31H", "2025-04-07H", "2025-04-30H", "2025-05-01H", "2025-05-02H",
    "2025-04-26W", "2025-09-01H", "2025-09-02H",
    "2026-01-01H", "2026-02-16H", "2026-02-17H", "2026-02-18H", "2026-02-19H",
    "2026-02-20H", "2026-04-27H", "2026-04-30H", "2026-05-01H", "2026-09-01H",
    "2026-09-02H",
};

static int parse_ymd(const char *s, gen_day *out) {
    int y, m, d;
    if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 ||
        d > 31)
        return 0;
    *out = gen_day_from_ymd(y, m, d);
    return 1;
}

static void mark(gen_calendar *cal, gen_day d, int working) {
    if (d >= cal->first && d <= cal->last) cal->working[d - cal->first] = (uint8_t)working;
}

int gen_calendar_init(gen_calendar *cal, int year, const char *csv_path,
                      ps_error *err) {
    cal->first = gen_day_from_ymd(year - 1, 1, 1);
    cal->last = gen_day_from_ymd(year + 1, 12, 31);
    size_t n = (size_t)(cal->last - cal->first + 1);
    cal->working = malloc(n);
    if (!cal->working) return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    for (gen_day d = cal->first; d <= cal->last; d++) {
        int wd = (int)(((d % 7) + 7 + 3) % 7);   /* 1970-01-01 was a Thursday: 0 Monday */
        cal->working[d - cal->first] = wd < 5;
    }
    FILE *fp = csv_path ? fopen(csv_path, "r") : NULL;
    if (!fp) {
        for (size_t i = 0; i < sizeof builtin_calendar / sizeof *builtin_calendar; i++) {
            gen_day d;
            if (parse_ymd(builtin_calendar[i], &d))
                mark(cal, d, builtin_calendar[i][10] == 'W');
        }
        return PS_OK;
    }
    char line[512];
    long lineno = 0;
    while (fgets(line, sizeof line, fp)) {
        lineno++;
        gen_day d;
        if (line[0] < '0' || line[0] > '9') continue;   /* header, comments */
        const char *kind = strchr(line, ',');
        if (!parse_ymd(line, &d) || !kind) {
            fclose(fp);
            return ps_error_set(err, PS_EPARSE, csv_path, lineno, 1,
                                "expected YYYY-MM-DD,holiday|working,name");
        }
        kind++;
        if (strncmp(kind, "holiday", 7) == 0) mark(cal, d, 0);
        else if (strncmp(kind, "working", 7) == 0) mark(cal, d, 1);
        else {
            fclose(fp);
            return ps_error_set(err, PS_EPARSE, csv_path, lineno, 12,
                                "kind must be 'holiday' or 'working'");
        }
    }
    fclose(fp);
    return PS_OK;
}

int gen_calendar_is_working(const gen_calendar *cal, gen_day d) {
    if (d < cal->first || d > cal->last) {
        int wd = (int)(((d % 7) + 7 + 3) % 7);
        return wd < 5;
    }
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
}
