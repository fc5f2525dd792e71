/*
 * test_load: the loader on real files and real libyaml. Inputs are in
 * data/load/ or written to temporary files; run from tests/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "load.h"

#define DATA "data/load/"
#define CORPORA "../../shared/corpora"
#define COMPLY CORPORA "/comply/strongdm-comply/fixtures/"

struct loaded {
    struct al_file f;
    struct al_findings fs;
    int rc;
};

static void load_path(struct loaded *l, const char *fs_path,
                      const char *name, const struct al_limits *lim)
{
    al_findings_init(&l->fs);
    l->rc = al_load_file(&l->f, fs_path, name, lim, &l->fs);
}

/* Loads text[0..len) written to a temporary file reported as name. */
static void load_text(struct loaded *l, const char *name, const char *text,
                      size_t len, const struct al_limits *lim)
{
    char tmp[] = "/tmp/test_load_......";
    int fd;

    memset(tmp + strlen(tmp) - 6, 'X', 6);  /* mkstemp's template */
    fd = mkstemp(tmp);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    load_path(l, tmp, name, lim);
    unlink(tmp);
}

static void load_str(struct loaded *l, const char *name, const char *text)
{
    load_text(l, name, text, strlen(text), NULL);
}

static void unload(struct loaded *l)
{
    al_file_release(&l->f);
    al_findings_release(&l->fs);
}

static const struct al_finding *find(const struct loaded *l,
                                     const char *rule)
{
    size_t i;

    for (i = 0; i < l->fs.n; i++)
        if (strcmp(l->fs.v[i].rule, rule) == 0)
            return &l->fs.v[i];
    return NULL;
}

static size_t count(const struct loaded *l, const char *rule)
{
    size_t i, n = 0;

    for (i = 0; i < l->fs.n; i++)
        if (strcmp(l->fs.v[i].rule, rule) == 0)
            n++;
    return n;
}

/* Asserts exactly one finding of rule, at line:col; returns it. */
static const struct al_finding *expect_one(const struct loaded *l,
                                           const char *rule, unsigned line,
                                           unsigned col)
{
    const struct al_finding *f = find(l, rule);

    assert_int_equal(count(l, rule), 1);
    assert_int_equal(f->at.line, line);
    assert_int_equal(f->at.col, col);
    return f;
}

static struct al_node *get(const struct al_node *map, const char *key)
{
    size_t i;

    assert_int_equal(map->kind, AL_NODE_MAP);
    for (i = 0; i < map->n; i++)
        if (map->items[2 * i]->str != NULL
            && strcmp(map->items[2 * i]->str, key) == 0)
            return map->items[2 * i + 1];
    fail_msg("no key '%s'", key);
    return NULL;
}

static void expect_at(const struct al_node *n, unsigned line, unsigned col,
                      unsigned end_line, unsigned end_col)
{
    assert_int_equal(n->at.line, line);
    assert_int_equal(n->at.col, col);
    assert_int_equal(n->at.end_line, end_line);
    assert_int_equal(n->at.end_col, end_col);
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Returns a malloc'd string of n copies of s. */
static char *repeat(const char *s, size_t n)
{
    size_t len = strlen(s), i;
    char *r = malloc(len * n + 1);

    for (i = 0; i < n; i++)
        memcpy(r + i * len, s, len);
    r[len * n] = '\0';
    return r;
}

static void test_load_kind(void **state)
{
    assert_int_equal(al_load_kind("a/b.md"), AL_FILE_MARKDOWN);
    assert_int_equal(al_load_kind("README.MD"), AL_FILE_MARKDOWN);
    assert_int_equal(al_load_kind("x.markdown"), AL_FILE_MARKDOWN);
    assert_int_equal(al_load_kind("p/policy.md.tmpl"), AL_FILE_MARKDOWN);
    assert_int_equal(al_load_kind("c.yml"), AL_FILE_YAML);
    assert_int_equal(al_load_kind("c.yaml"), AL_FILE_YAML);
    assert_int_equal(al_load_kind("c.json"), AL_FILE_JSON);
    assert_int_equal(al_load_kind("c.tmpl"), AL_FILE_OTHER);
    assert_int_equal(al_load_kind("notes.txt"), AL_FILE_OTHER);
    assert_int_equal(al_load_kind("md"), AL_FILE_OTHER);
}

static void test_load_limits_default(void **state)
{
    struct al_limits l;

    al_limits_default(&l);
    assert_int_equal(l.max_file_bytes, 16 * 1024 * 1024);
    assert_int_equal(l.max_depth, 64);
    assert_int_equal(l.max_nodes, 1000000);
}

/*
 * Columns count characters (libyaml's mark.column does), byte offsets
 * are bytes of the file.
 */
static void test_load_positions_multibyte(void **state)
{
    struct loaded l;
    struct al_node *root, *v, *item;
    FILE *fp = fopen(DATA "positions.yml", "rb");
    char buf[256];
    size_t n = fread(buf, 1, sizeof(buf), fp);

    fclose(fp);
    load_path(&l, DATA "positions.yml", "positions.yml", NULL);
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.fs.n, 0);
    assert_int_equal(l.f.kind, AL_FILE_YAML);
    assert_int_equal(l.f.ndocs, 1);
    root = l.f.docs[0];
    expect_at(root, 2, 1, 7, 24);
    expect_at(root->items[0], 2, 1, 2, 6);          /* 'héllo' */
    v = get(root, "héllo");
    expect_at(v, 2, 8, 2, 13);
    assert_int_equal(v->at.start, 18);
    assert_int_equal(v->at.end, 24);
    assert_memory_equal(buf + v->at.start, "wörld", 6);
    v = get(root, "ключ");
    expect_at(v, 3, 7, 3, 15);
    assert_int_equal(v->at.start, 35);
    assert_int_equal(v->at.end, 51);
    assert_memory_equal(buf + v->at.start, "значение", 16);
    v = get(root, "list");
    expect_at(v, 5, 3, 6, 15);                      /* ends at its item */
    item = get(v->items[0], "日本");
    expect_at(item, 5, 9, 5, 10);
    assert_int_equal(item->at.start, 70);
    assert_memory_equal(buf + item->at.start, "語", 3);
    item = v->items[1];
    assert_string_equal(item->str, "quoted ü");
    assert_true(item->quoted);
    expect_at(item, 6, 5, 6, 15);
    assert_int_equal(item->at.start, 78);
    assert_int_equal(item->at.end, 89);
    v = get(root, "flow");
    expect_at(v, 7, 7, 7, 24);
    assert_int_equal(v->at.end, n - 1);
    expect_at(get(v, "a"), 7, 11, 7, 17);
    unload(&l);
}

