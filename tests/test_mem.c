/*
 * Tests for core/mem.c: the arena and the growable-array helper.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mem.h"

static void test_mem_arena_alignment_and_zero(void **state)
{
    struct al_arena a;
    size_t i;

    al_arena_init(&a);
    for (i = 1; i < 200; i++) {
        unsigned char *p = al_arena_alloc(&a, i * 7);
        size_t j;
        assert_int_equal((uintptr_t)p % sizeof(max_align_t), 0);
        for (j = 0; j < i * 7; j++)
            assert_int_equal(p[j], 0);
        memset(p, 0xAB, i * 7);
    }
    assert_true(a.used >= 7 * 199 * 200 / 2);
    al_arena_release(&a);
    assert_null(a.head);
}

static void test_mem_arena_large_block(void **state)
{
    struct al_arena a;
    char *big;

    al_arena_init(&a);
    big = al_arena_alloc(&a, 1 << 20);
    big[(1 << 20) - 1] = 'x';
    assert_string_equal(al_arena_strndup(&a, "abcdef", 3), "abc");
    al_arena_release(&a);
}

static void test_mem_grow_and_printf(void **state)
{
    int *v = NULL;
    size_t cap = 0, i;
    char *s;

    for (i = 0; i < 1000; i++) {
        al_grow(&v, &cap, i + 1, sizeof(*v));
        v[i] = (int)i;
    }
    assert_true(cap >= 1000);
    assert_int_equal(v[999], 999);
    al_free(v);
    s = al_printf("%s:%d", "a", 7);
    assert_string_equal(s, "a:7");
    al_free(s);
    s = al_strndup("hello", 2);
    assert_string_equal(s, "he");
    al_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mem_arena_alignment_and_zero),
        cmocka_unit_test(test_mem_arena_large_block),
        cmocka_unit_test(test_mem_grow_and_printf),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
