/*
 * embed: the built-in rules, Lua library, reference data and rule
 * documentation, compiled into the binary by tools/embed.c so that
 * auditlint works from any directory with nothing installed beside it.
 */
#ifndef AL_EMBED_H
#define AL_EMBED_H

#include <stddef.h>

struct al_embedded {
    const char *name;           /* source path: "rules/duplicate-id.lua" */
    const char *data;           /* NUL-terminated */
    size_t len;
};

extern const struct al_embedded al_embedded[];
extern const size_t al_embedded_count;

/* Returns the embedded file named name, or NULL. */
const struct al_embedded *al_embedded_find(const char *name);

#endif
