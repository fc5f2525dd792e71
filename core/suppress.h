/*
 * suppress: inline suppressions ('auditlint-ignore' comments in the
 * checked files) and the configuration's exceptions register, applied to
 * a finished findings list, and the record of what each one covered.
 * Calls mem, node, finding, walk (globs), load (file kinds), config
 * (dates) and report (JSON strings, rule descriptions).
 */
#ifndef AL_SUPPRESS_H
#define AL_SUPPRESS_H

#include <stddef.h>
#include <stdio.h>

#include "finding.h"
#include "node.h"
#include "report.h"
#include "walk.h"

/* An exception this close to its expiry date draws a note. */
#define AL_SUPPRESS_EXPIRY_NOTICE_DAYS 30

enum al_suppress_kind {
    AL_SUPPRESS_INLINE,         /* an auditlint-ignore comment */
    AL_SUPPRESS_EXCEPTION       /* an item of the config's 'exceptions:' */
};

enum al_suppress_status {
    AL_SUPPRESS_ACTIVE,         /* applied, and covers findings */
    AL_SUPPRESS_UNUSED,         /* applied, but covers no finding */
    AL_SUPPRESS_EXPIRED,        /* exception past 'expires': not applied */
    AL_SUPPRESS_NO_REASON,      /* comment without ' -- reason' */
    AL_SUPPRESS_FORBIDDEN,      /* the config forbids it for this rule */
    AL_SUPPRESS_INVALID         /* names no usable rule id */
};

/*
 * One suppression of one rule: a comment naming three rules gives three
 * records at the same position. Every string is owned by the record.
 */
struct al_suppression {
    enum al_suppress_kind kind;
    enum al_suppress_status status;
    char *rule;                 /* as written; "" when none was */
    char *file;                 /* where it is written, root-relative */
    unsigned line, col;         /* the comment, or the exception item */
    unsigned target;            /* inline, alone on its line: the line it
                                   covers besides its own; else 0 */
    int alone;                  /* inline: nothing else on the line */
    const char *problem;        /* static: why it is invalid, or NULL */
    char *reason;               /* NULL when missing */
    char *owner;                /* exceptions only, else NULL */
    char *expires;              /* exceptions: YYYY-MM-DD, or NULL */
    unsigned expires_line, expires_col;
    long days_left;             /* exceptions with 'expires': days until
                                   it, negative once past; LONG_MAX
                                   when no 'today' was given */
    char *path;                 /* exceptions: glob, NULL for every file */
    char *key;                  /* exceptions: 'id' or 'key', or NULL */
    size_t covered;             /* findings it took out of the list */
};

struct al_suppressions {
    struct al_suppression *v;
    size_t n, cap;
};

void al_suppressions_init(struct al_suppressions *s);
void al_suppressions_release(struct al_suppressions *s);

/*
 * Finds the auditlint-ignore comments in the text of one file (len
 * bytes, need not be NUL-terminated) and appends a record per rule id
 * to s, with status ACTIVE, NO_REASON or INVALID. path names the file in
 * the records and decides whether Markdown fenced code blocks are
 * skipped. Text holding a NUL byte is binary and yields nothing. Borrows
 * everything; returns how many records were added.
 */
size_t al_suppress_scan(struct al_suppressions *s, const char *path,
                        const char *text, size_t len);

/*
 * Applies every suppression to fs, a list finished by al_findings_finish:
 *  - inline comments found in the files of the walk (binary and
 *    unreadable files are skipped: the loader reports them);
 *  - the items of exceptions, the value of the config's 'exceptions:'
 *    key (or NULL), written in the file config_path (root-relative; its
 *    positions are used for the diagnostics). An item covers findings of
 *    its 'rule' in files matching its 'path' glob (al_glob_match) and,
 *    with 'id' (or 'key'), only those about that id: a ':'-separated
 *    part of the finding's subject key, or for a finding without one a
 *    whole id in its message;
 *  - inline comments for a rule matching one of the nforbid globs in
 *    forbid (the config's 'inline_suppressions: {forbid: [...]}') do
 *    not apply;
 *  - today ("YYYY-MM-DD") decides which exceptions have expired.
 * Covered findings are removed from fs; the diagnostics below are added
 * to it unsorted, so the caller runs al_findings_finish again:
 * suppression-reason, invalid-suppression, forbidden-suppression,
 * unused-suppression, expired-exception, expiring-exception and
 * unused-exception. When out is not NULL, every suppression is appended
 * to it with its status and the number of findings it covered.
 * Borrows everything but fs. Returns 0, or -1 (fs untouched, a message
 * on stderr) when today is not a date.
 */
int al_suppress_apply(struct al_findings *fs, const struct al_walk *files,
                      const struct al_node *exceptions,
                      const char *config_path, const char *const *forbid,
                      size_t nforbid, const char *today,
                      struct al_suppressions *out);

enum al_suppress_format {
    AL_SUPPRESS_TEXT,
    AL_SUPPRESS_JSON
};

/*
 * Writes the records of s for 'auditlint exceptions', sorted by file,
 * line, column and rule: in text, one compiler-shaped line each, `FILE:
 * LINE:COL: KIND RULE: STATUS, N findings[, DETAILS]: REASON`; in JSON,
 * {"suppressions": [...]} with one object per record. Borrows s; returns
 * 0, or -1 when writing failed.
 */
int al_suppress_list(FILE *out, const struct al_suppressions *s,
                     enum al_suppress_format format);

/*
 * Returns "active", "unused", "expired", "no-reason", "forbidden" or
 * "invalid" (static strings).
 */
const char *al_suppress_status_name(enum al_suppress_status status);

/*
 * Returns the rules whose findings al_suppress_apply adds, sorted by id,
 * with their default severities and summaries (static); sets *n. For the
 * rule list, SARIF driver.rules and JUnit passes.
 */
const struct al_rule_info *al_suppress_rules(size_t *n);

#endif
