/*
 * report: writes a finished findings list in one output format (text,
 * json, sarif, github, junit, markdown). Reporters see findings and the
 * small summary below, nothing else. Calls only finding and mem.
 */
#ifndef AL_REPORT_H
#define AL_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "finding.h"

/* What the reporters know about a rule (SARIF rules, JUnit passes). */
struct al_rule_info {
    const char *id;
    const char *severity;       /* configured: "error" ... "off"; or NULL */
    const char *summary;        /* one line; may be NULL */
    const char *help;           /* longer text, Markdown; may be NULL */
};

/* Everything a reporter needs besides the findings; all borrowed. */
struct al_report_info {
    const char *tool_version;   /* "0.1.0" */
    const char *as_of;          /* "today", "YYYY-MM-DD"; may be NULL */
    size_t files;               /* files checked */
    int color;                  /* text: ANSI colours (isatty, !NO_COLOR) */
    const char *root_uri;       /* sarif: "file:///repo/"; may be NULL */
    const char *base_url;       /* markdown links; may be NULL */
    const struct al_rule_info *rules;   /* every rule that ran, any order */
    size_t nrules;
};

/*
 * Every reporter borrows its arguments, expects fs sorted by
 * al_findings_finish, skips findings of severity AL_SEV_NONE, and returns
 * 0, or -1 when writing to out (or err) failed. Output is deterministic:
 * no times, host names or absolute paths beyond what info holds.
 */

/*
 * Compiler-shaped lines on out, `FILE:LINE:COL: SEVERITY: MESSAGE [RULE]`,
 * each related location as a `FILE:LINE:COL: note: MESSAGE` line under
 * its finding, then one summary line on err (none when err is NULL).
 * A position part that is 0
 * is left out; control characters in names and messages are written as
 * '?' (a tab as a space), so one finding stays one line.
 */
int al_report_text(FILE *out, FILE *err, const struct al_findings *fs,
                   const struct al_report_info *info);

/*
 * The JSON of FORMATS.md section 8, in its key order and layout.
 * end_line and end_column are left out when unknown (0); a related
 * location without a message has "message": null.
 */
int al_report_json(FILE *out, const struct al_findings *fs,
                   const struct al_report_info *info);

/*
 * SARIF 2.1.0, one run. driver.rules holds info->rules and every other
 * rule id that has findings, sorted by id; artifact URIs are relative to
 * the %SRCROOT% base, which is described only when info->root_uri is set.
 */
int al_report_sarif(FILE *out, const struct al_findings *fs,
                    const struct al_report_info *info);

/*
 * GitHub Actions workflow commands (::error, ::warning, ::notice). GitHub
 * shows at most 10 annotations of each kind per step; past that, one last
 * ::warning:: says how many findings were left out, and to keep it
 * visible it takes the tenth warning slot.
 */
int al_report_github(FILE *out, const struct al_findings *fs,
                     const struct al_report_info *info);

/*
 * JUnit XML: one failing testcase per rule and file with findings, one
 * passing testcase per rule in info->rules without any (skipped when the
 * rule is "off"), ordered by rule id, then file.
 */
int al_report_junit(FILE *out, const struct al_findings *fs,
                    const struct al_report_info *info);

/*
 * Markdown for a pull-request comment or job summary: counts per severity
 * and per rule, then the findings grouped by file. With info->base_url,
 * positions link to BASE/FILE#LLINE.
 */
int al_report_markdown(FILE *out, const struct al_findings *fs,
                       const struct al_report_info *info);

/* Returns 1 when name is a format that al_report_write knows, else 0. */
int al_report_known(const char *name);

/* The format names, comma-separated, for --help and error messages. */
const char *al_report_formats(void);

/*
 * Writes fs in the named format; err (may be NULL) gets only the text
 * summary. Returns -1 for an unknown name or a failed write.
 */
int al_report_write(const char *format, FILE *out, FILE *err,
                    const struct al_findings *fs,
                    const struct al_report_info *info);

/* Helpers the reporters share. */

/*
 * Decodes the UTF-8 character at s (NUL-terminated); sets *len to its
 * byte length and returns its code point, or returns -1 with *len 1 when
 * s does not start a valid, shortest-form, non-surrogate sequence.
 */
long al_report_utf8(const char *s, size_t *len);

/*
 * Writes s as a JSON string with its quotes: '"', '\\' and control
 * characters escaped (\u00XX), valid UTF-8 as is, each invalid byte as
 * U+FFFD. A NULL s is written as null.
 */
void al_report_json_string(FILE *out, const char *s);

/* The same without the quotes, for a string built in pieces. */
void al_report_json_string_body(FILE *out, const char *s);

/*
 * Writes a repository-relative path as a URI reference: every byte but
 * letters, digits and -._~!$&+,;=@/ is percent-encoded, ':' too, so no
 * path reads as a scheme, and parentheses, so Markdown links hold.
 */
void al_report_uri(FILE *out, const char *path);

/*
 * Writes "3 errors, 9 warnings, 1 note" (zero counts left out), or "no
 * findings", without a newline.
 */
void al_report_summary(FILE *out, const struct al_findings *fs);

/* A rule id and what info->rules says about it (NULL: not listed). */
struct al_report_rule {
    const char *id;
    const struct al_rule_info *info;
};

/*
 * Returns a new array (free it with al_free) of the rules in info->rules
 * and the rules of fs's findings, sorted by id, each once; sets *n.
 * Borrows fs and info: the ids point into them.
 */
struct al_report_rule *al_report_rules(const struct al_findings *fs,
                                       const struct al_report_info *info,
                                       size_t *n);

/* Returns the index of id in rules[0..n) (sorted), or n. */
size_t al_report_rule_index(const struct al_report_rule *rules, size_t n,
                            const char *id);

#endif
