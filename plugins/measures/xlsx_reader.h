/*
 * xlsx_reader.h -- a streaming reader of one worksheet of an XLSX workbook,
 * row by row, for the `measures` plugin.  No Debian package reads XLSX
 * from C, so it is built on libzip (the archive) and libxml2's
 * xmlTextReader (each part, fed from zip_fread chunks: the worksheet is
 * never held in memory, only the current row).
 *
 * What it reads: xl/workbook.xml and its relationships (which part is the
 * sheet; the 1904 date system), xl/sharedStrings.xml into a bounded table,
 * xl/styles.xml only far enough to know which cell formats are dates or
 * percentages, then the worksheet's <sheetData>.
 *
 * Hardening (docs/sources-measures.md, "Limits"): no DTD, no entities, no
 * network; caps on the number of archive entries, on each part's
 * uncompressed size and compression ratio (zip bombs, checked on the
 * declared sizes and again on the bytes really inflated), on the total
 * inflated, on shared strings (count and bytes), on XML depth, on one
 * cell's text, on rows and columns.  An old binary .xls, a password
 * protected workbook or a file that is not a zip is refused with what to
 * do about it.
 */
#ifndef XLSX_READER_H
#define XLSX_READER_H

#include <stddef.h>
#include <stdint.h>

#include "parscore/plugin.h"

#define XLSX_MAX_ENTRIES 10000                 /* files in the archive */
#define XLSX_MAX_PART ((uint64_t)512 << 20)    /* one part, inflated */
#define XLSX_MAX_TOTAL ((uint64_t)1 << 30)     /* all parts read, inflated */
#define XLSX_MAX_RATIO 200                     /* inflated / compressed, per part */
#define XLSX_RATIO_FLOOR ((uint64_t)1 << 20)   /* ratio checked above 1 MiB */
#define XLSX_MAX_SST 1000000                   /* shared strings */
#define XLSX_MAX_SST_BYTES ((size_t)64 << 20)  /* their text */
#define XLSX_MAX_TEXT (128 * 1024)             /* one cell (Excel: 32767 chars) */
#define XLSX_MAX_DEPTH 32                      /* a worksheet needs 6 */
#define XLSX_MAX_ROWS 1048576L                 /* Excel's limit */
#define XLSX_MAX_COLS 1024                     /* columns holding a value */
#define XLSX_MAX_XF 65536                      /* cell formats in styles.xml */

typedef enum xlsx_cell_type {
    XLSX_BLANK = 0,
    XLSX_TEXT,     /* shared, inline or formula string */
    XLSX_NUMBER,   /* num holds it; text is its shortest form */
    XLSX_BOOL,     /* num 0/1; text "FALSE"/"TRUE" */
    XLSX_DATE,     /* a number in a date format: text "YYYY-MM-DD" */
    XLSX_ERROR     /* an error value: text such as "#DIV/0!" */
} xlsx_cell_type;

typedef struct xlsx_cell {
    int type;          /* an xlsx_cell_type */
    const char *text;  /* NUL-terminated, "" when blank */
    double num;
    int percent;       /* a number in a percentage format (num is x100) */
} xlsx_cell;

typedef struct xlsx_reader xlsx_reader;

/* Open the workbook at `path` and position on the sheet named `sheet`
 * (NULL or "": the first sheet).  Messages name the file as `name`. */
int xlsx_open(xlsx_reader **out, const char *path, const char *name, const char *sheet,
              const ps_host *host, ps_error *err);

/* The next <row> of the sheet: *have 0 at the end.  *row is its 1-based
 * number, cells[0..*n) the cells by column (0 = A); missing cells are
 * XLSX_BLANK.  Valid until the next call. */
int xlsx_next_row(xlsx_reader *x, int *have, long *row, const xlsx_cell **cells,
                  size_t *n, ps_error *err);

/* The sheet's name as the workbook gives it. */
const char *xlsx_sheet_name(const xlsx_reader *x);

/* Bytes of the worksheet part inflated so far and its declared size. */
void xlsx_progress(const xlsx_reader *x, uint64_t *done, uint64_t *total);

void xlsx_close(xlsx_reader *x);

/* "A", "B", ... "AA" for column index col (0-based) into buf (>= 4 bytes). */
const char *xlsx_col_name(size_t col, char *buf, size_t size);

#endif
