/*
 * bridge: the sandboxed Lua state and the rule runner: allocation under a
 * cap, instruction budgets, rule environments, loading and running rules
 * and the Lua library, listings. Positions and the conversion of files
 * live in bridge_pos.c, ctx.report in bridge_report.c.
 */
#include "bridge_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "embed.h"
#include "mem.h"

#define HOOK_STEP 1000

const struct al_lua_core al_lua_core[AL_LUA_NCORE] = {
    {"binary-file", AL_SEV_NOTE, "a binary file was skipped"},
    {"duplicate-key", AL_SEV_ERROR, "a YAML mapping repeats a key"},
    {"empty-file", AL_SEV_NOTE, "a data file or document is empty"},
    {"expired-exception", AL_SEV_ERROR,
     "an exception in the register is past its expiry date"},
    {"expiring-exception", AL_SEV_NOTE,
     "an exception in the register expires within 30 days"},
    {"forbidden-suppression", AL_SEV_WARNING,
     "an inline suppression of a rule reserved for the exceptions register"},
    {"frequency-vocabulary", AL_SEV_WARNING,
     "a frequency is not in the frequency vocabulary"},
    {"invalid-suppression", AL_SEV_WARNING,
     "an auditlint-ignore comment that names no usable rule id"},
    {"invalid-utf8", AL_SEV_ERROR, "a file is not valid UTF-8"},
    {"invalid-value", AL_SEV_WARNING,
     "a date, boolean or other value cannot be read"},
    {"limit-exceeded", AL_SEV_ERROR,
     "a file exceeds a size, depth or alias-expansion limit"},
    {"parse-error", AL_SEV_ERROR, "a YAML, JSON or front-matter syntax error"},
    {"rule-error", AL_SEV_ERROR,
     "a rule failed to load or run (error, budget, memory)"},
    {"suppression-reason", AL_SEV_WARNING,
     "an inline suppression or an exception without a reason"},
    {"unknown-framework", AL_SEV_NOTE,
     "a framework key that auditlint does not know"},
    {"unreadable-file", AL_SEV_ERROR, "a file cannot be read"},
    {"unused-exception", AL_SEV_NOTE,
     "an exception in the register covers no finding"},
    {"unused-suppression", AL_SEV_NOTE,
     "an inline suppression covers no finding"},
};



static const char BRIDGE_KEY = 'b';

/* ---- allocation and budgets ---- */

static void *lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct al_lua *B = ud;

    if (ptr == NULL)
        osize = 0;
    if (nsize == 0) {
        free(ptr);
        B->mem_used -= osize;
        return NULL;
    }
    if (nsize > osize && B->mem_used - osize + nsize > B->mem_limit)
        return NULL;
    ptr = realloc(ptr, nsize);
    if (ptr != NULL)
        B->mem_used = B->mem_used - osize + nsize;
    return ptr;
}

struct al_lua *al_lua_of(lua_State *L)
{
    struct al_lua *B;

    lua_rawgetp(L, LUA_REGISTRYINDEX, &BRIDGE_KEY);
    B = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return B;
}

/*
 * Count hook: every HOOK_STEP instructions. Once the budget is spent it
 * raises, and re-arms itself to raise at every instruction, so a pcall
 * inside the rule cannot swallow the stop.
 */
static void budget_hook(lua_State *L, lua_Debug *ar)
{
    struct al_lua *B = al_lua_of(L);

    if (!B->exhausted && --B->steps > 0)
        return;
    if (!B->exhausted) {
        B->exhausted = 1;
        lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
    }
    luaL_error(L, "instruction budget of %I exhausted (a loop that does "
               "not end?); raise it with --rule-budget",
               (lua_Integer)B->opts.budget);
}

static void budget_arm(struct al_lua *B, long long instructions)
{
    B->exhausted = 0;
    B->steps = instructions / HOOK_STEP + 1;
    lua_sethook(B->L, budget_hook, LUA_MASKCOUNT, HOOK_STEP);
    B->mem_limit = B->mem_used + B->opts.memory;
}

