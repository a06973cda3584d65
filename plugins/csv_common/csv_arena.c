/*
 * csv_arena.c -- chunked bump allocation for per-batch strings.
 */
#include "csv_arena.h"

#include <stdlib.h>
#include <string.h>

struct csv_arena_chunk {
    csv_arena_chunk *next;
    size_t used, cap;
    _Alignas(8) unsigned char data[];
};

enum { CSV_ARENA_CHUNK = 16 * 1024 };

void *csv_arena_alloc(csv_arena *a, size_t n) {
    csv_arena_chunk *c = a->head;
    void *p;
    n = (n + 7u) & ~(size_t)7u;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > CSV_ARENA_CHUNK ? n : CSV_ARENA_CHUNK;
        c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    p = c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *csv_arena_strdup(csv_arena *a, const char *s) {
    size_t n = strlen(s) + 1;
    char *p = csv_arena_alloc(a, n);
    if (p) memcpy(p, s, n);
    return p;
}

void csv_arena_reset(csv_arena *a) {
    csv_arena_chunk *keep = NULL, *c = a->head;
    while (c) {
        csv_arena_chunk *next = c->next;
        if (!keep || c->cap > keep->cap) {
            if (keep) free(keep);
            keep = c;
        } else {
            free(c);
        }
        c = next;
    }
    if (keep) {
        keep->next = NULL;
        keep->used = 0;
    }
    a->head = keep;
}

void csv_arena_free(csv_arena *a) {
    csv_arena_chunk *c = a->head;
    while (c) {
        csv_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}
