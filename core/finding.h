/*
 * finding: what every rule and every load diagnostic produces, and the
 * list that collects them. Sorting, de-duplication and fingerprints live
 * here; reporters read findings and nothing else. Calls only mem.
 */
#ifndef AL_FINDING_H
#define AL_FINDING_H

#include <stddef.h>

enum al_severity {
    AL_SEV_NONE = 0,            /* 'off' in the configuration */
    AL_SEV_NOTE,
    AL_SEV_WARNING,
    AL_SEV_ERROR
};

/* A location; file is relative to the repository root, '/' separated. */
struct al_loc {
    char *file;
    unsigned line, col;         /* 1-based, columns in characters */
    unsigned end_line, end_col; /* 0 when unknown */
    char *message;              /* related locations only; may be NULL */
};

struct al_finding {
    char *rule;
    enum al_severity severity;
    char *message;
    struct al_loc at;
    struct al_loc *related;
    size_t nrelated;
    char **frameworks;          /* "iso27001:A.5.18", sorted */
    size_t nframeworks;
    char *key;                  /* semantic key for the fingerprint */
    char fingerprint[17];       /* 16 hex digits, set by al_findings_finish */
    char *fix;                  /* --fix: replacement text, or NULL */
    size_t fix_start, fix_end;  /* --fix: byte range in the file */
};

struct al_findings {
    struct al_finding *v;
    size_t n, cap;
};

void al_findings_init(struct al_findings *fs);
void al_findings_release(struct al_findings *fs);

/*
 * Appends a finding with a copy of rule, file and message; returns it so
 * the caller can add related locations, frameworks and a key. The pointer
 * is valid until the next add, finish or retain on fs.
 */
struct al_finding *al_findings_add(struct al_findings *fs, const char *rule,
                                   enum al_severity sev, const char *file,
                                   unsigned line, unsigned col,
                                   const char *message);

/* Adds a related location to f; copies file and message. */
void al_finding_relate(struct al_finding *f, const char *file,
                       unsigned line, unsigned col, const char *message);

/*
 * Adds a framework requirement ("soc2:CC6.1") to f; copies it. The list
 * stays sorted (byte order) and holds each requirement once.
 */
void al_finding_framework(struct al_finding *f, const char *req);

/*
 * Offers a fix: under --fix, bytes [start, end) of f's file become text
 * (copied). Replaces an earlier fix.
 */
void al_finding_fix(struct al_finding *f, size_t start, size_t end,
                    const char *text);

/* Sets the semantic key of f (copied); replaces an earlier one. */
void al_finding_key(struct al_finding *f, const char *key);

/*
 * Sorts by file, line, column, rule, message; removes exact duplicates;
 * computes fingerprints from rule, file and key (the message when no key
 * was set), so moving lines does not change them.
 *
 * The sort is stable, so of two duplicates the one added first stays. A
 * fingerprint is the 64-bit FNV-1a hash of rule '\0' file '\0' subject in
 * 16 lowercase hex digits. When several findings share rule, file and
 * subject, the first in sorted order keeps that hash and the k-th after
 * it (k = 1, 2, ...) hashes rule '\0' file '\0' subject '\0' k (decimal),
 * so fingerprints are unique in one run and still survive line moves.
 * Calling it again gives the same result.
 */
void al_findings_finish(struct al_findings *fs);

/* Returns how many findings in fs have severity sev. */
size_t al_findings_count(const struct al_findings *fs, enum al_severity sev);

/*
 * Keeps the findings for which keep(f, ctx) returns non-zero, in order,
 * and frees the others (suppressions, exceptions, baseline).
 */
void al_findings_retain(struct al_findings *fs,
                        int (*keep)(const struct al_finding *f, void *ctx),
                        void *ctx);

/* Returns "error", "warning", "note" or "off" (static strings). */
const char *al_severity_name(enum al_severity sev);

/* Returns 0 and sets *sev for "error", "warning", "note" or "off". */
int al_severity_parse(const char *s, enum al_severity *sev);

#endif
