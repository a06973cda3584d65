/*
 * ps_plugin.c -- the host side of the plugin ABI: dlopen + magic-function
 * check (PG_MODULE_MAGIC style), the option table converter (Fluent Bit's
 * config map) and the host function table handed to plugins.  Nothing here
 * knows any particular source.
 */
#include "ingest/ps_plugin.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef PS_INSTALL_PLUGIN_DIR
#define PS_INSTALL_PLUGIN_DIR "/usr/local/lib/parscore/plugins"
#endif

/* ---- search path ------------------------------------------------------ */

/* Directories are kept by their real path: "<exe>/../lib/parscore/plugins"
 * and the install directory are one directory in an installed tree, and
 * comparing spellings listed every plugin twice.  A directory that does not
 * exist (yet) is kept as spelt. */
static int path_add(ps_plugin_path *pp, const char *spelt) {
    char real[PATH_MAX];
    const char *dir = realpath(spelt, real) ? real : spelt;
    for (size_t i = 0; i < pp->n; i++)
        if (strcmp(pp->dirs[i], dir) == 0) return PS_OK;
    char **grown = ps_realloc(pp->dirs, (pp->n + 1) * sizeof *grown);
    if (!grown) return PS_ENOMEM;
    pp->dirs = grown;
    if (!(pp->dirs[pp->n] = ps_strdup(dir))) return PS_ENOMEM;
    pp->n++;
    return PS_OK;
}

int ps_plugin_path_init(ps_plugin_path *pp, const char *const *extra, size_t n_extra,
                        ps_error *err) {
    memset(pp, 0, sizeof *pp);
    int rc = PS_OK;
    for (size_t i = 0; i < n_extra && rc == PS_OK; i++) rc = path_add(pp, extra[i]);
    const char *env = getenv("PARSCORE_PLUGIN_PATH");
    if (env && rc == PS_OK) {
        char *copy = ps_strdup(env), *save = NULL;
        if (!copy) rc = PS_ENOMEM;
        for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d && rc == PS_OK;
             d = strtok_r(NULL, ":", &save))
            if (*d) rc = path_add(pp, d);
        ps_free(copy);
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0 && rc == PS_OK) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) *slash = '\0';
        char dir[PATH_MAX + 32];
        snprintf(dir, sizeof dir, "%s/plugins", exe);
        rc = path_add(pp, dir);
        snprintf(dir, sizeof dir, "%s/../lib/parscore/plugins", exe);
        if (rc == PS_OK) rc = path_add(pp, dir);
    }
    if (rc == PS_OK) rc = path_add(pp, PS_INSTALL_PLUGIN_DIR);
    if (rc != PS_OK) {
        ps_plugin_path_free(pp);
        return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    return PS_OK;
}

void ps_plugin_path_free(ps_plugin_path *pp) {
    for (size_t i = 0; i < pp->n; i++) ps_free(pp->dirs[i]);
    ps_free(pp->dirs);
    memset(pp, 0, sizeof *pp);
}

/* ---- trust ------------------------------------------------------------ */

/* dlopen runs a library's constructors before any ABI check, with
 * parscore's rights (often root or a service account).  So, as ld.so does
 * for setuid programs and sudo for its plugins: the file and every
 * directory above it must be owned by root or by us and writable by no one
 * else; a sticky directory (/tmp) above the plugin's own is allowed, since
 * others cannot rename what is ours in it.  Writes `why` and returns 0 when
 * the path is not trusted. */
static int plugin_trusted(const char *path, char *why, size_t size) {
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        snprintf(why, size, "cannot resolve the path: %s", strerror(errno));
        return 0;
    }
    uid_t me = geteuid();
    struct stat st;
    if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, size, "it is not a regular file");
        return 0;
    }
    if (st.st_uid != 0 && st.st_uid != me) {
        snprintf(why, size, "the file is owned by uid %u, neither root nor this user",
                 (unsigned)st.st_uid);
        return 0;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        snprintf(why, size, "the file is writable by others than its owner (mode %04o)",
                 (unsigned)(st.st_mode & 07777));
        return 0;
    }
    for (int own = 1;; own = 0) {
        char *slash = strrchr(real, '/');
        if (!slash) break;
        if (slash == real) slash[1] = '\0';
        else *slash = '\0';
        if (stat(real, &st) != 0) {
            snprintf(why, size, "cannot check the directory %.200s: %s", real, strerror(errno));
            return 0;
        }
        if (st.st_uid != 0 && st.st_uid != me) {
            snprintf(why, size, "the directory %.200s is owned by uid %u, neither root nor "
                     "this user", real, (unsigned)st.st_uid);
            return 0;
        }
        if ((st.st_mode & (S_IWGRP | S_IWOTH)) && (own || !(st.st_mode & S_ISVTX))) {
            snprintf(why, size, "the directory %.200s is writable by others than its owner "
                     "(mode %04o)", real, (unsigned)(st.st_mode & 07777));
            return 0;
        }
        if (strcmp(real, "/") == 0) break;
    }
    return 1;
}

