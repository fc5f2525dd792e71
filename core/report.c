/*
 * report: the text and JSON reporters, the format table, and the
 * escaping helpers every reporter shares.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"

struct format {
    const char *name;
    int (*write)(FILE *out, FILE *err, const struct al_findings *fs,
                 const struct al_report_info *info);
};

long al_report_utf8(const char *s, size_t *len)
{
    static const long least[] = {0, 0, 0x80, 0x800, 0x10000};
    const unsigned char *p = (const unsigned char *)s;
    size_t n, i;
    long c;

    *len = 1;
    if (p[0] < 0x80)
        return p[0];
    if (p[0] < 0xc2 || p[0] > 0xf4)
        return -1;
    n = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
    c = p[0] & (0x7f >> n);
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return -1;
        c = c << 6 | (p[i] & 0x3f);
    }
    if (c < least[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return -1;
    *len = n;
    return c;
}

void al_report_json_string(FILE *out, const char *s)
{
    if (s == NULL) {
        fputs("null", out);
        return;
    }
    putc('"', out);
    al_report_json_string_body(out, s);
    putc('"', out);
}

void al_report_json_string_body(FILE *out, const char *s)
{
    size_t len;
    long c;

    for (; *s != '\0'; s += len) {
        c = al_report_utf8(s, &len);
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", (int)c);
        else if (c < 0)
            fputs("\\ufffd", out);
        else if (c < 0x20 || c == 0x7f)
            fprintf(out, "\\u%04lx", c);
        else
            fwrite(s, 1, len, out);
    }
}

void al_report_uri(FILE *out, const char *path)
{
    static const char keep[] = "-._~!$&+,;=@/";
    const unsigned char *p = (const unsigned char *)path;

    for (; *p != '\0'; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr(keep, *p) != NULL)
            putc(*p, out);
        else
            fprintf(out, "%%%02X", *p);
    }
}

/* qsort order of rules: by id, a listed rule before an unlisted one. */
static int compare_rules(const void *pa, const void *pb)
{
    const struct al_report_rule *a = pa, *b = pb;
    int c = strcmp(a->id, b->id);

    if (c != 0)
        return c;
    return (a->info == NULL) - (b->info == NULL);
}

struct al_report_rule *al_report_rules(const struct al_findings *fs,
                                       const struct al_report_info *info,
                                       size_t *n)
{
    struct al_report_rule *v = al_calloc(info->nrules + fs->n, sizeof(*v));
    size_t i, all = 0, kept = 0;

    for (i = 0; i < info->nrules; i++) {
        v[all].id = info->rules[i].id;
        v[all++].info = &info->rules[i];
    }
    for (i = 0; i < fs->n; i++) {
        if (fs->v[i].severity != AL_SEV_NONE)
            v[all++].id = fs->v[i].rule;
    }
    qsort(v, all, sizeof(*v), compare_rules);
    for (i = 0; i < all; i++) {
        if (kept == 0 || strcmp(v[kept - 1].id, v[i].id) != 0)
            v[kept++] = v[i];
    }
    *n = kept;
    return v;
}

size_t al_report_rule_index(const struct al_report_rule *rules, size_t n,
                            const char *id)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(rules[mid].id, id);

        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return n;
}

/*
 * Writes s for a terminal: a tab as a space; control characters (C1 too)
 * and bytes that are not UTF-8 as '?', so none can start an escape.
 */
static void put_plain(FILE *out, const char *s)
{
    size_t len;
    long c;

    for (; *s != '\0'; s += len) {
        c = al_report_utf8(s, &len);
        if (c == '\t')
            putc(' ', out);
        else if (c < 0x20 || (c >= 0x7f && c < 0xa0))
            putc('?', out);
        else
            fwrite(s, 1, len, out);
    }
}

