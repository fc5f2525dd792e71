/*
 * report_sarif: findings as a SARIF 2.1.0 log for code-scanning services.
 */
#include "report.h"

#include <string.h>

#include "mem.h"

#define SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

/* Writes `"key": {"text": s}` at indent, with a leading ",\n". */
static void put_text_object(FILE *out, const char *indent, const char *key,
                            const char *s)
{
    fprintf(out, ",\n%s\"%s\": {\"text\": ", indent, key);
    al_report_json_string(out, s);
    putc('}', out);
}

/* Writes the defaultConfiguration that a configured severity implies. */
static void put_default_level(FILE *out, const char *severity)
{
    enum al_severity sev;

    if (severity == NULL || al_severity_parse(severity, &sev) < 0)
        return;
    fputs(",\n              \"defaultConfiguration\": ", out);
    if (sev == AL_SEV_NONE)
        fputs("{\"enabled\": false}", out);
    else
        fprintf(out, "{\"level\": \"%s\"}", al_severity_name(sev));
}

/*
 * Writes the help of a rule: its page as Markdown, which code scanning
 * shows, and as text only a pointer to the same page, so the file does
 * not carry every page twice.
 */
static void put_help(FILE *out, const char *indent, const char *id,
                     const char *help)
{
    fprintf(out, ",\n%s\"help\": {\"text\": ", indent);
    fputs("\"Run 'auditlint explain ", out);
    al_report_json_string_body(out, id);
    fputs("' for this rule's documentation.\", \"markdown\": ", out);
    al_report_json_string(out, help);
    putc('}', out);
}

/*
 * Writes one reportingDescriptor. The summary is the one line both
 * descriptions have; the help (the rule's page) goes only under help.
 */
static void put_rule(FILE *out, const struct al_report_rule *r)
{
    static const char in[] = "              ";
    const struct al_rule_info *info = r->info;

    fprintf(out, "%s{\n%s\"id\": ", in + 2, in);
    al_report_json_string(out, r->id);
    if (info != NULL && info->summary != NULL) {
        put_text_object(out, in, "shortDescription", info->summary);
        put_text_object(out, in, "fullDescription", info->summary);
    }
    if (info != NULL && info->help != NULL)
        put_help(out, in, r->id, info->help);
    if (info != NULL)
        put_default_level(out, info->severity);
    fprintf(out, "\n%s}", in + 2);
}

/* Writes the tool object with its driver and rules. */
static void put_tool(FILE *out, const struct al_report_rule *rules,
                     size_t nrules, const struct al_report_info *info)
{
    size_t i;

    fputs("      \"tool\": {\n        \"driver\": {\n"
          "          \"name\": \"auditlint\",\n", out);
    if (info->tool_version != NULL) {
        fputs("          \"version\": ", out);
        al_report_json_string(out, info->tool_version);
        fputs(",\n", out);
    }
    fputs("          \"rules\": [", out);
    for (i = 0; i < nrules; i++) {
        fputs(i > 0 ? ",\n" : "\n", out);
        put_rule(out, &rules[i]);
    }
    fputs(nrules > 0 ? "\n          ]\n" : "]\n", out);
    fputs("        }\n      },\n", out);
}

/* Writes a physicalLocation object on one line. */
static void put_physical(FILE *out, const struct al_loc *at)
{
    fputs("\"physicalLocation\": {\"artifactLocation\": {\"uri\": \"", out);
    al_report_uri(out, at->file);
    fputs("\", \"uriBaseId\": \"%SRCROOT%\"}", out);
    if (at->line > 0) {
        fprintf(out, ", \"region\": {\"startLine\": %u", at->line);
        if (at->col > 0)
            fprintf(out, ", \"startColumn\": %u", at->col);
        if (at->end_line > 0)
            fprintf(out, ", \"endLine\": %u", at->end_line);
        if (at->end_col > 0)
            fprintf(out, ", \"endColumn\": %u", at->end_col);
        putc('}', out);
    }
    putc('}', out);
}

/* Writes the relatedLocations array of f, ids counting from 1. */
static void put_related(FILE *out, const struct al_finding *f)
{
    size_t i;

    fputs(",\n          \"relatedLocations\": [", out);
    for (i = 0; i < f->nrelated; i++) {
        fprintf(out, "%s            {\"id\": %zu, ", i > 0 ? ",\n" : "\n",
                i + 1);
        put_physical(out, &f->related[i]);
        if (f->related[i].message != NULL) {
            fputs(", \"message\": {\"text\": ", out);
            al_report_json_string(out, f->related[i].message);
            putc('}', out);
        }
        putc('}', out);
    }
    fputs("\n          ]", out);
}

/* Writes the frameworks of f as result properties. */
static void put_frameworks(FILE *out, const struct al_finding *f)
{
    size_t i;

    fputs(",\n          \"properties\": {\"frameworks\": [", out);
    for (i = 0; i < f->nframeworks; i++) {
        fputs(i > 0 ? ", " : "", out);
        al_report_json_string(out, f->frameworks[i]);
    }
    fputs("]}", out);
}

/* Writes one result object. */
static void put_result(FILE *out, const struct al_finding *f, size_t index)
{
    fputs("        {\n          \"ruleId\": ", out);
    al_report_json_string(out, f->rule);
    fprintf(out, ",\n          \"ruleIndex\": %zu,\n"
            "          \"level\": \"%s\",\n"
            "          \"message\": {\"text\": ", index,
            al_severity_name(f->severity));
    al_report_json_string(out, f->message);
    fputs("},\n          \"locations\": [\n            {", out);
    put_physical(out, &f->at);
    fputs("}\n          ]", out);
    if (f->nrelated > 0)
        put_related(out, f);
    fputs(",\n          \"partialFingerprints\": "
          "{\"auditlintFingerprint/v1\": ", out);
    al_report_json_string(out, f->fingerprint);
    putc('}', out);
    if (f->nframeworks > 0)
        put_frameworks(out, f);
    fputs("\n        }", out);
}

/* Writes the results array. */
static void put_results(FILE *out, const struct al_findings *fs,
                        const struct al_report_rule *rules, size_t nrules)
{
    size_t i, shown = 0;

    fputs("      \"results\": [", out);
    for (i = 0; i < fs->n; i++) {
        const struct al_finding *f = &fs->v[i];

        if (f->severity == AL_SEV_NONE)
            continue;
        fputs(shown++ > 0 ? ",\n" : "\n", out);
        put_result(out, f, al_report_rule_index(rules, nrules, f->rule));
    }
    fputs(shown > 0 ? "\n      ]\n" : "]\n", out);
}

int al_report_sarif(FILE *out, const struct al_findings *fs,
                    const struct al_report_info *info)
{
    size_t nrules;
    struct al_report_rule *rules = al_report_rules(fs, info, &nrules);

    fputs("{\n  \"$schema\": \"" SCHEMA "\",\n  \"version\": \"2.1.0\",\n"
          "  \"runs\": [\n    {\n", out);
    put_tool(out, rules, nrules, info);
    if (info->root_uri != NULL) {
        fputs("      \"originalUriBaseIds\": "
              "{\"%SRCROOT%\": {\"uri\": ", out);
        al_report_json_string(out, info->root_uri);
        fputs("}},\n", out);
    }
    fputs("      \"columnKind\": \"unicodeCodePoints\",\n", out);
    put_results(out, fs, rules, nrules);
    fputs("    }\n  ]\n}\n", out);
    al_free(rules);
    return fflush(out) != 0 || ferror(out) ? -1 : 0;
}
