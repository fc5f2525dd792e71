/*
 * load: files to position-carrying node trees with libyaml's event
 * parser, Markdown front matter and body sections, bad input as findings.
 *
 * Positions. libyaml counts lines and columns from 0, columns in
 * characters, and treats CR LF, CR, LF, NEL, LS and PS as line breaks.
 * The line table below uses the same breaks, so a mark becomes a byte
 * offset by walking characters from the start of its line. libyaml only
 * ever sees a working copy of the file: without its UTF-8 BOM, with each
 * invalid UTF-8 byte and each character YAML forbids replaced by one of
 * the same length, so lines, columns and offsets stay those of the file.
 *
 * Bounds. Nesting is checked before a collection is opened and alias
 * expansion before an alias is shared, so no input can make the loader
 * (or a later recursive walk of the tree) go deeper than max_depth or
 * visit more than max_nodes nodes. Nothing here recurses on the input.
 */
#include "load.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#define BINARY_SCAN (8 * 1024)  /* a NUL in these first bytes: binary */
#define READ_CHUNK (64 * 1024)
#define KEY_SHOWN 60            /* bytes of a key quoted in a message */
#define MAX_LEVEL 6             /* '######' */

/* One line of the working copy: [start, end), end before the break. */
struct line {
    size_t start, end;
};

struct text {
    const char *s;              /* working copy: valid UTF-8, no BOM */
    size_t len;
    size_t base;                /* bytes of the file before s (a BOM) */
    struct line *lines;
    size_t nlines;              /* at least 1 */
    size_t cur_line, cur_col;   /* last mark resolved, for mark_offset */
    size_t cur_off;
};

/* One load in progress. */
struct load {
    struct al_file *f;
    const struct al_limits *lim;
    struct al_limits lim_store; /* the defaults when lim was NULL */
    struct al_findings *out;
    const char *orig;           /* the file's bytes, as given */
    char *own;                  /* the working copy once we changed it */
    struct text t;
};

/* Open addressing table from (key, len) to a non-NULL value. */
struct slot {
    const char *key;
    size_t len;
    void *val;
};

struct table {
    struct slot *v;
    size_t cap, n;              /* cap: 0 or a power of two */
};

/* An anchor: the node it names, NULL while that node is still open. */
struct anchor {
    struct al_node *node;
    unsigned height;
};

/* A collection being built; frames keep their items buffer for reuse. */
struct frame {
    struct al_node *node;
    struct al_node **items;
    size_t n, cap;
    unsigned height;            /* 1 + the height of the tallest item */
    const char *anchor;         /* defined when the collection closes */
    int block;                  /* block style: ends with its last item */
    struct al_span last;        /* end_* of the last item as written */
};

struct builder {
    struct load *ld;
    struct frame *stack;
    size_t depth, nframes, cap; /* open, initialised, allocated */
    struct table anchors;
    struct al_node **docs;
    size_t ndocs, docs_cap;
    struct al_node *root;
    size_t total;               /* nodes in the document, expanded */
    int in_doc, skip, stop, failed, first_only;
};

/* The pairs of a mapping being finished, and the keys seen so far. */
struct pairs {
    struct al_node **v;
    size_t n, cap;
    struct table seen;
};

/* Markdown body sections being split. */
struct body {
    struct load *ld;
    struct al_section *v;
    size_t n, cap;
    const char *path[MAX_LEVEL];
    struct al_section cur;
    int content;                /* cur has a non-blank line */
    char *text;
    size_t len, tcap;
    char fence;                 /* '`' or '~' inside a code block */
    size_t fence_len;
};

static struct al_finding *report(struct load *ld, const char *rule,
                                 enum al_severity sev, size_t line,
                                 size_t col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7), nonnull(6)));

/*
 * Adds a finding for the file being loaded, with a printf-formatted
 * message; returns it (valid until the next finding is added).
 */
