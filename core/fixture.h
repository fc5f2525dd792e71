/*
 * fixture: 'auditlint test', the rule fixture runner. A fixture is a
 * small repository whose lines carry 'expect: RULE' annotations; the
 * runner checks it and fails on a missing, extra or misplaced finding.
 * Calls check, finding, walk and mem.
 */
#ifndef AL_FIXTURE_H
#define AL_FIXTURE_H

#include <stddef.h>

#include "check.h"

/* The date fixtures are checked on when their config sets no as_of. */
#define AL_FIXTURE_TODAY "2026-12-01"

/*
 * Runs every fixture under dirs with the options in base (borrowed).
 * Prints one line per failure (every fixture with verbose) and a
 * summary. Returns the number of failed fixtures, or -1 when none was
 * found.
 */
int al_fixture_run(const char **dirs, size_t n,
                   const struct al_check_opts *base, int verbose);

#endif