static void budget_disarm(struct al_lua *B)
{
    lua_sethook(B->L, NULL, 0, 0);
    B->exhausted = 0;
    B->mem_limit = (size_t)-1;
}

/* ---- the sandbox ---- */

static const char *const safe_globals[] = {
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
    "rawequal", "rawget", "rawlen", "rawset", "select", "setmetatable",
    "tonumber", "tostring", "type", "xpcall", "_VERSION", NULL
};

static const char *const safe_libs[] = {
    "string", "table", "math", "utf8", NULL
};

/* Opens the allowed libraries; runs inside a protected call. */
static int setup_state(lua_State *L)
{
    const char *const *name;

    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    lua_settop(L, 0);
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);                             /* "", mt */
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");                  /* locked */
    lua_settop(L, 0);
    lua_newtable(L);                                     /* safe */
    lua_pushglobaltable(L);                              /* safe, G */
    for (name = safe_globals; *name != NULL; name++) {
        lua_getfield(L, -1, *name);
        lua_setfield(L, -3, *name);
    }
    for (name = safe_libs; *name != NULL; name++) {
        lua_getfield(L, -1, *name);
        lua_setfield(L, -3, *name);
    }
    lua_pop(L, 1);                                       /* safe */
    return 1;
}

static int l_require(lua_State *L);
static int l_print(lua_State *L);

/* Pushes a shallow copy of the table at idx. */
static void push_copy(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
}

/*
 * Pushes a fresh environment for a rule or a library module: the safe
 * globals, private copies of the libraries, require (with the module
 * cache at cache_idx) and print (naming who). Memory errors propagate.
 */
static void push_env(lua_State *L, int safe_idx, int cache_idx,
                     const char *who)
{
    const char *const *name;

    safe_idx = lua_absindex(L, safe_idx);
    cache_idx = lua_absindex(L, cache_idx);
    lua_newtable(L);                                     /* env */
    for (name = safe_globals; *name != NULL; name++) {
        lua_getfield(L, safe_idx, *name);
        lua_setfield(L, -2, *name);
    }
    for (name = safe_libs; *name != NULL; name++) {
        lua_getfield(L, safe_idx, *name);                /* env, lib */
        push_copy(L, -1);                                /* env, lib, copy */
        lua_setfield(L, -3, *name);
        lua_pop(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, "_G");
    lua_pushvalue(L, safe_idx);
    lua_pushvalue(L, cache_idx);
    lua_pushcclosure(L, l_require, 2);
    lua_setfield(L, -2, "require");
    lua_pushstring(L, who);
    lua_pushcclosure(L, l_print, 1);
    lua_setfield(L, -2, "print");
}

/* print(...) in a rule: one line on stderr, prefixed with the rule. */
static int l_print(lua_State *L)
{
    int i, n = lua_gettop(L);

    fprintf(stderr, "%s:", lua_tostring(L, lua_upvalueindex(1)));
    for (i = 1; i <= n; i++)
        fprintf(stderr, " %s", luaL_tolstring(L, i, NULL));
    fputc('\n', stderr);
    return 0;
}

/*
 * Loads text as a chunk named chunk ("@path") with a new environment;
 * leaves the function on the stack. Returns a lua status.
 */
static int load_text(lua_State *L, const char *buf, size_t len,
                     const char *chunk, int safe_idx, int cache_idx,
                     const char *who)
{
    int st;

    safe_idx = lua_absindex(L, safe_idx);
    cache_idx = lua_absindex(L, cache_idx);
    st = luaL_loadbufferx(L, buf, len, chunk, "t");      /* fn | err */
    if (st != LUA_OK)
        return st;
    push_env(L, safe_idx, cache_idx, who);               /* fn, env */
    lua_setupvalue(L, -2, 1);                            /* fn */
    return LUA_OK;
}

/* require(name): serves only the embedded auditlint.* modules. */
static int l_require(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    const struct al_embedded *e;
    char path[256];
    char chunk[260];

    lua_settop(L, 1);
    lua_pushvalue(L, 1);
    if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL)
        return 1;                                        /* cached */
    lua_pop(L, 1);
    if (strncmp(name, "auditlint.", 10) != 0 || strlen(name) > 200)
        return luaL_error(L, "module '%s' not found: rules can require "
                          "only the auditlint.* library", name);
    snprintf(path, sizeof(path), "core/lua/%s.lua", name + 10);
    e = al_embedded_find(path);
    if (e == NULL)
        return luaL_error(L, "module '%s' not found", name);
    snprintf(chunk, sizeof(chunk), "@%s", path);
    if (load_text(L, e->data, e->len, chunk, lua_upvalueindex(1),
                  lua_upvalueindex(2), name) != LUA_OK)
        return lua_error(L);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);                                   /* name, mod */
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, 1);
    lua_pushvalue(L, -2);
    lua_rawset(L, lua_upvalueindex(2));
    return 1;
}