static struct al_finding *report(struct load *ld, const char *rule,
                                 enum al_severity sev, size_t line,
                                 size_t col, const char *fmt, ...)
{
    va_list ap;
    struct al_finding *f;
    char small[256], *msg = small;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(small)) {
        msg = al_malloc((size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    f = al_findings_add(ld->out, rule, sev, ld->f->path, (unsigned)line,
                        (unsigned)col, n < 0 ? "" : msg);
    if (msg != small)
        al_free(msg);
    return f;
}

/* Returns the length of the valid UTF-8 sequence at s[0..n), 0 if none. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len, i;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        len = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        len = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        len = 4;
    else
        return 0;
    if (s[0] == 0xE0 || s[0] == 0xF0)
        lo = s[0] == 0xE0 ? 0xA0 : 0x90;
    else if (s[0] == 0xED || s[0] == 0xF4)
        hi = s[0] == 0xED ? 0x9F : 0x8F;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

/* Returns the byte length of the character that starts with byte c. */
static size_t char_width(unsigned char c)
{
    if (c < 0xC0)
        return 1;
    if (c < 0xE0)
        return 2;
    return c < 0xF0 ? 3 : 4;
}

/* Returns the code point of the valid w-byte sequence at s. */
static unsigned long code_point(const unsigned char *s, size_t w)
{
    static const unsigned char mask[] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
    unsigned long cp = s[0] & mask[w];
    size_t i;

    for (i = 1; i < w; i++)
        cp = cp << 6 | (s[i] & 0x3F);
    return cp;
}

/* Returns the length of the line break at s[i] (libyaml's set), or 0. */
static size_t break_len(const char *s, size_t len, size_t i)
{
    const unsigned char *u = (const unsigned char *)s + i;
    size_t left = len - i;

    if (u[0] == '\n')
        return 1;
    if (u[0] == '\r')
        return left > 1 && u[1] == '\n' ? 2 : 1;
    if (u[0] == 0xC2 && left > 1 && u[1] == 0x85)
        return 2;
    if (u[0] == 0xE2 && left > 2 && u[1] == 0x80
        && (u[2] == 0xA8 || u[2] == 0xA9))
        return 3;
    return 0;
}

/* Returns the working copy, writable; copies the file's bytes once. */
static char *writable(struct load *ld)
{
    if (ld->own == NULL) {
        ld->own = al_malloc(ld->t.len);
        memcpy(ld->own, ld->t.s, ld->t.len);
        ld->t.s = ld->own;
    }
    return ld->own;
}

/*
 * Builds the line table of the working copy. A break at the very end
 * gives a last, empty line: libyaml's end-of-stream marks point there.
 */
static void build_lines(struct text *t)
{
    size_t cap = 0, i = 0, b;

    al_grow(&t->lines, &cap, 1, sizeof(*t->lines));
    t->lines[0].start = 0;
    t->nlines = 1;
    while (i < t->len) {
        b = break_len(t->s, t->len, i);
        if (b == 0) {
            i++;
            continue;
        }
        t->lines[t->nlines - 1].end = i;
        i += b;
        al_grow(&t->lines, &cap, t->nlines + 1, sizeof(*t->lines));
        t->lines[t->nlines++].start = i;
    }
    t->lines[t->nlines - 1].end = t->len;
}

/* Returns the number of lines a reader sees (no empty line after EOF). */
static size_t real_lines(const struct text *t)
{
    if (t->nlines > 1 && t->lines[t->nlines - 1].start == t->len)
        return t->nlines - 1;
    return t->nlines;
}

/* Sets *line and *col (1-based, characters) of byte off of the copy. */
static void offset_pos(const struct text *t, size_t off, size_t *line,
                       size_t *col)
{
    size_t lo = 0, hi = t->nlines, mid, i, n = 0;

    while (hi - lo > 1) {
        mid = lo + (hi - lo) / 2;
        if (t->lines[mid].start <= off)
            lo = mid;
        else
            hi = mid;
    }
    for (i = t->lines[lo].start; i < off && i < t->len; i++)
        if (((unsigned char)t->s[i] & 0xC0) != 0x80)
            n++;
    *line = lo + 1;
    *col = n + 1;
}

/*
 * Returns the offset in the file of a libyaml mark. Marks mostly come in
 * increasing order, so the walk resumes from the last one on its line.
 */
static size_t mark_offset(struct text *t, const yaml_mark_t *m)
{
    const struct line *ln;

    if (m->line >= t->nlines)
        return t->base + t->len;
    ln = &t->lines[m->line];
    if (m->line != t->cur_line || m->column < t->cur_col) {
        t->cur_line = m->line;
        t->cur_col = 0;
        t->cur_off = ln->start;
    }
    while (t->cur_col < m->column && t->cur_off < ln->end) {
        t->cur_off += char_width((unsigned char)t->s[t->cur_off]);
        t->cur_col++;
    }
    return t->base + t->cur_off;
}

/*
 * Replaces each byte that is not part of valid UTF-8 with '?'; returns
 * how many there were and sets *first to the offset of the first one.
 */
static size_t fix_utf8(struct load *ld, size_t *first)
{
    const unsigned char *u;
    size_t i = 0, bad = 0, w;

    while (i < ld->t.len) {
        u = (const unsigned char *)ld->t.s + i;
        if (u[0] < 0x80) {
            i++;
            continue;
        }
        w = utf8_seq(u, ld->t.len - i);
        if (w > 0) {
            i += w;
            continue;
        }
        if (bad++ == 0)
            *first = i;
        writable(ld)[i++] = '?';
    }
    return bad;
}

/* Reports the first invalid UTF-8 byte at off and how many there were. */
static void report_utf8(struct load *ld, size_t off, size_t bad)
{
    unsigned char c = (unsigned char)ld->orig[ld->t.base + off];
    size_t line, col;

    offset_pos(&ld->t, off, &line, &col);
    report(ld, "invalid-utf8", AL_SEV_ERROR, line, col,
           "invalid UTF-8 byte 0x%02X (%zu invalid byte%s in this file, "
           "read as '?')", c, bad, bad == 1 ? "" : "s");
}

/*
 * Returns the same-length replacement for a character that YAML (and so
 * libyaml's reader) forbids: C0 and C1 controls other than tab, line
 * breaks and NEL, DEL, U+FFFE and U+FFFF. NULL for any other character.
 */
static const char *forbidden(const unsigned char *u, size_t w)
{
    if (w == 1 && ((u[0] < 0x20 && u[0] != '\t' && u[0] != '\n'
                    && u[0] != '\r') || u[0] == 0x7F))
        return "?";
    if (w == 2 && u[0] == 0xC2 && u[1] < 0xA0 && u[1] != 0x85)
        return "\xC2\xBF";
    if (w == 3 && u[0] == 0xEF && u[1] == 0xBF && u[2] >= 0xBE)
        return "\xEF\xBF\xBD";
    return NULL;
}

/*
 * Replaces the characters YAML forbids in the first end bytes of the
 * copy and reports the first. libyaml's reader would stop at the first
 * one before parsing anything near it, losing the documents before it.
 */
static void fix_forbidden(struct load *ld, size_t end)
{
    const unsigned char *u;
    const char *r;
    size_t i = 0, w, n = 0, first = 0;
    unsigned long cp = 0;

    while (i < end) {
        u = (const unsigned char *)ld->t.s + i;
        w = char_width(u[0]);
        r = forbidden(u, w);
        if (r != NULL) {
            if (n++ == 0) {
                first = i;
                cp = code_point(u, w);
            }
            memcpy(writable(ld) + i, r, w);
        }
        i += w;
    }
    if (n > 0) {
        size_t line, col;

        offset_pos(&ld->t, first, &line, &col);
        report(ld, "parse-error", AL_SEV_ERROR, line, col,
               "character U+%04lX is not allowed in YAML (%zu such "
               "character%s in this file, replaced)", cp, n,
               n == 1 ? "" : "s");
    }
}

/*
 * JSON: tabs between tokens are fine in JSON but libyaml rejects them
 * outside flow collections (before or after the top-level value). Turns
 * every tab outside strings into a space; columns do not change.
 */
static void json_tabs(struct load *ld)
{
    size_t i;
    int in_str = 0;

    for (i = 0; i < ld->t.len; i++) {
        char c = ld->t.s[i];

        if (in_str && c == '\\')
            i++;
        else if (c == '"')
            in_str = !in_str;
        else if (!in_str && c == '\t')
            writable(ld)[i] = ' ';
    }
}

/* Returns 1 when s[0..n) holds only spaces, tabs and line breaks. */
static int blank(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* FNV-1a over s[0..n). */
static size_t hash(const char *s, size_t n)
{
    size_t h = (size_t)14695981039346656037ULL;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= (size_t)1099511628211ULL;
    }
    return h;
}

/* Returns the slot of key in tb (cap > 0): its own or an empty one. */
static struct slot *table_slot(const struct table *tb, const char *k,
                               size_t n)
{
    size_t i = hash(k, n) & (tb->cap - 1);

    while (tb->v[i].key != NULL
           && !(tb->v[i].len == n && memcmp(tb->v[i].key, k, n) == 0))
        i = (i + 1) & (tb->cap - 1);
    return &tb->v[i];
}

/* Returns the value of key k in tb, or NULL. */
static void *table_get(const struct table *tb, const char *k, size_t n)
{
    return tb->cap == 0 ? NULL : table_slot(tb, k, n)->val;
}

/* Sets key k (borrowed; must outlive tb) to val, replacing any value. */
static void table_put(struct table *tb, const char *k, size_t n, void *val)
{
    struct slot *s;

    if (2 * (tb->n + 1) > tb->cap) {
        struct table big = { NULL, tb->cap ? 2 * tb->cap : 16, 0 };
        size_t i;

        big.v = al_calloc(big.cap, sizeof(*big.v));
        for (i = 0; i < tb->cap; i++)
            if (tb->v[i].key != NULL)
                *table_slot(&big, tb->v[i].key, tb->v[i].len) = tb->v[i];
        big.n = tb->n;
        al_free(tb->v);
        *tb = big;
    }
    s = table_slot(tb, k, n);
    if (s->key == NULL) {
        s->key = k;
        s->len = n;
        tb->n++;
    }
    s->val = val;
}

/* Frees the slots of tb (not the keys) and empties it. */
static void table_release(struct table *tb)
{
    al_free(tb->v);
    tb->v = NULL;
    tb->cap = tb->n = 0;
}

/* Sets the start of sp from a libyaml mark. */
static void span_start(struct builder *b, struct al_span *sp,
                       const yaml_mark_t *m)
{
    sp->line = (unsigned)m->line + 1;
    sp->col = (unsigned)m->column + 1;
    sp->start = mark_offset(&b->ld->t, m);
}

/* Sets the end of sp from a libyaml mark. */
static void span_end(struct builder *b, struct al_span *sp,
                     const yaml_mark_t *m)
{
    sp->end_line = (unsigned)m->line + 1;
    sp->end_col = (unsigned)m->column + 1;
    sp->end = mark_offset(&b->ld->t, m);
}

/* Returns a new node of the arena spanning the event's start mark. */
static struct al_node *new_node(struct builder *b, enum al_node_kind kind,
                                const yaml_event_t *ev)
{
    struct al_node *n = al_arena_alloc(&b->ld->f->arena, sizeof(*n));

    n->kind = kind;
    n->weight = 1;
    span_start(b, &n->at, &ev->start_mark);
    return n;
}

/*
 * Reports a limit at a mark: what exceeds max units; raise --option.
 */
static void report_limit(struct builder *b, const yaml_mark_t *m,
                         const char *what, size_t max, const char *units)
{
    report(b->ld, "limit-exceeded", AL_SEV_ERROR, m->line + 1,
           m->column + 1, "%s exceeds %zu %s; raise --max-%s to check "
           "this file", what, max, units,
           strcmp(units, "levels") == 0 ? "depth" : "nodes");
}

/*
 * Adds n to its parent collection (or makes it the document's root);
 * height is n's height and end the end of the event that produced it.
 */
static void add_child(struct builder *b, struct al_node *n,
                      unsigned height, const struct al_span *end)
{
    struct frame *fr;

    if (b->depth == 0) {
        if (b->root == NULL)
            b->root = n;
        return;
    }
    fr = &b->stack[b->depth - 1];
    al_grow(&fr->items, &fr->cap, fr->n + 1, sizeof(*fr->items));
    fr->items[fr->n++] = n;
    if (fr->height < height + 1)
        fr->height = height + 1;
    fr->last = *end;
}

/* Defines (or redefines) anchor name as node, NULL while it is open. */
static void define_anchor(struct builder *b, const char *name,
                          struct al_node *node, unsigned height)
{
    struct anchor *a = table_get(&b->anchors, name, strlen(name));

    if (a == NULL || a->node != NULL) {
        a = al_arena_alloc(&b->ld->f->arena, sizeof(*a));
        table_put(&b->anchors, name, strlen(name), a);
    }
    a->node = node;
    a->height = height;
}

/* Returns 1 for the plain scalars YAML reads as null. */
static int is_null(const char *s, size_t n)
{
    return n == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0
        || strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* Returns 1 for the plain key '<<' of a YAML 1.1 merge. */
static int is_merge_key(const struct al_node *k)
{
    return k->kind == AL_NODE_SCALAR && !k->quoted && k->len == 2
        && memcmp(k->str, "<<", 2) == 0;
}

/*
 * Returns a short, one-line copy of the key's text for a message; the
 * caller frees it.
 */
static char *show_key(const struct al_node *k)
{
    size_t n = k->len, i;
    char *s;

    if (n > KEY_SHOWN) {
        n = KEY_SHOWN;
        while (n > 0 && ((unsigned char)k->str[n] & 0xC0) == 0x80)
            n--;
    }
    s = al_malloc(n + 4);
    memcpy(s, k->str, n);
    strcpy(s + n, n < k->len ? "..." : "");
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20)
            s[i] = ' ';
    return s;
}

/* Reports key dup of a mapping that already has first. */
static void report_duplicate(struct builder *b, const struct al_node *first,
                             const struct al_node *dup)
{
    char *shown = show_key(dup);
    struct al_finding *f;

    f = report(b->ld, "duplicate-key", AL_SEV_ERROR, dup->at.line,
               dup->at.col, "duplicate key '%s' in mapping; the first is "
               "kept", shown);
    al_finding_relate(f, b->ld->f->path, first->at.line, first->at.col,
                      "first defined here");
    al_free(shown);
}

/*
 * Appends a pair unless its scalar key is already in pv; a repeated key
 * written in the mapping itself (explicit) is reported, one merged in
 * is silently overridden.
 */
static void add_pair(struct builder *b, struct pairs *pv,
                     struct al_node *k, struct al_node *v, int explicit)
{
    if (k->kind == AL_NODE_SCALAR || k->kind == AL_NODE_NULL) {
        struct al_node *first = table_get(&pv->seen, k->str, k->len);

        if (first != NULL) {
            if (explicit)
                report_duplicate(b, first, k);
            return;
        }
        table_put(&pv->seen, k->str, k->len, k);
    }
    al_grow(&pv->v, &pv->cap, pv->n + 2, sizeof(*pv->v));
    pv->v[pv->n++] = k;
    pv->v[pv->n++] = v;
}

/* Merges the pairs of mapping m, or of each mapping in sequence m. */
static void merge(struct builder *b, struct pairs *pv, struct al_node *m)
{
    struct al_node **src = &m;
    size_t nsrc = 1, i, j;

    if (m->kind == AL_NODE_SEQ) {
        src = m->items;
        nsrc = m->n;
    }
    for (i = 0; i < nsrc; i++) {
        if (src[i]->kind != AL_NODE_MAP) {
            report(b->ld, "parse-error", AL_SEV_ERROR, src[i]->at.line,
                   src[i]->at.col, "merge key '<<' needs a mapping or a "
                   "list of mappings");
            continue;
        }
        for (j = 0; j < src[i]->n; j++)
            add_pair(b, pv, src[i]->items[2 * j],
                     src[i]->items[2 * j + 1], 0);
    }
}

/* Gives node its items (copied to the arena) and its weight. */
static void publish_items(struct builder *b, struct al_node *node,
                          struct al_node **items, size_t n)
{
    size_t i;

    node->items = al_arena_alloc(&b->ld->f->arena,
                                 n * sizeof(*items));
    if (n > 0)
        memcpy(node->items, items, n * sizeof(*items));
    node->n = node->kind == AL_NODE_MAP ? n / 2 : n;
    node->weight = 1;
    for (i = 0; i < n; i++)
        node->weight += items[i]->weight;
}

/*
 * Publishes the pairs of the mapping in fr: the pairs written in it
 * (the first of duplicate keys kept), then the pairs that '<<' keys
 * merge in whose keys are not present yet (YAML 1.1), earlier merge
 * sources first. A dangling key (a document cut short) is dropped.
 */
static void finish_map(struct builder *b, struct frame *fr)
{
    struct pairs pv = { NULL, 0, 0, { NULL, 0, 0 } };
    size_t i;

    for (i = 0; i + 1 < fr->n; i += 2)
        if (!is_merge_key(fr->items[i]))
            add_pair(b, &pv, fr->items[i], fr->items[i + 1], 1);
    for (i = 0; i + 1 < fr->n; i += 2)
        if (is_merge_key(fr->items[i]))
            merge(b, &pv, fr->items[i + 1]);
    publish_items(b, fr->node, pv.v, pv.n);
    al_free(pv.v);
    table_release(&pv.seen);
}

/*
 * Closes the innermost open collection: end is where it ends, items go
 * to the node, its anchor is defined and it joins its parent.
 */
static void close_frame(struct builder *b, const struct al_span *end)
{
    struct frame *fr = &b->stack[--b->depth];
    struct al_node *n = fr->node;

    n->at.end_line = end->end_line;
    n->at.end_col = end->end_col;
    n->at.end = end->end;
    if (n->kind == AL_NODE_MAP)
        finish_map(b, fr);
    else
        publish_items(b, n, fr->items, fr->n);
    if (fr->anchor != NULL)
        define_anchor(b, fr->anchor, n, fr->height);
    add_child(b, n, fr->height, &n->at);
}

/* Closes every open collection, keeping what was read of them. */
static void close_all(struct builder *b)
{
    while (b->depth > 0) {
        struct frame *fr = &b->stack[b->depth - 1];
        struct al_span end = fr->node->at;

        if (fr->n > 0) {
            end = fr->last;
        } else {
            end.end_line = end.line;
            end.end_col = end.col;
            end.end = end.start;
        }
        close_frame(b, &end);
    }
}

/* Keeps what was read of the document and ignores the rest of it. */
static void skip_document(struct builder *b)
{
    close_all(b);
    b->skip = 1;
}

/*
 * Counts w more nodes in the document (w > 1 for an alias). Past the
 * limit, reports at the event, skips the rest of the document and
 * returns -1.
 */
static int count_nodes(struct builder *b, size_t w, const yaml_event_t *ev)
{
    size_t max = b->ld->lim->max_nodes;

    if (w <= max && b->total <= max - w) {
        b->total += w;
        return 0;
    }
    report_limit(b, &ev->start_mark, ev->type == YAML_ALIAS_EVENT
                 ? "alias expansion" : "document", max, "nodes");
    skip_document(b);
    return -1;
}

/* A scalar: copied to the arena; plain null spellings are AL_NODE_NULL. */
/* The quoting of a scalar as node.h records it. */
static unsigned char scalar_style(yaml_scalar_style_t s)
{
    switch (s) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: return '\'';
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return '"';
    case YAML_LITERAL_SCALAR_STYLE: return '|';
    case YAML_FOLDED_SCALAR_STYLE: return '>';
    default: return 0;
    }
}

static void on_scalar(struct builder *b, const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    struct al_node *n;

    if (count_nodes(b, 1, ev) < 0)
        return;
    n = new_node(b, plain && is_null(v, len) ? AL_NODE_NULL
                 : AL_NODE_SCALAR, ev);
    span_end(b, &n->at, &ev->end_mark);
    n->str = al_arena_strndup(&b->ld->f->arena, v, len);
    n->len = len;
    n->quoted = scalar_style(ev->data.scalar.style);
    if (ev->data.scalar.anchor != NULL)
        define_anchor(b, al_arena_strndup(&b->ld->f->arena,
                      (const char *)ev->data.scalar.anchor,
                      strlen((const char *)ev->data.scalar.anchor)), n, 0);
    add_child(b, n, 0, &n->at);
}

/*
 * An alias shares the anchored node. An unknown alias, or one inside
 * the node it names (a cycle), is reported and read as null, so that
 * the mapping around it keeps its pairs.
 */
static void on_alias(struct builder *b, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    struct anchor *a = table_get(&b->anchors, name, strlen(name));
    struct al_node *n;

    if (a != NULL && a->node != NULL) {
        if (b->depth + a->height > b->ld->lim->max_depth) {
            report_limit(b, &ev->start_mark, "alias expansion nesting",
                         b->ld->lim->max_depth, "levels");
            skip_document(b);
        } else if (count_nodes(b, a->node->weight, ev) == 0) {
            struct al_span end;

            memset(&end, 0, sizeof(end));
            span_end(b, &end, &ev->end_mark);
            add_child(b, a->node, a->height, &end);
        }
        return;
    }
    report(b->ld, "parse-error", AL_SEV_ERROR, ev->start_mark.line + 1,
           ev->start_mark.column + 1, a == NULL ? "undefined alias '%s'"
           : "alias '%s' is used inside the node it names", name);
    if (count_nodes(b, 1, ev) < 0)
        return;
    n = new_node(b, AL_NODE_NULL, ev);
    span_end(b, &n->at, &ev->end_mark);
    n->str = al_arena_strndup(&b->ld->f->arena, "", 0);
    add_child(b, n, 0, &n->at);
}

/* Pushes a frame for a new collection node n; returns the frame. */
static struct frame *push_frame(struct builder *b, struct al_node *n)
{
    struct frame *fr;

    al_grow(&b->stack, &b->cap, b->depth + 1, sizeof(*b->stack));
    if (b->depth == b->nframes) {
        memset(&b->stack[b->depth], 0, sizeof(*b->stack));
        b->nframes++;
    }
    fr = &b->stack[b->depth++];
    fr->node = n;
    fr->n = 0;
    fr->height = 1;
    fr->anchor = NULL;
    return fr;
}

/*
 * Opens a sequence or mapping. Too deep: reports and stops reading the
 * stream, since libyaml's own stacks grow with the nesting it reads.
 */
static void on_open(struct builder *b, const yaml_event_t *ev)
{
    int map = ev->type == YAML_MAPPING_START_EVENT;
    const char *anchor = (const char *)(map
        ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor);
    struct frame *fr;

    if (b->depth >= b->ld->lim->max_depth) {
        report_limit(b, &ev->start_mark, "nesting", b->ld->lim->max_depth,
                     "levels");
        b->stop = 1;
        return;
    }
    if (count_nodes(b, 1, ev) < 0)
        return;
    fr = push_frame(b, new_node(b, map ? AL_NODE_MAP : AL_NODE_SEQ, ev));
    fr->block = map ? ev->data.mapping_start.style == YAML_BLOCK_MAPPING_STYLE
        : ev->data.sequence_start.style == YAML_BLOCK_SEQUENCE_STYLE;
    if (anchor != NULL) {
        fr->anchor = al_arena_strndup(&b->ld->f->arena, anchor,
                                      strlen(anchor));
        define_anchor(b, fr->anchor, NULL, 0);
    }
}

/*
 * Closes a collection. libyaml ends a block collection where the next
 * token starts, often lines later, so it ends at its last item instead.
 */
static void on_close(struct builder *b, const yaml_event_t *ev)
{
    struct frame *fr;
    struct al_span end;

    if (b->depth == 0)
        return;
    fr = &b->stack[b->depth - 1];
    if (fr->block && fr->n > 0) {
        close_frame(b, &fr->last);
        return;
    }
    memset(&end, 0, sizeof(end));
    span_end(b, &end, &ev->end_mark);
    close_frame(b, &end);
}

/* Starts a document: a new root, a new node count. */
static void doc_start(struct builder *b)
{
    b->in_doc = 1;
    b->skip = 0;
    b->root = NULL;
    b->total = 0;
}

/* Ends the document: keeps its root; anchors do not cross documents. */
static void doc_end(struct builder *b)
{
    close_all(b);
    if (b->root != NULL) {
        al_grow(&b->docs, &b->docs_cap, b->ndocs + 1, sizeof(*b->docs));
        b->docs[b->ndocs++] = b->root;
    }
    table_release(&b->anchors);
    b->in_doc = 0;
    if (b->first_only)
        b->stop = 1;
}

/* Builds the tree from one event (borrowed); skips what must be skipped. */
static void on_event(struct builder *b, const yaml_event_t *ev)
{
    if (b->skip && ev->type != YAML_DOCUMENT_END_EVENT)
        return;
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        doc_start(b);
        break;
    case YAML_DOCUMENT_END_EVENT:
        doc_end(b);
        break;
    case YAML_SCALAR_EVENT:
        on_scalar(b, ev);
        break;
    case YAML_ALIAS_EVENT:
        on_alias(b, ev);
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        on_open(b, ev);
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        on_close(b, ev);
        break;
    default:
        break;
    }
}

