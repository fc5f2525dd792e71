/*
 * gitdiff: changed lines from git, and the findings filter.
 */
#include "gitdiff.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem.h"

extern char **environ;

#define NO_FILE SIZE_MAX

/* Where the diff parser is: the file its hunks belong to, and more. */
struct state {
    struct al_gitdiff *d;
    const char *prefix;
    size_t cur;                 /* index in d->v, or NO_FILE */
    unsigned long left;         /* '+'/'-' lines of the hunk still due */
    char *header;               /* the 'diff --git' line's paths */
    int is_new, saw_target;     /* 'new file mode'; a '+++' line seen */
};

void al_gitdiff_init(struct al_gitdiff *d)
{
    d->v = NULL;
    d->n = 0;
    d->cap = 0;
}

void al_gitdiff_release(struct al_gitdiff *d)
{
    size_t i;

    for (i = 0; i < d->n; i++) {
        al_free(d->v[i].path);
        al_free(d->v[i].v);
    }
    al_free(d->v);
    al_gitdiff_init(d);
}

/* Appends an entry for path (taken); returns its index. */
static size_t append(struct al_gitdiff *d, char *path)
{
    struct al_gitdiff_file *f;

    al_grow(&d->v, &d->cap, d->n + 1, sizeof(*d->v));
    f = &d->v[d->n];
    memset(f, 0, sizeof(*f));
    f->path = path;
    return d->n++;
}

/* Appends an entry for path (taken) that counts as changed throughout. */
static void append_whole(struct al_gitdiff *d, char *path)
{
    size_t i = append(d, path);

    d->v[i].whole = 1;
}

static void add_range(struct al_gitdiff_file *f, unsigned first,
                      unsigned last)
{
    al_grow(&f->v, &f->cap, f->n + 1, sizeof(*f->v));
    f->v[f->n].first = first;
    f->v[f->n].last = last;
    f->n++;
}

static int compare_files(const void *a, const void *b)
{
    const struct al_gitdiff_file *x = a, *y = b;

    return strcmp(x->path, y->path);
}

/* Moves the ranges of entry from into entry to, which is kept. */
static void merge(struct al_gitdiff_file *to, struct al_gitdiff_file *from)
{
    size_t i;

    to->whole |= from->whole;
    for (i = 0; i < from->n; i++)
        add_range(to, from->v[i].first, from->v[i].last);
    al_free(from->path);
    al_free(from->v);
}

/* Sorts the entries by path and merges those of one path. */
static void settle(struct al_gitdiff *d)
{
    size_t i, kept = 0;

    if (d->n > 1)
        qsort(d->v, d->n, sizeof(*d->v), compare_files);
    for (i = 0; i < d->n; i++) {
        if (kept > 0 && strcmp(d->v[kept - 1].path, d->v[i].path) == 0)
            merge(&d->v[kept - 1], &d->v[i]);
        else
            d->v[kept++] = d->v[i];
    }
    d->n = kept;
}

void al_gitdiff_add_whole(struct al_gitdiff *d, const char *path)
{
    append_whole(d, al_strdup(path));
    settle(d);
}

/*
 * Reads a path as git writes it in a header: plain, or C-quoted when it
 * holds special characters. Returns a new string, or NULL when a quoted
 * path is not closed; sets *end after it.
 */
static char *header_path(const char *s, const char **end)
{
    static const char from[] = "abtnvfr\"\\", to[] = "\a\b\t\n\v\f\r\"\\";
    char *out = al_malloc(strlen(s) + 1), *o = out;
    const char *e;

    if (*s != '"') {
        strcpy(out, s);
        *end = s + strlen(s);
        return out;
    }
    for (s++; *s != '\0' && *s != '"'; s++) {
        if (*s != '\\' || s[1] == '\0') {
            *o++ = *s;
        } else if (s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7'
                   && s[3] >= '0' && s[3] <= '7') {
            *o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3
                          | (s[3] - '0'));
            s += 3;
        } else if ((e = strchr(from, s[1])) != NULL) {
            *o++ = to[e - from];
            s++;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    *end = *s == '"' ? s + 1 : s;
    if (*s == '"')
        return out;
    al_free(out);
    return NULL;
}

/*
 * Returns the root-relative form (new) of a diff path "b/DIR/FILE", or
 * NULL when it is not a "b/" path under the prefix.
 */
static char *under_prefix(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);

    if (strncmp(path, "b/", 2) != 0 || strncmp(path + 2, prefix, n) != 0)
        return NULL;
    return al_strdup(path + 2 + n);
}