/*
 * Message handler: turns an error into {message=, file=, line=}, with the
 * position of the innermost Lua code that was running.
 */
static int msgh(lua_State *L)
{
    lua_Debug ar;
    int level;
    const char *msg = lua_tostring(L, 1);

    if (msg == NULL)
        msg = lua_pushfstring(L, "error object is a %s value",
                              luaL_typename(L, 1));
    lua_createtable(L, 0, 3);
    lua_pushstring(L, msg);
    lua_setfield(L, -2, "message");
    for (level = 0; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0 && ar.source[0] == '@') {
            lua_pushstring(L, ar.source + 1);
            lua_setfield(L, -2, "file");
            lua_pushinteger(L, ar.currentline);
            lua_setfield(L, -2, "line");
            break;
        }
    }
    return 1;
}

/* ---- rule failures ---- */

/*
 * Strips a leading "file:line: " that Lua put before an error message,
 * taking the line from it.
 */
static const char *strip_where(const char *msg, const char *file,
                               unsigned *line)
{
    size_t n = strlen(file);
    const char *p;
    unsigned v = 0;

    if (strncmp(msg, file, n) != 0 || msg[n] != ':')
        return msg;
    p = msg + n + 1;
    while (*p >= '0' && *p <= '9' && v < 100000000)
        v = v * 10 + (unsigned)(*p++ - '0');
    if (p > msg + n + 1 && p[0] == ':' && p[1] == ' ') {
        *line = v;
        return p + 2;
    }
    return msg;
}

/*
 * Records a rule-error finding for a failed pcall whose error (the table
 * made by msgh, or a memory error) is on top of the stack; pops it.
 * where: the rule's file; line: fallback line.
 */
static void rule_failed(struct al_lua *B, int status, const char *who,
                        const char *file, unsigned line, const char *what)
{
    lua_State *L = B->L;
    const char *msg = "unknown error";
    const char *efile = file;
    char *text;

    if (status == LUA_ERRMEM) {
        msg = "memory limit exceeded; raise it with --rule-memory";
    } else if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "message");
        lua_getfield(L, -2, "file");
        lua_getfield(L, -3, "line");
        if (lua_isstring(L, -2)) {
            efile = lua_tostring(L, -2);
            line = (unsigned)lua_tointeger(L, -1);
        }
        if (lua_isstring(L, -3))
            msg = strip_where(lua_tostring(L, -3), efile, &line);
    } else if (lua_isstring(L, -1)) {
        msg = strip_where(lua_tostring(L, -1), efile, &line);
    }
    text = strcmp(what, "to load") == 0
           ? al_printf("cannot load rule '%s': %s", who, msg)
           : al_printf("rule '%s' failed %s: %s", who, what, msg);
    al_findings_add(B->out, "rule-error", AL_SEV_ERROR, efile,
                    line ? line : 1, 1, text);
    al_free(text);
    B->failures++;
    lua_settop(L, 0);
    budget_disarm(B);
    lua_gc(L, LUA_GCCOLLECT);
}

/* Runs the function below nargs arguments under the budget; 0 or status. */
static int run_protected(struct al_lua *B, int nargs, int nres,
                         long long budget)
{
    lua_State *L = B->L;
    int base = lua_gettop(L) - nargs, st;

    lua_pushcfunction(L, msgh);
    lua_insert(L, base);
    budget_arm(B, budget);
    st = lua_pcall(L, nargs, nres, base);
    budget_disarm(B);
    lua_remove(L, base);
    return st;
}

