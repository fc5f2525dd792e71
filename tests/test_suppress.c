/*
 * Tests for core/suppress.c: the comment scanner, inline suppressions and
 * the exceptions register applied to findings, their diagnostics and the
 * listing. Real files under /tmp; cmocka's checking allocator.
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
#include <unistd.h>

#include "load.h"
#include "mem.h"
#include "suppress.h"

static char dir[] = "/tmp/al-suppress-XXXXXX";

static int setup(void **state)
{
    strcpy(dir, "/tmp/al-suppress-XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    char cmd[PATH_MAX];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes a file of the temporary repository and adds it to w. */
static void add_file(struct al_walk *w, const char *rel, const char *text)
{
    char *path = al_printf("%s/%s", dir, rel);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    al_grow(&w->v, &w->cap, w->n + 1, sizeof(*w->v));
    w->v[w->n].fs_path = path;
    w->v[w->n].path = al_strdup(rel);
    w->n++;
}

static size_t scan(struct al_suppressions *s, const char *path,
                   const char *text)
{
    return al_suppress_scan(s, path, text, strlen(text));
}

/* Loads a configuration text; returns its 'exceptions:' value. */
static const struct al_node *exceptions_of(struct al_file *f,
                                           const char *text)
{
    struct al_findings fs;
    struct al_limits lim;
    const struct al_node *root;
    size_t i;

    al_findings_init(&fs);
    al_limits_default(&lim);
    al_load_buffer(f, ".auditlint.yml", text, strlen(text), &lim, &fs);
    assert_int_equal(fs.n, 0);
    al_findings_release(&fs);
    root = f->docs[0];
    for (i = 0; i < root->n; i++)
        if (strcmp(root->items[2 * i]->str, "exceptions") == 0)
            return root->items[2 * i + 1];
    return NULL;
}

static struct al_finding *add(struct al_findings *fs, const char *rule,
                              const char *file, unsigned line,
                              const char *message, const char *key)
{
    struct al_finding *f = al_findings_add(fs, rule, AL_SEV_WARNING, file,
                                           line, 1, message);

    if (key != NULL)
        al_finding_key(f, key);
    return f;
}

/* Returns the index of the finding of rule at file:line, or fs->n. */
static size_t find(const struct al_findings *fs, const char *rule,
                   const char *file, unsigned line)
{
    size_t i;

    for (i = 0; i < fs->n; i++)
        if (strcmp(fs->v[i].rule, rule) == 0
            && strcmp(fs->v[i].at.file, file) == 0
            && fs->v[i].at.line == line)
            return i;
    return fs->n;
}

/* Reads back what was written to f (a tmpfile) into buf. */
static void read_back(FILE *f, char *buf, size_t n)
{
    size_t got;

    rewind(f);
    got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
}

static void test_suppress_scan_trailing_comment(void **state)
{
    struct al_suppressions s;

    al_suppressions_init(&s);
    assert_int_equal(scan(&s, "a.yml", "a: 1\nb: 2  # auditlint-ignore r1 "
                          "-- agreed with the auditor \n"), 1);
    assert_int_equal(s.v[0].kind, AL_SUPPRESS_INLINE);
    assert_int_equal(s.v[0].status, AL_SUPPRESS_ACTIVE);
    assert_string_equal(s.v[0].rule, "r1");
    assert_string_equal(s.v[0].file, "a.yml");
    assert_int_equal(s.v[0].line, 2);
    assert_int_equal(s.v[0].col, 7);
    assert_int_equal(s.v[0].alone, 0);
    assert_int_equal(s.v[0].target, 0);
    assert_string_equal(s.v[0].reason, "agreed with the auditor");
    assert_null(s.v[0].owner);
    al_suppressions_release(&s);
}

static void test_suppress_scan_comment_lines_cover_next(void **state)
{
    struct al_suppressions s;

    al_suppressions_init(&s);
    assert_int_equal(scan(&s, "a.yml", "x: 0\n"
                          "  # auditlint-ignore r1 -- one\n"
                          "#auditlint-ignore r2,r3 , r4 -- two\r\n"
                          "key: v\n"
                          "\n"
                          "# auditlint-ignore r5 -- three\n"), 5);
    assert_int_equal(s.v[0].line, 2);
    assert_int_equal(s.v[0].col, 3);
    assert_int_equal(s.v[0].target, 4);
    assert_string_equal(s.v[1].rule, "r2");
    assert_string_equal(s.v[2].rule, "r3");
    assert_string_equal(s.v[3].rule, "r4");
    assert_int_equal(s.v[3].line, 3);
    assert_int_equal(s.v[3].target, 4);
    assert_string_equal(s.v[3].reason, "two");
    assert_int_equal(s.v[4].line, 6);
    assert_int_equal(s.v[4].target, 7);
    al_suppressions_release(&s);
}

