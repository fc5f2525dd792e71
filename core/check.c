/*
 * check: the pipeline.
 */
#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "embed.h"
#include "gitdiff.h"
#include "mem.h"

void al_check_opts_init(struct al_check_opts *o)
{
    memset(o, 0, sizeof(*o));
    al_lua_opts_default(&o->lua);
    al_limits_default(&o->limits);
}

/* The directory a path names: itself, or the one holding the file. */
static char *start_dir(const char *path)
{
    char real[PATH_MAX];
    struct stat st;
    char *slash;

    if (realpath(path, real) == NULL || stat(real, &st) != 0) {
        fprintf(stderr, "auditlint: error: cannot read '%s': %s\n", path,
                strerror(errno));
        return NULL;
    }
    if (!S_ISDIR(st.st_mode)) {
        slash = strrchr(real, '/');
        if (slash == real)
            slash[1] = '\0';
        else if (slash != NULL)
            *slash = '\0';
    }
    return al_strdup(real);
}

static void set_today(struct al_check *c, const char *as_of)
{
    time_t now;
    struct tm tm;

    if (as_of != NULL) {
        snprintf(c->today, sizeof(c->today), "%s", as_of);
        return;
    }
    now = time(NULL);
    localtime_r(&now, &tm);
    strftime(c->today, sizeof(c->today), "%Y-%m-%d", &tm);
}

/* Finds and reads the configuration; sets the root. */
static int setup_config(struct al_check *c, const struct al_check_opts *o)
{
    char *dir = start_dir(o->npaths ? o->paths[0] : ".");
    char *path = NULL, *rel, real[PATH_MAX];
    int rc = 0;

    if (dir == NULL)
        return -1;
    if (o->config != NULL) {
        path = al_strdup(o->config);
    } else if (o->no_config_search) {
        path = al_printf("%s/.auditlint.yml", dir);
        if (access(path, F_OK) != 0) {
            al_free(path);
            path = NULL;
        }
    } else {
        path = al_config_find(dir);
    }
    c->root = dir;
    if (path != NULL && o->config == NULL && realpath(path, real) != NULL) {
        char *slash = strrchr(real, '/');
        *slash = '\0';
        al_free(c->root);
        c->root = al_strdup(real[0] ? real : "/");
    }
    if (path != NULL) {
        rel = realpath(path, real) ? al_relative(c->root, real)
                                   : al_strdup(path);
        rc = al_config_load(&c->config, path, rel);
        al_free(rel);
    }
    al_free(path);
    return rc;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_rule_file(struct al_check *c, const char *fs, const char *rel)
{
    FILE *f = fopen(fs, "rb");
    char *buf;
    long n;
    int rc;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
        fprintf(stderr, "auditlint: error: cannot read rule '%s': %s\n", rel,
                strerror(errno));
        if (f != NULL)
            fclose(f);
        return -1;
    }
    rewind(f);
    buf = al_malloc((size_t)n + 1);
    n = (long)fread(buf, 1, (size_t)n, f);
    fclose(f);
    rc = al_lua_load_rule(c->lua, rel, buf, (size_t)n);
    al_free(buf);
    return rc;
}

/* Loads every *.lua file of a directory, in name order. */
static int load_rule_dir(struct al_check *c, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL, real[PATH_MAX];
    size_t n = 0, cap = 0, i;

    if (d == NULL) {
        fprintf(stderr, "auditlint: error: cannot read rule directory '%s': "
                "%s\n", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL)
        if (has_suffix(e->d_name, ".lua")) {
            al_grow(&names, &cap, n + 1, sizeof(*names));
            names[n++] = al_printf("%s/%s", dir, e->d_name);
        }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), compare_strings);
    for (i = 0; i < n; i++) {
        char *rel = realpath(names[i], real) ? al_relative(c->root, real)
                                             : al_strdup(names[i]);
        if (rel[0] == '/') {        /* outside the root: as the user wrote */
            al_free(rel);
            rel = al_strdup(names[i]);
        }
        load_rule_file(c, names[i], rel);
        al_free(rel);
        al_free(names[i]);
    }
    al_free(names);
    return 0;
}

/*
 * Loads each rule directory once, however it was named (the config's
 * rule_paths, --rules, a relative and an absolute path to one place).
 */
static int load_rule_dir_once(struct al_check *c, const char *dir,
                              char ***seen, size_t *nseen)
{
    char real[PATH_MAX];
    size_t i;

    if (realpath(dir, real) != NULL) {
        for (i = 0; i < *nseen; i++)
            if (strcmp((*seen)[i], real) == 0)
                return 0;
        *seen = al_realloc(*seen, (*nseen + 1) * sizeof(**seen));
        (*seen)[(*nseen)++] = al_strdup(real);
    }
    return load_rule_dir(c, dir);
}

static int load_rules(struct al_check *c, const struct al_check_opts *o)
{
    char **seen = NULL;
    size_t i, nseen = 0;
    int rc = 0;

    al_lua_load_builtin_rules(c->lua);
    for (i = 0; i < c->config.rule_paths.n; i++) {
        char *dir = c->config.rule_paths.v[i][0] == '/'
                    ? al_strdup(c->config.rule_paths.v[i])
                    : al_printf("%s/%s", c->root, c->config.rule_paths.v[i]);
        rc |= load_rule_dir_once(c, dir, &seen, &nseen);
        al_free(dir);
    }
    for (i = 0; i < o->nrule_dirs; i++)
        rc |= load_rule_dir_once(c, o->rule_dirs[i], &seen, &nseen);
    for (i = 0; i < nseen; i++)
        al_free(seen[i]);
    al_free(seen);
    return rc;
}

