/*
 * bridge_pos: positions in the Lua state, and the conversion of loaded
 * files into tables that remember them.
 *
 * A registry table maps every table made from a node to a "position
 * table" p. p[0] is a light userdata pointing at the table's own node,
 * p[-1] the file path, and p[k] a light userdata pointing at the slot of
 * t[k] in its parent node: for a mapping the key/value pair (items + 2i),
 * for a sequence the item (tagged with the low bit). The nodes stay alive
 * in their files' arenas for the life of the state, so a position costs
 * one pointer per value.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "bridge_int.h"
#include "mem.h"

/* ---- positions ---- */

static const struct al_node *slot_node(const void *slot, int value)
{
    uintptr_t u = (uintptr_t)slot;
    struct al_node *const *items;

    if (u & 1) {
        items = (struct al_node *const *)(u & ~(uintptr_t)1);
        return items[0];
    }
    items = slot;
    if (!value)
        return items[0];
    return items[1] != NULL && items[1]->kind != AL_NODE_NULL
           ? items[1] : items[0];
}

/* Pushes the position table of the value at idx, or nil. */
static int push_postable(lua_State *L, struct al_lua *B, int idx)
{
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx)) {
        lua_pushnil(L);
        return 0;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, B->pos_ref);       /* POS */
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);                                   /* POS, p */
    lua_remove(L, -2);                                   /* p */
    return lua_istable(L, -1);
}

/*
 * Finds the position of t[k] (k at kidx, 0 for none); fills *file (a
 * string that the position table keeps alive) and *n. key: the key's
 * own position. Returns 0, or -1 when t has no known position.
 */
int al_lua_locate(lua_State *L, int tidx, int kidx, int key,
                  const char **file, const struct al_node **n)
{
    struct al_lua *B = al_lua_of(L);
    const void *slot = NULL;
    int top = lua_gettop(L);

    tidx = lua_absindex(L, tidx);
    kidx = kidx ? lua_absindex(L, kidx) : 0;
    if (!push_postable(L, B, tidx)) {
        lua_settop(L, top);
        return -1;
    }
    lua_rawgeti(L, -1, -1);
    *file = lua_tostring(L, -1);
    lua_pop(L, 1);
    if (kidx && !lua_isnil(L, kidx)) {
        lua_pushvalue(L, kidx);
        lua_rawget(L, -2);
        slot = lua_touserdata(L, -1);
        lua_pop(L, 1);
    }
    if (slot != NULL) {
        *n = slot_node(slot, !key);
    } else {
        lua_rawgeti(L, -1, 0);
        *n = lua_touserdata(L, -1);
        lua_pop(L, 1);
    }
    lua_settop(L, top);
    return *file != NULL && *n != NULL ? 0 : -1;
}

static int push_where(lua_State *L, int key)
{
    const char *file;
    const struct al_node *n;

    if (al_lua_locate(L, 1, lua_gettop(L) >= 2 ? 2 : 0, key, &file, &n) != 0) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushstring(L, file);
    lua_pushinteger(L, n->at.line);
    lua_pushinteger(L, n->at.col);
    lua_pushinteger(L, n->at.end_line);
    lua_pushinteger(L, n->at.end_col);
    return 5;
}

/* ctx.where(t [, k]) -> file, line, col, end_line, end_col | nil */
static int l_where(lua_State *L)
{
    return push_where(L, 0);
}

/* ctx.key_where(t, k) -> file, line, col, end_line, end_col | nil */
static int l_key_where(lua_State *L)
{
    return push_where(L, 1);
}

/* Pushes POS[t] for the table at idx, creating it (with file) if new. */
static void push_postable_new(lua_State *L, struct al_lua *B, int idx)
{
    idx = lua_absindex(L, idx);
    if (push_postable(L, B, idx))
        return;
    lua_pop(L, 1);
    lua_createtable(L, 0, 2);                            /* p */
    lua_rawgeti(L, LUA_REGISTRYINDEX, B->pos_ref);       /* p, POS */
    lua_pushvalue(L, idx);
    lua_pushvalue(L, -3);
    lua_rawset(L, -3);                                   /* p, POS */
    lua_pop(L, 1);                                       /* p */
}

