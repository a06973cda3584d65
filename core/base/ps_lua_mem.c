/*
 * ps_lua_mem.c -- the memory-capped lua_Alloc (see ps_lua_mem.h).
 */
#include "base/ps_lua_mem.h"
#include "base/ps_util.h"

void *ps_lua_mem_alloc(ps_lua_mem *m, void *ptr, size_t osize, size_t nsize) {
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        ps_free(ptr);
        m->used -= old;
        return NULL;
    }
    if (nsize > old && m->used - old + nsize > m->limit) {
        m->over_cap = 1;
        return NULL;
    }
    void *p = ps_realloc(ptr, nsize);
    if (!p && nsize > old) m->oom = 1;
    if (!p) return nsize > old ? NULL : ptr;   /* a failed shrink keeps the block */
    m->used = m->used - old + nsize;
    return p;
}
