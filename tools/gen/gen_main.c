/*
 * gen_main.c -- parscore-gen's command line and the two generation
 * passes.  Pass 1 walks the year day by day and, each day, unit by unit,
 * so every output is in reception order and memory stays constant
 * (national scale streams 10 million dossiers).  Pass 2 writes feedback.
 * Every file is written under a temporary name and renamed at the end.
 */
#include "gen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#ifndef PS_GEN_SOURCE_DIR
#define PS_GEN_SOURCE_DIR "."
#endif
#ifndef PS_GEN_DATA_DIR
#define PS_GEN_DATA_DIR "."
#endif

enum { OUT_SQLITE, OUT_XML, OUT_SURVEY_FORM, OUT_SURVEY, OUT_KIOSK, OUT_PG, OUT_JOB, OUT_N };
static const char *const out_names[OUT_N] = {
    "onestop.db", "portal.xml", "survey-form.xml", "survey-responses.csv",
    "kiosk.csv", "onestop-pg.sql", "job.lua"};

typedef struct options {
    enum gen_scale scale;
    const char *code, *out, *units, *calendar;
    uint64_t seed;
    int year;
    double faults;
    long long dossiers;      /* -1: the scale's default */
    int want[OUT_N];
    int measures;            /* measures.csv and measures.xlsx */
    int quiet;
} options;

static void usage(FILE *fp) {
    fputs("Usage: parscore-gen --scale commune|province|national [--province CODE]\n"
          "                    --seed N --year YYYY --out DIR [--faults RATE]\n"
          "                    [--units FILE] [--calendar FILE]\n"
          "                    [--formats sqlite,xml,survey,kiosk,pgsql,measures]\n"
          "                    [--dossiers N] [-q]\n"
          "Writes realistic, deterministic parscore input data into DIR:\n"
          "  onestop.db, portal.xml, survey-form.xml, survey-responses.csv,\n"
          "  kiosk.csv, onestop-pg.sql, measures.csv, measures.xlsx and job.lua\n"
          "  (national scale: onestop-XX.db and portal-XX.xml, one per province).\n"
          "  --province CODE  2-digit province (commune scale: its first commune,\n"
          "                   or give a 5-digit commune code)\n"
          "  --faults RATE    share of dossiers with a deliberate data-quality fault\n"
          "                   (default 0.001; 0 gives clean data)\n"
          "  --dossiers N     dossiers in the year (default: commune 1500,\n"
          "                   province 100000, national 10000000)\n", fp);
}

static int parse_formats(options *o, const char *s) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    for (int i = 0; i < OUT_N; i++) o->want[i] = 0;
    o->want[OUT_JOB] = 1;
    o->measures = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "sqlite") == 0) o->want[OUT_SQLITE] = 1;
        else if (strcmp(t, "xml") == 0) o->want[OUT_XML] = 1;
        else if (strcmp(t, "survey") == 0) o->want[OUT_SURVEY] = o->want[OUT_SURVEY_FORM] = 1;
        else if (strcmp(t, "kiosk") == 0) o->want[OUT_KIOSK] = 1;
        else if (strcmp(t, "pgsql") == 0) o->want[OUT_PG] = 1;
        else if (strcmp(t, "measures") == 0) o->measures = 1;
        else {
            fprintf(stderr, "parscore-gen: unknown format '%s' in --formats "
                            "(use sqlite, xml, survey, kiosk, pgsql, measures)\n", t);
            return 0;
        }
    }
    return 1;
}