/* Starts the file of a '+++ ' line (s is what follows it). */
static void target_line(struct state *st, const char *s)
{
    const char *end;
    char *path = header_path(s, &end), *rel;
    size_t n;

    st->saw_target = 1;
    st->cur = NO_FILE;
    if (path == NULL)
        return;
    n = strlen(path);
    if (*s != '"' && n > 0 && path[n - 1] == '\t')
        path[n - 1] = '\0';
    rel = under_prefix(path, st->prefix);
    al_free(path);
    if (rel == NULL)
        return;
    st->cur = append(st->d, rel);
    st->d->v[st->cur].whole = st->is_new;
}

/* Parses "@@ -a[,b] +c[,d] @@"; returns 0 and sets the counts. */
static int hunk_header(const char *s, unsigned long *old_n,
                       unsigned long *start, unsigned long *new_n)
{
    char *e;

    if (strncmp(s, "@@ -", 4) != 0)
        return -1;
    strtoul(s + 4, &e, 10);
    *old_n = *e == ',' ? strtoul(e + 1, &e, 10) : 1;
    if (strncmp(e, " +", 2) != 0)
        return -1;
    *start = strtoul(e + 2, &e, 10);
    *new_n = *e == ',' ? strtoul(e + 1, &e, 10) : 1;
    return strncmp(e, " @@", 3) == 0 ? 0 : -1;
}

/*
 * Records a hunk. Added lines are the changed ones; a hunk that only
 * deletes marks the line before and the line after the deletion.
 */
static void hunk_line(struct state *st, const char *s)
{
    unsigned long old_n, start, new_n;
    struct al_gitdiff_file *f;

    if (hunk_header(s, &old_n, &start, &new_n) != 0)
        return;
    st->left = old_n + new_n;
    if (st->cur == NO_FILE || new_n >= UINT_MAX || start >= UINT_MAX - new_n)
        return;
    f = &st->d->v[st->cur];
    if (new_n > 0)
        add_range(f, (unsigned)start, (unsigned)(start + new_n - 1));
    else
        add_range(f, start > 0 ? (unsigned)start : 1, (unsigned)start + 1);
}

/*
 * Ends the section of one file: a new file without a '+++' line (an
 * empty one) is taken from the 'diff --git "a/X" "b/X"' header.
 */
static void end_section(struct state *st)
{
    const char *s = st->header, *end;
    char *path = NULL, *rel = NULL;
    size_t n;

    if (st->is_new && !st->saw_target && s != NULL) {
        n = strlen(s);
        if (*s == '"') {
            al_free(header_path(s, &end));
            path = *end == ' ' ? header_path(end + 1, &end) : NULL;
        } else if (n >= 5) {
            path = al_strdup(s + (n + 1) / 2);
        }
        rel = path != NULL ? under_prefix(path, st->prefix) : NULL;
        if (rel != NULL)
            append_whole(st->d, rel);
    }
    al_free(path);
    al_free(st->header);
    st->header = NULL;
    st->is_new = st->saw_target = 0;
    st->cur = NO_FILE;
}