static void test_load_crlf(void **state)
{
    const char *text = "a: 1\r\nb: wörld\r\nc:\r\n  - x\r\n";
    struct loaded l;
    struct al_node *v;

    load_str(&l, "crlf.yml", text);
    assert_int_equal(l.fs.n, 0);
    v = get(l.f.docs[0], "b");
    expect_at(v, 2, 4, 2, 9);
    assert_int_equal(v->at.start, 9);
    assert_memory_equal(text + v->at.start, "wörld", 6);
    v = get(l.f.docs[0], "c")->items[0];
    expect_at(v, 4, 5, 4, 6);
    assert_int_equal(v->at.start, 25);
    assert_int_equal(text[v->at.start], 'x');
    unload(&l);
}

static void test_load_crlf_markdown(void **state)
{
    struct loaded l;

    load_str(&l, "c.md", "---\r\ntitle: T\r\n---\r\n# H\r\nline\r\n\r\n");
    assert_int_equal(l.fs.n, 0);
    assert_int_equal(l.f.fm, AL_FM_FENCED);
    expect_at(get(l.f.docs[0], "title"), 2, 8, 2, 9);
    assert_int_equal(l.f.nsections, 1);
    assert_int_equal(l.f.sections[0].line, 4);
    assert_string_equal(l.f.sections[0].text, "line\n\n");
    unload(&l);
}

static void test_load_bom(void **state)
{
    struct loaded l;
    struct al_node *v;

    load_str(&l, "bom.yml", "\xEF\xBB\xBF" "a: b\n");
    assert_int_equal(l.fs.n, 0);
    assert_int_equal(l.f.docs[0]->items[0]->at.col, 1);
    assert_int_equal(l.f.docs[0]->items[0]->at.start, 3);
    v = get(l.f.docs[0], "a");
    expect_at(v, 1, 4, 1, 5);
    assert_int_equal(v->at.start, 6);
    unload(&l);
}

static void test_load_scalars(void **state)
{
    struct loaded l;
    struct al_node *r;

    load_str(&l, "s.yml", "a: ~\nb: null\nc: Null\nd: NULL\ne:\n"
             "f: 'null'\ng: nul\nh: |\n  block\ni: \"q\"\n");
    assert_int_equal(l.fs.n, 0);
    r = l.f.docs[0];
    assert_int_equal(get(r, "a")->kind, AL_NODE_NULL);
    assert_int_equal(get(r, "b")->kind, AL_NODE_NULL);
    assert_int_equal(get(r, "c")->kind, AL_NODE_NULL);
    assert_int_equal(get(r, "d")->kind, AL_NODE_NULL);
    assert_int_equal(get(r, "e")->kind, AL_NODE_NULL);
    assert_int_equal(get(r, "f")->kind, AL_NODE_SCALAR);
    assert_true(get(r, "f")->quoted);
    assert_int_equal(get(r, "g")->kind, AL_NODE_SCALAR);
    assert_false(get(r, "g")->quoted);
    assert_string_equal(get(r, "h")->str, "block\n");
    assert_true(get(r, "h")->quoted);
    assert_int_equal(get(r, "i")->len, 1);
    unload(&l);
}

