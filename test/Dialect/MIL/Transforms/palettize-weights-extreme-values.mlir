// Weights that reach their type's largest finite value (f16 65504, bf16 and
// f32 about 3.4e38) with 8-bit LUTs, in kmeans and uniform mode: every
// dequantized entry must stay finite (a scale rounded up, or a zero point
// off the middle, once decoded them to infinity), and every element must
// take its nearest dequantized entry. The checker evaluates each chain and
// compares it with mil-materialize-constexpr's bytes.
// RUN: %python %S/Inputs/make_extremes.py > %t.mlir
// RUN: palettize-opt %t.mlir -mlir-print-debuginfo \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.original.mlir
// RUN: palettize-opt %t.mlir --palettize-weights="mode=kmeans nbits=2 lut-dtype=int8 weight-threshold=0" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.int8.mlir
// RUN: palettize-opt %t.int8.mlir --mil-materialize-constexpr="max-dense-elements=0" -o %t.int8.decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t.original.mlir %t.int8.mlir \
// RUN:   %t.int8.decoded.mlir --mode kmeans | FileCheck %s
// RUN: palettize-opt %t.mlir --palettize-weights="mode=kmeans nbits=3 lut-dtype=uint8 weight-threshold=0" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.uint8.mlir
// RUN: palettize-opt %t.uint8.mlir --mil-materialize-constexpr="max-dense-elements=0" -o %t.uint8.decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t.original.mlir %t.uint8.mlir \
// RUN:   %t.uint8.decoded.mlir --mode kmeans | FileCheck %s
// RUN: palettize-opt %t.mlir --palettize-weights="mode=uniform nbits=8 lut-dtype=uint8 weight-threshold=0" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.uniform.mlir
// RUN: palettize-opt %t.uniform.mlir --mil-materialize-constexpr="max-dense-elements=0" -o %t.uniform.decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t.original.mlir %t.uniform.mlir \
// RUN:   %t.uniform.decoded.mlir --mode uniform | FileCheck %s
// RUN: palettize-opt %t.mlir --palettize-weights="mode=uniform nbits=4 lut-dtype=int8 granularity=per-grouped-channel group-size=4 weight-threshold=0" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.grouped.mlir
// RUN: palettize-opt %t.grouped.mlir --mil-materialize-constexpr="max-dense-elements=0" -o %t.grouped.decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t.original.mlir %t.grouped.mlir \
// RUN:   %t.grouped.decoded.mlir --mode uniform | FileCheck %s

// CHECK: 9 of 9 constants decode as expected
