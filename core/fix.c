/*
 * fix: atomic in-place rewrites.
 */
#include "fix.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "mem.h"
#include "walk.h"

struct edit {
    size_t start, end;
    const char *text;
    size_t finding;
};

static int compare_edits(const void *a, const void *b)
{
    const struct edit *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->finding < y->finding ? -1 : x->finding > y->finding;
}

/* Writes buf to a temporary file beside path, then renames it over. */
static int write_atomic(const char *path, const char *buf, size_t len,
                        mode_t mode)
{
    char *tmp = al_printf("%s.auditlint-XXXXXX", path);
    int fd = mkstemp(tmp), rc = -1;
    FILE *f;

    if (fd < 0)
        goto out;
    f = fdopen(fd, "wb");
    if (f == NULL) {
        close(fd);
        unlink(tmp);
        goto out;
    }
    if (fwrite(buf, 1, len, f) != len || fflush(f) != 0
        || fsync(fileno(f)) != 0 || fchmod(fileno(f), mode) != 0) {
        fclose(f);
        unlink(tmp);
        goto out;
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        al_error("cannot write '%s': %s", path, al_errno_text());
    al_free(tmp);
    return rc;
}

/* Applies sorted, non-overlapping edits to one file; 0 or -1. */
static int rewrite(const char *path, const struct edit *e, size_t n)
{
    struct stat st;
    size_t len, i, at = 0, outn = 0, cap = 0;
    char *buf, *out = NULL;
    int rc;

    if (stat(path, &st) != 0 || (buf = al_read_file(path, &len)) == NULL) {
        al_error("cannot read '%s' to fix it: %s", path, al_errno_text());
        return -1;
    }
    for (i = 0; i < n; i++) {
        size_t keep = e[i].start - at, t = strlen(e[i].text);
        al_grow(&out, &cap, outn + keep + t + 1, 1);
        memcpy(out + outn, buf + at, keep);
        memcpy(out + outn + keep, e[i].text, t);
        outn += keep + t;
        at = e[i].end;
    }
    al_grow(&out, &cap, outn + (len - at) + 1, 1);
    memcpy(out + outn, buf + at, len - at);
    outn += len - at;
    rc = write_atomic(path, out, outn, st.st_mode & 07777);
    al_free(buf);
    al_free(out);
    return rc;
}

/* Drops overlapping or out-of-range edits of one file (sorted). */
static size_t keep_valid(struct edit *e, size_t n, size_t size,
                         const char *file)
{
    size_t i, j = 0;

    for (i = 0; i < n; i++) {
        if (e[i].end > size || e[i].start > e[i].end
            || (j > 0 && e[i].start < e[j - 1].end)) {
            al_warning("'%s': a fix overlaps another or the file changed; "
                       "left for a second run", file);
            continue;
        }
        e[j++] = e[i];
    }
    return j;
}

static int not_fixed(const struct al_finding *f, void *ctx)
{
    (void)ctx;
    return f->fix == NULL || f->fix_start != (size_t)-1;
}

/* Fixes one file: the findings [from, to) of fs are all in it. */
static int fix_file(const char *root, struct al_findings *fs, size_t from,
                    size_t to, int *applied)
{
    struct edit *e = al_calloc(to - from, sizeof(*e));
    char *path = al_printf("%s/%s", root, fs->v[from].at.file);
    struct stat st;
    size_t n = 0, i;
    int rc = 0;

    for (i = from; i < to; i++)
        if (fs->v[i].fix != NULL) {
            e[n].start = fs->v[i].fix_start;
            e[n].end = fs->v[i].fix_end;
            e[n].text = fs->v[i].fix;
            e[n++].finding = i;
        }
    qsort(e, n, sizeof(*e), compare_edits);
    if (n > 0 && stat(path, &st) == 0)
        n = keep_valid(e, n, (size_t)st.st_size, fs->v[from].at.file);
    if (n > 0 && (rc = rewrite(path, e, n)) == 0)
        for (i = 0; i < n; i++) {
            fs->v[e[i].finding].fix_start = (size_t)-1;
            (*applied)++;
        }
    al_free(e);
    al_free(path);
    return rc;
}

int al_fix_apply(const char *root, struct al_findings *fs)
{
    size_t i = 0, j;
    int applied = 0, rc = 0;

    while (i < fs->n) {
        for (j = i; j < fs->n && strcmp(fs->v[j].at.file,
                                        fs->v[i].at.file) == 0; j++)
            ;
        if (fix_file(root, fs, i, j, &applied) != 0)
            rc = -1;
        i = j;
    }
    al_findings_retain(fs, not_fixed, NULL);
    return rc != 0 ? -1 : applied;
}