/*
 * Reports libyaml's error: at the problem mark, with the context (what
 * it was reading, and where that started) as a related location.
 */
static void report_yaml_error(struct load *ld, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "invalid YAML";
    struct al_finding *f;
    size_t line, col;

    if (p->error == YAML_READER_ERROR) {
        offset_pos(&ld->t, p->problem_offset, &line, &col);
        report(ld, "parse-error", AL_SEV_ERROR, line, col, "%s", problem);
        return;
    }
    if (p->error == YAML_MEMORY_ERROR) {
        report(ld, "parse-error", AL_SEV_ERROR, 1, 1,
               "out of memory while parsing");
        return;
    }
    f = report(ld, "parse-error", AL_SEV_ERROR, p->problem_mark.line + 1,
               p->problem_mark.column + 1, "%s", problem);
    if (p->context != NULL)
        al_finding_relate(f, ld->f->path, p->context_mark.line + 1,
                          p->context_mark.column + 1, p->context);
}

/* Moves the documents read to the file's arena; frees the builder. */
static void builder_finish(struct builder *b)
{
    struct al_file *f = b->ld->f;
    size_t i;

    if (b->in_doc)
        doc_end(b);
    if (b->ndocs > 0) {
        f->docs = al_arena_alloc(&f->arena, b->ndocs * sizeof(*f->docs));
        memcpy(f->docs, b->docs, b->ndocs * sizeof(*f->docs));
        f->ndocs = b->ndocs;
    }
    for (i = 0; i < b->nframes; i++)
        al_free(b->stack[i].items);
    al_free(b->stack);
    al_free(b->docs);
    table_release(&b->anchors);
}

