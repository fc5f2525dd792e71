/*
 * Tests for core/report*.c: every reporter's exact bytes for small
 * inputs, the escaping each consumer needs, and the shared helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "report.h"

/* Output captured in memory (open_memstream allocates with libc). */
struct cap {
    char *buf;
    size_t len;
    FILE *f;
};

static FILE *cap_open(struct cap *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
    return c->f;
}

/* Closes c, compares its bytes with want, frees the buffer. */
static void cap_check(struct cap *c, const char *want)
{
    fclose(c->f);
    assert_string_equal(c->buf, want);
    assert_int_equal(c->len, strlen(want));
    free(c->buf);
}

static const struct al_rule_info rules[] = {
    {"vague-language", "off", "no vague words", NULL},
    {"stricter-frequency", "warning", "the stricter frequency wins",
     "Use the stricter of two frequencies."},
};

static struct al_report_info info_default(void)
{
    struct al_report_info info = {
        "0.1.0", "2026-12-01", 22, 0, NULL, NULL, rules, 2
    };

    return info;
}

/* The two findings of STYLE.md's example, finished. */
static void two(struct al_findings *fs)
{
    struct al_finding *f;

    al_findings_init(fs);
    f = al_findings_add(fs, "stricter-frequency", AL_SEV_WARNING,
                        "policies/access.md", 7, 19,
                        "access reviews run 'annual' but ISO 27001 "
                        "A.5.18 expects 'quarterly'");
    f->at.end_line = 7;
    f->at.end_col = 25;
    al_finding_relate(f, "policies/access.md", 3, 1,
                      "the stricter expectation comes from this mapping");
    al_finding_framework(f, "soc2:CC6.2");
    al_finding_framework(f, "iso27001:A.5.18");
    al_finding_key(f, "access-review");
    f = al_findings_add(fs, "iso2013-id", AL_SEV_ERROR, "controls.yml", 14,
                        9, "'A.9.2.3' is an ISO 27001:2013 id; in 2022 it "
                        "is 'A.8.2'");
    al_finding_key(f, "A.9.2.3");
    al_findings_finish(fs);
}

#define LINE1 "controls.yml:14:9: error: 'A.9.2.3' is an ISO 27001:2013 " \
    "id; in 2022 it is 'A.8.2' [iso2013-id]\n"
#define LINE2 "policies/access.md:7:19: warning: access reviews run " \
    "'annual' but ISO 27001 A.5.18 expects 'quarterly' " \
    "[stricter-frequency]\n"
#define LINE3 "policies/access.md:3:1: note: the stricter expectation " \
    "comes from this mapping\n"

static void test_report_text_plain(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct cap out, err;

    two(&fs);
    assert_int_equal(al_report_text(cap_open(&out), cap_open(&err), &fs,
                                    &info), 0);
    cap_check(&out, LINE1 LINE2 LINE3);
    cap_check(&err, "auditlint: 1 error, 1 warning in 22 files\n");
    al_findings_release(&fs);
}

static void test_report_text_color(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct cap out, err;

    two(&fs);
    info.color = 1;
    al_report_text(cap_open(&out), cap_open(&err), &fs, &info);
    cap_check(&out,
              "\033[1mcontrols.yml:14:9:\033[0m \033[1;31merror:\033[0m "
              "'A.9.2.3' is an ISO 27001:2013 id; in 2022 it is 'A.8.2' "
              "\033[2m[iso2013-id]\033[0m\n"
              "\033[1mpolicies/access.md:7:19:\033[0m "
              "\033[1;35mwarning:\033[0m access reviews run 'annual' but "
              "ISO 27001 A.5.18 expects 'quarterly' "
              "\033[2m[stricter-frequency]\033[0m\n"
              "\033[1mpolicies/access.md:3:1:\033[0m \033[1;36mnote:\033[0m"
              " the stricter expectation comes from this mapping\n");
    cap_check(&err, "auditlint: 1 error, 1 warning in 22 files\n");
    al_findings_release(&fs);
}

