#!/bin/sh
# bench.sh: the figures behind 'make bench' (see docs/benchmarks.md).
#
# usage: sh tools/bench.sh AUDITLINT RAWPARSE
#
# For each size N it generates a repository of N controls with
# tools/genrepo (kept in build/bench/N and reused while tools/genrepo.c
# is unchanged), then times a raw libyaml parse of its YAML, JSON and
# Markdown files (RAWPARSE, tools/rawparse.c) and a full
# 'auditlint check' of the directory, each under tools/measure, and
# prints one table row per size.
#
# Environment:
#   BENCH_SIZES       sizes to run            (default "1000 10000 100000")
#   BENCH_RUNS        runs per command, best time kept, for N <= 10000
#                                              (default 3)
#   BENCH_RUNS_LARGE  the same for N > 10000  (default 1)
#   BENCH_DIR         where repositories and outputs go (build/bench)
#   CC                compiler for genrepo and measure (cc)
#
# Timings are figures, never a verdict. Exit status: 0; 1 when a command
# crashed, auditlint exited with 2 or more (an internal error or a failed
# rule) or rawparse could not parse the generated files; 2 on usage.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: sh tools/bench.sh AUDITLINT RAWPARSE" >&2
    exit 2
fi

abspath() {
    case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "$1" ;;
    esac
}

AUDITLINT=$(abspath "$1")
RAWPARSE=$(abspath "$2")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

SIZES=${BENCH_SIZES:-1000 10000 100000}
RUNS=${BENCH_RUNS:-3}
RUNS_LARGE=${BENCH_RUNS_LARGE:-1}
DIR=${BENCH_DIR:-build/bench}
GENREPO=build/genrepo
MEASURE=build/measure
AS_OF=2026-12-01
failed=0

for n in $SIZES $RUNS $RUNS_LARGE; do
    case $n in
    '' | *[!0-9]*)
        echo "bench: '$n' is not a number (BENCH_SIZES, BENCH_RUNS*)" >&2
        exit 2
        ;;
    esac
done
for tool in "$AUDITLINT" "$RAWPARSE"; do
    if [ ! -x "$tool" ]; then
        echo "bench: '$tool' is not an executable; run 'make bench'" >&2
        exit 2
    fi
done

mkdir -p build "$DIR"
${CC:-cc} -O2 -o "$GENREPO" tools/genrepo.c
${CC:-cc} -O2 -D_DEFAULT_SOURCE -o "$MEASURE" tools/measure.c

# Makes $DIR/$1 hold a repository of $1 controls from the current
# generator; reuses it when the generator's source has not changed.
generate() {
    repo=$DIR/$1
    stamp=$(cksum < tools/genrepo.c)
    if [ -d "$repo" ] && [ -f "$repo.stamp" ] &&
        [ "$(cat "$repo.stamp")" = "$stamp" ]; then
        return 0
    fi
    echo "bench: generating $1 controls in $repo" >&2
    rm -rf "$repo" "$repo.stamp"
    "$GENREPO" "$repo" "$1" > /dev/null
    printf '%s\n' "$stamp" > "$repo.stamp"
}

# Runs "$@" under measure with stdout to $out and stderr to $err; sets
# m_wall, m_rss (kB) and m_status (127 when measure itself failed).
measured() {
    line=$("$MEASURE" -o "$out" "$@" 2> "$err") || true
    m_wall=$(printf '%s\n' "$line" | sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p')
    m_rss=$(printf '%s\n' "$line" | sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p')
    m_status=$(printf '%s\n' "$line" | sed -n 's/.*status=\([0-9]*\).*/\1/p')
    if [ -z "$m_wall" ] || [ -z "$m_rss" ] || [ -z "$m_status" ]; then
        m_wall=0 m_rss=0 m_status=127
    fi
}

# Runs "$@" $runs times; sets best_wall (the shortest), best_rss (the
# largest peak) and best_status (the first non-zero status, else 0).
best_of() {
    best_wall='' best_rss=0 best_status=0
    r=0
    while [ "$r" -lt "$runs" ]; do
        measured "$@"
        if [ -z "$best_wall" ] ||
            awk "BEGIN { exit !($m_wall < $best_wall) }"; then
            best_wall=$m_wall
        fi
        if [ "$m_rss" -gt "$best_rss" ]; then
            best_rss=$m_rss
        fi
        if [ "$best_status" -eq 0 ]; then
            best_status=$m_status
        fi
        r=$((r + 1))
    done
}

# Prints why status $2 of command $1 is a failure, with its stderr.
report_failure() {
    if [ "$2" -ge 128 ]; then
        echo "bench: $1 crashed on $n controls (signal $(($2 - 128)))" >&2
    else
        echo "bench: $1 failed on $n controls (exit status $2)" >&2
    fi
    sed -n '1,20s/^/  /p' "$err" >&2
    failed=1
}

count_findings() {
    awk '{ n += gsub(/"rule"[ \t]*:/, "") } END { print n + 0 }' "$1"
}

mb() {
    awk "BEGIN { printf \"%.1f\", $1 / 1024 }"
}

ratio() {
    awk "BEGIN { if ($2 > 0) printf \"%.1f\", $1 / $2; else print \"-\" }"
}

row() {
    printf '%9s %6s %11s %8s %8s %6s %9s %7s %9s\n' "$@"
}

row controls files bytes check_s raw_s ratio check_MB raw_MB findings
for n in $SIZES; do
    generate "$n"
    repo=$DIR/$n
    runs=$RUNS
    if [ "$n" -gt 10000 ]; then
        runs=$RUNS_LARGE
    fi
    find "$repo" -type f \( -name '*.yml' -o -name '*.yaml' \
        -o -name '*.json' -o -name '*.md' \) | LC_ALL=C sort > "$repo.files"
    xargs cat < "$repo.files" > /dev/null

    out=$repo.raw err=$repo.raw.err
    best_of "$RAWPARSE" -l "$repo.files"
    raw_wall=$best_wall raw_rss=$best_rss
    if [ "$best_status" -ne 0 ]; then
        report_failure rawparse "$best_status"
    fi
    files=$(sed -n 's/^files=\([0-9]*\).*/\1/p' "$out")
    bytes=$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' "$out")

    out=$repo.json err=$repo.json.err
    best_of "$AUDITLINT" check --format json --as-of "$AS_OF" \
        --fail-on never "$repo"
    findings=$(count_findings "$out")
    if [ "$best_status" -ge 2 ]; then
        report_failure auditlint "$best_status"
        findings=-
    fi

    row "$n" "${files:--}" "${bytes:--}" "$best_wall" "$raw_wall" \
        "$(ratio "$best_wall" "$raw_wall")" "$(mb "$best_rss")" \
        "$(mb "$raw_rss")" "$findings"
done
exit "$failed"
