/*
 * gen_schema.h -- the reference one-stop schema (FORMATS.md section 1),
 * shared by the SQLite database and the PostgreSQL load script so the two
 * cannot drift apart.  The indexes are those a reader filtering by unit
 * and reception date would expect (the engine's readers scan whole tables;
 * a per-procedure index cost 20% of the build for no reader), created after
 * loading.
 */
#ifndef GEN_SCHEMA_H
#define GEN_SCHEMA_H

#define GEN_SCHEMA_TABLES \
"CREATE TABLE procedures (\n" \
"  code          TEXT PRIMARY KEY,\n" \
"  name          TEXT NOT NULL,\n" \
"  field         TEXT,\n" \
"  legal_days    REAL NOT NULL,\n" \
"  online_level  INTEGER NOT NULL,\n" \
"  has_fee       INTEGER NOT NULL DEFAULT 0,\n" \
"  has_result_document INTEGER NOT NULL DEFAULT 1\n" \
");\n" \
"CREATE TABLE dossiers (\n" \
"  code              TEXT PRIMARY KEY,\n" \
"  unit_code         TEXT NOT NULL,\n" \
"  procedure_code    TEXT NOT NULL REFERENCES procedures(code),\n" \
"  channel           INTEGER NOT NULL,\n" \
"  status            INTEGER NOT NULL,\n" \
"  received_at       TEXT NOT NULL,\n" \
"  due_at            TEXT,\n" \
"  finished_at       TEXT,\n" \
"  returned_at       TEXT,\n" \
"  paid_online       INTEGER NOT NULL DEFAULT 0,\n" \
"  digitized_input   INTEGER NOT NULL DEFAULT 0,\n" \
"  digitized_result  INTEGER NOT NULL DEFAULT 0,\n" \
"  apology_at        TEXT,\n" \
"  rating            INTEGER\n" \
");\n" \
"CREATE TABLE feedback (\n" \
"  id           TEXT PRIMARY KEY,\n" \
"  unit_code    TEXT NOT NULL,\n" \
"  received_at  TEXT NOT NULL,\n" \
"  due_at       TEXT NOT NULL,\n" \
"  answered_at  TEXT,\n" \
"  satisfied    INTEGER\n" \
");\n"

#define GEN_SCHEMA_INDEXES \
"CREATE INDEX dossiers_unit ON dossiers(unit_code, received_at);\n" \
"CREATE INDEX dossiers_received ON dossiers(received_at);\n" \
"CREATE INDEX feedback_unit ON feedback(unit_code, received_at);\n"

#define GEN_DOSSIER_COLUMNS \
"code, unit_code, procedure_code, channel, status, received_at, due_at, " \
"finished_at, returned_at, paid_online, digitized_input, digitized_result, " \
"apology_at, rating"
#define GEN_FEEDBACK_COLUMNS "id, unit_code, received_at, due_at, answered_at, satisfied"
#define GEN_PROCEDURE_COLUMNS \
"code, name, field, legal_days, online_level, has_fee, has_result_document"

#endif
