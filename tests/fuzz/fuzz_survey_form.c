/*
 * fuzz_survey_form.c -- libFuzzer target: the survey form (questionnaire
 * design) XML parser, plugins/survey/survey_form.c.
 */
#include <stdint.h>
#include <stdio.h>

#include "fuzz_host.h"
#include "survey_form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[512];
    if (!fuzz_temp_file("form.xml", data, size, path, sizeof path)) return 0;
    static const char *const reserved[] = {"ma_phieu", "ma_don_vi", "ngay", "kenh", "ma_tthc",
                                           "hai_long_chung", "gop_y", NULL};
    survey_form f;
    ps_error err = {0};
    if (survey_form_load(&f, path, reserved, &err) == PS_OK) {
        const ps_survey_form *sf = &f.form;
        if (sf->n_criteria == 0 || sf->scale_min >= sf->scale_max) __builtin_trap();
        for (size_t i = 0; i < sf->n_criteria; i++)
            if (!sf->criteria[i].code) __builtin_trap();
        survey_form_free(&f);
    } else if (!err.message[0]) {
        __builtin_trap(); /* a refusal must say why */
    }
    remove(path);
    return 0;
}
