/*
 * main.c -- the `parscore` command line: argument parsing, messages and
 * exit codes.  The work itself is in ps_run.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "ingest/ps_plugin.h"
#include "ps_version.h"
#include "run/ps_run.h"
#include "score/ps_score.h"

static const char usage[] =
    "usage: parscore COMMAND [OPTIONS] [--] [ARG]\n"
    "\n"
    "Commands:\n"
    "  run JOB          read the job's sources, score every unit, write scorecards\n"
    "  aggregate JOB    read the sources only; print per-unit counters (TSV)\n"
    "  plugins          list the source plugins found, with versions and options\n"
    "  check RULES      lint a rule script (a path or a shipped name such as\n"
    "                   national/index766) without data\n"
    "  validate FILE... check files against their full schema without a job\n"
    "                   (the plugin that can validate, e.g. portal_xml and its\n"
    "                   XSD; --plugin NAME chooses one)\n"
    "  template JOB [-o FILE]\n"
    "                   write the measures template officials fill in: one row per\n"
    "                   unit of the job's scope and measure its rule set declares\n"
    "                   (FILE.xlsx, or FILE.csv for the CSV form; default\n"
    "                   OUTPUT/measures-template.xlsx); the measures plugin reads it back\n"
    "  help [COMMAND]   this text, or one command's (also COMMAND --help)\n"
    "\n"
    "Options (-- ends them: what follows is an argument even if it starts with -):\n"
    "  -q, --quiet            only errors\n"
    "  -v, --verbose          timings and per-source counts\n"
    "  --plugin-dir DIR       look for plugins in DIR first (repeatable; also\n"
    "                         PARSCORE_PLUGIN_PATH=DIR:DIR)\n"
    "  --timestamp EPOCH      generation time printed in outputs (default\n"
    "                         SOURCE_DATE_EPOCH, else now): fixed => identical PDFs\n"
    "  --strict               stop at the first unit whose scoring fails\n"
    "  --threads N            PDF rendering threads (default: all cores)\n"
    "  --plugin NAME          validate: the plugin that reads the files\n"
    "  -o, --output FILE      template: where to write it\n"
    "  --jobs N               provinces read at once while ingesting (default:\n"
    "                         all cores; outputs are the same for any N)\n"
    "  -h, --help             this text\n"
    "  --version              print the version and the plugin ABI version\n"
    "\n"
    "Exit codes: 0 ok; 1 finished but some units failed scoring; 2 usage;\n"
    "3 job/configuration/template error; 4 input data error (also: the period or\n"
    "scope holds no records of a source, the period lies outside the calendar's\n"
    "years, or `previous` does not match the run); 5 plugin error;\n"
    "6 output error; 7 rule script error.\n";

/* One row per command: `parscore help COMMAND` and `COMMAND --help` print
 * its text; the table is what unknown commands are compared with. */
typedef struct cli_command {
    const char *name, *arg;     /* arg: what the command takes, NULL none */
    const char *help;
} cli_command;

