/*
 * Tests for core/baseline.c: the file written, findings hidden by it
 * after lines moved, and every way a baseline file can be broken. Real
 * files under /tmp; cmocka's checking allocator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "mem.h"

static char dir[] = "/tmp/al-baseline-XXXXXX";

static int setup(void **state)
{
    strcpy(dir, "/tmp/al-baseline-XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    char cmd[PATH_MAX];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void add(struct al_findings *fs, const char *rule, const char *file,
                unsigned line, const char *message, const char *key)
{
    struct al_finding *f = al_findings_add(fs, rule, AL_SEV_WARNING, file,
                                           line, 3, message);

    if (key != NULL)
        al_finding_key(f, key);
}

/* The findings of one run; shift moves every line down. */
static void run(struct al_findings *fs, unsigned shift)
{
    al_findings_init(fs);
    add(fs, "stricter-frequency", "controls/access.yml", 6 + shift,
        "access reviews run 'annual'", "AC-2");
    add(fs, "stricter-frequency", "controls/access.yml", 12 + shift,
        "backups run 'annual'", "BK-1");
    add(fs, "control-owner", "controls/access.yml", 4 + shift,
        "control 'AC-2' is owned by a team", "AC-2");
    add(fs, "review-date", "policies/a\"b.md", 2 + shift,
        "policy 'a' was last reviewed in 2019", NULL);
    al_findings_finish(fs);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = al_malloc(8192);
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, 8191, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Parses text; returns the result and what went to stderr in err. */
static int parse(struct al_baseline *b, const char *text, char *err,
                 size_t n)
{
    FILE *saved = stderr, *tmp = tmpfile();
    size_t got;
    int rc;

    stderr = tmp;
    rc = al_baseline_parse(b, "base.json", text, strlen(text));
    stderr = saved;
    rewind(tmp);
    got = fread(err, 1, n - 1, tmp);
    err[got] = '\0';
    fclose(tmp);
    return rc;
}

static void test_baseline_write_is_sorted_and_stable(void **state)
{
    struct al_findings fs;
    char *path = al_printf("%s/baseline.json", dir), *text, *again;
    char expect[1024];

    run(&fs, 0);
    assert_int_equal(al_baseline_write(path, &fs), 0);
    text = slurp(path);
    snprintf(expect, sizeof(expect),
             "{\n  \"version\": 1,\n  \"findings\": [\n"
             "    {\"fingerprint\": \"%s\", \"rule\": \"control-owner\", "
             "\"file\": \"controls/access.yml\", \"message\": \"control "
             "'AC-2' is owned by a team\"},\n"
             "    {\"fingerprint\": \"%s\", \"rule\": \"stricter-frequency\""
             ", \"file\": \"controls/access.yml\", \"message\": \"%s\"},\n"
             "    {\"fingerprint\": \"%s\", \"rule\": \"stricter-frequency\""
             ", \"file\": \"controls/access.yml\", \"message\": \"%s\"},\n"
             "    {\"fingerprint\": \"%s\", \"rule\": \"review-date\", "
             "\"file\": \"policies/a\\\"b.md\", \"message\": \"policy 'a' "
             "was last reviewed in 2019\"}\n  ]\n}\n",
             fs.v[0].fingerprint,
             strcmp(fs.v[1].fingerprint, fs.v[2].fingerprint) < 0
             ? fs.v[1].fingerprint : fs.v[2].fingerprint,
             strcmp(fs.v[1].fingerprint, fs.v[2].fingerprint) < 0
             ? fs.v[1].message : fs.v[2].message,
             strcmp(fs.v[1].fingerprint, fs.v[2].fingerprint) < 0
             ? fs.v[2].fingerprint : fs.v[1].fingerprint,
             strcmp(fs.v[1].fingerprint, fs.v[2].fingerprint) < 0
             ? fs.v[2].message : fs.v[1].message,
             fs.v[3].fingerprint);
    assert_string_equal(text, expect);
    al_findings_release(&fs);
    run(&fs, 3);
    assert_int_equal(al_baseline_write(path, &fs), 0);
    again = slurp(path);
    assert_string_equal(again, text);
    al_free(again);
    al_free(text);
    al_findings_release(&fs);
    al_free(path);
}

static void test_baseline_hides_findings_after_lines_move(void **state)
{
    struct al_findings fs;
    char *path = al_printf("%s/baseline.json", dir);
    size_t hidden = 99, stale = 99;

    run(&fs, 0);
    assert_int_equal(al_baseline_write(path, &fs), 0);
    al_findings_release(&fs);
    run(&fs, 3);
    add(&fs, "stricter-frequency", "controls/access.yml", 40,
        "new: logs run 'annual'", "LG-1");
    al_findings_finish(&fs);
    assert_int_equal(al_baseline_apply(path, &fs, &hidden, &stale), 0);
    assert_int_equal(hidden, 4);
    assert_int_equal(stale, 0);
    assert_int_equal(fs.n, 1);
    assert_string_equal(fs.v[0].key, "LG-1");
    assert_int_equal(fs.v[0].at.line, 40);
    al_findings_release(&fs);
    al_free(path);
}

static void test_baseline_counts_stale_entries(void **state)
{
    struct al_findings fs;
    struct al_baseline b;
    char *path = al_printf("%s/baseline.json", dir);
    size_t stale = 99;

    run(&fs, 0);
    assert_int_equal(al_baseline_write(path, &fs), 0);
    al_findings_release(&fs);
    al_findings_init(&fs);
    add(&fs, "control-owner", "controls/access.yml", 9,
        "control 'AC-2' is owned by a team", "AC-2");
    al_findings_finish(&fs);
    al_baseline_init(&b);
    assert_int_equal(al_baseline_load(&b, path), 0);
    assert_int_equal(b.n, 4);
    assert_true(al_baseline_has(&b, fs.v[0].fingerprint));
    assert_false(al_baseline_has(&b, "0000000000000000"));
    assert_false(al_baseline_has(&b, "short"));
    assert_int_equal(al_baseline_filter(&b, &fs, &stale), 1);
    assert_int_equal(stale, 3);
    assert_int_equal(fs.n, 0);
    al_baseline_release(&b);
    al_findings_release(&fs);
    al_free(path);
}

/* Writes fs to path with stderr captured into err. */
static int write_quietly(const char *path, const struct al_findings *fs,
                         char *err, size_t n)
{
    FILE *saved = stderr, *tmp = tmpfile();
    size_t got;
    int rc;

    stderr = tmp;
    rc = al_baseline_write(path, fs);
    stderr = saved;
    rewind(tmp);
    got = fread(err, 1, n - 1, tmp);
    err[got] = '\0';
    fclose(tmp);
    return rc;
}

/* Returns how many entries but '.' and '..' the directory d has. */
static int entries(const char *d)
{
    DIR *h = opendir(d);
    struct dirent *e;
    int n = 0;

    assert_non_null(h);
    while ((e = readdir(h)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(h);
    return n;
}

static void test_baseline_write_is_atomic(void **state)
{
    struct al_findings fs;
    char *path = al_printf("%s/baseline.json", dir), *text;
    char *bad = al_printf("%s/missing/baseline.json", dir);
    char err[512], want[512];
    struct stat st;

    spit(path, "old");
    assert_int_equal(chmod(path, 0640), 0);
    al_findings_init(&fs);
    assert_int_equal(al_baseline_write(path, &fs), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    assert_int_equal(entries(dir), 1);
    text = slurp(path);
    assert_string_equal(text, "{\n  \"version\": 1,\n  \"findings\": []\n}\n");
    assert_int_equal(write_quietly(bad, &fs, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "auditlint: error: cannot write baseline "
             "'%s': No such file or directory\n", bad);
    assert_string_equal(err, want);
    assert_int_equal(entries(dir), 1);
    al_findings_release(&fs);
    al_free(text);
    al_free(bad);
    al_free(path);
}

static void test_baseline_reads_any_layout(void **state)
{
    struct al_baseline b;
    char err[256];

    al_baseline_init(&b);
    assert_int_equal(parse(&b, " \r\n{\"findings\":[{\"line\": [1, {\"x\": "
                           "null}], \"fingerprint\":\"00000000000000ff\","
                           "\"extra\":true},{\"fingerprint\": "
                           "\"\\u003000000000000000a\"},"
                           "{\"fingerprint\": \"00000000000000ff\", "
                           "\"message\": \"\\ud83d\\ude00 \\\"\\/\\n "
                           "\xc3\xa9\"}],"
                           "\"tool\": {\"v\": -1.5e+3},\"version\":1}\n",
                           err, sizeof(err)), 0);
    assert_string_equal(err, "");
    assert_int_equal(b.n, 2);
    assert_string_equal(b.v[0], "000000000000000a");
    assert_string_equal(b.v[1], "00000000000000ff");
    al_baseline_release(&b);
}

/* Expects text to be refused with exactly the message want. */
static void refused(const char *text, const char *want)
{
    struct al_baseline b;
    char err[512];

    al_baseline_init(&b);
    assert_int_equal(parse(&b, text, err, sizeof(err)), -1);
    assert_string_equal(err, want);
    al_baseline_release(&b);
}

static void test_baseline_errors_have_positions(void **state)
{
    refused("", "base.json:1:1: error: expected '{' opening a baseline "
            "object, found the end of the file [baseline]\n");
    refused("[]", "base.json:1:1: error: expected '{' opening a baseline "
            "object, found '[' [baseline]\n");
    refused("{\"version\": 1}", "base.json:1:1: error: not a baseline: it "
            "has no \"findings\" member [baseline]\n");
    refused("{\"findings\": []}", "base.json:1:1: error: not a baseline: "
            "it has no \"version\" member [baseline]\n");
    refused("{\"version\": 2, \"findings\": []}", "base.json:1:13: error: "
            "unsupported baseline version; this auditlint reads version 1 "
            "[baseline]\n");
    refused("{\"version\": 1,\n \"findings\": [\n  {\"rule\": \"x\"}]}",
            "base.json:3:3: error: this finding has no \"fingerprint\" "
            "[baseline]\n");
    refused("{\"version\": 1, \"findings\": [{\"fingerprint\": \"ABC\"}]}",
            "base.json:1:45: error: a fingerprint is 16 lowercase "
            "hexadecimal digits [baseline]\n");
    refused("{\"version\": 1, \"findings\": [1]}", "base.json:1:29: error: "
            "expected a finding object, found '1' [baseline]\n");
    refused("{\"version\": 1 \"findings\": []}", "base.json:1:15: error: "
            "expected ',' or '}', found '\"' [baseline]\n");
    refused("{\"version\": 1, \"findings\": []} x", "base.json:1:32: error: "
            "unexpected text after the baseline object [baseline]\n");
    refused("{\"version\": 1, \"findings\": [], \"x\": \"\\q\"}",
            "base.json:1:38: error: unknown escape in a string "
            "[baseline]\n");
    refused("{\"version\": 1, \"findings\": [], \"x\": \"\\ude00\"}",
            "base.json:1:38: error: a low surrogate '\\ude00' without a "
            "high one [baseline]\n");
    refused("{\"version\": 1, \"findings\": [], \"\xc3\xa9\": \"\xff\"}",
            "base.json:1:38: error: invalid UTF-8 in a string "
            "[baseline]\n");
    refused("{\"version\": 1, \"findings\": [], \"x\": \"open",
            "base.json:1:42: error: a string is not closed [baseline]\n");
    refused("{\"version\": 01, \"findings\": []}", "base.json:1:14: error: "
            "expected ',' or '}', found '1' [baseline]\n");
    refused("{\"version\": 1, \"findings\": [], \"x\": tru}",
            "base.json:1:37: error: expected a value, found 't' "
            "[baseline]\n");
    refused("{\"version\": 1, \"findings\": [], \"x\": "
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
            "[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
            "]]]]]]]]]]]}", "base.json:1:101: error: values nested more "
            "than 64 deep [baseline]\n");
}

static void test_baseline_load_missing_file(void **state)
{
    struct al_baseline b;
    struct al_findings fs;
    char *path = al_printf("%s/none.json", dir);
    char err[512], want[512];
    FILE *saved = stderr, *tmp = tmpfile();
    size_t hidden = 7, got;

    al_baseline_init(&b);
    al_findings_init(&fs);
    stderr = tmp;
    assert_int_equal(al_baseline_apply(path, &fs, &hidden, NULL), -1);
    stderr = saved;
    rewind(tmp);
    got = fread(err, 1, sizeof(err) - 1, tmp);
    err[got] = '\0';
    fclose(tmp);
    snprintf(want, sizeof(want), "auditlint: error: cannot read baseline "
             "'%s': No such file or directory\n", path);
    assert_string_equal(err, want);
    assert_int_equal(hidden, 7);
    al_baseline_release(&b);
    al_findings_release(&fs);
    al_free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_baseline_write_is_sorted_and_stable, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_baseline_hides_findings_after_lines_move, setup, teardown),
        cmocka_unit_test_setup_teardown(test_baseline_counts_stale_entries,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_baseline_write_is_atomic,
                                        setup, teardown),
        cmocka_unit_test(test_baseline_reads_any_layout),
        cmocka_unit_test(test_baseline_errors_have_positions),
        cmocka_unit_test_setup_teardown(test_baseline_load_missing_file,
                                        setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
