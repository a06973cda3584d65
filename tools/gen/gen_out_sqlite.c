/*
 * gen_out_sqlite.c -- the one-stop database as SQLite: the reference
 * schema, rows through prepared statements inside one transaction
 * (journal off: the file is built under a temporary name and renamed
 * into place only when complete, so a crash leaves no half database).
 * Indexes are built after loading, which is faster than maintaining them.
 */
#include "gen.h"
#include "gen_schema.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct gen_out_sqlite {
    sqlite3 *db;
    sqlite3_stmt *ins_dossier, *ins_feedback;
    char *path, *tmp;
};

static int fail(gen_out_sqlite *o, ps_error *err, const char *what) {
    return ps_error_set(err, PS_EIO, o->path, 0, 0, "SQLite: %s: %s", what,
                        o->db ? sqlite3_errmsg(o->db) : "cannot open");
}

int gen_sqlite_open(gen_out_sqlite **out, const char *path, int cache_mib, ps_error *err) {
    gen_out_sqlite *o = calloc(1, sizeof *o);
    if (!o) return ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory");
    *out = o;
    size_t n = strlen(path) + 32;
    o->path = strdup(path);
    o->tmp = malloc(n);
    if (!o->path || !o->tmp) return ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory");
    snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    unlink(o->tmp);
    /* one thread uses the connection: no SQLite mutexes */
    if (sqlite3_open_v2(o->tmp, &o->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        return fail(o, err, "open");
    char cache[64];
    snprintf(cache, sizeof cache, "PRAGMA cache_size=-%d;", cache_mib * 1024);
    if (sqlite3_exec(o->db, cache, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(o->db,
                     "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                     "PRAGMA locking_mode=EXCLUSIVE;"
                     "BEGIN;" GEN_SCHEMA_TABLES,
                     NULL, NULL, NULL) != SQLITE_OK)
        return fail(o, err, "create schema");
    if (sqlite3_prepare_v2(o->db, "INSERT INTO dossiers (" GEN_DOSSIER_COLUMNS
                           ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &o->ins_dossier,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(o->db, "INSERT INTO feedback (" GEN_FEEDBACK_COLUMNS
                           ") VALUES (?,?,?,?,?,?)", -1, &o->ins_feedback, NULL) != SQLITE_OK)
        return fail(o, err, "prepare");
    return PS_OK;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v) {
    if (*v) sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else sqlite3_bind_null(s, i);
}

int gen_sqlite_procedures(gen_out_sqlite *o, const gen_catalog *c, ps_error *err) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(o->db, "INSERT INTO procedures (" GEN_PROCEDURE_COLUMNS
                           ") VALUES (?,?,?,?,?,?,?)", -1, &s, NULL) != SQLITE_OK)
        return fail(o, err, "prepare");
    for (size_t i = 0; i < c->count; i++) {
        const gen_procedure *p = &c->items[i];
        bind_text(s, 1, p->code);
        bind_text(s, 2, p->name);
        bind_text(s, 3, p->field);
        sqlite3_bind_double(s, 4, p->legal_days);
        sqlite3_bind_int(s, 5, p->online_level);
        sqlite3_bind_int(s, 6, p->has_fee);
        sqlite3_bind_int(s, 7, p->has_result);
        if (sqlite3_step(s) != SQLITE_DONE) {
            sqlite3_finalize(s);
            return fail(o, err, "insert procedure");
        }
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return PS_OK;
}

int gen_sqlite_dossier(gen_out_sqlite *o, const gen_dossier *d, ps_error *err) {
    sqlite3_stmt *s = o->ins_dossier;
    bind_text(s, 1, d->code);
    bind_text(s, 2, d->unit_code);
    bind_text(s, 3, d->proc->code);
    sqlite3_bind_int(s, 4, d->channel);
    sqlite3_bind_int(s, 5, d->status);
    bind_text(s, 6, d->received);
    bind_text(s, 7, d->due);
    bind_text(s, 8, d->finished);
    bind_text(s, 9, d->returned);
    sqlite3_bind_int(s, 10, d->paid_online);
    sqlite3_bind_int(s, 11, d->dig_input);
    sqlite3_bind_int(s, 12, d->dig_result);
    bind_text(s, 13, d->apology);
    if (d->rating) sqlite3_bind_int(s, 14, d->rating);
    else sqlite3_bind_null(s, 14);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? PS_OK : fail(o, err, "insert dossier");
}

int gen_sqlite_feedback(gen_out_sqlite *o, const gen_feedback *f, ps_error *err) {
    sqlite3_stmt *s = o->ins_feedback;
    bind_text(s, 1, f->id);
    bind_text(s, 2, f->unit_code);
    bind_text(s, 3, f->received);
    bind_text(s, 4, f->due);
    bind_text(s, 5, f->answered);
    if (f->satisfied >= 0) sqlite3_bind_int(s, 6, f->satisfied);
    else sqlite3_bind_null(s, 6);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? PS_OK : fail(o, err, "insert feedback");
}

int gen_sqlite_close(gen_out_sqlite *o, int commit, ps_error *err) {
    int rc = PS_OK;
    if (!o) return PS_OK;
    sqlite3_finalize(o->ins_dossier);
    sqlite3_finalize(o->ins_feedback);
    if (o->db && commit) {
        if (sqlite3_exec(o->db, GEN_SCHEMA_INDEXES "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
            rc = fail(o, err, "create indexes");
    }
    if (o->db && sqlite3_close(o->db) != SQLITE_OK && rc == PS_OK && commit)
        rc = fail(o, err, "close");
    if (o->tmp) {
        if (commit && rc == PS_OK && rename(o->tmp, o->path) != 0)
            rc = ps_error_set(err, PS_EIO, o->path, 0, 0,
                              "cannot rename the temporary database into place");
        if (!commit || rc != PS_OK) unlink(o->tmp);
    }
    free(o->path);
    free(o->tmp);
    free(o);
    return rc;
}