static int parse_args(int argc, char **argv, options *o) {
    memset(o, 0, sizeof *o);
    o->scale = (enum gen_scale)-1;
    o->year = 2025;
    o->faults = 0.001;
    o->dossiers = -1;
    int have_seed = 0;
    for (int i = 0; i < OUT_N; i++) o->want[i] = 1;
    o->measures = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { usage(stdout); exit(0); }
        if (strcmp(a, "-q") == 0) { o->quiet = 1; continue; }
        if (!v) { fprintf(stderr, "parscore-gen: %s needs a value\n", a); return 0; }
        i++;
        errno = 0;
        if (strcmp(a, "--scale") == 0) {
            if (strcmp(v, "commune") == 0) o->scale = GEN_COMMUNE;
            else if (strcmp(v, "province") == 0) o->scale = GEN_PROVINCE;
            else if (strcmp(v, "national") == 0) o->scale = GEN_NATIONAL;
            else { fprintf(stderr, "parscore-gen: --scale must be commune, province or national\n"); return 0; }
        } else if (strcmp(a, "--province") == 0) {
            o->code = v;
        } else if (strcmp(a, "--seed") == 0) {
            o->seed = strtoull(v, &end, 10);
            if (errno || *end || !*v) { fprintf(stderr, "parscore-gen: --seed wants a non-negative integer\n"); return 0; }
            have_seed = 1;
        } else if (strcmp(a, "--year") == 0) {
            long y = strtol(v, &end, 10);
            if (errno || *end || y < 2000 || y > 2100) { fprintf(stderr, "parscore-gen: --year wants a year such as 2025\n"); return 0; }
            o->year = (int)y;
        } else if (strcmp(a, "--out") == 0) {
            o->out = v;
        } else if (strcmp(a, "--faults") == 0) {
            o->faults = strtod(v, &end);
            if (errno || *end || !*v || !(o->faults >= 0 && o->faults <= 1)) { fprintf(stderr, "parscore-gen: --faults wants a rate between 0 and 1\n"); return 0; }
        } else if (strcmp(a, "--units") == 0) {
            o->units = v;
        } else if (strcmp(a, "--calendar") == 0) {
            o->calendar = v;
        } else if (strcmp(a, "--formats") == 0) {
            if (!parse_formats(o, v)) return 0;
        } else if (strcmp(a, "--dossiers") == 0) {
            o->dossiers = strtoll(v, &end, 10);
            if (errno || *end || o->dossiers < 0 || o->dossiers > 100000000) { fprintf(stderr, "parscore-gen: --dossiers wants 0..100000000\n"); return 0; }
        } else {
            fprintf(stderr, "parscore-gen: unknown option '%s' (see --help)\n", a);
            return 0;
        }
    }
    if ((int)o->scale < 0 || !o->out || !have_seed) {
        fprintf(stderr, "parscore-gen: --scale, --seed and --out are required (see --help)\n");
        return 0;
    }
    if (o->scale != GEN_NATIONAL && !o->code) {
        fprintf(stderr, "parscore-gen: --province CODE is required at %s scale\n",
                o->scale == GEN_COMMUNE ? "commune" : "province");
        return 0;
    }
    if (o->scale == GEN_PROVINCE && strlen(o->code) != 2) {
        fprintf(stderr, "parscore-gen: --province wants a 2-digit province code such as 15\n");
        return 0;
    }
    return 1;
}

static int file_exists(const char *p) {
    struct stat st;
    return stat(p, &st) == 0;
}

/* An explicit path, else the source tree's data/, else the installed one. */
static void data_path(const char *given, const char *name, char *buf, size_t size) {
    if (given) { snprintf(buf, size, "%s", given); return; }
    snprintf(buf, size, "%s/data/%s", PS_GEN_SOURCE_DIR, name);
    if (file_exists(buf)) return;
    snprintf(buf, size, "%s/data/%s", PS_GEN_DATA_DIR, name);
}

typedef struct outputs {
    ps_atomic_file f[OUT_N];
    FILE *fp[OUT_N];
    /* one one-stop database per province, as provinces run them:
     * onestop.db for one province, onestop-XX.db at national scale;
     * indexed by the 2-digit province code */
    gen_out_sqlite *db[100];
    char db_name[100][24];
    const char *db_names[100];     /* in unit-list order, for job.lua */
    size_t n_db;
    /* the portal exports one file per province (MaTinh is required):
     * portal.xml for one province, portal-XX.xml at national scale;
     * indexed by the 2-digit province code */
    ps_atomic_file xf[100];
    FILE *xml[100];
    char xml_name[100][24];
    const char *xml_names[100];    /* in unit-list order, for job.lua */
    size_t n_xml;
} outputs;

static FILE *xml_for(const outputs *w, const char *province) {
    return w->xml[atoi(province) % 100];
}