static void test_load_front_matter_fenced(void **state)
{
    struct loaded l;
    struct al_node *maps;
    const struct al_section *s;

    load_path(&l, DATA "fenced.md", "fenced.md", NULL);
    assert_int_equal(l.fs.n, 0);
    assert_int_equal(l.f.kind, AL_FILE_MARKDOWN);
    assert_int_equal(l.f.fm, AL_FM_FENCED);
    assert_int_equal(l.f.ndocs, 1);
    expect_at(get(l.f.docs[0], "title"), 2, 8, 2, 21);
    maps = get(get(l.f.docs[0], "maps"), "soc2");
    expect_at(maps->items[0], 5, 10, 5, 15);
    expect_at(maps->items[1], 5, 17, 5, 22);
    assert_int_equal(l.f.nsections, 2);
    s = &l.f.sections[0];
    assert_string_equal(s->heading, "Purpose");
    assert_int_equal(s->level, 1);
    assert_int_equal(s->line, 7);
    assert_int_equal(s->body_line, 8);
    assert_string_equal(s->text, "\nText under purpose.\n\n");
    s = &l.f.sections[1];
    assert_string_equal(s->heading, "Scope");
    assert_int_equal(s->depth, 2);
    assert_string_equal(s->path[0], "Purpose");
    assert_string_equal(s->path[1], "Scope");
    assert_int_equal(s->line, 11);
    assert_string_equal(s->text, "\nAll systems.\n");
    unload(&l);
}

static void test_load_front_matter_dots(void **state)
{
    struct loaded l;

    load_path(&l, DATA "dots.md", "dots.md", NULL);
    assert_int_equal(l.fs.n, 0);
    assert_int_equal(l.f.fm, AL_FM_FENCED);
    assert_string_equal(get(l.f.docs[0], "title")->str, "Dots");
    assert_int_equal(l.f.nsections, 1);
    assert_int_equal(l.f.sections[0].level, 0);
    assert_null(l.f.sections[0].heading);
    assert_int_equal(l.f.sections[0].line, 4);
    assert_int_equal(l.f.sections[0].body_line, 4);
    assert_string_equal(l.f.sections[0].text, "Body line one.\n");
    unload(&l);
}

/* strongdm/comply: no opening fence, YAML up to the first '---'. */
static void test_load_front_matter_header(void **state)
{
    struct loaded l;
    struct al_node *rev;

    load_path(&l, DATA "header.md", "header.md", NULL);
    assert_int_equal(l.fs.n, 0);
    assert_int_equal(l.f.fm, AL_FM_HEADER);
    assert_int_equal(l.f.ndocs, 1);
    expect_at(get(l.f.docs[0], "name"), 1, 7, 1, 31);
    expect_at(get(get(l.f.docs[0], "satisfies"), "TSC")->items[0],
              5, 7, 5, 12);
    rev = get(l.f.docs[0], "majorRevisions")->items[0];
    expect_at(get(rev, "comment"), 8, 14, 8, 30);
    assert_int_equal(l.f.nsections, 1);
    assert_string_equal(l.f.sections[0].heading, "Purpose and Scope");
    assert_int_equal(l.f.sections[0].line, 10);
    assert_string_equal(l.f.sections[0].text, "\na. The purpose.\n");
    unload(&l);
}

static void test_load_front_matter_none(void **state)
{
    struct loaded l;

    load_path(&l, DATA "nofm.md", "nofm.md", NULL);
    assert_int_equal(l.fs.n, 0);
    assert_int_equal(l.f.fm, AL_FM_NONE);
    assert_int_equal(l.f.ndocs, 0);
    assert_int_equal(l.f.nsections, 1);
    assert_int_equal(l.f.sections[0].line, 1);
    assert_string_equal(l.f.sections[0].text,
                        "Just prose: not a key line.\n\n---\n\n"
                        "More prose.\n");
    unload(&l);
    load_path(&l, DATA "unclosed.md", "unclosed.md", NULL);
    assert_int_equal(l.fs.n, 0);
    assert_int_equal(l.f.fm, AL_FM_NONE);
    assert_int_equal(l.f.nsections, 2);
    assert_string_equal(l.f.sections[0].text,
                        "---\nA thematic break, never closed.\n\n");
    assert_string_equal(l.f.sections[1].heading, "Heading");
    assert_int_equal(l.f.sections[1].line, 4);
    unload(&l);
    load_str(&l, "k.md", "key: value with no closing fence\n\nprose\n");
    assert_int_equal(l.f.fm, AL_FM_NONE);
    assert_int_equal(l.f.ndocs, 0);
    unload(&l);
}

/* A header block with a YAML error is front matter: the error is real. */
static void test_load_front_matter_header_error(void **state)
{
    struct loaded l;
    const struct al_finding *f;

    load_str(&l, "e.md", "name: x\n  bad: indent\n---\n# Body\n");
    assert_int_equal(l.f.fm, AL_FM_HEADER);
    f = expect_one(&l, "parse-error", 2, 6);
    assert_string_equal(f->message,
                        "mapping values are not allowed in this context");
    assert_int_equal(l.f.nsections, 1);
    assert_int_equal(l.f.sections[0].line, 4);
    unload(&l);
    /* form 1: libyaml's input ends where the closing fence starts */
    load_str(&l, "e.md", "---\ntitle: [open\n---\nbody\n");
    assert_int_equal(l.f.fm, AL_FM_FENCED);
    f = expect_one(&l, "parse-error", 3, 1);
    assert_string_equal(f->related[0].message,
                        "while parsing a flow sequence");
    assert_int_equal(f->related[0].line, 2);
    assert_int_equal(f->related[0].col, 8);
    assert_string_equal(l.f.sections[0].text, "body\n");
    unload(&l);
}