/* ---- loading rules ---- */

static int valid_id(const char *id)
{
    const char *p;

    if (id == NULL || !(*id >= 'a' && *id <= 'z'))
        return 0;
    for (p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
              || *p == '-'))
            return 0;
    return p - id <= 64;
}

int al_lua_core_index(const char *id)
{
    size_t i;

    for (i = 0; i < AL_LUA_NCORE; i++)
        if (strcmp(al_lua_core[i].id, id) == 0)
            return (int)i;
    return -1;
}

static struct al_lua_rule *find_rule(const struct al_lua *B, const char *id)
{
    size_t i;

    for (i = 0; i < B->nrules; i++)
        if (strcmp(B->rules[i].meta.id, id) == 0)
            return &B->rules[i];
    return NULL;
}

/* Returns a new comma-separated copy of the string list at t.field. */
static char *join_list(lua_State *L, int t, const char *field)
{
    luaL_Buffer b;
    lua_Integer i, n;
    char *s;

    lua_getfield(L, t, field);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        return al_strdup("");
    }
    luaL_buffinit(L, &b);
    n = (lua_Integer)lua_rawlen(L, -2);
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, -2, i);
        if (lua_isstring(L, -1)) {
            if (i > 1)
                luaL_addstring(&b, ",");
            luaL_addvalue(&b);
        } else {
            lua_pop(L, 1);
        }
    }
    luaL_pushresult(&b);
    s = al_strdup(lua_tostring(L, -1));
    lua_pop(L, 2);
    return s;
}

/*
 * Checks the table a rule file returned (top of stack) and registers it.
 * Returns NULL on success or a static description of what is wrong.
 */
static const char *register_rule(struct al_lua *B, const char *file)
{
    lua_State *L = B->L;
    int t = lua_gettop(L);
    const char *id, *sev, *summary;
    enum al_severity s;
    struct al_lua_rule *r;

    if (!lua_istable(L, t))
        return "it must return a table";
    lua_getfield(L, t, "id");
    lua_getfield(L, t, "severity");
    lua_getfield(L, t, "summary");
    lua_getfield(L, t, "check");
    id = lua_tostring(L, t + 1);
    sev = lua_tostring(L, t + 2);
    summary = lua_tostring(L, t + 3);
    if (!valid_id(id))
        return "its 'id' must be lowercase letters, digits and '-'";
    if (sev == NULL || al_severity_parse(sev, &s) != 0 || s == AL_SEV_NONE)
        return "its 'severity' must be 'error', 'warning' or 'note'";
    if (summary == NULL)
        return "it has no 'summary' string";
    if (!lua_isfunction(L, t + 4))
        return "it has no 'check' function";
    if (find_rule(B, id) != NULL || al_lua_core_index(id) >= 0)
        return "its id is already taken by another rule";
    al_grow(&B->rules, &B->caprules, B->nrules + 1, sizeof(*B->rules));
    r = &B->rules[B->nrules++];
    memset(r, 0, sizeof(*r));
    r->meta.id = al_strdup(id);
    r->meta.summary = al_strdup(summary);
    r->meta.file = al_strdup(file);
    r->meta.severity = r->meta.default_severity = s;
    r->meta.frameworks = join_list(L, t, "frameworks");
    r->options_ref = LUA_NOREF;
    al_free(B->listing);
    B->listing = NULL;
    lua_settop(L, t);
    r->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return NULL;
}

