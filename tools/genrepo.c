/*
 * genrepo: writes a synthetic compliance repository for the benchmark
 * (tools/bench.sh), in the shapes of FORMATS.md sections 3-6.
 *
 * usage: genrepo DIR N_CONTROLS
 *
 * For N controls it writes, under DIR (created):
 *   controls/<domain>-K.yml     100 controls a file, one domain a file
 *   evidence/<domain>-K.yml     one evidence record per control
 *   policies/, standards/, procedures/
 *                               one Markdown document per 20 controls,
 *                               front matter and ~2 KB of prose
 *   records/                    internal audit and management review
 *   systems.yml scope.yml soa.yml risks.yml vendors.yml isms.yml
 *   .auditlint.yml README.md
 * Requirement ids are real SOC 2 (TSC 2017) and ISO/IEC 27001:2022 ids.
 * Every 1000 controls carry the same deliberate defects, at offsets 250
 * (no owner), 550 (the id of the control before it), 750 (a reference
 * to a document that does not exist) and 900 (a frequency that is not
 * one); the SOC 2 scope names a location outside the ISMS scope; a few
 * evidence records and documents are stale on 2026-12-01.
 *
 * The output depends on N only: a fixed-seed generator, no clock. Prints
 * 'genrepo: DIR: N controls, F files, B bytes' when done; exit status 0,
 * 1 when a file cannot be written, 2 on usage.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define PER_FILE 100            /* controls in one controls file */
#define PER_DOC 20              /* controls covered by one document */
#define NANNEX 93               /* ISO 27001:2022 Annex A controls */
#define MAX_IMPL 3              /* controls listed per SoA entry */

/* One area of the control set: what its controls and documents say. */
struct domain {
    const char *prefix, *slug, *name, *policy, *freq;
    const char *soc2[9];             /* NULL-terminated */
    const char *iso[9];              /* NULL-terminated */
    const char *titles[4];      /* '@' stands for a system name */
};

