/*
 * fixture: the fixture runner.
 */
#include "fixture.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mem.h"
#include "walk.h"

struct expect {
    char *file;
    unsigned line, col;         /* col 0: any column */
    char *rule;
    int met;
};

struct expects {
    struct expect *v;
    size_t n, cap;
};

struct list {
    char **v;
    size_t n, cap;
};

static void list_add(struct list *l, char *s)
{
    al_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = s;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s != NULL && s[1] ? s + 1 : path;
}

static int is_fixture_name(const char *name)
{
    return strcmp(name, "fires") == 0 || strcmp(name, "quiet") == 0;
}

/* Collects fixture directories under dir, in name order. */
static void find_fixtures(const char *dir, struct list *out, int depth)
{
    DIR *d;
    struct dirent *e;
    struct list subs = {0};
    size_t i;

    if (is_fixture_name(base_name(dir))) {
        list_add(out, al_strdup(dir));
        return;
    }
    if (depth > 16 || (d = opendir(dir)) == NULL)
        return;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            list_add(&subs, al_printf("%s/%s", dir, e->d_name));
    closedir(d);
    if (subs.n > 1)
        qsort(subs.v, subs.n, sizeof(*subs.v), compare_strings);
    for (i = 0; i < subs.n; i++) {
        if (is_dir(subs.v[i]))
            find_fixtures(subs.v[i], out, depth + 1);
        al_free(subs.v[i]);
    }
    al_free(subs.v);
}

static void add_expect(struct expects *x, const char *file, unsigned line,
                       const char *tok, size_t len)
{
    struct expect *e;
    const char *at = memchr(tok, '@', len);

    al_grow(&x->v, &x->cap, x->n + 1, sizeof(*x->v));
    e = &x->v[x->n++];
    memset(e, 0, sizeof(*e));
    e->file = al_strdup(file);
    e->line = line;
    e->rule = al_strndup(tok, at ? (size_t)(at - tok) : len);
    if (at != NULL)
        e->col = (unsigned)strtoul(at + 1, NULL, 10);
}

/* Parses the rules after 'expect:' up to the end of the comment. */
static void parse_rules(struct expects *x, const char *file, unsigned line,
                        const char *s, const char *end)
{
    const char *close = NULL, *p;

    for (p = s; p + 3 <= end; p++)
        if (strncmp(p, "-->", 3) == 0) {
            close = p;
            break;
        }
    if (close != NULL)
        end = close;
    while (s < end) {
        while (s < end && (isspace((unsigned char)*s) || *s == ','))
            s++;
        p = s;
        while (p < end && !isspace((unsigned char)*p) && *p != ',')
            p++;
        if (p > s)
            add_expect(x, file, line, s, (size_t)(p - s));
        s = p;
    }
}

/* Finds 'expect:' inside a '#' or '<!--' comment of one line. */
static void scan_line(struct expects *x, const char *file, unsigned line,
                      const char *s, const char *end)
{
    const char *p, *hash = NULL;

    for (p = s; p < end; p++)
        if (*p == '#' || (end - p >= 4 && strncmp(p, "<!--", 4) == 0)) {
            hash = p;
            break;
        }
    if (hash == NULL)
        return;
    for (p = hash; p + 7 <= end; p++)
        if (strncmp(p, "expect:", 7) == 0) {
            parse_rules(x, file, line, p + 7, end);
            return;
        }
}

static void scan_file(struct expects *x, const char *fs, const char *rel)
{
    size_t len;
    char *buf = al_read_file(fs, &len);
    const char *s, *nl;
    unsigned line = 1;

    if (buf == NULL || memchr(buf, '\0', len) != NULL) {
        al_free(buf);
        return;
    }
    for (s = buf; s < buf + len; s = nl + 1, line++) {
        nl = memchr(s, '\n', (size_t)(buf + len - s));
        if (nl == NULL)
            nl = buf + len;
        scan_line(x, rel, line, s, nl);
    }
    al_free(buf);
}

