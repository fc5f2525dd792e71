/*
 * walk: file discovery.
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mem.h"

#define MAX_DIR_DEPTH 256

struct visit {
    dev_t dev;
    ino_t ino;
};

struct walker {
    struct al_walk *w;
    const char *root;
    const struct al_globs *include, *exclude;
    struct al_findings *out;
    struct visit *seen;         /* directories on the current path */
    size_t nseen, capseen;
};

/* Matches one pattern segment list against path segments, '**' aware. */
static int match_from(const char *pat, const char *path)
{
    const char *pe, *se;
    char pseg[PATH_MAX], sseg[PATH_MAX];

    if (*pat == '\0')
        return *path == '\0';
    pe = strchr(pat, '/');
    if (pe == NULL)
        pe = pat + strlen(pat);
    if (pe - pat == 2 && pat[0] == '*' && pat[1] == '*') {
        const char *next = *pe ? pe + 1 : pe;
        if (match_from(next, path))
            return 1;
        while (*path) {
            se = strchr(path, '/');
            if (se == NULL)
                return *next == '\0';
            path = se + 1;
            if (match_from(next, path))
                return 1;
        }
        return 0;
    }
    if (*path == '\0')
        return 0;
    se = strchr(path, '/');
    if (se == NULL)
        se = path + strlen(path);
    if ((size_t)(pe - pat) >= sizeof(pseg)
        || (size_t)(se - path) >= sizeof(sseg))
        return 0;
    memcpy(pseg, pat, (size_t)(pe - pat));
    pseg[pe - pat] = '\0';
    memcpy(sseg, path, (size_t)(se - path));
    sseg[se - path] = '\0';
    if (fnmatch(pseg, sseg, 0) != 0)
        return 0;
    return match_from(*pe ? pe + 1 : pe, *se ? se + 1 : se);
}

int al_glob_match(const char *pattern, const char *path)
{
    const char *base;

    while (pattern[0] == '.' && pattern[1] == '/')
        pattern += 2;
    if (strchr(pattern, '/') == NULL) {
        base = strrchr(path, '/');
        if (fnmatch(pattern, base ? base + 1 : path, 0) == 0)
            return 1;
    }
    return match_from(pattern, path);
}

static int any_match(const struct al_globs *g, const char *path)
{
    size_t i;

    for (i = 0; g != NULL && i < g->n; i++)
        if (al_glob_match(g->v[i], path))
            return 1;
    return 0;
}

/*
 * A directory is skipped when a pattern matches it, or when a pattern
 * of the form X followed by '/' and '**' has an X that matches it.
 */
static int dir_excluded(const struct walker *k, const char *rel)
{
    size_t i, n;
    char *head;
    int hit = 0;

    if (rel[0] == '\0' || k->exclude == NULL)
        return 0;
    for (i = 0; i < k->exclude->n && !hit; i++) {
        const char *p = k->exclude->v[i];

        n = strlen(p);
        if (al_glob_match(p, rel))
            hit = 1;
        else if (n > 3 && strcmp(p + n - 3, "/**") == 0) {
            head = al_strndup(p, n - 3);
            hit = al_glob_match(head, rel);
            al_free(head);
        }
    }
    return hit;
}

char *al_relative(const char *root, const char *path)
{
    size_t n = strlen(root);

    if (strcmp(root, path) == 0)
        return al_strdup("");
    if (strcmp(root, "/") == 0)
        return al_strdup(path + 1);
    if (strncmp(root, path, n) == 0 && path[n] == '/')
        return al_strdup(path + n + 1);
    return al_strdup(path);
}

static void add_file(struct walker *k, const char *fs_path, const char *rel)
{
    struct al_walk *w = k->w;

    if (k->include != NULL && k->include->n > 0
        && !any_match(k->include, rel))
        return;
    if (any_match(k->exclude, rel))
        return;
    al_grow(&w->v, &w->cap, w->n + 1, sizeof(*w->v));
    w->v[w->n].fs_path = al_strdup(fs_path);
    w->v[w->n].path = al_strdup(rel);
    w->n++;
}

static void walk_problem(struct walker *k, const char *rel, const char *what)
{
    char *msg = al_printf("%s", what);

    al_findings_add(k->out, "unreadable-file", AL_SEV_ERROR,
                    rel[0] ? rel : ".", 1, 1, msg);
    al_free(msg);
}