static void test_suppress_scan_markdown(void **state)
{
    struct al_suppressions s;

    al_suppressions_init(&s);
    assert_int_equal(scan(&s, "p.md", "---\n"
                          "owner: it # auditlint-ignore r0 -- fm\n"
                          "---\n"
                          "<!-- auditlint-ignore r1 -- why -->\n"
                          "## Heading\n"
                          "```yaml\n"
                          "# auditlint-ignore r2 -- in a code block\n"
                          "```\n"
                          "Text <!-- auditlint-ignore r3 -- x --> more\n"
                          "~~~~\n<!-- auditlint-ignore r4 -- x -->\n~~~\n"),
                     3);
    assert_string_equal(s.v[0].rule, "r0");
    assert_int_equal(s.v[0].line, 2);
    assert_int_equal(s.v[0].col, 11);
    assert_string_equal(s.v[1].rule, "r1");
    assert_int_equal(s.v[1].line, 4);
    assert_int_equal(s.v[1].alone, 1);
    assert_int_equal(s.v[1].target, 5);
    assert_string_equal(s.v[1].reason, "why");
    assert_string_equal(s.v[2].rule, "r3");
    assert_int_equal(s.v[2].col, 6);
    assert_int_equal(s.v[2].target, 0);
    assert_string_equal(s.v[2].reason, "x");
    al_suppressions_release(&s);
}

static void test_suppress_scan_problems(void **state)
{
    struct al_suppressions s;

    al_suppressions_init(&s);
    assert_int_equal(scan(&s, "a.yml", "# auditlint-ignore r1\n"
                          "# auditlint-ignore r2 --   \n"
                          "# auditlint-ignore * -- all\n"
                          "# auditlint-ignore -- nothing named\n"
                          "<!-- auditlint-ignore r3 -- not closed\n"
                          "# auditlint-ignore r4 -- a -- b\n"
                          "# auditlint-ignore r$ -- odd\n"), 7);
    assert_int_equal(s.v[0].status, AL_SUPPRESS_NO_REASON);
    assert_null(s.v[0].reason);
    assert_int_equal(s.v[1].status, AL_SUPPRESS_NO_REASON);
    assert_int_equal(s.v[2].status, AL_SUPPRESS_INVALID);
    assert_string_equal(s.v[2].rule, "*");
    assert_string_equal(s.v[2].problem,
                        "'*' is not accepted: name each rule to suppress");
    assert_int_equal(s.v[3].status, AL_SUPPRESS_INVALID);
    assert_string_equal(s.v[3].rule, "");
    assert_string_equal(s.v[3].problem, "the comment names no rule");
    assert_int_equal(s.v[4].status, AL_SUPPRESS_INVALID);
    assert_string_equal(s.v[4].problem,
                        "the comment must close with '-->' on its line");
    assert_int_equal(s.v[5].status, AL_SUPPRESS_ACTIVE);
    assert_string_equal(s.v[5].reason, "a -- b");
    assert_int_equal(s.v[6].status, AL_SUPPRESS_INVALID);
    al_suppressions_release(&s);
}

static void test_suppress_scan_ignores_lookalikes(void **state)
{
    struct al_suppressions s;
    static const char binary[] = "# auditlint-ignore r -- x\n\0\1";

    al_suppressions_init(&s);
    assert_int_equal(scan(&s, "a.yml", "a: b#auditlint-ignore r -- x\n"
                          "# auditlint-ignored r -- x\n"
                          "# auditlint-ignore-file r -- x\n"
                          "t: 'auditlint-ignore r -- x'\n"
                          "u: auditlint-ignore r -- x\n"), 0);
    assert_int_equal(al_suppress_scan(&s, "b.yml", binary, sizeof(binary)),
                     0);
    assert_int_equal(s.n, 0);
    al_suppressions_release(&s);
}

static void test_suppress_scan_columns_count_characters(void **state)
{
    struct al_suppressions s;

    al_suppressions_init(&s);
    assert_int_equal(scan(&s, "a.yml", "\xc3\xa9t\xc3\xa9: x  "
                          "# auditlint-ignore r -- y\n"), 1);
    assert_int_equal(s.v[0].col, 9);
    al_suppressions_release(&s);
}

