#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test: the lit
# suite (FileCheck tests, the stock mlir-opt plugin tests, the fuzz corpus)
# and the GoogleTest programs, which lit runs too; then the same suite on a
# second build under AddressSanitizer and UndefinedBehaviorSanitizer
# (build-sanitize/; PALETTIZE_SANITIZED=0 skips it while developing). Ends
# with one line summing both runs: N passed, N failed, N skipped.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_dependencies || exit 1

passed=0
failed=0
skipped=0

# run_suite NAME DIR: runs lit on DIR's tests and adds its counts.
run_suite() {
  local name=$1 dir=$2 log
  log=$(mktemp)
  echo "== $name"
  "$LLVM_PREFIX/bin/lit" -sv "$dir/test" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  # lit's summary ("  Passed: 25 (100.00%)") counts each GoogleTest case as
  # one test.
  count() {
    awk -F': ' -v key="$1" '/^  [A-Za-z ]+: +[0-9]+/ { sub(/^ +/, "", $1); if ($1 == key) n += $2 }
      END { print n + 0 }' "$log"
  }
  local p f s
  p=$(count Passed)
  f=$(( $(count Failed) + $(count Unresolved) + $(count "Timed Out") + $(count "Unexpectedly Passed") ))
  s=$(( $(count Unsupported) + $(count Excluded) + $(count Skipped) + $(count "Expectedly Failed") ))
  rm -f "$log"
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1
  fi
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    echo "no test ran in $name"
    f=1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + s))
}

if configure_and_build; then
  run_suite "release build" "$BUILD_DIR"
else
  failed=$((failed + 1))
fi

if [ "${PALETTIZE_SANITIZED:-1}" != 0 ]; then
  SANITIZE_BUILD_DIR=${SANITIZE_BUILD_DIR:-$PALETTIZE_ROOT/build-sanitize}
  if configure_and_build_in "$SANITIZE_BUILD_DIR" \
      -DPALETTIZE_SANITIZE=address,undefined \
      -DPALETTIZE_BUILD_BENCHMARKS=OFF; then
    run_suite "AddressSanitizer and UndefinedBehaviorSanitizer build" \
      "$SANITIZE_BUILD_DIR"
  else
    failed=$((failed + 1))
  fi
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
