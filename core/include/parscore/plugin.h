/*
 * parscore/plugin.h -- the one header a parscore data-source plugin needs.
 *
 * A source plugin is a shared object that reads some outside system (a
 * one-stop database, a portal export, survey files...) and hands the core
 * *records* in batches.  The core never knows which source a record came
 * from: it parses dates, checks units, removes duplicates and aggregates.
 *
 * The contract, in the spirit of PostgreSQL's PG_MODULE_MAGIC:
 *   - the plugin exports one function, `parscore_plugin`, returning a
 *     pointer to a statically initialised `ps_plugin` (use PS_PLUGIN_EXPORT);
 *   - `ps_plugin.size` and `ps_plugin.abi_version` let the core refuse a
 *     plugin built against another ABI, naming the file;
 *   - the host hands the plugin a `ps_host` function table.  The table only
 *     ever grows at its end: a plugin may use a field only when
 *     `host->size` covers it (PS_HOST_HAS).
 *
 * Ownership: every pointer the host passes to the plugin stays valid only
 * for the duration of the call, except `config` (valid until `close`).
 * Every pointer the plugin passes in a record stays valid only for the
 * duration of the `emit` call: the core copies what it keeps.
 *
 * Link nothing from parscore: everything the plugin needs comes through
 * `ps_host`.  Build with `pkg-config --cflags parscore`.
 */
#ifndef PARSCORE_PLUGIN_H
#define PARSCORE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a struct below changes in a way old plugins cannot see.
 * 2: `emit` passes the size of one record (the core refuses a record layout
 *    it was not built with, instead of reading past it); measure records.
 * 1: the first ABI.  A v1 plugin is refused with a message: its `emit`
 *    carries no record size, so the core cannot tell whether its records
 *    match (docs/plugins.md, "Migrating a v1 plugin"). */
#define PS_ABI_VERSION 2u

/* The longest string any record field may hold, for every plugin: the core
 * refuses a longer one at emit (PS_EDATA, naming the field), so no source
 * can hand it a 100 MB "code".  Plugins that buffer values may use it as
 * their own cap.  Append-only: a later ABI may raise it, never lower it. */
#define PS_VALUE_MAX (1024u * 1024u)

/* Status codes shared by the core and plugins (libuv-style X-macro). */
#define PS_STATUS_LIST(X)                                               \
    X(PS_OK, 0, "ok")                                                   \
    X(PS_EIO, 1, "cannot read or write a file")                         \
    X(PS_EPARSE, 2, "malformed input")                                  \
    X(PS_EDATA, 3, "invalid data")                                      \
    X(PS_ENOMEM, 4, "out of memory")                                    \
    X(PS_EABI, 5, "plugin ABI mismatch")                                \
    X(PS_ECONFIG, 6, "configuration error")                             \
    X(PS_ESCRIPT, 7, "rule script error")                               \
    X(PS_ELIMIT, 8, "resource limit exceeded")                          \
    X(PS_EPLUGIN, 9, "plugin failure")                                  \
    X(PS_EINTERNAL, 10, "internal error")

typedef enum ps_status {
#define PS_STATUS_ENUM_(name, value, text) name = value,
    PS_STATUS_LIST(PS_STATUS_ENUM_)
#undef PS_STATUS_ENUM_
} ps_status;

/* One error convention everywhere: a status plus where and what to do. */
typedef struct ps_error {
    int status;          /* a ps_status; PS_OK when no error */
    char file[256];      /* input file (or plugin, script) concerned, "" if none */
    long line;           /* 1-based line/row, 0 unknown */
    long column;         /* 1-based column, 0 unknown */
    char where[128];     /* unit code, element, record key... "" if none */
    char message[768];   /* what went wrong and what to do about it */
} ps_error;

/* ------------------------------------------------------------------ */
/* Records                                                            */
/* ------------------------------------------------------------------ */

