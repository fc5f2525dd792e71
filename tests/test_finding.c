/*
 * Tests for core/finding.c: order, de-duplication, fingerprints and
 * severity names. Built with cmocka's checking allocator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "finding.h"

static struct al_finding *add(struct al_findings *fs, const char *rule,
                              const char *file, unsigned line, unsigned col,
                              const char *msg)
{
    return al_findings_add(fs, rule, AL_SEV_WARNING, file, line, col, msg);
}

static void test_finding_add_copies_strings(void **state)
{
    struct al_findings fs;
    char rule[] = "r", file[] = "a.yml", msg[] = "m";
    struct al_finding *f;

    al_findings_init(&fs);
    f = al_findings_add(&fs, rule, AL_SEV_ERROR, file, 3, 4, msg);
    rule[0] = file[0] = msg[0] = 'x';
    assert_string_equal(f->rule, "r");
    assert_string_equal(f->at.file, "a.yml");
    assert_string_equal(f->message, "m");
    assert_int_equal(f->severity, AL_SEV_ERROR);
    assert_int_equal(f->at.line, 3);
    assert_int_equal(f->at.col, 4);
    assert_int_equal(f->at.end_line, 0);
    assert_null(f->key);
    assert_int_equal(f->nrelated, 0);
    al_findings_release(&fs);
    assert_int_equal(fs.n, 0);
    assert_null(fs.v);
}

static void test_finding_relate_frameworks_key(void **state)
{
    struct al_findings fs;
    struct al_finding *f;

    al_findings_init(&fs);
    f = add(&fs, "r", "a.yml", 1, 1, "m");
    al_finding_relate(f, "b.yml", 2, 3, "here");
    al_finding_relate(f, "c.yml", 4, 5, NULL);
    al_finding_framework(f, "soc2:CC6.2");
    al_finding_framework(f, "iso27001:A.5.18");
    al_finding_framework(f, "soc2:CC6.2");
    al_finding_framework(f, "soc2:CC6.1");
    al_finding_key(f, "first");
    al_finding_key(f, "second");
    assert_int_equal(f->nrelated, 2);
    assert_string_equal(f->related[0].file, "b.yml");
    assert_int_equal(f->related[0].line, 2);
    assert_int_equal(f->related[0].col, 3);
    assert_string_equal(f->related[0].message, "here");
    assert_null(f->related[1].message);
    assert_int_equal(f->nframeworks, 3);
    assert_string_equal(f->frameworks[0], "iso27001:A.5.18");
    assert_string_equal(f->frameworks[1], "soc2:CC6.1");
    assert_string_equal(f->frameworks[2], "soc2:CC6.2");
    assert_string_equal(f->key, "second");
    al_findings_release(&fs);
}

static void test_finding_sort_order(void **state)
{
    struct al_findings fs;

    al_findings_init(&fs);
    add(&fs, "b", "z.yml", 1, 1, "m");
    add(&fs, "b", "a.yml", 10, 1, "m");
    add(&fs, "b", "a.yml", 2, 5, "m");
    add(&fs, "b", "a.yml", 2, 3, "y");
    add(&fs, "a", "a.yml", 2, 3, "z");
    add(&fs, "b", "a.yml", 2, 3, "x");
    add(&fs, "b", "B.yml", 1, 1, "m");
    al_findings_finish(&fs);
    assert_int_equal(fs.n, 7);
    assert_string_equal(fs.v[0].at.file, "B.yml");
    assert_string_equal(fs.v[1].rule, "a");
    assert_string_equal(fs.v[2].message, "x");
    assert_string_equal(fs.v[3].message, "y");
    assert_int_equal(fs.v[4].at.col, 5);
    assert_int_equal(fs.v[5].at.line, 10);
    assert_string_equal(fs.v[6].at.file, "z.yml");
    al_findings_release(&fs);
}

static void test_finding_sort_is_stable(void **state)
{
    struct al_findings fs;
    struct al_finding *f;
    size_t i;

    al_findings_init(&fs);
    for (i = 0; i < 40; i++) {
        f = add(&fs, "r", i % 2 ? "b.yml" : "a.yml", 1, 1,
                i % 3 ? "same" : "other");
        f->at.end_col = (unsigned)i;
    }
    f = add(&fs, "r", "a.yml", 1, 1, "same");
    al_findings_finish(&fs);
    assert_int_equal(fs.n, 4);
    assert_string_equal(fs.v[1].message, "same");
    assert_int_equal(fs.v[1].at.end_col, 2);
    assert_string_equal(fs.v[3].message, "same");
    assert_int_equal(fs.v[3].at.end_col, 1);
    al_findings_release(&fs);
}

static void test_finding_duplicates_removed(void **state)
{
    struct al_findings fs;
    struct al_finding *f;

    al_findings_init(&fs);
    f = add(&fs, "r", "a.yml", 1, 1, "m");
    al_finding_relate(f, "b.yml", 1, 1, "first");
    f = add(&fs, "r", "a.yml", 1, 1, "m");
    al_finding_relate(f, "b.yml", 1, 1, "second");
    al_finding_framework(f, "soc2:CC1.1");
    al_finding_key(f, "k");
    add(&fs, "r", "a.yml", 1, 2, "m");
    add(&fs, "s", "a.yml", 1, 1, "m");
    add(&fs, "r", "a.yml", 1, 1, "n");
    al_findings_finish(&fs);
    assert_int_equal(fs.n, 4);
    assert_string_equal(fs.v[0].related[0].message, "first");
    al_findings_release(&fs);
}

static void test_finding_fingerprint_known_value(void **state)
{
    struct al_findings fs;

    /* FNV-1a 64 of "r\0a.yml\0m", computed independently */
    al_findings_init(&fs);
    add(&fs, "r", "a.yml", 1, 1, "m");
    al_findings_finish(&fs);
    assert_int_equal(strlen(fs.v[0].fingerprint), 16);
    assert_string_equal(fs.v[0].fingerprint, "1bcf4672d4bee1f5");
    al_findings_release(&fs);
}

