/*
 * Tests for core/cli.c: the argument parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cli.h"

static void test_cli_options_and_rest(void **state)
{
    char *argv[] = {"check", "a", "--format=json", "-o", "x.sarif", "b",
                    "--quiet", "--", "--not-an-option", NULL};
    struct al_args p;
    const char *fmt = NULL, *out = NULL;
    int quiet = 0;

    al_args_init(&p, "check", 9, argv);
    while (al_args_next(&p)) {
        if (al_args_value(&p, "-f", "--format", &fmt))
            continue;
        if (al_args_value(&p, "-o", "--output", &out))
            continue;
        if (al_args_flag(&p, "-q", "--quiet"))
            quiet = 1;
    }
    assert_string_equal(fmt, "json");
    assert_string_equal(out, "x.sarif");
    assert_true(quiet);
    assert_int_equal(p.nrest, 3);
    assert_string_equal(p.rest[0], "a");
    assert_string_equal(p.rest[1], "b");
    assert_string_equal(p.rest[2], "--not-an-option");
    assert_false(p.error);
    al_args_release(&p);
}

static void test_cli_missing_value_is_an_error(void **state)
{
    char *argv[] = {"check", "--format", NULL};
    struct al_args p;
    const char *fmt = NULL;
    FILE *saved = stderr;

    stderr = fopen("/dev/null", "w");
    al_args_init(&p, "check", 2, argv);
    assert_int_equal(al_args_next(&p), 1);
    assert_true(al_args_value(&p, "-f", "--format", &fmt));
    fclose(stderr);
    stderr = saved;
    assert_true(p.error);
    assert_string_equal(fmt, "");
    al_args_release(&p);
}

static void test_cli_lone_dash_is_positional(void **state)
{
    char *argv[] = {"check", "-", NULL};
    struct al_args p;

    al_args_init(&p, "check", 2, argv);
    assert_int_equal(al_args_next(&p), 0);
    assert_int_equal(p.nrest, 1);
    al_args_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_options_and_rest),
        cmocka_unit_test(test_cli_missing_value_is_an_error),
        cmocka_unit_test(test_cli_lone_dash_is_positional),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
