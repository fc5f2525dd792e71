#!/bin/sh
# corpora.sh: runs auditlint over the real-world corpora that 'make check'
# and CI use (../shared/corpora, see its README.md).
#
# usage: sh tests/corpora.sh AUDITLINT
#
# The corpora are looked for at $AUDITLINT_CORPORA, default
# ../shared/corpora; a relative path is taken from the repository root
# (the folder above this script). When they are absent the test prints
# one 'skipped' line and passes.
#
# Checks, one output line each:
#   corpus  every corpus folder, checked whole with --format json: exit
#           status 0 or 1 within 120 s, valid positions (line and column
#           >= 1) on every finding and related location;
#   file    every file of those folders, checked alone (text format):
#           exit status 0 or 1 within 20 s, no position 0;
#   parse   comply's malformed fixtures: a parse-error finding at the
#           line where libyaml reports the error.
# Exit status 2 means an internal error or a failed rule, so it fails.
# jq makes the JSON checks exact; without it a grep/awk reading of the
# JSON is used. JQ= (empty) forces that fallback.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: sh tests/corpora.sh AUDITLINT" >&2
    exit 2
fi

case $1 in
/*) AUDITLINT=$1 ;;
*) AUDITLINT=$PWD/$1 ;;
esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPORA=${AUDITLINT_CORPORA:-../shared/corpora}
case $CORPORA in
/*) ;;
*) CORPORA=$ROOT/$CORPORA ;;
esac
AS_OF=2026-12-01
JQ=${JQ-jq}

if [ ! -d "$CORPORA" ]; then
    echo "corpora: skipped: $CORPORA not found (set AUDITLINT_CORPORA)"
    exit 0
fi
if [ ! -x "$AUDITLINT" ]; then
    echo "corpora: '$AUDITLINT' is not an executable" >&2
    exit 2
fi
if [ -n "$JQ" ] && ! command -v "$JQ" > /dev/null 2>&1; then
    JQ=
fi
TIMEOUT=timeout
if ! command -v timeout > /dev/null 2>&1; then
    echo "corpora: note: no 'timeout' command; runs are not time-limited"
    TIMEOUT=
fi

FOLDERS="comply/strongdm-comply comply/comply-asis jupiterone hack23-isms
tailscale cloudgov/compliance cloudgov/compliance-docs ossf-baseline"

# Malformed comply fixtures and the line libyaml reports for each
# (problem_mark, 1-based; the front matter starts at the file's line 1).
FIXTURES="policies/invalid-access.md 10
narratives/invalid-control.md 5
procedures/invalid-workstation.md 2
standards/invalid-standard.yml 2"

TMP=${TMPDIR:-/tmp}/auditlint-corpora.$$
mkdir "$TMP"
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
OUT=$TMP/out
ERR=$TMP/err
passed=0
failed=0

# Runs auditlint with a time limit of $1 seconds and the remaining
# arguments; stdout to $OUT, stderr to $ERR, exit status in $rc.
run() {
    limit=$1
    shift
    rc=0
    if [ -n "$TIMEOUT" ]; then
        timeout "$limit" "$AUDITLINT" "$@" > "$OUT" 2> "$ERR" \
            < /dev/null || rc=$?
    else
        "$AUDITLINT" "$@" > "$OUT" 2> "$ERR" < /dev/null || rc=$?
    fi
}

# Prints what is wrong with exit status $rc of a run limited to $1 s.
status_problem() {
    case $rc in
    0 | 1) ;;
    2) echo "exit status 2 (internal error or failed rule)" ;;
    124) echo "timed out after $1 s" ;;
    125 | 126 | 127) echo "could not be run (exit status $rc)" ;;
    *)
        if [ "$rc" -gt 128 ]; then
            echo "crashed (signal $((rc - 128)))"
        else
            echo "unexpected exit status $rc"
        fi
        ;;
    esac
}

pass() {
    echo "ok   $1"
    passed=$((passed + 1))
}

# Reports a failed check $1 with reason $2 (lines after the first are
# indented), and the run's stderr.
fail() {
    echo "FAIL $1: $(printf '%s\n' "$2" | sed -n 1p)"
    printf '%s\n' "$2" | sed -n '2,$s/^/     | /p'
    if [ -s "$ERR" ]; then
        sed -n '1,10s/^/     | /p' "$ERR"
    fi
    failed=$((failed + 1))
}

# Prints the findings in JSON file $1 whose position, or that of one of
# their related locations, is not line >= 1 and column >= 1; fails when
# $1 is not JSON that reads as findings.
bad_positions_jq() {
    # shellcheck disable=SC2016 # $f is a jq variable
    "$JQ" -r '.findings[] | . as $f | ([$f] + ($f.related // []))[]
        | select((.line | type) != "number" or .line < 1
                 or (.column | type) != "number" or .column < 1)
        | "\($f.rule) at \(.file):\(.line):\(.column)"' "$1"
}

# The same without jq: every "line" and "column" value must be a
# positive number, and there must be one of each per "rule".
bad_positions_awk() {
    awk '
    function count(s, re) { return gsub(re, "", s) }
    {
        rules += count($0, "\"rule\"[ \t]*:")
        lines += count($0, "\"line\"[ \t]*:")
        good_lines += count($0, "\"line\"[ \t]*:[ \t]*[1-9]")
        cols += count($0, "\"column\"[ \t]*:")
        good_cols += count($0, "\"column\"[ \t]*:[ \t]*[1-9]")
    }
    END {
        if (lines != good_lines || cols != good_cols)
            print lines - good_lines " line and " cols - good_cols \
                " column values below 1 or missing"
        else if (good_lines < rules || good_cols < rules)
            print "a finding without line or column"
    }' "$1"
}

bad_positions() {
    if [ -n "$JQ" ]; then
        bad_positions_jq "$1" || echo "output is not findings JSON"
    else
        bad_positions_awk "$1"
    fi
}

count_findings() {
    if [ -n "$JQ" ]; then
        "$JQ" '.findings | length' "$1" 2> /dev/null || echo "?"
    else
        awk '{ n += gsub(/"rule"[ \t]*:/, "") } END { print n + 0 }' "$1"
    fi
}

# Whether JSON file $1 has a parse-error finding on line $2.
has_parse_error() {
    if [ -n "$JQ" ]; then
        # shellcheck disable=SC2016 # $l is a jq variable
        "$JQ" -e --argjson l "$2" '[.findings[]
            | select(.rule == "parse-error" and .line == $l)]
            | length > 0' "$1" > /dev/null 2>&1
        return
    fi
    awk -v want="$2" '
    { text = text $0 "\n" }
    END {
        n = split(text, part, /"rule"[ \t]*:[ \t]*/)
        for (i = 2; i <= n; i++) {
            if (part[i] !~ /^"parse-error"/)
                continue
            if (match(part[i], /"line"[ \t]*:[ \t]*[0-9]+/)) {
                v = substr(part[i], RSTART, RLENGTH)
                sub(/^"line"[ \t]*:[ \t]*/, "", v)
                if (v + 0 == want + 0)
                    found = 1
            }
        }
        exit !found
    }' "$1"
}