/*
 * Parses bytes [0, end) of the working copy as a YAML stream into
 * f->docs (with first_only, its first document only). Returns 1 when a
 * syntax error stopped it, else 0; the documents read before the error,
 * and what was read of the one it is in, are kept.
 */
static int parse_yaml(struct load *ld, size_t end, int first_only)
{
    struct builder b;
    yaml_parser_t p;
    yaml_event_t ev;
    int done = 0;

    fix_forbidden(ld, end);
    memset(&b, 0, sizeof(b));
    b.ld = ld;
    b.first_only = first_only;
    if (!yaml_parser_initialize(&p)) {
        report_yaml_error(ld, &p);
        return 1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)ld->t.s, end);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    while (!done && !b.stop) {
        if (!yaml_parser_parse(&p, &ev)) {
            report_yaml_error(ld, &p);
            b.failed = 1;
            break;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        on_event(&b, &ev);
        yaml_event_delete(&ev);
    }
    builder_finish(&b);
    yaml_parser_delete(&p);
    return b.failed;
}

/* Returns 1 when line k is '---' (or '...' with dots), blanks after. */
static int fence_line(const struct text *t, size_t k, int dots)
{
    const char *s = t->s + t->lines[k].start;
    size_t n = t->lines[k].end - t->lines[k].start;

    if (n < 3 || !(memcmp(s, "---", 3) == 0
                   || (dots && memcmp(s, "...", 3) == 0)))
        return 0;
    return blank(s + 3, n - 3);
}

