/*
 * load: reads one file (or an in-memory buffer) into a position-carrying
 * tree with libyaml's event parser, splits Markdown into front matter and
 * body sections, and reports bad input as findings. The only module that
 * includes yaml.h. Calls mem, node and finding.
 */
#ifndef AL_LOAD_H
#define AL_LOAD_H

#include <stddef.h>

#include "finding.h"
#include "mem.h"
#include "node.h"

enum al_file_kind {
    AL_FILE_OTHER,
    AL_FILE_YAML,
    AL_FILE_JSON,
    AL_FILE_MARKDOWN
};

enum al_front_matter {
    AL_FM_NONE,                 /* no front matter */
    AL_FM_FENCED,               /* '---' ... '---' or '...' */
    AL_FM_HEADER                /* 'key: value' lines closed by '---' */
};

/* Bounds on untrusted input; documented in docs/formats.md. */
struct al_limits {
    size_t max_file_bytes;      /* default 16 MiB */
    unsigned max_depth;         /* default 64 nested collections */
    size_t max_nodes;           /* default 1,000,000 after alias expansion */
};

void al_limits_default(struct al_limits *l);

/*
 * A Markdown body section: the text under one heading, up to the next
 * heading of any level. The text before the first heading is a section
 * with level 0 and no heading. Lines inside fenced code blocks are kept
 * as empty lines in text, so line arithmetic on text stays exact.
 */
struct al_section {
    const char *heading;        /* heading text without '#'s; NULL at 0 */
    unsigned level;             /* 1..6, 0 for the preamble */
    const char **path;          /* headings from level 1 down to this one */
    unsigned depth;             /* entries in path */
    unsigned line;              /* line of the heading (or first line) */
    unsigned body_line;         /* line where text starts */
    const char *text;           /* UTF-8, '\n' line ends, NUL-terminated */
    size_t len;
};

struct al_file {
    const char *path;           /* relative to the repository root */
    enum al_file_kind kind;
    enum al_front_matter fm;
    struct al_node **docs;      /* YAML/JSON documents; front matter */
    size_t ndocs;
    struct al_section *sections;
    size_t nsections;
    int skipped;                /* binary, unreadable or too large */
    struct al_arena arena;      /* owns everything above */
};

/* Guesses the kind from the file name (FORMATS.md section 2). */
enum al_file_kind al_load_kind(const char *path);

/*
 * Loads the file at fs_path (as opened) and names it path (as reported).
 * Problems become findings in out (rules: parse-error, duplicate-key,
 * invalid-utf8, binary-file, empty-file, unreadable-file,
 * limit-exceeded); the file still loads as far as it can. Returns 0, or
 * -1 when nothing could be read (the finding says why). f is initialised
 * here and must be released with al_file_release in every case. A NULL
 * lim means the defaults.
 */
int al_load_file(struct al_file *f, const char *fs_path, const char *path,
                 const struct al_limits *lim, struct al_findings *out);

/* Same, from a buffer that the caller keeps (built-in data). */
int al_load_buffer(struct al_file *f, const char *path, const char *buf,
                   size_t len, const struct al_limits *lim,
                   struct al_findings *out);

void al_file_release(struct al_file *f);

#endif