static void test_load_sections(void **state)
{
    struct loaded l;
    const struct al_section *s;

    load_path(&l, DATA "sections.md", "sections.md", NULL);
    assert_int_equal(l.fs.n, 0);
    assert_int_equal(l.f.fm, AL_FM_NONE);
    assert_int_equal(l.f.nsections, 5);
    s = l.f.sections;
    assert_int_equal(s[0].level, 0);
    assert_int_equal(s[0].depth, 0);
    assert_int_equal(s[0].line, 1);
    assert_string_equal(s[0].text, "Preamble line.\n\n");
    assert_string_equal(s[1].heading, "Title");
    assert_int_equal(s[1].line, 3);
    assert_int_equal(s[1].body_line, 4);
    assert_string_equal(s[1].text, "Intro text.\n");
    assert_string_equal(s[2].heading, "Install");
    assert_int_equal(s[2].level, 2);
    assert_int_equal(s[2].depth, 2);
    assert_string_equal(s[2].path[0], "Title");
    assert_string_equal(s[2].path[1], "Install");
    assert_string_equal(s[2].text, "Run it:\n\n\n\n\n");
    assert_string_equal(s[3].heading, "Details");
    assert_int_equal(s[3].line, 11);
    assert_int_equal(s[3].depth, 3);
    assert_string_equal(s[3].text,
                        "    # indented four: code, not a heading\n"
                        "#hashtag is not a heading\n\n\n\n");
    assert_string_equal(s[4].heading, "C#");
    assert_int_equal(s[4].line, 17);
    assert_int_equal(s[4].depth, 2);
    assert_string_equal(s[4].path[0], "Title");
    assert_string_equal(s[4].path[1], "C#");
    assert_string_equal(s[4].text,
                        "last line\n####### seven is not a heading\n");
    assert_int_equal(s[4].len, strlen(s[4].text));
    unload(&l);
}

static void test_load_parse_error_context(void **state)
{
    struct loaded l;
    const struct al_finding *f;

    load_str(&l, "e.yml", "key: [1, 2\nother: 3\n");
    f = expect_one(&l, "parse-error", 2, 6);
    assert_int_equal(f->severity, AL_SEV_ERROR);
    assert_string_equal(f->message, "did not find expected ',' or ']'");
    assert_int_equal(f->nrelated, 1);
    assert_int_equal(f->related[0].line, 1);
    assert_int_equal(f->related[0].col, 6);
    assert_string_equal(f->related[0].message,
                        "while parsing a flow sequence");
    unload(&l);
    load_str(&l, "e.yml", "a: b: c\n");
    f = expect_one(&l, "parse-error", 1, 5);
    assert_string_equal(f->message,
                        "mapping values are not allowed in this context");
    unload(&l);
    load_str(&l, "e.yml", "a: 'unterminated\n");
    f = expect_one(&l, "parse-error", 2, 1);
    assert_string_equal(f->related[0].message,
                        "while scanning a quoted scalar");
    unload(&l);
}

/* Documents before a syntax error are kept, and what was read of it. */
static void test_load_parse_error_keeps_documents(void **state)
{
    struct loaded l;

    load_path(&l, DATA "multidoc_error.yml", "m.yml", NULL);
    expect_one(&l, "parse-error", 5, 5);
    assert_int_equal(l.f.ndocs, 3);
    assert_string_equal(get(l.f.docs[0], "a")->str, "1");
    assert_int_equal(get(l.f.docs[1], "b")->n, 2);
    assert_int_equal(l.f.docs[2]->kind, AL_NODE_MAP);
    /* libyaml gave 'c' its value 'd' before it saw the second ':' */
    assert_int_equal(l.f.docs[2]->n, 1);
    assert_string_equal(get(l.f.docs[2], "c")->str, "d");
    unload(&l);
}

static void test_load_duplicate_key(void **state)
{
    struct loaded l;
    const struct al_finding *f;
    struct al_node *item;

    load_path(&l, DATA "dup.yml", "dup.yml", NULL);
    assert_int_equal(count(&l, "duplicate-key"), 2);
    f = &l.fs.v[0];
    assert_string_equal(f->rule, "duplicate-key");
    assert_int_equal(f->severity, AL_SEV_ERROR);
    assert_int_equal(f->at.line, 4);
    assert_int_equal(f->at.col, 5);
    assert_string_equal(f->message,
                        "duplicate key 'id' in mapping; the first is kept");
    assert_int_equal(f->nrelated, 1);
    assert_int_equal(f->related[0].line, 2);
    assert_int_equal(f->related[0].col, 5);
    assert_string_equal(f->related[0].message, "first defined here");
    assert_int_equal(l.fs.v[1].at.line, 5);
    item = get(l.f.docs[0], "controls")->items[0];
    assert_int_equal(item->n, 2);
    assert_string_equal(get(item, "id")->str, "C-1");
    assert_string_equal(get(item, "title")->str, "first");
    unload(&l);
}

