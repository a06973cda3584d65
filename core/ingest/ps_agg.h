/*
 * ps_agg.h -- aggregation: records in, per-unit counters out.
 *
 * One streaming pass.  Each record is classified once (received in the
 * period? on time? ...) and only counters are kept, so memory grows with
 * the number of units, not of records.  Two things grow with records and
 * are bounded: the explanation lists (at most `examples_max` dossier codes
 * per unit and reason) and, only when two sources can hold the same
 * dossier, a 12-byte fingerprint per dossier to count it once.
 *
 * After the pass, ps_agg_rollup() adds every unit's counters into its
 * parents (commune -> province, sub-unit -> its parent).
 */
#ifndef PS_AGG_H
#define PS_AGG_H

#include <stdint.h>
#include "base/ps_date.h"
#include "ingest/ps_units.h"

/* Reasons a dossier or feedback item costs points; each keeps a bounded
 * list of example codes per unit.  Names are the keys rule scripts use. */
#define PS_EXAMPLE_LIST(X)                                                   \
    X(PS_EX_LATE, "late", "Hồ sơ giải quyết quá hạn")                       \
    X(PS_EX_OVERDUE, "overdue", "Hồ sơ đang giải quyết đã quá hạn")          \
    X(PS_EX_NOT_SYNCED, "not_synced", "Hồ sơ không đồng bộ đúng hạn")        \
    X(PS_EX_NOT_ONLINE, "not_online", "Hồ sơ TTHC toàn trình không nộp trực tuyến") \
    X(PS_EX_NOT_PAID_ONLINE, "not_paid_online", "Hồ sơ có phí không thanh toán trực tuyến") \
    X(PS_EX_RESULT_NOT_DIGITIZED, "result_not_digitized", "Kết quả chưa số hóa") \
    X(PS_EX_INPUT_NOT_DIGITIZED, "input_not_digitized", "Thành phần hồ sơ chưa số hóa") \
    X(PS_EX_UNSATISFIED, "unsatisfied", "Hồ sơ bị đánh giá không hài lòng")  \
    X(PS_EX_LATE_NO_APOLOGY, "late_no_apology", "Hồ sơ trễ hạn không có phiếu xin lỗi") \
    X(PS_EX_RETURNED_LATE, "returned_late", "Trả kết quả muộn")              \
    X(PS_EX_SLOW, "slow", "Hồ sơ không cắt giảm được 30% thời gian")          \
    X(PS_EX_FEEDBACK_LATE, "feedback_late", "Phản ánh, kiến nghị xử lý quá hạn") \
    X(PS_EX_FEEDBACK_UNSATISFIED, "feedback_unsatisfied", "Phản ánh, kiến nghị bị đánh giá không hài lòng")

typedef enum ps_example_kind {
#define PS_EX_ENUM_(id, key, label) id,
    PS_EXAMPLE_LIST(PS_EX_ENUM_)
#undef PS_EX_ENUM_
    PS_EX__COUNT
} ps_example_kind;

const char *ps_example_key(ps_example_kind k);     /* "late" */
const char *ps_example_label(ps_example_kind k);   /* Vietnamese label */
int ps_example_from_key(const char *key);          /* -1 if unknown */

#define PS_CODE_MAX 48          /* longest code kept in an example list, + 1 */

/* Example lists of finished units parked in a temporary file (the run's
 * aggregate only): a national run keeps ~2 million codes, 45 MiB that
 * would otherwise stay in memory from the merge of a province until the
 * last scorecard.  Written while merging and rolling up (one thread at a
 * time), read back with pread by any thread. */
typedef struct ps_spill {
    int fd;                     /* -1: not open */
    uint64_t len;               /* bytes written */
    int failed;                 /* a write failed: lists stay in memory */
} ps_spill;

/* The example codes of one reason, stored at their real length: code i is
 * the NUL-terminated string at text + off[i].  Fixed 48-byte slots were
 * most of the memory of a national run (50 codes x 13 reasons x 3,356
 * units).  Of each source, the list keeps the smallest codes (strcmp
 * order), so it does not depend on the order a source hands its rows in;
 * sources follow each other in precedence order.  A list of the run's
 * aggregate may be parked in its spill file (spill != NULL: text and off
 * are NULL, the kept codes are text_len bytes at spill_at). */
typedef struct ps_examples {
    uint32_t count;             /* all dossiers with this reason */
    uint32_t kept;              /* codes stored (<= examples_max) */
    uint32_t *off;              /* kept offsets into text; NULL until the first */
    char *text;
    uint32_t text_len, text_cap;
    uint32_t seg;               /* first code of the current source */
    int seg_source;             /* that source's number + 1; 0: none yet */
    const ps_spill *spill;      /* parked there, or NULL: in memory */
    uint64_t spill_at;
} ps_examples;

