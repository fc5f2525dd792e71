/*
 * main: the command line. Parses arguments, runs one subcommand, reports,
 * and turns the outcome into an exit status (FORMATS.md section 8).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "embed.h"
#include "fix.h"
#include "fixture.h"
#include "mem.h"
#include "report.h"

#define MAX_OUTPUTS 16

struct output {
    char *format;               /* owned; NULL: the --format one */
    const char *path;           /* NULL: standard output */
};

struct check_args {
    struct al_check_opts opts;
    const char *format;
    const char *fail_on;
    const char *color;
    const char *base_url;
    struct output outputs[MAX_OUTPUTS];
    size_t noutputs;
    int quiet;
    int fix;
};

static const char check_usage[] =
    "usage: auditlint check [OPTION...] [PATH...]\n"
    "\n"
    "Checks the compliance repository at PATH (default: the current\n"
    "directory) and reports findings as FILE:LINE:COL.\n"
    "\n"
    "options:\n"
    "  -f, --format FORMAT    output format (default text), one of:\n"
    "                         %s\n"
    "  -o, --output [FORMAT:]FILE\n"
    "                         also write FORMAT (default: --format) to\n"
    "                         FILE; repeatable; text stays on the terminal\n"
    "      --fail-on LEVEL    exit 1 when a finding is at or above LEVEL:\n"
    "                         error (default), warning, note, never\n"
    "      --as-of DATE       pin \"today\" (YYYY-MM-DD) for date rules\n"
    "  -c, --config FILE      use FILE instead of searching upward for\n"
    "                         .auditlint.yml\n"
    "  -r, --rules DIR        load the organisation's rules from DIR\n"
    "                         (repeatable; adds to the config's rule_paths)\n"
    "      --rule-budget N    VM instructions a rule may run (2000000000)\n"
    "      --rule-memory MIB  memory a rule may add, in MiB (512)\n"
    "      --max-file-size N  bytes per file (16777216)\n"
    "      --max-depth N      nested collections per document (64)\n"
    "      --max-nodes N      nodes per document, aliases expanded "
    "(1000000)\n"
    "      --color WHEN       auto (default), always, never; NO_COLOR is\n"
    "                         honoured\n"
    "      --base-url URL     markdown: link positions to URL/FILE#LLINE\n"
    "      --baseline FILE    leave out the findings recorded in FILE\n"
    "      --write-baseline FILE\n"
    "                         record the findings in FILE and report none\n"
    "      --changed-since REF\n"
    "                         report only findings on lines changed since\n"
    "                         the git revision REF\n"
    "      --fix              rewrite values that a rule can fix (a laxer\n"
    "                         frequency) in place, atomically; report the\n"
    "                         rest. Without it no file is ever written\n"
    "  -q, --quiet            no summary line on stderr\n"
    "      --timings          print the time and memory of each phase and\n"
    "                         rule on stderr\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage,\n"
    "configuration or internal error, or a rule that failed to run.\n";

static int parse_size(const char *opt, const char *s, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);

    if (*s == '\0' || *end != '\0' || v == 0 || s[0] == '-')
        return al_usage("check", "'%s' needs a positive number, not '%s'",
                        opt, s);
    *out = (size_t)v;
    return 0;
}

static int add_output(struct check_args *a, const char *spec)
{
    const char *colon = strchr(spec, ':');
    struct output *o;

    if (a->noutputs == MAX_OUTPUTS)
        return al_usage("check", "too many --output options");
    o = &a->outputs[a->noutputs++];
    o->format = NULL;
    o->path = spec;
    if (colon != NULL) {
        char *name = al_strndup(spec, (size_t)(colon - spec));
        if (al_report_known(name)) {
            o->format = name;
            o->path = colon + 1;
        } else {
            al_free(name);
        }
    }
    return 0;
}