/* Handles one line of diff output, s[0..n). */
static void diff_line(struct state *st, const char *s, size_t n)
{
    char *line;

    if (st->left > 0 && n > 0 && (s[0] == '+' || s[0] == '-')) {
        st->left--;
        return;
    }
    if (n > 0 && s[0] == '\\')
        return;
    st->left = 0;
    if (n >= 13 && memcmp(s, "new file mode", 13) == 0)
        st->is_new = 1;
    if (!(n >= 11 && memcmp(s, "diff --git ", 11) == 0)
        && !(n >= 4 && memcmp(s, "+++ ", 4) == 0)
        && !(n >= 3 && memcmp(s, "@@ ", 3) == 0))
        return;
    line = al_strndup(s, n);
    if (line[0] == 'd') {
        end_section(st);
        st->header = al_strdup(line + 11);
    } else if (line[0] == '+') {
        target_line(st, line + 4);
    } else {
        hunk_line(st, line);
    }
    al_free(line);
}

int al_gitdiff_parse(struct al_gitdiff *d, const char *text, size_t len,
                     const char *prefix)
{
    struct state st = {d, prefix, NO_FILE, 0, NULL, 0, 0};
    const char *nl;
    size_t pos = 0, n;

    while (pos < len) {
        nl = memchr(text + pos, '\n', len - pos);
        n = nl != NULL ? (size_t)(nl - text) - pos : len - pos;
        diff_line(&st, text + pos, n);
        pos += n + 1;
    }
    end_section(&st);
    settle(d);
    return 0;
}