typedef enum ps_record_kind {
    PS_REC_PROCEDURE = 1,       /* ps_procedure: one catalogue entry (TTHC) */
    PS_REC_DOSSIER = 2,         /* ps_dossier: one administrative dossier */
    PS_REC_FEEDBACK = 3,        /* ps_feedback: one citizen feedback (PAKN) */
    PS_REC_PUBLICITY = 4,       /* ps_publicity: per-unit publicity counts */
    PS_REC_SURVEY_FORM = 5,     /* ps_survey_form: a questionnaire design */
    PS_REC_SURVEY_RESPONSE = 6, /* ps_survey_response: one respondent */
    PS_REC_KIOSK = 7,           /* ps_kiosk: one press of a rating button */
    PS_REC_MEASURE = 8,         /* ps_measure: one value of a named measure (ABI 2) */
    PS_REC_COUNTER = 9          /* ps_counter: a per-unit count the source computed
                                   itself, e.g. a server-side GROUP BY (ABI 2) */
} ps_record_kind;

/* One past the largest record kind: the core's per-kind tables use it. */
#define PS_REC_KIND_END 10

#define PS_KIND_BIT(kind) (1u << (unsigned)(kind))

/* Flag fields use 0/1, or PS_UNKNOWN when the source does not carry them. */
#define PS_UNKNOWN (-1)

/* Code values a record field may take (the one-stop database's and the
 * portal's own codes; docs/plugins.md has the same list).
 *
 * ps_dossier.status, TrangThaiHoSo:
 *   1 newly registered (not counted as received)   6 financial obligation requested
 *   2 received                                     7 withdrawn by the citizen
 *   3 refused at intake (not counted as received)  8 processing stopped
 *   4 in progress                                  9 processing finished
 *   5 supplement requested                        10 result returned
 * finished = {7, 9, 10}; in progress = {2, 4}; paused = {5, 6, 8}. */
enum {
    PS_DOSSIER_REGISTERED = 1, PS_DOSSIER_RECEIVED = 2, PS_DOSSIER_REFUSED = 3,
    PS_DOSSIER_IN_PROGRESS = 4, PS_DOSSIER_SUPPLEMENT = 5, PS_DOSSIER_FINANCIAL = 6,
    PS_DOSSIER_WITHDRAWN = 7, PS_DOSSIER_STOPPED = 8, PS_DOSSIER_FINISHED = 9,
    PS_DOSSIER_RETURNED = 10
};
/* ps_dossier.channel, KenhThucHien: in person at the one-stop desk,
 * online (the public service portal), public postal service (BCCI). */
enum { PS_CHANNEL_IN_PERSON = 1, PS_CHANNEL_ONLINE = 2, PS_CHANNEL_POSTAL = 3 };
/* ps_dossier.rating (DanhGia) and ps_kiosk.level: 0 not rated. */
enum { PS_RATING_NONE = 0, PS_RATING_VERY_SATISFIED = 1, PS_RATING_SATISFIED = 2,
       PS_RATING_NEUTRAL = 3, PS_RATING_UNSATISFIED = 4 };
/* ps_procedure.online_level and ps_dossier.online_level (MucDo): online
 * public service level; 0 unknown (dossier only). */
enum { PS_LEVEL_INFORMATION = 2, PS_LEVEL_PARTIAL = 3, PS_LEVEL_FULL = 4 };

/* Timestamps are passed as the source's text ("YYYY-MM-DDTHH:MM:SS", a space
 * instead of T, optional "+07:00", or "YYYY-MM-DD"); NULL when absent.  The
 * core parses them so that every source gets the same data-quality rules. */

typedef struct ps_procedure {
    const char *code;          /* national TTHC code, e.g. "1.001612" */
    const char *name;
    const char *field;         /* may be NULL */
    double legal_days;         /* legal time limit in working days */
    int online_level;          /* 4 full-process, 3 partial, 2 information */
    int has_fee;               /* 0/1 */
    int has_result_document;   /* 0/1 */
} ps_procedure;

