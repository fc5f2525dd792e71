/*
 * Tests for core/gitdiff.c: the hunk parser on git's own output, real
 * temporary git repositories (edits, deletions, renames, untracked and
 * ignored files, a root below the top level), refused revisions and the
 * findings filter. Needs git; cmocka's checking allocator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gitdiff.h"
#include "mem.h"

/* A commit that needs no identity or signing set up on the machine. */
#define COMMIT "git -c user.name=t -c user.email=t@example.com " \
               "-c commit.gpgsign=false commit -q"

static char dir[] = "/tmp/al-gitdiff-XXXXXX";

static int setup(void **state)
{
    strcpy(dir, "/tmp/al-gitdiff-XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    char cmd[PATH_MAX];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Runs a shell command in the temporary directory; it must succeed. */
static void sh(const char *cmd)
{
    char *full = al_printf("cd '%s' && { %s ; } >/dev/null 2>&1", dir, cmd);

    assert_int_equal(system(full), 0);
    al_free(full);
}

static void write_file(const char *rel, const char *text)
{
    char *path = al_printf("%s/%s", dir, rel);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    al_free(path);
}

static const struct al_gitdiff_file *file(const struct al_gitdiff *d,
                                          const char *path)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        if (strcmp(d->v[i].path, path) == 0)
            return &d->v[i];
    return NULL;
}

/* Asserts that range k of path is first..last. */
static void range(const struct al_gitdiff *d, const char *path, size_t k,
                  unsigned first, unsigned last)
{
    const struct al_gitdiff_file *f = file(d, path);

    assert_non_null(f);
    assert_true(k < f->n);
    assert_int_equal(f->v[k].first, first);
    assert_int_equal(f->v[k].last, last);
}

static int parse(struct al_gitdiff *d, const char *text, const char *prefix)
{
    return al_gitdiff_parse(d, text, strlen(text), prefix);
}

/*
 * Loads with stderr captured into err and git's own messages discarded;
 * returns the result.
 */
static int load(struct al_gitdiff *d, const char *root, const char *ref,
                char *err, size_t n)
{
    FILE *saved = stderr, *tmp = tmpfile();
    int fd2 = dup(2), null = open("/dev/null", O_WRONLY);
    size_t got;
    int rc;

    dup2(null, 2);
    stderr = tmp;
    rc = al_gitdiff_load(d, root, ref);
    stderr = saved;
    dup2(fd2, 2);
    close(fd2);
    close(null);
    rewind(tmp);
    got = fread(err, 1, n - 1, tmp);
    err[got] = '\0';
    fclose(tmp);
    return rc;
}

static const char sample[] =
    "diff --git a/empty.yml b/empty.yml\n"
    "new file mode 100644\n"
    "index 0000000..e69de29\n"
    "diff --git a/f one.yml b/f one.yml\n"
    "index 9405325..a1dc605 100644\n"
    "--- a/f one.yml\t\n"
    "+++ b/f one.yml\t\n"
    "@@ -2 +2 @@ a\n"
    "-b\n"
    "+B\n"
    "@@ -4 +3,0 @@ c\n"
    "-d\n"
    "diff --git a/old.yml b/new.yml\n"
    "similarity index 81%\n"
    "rename from old.yml\n"
    "rename to new.yml\n"
    "index f00c965..0e5ea2a 100644\n"
    "--- a/old.yml\n"
    "+++ b/new.yml\n"
    "@@ -10 +10,2 @@\n"
    "-10\n"
    "+TEN\n"
    "+++ b/not-a-header.yml\n"
    "\\ No newline at end of file\n"
    "diff --git \"a/q\\\"uote\\303\\251.yml\" \"b/q\\\"uote\\303\\251.yml\"\n"
    "index 587be6b..975fbec 100644\n"
    "--- \"a/q\\\"uote\\303\\251.yml\"\n"
    "+++ \"b/q\\\"uote\\303\\251.yml\"\n"
    "@@ -0,0 +1,3 @@\n"
    "+x\n+y\n+z\n"
    "diff --git a/gone.yml b/gone.yml\n"
    "deleted file mode 100644\n"
    "--- a/gone.yml\n"
    "+++ /dev/null\n"
    "@@ -1 +0,0 @@\n"
    "-x\n"
    "diff --git \"a/new \\\"e\\\".yml\" \"b/new \\\"e\\\".yml\"\n"
    "new file mode 100644\n"
    "index 0000000..e69de29";

static void test_gitdiff_parse_hunks(void **state)
{
    struct al_gitdiff d;

    al_gitdiff_init(&d);
    assert_int_equal(parse(&d, sample, ""), 0);
    assert_int_equal(d.n, 5);
    assert_string_equal(d.v[0].path, "empty.yml");
    assert_int_equal(d.v[0].whole, 1);
    assert_string_equal(d.v[1].path, "f one.yml");
    assert_int_equal(d.v[1].whole, 0);
    range(&d, "f one.yml", 0, 2, 2);
    range(&d, "f one.yml", 1, 3, 4);
    assert_int_equal(d.v[1].n, 2);
    assert_string_equal(d.v[2].path, "new \"e\".yml");
    assert_int_equal(d.v[2].whole, 1);
    range(&d, "new.yml", 0, 10, 11);
    assert_int_equal(file(&d, "new.yml")->n, 1);
    range(&d, "q\"uote\xc3\xa9.yml", 0, 1, 3);
    assert_null(file(&d, "gone.yml"));
    assert_null(file(&d, "old.yml"));
    assert_null(file(&d, "not-a-header.yml"));
    al_gitdiff_release(&d);
}

static void test_gitdiff_parse_prefix(void **state)
{
    struct al_gitdiff d;

    al_gitdiff_init(&d);
    assert_int_equal(parse(&d, "diff --git a/sub/a.yml b/sub/a.yml\n"
                           "--- a/sub/a.yml\n+++ b/sub/a.yml\n"
                           "@@ -1,0 +2,2 @@\n+a\n+b\n"
                           "diff --git a/other/b.yml b/other/b.yml\n"
                           "--- a/other/b.yml\n+++ b/other/b.yml\n"
                           "@@ -1 +1 @@\n-a\n+b\n"
                           "diff --git a/subway.yml b/subway.yml\n"
                           "--- a/subway.yml\n+++ b/subway.yml\n"
                           "@@ -0,0 +1 @@\n+a\n", "sub/"), 0);
    assert_int_equal(d.n, 1);
    range(&d, "a.yml", 0, 2, 3);
    al_gitdiff_release(&d);
}

static void test_gitdiff_changed_and_filter(void **state)
{
    struct al_gitdiff d;
    struct al_findings fs;
    struct al_finding *f;

    al_gitdiff_init(&d);
    parse(&d, "diff --git a/a.yml b/a.yml\n--- a/a.yml\n+++ b/a.yml\n"
          "@@ -5,2 +5,3 @@\n-a\n-b\n+a\n+b\n+c\n"
          "@@ -20 +20,0 @@\n-x\n", "");
    al_gitdiff_add_whole(&d, "new.yml");
    assert_true(al_gitdiff_changed(&d, "a.yml", 5));
    assert_true(al_gitdiff_changed(&d, "a.yml", 7));
    assert_false(al_gitdiff_changed(&d, "a.yml", 8));
    assert_false(al_gitdiff_changed(&d, "a.yml", 19));
    assert_true(al_gitdiff_changed(&d, "a.yml", 20));
    assert_true(al_gitdiff_changed(&d, "a.yml", 21));
    assert_true(al_gitdiff_changed(&d, "a.yml", 0));
    assert_true(al_gitdiff_changed(&d, "new.yml", 999));
    assert_false(al_gitdiff_changed(&d, "b.yml", 0));
    al_findings_init(&fs);
    al_findings_add(&fs, "r", AL_SEV_ERROR, "a.yml", 6, 1, "on a change");
    al_findings_add(&fs, "r", AL_SEV_ERROR, "a.yml", 9, 1, "off");
    f = al_findings_add(&fs, "r", AL_SEV_ERROR, "b.yml", 1, 1, "related");
    al_finding_relate(f, "a.yml", 7, 3, "changed here");
    f = al_findings_add(&fs, "r", AL_SEV_ERROR, "b.yml", 2, 1, "unrelated");
    al_finding_relate(f, "a.yml", 8, 3, "not changed");
    al_findings_add(&fs, "r", AL_SEV_ERROR, "new.yml", 3, 1, "new file");
    al_findings_add(&fs, "r", AL_SEV_ERROR, "a.yml", 0, 0, "whole file");
    al_findings_finish(&fs);
    assert_int_equal(al_gitdiff_filter(&d, &fs), 2);
    assert_int_equal(fs.n, 4);
    assert_string_equal(fs.v[0].message, "whole file");
    assert_string_equal(fs.v[1].message, "on a change");
    assert_string_equal(fs.v[2].message, "related");
    assert_string_equal(fs.v[3].message, "new file");
    al_findings_release(&fs);
    al_gitdiff_release(&d);
}

/* A repository with a committed subdirectory 'policies'. */
static void make_repo(void)
{
    sh("git init -q && mkdir policies && printf 'ignored.yml\\n' > "
       ".gitignore && printf '1\\n2\\n3\\n4\\n5\\n6\\n7\\n8\\n' > "
       "policies/a.yml && printf 'k: v\\nl: w\\nm: x\\nn: y\\no: z\\n' > "
       "policies/old.yml && printf 'top\\n' > top.yml && git add . && "
       COMMIT " -m one");
}

static void test_gitdiff_load_real_repository(void **state)
{
    struct al_gitdiff d;
    char err[512];

    make_repo();
    write_file("policies/a.yml", "1\nTWO\n3\n4\n6\n7\n8\nnine\n");
    sh("git mv policies/old.yml policies/new.yml");
    write_file("policies/new.yml", "k: v\nl: w\nm: CHANGED\nn: y\no: z\n");
    write_file("policies/fresh.yml", "a: 1\n");
    write_file("policies/ignored.yml", "a: 1\n");
    write_file("top.yml", "TOP\n");
    al_gitdiff_init(&d);
    assert_int_equal(load(&d, dir, "HEAD", err, sizeof(err)), 0);
    assert_string_equal(err, "");
    range(&d, "policies/a.yml", 0, 2, 2);
    range(&d, "policies/a.yml", 1, 4, 5);
    range(&d, "policies/a.yml", 2, 8, 8);
    range(&d, "policies/new.yml", 0, 3, 3);
    assert_int_equal(file(&d, "policies/new.yml")->n, 1);
    assert_int_equal(file(&d, "policies/fresh.yml")->whole, 1);
    assert_null(file(&d, "policies/ignored.yml"));
    assert_null(file(&d, "policies/old.yml"));
    range(&d, "top.yml", 0, 1, 1);
    assert_int_equal(d.n, 4);
    al_gitdiff_release(&d);
}

static void test_gitdiff_load_root_below_top_level(void **state)
{
    struct al_gitdiff d;
    char *root = al_printf("%s/policies", dir);
    char err[512];

    make_repo();
    write_file("policies/a.yml", "1\n2\n3\n4\n5\n6\n7\n8\n9\n");
    write_file("policies/fresh.yml", "a: 1\n");
    write_file("top.yml", "TOP\n");
    sh(COMMIT " -am two");
    write_file("policies/a.yml", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n");
    al_gitdiff_init(&d);
    assert_int_equal(load(&d, root, "HEAD~1", err, sizeof(err)), 0);
    assert_string_equal(err, "");
    assert_int_equal(d.n, 2);
    range(&d, "a.yml", 0, 1, 1);
    range(&d, "a.yml", 1, 10, 10);
    assert_int_equal(file(&d, "fresh.yml")->whole, 1);
    al_gitdiff_release(&d);
    al_free(root);
}

static void test_gitdiff_load_refuses_bad_revisions(void **state)
{
    static const char *const refs[] = {
        "--output=/tmp/al-gitdiff-pwned", "-p", "", "no-such-branch",
        "HEAD; touch pwned", "$(touch pwned)", "HEAD:top.yml",
    };
    struct al_gitdiff d;
    char err[512], want[512];
    size_t i;

    make_repo();
    for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
        al_gitdiff_init(&d);
        assert_int_equal(load(&d, dir, refs[i], err, sizeof(err)), -1);
        if (refs[i][0] == '-' || refs[i][0] == '\0')
            snprintf(want, sizeof(want), "auditlint: error: "
                     "'--changed-since' needs a git revision, not '%s'\n",
                     refs[i]);
        else
            snprintf(want, sizeof(want), "auditlint: error: unknown "
                     "revision '%s': it names no commit of the git "
                     "repository at '%s'\n", refs[i], dir);
        assert_string_equal(err, want);
        assert_int_equal(d.n, 0);
        al_gitdiff_release(&d);
    }
    sh("test ! -e pwned && test ! -e /tmp/al-gitdiff-pwned");
}

static void test_gitdiff_load_outside_a_work_tree(void **state)
{
    struct al_gitdiff d;
    char err[512], want[512];

    al_gitdiff_init(&d);
    assert_int_equal(load(&d, dir, "HEAD", err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "auditlint: error: '%s' is not in a git "
             "work tree; '--changed-since' needs one\n", dir);
    assert_non_null(strstr(err, want));
    al_gitdiff_release(&d);
}

static void test_gitdiff_load_without_git(void **state)
{
    struct al_gitdiff d;
    char *path = getenv("PATH") ? al_strdup(getenv("PATH")) : NULL;
    char err[512];
    int rc;

    make_repo();
    setenv("PATH", dir, 1);
    al_gitdiff_init(&d);
    rc = load(&d, dir, "HEAD", err, sizeof(err));
    if (path != NULL)
        setenv("PATH", path, 1);
    assert_int_equal(rc, -1);
    assert_string_equal(err, "auditlint: error: cannot run 'git': No such "
                        "file or directory; '--changed-since' needs git\n");
    al_gitdiff_release(&d);
    al_free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gitdiff_parse_hunks),
        cmocka_unit_test(test_gitdiff_parse_prefix),
        cmocka_unit_test(test_gitdiff_changed_and_filter),
        cmocka_unit_test_setup_teardown(test_gitdiff_load_real_repository,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_gitdiff_load_root_below_top_level, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_gitdiff_load_refuses_bad_revisions, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_gitdiff_load_outside_a_work_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gitdiff_load_without_git,
                                        setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
