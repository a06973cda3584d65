/*
 * gen_units.c -- the communes the generated data covers, read from the
 * real unit list (code,name,level,parent_code).  Only real codes are used
 * so the engine never meets an undeclared unit, except the deliberate
 * "unknown unit" faults, which are checked against the whole list.
 */
#include "gen.h"

#include <stdlib.h>
#include <string.h>

static int split4(char *line, char *f[4]) {
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p; p++) {
        if (*p == '\r' || *p == '\n') { *p = '\0'; break; }
        if (*p == ',') {
            *p = '\0';
            if (n == 4) return 0;
            f[n++] = p + 1;
        }
    }
    return n == 4;
}

int gen_units_load(gen_units *u, const char *path, enum gen_scale scale,
                   const char *code, ps_error *err) {
    memset(u, 0, sizeof *u);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return ps_error_set(err, PS_EIO, path, 0, 0,
                            "cannot open the unit list (give one with --units FILE)");
    u->known = calloc(100000, 1);
    if (!u->known) { fclose(fp); return ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory"); }
    char line[1024], prov[4] = "";
    char pnames[100][96];   /* province names by 2-digit code */
    memset(pnames, 0, sizeof pnames);
    int agency = 0;
    long lineno = 0;
    size_t cap = 0;
    int rc = PS_OK;
    size_t clen = code ? strlen(code) : 0;
    while (fgets(line, sizeof line, fp)) {
        char *f[4];
        lineno++;
        if (lineno == 1 && strncmp(line, "code,", 5) == 0) continue;
        if (!split4(line, f)) {
            rc = ps_error_set(err, PS_EPARSE, path, lineno, 1,
                              "expected 4 fields code,name,level,parent_code");
            break;
        }
        if (strcmp(f[2], "province") == 0) {
            int pc = atoi(f[0]);
            if (strlen(f[0]) == 2 && pc >= 0 && pc < 100)
                snprintf(pnames[pc], sizeof pnames[pc], "%s", f[1]);
            continue;
        }
        if (strcmp(f[2], "commune") != 0 || strlen(f[0]) != 5 || strlen(f[3]) != 2) {
            rc = ps_error_set(err, PS_EPARSE, path, lineno, 1,
                              "unexpected unit '%s' (level %s)", f[0], f[2]);
            break;
        }
        u->known[atoi(f[0])] = 1;
        if (strcmp(prov, f[3]) != 0) { snprintf(prov, sizeof prov, "%s", f[3]); agency = 0; }
        agency++;
        int take = scale == GEN_NATIONAL ||
                   (scale == GEN_PROVINCE && strcmp(f[3], code) == 0) ||
                   (scale == GEN_COMMUNE &&
                    ((clen == 5 && strcmp(f[0], code) == 0) ||
                     (clen == 2 && strcmp(f[3], code) == 0 && u->count == 0)));
        if (!take) continue;
        if (u->count == cap) {
            cap = cap ? cap * 2 : 128;
            gen_unit *n = realloc(u->items, cap * sizeof *n);
            if (!n) { rc = ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory"); break; }
            u->items = n;
        }
        gen_unit *x = &u->items[u->count];
        memset(x, 0, sizeof *x);
        snprintf(x->code, sizeof x->code, "%s", f[0]);
        snprintf(x->province, sizeof x->province, "%s", f[3]);
        x->agency_no = agency;
        x->name = strdup(f[1]);
        if (!x->name) { rc = ps_error_set(err, PS_ENOMEM, path, 0, 0, "out of memory"); break; }
        u->count++;
    }
    fclose(fp);
    if (rc == PS_OK && u->count == 0)
        rc = ps_error_set(err, PS_ECONFIG, path, 0, 0,
                          "no commune matches --province %s (give a 2-digit province "
                          "code or, at commune scale, a 5-digit commune code)",
                          code ? code : "");
    if (rc == PS_OK && scale != GEN_NATIONAL)
        snprintf(u->province_name, sizeof u->province_name, "%s",
                 pnames[atoi(u->items[0].province) % 100]);
    return rc;
}

int gen_units_known(const gen_units *u, const char *code) {
    if (strlen(code) != 5) return 0;
    for (int i = 0; i < 5; i++)
        if (code[i] < '0' || code[i] > '9') return 0;
    return u->known[atoi(code)];
}

void gen_units_free(gen_units *u) {
    for (size_t i = 0; i < u->count; i++) {
        free(u->items[i].name);
        free(u->items[i].day_counts);
    }
    free(u->items);
    free(u->known);
    memset(u, 0, sizeof *u);
}