static const cli_command commands[] = {
    {"run", "JOB",
     "usage: parscore run [OPTIONS] JOB\n"
     "\n"
     "Read the job file's sources, score every unit of its scope with its rule set and\n"
     "write the outputs it asks for (PDF scorecards, summary, results.csv, index.csv,\n"
     "results.json, results.xlsx) into its output directory (docs/jobs.md).\n"
     "\n"
     "A source with no records in the period and scope, a period outside the calendar's\n"
     "years or a `previous` file that does not match stops the run with exit code 4 and\n"
     "no scorecards (a job may set allow_empty = true for the first).\n"
     "\n"
     "Options: -q (only errors; no progress line), -v (timings, per-source counts),\n"
     "--plugin-dir DIR, --timestamp EPOCH, --strict (stop at the first unit whose\n"
     "scoring fails), --threads N.  On a terminal a progress line shows the sources\n"
     "being read and the scorecards being drawn.\n"},
    {"aggregate", "JOB",
     "usage: parscore aggregate [OPTIONS] JOB\n"
     "\n"
     "Read the job's sources only and print every selected unit's counters as TSV\n"
     "(unit, key, value): what the rules would see.  Nothing is scored or written;\n"
     "a source without records in the period and scope is a warning here.\n"
     "\n"
     "Options: -q, -v, --plugin-dir DIR.\n"},
    {"plugins", NULL,
     "usage: parscore plugins [--plugin-dir DIR]\n"
     "\n"
     "List the source plugins found (--plugin-dir, PARSCORE_PLUGIN_PATH, then the\n"
     "installed ones) with their versions and options.\n"},
    {"check", "RULES",
     "usage: parscore check RULES\n"
     "\n"
     "Lint a rule script without data: syntax, unknown keys, types and ranges, maxima\n"
     "that do not add up, bands, points outside 0..max, then score a province and a\n"
     "commune with no data.  RULES is a .lua path or a shipped name such as\n"
     "national/index766 (docs/rules.md, section 7).  Exit 7 when anything is found.\n"},
    {"validate", "FILE...",
     "usage: parscore validate [--plugin NAME] [--plugin-dir DIR] FILE...\n"
     "\n"
     "Check each file against its full schema without a job: the file is read by the\n"
     "plugin that declares the options path and validate (portal_xml and its XSD),\n"
     "with validate = true; records are counted, nothing is scored.  Every file is\n"
     "checked; the exit code is the first failure's.  --plugin NAME chooses the\n"
     "plugin when several can validate.\n"},
    {"template", "JOB",
     "usage: parscore template [-o FILE.xlsx|FILE.csv] JOB\n"
     "\n"
     "Write the measures workbook officials fill in for the job: one row per unit of\n"
     "its scope and measure its rule set declares (R.measure), with the label, kind,\n"
     "allowed range and whether evidence is required filled in, Excel data validation\n"
     "on the value columns, a frozen header and a sheet explaining the columns.  The\n"
     "measures plugin reads the filled file back (docs/sources-measures.md).  Default\n"
     "OUTPUT/measures-template.xlsx; FILE.csv writes the same columns as CSV.  No\n"
     "source is read; a rule set without measures is refused (exit 3).\n"},
    {"help", "[COMMAND]",
     "usage: parscore help [COMMAND]\n"
     "\n"
     "Print the overview, or one command's usage.\n"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const char *const option_names[] = {"--quiet", "--verbose", "--plugin-dir",
    "--timestamp", "--strict", "--threads", "--plugin", "--output", "--jobs", "--help", "--version", NULL};

/* Edit distance with transpositions, for "did you mean" (short words). */
static size_t distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 30 || lb > 30) return 99;
    size_t d[32][32];
    for (size_t i = 0; i <= la; i++) d[i][0] = i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

/* The closest of `names` to `word` when it is close enough, else NULL. */
static const char *nearest(const char *word, const char *const *names, size_t n) {
    const char *best = NULL;
    size_t best_d = 99, len = strlen(word);
    for (size_t i = 0; i < n && names[i]; i++) {
        size_t d = distance(word, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    size_t allowed = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    return best_d <= allowed ? best : NULL;
}

static const cli_command *find_command(const char *name) {
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(commands[i].name, name)) return &commands[i];
    return NULL;
}

static int unknown_command(const char *name) {
    const char *names[N_COMMANDS];
    for (size_t i = 0; i < N_COMMANDS; i++) names[i] = commands[i].name;
    const char *near = nearest(name, names, N_COMMANDS);
    if (near)
        fprintf(stderr, "parscore: unknown command \"%s\"; did you mean \"%s\"? "
                "(see parscore help)\n", name, near);
    else
        fprintf(stderr, "parscore: unknown command \"%s\" (run, aggregate, template, plugins, check, "
                "validate, help)\n", name);
    return PS_EXIT_USAGE;
}

static int unknown_option(const char *opt) {
    const char *near = nearest(opt, option_names, sizeof option_names / sizeof *option_names);
    if (near)
        fprintf(stderr, "parscore: unknown option %s; did you mean %s? (see parscore --help)\n",
                opt, near);
    else
        fprintf(stderr, "parscore: unknown option %s (see parscore --help)\n", opt);
    return PS_EXIT_USAGE;
}

/* `parscore help [COMMAND]`, `parscore COMMAND --help` */
static int print_help(const char *name) {
    if (!name) {
        fputs(usage, stdout);
        return PS_EXIT_OK;
    }
    const cli_command *c = find_command(name);
    if (!c) return unknown_command(name);
    fputs(c->help, stdout);
    return PS_EXIT_OK;
}

static void print_error(const ps_error *err) {
    char buf[2048];
    fprintf(stderr, "parscore: error: %s\n", ps_error_format(err, buf, sizeof buf));
}

typedef struct list_state {
    int found, bad;
} list_state;

static int list_one(const char *path, const char *file, void *ctx) {
    list_state *ls = ctx;
    static const char *const types[] = {"", "string", "int", "number", "bool", "path"};
    size_t len = strlen(file);
    ps_error err = {0};
    ps_loaded_plugin p;
    if (ps_plugin_load(path, &p, &err) != PS_OK) {
        print_error(&err);
        ls->bad++;
        return 0;
    }
    /* jobs find a plugin by file name: one whose file says otherwise
     * could be listed but never used */
    if (strncmp(file, p.desc->name, len - 3) != 0 || p.desc->name[len - 3] != '\0') {
        fprintf(stderr,
                "parscore: error: %s: the file is named %.*s.so but the plugin calls "
                "itself \"%s\": rename the file to %s.so (jobs name plugins by file)\n",
                path, (int)(len - 3), file, p.desc->name, p.desc->name);
        ps_plugin_unload(&p);
        ls->bad++;
        return 0;
    }
    ls->found++;
    printf("%-16s %-8s %s\n", p.desc->name, p.desc->version ? p.desc->version : "",
           p.desc->description ? p.desc->description : "");
    printf("  file: %s\n", path);
    for (const ps_option *o = p.desc->options; o && o->name; o++)
        printf("  %-12s %-6s %s%s%s%s%s\n", o->name,
               (unsigned)o->type < 6 ? types[o->type] : "?", o->required ? "(required) " : "",
               o->help ? o->help : "", o->default_value ? " [default " : "",
               o->default_value ? o->default_value : "", o->default_value ? "]" : "");
    ps_plugin_unload(&p);
    return 0;
}

static int list_plugins(const char *const *dirs, size_t n_dirs) {
    ps_error err = {0};
    ps_plugin_path pp;
    if (ps_plugin_path_init(&pp, dirs, n_dirs, &err) != PS_OK) {
        print_error(&err);
        return PS_EXIT_PLUGIN;
    }
    list_state ls = {0, 0};
    ps_plugin_each(&pp, list_one, &ls);
    ps_plugin_path_free(&pp);
    if (!ls.found) fprintf(stderr, "parscore: no plugins found (use --plugin-dir)\n");
    return ls.bad ? PS_EXIT_PLUGIN : PS_EXIT_OK;
}

/* parscore validate: each file read alone by a plugin that declares the
 * options path and validate, with validate = true; records are counted
 * and dropped.  Every file is checked; the exit code is the first
 * failure's. */
static int validate_files(const char *plugin, const char *const *files, size_t n,
                          const char *const *dirs, size_t n_dirs, const ps_run_opts *opts) {
    ps_error err = {0};
    ps_plugin_path pp;
    ps_loaded_plugin p;
    if (ps_plugin_path_init(&pp, dirs, n_dirs, &err) != PS_OK) {
        print_error(&err);
        return PS_EXIT_PLUGIN;
    }
    int rc = ps_plugin_find_validator(&pp, plugin, &p, &err);
    ps_plugin_path_free(&pp);
    if (rc != PS_OK) {
        print_error(&err);
        return rc == PS_ECONFIG ? PS_EXIT_CONFIG : ps_exit_code(rc);
    }
    int code = PS_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        ps_source_report report = {0};
        memset(&err, 0, sizeof err);
        rc = ps_source_validate(&p, files[i], opts, &report, &err);
        if (rc != PS_OK) {
            print_error(&err);
            if (code == PS_EXIT_OK) code = ps_exit_code(rc);
        } else if (opts->verbose >= 0) {
            printf("%s: valid (%s, %llu records, %.2f s)\n", files[i], p.desc->name,
                   (unsigned long long)report.records, report.seconds);
        }
    }
    ps_plugin_unload(&p);
    return code;
}

int main(int argc, char **argv) {
    const char *command = NULL, *arg = NULL, *plugin = NULL, *output = NULL;
    const char *args[256];
    size_t n_args = 0;
    const char *dirs[16];
    size_t n_dirs = 0;
#ifdef __GLIBC__
    /* A fixed threshold: glibc raises it to the size of each large block
     * freed, so the next provinces' fingerprint tables and example lists
     * land in the worker threads' heaps and fragment them.  Measured on a
     * national 10M ingest: 60 -> 44 MiB peak RSS; 1M: 44 -> 28 MiB. */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
    ps_run_config cfg = {.timestamp = -1};
    ps_path_store store;
    ps_paths_default(&cfg.paths, &store);

    int want_help = 0, options_done = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options_done || a[0] != '-' || !a[1]) {
            if (!command) {
                command = a;
            } else if (n_args < sizeof args / sizeof args[0]) {
                if (!arg) arg = a;
                args[n_args++] = a;   /* validate takes several; the others one */
            } else {
                fprintf(stderr, "parscore: more than %zu files (see parscore --help)\n", n_args);
                return PS_EXIT_USAGE;
            }
        } else if (!strcmp(a, "--")) {
            options_done = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            want_help = 1;   /* after the loop: the command's help when one is named */
        } else if (!strcmp(a, "--version")) {
            printf("parscore %s (plugin ABI %u)\n", PS_VERSION, PS_ABI_VERSION);
            return PS_EXIT_OK;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            cfg.verbose = -1;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            cfg.verbose = 1;
        } else if (!strcmp(a, "--strict")) {
            cfg.strict = 1;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "parscore: %s needs a file name (see parscore help template)\n", a);
                return PS_EXIT_USAGE;
            }
            output = argv[++i];
        } else if (!strcmp(a, "--plugin-dir") || !strcmp(a, "--timestamp") || !strcmp(a, "--threads") ||
                   !strcmp(a, "--plugin") || !strcmp(a, "--jobs")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "parscore: %s needs a value (see parscore --help)\n", a);
                return PS_EXIT_USAGE;
            }
            const char *v = argv[++i];
            char *end;
            if (!strcmp(a, "--plugin")) {
                plugin = v;
            } else if (!strcmp(a, "--plugin-dir")) {
                if (n_dirs == sizeof dirs / sizeof dirs[0]) {
                    fprintf(stderr, "parscore: too many --plugin-dir\n");
                    return PS_EXIT_USAGE;
                }
                dirs[n_dirs++] = v;
            } else if (!strcmp(a, "--timestamp")) {
                long long t = strtoll(v, &end, 10);
                if (*end || t < 0) {
                    fprintf(stderr, "parscore: --timestamp takes seconds since 1970 (e.g. 1767225600)\n");
                    return PS_EXIT_USAGE;
                }
                cfg.timestamp = t;
            } else if (!strcmp(a, "--jobs")) {
                long t = strtol(v, &end, 10);
                if (*end || t < 1 || t > 64) {
                    fprintf(stderr, "parscore: --jobs takes a number from 1 to 64\n");
                    return PS_EXIT_USAGE;
                }
                cfg.jobs = (int)t;
            } else {
                long t = strtol(v, &end, 10);
                if (*end || t < 1 || t > 256) {
                    fprintf(stderr, "parscore: --threads takes a number from 1 to 256\n");
                    return PS_EXIT_USAGE;
                }
                cfg.threads = (int)t;
            }
        } else {
            return unknown_option(a);
        }
    }
    if (want_help) return print_help(command && strcmp(command, "help") ? command : arg);
    if (!command) {
        fputs(usage, stderr);
        return PS_EXIT_USAGE;
    }
    if (!strcmp(command, "help")) return print_help(arg);
    const cli_command *cmd = find_command(command);
    if (!cmd) return unknown_command(command);
    if (!cmd->arg && arg) {
        fprintf(stderr, "parscore: %s takes no argument, got %s (see parscore help %s)\n",
                command, arg, command);
        return PS_EXIT_USAGE;
    }
    if (output && strcmp(command, "template") != 0) {
        fprintf(stderr, "parscore: -o is for `parscore template` (a run writes into the job's "
                "`output`)\n");
        return PS_EXIT_USAGE;
    }
    cfg.plugin_dirs = dirs;
    cfg.n_plugin_dirs = n_dirs;
    cfg.progress = cfg.verbose >= 0 && isatty(2);

    if (!strcmp(command, "plugins")) return list_plugins(dirs, n_dirs);
    if (!strcmp(command, "validate")) {
        if (!n_args) {
            fprintf(stderr, "parscore: validate needs one or more files (see parscore --help)\n");
            return PS_EXIT_USAGE;
        }
        ps_run_opts opts = {.verbose = cfg.verbose, .progress = cfg.progress};
        return validate_files(plugin, args, n_args, dirs, n_dirs, &opts);
    }
    if (n_args > 1) {
        fprintf(stderr, "parscore: unexpected argument %s (see parscore --help)\n", args[1]);
        return PS_EXIT_USAGE;
    }

    ps_error err = {0};
    if (!strcmp(command, "check")) {
        if (!arg) {
            fprintf(stderr, "parscore: check needs a rule script (see parscore help check)\n");
            return PS_EXIT_USAGE;
        }
        int rc = ps_rules_check(arg, cfg.paths.scripts_dir, stdout, &err);
        if (rc != PS_OK) {
            print_error(&err);
            return PS_EXIT_SCRIPT;
        }
        return PS_EXIT_OK;
    }
    if (!arg) {
        fprintf(stderr, "parscore: %s needs a job file (see parscore help %s)\n", command,
                command);
        return PS_EXIT_USAGE;
    }
    cfg.job_path = arg;
    ps_run run;
    int rc = ps_run_load(&run, &cfg, &err);
    int loading = rc != PS_OK; /* job, unit list, calendar: configuration */
    if (rc == PS_OK && !strcmp(command, "template")) {
        rc = ps_run_template(&run, output, NULL, &err);
        if (rc != PS_OK) print_error(&err);
        ps_run_free(&run);
        return rc == PS_OK ? PS_EXIT_OK : rc == PS_EIO ? PS_EXIT_OUTPUT : ps_exit_code(rc);
    }
    if (rc == PS_OK) rc = ps_run_ingest(&run, &err);
    if (rc == PS_OK && !strcmp(command, "aggregate")) {
        if (run.n_empty && cfg.verbose >= 0)
            fprintf(stderr, "parscore: warning: %s\n", run.empty_msg);
        rc = ps_run_print_aggregates(&run, stdout);
        if (rc != PS_OK) ps_error_set(&err, rc, NULL, 0, 0, "cannot write the counters to stdout");
    } else if (rc == PS_OK) {
        rc = ps_run_score(&run, &err);
        if (rc == PS_OK) {
            int render_rc = ps_run_render(&run, &err);
            if (render_rc != PS_OK) {
                print_error(&err);
                ps_run_free(&run);
                return render_rc == PS_ECONFIG ? PS_EXIT_CONFIG : PS_EXIT_OUTPUT;
            }
            if (cfg.verbose >= 0) ps_run_print_warnings(&run, stderr);
            if (cfg.verbose >= 0) ps_run_print_summary(&run, stdout);
            if (cfg.verbose > 0)
                fprintf(stderr, "parscore: ingest %.2f s, scoring %.2f s, rendering %.2f s\n",
                        run.t_ingest, run.t_score, run.t_render);
        }
    }
    int code = PS_EXIT_OK;
    if (rc != PS_OK) {
        print_error(&err);
        /* input data (a period outside the calendar, no records) is 4 */
        code = loading && rc != PS_ENOMEM && rc != PS_EDATA ? PS_EXIT_CONFIG : ps_exit_code(rc);
    } else if (run.n_failed) {
        size_t shown = 0;
        for (size_t i = 0; i < run.results.n_units && shown < 10; i++) {
            const ps_unit_result *u = &run.results.units[i];
            if (!u->failed) continue;
            fprintf(stderr, "parscore: unit %s (%s) failed: %s\n", u->code, u->name,
                    u->error ? u->error : "unknown error");
            shown++;
        }
        fprintf(stderr, "parscore: %zu units failed scoring (see their scorecards)\n", run.n_failed);
        code = PS_EXIT_UNIT_FAILED;
    }
    ps_run_free(&run);
    return code;
}
