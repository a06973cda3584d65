/*
 * ps_units.h -- the administrative units of a run: the real province and
 * commune list plus the sub-units a job declares (departments, counters).
 * Units are numbered 0..n-1; parents point by index.  Aggregates and
 * results are arrays indexed by that number.
 */
#ifndef PS_UNITS_H
#define PS_UNITS_H

#include "base/ps_util.h"

typedef enum ps_unit_level {
    PS_LEVEL_PROVINCE = 1,
    PS_LEVEL_COMMUNE = 2,
    PS_LEVEL_SUBUNIT = 3       /* declared by the job: department, counter... */
} ps_unit_level;

typedef struct ps_unit {
    char *code;
    char *name;
    ps_unit_level level;
    int parent;                /* index, -1 for a province */
    int selected;              /* inside the job's scope (scored, rendered) */
    char *level_name;          /* a declared unit's own level ("department"), else NULL */
} ps_unit;

typedef struct ps_units {
    ps_unit *items;
    size_t count, cap;
    ps_map by_code;
    ps_arena arena;
} ps_units;

/* Load "code,name,level,parent_code" (levels: province, commune). */
int ps_units_load(ps_units *u, const char *path, ps_error *err);
/* Declare a sub-unit (or an extra unit) under parent_code (may be NULL). */
int ps_units_declare(ps_units *u, const char *code, const char *name,
                     const char *level, const char *parent_code, ps_error *err);
int ps_units_find(const ps_units *u, const char *code);   /* -1 if unknown */
const char *ps_level_name(ps_unit_level level);          /* "province"... */
const char *ps_level_name_vn(ps_unit_level level);       /* "tỉnh", "xã" ... */
/* The level a unit is ranked and reported under: a declared unit's own
 * level name ("department"), else "province" / "commune". */
const char *ps_unit_level_name(const ps_unit *u);
void ps_units_free(ps_units *u);

#endif