/* Runs the text reporter on fs for files and checks the summary line. */
static void check_summary(const struct al_findings *fs, size_t files,
                          const char *want)
{
    struct al_report_info info = info_default();
    struct cap out, err;

    info.files = files;
    al_report_text(cap_open(&out), cap_open(&err), fs, &info);
    fclose(out.f);
    free(out.buf);
    cap_check(&err, want);
}

static void test_report_text_summary_counts(void **state)
{
    struct al_findings fs;

    al_findings_init(&fs);
    check_summary(&fs, 1, "auditlint: no findings in 1 file\n");
    check_summary(&fs, 0, "auditlint: no findings in 0 files\n");
    al_findings_add(&fs, "r", AL_SEV_ERROR, "a", 1, 1, "x");
    al_findings_add(&fs, "r", AL_SEV_ERROR, "a", 2, 1, "x");
    al_findings_add(&fs, "r", AL_SEV_NOTE, "a", 3, 1, "x");
    check_summary(&fs, 3, "auditlint: 2 errors, 1 note in 3 files\n");
    al_findings_add(&fs, "r", AL_SEV_WARNING, "a", 4, 1, "x");
    al_findings_add(&fs, "r", AL_SEV_WARNING, "a", 5, 1, "x");
    al_findings_add(&fs, "r", AL_SEV_NOTE, "a", 6, 1, "x");
    check_summary(&fs, 22,
                  "auditlint: 2 errors, 2 warnings, 2 notes in 22 files\n");
    al_findings_release(&fs);
}

static void test_report_text_controls_and_missing_positions(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct cap out, err;
    struct al_finding *f;

    al_findings_init(&fs);
    al_findings_add(&fs, "r", AL_SEV_WARNING, "a.yml", 0, 0, "whole file");
    f = al_findings_add(&fs, "r", AL_SEV_WARNING, "a.yml", 3, 0,
                        "a\tb\nc\033[0m\xc2\x9b\xff \xc3\xa9");
    al_finding_relate(f, "b\n.yml", 4, 2, NULL);
    al_findings_finish(&fs);
    al_report_text(cap_open(&out), cap_open(&err), &fs, &info);
    cap_check(&out, "a.yml: warning: whole file [r]\n"
              "a.yml:3: warning: a b?c?[0m?? \xc3\xa9 [r]\n"
              "b?.yml:4:2: note: related location\n");
    cap_check(&err, "auditlint: 2 warnings in 22 files\n");
    al_findings_release(&fs);
}

static void test_report_json_shape(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct cap out;

    two(&fs);
    assert_int_equal(al_report_json(cap_open(&out), &fs, &info), 0);
    cap_check(&out,
"{\n"
"  \"tool\": {\"name\": \"auditlint\", \"version\": \"0.1.0\"},\n"
"  \"as_of\": \"2026-12-01\",\n"
"  \"findings\": [\n"
"    {\n"
"      \"rule\": \"iso2013-id\",\n"
"      \"severity\": \"error\",\n"
"      \"message\": \"'A.9.2.3' is an ISO 27001:2013 id; in 2022 it is "
"'A.8.2'\",\n"
"      \"file\": \"controls.yml\",\n"
"      \"line\": 14, \"column\": 9,\n"
"      \"frameworks\": [],\n"
"      \"related\": [],\n"
"      \"fingerprint\": \"efc3d46b07afca21\"\n"
"    },\n"
"    {\n"
"      \"rule\": \"stricter-frequency\",\n"
"      \"severity\": \"warning\",\n"
"      \"message\": \"access reviews run 'annual' but ISO 27001 A.5.18 "
"expects 'quarterly'\",\n"
"      \"file\": \"policies/access.md\",\n"
"      \"line\": 7, \"column\": 19, \"end_line\": 7, \"end_column\": 25,\n"
"      \"frameworks\": [\"iso27001:A.5.18\", \"soc2:CC6.2\"],\n"
"      \"related\": [{\"file\": \"policies/access.md\", \"line\": 3, "
"\"column\": 1, \"message\": \"the stricter expectation comes from this "
"mapping\"}],\n"
"      \"fingerprint\": \"f82c172ada1a1065\"\n"
"    }\n"
"  ],\n"
"  \"summary\": {\"files\": 22, \"errors\": 1, \"warnings\": 1, "
"\"notes\": 0}\n"
"}\n");
    al_findings_release(&fs);
}

