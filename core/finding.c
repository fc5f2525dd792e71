/*
 * finding: the findings list, its order, de-duplication and fingerprints.
 */
#include "finding.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

/* A finding's base hash and its index, for finding equal fingerprints. */
struct hashed {
    uint64_t h;
    size_t i;
};

void al_findings_init(struct al_findings *fs)
{
    fs->v = NULL;
    fs->n = 0;
    fs->cap = 0;
}

/* Frees everything f owns; f itself belongs to the list. */
static void finding_release(struct al_finding *f)
{
    size_t i;

    for (i = 0; i < f->nrelated; i++) {
        al_free(f->related[i].file);
        al_free(f->related[i].message);
    }
    for (i = 0; i < f->nframeworks; i++)
        al_free(f->frameworks[i]);
    al_free(f->related);
    al_free(f->frameworks);
    al_free(f->rule);
    al_free(f->message);
    al_free(f->at.file);
    al_free(f->key);
    al_free(f->fix);
}

void al_findings_release(struct al_findings *fs)
{
    size_t i;

    for (i = 0; i < fs->n; i++)
        finding_release(&fs->v[i]);
    al_free(fs->v);
    al_findings_init(fs);
}

struct al_finding *al_findings_add(struct al_findings *fs, const char *rule,
                                   enum al_severity sev, const char *file,
                                   unsigned line, unsigned col,
                                   const char *message)
{
    struct al_finding *f;

    al_grow(&fs->v, &fs->cap, fs->n + 1, sizeof(*fs->v));
    f = &fs->v[fs->n++];
    memset(f, 0, sizeof(*f));
    f->rule = al_strdup(rule);
    f->severity = sev;
    f->message = al_strdup(message);
    f->at.file = al_strdup(file);
    f->at.line = line;
    f->at.col = col;
    return f;
}

void al_finding_relate(struct al_finding *f, const char *file,
                       unsigned line, unsigned col, const char *message)
{
    struct al_loc *r;

    f->related = al_realloc(f->related,
                            (f->nrelated + 1) * sizeof(*f->related));
    r = &f->related[f->nrelated++];
    memset(r, 0, sizeof(*r));
    r->file = al_strdup(file);
    r->line = line;
    r->col = col;
    r->message = message != NULL ? al_strdup(message) : NULL;
}

void al_finding_framework(struct al_finding *f, const char *req)
{
    size_t i = 0;
    int cmp = 1;

    while (i < f->nframeworks && (cmp = strcmp(f->frameworks[i], req)) < 0)
        i++;
    if (i < f->nframeworks && cmp == 0)
        return;
    f->frameworks = al_realloc(f->frameworks,
                               (f->nframeworks + 1) * sizeof(char *));
    memmove(&f->frameworks[i + 1], &f->frameworks[i],
            (f->nframeworks - i) * sizeof(char *));
    f->frameworks[i] = al_strdup(req);
    f->nframeworks++;
}

void al_finding_fix(struct al_finding *f, size_t start, size_t end,
                    const char *text)
{
    al_free(f->fix);
    f->fix = al_strdup(text);
    f->fix_start = start;
    f->fix_end = end;
}

void al_finding_key(struct al_finding *f, const char *key)
{
    char *copy = al_strdup(key);

    al_free(f->key);
    f->key = copy;
}

/* The sort order; 0 means the two findings are duplicates. */
static int compare(const struct al_finding *a, const struct al_finding *b)
{
    int c = strcmp(a->at.file, b->at.file);

    if (c != 0)
        return c;
    if (a->at.line != b->at.line)
        return a->at.line < b->at.line ? -1 : 1;
    if (a->at.col != b->at.col)
        return a->at.col < b->at.col ? -1 : 1;
    c = strcmp(a->rule, b->rule);
    if (c != 0)
        return c;
    return strcmp(a->message, b->message);
}

/* Merges the sorted runs v[0..mid) and v[mid..n) through tmp. */
static void merge(struct al_finding *v, size_t mid, size_t n,
                  struct al_finding *tmp)
{
    size_t i = 0, j = mid, k = 0;

    while (i < mid && j < n) {
        if (compare(&v[j], &v[i]) < 0)
            tmp[k++] = v[j++];
        else
            tmp[k++] = v[i++];
    }
    while (i < mid)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof(*v));
}