int al_lua_load_rule(struct al_lua *B, const char *file, const char *buf,
                     size_t len)
{
    lua_State *L = B->L;
    char *chunk = al_printf("@%s", file);
    const char *bad;
    int st;

    lua_settop(L, 0);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &safe_globals);    /* safe */
    lua_newtable(L);                                     /* safe, cache */
    st = load_text(L, buf, len, chunk, 1, 2, file);      /* safe, c, fn */
    al_free(chunk);
    if (st == LUA_OK) {
        lua_remove(L, 1);
        lua_remove(L, 1);                                /* fn */
        st = run_protected(B, 0, 1, B->opts.budget);     /* rule | err */
    } else {
        lua_pushcfunction(L, msgh);
        lua_insert(L, -2);
        lua_call(L, 1, 1);                               /* ..., err */
    }
    if (st != LUA_OK) {
        rule_failed(B, st, file, file, 1, "to load");
        return -1;
    }
    bad = register_rule(B, file);
    if (bad != NULL) {
        char *text = al_printf("'%s' is not a valid rule: %s", file, bad);
        al_findings_add(B->out, "rule-error", AL_SEV_ERROR, file, 1, 1,
                        text);
        al_free(text);
        B->failures++;
        lua_settop(L, 0);
        return -1;
    }
    return 0;
}

int al_lua_load_builtin_rules(struct al_lua *B)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < al_embedded_count; i++) {
        const struct al_embedded *e = &al_embedded[i];
        size_t n = strlen(e->name);

        if (strncmp(e->name, "rules/", 6) != 0 || n < 5
            || strcmp(e->name + n - 4, ".lua") != 0)
            continue;
        if (al_lua_load_rule(B, e->name, e->data, e->len) != 0)
            rc = -1;
    }
    return rc;
}

/* ---- ctx ---- */


static void push_ref(lua_State *L, int ref)
{
    if (ref == LUA_NOREF || ref == LUA_REFNIL)
        lua_newtable(L);
    else
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
}

/* Pushes the options of rule r: its defaults, then the configuration's. */
static void push_options(lua_State *L, const struct al_lua_rule *r)
{
    lua_newtable(L);                                     /* opts */
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->ref);
    lua_getfield(L, -1, "options");                      /* opts, rule, d */
    if (lua_istable(L, -1)) {
        lua_pushnil(L);
        while (lua_next(L, -2) != 0) {
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, -6);
        }
    }
    lua_pop(L, 2);                                       /* opts */
    if (r->options_ref == LUA_NOREF)
        return;
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->options_ref);   /* opts, conf */
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        if (lua_type(L, -2) == LUA_TSTRING
            && strcmp(lua_tostring(L, -2), "severity") == 0) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -5);
    }
    lua_pop(L, 1);                                       /* opts */
}

/* Pushes a ctx table for rule index ri (-1: the model builder). */
static void push_ctx(struct al_lua *B, lua_Integer ri)
{
    lua_State *L = B->L;

    lua_newtable(L);                                     /* ctx */
    luaL_setfuncs(L, al_lua_pos_functions, 0);
    lua_pushinteger(L, ri);
    lua_pushcclosure(L, al_lua_report, 1);
    lua_setfield(L, -2, "report");
    lua_pushstring(L, B->opts.today);
    lua_setfield(L, -2, "today");
    push_ref(L, B->config_ref);
    lua_setfield(L, -2, "config");
    push_ref(L, B->catalog_ref);
    lua_setfield(L, -2, "catalog");
    if (ri >= 0) {
        lua_pushstring(L, B->rules[ri].meta.id);
        lua_setfield(L, -2, "rule");
        push_options(L, &B->rules[ri]);
        lua_setfield(L, -2, "options");
    }
}

/* ---- running ---- */

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* With --timings: one line on stderr for a phase that began at start. */
static void timing(const struct al_lua *B, const char *what, double start)
{
    if (B->opts.timings)
        fprintf(stderr, "auditlint: timing: %-28s %8.3f s  %6zu MiB\n",
                what, now_seconds() - start, B->mem_used >> 20);
}

/*
 * Loads core/lua/<name>.lua in a library environment and calls its
 * function fn with the value at registry ref input (and a ctx when
 * with_ctx); stores the result in *out_ref. Returns 0 or -1.
 */
