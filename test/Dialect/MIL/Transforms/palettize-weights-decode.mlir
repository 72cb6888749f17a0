// Lossy palettization of a real-sized model, decoded twice, by
// mil-materialize-constexpr and by an independent numpy decoder of Core
// ML's packing rule (the bytes must match), and checked against the
// original weights: every element takes its nearest LUT entry (kmeans) or
// its grid level (uniform), and the uniform LUT is the grid itself.
// RUN: palettize-opt %src_root/examples/mlp.mlir -mlir-print-debuginfo \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.original.mlir
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="mode=kmeans nbits=3" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.palettized.mlir
// RUN: palettize-opt %t.palettized.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t.original.mlir \
// RUN:   %t.palettized.mlir %t.decoded.mlir --mode kmeans | FileCheck %s
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="mode=uniform nbits=6" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.uniform.mlir
// RUN: palettize-opt %t.uniform.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.uniform.decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t.original.mlir \
// RUN:   %t.uniform.mlir %t.uniform.decoded.mlir --mode uniform | FileCheck %s
// An 8-bit uniform LUT in int8: 256 levels in 255 integers, so two collapse
// and every element moves to its nearest dequantized entry.
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="mode=uniform nbits=8 lut-dtype=int8" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.uniform8.mlir
// RUN: palettize-opt %t.uniform8.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.uniform8.decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t.original.mlir \
// RUN:   %t.uniform8.mlir %t.uniform8.decoded.mlir --mode uniform | FileCheck %s
// An index moved off its nearest entry, decoded consistently by both
// decoders, must still fail: only the comparison with the original weights
// can catch it.
// RUN: sed -e 's/fc2.weight_indices: "0x01000000\(.\)./fc2.weight_indices: "0x01000000\1F/' \
// RUN:   %t.palettized.mlir > %t.corrupt.mlir
// RUN: not cmp -s %t.palettized.mlir %t.corrupt.mlir
// RUN: palettize-opt %t.corrupt.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.corrupt.decoded.mlir
// RUN: not %python %S/Inputs/check_palettized.py %t.original.mlir \
// RUN:   %t.corrupt.mlir %t.corrupt.decoded.mlir --mode kmeans \
// RUN:   | FileCheck %s --check-prefix=CORRUPT

// CHECK: fc1.weight: 98304 x f16: ok
// CHECK: fc2.weight: 3840 x f16: ok
// CHECK: 2 of 2 constants decode as expected
// CORRUPT: fc2.weight: 3840 x f16: FAILED: LUT: {{[12]}} of 3840 indices are not the expected entry (first: element 0 =
// CORRUPT: 1 of 2 constants decode as expected
