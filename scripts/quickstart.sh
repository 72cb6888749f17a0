#!/usr/bin/env bash
# Installs what is missing, builds palettize and runs its main job on the
# bundled example: palettizes the weights of examples/mlp.mlir (6-bit
# k-means) and reports what it saved.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_dependencies
configure_and_build

input="$PALETTIZE_ROOT/examples/mlp.mlir"
output="$BUILD_DIR/mlp.palettized.mlir"
echo
echo "== palettize-opt --palettize-weights=\"mode=kmeans nbits=6 print-statistics=true\" examples/mlp.mlir"
"$BUILD_DIR/bin/palettize-opt" \
  --palettize-weights="mode=kmeans nbits=6 print-statistics=true" \
  "$input" -o "$output"
"$BUILD_DIR/bin/palettize-opt" "$output" -emit-bytecode -o "$output.bc"
"$BUILD_DIR/bin/palettize-opt" "$input" -emit-bytecode -o "$BUILD_DIR/mlp.mlirbc"
echo
echo "bytecode: $(stat -c %s "$BUILD_DIR/mlp.mlirbc") bytes before," \
     "$(stat -c %s "$output.bc") bytes after"
echo "palettized IR: $output"
grep -o 'mil.constexpr_lut_to_dense "[^"]*" lut(dense<[^>]*> : tensor<[^>]*>)' "$output" |
  cut -c1-160 | sed 's/$/ .../'
