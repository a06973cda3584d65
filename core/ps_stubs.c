/*
 * ps_stubs.c -- TEMPORARY placeholders so the CLI links while the scoring
 * (ps_score*.c) and rendering (ps_render*.c) branches are being merged.
 * Delete each function here as soon as its real implementation exists.
 */
#include "ps_render.h"

#include <string.h>

int ps_render_scorecards(const ps_results *r, const ps_render_opts *o, ps_error *err) {
    (void)r; (void)o;
    return ps_error_set(err, PS_EINTERNAL, NULL, 0, 0, "PDF rendering is not built in yet");
}
int ps_render_summary(const ps_results *r, const ps_render_opts *o, ps_error *err) {
    (void)r; (void)o;
    return ps_error_set(err, PS_EINTERNAL, NULL, 0, 0, "PDF rendering is not built in yet");
}
int ps_write_csv(const ps_results *r, const char *path, ps_error *err) {
    (void)r; (void)path;
    return ps_error_set(err, PS_EINTERNAL, NULL, 0, 0, "CSV output is not built in yet");
}
int ps_write_json(const ps_results *r, const char *path, ps_error *err) {
    (void)r; (void)path;
    return ps_error_set(err, PS_EINTERNAL, NULL, 0, 0, "JSON output is not built in yet");
}
int ps_write_xlsx(const ps_results *r, const char *path, ps_error *err) {
    (void)r; (void)path;
    return ps_error_set(err, PS_EINTERNAL, NULL, 0, 0, "XLSX output is not built in yet");
}
int ps_previous_load(ps_results *r, const char *json_path, ps_error *err) {
    (void)r; (void)json_path;
    return ps_error_set(err, PS_EINTERNAL, NULL, 0, 0, "trend input is not built in yet");
}
