// Vector palettization (cluster-dim): d consecutive values along the
// channel axis share one LUT row.
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 cluster-dim=2 channel-axis=1" \
// RUN:   | FileCheck %s --check-prefix=UNIQUE
// Few distinct vectors: kmeans is exact, and decoding gives the input back.
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=kmeans nbits=2 weight-threshold=0 cluster-dim=2 channel-axis=1" \
// RUN:   | palettize-opt -split-input-file --mil-materialize-constexpr \
// RUN:   | FileCheck %s --check-prefix=DECODED
// Groups of vectors: each pair of channels gets its own vector palette.
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 cluster-dim=2 channel-axis=1 granularity=per-grouped-channel group-size=2" \
// RUN:   | FileCheck %s --check-prefix=GROUPED
// The right-hand operand of a matmul has its channels on the last axis.
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 cluster-dim=2" \
// RUN:   | FileCheck %s --check-prefix=INFER

// [[1, 2, 1, 2], [3, 4, 1, 2]] in vectors of 2 along axis 1: distinct rows
// (1, 2) and (3, 4); the index grid [[0, 0], [1, 0]] packs (1 bit) to 0x04.
// UNIQUE-LABEL: func.func @pairs
// UNIQUE: mil.constexpr_lut_to_dense "w" lut(dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]]]> : tensor<1x1x2x2xf32>) indices(dense_resource<w_indices> : tensor<1xui8>) vector_axis(1) : tensor<2x4xf32>
// UNIQUE: w_indices: "0x0100000004"
// DECODED-LABEL: func.func @pairs
// DECODED: mil.const "w" dense<{{\[\[}}1.000000e+00, 2.000000e+00, 1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00, 1.000000e+00, 2.000000e+00]]> : tensor<2x4xf32>
// Grouped: channels {0, 1} hold the vectors (1, 2), (3, 4); channels
// {2, 3} only (1, 2), zero-padded to the common 1 bit. LUT shape
// [1, 2 groups, 2 rows, 2]; index grid [[0, 0], [1, 0]] -> 0x04.
// GROUPED-LABEL: func.func @pairs
// GROUPED: lut(dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]], {{\[\[}}1.000000e+00, 2.000000e+00], [0.000000e+00, 0.000000e+00]]]]> : tensor<1x2x2x2xf32>) indices(dense_resource<w_indices> : tensor<1xui8>) vector_axis(1) : tensor<2x4xf32>
// GROUPED: w_indices: "0x0100000004"
func.func @pairs() -> tensor<2x4xf32> {
  %0 = mil.const "w" dense<[[1.0, 2.0, 1.0, 2.0], [3.0, 4.0, 1.0, 2.0]]> : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// As a matmul's right-hand operand [K, N] = [2, 4], vectors run along N.
// INFER-LABEL: func.func @rhs
// INFER: lut({{.*}} : tensor<1x1x2x2xf32>) indices({{.*}}) vector_axis(1)
func.func @rhs(%x: tensor<1x2xf32>, %out: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w = mil.const "rhs" dense<[[1.0, 2.0, 1.0, 2.0], [3.0, 4.0, 1.0, 2.0]]> : tensor<2x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x4xf32>) outs(%out : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