typedef struct ps_dossier {
    const char *code;          /* identifies the dossier across sources */
    const char *unit_code;     /* receiving unit */
    const char *procedure_code;
    int channel;               /* PS_CHANNEL_*: 1 in person, 2 online, 3 postal */
    int status;                /* PS_DOSSIER_* (TrangThaiHoSo 1..10, listed above) */
    const char *received_at;
    const char *due_at;
    const char *finished_at;
    const char *returned_at;
    const char *apology_at;    /* apology letter issued, NULL none */
    int paid_online;           /* 0/1/PS_UNKNOWN */
    int digitized_input;       /* 0/1/PS_UNKNOWN */
    int digitized_result;      /* 0/1/PS_UNKNOWN */
    int synced;                /* synced to the portal in real time: 0/1/PS_UNKNOWN */
    int rating;                /* PS_RATING_*: 1 very satisfied .. 4 unsatisfied, 0 none */
    int online_level;          /* PS_LEVEL_* recorded with the dossier (the portal's
                                  MucDo), 0 unknown: the catalogue's level then */
    long src_line;             /* line/row in the source, 0 unknown */
} ps_dossier;

typedef struct ps_feedback {
    const char *id;
    const char *unit_code;
    const char *received_at;
    const char *due_at;
    const char *answered_at;   /* NULL: not yet answered */
    int satisfied;             /* 1, 0, or PS_UNKNOWN (not rated) */
    long src_line;
} ps_feedback;

typedef struct ps_publicity {
    const char *unit_code;
    long must_announce, announced_on_time;
    long must_update, updated_on_time;
    long published, published_full;
    long src_line;
} ps_publicity;

typedef struct ps_survey_criterion {
    const char *code;          /* TieuChi Ma, also the CSV column name */
    const char *name;
    const char *element_code;  /* YeuTo Ma */
    const char *element_name;
} ps_survey_criterion;

typedef struct ps_survey_form {
    const char *code;
    const char *name;
    int scale_min, scale_max;  /* answers outside are invalid */
    int satisfied_from;        /* answers >= this count as satisfied */
    size_t n_criteria;
    const ps_survey_criterion *criteria;
} ps_survey_form;

typedef struct ps_survey_response {
    const char *id;
    const char *unit_code;
    const char *date;
    const char *channel;       /* giay, truc_tuyen, kiosk, sms */
    const char *procedure_code;/* may be NULL */
    size_t n_answers;          /* equals the form's n_criteria */
    const int *answers;        /* in the form's criterion order; 0 = blank */
    int overall;               /* hai_long_chung, 0 = blank */
    long src_line;
} ps_survey_response;

typedef struct ps_kiosk {
    const char *at;
    const char *unit_code;
    const char *counter;       /* ma_quay */
    int level;                 /* 1 rat_hai_long, 2 hai_long, 3 binh_thuong,
                                  4 khong_hai_long */
    long src_line;
} ps_kiosk;

/* Who gave a measure's value.  When a unit has both, appraisal wins over
 * self-assessment and the scorecard shows both. */
typedef enum ps_assessor {
    PS_ASSESS_SELF = 1,        /* self-assessment by the unit (tự đánh giá) */
    PS_ASSESS_APPRAISAL = 2,   /* appraisal, e.g. by the Department of Home
                                  Affairs (thẩm định) */
    PS_ASSESS_SYSTEM = 3       /* a system export, e.g. a KPI tool */
} ps_assessor;

/* One value of one named measure for one unit: what dossier records cannot
 * show (PAR self-assessment with evidence, appraisal, KPI results,
 * propaganda sessions held, reports sent on time...).  `key` is a measure
 * the rule set declares; the rule set says what the value means. */