/* ---- loading ---------------------------------------------------------- */

int ps_plugin_load(const char *path, ps_loaded_plugin *out, ps_error *err) {
    memset(out, 0, sizeof *out);
    char why[400];
    if (!plugin_trusted(path, why, sizeof why)) {
        const char *trust = getenv("PARSCORE_TRUST_PLUGIN_DIR");
        if (!trust || strcmp(trust, "1") != 0)
            return ps_error_set(err, PS_EPLUGIN, path, 0, 0,
                                "refused before loading: %s; a plugin runs with parscore's "
                                "rights, so it and its directories must be writable only by "
                                "root or this user (chmod go-w; for a development directory "
                                "only: PARSCORE_TRUST_PLUGIN_DIR=1)", why);
        fprintf(stderr, "parscore: warning: PARSCORE_TRUST_PLUGIN_DIR=1: loading %s although "
                "%s: anyone who can write there runs code as this user\n", path, why);
    }
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return ps_error_set(err, PS_EPLUGIN, path, 0, 0, "cannot load plugin: %s", dlerror());
    typedef const ps_plugin *(*magic_fn)(void);
    magic_fn fn;
    void *sym = dlsym(h, PS_PLUGIN_SYMBOL);
    memcpy(&fn, &sym, sizeof fn); /* object -> function pointer, C11-clean */
    if (!sym) {
        dlclose(h);
        return ps_error_set(err, PS_EABI, path, 0, 0,
                            "not a parscore plugin: it does not export %s() "
                            "(add PS_PLUGIN_EXPORT(...) from parscore/plugin.h)",
                            PS_PLUGIN_SYMBOL);
    }
    const ps_plugin *d = fn();
    if (d && d->abi_version == 1) {
        dlclose(h);
        return ps_error_set(err, PS_EABI, path, 0, 0,
                            "plugin built for parscore ABI 1, this parscore has ABI %u: ABI 1's "
                            "emit() passes no record size, so its records cannot be checked; "
                            "rebuild the plugin against this version's parscore/plugin.h and "
                            "call emit through PS_EMIT (docs/plugins.md, \"Migrating a v1 "
                            "plugin\")",
                            PS_ABI_VERSION);
    }
    if (!d || d->abi_version != PS_ABI_VERSION) {
        unsigned v = d ? d->abi_version : 0;
        dlclose(h);
        return ps_error_set(err, PS_EABI, path, 0, 0,
                            "plugin built for parscore ABI %u, this parscore has ABI %u: "
                            "rebuild the plugin against this version's parscore/plugin.h",
                            v, PS_ABI_VERSION);
    }
    if (d->size < offsetof(ps_plugin, close) + sizeof d->close || !d->name || !d->open ||
        !d->read) {
        dlclose(h);
        return ps_error_set(err, PS_EABI, path, 0, 0,
                            "plugin description is incomplete (size %u, name, open and read "
                            "are required): rebuild against parscore/plugin.h",
                            (unsigned)(d ? d->size : 0));
    }
    out->handle = h;
    out->desc = d;
    out->path = ps_strdup(path);
    if (!out->path) {
        dlclose(h);
        return ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory");
    }
    return PS_OK;
}