static const struct domain domains[] = {
    {"AC", "access-control", "access control", "Access Control",
     "quarterly", {"CC6.1", "CC6.2", "CC6.3"},
     {"A.5.15", "A.5.16", "A.5.17", "A.5.18", "A.8.2", "A.8.3", "A.8.5"},
     {"User access review for @", "MFA enforced on @",
      "Privileged access to @ approved before grant",
      "Access to @ revoked on termination"}},
    {"CM", "change-management", "change management", "Change Management",
     "continuous", {"CC8.1", "CC7.1"}, {"A.8.32", "A.8.9", "A.8.19"},
     {"Changes to @ peer reviewed", "Emergency changes to @ approved",
      "Configuration baseline of @ monitored",
      "Production deploys of @ through CI only"}},
    {"IR", "incident-response", "incident response",
     "Incident Response", "annual", {"CC7.3", "CC7.4", "CC7.5"},
     {"A.5.24", "A.5.25", "A.5.26", "A.5.27", "A.5.28", "A.6.8"},
     {"Incidents in @ triaged within one hour",
      "Incident response plan for @ tested",
      "Post-incident review for @", "Security events in @ reported"}},
    {"BC", "business-continuity", "business continuity",
     "Business Continuity", "annual", {"A1.2", "A1.3", "CC7.5", "CC9.1"},
     {"A.5.29", "A.5.30", "A.8.13", "A.8.14"},
     {"Backups of @ taken daily", "Restore of @ tested",
      "Disaster recovery plan for @ exercised",
      "Capacity of @ monitored"}},
    {"VM", "vulnerability-management", "vulnerability management",
     "Vulnerability Management", "monthly", {"CC7.1", "CC7.2"},
     {"A.8.8", "A.8.7", "A.8.29"},
     {"Vulnerability scan of @", "Critical patches applied to @",
      "Penetration test of @", "Malware protection on @"}},
    {"LM", "logging-monitoring", "logging and monitoring",
     "Logging and Monitoring", "continuous", {"CC7.2", "CC4.1"},
     {"A.8.15", "A.8.16", "A.8.17"},
     {"Audit logs of @ retained", "Alerts from @ reviewed",
      "Clock of @ synchronised", "Log integrity of @ protected"}},
    {"HR", "human-resources", "human resources security",
     "Human Resources Security", "annual",
     {"CC1.1", "CC1.4", "CC2.2", "CC1.5"},
     {"A.6.1", "A.6.2", "A.6.3", "A.6.4", "A.6.5", "A.6.6"},
     {"Background checks for staff with access to @",
      "Security awareness training for @ users",
      "Confidentiality agreement for @ administrators",
      "Disciplinary process covers misuse of @"}},
    {"SV", "supplier-management", "supplier management",
     "Supplier Management", "annual", {"CC9.2"},
     {"A.5.19", "A.5.20", "A.5.21", "A.5.22", "A.5.23"},
     {"Suppliers of @ assessed", "Contracts for @ include security terms",
      "Subprocessor reports for @ reviewed",
      "Cloud services behind @ approved"}},
    {"AM", "asset-management", "asset management", "Asset Management",
     "quarterly", {"CC6.1", "CC6.5"},
     {"A.5.9", "A.5.10", "A.5.11", "A.7.10", "A.7.14"},
     {"@ recorded in the asset inventory", "Acceptable use of @ signed",
      "Assets of @ returned on exit", "Media from @ securely disposed"}},
    {"CR", "cryptography", "cryptography", "Cryptography", "annual",
     {"CC6.1", "CC6.7", "C1.1"}, {"A.8.24"},
     {"Data at rest in @ encrypted", "TLS enforced for @",
      "Keys of @ rotated", "Secrets of @ stored in the vault"}},
    {"NS", "network-security", "network security", "Network Security",
     "semiannual", {"CC6.6"}, {"A.8.20", "A.8.21", "A.8.22", "A.8.23"},
     {"Firewall rules of @ reviewed", "@ segmented from corporate network",
      "Web filtering for @", "Remote access to @ through the VPN"}},
    {"DP", "data-protection", "data protection", "Data Protection",
     "annual", {"C1.1", "C1.2", "CC6.5"},
     {"A.5.12", "A.5.13", "A.5.33", "A.5.34", "A.8.10", "A.8.11",
      "A.8.12"},
     {"Data in @ classified", "Retention schedule applied to @",
      "Personal data in @ masked in test", "Data leakage from @ prevented"}},
    {"SD", "secure-development", "secure development",
     "Secure Development", "continuous", {"CC8.1", "CC7.1"},
     {"A.8.25", "A.8.26", "A.8.27", "A.8.28", "A.8.31"},
     {"Static analysis on @ builds", "Security requirements for @ defined",
      "Test and production of @ separated",
      "Dependencies of @ scanned"}},
    {"PS", "physical-security", "physical security", "Physical Security",
     "quarterly", {"CC6.4"},
     {"A.7.1", "A.7.2", "A.7.3", "A.7.4", "A.7.8"},
     {"Badge access to rooms hosting @", "Visitors near @ escorted",
      "CCTV covers equipment of @", "Equipment of @ sited securely"}},
    {"RM", "risk-management", "risk management", "Risk Management",
     "annual", {"CC3.1", "CC3.2", "CC3.3", "CC3.4", "CC9.1"},
     {"A.5.7", "\"6.1.2\"", "\"6.1.3\"", "\"8.2\"", "\"8.3\""},
     {"Risk assessment covers @", "Threat intelligence for @ reviewed",
      "Risk treatment for @ approved", "Fraud risk of @ assessed"}},
    {"GV", "governance", "governance", "Information Security Governance",
     "annual",
     {"CC1.2", "CC1.3", "CC2.1", "CC2.3", "CC4.2", "CC5.1", "CC5.2",
      "CC5.3"},
     {"A.5.1", "A.5.2", "A.5.4", "A.5.35", "A.5.36", "\"9.2\"",
      "\"9.3\""},
     {"Policies governing @ approved", "Roles for @ assigned",
      "Compliance of @ reviewed independently",
      "Security objectives for @ measured"}},
};

#define NDOMAINS (sizeof domains / sizeof domains[0])

static const char *const system_names[] = {
    "Customer Portal", "Payments API", "Billing Service", "Data Warehouse",
    "Identity Provider", "CI/CD Pipeline", "Kubernetes Cluster",
    "Corporate Laptops", "HR System", "Support Desk", "Log Platform",
    "Backup Vault", "Object Storage", "Message Queue", "Primary Database",
    "Analytics Pipeline", "Mobile Backend", "Admin Console",
    "VPN Gateway", "Email Gateway",
};

static const char *const regions[] = {
    "aws-us-east-1", "aws-eu-west-1", "gcp-europe-west4",
    "aws-ap-southeast-2", "azure-westeurope", "aws-us-west-2",
};

static const char *const first_names[] = {
    "amira", "ben", "chen", "dana", "emeka", "farah", "george", "hana",
    "ivan", "julia", "kofi", "lena", "marco", "nadia", "oscar", "priya",
};

static const char *const last_names[] = {
    "haddad", "okafor", "larsen", "moreau", "tanaka", "silva", "novak",
    "fischer", "kowalski", "reyes", "nguyen", "osei", "byrne", "costa",
    "weber", "ahmed",
};

static const char *const teams[] = {
    "security-team", "it-operations", "platform-team", "people-ops",
};

static const char *const areas[] = {
    "Production Platform", "Corporate IT", "Customer Data",
    "Cloud Infrastructure", "Endpoints", "Engineering",
    "Support Operations", "Data Platform", "Payments", "Mobile Apps",
    "Internal Tools", "Partner Integrations",
};