/* The file of one province: STEM.EXT for one province, STEM-XX.EXT at
 * national scale (name), and its path under the output directory. */
static void province_file(const options *o, const char *stem, const char *ext,
                          const char *province, char *name, size_t size, char *path,
                          size_t path_size) {
    if (o->scale == GEN_NATIONAL) snprintf(name, size, "%s-%s.%s", stem, province, ext);
    else snprintf(name, size, "%s.%s", stem, ext);
    snprintf(path, path_size, "%s/%s", o->out, name);
}

static int open_portal(outputs *w, const options *o, const gen_units *u, ps_error *err) {
    for (size_t i = 0; i < u->count; i++) {
        int pc = atoi(u->items[i].province) % 100;
        if (w->xml[pc]) continue;
        char path[4096];
        province_file(o, "portal", "xml", u->items[i].province, w->xml_name[pc],
                      sizeof w->xml_name[pc], path, sizeof path);
        int rc = ps_atomic_open(&w->xf[pc], path, err);
        if (rc != PS_OK) return rc;
        w->xml[pc] = w->xf[pc].fp;
        setvbuf(w->xml[pc], NULL, _IOFBF, o->scale == GEN_NATIONAL ? 1 << 18 : 1 << 20);
        w->xml_names[w->n_xml++] = w->xml_name[pc];
        gen_portal_begin(w->xml[pc], u->items[i].province, o->year);
    }
    return PS_OK;
}

static int open_databases(outputs *w, const options *o, const gen_units *u, ps_error *err) {
    for (size_t i = 0; i < u->count; i++) {
        int pc = atoi(u->items[i].province) % 100;
        if (w->db[pc]) continue;
        char path[4096];
        province_file(o, "onestop", "db", u->items[i].province, w->db_name[pc],
                      sizeof w->db_name[pc], path, sizeof path);
        /* 34 databases share the page cache one used to have */
        int rc = gen_sqlite_open(&w->db[pc], path, o->scale == GEN_NATIONAL ? 16 : 128, err);
        if (rc != PS_OK) return rc;
        w->db_names[w->n_db++] = w->db_name[pc];
    }
    return PS_OK;
}

static int open_outputs(outputs *w, const options *o, const gen_units *u, ps_error *err) {
    if (o->want[OUT_XML]) {
        int rc = open_portal(w, o, u, err);
        if (rc != PS_OK) return rc;
    }
    if (o->want[OUT_SQLITE]) {
        int rc = open_databases(w, o, u, err);
        if (rc != PS_OK) return rc;
    }
    for (int i = 0; i < OUT_N; i++) {
        if (!o->want[i] || i == OUT_XML || i == OUT_SQLITE) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", o->out, out_names[i]);
        int rc = ps_atomic_open(&w->f[i], path, err);
        if (rc != PS_OK) return rc;
        w->fp[i] = w->f[i].fp;
        setvbuf(w->fp[i], NULL, _IOFBF, 1 << 20);
    }
    return PS_OK;
}

static int close_outputs(outputs *w, int commit, ps_error *err) {
    int rc = PS_OK;
    for (int i = 0; i < OUT_N; i++) {
        if (w->fp[i]) {
            ps_error e2;
            int r = ps_atomic_close(&w->f[i], commit && rc == PS_OK, rc == PS_OK ? err : &e2);
            w->fp[i] = NULL;
            if (r != PS_OK && rc == PS_OK) rc = r;
        }
    }
    for (int i = 0; i < 100; i++) {
        if (!w->db[i]) continue;
        ps_error e2;
        int r = gen_sqlite_close(w->db[i], commit && rc == PS_OK, rc == PS_OK ? err : &e2);
        w->db[i] = NULL;
        if (r != PS_OK && rc == PS_OK) rc = r;
    }
    for (int i = 0; i < 100; i++) {
        if (!w->xml[i]) continue;
        ps_error e2;
        int r = ps_atomic_close(&w->xf[i], commit && rc == PS_OK, rc == PS_OK ? err : &e2);
        w->xml[i] = NULL;
        if (r != PS_OK && rc == PS_OK) rc = r;
    }
    return rc;
}

typedef struct counts {
    uint64_t dossiers, in_db, in_portal, feedback, responses, presses;
} counts;