/* Sets *at to the first fence line after line 0; returns 0 if none. */
static int find_fence(const struct text *t, int dots, size_t *at)
{
    size_t k, n = real_lines(t);

    for (k = 1; k < n; k++)
        if (fence_line(t, k, dots)) {
            *at = k;
            return 1;
        }
    return 0;
}

/* Returns 1 when line 0 looks like 'key: value' (or 'key:'). */
static int key_line(const struct text *t)
{
    const char *s = t->s;
    size_t n = t->lines[0].end, i = 1;

    if (n == 0 || !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z')
                    || (s[0] >= 'a' && s[0] <= 'z')))
        return 0;
    while (i < n && (s[i] == '_' || s[i] == '-' || (s[i] >= '0'
           && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')
           || (s[i] >= 'a' && s[i] <= 'z')))
        i++;
    if (i == n || s[i] != ':')
        return 0;
    return i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\t';
}

/* Copies every finding of from into to. */
static void copy_findings(struct al_findings *to,
                          const struct al_findings *from)
{
    size_t i, j;

    for (i = 0; i < from->n; i++) {
        const struct al_finding *g = &from->v[i];
        struct al_finding *f = al_findings_add(to, g->rule, g->severity,
                                               g->at.file, g->at.line,
                                               g->at.col, g->message);

        for (j = 0; j < g->nrelated; j++)
            al_finding_relate(f, g->related[j].file, g->related[j].line,
                              g->related[j].col, g->related[j].message);
    }
}

