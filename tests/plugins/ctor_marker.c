/* ctor_marker.c -- a shared object whose ELF constructor creates the file
 * $PS_CTOR_MARKER: it shows whether parscore ran a plugin's code (dlopen)
 * before refusing it.  Its description has a wrong ABI, so a trusted load
 * stops right after. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "parscore/plugin.h"
__attribute__((constructor)) static void mark(void) {
    const char *path = getenv("PS_CTOR_MARKER");
    if (!path) return;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) close(fd);
}
static int op(const ps_host *h, ps_sink *s, void *c, void **st, ps_error *e) {
    (void)h; (void)s; (void)c; (void)st; (void)e; return PS_OK;
}
static int rd(void *st, ps_error *e) { (void)st; (void)e; return PS_OK; }
static const ps_plugin marker = {
    .size = sizeof(ps_plugin), .abi_version = 42, .name = "ctor_marker",
    .version = "0", .open = op, .read = rd,
};
PS_PLUGIN_EXPORT(marker)