/* Writes `FILE:LINE:COL:`, leaving out a line or column that is 0. */
static void put_where(FILE *out, const struct al_loc *at, int color)
{
    fputs(color ? BOLD : "", out);
    put_plain(out, at->file);
    if (at->line > 0) {
        fprintf(out, ":%u", at->line);
        if (at->col > 0)
            fprintf(out, ":%u", at->col);
    }
    fputs(color ? ":" RESET : ":", out);
}

/* Writes ` SEVERITY:` (" note:" for sev AL_SEV_NONE), coloured or not. */
static void put_severity(FILE *out, enum al_severity sev, int color)
{
    static const char *const colors[] = {
        "\033[1;36m", "\033[1;36m", "\033[1;35m", "\033[1;31m"
    };
    const char *name = sev == AL_SEV_NONE ? "note" : al_severity_name(sev);

    if (color)
        fprintf(out, " %s%s:" RESET " ", colors[sev], name);
    else
        fprintf(out, " %s: ", name);
}

/* Writes one finding and its related locations as text lines. */
static void text_finding(FILE *out, const struct al_finding *f, int color)
{
    size_t i;

    put_where(out, &f->at, color);
    put_severity(out, f->severity, color);
    put_plain(out, f->message);
    fputs(color ? " " DIM "[" : " [", out);
    put_plain(out, f->rule);
    fputs(color ? "]" RESET "\n" : "]\n", out);
    for (i = 0; i < f->nrelated; i++) {
        const struct al_loc *r = &f->related[i];

        put_where(out, r, color);
        put_severity(out, AL_SEV_NOTE, color);
        put_plain(out, r->message != NULL ? r->message : "related location");
        putc('\n', out);
    }
}

/* Writes "N word(s)" when n > 0, after ", " unless it is the first. */
static void put_count(FILE *out, size_t n, const char *word, int *parts)
{
    if (n == 0)
        return;
    fprintf(out, "%s%zu %s%s", *parts > 0 ? ", " : "", n, word,
            n == 1 ? "" : "s");
    ++*parts;
}

void al_report_summary(FILE *out, const struct al_findings *fs)
{
    int parts = 0;

    put_count(out, al_findings_count(fs, AL_SEV_ERROR), "error", &parts);
    put_count(out, al_findings_count(fs, AL_SEV_WARNING), "warning",
              &parts);
    put_count(out, al_findings_count(fs, AL_SEV_NOTE), "note", &parts);
    if (parts == 0)
        fputs("no findings", out);
}

/* Flushes out and returns 0, or -1 when a write to it failed. */
static int done(FILE *out)
{
    return fflush(out) != 0 || ferror(out) ? -1 : 0;
}

int al_report_text(FILE *out, FILE *err, const struct al_findings *fs,
                   const struct al_report_info *info)
{
    size_t i;
    int rc;

    for (i = 0; i < fs->n; i++) {
        if (fs->v[i].severity != AL_SEV_NONE)
            text_finding(out, &fs->v[i], info->color);
    }
    rc = done(out);
    if (err == NULL)
        return rc;
    fputs("auditlint: ", err);
    al_report_summary(err, fs);
    fprintf(err, " in %zu file%s\n", info->files,
            info->files == 1 ? "" : "s");
    return done(err) < 0 ? -1 : rc;
}

/* Writes `"key": value` for the positions of one JSON finding. */
static void json_position(FILE *out, const struct al_loc *at)
{
    fprintf(out, "      \"line\": %u, \"column\": %u", at->line, at->col);
    if (at->end_line > 0)
        fprintf(out, ", \"end_line\": %u", at->end_line);
    if (at->end_col > 0)
        fprintf(out, ", \"end_column\": %u", at->end_col);
    fputs(",\n", out);
}