static void test_suppress_apply_inline(void **state)
{
    struct al_findings fs;
    struct al_suppressions s;
    struct al_walk w = {NULL, 0, 0};

    add_file(&w, "c.yml", "a: 1 # auditlint-ignore r1 -- fine here\n"
             "# auditlint-ignore r2, r9 -- accepted risk\n"
             "b: 2\n");
    add_file(&w, "d.yml", "a: 1\n");
    al_findings_init(&fs);
    al_suppressions_init(&s);
    add(&fs, "r1", "c.yml", 1, "one", NULL);
    add(&fs, "r2", "c.yml", 1, "other rule, same line", NULL);
    add(&fs, "r2", "c.yml", 3, "next line", NULL);
    add(&fs, "r1", "d.yml", 1, "other file", NULL);
    add(&fs, "r1", "c.yml", 3, "r1 only on its own line", NULL);
    al_findings_finish(&fs);
    assert_int_equal(al_suppress_apply(&fs, &w, NULL, NULL, NULL, 0,
                                       "2026-12-01", &s), 0);
    al_findings_finish(&fs);
    assert_int_equal(fs.n, 4);
    assert_int_not_equal(find(&fs, "r2", "c.yml", 1), fs.n);
    assert_int_not_equal(find(&fs, "r1", "d.yml", 1), fs.n);
    assert_int_not_equal(find(&fs, "r1", "c.yml", 3), fs.n);
    assert_int_equal(find(&fs, "r1", "c.yml", 1), fs.n);
    assert_int_equal(find(&fs, "r2", "c.yml", 3), fs.n);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.v[0].covered, 1);
    assert_int_equal(s.v[1].covered, 1);
    assert_int_equal(s.v[2].status, AL_SUPPRESS_UNUSED);
    assert_string_equal(fs.v[find(&fs, "unused-suppression", "c.yml", 2)]
                        .message, "suppression of 'r9' covers no finding; "
                        "remove it");
    assert_int_equal(fs.v[find(&fs, "unused-suppression", "c.yml", 2)]
                     .severity, AL_SEV_NOTE);
    al_suppressions_release(&s);
    al_findings_release(&fs);
    al_walk_release(&w);
}

static void test_suppress_apply_reason_forbidden_invalid(void **state)
{
    static const char *const forbid[] = {"scope-*"};
    struct al_findings fs;
    struct al_walk w = {NULL, 0, 0};
    size_t i;

    add_file(&w, "c.yml", "a: 1 # auditlint-ignore r1, r2\n"
             "b: 2 # auditlint-ignore scope-consistency -- not in scope\n"
             "c: 3 # auditlint-ignore * -- everything\n"
             "d: 4 # auditlint-ignore -- nothing named\n");
    al_findings_init(&fs);
    add(&fs, "r1", "c.yml", 1, "one", NULL);
    add(&fs, "scope-consistency", "c.yml", 2, "two", NULL);
    add(&fs, "r3", "c.yml", 3, "three", NULL);
    al_findings_finish(&fs);
    assert_int_equal(al_suppress_apply(&fs, &w, NULL, NULL, forbid, 1,
                                       "2026-12-01", NULL), 0);
    al_findings_finish(&fs);
    assert_int_equal(fs.n, 7);
    i = find(&fs, "suppression-reason", "c.yml", 1);
    assert_int_not_equal(i, fs.n);
    assert_int_equal(fs.v[i].severity, AL_SEV_WARNING);
    assert_int_equal(fs.v[i].at.col, 6);
    assert_string_equal(fs.v[i].message, "suppression of 'r1' has no "
                        "reason, so it suppresses nothing; write "
                        "'auditlint-ignore r1 -- WHY'");
    i = find(&fs, "forbidden-suppression", "c.yml", 2);
    assert_int_not_equal(i, fs.n);
    assert_string_equal(fs.v[i].message, "the configuration forbids inline "
                        "suppressions of 'scope-consistency'; record a "
                        "reviewed exception in 'exceptions:' instead");
    i = find(&fs, "invalid-suppression", "c.yml", 3);
    assert_int_not_equal(i, fs.n);
    assert_string_equal(fs.v[i].message, "invalid suppression '*': '*' is "
                        "not accepted: name each rule to suppress");
    i = find(&fs, "invalid-suppression", "c.yml", 4);
    assert_int_not_equal(i, fs.n);
    assert_string_equal(fs.v[i].message, "invalid suppression: the comment "
                        "names no rule");
    assert_int_not_equal(find(&fs, "r1", "c.yml", 1), fs.n);
    assert_int_not_equal(find(&fs, "scope-consistency", "c.yml", 2), fs.n);
    assert_int_not_equal(find(&fs, "r3", "c.yml", 3), fs.n);
    al_findings_release(&fs);
    al_walk_release(&w);
}

