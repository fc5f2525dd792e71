/*
 * bridge_report: ctx.report, which turns a rule's report table into a
 * finding with its position, related locations, frameworks and fix.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "bridge_int.h"
#include "mem.h"

static void add_related(lua_State *L, int t, struct al_finding *f)
{
    lua_Integer i, n;
    struct al_lua_where w;

    if (lua_getfield(L, t, "related") != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    n = (lua_Integer)lua_rawlen(L, -1);
    for (i = 1; i <= n; i++) {
        if (lua_rawgeti(L, -1, i) == LUA_TTABLE
            && al_lua_resolve(L, -1, &w) == 0) {
            lua_getfield(L, -1, "message");
            al_finding_relate(f, w.file, w.line, w.col,
                              lua_isstring(L, -1) ? lua_tostring(L, -1)
                                                  : NULL);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static void add_frameworks(lua_State *L, int t, struct al_finding *f)
{
    lua_Integer i, n;

    if (lua_getfield(L, t, "frameworks") == LUA_TTABLE) {
        n = (lua_Integer)lua_rawlen(L, -1);
        for (i = 1; i <= n; i++) {
            if (lua_rawgeti(L, -1, i) == LUA_TSTRING)
                al_finding_framework(f, lua_tostring(L, -1));
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
}

/* Safe to write as a plain YAML scalar without quotes. */
static int plain_safe(const char *s)
{
    const char *p;

    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
          || (*s >= '0' && *s <= '9')))
        return 0;
    for (p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
              || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'
              || *p == '.' || *p == '/' || *p == ' '))
            return 0;
    return p[-1] != ' ';
}

/*
 * The replacement bytes for a scalar written with quoting q (node.h),
 * in the same style, so a JSON string stays a JSON string; NULL when
 * text cannot be written that way (a block scalar, a quote inside).
 */
static char *requote(unsigned char q, const char *text)
{
    if (strpbrk(text, "\n\\'\"") != NULL)
        return NULL;
    if (q == '"')
        return al_printf("\"%s\"", text);
    if (q == '\'' || (q == 0 && !plain_safe(text)))
        return al_printf("'%s'", text);
    return q == 0 ? al_strdup(text) : NULL;
}

/* fix = {replace = "text"} on a scalar value: records the byte range. */
static void add_fix(lua_State *L, int t, struct al_finding *f)
{
    const struct al_node *n;
    const char *file;
    char *bytes;

    if (lua_getfield(L, t, "fix") != LUA_TTABLE
        || lua_getfield(L, -1, "replace") != LUA_TSTRING) {
        lua_settop(L, t);
        return;
    }
    lua_getfield(L, t, "at");
    lua_getfield(L, t, "key");
    if (lua_istable(L, -2) && al_lua_locate(L, -2, -1, 0, &file, &n) == 0
        && n->kind == AL_NODE_SCALAR && n->at.end > n->at.start
        && (bytes = requote(n->quoted, lua_tostring(L, -3))) != NULL) {
        al_finding_fix(f, n->at.start, n->at.end, bytes);
        al_free(bytes);
    }
    lua_settop(L, t);
}

/* The rule id and severity a report from rule index ri is made under. */
static const char *report_rule(lua_State *L, struct al_lua *B,
                               lua_Integer ri, enum al_severity *sev)
{
    const char *id, *s;
    enum al_severity own;
    int fixed = 0;

    if (ri >= 0) {
        id = B->rules[ri].meta.id;
        *sev = B->rules[ri].meta.severity;
        fixed = B->rules[ri].has_sev;
    } else {
        lua_getfield(L, 1, "rule");
        id = lua_tostring(L, -1);
        lua_pop(L, 1);              /* the report table keeps it alive */
        if (id == NULL || al_lua_core_index(id) < 0)
            luaL_error(L, "report: 'rule' must name a core diagnostic");
        *sev = B->core_sev[al_lua_core_index(id)];
        fixed = B->core_fixed[al_lua_core_index(id)];
    }
    lua_getfield(L, 1, "severity");
    s = lua_tostring(L, -1);
    if (!fixed && *sev != AL_SEV_NONE && s != NULL
        && al_severity_parse(s, &own) == 0 && own != AL_SEV_NONE)
        *sev = own;
    lua_pop(L, 1);
    return id;
}

/* A report without a position: a rule-error at the caller's line. */
static void unplaced(lua_State *L, struct al_lua *B, const char *id)
{
    lua_Debug ar;
    const char *file = "(rule)";
    unsigned line = 1;
    char *text;

    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar)
        && ar.source[0] == '@') {
        file = ar.source + 1;
        line = ar.currentline > 0 ? (unsigned)ar.currentline : 1;
    }
    text = al_printf("rule '%s' reported a finding without a position "
                     "(give 'at' a model value, or 'file' and 'line')", id);
    al_findings_add(B->out, "rule-error", AL_SEV_ERROR, file, line, 1, text);
    al_free(text);
    B->failures++;
}

/* ctx.report{...}; see bridge_int.h. */
int al_lua_report(lua_State *L)
{
    struct al_lua *B = al_lua_of(L);
    lua_Integer ri = lua_tointeger(L, lua_upvalueindex(1));
    enum al_severity sev;
    const char *id, *msg;
    struct al_finding *f;
    struct al_lua_where w;

    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    id = report_rule(L, B, ri, &sev);
    lua_getfield(L, 1, "message");
    msg = lua_tostring(L, -1);
    if (msg == NULL)
        return luaL_error(L, "report: 'message' must be a string");
    if (sev == AL_SEV_NONE)
        return 0;
    if (al_lua_resolve(L, 1, &w) != 0) {
        unplaced(L, B, id);
        return 0;
    }
    f = al_findings_add(B->out, id, sev, w.file, w.line, w.col, msg);
    f->at.end_line = w.end_line;
    f->at.end_col = w.end_col;
    add_related(L, 1, f);
    add_frameworks(L, 1, f);
    add_fix(L, 1, f);
    if (lua_getfield(L, 1, "subject") == LUA_TSTRING
        || lua_type(L, -1) == LUA_TNUMBER)
        al_finding_key(f, lua_tostring(L, -1));
    return 0;
}