int ps_plugin_find(const ps_plugin_path *pp, const char *name, ps_loaded_plugin *out,
                   ps_error *err) {
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
            return ps_error_set(err, PS_ECONFIG, NULL, 0, 0,
                                "invalid plugin name \"%s\" (letters, digits, _ and -)", name);
    for (size_t i = 0; i < pp->n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s.so", pp->dirs[i], name);
        if (access(path, F_OK) != 0) continue;
        int rc = ps_plugin_load(path, out, err);
        if (rc != PS_OK) return rc;
        if (strcmp(out->desc->name, name) != 0) {
            ps_error_set(err, PS_EABI, path, 0, 0,
                         "plugin file is named %s but calls itself \"%s\"", name,
                         out->desc->name);
            ps_plugin_unload(out);
            return PS_EABI;
        }
        return PS_OK;
    }
    char dirs[1024] = "";
    size_t o = 0;
    for (size_t i = 0; i < pp->n && o < sizeof dirs; i++)
        o += (size_t)snprintf(dirs + o, sizeof dirs - o, "%s%s", i ? ", " : "", pp->dirs[i]);
    return ps_error_set(err, PS_EPLUGIN, NULL, 0, 0,
                        "unknown plugin \"%s\": no %s.so in %s (see `parscore plugins`, "
                        "or add a directory with --plugin-dir / PARSCORE_PLUGIN_PATH)",
                        name, name, dirs);
}

static int declares(const ps_plugin *d, const char *name, ps_option_type type) {
    for (const ps_option *o = d->options; o && o->name; o++)
        if (o->type == type && strcmp(o->name, name) == 0) return 1;
    return 0;
}

int ps_plugin_can_validate(const ps_plugin *d) {
    return declares(d, "path", PS_OPT_PATH) && declares(d, "validate", PS_OPT_BOOL);
}

void ps_plugin_each(const ps_plugin_path *pp, int (*fn)(const char *path, const char *file, void *ctx),
                    void *ctx) {
    for (size_t i = 0; i < pp->n; i++) {
        DIR *dir = opendir(pp->dirs[i]);
        if (!dir) continue;
        struct dirent *e;
        int stop = 0;
        while (!stop && (e = readdir(dir))) {
            size_t len = strlen(e->d_name);
            if (len < 4 || strcmp(e->d_name + len - 3, ".so") != 0) continue;
            char path[PATH_MAX];
            snprintf(path, sizeof path, "%s/%s", pp->dirs[i], e->d_name);
            stop = fn(path, e->d_name, ctx);
        }
        closedir(dir);
        if (stop) return;
    }
}

typedef struct validator_search {
    ps_loaded_plugin *out;      /* the first plugin that can validate */
    char second[64];            /* the name of another one */
} validator_search;

static int validator_one(const char *path, const char *file, void *ctx) {
    (void)file;
    validator_search *vs = ctx;
    ps_loaded_plugin p;
    ps_error ignored = {0}; /* a broken plugin is `parscore plugins`' business */
    if (ps_plugin_load(path, &p, &ignored) != PS_OK) return 0;
    if (!ps_plugin_can_validate(p.desc) ||
        (vs->out->desc && strcmp(vs->out->desc->name, p.desc->name) == 0)) {
        ps_plugin_unload(&p);
    } else if (!vs->out->desc) {
        *vs->out = p;
    } else {
        snprintf(vs->second, sizeof vs->second, "%s", p.desc->name);
        ps_plugin_unload(&p);
    }
    return 0;
}

int ps_plugin_find_validator(const ps_plugin_path *pp, const char *name, ps_loaded_plugin *out,
                             ps_error *err) {
    memset(out, 0, sizeof *out);
    if (name) {
        int rc = ps_plugin_find(pp, name, out, err);
        if (rc != PS_OK) return rc;
        if (ps_plugin_can_validate(out->desc)) return PS_OK;
        ps_error_set(err, PS_ECONFIG, out->path, 0, 0,
                     "plugin %s cannot validate a file alone (it declares no options "
                     "path and validate)", name);
        ps_plugin_unload(out);
        return PS_ECONFIG;
    }
    validator_search vs = {out, ""};
    ps_plugin_each(pp, validator_one, &vs);
    if (!out->desc)
        return ps_error_set(err, PS_EPLUGIN, NULL, 0, 0,
                            "no plugin on the plugin path can validate a file (one that "
                            "declares the options path and validate, such as portal_xml); "
                            "see `parscore plugins`");
    if (vs.second[0]) {
        ps_error_set(err, PS_ECONFIG, NULL, 0, 0,
                     "plugins %s and %s can both validate a file: choose one with "
                     "--plugin NAME", out->desc->name, vs.second);
        ps_plugin_unload(out);
        return PS_ECONFIG;
    }
    return PS_OK;
}

void ps_plugin_unload(ps_loaded_plugin *p) {
    if (p->handle) dlclose(p->handle);
    ps_free(p->path);
    memset(p, 0, sizeof *p);
}

