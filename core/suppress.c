/*
 * suppress: inline suppressions and the exceptions register.
 *
 * A comment is `# auditlint-ignore RULE[, RULE...] -- REASON` (the '#'
 * at the start of the line or after white space) or the same inside
 * `<!-- ... -->` on one line. It covers findings on its own line; when
 * it is alone on its line it also covers the next line, and a run of
 * such lines covers the first line after the run.
 */
#include "suppress.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "load.h"
#include "mem.h"

#define MARKER "auditlint-ignore"
#define MARKER_LEN (sizeof(MARKER) - 1)

static const struct al_rule_info rule_infos[] = {
    {"expired-exception", "error",
     "an exception in the register is past its expiry date", NULL},
    {"expiring-exception", "note",
     "an exception in the register expires within 30 days", NULL},
    {"forbidden-suppression", "warning",
     "an inline suppression of a rule reserved for the exceptions register",
     NULL},
    {"invalid-suppression", "warning",
     "an auditlint-ignore comment that names no usable rule id", NULL},
    {"suppression-reason", "warning",
     "an inline suppression or an exception without a reason", NULL},
    {"unused-exception", "note",
     "an exception in the register covers no finding", NULL},
    {"unused-suppression", "note",
     "an inline suppression covers no finding", NULL},
};

/* A comment found on one line; pointers into the line. */
struct comment {
    size_t start;               /* byte offset of '#' or '<!--' */
    const char *ids, *ids_end;  /* the rule list */
    const char *reason, *reason_end;    /* NULL: no ' -- ' */
    int alone;
    const char *problem;        /* static; NULL when well-formed */
};

/* An open Markdown code fence: its character and length; 0 outside. */
struct fence {
    char ch;
    size_t len;
};

/* What the keep callback of al_findings_retain needs. */
struct dropped {
    const struct al_finding *base;
    const char *drop;
};

/* A line that an inline suppression covers, for the sorted index. */
struct slot {
    const char *file;
    unsigned line;
    size_t rec;
};

void al_suppressions_init(struct al_suppressions *s)
{
    s->v = NULL;
    s->n = 0;
    s->cap = 0;
}

void al_suppressions_release(struct al_suppressions *s)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        struct al_suppression *r = &s->v[i];

        al_free(r->rule);
        al_free(r->file);
        al_free(r->reason);
        al_free(r->owner);
        al_free(r->expires);
        al_free(r->path);
        al_free(r->key);
    }
    al_free(s->v);
    al_suppressions_init(s);
}

