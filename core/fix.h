/*
 * fix: '--fix'. Applies the replacements that findings offer to the files
 * they are in, each file written atomically (a temporary file beside it,
 * renamed over it, mode kept), every other byte unchanged. Calls finding,
 * mem and cli.
 */
#ifndef AL_FIX_H
#define AL_FIX_H

#include "finding.h"

/*
 * Applies every fix in fs to the files under root (findings' paths are
 * relative to it), then removes the fixed findings from fs. A file whose
 * fixes overlap, or that changed since it was read (size differs from
 * size_hint of 0 = unchecked), is left alone with a warning. Returns the
 * number of fixes applied, or -1 when a file could not be written.
 */
int al_fix_apply(const char *root, struct al_findings *fs);

#endif