/* ctx.copy_pos(dst, dk, src, sk): dst[dk] takes the position of src[sk]. */
static int l_copy_pos(lua_State *L)
{
    struct al_lua *B = al_lua_of(L);

    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    luaL_checkany(L, 4);
    if (!push_postable(L, B, 3))
        return 0;                                        /* sp */
    lua_pushvalue(L, 4);
    lua_rawget(L, -2);                                   /* sp, slot */
    if (lua_isnil(L, -1))
        return 0;
    push_postable_new(L, B, 1);                          /* sp, slot, dp */
    if (lua_rawgeti(L, -1, -1) == LUA_TNIL) {            /* ..., dp, file */
        lua_pop(L, 1);
        lua_rawgeti(L, -3, -1);
        lua_rawseti(L, -2, -1);
        lua_rawgeti(L, -3, 0);
        lua_rawseti(L, -2, 0);
    } else {
        lua_pop(L, 1);
    }
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -3);
    lua_rawset(L, -3);                                   /* dp[dk] = slot */
    return 0;
}

/*
 * ctx.set_pos(dst, src [, sk]): table dst takes the position of table src,
 * or of the value src[sk].
 */
static int l_set_pos(lua_State *L)
{
    struct al_lua *B = al_lua_of(L);
    const char *file;
    const struct al_node *n;

    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    if (al_lua_locate(L, 2, lua_gettop(L) >= 3 ? 3 : 0, 0, &file, &n) != 0)
        return 0;
    push_postable_new(L, B, 1);                          /* dp */
    lua_pushlightuserdata(L, (void *)n);
    lua_rawseti(L, -2, 0);
    lua_pushstring(L, file);
    lua_rawseti(L, -2, -1);
    return 0;
}

/* Makes a synthetic node at line:col, owned by the bridge. */
static struct al_node *synth_node(struct al_lua *B, unsigned line,
                                  unsigned col)
{
    struct al_node *n = al_arena_alloc(&B->synth, sizeof(*n));

    n->kind = AL_NODE_NULL;
    n->at.line = n->at.end_line = line;
    n->at.col = n->at.end_col = col;
    return n;
}

/* Gives the table at idx the position file:line:col. */
static void position_table(lua_State *L, struct al_lua *B, int idx,
                           const char *file, unsigned line, unsigned col)
{
    push_postable_new(L, B, idx);                        /* p */
    lua_pushlightuserdata(L, synth_node(B, line, col));
    lua_rawseti(L, -2, 0);
    lua_pushstring(L, file);
    lua_rawseti(L, -2, -1);
    lua_pop(L, 1);
}

/* ctx.new_at(file, line, col) -> a new empty table positioned there. */
static int l_new_at(lua_State *L)
{
    struct al_lua *B = al_lua_of(L);
    const char *file = luaL_checkstring(L, 1);
    lua_Integer line = luaL_optinteger(L, 2, 1);
    lua_Integer col = luaL_optinteger(L, 3, 1);

    lua_newtable(L);
    position_table(L, B, -1, file, line > 0 ? (unsigned)line : 1,
                   col > 0 ? (unsigned)col : 1);
    return 1;
}

/* ---- converting nodes to tables ---- */


/*
 * A conversion in progress: the stack indices of the position registry
 * and of the file's path, pushed once per file and shared by every table.
 */
struct conv {
    lua_State *L;
    int pos, file;
    int typed;                  /* plain true/false/numbers as such */
};

static void push_value(struct conv *c, const struct al_node *n);

/*
 * Pushes a plain scalar as a boolean or a number when it reads as one
 * (YAML's core schema); returns 0, pushing nothing, otherwise.
 */
static int push_typed(lua_State *L, const struct al_node *n)
{
    static const char *const yes[] = {"true", "True", "TRUE", NULL};
    static const char *const no[] = {"false", "False", "FALSE", NULL};
    int i;

    for (i = 0; yes[i] != NULL; i++)
        if (strcmp(n->str, yes[i]) == 0 || strcmp(n->str, no[i]) == 0) {
            lua_pushboolean(L, strcmp(n->str, yes[i]) == 0);
            return 1;
        }
    return n->len > 0 && lua_stringtonumber(L, n->str) == n->len + 1;
}

/*
 * Pushes a new table t for n and its position table p (sized for narr
 * array and nrec hash entries), with p[0], p[-1] set and POS[t] = p.
 */
