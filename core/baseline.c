/*
 * baseline: the baseline file, its writer and a small JSON reader for
 * exactly its shape.
 */
#include "baseline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "report.h"

/* Nesting that skipped values may have; deeper input is refused. */
#define MAX_DEPTH 64

struct parser {
    const char *name;           /* for messages */
    const char *s;
    size_t n, pos;
    unsigned depth;
};

/* Called with the parser at a member's value, which it must consume. */
typedef int (*member_fn)(struct parser *p, const char *key, void *ctx);

/* What the keep callback of al_findings_retain needs. */
struct matcher {
    const struct al_baseline *b;
    char *used;                 /* per fingerprint of b */
    size_t hidden;
};

void al_baseline_init(struct al_baseline *b)
{
    b->v = NULL;
    b->n = 0;
    b->cap = 0;
}

void al_baseline_release(struct al_baseline *b)
{
    al_free(b->v);
    al_baseline_init(b);
}

/* Prints name:line:col: error: MESSAGE at p->pos; returns -1. */
static int fail(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
    unsigned line = 1, col = 1;
    size_t i;
    va_list ap;

    for (i = 0; i < p->pos && i < p->n; i++) {
        if (p->s[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)p->s[i] & 0xc0) != 0x80) {
            col++;
        }
    }
    fprintf(stderr, "%s:%u:%u: error: ", p->name, line, col);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" [baseline]\n", stderr);
    return -1;
}

/* Reports that what was expected at p->pos, naming what is there. */
static int expected(struct parser *p, const char *what)
{
    unsigned char c = p->pos < p->n ? (unsigned char)p->s[p->pos] : 0;

    if (p->pos >= p->n)
        return fail(p, "expected %s, found the end of the file", what);
    if (c < 0x20 || c >= 0x7f)
        return fail(p, "expected %s, found byte 0x%02x", what, c);
    return fail(p, "expected %s, found '%c'", what, c);
}

static void ws(struct parser *p)
{
    while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'
                             || p->s[p->pos] == '\n'
                             || p->s[p->pos] == '\r'))
        p->pos++;
}

/* Skips white space; returns the next byte, or -1 at the end. */
static int peek(struct parser *p)
{
    ws(p);
    return p->pos < p->n ? (unsigned char)p->s[p->pos] : -1;
}

static int expect(struct parser *p, char c, const char *what)
{
    if (peek(p) != (unsigned char)c)
        return expected(p, what);
    p->pos++;
    return 0;
}

/* Returns the value of the 4 hex digits at s, or -1. */
static long hex4(const char *s)
{
    long v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Appends code point c to buf as UTF-8. */
static void put_utf8(char **buf, size_t *len, size_t *cap, long c)
{
    char *o;

    al_grow(buf, cap, *len + 5, 1);
    o = *buf + *len;
    if (c < 0x80) {
        o[0] = (char)c;
        *len += 1;
    } else if (c < 0x800) {
        o[0] = (char)(0xc0 | c >> 6);
        o[1] = (char)(0x80 | (c & 0x3f));
        *len += 2;
    } else if (c < 0x10000) {
        o[0] = (char)(0xe0 | c >> 12);
        o[1] = (char)(0x80 | (c >> 6 & 0x3f));
        o[2] = (char)(0x80 | (c & 0x3f));
        *len += 3;
    } else {
        o[0] = (char)(0xf0 | c >> 18);
        o[1] = (char)(0x80 | (c >> 12 & 0x3f));
        o[2] = (char)(0x80 | (c >> 6 & 0x3f));
        o[3] = (char)(0x80 | (c & 0x3f));
        *len += 4;
    }
}

/* Reads the \uXXXX escape (and its low surrogate) at p->pos. */
static long unicode_escape(struct parser *p)
{
    long c, lo;

    if (p->pos + 6 > p->n || (c = hex4(p->s + p->pos + 2)) < 0)
        return fail(p, "'\\u' needs four hexadecimal digits");
    if (c >= 0xdc00 && c <= 0xdfff)
        return fail(p, "a low surrogate '\\u%04lx' without a high one", c);
    if (c < 0xd800 || c > 0xdbff) {
        p->pos += 6;
        return c;
    }
    if (p->pos + 12 > p->n || p->s[p->pos + 6] != '\\'
        || p->s[p->pos + 7] != 'u'
        || (lo = hex4(p->s + p->pos + 8)) < 0xdc00 || lo > 0xdfff)
        return fail(p, "a high surrogate '\\u%04lx' without a low one", c);
    p->pos += 12;
    return 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
}

/* Reads the escape at p->pos into buf; returns 0 or -1. */
static int escape(struct parser *p, char **buf, size_t *len, size_t *cap)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *e;
    long c;

    if (p->pos + 1 < p->n && p->s[p->pos + 1] == 'u') {
        if ((c = unicode_escape(p)) < 0)
            return -1;
        put_utf8(buf, len, cap, c);
        return 0;
    }
    if (p->pos + 1 >= p->n || p->s[p->pos + 1] == '\0'
        || (e = strchr(from, p->s[p->pos + 1])) == NULL)
        return fail(p, "unknown escape in a string");
    put_utf8(buf, len, cap, to[e - from]);
    p->pos += 2;
    return 0;
}