static const char config[] =
    "exceptions:\n"
    "  - rule: scope-consistency\n"
    "    path: scope.yml\n"
    "    reason: data centre excluded until the 2027 move\n"
    "    owner: ciso@example.com\n"
    "    expires: 2027-03-31\n"
    "  - rule: control-owner\n"
    "    path: 'controls/**'\n"
    "    id: AC-1\n"
    "    reason: owner being hired\n"
    "    owner: cto@example.com\n"
    "    expires: 2026-12-20\n"
    "  - rule: stale-evidence\n"
    "    reason: auditor accepted the old export\n"
    "    owner: ciso@example.com\n"
    "    expires: 2026-11-30\n"
    "  - rule: vendor-assessment\n"
    "    key: acme\n"
    "    reason: contract ends this year\n"
    "    owner: cfo@example.com\n"
    "    expires: 2027-06-30\n";

static void test_suppress_apply_exceptions(void **state)
{
    struct al_findings fs;
    struct al_suppressions s;
    struct al_file cfg;
    const struct al_node *ex = exceptions_of(&cfg, config);
    size_t i;

    al_findings_init(&fs);
    al_suppressions_init(&s);
    add(&fs, "scope-consistency", "scope.yml", 4, "a", NULL);
    add(&fs, "scope-consistency", "scope.yml", 9, "b", NULL);
    add(&fs, "scope-consistency", "other/scope.yml", 1, "c", NULL);
    add(&fs, "scope-consistency", "other.yml", 1, "d", NULL);
    add(&fs, "control-owner", "controls/a.yml", 2, "e", "AC-1");
    add(&fs, "control-owner", "controls/a.yml", 8, "f", "AC-10");
    add(&fs, "control-owner", "controls/c.yml", 1, "h", "control:AC-1:owner");
    add(&fs, "control-owner", "controls/c.yml", 2, "i", "control:AC-1.2:x");
    add(&fs, "control-owner", "controls/b.yml", 3, "AC-1 has no owner",
        NULL);
    add(&fs, "control-owner", "controls/b.yml", 5, "AC-10 has no owner",
        NULL);
    add(&fs, "control-owner", "policies/a.yml", 2, "g", "AC-1");
    add(&fs, "stale-evidence", "evidence.yml", 2, "h", NULL);
    al_findings_finish(&fs);
    assert_int_equal(al_suppress_apply(&fs, NULL, ex, ".auditlint.yml",
                                       NULL, 0, "2026-12-01", &s), 0);
    al_findings_finish(&fs);
    assert_int_equal(find(&fs, "scope-consistency", "scope.yml", 4), fs.n);
    assert_int_equal(find(&fs, "scope-consistency", "scope.yml", 9), fs.n);
    assert_int_equal(find(&fs, "scope-consistency", "other/scope.yml", 1),
                     fs.n);
    assert_int_not_equal(find(&fs, "scope-consistency", "other.yml", 1),
                         fs.n);
    assert_int_equal(find(&fs, "control-owner", "controls/a.yml", 2), fs.n);
    assert_int_not_equal(find(&fs, "control-owner", "controls/a.yml", 8),
                         fs.n);
    assert_int_equal(find(&fs, "control-owner", "controls/b.yml", 3), fs.n);
    assert_int_equal(find(&fs, "control-owner", "controls/c.yml", 1), fs.n);
    assert_int_not_equal(find(&fs, "control-owner", "controls/c.yml", 2),
                         fs.n);
    assert_int_not_equal(find(&fs, "control-owner", "controls/b.yml", 5),
                         fs.n);
    assert_int_not_equal(find(&fs, "control-owner", "policies/a.yml", 2),
                         fs.n);
    assert_int_not_equal(find(&fs, "stale-evidence", "evidence.yml", 2),
                         fs.n);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.v[0].covered, 3);
    assert_int_equal(s.v[0].line, 2);
    assert_int_equal(s.v[0].col, 5);
    assert_string_equal(s.v[0].owner, "ciso@example.com");
    assert_int_equal(s.v[1].covered, 3);
    assert_string_equal(s.v[1].key, "AC-1");
    assert_int_equal(s.v[1].days_left, 19);
    assert_int_equal(s.v[2].status, AL_SUPPRESS_EXPIRED);
    assert_int_equal(s.v[2].days_left, -1);
    assert_int_equal(s.v[3].status, AL_SUPPRESS_UNUSED);
    assert_string_equal(s.v[3].key, "acme");

    i = find(&fs, "expired-exception", ".auditlint.yml", 16);
    assert_int_not_equal(i, fs.n);
    assert_int_equal(fs.v[i].severity, AL_SEV_ERROR);
    assert_int_equal(fs.v[i].at.col, 14);
    assert_string_equal(fs.v[i].message, "exception for 'stale-evidence' "
                        "expired on 2026-11-30; its findings are reported "
                        "again until it is renewed or removed");
    i = find(&fs, "expiring-exception", ".auditlint.yml", 12);
    assert_int_not_equal(i, fs.n);
    assert_int_equal(fs.v[i].severity, AL_SEV_NOTE);
    assert_string_equal(fs.v[i].message, "exception for 'control-owner' about "
                        "'AC-1' on 'controls/**' expires on 2026-12-20, in "
                        "19 days");
    i = find(&fs, "unused-exception", ".auditlint.yml", 17);
    assert_int_not_equal(i, fs.n);
    assert_string_equal(fs.v[i].message, "exception for "
                        "'vendor-assessment' about 'acme' covers no finding; "
                        "remove it");
    assert_int_equal(fs.n, 9);
    al_suppressions_release(&s);
    al_findings_release(&fs);
    al_file_release(&cfg);
}