static void new_tables(struct conv *c, const struct al_node *n, int narr,
                       int nrec)
{
    lua_State *L = c->L;

    lua_createtable(L, narr, nrec);                      /* t */
    lua_createtable(L, narr, nrec + 2);                  /* t, p */
    lua_pushlightuserdata(L, (void *)n);
    lua_rawseti(L, -2, 0);
    lua_pushvalue(L, c->file);
    lua_rawseti(L, -2, -1);
    lua_pushvalue(L, -2);
    lua_pushvalue(L, -2);
    lua_rawset(L, c->pos);                               /* POS[t] = p */
}

/* Pushes a table for a mapping; its keys' slots go into p. */
static void push_map(struct conv *c, const struct al_node *n)
{
    lua_State *L = c->L;
    size_t i;
    int t, p;

    new_tables(c, n, 0, (int)n->n);                      /* t, p */
    t = lua_gettop(L) - 1;
    p = t + 1;
    for (i = 0; i < n->n; i++) {
        const struct al_node *k = n->items[2 * i];
        const struct al_node *v = n->items[2 * i + 1];

        if (k == NULL || k->kind != AL_NODE_SCALAR)
            continue;
        lua_pushlstring(L, k->str, k->len);              /* t, p, key */
        lua_pushvalue(L, -1);
        lua_pushlightuserdata(L, (void *)&n->items[2 * i]);
        lua_rawset(L, p);                                /* t, p, key */
        if (v == NULL || v->kind == AL_NODE_NULL) {
            lua_pop(L, 1);
            continue;
        }
        push_value(c, v);                                /* t, p, key, v */
        lua_rawset(L, t);                                /* t, p */
    }
    lua_pop(L, 1);                                       /* t */
}

/* Pushes an array for a sequence; null items are skipped. */
static void push_seq(struct conv *c, const struct al_node *n)
{
    lua_State *L = c->L;
    size_t i;
    lua_Integer k = 0;
    int t, p;

    new_tables(c, n, (int)n->n, 0);                      /* t, p */
    t = lua_gettop(L) - 1;
    p = t + 1;
    for (i = 0; i < n->n; i++) {
        const struct al_node *v = n->items[i];

        if (v == NULL || v->kind == AL_NODE_NULL)
            continue;
        k++;
        lua_pushlightuserdata(L, (void *)((uintptr_t)&n->items[i] | 1));
        lua_rawseti(L, p, k);
        push_value(c, v);                                /* t, p, v */
        lua_rawseti(L, t, k);                            /* t, p */
    }
    lua_pop(L, 1);                                       /* t */
}

static void push_value(struct conv *c, const struct al_node *n)
{
    luaL_checkstack(c->L, 8, "nested too deeply");
    switch (n->kind) {
    case AL_NODE_NULL:
        lua_pushnil(c->L);
        break;
    case AL_NODE_SCALAR:
        if (c->typed && !n->quoted && push_typed(c->L, n))
            break;
        lua_pushlstring(c->L, n->str, n->len);
        break;
    case AL_NODE_MAP:
        push_map(c, n);
        break;
    case AL_NODE_SEQ:
        push_seq(c, n);
        break;
    }
}

/* Starts a conversion for file: pushes the registry and the path. */
static void conv_begin(struct conv *c, lua_State *L, struct al_lua *B,
                       const char *file)
{
    c->L = L;
    c->typed = 0;
    lua_rawgeti(L, LUA_REGISTRYINDEX, B->pos_ref);
    c->pos = lua_gettop(L);
    lua_pushstring(L, file);
    c->file = c->pos + 1;
}

/* Ends it: removes what conv_begin pushed, keeping the one result. */
static void conv_end(struct conv *c)
{
    lua_rotate(c->L, c->pos, -2);                        /* v, POS, path */
    lua_pop(c->L, 2);                                    /* v */
}

void al_lua_push_node(lua_State *L, struct al_lua *B, const struct al_node *n,
                      const char *file, int typed)
{
    struct conv c;

    conv_begin(&c, L, B, file);
    c.typed = typed;
    push_value(&c, n);
    conv_end(&c);
}

static const char *kind_name(enum al_file_kind k)
{
    switch (k) {
    case AL_FILE_YAML: return "yaml";
    case AL_FILE_JSON: return "json";
    case AL_FILE_MARKDOWN: return "markdown";
    default: return "other";
    }
}

