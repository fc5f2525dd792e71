#!/bin/sh
# validate.sh: checks auditlint's SARIF and JUnit reports against what
# their readers expect, on real repositories.
#
# usage: sh tests/sarif/validate.sh AUDITLINT
#
# Repositories: examples/acme, examples/clean (each skipped, with one
# line, when absent) and tests/sarif/repo, a small one made to hit odd
# paths and every severity. For each, one output line per check:
#   schema     'check --format sarif' validates against the SARIF 2.1.0
#              JSON schema (tests/sarif/sarif-2.1.0.json, see README.md)
#              with ajv-cli; python3's jsonschema when npm is absent
#   multitool  Microsoft's SARIF Multitool 'validate' reports no error
#              (its warnings are printed, and do not fail); it silently
#              skips a log that it cannot deserialize at all (an unknown
#              'level', say), which the schema check catches
#   junit      'check --format junit' is well-formed XML and holds one
#              failing test case per rule and file with findings (python3;
#              xmllint checks only the XML when python3 is absent)
# A check whose tool is missing prints one 'skipped' line. An exit status
# of 2 from auditlint (configuration or internal error) fails the check.
#
# The npm tools are installed once, pinned by tests/sarif/package-lock.json,
# into build/sarif-tools ($AUDITLINT_SARIF_TOOLS overrides); later runs
# reuse them. Last line: 'sarif: N passed, M failed, K skipped'; the exit
# status is 1 when a check failed.
set -u