/* 100,000 keys in one mapping: linear, not quadratic. */
static void test_load_duplicate_key_many(void **state)
{
    size_t n = 100000, i, len = 0;
    char *text = malloc(n * 24 + 64);
    struct loaded l;
    double t0;

    for (i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "key%zu: %zu\n", i, i);
    len += (size_t)sprintf(text + len, "key77: again\n");
    t0 = now_ms();
    load_text(&l, "big.yml", text, len, NULL);
    t0 = now_ms() - t0;
    print_message("100000 keys loaded in %.1f ms\n", t0);
    assert_true(t0 < 5000);
    expect_one(&l, "duplicate-key", (unsigned)n + 1, 1);
    assert_int_equal(l.f.docs[0]->n, n);
    assert_string_equal(get(l.f.docs[0], "key77")->str, "77");
    unload(&l);
    free(text);
}

static void test_load_alias_shared(void **state)
{
    struct loaded l;
    struct al_node *r;

    load_path(&l, DATA "alias.yml", "alias.yml", NULL);
    assert_int_equal(l.fs.n, 0);
    r = l.f.docs[0];
    assert_ptr_equal(get(r, "ref"), get(r, "name"));
    assert_ptr_equal(get(r, "again"), get(r, "list"));
    assert_int_equal(get(r, "list")->weight, 4);
    assert_int_equal(r->weight, 15);
    unload(&l);
}

static void test_load_alias_undefined(void **state)
{
    struct loaded l;
    const struct al_finding *f;

    load_str(&l, "u.yml", "a: *nowhere\nb: 2\n");
    f = expect_one(&l, "parse-error", 1, 4);
    assert_string_equal(f->message, "undefined alias 'nowhere'");
    assert_int_equal(get(l.f.docs[0], "a")->kind, AL_NODE_NULL);
    assert_string_equal(get(l.f.docs[0], "b")->str, "2");
    unload(&l);
    load_str(&l, "u.yml", "a: &x [1, *x]\n");
    f = expect_one(&l, "parse-error", 1, 11);
    assert_string_equal(f->message,
                        "alias 'x' is used inside the node it names");
    unload(&l);
    load_str(&l, "u.yml", "a: &x 1\n---\nb: *x\n");
    expect_one(&l, "parse-error", 3, 4);    /* anchors are per document */
    unload(&l);
}

/* The classic 'billion laughs', 9 levels of 9: never expanded. */
static void test_load_alias_bomb(void **state)
{
    static const char *bomb =
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\","
        "\"lol\",\"lol\"]\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
        "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
        "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
    struct loaded l;
    const struct al_finding *f;
    double t0 = now_ms();

    load_str(&l, "bomb.yml", bomb);
    t0 = now_ms() - t0;
    print_message("alias bomb loaded in %.2f ms\n", t0);
    assert_true(t0 < 1000);
    /* a to f count 672,609 nodes (f alone 597,871), so g's first alias
     * (column 8) is the first to pass 1,000,000 */
    f = expect_one(&l, "limit-exceeded", 7, 8);
    assert_string_equal(f->message, "alias expansion exceeds 1000000 "
                        "nodes; raise --max-nodes to check this file");
    assert_int_equal(l.fs.n, 1);
    assert_int_equal(l.f.ndocs, 1);
    assert_true(l.f.docs[0]->weight <= 1000000);
    unload(&l);
}

static void test_load_max_nodes(void **state)
{
    struct al_limits lim;
    struct loaded l;
    const struct al_finding *f;
    char *items = repeat("0,", 20);

    al_limits_default(&lim);
    lim.max_nodes = 11;
    /* alias.yml: 11 nodes up to the key 'again', then '*l' adds 4 */
    load_path(&l, DATA "alias.yml", "alias.yml", &lim);
    f = expect_one(&l, "limit-exceeded", 4, 8);
    assert_string_equal(f->message, "alias expansion exceeds 11 nodes; "
                        "raise --max-nodes to check this file");
    unload(&l);
    lim.max_nodes = 10;
    /* '[0,0,...]': the sequence is node 1, item k (0-based) is node
     * k + 2 at column 2 + 2k, so item 9 (column 20) is node 11 */
    memmove(items + 1, items, 39);
    items[0] = '[';
    items[40] = ']';
    load_text(&l, "n.yml", items, 41, &lim);
    f = expect_one(&l, "limit-exceeded", 1, 20);
    assert_string_equal(f->message, "document exceeds 10 nodes; raise "
                        "--max-nodes to check this file");
    assert_int_equal(l.f.docs[0]->n, 9);
    unload(&l);
    free(items);
}

static void test_load_merge_keys(void **state)
{
    struct loaded l;
    struct al_node *r, *m;

    load_path(&l, DATA "merge.yml", "merge.yml", NULL);
    assert_int_equal(l.fs.n, 0);
    r = l.f.docs[0];
    m = get(r, "one");
    assert_int_equal(m->n, 2);
    assert_string_equal(get(m, "name")->str, "one");
    assert_string_equal(get(m, "size")->str, "1");
    m = get(r, "two");
    assert_int_equal(m->n, 3);
    assert_string_equal(get(m, "name")->str, "two");
    assert_string_equal(get(m, "size")->str, "2");
    assert_string_equal(get(m, "color")->str, "red");
    assert_string_equal(m->items[0]->str, "name");
    m = get(r, "three");
    assert_int_equal(m->n, 2);
    assert_string_equal(get(m, "inline")->str, "yes");
    unload(&l);
    load_str(&l, "m.yml", "a:\n  <<: scalar\n  b: 1\n");
    expect_one(&l, "parse-error", 2, 7);
    assert_int_equal(get(l.f.docs[0], "a")->n, 1);
    unload(&l);
}

