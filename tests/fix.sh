#!/bin/sh
# fix.sh: tests 'auditlint check --fix' on the stricter-frequency fix
# fixture (tests/fixtures/stricter-frequency/fix): before/ is the input,
# after/ the exact bytes expected once the laxer frequencies are fixed.
#
#   sh tests/fix.sh AUDITLINT
#
# Each case works on a fresh copy in a temporary directory: one file is
# given CRLF line ends and another mode 0640, to check that a fix changes
# only the bytes of the value. Prints one line per failed check and the
# summary 'fix: N passed, M failed'; exits 1 when a check failed, 2 on a
# usage error.
set -u

if [ $# -ne 1 ]; then
    echo "usage: sh tests/fix.sh AUDITLINT" >&2
    exit 2
fi
case $1 in
/*) AL=$1 ;;
*) AL=$PWD/$1 ;;
esac
HERE=$(cd "$(dirname "$0")" && pwd)
FIX=$HERE/fixtures/stricter-frequency/fix
TMP=$(mktemp -d "${TMPDIR:-/tmp}/auditlint-fix.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
trap 'exit 2' INT TERM

passed=0
failed=0

pass() {
    passed=$((passed + 1))
}

fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
}

# Adds a carriage return before every line feed of file $1.
to_crlf() {
    awk '{ printf "%s\r\n", $0 }' "$1" > "$1.crlf" && mv "$1.crlf" "$1"
}

# Fresh copies: $TMP/repo (to check), $TMP/orig (its bytes before any
# run) and $TMP/want (the expected result).
setup() {
    rm -rf "$TMP/repo" "$TMP/orig" "$TMP/want"
    cp -R "$FIX/before" "$TMP/repo"
    cp -R "$FIX/after" "$TMP/want"
    to_crlf "$TMP/repo/controls/operations.yml"
    to_crlf "$TMP/want/controls/operations.yml"
    chmod 640 "$TMP/repo/controls/access.yml"
    cp -Rp "$TMP/repo" "$TMP/orig"
}

# Runs auditlint on $TMP/repo with the given options; output in
# $TMP/out, status in $rc.
run() {
    "$AL" check --format json --fail-on never "$@" "$TMP/repo" \
        > "$TMP/out" 2> "$TMP/err"
    rc=$?
}

same_tree() {
    diff -r "$1" "$2" > "$TMP/diff" 2>&1
}

mode_of() {
    ls -l "$1" | cut -c1-10
}

findings() {
    grep -c "\"rule\": \"$1\"" "$TMP/out"
}

# 1. Without --fix no file is written.
setup
run
[ "$rc" -eq 0 ] && pass || fail "check without --fix exits $rc"
[ "$(findings stricter-frequency)" -eq 4 ] && pass \
    || fail "check without --fix reports $(findings stricter-frequency) \
stricter-frequency findings, not 4"
same_tree "$TMP/orig" "$TMP/repo" && pass \
    || fail "check without --fix changed files: $(cat "$TMP/diff")"

# 2. --fix rewrites exactly the values, atomically, keeping modes.
run --fix
[ "$rc" -eq 0 ] && pass || fail "check --fix exits $rc: $(cat "$TMP/err")"
same_tree "$TMP/want" "$TMP/repo" && pass \
    || fail "files after --fix differ from after/: $(cat "$TMP/diff")"
[ "$(mode_of "$TMP/repo/controls/access.yml")" = "-rw-r-----" ] && pass \
    || fail "mode after --fix is $(mode_of "$TMP/repo/controls/access.yml")"
[ -z "$(find "$TMP/repo" -name '*.auditlint-*')" ] && pass \
    || fail "temporary files left behind"
[ "$(findings stricter-frequency)" -eq 0 ] && pass \
    || fail "fixed findings are still reported after --fix"

# 3. A second run finds nothing to fix and changes nothing.
run
[ "$(findings stricter-frequency)" -eq 0 ] && pass \
    || fail "second run reports $(findings stricter-frequency) \
stricter-frequency findings"
run --fix
same_tree "$TMP/want" "$TMP/repo" && pass \
    || fail "second --fix changed files: $(cat "$TMP/diff")"
[ "$(findings stricter-frequency)" -eq 0 ] && pass \
    || fail "second --fix reports stricter-frequency findings"

echo "fix: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
