/*
 * main.c -- the `parscore` command line: argument parsing, messages and
 * exit codes.  The work itself is in ps_run.c.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/ps_plugin.h"
#include "ps_version.h"
#include "run/ps_run.h"
#include "score/ps_score.h"

static const char usage[] =
    "usage: parscore COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  run JOB          read the job's sources, score every unit, write scorecards\n"
    "  aggregate JOB    read the sources only; print per-unit counters (TSV)\n"
    "  plugins          list the source plugins found, with versions and options\n"
    "  check RULES      lint a rule script (a path or a shipped name such as\n"
    "                   national/index766) without data\n"
    "\n"
    "Options:\n"
    "  -q, --quiet            only errors\n"
    "  -v, --verbose          timings and per-source counts\n"
    "  --plugin-dir DIR       look for plugins in DIR first (repeatable; also\n"
    "                         PARSCORE_PLUGIN_PATH=DIR:DIR)\n"
    "  --timestamp EPOCH      generation time printed in outputs (default\n"
    "                         SOURCE_DATE_EPOCH, else now): fixed => identical PDFs\n"
    "  --strict               stop at the first unit whose scoring fails\n"
    "  --threads N            PDF rendering threads (default: all cores)\n"
    "  --jobs N               provinces read at once while ingesting (default:\n"
    "                         all cores; outputs are the same for any N)\n"
    "  -h, --help             this text\n"
    "  --version              print the version and the plugin ABI version\n"
    "\n"
    "Exit codes: 0 ok; 1 finished but some units failed scoring; 2 usage;\n"
    "3 job/configuration/template error; 4 input data error; 5 plugin error;\n"
    "6 output error; 7 rule script error.\n";

static void print_error(const ps_error *err) {
    char buf[2048];
    fprintf(stderr, "parscore: error: %s\n", ps_error_format(err, buf, sizeof buf));
}

static int list_plugins(const char *const *dirs, size_t n_dirs) {
    ps_error err = {0};
    ps_plugin_path pp;
    if (ps_plugin_path_init(&pp, dirs, n_dirs, &err) != PS_OK) {
        print_error(&err);
        return PS_EXIT_PLUGIN;
    }
    int found = 0, bad = 0;
    static const char *const types[] = {"", "string", "int", "number", "bool", "path"};
    for (size_t i = 0; i < pp.n; i++) {
        DIR *d = opendir(pp.dirs[i]);
        if (!d) continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (len < 4 || strcmp(e->d_name + len - 3, ".so") != 0) continue;
            char path[PATH_MAX];
            snprintf(path, sizeof path, "%s/%s", pp.dirs[i], e->d_name);
            ps_loaded_plugin p;
            if (ps_plugin_load(path, &p, &err) != PS_OK) {
                print_error(&err);
                bad++;
                continue;
            }
            /* jobs find a plugin by file name: one whose file says otherwise
             * could be listed but never used */
            if (strncmp(e->d_name, p.desc->name, len - 3) != 0 || p.desc->name[len - 3] != '\0') {
                fprintf(stderr,
                        "parscore: error: %s: the file is named %.*s.so but the plugin calls "
                        "itself \"%s\": rename the file to %s.so (jobs name plugins by file)\n",
                        path, (int)(len - 3), e->d_name, p.desc->name, p.desc->name);
                ps_plugin_unload(&p);
                bad++;
                continue;
            }
            found++;
            printf("%-16s %-8s %s\n", p.desc->name, p.desc->version ? p.desc->version : "",
                   p.desc->description ? p.desc->description : "");
            printf("  file: %s\n", path);
            for (const ps_option *o = p.desc->options; o && o->name; o++)
                printf("  %-12s %-6s %s%s%s%s%s\n", o->name,
                       (unsigned)o->type < 6 ? types[o->type] : "?", o->required ? "(required) " : "",
                       o->help ? o->help : "", o->default_value ? " [default " : "",
                       o->default_value ? o->default_value : "", o->default_value ? "]" : "");
            ps_plugin_unload(&p);
        }
        closedir(d);
    }
    ps_plugin_path_free(&pp);
    if (!found) fprintf(stderr, "parscore: no plugins found (use --plugin-dir)\n");
    return bad ? PS_EXIT_PLUGIN : PS_EXIT_OK;
}

