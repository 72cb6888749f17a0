// Scaled and 8-bit-LUT palettization of a real-sized model, decoded twice,
// by mil-materialize-constexpr and by an independent numpy evaluation of
// every emitted op (Core ML's packing, scale * (data - offset) per block in
// f32; the bytes must match), and checked against the original weights:
// scales are the channels' largest magnitudes, and every normalized element
// (vector) takes its group's nearest dequantized LUT entry (row).
// RUN: palettize-opt %src_root/examples/mlp.mlir -mlir-print-debuginfo \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.original.mlir
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="mode=kmeans nbits=4 per-channel-scale=true lut-dtype=int8 granularity=per-grouped-channel group-size=2" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.grouped.mlir
// RUN: palettize-opt %t.grouped.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.grouped.decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t.original.mlir \
// RUN:   %t.grouped.mlir %t.grouped.decoded.mlir --mode kmeans | FileCheck %s
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="mode=kmeans nbits=3 cluster-dim=2 per-channel-scale=true lut-dtype=uint8" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.vector.mlir
// RUN: palettize-opt %t.vector.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.vector.decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t.original.mlir \
// RUN:   %t.vector.mlir %t.vector.decoded.mlir --mode kmeans | FileCheck %s
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="mode=uniform nbits=6 per-channel-scale=true" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.uniform.mlir
// RUN: palettize-opt %t.uniform.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.uniform.decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t.original.mlir \
// RUN:   %t.uniform.mlir %t.uniform.decoded.mlir --mode uniform | FileCheck %s
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="mode=uniform nbits=8 per-channel-scale=true lut-dtype=uint8" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.uniform8.mlir
// RUN: palettize-opt %t.uniform8.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.uniform8.decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t.original.mlir \
// RUN:   %t.uniform8.mlir %t.uniform8.decoded.mlir --mode uniform | FileCheck %s
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="mode=kmeans nbits=2 cluster-dim=4 channel-axis=0 granularity=per-grouped-channel group-size=32 lut-dtype=int8" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.grouped-vectors.mlir
// RUN: palettize-opt %t.grouped-vectors.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.grouped-vectors.decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t.original.mlir \
// RUN:   %t.grouped-vectors.mlir %t.grouped-vectors.decoded.mlir --mode kmeans \
// RUN:   | FileCheck %s
// Grouped vectors in float, two 8-wide vectors per group along axis 0: every
// vector its group's nearest row.
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="mode=kmeans nbits=4 cluster-dim=8 channel-axis=0 granularity=per-grouped-channel group-size=16" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.vectors8.mlir
// RUN: palettize-opt %t.vectors8.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.vectors8.decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t.original.mlir \
// RUN:   %t.vectors8.mlir %t.vectors8.decoded.mlir --mode kmeans | FileCheck %s
// A scale changed by one ulp, decoded consistently, must fail the check.
// RUN: sed -e '/"fc2.weight" %%/s/scale(dense<"0x\(..\)../scale(dense<"0x\100/' \
// RUN:   %t.uniform.mlir > %t.corrupt.mlir
// RUN: not cmp -s %t.uniform.mlir %t.corrupt.mlir
// RUN: palettize-opt %t.corrupt.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.corrupt.decoded.mlir
// RUN: not %python %S/Inputs/check_palettized.py %t.original.mlir \
// RUN:   %t.corrupt.mlir %t.corrupt.decoded.mlir --mode uniform \
// RUN:   | FileCheck %s --check-prefix=CORRUPT

// CHECK: fc1.weight: 98304 x f16: ok
// CHECK: fc2.weight: 3840 x f16: ok
// CHECK: 2 of 2 constants decode as expected
// CORRUPT: fc2.weight: 3840 x f16: FAILED: scales are not the channels' largest magnitudes