/* Code i of a list held in memory (not parked). */
static inline const char *ps_example_code(const ps_examples *e, uint32_t i) {
    return e->text + e->off[i];
}
/* The kept codes, NUL-terminated one after the other (e->kept of them),
 * wherever the list is: *text points into memory, or into *scratch (the
 * caller's, reused across calls; ps_buf_free it) for a parked list.
 * PS_OK, PS_ENOMEM, or PS_EIO when the file cannot be read back. */
int ps_examples_read(const ps_examples *e, ps_buf *scratch, const char **text);
/* Copy the kept codes (e->text_len bytes, NUL-separated) into dst.
 * PS_OK, or PS_EIO when a parked list cannot be read back. */
int ps_examples_copy(const ps_examples *e, char *dst);
/* Append a code (truncated to PS_CODE_MAX - 1 bytes) if fewer than max are
 * kept.  PS_OK, PS_ENOMEM, or PS_EIO when a parked list cannot be read back. */
int ps_examples_push(ps_examples *e, const char *code, uint32_t max);
void ps_examples_free(ps_examples *e);

/* Data-quality findings of one unit, in key order: a key (e.g.
 * "bad_date", "due_before_received"), a count and a few example record
 * codes. */
#define PS_DQ_EXAMPLES 3
typedef struct ps_dq_entry {
    char key[48];
    uint32_t count;
    uint32_t kept;
    char examples[PS_DQ_EXAMPLES][PS_CODE_MAX];
    uint32_t seg;               /* as in ps_examples: the current source's */
    int seg_source;             /* first example, and that source + 1 */
} ps_dq_entry;

typedef struct ps_dossier_counts {
    uint32_t received;          /* in the period, status not 1/3 */
    uint32_t by_channel[4];     /* [1] in person [2] online [3] postal [0] other */
    uint32_t finished;          /* received, status 7/9/10 */
    uint32_t finished_on_time, finished_late;
    uint32_t in_progress;       /* received, status 2/4 */
    uint32_t in_progress_within, in_progress_over;
    uint32_t paused;            /* received, status 5/6/8 */
    uint32_t synced;            /* received with synced = 1 */
    uint32_t level4_received, level4_online;
    uint32_t level3_received, level3_online;
    uint32_t fee_received, fee_paid_online;
    uint32_t result_doc_finished, result_digitized;
    uint32_t input_digitized;
    uint32_t late;              /* finished late + in progress over due */
    uint32_t late_with_apology;
    uint32_t apology;           /* received with an apology letter */
    uint32_t returned, returned_late;
    uint32_t rated, rating[5];  /* [1] very satisfied .. [4] unsatisfied */
    uint32_t handled_ok;        /* finished, on time, not rated 4 */
    uint32_t cut_n;             /* finished with legal_days > 0 and dates */
    uint32_t cut_ge30;          /* ... whose cut is >= 30% */
    double cut_sum;             /* sum of 1 - working_days / legal_days */
    double days_sum;            /* sum of working days taken */
} ps_dossier_counts;

typedef struct ps_feedback_counts {
    uint32_t received;
    uint32_t answered, answered_on_time, answered_late;
    uint32_t unanswered_within, unanswered_over;
    uint32_t rated_satisfied, rated_unsatisfied;  /* among answered */
    uint32_t handled_ok;        /* answered, not late, not unsatisfied */
} ps_feedback_counts;

typedef struct ps_publicity_counts {
    uint32_t reports;           /* CongKhai elements seen */
    uint64_t must_announce, announced_on_time;
    uint64_t must_update, updated_on_time;
    uint64_t published, published_full;
} ps_publicity_counts;

typedef struct ps_survey_counts {
    uint32_t respondents;
    uint32_t overall_answered, overall_satisfied;
    uint32_t *answered;         /* per criterion (form order), NULL if none */
    uint32_t *satisfied;
} ps_survey_counts;

typedef struct ps_kiosk_counts {
    uint32_t total;
    uint32_t level[5];          /* [1] rat_hai_long .. [4] khong_hai_long */
} ps_kiosk_counts;

/* Measures (ps_measure records): per unit and measure key, the value each
 * assessor gave.  Only the first value of a unit, key and assessor within
 * the period is kept (a second one is the data-quality finding
 * "measure_assessed_twice", or an error with measures_strict), so memory
 * is units x keys x 3, never records.  Keys are interned run-wide and
 * checked against the rule set's declarations at scoring (docs/rules.md,
 * "Measures"); measures do not roll up into parents. */
#define PS_MEASURE_KEYS_MAX 1024    /* distinct measure keys in one run */
#define PS_ASSESSORS 3              /* PS_ASSESS_SELF .. PS_ASSESS_SYSTEM */

