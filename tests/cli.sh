#!/bin/sh
# CLI tests: run the binary as a user does and compare exit status, stdout
# and stderr. Usage: sh tests/cli.sh ./auditlint (from the repository root).
set -u

AL=${1:-./auditlint}
case "$AL" in /*) ;; *) AL="$(pwd)/$AL" ;; esac
cd "$(dirname "$0")/.." || exit 2
T=$(mktemp -d /tmp/al-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
REPO=tests/cli/repo
RULES=tests/cli/rules
passed=0
failed=0

# run NAME STATUS CMD...: runs CMD, keeps stdout/stderr in $T/out, $T/err.
run() {
    name=$1
    want=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err" </dev/null
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$name: exit status $got, expected $want"
        sed 's/^/    stderr: /' "$T/err" | head -5
        return 1
    fi
    return 0
}

ok() { passed=$((passed + 1)); }

fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
}

# expect NAME FILE: compares $T/FILE with stdin exactly.
expect() {
    if cat | diff -u - "$T/$2" >"$T/diff"; then
        ok
    else
        fail "$1: $2 differs"
        sed 's/^/    /' "$T/diff" | head -20
    fi
}

# has NAME FILE TEXT: $T/FILE contains TEXT (a fixed string).
has() {
    if grep -qF -- "$3" "$T/$2"; then ok; else
        fail "$1: $2 lacks '$3'"
        sed 's/^/    /' "$T/$2" | head -10
    fi
}

lacks() {
    if grep -qF -- "$3" "$T/$2"; then
        fail "$1: $2 has '$3'"
    else ok; fi
}

# --- the command line itself

run version 0 "$AL" --version && expect version out <<'EOF'
auditlint 0.1.0
EOF

run help 0 "$AL" --help && has help out "commands:"
run no-args 2 "$AL" && has no-args err "usage: auditlint COMMAND"
run unknown-command 2 "$AL" frob && has unknown-command err \
    "auditlint: error: unknown command 'frob'"
for cmd in check rules explain test; do
    run "help-$cmd" 0 "$AL" "$cmd" --help && has "help-$cmd" out \
        "usage: auditlint $cmd"
done
run help-via-help 0 "$AL" help check && has help-via-help out \
    "--fail-on LEVEL"
run bad-format 2 "$AL" check --format yaml "$REPO" && has bad-format err \
    "unknown format 'yaml'"
run bad-fail-on 2 "$AL" check --fail-on loud "$REPO" && has bad-fail-on \
    err "'--fail-on' takes error, warning, note or never"
run bad-as-of 2 "$AL" check --as-of 2026-02-30 "$REPO" && has bad-as-of \
    err "'--as-of' needs a date"
run unknown-option 2 "$AL" check --frobnicate "$REPO" && has \
    unknown-option err "unknown option '--frobnicate'"
run missing-value 2 "$AL" check "$REPO" --format && has missing-value err \
    "'--format' needs a value"
run missing-path 2 "$AL" check "$T/nothing-here" && has missing-path err \
    "cannot read"

# --- findings, formats and exit statuses

run custom-rule 0 "$AL" check --as-of 2026-12-01 --rules "$RULES" "$REPO" \
    && expect custom-rule out <<'EOF'
controls/access.yml:9:12: warning: control 'AC-2' is owned by 'security team', not a person [owner-person]
EOF
has custom-rule-summary err "auditlint: 1 warning in 2 files"

run fail-on-warning 1 "$AL" check --as-of 2026-12-01 --fail-on warning \
    --rules "$RULES" "$REPO"
ok
run fail-on-never 0 "$AL" check --as-of 2026-12-01 --fail-on never \
    --rules "$RULES" "$REPO"
ok
run quiet 0 "$AL" check -q --as-of 2026-12-01 --rules "$RULES" "$REPO" \
    && expect quiet err </dev/null

run json 0 "$AL" check --as-of 2026-12-01 --format json --rules "$RULES" \
    "$REPO" && expect json out <<'EOF'
{
  "tool": {"name": "auditlint", "version": "0.1.0"},
  "as_of": "2026-12-01",
  "findings": [
    {
      "rule": "owner-person",
      "severity": "warning",
      "message": "control 'AC-2' is owned by 'security team', not a person",
      "file": "controls/access.yml",
      "line": 9, "column": 12, "end_line": 9, "end_column": 25,
      "frameworks": [],
      "related": [],
      "fingerprint": "11dcf48efa2f6d96"
    }
  ],
  "summary": {"files": 2, "errors": 0, "warnings": 1, "notes": 0}
}
EOF

# The same input gives the same bytes, from any working directory.
"$AL" check --as-of 2026-12-01 --format json --rules "$RULES" "$REPO" \
    >"$T/a.json" 2>/dev/null
(cd tests && "$AL" check --as-of 2026-12-01 --format json \
    --rules cli/rules cli/repo >"$T/b.json" 2>/dev/null)
if cmp -s "$T/a.json" "$T/b.json"; then ok; else
    fail "deterministic: output differs between working directories"; fi

run color-always 0 "$AL" check --color always --as-of 2026-12-01 \
    --rules "$RULES" "$REPO" && has color-always out "$(printf '\033[')"
NO_COLOR=1 run no-color 0 "$AL" check --color auto --as-of 2026-12-01 \
    --rules "$RULES" "$REPO" && lacks no-color out "$(printf '\033[')"

run output-file 0 "$AL" check --as-of 2026-12-01 --rules "$RULES" \
    --output "json:$T/r.json" "$REPO" && has output-file out \
    "[owner-person]"
if grep -qF '"rule": "owner-person"' "$T/r.json"; then ok; else
    fail "output-file: json file lacks the finding"; fi

# --- rules: listing, documentation, failures

run rules 0 "$AL" rules && has rules out "required-fields"
has rules-core out "parse-error"
run rules-custom 0 "$AL" rules --rules "$RULES" && has rules-custom out \
    "owner-person             warning  every control is owned by a named"
run rules-json 0 "$AL" rules --format json && has rules-json out \
    '"id": "duplicate-id"'
run explain 0 "$AL" explain required-fields && has explain out \
    "# required-fields"
run explain-core 0 "$AL" explain parse-error && has explain-core out \
    "# parse-error"
run explain-unknown 2 "$AL" explain no-such-rule && has explain-unknown \
    err "no rule 'no-such-rule'"

mkdir -p "$T/bad"
cat >"$T/bad/boom.lua" <<'EOF'
return {id = "boom", severity = "error", summary = "fails",
  check = function(repo, ctx)
    os.execute("true")
  end}
EOF
run rule-error 2 "$AL" check --as-of 2026-12-01 --rules "$RULES" \
    --rules "$T/bad" "$REPO" && has rule-error out \
    "boom.lua:3:1: error: rule 'boom' failed while checking"
has rule-error-others out "[owner-person]"

# --- configuration

cp -R "$REPO" "$T/conf"
printf 'rules:\n  owner-person: off\n' >"$T/conf/.auditlint.yml"
run config-off 0 "$AL" check --as-of 2026-12-01 --rules "$RULES" \
    "$T/conf" && lacks config-off out "owner-person"
printf 'rules:\n  owner-person: error\n' >"$T/conf/.auditlint.yml"
run config-severity 1 "$AL" check --as-of 2026-12-01 --rules "$RULES" \
    "$T/conf" && has config-severity out "9:12: error: control 'AC-2'"
printf 'rules:\n  no-such-rule: error\n' >"$T/conf/.auditlint.yml"
run config-unknown-rule 2 "$AL" check "$T/conf" && has \
    config-unknown-rule err ".auditlint.yml:2:3: error: unknown rule"
printf 'colour: red\n' >"$T/conf/.auditlint.yml"
run config-unknown-key 2 "$AL" check "$T/conf" && has config-unknown-key \
    err ".auditlint.yml:1:1: error: unknown key 'colour'"
printf 'as_of: 2026-01-15\n' >"$T/conf/.auditlint.yml"
run config-as-of 0 "$AL" check --fail-on never --format json \
    "$T/conf/controls" && has \
    config-as-of out '"as_of": "2026-01-15"'
has config-root out '"file": "controls/access.yml"'

# --- bad input never stops the check, and nothing is written

mkdir -p "$T/messy"
printf 'controls:\n  - id: [unclosed\n' >"$T/messy/broken.yml"
printf '\000\001\002binary' >"$T/messy/blob.yml"
printf 'a: \377\376\n' >"$T/messy/latin1.yml"
: >"$T/messy/empty.yml"
(cd "$T/messy" && find . -type f -exec cksum {} + | sort) >"$T/before"
run messy 1 "$AL" check --as-of 2026-12-01 "$T/messy"
has messy-parse out "broken.yml:3:1: error:"
has messy-binary out "blob.yml:1:1: note:"
has messy-utf8 out "latin1.yml:1:4: error:"
has messy-empty out "empty.yml:1:1: note:"
(cd "$T/messy" && find . -type f -exec cksum {} + | sort) >"$T/after"
if cmp -s "$T/before" "$T/after"; then ok; else
    fail "no-write: a checked file changed"; fi

# --- setting findings aside (docs/suppressions.md) and CI (docs/ci.md)

S="$T/sup"
mkdir -p "$S/controls"
cat >"$S/.auditlint.yml" <<'EOF'
as_of: 2026-12-01
inline_suppressions:
  forbid: [required-fields]
exceptions:
  - rule: frequency-vocabulary
    path: controls/legacy.yml
    reason: the legacy register is migrated in Q1
    owner: ciso@example.com
    expires: 2026-11-30
  - rule: frequency-vocabulary
    path: "controls/**"
    id: AC-3
    reason: cadence agreed with the auditor
    owner: ciso@example.com
    expires: 2026-12-20
EOF
cat >"$S/controls/access.yml" <<'EOF'
controls:
  - id: AC-1
    owner: ciso@example.com
    frequency: periodically  # auditlint-ignore frequency-vocabulary -- set per quarter by the ISMS board
  - id: AC-2
    owner: ciso@example.com
    frequency: whenever  # auditlint-ignore frequency-vocabulary
  # auditlint-ignore required-fields -- owner being hired
  - id: AC-3
    frequency: sometimes
EOF
cat >"$S/controls/legacy.yml" <<'EOF'
controls:
  - id: LG-1
    owner: ciso@example.com
    frequency: yearly-ish
EOF
run suppress 1 "$AL" check "$S" && expect suppress out <<'EOF'
.auditlint.yml:9:14: error: exception for 'frequency-vocabulary' on 'controls/legacy.yml' expired on 2026-11-30; its findings are reported again until it is renewed or removed [expired-exception]
.auditlint.yml:15:14: note: exception for 'frequency-vocabulary' about 'AC-3' on 'controls/**' expires on 2026-12-20, in 19 days [expiring-exception]
controls/access.yml:7:16: warning: cannot read 'whenever' as a frequency; use one of continuous, daily, weekly, monthly, quarterly, semiannual, annual, biennial or event-driven [frequency-vocabulary]
controls/access.yml:7:26: warning: suppression of 'frequency-vocabulary' has no reason, so it suppresses nothing; write 'auditlint-ignore frequency-vocabulary -- WHY' [suppression-reason]
controls/access.yml:8:3: warning: the configuration forbids inline suppressions of 'required-fields'; record a reviewed exception in 'exceptions:' instead [forbidden-suppression]
controls/access.yml:9:5: warning: control 'AC-3' is missing 'owner'; add it to its entry [required-fields]
controls/legacy.yml:4:16: warning: cannot read 'yearly-ish' as a frequency; use one of continuous, daily, weekly, monthly, quarterly, semiannual, annual, biennial or event-driven [frequency-vocabulary]
EOF
run exceptions 0 "$AL" exceptions "$S" && expect exceptions out <<'EOF'
.auditlint.yml:5:5: exception frequency-vocabulary: expired, 0 findings, path 'controls/legacy.yml', owner 'ciso@example.com', expires 2026-11-30: the legacy register is migrated in Q1
.auditlint.yml:10:5: exception frequency-vocabulary: active, 1 finding, path 'controls/**', id 'AC-3', owner 'ciso@example.com', expires 2026-12-20: cadence agreed with the auditor
controls/access.yml:4:30: inline frequency-vocabulary: active, 1 finding: set per quarter by the ISMS board
controls/access.yml:7:26: inline frequency-vocabulary: no-reason, 0 findings: (no reason)
controls/access.yml:8:3: inline required-fields: forbidden, 0 findings: owner being hired
EOF
run exceptions-json 0 "$AL" exceptions --format json "$S" && has \
    exceptions-json out '"kind": "exception", "status": "expired"'
run exceptions-format 2 "$AL" exceptions --format sarif "$S" && has \
    exceptions-format err "'--format' takes text or json, not 'sarif'"
printf 'inline_suppressions: {allow: [x]}\n' >"$T/conf/.auditlint.yml"
run inline-config 2 "$AL" check "$T/conf" && has inline-config err \
    "unknown key 'allow' in 'inline_suppressions'; known: forbid"

# The adoption steps of docs/ci.md: the baseline survives moved lines.
(cd "$S" && git init -q && git add -A \
    && git -c user.name=t -c user.email=t@example.com commit -qm one)
run write-baseline 0 "$AL" check --write-baseline "$T/base.json" "$S" \
    && has write-baseline err "auditlint: wrote 7 findings to '$T/base.json'"
for f in "$S"/controls/*.yml; do
    { printf '# moved\n# down\n# three\n'; cat "$f"; } >"$f.new" \
        && mv "$f.new" "$f"
done
run baseline 0 "$AL" check --baseline "$T/base.json" "$S" \
    && has baseline err "auditlint: 7 findings hidden by the baseline"
printf '  - id: AC-9\n    owner: ciso@example.com\n    frequency: often\n' \
    >>"$S/controls/access.yml"
run changed-since 1 "$AL" check --fail-on warning --changed-since HEAD \
    "$S" && expect changed-since out <<'EOF'
controls/access.yml:16:16: warning: cannot read 'often' as a frequency; use one of continuous, daily, weekly, monthly, quarterly, semiannual, annual, biennial or event-driven [frequency-vocabulary]
EOF
has changed-since err "auditlint: 7 findings on lines unchanged since 'HEAD'"
run baseline-new 1 "$AL" check --fail-on warning --baseline "$T/base.json" \
    "$S" && expect \
    baseline-new out <<'EOF'
controls/access.yml:16:16: warning: cannot read 'often' as a frequency; use one of continuous, daily, weekly, monthly, quarterly, semiannual, annual, biennial or event-driven [frequency-vocabulary]
EOF
(cd "$S" && git add -A \
    && git -c user.name=t -c user.email=t@example.com commit -qm two)
run changed-since-commit 1 "$AL" check --fail-on warning \
    --changed-since HEAD~1 "$S" && expect changed-since-commit out <<'EOF'
controls/access.yml:16:16: warning: cannot read 'often' as a frequency; use one of continuous, daily, weekly, monthly, quarterly, semiannual, annual, biennial or event-driven [frequency-vocabulary]
EOF
run bad-ref 2 "$AL" check --changed-since no-such-ref "$S" && has bad-ref \
    err "unknown revision 'no-such-ref'"
run option-ref 2 "$AL" check --changed-since --output=x "$S" && has \
    option-ref err "'--changed-since' needs a git revision, not '--output=x'"
printf '{"version": 1, "findings": [{"fingerprint": 7}]}\n' >"$T/bad.json"
run bad-baseline 2 "$AL" check --baseline "$T/bad.json" "$S" && has \
    bad-baseline err "bad.json:1:45: error: expected a string, found '7'"
# docs/ci.md, the shell script and GitLab CI
run ci-script 0 "$AL" check --baseline "$T/base.json" \
    -o "sarif:$T/ci.sarif" -o "junit:$T/ci.xml" "$S" \
    && has ci-script ci.xml '<testsuites' && has ci-script ci.sarif \
    '"version": "2.1.0"'
if command -v jq >/dev/null 2>&1; then
    run gitlab 0 "$AL" check --fail-on never -o "json:$T/gl.json" \
        -o "junit:$T/gl.xml" "$S" \
        && jq '[.findings[] | {description: "\(.message) [\(.rule)]",
            check_name: .rule, fingerprint: .fingerprint,
            severity: {"error": "major", "warning": "minor",
                       "note": "info"}[.severity],
            location: {path: .file, lines: {begin: (if .line > 0
                                                    then .line else 1
                                                    end)}}}]' \
            "$T/gl.json" >"$T/out" \
            && has gitlab out '"check_name": "expired-exception"'
fi
run github 1 "$AL" check --format github "$S" && has github out \
    "::error file=.auditlint.yml,line=9,col=14,title=expired-exception::"

# --- --fix keeps a value's quoting: a JSON file stays valid JSON

mkdir -p "$T/jfix"
cat >"$T/jfix/controls.json" <<'EOF2'
{"controls": [{"id": "AC-9", "title": "User access review",
  "owner": "a@example.com", "frequency": "annual",
  "maps": {"iso27001": ["A.5.18"]}}]}
EOF2
run fix-json 0 "$AL" check --as-of 2026-12-01 --fix "$T/jfix" && has \
    fix-json err "fixed 1 finding"
has fix-json-bytes jfix/controls.json '"frequency": "quarterly"'

# --- rule options from the configuration are typed: false is false

printf 'rules:\n  stricter-frequency: {policy_text: false}\n' >"$T/opts.yml"
run options-default 1 "$AL" check --as-of 2026-12-01 --config /dev/null \
    examples/acme && has options-default out \
    "control 'OPS-03' runs 'monthly' but its policy"
run options-false 1 "$AL" check --as-of 2026-12-01 --config "$T/opts.yml" \
    examples/acme && lacks options-false out \
    "control 'OPS-03' runs 'monthly' but its policy"

# --- the example configuration of docs/config.md is valid as written

mkdir -p "$T/docconf/lint-rules"
cp -R "$REPO"/. "$T/docconf/"
awk '/^```yaml$/ { on = 1; next } /^```$/ { on = 0 } on' docs/config.md \
    >"$T/docconf/.auditlint.yml"
run doc-config 0 "$AL" check "$T/docconf" && has doc-config out \
    "control 'AC-1' is missing 'evidence'"

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