static void test_report_json_empty_and_nulls(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct cap out;
    struct al_finding *f;

    al_findings_init(&fs);
    info.as_of = NULL;
    info.files = 0;
    assert_int_equal(al_report_json(cap_open(&out), &fs, &info), 0);
    cap_check(&out,
              "{\n"
              "  \"tool\": {\"name\": \"auditlint\", \"version\": "
              "\"0.1.0\"},\n"
              "  \"as_of\": null,\n"
              "  \"findings\": [],\n"
              "  \"summary\": {\"files\": 0, \"errors\": 0, \"warnings\": 0,"
              " \"notes\": 0}\n"
              "}\n");

    f = al_findings_add(&fs, "r", AL_SEV_NOTE, "a", 2, 3, "m");
    f->at.end_col = 9;
    al_finding_relate(f, "b", 1, 1, NULL);
    al_findings_finish(&fs);
    al_report_json(cap_open(&out), &fs, &info);
    assert_non_null(strstr(out.buf, "\"line\": 2, \"column\": 3, "
                           "\"end_column\": 9,\n"));
    assert_non_null(strstr(out.buf, "\"column\": 1, \"message\": null}]"));
    fclose(out.f);
    free(out.buf);
    al_findings_release(&fs);
}

static void test_report_json_string_escapes(void **state)
{
    struct cap out;

    al_report_json_string(cap_open(&out),
                          "q\"b\\s/\x01\n\x1f\x7f \xc3\xa9 \xf0\x9f\x98\x80"
                          " \xff \xe0\x80\x80 \xed\xa0\x80 \xc3");
    cap_check(&out, "\"q\\\"b\\\\s/\\u0001\\u000a\\u001f\\u007f \xc3\xa9 "
              "\xf0\x9f\x98\x80 \\ufffd \\ufffd\\ufffd\\ufffd "
              "\\ufffd\\ufffd\\ufffd \\ufffd\"");
    al_report_json_string(cap_open(&out), NULL);
    cap_check(&out, "null");
    al_report_json_string(cap_open(&out), "");
    cap_check(&out, "\"\"");
}

static void test_report_utf8_decodes(void **state)
{
    size_t len;

    assert_int_equal(al_report_utf8("A", &len), 'A');
    assert_int_equal(len, 1);
    assert_int_equal(al_report_utf8("\xc3\xa9", &len), 0xe9);
    assert_int_equal(len, 2);
    assert_int_equal(al_report_utf8("\xe2\x82\xac", &len), 0x20ac);
    assert_int_equal(len, 3);
    assert_int_equal(al_report_utf8("\xf4\x8f\xbf\xbf", &len), 0x10ffff);
    assert_int_equal(len, 4);
    assert_int_equal(al_report_utf8("\xc0\xaf", &len), -1);
    assert_int_equal(len, 1);
    assert_int_equal(al_report_utf8("\xe0\x9f\xbf", &len), -1);
    assert_int_equal(al_report_utf8("\xf0\x8f\xbf\xbf", &len), -1);
    assert_int_equal(al_report_utf8("\xed\xb0\x80", &len), -1);
    assert_int_equal(al_report_utf8("\xf4\x90\x80\x80", &len), -1);
    assert_int_equal(al_report_utf8("\xe2\x82", &len), -1);
    assert_int_equal(al_report_utf8("\x80", &len), -1);
    assert_int_equal(len, 1);
}

static void test_report_uri_encodes(void **state)
{
    struct cap out;

    al_report_uri(cap_open(&out), "dir name/\xc3\xa4(1):x#y%z?.yml");
    cap_check(&out, "dir%20name/%C3%A4%281%29%3Ax%23y%25z%3F.yml");
    al_report_uri(cap_open(&out), "a-b_c.d~e/f+g,h;i=j@k!l$m&n.yml");
    cap_check(&out, "a-b_c.d~e/f+g,h;i=j@k!l$m&n.yml");
}

