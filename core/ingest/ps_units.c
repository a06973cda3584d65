/*
 * ps_units.c -- loading the administrative unit list and the sub-units a
 * job declares.  The list is a small simple CSV (no quoted fields in the
 * published file), so it is read line by line here; a quoted field is an
 * error naming the line rather than a silent misparse.
 */
#include "ingest/ps_units.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int units_add(ps_units *u, const char *code, const char *name,
                     ps_unit_level level, int parent, ps_error *err,
                     const char *file, long line) {
    if (ps_map_get(&u->by_code, code, NULL))
        return ps_error_set(err, PS_ECONFIG, file, line, 0,
                            "unit code %s is listed twice", code);
    if (u->count == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 4096;
        ps_unit *items = ps_realloc(u->items, cap * sizeof *items);
        if (!items) return ps_error_set(err, PS_ENOMEM, file, line, 0, "out of memory");
        u->items = items;
        u->cap = cap;
    }
    ps_unit *x = &u->items[u->count];
    x->code = ps_arena_strdup(&u->arena, code);
    x->name = ps_arena_strdup(&u->arena, name);
    x->level = level;
    x->level_name = NULL;
    x->parent = parent;
    x->selected = 1;
    if (!x->code || !x->name || ps_map_put(&u->by_code, code, (int)u->count) != PS_OK)
        return ps_error_set(err, PS_ENOMEM, file, line, 0, "out of memory");
    u->count++;
    return PS_OK;
}

int ps_units_load(ps_units *u, const char *path, ps_error *err) {
    FILE *f = fopen(path, "r");
    if (!f)
        return ps_error_set(err, PS_EIO, path, 0, 0,
                            "cannot open the unit list: %s (set `units` in the job)",
                            strerror(errno));
    char line[1024];
    long lineno = 0;
    int rc = PS_OK;
    /* parents may come after their children in a hand-made list: resolve
     * after reading, keeping the parent code in a side array */
    char (*parents)[16] = NULL;
    size_t pcap = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (lineno == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
            memmove(line, line + 3, strlen(line + 3) + 1);
        if (!line[0]) continue;
        if (lineno == 1 && strncmp(line, "code,", 5) == 0) continue;
        if (strchr(line, '"')) {
            rc = ps_error_set(err, PS_EPARSE, path, lineno, 0,
                              "quoted fields are not supported in the unit list");
            break;
        }
        char *fields[4] = {0};
        int nf = 0;
        char *p = line;
        fields[nf++] = p;
        while ((p = strchr(p, ',')) && nf < 4) {
            *p++ = '\0';
            fields[nf++] = p;
        }
        if (nf != 4 || p) {
            rc = ps_error_set(err, PS_EPARSE, path, lineno, 0,
                              "expected 4 columns code,name,level,parent_code");
            break;
        }
        ps_unit_level level;
        if (strcmp(fields[2], "province") == 0) level = PS_LEVEL_PROVINCE;
        else if (strcmp(fields[2], "commune") == 0) level = PS_LEVEL_COMMUNE;
        else {
            rc = ps_error_set(err, PS_EPARSE, path, lineno, 3,
                              "unknown level \"%s\" (province or commune)", fields[2]);
            break;
        }
        if (strlen(fields[3]) >= 16 || !fields[0][0]) {
            rc = ps_error_set(err, PS_EPARSE, path, lineno, 0, "invalid unit code");
            break;
        }
        if (u->count >= pcap) {
            size_t cap = pcap ? pcap * 2 : 4096;
            char (*grown)[16] = ps_realloc(parents, cap * sizeof *parents);
            if (!grown) {
                rc = ps_error_set(err, PS_ENOMEM, path, lineno, 0, "out of memory");
                break;
            }
            parents = grown;
            pcap = cap;
        }
        snprintf(parents[u->count], sizeof parents[0], "%s", fields[3]);
        rc = units_add(u, fields[0], fields[1], level, -1, err, path, lineno);
        if (rc != PS_OK) break;
    }
    fclose(f);
    for (size_t i = 0; rc == PS_OK && i < u->count; i++) {
        if (!parents[i][0]) continue;
        int parent;
        if (!ps_map_get(&u->by_code, parents[i], &parent)) {
            rc = ps_error_set(err, PS_EPARSE, path, 0, 0,
                              "unit %s names parent %s, which is not in the list",
                              u->items[i].code, parents[i]);
            break;
        }
        u->items[i].parent = parent;
    }
    ps_free(parents);
    if (rc == PS_OK && u->count == 0)
        rc = ps_error_set(err, PS_EPARSE, path, 0, 0, "the unit list is empty");
    return rc;
}

int ps_units_declare(ps_units *u, const char *code, const char *name,
                     const char *level, const char *parent_code, ps_error *err) {
    int parent = -1;
    if (parent_code && parent_code[0] && !ps_map_get(&u->by_code, parent_code, &parent))
        return ps_error_set(err, PS_ECONFIG, NULL, 0, 0,
                            "declared unit %s names parent %s, which is not a unit",
                            code, parent_code);
    ps_unit_level lv = PS_LEVEL_SUBUNIT;
    if (level && strcmp(level, "province") == 0) lv = PS_LEVEL_PROVINCE;
    else if (level && strcmp(level, "commune") == 0) lv = PS_LEVEL_COMMUNE;
    int rc = units_add(u, code, name ? name : code, lv, parent, err, NULL, 0);
    if (rc == PS_OK && lv == PS_LEVEL_SUBUNIT && level && level[0]) {
        u->items[u->count - 1].level_name = ps_arena_strdup(&u->arena, level);
        if (!u->items[u->count - 1].level_name)
            return ps_error_set(err, PS_ENOMEM, NULL, 0, 0, "out of memory");
    }
    return rc;
}

const char *ps_unit_level_name(const ps_unit *u) {
    return u->level_name ? u->level_name : ps_level_name(u->level);
}

int ps_units_find(const ps_units *u, const char *code) {
    int i;
    return code && ps_map_get(&u->by_code, code, &i) ? i : -1;
}

const char *ps_level_name(ps_unit_level level) {
    switch (level) {
    case PS_LEVEL_PROVINCE: return "province";
    case PS_LEVEL_COMMUNE: return "commune";
    default: return "subunit";
    }
}

const char *ps_level_name_vn(ps_unit_level level) {
    switch (level) {
    case PS_LEVEL_PROVINCE: return "tỉnh, thành phố";
    case PS_LEVEL_COMMUNE: return "xã, phường, đặc khu";
    default: return "cơ quan, đơn vị";
    }
}

void ps_units_free(ps_units *u) {
    ps_free(u->items);
    ps_map_free(&u->by_code);
    ps_arena_free(&u->arena);
    memset(u, 0, sizeof *u);
}
