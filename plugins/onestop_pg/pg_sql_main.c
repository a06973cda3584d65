/*
 * pg_sql_main.c -- parscore-pg-sql: prints the SQL of tools/pg-setup.sh
 * (docs/scale-out.md) from the same builder the onestop_pg plugin sends its
 * queries with (pg_sql.c), so the stored generated columns a DBA adds and
 * the expressions the plugin expects of them are one definition.  It only
 * prints; it never connects.
 *
 *   parscore-pg-sql setup [--mapping TEXT] [--no-feedback] [--coordinator]
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onestop.h"
#include "pg_sql.h"

static const char usage[] =
    "usage: parscore-pg-sql setup [--mapping TEXT] [--no-feedback] [--coordinator]\n"
    "Prints the SQL that adds to the one-stop tables the stored generated date\n"
    "columns the onestop_pg plugin's aggregate = \"server\" reads (one flat GROUP BY,\n"
    "shippable by postgres_fdw), their comments, and the period indexes.\n"
    "  --mapping TEXT  the vendor's names, as the plugin's mapping option; map a\n"
    "                  date column that is already timestamp or date to nothing\n"
    "                  (dossiers.due_at=): the plugin casts those itself\n"
    "  --no-feedback   the database has no feedback table\n"
    "  --coordinator   the same columns as plain columns, for a postgres_fdw\n"
    "                  coordinator's partitioned tables (tools/pg-coordinator.sh)\n";

/* os_mapping_init reports through a host's error(): this one formats the
 * message for main to print. */
static int tool_error(ps_error *err, int status, const char *file, long line,
                      long column, const char *fmt, ...)
{
    (void)file;
    (void)line;
    (void)column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->status = status;
    return status;
}

int main(int argc, char **argv)
{
    const char *mapping = NULL;
    int feedback = 1, coordinator = 0;
    if (argc < 2 || strcmp(argv[1], "setup") != 0) {
        fputs(usage, argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
                                   strcmp(argv[1], "-h") == 0) ? stdout : stderr);
        return argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) ? 0 : 2;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--mapping") == 0 && i + 1 < argc)
            mapping = argv[++i];
        else if (strcmp(argv[i], "--no-feedback") == 0)
            feedback = 0;
        else if (strcmp(argv[i], "--coordinator") == 0)
            coordinator = 1;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        } else {
            fprintf(stderr, "parscore-pg-sql: unknown argument \"%s\"\n%s", argv[i], usage);
            return 2;
        }
    }
    ps_host host;
    memset(&host, 0, sizeof host);
    host.size = sizeof host;
    host.error = tool_error;
    ps_error err;
    memset(&err, 0, sizeof err);
    os_mapping map;
    if (os_mapping_init(&map, mapping, &host, &err) != PS_OK) {
        fprintf(stderr, "parscore-pg-sql: mapping: %s\n", err.message);
        return 3;
    }
    os_sb b = {0};
    os_sb_add(&b, coordinator
                      ? "-- parscore: the stored generated date columns of the province servers\n"
                        "-- (tools/pg-setup.sh there), declared on the coordinator\n"
                      : "-- parscore: stored generated date columns for aggregate = \"server\"\n"
                        "-- (tools/pg-setup.sh; docs/scale-out.md).  Read it first: it rewrites\n"
                        "-- the tables once, under an exclusive lock.\n");
    /* quiet the DROP COLUMN IF EXISTS of a first run */
    os_sb_add(&b, coordinator ? "BEGIN;\n" : "BEGIN;\nSET LOCAL client_min_messages = warning;\n");
    pg_setup_sql(&b, &map, feedback, coordinator);
    os_sb_add(&b, "COMMIT;\n");
    os_mapping_free(&map);
    int rc = 0;
    if (b.failed) {
        fputs("parscore-pg-sql: out of memory\n", stderr);
        rc = 1;
    } else if (fputs(b.p, stdout) == EOF || fflush(stdout) == EOF) {
        perror("parscore-pg-sql: writing the SQL");
        rc = 1;
    }
    free(b.p);
    return rc;
}