/* Parses one option of 'check' (and of 'test'); returns 0, 1 or -1. */
static int check_option(struct check_args *a, struct al_args *p)
{
    const char *v;
    size_t n;

    if (al_args_value(p, "-f", "--format", &v)) {
        a->format = v;
    } else if (al_args_value(p, "-o", "--output", &v)) {
        return add_output(a, v);
    } else if (al_args_value(p, NULL, "--fail-on", &v)) {
        a->fail_on = v;
    } else if (al_args_value(p, NULL, "--as-of", &v)) {
        if (al_date_valid(v) != 0)
            return al_usage(p->cmd, "'--as-of' needs a date YYYY-MM-DD, "
                            "not '%s'", v);
        a->opts.as_of = v;
    } else if (al_args_value(p, "-c", "--config", &v)) {
        a->opts.config = v;
    } else if (al_args_value(p, "-r", "--rules", &v)) {
        a->opts.rule_dirs = al_realloc(a->opts.rule_dirs,
            (a->opts.nrule_dirs + 1) * sizeof(*a->opts.rule_dirs));
        a->opts.rule_dirs[a->opts.nrule_dirs++] = v;
    } else if (al_args_value(p, NULL, "--rule-budget", &v)) {
        if (parse_size("--rule-budget", v, &n) != 0)
            return -1;
        a->opts.lua.budget = (long long)n;
    } else if (al_args_value(p, NULL, "--rule-memory", &v)) {
        if (parse_size("--rule-memory", v, &n) != 0)
            return -1;
        a->opts.lua.memory = n << 20;
    } else if (al_args_value(p, NULL, "--max-file-size", &v)) {
        a->opts.limits_set = 1;
        return parse_size("--max-file-size", v,
                          &a->opts.limits.max_file_bytes);
    } else if (al_args_value(p, NULL, "--max-depth", &v)) {
        a->opts.limits_set = 1;
        if (parse_size("--max-depth", v, &n) != 0)
            return -1;
        a->opts.limits.max_depth = (unsigned)n;
    } else if (al_args_value(p, NULL, "--max-nodes", &v)) {
        a->opts.limits_set = 1;
        return parse_size("--max-nodes", v, &a->opts.limits.max_nodes);
    } else if (al_args_value(p, NULL, "--color", &v)) {
        a->color = v;
    } else if (al_args_flag(p, NULL, "--no-color")) {
        a->color = "never";
    } else if (al_args_value(p, NULL, "--base-url", &v)) {
        a->base_url = v;
    } else if (al_args_flag(p, "-q", "--quiet")) {
        a->quiet = 1;
    } else if (al_args_value(p, NULL, "--baseline", &v)) {
        a->opts.baseline = v;
    } else if (al_args_value(p, NULL, "--write-baseline", &v)) {
        a->opts.write_baseline = v;
    } else if (al_args_value(p, NULL, "--changed-since", &v)) {
        a->opts.changed_since = v;
    } else if (al_args_flag(p, NULL, "--fix")) {
        a->fix = 1;
    } else if (al_args_flag(p, NULL, "--timings")) {
        a->opts.lua.timings = 1;
    } else {
        return 1;
    }
    return p->error ? -1 : 0;
}

static int fail_level(const char *s, enum al_severity *sev)
{
    if (s == NULL) {
        *sev = AL_SEV_ERROR;
        return 0;
    }
    if (strcmp(s, "never") == 0) {
        *sev = AL_SEV_NONE;
        return 0;
    }
    return al_severity_parse(s, sev) == 0 && *sev != AL_SEV_NONE ? 0 : -1;
}

static int use_color(const char *when, FILE *f)
{
    const char *nc = getenv("NO_COLOR");

    if (when != NULL && strcmp(when, "always") == 0)
        return 1;
    if (when != NULL && strcmp(when, "never") == 0)
        return 0;
    return isatty(fileno(f)) && (nc == NULL || nc[0] == '\0');
}

/* Fills the rule table the reporters use (SARIF rules, JUnit passes). */
static struct al_rule_info *rule_infos(const struct al_lua *L, size_t *n)
{
    size_t i, count = al_lua_rule_count(L);
    struct al_rule_info *v = al_calloc(count, sizeof(*v));

