/*
 * onestop_schema.h -- internal to onestop_common: how each column of the
 * reference schema is typed and whether a vendor may lack it.
 */
#ifndef ONESTOP_SCHEMA_H
#define ONESTOP_SCHEMA_H

#include <stddef.h>

typedef enum os_coltype {
    OS_COL_TEXT = 1, /* passed through */
    OS_COL_TIME,     /* passed through unchanged: the core parses dates */
    OS_COL_INT,      /* integer (an integral REAL/NUMERIC is accepted) */
    OS_COL_FLAG,     /* 0/1, also PostgreSQL boolean text t/f */
    OS_COL_REAL
} os_coltype;

typedef struct os_coldef {
    const char *key;     /* reference name, also the mapping key */
    os_coltype type;
    int required;        /* 1: may not be mapped to nothing */
} os_coldef;

const os_coldef *os_column_def(int table, size_t col);

#endif
