/*
 * walk: discovers the files to check under one or more paths: recursive,
 * sorted, '.git/' and 'node_modules/' skipped, include and exclude globs
 * applied, symlinks followed only inside the root and never round a loop.
 * Calls mem and finding.
 */
#ifndef AL_WALK_H
#define AL_WALK_H

#include <stddef.h>

#include "finding.h"

struct al_walk_file {
    char *fs_path;              /* as opened */
    char *path;                 /* relative to the root, '/' separated */
};

struct al_walk {
    struct al_walk_file *v;
    size_t n, cap;
};

struct al_globs {
    char **v;
    size_t n;
};

/*
 * Matches a glob against a relative path: '*' and '?' within a segment,
 * '**' across any number of segments, '[...]' classes. A pattern without
 * '/' also matches the base name at any depth.
 */
int al_glob_match(const char *pattern, const char *path);

/*
 * Adds the files under fs_path (a file or a directory) to w, reported
 * relative to root (an absolute, canonical directory). include may be
 * empty (everything). Problems (a path that does not exist, a loop)
 * become findings. Returns 0, or -1 when fs_path cannot be read at all.
 */
int al_walk_add(struct al_walk *w, const char *root, const char *fs_path,
                const struct al_globs *include, const struct al_globs *exclude,
                struct al_findings *out);

/*
 * Returns the whole file at path as a new NUL-terminated buffer (the
 * caller frees it with al_free) and its length in *len, or NULL with
 * errno set when it cannot be read.
 */
char *al_read_file(const char *path, size_t *len);

/* Sorts by path and removes duplicates. */
void al_walk_finish(struct al_walk *w);

void al_walk_release(struct al_walk *w);

/*
 * Returns path relative to the directory root (both absolute and
 * canonical) as a new string, or a copy of path when it is outside.
 */
char *al_relative(const char *root, const char *path);

#endif
