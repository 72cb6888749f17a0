#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test: the lit
# suite (FileCheck tests, the stock mlir-opt plugin tests) and the GoogleTest
# programs, which lit runs too. Ends with one line: N passed, N failed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_dependencies || exit 1
configure_and_build || { echo "0 passed, 1 failed"; exit 1; }

log=$(mktemp)
"$LLVM_PREFIX/bin/lit" -sv "$BUILD_DIR/test" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# lit's summary ("  Passed: 25 (100.00%)") counts each GoogleTest case as
# one test.
count() {
  awk -F': ' -v key="$1" '/^  [A-Za-z ]+: [0-9]+/ { sub(/^ +/, "", $1); if ($1 == key) n += $2 }
    END { print n + 0 }' "$log"
}
passed=$(count Passed)
failed=$(( $(count Failed) + $(count Unresolved) + $(count "Timed Out") + $(count "Unexpectedly Passed") ))
skipped=$(( $(count Unsupported) + $(count Excluded) + $(count Skipped) + $(count "Expectedly Failed") ))
rm -f "$log"

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "no test ran"
  failed=1
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
