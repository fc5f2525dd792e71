#!/bin/sh
# Runs the pure-Lua tests: every tests/lua/test_*.lua with the stock
# interpreter (no C loader), then the cross-check of policies/ against the
# shared reference data when ../shared is present.
#
#   sh tests/lua/run.sh [LUA]      (LUA defaults to lua5.4)
#
# A test prints "skip: ..." and passes when a tool it needs is missing.

LUA=${1:-lua5.4}
cd "$(dirname "$0")/../.." || exit 2
status=0
for t in tests/lua/test_*.lua; do
    [ -f "$t" ] || continue
    echo "== $t"
    "$LUA" "$t" || status=1
done
if [ -d ../shared/data ]; then
    echo "== tests/lua/check_policies.py"
    if command -v python3 >/dev/null 2>&1; then
        python3 tests/lua/check_policies.py ../shared/data
        rc=$?
        if [ $rc -eq 3 ]; then
            echo "skip: check_policies needs python3 with PyYAML"
        elif [ $rc -ne 0 ]; then
            status=1
        fi
    else
        echo "skip: check_policies needs python3"
    fi
fi
exit $status