/* Appends a zeroed record of the given kind; valid until the next add. */
static struct al_suppression *add_record(struct al_suppressions *s,
                                         enum al_suppress_kind kind,
                                         const char *file, unsigned line,
                                         unsigned col)
{
    struct al_suppression *r;

    al_grow(&s->v, &s->cap, s->n + 1, sizeof(*s->v));
    r = &s->v[s->n++];
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    r->file = al_strdup(file);
    r->line = line;
    r->col = col;
    return r;
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Returns 1 when s[0..n) holds only white space. */
static int all_blank(const char *s, size_t n)
{
    while (n > 0 && is_blank((unsigned char)*s)) {
        s++;
        n--;
    }
    return n == 0;
}

/* Returns the first occurrence of w in s[0..n), or NULL. */
static const char *find(const char *s, size_t n, const char *w)
{
    size_t m = strlen(w), i;

    for (i = 0; m <= n && i <= n - m; i++)
        if (s[i] == w[0] && memcmp(s + i, w, m) == 0)
            return s + i;
    return NULL;
}

/* Returns the number of characters (UTF-8 code points) in s[0..n). */
static unsigned chars(const char *s, size_t n)
{
    unsigned k = 0;
    size_t i;

    for (i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xc0) != 0x80;
    return k;
}

/*
 * Returns the offset of the comment opener that introduces the marker at
 * m (a '#' at the line start or after white space, or '<!--'), sets
 * *html, or returns -1 when the marker is not in such a comment.
 */
static long opener(const char *line, const char *m, int *html)
{
    const char *q = m;

    while (q > line && (q[-1] == ' ' || q[-1] == '\t'))
        q--;
    if (q > line && q[-1] == '#'
        && (q - 1 == line || q[-2] == ' ' || q[-2] == '\t')) {
        *html = 0;
        return (long)(q - 1 - line);
    }
    if (q - line >= 4 && memcmp(q - 4, "<!--", 4) == 0) {
        *html = 1;
        return (long)(q - 4 - line);
    }
    return -1;
}

/* Splits the text after the marker into rule list and reason. */
static void split_body(struct comment *c, const char *b, const char *end)
{
    const char *p;

    c->ids = b;
    c->ids_end = end;
    c->reason = NULL;
    for (p = b; p + 1 < end; p++) {
        if (p[0] == '-' && p[1] == '-' && (p == b || is_blank(p[-1]))) {
            c->ids_end = p;
            c->reason = p + 2;
            c->reason_end = end;
            break;
        }
    }
    if (c->reason == NULL)
        return;
    while (c->reason < end && is_blank((unsigned char)*c->reason))
        c->reason++;
    while (c->reason_end > c->reason && is_blank(c->reason_end[-1]))
        c->reason_end--;
    if (c->reason == c->reason_end)
        c->reason = NULL;
}

/* Fills c from the marker at m, the opener at start; html or '#'. */
static void parse_comment(struct comment *c, const char *line, size_t n,
                          const char *m, size_t start, int html)
{
    const char *b = m + MARKER_LEN, *end = line + n, *close;

    memset(c, 0, sizeof(*c));
    c->start = start;
    c->alone = all_blank(line, start);
    if (html) {
        close = find(b, (size_t)(end - b), "-->");
        if (close == NULL) {
            c->problem = "the comment must close with '-->' on its line";
            close = end;
        } else {
            c->alone = c->alone
                       && all_blank(close + 3, (size_t)(end - close - 3));
        }
        end = close;
    }
    split_body(c, b, end);
}

/*
 * Finds the first auditlint-ignore comment in line[0..n); returns 1 and
 * fills c, or 0 when there is none.
 */
static int find_comment(const char *line, size_t n, struct comment *c)
{
    const char *m = line, *after;
    long start;
    int html = 0;

    while ((m = find(m, n - (size_t)(m - line), MARKER)) != NULL) {
        after = m + MARKER_LEN;
        start = opener(line, m, &html);
        if (start >= 0 && (after == line + n || is_blank(*after)
                           || (html && *after == '-'))) {
            parse_comment(c, line, n, m, (size_t)start, html);
            return 1;
        }
        m = after;
    }
    return 0;
}

/* Returns why id cannot name a rule, or NULL when it can. */
static const char *bad_id(const char *id)
{
    const char *p;

    if (strcmp(id, "*") == 0)
        return "'*' is not accepted: name each rule to suppress";
    if (!isalnum((unsigned char)id[0]))
        return "a rule id starts with a letter or a digit";
    for (p = id; *p != '\0'; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_'
            && *p != '.')
            return "a rule id holds only letters, digits, '-', '_' and '.'";
    return NULL;
}

/* Appends the record of one rule id of comment c. */
static void add_inline(struct al_suppressions *s, const char *path,
                       unsigned line, unsigned col, const struct comment *c,
                       const char *id)
{
    struct al_suppression *r = add_record(s, AL_SUPPRESS_INLINE, path, line,
                                          col);

    r->rule = al_strdup(id);
    r->alone = c->alone;
    if (c->reason != NULL)
        r->reason = al_strndup(c->reason,
                               (size_t)(c->reason_end - c->reason));
    r->problem = c->problem != NULL ? c->problem
                 : id[0] == '\0' ? "the comment names no rule"
                 : bad_id(id);
    if (r->problem != NULL)
        r->status = AL_SUPPRESS_INVALID;
    else if (r->reason == NULL)
        r->status = AL_SUPPRESS_NO_REASON;
}

/* Appends a record per rule id of c (one when it names none). */
static void add_comment(struct al_suppressions *s, const char *path,
                        unsigned line, unsigned col, const struct comment *c)
{
    const char *p = c->ids, *q;
    size_t before = s->n;
    char *id;

    while (p < c->ids_end) {
        while (p < c->ids_end && (*p == ',' || is_blank(*p)))
            p++;
        for (q = p; q < c->ids_end && *q != ',' && !is_blank(*q); q++)
            ;
        if (q == p)
            break;
        id = al_strndup(p, (size_t)(q - p));
        add_inline(s, path, line, col, c, id);
        al_free(id);
        p = q;
    }
    if (s->n == before)
        add_inline(s, path, line, col, c, "");
}

/*
 * Returns 1 when the line s[0..n) of a Markdown file is a code fence or
 * inside one, and tracks the fence in f.
 */
static int in_fence(struct fence *f, const char *s, size_t n)
{
    size_t i = 0, k = 0;

    while (i < n && i < 3 && s[i] == ' ')
        i++;
    if (i < n && (s[i] == '`' || s[i] == '~'))
        while (i + k < n && s[i + k] == s[i])
            k++;
    if (f->ch == 0) {
        if (k < 3)
            return 0;
        f->ch = s[i];
        f->len = k;
        return 1;
    }
    if (k >= f->len && s[i] == f->ch && all_blank(s + i + k, n - i - k))
        f->ch = 0;
    return 1;
}

/*
 * Sets the target line of the records from first on: a comment alone on
 * its line covers the next line, or, when that line holds another such
 * comment, whatever that one covers.
 */
static void link_targets(struct al_suppressions *s, size_t first)
{
    size_t end = s->n, start, k;
    unsigned next_line = 0, next_target = 0, line, target;

    while (end > first) {
        start = end - 1;
        line = s->v[start].line;
        while (start > first && s->v[start - 1].line == line)
            start--;
        target = !s->v[start].alone ? 0
                 : next_line == line + 1 ? next_target : line + 1;
        for (k = start; k < end; k++)
            s->v[k].target = target;
        next_line = s->v[start].alone ? line : 0;
        next_target = target;
        end = start;
    }
}

size_t al_suppress_scan(struct al_suppressions *s, const char *path,
                        const char *text, size_t len)
{
    struct fence fence = {0, 0};
    struct comment c;
    int markdown = al_load_kind(path) == AL_FILE_MARKDOWN;
    size_t first = s->n, pos = 0, n;
    const char *nl;
    unsigned line = 0;

    if (memchr(text, '\0', len) != NULL || find(text, len, MARKER) == NULL)
        return 0;
    while (pos < len) {
        nl = memchr(text + pos, '\n', len - pos);
        n = nl != NULL ? (size_t)(nl - text) - pos : len - pos;
        line++;
        if (!(markdown && in_fence(&fence, text + pos, n))
            && find_comment(text + pos, n, &c))
            add_comment(s, path, line, chars(text + pos, c.start) + 1, &c);
        pos += n + 1;
    }
    link_targets(s, first);
    return s->n - first;
}

/*
 * Returns the file's contents (new, NUL-terminated), or NULL when it
 * cannot be read or holds a NUL byte (binary: reading stops there).
 */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    int binary = 0;

    if (f == NULL)
        return NULL;
    do {
        al_grow(&buf, &cap, n + 65536, 1);
        got = fread(buf + n, 1, cap - n - 1, f);
        binary = memchr(buf + n, '\0', got) != NULL;
        n += got;
    } while (got > 0 && !binary);
    if (ferror(f) || binary) {
        al_free(buf);
        buf = NULL;
    } else {
        buf[n] = '\0';
        *len = n;
    }
    fclose(f);
    return buf;
}