typedef struct ps_measure_value {
    uint32_t count;             /* values read; 0: this assessor gave none */
    int has_value;
    double value;
    const char *text;           /* the value as written; strings in ps_agg.arena */
    const char *assessed_by;
    const char *evidence_doc, *evidence_date, *evidence_ref;
    const char *note;
    const char *source;         /* source name (and sheet) of the row */
    long src_line;
} ps_measure_value;

typedef struct ps_unit_measure {
    uint32_t key;               /* index into ps_agg.measure_keys */
    ps_measure_value by[PS_ASSESSORS]; /* [assessor - 1] */
} ps_unit_measure;

typedef struct ps_unit_agg {
    ps_dossier_counts d;
    ps_feedback_counts f;
    ps_publicity_counts p;
    ps_survey_counts s;
    ps_kiosk_counts k;
    /* fee procedures (catalogue index) with >= 1 dossier / online payment */
    uint64_t *fee_with_dossier, *fee_with_payment;
    size_t fee_words;
    ps_examples ex[PS_EX__COUNT];
    ps_dq_entry *dq;
    size_t n_dq, cap_dq;
    ps_unit_measure *m;         /* measures given for this unit, in arrival order */
    size_t n_m, cap_m;
} ps_unit_agg;

/* A procedure of the catalogue, as the core keeps it. */
typedef struct ps_proc {
    char *code, *name, *field;
    double legal_days;
    int online_level, has_fee, has_result_document;
    int known;                  /* 1: from a catalogue record; 0: only seen on dossiers */
    int legal_bad;              /* legal_days outside [PS_LEGAL_DAYS_MIN, _MAX] */
} ps_proc;
/* Sane legal time limits in working days: a few hours ("trong ngày") up to
 * ten years; anything else is a catalogue error (dq bad_legal_days). */
#define PS_LEGAL_DAYS_MIN 0.1
#define PS_LEGAL_DAYS_MAX 2500.0

/* The survey form of the run (one per run). */
typedef struct ps_form {
    int present;
    char *code, *name;
    int scale_min, scale_max, satisfied_from;
    size_t n_criteria;
    struct ps_form_criterion {
        char *code, *name, *element_code, *element_name;
        int element;            /* index into elements */
    } *criteria;
    size_t n_elements;
    struct ps_form_element {
        char *code, *name;
    } *elements;
} ps_form;

/* Codes found in records that are not units of the run: every record is
 * counted, the first PS_UNKNOWN_UNITS_MAX codes are listed (2 million
 * distinct codes took 372 MB before the cap). */
#define PS_UNKNOWN_UNITS_MAX 1000
typedef struct ps_unknown_unit {
    char code[PS_CODE_MAX];
    uint32_t count;
    char example[PS_CODE_MAX];
} ps_unknown_unit;

typedef struct ps_agg_config {
    ps_period period;
    const ps_calendar *calendar;
    const ps_units *units;
    uint32_t examples_max;      /* codes kept per unit and reason (0: none) */
    int dedup;                  /* 1: remember dossier/feedback fingerprints */
    int measures_strict;        /* 1: a measure assessed twice stops the run */
    int province;               /* unit index + 1 of the province every record
                                 * must belong to; 0: any */
} ps_agg_config;

typedef struct ps_agg {
    ps_agg_config cfg;
    ps_unit_agg *u;             /* one per unit (cfg.units->count) */
    size_t n_units;
    ps_proc *procs;
    size_t n_procs, cap_procs;
    ps_map proc_index;
    uint32_t fee_procs;         /* procedures of the catalogue with a fee */
    ps_form form;
    ps_unknown_unit *unknown;   /* the first PS_UNKNOWN_UNITS_MAX codes */
    size_t n_unknown, cap_unknown;
    uint64_t unknown_unlisted;  /* records naming further unknown codes */
    ps_map unknown_index;
    ps_fpset seen_dossiers, seen_feedback;
    char **measure_keys;        /* interned measure keys (arena) */
    size_t n_measure_keys, cap_measure_keys;
    ps_map measure_key_index;
    const char *measure_source_copy; /* the source name last interned */
    int current_source;         /* index of the source being read */
    /* run-wide totals for the log and the benchmark */
    uint64_t records[PS_REC_KIND_END]; /* by ps_record_kind */
    uint64_t duplicates;
    uint64_t dup_in_scope;      /* duplicates of received dossiers of selected units */
    int stray;                  /* a record fell outside cfg.province: ps_agg_add
                                 * failed; read again without partitions */
    char stray_code[PS_CODE_MAX];
    ps_spill *spill;            /* ps_agg_spill_open: where finished units'
                                 * example lists go; NULL: they stay */
    ps_arena arena;
} ps_agg;