/*
 * Front matter form 2 (strongdm/comply): lines [0, k) are front matter
 * when they parse into a mapping or fail with a YAML error, so the real
 * errors of comply's header blocks are reported; anything else parsed
 * there is prose. Returns the first body line.
 */
static size_t header_block(struct load *ld, size_t k)
{
    struct al_findings tmp, *out = ld->out;
    struct al_file *f = ld->f;
    int failed, ok;

    al_findings_init(&tmp);
    ld->out = &tmp;
    failed = parse_yaml(ld, ld->t.lines[k].start, 1);
    ld->out = out;
    ok = failed || (f->ndocs == 1 && f->docs[0]->kind == AL_NODE_MAP);
    if (ok) {
        copy_findings(out, &tmp);
        f->fm = AL_FM_HEADER;
    } else {
        f->docs = NULL;
        f->ndocs = 0;
    }
    al_findings_release(&tmp);
    return ok ? k + 1 : 0;
}

/*
 * Returns the first body line of a Markdown file after reading its front
 * matter into f->docs[0]. The YAML handed to libyaml is the file from
 * its first byte to the closing fence line, so positions are the file's
 * own (a leading '---' is a document start marker). A '...' line in a
 * header block ends the YAML document; what follows it up to the '---'
 * is not read.
 */