/* Pass 1 (dossiers, day by day) and pass 2 (feedback), then the closing
 * parts of the text files. */
static int generate_records(const options *o, gen_model *m, outputs *w, gen_sqlite_writer *sw,
                            counts *n, ps_error *err) {
    gen_units *u = m->units;
    FILE **fp = w->fp;
    if (fp[OUT_SURVEY]) gen_survey_header(fp[OUT_SURVEY]);
    if (fp[OUT_KIOSK]) gen_kiosk_header(fp[OUT_KIOSK]);

    gen_time times[10000];   /* per-day counts are capped at 9999 */
    for (int day = 0; day < m->days; day++) {
        for (size_t ui = 0; ui < u->count; ui++) {
            gen_unit *x = &u->items[ui];
            int k = x->day_counts[day];
            if (!k) continue;
            gen_model_times(m, x, m->first_day + day, k, times);
            for (int i = 0; i < k; i++) {
                gen_dossier d;
                gen_response resp;
                gen_press press;
                gen_model_dossier(m, x, times[i], i + 1, &d);
                n->dossiers++;
                if (d.in_db) {
                    n->in_db++;
                    if (sw) {
                        int rc = gen_sqlite_writer_dossier(sw, atoi(x->province) % 100, &d, err);
                        if (rc != PS_OK) return rc;
                    }
                    if (fp[OUT_PG]) gen_pg_dossier(fp[OUT_PG], &d);
                }
                if (d.in_portal) {
                    n->in_portal++;
                    FILE *xf = xml_for(w, x->province);
                    if (xf) gen_portal_dossier(xf, &d);
                }
                if (gen_model_response(m, x, &d, n->responses + 1, &resp)) {
                    n->responses++;
                    if (fp[OUT_SURVEY]) gen_survey_row(fp[OUT_SURVEY], &resp);
                }
                if (gen_model_press(m, x, &d, &press)) {
                    n->presses++;
                    if (fp[OUT_KIOSK]) gen_kiosk_row(fp[OUT_KIOSK], &press);
                }
            }
        }
    }
    if (fp[OUT_PG]) gen_pg_between(fp[OUT_PG]);
    for (size_t ui = 0; ui < u->count; ui++) {
        gen_unit *x = &u->items[ui];
        uint32_t k = gen_model_feedback_count(m, x);
        for (uint32_t i = 0; i < k; i++) {
            gen_feedback f;
            gen_model_feedback(m, x, i, k, ++n->feedback, &f);
            if (f.in_db && sw) {
                int rc = gen_sqlite_writer_feedback(sw, atoi(x->province) % 100, &f, err);
                if (rc != PS_OK) return rc;
            }
            if (f.in_db && fp[OUT_PG]) gen_pg_feedback(fp[OUT_PG], &f);
            FILE *xf = xml_for(w, x->province);
            if (f.in_portal && xf) gen_portal_feedback(xf, &f);
        }
    }
    if (fp[OUT_PG]) gen_pg_end(fp[OUT_PG]);
    for (int i = 0; i < 100; i++)
        if (w->xml[i]) gen_portal_end(w->xml[i]);
    if (fp[OUT_SURVEY_FORM])
        gen_survey_form(fp[OUT_SURVEY_FORM], o->scale == GEN_NATIONAL ? NULL : u->items[0].province,
                        u->province_name, o->year);
    if (fp[OUT_JOB]) {
        /* the job resolves paths against its own directory */
        char *units_abs = o->units ? realpath(o->units, NULL) : NULL;
        gen_job_info j = {.scale = o->scale, .province = u->items[0].province,
                          .province_name = u->province_name, .units_path = units_abs,
                          .commune_name = u->items[0].name, .year = o->year,
                          .seed = o->seed, .db_files = w->db_names, .n_db = w->n_db,
                          .portal_files = w->xml_names, .n_portal = w->n_xml,
                          .survey = o->want[OUT_SURVEY],
                          .kiosk = o->want[OUT_KIOSK]};
        gen_job_write(fp[OUT_JOB], &j);
        free(units_abs);
    }
    return PS_OK;
}