/* Returns '[' x n then ']' x n, malloc'd. */
static char *nest(size_t n)
{
    char *s = malloc(2 * n + 2);

    memset(s, '[', n);
    memset(s + n, ']', n);
    s[2 * n] = '\n';
    s[2 * n + 1] = '\0';
    return s;
}

static void check_nest(size_t depth)
{
    char *s = nest(depth);
    struct loaded l;
    const struct al_finding *f;
    double t0 = now_ms();

    load_text(&l, "deep.yml", s, strlen(s), NULL);
    t0 = now_ms() - t0;
    print_message("%zu levels of nesting loaded in %.1f ms\n", depth, t0);
    f = expect_one(&l, "limit-exceeded", 1, 65);
    assert_string_equal(f->message, "nesting exceeds 64 levels; raise "
                        "--max-depth to check this file");
    assert_int_equal(l.fs.n, 1);
    assert_int_equal(l.f.ndocs, 1);
    unload(&l);
    free(s);
}

static void test_load_depth_100(void **state)
{
    char *s = nest(64);
    struct loaded l;
    struct al_node *n;
    unsigned levels = 0;

    load_text(&l, "ok.yml", s, strlen(s), NULL);
    assert_int_equal(l.fs.n, 0);
    for (n = l.f.docs[0]; n->kind == AL_NODE_SEQ && n->n > 0;
         n = n->items[0])
        levels++;
    assert_int_equal(levels, 63);   /* the innermost one is empty */
    unload(&l);
    free(s);
    check_nest(100);
}

static void test_load_depth_100000(void **state)
{
    check_nest(100000);
}

/* An alias may not take a tree deeper than max_depth either. */
static void test_load_depth_alias(void **state)
{
    char *open = repeat("[", 40), *close = repeat("]", 40);
    char *text = malloc(200);
    struct loaded l;

    snprintf(text, 200, "a: &a %s%s\nb: [[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]"
             "]]]]]]]]]]]]]]]\n", open, close);
    load_str(&l, "d.yml", text);
    expect_one(&l, "limit-exceeded", 2, 28);
    unload(&l);
    free(open);
    free(close);
    free(text);
}

static void test_load_invalid_utf8(void **state)
{
    struct loaded l;
    const struct al_finding *f;
    const char *text = "a: ok\nb: caf\xC3\xA9 \xFF\xFE x\n";

    load_text(&l, "u.yml", text, strlen(text), NULL);
    f = expect_one(&l, "invalid-utf8", 2, 9);
    assert_int_equal(f->severity, AL_SEV_ERROR);
    assert_string_equal(f->message, "invalid UTF-8 byte 0xFF (2 invalid "
                        "bytes in this file, read as '?')");
    assert_int_equal(l.fs.n, 1);
    assert_string_equal(get(l.f.docs[0], "b")->str, "café ?? x");
    assert_int_equal(get(l.f.docs[0], "b")->at.start, 9);
    unload(&l);
    /* truncated, overlong, surrogate, beyond U+10FFFF */
    text = "a: \xE2\x82x \xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80\n";
    load_text(&l, "u.md", text, strlen(text), NULL);
    f = expect_one(&l, "invalid-utf8", 1, 4);
    assert_string_equal(f->message, "invalid UTF-8 byte 0xE2 (11 invalid "
                        "bytes in this file, read as '?')");
    assert_string_equal(l.f.sections[0].text,
                        "a: ??x ?? ??? ????\n");
    unload(&l);
}

/* Characters YAML forbids must not stop libyaml before earlier docs. */
static void test_load_forbidden_character(void **state)
{
    struct loaded l;
    const struct al_finding *f;

    load_str(&l, "c.yml", "a: 1\n---\nb: x\x01y\x7f\n");
    f = expect_one(&l, "parse-error", 3, 5);
    assert_string_equal(f->message, "character U+0001 is not allowed in "
                        "YAML (2 such characters in this file, replaced)");
    assert_int_equal(l.f.ndocs, 2);
    assert_string_equal(get(l.f.docs[1], "b")->str, "x?y?");
    unload(&l);
    /* in the body of a Markdown file they are only text */
    load_str(&l, "c.md", "---\nt: 1\n---\nform\ffeed\n");
    assert_int_equal(l.fs.n, 0);
    assert_string_equal(l.f.sections[0].text, "form\ffeed\n");
    unload(&l);
}

static void test_load_binary(void **state)
{
    struct loaded l;
    const struct al_finding *f;

    load_text(&l, "b.yml", "a: 1\n\0\0\x01", 8, NULL);
    assert_int_equal(l.rc, 0);
    f = expect_one(&l, "binary-file", 1, 1);
    assert_int_equal(f->severity, AL_SEV_NOTE);
    assert_string_equal(f->message, "skipped binary file");
    assert_int_equal(l.f.skipped, 1);
    assert_int_equal(l.f.ndocs, 0);
    unload(&l);
}

