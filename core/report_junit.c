/*
 * report_junit: findings as JUnit XML for CI systems that show test
 * reports: a test case per rule and file, failing when it has findings.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* Test case counts for the suite's attributes. */
struct tally {
    size_t tests, failures, skipped;
};

/*
 * Writes s as XML character data, escaping what XML 1.0 needs; in an
 * attribute also '"' and the white space that attribute normalisation
 * would fold. Characters XML cannot hold, and bytes that are not UTF-8,
 * become U+FFFD.
 */
static void put_xml(FILE *out, const char *s, int attribute)
{
    size_t len;
    long c;

    for (; *s != '\0'; s += len) {
        c = al_report_utf8(s, &len);
        if (c == '&')
            fputs("&amp;", out);
        else if (c == '<')
            fputs("&lt;", out);
        else if (c == '>')
            fputs("&gt;", out);
        else if (c == '"' && attribute)
            fputs("&quot;", out);
        else if (c == '\r' || (attribute && (c == '\n' || c == '\t')))
            fprintf(out, "&#%ld;", c);
        else if (c < 0 || (c < 0x20 && c != '\n' && c != '\t') ||
                 c == 0xfffe || c == 0xffff)
            fputs("\xef\xbf\xbd", out);
        else
            fwrite(s, 1, len, out);
    }
}

/* qsort order of finding pointers: by rule, then by list position. */
static int compare_by_rule(const void *pa, const void *pb)
{
    const struct al_finding *a = *(const struct al_finding *const *)pa;
    const struct al_finding *b = *(const struct al_finding *const *)pb;
    int c = strcmp(a->rule, b->rule);

    if (c != 0)
        return c;
    return a < b ? -1 : a > b;
}

/*
 * Returns a new array of the shown findings ordered by rule and, within
 * a rule, as in fs (by file); sets *n.
 */
static const struct al_finding **by_rule(const struct al_findings *fs,
                                         size_t *n)
{
    const struct al_finding **v = al_calloc(fs->n, sizeof(*v));
    size_t i;

    *n = 0;
    for (i = 0; i < fs->n; i++) {
        if (fs->v[i].severity != AL_SEV_NONE)
            v[(*n)++] = &fs->v[i];
    }
    qsort(v, *n, sizeof(*v), compare_by_rule);
    return v;
}

/* Returns how many findings from v[0] on share its file. */
static size_t same_file(const struct al_finding *const *v, size_t n)
{
    size_t k = 1;

    while (k < n && strcmp(v[k]->at.file, v[0]->at.file) == 0)
        k++;
    return k;
}

/* Returns how many findings from v[0] on have the rule id. */
static size_t same_rule(const struct al_finding *const *v, size_t n,
                        const char *id)
{
    size_t k = 0;

    while (k < n && strcmp(v[k]->rule, id) == 0)
        k++;
    return k;
}

/* Returns 1 when the configuration turned the rule off. */
static int is_off(const struct al_report_rule *r)
{
    return r->info != NULL && r->info->severity != NULL &&
           strcmp(r->info->severity, "off") == 0;
}

/* Counts the test cases that al_report_junit writes. */
static void count(struct tally *t, const struct al_report_rule *rules,
                  size_t nrules, const struct al_finding *const *v, size_t n)
{
    size_t i, j = 0, k, g;

    memset(t, 0, sizeof(*t));
    for (i = 0; i < nrules; i++) {
        k = same_rule(v + j, n - j, rules[i].id);
        t->tests += k == 0;
        t->skipped += k == 0 && is_off(&rules[i]);
        for (g = 0; g < k; g += same_file(v + j + g, k - g)) {
            t->tests++;
            t->failures++;
        }
        j += k;
    }
}

/* Writes `FILE:LINE:COL: SEVERITY: MESSAGE` and a newline, escaped. */
static void put_line(FILE *out, const struct al_loc *at, const char *sev,
                     const char *message)
{
    put_xml(out, at->file, 0);
    if (at->line > 0) {
        fprintf(out, ":%u", at->line);
        if (at->col > 0)
            fprintf(out, ":%u", at->col);
    }
    fprintf(out, ": %s: ", sev);
    put_xml(out, message != NULL ? message : "related location", 0);
    putc('\n', out);
}

/* Writes the failing test case of the k findings of one rule and file. */
static void put_failure(FILE *out, const struct al_finding *const *v,
                        size_t k)
{
    enum al_severity worst = AL_SEV_NOTE;
    size_t i, r;

    for (i = 0; i < k; i++)
        worst = v[i]->severity > worst ? v[i]->severity : worst;
    fputs("    <testcase classname=\"", out);
    put_xml(out, v[0]->rule, 1);
    fputs("\" name=\"", out);
    put_xml(out, v[0]->at.file, 1);
    fputs("\">\n      <failure message=\"", out);
    if (k == 1)
        put_xml(out, v[0]->message, 1);
    else
        fprintf(out, "%zu findings", k);
    fprintf(out, "\" type=\"%s\">", al_severity_name(worst));
    for (i = 0; i < k; i++) {
        put_line(out, &v[i]->at, al_severity_name(v[i]->severity),
                 v[i]->message);
        for (r = 0; r < v[i]->nrelated; r++)
            put_line(out, &v[i]->related[r], "note",
                     v[i]->related[r].message);
    }
    fputs("</failure>\n    </testcase>\n", out);
}

/* Writes the passing (or, for a rule that is off, skipped) test case. */
static void put_pass(FILE *out, const struct al_report_rule *r)
{
    fputs("    <testcase classname=\"", out);
    put_xml(out, r->id, 1);
    if (is_off(r))
        fputs("\" name=\"all files\">\n      <skipped message=\"rule is "
              "off\"/>\n    </testcase>\n", out);
    else
        fputs("\" name=\"all files\"/>\n", out);
}

/* Writes the test cases of every rule, in rule order. */
static void put_cases(FILE *out, const struct al_report_rule *rules,
                      size_t nrules, const struct al_finding *const *v,
                      size_t n)
{
    size_t i, j = 0, k, g, len;

    for (i = 0; i < nrules; i++) {
        k = same_rule(v + j, n - j, rules[i].id);
        if (k == 0)
            put_pass(out, &rules[i]);
        for (g = 0; g < k; g += len) {
            len = same_file(v + j + g, k - g);
            put_failure(out, v + j + g, len);
        }
        j += k;
    }
}

/* Writes the opening tag of the testsuites or testsuite element. */
static void put_open(FILE *out, const char *tag, const struct tally *t)
{
    fprintf(out, "<%s name=\"auditlint\" tests=\"%zu\" failures=\"%zu\" "
            "errors=\"0\" skipped=\"%zu\">\n", tag, t->tests, t->failures,
            t->skipped);
}

int al_report_junit(FILE *out, const struct al_findings *fs,
                    const struct al_report_info *info)
{
    size_t nrules, n;
    struct al_report_rule *rules = al_report_rules(fs, info, &nrules);
    const struct al_finding **v = by_rule(fs, &n);
    struct tally t;

    count(&t, rules, nrules, v, n);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    put_open(out, "testsuites", &t);
    fputs("  ", out);
    put_open(out, "testsuite", &t);
    put_cases(out, rules, nrules, v, n);
    fputs("  </testsuite>\n</testsuites>\n", out);
    al_free(v);
    al_free(rules);
    return fflush(out) != 0 || ferror(out) ? -1 : 0;
}
