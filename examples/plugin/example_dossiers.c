/*
 * example_dossiers.c -- the smallest useful parscore source plugin, shown
 * in docs/plugins.md as the plugin starter (examples/plugin/), built out of
 * tree against the installed parscore by the test suite with nothing
 * but `pkg-config --cflags parscore`.
 *
 * It reads a text file with one dossier per line:
 *   code|unit_code|procedure_code|channel|status|received_at|due_at|finished_at
 * (empty due/finished fields mean "none"; lines starting with # are comments)
 * and emits them to the core in batches.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <parscore/plugin.h>

typedef struct config {      /* filled by the core from the option table */
    char *path;
    long batch;
} config;

typedef struct state {       /* one per open source: no global state */
    const ps_host *host;
    ps_sink *sink;
    const config *cfg;
    FILE *f;
} state;

static const ps_option options[] = {
    {"path", PS_OPT_PATH, NULL, offsetof(config, path), 1, "the dossier file"},
    {"batch", PS_OPT_INT, "64", offsetof(config, batch), 0, "records per emit"},
    {NULL, 0, NULL, 0, 0, NULL},
};

static int ex_open(const ps_host *host, ps_sink *sink, void *cfg, void **out, ps_error *err) {
    const config *c = cfg;
    if (c->batch < 1 || c->batch > 4096)
        return host->error(err, PS_ECONFIG, c->path, 0, 0, "batch must be 1..4096");
    FILE *f = fopen(c->path, "r");
    if (!f)
        return host->error(err, PS_EIO, c->path, 0, 0, "cannot open: %s", strerror(errno));
    state *s = calloc(1, sizeof *s);
    if (!s) {
        fclose(f);
        return host->error(err, PS_ENOMEM, c->path, 0, 0, "out of memory");
    }
    s->host = host;
    s->sink = sink;
    s->cfg = c;
    s->f = f;
    *out = s;
    return PS_OK;
}

/* Splits line in place at '|'; returns the number of fields. */
static int split(char *line, char **field, int max) {
    int n = 0;
    field[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '|') {
            *p = '\0';
            field[n++] = p + 1;
        }
    return n;
}

static int ex_read(void *st, ps_error *err) {
    state *s = st;
    const size_t batch_max = (size_t)s->cfg->batch;
    ps_dossier *batch = calloc(batch_max, sizeof *batch);
    char(*lines)[512] = calloc(batch_max, sizeof *lines);  /* strings live until emit */
    if (!batch || !lines) {
        free(batch);
        free(lines);
        return s->host->error(err, PS_ENOMEM, s->cfg->path, 0, 0, "out of memory");
    }
    size_t n = 0;
    long lineno = 0;
    int rc = PS_OK;
    while (rc == PS_OK && fgets(lines[n], sizeof lines[n], s->f)) {
        lineno++;
        lines[n][strcspn(lines[n], "\r\n")] = '\0';
        if (lines[n][0] == '#' || lines[n][0] == '\0') continue;
        char *f[8];
        if (split(lines[n], f, 8) != 8) {
            rc = s->host->error(err, PS_EPARSE, s->cfg->path, lineno, 0,
                                "expected 8 fields separated by |");
            break;
        }
        ps_dossier *d = &batch[n];
        memset(d, 0, sizeof *d);
        d->code = f[0];
        d->unit_code = f[1];
        d->procedure_code = f[2];
        d->channel = atoi(f[3]);
        d->status = atoi(f[4]);
        d->received_at = f[5];
        d->due_at = f[6][0] ? f[6] : NULL;
        d->finished_at = f[7][0] ? f[7] : NULL;
        d->paid_online = d->digitized_input = d->digitized_result = 0;
        d->synced = PS_UNKNOWN;   /* this source does not know */
        d->src_line = lineno;
        if (++n == batch_max) {
            rc = PS_EMIT(s->host, s->sink, PS_REC_DOSSIER, batch, n, err);
            n = 0;
        }
    }
    if (rc == PS_OK && n) rc = PS_EMIT(s->host, s->sink, PS_REC_DOSSIER, batch, n, err);
    free(batch);
    free(lines);
    return rc;
}

static void ex_close(void *st) {
    state *s = st;
    if (!s) return;
    fclose(s->f);
    free(s);
}

static const ps_plugin example_plugin = {
    .size = sizeof(ps_plugin),
    .abi_version = PS_ABI_VERSION,
    .name = "example_dossiers",
    .version = "1.0",
    .description = "dossiers from a |-separated text file (the docs/plugins.md example)",
    .record_kinds = PS_KIND_BIT(PS_REC_DOSSIER),
    .precedence = 50,
    .config_size = sizeof(config),
    .options = options,
    .open = ex_open,
    .read = ex_read,
    .close = ex_close,
};

PS_PLUGIN_EXPORT(example_plugin)
