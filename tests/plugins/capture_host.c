/*
 * capture_host.c -- a fake parscore host for tests: dlopens one source
 * plugin, gives it the options of the command line (applied through the
 * plugin's option table, defaults included, as the core does), and prints
 * every record it emits as one tab-separated line, so a test can compare
 * exact record contents the core does not (yet) keep.
 *
 *   capture_host PLUGIN.so key=value ...
 *
 * Lines: "measure<TAB>line<TAB>sheet<TAB>unit<TAB>key<TAB>assessor<TAB>
 * has_value<TAB>value<TAB>text<TAB>date<TAB>assessed_by<TAB>evidence_doc<TAB>
 * evidence_date<TAB>evidence_ref<TAB>note" (NULL printed as "-", value
 * with %.10g), "quality<TAB>unit<TAB>issue<TAB>example<TAB>line", other
 * kinds as "record<TAB>kind".  On failure the error is printed to stderr
 * as file:line:column: where: message and the exit status is 10 + status.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parscore/plugin.h"

static const char *s_(const char *s) { return s ? s : "-"; }

static int cap_emit(ps_sink *sink, ps_record_kind kind, const void *records, size_t count,
                    size_t record_size, ps_error *err) {
    (void)sink;
    (void)err;
    for (size_t i = 0; i < count; i++) {
        if (kind != PS_REC_MEASURE || record_size != sizeof(ps_measure)) {
            printf("record\t%d\n", (int)kind);
            continue;
        }
        const ps_measure *m = (const ps_measure *)records + i;
        printf("measure\t%ld\t%s\t%s\t%s\t%d\t%d\t%.10g\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
               m->src_line, s_(m->src_sheet), s_(m->unit_code), s_(m->key), m->assessor,
               m->has_value, m->value, s_(m->text), s_(m->date), s_(m->assessed_by),
               s_(m->evidence_doc), s_(m->evidence_date), s_(m->evidence_ref), s_(m->note));
    }
    return PS_OK;
}

static int cap_error(ps_error *err, int status, const char *file, long line, long column,
                     const char *fmt, ...) {
    va_list ap;
    memset(err, 0, sizeof *err);
    err->status = status;
    if (file) snprintf(err->file, sizeof err->file, "%s", file);
    err->line = line;
    err->column = column;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

static void cap_log(ps_sink *sink, int level, const char *fmt, ...) {
    va_list ap;
    (void)sink;
    fprintf(stderr, "log %d: ", level);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void cap_quality(ps_sink *sink, const char *unit, const char *issue, const char *example,
                        long line) {
    (void)sink;
    printf("quality\t%s\t%s\t%s\t%ld\n", s_(unit), s_(issue), s_(example), line);
}

static void cap_progress(ps_sink *sink, uint64_t done, uint64_t total) {
    (void)sink;
    (void)done;
    (void)total;
}

static const char *cap_source_name(ps_sink *sink) {
    (void)sink;
    return "capture";
}

/* Set option o in cfg from text (the core's conversions, simplified). */
static int set_option(void *cfg, const ps_option *o, const char *text) {
    char *p = (char *)cfg + o->offset;
    switch (o->type) {
    case PS_OPT_STRING:
    case PS_OPT_PATH: {
        char *s = strdup(text);
        if (!s) return -1;
        memcpy(p, &s, sizeof s);
        return 0;
    }
    case PS_OPT_INT: {
        long v = strtol(text, NULL, 10);
        memcpy(p, &v, sizeof v);
        return 0;
    }
    case PS_OPT_DOUBLE: {
        double v = strtod(text, NULL);
        memcpy(p, &v, sizeof v);
        return 0;
    }
    case PS_OPT_BOOL: {
        int v = strcmp(text, "true") == 0 || strcmp(text, "1") == 0;
        memcpy(p, &v, sizeof v);
        return 0;
    }
    }
    return -1;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: capture_host PLUGIN.so key=value ...\n");
        return 2;
    }
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "capture_host: %s\n", dlerror());
        return 2;
    }
    const ps_plugin *(*fn)(void);
    void *sym = dlsym(h, PS_PLUGIN_SYMBOL);
    memcpy(&fn, &sym, sizeof fn);
    if (!sym) {
        fprintf(stderr, "capture_host: no %s\n", PS_PLUGIN_SYMBOL);
        return 2;
    }
    const ps_plugin *desc = fn();
    void *cfg = calloc(1, desc->config_size ? desc->config_size : 1);
    if (!cfg) return 2;
    for (const ps_option *o = desc->options; o && o->name; o++) {
        const char *val = o->default_value;
        size_t n = strlen(o->name);
        for (int i = 2; i < argc; i++)
            if (strncmp(argv[i], o->name, n) == 0 && argv[i][n] == '=') val = argv[i] + n + 1;
        if (val && set_option(cfg, o, val) != 0) return 2;
        if (!val && o->required) {
            fprintf(stderr, "capture_host: option %s is required\n", o->name);
            return 2;
        }
    }
    for (int i = 2; i < argc; i++) {
        const ps_option *o;
        for (o = desc->options; o && o->name; o++)
            if (strncmp(argv[i], o->name, strlen(o->name)) == 0 && argv[i][strlen(o->name)] == '=')
                break;
        if (!o || !o->name) {
            fprintf(stderr, "capture_host: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    /* the ABI 2 fields from `period` on (job period, calendar) are not
     * offered: the size says so, as an older host's would */
    ps_host host = {.size = offsetof(ps_host, period), .abi_version = PS_ABI_VERSION,
                    .emit = cap_emit, .error = cap_error, .log = cap_log,
                    .quality = cap_quality, .progress = cap_progress,
                    .source_name = cap_source_name};
    ps_error err;
    memset(&err, 0, sizeof err);
    void *state = NULL;
    int rc = desc->open(&host, NULL, cfg, &state, &err);
    if (rc == PS_OK) rc = desc->read(state, &err);
    desc->close(state);
    if (rc != PS_OK) {
        fprintf(stderr, "%s", err.file);
        if (err.file[0] && err.line > 0) fprintf(stderr, ":%ld", err.line);
        if (err.file[0] && err.line > 0 && err.column > 0) fprintf(stderr, ":%ld", err.column);
        if (err.file[0]) fprintf(stderr, ": ");
        if (err.where[0]) fprintf(stderr, "%s: ", err.where);
        fprintf(stderr, "%s\n", err.message);
    }
    for (const ps_option *o = desc->options; o && o->name; o++)
        if (o->type == PS_OPT_STRING || o->type == PS_OPT_PATH) {
            char *s;
            memcpy(&s, (char *)cfg + o->offset, sizeof s);
            free(s);
        }
    free(cfg);
    dlclose(h);
    return rc == PS_OK ? 0 : 10 + rc;
}