/* Scans every file of the walk for comments. */
static void scan_files(struct al_suppressions *s, const struct al_walk *w)
{
    size_t i, len = 0;
    char *text;

    for (i = 0; w != NULL && i < w->n; i++) {
        text = read_file(w->v[i].fs_path, &len);
        if (text == NULL)
            continue;
        al_suppress_scan(s, w->v[i].path, text, len);
        al_free(text);
    }
}

/* Marks the usable inline records whose rule matches a forbid glob. */
static void mark_forbidden(struct al_suppressions *s, size_t first,
                           const char *const *forbid, size_t nforbid)
{
    size_t i, j;

    for (i = first; i < s->n; i++) {
        struct al_suppression *r = &s->v[i];

        if (r->status != AL_SUPPRESS_ACTIVE)
            continue;
        for (j = 0; j < nforbid; j++)
            if (al_glob_match(forbid[j], r->rule)) {
                r->status = AL_SUPPRESS_FORBIDDEN;
                break;
            }
    }
}

/* Days since 1970-01-01 of a valid YYYY-MM-DD date, or -1 (invalid). */
static int day_number(const char *s, long *days)
{
    int y, m, d, era, yoe, doy;

    if (s == NULL || al_date_valid(s) != 0
        || sscanf(s, "%d-%d-%d", &y, &m, &d) != 3)
        return -1;
    y -= m <= 2;
    era = y / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    *days = (long)era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy
            - 719468;
    return 0;
}

