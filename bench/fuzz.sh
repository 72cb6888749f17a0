#!/usr/bin/env bash
# Runs one libFuzzer target for a while: bench/fuzz.sh TARGET MINUTES, with
# TARGET one of lut, mil, config, safetensors, coreml. Builds the fuzzers with clang-22 under
# AddressSanitizer and UndefinedBehaviorSanitizer in build-fuzz/ (installing
# clang-22 and its runtime if missing), starts from the committed corpus in
# fuzz/corpus/TARGET and keeps what it finds in build-fuzz/corpus/TARGET; a
# crash leaves its input as build-fuzz/crash-*. Merge new inputs worth
# keeping into the committed corpus with
#   build-fuzz/bin/palettize-fuzz-TARGET -merge=1 fuzz/corpus/TARGET build-fuzz/corpus/TARGET
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

target=${1:?usage: bench/fuzz.sh lut|mil|config|safetensors|coreml MINUTES}
minutes=${2:?usage: bench/fuzz.sh lut|mil|config|safetensors|coreml MINUTES}
case "$target" in
  lut) max_len=4096 ;;
  mil) max_len=2048 ;;
  config) max_len=4096 ;;
  safetensors) max_len=4096 ;;
  coreml) max_len=65536 ;;
  *) echo "unknown target '$target'; expected lut, mil, config, safetensors or coreml" >&2; exit 1 ;;
esac

PALETTIZE_PACKAGES+=(clang-22 libclang-rt-22-dev)
install_dependencies
fuzz_dir=${FUZZ_BUILD_DIR:-$PALETTIZE_ROOT/build-fuzz}
if [ ! -f "$fuzz_dir/build.ninja" ]; then
  cmake -G Ninja -S "$PALETTIZE_ROOT" -B "$fuzz_dir" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DMLIR_DIR="$LLVM_PREFIX/lib/cmake/mlir" \
    -DLLVM_EXTERNAL_LIT="$LLVM_PREFIX/bin/lit" \
    -DPALETTIZE_SANITIZE=address,undefined,fuzzer-no-link \
    -DPALETTIZE_BUILD_FUZZERS=ON -DPALETTIZE_BUILD_BENCHMARKS=OFF
fi
cmake --build "$fuzz_dir" -j "${JOBS:-2}" --target "palettize-fuzz-$target"

mkdir -p "$fuzz_dir/corpus/$target"
cd "$fuzz_dir"
# MLIR's own allocations are not leak-free at exit.
ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0 "$fuzz_dir/bin/palettize-fuzz-$target" \
  "$fuzz_dir/corpus/$target" "$PALETTIZE_ROOT/fuzz/corpus/$target" \
  -max_total_time=$((minutes * 60)) -rss_limit_mb=4096 -max_len=$max_len \
  -timeout=30 -print_final_stats=1