/* Returns the length of the valid UTF-8 character at s[0..n), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len, i;
    unsigned char lo = 0x80, hi = 0xbf;

    if (s[0] < 0x80)
        return 1;
    if (s[0] < 0xc2 || s[0] > 0xf4)
        return 0;
    len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
    if (s[0] == 0xe0)
        lo = 0xa0;
    else if (s[0] == 0xed)
        hi = 0x9f;
    else if (s[0] == 0xf0)
        lo = 0x90;
    else if (s[0] == 0xf4)
        hi = 0x8f;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

/* Copies the character at p->pos into buf; returns 0 or -1. */
static int plain(struct parser *p, char **buf, size_t *len, size_t *cap)
{
    size_t k;

    if ((unsigned char)p->s[p->pos] < 0x20)
        return fail(p, "a control character in a string");
    k = utf8_len((const unsigned char *)p->s + p->pos, p->n - p->pos);
    if (k == 0)
        return fail(p, "invalid UTF-8 in a string");
    al_grow(buf, cap, *len + k + 1, 1);
    memcpy(*buf + *len, p->s + p->pos, k);
    *len += k;
    p->pos += k;
    return 0;
}

/*
 * Reads the string at p->pos; sets *out to a new decoded copy (or frees
 * it when out is NULL). Returns 0, or -1 after a message.
 */
static int string(struct parser *p, char **out)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;

    if (expect(p, '"', "a string") != 0)
        return -1;
    al_grow(&buf, &cap, 16, 1);
    while (rc == 0 && p->pos < p->n && p->s[p->pos] != '"')
        rc = p->s[p->pos] == '\\' ? escape(p, &buf, &len, &cap)
                                  : plain(p, &buf, &len, &cap);
    if (rc == 0 && p->pos >= p->n)
        rc = fail(p, "a string is not closed");
    p->pos += rc == 0;
    buf[len] = '\0';
    if (rc == 0 && out != NULL)
        *out = buf;
    else
        al_free(buf);
    return rc;
}

/* Returns 1 when the byte at p->pos is c. */
static int at(const struct parser *p, char c)
{
    return p->pos < p->n && p->s[p->pos] == c;
}

static int is_digit(const struct parser *p)
{
    return p->pos < p->n && p->s[p->pos] >= '0' && p->s[p->pos] <= '9';
}

/* Skips the digits at p->pos; returns how many there were. */
static size_t digits(struct parser *p)
{
    size_t start = p->pos;

    while (is_digit(p))
        p->pos++;
    return p->pos - start;
}

/* Skips the fraction and exponent of a number; sets *plain to 0 if any. */
static int fraction(struct parser *p, int *plain)
{
    if (at(p, '.')) {
        *plain = 0;
        p->pos++;
        if (digits(p) == 0)
            return expected(p, "a digit");
    }
    if (at(p, 'e') || at(p, 'E')) {
        *plain = 0;
        p->pos++;
        if (at(p, '+') || at(p, '-'))
            p->pos++;
        if (digits(p) == 0)
            return expected(p, "a digit");
    }
    return 0;
}