/* ---- host table ------------------------------------------------------- */

struct ps_sink {
    ps_agg *agg;                /* NULL while probing or validating */
    const ps_units *units;      /* set only while probing: the units of the run */
    const ps_period *period;    /* probing: the job's period (agg has it otherwise) */
    int probe_province;         /* probing: the answer, -2 none yet */
    int source;
    const char *plugin;         /* the plugin's name, for ABI messages */
    const char *plugin_path;
    const char *label;
    const ps_run_opts *opts;
    uint64_t records;
    double last_progress;
    int progress_drawn;
};

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The record layouts this core was built with, by kind (ABI 2): a plugin
 * that passes another size was built against another plugin.h. */
static const struct {
    size_t size;
    const char *name;
} record_layouts[PS_REC_KIND_END] = {
    [PS_REC_PROCEDURE] = {sizeof(ps_procedure), "ps_procedure"},
    [PS_REC_DOSSIER] = {sizeof(ps_dossier), "ps_dossier"},
    [PS_REC_FEEDBACK] = {sizeof(ps_feedback), "ps_feedback"},
    [PS_REC_PUBLICITY] = {sizeof(ps_publicity), "ps_publicity"},
    [PS_REC_SURVEY_FORM] = {sizeof(ps_survey_form), "ps_survey_form"},
    [PS_REC_SURVEY_RESPONSE] = {sizeof(ps_survey_response), "ps_survey_response"},
    [PS_REC_KIOSK] = {sizeof(ps_kiosk), "ps_kiosk"},
    [PS_REC_MEASURE] = {sizeof(ps_measure), "ps_measure"},
    [PS_REC_COUNTER] = {sizeof(ps_counter), "ps_counter"},
};

/* The string fields of each record kind, for the PS_VALUE_MAX check. */
typedef struct str_field {
    size_t offset;
    const char *name;
} str_field;
#define SF(type, f) {offsetof(type, f), #f}
static const str_field dossier_fields[] = {
    SF(ps_dossier, code), SF(ps_dossier, unit_code), SF(ps_dossier, procedure_code),
    SF(ps_dossier, received_at), SF(ps_dossier, due_at), SF(ps_dossier, finished_at),
    SF(ps_dossier, returned_at), SF(ps_dossier, apology_at), {0, NULL}};
static const str_field procedure_fields[] = {
    SF(ps_procedure, code), SF(ps_procedure, name), SF(ps_procedure, field), {0, NULL}};
static const str_field feedback_fields[] = {
    SF(ps_feedback, id), SF(ps_feedback, unit_code), SF(ps_feedback, received_at),
    SF(ps_feedback, due_at), SF(ps_feedback, answered_at), {0, NULL}};
static const str_field publicity_fields[] = {SF(ps_publicity, unit_code), {0, NULL}};
static const str_field form_fields[] = {SF(ps_survey_form, code), SF(ps_survey_form, name),
                                        {0, NULL}};
static const str_field response_fields[] = {
    SF(ps_survey_response, id), SF(ps_survey_response, unit_code), SF(ps_survey_response, date),
    SF(ps_survey_response, channel), SF(ps_survey_response, procedure_code), {0, NULL}};
static const str_field kiosk_fields[] = {SF(ps_kiosk, at), SF(ps_kiosk, unit_code),
                                         SF(ps_kiosk, counter), {0, NULL}};
static const str_field measure_fields[] = {
    SF(ps_measure, unit_code), SF(ps_measure, key), SF(ps_measure, text), SF(ps_measure, date),
    SF(ps_measure, assessed_by), SF(ps_measure, evidence_doc), SF(ps_measure, evidence_date),
    SF(ps_measure, evidence_ref), SF(ps_measure, note), SF(ps_measure, src_sheet), {0, NULL}};
static const str_field counter_fields[] = {SF(ps_counter, unit_code), SF(ps_counter, key),
                                           SF(ps_counter, code), {0, NULL}};
#undef SF
static const str_field *const string_fields[PS_REC_KIND_END] = {
    [PS_REC_PROCEDURE] = procedure_fields, [PS_REC_DOSSIER] = dossier_fields,
    [PS_REC_FEEDBACK] = feedback_fields, [PS_REC_PUBLICITY] = publicity_fields,
    [PS_REC_SURVEY_FORM] = form_fields, [PS_REC_SURVEY_RESPONSE] = response_fields,
    [PS_REC_KIOSK] = kiosk_fields, [PS_REC_MEASURE] = measure_fields,
    [PS_REC_COUNTER] = counter_fields,
};