static const char *const vendor_names[] = {
    "Amazon Web Services", "Google Workspace", "Okta", "GitHub",
    "Datadog", "Slack", "Atlassian", "Zendesk", "Stripe", "Snowflake",
    "PagerDuty", "Cloudflare", "1Password", "Workday", "Salesforce",
    "Twilio",
};

/* Prose for documents: '@' is the topic, '#' the area. */
static const char *const purpose_text[] = {
    "This document sets out how the company manages @ for #.",
    "It defines the minimum requirements that every team working on #"
    " must meet, and the evidence that shows they are met.",
    "The aim is to protect the confidentiality, integrity and"
    " availability of customer data while keeping @ proportionate to"
    " the risk.",
    "It supports the commitments made to customers in the SOC 2 report"
    " and the ISO/IEC 27001 certificate.",
};

static const char *const scope_text[] = {
    "This document applies to all employees, contractors and temporary"
    " staff who build, operate or support #.",
    "It covers every system in the # inventory, whether hosted by the"
    " company or by a supplier acting on its behalf.",
    "Systems outside the ISMS scope are excluded unless a contract"
    " requires otherwise.",
};

static const char *const policy_text[] = {
    "Owners of systems in # review @ controls at the frequency set in"
    " the control catalogue and record the result.",
    "Exceptions to @ requirements are requested in writing, approved by"
    " the Security team and given an expiry date.",
    "Automated checks enforce @ settings wherever the platform allows"
    " it; manual checks are documented in the ticketing system.",
    "Changes that affect @ are assessed for risk before approval and"
    " communicated to the people they affect.",
    "Evidence of @ activities is kept for at least the length of the"
    " audit period plus one year.",
    "Any failure of a control for @ is reported as a security event and"
    " handled under the incident response process.",
    "Suppliers that support # meet @ requirements at least equivalent"
    " to those in this document.",
    "Metrics on @ for # are reported to the Security Steering Group"
    " every quarter.",
};

static const char *const policy_heads[] = {
    "Reviews", "Exceptions", "Automation", "Changes", "Evidence retention",
    "Control failures", "Suppliers", "Reporting",
};

static const char *const role_text[] = {
    "- **Control owners** operate the controls and keep their evidence.",
    "- **The Security team** maintains this document and monitors compliance.",
    "- **Managers** make sure their staff know and follow it.",
    "- **Internal audit** tests the controls independently once a year.",
};

/* Where genrepo writes, and how much it wrote. */
struct gen {
    const char *dir;
    long n;                     /* controls */
    long ndocs, nsys, nvendors, nrisks;
    long files;
    unsigned long long bytes;
    long as_of;                 /* days since 1970-01-01 */
    char impl[NANNEX][MAX_IMPL][32];
};

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

/* xorshift64*: fast, fixed sequence. */
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

/* A number in [0, n). */
static long rnd(long n)
{
    return n > 0 ? (long)((rng() >> 33) % (uint64_t)n) : 0;
}

/* One of the n strings of v, at random. */
static const char *pick(const char *const *v, size_t n)
{
    return v[rnd((long)n)];
}