/* Returns the scalar value of key in mapping m, or NULL. */
static const struct al_node *member(const struct al_node *m, const char *key)
{
    size_t i;

    for (i = 0; i < m->n; i++) {
        const struct al_node *k = m->items[2 * i];
        const struct al_node *v = m->items[2 * i + 1];

        if (k->kind == AL_NODE_SCALAR && strcmp(k->str, key) == 0)
            return v->kind == AL_NODE_SCALAR ? v : NULL;
    }
    return NULL;
}

static char *copy_of(const struct al_node *n)
{
    return n != NULL ? al_strdup(n->str) : NULL;
}

/* Sets the expiry of exception r from the node of 'expires'. */
static void set_expiry(struct al_suppression *r, const struct al_node *e,
                       int have_today, long today)
{
    long day;

    if (e == NULL)
        return;
    r->expires = al_strdup(e->str);
    r->expires_line = e->at.line;
    r->expires_col = e->at.col;
    r->days_left = LONG_MAX;
    if (!have_today)
        return;
    /* A date that cannot be read (the config reports it) never extends
       an exception: it counts as past. */
    r->days_left = day_number(e->str, &day) == 0 ? day - today : -1;
    if (r->days_left < 0)
        r->status = AL_SUPPRESS_EXPIRED;
}

/* Appends a record per item of the 'exceptions:' list. */
static void read_exceptions(struct al_suppressions *s,
                            const struct al_node *list, const char *file,
                            int have_today, long today)
{
    const struct al_node *m, *rule;
    struct al_suppression *r;
    size_t i;

    for (i = 0; list != NULL && list->kind == AL_NODE_SEQ && i < list->n;
         i++) {
        m = list->items[i];
        if (m->kind != AL_NODE_MAP || (rule = member(m, "rule")) == NULL)
            continue;
        r = add_record(s, AL_SUPPRESS_EXCEPTION, file, m->at.line,
                       m->at.col);
        r->rule = al_strdup(rule->str);
        r->reason = copy_of(member(m, "reason"));
        r->owner = copy_of(member(m, "owner"));
        r->path = copy_of(member(m, "path"));
        r->key = copy_of(member(m, "id") ? member(m, "id")
                                         : member(m, "key"));
        set_expiry(r, member(m, "expires"), have_today, today);
        if (r->reason == NULL || all_blank(r->reason, strlen(r->reason)))
            r->status = AL_SUPPRESS_NO_REASON;
    }
}

static int compare_slots(const void *pa, const void *pb)
{
    const struct slot *a = pa, *b = pb;
    int c = strcmp(a->file, b->file);

    if (c != 0)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->rec < b->rec ? -1 : a->rec > b->rec;
}

/* Returns a new sorted index of the lines the usable comments cover. */
static struct slot *index_inline(const struct al_suppressions *s,
                                 size_t first, size_t *n)
{
    struct slot *v = al_calloc(2 * (s->n - first) + 1, sizeof(*v));
    size_t i;

    *n = 0;
    for (i = first; i < s->n; i++) {
        const struct al_suppression *r = &s->v[i];

        if (r->kind != AL_SUPPRESS_INLINE || r->status != AL_SUPPRESS_ACTIVE)
            continue;
        v[(*n)++] = (struct slot){r->file, r->line, i};
        if (r->target != 0)
            v[(*n)++] = (struct slot){r->file, r->target, i};
    }
    qsort(v, *n, sizeof(*v), compare_slots);
    return v;
}

/* Returns the first slot not before (file, line). */
static size_t lower_bound(const struct slot *v, size_t n, const char *file,
                          unsigned line)
{
    size_t lo = 0, hi = n, mid;
    int c;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        c = strcmp(v[mid].file, file);
        if (c < 0 || (c == 0 && v[mid].line < line))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Counts and marks the findings that inline comments cover. */
static void match_inline(struct al_suppressions *s, size_t first,
                         const struct al_findings *fs, char *drop)
{
    size_t n, i, k;
    struct slot *v = index_inline(s, first, &n);

    for (i = 0; i < fs->n; i++) {
        const struct al_finding *f = &fs->v[i];

        k = lower_bound(v, n, f->at.file, f->at.line);
        for (; k < n && v[k].line == f->at.line
               && strcmp(v[k].file, f->at.file) == 0; k++) {
            if (strcmp(s->v[v[k].rec].rule, f->rule) == 0) {
                s->v[v[k].rec].covered++;
                drop[i] = 1;
            }
        }
    }
    al_free(v);
}

/* Returns 1 for a character that continues an id at s. */
static int id_char(const char *s)
{
    unsigned char c = (unsigned char)*s;

    return isalnum(c) || c == '-' || c == '_'
           || (c == '.' && isalnum((unsigned char)s[1]));
}

/* Returns 1 when word occurs in text, not as part of a longer id. */
static int has_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    const char *p = text;

    if (n == 0)
        return 0;
    while ((p = strstr(p, word)) != NULL) {
        if ((p == text || !(id_char(p - 1) || p[-1] == '.'))
            && !id_char(p + n))
            return 1;
        p++;
    }
    return 0;
}