static size_t front_matter(struct load *ld)
{
    struct text *t = &ld->t;
    size_t k;

    if (fence_line(t, 0, 0)) {
        if (!find_fence(t, 1, &k))
            return 0;
        ld->f->fm = AL_FM_FENCED;
        parse_yaml(ld, t->lines[k].start, 1);
        return k + 1;
    }
    if (key_line(t) && find_fence(t, 0, &k))
        return header_block(ld, k);
    return 0;
}

/*
 * Returns the level of the ATX heading in line s[0..n) and sets its
 * text (without the '#' marks and surrounding blanks), or returns 0.
 * Setext headings (text underlined with '===' or '---') are not
 * recognised: a '---' line is also a thematic break, and the corpora
 * write ATX headings.
 */
static unsigned atx_heading(const char *s, size_t n, const char **h,
                            size_t *hn)
{
    size_t i = 0, level = 0, e = n, full;

    while (i < n && i < 3 && s[i] == ' ')
        i++;
    while (i < n && s[i] == '#' && level <= MAX_LEVEL)
        i++, level++;
    if (level == 0 || level > MAX_LEVEL
        || (i < n && s[i] != ' ' && s[i] != '\t'))
        return 0;
    while (i < e && (s[i] == ' ' || s[i] == '\t'))
        i++;
    while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        e--;
    full = e;
    while (e > i && s[e - 1] == '#')
        e--;
    if (e > i && s[e - 1] != ' ' && s[e - 1] != '\t')
        e = full;           /* 'C#': the '#'s are text, not a closing */
    while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        e--;
    *h = s + i;
    *hn = e - i;
    return (unsigned)level;
}

/*
 * Returns the length of the run of fence characters opening a code
 * block in line s[0..n) (3 or more '`' or '~' after up to 3 spaces; a
 * '`' fence has no '`' in its info string) and sets *ch; 0 if none.
 */
static size_t code_fence(const char *s, size_t n, char *ch)
{
    size_t i = 0, run;

    while (i < n && i < 3 && s[i] == ' ')
        i++;
    if (i == n || (s[i] != '`' && s[i] != '~'))
        return 0;
    *ch = s[i];
    for (run = 0; i < n && s[i] == *ch; i++)
        run++;
    if (run < 3 || (*ch == '`' && memchr(s + i, '`', n - i) != NULL))
        return 0;
    return run;
}

/* Returns 1 when line s[0..n) closes the open code block of bd. */
static int closes_fence(const struct body *bd, const char *s, size_t n)
{
    size_t i = 0, run = 0;

    while (i < n && i < 3 && s[i] == ' ')
        i++;
    for (; i < n && s[i] == bd->fence; i++)
        run++;
    return run >= bd->fence_len && blank(s + i, n - i);
}

/* Appends s[0..n) and a '\n' to the text of the current section. */
static void append_line(struct body *bd, const char *s, size_t n)
{
    al_grow(&bd->text, &bd->tcap, bd->len + n + 1, 1);
    memcpy(bd->text + bd->len, s, n);
    bd->len += n;
    bd->text[bd->len++] = '\n';
}

/* Publishes the current section; a blank preamble is left out. */
static void close_section(struct body *bd)
{
    struct al_section *sec = &bd->cur;

    if (sec->level == 0 && !bd->content)
        return;
    sec->text = al_arena_strndup(&bd->ld->f->arena,
                                 bd->len > 0 ? bd->text : "", bd->len);
    sec->len = bd->len;
    al_grow(&bd->v, &bd->cap, bd->n + 1, sizeof(*bd->v));
    bd->v[bd->n++] = *sec;
}

/* Starts the section of a heading of level at 1-based line. */
static void open_section(struct body *bd, unsigned level, const char *h,
                         size_t hn, unsigned line)
{
    struct al_arena *a = &bd->ld->f->arena;
    struct al_section *sec = &bd->cur;
    unsigned i;

    memset(sec, 0, sizeof(*sec));
    sec->heading = al_arena_strndup(a, h, hn);
    sec->level = level;
    sec->line = line;
    sec->body_line = line + 1;
    bd->path[level - 1] = sec->heading;
    for (i = level; i < MAX_LEVEL; i++)
        bd->path[i] = NULL;
    sec->path = al_arena_alloc(a, level * sizeof(*sec->path));
    for (i = 0; i < level; i++)
        if (bd->path[i] != NULL)
            sec->path[sec->depth++] = bd->path[i];
    bd->content = 1;
    bd->len = 0;
}

/* Reads line k of the body into the current section, or starts one. */
static void body_line(struct body *bd, size_t k)
{
    const struct line *ln = &bd->ld->t.lines[k];
    const char *s = bd->ld->t.s + ln->start, *h;
    size_t n = ln->end - ln->start, hn;
    unsigned level;
    int code = 1;

    if (bd->fence != 0) {
        if (closes_fence(bd, s, n))
            bd->fence = 0;
    } else if ((bd->fence_len = code_fence(s, n, &bd->fence)) == 0) {
        bd->fence = 0;
        code = 0;
        level = atx_heading(s, n, &h, &hn);
        if (level > 0) {
            close_section(bd);
            open_section(bd, level, h, hn, (unsigned)k + 1);
            return;
        }
    }
    if (!blank(s, n))
        bd->content = 1;
    append_line(bd, s, code ? 0 : n);
}

/*
 * Splits the body, from 0-based line first, into sections. Text in
 * fenced code blocks (the fence lines included) becomes empty lines; an
 * unclosed fence runs to the end of the file, as in CommonMark.
 */
static void split_sections(struct load *ld, size_t first)
{
    struct body bd;
    size_t k, n = real_lines(&ld->t);

    memset(&bd, 0, sizeof(bd));
    bd.ld = ld;
    bd.cur.line = bd.cur.body_line = (unsigned)first + 1;
    for (k = first; k < n; k++)
        body_line(&bd, k);
    close_section(&bd);
    if (bd.n > 0) {
        ld->f->sections = al_arena_alloc(&ld->f->arena,
                                         bd.n * sizeof(*bd.v));
        memcpy(ld->f->sections, bd.v, bd.n * sizeof(*bd.v));
        ld->f->nsections = bd.n;
    }
    al_free(bd.v);
    al_free(bd.text);
}