#define PICK(v) pick(v, sizeof v / sizeof v[0])

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long days_from_civil(long y, long m, long d)
{
    long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Writes the date of day z as YYYY-MM-DD into out (32 bytes). */
static void civil(long z, char *out)
{
    long era, doe, yoe, y, doy, mp, d, m;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp + (mp < 10 ? 3 : -9);
    snprintf(out, 32, "%04d-%02d-%02d", (int)(y + (m <= 2)), (int)m, (int)d);
}

/* The date `ago` days before as_of, in a rotating set of buffers. */
static const char *date_ago(const struct gen *g, long ago)
{
    static char buf[4][32];
    static int i;

    i = (i + 1) % 4;
    civil(g->as_of - ago, buf[i]);
    return buf[i];
}

/* Days in one period of freq; a year for the others (event-driven). */
static long period_days(const char *freq)
{
    static const struct { const char *f; long d; } t[] = {
        {"continuous", 1}, {"daily", 1}, {"weekly", 7}, {"monthly", 30},
        {"quarterly", 91}, {"semiannual", 182}, {"semi-annual", 182},
        {"annual", 365}, {"annually", 365},
    };
    size_t i;

    for (i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(t[i].f, freq) == 0)
            return t[i].d;
    return 365;
}

/* Reports a failed system call on path and exits with status 1. */
static void die(const char *what, const char *path)
{
    fprintf(stderr, "genrepo: cannot %s '%s': %s\n", what, path,
            strerror(errno));
    exit(1);
}

/* mkdir -p */
static void make_dirs(const char *path)
{
    char tmp[4096];
    char *p;

    snprintf(tmp, sizeof tmp, "%s", path);
    for (p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            die("create", tmp);
        *p = '/';
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
        die("create", tmp);
}

/* Opens DIR/name for writing, creating its folder. */
static FILE *open_out(struct gen *g, const char *name)
{
    char path[4096], *slash;
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", g->dir, name);
    slash = strrchr(path, '/');
    *slash = '\0';
    make_dirs(path);
    *slash = '/';
    f = fopen(path, "w");
    if (!f)
        die("write", path);
    g->files++;
    return f;
}

static void close_out(struct gen *g, FILE *f)
{
    long size = ftell(f);

    if (ferror(f) || fclose(f) != 0) {
        fprintf(stderr, "genrepo: write error in '%s'\n", g->dir);
        exit(1);
    }
    g->bytes += (unsigned long long)size;
}

/* Writes tpl with '@' replaced by topic and '#' by area. */
static void put_text(FILE *f, const char *tpl, const char *topic,
                     const char *area)
{
    for (; *tpl; tpl++) {
        if (*tpl == '@')
            fputs(topic, f);
        else if (*tpl == '#')
            fputs(area, f);
        else
            putc(*tpl, f);
    }
}

/* An owner: a person's address, or a team's one time in ten. */
static void person(char *out, size_t n)
{
    if (rnd(10) == 0)
        snprintf(out, n, "%s@example.com", PICK(teams));
    else
        snprintf(out, n, "%s.%s@example.com", PICK(first_names),
                 PICK(last_names));
}

/* Entries of a NULL-terminated list. */
static long count(const char *const *v)
{
    long n = 0;

    while (v[n])
        n++;
    return n;
}

/* Writes 'key: [a, b]' with a random non-empty subset of v. */
static void put_subset(FILE *f, const char *indent, const char *key,
                       const char *const *v)
{
    long n = count(v), i, first = 1, start = rnd(n);

    fprintf(f, "%s%s: [", indent, key);
    for (i = 0; i < n; i++) {
        if (i != start && rnd(3) != 0)
            continue;
        fprintf(f, "%s%s", first ? "" : ", ", v[i]);
        first = 0;
    }
    fputs("]\n", f);
}

static const struct domain *domain_of(long control)
{
    return &domains[(size_t)(control / PER_FILE) % NDOMAINS];
}

/* The id of document j: POL-, STD- or PRC- by the folder it sits in. */
static void doc_id(long j, char *out, size_t n)
{
    static const char *const prefix[] = {"POL", "POL", "POL", "STD", "PRC"};

    snprintf(out, n, "%s-%04ld", prefix[j % 5], j + 1);
}

static const char *doc_folder(long j)
{
    static const char *const folder[] = {
        "policies", "policies", "policies", "standards", "procedures",
    };

    return folder[j % 5];
}

/* The id of control i; offset 550 of each thousand repeats 549's. */
static void control_id(long i, char *out, size_t n)
{
    if (i % 1000 == 550)
        i--;
    snprintf(out, n, "%s-%06ld", domain_of(i)->prefix, i + 1);
}

/* Position of an Annex A id among the 93, or -1 for anything else. */
static int annex_index(const char *id)
{
    static const int base[] = {0, 37, 45, 59};
    int theme, num;

    if (sscanf(id, "A.%d.%d", &theme, &num) != 2 || theme < 5 || theme > 8)
        return -1;
    return base[theme - 5] + num - 1;
}

/* Remembers that control cid maps Annex A id iso, for the SoA. */
static void note_impl(struct gen *g, const char *iso, const char *cid)
{
    int k = annex_index(iso), s;

    if (k < 0)
        return;
    for (s = 0; s < MAX_IMPL; s++) {
        if (g->impl[k][s][0] == '\0') {
            snprintf(g->impl[k][s], sizeof g->impl[k][s], "%s", cid);
            return;
        }
    }
}

/* Mostly the domain's frequency; offset 900 of each thousand is vague. */
static const char *control_freq(const struct domain *d, long i)
{
    static const char *const other[] = {
        "annual", "quarterly", "monthly", "annually", "semi-annual",
        "event-driven",
    };

    if (i % 1000 == 900)
        return "as needed";
    if (rnd(4) != 0)
        return d->freq;
    return PICK(other);
}

/* A control's maps; remembers its Annex A ids for the SoA. */
static void put_maps(FILE *f, struct gen *g, const struct domain *d,
                     const char *cid)
{
    long n = count(d->iso), i, first = 1, start = rnd(n);

    fputs("    maps:\n", f);
    put_subset(f, "      ", "soc2", d->soc2);
    fputs("      iso27001: [", f);
    for (i = 0; i < n; i++) {
        if (i != start && rnd(3) != 0)
            continue;
        fprintf(f, "%s%s", first ? "" : ", ", d->iso[i]);
        note_impl(g, d->iso[i], cid);
        first = 0;
    }
    fputs("]\n", f);
}

/* The list of 1-3 system ids a control runs on; returns the first. */
static long put_systems(FILE *f, const struct gen *g)
{
    long first = rnd(g->nsys), k = 1 + rnd(3), s;

    fprintf(f, "    systems: [SYS-%04ld", first + 1);
    for (s = 1; s < k && s < g->nsys; s++)
        fprintf(f, ", SYS-%04ld", (first + s * 7) % g->nsys + 1);
    fputs("]\n", f);
    return first;
}

/* Writes control i; returns its frequency, for its evidence record. */
static const char *put_control(FILE *f, struct gen *g, long i)
{
    const struct domain *d = domain_of(i);
    const char *sys = system_names[rnd(g->nsys) % 20];
    const char *freq = control_freq(d, i);
    char cid[32], doc[32], owner[64];

    control_id(i, cid, sizeof cid);
    doc_id(i / PER_DOC, doc, sizeof doc);
    person(owner, sizeof owner);
    fprintf(f, "  - id: %s\n    title: ", cid);
    put_text(f, PICK(d->titles), sys, d->name);
    fputs("\n    description: >-\n      ", f);
    put_text(f, "The control owner checks that @ requirements are met for"
             " #\n      and records the result and any exception in the"
             " ticket.\n", d->name, sys);
    if (i % 1000 != 250)
        fprintf(f, "    owner: %s\n", owner);
    fprintf(f, "    frequency: %s\n", freq);
    fprintf(f, "    status: %s\n", rnd(25) ? "implemented" : "planned");
    put_maps(f, g, d, cid);
    if (i % 1000 == 750)
        fprintf(f, "    policies: [%s, POL-%04ld]\n", doc, g->ndocs + 1);
    else
        fprintf(f, "    policies: [%s]\n", doc);
    fprintf(f, "    evidence: [EV-%06ld]\n", i + 1);
    put_systems(f, g);
    return freq;
}

/* Evidence for control i, fresh for freq except one record in 500. */
static void put_evidence(FILE *f, const struct gen *g, long i,
                         const char *freq)
{
    const struct domain *d = domain_of(i);
    long period = period_days(freq), ago;
    char cid[32];

    control_id(i, cid, sizeof cid);
    ago = 1 + rnd(period * 4 / 5 + 1);
    if (rnd(500) == 0)
        ago = period + 30 + rnd(60);
    fprintf(f, "  - id: EV-%06ld\n    controls: [%s]\n", i + 1, cid);
    fprintf(f, "    collected: %s\n", date_ago(g, ago));
    if (period > 1)
        fprintf(f, "    period: {from: %s, to: %s}\n",
                date_ago(g, ago + period), date_ago(g, ago + 1));
    if (rnd(3) == 0)
        fprintf(f, "    source: s3://acme-evidence/%s/%s-%06ld.json\n"
                "    automated: true\n", d->slug, d->prefix, i + 1);
    else
        fprintf(f, "    source: jira:SEC-%ld\n    automated: false\n",
                10000 + i);
}

/* Writes controls file k and the evidence file that goes with it. */
static void write_controls(struct gen *g, long k)
{
    const struct domain *d = domain_of(k * PER_FILE);
    char name[128];
    const char *freq;
    FILE *cf, *ef;
    long i;

    snprintf(name, sizeof name, "controls/%s-%04ld.yml", d->slug, k + 1);
    cf = open_out(g, name);
    snprintf(name, sizeof name, "evidence/%s-%04ld.yml", d->slug, k + 1);
    ef = open_out(g, name);
    fprintf(cf, "# %s controls, part %ld\ncontrols:\n", d->policy, k + 1);
    fputs("evidence:\n", ef);
    for (i = k * PER_FILE; i < g->n && i < (k + 1) * PER_FILE; i++) {
        freq = put_control(cf, g, i);
        put_evidence(ef, g, i, freq);
    }
    close_out(g, cf);
    close_out(g, ef);
}

/* k distinct sentences of v, one paragraph. */
static void put_paragraph(FILE *f, const char *const *v, size_t n,
                          long k, const char *topic, const char *area)
{
    long s, start = rnd((long)n);

    for (s = 0; s < k; s++) {
        put_text(f, v[(size_t)(start + s) % n], topic, area);
        putc(s + 1 < k ? ' ' : '\n', f);
    }
    putc('\n', f);
}

#define PARA(f, v, k, t, a) put_paragraph(f, v, sizeof v / sizeof v[0], \
                                          k, t, a)

static void put_doc_front(FILE *f, const struct gen *g, long j,
                          const char *title)
{
    const struct domain *d = domain_of(j * PER_DOC);
    char id[32], owner[64];
    long ago = 20 + rnd(330);

    doc_id(j, id, sizeof id);
    person(owner, sizeof owner);
    if (rnd(40) == 0)
        ago = 400 + rnd(200);
    fprintf(f, "---\nid: %s\ntitle: \"%s\"\nowner: %s\n", id, title,
            owner);
    fprintf(f, "version: \"%ld.%ld\"\nstatus: active\n", 1 + rnd(4),
            rnd(10));
    fprintf(f, "review_frequency: %s\nlast_reviewed: %s\n",
            rnd(8) ? "annual" : "semiannual", date_ago(g, ago));
    fprintf(f, "approved_by: ciso@example.com\nmaps:\n");
    fprintf(f, "  soc2: [%s]\n  iso27001: [%s", d->soc2[0], d->iso[0]);
    if (count(d->iso) > 1)
        fprintf(f, ", %s", d->iso[count(d->iso) - 1]);
    fputs("]\n---\n", f);
}

static void put_doc_body(FILE *f, const struct gen *g, long j,
                         const char *title, const char *area)
{
    const char *topic = domain_of(j * PER_DOC)->name;
    long k, n = 4 + rnd(4), start = rnd(8);

    fprintf(f, "# %s\n\n## Purpose\n\n", title);
    PARA(f, purpose_text, 3, topic, area);
    fputs("## Scope\n\n", f);
    PARA(f, scope_text, 2, topic, area);
    fputs("## Policy\n\n", f);
    for (k = 0; k < n; k++) {
        fprintf(f, "### %ld. %s\n\n", k + 1, policy_heads[(start + k) % 8]);
        put_text(f, policy_text[(start + k) % 8], topic, area);
        fputs("\n\n", f);
    }
    fputs("## Roles and responsibilities\n\n", f);
    for (k = 0; k < 4; k++)
        fprintf(f, "%s\n", role_text[k]);
    fprintf(f, "\n## Revision history\n\n- %s: annual review\n"
            "- %s: first version\n", date_ago(g, 20 + rnd(300)),
            date_ago(g, 800 + rnd(400)));
}

/*
 * Document j covers controls 20j..20j+19. Its title names its domain,
 * kind and an area; the n-th document of a domain gets area n % 12 and,
 * past the first twelve, a volume number, so no two titles are equal.
 */
static void write_doc(struct gen *g, long j)
{
    static const char *const kind[] = {
        "Policy", "Policy", "Policy", "Standard", "Procedure",
    };
    const struct domain *d = domain_of(j * PER_DOC);
    long nth = (j / 5 / (long)NDOMAINS) * 5 + j % 5;
    const char *area = areas[nth % 12];
    char name[160], title[160];
    FILE *f;

    snprintf(name, sizeof name, "%s/%s-%04ld.md", doc_folder(j), d->slug,
             j + 1);
    if (nth >= 12)
        snprintf(title, sizeof title, "%s %s: %s, volume %ld", d->policy,
                 kind[j % 5], area, nth / 12 + 1);
    else
        snprintf(title, sizeof title, "%s %s: %s", d->policy, kind[j % 5],
                 area);
    f = open_out(g, name);
    put_doc_front(f, g, j, title);
    put_doc_body(f, g, j, title, area);
    close_out(g, f);
}

static void write_systems(struct gen *g)
{
    static const char *const data[] = {
        "[confidential, pii]", "[internal]", "[confidential]",
        "[restricted, pii]", "[public]",
    };
    FILE *f = open_out(g, "systems.yml");
    char owner[64];
    long s;

    fputs("# System inventory\nsystems:\n", f);
    for (s = 0; s < g->nsys; s++) {
        person(owner, sizeof owner);
        fprintf(f, "  - id: SYS-%04ld\n    name: %s", s + 1,
                system_names[s % 20]);
        if (s >= 20)
            fprintf(f, " (%s)", regions[(s / 20) % 6]);
        fprintf(f, "\n    owner: %s\n    location: %s\n    data: %s\n",
                owner, s % 20 == 7 ? "london-office" : regions[s % 6],
                PICK(data));
    }
    close_out(g, f);
}

/* Lists ids 1..n with fmt, leaving out those with (id - 1) % 20 == skip. */
static void put_id_list(FILE *f, const char *fmt, long n, long skip)
{
    long s;

    for (s = 0; s < n; s++)
        if (s % 20 != skip)
            fprintf(f, fmt, s + 1);
}

static void write_scope(struct gen *g)
{
    FILE *f = open_out(g, "scope.yml");

    fputs("scope:\n  soc2:\n    system: Acme Cloud Platform\n"
          "    categories: [security, availability, confidentiality]\n"
          "    systems:\n", f);
    put_id_list(f, "      - SYS-%04ld\n", g->nsys, 7);
    fputs("    locations: [aws-us-east-1, aws-eu-west-1, gcp-europe-west4,\n"
          "      aws-ap-southeast-2, azure-westeurope, aws-us-west-2,\n"
          "      dublin-office]\n"
          "    services: [Acme Cloud, Acme Payments]\n"
          "    vendors: [VEN-0001, VEN-0002]\n"
          "    period: {from: 2026-04-01, to: 2026-09-30}\n"
          "    report_type: type2\n  isms:\n"
          "    statement: >-\n      The ISMS covers the design, development,"
          " operation and support\n      of the Acme Cloud and Acme Payments"
          " services.\n    systems:\n", f);
    put_id_list(f, "      - SYS-%04ld\n", g->nsys, -1);
    fputs("    locations: [aws-us-east-1, aws-eu-west-1, gcp-europe-west4,\n"
          "      aws-ap-southeast-2, azure-westeurope, aws-us-west-2,\n"
          "      london-office]\n"
          "    services: [Acme Cloud, Acme Payments]\n"
          "    units: [Engineering, Security, IT, People, Finance]\n"
          "    excludes:\n      - item: Acme Labs research prototypes\n"
          "        justification: no customer data; separate network\n",
          f);
    close_out(g, f);
}

static void put_soa_entry(FILE *f, const struct gen *g, int k,
                          const char *id)
{
    int s;

    fprintf(f, "  - control: %s\n", id);
    if (g->impl[k][0][0] == '\0') {
        fputs("    applicable: false\n    justification: not relevant to"
              " a cloud-only service; reviewed yearly\n", f);
        return;
    }
    fputs("    applicable: true\n    status: implemented\n"
          "    justification: required by the risk treatment plan\n"
          "    implemented_by: [", f);
    for (s = 0; s < MAX_IMPL && g->impl[k][s][0]; s++)
        fprintf(f, "%s%s", s ? ", " : "", g->impl[k][s]);
    fputs("]\n", f);
}

static void write_soa(struct gen *g)
{
    static const int themes[] = {37, 8, 14, 34};
    FILE *f = open_out(g, "soa.yml");
    char id[16];
    int t, c, k = 0;

    fputs("# Statement of Applicability, ISO/IEC 27001:2022 Annex A\n"
          "soa:\n", f);
    for (t = 0; t < 4; t++) {
        for (c = 1; c <= themes[t]; c++, k++) {
            snprintf(id, sizeof id, "A.%d.%d", t + 5, c);
            put_soa_entry(f, g, k, id);
        }
    }
    close_out(g, f);
}

/* i, or the last control when i is past it. */
static long clamp(long i, long n)
{
    return i < n ? i : n - 1;
}

static void write_risks(struct gen *g)
{
    static const char *const level[] = {"low", "medium", "high"};
    static const char *const treat[] = {
        "mitigate", "mitigate", "mitigate", "mitigate", "mitigate",
        "mitigate", "mitigate", "accept", "transfer", "avoid",
    };
    static const char *const threat[] = {
        "Unauthorised access to", "Data loss in", "Outage of",
        "Ransomware affecting", "Misconfiguration of",
    };
    FILE *f = open_out(g, "risks.yml");
    char owner[64], a[32], b[32];
    long r;

    fputs("# Risk register\nrisks:\n", f);
    for (r = 0; r < g->nrisks; r++) {
        person(owner, sizeof owner);
        control_id(clamp(r * 50 + rnd(25), g->n), a, sizeof a);
        control_id(clamp(r * 50 + 25 + rnd(25), g->n), b, sizeof b);
        fprintf(f, "  - id: RSK-%05ld\n    title: %s %s\n    owner: %s\n",
                r + 1, PICK(threat), system_names[r % 20], owner);
        fprintf(f, "    likelihood: %s\n    impact: %s\n    treatment: %s\n",
                PICK(level), PICK(level), PICK(treat));
        fprintf(f, "    controls: [%s, %s]\n    reviewed: %s\n", a, b,
                date_ago(g, 10 + rnd(300)));
    }
    close_out(g, f);
}

static void write_vendors(struct gen *g)
{
    static const char *const crit[] = {"high", "medium", "low"};
    FILE *f = open_out(g, "vendors.yml");
    long v;

    fputs("# Suppliers\nvendors:\n", f);
    for (v = 0; v < g->nvendors; v++) {
        fprintf(f, "  - id: VEN-%04ld\n    name: ", v + 1);
        if (v < 16)
            fprintf(f, "%s\n", vendor_names[v]);
        else
            fprintf(f, "Contractor %ld Ltd\n", v - 15);
        fprintf(f, "    criticality: %s\n    services: [%s]\n",
                v < 2 ? "high" : PICK(crit), areas[v % 12]);
        fprintf(f, "    data_access: %s\n    last_assessed: %s\n",
                v % 3 ? "[confidential]" : "[confidential, pii]",
                date_ago(g, 30 + rnd(340)));
        fprintf(f, "    assurance:\n      - type: %s\n        expires: %s\n",
                v % 4 ? "soc2-type2" : "iso27001",
                date_ago(g, -(rnd(330) - 20)));
    }
    close_out(g, f);
}

static void write_nonconformities(FILE *f, struct gen *g)
{
    long k, n = 3 + g->n / 2000, raised;

    fputs("  nonconformities:\n", f);
    for (k = 0; k < n; k++) {
        raised = 30 + rnd(300);
        fprintf(f, "    - id: NC-%04ld\n      raised: %s\n", k + 1,
                date_ago(g, raised));
        fprintf(f, "      due: %s\n", date_ago(g, raised - 90));
        if (k % 3 == 0)
            fputs("      status: open\n", f);
        else
            fprintf(f, "      status: closed\n      closed: %s\n",
                    date_ago(g, 1 + rnd(raised - 1)));
    }
}

static void write_isms(struct gen *g)
{
    FILE *f = open_out(g, "isms.yml");

    fputs("isms:\n  internal_audits:\n"
          "    - date: 2025-10-14\n      scope: full ISMS\n"
          "      report: records/internal-audit-2025.md\n"
          "    - date: 2026-06-15\n      scope: full ISMS\n"
          "      report: records/internal-audit-2026.md\n"
          "  management_reviews:\n"
          "    - date: 2026-03-18\n"
          "      minutes: records/management-review-2026-03.md\n"
          "    - date: 2026-09-22\n"
          "      minutes: records/management-review-2026-09.md\n", f);
    write_nonconformities(f, g);
    fputs("  improvements:\n"
          "    - id: IMP-0001\n      title: automate access reviews\n"
          "      status: in-progress\n"
          "  objectives:\n"
          "    - id: OBJ-0001\n      objective: patch critical"
          " vulnerabilities within 7 days\n      target: 95%\n"
          "    - id: OBJ-0002\n      objective: complete security"
          " training within 30 days of hire\n      target: 100%\n", f);
    close_out(g, f);
}

static void write_record(struct gen *g, const char *name,
                         const char *title, const char *date)
{
    const char *base = strrchr(name, '/') + 1;
    FILE *f = open_out(g, name);

    fprintf(f, "---\nid: %.*s\ntitle: %s\ntype: record\n"
            "owner: ciso@example.com\nlast_reviewed: %s\n---\n"
            "# %s\n\n## Summary\n\n", (int)strlen(base) - 3, base, title,
            date, title);
    PARA(f, policy_text, 3, "information security", "the ISMS");
    close_out(g, f);
}

static void write_misc(struct gen *g)
{
    FILE *f = open_out(g, ".auditlint.yml");

    fputs("frameworks:\n"
          "  soc2: {categories: [security, availability, confidentiality]}\n"
          "  iso27001: {version: 2022}\n", f);
    close_out(g, f);
    f = open_out(g, "README.md");
    fprintf(f, "# Acme security compliance\n\nPolicies, controls and"
            " evidence for the SOC 2 Type 2 report and the\nISO/IEC 27001"
            " certificate: %ld controls. Generated by tools/genrepo.\n",
            g->n);
    close_out(g, f);
    write_record(g, "records/internal-audit-2025.md",
                 "Internal audit report 2025", "2025-10-20");
    write_record(g, "records/internal-audit-2026.md",
                 "Internal audit report 2026", "2026-06-22");
    write_record(g, "records/management-review-2026-03.md",
                 "Management review minutes, March 2026", "2026-03-18");
    write_record(g, "records/management-review-2026-09.md",
                 "Management review minutes, September 2026", "2026-09-22");
}

int main(int argc, char **argv)
{
    static struct gen g;
    char *end;
    long j;

    if (argc != 3 || (g.n = strtol(argv[2], &end, 10)) <= 0 || *end) {
        fprintf(stderr, "usage: genrepo DIR N_CONTROLS\n");
        return 2;
    }
    g.dir = argv[1];
    g.ndocs = (g.n + PER_DOC - 1) / PER_DOC;
    g.nsys = 8 + g.n / 250;
    g.nvendors = 8 + g.n / 500;
    g.nrisks = (g.n + 49) / 50;
    g.as_of = days_from_civil(2026, 12, 1);
    make_dirs(g.dir);

    for (j = 0; j * PER_FILE < g.n; j++)
        write_controls(&g, j);
    for (j = 0; j < g.ndocs; j++)
        write_doc(&g, j);
    write_systems(&g);
    write_scope(&g);
    write_soa(&g);
    write_risks(&g);
    write_vendors(&g);
    write_isms(&g);
    write_misc(&g);

    printf("genrepo: %s: %ld controls, %ld files, %llu bytes\n", g.dir,
           g.n, g.files, g.bytes);
    return 0;
}