/*
 * Returns 1 when exception r covers finding f. Its id must name what the
 * finding is about: a part of the finding's subject ("AC-1" in
 * "control:AC-1:owner", ':' separating parts), or, for a finding without
 * one, an id in its message.
 */
static int covers(const struct al_suppression *r, const struct al_finding *f)
{
    if (strcmp(r->rule, f->rule) != 0)
        return 0;
    if (r->path != NULL && !al_glob_match(r->path, f->at.file))
        return 0;
    if (r->key == NULL)
        return 1;
    return has_word(f->key != NULL ? f->key : f->message, r->key);
}

/* Counts and marks the findings that exceptions in force cover. */
static void match_exceptions(struct al_suppressions *s, size_t first,
                             const struct al_findings *fs, char *drop)
{
    size_t i, j;

    for (j = first; j < s->n; j++) {
        struct al_suppression *r = &s->v[j];

        if (r->kind != AL_SUPPRESS_EXCEPTION
            || r->status != AL_SUPPRESS_ACTIVE)
            continue;
        for (i = 0; i < fs->n; i++)
            if (covers(r, &fs->v[i])) {
                r->covered++;
                drop[i] = 1;
            }
    }
}

static int keep_finding(const struct al_finding *f, void *ctx)
{
    const struct dropped *d = ctx;

    return !d->drop[f - d->base];
}

/* Adds one diagnostic at (file, line, col) with a fingerprint key. */
static void diagnose(struct al_findings *fs, const char *rule,
                     enum al_severity sev, const struct al_suppression *r,
                     int at_expiry, const char *key, char *message)
{
    struct al_finding *f;

    f = al_findings_add(fs, rule, sev, r->file,
                        at_expiry ? r->expires_line : r->line,
                        at_expiry ? r->expires_col : r->col, message);
    al_finding_key(f, key);
    al_free(message);
}

/* Returns 1 when records a and b come from the same comment. */
static int same_comment(const struct al_suppression *a,
                        const struct al_suppression *b)
{
    return a->line == b->line && a->col == b->col
           && strcmp(a->file, b->file) == 0;
}

/* Returns 1 when an earlier record of i's comment lacks a reason too. */
static int reported_before(const struct al_suppressions *s, size_t i,
                           size_t first)
{
    size_t k = i;

    while (k > first && same_comment(&s->v[k - 1], &s->v[i])) {
        k--;
        if (s->v[k].status == AL_SUPPRESS_NO_REASON)
            return 1;
    }
    return 0;
}

/* Adds the diagnostic of inline record i, if it needs one. */
static void diagnose_inline(struct al_findings *fs,
                            const struct al_suppressions *s, size_t i,
                            size_t first)
{
    const struct al_suppression *r = &s->v[i];

    switch (r->status) {
    case AL_SUPPRESS_NO_REASON:
        if (reported_before(s, i, first))
            break;
        diagnose(fs, "suppression-reason", AL_SEV_WARNING, r, 0, r->rule,
                 al_printf("suppression of '%s' has no reason, so it "
                           "suppresses nothing; write 'auditlint-ignore "
                           "%s -- WHY'", r->rule, r->rule));
        break;
    case AL_SUPPRESS_INVALID:
        diagnose(fs, "invalid-suppression", AL_SEV_WARNING, r, 0, r->rule,
                 r->rule[0] != '\0'
                 ? al_printf("invalid suppression '%s': %s", r->rule,
                             r->problem)
                 : al_printf("invalid suppression: %s", r->problem));
        break;
    case AL_SUPPRESS_FORBIDDEN:
        diagnose(fs, "forbidden-suppression", AL_SEV_WARNING, r, 0, r->rule,
                 al_printf("the configuration forbids inline suppressions "
                           "of '%s'; record a reviewed exception in "
                           "'exceptions:' instead", r->rule));
        break;
    case AL_SUPPRESS_UNUSED:
        diagnose(fs, "unused-suppression", AL_SEV_NOTE, r, 0, r->rule,
                 al_printf("suppression of '%s' covers no finding; remove "
                           "it", r->rule));
        break;
    default:
        break;
    }
}

