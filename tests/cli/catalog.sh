#!/bin/sh
# catalog.sh: tests of 'auditlint catalog' and 'auditlint map' through the
# command line: the catalogue counts of docs/reference-data.md, the JSON
# output, and the answers map gives for a few well-known ids.
#
# usage: sh tests/cli/catalog.sh AUDITLINT
#
# Prints one line per failed check and a final 'catalog: N passed, M
# failed' line; exits 1 when a check failed, 2 on a usage error.
set -u

if [ $# -ne 1 ]; then
    echo "usage: sh tests/cli/catalog.sh AUDITLINT" >&2
    exit 2
fi
AL=$1
if [ ! -x "$AL" ]; then
    echo "catalog: '$AL' is not an executable" >&2
    exit 2
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
passed=0
failed=0

ok() { passed=$((passed + 1)); }

fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
}

# run NAME STATUS ARG...: runs auditlint ARG..., output in $T/out.
run() {
    name=$1
    want=$2
    shift 2
    "$AL" "$@" >"$T/out" 2>"$T/err" </dev/null
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$name: exit status $got, expected $want"
        sed 's/^/    /' "$T/out" "$T/err" | head -5
        return 1
    fi
    ok
}

# count NAME WANT PATTERN: WANT lines of $T/out match the grep PATTERN.
count() {
    got=$(grep -c -- "$3" "$T/out")
    if [ "$got" -eq "$2" ]; then ok; else
        fail "$1: $got lines match '$3', expected $2"
    fi
}

# lines NAME WANT: $T/out has WANT lines.
lines() {
    got=$(wc -l <"$T/out" | tr -d ' ')
    if [ "$got" -eq "$2" ]; then ok; else
        fail "$1: $got lines, expected $2"
    fi
}

# has NAME TEXT: $T/out contains TEXT (a fixed string).
has() {
    if grep -qF -- "$2" "$T/out"; then ok; else
        fail "$1: output lacks '$2'"
        sed 's/^/    /' "$T/out" | head -10
    fi
}

# json NAME: $T/out is valid JSON, when a JSON checker is at hand.
json() {
    if command -v jq >/dev/null 2>&1; then
        if jq empty "$T/out" 2>/dev/null; then ok; else
            fail "$1: output is not valid JSON"
        fi
    elif command -v python3 >/dev/null 2>&1; then
        if python3 -m json.tool "$T/out" >/dev/null 2>&1; then ok; else
            fail "$1: output is not valid JSON"
        fi
    fi
}

# --- catalog: the frameworks

run frameworks 0 catalog && {
    lines frameworks 6
    for fw in soc2 iso27001 iso27002 iso27001:2013 nist-csf nist-800-53
    do
        count "frameworks-$fw" 1 "^$fw "
    done
}
run frameworks-json 0 catalog --format json && json frameworks-json
run catalog-help 0 catalog --help && has catalog-help \
    "usage: auditlint catalog"

# --- catalog FRAMEWORK: the counts of docs/reference-data.md

run soc2 0 catalog soc2 && {
    lines soc2 61
    count soc2-cc 33 "^CC[1-9]\.[0-9]"
    has soc2-tab "$(printf 'CC6.1\t')"
}
run soc2-alias 0 catalog TSC && lines soc2-alias 61
run iso27001 0 catalog iso27001 && {
    lines iso27001 134
    count iso27001-annex-a 93 "^A\."
    count iso27001-clauses 41 "^[0-9]"
    has iso27001-first-clause "$(printf '4\tContext of the organization')"
}
run iso27002 0 catalog iso27002 && lines iso27002 93
run iso27001-2013 0 catalog iso27001:2013 && {
    count iso2013-annex-a 114 "^A\."
    count iso2013-clauses 35 "^[0-9]"
}
run nist-csf 0 catalog nist-csf && {
    lines nist-csf 134
    count csf-functions 6 "^[A-Z][A-Z]	"
    count csf-categories 22 "^[A-Z][A-Z]\.[A-Z][A-Z]	"
    count csf-subcategories 106 "^[A-Z][A-Z]\.[A-Z][A-Z]-[0-9][0-9]	"
}
run csf-alias 0 catalog csf && lines csf-alias 134
run soc2-json 0 catalog --format json soc2 && {
    json soc2-json
    count soc2-json-ids 61 '"id": '
}
run catalog-unknown 2 catalog pci-dss && has catalog-unknown \
    "auditlint: error: unknown framework 'pci-dss'"
run catalog-800-53 2 catalog nist-800-53 && has catalog-800-53 \
    "no built-in catalogue"
run catalog-bad-option 2 catalog --frob

# --- map: three well-known answers

run map-a923 0 map A.9.2.3 && {
    has map-a923 "A.9.2.3: ISO 27001:2013 Annex A control"
    has map-a923 "title:        Management of privileged access rights"
    has map-a923 "objective:    A.9.2  User access management"
    has map-a923 "in 2022:      A.8.2  Privileged access rights"
}
run map-cc61 0 map CC6.1 && {
    has map-cc61 "CC6.1: SOC 2 criterion"
    has map-cc61 "category:     security"
    has map-cc61 "iso27001:A.5.15"
}
run map-a523 0 map A.5.23 && {
    has map-a523 "A.5.23: ISO 27001:2022 Annex A control"
    has map-a523 "title:        Information security for use of cloud services"
    has map-a523 "in 2013:      none: new in 2022"
}

# --- map: other forms

run map-explicit 0 map soc2:CC6.1 && has map-explicit "CC6.1: SOC 2"
run map-explicit-2013 0 map iso27001:2013:A.9.2.3 && has map-explicit-2013 \
    "in 2022:      A.8.2"
run map-27002 0 map iso27002:5.15 && has map-27002 "A.5.15: ISO 27001:2022"
run map-clause 0 map 5.1 && {
    has map-clause "5.1: ISO 27001:2022 clause"
    has map-clause "A.5.1: ISO 27001:2022 Annex A control"
}
run map-withdrawn 0 map PR.AC-01 && has map-withdrawn "PR.AA-01"
run map-json 0 map --format json CC6.1 && {
    json map-json
    has map-json '"id": "CC6.1"'
}

# --- map: unknown ids

run map-cc99 1 map CC9.9 && {
    has map-cc99 "'CC9.9' is not a requirement id"
    has map-cc99 "soc2:CC9.1"
}
run map-a538 1 map A.5.38 && {
    sed -n '3p' "$T/out" >"$T/first"
    if grep -q "^  iso27001:A.5.37 " "$T/first"; then ok; else
        fail "map-a538: first suggestion is not A.5.37"
    fi
}
run map-2013-as-2022 1 map iso27001:A.9.2.3 && has map-2013-as-2022 \
    "iso27001:A.8.2"
run map-no-id 2 map
run map-help 0 map --help && has map-help "usage: auditlint map"

echo "catalog: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