/* Reads expect.txt: lines 'FILE:LINE[:COL]: RULE'. */
static void scan_expect_txt(struct expects *x, const char *dir)
{
    char *path = al_printf("%s/expect.txt", dir);
    size_t len;
    char *buf = al_read_file(path, &len), *line, *save = NULL;

    al_free(path);
    if (buf == NULL)
        return;
    for (line = strtok_r(buf, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char file[1024], rule[128];
        unsigned ln = 0, col = 0;

        if (sscanf(line, "%1023[^:]:%u:%u: %127s", file, &ln, &col, rule)
            == 4 || sscanf(line, "%1023[^:]:%u: %127s", file, &ln, rule)
            == 3) {
            add_expect(x, file, ln, rule, strlen(rule));
            x->v[x->n - 1].col = col;
        }
    }
    al_free(buf);
}

static void release_expects(struct expects *x)
{
    size_t i;

    for (i = 0; i < x->n; i++) {
        al_free(x->v[i].file);
        al_free(x->v[i].rule);
    }
    al_free(x->v);
}

static int matches(const struct expect *e, const struct al_finding *f)
{
    return !e->met && e->line == f->at.line && strcmp(e->file, f->at.file)
           == 0 && strcmp(e->rule, f->rule) == 0
           && (e->col == 0 || e->col == f->at.col);
}

/* Compares findings with expectations; prints problems; returns count. */
static int compare(const char *dir, const struct al_findings *fs,
                   struct expects *x)
{
    size_t i, j;
    int bad = 0;

    for (i = 0; i < fs->n; i++) {
        const struct al_finding *f = &fs->v[i];
        for (j = 0; j < x->n && !matches(&x->v[j], f); j++)
            ;
        if (j < x->n) {
            x->v[j].met = 1;
            continue;
        }
        printf("  %s/%s:%u:%u: unexpected %s: %s\n", dir, f->at.file,
               f->at.line, f->at.col, f->rule, f->message);
        bad++;
    }
    for (j = 0; j < x->n; j++)
        if (!x->v[j].met) {
            printf("  %s/%s:%u:%s%.0u missing %s\n", dir, x->v[j].file,
                   x->v[j].line, x->v[j].col ? "" : "", x->v[j].col,
                   x->v[j].rule);
            bad++;
        }
    return bad;
}

/* Runs one fixture; returns 0 when it passes. */
static int run_one(const char *dir, const struct al_check_opts *base,
                   int verbose)
{
    struct al_check_opts o = *base;
    struct al_check c;
    struct expects x = {0};
    const char *paths[1] = {dir};
    size_t i;
    int bad = 0;

    o.paths = paths;
    o.npaths = 1;
    o.no_config_search = 1;
    o.default_as_of = AL_FIXTURE_TODAY;
    if (al_check_setup(&c, &o) == 0) {
        al_check_run(&c, &o);
        for (i = 0; i < c.files.n; i++)
            scan_file(&x, c.files.v[i].fs_path, c.files.v[i].path);
        scan_expect_txt(&x, dir);
        bad = compare(dir, &c.findings, &x);
        if (x.n == 0 && strcmp(base_name(dir), "fires") == 0) {
            printf("  %s: a 'fires' fixture expects no finding\n", dir);
            bad++;
        }
    } else {
        bad = 1;
    }
    if (bad || verbose)
        printf("%s %s\n", bad ? "FAIL" : "ok  ", dir);
    al_check_release(&c);
    release_expects(&x);
    return bad != 0;
}

int al_fixture_run(const char **dirs, size_t n,
                   const struct al_check_opts *base, int verbose)
{
    struct list fx = {0};
    size_t i;
    int failed = 0;

    for (i = 0; i < n; i++) {
        size_t before = fx.n;
        find_fixtures(dirs[i], &fx, 0);
        if (fx.n == before && is_dir(dirs[i]))
            list_add(&fx, al_strdup(dirs[i]));  /* the directory itself */
    }
    if (fx.n == 0) {
        fprintf(stderr, "auditlint: error: no fixture (a directory named "
                "'fires' or 'quiet') under the given directories\n");
        al_free(fx.v);
        return -1;
    }
    for (i = 0; i < fx.n; i++) {
        failed += run_one(fx.v[i], base, verbose);
        al_free(fx.v[i]);
    }
    printf("fixtures: %zu passed, %d failed\n", fx.n - (size_t)failed,
           failed);
    al_free(fx.v);
    return failed;
}