if [ $# -ne 1 ]; then
    echo "usage: sh tests/sarif/validate.sh AUDITLINT" >&2
    exit 2
fi
case $1 in
    /*) al=$1 ;;
    *) al=$(pwd)/$1 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tools=${AUDITLINT_SARIF_TOOLS:-$top/build/sarif-tools}
schema=$here/sarif-2.1.0.json
tmp=$(mktemp -d "${TMPDIR:-/tmp}/al-sarif.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0
skipped=0

pass() { passed=$((passed + 1)); echo "ok      $1"; }
fail() { failed=$((failed + 1)); echo "FAIL    $1"; }
skip() { skipped=$((skipped + 1)); echo "skipped $1"; }

# Installs the pinned npm tools into $tools unless they are there.
install_tools() {
    if [ -x "$tools/node_modules/.bin/ajv" ] \
        && [ -f "$tools/node_modules/@microsoft/sarif-multitool/bin.js" ]; then
        return 0
    fi
    command -v npm >/dev/null 2>&1 || return 1
    mkdir -p "$tools" || return 1
    cp "$here/package.json" "$here/package-lock.json" "$tools/" || return 1
    echo "installing the SARIF validators into $tools" >&2
    (cd "$tools" && npm ci --no-audit --no-fund --ignore-scripts \
        --loglevel=error >&2) || return 1
}

# The Multitool binary for this platform, or nothing.
multitool() {
    for d in "$tools"/node_modules/@microsoft/sarif-multitool-*; do
        if [ -f "$d/Sarif.Multitool" ]; then
            chmod u+x "$d/Sarif.Multitool" 2>/dev/null
            echo "$d/Sarif.Multitool"
            return 0
        fi
    done
    return 1
}

# Runs auditlint with a report format on a repository into a file;
# fails on exit status 2.
report() {
    "$al" check --format "$2" "$1" > "$3" 2> "$3.err"
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
        sed 's/^/        /' "$3.err"
        return 1
    fi
}

check_schema() {
    if [ -x "$tools/node_modules/.bin/ajv" ]; then
        out=$("$tools/node_modules/.bin/ajv" validate --spec=draft2020 \
            -c ajv-formats -s "$schema" -d "$2" --errors=text 2>&1)
    elif command -v python3 >/dev/null 2>&1 \
        && python3 -c 'import jsonschema' 2>/dev/null; then
        out=$(python3 - "$schema" "$2" <<'EOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
log = json.load(open(sys.argv[2], encoding="utf-8"))
cls = jsonschema.validators.validator_for(schema)
errors = sorted(cls(schema).iter_errors(log), key=lambda e: list(e.path))
for e in errors:
    print("/".join(str(p) for p in e.path) + ": " + e.message)
sys.exit(1 if errors else 0)
EOF
)
    else
        skip "$1 schema: neither npm nor python3 jsonschema is installed"
        return
    fi
    if [ $? -eq 0 ]; then
        pass "$1 schema"
    else
        fail "$1 schema"
        echo "$out" | sed 's/^/        /'
    fi
}

check_multitool() {
    mt=$(multitool) || {
        skip "$1 multitool: @microsoft/sarif-multitool is not installed"
        return
    }
    res=$tmp/$1.validation.sarif
    rm -f "$res"
    DOTNET_CLI_TELEMETRY_OPTOUT=1 "$mt" validate -o "$res" "$2" \
        > "$tmp/$1.multitool.log" 2>&1
    if [ ! -f "$res" ]; then
        fail "$1 multitool: it wrote no result"
        sed 's/^/        /' "$tmp/$1.multitool.log"
        return
    fi
    # Prints one line per result, errors first; exits 1 on an error.
    if node -e '
        const fs = require("fs");
        const log = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
        let errors = 0;
        for (const run of log.runs || []) {
            const rules = (run.tool.driver.rules || []);
            for (const r of run.results || []) {
                const level = r.level || "warning";
                const rule = rules.find((x) => x.id === r.ruleId) || {};
                const m = r.message || {};
                const t = m.text || ((rule.messageStrings || {})[m.id] ||
                                     {}).text || "";
                errors += level === "error";
                console.log(level + " " + r.ruleId + ": " +
                    t.replace(/\{(\d+)\}/g,
                              (_, i) => (m.arguments || [])[i]));
            }
        }
        process.exit(errors ? 1 : 0);' "$res" > "$tmp/$1.mt.txt"; then
        pass "$1 multitool"
    else
        fail "$1 multitool"
    fi
    sort "$tmp/$1.mt.txt" | sed 's/^/        /'
}

# Compares the JUnit report with the JSON findings of the same run.
check_junit() {
    if ! report "$2" junit "$tmp/$1.xml" || ! report "$2" json \
        "$tmp/$1.json"; then
        fail "$1 junit: auditlint failed"
        return
    fi
    if command -v python3 >/dev/null 2>&1; then
        out=$(python3 - "$tmp/$1.xml" "$tmp/$1.json" <<'EOF'
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
findings = json.load(open(sys.argv[2], encoding="utf-8"))["findings"]
want = {(f["rule"], f["file"]) for f in findings}
cases = root.findall(".//testcase")
got = {(c.get("classname"), c.get("name"))
       for c in cases if c.find("failure") is not None}
problems = []
for rule, file in sorted(want - got):
    problems.append("no failing test case for %s in %s" % (rule, file))
for rule, file in sorted(got - want):
    problems.append("a failing test case without findings: %s in %s"
                    % (rule, file))
suite = root.find("testsuite")
if suite is None or int(suite.get("tests")) != len(cases):
    problems.append("'tests' does not count the test cases")
elif int(suite.get("failures")) != len(got):
    problems.append("'failures' does not count the failing test cases")
print("\n".join(problems))
sys.exit(1 if problems else 0)
EOF
)
    elif command -v xmllint >/dev/null 2>&1; then
        out=$(xmllint --noout "$tmp/$1.xml" 2>&1)
    else
        skip "$1 junit: neither python3 nor xmllint is installed"
        return
    fi
    if [ $? -eq 0 ]; then
        pass "$1 junit"
    else
        fail "$1 junit"
        echo "$out" | sed 's/^/        /'
    fi
}

if ! install_tools; then
    echo "npm is not installed or could not install the validators:" \
        "the npm-based checks are skipped" >&2
fi
for repo in examples/acme examples/clean tests/sarif/repo; do
    name=$(basename "$repo")
    if [ ! -d "$top/$repo" ]; then
        skip "$name: $repo does not exist"
        continue
    fi
    sarif=$tmp/$name.sarif.json
    if ! report "$top/$repo" sarif "$sarif"; then
        fail "$name sarif: auditlint failed"
        continue
    fi
    check_schema "$name" "$sarif"
    check_multitool "$name" "$sarif"
    check_junit "$name" "$top/$repo"
done
echo "sarif: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