static const char *fm_name(enum al_front_matter fm)
{
    switch (fm) {
    case AL_FM_FENCED: return "fenced";
    case AL_FM_HEADER: return "header";
    default: return "none";
    }
}

static void set_string(lua_State *L, const char *k, const char *v)
{
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

static void push_section(lua_State *L, struct al_lua *B,
                         const struct al_section *s, const char *file)
{
    unsigned i;

    lua_createtable(L, 0, 7);                            /* s */
    if (s->heading != NULL)
        set_string(L, "heading", s->heading);
    set_int(L, "level", s->level);
    set_int(L, "line", s->line);
    set_int(L, "body_line", s->body_line);
    lua_pushlstring(L, s->text, s->len);
    lua_setfield(L, -2, "text");
    lua_createtable(L, (int)s->depth, 0);                /* s, path */
    for (i = 0; i < s->depth; i++) {
        lua_pushstring(L, s->path[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "path");
    position_table(L, B, -1, file, s->line ? s->line : 1, 1);
}

/* Pushes the raw file table of FORMATS.md's model input. */
static void push_file(lua_State *L, struct al_lua *B, const struct al_file *f)
{
    struct conv c;
    size_t i;

    lua_createtable(L, 0, 5);                            /* file */
    set_string(L, "path", f->path);
    set_string(L, "kind", kind_name(f->kind));
    if (f->kind == AL_FILE_MARKDOWN)
        set_string(L, "front_matter", fm_name(f->fm));
    lua_createtable(L, (int)f->ndocs, 0);                /* file, docs */
    conv_begin(&c, L, B, f->path);                       /* ..., POS, path */
    for (i = 0; i < f->ndocs; i++) {
        if (f->docs[i] == NULL)
            continue;
        push_value(&c, f->docs[i]);
        if (lua_isnil(L, -1))
            lua_pop(L, 1);
        else
            lua_rawseti(L, c.pos - 1, (lua_Integer)lua_rawlen(L, c.pos - 1)
                        + 1);
    }
    lua_pop(L, 2);                                       /* file, docs */
    lua_setfield(L, -2, "docs");
    lua_createtable(L, (int)f->nsections, 0);            /* file, sections */
    for (i = 0; i < f->nsections; i++) {
        push_section(L, B, &f->sections[i], f->path);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "sections");
    position_table(L, B, -1, f->path, 1, 1);
}

void al_lua_add_file(struct al_lua *B, struct al_file *f, int reference)
{
    lua_State *L = B->L;
    struct al_file *keep = al_malloc(sizeof(*keep));

    *keep = *f;
    memset(f, 0, sizeof(*f));
    al_arena_init(&f->arena);
    al_grow(&B->files, &B->capfiles, B->nfiles + 1, sizeof(*B->files));
    B->files[B->nfiles++] = keep;
    lua_rawgeti(L, LUA_REGISTRYINDEX,
                reference ? B->refs_ref : B->files_ref); /* list */
    push_file(L, B, keep);                               /* list, file */
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    lua_pop(L, 1);
}

void al_lua_set_config(struct al_lua *B, const struct al_node *config,
                       const char *path)
{
    lua_State *L = B->L;

    B->config = config;
    al_free(B->config_path);
    B->config_path = al_strdup(path);
    if (config == NULL || config->kind != AL_NODE_MAP)
        return;
    al_lua_push_node(L, B, config, path, 0);
    luaL_unref(L, LUA_REGISTRYINDEX, B->config_ref);
    B->config_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* ---- ctx.report ---- */

static lua_Integer opt_int_field(lua_State *L, int t, const char *k)
{
    lua_Integer v;

    lua_getfield(L, t, k);
    v = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
    lua_pop(L, 1);
    return v;
}

/* Column (in characters, 1-based) of byte i of s, after line start ls. */
static unsigned char_col(const char *s, size_t ls, size_t i)
{
    unsigned col = 1;

    for (; ls < i; ls++)
        if (((unsigned char)s[ls] & 0xC0) != 0x80)
            col++;
    return col;
}

/* Position of a byte offset (1-based) into the text of a section at sec. */
static int section_where(lua_State *L, int sec, lua_Integer off,
                         lua_Integer len, struct al_lua_where *w)
{
    const char *file, *text;
    const struct al_node *n;
    size_t tlen, i, ls = 0, stop;
    unsigned line;

    if (al_lua_locate(L, sec, 0, 0, &file, &n) != 0)
        return -1;
    lua_getfield(L, sec, "text");
    text = lua_tolstring(L, -1, &tlen);
    lua_pop(L, 1);          /* the section table keeps the string alive */
    line = (unsigned)opt_int_field(L, sec, "body_line");
    if (text == NULL || off < 1 || (size_t)off > tlen + 1 || line == 0)
        return -1;
    stop = (size_t)off - 1;
    for (i = 0; i < stop; i++)
        if (text[i] == '\n') {
            line++;
            ls = i + 1;
        }
    w->file = file;
    w->line = w->end_line = line;
    w->col = char_col(text, ls, stop);
    stop += len > 0 && stop + (size_t)len <= tlen ? (size_t)len : 0;
    for (i = ls; i < stop && text[i] != '\n'; i++)
        ;
    w->end_col = char_col(text, ls, i);
    return 0;
}

/* Resolves the position a report (or related) table at t describes. */
int al_lua_resolve(lua_State *L, int t, struct al_lua_where *w)
{
    const struct al_node *n;
    lua_Integer off;
    int top = lua_gettop(L), rc = -1;

    t = lua_absindex(L, t);
    memset(w, 0, sizeof(*w));
    if (lua_getfield(L, t, "at") == LUA_TTABLE) {        /* at */
        off = opt_int_field(L, t, "offset");
        if (off > 0) {
            rc = section_where(L, top + 1, off,
                               opt_int_field(L, t, "length"), w);
        } else {
            lua_getfield(L, t, "key");                   /* at, key */
            rc = al_lua_locate(L, top + 1, top + 2, 0, &w->file, &n);
            if (rc == 0) {
                w->line = n->at.line;
                w->col = n->at.col;
                w->end_line = n->at.end_line;
                w->end_col = n->at.end_col;
            }
        }
    } else if (lua_getfield(L, t, "file") == LUA_TSTRING) {
        w->file = lua_tostring(L, -1);   /* kept alive by the table t */
        w->line = (unsigned)opt_int_field(L, t, "line");
        w->col = (unsigned)opt_int_field(L, t, "col");
        rc = w->line > 0 ? 0 : -1;
        if (w->col == 0)
            w->col = 1;
    }
    lua_settop(L, top);
    return rc;
}


/*
 * ctx.text_pos(dst, dk, section, offset [, length]): dst[dk] takes the
 * position of a span of section.text, for a field the model reads from a
 * document's body (an owner named in a metadata line).
 */
static int l_text_pos(lua_State *L)
{
    struct al_lua *B = al_lua_of(L);
    struct al_lua_where w;
    struct al_node **slot;
    int i;

    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    if (section_where(L, 3, luaL_checkinteger(L, 4),
                      luaL_optinteger(L, 5, 0), &w) != 0)
        return 0;
    slot = al_arena_alloc(&B->synth, 2 * sizeof(*slot));
    for (i = 0; i < 2; i++) {
        slot[i] = synth_node(B, w.line, w.col);
        slot[i]->at.end_line = w.end_line;
        slot[i]->at.end_col = w.end_col;
        slot[i]->kind = AL_NODE_SCALAR;
    }
    push_postable_new(L, B, 1);                          /* p */
    if (lua_rawgeti(L, -1, -1) == LUA_TNIL) {
        lua_pushstring(L, w.file);
        lua_rawseti(L, -3, -1);
        lua_pushlightuserdata(L, slot[0]);
        lua_rawseti(L, -3, 0);
    }
    lua_pop(L, 1);
    lua_pushvalue(L, 2);
    lua_pushlightuserdata(L, slot);
    lua_rawset(L, -3);                                   /* p[dk] = slot */
    return 0;
}

const luaL_Reg al_lua_pos_functions[] = {
    {"text_pos", l_text_pos},
    {"where", l_where},
    {"key_where", l_key_where},
    {"copy_pos", l_copy_pos},
    {"set_pos", l_set_pos},
    {"new_at", l_new_at},
    {NULL, NULL}
};