static void test_report_sarif_log(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct cap out;

    two(&fs);
    info.root_uri = "file:///work/repo/";
    assert_int_equal(al_report_sarif(cap_open(&out), &fs, &info), 0);
    cap_check(&out,
"{\n"
"  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
"  \"version\": \"2.1.0\",\n"
"  \"runs\": [\n"
"    {\n"
"      \"tool\": {\n"
"        \"driver\": {\n"
"          \"name\": \"auditlint\",\n"
"          \"version\": \"0.1.0\",\n"
"          \"rules\": [\n"
"            {\n"
"              \"id\": \"iso2013-id\"\n"
"            },\n"
"            {\n"
"              \"id\": \"stricter-frequency\",\n"
"              \"shortDescription\": {\"text\": \"the stricter frequency "
"wins\"},\n"
"              \"fullDescription\": {\"text\": \"the stricter frequency "
"wins\"},\n"
"              \"help\": {\"text\": \"Run 'auditlint explain "
"stricter-frequency' for this rule's documentation.\", "
"\"markdown\": \"Use the stricter of two frequencies.\"},\n"
"              \"defaultConfiguration\": {\"level\": \"warning\"}\n"
"            },\n"
"            {\n"
"              \"id\": \"vague-language\",\n"
"              \"shortDescription\": {\"text\": \"no vague words\"},\n"
"              \"fullDescription\": {\"text\": \"no vague words\"},\n"
"              \"defaultConfiguration\": {\"enabled\": false}\n"
"            }\n"
"          ]\n"
"        }\n"
"      },\n"
"      \"originalUriBaseIds\": {\"%SRCROOT%\": {\"uri\": "
"\"file:///work/repo/\"}},\n"
"      \"columnKind\": \"unicodeCodePoints\",\n"
"      \"results\": [\n"
"        {\n"
"          \"ruleId\": \"iso2013-id\",\n"
"          \"ruleIndex\": 0,\n"
"          \"level\": \"error\",\n"
"          \"message\": {\"text\": \"'A.9.2.3' is an ISO 27001:2013 id; in "
"2022 it is 'A.8.2'\"},\n"
"          \"locations\": [\n"
"            {\"physicalLocation\": {\"artifactLocation\": {\"uri\": "
"\"controls.yml\", \"uriBaseId\": \"%SRCROOT%\"}, \"region\": "
"{\"startLine\": 14, \"startColumn\": 9}}}\n"
"          ],\n"
"          \"partialFingerprints\": {\"auditlintFingerprint/v1\": "
"\"efc3d46b07afca21\"}\n"
"        },\n"
"        {\n"
"          \"ruleId\": \"stricter-frequency\",\n"
"          \"ruleIndex\": 1,\n"
"          \"level\": \"warning\",\n"
"          \"message\": {\"text\": \"access reviews run 'annual' but ISO "
"27001 A.5.18 expects 'quarterly'\"},\n"
"          \"locations\": [\n"
"            {\"physicalLocation\": {\"artifactLocation\": {\"uri\": "
"\"policies/access.md\", \"uriBaseId\": \"%SRCROOT%\"}, \"region\": "
"{\"startLine\": 7, \"startColumn\": 19, \"endLine\": 7, \"endColumn\": "
"25}}}\n"
"          ],\n"
"          \"relatedLocations\": [\n"
"            {\"id\": 1, \"physicalLocation\": {\"artifactLocation\": "
"{\"uri\": \"policies/access.md\", \"uriBaseId\": \"%SRCROOT%\"}, "
"\"region\": {\"startLine\": 3, \"startColumn\": 1}}, \"message\": "
"{\"text\": \"the stricter expectation comes from this mapping\"}}\n"
"          ],\n"
"          \"partialFingerprints\": {\"auditlintFingerprint/v1\": "
"\"f82c172ada1a1065\"},\n"
"          \"properties\": {\"frameworks\": [\"iso27001:A.5.18\", "
"\"soc2:CC6.2\"]}\n"
"        }\n"
"      ]\n"
"    }\n"
"  ]\n"
"}\n");
    al_findings_release(&fs);
}