static void test_load_empty(void **state)
{
    static const char *files[] = { "empty.yml", "blank.json", "empty.md" };
    struct loaded l;
    const struct al_finding *f;
    char path[64];
    size_t i;

    for (i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), DATA "%s", files[i]);
        load_path(&l, path, files[i], NULL);
        assert_int_equal(l.rc, 0);
        f = expect_one(&l, "empty-file", 1, 1);
        assert_int_equal(f->severity, AL_SEV_NOTE);
        assert_string_equal(f->message, "empty file");
        assert_int_equal(l.f.ndocs, 0);
        assert_int_equal(l.f.nsections, 0);
        unload(&l);
    }
}

static void test_load_unreadable(void **state)
{
    struct loaded l;
    const struct al_finding *f;

    load_path(&l, DATA "does-not-exist.yml", "missing.yml", NULL);
    assert_int_equal(l.rc, -1);
    f = expect_one(&l, "unreadable-file", 1, 1);
    assert_int_equal(f->severity, AL_SEV_ERROR);
    assert_string_equal(f->at.file, "missing.yml");
    assert_string_equal(f->message, "cannot open 'missing.yml': No such "
                        "file or directory");
    assert_int_equal(l.f.skipped, 1);
    unload(&l);
    load_path(&l, DATA, "dir.yml", NULL);
    assert_int_equal(l.rc, -1);
    f = expect_one(&l, "unreadable-file", 1, 1);
    assert_string_equal(f->message, "cannot read 'dir.yml': Is a "
                        "directory");
    unload(&l);
}

static void test_load_too_large(void **state)
{
    struct al_limits lim;
    struct loaded l;
    const struct al_finding *f;

    al_limits_default(&lim);
    lim.max_file_bytes = 10;
    load_path(&l, DATA "positions.yml", "positions.yml", &lim);
    assert_int_equal(l.rc, 0);
    f = expect_one(&l, "limit-exceeded", 1, 1);
    assert_string_equal(f->message, "file is larger than 10 bytes; raise "
                        "--max-file-size to check it");
    assert_int_equal(l.f.skipped, 1);
    assert_int_equal(l.f.ndocs, 0);
    unload(&l);
}

static void test_load_other(void **state)
{
    struct loaded l;

    load_path(&l, DATA "does-not-exist.txt", "notes.txt", NULL);
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.fs.n, 0);
    assert_int_equal(l.f.kind, AL_FILE_OTHER);
    assert_int_equal(l.f.ndocs, 0);
    unload(&l);
}

/* JSON indented with tabs, a tab line after the value, tabs in strings. */
static void test_load_json_tabs(void **state)
{
    struct loaded l;
    struct al_node *r, *v;

    load_path(&l, DATA "tabs.json", "tabs.json", NULL);
    assert_int_equal(l.fs.n, 0);
    assert_int_equal(l.f.kind, AL_FILE_JSON);
    r = l.f.docs[0];
    expect_at(get(r, "name"), 2, 10, 2, 16);
    v = get(get(r, "list")->items[1], "k");
    expect_at(v, 5, 9, 5, 17);
    assert_int_equal(v->len, 4);
    assert_memory_equal(v->str, "v\t\"x", 4);
    expect_at(get(r, "mixed"), 7, 13, 7, 17);
    unload(&l);
}

static void test_load_json_minified(void **state)
{
    struct loaded l;
    struct al_node *r;

    load_path(&l, DATA "mini.json", "mini.json", NULL);
    assert_int_equal(l.fs.n, 0);
    r = l.f.docs[0];
    assert_string_equal(get(r, "a")->str, "1");
    assert_int_equal(get(r, "b")->items[2]->kind, AL_NODE_NULL);
    expect_at(get(get(r, "c"), "d"), 1, 39, 1, 42);
    assert_int_equal(get(get(r, "c"), "d")->at.start, 38);
    assert_int_equal(get(get(r, "c"), "d")->at.end, 42);
    assert_int_equal(r->weight, 12);
    unload(&l);
}

static void test_load_buffer(void **state)
{
    static const char doc[] = "---\nid: x\n---\n# T\nbody\n";
    struct al_file f;
    struct al_findings fs;

    al_findings_init(&fs);
    assert_int_equal(al_load_buffer(&f, "policies/x.md", doc,
                                     sizeof(doc) - 1, NULL, &fs), 0);
    assert_int_equal(fs.n, 0);
    assert_string_equal(f.path, "policies/x.md");
    assert_int_equal(f.fm, AL_FM_FENCED);
    assert_string_equal(get(f.docs[0], "id")->str, "x");
    assert_int_equal(f.nsections, 1);
    al_file_release(&f);
    al_findings_release(&fs);
}

struct walk {
    size_t files, findings, errors;
};

/* Loads every file under dir the loader reads; nothing may crash. */
static void walk(const char *dir, struct walk *w)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    struct stat st;
    char path[4096];
    struct loaded l;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        assert_int_equal(stat(path, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            walk(path, w);
            continue;
        }
        if (al_load_kind(path) == AL_FILE_OTHER)
            continue;
        load_path(&l, path, path + strlen(CORPORA) + 1, NULL);
        assert_int_equal(l.rc, 0);
        w->files++;
        w->findings += l.fs.n;
        w->errors += count(&l, "parse-error");
        unload(&l);
    }
    closedir(d);
}