static void test_suppress_apply_expiry_boundaries(void **state)
{
    struct al_findings fs;
    struct al_suppressions s;
    struct al_file cfg;
    const struct al_node *ex = exceptions_of(&cfg, "exceptions:\n"
        "  - {rule: a, reason: r, owner: o, expires: 2027-01-01}\n"
        "  - {rule: b, reason: r, owner: o, expires: 2026-12-31}\n"
        "  - {rule: c, reason: r, owner: o, expires: 2026-12-30}\n"
        "  - {rule: d, reason: , owner: o, expires: 2027-12-30}\n");
    char err[256];
    FILE *saved;

    al_findings_init(&fs);
    al_suppressions_init(&s);
    add(&fs, "a", "x.yml", 1, "m", NULL);
    add(&fs, "b", "x.yml", 1, "m", NULL);
    add(&fs, "c", "x.yml", 1, "m", NULL);
    add(&fs, "d", "x.yml", 1, "m", NULL);
    al_findings_finish(&fs);
    assert_int_equal(al_suppress_apply(&fs, NULL, ex, "cfg.yml", NULL, 0,
                                       "2026-12-31", &s), 0);
    al_findings_finish(&fs);
    assert_int_equal(s.v[0].days_left, 1);
    assert_int_equal(s.v[0].status, AL_SUPPRESS_ACTIVE);
    assert_int_equal(s.v[1].days_left, 0);
    assert_int_equal(s.v[1].status, AL_SUPPRESS_ACTIVE);
    assert_int_equal(s.v[2].status, AL_SUPPRESS_EXPIRED);
    assert_int_equal(find(&fs, "a", "x.yml", 1), fs.n);
    assert_int_equal(find(&fs, "b", "x.yml", 1), fs.n);
    assert_int_not_equal(find(&fs, "c", "x.yml", 1), fs.n);
    assert_int_equal(s.v[3].status, AL_SUPPRESS_NO_REASON);
    assert_int_not_equal(find(&fs, "d", "x.yml", 1), fs.n);
    assert_string_equal(fs.v[find(&fs, "suppression-reason", "cfg.yml", 5)]
                        .message, "exception for 'd' has no reason, so it "
                        "covers nothing; say why under 'reason:'");
    assert_string_equal(fs.v[find(&fs, "expiring-exception", "cfg.yml", 2)]
                        .message, "exception for 'a' expires on 2027-01-01, "
                        "in 1 day");
    saved = stderr;
    stderr = tmpfile();
    assert_int_equal(al_suppress_apply(&fs, NULL, ex, "cfg.yml", NULL, 0,
                                       "2026-02-30", NULL), -1);
    read_back(stderr, err, sizeof(err));
    stderr = saved;
    assert_string_equal(err, "auditlint: error: cannot apply exceptions: "
                        "'2026-02-30' is not a date written YYYY-MM-DD\n");
    al_suppressions_release(&s);
    al_findings_release(&fs);
    al_file_release(&cfg);
}

