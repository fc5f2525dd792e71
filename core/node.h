/*
 * node: the position-carrying tree that the loader builds from YAML, JSON
 * and Markdown front matter. Plain data; nodes and strings live in the
 * arena of the file that owns them (see load.h).
 */
#ifndef AL_NODE_H
#define AL_NODE_H

#include <stddef.h>

enum al_node_kind {
    AL_NODE_NULL,               /* plain '~', 'null', 'Null', 'NULL' or empty */
    AL_NODE_SCALAR,
    AL_NODE_SEQ,
    AL_NODE_MAP
};

/*
 * A span in a file: 1-based lines and columns, columns counting
 * characters (code points), not bytes. end_* is the position just after
 * the last character. start and end are byte offsets in the file, for
 * the few callers that rewrite bytes (--fix).
 */
struct al_span {
    unsigned line, col;
    unsigned end_line, end_col;
    size_t start, end;
};

struct al_node {
    enum al_node_kind kind;
    unsigned char quoted;       /* 0 plain, or how the scalar was written:
                                   '\'', '"', '|' or '>' */
    struct al_span at;
    const char *str;            /* scalar text, NUL-terminated */
    size_t len;
    size_t n;                   /* seq: items; map: pairs */
    struct al_node **items;     /* seq: n items; map: 2n, key then value */
    size_t weight;              /* nodes below, alias expansions counted */
};

#endif
