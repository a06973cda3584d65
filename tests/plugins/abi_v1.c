/* abi_v1.c -- a plugin that says it was built for ABI 1 (whose emit()
 * passed no record size): refused with the migration advice. */
#include <stddef.h>
#include "parscore/plugin.h"
static int op(const ps_host *h, ps_sink *s, void *c, void **st, ps_error *e) {
    (void)h; (void)s; (void)c; (void)st; (void)e; return PS_OK;
}
static int rd(void *st, ps_error *e) { (void)st; (void)e; return PS_OK; }
static const ps_plugin v1 = {
    .size = sizeof(ps_plugin), .abi_version = 1, .name = "abi_v1",
    .version = "0", .open = op, .read = rd,
};
PS_PLUGIN_EXPORT(v1)
