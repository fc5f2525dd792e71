/*
 * config: finds and reads .auditlint.yml (FORMATS.md section 7). Unknown
 * keys, wrong types and bad values are errors printed at their
 * file:line:col. Calls mem, node, load, finding and walk.
 */
#ifndef AL_CONFIG_H
#define AL_CONFIG_H

#include "finding.h"
#include "load.h"
#include "walk.h"

struct al_rule_setting {
    const char *id;
    int has_sev;
    enum al_severity sev;
    const struct al_node *options;  /* the mapping form, or NULL */
    const struct al_node *at;       /* the key, for error positions */
};

struct al_config {
    char *path;                 /* as opened; NULL when there is none */
    char *rel_path;             /* relative to the root */
    const char *as_of;          /* "YYYY-MM-DD" or NULL */
    struct al_globs include, exclude, rule_paths;
    struct al_rule_setting *rules;
    size_t nrules;
    struct al_limits limits;
    const struct al_node *tree; /* the whole mapping, for the rules */
    const struct al_node *exceptions;   /* 'exceptions:' value, or NULL */
    struct al_globs forbid_inline;      /* inline_suppressions.forbid */
    struct al_file file;        /* owns the tree and its strings */
    int errors;
};

void al_config_init(struct al_config *c);
void al_config_release(struct al_config *c);

/*
 * Searches dir and its parents for .auditlint.yml or .auditlint.yaml;
 * returns a new path or NULL.
 */
char *al_config_find(const char *dir);

/*
 * Reads the configuration at path, reported as rel (relative to the
 * root). Every problem is printed on stderr with its position. Returns 0,
 * or -1 when the file has errors.
 */
int al_config_load(struct al_config *c, const char *path, const char *rel);

/* Prints an error at node n of the configuration and counts it. */
void al_config_error(struct al_config *c, const struct al_node *n,
                     const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Returns 0 when s is a valid calendar date written YYYY-MM-DD. */
int al_date_valid(const char *s);

#endif
