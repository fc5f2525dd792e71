/*
 * config: the configuration file.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mem.h"

static const char *const frameworks_known[] = {
    "soc2", "tsc", "soc-2", "iso27001", "iso27001:2022", "iso27002",
    "iso27002:2022", "iso27001:2013", "nist-csf", "csf", "nist-csf-2.0",
    "nist-800-53", NULL
};

void al_config_init(struct al_config *c)
{
    memset(c, 0, sizeof(*c));
    al_limits_default(&c->limits);
    al_arena_init(&c->file.arena);
}

void al_config_release(struct al_config *c)
{
    al_free(c->path);
    al_free(c->rel_path);
    al_free(c->include.v);
    al_free(c->exclude.v);
    al_free(c->rule_paths.v);
    al_free(c->forbid_inline.v);
    al_free(c->rules);
    al_file_release(&c->file);
    memset(c, 0, sizeof(*c));
}

char *al_config_find(const char *dir)
{
    static const char *const names[] = {".auditlint.yml", ".auditlint.yaml"};
    char *d = al_strdup(dir);
    char *p, *slash;
    size_t i;

    for (;;) {
        for (i = 0; i < 2; i++) {
            p = al_printf("%s/%s", strcmp(d, "/") ? d : "", names[i]);
            if (access(p, F_OK) == 0) {
                al_free(d);
                return p;
            }
            al_free(p);
        }
        slash = strrchr(d, '/');
        if (slash == NULL || strcmp(d, "/") == 0)
            break;
        if (slash == d)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
    al_free(d);
    return NULL;
}

void al_config_error(struct al_config *c, const struct al_node *n,
                     const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s:%u:%u: error: ", c->rel_path,
            n ? n->at.line : 1, n ? n->at.col : 1);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" [config]\n", stderr);
    c->errors++;
}

int al_date_valid(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
                                30, 31};
    int y, m, d, n = 0;

    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3
        || n != 10)
        return -1;
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return -1;
    if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return -1;
    return 0;
}

static const char *node_kind(const struct al_node *n)
{
    switch (n->kind) {
    case AL_NODE_MAP: return "a mapping";
    case AL_NODE_SEQ: return "a list";
    case AL_NODE_NULL: return "empty";
    default: return "a scalar";
    }
}

/* Reads a string or a list of strings into g (pointers into the tree). */
static void read_strings(struct al_config *c, const struct al_node *v,
                         const char *key, struct al_globs *g)
{
    size_t i;

    if (v->kind == AL_NODE_SCALAR) {
        g->v = al_malloc(sizeof(*g->v));
        g->v[0] = (char *)v->str;
        g->n = 1;
        return;
    }
    if (v->kind != AL_NODE_SEQ) {
        al_config_error(c, v, "'%s' must be a list of strings, not %s",
                        key, node_kind(v));
        return;
    }
    g->v = al_calloc(v->n ? v->n : 1, sizeof(*g->v));
    for (i = 0; i < v->n; i++) {
        if (v->items[i]->kind != AL_NODE_SCALAR) {
            al_config_error(c, v->items[i], "'%s' items must be strings",
                            key);
            continue;
        }
        g->v[g->n++] = (char *)v->items[i]->str;
    }
}

static void read_frameworks(struct al_config *c, const struct al_node *v)
{
    size_t i, j;

    if (v->kind != AL_NODE_MAP) {
        al_config_error(c, v, "'frameworks' must be a mapping of framework "
                        "names, not %s", node_kind(v));
        return;
    }
    for (i = 0; i < v->n; i++) {
        const struct al_node *k = v->items[2 * i];
        const struct al_node *o = v->items[2 * i + 1];
        int known = 0;

        for (j = 0; k->kind == AL_NODE_SCALAR && frameworks_known[j]; j++)
            known |= strcasecmp(k->str, frameworks_known[j]) == 0;
        if (!known)
            al_config_error(c, k, "unknown framework '%s'; known: soc2, "
                            "iso27001, iso27002, iso27001:2013, nist-csf, "
                            "nist-800-53", k->str ? k->str : "?");
        else if (o->kind != AL_NODE_MAP && o->kind != AL_NODE_NULL)
            al_config_error(c, o, "the settings of framework '%s' must be "
                            "a mapping, not %s", k->str, node_kind(o));
    }
}