    for (i = 0; i < count; i++) {
        const struct al_rule_meta *m = al_lua_rule(L, i);
        char *doc = al_printf("docs/rules/%s.md", m->id);
        const struct al_embedded *e = al_embedded_find(doc);

        v[i].id = m->id;
        v[i].severity = m->severity == AL_SEV_NONE
                        ? "off" : al_severity_name(m->severity);
        v[i].summary = m->summary;
        v[i].help = e != NULL ? e->data : NULL;
        al_free(doc);
    }
    *n = count;
    return v;
}

static int write_to(const char *format, const char *path,
                    const struct al_findings *fs, struct al_report_info *info)
{
    FILE *f = fopen(path, "w");
    int rc;

    if (f == NULL) {
        al_error("cannot write '%s': %s", path, al_errno_text());
        return -1;
    }
    info->color = 0;
    rc = al_report_write(format, f, NULL, fs, info);
    if (fclose(f) != 0)
        rc = -1;
    if (rc != 0)
        al_error("cannot write '%s'", path);
    return rc;
}

/* Writes every requested output; returns 0 or -1. */
static int report_all(struct check_args *a, struct al_check *c)
{
    struct al_report_info info;
    size_t i;
    int rc = 0;
    const char *term = a->noutputs ? "text" : a->format;

    memset(&info, 0, sizeof(info));
    info.tool_version = AL_VERSION;
    info.as_of = c->today;
    info.files = c->files.n;
    info.base_url = a->base_url;
    info.rules = rule_infos(c->lua, &info.nrules);
    for (i = 0; i < a->noutputs; i++)
        rc |= write_to(a->outputs[i].format ? a->outputs[i].format
                                            : a->format,
                       a->outputs[i].path, &c->findings, &info);
    info.color = strcmp(term, "text") == 0 && use_color(a->color, stdout);
    if (al_report_write(term, stdout, a->quiet ? NULL : stderr,
                        &c->findings, &info) != 0)
        rc = -1;
    al_free((void *)info.rules);
    return rc;
}

/* --fix: rewrites what the findings offer, says how much it fixed. */
static int apply_fixes(struct al_check *c)
{
    int n = al_fix_apply(c->root, &c->findings);

    if (n > 0)
        fprintf(stderr, "auditlint: fixed %d finding%s\n", n,
                n == 1 ? "" : "s");
    return n < 0 ? -1 : 0;
}

static int exit_status(const struct al_check *c, enum al_severity fail)
{
    size_t i;
    int n = c->lua ? al_lua_failures(c->lua) : 0;

    if (n > 0)
        al_error("%d rule%s failed to run; the rule-error finding%s say%s "
                 "why", n, n == 1 ? "" : "s", n == 1 ? "" : "s",
                 n == 1 ? "s" : "");
    if (c->failed || n > 0)
        return 2;
    for (i = 0; fail != AL_SEV_NONE && i < c->findings.n; i++)
        if (c->findings.v[i].severity >= fail)
            return 1;
    return 0;
}

/*
 * Parses the options that check and rules share; help prints usage
 * (formatted with the list of formats). Returns 0 to go on, 1 when help
 * was printed, -1 after a usage error.
 */
static int parse_check_args(struct check_args *a, struct al_args *p,
                            const char *cmd, int argc, char **argv,
                            const char *help)
{
    int rc;

    memset(a, 0, sizeof(*a));
    al_check_opts_init(&a->opts);
    a->format = "text";
    al_args_init(p, cmd, argc, argv);
    while (al_args_next(p) == 1) {
        if (al_args_flag(p, "-h", "--help")) {
            printf(help, al_report_formats());
            return 1;
        }
        rc = check_option(a, p);
        if (rc == 1)
            rc = al_args_unknown(p);
        if (rc != 0 || p->error)
            return -1;
    }
    if (!al_report_known(a->format))
        return al_usage(cmd, "unknown format '%s'; use one of %s",
                        a->format, al_report_formats());
    a->opts.paths = (const char **)p->rest;
    a->opts.npaths = p->nrest;
    return 0;
}

static void release_check_args(struct check_args *a, struct al_args *p)
{
    size_t i;

    for (i = 0; i < a->noutputs; i++)
        al_free(a->outputs[i].format);
    al_free(a->opts.rule_dirs);
    al_args_release(p);
}

