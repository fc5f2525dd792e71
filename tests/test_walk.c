/*
 * Tests for core/walk.c: globs, order, skipped directories, symlinks.
 * Real directories under /tmp; built with cmocka's checking allocator.
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

#include "mem.h"
#include "walk.h"

static void touch(const char *dir, const char *name)
{
    char path[PATH_MAX];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("x: 1\n", f);
    fclose(f);
}

static void sub(const char *dir, const char *name)
{
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    assert_int_equal(mkdir(path, 0755), 0);
}

static void remove_tree(const char *dir)
{
    char cmd[PATH_MAX + 16];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_walk_glob_match(void **state)
{
    assert_true(al_glob_match("*.md", "policies/a.md"));
    assert_true(al_glob_match("drafts/**", "drafts/x/y.md"));
    assert_false(al_glob_match("drafts/**", "policies/drafts.md"));
    assert_true(al_glob_match("**/*.yml", "a.yml"));
    assert_true(al_glob_match("**/*.yml", "x/y/a.yml"));
    assert_true(al_glob_match("policies/*.md", "policies/a.md"));
    assert_false(al_glob_match("policies/*.md", "policies/sub/a.md"));
    assert_true(al_glob_match("./controls.yml", "controls.yml"));
    assert_true(al_glob_match("**/*", "anything/at/all"));
    assert_true(al_glob_match("[ab].md", "b.md"));
}

static void test_walk_sorted_and_skips(void **state)
{
    char dir[] = "/tmp/al-walk-XXXXXX", real[PATH_MAX];
    struct al_walk w = {0};
    struct al_findings fs;
    struct al_globs ex;
    char *pat[] = {"drafts/**"};

    assert_non_null(mkdtemp(dir));
    assert_non_null(realpath(dir, real));
    sub(dir, ".git");
    sub(dir, "node_modules");
    sub(dir, "drafts");
    sub(dir, "b");
    touch(dir, ".git/config.yml");
    touch(dir, "node_modules/x.yml");
    touch(dir, "drafts/d.md");
    touch(dir, "b/z.yml");
    touch(dir, "a.yml");
    touch(dir, "b-c.yml");
    ex.v = pat;
    ex.n = 1;
    al_findings_init(&fs);
    assert_int_equal(al_walk_add(&w, real, dir, NULL, &ex, &fs), 0);
    al_walk_finish(&w);
    assert_int_equal(w.n, 3);
    assert_string_equal(w.v[0].path, "a.yml");
    assert_string_equal(w.v[1].path, "b-c.yml");
    assert_string_equal(w.v[2].path, "b/z.yml");
    assert_int_equal(fs.n, 0);
    al_walk_release(&w);
    al_findings_release(&fs);
    remove_tree(dir);
}

static void test_walk_symlink_loop_and_escape(void **state)
{
    char dir[] = "/tmp/al-walk-XXXXXX", real[PATH_MAX], link[PATH_MAX];
    struct al_walk w = {0};
    struct al_findings fs;

    assert_non_null(mkdtemp(dir));
    assert_non_null(realpath(dir, real));
    sub(dir, "a");
    touch(dir, "a/x.yml");
    snprintf(link, sizeof(link), "%s/a/loop", dir);
    assert_int_equal(symlink("..", link), 0);
    snprintf(link, sizeof(link), "%s/out", dir);
    assert_int_equal(symlink("/etc", link), 0);
    al_findings_init(&fs);
    assert_int_equal(al_walk_add(&w, real, dir, NULL, NULL, &fs), 0);
    al_walk_finish(&w);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.v[0].path, "a/x.yml");
    assert_int_equal(fs.n, 1);
    assert_non_null(strstr(fs.v[0].message, "loop"));
    al_walk_release(&w);
    al_findings_release(&fs);
    remove_tree(dir);
}

static void test_walk_relative(void **state)
{
    char *s = al_relative("/r", "/r/a/b.yml");

    assert_string_equal(s, "a/b.yml");
    al_free(s);
    s = al_relative("/r", "/rx/a.yml");
    assert_string_equal(s, "/rx/a.yml");
    al_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walk_glob_match),
        cmocka_unit_test(test_walk_sorted_and_skips),
        cmocka_unit_test(test_walk_symlink_loop_and_escape),
        cmocka_unit_test(test_walk_relative),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