/* One entry of 'rules': a severity, or a mapping of severity and options. */
static void read_rule(struct al_config *c, const struct al_node *k,
                      const struct al_node *v)
{
    struct al_rule_setting *r;
    const struct al_node *sev = NULL;
    size_t i;

    c->rules = al_realloc(c->rules, (c->nrules + 1) * sizeof(*c->rules));
    r = &c->rules[c->nrules++];
    memset(r, 0, sizeof(*r));
    r->id = k->str;
    r->at = k;
    if (v->kind == AL_NODE_SCALAR) {
        sev = v;
    } else if (v->kind == AL_NODE_MAP) {
        r->options = v;
        for (i = 0; i < v->n; i++)
            if (v->items[2 * i]->kind == AL_NODE_SCALAR
                && strcmp(v->items[2 * i]->str, "severity") == 0)
                sev = v->items[2 * i + 1];
    } else {
        al_config_error(c, v, "rule '%s' takes a severity (error, warning, "
                        "note, off) or a mapping of options", k->str);
        return;
    }
    if (sev == NULL)
        return;
    if (sev->kind != AL_NODE_SCALAR
        || al_severity_parse(sev->str, &r->sev) != 0) {
        al_config_error(c, sev, "unknown severity '%s' for rule '%s'; use "
                        "error, warning, note or off",
                        sev->kind == AL_NODE_SCALAR ? sev->str : "?", k->str);
        return;
    }
    r->has_sev = 1;
}

static void read_rules(struct al_config *c, const struct al_node *v)
{
    size_t i;

    if (v->kind != AL_NODE_MAP) {
        al_config_error(c, v, "'rules' must be a mapping of rule ids, not %s",
                        node_kind(v));
        return;
    }
    for (i = 0; i < v->n; i++) {
        const struct al_node *k = v->items[2 * i];

        if (k->kind != AL_NODE_SCALAR) {
            al_config_error(c, k, "rule ids must be strings");
            continue;
        }
        read_rule(c, k, v->items[2 * i + 1]);
    }
}

/* Checks that every item of list v is a mapping with the given keys. */
static void read_records(struct al_config *c, const struct al_node *v,
                         const char *key, const char *const *required,
                         const char *const *optional)
{
    size_t i, j, k;

    if (v->kind != AL_NODE_SEQ) {
        al_config_error(c, v, "'%s' must be a list, not %s", key,
                        node_kind(v));
        return;
    }
    for (i = 0; i < v->n; i++) {
        const struct al_node *m = v->items[i];

        if (m->kind != AL_NODE_MAP) {
            al_config_error(c, m, "'%s' items must be mappings", key);
            continue;
        }
        for (j = 0; required[j]; j++) {
            int found = 0;
            for (k = 0; k < m->n; k++)
                found |= m->items[2 * k]->kind == AL_NODE_SCALAR
                         && strcmp(m->items[2 * k]->str, required[j]) == 0;
            if (!found)
                al_config_error(c, m, "this '%s' item has no '%s'", key,
                                required[j]);
        }
        for (k = 0; k < m->n; k++) {
            const struct al_node *f = m->items[2 * k];
            int known = 0;
            for (j = 0; required[j]; j++)
                known |= f->kind == AL_NODE_SCALAR
                         && strcmp(f->str, required[j]) == 0;
            for (j = 0; optional[j]; j++)
                known |= f->kind == AL_NODE_SCALAR
                         && strcmp(f->str, optional[j]) == 0;
            if (!known)
                al_config_error(c, f, "unknown key '%s' in a '%s' item",
                                f->kind == AL_NODE_SCALAR ? f->str : "?",
                                key);
            else if (m->items[2 * k + 1]->kind != AL_NODE_SCALAR
                     && m->items[2 * k + 1]->kind != AL_NODE_NULL
                     && strcmp(f->str, "activity") != 0)
                al_config_error(c, m->items[2 * k + 1], "'%s' must be a "
                                "single value, not %s", f->str,
                                node_kind(m->items[2 * k + 1]));
            else if (strcmp(f->str, "expires") == 0
                     && m->items[2 * k + 1]->kind == AL_NODE_SCALAR
                     && al_date_valid(m->items[2 * k + 1]->str) != 0)
                al_config_error(c, m->items[2 * k + 1], "'expires' must be "
                                "a date written YYYY-MM-DD");
        }
    }
}

static void read_number(struct al_config *c, const struct al_node *v,
                        const char *key, size_t *out)
{
    char *end;
    unsigned long long n;

    if (v->kind != AL_NODE_SCALAR) {
        al_config_error(c, v, "'%s' must be a number", key);
        return;
    }
    n = strtoull(v->str, &end, 10);
    if (*end != '\0' || end == v->str || n == 0)
        al_config_error(c, v, "'%s' must be a positive whole number, not "
                        "'%s'", key, v->str);
    else
        *out = (size_t)n;
}

static void read_limits(struct al_config *c, const struct al_node *v)
{
    size_t i, depth = c->limits.max_depth;

    if (v->kind != AL_NODE_MAP) {
        al_config_error(c, v, "'limits' must be a mapping");
        return;
    }
    for (i = 0; i < v->n; i++) {
        const struct al_node *k = v->items[2 * i];
        const struct al_node *x = v->items[2 * i + 1];
        const char *s = k->kind == AL_NODE_SCALAR ? k->str : "";

        if (strcmp(s, "max_file_bytes") == 0)
            read_number(c, x, s, &c->limits.max_file_bytes);
        else if (strcmp(s, "max_depth") == 0)
            read_number(c, x, s, &depth);
        else if (strcmp(s, "max_nodes") == 0)
            read_number(c, x, s, &c->limits.max_nodes);
        else
            al_config_error(c, k, "unknown limit '%s'; known: "
                            "max_file_bytes, max_depth, max_nodes", s);
    }
    c->limits.max_depth = (unsigned)depth;
}