static void test_report_sarif_empty_run(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct cap out;

    al_findings_init(&fs);
    info.nrules = 0;
    info.tool_version = NULL;
    al_report_sarif(cap_open(&out), &fs, &info);
    cap_check(&out,
              "{\n"
              "  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0."
              "json\",\n"
              "  \"version\": \"2.1.0\",\n"
              "  \"runs\": [\n"
              "    {\n"
              "      \"tool\": {\n"
              "        \"driver\": {\n"
              "          \"name\": \"auditlint\",\n"
              "          \"rules\": []\n"
              "        }\n"
              "      },\n"
              "      \"columnKind\": \"unicodeCodePoints\",\n"
              "      \"results\": []\n"
              "    }\n"
              "  ]\n"
              "}\n");
}

static void test_report_sarif_uri_and_region_edges(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct cap out;

    al_findings_init(&fs);
    al_findings_add(&fs, "r", AL_SEV_NOTE, "my docs/a:b.md", 0, 0, "m");
    al_findings_finish(&fs);
    al_report_sarif(cap_open(&out), &fs, &info);
    assert_non_null(strstr(out.buf, "{\"physicalLocation\": "
                           "{\"artifactLocation\": {\"uri\": "
                           "\"my%20docs/a%3Ab.md\", \"uriBaseId\": "
                           "\"%SRCROOT%\"}}}\n"));
    assert_non_null(strstr(out.buf, "\"ruleIndex\": 0,\n"
                           "          \"level\": \"note\",\n"));
    fclose(out.f);
    free(out.buf);
    al_findings_release(&fs);
}

static void test_report_github_commands(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct cap out;

    two(&fs);
    al_findings_add(&fs, "r", AL_SEV_NOTE, "a,b:c%.yml", 1, 0,
                    "50% done\r\nnext: a,b");
    assert_int_equal(al_report_github(cap_open(&out), &fs, &info), 0);
    cap_check(&out,
              "::error file=controls.yml,line=14,col=9,title=iso2013-id::"
              "'A.9.2.3' is an ISO 27001:2013 id; in 2022 it is 'A.8.2'\n"
              "::warning file=policies/access.md,line=7,col=19,"
              "title=stricter-frequency::access reviews run 'annual' but "
              "ISO 27001 A.5.18 expects 'quarterly'%0Apolicies/access.md:"
              "3:1: note: the stricter expectation comes from this "
              "mapping\n"
              "::notice file=a%2Cb%3Ac%25.yml,line=1,title=r::50%25 done"
              "%0D%0Anext: a,b\n");
    al_findings_release(&fs);
}

/* Returns how many lines of s start with prefix. */
static size_t count_lines(const char *s, const char *prefix)
{
    size_t n = 0;

    while (s != NULL && *s != '\0') {
        n += strncmp(s, prefix, strlen(prefix)) == 0;
        s = strchr(s, '\n');
        if (s != NULL)
            s++;
    }
    return n;
}

/* Adds n findings of sev, each on its own line of "f.yml". */
static void add_many(struct al_findings *fs, enum al_severity sev, int n)
{
    char msg[32];
    int i;

    for (i = 0; i < n; i++) {
        snprintf(msg, sizeof(msg), "%s %d", al_severity_name(sev), i);
        al_findings_add(fs, "r", sev, "f.yml", (unsigned)fs->n + 1, 1, msg);
    }
}

/* Runs the GitHub reporter on e errors, w warnings and n notes. */
static void check_limits(int e, int w, int n, size_t want_e, size_t want_w,
                         size_t want_n, const char *tail)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct cap out;

    al_findings_init(&fs);
    add_many(&fs, AL_SEV_ERROR, e);
    add_many(&fs, AL_SEV_WARNING, w);
    add_many(&fs, AL_SEV_NOTE, n);
    al_findings_finish(&fs);
    al_report_github(cap_open(&out), &fs, &info);
    fclose(out.f);
    assert_int_equal(count_lines(out.buf, "::error file="), want_e);
    assert_int_equal(count_lines(out.buf, "::warning file="), want_w);
    assert_int_equal(count_lines(out.buf, "::notice file="), want_n);
    if (tail != NULL)
        assert_string_equal(strstr(out.buf, "::warning::"), tail);
    else
        assert_null(strstr(out.buf, "::warning::"));
    free(out.buf);
    al_findings_release(&fs);
}

