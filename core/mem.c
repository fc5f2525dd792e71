/*
 * mem: allocation wrappers and a simple bump arena.
 */
#include "mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Test builds route every allocation through cmocka's checking allocator,
 * so a leak anywhere in the project fails the test that caused it.
 */
#ifdef AL_TEST_ALLOC
void *_test_malloc(size_t size, const char *file, int line);
void *_test_calloc(size_t count, size_t size, const char *file, int line);
void *_test_realloc(void *p, size_t size, const char *file, int line);
void _test_free(void *p, const char *file, int line);
#define malloc(n) _test_malloc(n, __FILE__, __LINE__)
#define calloc(c, n) _test_calloc(c, n, __FILE__, __LINE__)
#define realloc(p, n) _test_realloc(p, n, __FILE__, __LINE__)
#define free(p) _test_free(p, __FILE__, __LINE__)
#endif

#define BLOCK_MIN (64 * 1024)

struct al_arena_block {
    struct al_arena_block *next;
    size_t size;
    size_t used;
    unsigned char data[];
};

static void out_of_memory(size_t n)
{
    fprintf(stderr, "auditlint: error: out of memory (%zu bytes)\n", n);
    exit(2);
}

void *al_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        out_of_memory(n);
    return p;
}

void *al_calloc(size_t count, size_t n)
{
    void *p = calloc(count ? count : 1, n ? n : 1);

    if (p == NULL)
        out_of_memory(count * n);
    return p;
}

void *al_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL)
        out_of_memory(n);
    return q;
}

void al_free(void *p)
{
    free(p);
}

char *al_strndup(const char *s, size_t n)
{
    char *d = al_malloc(n + 1);

    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *al_strdup(const char *s)
{
    return al_strndup(s, strlen(s));
}

char *al_printf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *s;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    s = al_malloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

void al_grow(void *v, size_t *cap, size_t need, size_t elem)
{
    void **pv = v;
    size_t c = *cap ? *cap : 8;

    if (need <= *cap)
        return;
    while (c < need)
        c *= 2;
    *pv = al_realloc(*pv, c * elem);
    *cap = c;
}

void al_arena_init(struct al_arena *a)
{
    a->head = NULL;
    a->used = 0;
}

void al_arena_release(struct al_arena *a)
{
    struct al_arena_block *b = a->head;

    while (b != NULL) {
        struct al_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used = 0;
}

void *al_arena_alloc(struct al_arena *a, size_t n)
{
    size_t align = sizeof(max_align_t);
    struct al_arena_block *b = a->head;
    uintptr_t p;

    n = (n + align - 1) / align * align;
    if (b == NULL || b->size - b->used < n) {
        /* One spare unit: the block itself may not be aligned. */
        size_t size = (n > BLOCK_MIN ? n : BLOCK_MIN) + align;
        b = al_malloc(sizeof(*b) + size);
        b->size = size;
        b->used = (align - (uintptr_t)b->data % align) % align;
        b->next = a->head;
        a->head = b;
    }
    p = (uintptr_t)b->data + b->used;
    b->used += n;
    a->used += n;
    memset((void *)p, 0, n);
    return (void *)p;
}

char *al_arena_strndup(struct al_arena *a, const char *s, size_t n)
{
    char *d = al_arena_alloc(a, n + 1);

    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}