/*
 * Reads a JSON number; sets *value to it when it is a whole,
 * non-negative number of at most 9 digits, else to -1.
 */
static int number(struct parser *p, long *value)
{
    size_t start, whole = 1;
    int plain = 1;

    peek(p);
    start = p->pos;
    if (at(p, '-'))
        p->pos++;
    if (!is_digit(p))
        return expected(p, "a digit");
    if (at(p, '0'))
        p->pos++;
    else
        whole = digits(p);
    if (fraction(p, &plain) != 0)
        return -1;
    *value = plain && whole <= 9 && p->s[start] != '-'
             ? strtol(p->s + start, NULL, 10) : -1;
    return 0;
}

static int skip_value(struct parser *p);

static int skip_member(struct parser *p, const char *key, void *ctx)
{
    return skip_value(p);
}

/*
 * Reads an object, calling fn with each member's key and the parser at
 * its value. Returns 0, or -1 after a message.
 */
static int object(struct parser *p, member_fn fn, void *ctx)
{
    char *key = NULL;
    int rc;

    if (expect(p, '{', "'{'") != 0)
        return -1;
    if (peek(p) == '}') {
        p->pos++;
        return 0;
    }
    for (;;) {
        if (string(p, &key) != 0)
            return -1;
        rc = expect(p, ':', "':' after a member name");
        if (rc == 0) {
            peek(p);
            rc = fn(p, key, ctx);
        }
        al_free(key);
        if (rc != 0)
            return -1;
        if (peek(p) == '}') {
            p->pos++;
            return 0;
        }
        if (expect(p, ',', "',' or '}'") != 0)
            return -1;
    }
}

/* Reads an array, calling item with the parser at each element. */
static int array(struct parser *p, int (*item)(struct parser *, void *),
                 void *ctx)
{
    if (expect(p, '[', "'['") != 0)
        return -1;
    if (peek(p) == ']') {
        p->pos++;
        return 0;
    }
    for (;;) {
        if (item(p, ctx) != 0)
            return -1;
        if (peek(p) == ']') {
            p->pos++;
            return 0;
        }
        if (expect(p, ',', "',' or ']'") != 0)
            return -1;
    }
}

static int skip_item(struct parser *p, void *ctx)
{
    return skip_value(p);
}