static void test_report_github_annotation_limits(void **state)
{
    check_limits(10, 10, 10, 10, 10, 10, NULL);
    check_limits(0, 11, 0, 0, 9, 0,
                 "::warning::auditlint: 2 more findings were not annotated "
                 "(GitHub shows 10 of each severity per step); run with "
                 "--format text to list all\n");
    check_limits(12, 10, 3, 10, 9, 3,
                 "::warning::auditlint: 3 more findings were not annotated "
                 "(GitHub shows 10 of each severity per step); run with "
                 "--format text to list all\n");
    check_limits(1, 0, 11, 1, 0, 10,
                 "::warning::auditlint: 1 more finding was not annotated "
                 "(GitHub shows 10 of each severity per step); run with "
                 "--format text to list all\n");
}

static void test_report_junit_suite(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct cap out;

    two(&fs);
    al_findings_add(&fs, "iso2013-id", AL_SEV_NOTE, "controls.yml", 20, 3,
                    "second");
    al_findings_finish(&fs);
    assert_int_equal(al_report_junit(cap_open(&out), &fs, &info), 0);
    cap_check(&out,
"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
"<testsuites name=\"auditlint\" tests=\"3\" failures=\"2\" errors=\"0\" "
"skipped=\"1\">\n"
"  <testsuite name=\"auditlint\" tests=\"3\" failures=\"2\" errors=\"0\" "
"skipped=\"1\">\n"
"    <testcase classname=\"iso2013-id\" name=\"controls.yml\">\n"
"      <failure message=\"2 findings\" type=\"error\">controls.yml:14:9: "
"error: 'A.9.2.3' is an ISO 27001:2013 id; in 2022 it is 'A.8.2'\n"
"controls.yml:20:3: note: second\n"
"</failure>\n"
"    </testcase>\n"
"    <testcase classname=\"stricter-frequency\" name=\"policies/access.md\">"
"\n"
"      <failure message=\"access reviews run 'annual' but ISO 27001 A.5.18 "
"expects 'quarterly'\" type=\"warning\">policies/access.md:7:19: warning: "
"access reviews run 'annual' but ISO 27001 A.5.18 expects 'quarterly'\n"
"policies/access.md:3:1: note: the stricter expectation comes from this "
"mapping\n"
"</failure>\n"
"    </testcase>\n"
"    <testcase classname=\"vague-language\" name=\"all files\">\n"
"      <skipped message=\"rule is off\"/>\n"
"    </testcase>\n"
"  </testsuite>\n"
"</testsuites>\n");
    al_findings_release(&fs);
}

static void test_report_junit_passes_and_escapes(void **state)
{
    struct al_findings fs;
    struct al_rule_info one[] = {{"clean-rule", "error", NULL, NULL}};
    struct al_report_info info = info_default();
    struct cap out;

    al_findings_init(&fs);
    al_findings_add(&fs, "r", AL_SEV_WARNING, "a&b.yml", 2, 1,
                    "<x> & \"y\"\ta\nb\rc\x01\xff]]>");
    al_findings_finish(&fs);
    info.rules = one;
    info.nrules = 1;
    al_report_junit(cap_open(&out), &fs, &info);
    cap_check(&out,
"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
"<testsuites name=\"auditlint\" tests=\"2\" failures=\"1\" errors=\"0\" "
"skipped=\"0\">\n"
"  <testsuite name=\"auditlint\" tests=\"2\" failures=\"1\" errors=\"0\" "
"skipped=\"0\">\n"
"    <testcase classname=\"clean-rule\" name=\"all files\"/>\n"
"    <testcase classname=\"r\" name=\"a&amp;b.yml\">\n"
"      <failure message=\"&lt;x&gt; &amp; &quot;y&quot;&#9;a&#10;b&#13;c"
"\xef\xbf\xbd\xef\xbf\xbd]]&gt;\" type=\"warning\">a&amp;b.yml:2:1: "
"warning: &lt;x&gt; &amp; \"y\"\ta\nb&#13;c\xef\xbf\xbd\xef\xbf\xbd]]&gt;\n"
"</failure>\n"
"    </testcase>\n"
"  </testsuite>\n"
"</testsuites>\n");
    al_findings_release(&fs);
}

