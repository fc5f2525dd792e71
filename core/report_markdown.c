/*
 * report_markdown: findings as GitHub-flavoured Markdown for a pull
 * request comment or a CI job summary.
 */
#include "report.h"

#include <string.h>

#include "mem.h"

/*
 * Writes s as Markdown text: punctuation that could start markup is
 * backslash-escaped, control characters become spaces and bytes that
 * are not UTF-8 U+FFFD.
 */
static void put_md(FILE *out, const char *s)
{
    static const char special[] = "\\`*_[]<>|~#!&$";
    size_t len;
    long c;

    for (; *s != '\0'; s += len) {
        c = al_report_utf8(s, &len);
        if (c < 0)
            fputs("\xef\xbf\xbd", out);
        else if (c < 0x20 || c == 0x7f)
            putc(' ', out);
        else if (c < 0x80 && strchr(special, (int)c) != NULL)
            fprintf(out, "\\%c", (int)c);
        else
            fwrite(s, 1, len, out);
    }
}

/* Writes s as a code span; a backtick, '|' or control becomes '?'. */
static void put_code(FILE *out, const char *s)
{
    putc('`', out);
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '`' ||
            *s == '|')
            putc('?', out);
        else
            putc(*s, out);
    }
    putc('`', out);
}

/* Writes `FILE:LINE:COL`, linked to BASE/FILE#LLINE when base is set. */
static void put_where(FILE *out, const struct al_loc *at, const char *base)
{
    size_t len = base != NULL ? strlen(base) : 0;

    fputs(base != NULL ? "[" : "", out);
    put_md(out, at->file);
    if (at->line > 0) {
        fprintf(out, ":%u", at->line);
        if (at->col > 0)
            fprintf(out, ":%u", at->col);
    }
    if (base == NULL)
        return;
    fputs("](", out);
    for (; *base != '\0'; base++) {
        if (strchr(" ()<>", *base) != NULL)
            fprintf(out, "%%%02X", (unsigned char)*base);
        else
            putc(*base, out);
    }
    fputs(len > 0 && base[-1] == '/' ? "" : "/", out);
    al_report_uri(out, at->file);
    if (at->line > 0)
        fprintf(out, "#L%u", at->line);
    putc(')', out);
}

/* Writes one finding as a list item, its related locations nested. */
static void put_finding(FILE *out, const struct al_finding *f,
                        const char *base)
{
    size_t i;

    fprintf(out, "- **%s** ", al_severity_name(f->severity));
    put_where(out, &f->at, base);
    fputs(": ", out);
    put_md(out, f->message);
    fputs(" (", out);
    put_code(out, f->rule);
    fputs(")\n", out);
    for (i = 0; i < f->nrelated; i++) {
        fputs("  - note: ", out);
        put_where(out, &f->related[i], base);
        fputs(": ", out);
        put_md(out, f->related[i].message != NULL ?
               f->related[i].message : "related location");
        putc('\n', out);
    }
}

/* Returns how many shown findings have the rule id. */
static size_t rule_count(const struct al_findings *fs, const char *id)
{
    size_t i, n = 0;

    for (i = 0; i < fs->n; i++)
        n += fs->v[i].severity != AL_SEV_NONE &&
             strcmp(fs->v[i].rule, id) == 0;
    return n;
}

/* Writes the tables of counts per severity and per rule. */
static void put_tables(FILE *out, const struct al_findings *fs,
                       const struct al_report_info *info)
{
    size_t i, n, nrules;
    struct al_report_rule *rules = al_report_rules(fs, info, &nrules);
    enum al_severity sev;

    fputs("| severity | findings |\n|---|---:|\n", out);
    for (sev = AL_SEV_ERROR; sev > AL_SEV_NONE; sev--)
        fprintf(out, "| %s | %zu |\n", al_severity_name(sev),
                al_findings_count(fs, sev));
    fputs("\n| rule | findings | summary |\n|---|---:|---|\n", out);
    for (i = 0; i < nrules; i++) {
        if ((n = rule_count(fs, rules[i].id)) == 0)
            continue;
        fputs("| ", out);
        put_code(out, rules[i].id);
        fprintf(out, " | %zu | ", n);
        if (rules[i].info != NULL && rules[i].info->summary != NULL)
            put_md(out, rules[i].info->summary);
        fputs(" |\n", out);
    }
    al_free(rules);
}

/* Writes the findings under one heading per file. */
static void put_files(FILE *out, const struct al_findings *fs,
                      const char *base)
{
    const char *file = NULL;
    size_t i;

    for (i = 0; i < fs->n; i++) {
        const struct al_finding *f = &fs->v[i];

        if (f->severity == AL_SEV_NONE)
            continue;
        if (file == NULL || strcmp(file, f->at.file) != 0) {
            file = f->at.file;
            fputs("\n### ", out);
            put_md(out, file);
            fputs("\n\n", out);
        }
        put_finding(out, f, base);
    }
}

int al_report_markdown(FILE *out, const struct al_findings *fs,
                       const struct al_report_info *info)
{
    size_t shown = al_findings_count(fs, AL_SEV_ERROR) +
                   al_findings_count(fs, AL_SEV_WARNING) +
                   al_findings_count(fs, AL_SEV_NOTE);

    fputs("## auditlint\n\n", out);
    if (shown == 0)
        fputs("No findings", out);
    else
        al_report_summary(out, fs);
    fprintf(out, " in %zu file%s", info->files, info->files == 1 ? "" : "s");
    if (info->as_of != NULL) {
        fputs(", as of ", out);
        put_md(out, info->as_of);
    }
    fputs(".\n", out);
    if (shown > 0) {
        putc('\n', out);
        put_tables(out, fs, info);
        put_files(out, fs, info->base_url);
    }
    return fflush(out) != 0 || ferror(out) ? -1 : 0;
}