static void test_suppress_list_text_and_json(void **state)
{
    struct al_findings fs;
    struct al_suppressions s;
    struct al_walk w = {NULL, 0, 0};
    struct al_file cfg;
    const struct al_node *ex = exceptions_of(&cfg, "exceptions:\n"
        "  - {rule: a, path: x.yml, reason: \"r \\\"q\\\"\", owner: o, "
        "expires: 2027-01-01}\n");
    char buf[2048];
    FILE *f;

    add_file(&w, "x.yml", "k: v # auditlint-ignore b -- why\n");
    al_findings_init(&fs);
    al_suppressions_init(&s);
    add(&fs, "a", "x.yml", 1, "m", NULL);
    add(&fs, "b", "x.yml", 1, "m", NULL);
    al_findings_finish(&fs);
    assert_int_equal(al_suppress_apply(&fs, &w, ex, ".auditlint.yml", NULL,
                                       0, "2026-01-01", &s), 0);
    assert_int_equal(fs.n, 0);
    f = tmpfile();
    assert_int_equal(al_suppress_list(f, &s, AL_SUPPRESS_TEXT), 0);
    read_back(f, buf, sizeof(buf));
    assert_string_equal(buf,
        ".auditlint.yml:2:5: exception a: active, 1 finding, path 'x.yml', "
        "owner 'o', expires 2027-01-01: r \"q\"\n"
        "x.yml:1:6: inline b: active, 1 finding: why\n");
    f = tmpfile();
    assert_int_equal(al_suppress_list(f, &s, AL_SUPPRESS_JSON), 0);
    read_back(f, buf, sizeof(buf));
    assert_string_equal(buf,
        "{\n  \"suppressions\": [\n"
        "    {\"kind\": \"exception\", \"status\": \"active\", \"rule\": "
        "\"a\",\n"
        "     \"file\": \".auditlint.yml\", \"line\": 2, \"column\": 5, "
        "\"findings\": 1,\n"
        "     \"reason\": \"r \\\"q\\\"\", \"owner\": \"o\", \"expires\": "
        "\"2027-01-01\",\n"
        "     \"path\": \"x.yml\", \"id\": null},\n"
        "    {\"kind\": \"inline\", \"status\": \"active\", \"rule\": \"b\",\n"
        "     \"file\": \"x.yml\", \"line\": 1, \"column\": 6, "
        "\"findings\": 1,\n"
        "     \"reason\": \"why\", \"owner\": null, \"expires\": null,\n"
        "     \"path\": null, \"id\": null}\n"
        "  ]\n}\n");
    al_suppressions_release(&s);
    f = tmpfile();
    assert_int_equal(al_suppress_list(f, &s, AL_SUPPRESS_JSON), 0);
    read_back(f, buf, sizeof(buf));
    assert_string_equal(buf, "{\n  \"suppressions\": []\n}\n");
    al_findings_release(&fs);
    al_walk_release(&w);
    al_file_release(&cfg);
}

static void test_suppress_rules_sorted(void **state)
{
    size_t n, i;
    const struct al_rule_info *r = al_suppress_rules(&n);

    assert_int_equal(n, 7);
    for (i = 1; i < n; i++)
        assert_true(strcmp(r[i - 1].id, r[i].id) < 0);
    assert_string_equal(r[0].id, "expired-exception");
    assert_string_equal(r[0].severity, "error");
    assert_string_equal(al_suppress_status_name(AL_SUPPRESS_NO_REASON),
                        "no-reason");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suppress_scan_trailing_comment),
        cmocka_unit_test(test_suppress_scan_comment_lines_cover_next),
        cmocka_unit_test(test_suppress_scan_markdown),
        cmocka_unit_test(test_suppress_scan_problems),
        cmocka_unit_test(test_suppress_scan_ignores_lookalikes),
        cmocka_unit_test(test_suppress_scan_columns_count_characters),
        cmocka_unit_test_setup_teardown(test_suppress_apply_inline, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_suppress_apply_reason_forbidden_invalid, setup, teardown),
        cmocka_unit_test(test_suppress_apply_exceptions),
        cmocka_unit_test(test_suppress_apply_expiry_boundaries),
        cmocka_unit_test_setup_teardown(test_suppress_list_text_and_json,
                                        setup, teardown),
        cmocka_unit_test(test_suppress_rules_sorted),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
