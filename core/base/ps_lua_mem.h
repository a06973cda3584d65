/*
 * ps_lua_mem.h -- the one memory-capped allocator behind every Lua state of
 * the core: the rule sandbox (score/ps_lua.c) and the job loader
 * (base/ps_job.c).  It lives in base/ because both need it and the job
 * loader must not depend on the scoring stage.
 */
#ifndef PS_LUA_MEM_H
#define PS_LUA_MEM_H

#include <stddef.h>

/* The memory-capped lua_Alloc shared by the rule sandbox and the job
 * loader: allocations go through ps_realloc; a block past `limit` is
 * refused (over_cap: the script's fault), one the process refuses sets
 * oom (not the script's fault). */
typedef struct ps_lua_mem {
    size_t used, limit;
    int over_cap, oom;
} ps_lua_mem;
void *ps_lua_mem_alloc(ps_lua_mem *m, void *ptr, size_t osize, size_t nsize);

#endif