typedef struct ps_measure {
    const char *unit_code;
    const char *key;           /* measure key, e.g. "kpi_ket_qua" */
    int has_value;             /* 1: `value` holds a number; 0: text only or blank */
    double value;
    const char *text;          /* the value as the source wrote it, or a text
                                  answer; may be NULL */
    const char *date;          /* the day the value is for ("YYYY-MM-DD"), NULL:
                                  the whole period */
    int assessor;              /* a ps_assessor */
    const char *assessed_by;   /* person, body or system; may be NULL */
    const char *evidence_doc;  /* evidence: document number, may be NULL */
    const char *evidence_date; /* its date, may be NULL */
    const char *evidence_ref;  /* a link or file name, may be NULL */
    const char *note;          /* may be NULL */
    const char *src_sheet;     /* sheet of a workbook, NULL otherwise */
    long src_line;             /* line/row in the source, 0 unknown */
} ps_measure;

/* A per-unit counter that the source counted where the data lives (a
 * grouped query on the database server) instead of sending one record per
 * dossier.  `key` names one of the core's counters, as `parscore aggregate`
 * prints them (docs/plugins.md lists them); the core adds `value` to that
 * counter of the unit.  With `code` set, the record is instead one entry
 * of the bounded example list `key` (e.g. the code of a late dossier) and
 * `value` is ignored. */
typedef struct ps_counter {
    const char *unit_code;
    const char *key;
    double value;
    const char *code;          /* NULL: a count; else an example code */
    long src_line;             /* row of the result, 0 unknown */
} ps_counter;

/* ------------------------------------------------------------------ */
/* Host services (append-only function table)                         */
/* ------------------------------------------------------------------ */

typedef struct ps_sink ps_sink; /* opaque: where a source's records go */

enum { PS_LOG_ERROR = 0, PS_LOG_WARN = 1, PS_LOG_INFO = 2, PS_LOG_DEBUG = 3 };

typedef struct ps_host {
    uint32_t size;             /* sizeof(ps_host) in the host */
    uint32_t abi_version;      /* PS_ABI_VERSION of the host */

    /* Hand `count` records of one kind to the core; `record_size` is the
     * size of one record as the plugin was built (sizeof *records; use
     * PS_EMIT).  A size the core was not built with is refused (PS_EABI,
     * naming the plugin and the record kind).  Returns PS_OK, or a status
     * (and fills err) when the run must stop: the plugin then returns that
     * status from read() without emitting more. */
    int (*emit)(ps_sink *sink, ps_record_kind kind, const void *records,
                size_t count, size_t record_size, ps_error *err);

    /* Fill err (status, file, line, column, message) and return status. */
    int (*error)(ps_error *err, int status, const char *file, long line,
                 long column, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 6, 7)))
#endif
        ;

    void (*log)(ps_sink *sink, int level, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;

    /* A row the source skipped (the job allowed skipping): counted in the
     * data-quality report of unit_code (NULL if unknown) under `issue`, a
     * short stable key such as "survey_answer_out_of_scale". */
    void (*quality)(ps_sink *sink, const char *unit_code, const char *issue,
                    const char *example, long line);

    /* Progress of a long read, for the terminal progress line. */
    void (*progress)(ps_sink *sink, uint64_t done, uint64_t total);

    /* Name of the source being read (its path or connection label). */
    const char *(*source_name)(ps_sink *sink);

    /* ---- appended in ABI 2 (check with PS_HOST_HAS): what a source that
     * filters or counts on its own server needs to know of the job. */

    /* The job's period: first and last day, inclusive, as "YYYY-MM-DD". */
    void (*period)(ps_sink *sink, char first[11], char last[11]);

    /* How many example codes the core keeps per unit and reason. */
    uint32_t (*examples_max)(ps_sink *sink);

    /* The run's working-day calendar: fills its first and last day and
     * returns 1; returns 0 without a calendar (then Monday-Friday count). */
    int (*calendar_range)(ps_sink *sink, char first[11], char last[11]);

    /* The i-th day (0-based, in date order) on which the calendar departs
     * from Monday-Friday: fills day and *working (1: a weekend day worked,
     * 0: a weekday off) and returns 1; returns 0 past the last one.  Outside
     * the range, a day counts as 5/7 of a working day (ps_date.c). */
    int (*calendar_day)(ps_sink *sink, size_t i, char day[11], int *working);

    /* Appended in ABI 2 (check PS_HOST_HAS(host, expect)): about how many
     * records of `kind` the source will emit, when it knows (a database's
     * row count).  Optional: the core sizes its duplicate detection from it
     * instead of doubling tables while reading. */
    void (*expect)(ps_sink *sink, ps_record_kind kind, uint64_t count);
} ps_host;