/* Reads fd to its end; returns a new NUL-terminated buffer. */
static char *read_all(int fd, size_t *len)
{
    char *buf = NULL;
    size_t cap = 0;
    ssize_t got;

    *len = 0;
    for (;;) {
        al_grow(&buf, &cap, *len + 65536, 1);
        got = read(fd, buf + *len, cap - *len - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        *len += (size_t)got;
    }
    buf[*len] = '\0';
    return buf;
}

/*
 * Runs git with argv (argv[0] "git", NULL-terminated) directly, not
 * through a shell, with standard input from /dev/null and standard
 * output collected into *out (new, NUL-terminated; *len bytes). Returns
 * git's exit status, or -1 with errno set when it could not start.
 */
static int run_git(char *const *argv, char **out, size_t *len)
{
    posix_spawn_file_actions_t fa;
    int fds[2], status = 0, err;
    pid_t pid;

    *out = NULL;
    if (pipe(fds) != 0)
        return -1;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    err = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (err != 0) {
        close(fds[0]);
        errno = err;
        return -1;
    }
    *out = read_all(fds[0], len);
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Runs git; prints why when it cannot start. Returns its status or -1. */
static int git(char *const *argv, char **out, size_t *len)
{
    int rc = run_git(argv, out, len);

    if (rc < 0)
        fprintf(stderr, "auditlint: error: cannot run 'git': %s; "
                "'--changed-since' needs git\n", strerror(errno));
    return rc;
}

/* Sets *prefix (new) to root's path below the git top level. */
static int show_prefix(const char *root, char **prefix)
{
    char *argv[] = {"git", "-C", (char *)root, "rev-parse",
                    "--is-inside-work-tree", "--show-prefix", NULL};
    char *out, *nl;
    size_t len;
    int rc = git(argv, &out, &len);

    if (rc == 0 && strncmp(out, "true\n", 5) == 0) {
        nl = strchr(out + 5, '\n');
        *prefix = al_strndup(out + 5, nl ? (size_t)(nl - out - 5)
                                         : strlen(out + 5));
    } else if (rc >= 0) {
        fprintf(stderr, "auditlint: error: '%s' is not in a git work "
                "tree; '--changed-since' needs one\n", root);
    }
    al_free(out);
    return *prefix != NULL ? 0 : -1;
}

/* Sets *sha (new) to the commit that ref names. */
static int resolve(const char *root, const char *ref, char **sha)
{
    char *spec = al_printf("%s^{commit}", ref);
    char *argv[] = {"git", "-C", (char *)root, "rev-parse", "--verify",
                    "--quiet", spec, NULL};
    char *out;
    size_t len;
    int rc = git(argv, &out, &len);

    while (rc == 0 && len > 0 && (out[len - 1] == '\n'))
        out[--len] = '\0';
    if (rc == 0 && len > 0 && strspn(out, "0123456789abcdef") == len)
        *sha = al_strdup(out);
    else if (rc >= 0)
        fprintf(stderr, "auditlint: error: unknown revision '%s': it names "
                "no commit of the git repository at '%s'\n", ref, root);
    al_free(out);
    al_free(spec);
    return *sha != NULL ? 0 : -1;
}

/* Adds the changed lines of tracked files since commit sha. */
static int tracked(struct al_gitdiff *d, const char *root, const char *sha,
                   const char *prefix)
{
    char *argv[] = {"git", "-C", (char *)root, "-c", "core.quotePath=false",
                    "diff", "--no-color", "--no-ext-diff", "--no-textconv",
                    "--unified=0", "--find-renames", "--no-relative",
                    "--src-prefix=a/", "--dst-prefix=b/", (char *)sha, "--",
                    NULL};
    char *out;
    size_t len;
    int rc = git(argv, &out, &len);

    if (rc == 0)
        al_gitdiff_parse(d, out, len, prefix);
    else if (rc > 0)
        fprintf(stderr, "auditlint: error: 'git diff' failed with status "
                "%d in '%s'\n", rc, root);
    al_free(out);
    return rc == 0 ? 0 : -1;
}

/* Adds the untracked files under root that git does not ignore. */
static int untracked(struct al_gitdiff *d, const char *root)
{
    char *argv[] = {"git", "-C", (char *)root, "ls-files", "-z", "--others",
                    "--exclude-standard", NULL};
    char *out;
    size_t len, pos = 0;
    int rc = git(argv, &out, &len);

    if (rc > 0)
        fprintf(stderr, "auditlint: error: 'git ls-files' failed with "
                "status %d in '%s'\n", rc, root);
    for (; rc == 0 && pos < len; pos += strlen(out + pos) + 1)
        if (out[pos] != '\0')
            append_whole(d, al_strdup(out + pos));
    al_free(out);
    settle(d);
    return rc == 0 ? 0 : -1;
}

int al_gitdiff_load(struct al_gitdiff *d, const char *root, const char *ref)
{
    char *prefix = NULL, *sha = NULL;
    int rc = -1;

    if (ref[0] == '\0' || ref[0] == '-') {
        fprintf(stderr, "auditlint: error: '--changed-since' needs a git "
                "revision, not '%s'\n", ref);
        return -1;
    }
    if (show_prefix(root, &prefix) != 0 || resolve(root, ref, &sha) != 0)
        goto out;
    if (tracked(d, root, sha, prefix) != 0 || untracked(d, root) != 0)
        goto out;
    rc = 0;
out:
    al_free(prefix);
    al_free(sha);
    return rc;
}

/* Returns the entry of file, or NULL. */
static const struct al_gitdiff_file *lookup(const struct al_gitdiff *d,
                                            const char *file)
{
    struct al_gitdiff_file key;

    if (d->n == 0)
        return NULL;
    key.path = (char *)file;
    return bsearch(&key, d->v, d->n, sizeof(*d->v), compare_files);
}

int al_gitdiff_changed(const struct al_gitdiff *d, const char *file,
                       unsigned line)
{
    const struct al_gitdiff_file *f = lookup(d, file);
    size_t i;

    if (f == NULL)
        return 0;
    if (f->whole || line == 0)
        return f->whole || f->n > 0;
    for (i = 0; i < f->n; i++)
        if (line >= f->v[i].first && line <= f->v[i].last)
            return 1;
    return 0;
}

static int on_changed_line(const struct al_finding *f, void *ctx)
{
    const struct al_gitdiff *d = ctx;
    size_t i;

    if (al_gitdiff_changed(d, f->at.file, f->at.line))
        return 1;
    for (i = 0; i < f->nrelated; i++)
        if (al_gitdiff_changed(d, f->related[i].file, f->related[i].line))
            return 1;
    return 0;
}

size_t al_gitdiff_filter(const struct al_gitdiff *d, struct al_findings *fs)
{
    size_t before = fs->n;

    al_findings_retain(fs, on_changed_line, (void *)d);
    return before - fs->n;
}
