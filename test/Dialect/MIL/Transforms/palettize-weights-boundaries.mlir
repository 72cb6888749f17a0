// Cuts that sit exactly on their limits: a group as large as the channel
// axis (one group), a vector as long as the axis (one vector per row), a
// group as large as one vector, and one channel short of a multiple.
// RUN: palettize-opt %s -split-input-file -verify-diagnostics \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 granularity=per-grouped-channel group-size=4 channel-axis=1" \
// RUN:   | FileCheck %s --check-prefix=GROUP
// RUN: palettize-opt %s -split-input-file -verify-diagnostics \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 cluster-dim=4 channel-axis=1" \
// RUN:   | FileCheck %s --check-prefix=VECTOR
// RUN: palettize-opt %s -split-input-file -verify-diagnostics \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 cluster-dim=2 granularity=per-grouped-channel group-size=2 channel-axis=1" \
// RUN:   | FileCheck %s --check-prefix=BOTH

// Four channels along axis 1, [[1, 2, 3, 4], [4, 3, 2, 1]].
// group-size=4, one group of all four channels: 4 distinct values, 2 bits,
// indices [0, 1, 2, 3, 3, 2, 1, 0] -> bytes 0 | 1<<2 | 2<<4 | 3<<6 = 0xE4
// and 3 | 2<<2 | 1<<4 = 0x1B.
// GROUP-LABEL: func.func @four_channels
// GROUP: mil.constexpr_lut_to_dense "w" lut(dense<{{\[\[\[\[}}1.000000e+00], [2.000000e+00], [3.000000e+00], [4.000000e+00]]]]> : tensor<1x1x4x1xf32>)
// GROUP: w_indices: "0x01000000E41B"
// cluster-dim=4, one 4-vector per row, 2 distinct rows: 1 bit, indices [0, 1].
// VECTOR-LABEL: func.func @four_channels
// VECTOR: lut(dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00], [4.000000e+00, 3.000000e+00, 2.000000e+00, 1.000000e+00]]]]> : tensor<1x1x2x4xf32>)
// VECTOR-SAME: vector_axis(1)
// VECTOR: w_indices: "0x0100000002"
// cluster-dim=2 group-size=2, two groups of one 2-vector each: group 0 has (1, 2) and (4, 3),
// group 1 (3, 4) and (2, 1), sorted; 1 bit, indices [0, 1, 1, 0] -> 0b0110.
// BOTH-LABEL: func.func @four_channels
// BOTH: lut(dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00], [4.000000e+00, 3.000000e+00]], {{\[\[}}2.000000e+00, 1.000000e+00], [3.000000e+00, 4.000000e+00]]]]> : tensor<1x2x2x2xf32>)
// BOTH: w_indices: "0x0100000006"
func.func @four_channels() -> tensor<2x4xf32> {
  %0 = mil.const "w" dense<[[1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0]]> : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Three channels: one short of group-size 4 and of cluster-dim 4, and not a
// multiple of 2.
// GROUP-LABEL: func.func @three_channels
// GROUP: mil.const "v"
// VECTOR-LABEL: func.func @three_channels
// VECTOR: mil.const "v"
// BOTH-LABEL: func.func @three_channels
// BOTH: mil.const "v"
func.func @three_channels() -> tensor<2x3xf32> {
  // expected-warning @+1 {{constant 'v' left unchanged: its}}
  %0 = mil.const "v" dense<[[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]> : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