/* Says on stderr what the baseline and --changed-since left out. */
static void report_hidden(const struct check_args *a, const struct al_check *c)
{
    if (a->quiet)
        return;
    if (a->opts.baseline != NULL)
        fprintf(stderr, "auditlint: %zu finding%s hidden by the baseline\n",
                c->baselined, c->baselined == 1 ? "" : "s");
    if (a->opts.baseline != NULL && c->baseline_stale > 0)
        fprintf(stderr, "auditlint: %zu baseline entr%s no finding; "
                "'--write-baseline' refreshes the file\n",
                c->baseline_stale, c->baseline_stale == 1 ? "y matches"
                                                          : "ies match");
    if (a->opts.changed_since != NULL)
        fprintf(stderr, "auditlint: %zu finding%s on lines unchanged since "
                "'%s'\n", c->unchanged, c->unchanged == 1 ? "" : "s",
                a->opts.changed_since);
}

/* --write-baseline: the check must have run fully; nothing is reported. */
static int write_baseline(const struct check_args *a, struct al_check *c)
{
    if (c->failed || al_lua_failures(c->lua)) {
        al_error("not writing the baseline: the check did not complete");
        return 2;
    }
    if (al_check_filter(c, &a->opts) != 0)
        return 2;
    if (!a->quiet)
        fprintf(stderr, "auditlint: wrote %zu finding%s to '%s'\n",
                c->findings.n, c->findings.n == 1 ? "" : "s",
                a->opts.write_baseline);
    return 0;
}

static int cmd_check(int argc, char **argv)
{
    struct check_args a;
    struct al_args p;
    struct al_check c;
    enum al_severity fail;
    int rc, status = 2;

    rc = parse_check_args(&a, &p, "check", argc, argv, check_usage);
    if (rc == 0 && fail_level(a.fail_on, &fail) != 0)
        rc = al_usage("check", "'--fail-on' takes error, warning, note "
                      "or never, not '%s'", a.fail_on);
    if (rc == 0) {
        if (al_check_setup(&c, &a.opts) == 0) {
            al_check_run(&c, &a.opts);
            if (a.fix && apply_fixes(&c) != 0)
                c.failed = -1;
            if (a.opts.write_baseline != NULL)
                status = write_baseline(&a, &c);
            else if (al_check_filter(&c, &a.opts) != 0)
                status = 2;
            else
                status = report_all(&a, &c) != 0 ? 2
                         : exit_status(&c, fail);
            if (a.opts.write_baseline == NULL && status != 2)
                report_hidden(&a, &c);
        }
        al_check_release(&c);
    }
    release_check_args(&a, &p);
    return rc == 1 ? 0 : status;
}

static const char rules_usage[] =
    "usage: auditlint rules [--format text|json] [--rules DIR] "
    "[--config FILE]\n"
    "\n"
    "Lists every rule: built-in rules, the core's load diagnostics, and\n"
    "the organisation's rules (the config's rule_paths and --rules), with\n"
    "their severity as configured and a one-line summary.\n";

static void print_rules_json(const struct al_lua *L)
{
    size_t i, n = al_lua_rule_count(L);

    printf("{\n  \"rules\": [");
    for (i = 0; i < n; i++) {
        const struct al_rule_meta *m = al_lua_rule(L, i);
        printf("%s\n    {\"id\": ", i ? "," : "");
        al_report_json_string(stdout, m->id);
        printf(", \"severity\": \"%s\", \"default_severity\": \"%s\", "
               "\"summary\": ", m->severity == AL_SEV_NONE ? "off"
               : al_severity_name(m->severity),
               al_severity_name(m->default_severity));
        al_report_json_string(stdout, m->summary);
        printf(", \"source\": ");
        al_report_json_string(stdout, m->core ? "core" : m->file);
        printf("}");
    }
    printf("\n  ]\n}\n");
}