int ps_agg_init(ps_agg *a, const ps_agg_config *cfg, ps_error *err);
/* Feed a batch; `source` numbers the source (order = precedence). */
int ps_agg_add(ps_agg *a, int source, ps_record_kind kind, const void *recs,
               size_t count, const char *source_name, ps_error *err);
/* Record a data-quality finding for unit (index, or -1: run level). */
int ps_agg_quality(ps_agg *a, int unit, const char *key, const char *example);
/* What the selected units have received so far from all sources (dossiers
 * received or handled in the period, feedback, publicity reports, survey
 * respondents, kiosk presses, measure values, and second copies of such dossiers), before
 * the roll-up: a source after which this did not grow brought nothing for
 * the period and scope. */
uint64_t ps_agg_activity(const ps_agg *a);

/* The province (top-level unit) a unit belongs to, or -1. */
int ps_agg_province_of(const ps_units *units, int unit);
/* Size the fingerprint sets for about `rows` more dossiers (a source that
 * knows its row count says so up front: no doubling while reading). */
int ps_agg_expect(ps_agg *a, uint64_t rows);
/* Add a partial aggregate, read from other sources over the same units,
 * into dst: counters add, example lists and findings append, procedures
 * merge by code (the first catalogue wins), the survey forms must agree.
 * Called in a fixed order, the result does not depend on which thread
 * read what. */
int ps_agg_merge(ps_agg *dst, const ps_agg *src, ps_error *err);
/* Once every source is in: the unknown-unit list in code order (it was in
 * arrival order, which depends on how a database is read and on the
 * partitions), so every output listing it is the same whatever the order. */
void ps_agg_sort_unknown(ps_agg *a);
/* Add every unit's counters into its ancestors. Call once after the pass.
 * With a spill file, every example list is parked there afterwards. */
int ps_agg_rollup(ps_agg *a, ps_error *err);
/* Park the example lists of units as they are merged (ps_agg_merge) and
 * after the roll-up in an unlinked temporary file ($TMPDIR, else /tmp), so
 * memory does not hold every unit's codes until rendering.  When no such
 * file can be made or written the lists simply stay in memory. */
void ps_agg_spill_open(ps_agg *a);
void ps_agg_free(ps_agg *a);

/* ---- counters by name ------------------------------------------------- */
/* The scalar per-unit counters by the name `parscore aggregate` prints
 * ("d.received", "f.answered_late", ...).  One table serves the printer and
 * the ps_counter records of sources that count on their own server, so a
 * name cannot mean one thing in one and another in the other. */
typedef enum ps_counter_type { PS_CT_U32 = 1, PS_CT_U64, PS_CT_DOUBLE } ps_counter_type;
typedef struct ps_counter_def {
    const char *key;            /* "d.received" */
    ps_counter_type type;
    size_t offset;              /* into ps_unit_agg */
} ps_counter_def;
size_t ps_counter_def_count(void);
const ps_counter_def *ps_counter_def_at(size_t i);
const ps_counter_def *ps_counter_def_find(const char *key); /* NULL if unknown */
double ps_counter_get(const ps_unit_agg *u, const ps_counter_def *d);
/* Add value to counter d of u; PS_EDATA when value cannot be such a count. */
int ps_counter_add(ps_unit_agg *u, const ps_counter_def *d, double value);

/* ---- standard indicators --------------------------------------------- */
/* Every indicator a rule script can ask for, computed from one unit's
 * aggregates as numerator / denominator (value = num/den, or NaN when
 * den == 0).  `examples` names the reason list that explains the points it
 * costs (-1: none). */
typedef struct ps_indicator_def {
    const char *key;            /* "on_time" */
    const char *label;          /* Vietnamese label */
    int examples;               /* ps_example_kind or -1 */
    int examples2;              /* a second list, or -1 */
} ps_indicator_def;

typedef struct ps_indicator {
    double num, den, value;
} ps_indicator;

size_t ps_indicator_count(void);
const ps_indicator_def *ps_indicator_def_at(size_t i);
int ps_indicator_find(const char *key);    /* -1 if unknown */
void ps_indicator_compute(const ps_agg *a, const ps_unit_agg *u, size_t i,
                          ps_indicator *out);

/* SIPAS per methodology B: criterion/element indices and the index. */
typedef struct ps_sipas {
    double index;               /* NaN when no element was answered */
    size_t n_elements_scored;
    double *criterion;          /* per criterion, NaN when not answered */
    double *element;            /* per element, NaN when nothing answered */
} ps_sipas;
int ps_sipas_compute(const ps_agg *a, const ps_unit_agg *u, ps_sipas *out);
void ps_sipas_free(ps_sipas *s);

#endif
