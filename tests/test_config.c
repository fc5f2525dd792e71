/*
 * Tests for core/config.c: discovery upward, the schema, and errors at
 * their positions. Real files under /tmp; cmocka's checking allocator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "mem.h"

static char dir[] = "/tmp/al-config-XXXXXX";

static int setup(void **state)
{
    strcpy(dir, "/tmp/al-config-XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    char cmd[PATH_MAX];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *write_config(const char *name, const char *text)
{
    char *path = al_printf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads text as a configuration with stderr captured into err. */
static int load(struct al_config *c, const char *text, char *err, size_t n)
{
    char *path = write_config(".auditlint.yml", text);
    FILE *saved = stderr, *tmp = tmpfile();
    size_t got;
    int rc;

    stderr = tmp;
    al_config_init(c);
    rc = al_config_load(c, path, ".auditlint.yml");
    stderr = saved;
    rewind(tmp);
    got = fread(err, 1, n - 1, tmp);
    err[got] = '\0';
    fclose(tmp);
    al_free(path);
    return rc;
}

static void test_config_find_upward(void **state)
{
    char *path = write_config(".auditlint.yaml", "as_of: 2026-01-01\n");
    char *sub = al_printf("%s/a/b", dir), *mid = al_printf("%s/a", dir);
    char *found;

    assert_int_equal(mkdir(mid, 0755), 0);
    assert_int_equal(mkdir(sub, 0755), 0);
    found = al_config_find(sub);
    assert_non_null(found);
    assert_string_equal(found, path);
    al_free(found);
    al_free(sub);
    al_free(mid);
    al_free(path);
}

static void test_config_reads_every_key(void **state)
{
    struct al_config c;
    char err[2048];

    assert_int_equal(load(&c,
        "frameworks:\n  soc2: {categories: [security]}\n  iso27001:\n"
        "as_of: 2026-12-01\ninclude: ['**/*']\nexclude: [drafts/**]\n"
        "rule_paths: [lint-rules/]\n"
        "rules:\n  required-fields: error\n"
        "  evidence-freshness: {severity: warning, grace_days: 14}\n"
        "  vague-language: off\n"
        "expectations:\n  - requirement: iso27001:A.5.18\n"
        "    frequency: quarterly\n"
        "exceptions:\n  - rule: scope-consistency\n    path: scope.yml\n"
        "    reason: r\n    owner: o\n    expires: 2027-03-31\n"
        "limits: {max_depth: 10}\n", err, sizeof(err)), 0);
    assert_string_equal(err, "");
    assert_string_equal(c.as_of, "2026-12-01");
    assert_int_equal(c.exclude.n, 1);
    assert_string_equal(c.exclude.v[0], "drafts/**");
    assert_int_equal(c.nrules, 3);
    assert_int_equal(c.rules[0].sev, AL_SEV_ERROR);
    assert_int_equal(c.rules[1].sev, AL_SEV_WARNING);
    assert_non_null(c.rules[1].options);
    assert_int_equal(c.rules[2].sev, AL_SEV_NONE);
    assert_int_equal(c.limits.max_depth, 10);
    al_config_release(&c);
}

static void test_config_errors_at_positions(void **state)
{
    struct al_config c;
    char err[2048];

    assert_int_equal(load(&c,
        "frameworks:\n  soc3: {}\n"
        "as_of: 2026-13-45\n"
        "colour: red\n"
        "rules:\n  x: loud\n"
        "exceptions:\n  - rule: x\n", err, sizeof(err)), -1);
    assert_non_null(strstr(err, ".auditlint.yml:2:3: error: unknown "
                           "framework 'soc3'"));
    assert_non_null(strstr(err, ".auditlint.yml:3:8: error: 'as_of'"));
    assert_non_null(strstr(err, ".auditlint.yml:4:1: error: unknown key "
                           "'colour'"));
    assert_non_null(strstr(err, ".auditlint.yml:6:6: error: unknown "
                           "severity 'loud'"));
    assert_non_null(strstr(err, ".auditlint.yml:8:5: error: this "
                           "'exceptions' item has no 'reason'"));
    al_config_release(&c);
}

static void test_config_syntax_error(void **state)
{
    struct al_config c;
    char err[2048];

    assert_int_equal(load(&c, "rules: [a\n", err, sizeof(err)), -1);
    assert_non_null(strstr(err, ".auditlint.yml:2:"));
    assert_non_null(strstr(err, "[parse-error]"));
    al_config_release(&c);
}

static void test_config_date_valid(void **state)
{
    assert_int_equal(al_date_valid("2024-02-29"), 0);
    assert_int_equal(al_date_valid("2023-02-29"), -1);
    assert_int_equal(al_date_valid("2026-13-01"), -1);
    assert_int_equal(al_date_valid("2026-1-01"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_config_find_upward, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_config_reads_every_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_config_errors_at_positions,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_syntax_error, setup,
                                        teardown),
        cmocka_unit_test(test_config_date_valid),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