static void test_finding_fingerprint_survives_line_moves(void **state)
{
    struct al_findings a, b;
    struct al_finding *f;

    al_findings_init(&a);
    al_findings_init(&b);
    f = add(&a, "r", "a.yml", 3, 1, "control 'X' at line 3");
    al_finding_key(f, "X");
    f = add(&b, "r", "a.yml", 9, 7, "control 'X' at line 9");
    al_finding_key(f, "X");
    al_findings_finish(&a);
    al_findings_finish(&b);
    assert_string_equal(a.v[0].fingerprint, b.v[0].fingerprint);
    al_findings_release(&a);
    al_findings_release(&b);
}

static void test_finding_fingerprint_inputs_separated(void **state)
{
    struct al_findings fs;

    al_findings_init(&fs);
    add(&fs, "r", "a.yml", 1, 1, "m");
    add(&fs, "q", "a.yml", 1, 1, "m");
    add(&fs, "r", "b.yml", 1, 1, "m");
    add(&fs, "r", "a.yml", 1, 1, "n");
    add(&fs, "r", "a.ym", 1, 1, "lm");
    al_findings_finish(&fs);
    assert_int_equal(fs.n, 5);
    for (size_t i = 0; i < fs.n; i++)
        for (size_t j = i + 1; j < fs.n; j++)
            assert_string_not_equal(fs.v[i].fingerprint,
                                    fs.v[j].fingerprint);
    al_findings_release(&fs);
}

static void test_finding_fingerprint_same_subject_numbered(void **state)
{
    struct al_findings a, b;
    struct al_finding *f;

    al_findings_init(&a);
    f = add(&a, "r", "a.yml", 5, 1, "one");
    al_finding_key(f, "K");
    f = add(&a, "r", "a.yml", 2, 1, "two");
    al_finding_key(f, "K");
    al_findings_finish(&a);
    /* FNV-1a 64 of "r\0a.yml\0K" and of "r\0a.yml\0K\0001" */
    assert_string_equal(a.v[0].fingerprint, "1bcf2072d4bea163");
    assert_string_equal(a.v[1].fingerprint, "374def865e684e98");

    /* only the first occurrence in sorted order keeps the plain hash */
    al_findings_init(&b);
    f = add(&b, "r", "a.yml", 30, 1, "two");
    al_finding_key(f, "K");
    al_findings_finish(&b);
    assert_string_equal(a.v[0].fingerprint, b.v[0].fingerprint);
    al_findings_release(&a);
    al_findings_release(&b);
}