static void test_report_markdown_with_links(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct cap out;

    two(&fs);
    info.base_url = "https://github.com/o/r/blob/main/";
    assert_int_equal(al_report_markdown(cap_open(&out), &fs, &info), 0);
    cap_check(&out,
"## auditlint\n"
"\n"
"1 error, 1 warning in 22 files, as of 2026-12-01.\n"
"\n"
"| severity | findings |\n"
"|---|---:|\n"
"| error | 1 |\n"
"| warning | 1 |\n"
"| note | 0 |\n"
"\n"
"| rule | findings | summary |\n"
"|---|---:|---|\n"
"| `iso2013-id` | 1 |  |\n"
"| `stricter-frequency` | 1 | the stricter frequency wins |\n"
"\n"
"### controls.yml\n"
"\n"
"- **error** [controls.yml:14:9](https://github.com/o/r/blob/main/"
"controls.yml#L14): 'A.9.2.3' is an ISO 27001:2013 id; in 2022 it is "
"'A.8.2' (`iso2013-id`)\n"
"\n"
"### policies/access.md\n"
"\n"
"- **warning** [policies/access.md:7:19](https://github.com/o/r/blob/main/"
"policies/access.md#L7): access reviews run 'annual' but ISO 27001 A.5.18 "
"expects 'quarterly' (`stricter-frequency`)\n"
"  - note: [policies/access.md:3:1](https://github.com/o/r/blob/main/"
"policies/access.md#L3): the stricter expectation comes from this "
"mapping\n");
    al_findings_release(&fs);
}

static void test_report_markdown_plain_and_escaped(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct cap out;

    al_findings_init(&fs);
    info.files = 1;
    info.as_of = NULL;
    al_report_markdown(cap_open(&out), &fs, &info);
    cap_check(&out, "## auditlint\n\nNo findings in 1 file.\n");

    al_findings_add(&fs, "r", AL_SEV_NOTE, "my_file.md", 4, 0,
                    "*bold* [x](y) <b> | $a$ a\nb \xff "
                    "\xc4\xa3\xe4\xb8\xad");
    al_findings_finish(&fs);
    info.base_url = "https://h/x (1)";
    al_report_markdown(cap_open(&out), &fs, &info);
    assert_non_null(strstr(out.buf, "\n### my\\_file.md\n\n- **note** "
                           "[my\\_file.md:4](https://h/x%20%281%29/"
                           "my_file.md#L4): \\*bold\\* \\[x\\](y) \\<b\\> "
                           "\\| \\$a\\$ a b \xef\xbf\xbd "
                           "\xc4\xa3\xe4\xb8\xad (`r`)\n"));
    fclose(out.f);
    free(out.buf);
    al_findings_release(&fs);
}

static void test_report_write_dispatches(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct cap a, b, err;

    two(&fs);
    assert_true(al_report_known("text"));
    assert_true(al_report_known("markdown"));
    assert_false(al_report_known("xml"));
    assert_string_equal(al_report_formats(),
                        "text, json, sarif, github, junit, markdown");
    assert_int_equal(al_report_write("xml", stdout, stderr, &fs, &info), -1);
    al_report_write("junit", cap_open(&a), stderr, &fs, &info);
    al_report_junit(cap_open(&b), &fs, &info);
    fclose(b.f);
    cap_check(&a, b.buf);
    free(b.buf);
    al_report_write("text", cap_open(&a), cap_open(&err), &fs, &info);
    cap_check(&a, LINE1 LINE2 LINE3);
    cap_check(&err, "auditlint: 1 error, 1 warning in 22 files\n");
    assert_int_equal(al_report_write("text", cap_open(&a), NULL, &fs,
                                     &info), 0);
    cap_check(&a, LINE1 LINE2 LINE3);
    al_findings_release(&fs);
}

