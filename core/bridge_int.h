/*
 * bridge_int: what the bridge's files share: the state, the rules, the
 * core diagnostics, and the functions that cross between positions,
 * reports and the runner. Internal to core/bridge*.c.
 */
#ifndef AL_BRIDGE_INT_H
#define AL_BRIDGE_INT_H

#include <lauxlib.h>
#include <lua.h>

#include "bridge.h"

/* A diagnostic of the core: reported from C or from model.lua. */
struct al_lua_core {
    const char *id;
    enum al_severity severity;
    const char *summary;
};

/* The core diagnostics, sorted by id; defined in bridge.c. */
#define AL_LUA_NCORE 18
extern const struct al_lua_core al_lua_core[AL_LUA_NCORE];

struct al_lua_rule {
    struct al_rule_meta meta;
    int ref;                    /* the rule table, in the registry */
    int options_ref;            /* config options table, or LUA_NOREF */
    int has_sev;                /* severity set by the configuration */
};

struct al_lua {
    lua_State *L;
    struct al_findings *out;
    struct al_lua_opts opts;
    size_t mem_used, mem_limit;
    long long steps;            /* instructions left, in HOOK_STEP units */
    int exhausted;
    struct al_lua_rule *rules;
    size_t nrules, caprules;
    struct al_rule_meta *listing;   /* rules and core diagnostics, sorted */
    size_t nlisting;
    struct al_file **files;     /* owned, kept alive for the positions */
    size_t nfiles, capfiles;
    struct al_arena synth;      /* nodes made by ctx.new_at */
    const struct al_node *config;
    char *config_path;
    enum al_severity core_sev[AL_LUA_NCORE];
    int core_fixed[AL_LUA_NCORE];
    int failures;
    int pos_ref, files_ref, refs_ref, catalog_ref, config_ref;
};

/* A resolved position; file is kept alive by a table in the state. */
struct al_lua_where {
    const char *file;
    unsigned line, col, end_line, end_col;
};

/* Returns the bridge that owns the state L. */
struct al_lua *al_lua_of(lua_State *L);

/* Index of a core diagnostic id in al_lua_core, or -1. */
int al_lua_core_index(const char *id);

/*
 * Finds the node of t[k] (t at tidx, k at kidx, 0 for none); key: the
 * key's own node. Sets *file (kept alive by the state). 0 or -1.
 */
int al_lua_locate(lua_State *L, int tidx, int kidx, int key,
                  const char **file, const struct al_node **n);

/* Resolves the position a report (or related) table at t describes. */
int al_lua_resolve(lua_State *L, int t, struct al_lua_where *w);

/*
 * Pushes the Lua value of n (nil for null), remembering positions.
 * typed: plain scalars that read as booleans or numbers become them (for
 * rule options); otherwise every scalar is a string, as in the model.
 */
void al_lua_push_node(lua_State *L, struct al_lua *B,
                      const struct al_node *n, const char *file, int typed);

/* ctx.where, key_where, copy_pos, set_pos, new_at. */
extern const luaL_Reg al_lua_pos_functions[];

/* ctx.report{...}: upvalue 1 is the rule index (-1: the model builder). */
int al_lua_report(lua_State *L);

#endif
