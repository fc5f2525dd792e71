/*
 * check: the pipeline behind 'auditlint check' and 'auditlint test':
 * configuration, discovery, loading, the Lua model and rules, findings.
 * Calls config, walk, load, bridge, finding and embed.
 */
#ifndef AL_CHECK_H
#define AL_CHECK_H

#include "bridge.h"
#include "config.h"
#include "finding.h"
#include "suppress.h"
#include "walk.h"

struct al_check_opts {
    const char **paths;         /* files or directories; "." when none */
    size_t npaths;
    const char *config;         /* --config, or NULL to search */
    int no_config_search;       /* look only in the first path itself */
    const char *as_of;          /* --as-of, or NULL */
    const char *default_as_of;  /* when neither option nor config says */
    const char **rule_dirs;     /* --rules */
    size_t nrule_dirs;
    struct al_lua_opts lua;
    struct al_limits limits;
    int limits_set;             /* limits given on the command line */
    const char *baseline;       /* --baseline FILE, or NULL */
    const char *write_baseline; /* --write-baseline FILE, or NULL */
    const char *changed_since;  /* --changed-since REF, or NULL */
};

struct al_check {
    struct al_config config;
    char *root;                 /* canonical absolute directory */
    char today[11];
    struct al_walk files;
    struct al_lua *lua;
    struct al_findings findings;
    struct al_suppressions suppressions;    /* what they covered */
    size_t baselined;           /* findings the baseline hid */
    size_t baseline_stale;      /* baseline entries that matched none */
    size_t unchanged;           /* findings --changed-since hid */
    int failed;                 /* a usage, config or internal error */
};

void al_check_opts_init(struct al_check_opts *o);

/*
 * Sets up everything up to the rules (configuration, rules loaded and
 * configured); returns 0, or -1 after printing why (a bad configuration,
 * a missing path). c must be released with al_check_release either way.
 */
int al_check_setup(struct al_check *c, const struct al_check_opts *o);

/* Discovers and loads the files, builds the model and runs the rules. */
int al_check_run(struct al_check *c, const struct al_check_opts *o);

/* Loads the built-in reference data (policies/) into the Lua state. */
void al_check_load_reference(struct al_check *c);

/*
 * After al_check_run: with o->write_baseline writes the findings there
 * and keeps them; else applies o->baseline, then o->changed_since,
 * counting what each hid. Returns 0, or -1 after printing why.
 */
int al_check_filter(struct al_check *c, const struct al_check_opts *o);

void al_check_release(struct al_check *c);

#endif