static void test_finding_finish_is_idempotent(void **state)
{
    struct al_findings fs;
    char fp[2][17];

    al_findings_init(&fs);
    al_finding_key(add(&fs, "r", "a.yml", 5, 1, "one"), "K");
    al_finding_key(add(&fs, "r", "a.yml", 2, 1, "two"), "K");
    al_findings_finish(&fs);
    memcpy(fp[0], fs.v[0].fingerprint, 17);
    memcpy(fp[1], fs.v[1].fingerprint, 17);
    al_findings_finish(&fs);
    assert_string_equal(fp[0], fs.v[0].fingerprint);
    assert_string_equal(fp[1], fs.v[1].fingerprint);
    al_findings_release(&fs);
}

static void test_finding_finish_empty(void **state)
{
    struct al_findings fs;

    al_findings_init(&fs);
    al_findings_finish(&fs);
    assert_int_equal(fs.n, 0);
    al_findings_release(&fs);
}

static int keep_warnings(const struct al_finding *f, void *ctx)
{
    ++*(int *)ctx;
    return f->severity == AL_SEV_WARNING;
}

static void test_finding_retain_and_count(void **state)
{
    struct al_findings fs;
    int calls = 0;

    al_findings_init(&fs);
    al_findings_add(&fs, "r", AL_SEV_ERROR, "a", 1, 1, "e");
    al_finding_relate(add(&fs, "r", "a", 2, 1, "w"), "b", 1, 1, "x");
    al_findings_add(&fs, "r", AL_SEV_NOTE, "a", 3, 1, "n");
    al_findings_add(&fs, "r", AL_SEV_ERROR, "a", 4, 1, "e2");
    assert_int_equal(al_findings_count(&fs, AL_SEV_ERROR), 2);
    assert_int_equal(al_findings_count(&fs, AL_SEV_NOTE), 1);
    assert_int_equal(al_findings_count(&fs, AL_SEV_NONE), 0);
    al_findings_retain(&fs, keep_warnings, &calls);
    assert_int_equal(calls, 4);
    assert_int_equal(fs.n, 1);
    assert_string_equal(fs.v[0].message, "w");
    al_findings_release(&fs);
}

static void test_finding_severity_names(void **state)
{
    enum al_severity sev = AL_SEV_ERROR;

    assert_string_equal(al_severity_name(AL_SEV_ERROR), "error");
    assert_string_equal(al_severity_name(AL_SEV_WARNING), "warning");
    assert_string_equal(al_severity_name(AL_SEV_NOTE), "note");
    assert_string_equal(al_severity_name(AL_SEV_NONE), "off");
    assert_int_equal(al_severity_parse("off", &sev), 0);
    assert_int_equal(sev, AL_SEV_NONE);
    assert_int_equal(al_severity_parse("note", &sev), 0);
    assert_int_equal(sev, AL_SEV_NOTE);
    assert_int_equal(al_severity_parse("warning", &sev), 0);
    assert_int_equal(sev, AL_SEV_WARNING);
    assert_int_equal(al_severity_parse("error", &sev), 0);
    assert_int_equal(sev, AL_SEV_ERROR);
    assert_int_equal(al_severity_parse("Error", &sev), -1);
    assert_int_equal(al_severity_parse("", &sev), -1);
    assert_int_equal(al_severity_parse("info", &sev), -1);
    assert_int_equal(sev, AL_SEV_ERROR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finding_add_copies_strings),
        cmocka_unit_test(test_finding_relate_frameworks_key),
        cmocka_unit_test(test_finding_sort_order),
        cmocka_unit_test(test_finding_sort_is_stable),
        cmocka_unit_test(test_finding_duplicates_removed),
        cmocka_unit_test(test_finding_fingerprint_known_value),
        cmocka_unit_test(test_finding_fingerprint_survives_line_moves),
        cmocka_unit_test(test_finding_fingerprint_inputs_separated),
        cmocka_unit_test(test_finding_fingerprint_same_subject_numbered),
        cmocka_unit_test(test_finding_finish_is_idempotent),
        cmocka_unit_test(test_finding_finish_empty),
        cmocka_unit_test(test_finding_retain_and_count),
        cmocka_unit_test(test_finding_severity_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