/* One shared bound on every string a source gives, whatever the plugin. */
static int check_lengths(const ps_sink *sink, ps_record_kind kind, const void *records,
                         size_t count, size_t record_size, ps_error *err) {
    const str_field *f = string_fields[kind];
    for (size_t i = 0; f && i < count; i++) {
        const char *rec = (const char *)records + i * record_size;
        for (const str_field *k = f; k->name; k++) {
            const char *v;
            memcpy(&v, rec + k->offset, sizeof v);
            if (v && strnlen(v, PS_VALUE_MAX + 1) > PS_VALUE_MAX) {
                long line = 0;
                if (kind == PS_REC_DOSSIER) line = ((const ps_dossier *)(const void *)rec)->src_line;
                return ps_error_set(err, PS_EDATA, sink->label, line, 0,
                                    "field %s of a %s record is longer than %u bytes: not a "
                                    "value this source should hold; fix the source",
                                    k->name, record_layouts[kind].name, PS_VALUE_MAX);
            }
        }
    }
    return PS_OK;
}

/* The unit code a record names (NULL if it names none); *has 0 for kinds
 * without a unit (procedures, survey forms). */
static const char *record_unit(ps_record_kind kind, const void *records, size_t i, int *has) {
    *has = 1;
    switch (kind) {
    case PS_REC_DOSSIER: return ((const ps_dossier *)records)[i].unit_code;
    case PS_REC_FEEDBACK: return ((const ps_feedback *)records)[i].unit_code;
    case PS_REC_PUBLICITY: return ((const ps_publicity *)records)[i].unit_code;
    case PS_REC_SURVEY_RESPONSE: return ((const ps_survey_response *)records)[i].unit_code;
    case PS_REC_KIOSK: return ((const ps_kiosk *)records)[i].unit_code;
    case PS_REC_MEASURE: return ((const ps_measure *)records)[i].unit_code;
    case PS_REC_COUNTER: return ((const ps_counter *)records)[i].unit_code;
    default: *has = 0; return NULL;
    }
}

/* Probing: the first batch that names units decides, then the read is
 * stopped (PS_EINTERNAL, which ps_source_probe does not report). */
static int probe_batch(ps_sink *sink, ps_record_kind kind, const void *records, size_t count,
                       ps_error *err) {
    int province = -2;
    for (size_t i = 0; i < count && province != -1; i++) {
        int has;
        const char *code = record_unit(kind, records, i, &has);
        if (!has) return PS_OK; /* a catalogue or form: keep reading */
        /* a code not in the unit list (a typo, a fault) is reported in any
         * partition: it says nothing about the province */
        int u = code ? ps_units_find(sink->units, code) : -1;
        if (u < 0) continue;
        int p = ps_agg_province_of(sink->units, u);
        province = province == -2 || province == p ? p : -1;
    }
    if (province == -2) return PS_OK;
    sink->probe_province = province;
    return ps_error_set(err, PS_EINTERNAL, sink->label, 0, 0, "probe done");
}

static int host_emit(ps_sink *sink, ps_record_kind kind, const void *records, size_t count,
                     size_t record_size, ps_error *err) {
    if (!sink || (!records && count)) return ps_error_set(err, PS_EPLUGIN, NULL, 0, 0, "emit without records");
    if ((unsigned)kind >= PS_REC_KIND_END || !record_layouts[kind].size)
        return ps_error_set(err, PS_EPLUGIN, sink->plugin_path, 0, 0,
                            "plugin %s emitted unknown record kind %d (this parscore knows "
                            "kinds 1..%d): rebuild it against this version's parscore/plugin.h",
                            sink->plugin, (int)kind, PS_REC_KIND_END - 1);
    if (record_size != record_layouts[kind].size)
        return ps_error_set(err, PS_EABI, sink->plugin_path, 0, 0,
                            "plugin %s emitted %s records of %zu bytes, this parscore's %s has "
                            "%zu: the plugin was built against another parscore/plugin.h; "
                            "rebuild it against this version's header (pkg-config --cflags "
                            "parscore) and pass sizeof *records (PS_EMIT)",
                            sink->plugin, record_layouts[kind].name, record_size,
                            record_layouts[kind].name, record_layouts[kind].size);
    int rc = check_lengths(sink, kind, records, count, record_size, err);
    if (rc != PS_OK) return rc;
    if (sink->units) return probe_batch(sink, kind, records, count, err);
    if (sink->opts && sink->opts->stop && *sink->opts->stop)
        return ps_error_set(err, PS_EINTERNAL, sink->label, 0, 0, "stopped: another source failed");
    sink->records += count;
    if (!sink->agg) return PS_OK; /* a check-only read (ps_source_validate) */
    rc = ps_agg_add(sink->agg, sink->source, kind, records, count, sink->label, err);
    if (rc != PS_OK && !err->file[0]) snprintf(err->file, sizeof err->file, "%s", sink->label);
    return rc;
}