/* Returns "for 'RULE' about 'ID' on 'PATH'" (parts as given); new. */
static char *describe(const struct al_suppression *r)
{
    char *about = r->key ? al_printf(" about '%s'", r->key) : al_strdup("");
    char *on = r->path ? al_printf(" on '%s'", r->path) : al_strdup("");
    char *s = al_printf("for '%s'%s%s", r->rule, about, on);

    al_free(about);
    al_free(on);
    return s;
}

/* Adds the diagnostic of exception record r, if it needs one. */
static void diagnose_exception(struct al_findings *fs,
                               const struct al_suppression *r)
{
    char *what = describe(r);
    char *key = al_printf("%s %s %s", r->rule, r->path ? r->path : "*",
                          r->key ? r->key : "*");

    if (r->status == AL_SUPPRESS_NO_REASON)
        diagnose(fs, "suppression-reason", AL_SEV_WARNING, r, 0, key,
                 al_printf("exception %s has no reason, so it covers "
                           "nothing; say why under 'reason:'", what));
    else if (r->status == AL_SUPPRESS_EXPIRED)
        diagnose(fs, "expired-exception", AL_SEV_ERROR, r, 1, key,
                 al_printf("exception %s expired on %s; its findings are "
                           "reported again until it is renewed or removed",
                           what, r->expires));
    else if (r->status == AL_SUPPRESS_UNUSED)
        diagnose(fs, "unused-exception", AL_SEV_NOTE, r, 0, key,
                 al_printf("exception %s covers no finding; remove it",
                           what));
    else if (r->expires != NULL
             && r->days_left <= AL_SUPPRESS_EXPIRY_NOTICE_DAYS)
        diagnose(fs, "expiring-exception", AL_SEV_NOTE, r, 1, key,
                 al_printf("exception %s expires on %s, in %ld day%s",
                           what, r->expires, r->days_left,
                           r->days_left == 1 ? "" : "s"));
    al_free(what);
    al_free(key);
}

/* Settles unused records and adds every diagnostic to fs. */
static void diagnose_all(struct al_findings *fs, struct al_suppressions *s,
                         size_t first)
{
    size_t i;

    for (i = first; i < s->n; i++) {
        struct al_suppression *r = &s->v[i];

        if (r->status == AL_SUPPRESS_ACTIVE && r->covered == 0)
            r->status = AL_SUPPRESS_UNUSED;
        if (r->kind == AL_SUPPRESS_INLINE)
            diagnose_inline(fs, s, i, first);
        else
            diagnose_exception(fs, r);
    }
}

int al_suppress_apply(struct al_findings *fs, const struct al_walk *files,
                      const struct al_node *exceptions,
                      const char *config_path, const char *const *forbid,
                      size_t nforbid, const char *today,
                      struct al_suppressions *out)
{
    struct al_suppressions own, *s = out != NULL ? out : &own;
    struct dropped d;
    size_t first;
    long day = 0;
    char *drop;

    if (today != NULL && day_number(today, &day) != 0) {
        fprintf(stderr, "auditlint: error: cannot apply exceptions: '%s' "
                "is not a date written YYYY-MM-DD\n", today);
        return -1;
    }
    if (out == NULL)
        al_suppressions_init(&own);
    first = s->n;
    scan_files(s, files);
    mark_forbidden(s, first, forbid, nforbid);
    read_exceptions(s, exceptions, config_path ? config_path
                                               : ".auditlint.yml",
                    today != NULL, day);
    drop = al_calloc(fs->n + 1, 1);
    match_inline(s, first, fs, drop);
    match_exceptions(s, first, fs, drop);
    d.base = fs->v;
    d.drop = drop;
    al_findings_retain(fs, keep_finding, &d);
    al_free(drop);
    diagnose_all(fs, s, first);
    if (out == NULL)
        al_suppressions_release(&own);
    return 0;
}

