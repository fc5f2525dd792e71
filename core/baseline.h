/*
 * baseline: records the findings of a run by fingerprint in a JSON file
 * (--write-baseline) and hides the findings of later runs that it holds
 * (--baseline), so only new findings fail a build. Calls mem, finding
 * and report (JSON strings).
 */
#ifndef AL_BASELINE_H
#define AL_BASELINE_H

#include <stddef.h>

#include "finding.h"

/* The baseline file's format version, its "version" member. */
#define AL_BASELINE_VERSION 1

/* The fingerprints of a baseline file, sorted, each once. */
struct al_baseline {
    char (*v)[17];              /* 16 lowercase hex digits and a NUL */
    size_t n, cap;
};

void al_baseline_init(struct al_baseline *b);
void al_baseline_release(struct al_baseline *b);

/*
 * Writes the findings of fs (a finished list) whose severity is not off
 * to path, atomically: a temporary file in the same directory, flushed
 * to disk, then renamed over path, which keeps its permissions. The file
 * is {"version": 1, "findings": [...]}, one finding a line with its
 * fingerprint, rule, file and message, sorted by file, rule and
 * fingerprint, with no line numbers, so it changes only when findings
 * do. Borrows everything. Returns 0, or -1 with a message on stderr and
 * path untouched.
 */
int al_baseline_write(const char *path, const struct al_findings *fs);

/*
 * Reads the baseline at path into b (initialised by the caller). Returns
 * 0, or -1 with a message on stderr: the file cannot be read, or is not
 * a baseline (then the message gives path:line:column). b holds what was
 * read so far either way and is released by the caller.
 */
int al_baseline_load(struct al_baseline *b, const char *path);

/*
 * The same from the len bytes of text, reported as name in messages.
 * Unknown members are skipped, so later versions may add some.
 */
int al_baseline_parse(struct al_baseline *b, const char *name,
                      const char *text, size_t len);

/* Returns 1 when fingerprint fp is in b. */
int al_baseline_has(const struct al_baseline *b, const char *fp);

/*
 * Removes from fs every finding whose fingerprint is in b and returns
 * how many it removed. When stale is not NULL, sets it to the number of
 * fingerprints of b that matched no finding (fixed since the baseline
 * was written). Borrows b.
 */
size_t al_baseline_filter(const struct al_baseline *b,
                          struct al_findings *fs, size_t *stale);

/*
 * Loads the baseline at path and filters fs with it: sets *hidden to the
 * number of findings removed and, when stale is not NULL, *stale as
 * above. Returns 0, or -1 (fs untouched) when the file cannot be used.
 */
int al_baseline_apply(const char *path, struct al_findings *fs,
                      size_t *hidden, size_t *stale);

#endif
