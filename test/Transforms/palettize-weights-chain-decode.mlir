// Scaled and 8-bit-LUT palettization of a real-sized model, decoded twice:
// by mil-materialize-constexpr and by an independent numpy evaluation of
// every emitted op (Core ML's packing, scale * (data - offset) per block in
// f32); the bytes must match.
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="mode=kmeans nbits=4 per-channel-scale=true lut-dtype=int8 granularity=per-grouped-channel group-size=2" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.grouped.mlir
// RUN: palettize-opt %t.grouped.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.grouped.decoded.mlir
// RUN: %python %S/Inputs/check_constexpr_chain.py %t.grouped.mlir %t.grouped.decoded.mlir \
// RUN:   | FileCheck %s
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="mode=kmeans nbits=3 cluster-dim=2 per-channel-scale=true lut-dtype=uint8" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.vector.mlir
// RUN: palettize-opt %t.vector.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.vector.decoded.mlir
// RUN: %python %S/Inputs/check_constexpr_chain.py %t.vector.mlir %t.vector.decoded.mlir \
// RUN:   | FileCheck %s
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="mode=uniform nbits=6 per-channel-scale=true" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.uniform.mlir
// RUN: palettize-opt %t.uniform.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.uniform.decoded.mlir
// RUN: %python %S/Inputs/check_constexpr_chain.py %t.uniform.mlir %t.uniform.decoded.mlir \
// RUN:   | FileCheck %s

// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="mode=kmeans nbits=2 cluster-dim=4 channel-axis=0 granularity=per-grouped-channel group-size=32 lut-dtype=int8" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.grouped-vectors.mlir
// RUN: palettize-opt %t.grouped-vectors.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.grouped-vectors.decoded.mlir
// RUN: %python %S/Inputs/check_constexpr_chain.py %t.grouped-vectors.mlir %t.grouped-vectors.decoded.mlir \
// RUN:   | FileCheck %s

// CHECK: fc1.weight: 98304 x float16: ok
// CHECK: fc2.weight: 3840 x float16: ok
// CHECK: 2 of 2 constants decode as expected