/* Writes the frameworks and related arrays of one JSON finding. */
static void json_lists(FILE *out, const struct al_finding *f)
{
    size_t i;

    fputs("      \"frameworks\": [", out);
    for (i = 0; i < f->nframeworks; i++) {
        fputs(i > 0 ? ", " : "", out);
        al_report_json_string(out, f->frameworks[i]);
    }
    fputs("],\n      \"related\": [", out);
    for (i = 0; i < f->nrelated; i++) {
        fputs(i > 0 ? ", {\"file\": " : "{\"file\": ", out);
        al_report_json_string(out, f->related[i].file);
        fprintf(out, ", \"line\": %u, \"column\": %u, \"message\": ",
                f->related[i].line, f->related[i].col);
        al_report_json_string(out, f->related[i].message);
        putc('}', out);
    }
    fputs("],\n", out);
}

/* Writes one finding object, indented as in FORMATS.md. */
static void json_finding(FILE *out, const struct al_finding *f)
{
    fputs("    {\n      \"rule\": ", out);
    al_report_json_string(out, f->rule);
    fputs(",\n      \"severity\": ", out);
    al_report_json_string(out, al_severity_name(f->severity));
    fputs(",\n      \"message\": ", out);
    al_report_json_string(out, f->message);
    fputs(",\n      \"file\": ", out);
    al_report_json_string(out, f->at.file);
    fputs(",\n", out);
    json_position(out, &f->at);
    json_lists(out, f);
    fputs("      \"fingerprint\": ", out);
    al_report_json_string(out, f->fingerprint);
    fputs("\n    }", out);
}

int al_report_json(FILE *out, const struct al_findings *fs,
                   const struct al_report_info *info)
{
    size_t i, shown = 0;

    fputs("{\n  \"tool\": {\"name\": \"auditlint\", \"version\": ", out);
    al_report_json_string(out, info->tool_version);
    fputs("},\n  \"as_of\": ", out);
    al_report_json_string(out, info->as_of);
    fputs(",\n  \"findings\": [", out);
    for (i = 0; i < fs->n; i++) {
        if (fs->v[i].severity == AL_SEV_NONE)
            continue;
        fputs(shown++ > 0 ? ",\n" : "\n", out);
        json_finding(out, &fs->v[i]);
    }
    fputs(shown > 0 ? "\n  ],\n" : "],\n", out);
    fprintf(out, "  \"summary\": {\"files\": %zu, \"errors\": %zu, "
            "\"warnings\": %zu, \"notes\": %zu}\n}\n", info->files,
            al_findings_count(fs, AL_SEV_ERROR),
            al_findings_count(fs, AL_SEV_WARNING),
            al_findings_count(fs, AL_SEV_NOTE));
    return done(out);
}

/* The formats other than text take no err stream. */
static int json(FILE *out, FILE *err, const struct al_findings *fs,
                const struct al_report_info *info)
{
    return al_report_json(out, fs, info);
}

static int sarif(FILE *out, FILE *err, const struct al_findings *fs,
                 const struct al_report_info *info)
{
    return al_report_sarif(out, fs, info);
}

static int github(FILE *out, FILE *err, const struct al_findings *fs,
                  const struct al_report_info *info)
{
    return al_report_github(out, fs, info);
}

static int junit(FILE *out, FILE *err, const struct al_findings *fs,
                 const struct al_report_info *info)
{
    return al_report_junit(out, fs, info);
}

static int markdown(FILE *out, FILE *err, const struct al_findings *fs,
                    const struct al_report_info *info)
{
    return al_report_markdown(out, fs, info);
}

static const struct format formats[] = {
    {"text", al_report_text}, {"json", json}, {"sarif", sarif},
    {"github", github}, {"junit", junit}, {"markdown", markdown},
};

/* Returns the format called name, or NULL. */
static const struct format *find_format(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (strcmp(formats[i].name, name) == 0)
            return &formats[i];
    }
    return NULL;
}

int al_report_known(const char *name)
{
    return find_format(name) != NULL;
}

const char *al_report_formats(void)
{
    return "text, json, sarif, github, junit, markdown";
}

int al_report_write(const char *format, FILE *out, FILE *err,
                    const struct al_findings *fs,
                    const struct al_report_info *info)
{
    const struct format *f = find_format(format);

    return f != NULL ? f->write(out, err, fs, info) : -1;
}