static int cmd_rules(int argc, char **argv)
{
    struct check_args a;
    struct al_args p;
    struct al_check c;
    size_t i, n;
    int rc;

    rc = parse_check_args(&a, &p, "rules", argc, argv, rules_usage);
    if (rc == 0 && p.nrest > 0)
        rc = al_usage("rules", "unexpected argument '%s'", p.rest[0]);
    if (rc == 0) {
        rc = al_check_setup(&c, &a.opts);
        if (rc == 0 && strcmp(a.format, "json") == 0) {
            print_rules_json(c.lua);
        } else if (rc == 0) {
            n = al_lua_rule_count(c.lua);
            for (i = 0; i < n; i++) {
                const struct al_rule_meta *m = al_lua_rule(c.lua, i);
                printf("%-24s %-8s %s\n", m->id,
                       m->severity == AL_SEV_NONE
                       ? "off" : al_severity_name(m->severity), m->summary);
            }
        }
        al_check_release(&c);
    }
    release_check_args(&a, &p);
    return rc == 1 ? 0 : rc == 0 ? 0 : 2;
}

static const char exceptions_usage[] =
    "usage: auditlint exceptions [--format text|json] [OPTION...] "
    "[PATH...]\n"
    "\n"
    "Checks the repository as 'auditlint check' does and lists, instead of\n"
    "the findings, every exception of the configuration's register and\n"
    "every inline suppression: position, rule, status (active, unused,\n"
    "expired, no-reason, forbidden, invalid), the number of findings it\n"
    "covers, path, id, owner, expiry and reason. Takes the options of\n"
    "'check'. Exit status 0, or 2 when the check could not run.\n";

static int cmd_exceptions(int argc, char **argv)
{
    struct check_args a;
    struct al_args p;
    struct al_check c;
    int rc, status = 2, json;

    rc = parse_check_args(&a, &p, "exceptions", argc, argv,
                          exceptions_usage);
    json = rc == 0 && strcmp(a.format, "json") == 0;
    if (rc == 0 && !json && strcmp(a.format, "text") != 0)
        rc = al_usage("exceptions", "'--format' takes text or json, not "
                      "'%s'", a.format);
    if (rc == 0) {
        if (al_check_setup(&c, &a.opts) == 0) {
            al_check_run(&c, &a.opts);
            status = c.failed || al_suppress_list(stdout, &c.suppressions,
                                 json ? AL_SUPPRESS_JSON : AL_SUPPRESS_TEXT)
                     ? 2 : 0;
        }
        al_check_release(&c);
    }
    release_check_args(&a, &p);
    return rc == 1 ? 0 : status;
}

static const char explain_usage[] =
    "usage: auditlint explain RULE\n"
    "\n"
    "Prints the documentation of a rule: what it finds, why it matters,\n"
    "how to fix it, and an example.\n";

static int cmd_explain(int argc, char **argv)
{
    const struct al_embedded *e;
    char *doc;

    if (argc >= 2 && (strcmp(argv[1], "-h") == 0
                      || strcmp(argv[1], "--help") == 0)) {
        fputs(explain_usage, stdout);
        return 0;
    }
    if (argc != 2) {
        al_usage("explain", "expected one rule id");
        return 2;
    }
    doc = al_printf("docs/rules/%s.md", argv[1]);
    e = al_embedded_find(doc);
    al_free(doc);
    if (e == NULL) {
        al_error("no rule '%s'; 'auditlint rules' lists them", argv[1]);
        return 2;
    }
    fwrite(e->data, 1, e->len, stdout);
    return 0;
}

static const char test_usage[] =
    "usage: auditlint test [OPTION...] DIR...\n"
    "\n"
    "Runs rule fixtures. Every directory named 'fires' or 'quiet' under\n"
    "DIR is a small repository; a DIR without any is one itself. A line\n"
    "that must get a finding carries an annotation in a comment:\n"
    "'# expect: RULE' in YAML, '<!-- expect: RULE -->' in Markdown.\n"
    "Several rules are separated by commas; RULE@COL also checks the\n"
    "column. A file expect.txt may list 'FILE:LINE: RULE' lines for files\n"
    "that cannot hold comments. A fixture fails on a missing, extra or\n"
    "misplaced finding; a 'fires' fixture must expect at least one.\n"
    "\"Today\" is the fixture's as_of, else 2026-12-01.\n"
    "\n"
    "options:\n"
    "  -r, --rules DIR        also load the rules under test from DIR\n"
    "  -v, --verbose          list every fixture, passed or not\n"
    "  -h, --help             show this help\n";