/* Returns 1 when path ends with suffix, ignoring case. */
static int ends_with(const char *path, const char *suffix)
{
    size_t n = strlen(path), m = strlen(suffix);

    return n >= m && strcasecmp(path + n - m, suffix) == 0;
}

enum al_file_kind al_load_kind(const char *path)
{
    if (ends_with(path, ".md") || ends_with(path, ".markdown")
        || ends_with(path, ".md.tmpl"))
        return AL_FILE_MARKDOWN;
    if (ends_with(path, ".yml") || ends_with(path, ".yaml"))
        return AL_FILE_YAML;
    if (ends_with(path, ".json"))
        return AL_FILE_JSON;
    return AL_FILE_OTHER;
}

void al_limits_default(struct al_limits *l)
{
    l->max_file_bytes = (size_t)16 * 1024 * 1024;
    l->max_depth = 64;
    l->max_nodes = 1000000;
}

/* Initialises f for the file reported as path; f owns a copy of it. */
static void file_init(struct al_file *f, const char *path)
{
    memset(f, 0, sizeof(*f));
    al_arena_init(&f->arena);
    f->path = al_arena_strndup(&f->arena, path, strlen(path));
    f->kind = al_load_kind(path);
}

/* Initialises a load of f; a NULL lim means the default limits. */
static void load_init(struct load *ld, struct al_file *f,
                      const struct al_limits *lim, struct al_findings *out)
{
    memset(ld, 0, sizeof(*ld));
    ld->f = f;
    ld->out = out;
    if (lim == NULL) {
        al_limits_default(&ld->lim_store);
        lim = &ld->lim_store;
    }
    ld->lim = lim;
}

/*
 * Makes the working copy of buf: without a BOM, valid UTF-8, with its
 * line table. Reports invalid UTF-8.
 */
static void prepare_text(struct load *ld, const char *buf, size_t len)
{
    size_t bad, first = 0;

    ld->orig = buf;
    ld->t.s = buf;
    ld->t.len = len;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        ld->t.s += 3;
        ld->t.len -= 3;
        ld->t.base = 3;
    }
    bad = fix_utf8(ld, &first);
    build_lines(&ld->t);
    if (bad > 0)
        report_utf8(ld, first, bad);
}

/* Loads buf[0..len) into ld->f, whose kind is not OTHER. Returns 0. */
static int load(struct load *ld, const char *buf, size_t len)
{
    struct al_file *f = ld->f;

    if (len > ld->lim->max_file_bytes) {
        report(ld, "limit-exceeded", AL_SEV_ERROR, 1, 1, "file is larger "
               "than %zu bytes; raise --max-file-size to check it",
               ld->lim->max_file_bytes);
        f->skipped = 1;
        return 0;
    }
    if (memchr(buf, '\0', len < BINARY_SCAN ? len : BINARY_SCAN)) {
        report(ld, "binary-file", AL_SEV_NOTE, 1, 1, "skipped binary file");
        f->skipped = 1;
        return 0;
    }
    prepare_text(ld, buf, len);
    if (blank(ld->t.s, ld->t.len))
        report(ld, "empty-file", AL_SEV_NOTE, 1, 1, "empty file");
    else if (f->kind == AL_FILE_MARKDOWN)
        split_sections(ld, front_matter(ld));
    else {
        if (f->kind == AL_FILE_JSON)
            json_tabs(ld);
        parse_yaml(ld, ld->t.len, 0);
    }
    al_free(ld->t.lines);
    al_free(ld->own);
    return 0;
}

/*
 * Reads the whole file into *buf (new, the caller frees it). Returns 0;
 * 1 when it is larger than the limit; -1 when it cannot be read. Reads
 * at most one byte past the limit, so a huge file costs nothing.
 */
static int read_all(struct load *ld, const char *fs_path, char **buf,
                    size_t *len)
{
    size_t max = ld->lim->max_file_bytes, n = 0, cap = 0, want, got;
    FILE *fp = fopen(fs_path, "rb");
    char *b = NULL;
    int rc = -1;

    if (fp == NULL) {
        report(ld, "unreadable-file", AL_SEV_ERROR, 1, 1,
               "cannot open '%s': %s", ld->f->path, strerror(errno));
        return -1;
    }
    do {
        al_grow(&b, &cap, n + READ_CHUNK, 1);
        want = cap - n;
        if (want > max - n)
            want = max - n + 1;
        got = fread(b + n, 1, want, fp);
        n += got;
    } while (got > 0 && n <= max);
    if (ferror(fp)) {
        report(ld, "unreadable-file", AL_SEV_ERROR, 1, 1,
               "cannot read '%s': %s", ld->f->path, strerror(errno));
        goto out;
    }
    rc = n > max ? 1 : 0;
    *buf = b;
    *len = n;
    b = NULL;
out:
    fclose(fp);
    al_free(b);
    return rc;
}

int al_load_file(struct al_file *f, const char *fs_path, const char *path,
                 const struct al_limits *lim, struct al_findings *out)
{
    struct load ld;
    char *buf = NULL;
    size_t len = 0;
    int rc;

    file_init(f, path);
    if (f->kind == AL_FILE_OTHER)
        return 0;
    load_init(&ld, f, lim, out);
    rc = read_all(&ld, fs_path, &buf, &len);
    if (rc < 0)
        f->skipped = 1;
    else
        rc = load(&ld, buf, len);
    al_free(buf);
    return rc;
}

int al_load_buffer(struct al_file *f, const char *path, const char *buf,
                   size_t len, const struct al_limits *lim,
                   struct al_findings *out)
{
    struct load ld;

    file_init(f, path);
    if (f->kind == AL_FILE_OTHER)
        return 0;
    load_init(&ld, f, lim, out);
    return load(&ld, buf, len);
}

void al_file_release(struct al_file *f)
{
    al_arena_release(&f->arena);
    memset(f, 0, sizeof(*f));
}
