/*
 * ps_date.c -- parsing timestamps, reporting periods and the working-day
 * calendar.  Hand-written rather than strptime/mktime: those depend on the
 * process locale and time zone, while every source here is in local
 * Vietnam time and must parse the same on every machine (and the parser is
 * on the per-record hot path).
 */
#include "base/ps_date.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days from civil (Howard Hinnant's algorithm). */
ps_day ps_day_from_ymd(int y, int m, int d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (ps_day)(era * 146097 + (int)doe - 719468);
}

void ps_day_to_ymd(ps_day day, int *y, int *m, int *d) {
    int z = day + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int yy = (int)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned dd = doy - (153 * mp + 2) / 5 + 1;
    const unsigned mm = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (mm <= 2);
    *m = (int)mm;
    *d = (int)dd;
}

int ps_day_weekday(ps_day day) {
    /* 1970-01-01 was a Thursday (3 when Monday is 0) */
    int w = (int)((day + 3) % 7);
    return w < 0 ? w + 7 : w;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m) {
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int digits(const char *s, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

int ps_parse_time(const char *s, ps_time *out) {
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (!s) return 0;
    while (*s == ' ') s++;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return 0;
    if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return 0;
    const char *p = s + 10;
    if (*p == 'T' || (*p == ' ' && p[1] >= '0' && p[1] <= '9')) {
        p++;
        if (!digits(p, 2, &h) || p[2] != ':' || !digits(p + 3, 2, &mi)) return 0;
        p += 5;
        if (*p == ':') {
            if (!digits(p + 1, 2, &se)) return 0;
            p += 3;
            if (*p == '.') { /* fractional seconds: accepted, ignored */
                p++;
                while (*p >= '0' && *p <= '9') p++;
            }
        }
        if (h > 23 || mi > 59 || se > 60) return 0;
        /* the only zone the sources use is Vietnam's own */
        if (strncmp(p, "+07:00", 6) == 0) p += 6;
        else if (strncmp(p, "+0700", 5) == 0) p += 5;
    }
    while (*p == ' ') p++;
    if (*p) return 0;
    *out = (ps_time)ps_day_from_ymd(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return 1;
}

int ps_parse_date(const char *s, ps_day *out) {
    ps_time t;
    if (!ps_parse_time(s, &t)) return 0;
    *out = ps_time_day(t);
    return 1;
}

ps_day ps_time_day(ps_time t) {
    return (ps_day)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
}

void ps_day_format(ps_day day, char *buf, size_t size) {
    int y, m, d;
    ps_day_to_ymd(day, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

void ps_day_format_vn(ps_day day, char *buf, size_t size) {
    int y, m, d;
    ps_day_to_ymd(day, &y, &m, &d);
    snprintf(buf, size, "%02d/%02d/%04d", d, m, y);
}

/* ---- periods --------------------------------------------------------- */

static const char *const roman[] = {"I", "II", "III", "IV"};

int ps_period_parse(const char *s, ps_period *p, ps_error *err) {
    int y, q, m;
    size_t n = s ? strlen(s) : 0;
    memset(p, 0, sizeof *p);
    if (n == 4 && digits(s, 4, &y) && y >= 1900) {
        p->first = ps_day_from_ymd(y, 1, 1);
        p->last = ps_day_from_ymd(y, 12, 31);
        snprintf(p->label_vn, sizeof p->label_vn, "Năm %d", y);
    } else if (n == 7 && digits(s, 4, &y) && s[4] == '-' && (s[5] == 'Q' || s[5] == 'q') &&
               digits(s + 6, 1, &q) && q >= 1 && q <= 4) {
        p->first = ps_day_from_ymd(y, 3 * q - 2, 1);
        p->last = ps_day_from_ymd(y, 3 * q, days_in_month(y, 3 * q));
        snprintf(p->label_vn, sizeof p->label_vn, "Quý %s/%d", roman[q - 1], y);
    } else if (n == 7 && digits(s, 4, &y) && s[4] == '-' && digits(s + 5, 2, &m) && m >= 1 &&
               m <= 12) {
        p->first = ps_day_from_ymd(y, m, 1);
        p->last = ps_day_from_ymd(y, m, days_in_month(y, m));
        snprintf(p->label_vn, sizeof p->label_vn, "Tháng %d/%d", m, y);
    } else if (n == 22 && s[10] == '.' && s[11] == '.') {
        char a[11], b[11];
        memcpy(a, s, 10);
        a[10] = '\0';
        memcpy(b, s + 12, 10);
        b[10] = '\0';
        if (!ps_parse_date(a, &p->first) || !ps_parse_date(b, &p->last) || p->last < p->first)
            goto bad;
        char fa[16], fb[16];
        ps_day_format_vn(p->first, fa, sizeof fa);
        ps_day_format_vn(p->last, fb, sizeof fb);
        snprintf(p->label_vn, sizeof p->label_vn, "Từ %s đến %s", fa, fb);
    } else {
        goto bad;
    }
    snprintf(p->label, sizeof p->label, "%s", s);
    return PS_OK;
bad:
    return ps_error_set(err, PS_ECONFIG, NULL, 0, 0,
                        "invalid period \"%s\": use \"2025\", \"2025-Q1\", \"2025-03\" "
                        "or \"2025-01-01..2025-06-30\"",
                        s ? s : "");
}

void ps_period_previous(const ps_period *p, ps_period *prev) {
    int y, m, d, y2, m2, d2;
    char buf[48];
    ps_day_to_ymd(p->first, &y, &m, &d);
    ps_day_to_ymd(p->last, &y2, &m2, &d2);
    ps_error ignored;
    if (y == y2 && m == 1 && m2 == 12) {
        snprintf(buf, sizeof buf, "%04d", y - 1);
    } else if (m == m2 && y == y2) {
        int pm = m == 1 ? 12 : m - 1, py = m == 1 ? y - 1 : y;
        snprintf(buf, sizeof buf, "%04d-%02d", py, pm);
    } else if (m2 == m + 2 && (m - 1) % 3 == 0) {
        int q = (m - 1) / 3 + 1;
        snprintf(buf, sizeof buf, "%04d-Q%d", q == 1 ? y - 1 : y, q == 1 ? 4 : q - 1);
    } else {
        ps_day len = p->last - p->first + 1;
        char a[16], b[16];
        ps_day_format(p->first - len, a, sizeof a);
        ps_day_format(p->first - 1, b, sizeof b);
        snprintf(buf, sizeof buf, "%s..%s", a, b);
    }
    ps_period_parse(buf, prev, &ignored);
}

/* ---- calendar -------------------------------------------------------- */

int ps_calendar_load(ps_calendar *cal, const char *path, ps_error *err) {
    memset(cal, 0, sizeof *cal);
    snprintf(cal->source, sizeof cal->source, "%s", path);
    FILE *f = fopen(path, "r");
    if (!f)
        return ps_error_set(err, PS_EIO, path, 0, 0,
                            "cannot open calendar: %s (set `calendar` in the job "
                            "to a CSV of date,kind,name)",
                            strerror(errno));
    /* two passes over a small file: find the range, then fill it */
    typedef struct { ps_day day; uint8_t kind; } entry;
    entry *items = NULL;
    size_t n = 0, cap = 0;
    char line[512];
    long lineno = 0;
    int rc = PS_OK;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0') continue;
        if (strncmp(p, "date,", 5) == 0) continue; /* header */
        char *c1 = strchr(p, ',');
        if (!c1) goto bad;
        *c1 = '\0';
        char *kind = c1 + 1;
        char *c2 = strchr(kind, ',');
        if (c2) *c2 = '\0';
        kind[strcspn(kind, "\r\n")] = '\0';
        ps_day day;
        if (!ps_parse_date(p, &day)) goto bad;
        uint8_t k;
        if (strcmp(kind, "holiday") == 0) k = 1;
        else if (strcmp(kind, "working") == 0) k = 2;
        else goto bad;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            entry *grown = ps_realloc(items, cap * sizeof *items);
            if (!grown) {
                rc = ps_error_set(err, PS_ENOMEM, path, lineno, 0, "out of memory");
                goto done;
            }
            items = grown;
        }
        items[n].day = day;
        items[n].kind = k;
        n++;
        continue;
    bad:
        rc = ps_error_set(err, PS_EPARSE, path, lineno, 0,
                          "calendar line is not \"YYYY-MM-DD,holiday|working,name\"");
        goto done;
    }
    /* cover a generous range so dates outside the listed years still get
     * plain Monday-Friday arithmetic */
    cal->first = ps_day_from_ymd(2000, 1, 1);
    cal->last = ps_day_from_ymd(2100, 12, 31);
    size_t span = (size_t)(cal->last - cal->first + 1);
    cal->kind = ps_calloc(span, 1);
    cal->prefix = ps_calloc(span + 1, sizeof *cal->prefix);
    if (!cal->kind || !cal->prefix) {
        rc = ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (items[i].day >= cal->first && items[i].day <= cal->last)
            cal->kind[items[i].day - cal->first] = items[i].kind;
        int y, m, d;
        ps_day_to_ymd(items[i].day, &y, &m, &d);
        if (!cal->year_first || y < cal->year_first) cal->year_first = y;
        if (y > cal->year_last) cal->year_last = y;
    }
    cal->prefix[0] = 0;
    for (size_t i = 0; i < span; i++)
        cal->prefix[i + 1] = cal->prefix[i] +
                             ps_calendar_is_working(cal, cal->first + (ps_day)i);
done:
    ps_free(items);
    fclose(f);
    if (rc != PS_OK) ps_calendar_free(cal);
    return rc;
}

int ps_calendar_covers(const ps_calendar *cal, const ps_period *p, ps_error *err) {
    int y1, y2, m, d;
    ps_day_to_ymd(p->first, &y1, &m, &d);
    ps_day_to_ymd(p->last, &y2, &m, &d);
    if (!cal->year_first)
        return ps_error_set(err, PS_EDATA, cal->source, 0, 0,
                            "the calendar lists no days, so it cannot say which days of %s "
                            "are working days: give a calendar with that year's holidays "
                            "(`calendar` in the job)", p->label_vn);
    if (y1 < cal->year_first || y2 > cal->year_last)
        return ps_error_set(err, PS_EDATA, cal->source, 0, 0,
                            "the period %s (%s) lies outside the calendar's years %d-%d: "
                            "processing times would count every Monday-Friday as a working "
                            "day; add that year's holidays and swapped working days to the "
                            "calendar (or give the job another `calendar`)",
                            p->label, p->label_vn, cal->year_first, cal->year_last);
    return PS_OK;
}

int ps_calendar_is_working(const ps_calendar *cal, ps_day day) {
    if (cal && cal->kind && day >= cal->first && day <= cal->last) {
        uint8_t k = cal->kind[day - cal->first];
        if (k == 1) return 0;
        if (k == 2) return 1;
    }
    return ps_day_weekday(day) < 5;
}

static int32_t working_before(const ps_calendar *cal, ps_day day) {
    /* working days in [cal->first, day) */
    if (day <= cal->first) return -(int32_t)(cal->first - day) * 5 / 7;
    if (day > cal->last) {
        int32_t base = cal->prefix[cal->last - cal->first + 1];
        return base + (int32_t)(day - cal->last - 1) * 5 / 7;
    }
    return cal->prefix[day - cal->first];
}

int32_t ps_calendar_working_days(const ps_calendar *cal, ps_day from, ps_day to) {
    if (to <= from) return 0;
    if (!cal || !cal->prefix) {
        int32_t n = 0;
        for (ps_day d = from + 1; d <= to; d++) n += ps_day_weekday(d) < 5;
        return n;
    }
    if (from >= cal->first && to <= cal->last)
        return cal->prefix[to - cal->first + 1] - cal->prefix[from - cal->first + 1];
    return working_before(cal, to + 1) - working_before(cal, from + 1);
}

void ps_calendar_free(ps_calendar *cal) {
    ps_free(cal->kind);
    ps_free(cal->prefix);
    cal->kind = NULL;
    cal->prefix = NULL;
}
