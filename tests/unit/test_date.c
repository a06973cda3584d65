/*
 * test_date.c -- timestamps in every accepted form, periods, and working
 * days against the shipped calendar (hand-counted on a paper calendar).
 */
#include "base/ps_date.h"
#include "ps_test.h"

static ps_day D(int y, int m, int d) { return ps_day_from_ymd(y, m, d); }

int main(void) {
    ps_tally t = {0, 0};
    ps_time ts;
    ps_day day;

    /* the forms FORMATS.md accepts */
    CHECK(&t, ps_parse_time("2025-04-15T08:12:00", &ts));
    CHECK_INT(&t, ts, (int64_t)D(2025, 4, 15) * 86400 + 8 * 3600 + 12 * 60);
    CHECK(&t, ps_parse_time("2025-04-15 08:12:00", &ts));
    CHECK_INT(&t, ts, (int64_t)D(2025, 4, 15) * 86400 + 8 * 3600 + 12 * 60);
    CHECK(&t, ps_parse_time("2026-01-05T07:00:00+07:00", &ts));
    CHECK_INT(&t, ts, (int64_t)D(2026, 1, 5) * 86400 + 7 * 3600);
    CHECK(&t, ps_parse_time("2025-04-15", &ts));
    CHECK_INT(&t, ts, (int64_t)D(2025, 4, 15) * 86400);
    /* rejected: other zones, impossible dates, garbage, trailing text */
    CHECK(&t, !ps_parse_time("2025-04-15T08:12:00Z", &ts));
    CHECK(&t, !ps_parse_time("2025-04-15T08:12:00+08:00", &ts));
    CHECK(&t, !ps_parse_time("2025-02-29T08:00:00", &ts));
    CHECK(&t, ps_parse_time("2024-02-29T08:00:00", &ts));
    CHECK(&t, !ps_parse_time("2025-13-01", &ts));
    CHECK(&t, !ps_parse_time("2025-04-31", &ts));
    CHECK(&t, !ps_parse_time("15/04/2025", &ts));
    CHECK(&t, !ps_parse_time("", &ts));
    CHECK(&t, !ps_parse_time(NULL, &ts));
    CHECK(&t, !ps_parse_time("2025-04-15T25:00:00", &ts));
    CHECK(&t, !ps_parse_time("2025-04-15xyz", &ts));

    /* day arithmetic round trip and weekdays: 2025-01-01 was a Wednesday */
    int y, m, d;
    ps_day_to_ymd(D(2025, 12, 31), &y, &m, &d);
    CHECK_INT(&t, y * 10000 + m * 100 + d, 20251231);
    CHECK_INT(&t, ps_day_weekday(D(2025, 1, 1)), 2);
    CHECK_INT(&t, ps_day_weekday(D(2026, 11, 23)), 0);
    CHECK(&t, ps_parse_date("2025-04-15T23:59:59", &day));
    CHECK_INT(&t, day, D(2025, 4, 15));

    /* periods */
    ps_period p;
    ps_error err = {0};
    CHECK_INT(&t, ps_period_parse("2025", &p, &err), PS_OK);
    CHECK_INT(&t, p.first, D(2025, 1, 1));
    CHECK_INT(&t, p.last, D(2025, 12, 31));
    CHECK_STR(&t, p.label_vn, "Năm 2025");
    CHECK_INT(&t, ps_period_parse("2025-Q2", &p, &err), PS_OK);
    CHECK_INT(&t, p.first, D(2025, 4, 1));
    CHECK_INT(&t, p.last, D(2025, 6, 30));
    CHECK_STR(&t, p.label_vn, "Quý II/2025");
    CHECK_INT(&t, ps_period_parse("2024-02", &p, &err), PS_OK);
    CHECK_INT(&t, p.last, D(2024, 2, 29));
    CHECK_STR(&t, p.label_vn, "Tháng 2/2024");
    CHECK_INT(&t, ps_period_parse("2025-01-01..2025-06-30", &p, &err), PS_OK);
    CHECK_STR(&t, p.label_vn, "Từ 01/01/2025 đến 30/06/2025");
    CHECK_INT(&t, ps_period_parse("2025-Q5", &p, &err), PS_ECONFIG);
    CHECK_INT(&t, ps_period_parse("25", &p, &err), PS_ECONFIG);
    CHECK_INT(&t, ps_period_parse("2025-06-30..2025-01-01", &p, &err), PS_ECONFIG);
    ps_period prev;
    ps_period_parse("2025-Q1", &p, &err);
    ps_period_previous(&p, &prev);
    CHECK_STR(&t, prev.label, "2024-Q4");
    ps_period_parse("2025-01", &p, &err);
    ps_period_previous(&p, &prev);
    CHECK_STR(&t, prev.label, "2024-12");
    ps_period_parse("2025", &p, &err);
    ps_period_previous(&p, &prev);
    CHECK_STR(&t, prev.label, "2024");

    /* working days: the shipped calendar */
    ps_calendar cal;
    CHECK_INT(&t, ps_calendar_load(&cal, PS_SOURCE_DIR "/data/calendar-vn.csv", &err), PS_OK);
    /* Tet 2025: Mon 27 Jan .. Fri 31 Jan off.  Received Fri 24 Jan,
     * finished Tue 4 Feb: working days in (24 Jan, 4 Feb] = Mon 3, Tue 4 = 2 */
    CHECK_INT(&t, ps_calendar_working_days(&cal, D(2025, 1, 24), D(2025, 2, 4)), 2);
    /* 30/4-1/5/2025 and the swap: Fri 2 May off, Sat 26 Apr worked.
     * (Fri 25 Apr, Mon 5 May] = Sat 26, Mon 28, Tue 29, Mon 5 = 4 */
    CHECK_INT(&t, ps_calendar_working_days(&cal, D(2025, 4, 25), D(2025, 5, 5)), 4);
    CHECK(&t, ps_calendar_is_working(&cal, D(2025, 4, 26)));
    CHECK(&t, !ps_calendar_is_working(&cal, D(2025, 9, 1)));
    CHECK(&t, !ps_calendar_is_working(&cal, D(2025, 9, 2)));
    /* same day: 0; an ordinary week (Mon -> next Mon): 5 */
    CHECK_INT(&t, ps_calendar_working_days(&cal, D(2025, 3, 3), D(2025, 3, 3)), 0);
    CHECK_INT(&t, ps_calendar_working_days(&cal, D(2025, 3, 3), D(2025, 3, 10)), 5);
    /* the whole of 2025: 365 days, 104 weekend days (52 Sat + 52 Sun),
     * 12 weekday holidays (1/1, 5 Tet, 7/4, 30/4, 1/5, 2/5, 1/9, 2/9) and
     * one worked Saturday: 365 - 104 - 12 + 1 = 250 */
    CHECK_INT(&t, ps_calendar_working_days(&cal, D(2024, 12, 31), D(2025, 12, 31)), 250);
    ps_calendar_free(&cal);

    /* a missing or malformed calendar is a named error */
    CHECK_INT(&t, ps_calendar_load(&cal, "/nonexistent/calendar.csv", &err), PS_EIO);
    CHECK(&t, strstr(err.message, "cannot open calendar") != NULL);
    return ps_test_done(&t);
}
