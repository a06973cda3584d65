/*
 * fuzz_template.c -- libFuzzer target: the XML page-layout templates
 * (core/render/ps_layout.c), with the scorecard's section names and two required
 * texts; an accepted layout is checked for sane numbers.
 */
#include <stdint.h>
#include <stdio.h>

#include "fuzz_host.h"
#include "render/ps_layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const known[] = {"header", "title", "identity", "total", "criteria",
                                        "chart", "trend", "facts", "lost", "quality", NULL};
    static const char *const texts[] = {"nation", "title", NULL};
    char path[512];
    if (!fuzz_temp_file("scorecard.xml", data, size, path, sizeof path)) return 0;
    ps_layout l;
    ps_error err = {0};
    if (ps_layout_load(&l, path, "scorecard", known, texts, &err) == PS_OK) {
        if (!(l.page_w > 0 && l.page_h > 0 && l.font_size > 0)) __builtin_trap();
        if (l.n_sections > PS_LAYOUT_MAX_SECTIONS) __builtin_trap();
        (void)ps_layout_text(&l, "nation");
        (void)ps_layout_find(&l, "criteria");
        ps_layout_free(&l);
    } else if (!err.message[0]) {
        __builtin_trap();
    }
    remove(path);
    return 0;
}