#define PS_HOST_HAS(host, field)                                           \
    ((host)->size >= offsetof(ps_host, field) + sizeof((host)->field))

/* emit with the record size taken from the array's element type:
 *   ps_dossier batch[256]; ... PS_EMIT(host, sink, PS_REC_DOSSIER, batch, n, err); */
#define PS_EMIT(host, sink, kind, records, count, err)                     \
    ((host)->emit((sink), (kind), (records), (count), sizeof *(records), (err)))

/* ------------------------------------------------------------------ */
/* Plugin description                                                 */
/* ------------------------------------------------------------------ */

typedef enum ps_option_type {
    PS_OPT_STRING = 1,  /* char *  (owned by the core until close) */
    PS_OPT_INT = 2,     /* long    */
    PS_OPT_DOUBLE = 3,  /* double  */
    PS_OPT_BOOL = 4,    /* int 0/1 */
    PS_OPT_PATH = 5     /* char *, a file path: relative paths are resolved
                           against the job file's directory */
} ps_option_type;

/* Options are declared as a table (Fluent Bit's config map): the core
 * checks the job's keys against it, converts values, applies defaults and
 * writes them at `offset` into a zeroed config struct of `config_size`. */
typedef struct ps_option {
    const char *name;
    ps_option_type type;
    const char *default_value; /* text form; NULL: no default */
    size_t offset;             /* offsetof(your_config, field) */
    int required;              /* 1: the job must give it */
    const char *help;
} ps_option;

typedef struct ps_plugin {
    uint32_t size;             /* sizeof(ps_plugin) as the plugin was built */
    uint32_t abi_version;      /* PS_ABI_VERSION */
    const char *name;          /* short unique name used in job files */
    const char *version;
    const char *description;
    uint32_t record_kinds;     /* PS_KIND_BIT(...) | ... */
    /* When two sources hold the same dossier or feedback (same code/id),
     * the one with the lower precedence wins field by field; the other
     * only fills fields the winner does not know (PS_UNKNOWN). */
    int precedence;
    size_t config_size;
    const ps_option *options;  /* terminated by an entry with name NULL */

    int (*open)(const ps_host *host, ps_sink *sink, void *config,
                void **state, ps_error *err);
    /* Read everything, emitting records in batches. */
    int (*read)(void *state, ps_error *err);
    void (*close)(void *state); /* may be called with state NULL */
} ps_plugin;

#define PS_PLUGIN_SYMBOL "parscore_plugin"

#if defined(_WIN32)
#define PS_EXPORT __declspec(dllexport)
#else
#define PS_EXPORT __attribute__((visibility("default")))
#endif

/* Put `PS_PLUGIN_EXPORT(my_plugin)` once in the plugin, after the
 * definition of `static const ps_plugin my_plugin = {...}`. */
#define PS_PLUGIN_EXPORT(var)                                              \
    PS_EXPORT const ps_plugin *parscore_plugin(void);                      \
    PS_EXPORT const ps_plugin *parscore_plugin(void) { return &(var); }

#ifdef __cplusplus
}
#endif
#endif /* PARSCORE_PLUGIN_H */
