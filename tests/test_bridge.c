/*
 * Tests for core/bridge.c through the check pipeline: the sandbox, the
 * budgets, rule failures, and positions of reported model values. Each
 * test writes a small repository and rules to a temporary directory and
 * runs the real loader, Lua state and rules on it.
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

#include "check.h"
#include "mem.h"

struct repo {
    char dir[64];
    char rules[96];
    struct al_check c;
    struct al_check_opts o;
    const char *paths[1];
    const char *rule_dirs[1];
};

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void repo_init(struct repo *r)
{
    memset(r, 0, sizeof(*r));
    strcpy(r->dir, "/tmp/al-bridge-XXXXXX");
    assert_non_null(mkdtemp(r->dir));
    snprintf(r->rules, sizeof(r->rules), "%s/rules", r->dir);
    assert_int_equal(mkdir(r->rules, 0755), 0);
    write_file(r->dir, "controls.yml",
               "controls:\n"
               "  - id: AC-1\n"
               "    title: Access review\n"
               "    owner: alice\n"
               "    frequency: quarterly\n");
    write_file(r->dir, "policy.md",
               "---\n"
               "id: access\n"
               "owner: bob\n"
               "---\n"
               "# Access\n"
               "\n"
               "Reviews happen every quarter.\n"
               "Café owners see A.9.2.5 here.\n");
}

/* Runs the check with only the rules in r->rules; returns its status. */
static int repo_run(struct repo *r)
{
    al_check_opts_init(&r->o);
    r->paths[0] = r->dir;
    r->rule_dirs[0] = r->rules;
    r->o.paths = r->paths;
    r->o.npaths = 1;
    r->o.no_config_search = 1;
    r->o.as_of = "2026-12-01";
    r->o.rule_dirs = r->rule_dirs;
    r->o.nrule_dirs = 1;
    r->o.lua.budget = 20000000;
    r->o.lua.memory = (size_t)64 << 20;
    assert_int_equal(al_check_setup(&r->c, &r->o), 0);
    return al_check_run(&r->c, &r->o);
}

static void repo_release(struct repo *r)
{
    char cmd[128];

    al_check_release(&r->c);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
    assert_int_equal(system(cmd), 0);
}

/* Returns the first finding of rule whose message contains text. */
static const struct al_finding *find(const struct repo *r, const char *rule,
                                     const char *text)
{
    size_t i;

    for (i = 0; i < r->c.findings.n; i++) {
        const struct al_finding *f = &r->c.findings.v[i];
        if (strcmp(f->rule, rule) == 0
            && (text == NULL || strstr(f->message, text) != NULL))
            return f;
    }
    return NULL;
}

static size_t count(const struct repo *r, const char *rule)
{
    size_t i, n = 0;

    for (i = 0; i < r->c.findings.n; i++)
        n += strcmp(r->c.findings.v[i].rule, rule) == 0;
    return n;
}

static const char ok_rule[] =
    "return {id = 'zz-ok', severity = 'warning', summary = 's',\n"
    "  check = function(repo, ctx)\n"
    "    ctx.report{at = repo.controls[1], key = 'frequency',\n"
    "               message = 'still ran', subject = 'AC-1'}\n"
    "  end}\n";

static void test_bridge_reports_value_position(void **state)
{
    struct repo r;
    const struct al_finding *f;

    repo_init(&r);
    write_file(r.rules, "ok.lua", ok_rule);
    assert_int_equal(repo_run(&r), 0);
    f = find(&r, "zz-ok", "still ran");
    assert_non_null(f);
    assert_string_equal(f->at.file, "controls.yml");
    assert_int_equal(f->at.line, 5);
    assert_int_equal(f->at.col, 16);
    assert_int_equal(f->at.end_col, 25);
    assert_int_equal(f->severity, AL_SEV_WARNING);
    repo_release(&r);
}

static void test_bridge_os_execute_is_contained(void **state)
{
    struct repo r;
    const struct al_finding *f;

    repo_init(&r);
    write_file(r.rules, "evil.lua",
               "return {id = 'evil', severity = 'error', summary = 's',\n"
               "  check = function(repo, ctx)\n"
               "    os.execute('touch /tmp/al-pwned')\n"
               "  end}\n");
    write_file(r.rules, "ok.lua", ok_rule);
    assert_int_not_equal(repo_run(&r), 0);
    f = find(&r, "rule-error", "rule 'evil' failed");
    assert_non_null(f);
    assert_int_equal(f->at.line, 3);
    assert_non_null(strstr(f->at.file, "evil.lua"));
    assert_non_null(strstr(f->message, "os"));
    assert_non_null(find(&r, "zz-ok", NULL));
    assert_int_equal(count(&r, "rule-error"), 1);
    repo_release(&r);
}

static void test_bridge_io_and_require_are_absent(void **state)
{
    struct repo r;

    repo_init(&r);
    write_file(r.rules, "io.lua",
               "return {id = 'io-user', severity = 'error', summary = 's',\n"
               "  check = function(repo, ctx)\n"
               "    local ok = pcall(require, 'io')\n"
               "    assert(not ok and io == nil and load == nil)\n"
               "    assert(dofile == nil and debug == nil and package == nil)\n"
               "    assert(getmetatable('') == false)\n"
               "    io.open('/etc/passwd')\n"
               "  end}\n");
    assert_int_not_equal(repo_run(&r), 0);
    assert_non_null(find(&r, "rule-error", "'io'"));
    assert_int_equal(find(&r, "rule-error", NULL)->at.line, 7);
    repo_release(&r);
}

