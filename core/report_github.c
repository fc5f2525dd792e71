/*
 * report_github: findings as GitHub Actions workflow commands, which the
 * runner turns into annotations on the pull request's changed lines.
 */
#include "report.h"

#include <string.h>

#define SHOWN_PER_KIND 10       /* GitHub's annotation limit per step */

/* Annotations left for each severity, and the findings left out. */
struct budget {
    size_t left[AL_SEV_ERROR + 1];
    size_t dropped;
};

/*
 * Writes s escaped as GitHub's runner unescapes it: '%', CR and LF in
 * every part, ':' and ',' also in a property value.
 */
static void put_escaped(FILE *out, const char *s, int property)
{
    for (; *s != '\0'; s++) {
        if (*s == '%')
            fputs("%25", out);
        else if (*s == '\r')
            fputs("%0D", out);
        else if (*s == '\n')
            fputs("%0A", out);
        else if (property && *s == ':')
            fputs("%3A", out);
        else if (property && *s == ',')
            fputs("%2C", out);
        else
            putc(*s, out);
    }
}

/* Writes `FILE:LINE:COL` into a message, leaving out parts that are 0. */
static void put_where(FILE *out, const struct al_loc *at)
{
    put_escaped(out, at->file, 0);
    if (at->line > 0) {
        fprintf(out, ":%u", at->line);
        if (at->col > 0)
            fprintf(out, ":%u", at->col);
    }
}

/* Writes one annotation; related locations become lines of its message. */
static void put_annotation(FILE *out, const struct al_finding *f)
{
    static const char *const command[] = {"", "notice", "warning", "error"};
    size_t i;

    fprintf(out, "::%s file=", command[f->severity]);
    put_escaped(out, f->at.file, 1);
    if (f->at.line > 0)
        fprintf(out, ",line=%u", f->at.line);
    if (f->at.line > 0 && f->at.col > 0)
        fprintf(out, ",col=%u", f->at.col);
    fputs(",title=", out);
    put_escaped(out, f->rule, 1);
    fputs("::", out);
    put_escaped(out, f->message, 0);
    for (i = 0; i < f->nrelated; i++) {
        fputs("%0A", out);
        put_where(out, &f->related[i]);
        fputs(": note: ", out);
        put_escaped(out, f->related[i].message != NULL ?
                    f->related[i].message : "related location", 0);
    }
    putc('\n', out);
}

/*
 * Sets the annotations each severity may use. When any finding must be
 * left out, the closing ::warning:: takes one warning slot, so it is
 * not itself the annotation that GitHub drops.
 */
static void plan(struct budget *b, const struct al_findings *fs)
{
    size_t e = al_findings_count(fs, AL_SEV_ERROR);
    size_t w = al_findings_count(fs, AL_SEV_WARNING);
    size_t n = al_findings_count(fs, AL_SEV_NOTE);
    size_t k = SHOWN_PER_KIND;

    memset(b, 0, sizeof(*b));
    b->left[AL_SEV_ERROR] = k;
    b->left[AL_SEV_NOTE] = k;
    b->left[AL_SEV_WARNING] = e > k || n > k || w > k ? k - 1 : k;
    b->dropped = (e > k ? e - k : 0) + (n > k ? n - k : 0);
    if (w > b->left[AL_SEV_WARNING])
        b->dropped += w - b->left[AL_SEV_WARNING];
}

int al_report_github(FILE *out, const struct al_findings *fs,
                     const struct al_report_info *info)
{
    struct budget b;
    size_t i;

    plan(&b, fs);
    for (i = 0; i < fs->n; i++) {
        const struct al_finding *f = &fs->v[i];

        if (f->severity == AL_SEV_NONE || b.left[f->severity] == 0)
            continue;
        b.left[f->severity]--;
        put_annotation(out, f);
    }
    if (b.dropped > 0)
        fprintf(out, "::warning::auditlint: %zu more finding%s not "
                "annotated (GitHub shows %d of each severity per step); "
                "run with --format text to list all\n", b.dropped,
                b.dropped == 1 ? " was" : "s were", SHOWN_PER_KIND);
    return fflush(out) != 0 || ferror(out) ? -1 : 0;
}