/* Applies the configuration's 'rules:' entries; unknown ids are errors. */
static int configure_rules(struct al_check *c)
{
    size_t i;

    for (i = 0; i < c->config.nrules; i++) {
        const struct al_rule_setting *r = &c->config.rules[i];

        if (al_lua_configure_rule(c->lua, r->id, r->has_sev, r->sev,
                                  r->options) != 0)
            al_config_error(&c->config, r->at, "unknown rule '%s'; "
                            "'auditlint rules' lists them", r->id);
    }
    return c->config.errors ? -1 : 0;
}

int al_check_setup(struct al_check *c, const struct al_check_opts *o)
{
    struct al_lua_opts lo = o->lua;

    memset(c, 0, sizeof(*c));
    al_config_init(&c->config);
    al_findings_init(&c->findings);
    al_suppressions_init(&c->suppressions);
    if (setup_config(c, o) != 0)
        return c->failed = -1;
    set_today(c, o->as_of ? o->as_of
                 : c->config.as_of ? c->config.as_of : o->default_as_of);
    lo.today = c->today;
    c->lua = al_lua_new(&lo, &c->findings);
    if (c->lua == NULL || load_rules(c, o) != 0 || configure_rules(c) != 0)
        return c->failed = -1;
    if (c->config.tree != NULL)
        al_lua_set_config(c->lua, c->config.tree, c->config.rel_path);
    return 0;
}

void al_check_load_reference(struct al_check *c)
{
    struct al_limits lim;
    size_t i;

    al_limits_default(&lim);
    lim.max_file_bytes = (size_t)1 << 30;
    for (i = 0; i < al_embedded_count; i++) {
        const struct al_embedded *e = &al_embedded[i];
        struct al_file f;

        if (strncmp(e->name, "policies/", 9) != 0
            || !has_suffix(e->name, ".yml"))
            continue;
        al_load_buffer(&f, e->name, e->data, e->len, &lim, &c->findings);
        al_lua_add_file(c->lua, &f, 1);
        al_file_release(&f);
    }
}

static int discover(struct al_check *c, const struct al_check_opts *o)
{
    static const char *const here[] = {"."};
    const char *const *paths = o->npaths ? o->paths : here;
    size_t i, n = o->npaths ? o->npaths : 1;
    int rc = 0;

    for (i = 0; i < n; i++)
        if (al_walk_add(&c->files, c->root, paths[i], &c->config.include,
                        &c->config.exclude, &c->findings) != 0)
            rc = -1;
    al_walk_finish(&c->files);
    return rc;
}

/* Applies inline suppressions and the exceptions register. */
static int suppress(struct al_check *c)
{
    const struct al_config *k = &c->config;
    int rc;

    rc = al_suppress_apply(&c->findings, &c->files, k->exceptions,
                           k->rel_path, (const char *const *)
                           k->forbid_inline.v, k->forbid_inline.n,
                           c->today, &c->suppressions);
    al_lua_apply_core_severities(c->lua);
    al_findings_finish(&c->findings);
    return rc;
}

int al_check_run(struct al_check *c, const struct al_check_opts *o)
{
    const struct al_limits *lim = o->limits_set ? &o->limits
                                                : &c->config.limits;
    size_t i;

    struct timespec t0, t1;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (discover(c, o) != 0)
        c->failed = -1;
    al_check_load_reference(c);
    for (i = 0; i < c->files.n; i++) {
        struct al_file f;

        if (al_load_kind(c->files.v[i].path) == AL_FILE_OTHER) {
            memset(&f, 0, sizeof(f));
            al_arena_init(&f.arena);
            f.path = al_arena_strndup(&f.arena, c->files.v[i].path,
                                      strlen(c->files.v[i].path));
        } else {
            al_load_file(&f, c->files.v[i].fs_path, c->files.v[i].path, lim,
                         &c->findings);
        }
        al_lua_add_file(c->lua, &f, 0);
        al_file_release(&f);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (o->lua.timings)
        fprintf(stderr, "auditlint: timing: %-28s %8.3f s\n",
                "discover and load", (double)(t1.tv_sec - t0.tv_sec)
                + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    if (al_lua_run(c->lua) != 0)
        c->failed = -1;
    al_findings_finish(&c->findings);
    if (suppress(c) != 0)
        c->failed = -1;
    return c->failed || al_lua_failures(c->lua) ? -1 : 0;
}

int al_check_filter(struct al_check *c, const struct al_check_opts *o)
{
    struct al_gitdiff d;
    int rc = 0;

    if (o->write_baseline != NULL)
        return al_baseline_write(o->write_baseline, &c->findings);
    if (o->baseline != NULL
        && al_baseline_apply(o->baseline, &c->findings, &c->baselined,
                             &c->baseline_stale) != 0)
        return -1;
    if (o->changed_since == NULL)
        return 0;
    al_gitdiff_init(&d);
    rc = al_gitdiff_load(&d, c->root, o->changed_since);
    if (rc == 0)
        c->unchanged = al_gitdiff_filter(&d, &c->findings);
    al_gitdiff_release(&d);
    return rc;
}

void al_check_release(struct al_check *c)
{
    al_lua_free(c->lua);
    al_walk_release(&c->files);
    al_findings_release(&c->findings);
    al_suppressions_release(&c->suppressions);
    al_config_release(&c->config);
    al_free(c->root);
    memset(c, 0, sizeof(*c));
}