static int run_library(struct al_lua *B, const char *name, const char *fn,
                       int input_ref, int with_ctx, int *out_ref)
{
    lua_State *L = B->L;
    const struct al_embedded *e;
    char path[128], chunk[132];
    int st;

    snprintf(path, sizeof(path), "core/lua/%s.lua", name);
    snprintf(chunk, sizeof(chunk), "@%s", path);
    e = al_embedded_find(path);
    if (e == NULL) {
        fprintf(stderr, "auditlint: error: '%s' is not built in\n", path);
        return -1;
    }
    lua_settop(L, 0);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &safe_globals);
    lua_newtable(L);
    st = load_text(L, e->data, e->len, chunk, 1, 2, name);
    if (st == LUA_OK) {
        lua_replace(L, 1);
        lua_settop(L, 1);
        st = run_protected(B, 0, 1, B->opts.budget);     /* module */
    }
    if (st == LUA_OK && lua_istable(L, -1)) {
        lua_getfield(L, -1, fn);                         /* mod, f */
        lua_rawgeti(L, LUA_REGISTRYINDEX, input_ref);
        if (with_ctx)
            push_ctx(B, -1);
        st = run_protected(B, with_ctx ? 2 : 1, 1, B->opts.budget * 10);
    }
    if (st != LUA_OK) {
        rule_failed(B, st, name, path, 1, "to run");
        return -1;
    }
    *out_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_settop(L, 0);
    return 0;
}

/* Builds the input of catalog.new: {path=, doc=} per reference file. */
static int reference_input(struct al_lua *B)
{
    lua_State *L = B->L;
    lua_Integer i, n;

    lua_newtable(L);                                     /* in */
    lua_rawgeti(L, LUA_REGISTRYINDEX, B->refs_ref);      /* in, refs */
    n = (lua_Integer)lua_rawlen(L, -1);
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);                           /* in, refs, f */
        lua_createtable(L, 0, 2);                        /* .., f, e */
        lua_getfield(L, -2, "path");
        lua_setfield(L, -2, "path");
        lua_getfield(L, -2, "docs");
        lua_rawgeti(L, -1, 1);
        lua_setfield(L, -3, "doc");
        lua_pop(L, 1);                                   /* .., f, e */
        lua_rawseti(L, -4, i);
        lua_pop(L, 1);                                   /* in, refs */
    }
    lua_pop(L, 1);
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

static void run_rule(struct al_lua *B, lua_Integer ri, int repo_ref)
{
    lua_State *L = B->L;
    struct al_lua_rule *r = &B->rules[ri];
    lua_Debug ar;
    unsigned line = 1;
    int st;

    lua_settop(L, 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->ref);
    lua_getfield(L, -1, "check");                        /* rule, check */
    lua_pushvalue(L, -1);
    if (lua_getinfo(L, ">S", &ar) && ar.linedefined > 0)
        line = (unsigned)ar.linedefined;
    lua_remove(L, 1);                                    /* check */
    lua_rawgeti(L, LUA_REGISTRYINDEX, repo_ref);
    push_ctx(B, ri);                                     /* check, repo, c */
    st = run_protected(B, 2, 0, B->opts.budget);
    if (st != LUA_OK)
        rule_failed(B, st, r->meta.id, r->meta.file, line, "while checking");
    lua_settop(L, 0);
}

static int severity_not_off(const struct al_finding *f, void *ctx)
{
    (void)ctx;
    return f->severity != AL_SEV_NONE;
}

/* Gives load diagnostics (made before the state ran) their severity. */
void al_lua_apply_core_severities(struct al_lua *B)
{
    size_t i;

    for (i = 0; i < B->out->n; i++) {
        struct al_finding *f = &B->out->v[i];
        int k = al_lua_core_index(f->rule);

        if (k >= 0 && B->core_fixed[k])
            f->severity = B->core_sev[k];
    }
    al_findings_retain(B->out, severity_not_off, NULL);
}

static void build_catalogue(struct al_lua *B);

