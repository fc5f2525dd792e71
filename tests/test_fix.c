/*
 * Tests for core/fix.c: replacements applied atomically, other bytes and
 * the file mode kept, overlapping fixes refused. Real files under /tmp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fix.h"
#include "mem.h"

static char dir[] = "/tmp/al-fix-XXXXXX";

static void write_file(const char *name, const char *text, mode_t mode)
{
    char *path = al_printf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
    al_free(path);
}

static void read_back(const char *name, char *buf, size_t n, mode_t *mode)
{
    char *path = al_printf("%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    struct stat st;
    size_t got;

    assert_non_null(f);
    got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
    assert_int_equal(stat(path, &st), 0);
    *mode = st.st_mode & 07777;
    al_free(path);
}

static int setup(void **state)
{
    strcpy(dir, "/tmp/al-fix-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[64];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_fix_replaces_only_the_range(void **state)
{
    static const char text[] = "controls:\r\n  - id: AC-1\r\n"
                               "    frequency: annual # keep\r\n";
    struct al_findings fs;
    struct al_finding *f;
    size_t at = strstr(text, "annual") - text;
    char buf[256];
    mode_t mode;

    write_file("c.yml", text, 0640);
    al_findings_init(&fs);
    f = al_findings_add(&fs, "r", AL_SEV_WARNING, "c.yml", 3, 16, "lax");
    al_finding_fix(f, at, at + 6, "quarterly");
    al_findings_add(&fs, "other", AL_SEV_ERROR, "c.yml", 2, 5, "kept");
    al_findings_finish(&fs);
    assert_int_equal(al_fix_apply(dir, &fs), 1);
    assert_int_equal(fs.n, 1);
    assert_string_equal(fs.v[0].rule, "other");
    read_back("c.yml", buf, sizeof(buf), &mode);
    assert_string_equal(buf, "controls:\r\n  - id: AC-1\r\n"
                             "    frequency: quarterly # keep\r\n");
    assert_int_equal(mode, 0640);
    al_findings_release(&fs);
}

static void test_fix_overlap_is_refused(void **state)
{
    struct al_findings fs;
    char buf[64];
    mode_t mode;
    FILE *saved = stderr;

    write_file("o.yml", "a: annual\n", 0644);
    al_findings_init(&fs);
    al_finding_fix(al_findings_add(&fs, "r", AL_SEV_NOTE, "o.yml", 1, 4,
                                   "x"), 3, 9, "monthly");
    al_finding_fix(al_findings_add(&fs, "s", AL_SEV_NOTE, "o.yml", 1, 4,
                                   "y"), 5, 9, "x");
    al_findings_finish(&fs);
    stderr = fopen("/dev/null", "w");
    assert_int_equal(al_fix_apply(dir, &fs), 1);
    fclose(stderr);
    stderr = saved;
    assert_int_equal(fs.n, 1);
    read_back("o.yml", buf, sizeof(buf), &mode);
    assert_string_equal(buf, "a: monthly\n");
    al_findings_release(&fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fix_replaces_only_the_range,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_fix_overlap_is_refused, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
