/* bad_abi.c -- a plugin built for another ABI version: must be refused. */
#include <stddef.h>
#include "parscore/plugin.h"
static int op(const ps_host *h, ps_sink *s, void *c, void **st, ps_error *e) {
    (void)h; (void)s; (void)c; (void)st; (void)e; return PS_OK;
}
static int rd(void *st, ps_error *e) { (void)st; (void)e; return PS_OK; }
static const ps_plugin bad = {
    .size = sizeof(ps_plugin), .abi_version = 42, .name = "bad_abi",
    .version = "0", .open = op, .read = rd,
};
PS_PLUGIN_EXPORT(bad)