static int cmd_test(int argc, char **argv)
{
    struct al_check_opts o;
    struct al_args p;
    const char *v;
    int rc = 0, verbose = 0, failed = -1;

    al_check_opts_init(&o);
    al_args_init(&p, "test", argc, argv);
    while (rc == 0 && al_args_next(&p) == 1) {
        if (al_args_flag(&p, "-h", "--help")) {
            fputs(test_usage, stdout);
            rc = 1;
        } else if (al_args_value(&p, "-r", "--rules", &v)) {
            o.rule_dirs = al_realloc(o.rule_dirs,
                (o.nrule_dirs + 1) * sizeof(*o.rule_dirs));
            o.rule_dirs[o.nrule_dirs++] = v;
        } else if (al_args_flag(&p, "-v", "--verbose")) {
            verbose = 1;
        } else {
            rc = al_args_unknown(&p);
        }
        if (p.error)
            rc = -1;
    }
    if (rc == 0 && p.nrest == 0)
        rc = al_usage("test", "expected a fixture directory");
    if (rc == 0)
        failed = al_fixture_run((const char **)p.rest, p.nrest, &o,
                                verbose);
    al_free(o.rule_dirs);
    al_args_release(&p);
    if (rc != 0)
        return rc == 1 ? 0 : 2;
    return failed < 0 ? 2 : failed > 0 ? 1 : 0;
}

/*
 * Commands written in Lua (core/lua/commands.lua): they parse their own
 * arguments, --help included, and see the reference data.
 */
static int cmd_lua(const char *name, int argc, char **argv)
{
    struct al_check_opts o;
    struct al_check c;
    int status = 2;

    al_check_opts_init(&o);
    o.no_config_search = 1;
    if (al_check_setup(&c, &o) == 0) {
        al_check_load_reference(&c);
        status = al_lua_command(c.lua, name, argc - 1, argv + 1);
    }
    al_check_release(&c);
    return status;
}

static int cmd_catalog(int argc, char **argv)
{
    return cmd_lua("catalog", argc, argv);
}

static int cmd_map(int argc, char **argv)
{
    return cmd_lua("map", argc, argv);
}

static const char main_usage[] =
    "usage: auditlint COMMAND [OPTION...] [ARG...]\n"
    "\n"
    "A policy-as-code checker for compliance repositories: policies,\n"
    "controls, scopes, Statement of Applicability, evidence, risks,\n"
    "vendors and ISMS records, checked by rules written in Lua.\n"
    "\n"
    "commands:\n"
    "  check [PATH...]   check a repository and report findings\n"
    "  rules             list the rules and their severities\n"
    "  exceptions [PATH...]\n"
    "                    list the exceptions and inline suppressions\n"
    "  explain RULE      print a rule's documentation\n"
    "  test DIR...       run rule fixtures (expect: annotations)\n"
    "  catalog [FW]      list the frameworks known, or one framework's ids\n"
    "  map ID            what a requirement id is and what it maps to\n"
    "\n"
    "'auditlint COMMAND --help' describes a command's options.\n"
    "--version prints the version.\n";

static const struct {
    const char *name;
    int (*run)(int, char **);
} commands[] = {
    {"check", cmd_check},
    {"rules", cmd_rules},
    {"exceptions", cmd_exceptions},
    {"explain", cmd_explain},
    {"test", cmd_test},
    {"catalog", cmd_catalog},
    {"map", cmd_map},
};

int main(int argc, char **argv)
{
    size_t i;

    if (argc < 2) {
        fputs(main_usage, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0
        || strcmp(argv[1], "help") == 0) {
        if (argc > 2 && strcmp(argv[1], "help") == 0) {
            char *help[] = {argv[2], "--help", NULL};
            for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                if (strcmp(argv[2], commands[i].name) == 0)
                    return commands[i].run(2, help);
        }
        fputs(main_usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("auditlint %s\n", AL_VERSION);
        return 0;
    }
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    al_usage(NULL, "unknown command '%s'", argv[1]);
    return 2;
}
