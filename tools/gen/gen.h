/*
 * gen.h -- parscore-gen, the deterministic generator of realistic input
 * data (one-stop database, portal export, survey files, kiosk log).
 *
 * Shape of the program: gen_main.c parses the command line and drives two
 * passes (dossiers day by day, then feedback unit by unit); gen_model.c
 * decides what each record looks like; the gen_out_*.c writers put the
 * same record into every requested format.  All randomness comes from
 * per-unit xoshiro256** streams seeded from --seed, so a seed gives the
 * same records whatever formats are written.
 */
#ifndef GEN_H
#define GEN_H

#include <stdint.h>
#include <stdio.h>

#include "base/ps_date.h"
#include "base/ps_util.h"

/* ---- random numbers: xoshiro256** seeded by splitmix64 --------------- */
typedef struct gen_rng {
    uint64_t s[4];
} gen_rng;

void gen_rng_seed(gen_rng *r, uint64_t seed, uint64_t stream, uint64_t salt);
uint64_t gen_rng_next(gen_rng *r);
double gen_rng_unif(gen_rng *r);                     /* [0,1) */
uint32_t gen_rng_below(gen_rng *r, uint32_t n);      /* [0,n) */
double gen_rng_range(gen_rng *r, double lo, double hi);
int gen_rng_chance(gen_rng *r, double p);
double gen_rng_normal(gen_rng *r);                   /* N(0,1) */
uint64_t gen_hash_str(const char *s);

/* ---- calendar: day numbers and working days --------------------------- */
typedef ps_day gen_day;     /* days since 1970-01-01 (core/base/ps_date.h) */

typedef struct gen_calendar {
    ps_calendar ps;         /* the engine's calendar, so due dates agree */
    gen_day first, last;    /* range of the table below: year-1 .. year+1 */
    uint8_t *working;       /* per day: 1 working day */
} gen_calendar;

/* Load the "date,kind,name" calendar (the repo's data/calendar-vn.csv). */
int gen_calendar_init(gen_calendar *cal, int year, const char *csv_path,
                      ps_error *err);
int gen_calendar_is_working(const gen_calendar *cal, gen_day d);
/* The day k working days after d (k = 0: d itself). */
gen_day gen_calendar_add(const gen_calendar *cal, gen_day d, int k);
void gen_calendar_free(gen_calendar *cal);

/* A point in time: day + seconds of the day (local time, UTC+07:00). */
typedef struct gen_time {
    gen_day day;
    int32_t sec;
} gen_time;

/* Timestamp styles: 0 "YYYY-MM-DDTHH:MM:SS", 1 with a space, 2 with +07:00 */
void gen_format_time(gen_time t, int style, char *buf, size_t size);
int gen_time_cmp(gen_time a, gen_time b);

/* ---- procedure catalogue --------------------------------------------- */
typedef struct gen_procedure {
    char code[12];          /* "1.001612" */
    const char *name;
    const char *field;
    int legal_days;
    int online_level;       /* 2, 3, 4 */
    int has_fee;
    int has_result;
    double weight;          /* popularity */
} gen_procedure;

typedef struct gen_catalog {
    gen_procedure *items;
    size_t count;
    double *cdf;            /* cumulative popularity */
    char *name_pool;        /* storage for built variant names */
} gen_catalog;

int gen_catalog_build(gen_catalog *c, ps_error *err);
size_t gen_catalog_pick(const gen_catalog *c, gen_rng *r);
void gen_catalog_free(gen_catalog *c);

/* ---- survey form ----------------------------------------------------- */
/* Criteria of the SIPAS-style form (gen_out_survey.c): 17 in 5 elements. */
size_t gen_survey_criteria_count(void);

/* ---- units ----------------------------------------------------------- */
typedef struct gen_unit {
    char code[8];
    char *name;
    char province[4];
    int agency_no;          /* 1-based number within its province */
    /* profile, drawn once from the unit's stream */
    uint32_t dossiers;      /* dossiers received in the year */
    double on_time;         /* share finished by the due date */
    double online;          /* share of level-4 dossiers submitted online */
    double dig_input, dig_result, pay_online, apology, rate_share;
    double export_share;    /* share of DB dossiers also in the portal export */
    double sync_ok;         /* share of exported dossiers synced in real time */
    double quality;         /* P(survey answer >= 4) */
    double survey_share;    /* finished dossiers whose citizen fills the survey */
    double feedback_rate;   /* PAKN items per dossier */
    double fb_late;         /* share of PAKN answered late */
    int counters;           /* one-stop counters with a kiosk */
    gen_rng rng, rng_fault, rng_survey, rng_kiosk;
    uint16_t *day_counts;   /* dossiers received per day of the year */
} gen_unit;

