/*
 * csv_arena.h -- a small string arena for the CSV source plugins: the
 * strings of one batch of records live here until the batch is emitted,
 * then the arena is reset (the host copies what it keeps).  Plugins link
 * nothing from the core, hence their own.
 */
#ifndef CSV_ARENA_H
#define CSV_ARENA_H

#include <stddef.h>

typedef struct csv_arena_chunk csv_arena_chunk;
typedef struct csv_arena {
    csv_arena_chunk *head;
} csv_arena;

/* Copy of s (NULL on out of memory). */
char *csv_arena_strdup(csv_arena *a, const char *s);
/* Zeroed block of n bytes, 8-aligned (NULL on out of memory). */
void *csv_arena_alloc(csv_arena *a, size_t n);
/* Forget every string but keep the largest chunk for the next batch. */
void csv_arena_reset(csv_arena *a);
void csv_arena_free(csv_arena *a);

#endif