int al_lua_run(struct al_lua *B)
{
    int repo_ref;
    size_t i;
    double t = now_seconds();

    /*
     * Rules make short-lived garbage over a large model that lives to
     * the end: the generational collector suits that (measured on the
     * 100,000-control benchmark: faster and a fifth less memory).
     */
    lua_gc(B->L, LUA_GCRESTART);
    lua_gc(B->L, LUA_GCGEN, 0, 0);
    build_catalogue(B);
    timing(B, "catalogue", t);
    t = now_seconds();
    if (run_library(B, "model", "build", B->files_ref, 1, &repo_ref) != 0) {
        al_lua_apply_core_severities(B);
        return -1;
    }
    timing(B, "model", t);
    for (i = 0; i < B->nrules; i++)
        if (B->rules[i].meta.severity != AL_SEV_NONE) {
            t = now_seconds();
            run_rule(B, (lua_Integer)i, repo_ref);
            timing(B, B->rules[i].meta.id, t);
        }
    luaL_unref(B->L, LUA_REGISTRYINDEX, repo_ref);
    al_lua_apply_core_severities(B);
    return 0;
}

/* Builds the catalogue once, if it is built in. */
static void build_catalogue(struct al_lua *B)
{
    int input;

    if (B->catalog_ref != LUA_NOREF
        || al_embedded_find("core/lua/catalog.lua") == NULL)
        return;
    input = reference_input(B);
    if (run_library(B, "catalog", "new", input, 0, &B->catalog_ref))
        B->catalog_ref = LUA_NOREF;
    luaL_unref(B->L, LUA_REGISTRYINDEX, input);
}