check_corpus() {
    name="corpus $1"
    if [ ! -d "$CORPORA/$1" ]; then
        fail "$name" "$CORPORA/$1 not found"
        return
    fi
    run 120 check --format json --as-of "$AS_OF" "$CORPORA/$1"
    problem=$(status_problem 120)
    if [ -z "$problem" ]; then
        problem=$(bad_positions "$OUT" | sed -n '1,5p')
    fi
    if [ -n "$problem" ]; then
        fail "$name" "$problem"
    else
        pass "$name (exit $rc, $(count_findings "$OUT") findings)"
    fi
}

# Checks one file alone; the text format must show no position 0.
check_file() {
    name="file ${1#"$CORPORA"/}"
    run 20 check --as-of "$AS_OF" "$1"
    problem=$(status_problem 20)
    if [ -z "$problem" ] && grep -Eq \
        ':(0:[0-9]+|[0-9]+:0): (error|warning|note): ' "$OUT"; then
        problem="a finding at line or column 0"
    fi
    if [ -n "$problem" ]; then
        fail "$name" "$problem"
    else
        pass "$name"
    fi
}

check_fixture() {
    file=$CORPORA/comply/strongdm-comply/fixtures/$1
    name="parse comply/strongdm-comply/fixtures/$1:$2"
    if [ ! -f "$file" ]; then
        fail "$name" "$file not found"
        return
    fi
    run 20 check --format json --as-of "$AS_OF" "$file"
    problem=$(status_problem 20)
    if [ -z "$problem" ] && ! has_parse_error "$OUT" "$2"; then
        problem="no parse-error finding at line $2"
    fi
    if [ -n "$problem" ]; then
        fail "$name" "$problem"
    else
        pass "$name"
    fi
}

for folder in $FOLDERS; do
    check_corpus "$folder"
done

: > "$TMP/files"
for folder in $FOLDERS; do
    if [ -d "$CORPORA/$folder" ]; then
        find "$CORPORA/$folder" -type f | LC_ALL=C sort >> "$TMP/files"
    fi
done
while IFS= read -r path; do
    check_file "$path"
done < "$TMP/files"

printf '%s\n' "$FIXTURES" > "$TMP/fixtures"
while read -r fixture line; do
    check_fixture "$fixture" "$line"
done < "$TMP/fixtures"

echo "corpora: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