static int on_path(struct walker *k, const struct stat *st)
{
    size_t i;

    for (i = 0; i < k->nseen; i++)
        if (k->seen[i].dev == st->st_dev && k->seen[i].ino == st->st_ino)
            return 1;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_path(struct walker *k, const char *fs_path);

/* Reads the sorted names of a directory; returns NULL on failure. */
static char **read_names(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t cap = 0;

    *n = 0;
    if (d == NULL)
        return NULL;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        al_grow(&names, &cap, *n + 1, sizeof(*names));
        names[(*n)++] = al_strdup(e->d_name);
    }
    closedir(d);
    if (*n > 1)
        qsort(names, *n, sizeof(*names), compare_names);
    if (names == NULL)
        names = al_calloc(1, sizeof(*names));
    return names;
}

static void walk_dir(struct walker *k, const char *fs_path, const char *rel,
                     const struct stat *st)
{
    char **names;
    size_t n, i;

    if (on_path(k, st)) {
        walk_problem(k, rel, "symbolic link loop; directory skipped");
        return;
    }
    if (k->nseen >= MAX_DIR_DEPTH || dir_excluded(k, rel))
        return;
    names = read_names(fs_path, &n);
    if (names == NULL) {
        char *msg = al_printf("cannot read directory: %s", strerror(errno));
        walk_problem(k, rel, msg);
        al_free(msg);
        return;
    }
    al_grow(&k->seen, &k->capseen, k->nseen + 1, sizeof(*k->seen));
    k->seen[k->nseen].dev = st->st_dev;
    k->seen[k->nseen++].ino = st->st_ino;
    for (i = 0; i < n; i++) {
        if (strcmp(names[i], ".git") != 0
            && strcmp(names[i], "node_modules") != 0) {
            char *child = al_printf("%s/%s", fs_path, names[i]);
            walk_path(k, child);
            al_free(child);
        }
        al_free(names[i]);
    }
    al_free(names);
    k->nseen--;
}

/* Walks one path; symlinks are followed only when they stay in root. */
static void walk_path(struct walker *k, const char *fs_path)
{
    struct stat st;
    char real[PATH_MAX];
    char *rel;

    if (realpath(fs_path, real) == NULL || stat(real, &st) != 0) {
        char *r = al_relative(k->root, fs_path);
        char *msg = al_printf("cannot read '%s': %s", r, strerror(errno));
        walk_problem(k, r, msg);
        al_free(msg);
        al_free(r);
        return;
    }
    rel = al_relative(k->root, real);
    if (rel[0] == '/' && k->nseen > 0) {
        al_free(rel);
        return;                 /* a link out of the root */
    }
    if (S_ISDIR(st.st_mode))
        walk_dir(k, real, rel, &st);
    else if (S_ISREG(st.st_mode))
        add_file(k, real, rel);
    al_free(rel);
}

int al_walk_add(struct al_walk *w, const char *root, const char *fs_path,
                const struct al_globs *include, const struct al_globs *exclude,
                struct al_findings *out)
{
    struct walker k;
    struct stat st;
    size_t before = out->n;

    memset(&k, 0, sizeof(k));
    k.w = w;
    k.root = root;
    k.include = include;
    k.exclude = exclude;
    k.out = out;
    if (stat(fs_path, &st) != 0) {
        fprintf(stderr, "auditlint: error: cannot read '%s': %s\n",
                fs_path, strerror(errno));
        return -1;
    }
    walk_path(&k, fs_path);
    al_free(k.seen);
    return out->n > before && w->n == 0 ? -1 : 0;
}

char *al_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, r;

    if (f == NULL)
        return NULL;
    do {
        al_grow(&buf, &cap, n + 65537, 1);
        r = fread(buf + n, 1, 65536, f);
        n += r;
    } while (r > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int compare_files(const void *a, const void *b)
{
    const struct al_walk_file *x = a, *y = b;

    return strcmp(x->path, y->path);
}

void al_walk_finish(struct al_walk *w)
{
    size_t i, j = 0;

    if (w->n > 1)
        qsort(w->v, w->n, sizeof(*w->v), compare_files);
    for (i = 0; i < w->n; i++) {
        if (j > 0 && strcmp(w->v[j - 1].path, w->v[i].path) == 0) {
            al_free(w->v[i].fs_path);
            al_free(w->v[i].path);
            continue;
        }
        w->v[j++] = w->v[i];
    }
    w->n = j;
}

void al_walk_release(struct al_walk *w)
{
    size_t i;

    for (i = 0; i < w->n; i++) {
        al_free(w->v[i].fs_path);
        al_free(w->v[i].path);
    }
    al_free(w->v);
    w->v = NULL;
    w->n = w->cap = 0;
}