static void test_bridge_endless_loop_hits_budget(void **state)
{
    struct repo r;
    const struct al_finding *f;

    repo_init(&r);
    write_file(r.rules, "loop.lua",
               "return {id = 'loop', severity = 'error', summary = 's',\n"
               "  check = function(repo, ctx)\n"
               "    while true do\n"
               "      pcall(function() while true do end end)\n"
               "    end\n"
               "  end}\n");
    write_file(r.rules, "ok.lua", ok_rule);
    assert_int_not_equal(repo_run(&r), 0);
    f = find(&r, "rule-error", "instruction budget");
    assert_non_null(f);
    assert_true(f->at.line >= 3 && f->at.line <= 4);
    assert_non_null(find(&r, "zz-ok", NULL));
    repo_release(&r);
}

static void test_bridge_memory_bomb_hits_cap(void **state)
{
    struct repo r;

    repo_init(&r);
    write_file(r.rules, "mem.lua",
               "return {id = 'mem', severity = 'error', summary = 's',\n"
               "  check = function(repo, ctx)\n"
               "    local t, s = {}, string.rep('x', 1 << 20)\n"
               "    for i = 1, 1 << 30 do t[i] = s .. i end\n"
               "  end}\n");
    write_file(r.rules, "ok.lua", ok_rule);
    r.o.lua.budget = 2000000000;
    assert_int_not_equal(repo_run(&r), 0);
    assert_non_null(find(&r, "rule-error", "memory"));
    assert_non_null(find(&r, "zz-ok", NULL));
    repo_release(&r);
}

static void test_bridge_load_errors_are_positioned(void **state)
{
    struct repo r;
    const struct al_finding *f;

    repo_init(&r);
    write_file(r.rules, "a-syntax.lua", "return {\n  id = 'x',\n  = 3\n}\n");
    write_file(r.rules, "b-raises.lua", "\nerror('boom')\n");
    write_file(r.rules, "c-shape.lua", "return {id = 'Bad Id'}\n");
    write_file(r.rules, "ok.lua", ok_rule);
    assert_int_not_equal(repo_run(&r), 0);
    f = find(&r, "rule-error", "'a-syntax.lua'");
    f = f ? f : find(&r, "rule-error", "syntax");
    assert_non_null(f);
    assert_int_equal(f->at.line, 3);
    f = find(&r, "rule-error", "boom");
    assert_non_null(f);
    assert_int_equal(f->at.line, 2);
    assert_non_null(find(&r, "rule-error", "not a valid rule"));
    assert_non_null(find(&r, "zz-ok", NULL));
    repo_release(&r);
}

static void test_bridge_globals_do_not_leak(void **state)
{
    struct repo r;

    repo_init(&r);
    write_file(r.rules, "a.lua",
               "shared = 'a'\nstring.upper = nil\n"
               "return {id = 'a', severity = 'note', summary = 's',\n"
               "  check = function(repo, ctx) leaked = true end}\n");
    write_file(r.rules, "b.lua",
               "return {id = 'b', severity = 'note', summary = 's',\n"
               "  check = function(repo, ctx)\n"
               "    assert(shared == nil and leaked == nil)\n"
               "    assert(string.upper('x') == 'X')\n"
               "    assert(('x'):upper() == 'X')\n"
               "  end}\n");
    assert_int_equal(repo_run(&r), 0);
    assert_int_equal(count(&r, "rule-error"), 0);
    repo_release(&r);
}

static void test_bridge_section_offset_position(void **state)
{
    struct repo r;
    const struct al_finding *f;

    repo_init(&r);
    write_file(r.rules, "prose.lua",
               "return {id = 'prose', severity = 'note', summary = 's',\n"
               "  check = function(repo, ctx)\n"
               "    for _, d in ipairs(repo.documents) do\n"
               "      for _, s in ipairs(d.sections) do\n"
               "        local i = s.text:find('A.9.2.5', 1, true)\n"
               "        if i then\n"
               "          ctx.report{at = s, offset = i, length = 7,\n"
               "                     message = 'old id'}\n"
               "        end\n"
               "      end\n"
               "    end\n"
               "  end}\n");
    assert_int_equal(repo_run(&r), 0);
    f = find(&r, "prose", NULL);
    assert_non_null(f);
    assert_string_equal(f->at.file, "policy.md");
    assert_int_equal(f->at.line, 8);
    assert_int_equal(f->at.col, 17);
    assert_int_equal(f->at.end_col, 24);
    repo_release(&r);
}

static void test_bridge_report_without_position(void **state)
{
    struct repo r;
    const struct al_finding *f;

    repo_init(&r);
    write_file(r.rules, "lost.lua",
               "return {id = 'lost', severity = 'note', summary = 's',\n"
               "  check = function(repo, ctx)\n"
               "    ctx.report{at = {}, message = 'nowhere'}\n"
               "  end}\n");
    assert_int_not_equal(repo_run(&r), 0);
    f = find(&r, "rule-error", "without a position");
    assert_non_null(f);
    assert_int_equal(f->at.line, 3);
    assert_null(find(&r, "lost", NULL));
    repo_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bridge_reports_value_position),
        cmocka_unit_test(test_bridge_os_execute_is_contained),
        cmocka_unit_test(test_bridge_io_and_require_are_absent),
        cmocka_unit_test(test_bridge_endless_loop_hits_budget),
        cmocka_unit_test(test_bridge_memory_bomb_hits_cap),
        cmocka_unit_test(test_bridge_load_errors_are_positioned),
        cmocka_unit_test(test_bridge_globals_do_not_leak),
        cmocka_unit_test(test_bridge_section_offset_position),
        cmocka_unit_test(test_bridge_report_without_position),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
