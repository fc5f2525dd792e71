/*
 * mem: the one allocation entry point, and the arena that owns a loaded
 * file's nodes and strings. Calls nothing but libc; out of memory prints
 * one message and exits with status 2.
 */
#ifndef AL_MEM_H
#define AL_MEM_H

#include <stddef.h>

void *al_malloc(size_t n);
void *al_calloc(size_t count, size_t n);
void *al_realloc(void *p, size_t n);
void al_free(void *p);
char *al_strdup(const char *s);
char *al_strndup(const char *s, size_t n);

/* Returns a new string formatted like printf; the caller frees it. */
char *al_printf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), nonnull(1)));

/*
 * Grows *v (an array of *cap elements of size elem) so that it holds at
 * least need elements. Used by every growable array in the project.
 */
void al_grow(void *v, size_t *cap, size_t need, size_t elem);

struct al_arena_block;

struct al_arena {
    struct al_arena_block *head;
    size_t used;                /* bytes handed out, for statistics */
};

void al_arena_init(struct al_arena *a);
void al_arena_release(struct al_arena *a);

/* Returns zeroed memory owned by the arena, aligned for any type. */
void *al_arena_alloc(struct al_arena *a, size_t n);

/* Returns a NUL-terminated copy of s[0..n) owned by the arena. */
char *al_arena_strndup(struct al_arena *a, const char *s, size_t n);

#endif