int main(int argc, char **argv) {
    const char *command = NULL, *arg = NULL;
    const char *dirs[16];
    size_t n_dirs = 0;
    ps_run_config cfg = {.timestamp = -1};
    ps_path_store store;
    ps_paths_default(&cfg.paths, &store);

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return PS_EXIT_OK;
        } else if (!strcmp(a, "--version")) {
            printf("parscore %s (plugin ABI %u)\n", PS_VERSION, PS_ABI_VERSION);
            return PS_EXIT_OK;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            cfg.verbose = -1;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            cfg.verbose = 1;
        } else if (!strcmp(a, "--strict")) {
            cfg.strict = 1;
        } else if (!strcmp(a, "--plugin-dir") || !strcmp(a, "--timestamp") || !strcmp(a, "--threads") ||
                   !strcmp(a, "--jobs")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "parscore: %s needs a value (see parscore --help)\n", a);
                return PS_EXIT_USAGE;
            }
            const char *v = argv[++i];
            char *end;
            if (!strcmp(a, "--plugin-dir")) {
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
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "parscore: unknown option %s (see parscore --help)\n", a);
            return PS_EXIT_USAGE;
        } else if (!command) {
            command = a;
        } else if (!arg) {
            arg = a;
        } else {
            fprintf(stderr, "parscore: unexpected argument %s (see parscore --help)\n", a);
            return PS_EXIT_USAGE;
        }
    }
    if (!command) {
        fputs(usage, stderr);
        return PS_EXIT_USAGE;
    }
    cfg.plugin_dirs = dirs;
    cfg.n_plugin_dirs = n_dirs;
    cfg.progress = cfg.verbose >= 0 && isatty(2);

    if (!strcmp(command, "plugins")) return list_plugins(dirs, n_dirs);

    ps_error err = {0};
    if (!strcmp(command, "check")) {
        if (!arg) {
            fprintf(stderr, "parscore: check needs a rule script (see parscore --help)\n");
            return PS_EXIT_USAGE;
        }
        int rc = ps_rules_check(arg, cfg.paths.scripts_dir, stdout, &err);
        if (rc != PS_OK) {
            print_error(&err);
            return PS_EXIT_SCRIPT;
        }
        return PS_EXIT_OK;
    }
    if (strcmp(command, "run") != 0 && strcmp(command, "aggregate") != 0) {
        fprintf(stderr, "parscore: unknown command \"%s\" (run, aggregate, plugins, check)\n", command);
        return PS_EXIT_USAGE;
    }
    if (!arg) {
        fprintf(stderr, "parscore: %s needs a job file (see parscore --help)\n", command);
        return PS_EXIT_USAGE;
    }
    cfg.job_path = arg;
    ps_run run;
    int rc = ps_run_load(&run, &cfg, &err);
    int loading = rc != PS_OK; /* job, unit list, calendar: configuration */
    if (rc == PS_OK) rc = ps_run_ingest(&run, &err);
    if (rc == PS_OK && !strcmp(command, "aggregate")) {
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
            if (cfg.verbose >= 0) ps_run_print_summary(&run, stdout);
            if (cfg.verbose > 0)
                fprintf(stderr, "parscore: ingest %.2f s, scoring %.2f s, rendering %.2f s\n",
                        run.t_ingest, run.t_score, run.t_render);
        }
    }
    int code = PS_EXIT_OK;
    if (rc != PS_OK) {
        print_error(&err);
        code = loading && rc != PS_ENOMEM ? PS_EXIT_CONFIG : ps_exit_code(rc);
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