static void test_load_corpora(void **state)
{
    struct walk w = { 0, 0, 0 };
    struct stat st;

    if (stat(CORPORA, &st) != 0) {
        print_message("skipped: no corpora at %s\n", CORPORA);
        skip();
    }
    walk(CORPORA, &w);
    print_message("corpora: %zu files, %zu findings, %zu parse errors\n",
                  w.files, w.findings, w.errors);
    assert_true(w.files > 400);
}

/* Asserts one parse-error at line:col with its message and context. */
static void expect_comply(const char *file, unsigned line, unsigned col,
                          const char *msg, unsigned cline, unsigned ccol,
                          const char *context)
{
    struct loaded l;
    const struct al_finding *f;
    char path[512];

    snprintf(path, sizeof(path), COMPLY "%s", file);
    load_path(&l, path, file, NULL);
    f = expect_one(&l, "parse-error", line, col);
    assert_string_equal(f->message, msg);
    if (context == NULL) {
        assert_int_equal(f->nrelated, 0);
    } else {
        assert_int_equal(f->nrelated, 1);
        assert_int_equal(f->related[0].line, cline);
        assert_int_equal(f->related[0].col, ccol);
        assert_string_equal(f->related[0].message, context);
    }
    if (al_load_kind(file) == AL_FILE_MARKDOWN)
        assert_int_equal(l.f.fm, AL_FM_HEADER);
    unload(&l);
}

/*
 * strongdm/comply's deliberately broken fixtures (corpora README 2.1):
 * - policies/invalid-access.md 10:11: under '- date: Jun 1 2018' (line
 *   9, mapping at column 3), '   comment:' is indented one more, so it
 *   continues the plain scalar 'Jun 1 2018' and its ':' is a mapping
 *   value where none is allowed;
 * - narratives/invalid-control.md 5:1: 'TSC:' is indented under
 *   'satisfies:' but its list '- CC2.1' is at column 1, which ends the
 *   inner mapping, and a '-' is no key of the top-level one (context:
 *   the block mapping at 1:1);
 * - procedures/invalid-workstation.md 2:36: the line join
 *   '"Collect Workstation Details"cron:' puts 'cron' right after a
 *   quoted value, where a key was expected (context: mapping at 1:1);
 * - standards/invalid-standard.yml 2:2: '***CC1.1:' starts with '*', an
 *   alias, and an alias name cannot start with '*' (context: the alias
 *   at 2:1).
 */
static void test_load_comply_fixtures(void **state)
{
    struct stat st;

    if (stat(COMPLY, &st) != 0) {
        print_message("skipped: no comply fixtures at %s\n", COMPLY);
        skip();
    }
    expect_comply("policies/invalid-access.md", 10, 11,
                  "mapping values are not allowed in this context",
                  0, 0, NULL);
    expect_comply("narratives/invalid-control.md", 5, 1,
                  "did not find expected key", 1, 1,
                  "while parsing a block mapping");
    expect_comply("procedures/invalid-workstation.md", 2, 36,
                  "did not find expected key", 1, 1,
                  "while parsing a block mapping");
    expect_comply("standards/invalid-standard.yml", 2, 2,
                  "did not find expected alphabetic or numeric character",
                  2, 1, "while scanning an alias");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_kind),
        cmocka_unit_test(test_load_limits_default),
        cmocka_unit_test(test_load_positions_multibyte),
        cmocka_unit_test(test_load_crlf),
        cmocka_unit_test(test_load_crlf_markdown),
        cmocka_unit_test(test_load_bom),
        cmocka_unit_test(test_load_scalars),
        cmocka_unit_test(test_load_front_matter_fenced),
        cmocka_unit_test(test_load_front_matter_dots),
        cmocka_unit_test(test_load_front_matter_header),
        cmocka_unit_test(test_load_front_matter_none),
        cmocka_unit_test(test_load_front_matter_header_error),
        cmocka_unit_test(test_load_sections),
        cmocka_unit_test(test_load_parse_error_context),
        cmocka_unit_test(test_load_parse_error_keeps_documents),
        cmocka_unit_test(test_load_duplicate_key),
        cmocka_unit_test(test_load_duplicate_key_many),
        cmocka_unit_test(test_load_alias_shared),
        cmocka_unit_test(test_load_alias_undefined),
        cmocka_unit_test(test_load_alias_bomb),
        cmocka_unit_test(test_load_max_nodes),
        cmocka_unit_test(test_load_merge_keys),
        cmocka_unit_test(test_load_depth_100),
        cmocka_unit_test(test_load_depth_100000),
        cmocka_unit_test(test_load_depth_alias),
        cmocka_unit_test(test_load_invalid_utf8),
        cmocka_unit_test(test_load_forbidden_character),
        cmocka_unit_test(test_load_binary),
        cmocka_unit_test(test_load_empty),
        cmocka_unit_test(test_load_unreadable),
        cmocka_unit_test(test_load_too_large),
        cmocka_unit_test(test_load_other),
        cmocka_unit_test(test_load_json_tabs),
        cmocka_unit_test(test_load_json_minified),
        cmocka_unit_test(test_load_buffer),
        cmocka_unit_test(test_load_corpora),
        cmocka_unit_test(test_load_comply_fixtures),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