/* Stable merge sort of v[0..n); tmp holds at least n elements. */
static void sort(struct al_finding *v, size_t n, struct al_finding *tmp)
{
    size_t mid = n / 2;

    if (n < 2)
        return;
    sort(v, mid, tmp);
    sort(v + mid, n - mid, tmp);
    if (compare(&v[mid - 1], &v[mid]) > 0)
        merge(v, mid, n, tmp);
}

/* Drops each finding equal to the one kept before it; v is sorted. */
static void dedup(struct al_findings *fs)
{
    size_t i, kept = 0;

    for (i = 0; i < fs->n; i++) {
        if (kept > 0 && compare(&fs->v[kept - 1], &fs->v[i]) == 0)
            finding_release(&fs->v[i]);
        else
            fs->v[kept++] = fs->v[i];
    }
    fs->n = kept;
}

/* Continues an FNV-1a hash over n bytes of p. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;

    while (n-- > 0) {
        h ^= *s++;
        h *= FNV_PRIME;
    }
    return h;
}

/* Hashes rule '\0' file '\0' subject, and '\0' k when k > 0. */
static uint64_t base_hash(const struct al_finding *f, size_t k)
{
    const char *subject = f->key != NULL ? f->key : f->message;
    uint64_t h = FNV_OFFSET;
    char num[24];

    h = fnv(h, f->rule, strlen(f->rule) + 1);
    h = fnv(h, f->at.file, strlen(f->at.file) + 1);
    h = fnv(h, subject, strlen(subject));
    if (k > 0) {
        snprintf(num, sizeof(num), "%zu", k);
        h = fnv(h, "", 1);
        h = fnv(h, num, strlen(num));
    }
    return h;
}

/* qsort order of struct hashed: by hash, then by index. */
static int compare_hashed(const void *pa, const void *pb)
{
    const struct hashed *a = pa, *b = pb;

    if (a->h != b->h)
        return a->h < b->h ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/*
 * Sets every fingerprint; findings with equal base hashes are numbered in
 * sorted order and the later ones hashed again with their number.
 */
static void fingerprint(struct al_findings *fs)
{
    struct hashed *hs = al_calloc(fs->n, sizeof(*hs));
    size_t i, k = 0;

    for (i = 0; i < fs->n; i++) {
        hs[i].h = base_hash(&fs->v[i], 0);
        hs[i].i = i;
    }
    qsort(hs, fs->n, sizeof(*hs), compare_hashed);
    for (i = 0; i < fs->n; i++) {
        struct al_finding *f = &fs->v[hs[i].i];
        uint64_t h = hs[i].h;

        k = i > 0 && hs[i - 1].h == hs[i].h ? k + 1 : 0;
        if (k > 0)
            h = base_hash(f, k);
        snprintf(f->fingerprint, sizeof(f->fingerprint), "%016llx",
                 (unsigned long long)h);
    }
    al_free(hs);
}

void al_findings_finish(struct al_findings *fs)
{
    struct al_finding *tmp;

    if (fs->n == 0)
        return;
    tmp = al_calloc(fs->n, sizeof(*tmp));
    sort(fs->v, fs->n, tmp);
    al_free(tmp);
    dedup(fs);
    fingerprint(fs);
}

size_t al_findings_count(const struct al_findings *fs, enum al_severity sev)
{
    size_t i, n = 0;

    for (i = 0; i < fs->n; i++)
        n += fs->v[i].severity == sev;
    return n;
}

void al_findings_retain(struct al_findings *fs,
                        int (*keep)(const struct al_finding *f, void *ctx),
                        void *ctx)
{
    size_t i, kept = 0;

    for (i = 0; i < fs->n; i++) {
        if (keep(&fs->v[i], ctx))
            fs->v[kept++] = fs->v[i];
        else
            finding_release(&fs->v[i]);
    }
    fs->n = kept;
}

const char *al_severity_name(enum al_severity sev)
{
    switch (sev) {
    case AL_SEV_ERROR:
        return "error";
    case AL_SEV_WARNING:
        return "warning";
    case AL_SEV_NOTE:
        return "note";
    case AL_SEV_NONE:
        break;
    }
    return "off";
}

int al_severity_parse(const char *s, enum al_severity *sev)
{
    static const struct {
        const char *name;
        enum al_severity sev;
    } names[] = {
        {"error", AL_SEV_ERROR}, {"warning", AL_SEV_WARNING},
        {"note", AL_SEV_NOTE}, {"off", AL_SEV_NONE},
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(s, names[i].name) == 0) {
            *sev = names[i].sev;
            return 0;
        }
    }
    return -1;
}