const char *al_suppress_status_name(enum al_suppress_status status)
{
    static const char *const names[] = {
        "active", "unused", "expired", "no-reason", "forbidden", "invalid"
    };

    return (size_t)status < sizeof(names) / sizeof(names[0])
           ? names[status] : "invalid";
}

const struct al_rule_info *al_suppress_rules(size_t *n)
{
    *n = sizeof(rule_infos) / sizeof(rule_infos[0]);
    return rule_infos;
}

/* qsort order of record pointers: file, line, column, rule, position. */
static int compare_records(const void *pa, const void *pb)
{
    const struct al_suppression *a = *(const struct al_suppression **)pa;
    const struct al_suppression *b = *(const struct al_suppression **)pb;
    int c = strcmp(a->file, b->file);

    if (c == 0 && a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (c == 0 && a->col != b->col)
        return a->col < b->col ? -1 : 1;
    if (c == 0)
        c = strcmp(a->rule, b->rule);
    return c != 0 ? c : (a < b ? -1 : a > b);
}

/* Writes s as text, control characters as '?', so a record is a line. */
static void put_text(FILE *out, const char *s)
{
    for (; *s != '\0'; s++)
        putc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

/* Writes ", LABEL 'VALUE'" (unquoted when quote is 0) if value is set. */
static void put_detail(FILE *out, const char *label, const char *value,
                       int quote)
{
    if (value == NULL)
        return;
    fprintf(out, ", %s %s", label, quote ? "'" : "");
    put_text(out, value);
    if (quote)
        putc('\'', out);
}

static void text_record(FILE *out, const struct al_suppression *r)
{
    int exc = r->kind == AL_SUPPRESS_EXCEPTION;

    put_text(out, r->file);
    fprintf(out, ":%u:%u: %s ", r->line, r->col, exc ? "exception"
                                                     : "inline");
    put_text(out, r->rule[0] ? r->rule : "(none)");
    fprintf(out, ": %s, %zu finding%s", al_suppress_status_name(r->status),
            r->covered, r->covered == 1 ? "" : "s");
    put_detail(out, "path", r->path, 1);
    put_detail(out, "id", r->key, 1);
    put_detail(out, "owner", r->owner, 1);
    put_detail(out, "expires", r->expires, 0);
    fputs(": ", out);
    put_text(out, r->reason != NULL ? r->reason : "(no reason)");
    putc('\n', out);
}

static void json_record(FILE *out, const struct al_suppression *r)
{
    fputs("    {\"kind\": ", out);
    al_report_json_string(out, r->kind == AL_SUPPRESS_EXCEPTION
                               ? "exception" : "inline");
    fputs(", \"status\": ", out);
    al_report_json_string(out, al_suppress_status_name(r->status));
    fputs(", \"rule\": ", out);
    al_report_json_string(out, r->rule);
    fputs(",\n     \"file\": ", out);
    al_report_json_string(out, r->file);
    fprintf(out, ", \"line\": %u, \"column\": %u, \"findings\": %zu,\n",
            r->line, r->col, r->covered);
    fputs("     \"reason\": ", out);
    al_report_json_string(out, r->reason);
    fputs(", \"owner\": ", out);
    al_report_json_string(out, r->owner);
    fputs(", \"expires\": ", out);
    al_report_json_string(out, r->expires);
    fputs(",\n     \"path\": ", out);
    al_report_json_string(out, r->path);
    fputs(", \"id\": ", out);
    al_report_json_string(out, r->key);
    fputs("}", out);
}

int al_suppress_list(FILE *out, const struct al_suppressions *s,
                     enum al_suppress_format format)
{
    const struct al_suppression **v = al_calloc(s->n + 1, sizeof(*v));
    size_t i;

    for (i = 0; i < s->n; i++)
        v[i] = &s->v[i];
    qsort(v, s->n, sizeof(*v), compare_records);
    if (format == AL_SUPPRESS_JSON)
        fputs("{\n  \"suppressions\": [", out);
    for (i = 0; i < s->n; i++) {
        if (format == AL_SUPPRESS_JSON) {
            fputs(i > 0 ? ",\n" : "\n", out);
            json_record(out, v[i]);
        } else {
            text_record(out, v[i]);
        }
    }
    if (format == AL_SUPPRESS_JSON)
        fputs(s->n > 0 ? "\n  ]\n}\n" : "]\n}\n", out);
    al_free(v);
    return fflush(out) != 0 || ferror(out) ? -1 : 0;
}