int al_lua_command(struct al_lua *B, const char *name, int argc,
                   char **argv)
{
    lua_State *L = B->L;
    int args, result, i, status;
    size_t len;
    const char *text;

    build_catalogue(B);
    lua_newtable(L);
    for (i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_pushstring(L, name);
    lua_setfield(L, -2, "command");
    args = luaL_ref(L, LUA_REGISTRYINDEX);
    if (run_library(B, "commands", "run", args, 1, &result) != 0)
        return 2;
    lua_rawgeti(L, LUA_REGISTRYINDEX, result);       /* {text, status} */
    lua_rawgeti(L, -1, 1);
    text = lua_tolstring(L, -1, &len);
    if (text != NULL)
        fwrite(text, 1, len, stdout);
    lua_rawgeti(L, -2, 2);
    status = (int)lua_tointeger(L, -1);
    lua_settop(L, 0);
    luaL_unref(L, LUA_REGISTRYINDEX, result);
    luaL_unref(L, LUA_REGISTRYINDEX, args);
    return status;
}

/* ---- life cycle and listings ---- */

void al_lua_opts_default(struct al_lua_opts *o)
{
    o->budget = 2000000000LL;
    o->memory = (size_t)512 << 20;
    o->today = "1970-01-01";
}

/*
 * A table held by the registry. The position table is not weak: what it
 * describes lives to the end anyway, and weak tables cost the collector
 * a pass over every entry.
 */
static int new_ref_table(lua_State *L)
{
    lua_newtable(L);
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

struct al_lua *al_lua_new(const struct al_lua_opts *o,
                          struct al_findings *out)
{
    struct al_lua *B = al_calloc(1, sizeof(*B));
    size_t i;

    B->out = out;
    B->opts = *o;
    B->mem_limit = (size_t)-1;
    B->catalog_ref = B->config_ref = LUA_NOREF;
    al_arena_init(&B->synth);
    for (i = 0; i < AL_LUA_NCORE; i++)
        B->core_sev[i] = al_lua_core[i].severity;
    B->L = lua_newstate(lua_alloc, B);
    if (B->L == NULL) {
        fprintf(stderr, "auditlint: error: cannot create the Lua state\n");
        al_free(B);
        return NULL;
    }
    lua_pushlightuserdata(B->L, B);
    lua_rawsetp(B->L, LUA_REGISTRYINDEX, &BRIDGE_KEY);
    lua_pushcfunction(B->L, setup_state);
    if (lua_pcall(B->L, 0, 1, 0) != LUA_OK) {
        fprintf(stderr, "auditlint: error: cannot set up Lua: %s\n",
                lua_tostring(B->L, -1));
        al_lua_free(B);
        return NULL;
    }
    lua_rawsetp(B->L, LUA_REGISTRYINDEX, &safe_globals);
    B->pos_ref = new_ref_table(B->L);
    /* Loading makes only tables that live to the end: no collection. */
    lua_gc(B->L, LUA_GCSTOP);
    B->files_ref = new_ref_table(B->L);
    B->refs_ref = new_ref_table(B->L);
    return B;
}

void al_lua_free(struct al_lua *B)
{
    size_t i;

    if (B == NULL)
        return;
    if (B->L != NULL)
        lua_close(B->L);
    for (i = 0; i < B->nrules; i++) {
        al_free((char *)B->rules[i].meta.id);
        al_free((char *)B->rules[i].meta.summary);
        al_free((char *)B->rules[i].meta.file);
        al_free((char *)B->rules[i].meta.frameworks);
    }
    al_free(B->rules);
    al_free(B->listing);
    al_free(B->config_path);
    for (i = 0; i < B->nfiles; i++) {
        al_file_release(B->files[i]);
        al_free(B->files[i]);
    }
    al_free(B->files);
    al_arena_release(&B->synth);
    al_free(B);
}

int al_lua_failures(const struct al_lua *B)
{
    return B->failures;
}

static int compare_meta(const void *a, const void *b)
{
    const struct al_rule_meta *x = a, *y = b;

    return strcmp(x->id, y->id);
}

/* Rebuilds the sorted listing of rules and core diagnostics. */
static void build_listing(struct al_lua *B)
{
    size_t ncore = AL_LUA_NCORE, i;
    struct al_rule_meta *m;

    al_free(B->listing);
    B->nlisting = ncore + B->nrules;
    B->listing = m = al_calloc(B->nlisting, sizeof(*m));
    for (i = 0; i < ncore; i++) {
        m[i].id = al_lua_core[i].id;
        m[i].summary = al_lua_core[i].summary;
        m[i].file = "";
        m[i].frameworks = "";
        m[i].default_severity = al_lua_core[i].severity;
        m[i].severity = B->core_sev[i];
        m[i].core = 1;
    }
    for (i = 0; i < B->nrules; i++)
        m[ncore + i] = B->rules[i].meta;
    qsort(m, B->nlisting, sizeof(*m), compare_meta);
}

size_t al_lua_rule_count(const struct al_lua *B)
{
    build_listing((struct al_lua *)B);
    return B->nlisting;
}

const struct al_rule_meta *al_lua_rule(const struct al_lua *B, size_t i)
{
    if (B->listing == NULL)
        build_listing((struct al_lua *)B);
    return i < B->nlisting ? &B->listing[i] : NULL;
}

const struct al_rule_meta *al_lua_rule_find(const struct al_lua *B,
                                            const char *id)
{
    size_t i, n = al_lua_rule_count(B);

    for (i = 0; i < n; i++)
        if (strcmp(B->listing[i].id, id) == 0)
            return &B->listing[i];
    return NULL;
}

enum al_severity al_lua_severity(const struct al_lua *B, const char *id)
{
    int k = al_lua_core_index(id);
    struct al_lua_rule *r;

    if (k >= 0)
        return B->core_sev[k];
    r = find_rule(B, id);
    return r != NULL ? r->meta.severity : AL_SEV_NONE;
}

int al_lua_configure_rule(struct al_lua *B, const char *id, int has_sev,
                          enum al_severity sev, const struct al_node *opts)
{
    int k = al_lua_core_index(id);
    struct al_lua_rule *r = find_rule(B, id);

    if (k >= 0) {
        if (has_sev) {
            B->core_sev[k] = sev;
            B->core_fixed[k] = 1;
        }
        return 0;
    }
    if (r == NULL)
        return -1;
    if (has_sev) {
        r->meta.severity = sev;
        r->has_sev = 1;
    }
    if (opts != NULL && opts->kind == AL_NODE_MAP) {
        al_lua_push_node(B->L, B, opts,
                  B->config_path ? B->config_path : ".auditlint.yml", 1);
        luaL_unref(B->L, LUA_REGISTRYINDEX, r->options_ref);
        r->options_ref = luaL_ref(B->L, LUA_REGISTRYINDEX);
    }
    return 0;
}
