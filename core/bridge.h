/*
 * bridge: the Lua half of auditlint seen from C. Owns one sandboxed Lua
 * state: converts loaded files into Lua tables that remember positions,
 * builds the repository model (core/lua/model.lua), loads and runs the
 * rules under instruction and memory budgets, and turns ctx.report calls
 * into findings. The only module that includes lua.h. Calls mem, node,
 * load, finding and embed.
 */
#ifndef AL_BRIDGE_H
#define AL_BRIDGE_H

#include <stddef.h>

#include "finding.h"
#include "load.h"

struct al_lua;

struct al_lua_opts {
    long long budget;           /* VM instructions per rule */
    size_t memory;              /* bytes a rule may add to the state */
    const char *today;          /* "YYYY-MM-DD" */
    int timings;                /* print each phase's time on stderr */
};

/* Metadata of one loaded rule, for listings and reporters. */
struct al_rule_meta {
    const char *id;
    const char *summary;
    const char *file;           /* "rules/duplicate-id.lua", or "" */
    enum al_severity severity;  /* configured (default unless set) */
    enum al_severity default_severity;
    const char *frameworks;     /* comma separated, may be "" */
    int core;                   /* a diagnostic of the core, no Lua */
};

void al_lua_opts_default(struct al_lua_opts *o);

/*
 * Returns a new state whose findings go to out (borrowed; it must outlive
 * the state). Returns NULL, with a message on stderr, when the embedded
 * Lua library cannot be set up.
 */
struct al_lua *al_lua_new(const struct al_lua_opts *o,
                          struct al_findings *out);
void al_lua_free(struct al_lua *L);

/*
 * Loads one rule from text; chunk is the path it is reported under. A
 * rule that fails to load becomes a rule-error finding. Returns 0 or -1.
 */
int al_lua_load_rule(struct al_lua *L, const char *chunk, const char *buf,
                     size_t len);

/* Loads every built-in rule (rules/ *.lua, embedded). */
int al_lua_load_builtin_rules(struct al_lua *L);

/*
 * Hands a loaded file to the state (takes f: its contents are moved and
 * released with the state; f is left empty). reference: built-in data
 * (policies/) rather than repository content.
 */
void al_lua_add_file(struct al_lua *L, struct al_file *f, int reference);

/*
 * Gives the rules the configuration tree, read from path (relative to the
 * repository root); borrowed until al_lua_free.
 */
void al_lua_set_config(struct al_lua *L, const struct al_node *config,
                       const char *path);

/*
 * Sets a rule's severity and options from the configuration. Returns -1
 * when no rule or core diagnostic has that id.
 */
int al_lua_configure_rule(struct al_lua *L, const char *id, int has_sev,
                          enum al_severity sev, const struct al_node *opts);

/* Builds the catalogue and the model, then runs every rule that is on. */
int al_lua_run(struct al_lua *L);

/*
 * Runs a command written in Lua: core/lua/commands.lua returns a table of
 * functions; commands[name](args, ctx) gets the arguments as a list and a
 * ctx with the catalogue, and returns the text to print and an exit
 * status. Builds the catalogue first. Returns the status, 2 on failure.
 */
int al_lua_command(struct al_lua *L, const char *name, int argc,
                   char **argv);

/* Returns how many rules failed (rule-error findings) so far. */
int al_lua_failures(const struct al_lua *L);

/*
 * Gives the core diagnostics in the findings list the severities the
 * configuration set, and drops those turned off; for diagnostics added
 * after al_lua_run (suppressions, exceptions).
 */
void al_lua_apply_core_severities(struct al_lua *L);

/* The rules known, core diagnostics included, sorted by id. */
size_t al_lua_rule_count(const struct al_lua *L);
const struct al_rule_meta *al_lua_rule(const struct al_lua *L, size_t i);
const struct al_rule_meta *al_lua_rule_find(const struct al_lua *L,
                                            const char *id);

/* The effective severity of a rule id (core diagnostics included). */
enum al_severity al_lua_severity(const struct al_lua *L, const char *id);

#endif
