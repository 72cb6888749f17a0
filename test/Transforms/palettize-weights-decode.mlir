// Lossy palettization of a real-sized model, decoded twice: by
// mil-materialize-constexpr and by an independent Python decoder of Core
// ML's packing rule; the bytes must match.
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="mode=kmeans nbits=3" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.palettized.mlir
// RUN: palettize-opt %t.palettized.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.decoded.mlir
// RUN: %python %S/Inputs/check_lut_decode.py %t.palettized.mlir %t.decoded.mlir \
// RUN:   | FileCheck %s
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="mode=uniform nbits=6" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.uniform.mlir
// RUN: palettize-opt %t.uniform.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.uniform.decoded.mlir
// RUN: %python %S/Inputs/check_lut_decode.py %t.uniform.mlir %t.uniform.decoded.mlir \
// RUN:   | FileCheck %s --check-prefix=UNIFORM

// CHECK: fc1.weight: 98304 x f16, 3 bits: ok
// CHECK: fc2.weight: 3840 x f16, 3 bits: ok
// UNIFORM: fc1.weight: 98304 x f16, 6 bits: ok
// UNIFORM: fc2.weight: 3840 x f16, 6 bits: ok