static void test_report_write_failure_returns_minus_one(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    const char *names[] = {"json", "sarif", "github", "junit", "markdown"};
    FILE *ro = fopen("/dev/null", "r");
    struct cap out, err;
    size_t i;

    assert_non_null(ro);
    two(&fs);
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        clearerr(ro);
        assert_int_equal(al_report_write(names[i], ro, ro, &fs, &info), -1);
    }
    clearerr(ro);
    assert_int_equal(al_report_text(ro, cap_open(&err), &fs, &info), -1);
    cap_check(&err, "auditlint: 1 error, 1 warning in 22 files\n");
    clearerr(ro);
    assert_int_equal(al_report_text(cap_open(&out), ro, &fs, &info), -1);
    cap_check(&out, LINE1 LINE2 LINE3);
    fclose(ro);
    al_findings_release(&fs);
}

static void test_report_skips_severity_off(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct cap out, err;

    al_findings_init(&fs);
    al_findings_add(&fs, "hidden", AL_SEV_NONE, "a", 1, 1, "off");
    al_findings_finish(&fs);
    info.nrules = 0;
    al_report_text(cap_open(&out), cap_open(&err), &fs, &info);
    cap_check(&out, "");
    cap_check(&err, "auditlint: no findings in 22 files\n");
    al_report_github(cap_open(&out), &fs, &info);
    cap_check(&out, "");
    al_report_json(cap_open(&out), &fs, &info);
    assert_non_null(strstr(out.buf, "\"findings\": [],\n"));
    fclose(out.f);
    free(out.buf);
    al_report_sarif(cap_open(&out), &fs, &info);
    assert_null(strstr(out.buf, "hidden"));
    fclose(out.f);
    free(out.buf);
    al_findings_release(&fs);
}

static void test_report_rules_union_sorted(void **state)
{
    struct al_findings fs;
    struct al_report_info info = info_default();
    struct al_report_rule *v;
    size_t n;

    two(&fs);
    v = al_report_rules(&fs, &info, &n);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].id, "iso2013-id");
    assert_null(v[0].info);
    assert_string_equal(v[1].id, "stricter-frequency");
    assert_ptr_equal(v[1].info, &rules[1]);
    assert_string_equal(v[2].id, "vague-language");
    assert_int_equal(al_report_rule_index(v, n, "vague-language"), 2);
    assert_int_equal(al_report_rule_index(v, n, "iso2013-id"), 0);
    assert_int_equal(al_report_rule_index(v, n, "missing"), 3);
    al_free(v);
    al_findings_release(&fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_text_plain),
        cmocka_unit_test(test_report_text_color),
        cmocka_unit_test(test_report_text_summary_counts),
        cmocka_unit_test(test_report_text_controls_and_missing_positions),
        cmocka_unit_test(test_report_json_shape),
        cmocka_unit_test(test_report_json_empty_and_nulls),
        cmocka_unit_test(test_report_json_string_escapes),
        cmocka_unit_test(test_report_utf8_decodes),
        cmocka_unit_test(test_report_uri_encodes),
        cmocka_unit_test(test_report_sarif_log),
        cmocka_unit_test(test_report_sarif_empty_run),
        cmocka_unit_test(test_report_sarif_uri_and_region_edges),
        cmocka_unit_test(test_report_github_commands),
        cmocka_unit_test(test_report_github_annotation_limits),
        cmocka_unit_test(test_report_junit_suite),
        cmocka_unit_test(test_report_junit_passes_and_escapes),
        cmocka_unit_test(test_report_markdown_with_links),
        cmocka_unit_test(test_report_markdown_plain_and_escaped),
        cmocka_unit_test(test_report_write_dispatches),
        cmocka_unit_test(test_report_write_failure_returns_minus_one),
        cmocka_unit_test(test_report_skips_severity_off),
        cmocka_unit_test(test_report_rules_union_sorted),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