typedef struct gen_units {
    gen_unit *items;
    size_t count;
    char province_name[96]; /* "" at national scale */
    uint8_t *known;         /* [100000]: 1 when that 5-digit code is a commune */
} gen_units;

enum gen_scale { GEN_COMMUNE, GEN_PROVINCE, GEN_NATIONAL };

/* Load the communes in scope: one commune (code or first of a province),
 * all of a province, or all. */
int gen_units_load(gen_units *u, const char *path, enum gen_scale scale,
                   const char *code, ps_error *err);
int gen_units_known(const gen_units *u, const char *code);
void gen_units_free(gen_units *u);

/* ---- records --------------------------------------------------------- */
typedef struct gen_dossier {
    char code[40];
    char unit_code[8];
    const gen_procedure *proc;
    int channel, status, level;
    /* timestamps as written ("" = NULL); db_* are the one-stop copy, the
     * portal copy uses xml_* (faults of date syntax stay in the DB) */
    char received[32], due[32], finished[32], returned[32], apology[32];
    char xml_received[32], xml_due[32], xml_finished[32], xml_returned[32];
    char xml_apology[32], apology_new_due[32];
    const char *apology_reason;
    int paid_online, dig_input, dig_result, rating;   /* rating 0 = NULL */
    int in_db, in_portal, synced;
    gen_time recv;          /* clean values, for follow-up records */
    gen_day done_day;       /* finished/returned day, 0 when not finished */
    int late;
} gen_dossier;

typedef struct gen_feedback {
    char id[32];
    char unit_code[8];
    char received[32], due[32], answered[32];
    int satisfied;          /* -1 NULL */
    int in_db, in_portal;
} gen_feedback;

typedef struct gen_response {
    char id[24];
    const char *unit_code;
    char date[12];
    const char *channel;
    const char *procedure;
    int answers[32];        /* 0 = blank */
    int overall;
    const char *comment;    /* "" none */
} gen_response;

typedef struct gen_press {
    char time[32];
    const char *unit_code;
    int counter;
    int level;              /* 1 rat_hai_long .. 4 khong_hai_long */
} gen_press;

/* ---- the model ------------------------------------------------------- */
typedef struct gen_model {
    int year;
    double faults;
    const gen_calendar *cal;
    const gen_catalog *cat;
    gen_units *units;
    gen_time snapshot;      /* the data is as of this instant */
    double *day_cdf;        /* reception weight per day of the year */
    int days;               /* days in the year */
    gen_day first_day;
    uint64_t seed;
} gen_model;

int gen_model_init(gen_model *m, gen_units *u, const gen_catalog *cat,
                   const gen_calendar *cal, int year, double faults,
                   uint64_t seed, uint64_t total, enum gen_scale scale,
                   ps_error *err);
void gen_model_free(gen_model *m);
/* One dossier of unit u received at t (seq: its number that day). */
void gen_model_dossier(const gen_model *m, gen_unit *u, gen_time t, int seq,
                       gen_dossier *d);
/* Receive times of n dossiers of unit u on day d, sorted. */
void gen_model_times(const gen_model *m, gen_unit *u, gen_day d, int n,
                     gen_time *out);
/* Survey response / kiosk press that follow dossier d (return 1 if any). */
int gen_model_response(const gen_model *m, gen_unit *u, const gen_dossier *d,
                       uint64_t serial, gen_response *r);
int gen_model_press(const gen_model *m, gen_unit *u, const gen_dossier *d,
                    gen_press *p);
/* Feedback (PAKN): how many items unit u has, then item i of n (in
 * order of reception). */
uint32_t gen_model_feedback_count(const gen_model *m, gen_unit *u);
void gen_model_feedback(const gen_model *m, gen_unit *u, uint32_t i, uint32_t n,
                        uint64_t serial, gen_feedback *f);