/* Headers, the records, and the SQLite writer thread around them. */
static int generate(const options *o, gen_model *m, outputs *w, counts *n, ps_error *err) {
    gen_units *u = m->units;
    FILE **fp = w->fp;
    for (size_t i = 0; i < u->count; i++) {
        FILE *xf = xml_for(w, u->items[i].province);
        int c[6];
        if (!xf) continue;
        gen_model_publicity(m, &u->items[i], c);
        gen_portal_publicity(xf, u->items[i].code, c);
    }
    if (fp[OUT_PG]) gen_pg_begin(fp[OUT_PG], m->cat);
    gen_sqlite_writer *sw = NULL;
    if (w->n_db) {
        int rc = PS_OK;
        for (int i = 0; i < 100 && rc == PS_OK; i++)
            if (w->db[i]) rc = gen_sqlite_procedures(w->db[i], m->cat, err);
        if (rc == PS_OK) rc = gen_sqlite_writer_start(&sw, w->db, err);
        if (rc != PS_OK) return rc;
    }
    ps_error ignored;
    int rc = generate_records(o, m, w, sw, n, err);
    int frc = gen_sqlite_writer_finish(sw, rc == PS_OK, rc == PS_OK ? err : &ignored);
    return rc != PS_OK ? rc : frc;
}

int main(int argc, char **argv) {
    options o;
    if (!parse_args(argc, argv, &o)) return 2;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    ps_error err;
    memset(&err, 0, sizeof err);
    char upath[4096], cpath[4096];
    data_path(o.units, "vn-units-2025.csv", upath, sizeof upath);
    data_path(o.calendar, "calendar-vn.csv", cpath, sizeof cpath);

    gen_units units;
    gen_catalog cat;
    gen_calendar cal;
    gen_model model;
    outputs w;
    counts n;
    memset(&cat, 0, sizeof cat);
    memset(&cal, 0, sizeof cal);
    memset(&model, 0, sizeof model);
    memset(&w, 0, sizeof w);
    memset(&n, 0, sizeof n);
    long long total = o.dossiers >= 0 ? o.dossiers
                      : o.scale == GEN_COMMUNE ? 1500 : o.scale == GEN_PROVINCE ? 100000 : 10000000;
    int rc = gen_units_load(&units, upath, o.scale, o.code, &err);
    if (rc == PS_OK) rc = gen_calendar_init(&cal, o.year, cpath, &err);
    if (rc == PS_OK) rc = gen_catalog_build(&cat, &err);
    if (rc == PS_OK)
        rc = gen_model_init(&model, &units, &cat, &cal, o.year, o.faults, o.seed,
                            (uint64_t)total, o.scale, &err);
    int writing = rc == PS_OK;   /* failures from here on are output errors */
    if (rc == PS_OK && mkdir(o.out, 0777) != 0 && errno != EEXIST)
        rc = ps_error_set(&err, PS_EIO, o.out, 0, 0, "cannot create the output directory: %s",
                          strerror(errno));
    if (rc == PS_OK) rc = open_outputs(&w, &o, &units, &err);
    if (rc == PS_OK) rc = generate(&o, &model, &w, &n, &err);
    int crc = close_outputs(&w, rc == PS_OK, &err);
    if (rc == PS_OK) rc = crc;
    if (rc == PS_OK && o.measures) rc = gen_measures_write(o.out, &units, o.year, o.seed, &err);
    gen_model_free(&model);
    gen_catalog_free(&cat);
    gen_calendar_free(&cal);
    gen_units_free(&units);
    if (rc != PS_OK) {
        char buf[1200];
        fprintf(stderr, "parscore-gen: %s\n", ps_error_format(&err, buf, sizeof buf));
        if (writing) return 6;
        return rc == PS_EPARSE || rc == PS_EDATA ? 4 : 3;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!o.quiet)
        fprintf(stderr,
                "parscore-gen: %llu dossiers (%llu in the database, %llu in the portal export), "
                "%llu feedback, %llu survey responses, %llu kiosk presses in %.1f s\n",
                (unsigned long long)n.dossiers, (unsigned long long)n.in_db,
                (unsigned long long)n.in_portal, (unsigned long long)n.feedback,
                (unsigned long long)n.responses, (unsigned long long)n.presses,
                (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