static const char *const expectation_keys[] = {"requirement", "frequency",
                                                NULL};
static const char *const expectation_opt[] = {"rationale", "activity", NULL};
static const char *const exception_keys[] = {"rule", "reason", "owner",
                                             "expires", NULL};
static const char *const exception_opt[] = {"path", "id", "key", NULL};

/* Reads 'inline_suppressions', a mapping whose one key is 'forbid'. */
static void read_inline(struct al_config *c, const struct al_node *v)
{
    size_t i;

    if (v->kind != AL_NODE_MAP) {
        al_config_error(c, v, "'inline_suppressions' must be a mapping, "
                        "not %s", node_kind(v));
        return;
    }
    for (i = 0; i < v->n; i++) {
        const struct al_node *k = v->items[2 * i];

        if (k->kind == AL_NODE_SCALAR && strcmp(k->str, "forbid") == 0)
            read_strings(c, v->items[2 * i + 1], "forbid",
                         &c->forbid_inline);
        else
            al_config_error(c, k, "unknown key '%s' in "
                            "'inline_suppressions'; known: forbid",
                            k->kind == AL_NODE_SCALAR ? k->str : "?");
    }
}

/* Reads one top-level key of the configuration. */
static void read_key(struct al_config *c, const struct al_node *k,
                     const struct al_node *v)
{
    const char *s = k->str;

    if (strcmp(s, "frameworks") == 0)
        read_frameworks(c, v);
    else if (strcmp(s, "as_of") == 0) {
        if (v->kind != AL_NODE_SCALAR || al_date_valid(v->str) != 0)
            al_config_error(c, v, "'as_of' must be a date written "
                            "YYYY-MM-DD");
        else
            c->as_of = v->str;
    } else if (strcmp(s, "include") == 0)
        read_strings(c, v, s, &c->include);
    else if (strcmp(s, "exclude") == 0)
        read_strings(c, v, s, &c->exclude);
    else if (strcmp(s, "rule_paths") == 0)
        read_strings(c, v, s, &c->rule_paths);
    else if (strcmp(s, "rules") == 0)
        read_rules(c, v);
    else if (strcmp(s, "expectations") == 0)
        read_records(c, v, s, expectation_keys, expectation_opt);
    else if (strcmp(s, "exceptions") == 0) {
        read_records(c, v, s, exception_keys, exception_opt);
        c->exceptions = v;
    } else if (strcmp(s, "inline_suppressions") == 0)
        read_inline(c, v);
    else if (strcmp(s, "limits") == 0)
        read_limits(c, v);
    else
        al_config_error(c, k, "unknown key '%s' in the configuration; "
                        "known: frameworks, as_of, include, exclude, "
                        "rule_paths, rules, expectations, exceptions, "
                        "inline_suppressions, limits", s);
}

/* Prints the loader's findings about the configuration file. */
static void print_load_findings(struct al_config *c,
                                const struct al_findings *fs)
{
    size_t i;

    for (i = 0; i < fs->n; i++) {
        const struct al_finding *f = &fs->v[i];

        fprintf(stderr, "%s:%u:%u: %s: %s [%s]\n", c->rel_path, f->at.line,
                f->at.col, al_severity_name(f->severity), f->message,
                f->rule);
        if (f->severity == AL_SEV_ERROR)
            c->errors++;
    }
}

int al_config_load(struct al_config *c, const char *path, const char *rel)
{
    struct al_findings fs;
    struct al_limits lim;
    const struct al_node *root;
    size_t i;

    c->path = al_strdup(path);
    c->rel_path = al_strdup(rel);
    al_findings_init(&fs);
    al_limits_default(&lim);
    al_file_release(&c->file);
    al_load_file(&c->file, path, rel, &lim, &fs);
    print_load_findings(c, &fs);
    al_findings_release(&fs);
    if (c->errors)
        return -1;
    root = c->file.ndocs > 0 ? c->file.docs[0] : NULL;
    if (root == NULL || root->kind == AL_NODE_NULL)
        return 0;
    if (root->kind != AL_NODE_MAP) {
        al_config_error(c, root, "the configuration must be a mapping, "
                        "not %s", node_kind(root));
        return -1;
    }
    c->tree = root;
    for (i = 0; i < root->n; i++) {
        const struct al_node *k = root->items[2 * i];

        if (k->kind != AL_NODE_SCALAR)
            al_config_error(c, k, "configuration keys must be strings");
        else
            read_key(c, k, root->items[2 * i + 1]);
    }
    return c->errors ? -1 : 0;
}