/* Publicity counts of unit u for the portal's CongKhai element. */
void gen_model_publicity(const gen_model *m, const gen_unit *u, int out[6]);

/* ---- writers --------------------------------------------------------- */
typedef struct gen_out_sqlite gen_out_sqlite;
int gen_sqlite_open(gen_out_sqlite **o, const char *path, int cache_mib, ps_error *err);
int gen_sqlite_procedures(gen_out_sqlite *o, const gen_catalog *c, ps_error *err);
int gen_sqlite_dossier(gen_out_sqlite *o, const gen_dossier *d, ps_error *err);
int gen_sqlite_feedback(gen_out_sqlite *o, const gen_feedback *f, ps_error *err);
int gen_sqlite_close(gen_out_sqlite *o, int commit, ps_error *err);

/* The same inserts through a writer thread (gen_sqlite_thread.c): start
 * after gen_sqlite_procedures, finish (flush 0 on the error path: drop
 * what is queued) before gen_sqlite_close. */
typedef struct gen_sqlite_writer gen_sqlite_writer;
/* dbs[100]: the database of each 2-digit province code (NULL: none). */
int gen_sqlite_writer_start(gen_sqlite_writer **w, gen_out_sqlite *const *dbs, ps_error *err);
int gen_sqlite_writer_dossier(gen_sqlite_writer *w, int db, const gen_dossier *d, ps_error *err);
int gen_sqlite_writer_feedback(gen_sqlite_writer *w, int db, const gen_feedback *f, ps_error *err);
int gen_sqlite_writer_finish(gen_sqlite_writer *w, int flush, ps_error *err);

/* Text writers build each record in a line buffer and write it with one
 * fwrite: printf-family formatting was 60% of the run time (callgrind,
 * see docs/generator.md).  Appends past the end are dropped, never
 * overflow; records are far below the size. */
typedef struct gen_line {
    size_t n;
    char buf[8192];
} gen_line;
void gl_reset(gen_line *l);
void gl_str(gen_line *l, const char *s);
void gl_mem(gen_line *l, const char *s, size_t n);
void gl_chr(gen_line *l, char c);
void gl_int(gen_line *l, long long v);
void gl_xml(gen_line *l, const char *s);     /* escapes & < > " */
void gl_csv(gen_line *l, const char *s);     /* RFC 4180 quoting */
void gl_copy(gen_line *l, const char *s);    /* COPY text; "" -> \N */
int gl_flush(gen_line *l, FILE *fp);         /* write and reset */

void gen_portal_begin(FILE *fp, const char *province, int year);   /* MaTinh */
void gen_portal_publicity(FILE *fp, const char *unit, const int c[6]);
void gen_portal_dossier(FILE *fp, const gen_dossier *d);
void gen_portal_feedback(FILE *fp, const gen_feedback *f);
void gen_portal_end(FILE *fp);

void gen_survey_form(FILE *fp, const char *province, const char *province_name,
                     int year);
void gen_survey_header(FILE *fp);
void gen_survey_row(FILE *fp, const gen_response *r);
void gen_kiosk_header(FILE *fp);
void gen_kiosk_row(FILE *fp, const gen_press *p);

void gen_pg_begin(FILE *fp, const gen_catalog *c);
void gen_pg_dossier(FILE *fp, const gen_dossier *d);
void gen_pg_between(FILE *fp);                       /* dossiers -> feedback */
void gen_pg_feedback(FILE *fp, const gen_feedback *f);
void gen_pg_end(FILE *fp);

/* measures.csv and measures.xlsx (gen_out_measures.c): the measures
 * template filled in for the shipped rule sets' measures */
int gen_measures_write(const char *out_dir, const gen_units *u, int year, uint64_t seed,
                       ps_error *err);

/* job.lua for the written sources */
typedef struct gen_job_info {
    enum gen_scale scale;
    const char *province, *province_name, *units_path;
    const char *commune_name;   /* commune scale: the one commune */
    int year;
    uint64_t seed;
    int survey, kiosk;
    const char *const *db_files;       /* one-stop databases, one per province */
    size_t n_db;
    const char *const *portal_files;   /* portal exports written, one per province */
    size_t n_portal;
} gen_job_info;
void gen_job_write(FILE *fp, const gen_job_info *j);

#endif
