/*
 * gitdiff: the lines changed since a git revision (--changed-since), read
 * from 'git diff --unified=0' and 'git ls-files --others', and the filter
 * that keeps only the findings on those lines. Runs git without a shell.
 * Calls mem and finding.
 */
#ifndef AL_GITDIFF_H
#define AL_GITDIFF_H

#include <stddef.h>

#include "finding.h"

/* Lines first..last (1-based, inclusive) of the file as it is now. */
struct al_gitdiff_range {
    unsigned first, last;
};

struct al_gitdiff_file {
    char *path;                 /* relative to the repository root */
    int whole;                  /* new or untracked: every line changed */
    struct al_gitdiff_range *v;
    size_t n, cap;
};

/* The changed files, sorted by path, each once. */
struct al_gitdiff {
    struct al_gitdiff_file *v;
    size_t n, cap;
};

void al_gitdiff_init(struct al_gitdiff *d);
void al_gitdiff_release(struct al_gitdiff *d);

/*
 * Fills d with what changed in the work tree since ref, for the
 * repository root root (an absolute directory, which may lie below the
 * git top level). Tracked files: the hunks of 'git diff --unified=0 REF',
 * with renames followed, so a renamed file counts only its edited lines;
 * a hunk that only deletes lines marks the lines on either side of the
 * deletion. Untracked files that git does not ignore count whole. ref is
 * passed to git as one argument, never through a shell; one starting
 * with '-' is refused. Returns 0, or -1 with a message on stderr when
 * git cannot run, root is not in a git work tree, or ref names no
 * commit. d is released by the caller either way.
 */
int al_gitdiff_load(struct al_gitdiff *d, const char *root, const char *ref);

/*
 * Adds to d the changes described by the output of 'git diff
 * --unified=0 --src-prefix=a/ --dst-prefix=b/' in text[0..len); paths
 * are relative to the git top level, and those under prefix ("" or
 * "dir/", as 'git rev-parse --show-prefix' prints it) are kept, made
 * relative to it. Returns 0.
 */
int al_gitdiff_parse(struct al_gitdiff *d, const char *text, size_t len,
                     const char *prefix);

/* Marks the file at path (root-relative) as changed throughout. */
void al_gitdiff_add_whole(struct al_gitdiff *d, const char *path);

/*
 * Returns 1 when line of file changed; line 0 (a finding about the whole
 * file) counts as changed when anything in the file did.
 */
int al_gitdiff_changed(const struct al_gitdiff *d, const char *file,
                       unsigned line);

/*
 * Keeps the findings of fs at a changed line, or with a related location
 * at one; removes the others and returns how many it removed.
 */
size_t al_gitdiff_filter(const struct al_gitdiff *d, struct al_findings *fs);

#endif