/* Skips the literal word at p->pos. */
static int literal(struct parser *p, const char *word)
{
    size_t n = strlen(word);

    if (p->n - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return expected(p, "a value");
    p->pos += n;
    return 0;
}

/* Skips any JSON value, nested at most MAX_DEPTH deep. */
static int skip_value(struct parser *p)
{
    int c = peek(p), rc;
    long v;

    if (c == '"')
        return string(p, NULL);
    if (c == 't' || c == 'f' || c == 'n')
        return literal(p, c == 't' ? "true" : c == 'f' ? "false" : "null");
    if (c == '-' || (c >= '0' && c <= '9'))
        return number(p, &v);
    if (c != '{' && c != '[')
        return expected(p, "a value");
    if (++p->depth > MAX_DEPTH)
        return fail(p, "values nested more than %d deep", MAX_DEPTH);
    rc = c == '{' ? object(p, skip_member, NULL)
                  : array(p, skip_item, NULL);
    p->depth--;
    return rc;
}

/* Returns 1 when s is 16 lowercase hexadecimal digits. */
static int is_fingerprint(const char *s)
{
    size_t i;

    for (i = 0; i < 16; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s[16] == '\0';
}

static int entry_member(struct parser *p, const char *key, void *ctx)
{
    char **fp = ctx;
    size_t at = p->pos;

    if (strcmp(key, "fingerprint") != 0)
        return skip_value(p);
    al_free(*fp);
    *fp = NULL;
    if (string(p, fp) != 0)
        return -1;
    if (is_fingerprint(*fp))
        return 0;
    p->pos = at;
    return fail(p, "a fingerprint is 16 lowercase hexadecimal digits");
}

/* Reads one element of "findings" into the baseline ctx. */
static int entry(struct parser *p, void *ctx)
{
    struct al_baseline *b = ctx;
    char *fp = NULL;
    size_t at;

    if (peek(p) != '{')
        return expected(p, "a finding object");
    at = p->pos;
    if (object(p, entry_member, &fp) != 0) {
        al_free(fp);
        return -1;
    }
    if (fp == NULL) {
        p->pos = at;
        return fail(p, "this finding has no \"fingerprint\"");
    }
    al_grow(&b->v, &b->cap, b->n + 1, sizeof(*b->v));
    memcpy(b->v[b->n++], fp, 17);
    al_free(fp);
    return 0;
}

/* What the top-level object has shown so far. */
struct top {
    struct al_baseline *b;
    int version, findings;
};

static int top_member(struct parser *p, const char *key, void *ctx)
{
    struct top *t = ctx;
    size_t at = p->pos;
    long v;

    if (strcmp(key, "findings") == 0) {
        t->findings = 1;
        return array(p, entry, t->b);
    }
    if (strcmp(key, "version") != 0)
        return skip_value(p);
    if (number(p, &v) != 0)
        return -1;
    t->version = 1;
    if (v == AL_BASELINE_VERSION)
        return 0;
    p->pos = at;
    return fail(p, "unsupported baseline version; this auditlint reads "
                "version %d", AL_BASELINE_VERSION);
}

static int compare_fp(const void *a, const void *b)
{
    return memcmp(a, b, 17);
}

/* Sorts the fingerprints and drops repeated ones. */
static void settle(struct al_baseline *b)
{
    size_t i, kept = 0;

    if (b->n > 1)
        qsort(b->v, b->n, sizeof(*b->v), compare_fp);
    for (i = 0; i < b->n; i++)
        if (kept == 0 || memcmp(b->v[kept - 1], b->v[i], 17) != 0)
            memmove(b->v[kept++], b->v[i], 17);
    b->n = kept;
}

int al_baseline_parse(struct al_baseline *b, const char *name,
                      const char *text, size_t len)
{
    struct parser p = {name, text, len, 0, 0};
    struct top t = {b, 0, 0};

    if (peek(&p) != '{')
        return expected(&p, "'{' opening a baseline object");
    if (object(&p, top_member, &t) != 0)
        return -1;
    if (peek(&p) != -1)
        return fail(&p, "unexpected text after the baseline object");
    if (!t.version || !t.findings) {
        p.pos = 0;
        return fail(&p, "not a baseline: it has no \"%s\" member",
                    t.version ? "findings" : "version");
    }
    settle(b);
    return 0;
}

int al_baseline_load(struct al_baseline *b, const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    int rc = -1;

    if (f == NULL) {
        fprintf(stderr, "auditlint: error: cannot read baseline '%s': %s\n",
                path, strerror(errno));
        return -1;
    }
    do {
        al_grow(&buf, &cap, len + 65536, 1);
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    if (ferror(f))
        fprintf(stderr, "auditlint: error: cannot read baseline '%s': %s\n",
                path, strerror(errno));
    else
        rc = al_baseline_parse(b, path, buf, len);
    fclose(f);
    al_free(buf);
    return rc;
}

int al_baseline_has(const struct al_baseline *b, const char *fp)
{
    char key[17];

    if (strlen(fp) != 16 || b->n == 0)
        return 0;
    memcpy(key, fp, 17);
    return bsearch(key, b->v, b->n, sizeof(*b->v), compare_fp) != NULL;
}

static int not_in_baseline(const struct al_finding *f, void *ctx)
{
    struct matcher *m = ctx;
    const char (*hit)[17];

    if (m->b->n == 0)
        return 1;
    hit = bsearch(f->fingerprint, m->b->v, m->b->n, sizeof(*m->b->v),
                  compare_fp);
    if (hit == NULL)
        return 1;
    m->used[hit - m->b->v] = 1;
    m->hidden++;
    return 0;
}

size_t al_baseline_filter(const struct al_baseline *b,
                          struct al_findings *fs, size_t *stale)
{
    struct matcher m = {b, al_calloc(b->n + 1, 1), 0};
    size_t i;

    al_findings_retain(fs, not_in_baseline, &m);
    if (stale != NULL) {
        *stale = 0;
        for (i = 0; i < b->n; i++)
            *stale += !m.used[i];
    }
    al_free(m.used);
    return m.hidden;
}

int al_baseline_apply(const char *path, struct al_findings *fs,
                      size_t *hidden, size_t *stale)
{
    struct al_baseline b;
    int rc;

    al_baseline_init(&b);
    rc = al_baseline_load(&b, path);
    if (rc == 0)
        *hidden = al_baseline_filter(&b, fs, stale);
    al_baseline_release(&b);
    return rc;
}

/* qsort order of finding pointers in the file: file, rule, fingerprint. */
static int compare_entries(const void *pa, const void *pb)
{
    const struct al_finding *a = *(const struct al_finding **)pa;
    const struct al_finding *b = *(const struct al_finding **)pb;
    int c = strcmp(a->at.file, b->at.file);

    if (c == 0)
        c = strcmp(a->rule, b->rule);
    return c != 0 ? c : strcmp(a->fingerprint, b->fingerprint);
}

/* Writes the baseline of fs to f. */
static void put_baseline(FILE *f, const struct al_findings *fs)
{
    const struct al_finding **v = al_calloc(fs->n + 1, sizeof(*v));
    size_t i, n = 0;

    for (i = 0; i < fs->n; i++)
        if (fs->v[i].severity != AL_SEV_NONE)
            v[n++] = &fs->v[i];
    qsort(v, n, sizeof(*v), compare_entries);
    fprintf(f, "{\n  \"version\": %d,\n  \"findings\": [",
            AL_BASELINE_VERSION);
    for (i = 0; i < n; i++) {
        fputs(i > 0 ? ",\n" : "\n", f);
        fputs("    {\"fingerprint\": ", f);
        al_report_json_string(f, v[i]->fingerprint);
        fputs(", \"rule\": ", f);
        al_report_json_string(f, v[i]->rule);
        fputs(", \"file\": ", f);
        al_report_json_string(f, v[i]->at.file);
        fputs(", \"message\": ", f);
        al_report_json_string(f, v[i]->message);
        putc('}', f);
    }
    fputs(n > 0 ? "\n  ]\n}\n" : "]\n}\n", f);
    al_free(v);
}

/* The mode for a new file at path: the old file's, or 0666 less umask. */
static mode_t mode_for(const char *path)
{
    struct stat st;
    mode_t mask;

    if (stat(path, &st) == 0)
        return st.st_mode & 07777;
    mask = umask(022);
    umask(mask);
    return 0666 & ~mask;
}

int al_baseline_write(const char *path, const struct al_findings *fs)
{
    char *tmp = al_printf("%s.tmp-XXXXXX", path);
    mode_t mode = mode_for(path);
    FILE *f = NULL;
    int fd, rc = -1;

    fd = mkstemp(tmp);
    if (fd < 0 || (f = fdopen(fd, "w")) == NULL)
        goto out;
    put_baseline(f, fs);
    if (fflush(f) != 0 || ferror(f) || fchmod(fd, mode) != 0
        || fsync(fd) != 0)
        goto out;
    rc = fclose(f);
    f = NULL;
    fd = -1;
    if (rc == 0)
        rc = rename(tmp, path);
out:
    if (rc != 0)
        fprintf(stderr, "auditlint: error: cannot write baseline '%s': %s\n",
                path, strerror(errno));
    if (f != NULL)
        fclose(f);
    else if (fd >= 0)
        close(fd);
    if (rc != 0 && access(tmp, F_OK) == 0)
        unlink(tmp);
    al_free(tmp);
    return rc == 0 ? 0 : -1;
}