static int host_error(ps_error *err, int status, const char *file, long line, long column,
                      const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ps_error_setv(err, status, file, line, column, fmt, ap);
    va_end(ap);
    return status;
}

static void host_log(ps_sink *sink, int level, const char *fmt, ...) {
    if (sink && sink->units) return; /* probing: the real read says it */
    int verbose = sink && sink->opts ? sink->opts->verbose : 0;
    if ((level >= PS_LOG_INFO && verbose < 1) || (level == PS_LOG_WARN && verbose < 0)) return;
    if (sink && sink->progress_drawn) {
        fputs("\r\033[K", stderr);
        sink->progress_drawn = 0;
    }
    static const char *const names[] = {"error", "warning", "info", "debug"};
    fprintf(stderr, "parscore: %s: %s: ", sink ? sink->label : "plugin",
            names[level >= 0 && level <= 3 ? level : 3]);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void host_quality(ps_sink *sink, const char *unit_code, const char *issue,
                         const char *example, long line) {
    if (!sink || !issue || !sink->agg) return;
    char ex[PS_CODE_MAX];
    if (!example && line > 0) {
        snprintf(ex, sizeof ex, "dòng %ld", line);
        example = ex;
    }
    ps_agg_quality(sink->agg, ps_units_find(sink->agg->cfg.units, unit_code), issue, example);
}

static void host_progress(ps_sink *sink, uint64_t done, uint64_t total) {
    if (!sink || !sink->agg || !sink->opts || !sink->opts->progress || total == 0) return;
    double t = now_seconds();
    if (t - sink->last_progress < 0.2 && done < total) return;
    sink->last_progress = t;
    fprintf(stderr, "\r\033[K%s: %3.0f%% (%llu records)", sink->label,
            100.0 * (double)done / (double)total, (unsigned long long)sink->records);
    sink->progress_drawn = 1;
}

static const char *host_source_name(ps_sink *sink) { return sink ? sink->label : ""; }

/* Probing and validating read without an aggregate: the job's period
 * when there is a job, else every day; no examples, no calendar. */
static void host_period(ps_sink *sink, char first[11], char last[11]) {
    const ps_period *pd = sink->agg ? &sink->agg->cfg.period : sink->period;
    ps_day_format(pd ? pd->first : ps_day_from_ymd(1900, 1, 1), first, 11);
    ps_day_format(pd ? pd->last : ps_day_from_ymd(2200, 12, 31), last, 11);
}

static uint32_t host_examples_max(ps_sink *sink) {
    return sink->agg ? sink->agg->cfg.examples_max : 0;
}

static int host_calendar_range(ps_sink *sink, char first[11], char last[11]) {
    const ps_calendar *cal = sink->agg ? sink->agg->cfg.calendar : NULL;
    if (!cal || !cal->prefix) return 0;
    ps_day_format(cal->first, first, 11);
    ps_day_format(cal->last, last, 11);
    return 1;
}

/* Only the days that change a Monday-Friday count: a holiday on a weekend
 * or a "working" weekday changes nothing. */
static int host_calendar_day(ps_sink *sink, size_t i, char day[11], int *working) {
    const ps_calendar *cal = sink->agg ? sink->agg->cfg.calendar : NULL;
    if (!cal || !cal->prefix) return 0;
    for (ps_day d = cal->first; d <= cal->last; d++) {
        int weekday = ps_day_weekday(d) < 5;
        if (ps_calendar_is_working(cal, d) == weekday) continue;
        if (i-- == 0) {
            ps_day_format(d, day, 11);
            *working = !weekday;
            return 1;
        }
    }
    return 0;
}

static void host_expect(ps_sink *sink, ps_record_kind kind, uint64_t count) {
    if (sink && sink->agg && kind == PS_REC_DOSSIER) (void)ps_agg_expect(sink->agg, count);
}

static const ps_host host_table = {
    .size = sizeof(ps_host),
    .abi_version = PS_ABI_VERSION,
    .emit = host_emit,
    .error = host_error,
    .log = host_log,
    .quality = host_quality,
    .progress = host_progress,
    .source_name = host_source_name,
    .period = host_period,
    .examples_max = host_examples_max,
    .calendar_range = host_calendar_range,
    .calendar_day = host_calendar_day,
    .expect = host_expect,
};

/* ---- options ---------------------------------------------------------- */

static int is_secret(const char *key) {
    return strstr(key, "password") || strstr(key, "conninfo") || strstr(key, "secret");
}

const char *ps_source_label(const ps_job_source *src, char *buf, size_t size) {
    const char *what = NULL;
    /* what the source reads, never how it reads it (e.g. aggregate =) */
    static const char *const prefer[] = {"path", "responses", "form", "database", "schema"};
    for (size_t k = 0; k < sizeof prefer / sizeof prefer[0] && !what; k++)
        for (size_t i = 0; i < src->n_options; i++)
            if (strcmp(src->options[i].key, prefer[k]) == 0) what = src->options[i].value;
    if (!what)
        for (size_t i = 0; i < src->n_options && !what; i++)
            if (!is_secret(src->options[i].key)) what = src->options[i].value;
    if (what) {
        const char *base = strrchr(what, '/');
        snprintf(buf, size, "%s: %s", src->plugin, base ? base + 1 : what);
    } else {
        snprintf(buf, size, "%s", src->plugin);
    }
    return buf;
}

static int convert_option(const ps_option *o, const char *text, const ps_job *job, void *config,
                          char **owned, const char *plugin, ps_error *err) {
    char *dst = (char *)config + o->offset;
    char *end = NULL;
    errno = 0;
    switch (o->type) {
    case PS_OPT_STRING:
    case PS_OPT_PATH: {
        char *v;
        if (o->type == PS_OPT_PATH && text[0] != '/' && job && job->dir) {
            size_t n = strlen(job->dir) + strlen(text) + 2;
            v = ps_malloc(n);
            if (v) snprintf(v, n, "%s/%s", job->dir, text);
        } else {
            v = ps_strdup(text);
        }
        if (!v) return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
        *owned = v;
        memcpy(dst, &v, sizeof v);
        return PS_OK;
    }
    case PS_OPT_INT: {
        long v = strtol(text, &end, 10);
        if (errno || end == text || *end) break;
        memcpy(dst, &v, sizeof v);
        return PS_OK;
    }
    case PS_OPT_DOUBLE: {
        double v = strtod(text, &end);
        if (errno || end == text || *end || !isfinite(v)) break;
        memcpy(dst, &v, sizeof v);
        return PS_OK;
    }
    case PS_OPT_BOOL: {
        int v;
        if (!strcmp(text, "true") || !strcmp(text, "1") || !strcmp(text, "yes")) v = 1;
        else if (!strcmp(text, "false") || !strcmp(text, "0") || !strcmp(text, "no")) v = 0;
        else break;
        memcpy(dst, &v, sizeof v);
        return PS_OK;
    }
    }
    static const char *const types[] = {"", "a string", "an integer", "a number", "true or false", "a path"};
    return ps_error_set(err, PS_ECONFIG, job ? job->path : NULL, 0, 0,
                        "source %s: option %s must be %s, not \"%s\"", plugin, o->name,
                        (unsigned)o->type < 6 ? types[o->type] : "valid", text);
}

/* Convert the options, open and read the source into *sink (its agg, or
 * a probe), close it. */
static int source_exec(const ps_loaded_plugin *p, const ps_job_source *src, const ps_job *job,
                       ps_sink *sink, ps_source_report *report, ps_error *err) {
    const ps_plugin *d = p->desc;
    const char *job_path = job ? job->path : NULL;
    size_t n_decl = 0;
    while (d->options && d->options[n_decl].name) n_decl++;
    void *config = ps_calloc(1, d->config_size ? d->config_size : 1);
    char **owned = ps_calloc(n_decl + 1, sizeof *owned);
    int rc = PS_OK;
    if (!config || !owned) {
        rc = ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    /* every key of the job must be declared by the plugin */
    for (size_t i = 0; i < src->n_options; i++) {
        size_t k = 0;
        while (k < n_decl && strcmp(d->options[k].name, src->options[i].key) != 0) k++;
        if (k == n_decl) {
            char known[512] = "";
            size_t o = 0;
            for (size_t j = 0; j < n_decl && o < sizeof known; j++)
                o += (size_t)snprintf(known + o, sizeof known - o, "%s%s", j ? ", " : "",
                                      d->options[j].name);
            rc = ps_error_set(err, PS_ECONFIG, job_path, 0, 0,
                              "source %s has no option \"%s\" (its options: %s)", d->name,
                              src->options[i].key, n_decl ? known : "none");
            goto out;
        }
    }
    for (size_t k = 0; k < n_decl; k++) {
        const ps_option *o = &d->options[k];
        const char *text = NULL;
        for (size_t i = 0; i < src->n_options; i++)
            if (strcmp(src->options[i].key, o->name) == 0) text = src->options[i].value;
        if (!text) text = o->default_value;
        if (!text) {
            if (o->required) {
                rc = ps_error_set(err, PS_ECONFIG, job_path, 0, 0,
                                  "source %s needs option \"%s\" (%s)", d->name, o->name,
                                  o->help ? o->help : "required");
                goto out;
            }
            continue;
        }
        if (o->offset >= d->config_size ||
            o->offset + (o->type == PS_OPT_BOOL ? sizeof(int) : sizeof(void *)) > d->config_size) {
            rc = ps_error_set(err, PS_EABI, p->path, 0, 0,
                              "option %s is declared outside the plugin's config struct", o->name);
            goto out;
        }
        if ((rc = convert_option(o, text, job, config, &owned[k], d->name, err)) != PS_OK) goto out;
    }

    char label[sizeof err->file];
    ps_source_label(src, label, sizeof label);
    sink->plugin = d->name;
    sink->plugin_path = p->path;
    sink->label = label;
    void *state = NULL;
    double t0 = now_seconds();
    rc = d->open(&host_table, sink, config, &state, err);
    if (rc == PS_OK) rc = d->read(state, err);
    if (d->close) d->close(state);
    if (sink->progress_drawn) fputs("\r\033[K", stderr);
    if (sink->units && sink->probe_province != -2) {
        rc = PS_OK; /* the probe stopped the read */
        memset(err, 0, sizeof *err);
    }
    if (rc != PS_OK) {
        if (err->status == PS_OK) ps_error_set(err, rc, label, 0, 0, "the plugin failed without saying why");
        if (!err->file[0]) snprintf(err->file, sizeof err->file, "%s", label);
        if (rc < PS_EIO || rc > PS_EINTERNAL) rc = PS_EPLUGIN;
    }
    if (report) {
        report->records = sink->records;
        report->seconds = now_seconds() - t0;
    }
out:
    for (size_t k = 0; owned && k < n_decl; k++) ps_free(owned[k]);
    ps_free(owned);
    ps_free(config);
    return rc;
}

int ps_source_validate(const ps_loaded_plugin *p, const char *file, const ps_run_opts *opts,
                       ps_source_report *report, ps_error *err) {
    ps_kv kv[2] = {{(char *)"path", (char *)file}, {(char *)"validate", (char *)"true"}};
    ps_job_source src = {.plugin = (char *)p->desc->name, .options = kv, .n_options = 2};
    return ps_source_run(p, &src, NULL, 0, NULL, opts, report, err);
}

int ps_source_run(const ps_loaded_plugin *p, const ps_job_source *src, const ps_job *job,
                  int source_index, ps_agg *agg, const ps_run_opts *opts,
                  ps_source_report *report, ps_error *err) {
    ps_sink sink = {.agg = agg, .source = source_index, .opts = opts};
    return source_exec(p, src, job, &sink, report, err);
}

int ps_source_probe(const ps_loaded_plugin *p, const ps_job_source *src, const ps_job *job,
                    const ps_units *units, int *province, ps_error *err) {
    static const ps_run_opts quiet = {.verbose = -1};
    ps_sink sink = {.units = units, .probe_province = -2, .opts = &quiet,
                    .period = job ? &job->period : NULL};
    int rc = source_exec(p, src, job, &sink, NULL, err);
    *province = sink.probe_province >= 0 ? sink.probe_province : -1;
    return rc;
}
