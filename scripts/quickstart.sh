#!/usr/bin/env bash
# Installs what is missing, builds palettize and runs its main job on the
# bundled examples: palettizes the weights of a real Core ML model
# (examples/coreml/DTLN_AEC_128_Part1.mlpackage, 6-bit k-means) into a new
# package, then those of examples/mlp.mlir, and reports what each saved.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_dependencies
configure_and_build

package="$PALETTIZE_ROOT/examples/coreml/DTLN_AEC_128_Part1.mlpackage"
palettized_package="$BUILD_DIR/DTLN_AEC_128_Part1.palettized.mlpackage"
echo
echo "== palettize-coreml examples/coreml/DTLN_AEC_128_Part1.mlpackage" \
     "-o build/DTLN_AEC_128_Part1.palettized.mlpackage" \
     "--palettize-weights=\"mode=kmeans nbits=6\""
"$BUILD_DIR/bin/palettize-coreml" "$package" -o "$palettized_package" \
  --palettize-weights="mode=kmeans nbits=6"
echo "weights: $(stat -c %s "$package/Data/com.apple.CoreML/weights/weight.bin") bytes before," \
     "$(stat -c %s "$palettized_package/Data/com.apple.CoreML/weights/weight.bin") bytes after"
echo "palettized package: $palettized_package"

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
