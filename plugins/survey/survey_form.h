/*
 * survey_form.h -- loading a survey form definition (FORMATS.md §3a,
 * namespace urn:vn:khaosat:1) into a ps_survey_form.
 */
#ifndef SURVEY_FORM_H
#define SURVEY_FORM_H

#include "parscore/plugin.h"

#include "../csv_common/csv_arena.h"

typedef struct survey_form {
    csv_arena arena;          /* every string and the criteria array */
    ps_survey_form form;      /* criteria in document order */
} survey_form;

/* Parse `path` (no network, no DTD, DOCTYPE refused).  The columns in
 * `reserved` (NULL-terminated) may not be used as criterion codes.  On
 * error err names the file, line and element. */
int survey_form_load(survey_form *f, const char *path,
                     const char *const *reserved, ps_error *err);
void survey_form_free(survey_form *f);

#endif
