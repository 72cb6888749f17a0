// sparse=auto with vectors, LUT groups, per-channel scales, 8-bit LUTs and
// Core ML's names, on hand-worked tensors.
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=unique \
// RUN:   weight-threshold=0 sparse=auto cluster-dim=2 channel-axis=1" \
// RUN:   | FileCheck %s --check-prefix=VECTOR
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=unique \
// RUN:   weight-threshold=0 sparse=auto cluster-dim=2 channel-axis=1" \
// RUN:   --mil-materialize-constexpr | FileCheck %s --check-prefix=VECTOR-DECODED
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=unique \
// RUN:   weight-threshold=0 sparse=auto granularity=per-grouped-channel \
// RUN:   group-size=1 channel-axis=0" | FileCheck %s --check-prefix=GROUPED
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=kmeans \
// RUN:   nbits=2 weight-threshold=0 sparse=auto per-channel-scale=true" \
// RUN:   | FileCheck %s --check-prefix=SCALED
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=kmeans \
// RUN:   nbits=2 weight-threshold=0 sparse=auto lut-dtype=int8" \
// RUN:   | FileCheck %s --check-prefix=INT8
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=kmeans \
// RUN:   nbits=2 weight-threshold=0 sparse=auto per-channel-scale=true" \
// RUN:   | FileCheck %s --check-prefix=COREML

// Vectors of 2 along axis 1: a vector is zero when both values are. The
// 4x4 grid has non-zero vectors (1, 2) at 1, (3, 0) at 8 and (0, 5) at 15
// ((0, -0) at 6 is zero): mask bytes 0b00000010, 0b10000001. Unique rows
// ascend: (0, 5), (1, 2), (3, 0), then a zero row; indices 1 2 0:
// 0b00001001. The result mask repeats each bit twice along axis 1, and the
// data are the 6 values of the 3 vectors.
// VECTOR-LABEL: func @vectors
// VECTOR: mil.constexpr_lut_to_sparse "w_nonzero"
// VECTOR-SAME: mask(dense_resource<[[M:.*]]> : tensor<4x4xui1>)
// VECTOR-SAME: lut(dense<{{\[\[\[}}[0.000000e+00, 5.000000e+00], [1.000000e+00, 2.000000e+00], [3.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]]]]> : tensor<1x1x4x2xf32>)
// VECTOR-SAME: indices(dense_resource<[[I:.*]]> : tensor<1xui8>) vector_axis(1)
// VECTOR-SAME: : tensor<4x8xui1>, tensor<6xf32>
// VECTOR: mil.constexpr_sparse_to_dense "w"
// VECTOR: [[M]]: "0x010000000281"
// VECTOR: [[I]]: "0x0100000009"
// VECTOR-DECODED-LABEL: func @vectors
// VECTOR-DECODED: mil.const "w" dense<{{\[}}[0.000000e+00, 0.000000e+00, 1.000000e+00, 2.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [3.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 5.000000e+00]]>
func.func @vectors() -> tensor<4x8xf32> {
  %w = mil.const "w" dense<[[0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 0.0],
                            [0.0, 0.0, 0.0, 0.0, 0.0, -0.0, 0.0, 0.0],
                            [3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                            [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0]]> : tensor<4x8xf32>
  return %w : tensor<4x8xf32>
}

// -----

// One LUT per row (axis 0), each from its row's non-zeros: row 0 {1, 2, 3}
// in 2 bits, row 1 {4} padded to the same width. Non-zeros at 1, 4, 7 and
// 10: mask bytes 0b10010010, 0b00000100; indices 0 1 2 | 0: 0b00100100.
// GROUPED-LABEL: func @grouped
// GROUPED: mil.constexpr_lut_to_sparse "w_nonzero"
// GROUPED-SAME: mask(dense_resource<[[M:.*]]> : tensor<2x8xui1>)
// GROUPED-SAME: lut(dense<{{\[\[\[\[}}1.000000e+00], [2.000000e+00], [3.000000e+00], [0.000000e+00]]], {{\[\[\[}}4.000000e+00], [0.000000e+00], [0.000000e+00], [0.000000e+00]]]]> : tensor<2x1x4x1xf32>)
// GROUPED-SAME: : tensor<2x8xui1>, tensor<4xf32>
// GROUPED: [[M]]: "0x010000009204"
// GROUPED: "0x0100000024"
func.func @grouped() -> tensor<2x8xf32> {
  %w = mil.const "w" dense<[[0.0, 1.0, 0.0, 0.0, 2.0, 0.0, 0.0, 3.0],
                            [0.0, 0.0, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<2x8xf32>
  return %w : tensor<2x8xf32>
}

// -----

// Per-channel scales: rows are divided by their largest magnitude (1, 2, 4
// and 1) first, which makes every non-zero 1.0; the decoded sparse tensor
// is then scaled back.
// SCALED-LABEL: func @scaled
// SCALED: %[[MASK:.*]], %[[DATA:.*]] = mil.constexpr_lut_to_sparse "w_nonzero"
// SCALED-SAME: lut(dense<[1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]> : tensor<4xf32>)
// SCALED: %[[N:.*]] = mil.constexpr_sparse_to_dense "w_normalized" mask(%[[MASK]] : tensor<4x4xui1>) data(%[[DATA]] : tensor<4xf32>)
// SCALED: mil.constexpr_blockwise_shift_scale "w" %[[N]] scale(dense<{{\[}}[1.000000e+00], [2.000000e+00], [4.000000e+00], [1.000000e+00]]> : tensor<4x1xf32>)
// An int8 LUT feeds the sparse op as an operand, dequantized.
// INT8-LABEL: func @scaled
// INT8: %[[Q:.*]] = mil.const "w_lut_quantized" {{.*}} : tensor<4xi8>
// INT8: %[[LUT:.*]] = mil.constexpr_blockwise_shift_scale "w_lut" %[[Q]]
// INT8: mil.constexpr_lut_to_sparse "w_nonzero" mask({{.*}}) lut(%[[LUT]] : tensor<4xf32>)
// INT8: mil.constexpr_sparse_to_dense "w"
func.func @scaled() -> tensor<4x4xf32> {
  %w = mil.const "w" dense<[[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0],
                            [-0.0, 0.0, 0.0, 4.0], [1.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32>
  return %w : tensor<4x4xf32>
}

// -----

// In a Core ML program, as Core ML's tools name the chain:
// <name>_palettized (lut_to_sparse), <name>_sparsified (sparse_to_dense)
// and <name>_palettized_pcs.
module attributes {mil.spec_version = 9 : i64} {
  // COREML-LABEL: func.func @linear
  // COREML: mil.constexpr_lut_to_sparse "w_palettized"
  // COREML: mil.constexpr_sparse_to_dense "w_sparsified"
  // COREML: mil.constexpr_blockwise_shift_scale "w_palettized_pcs"
  func.func @linear(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %w = mil.const "w" dense<[[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0],
                              [-0.0, 0.0, 0.0, 4.0], [1.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32>
    %y = mil.op "linear"(%x, %w) {inputs = {x = [0 : index], weight = [1 : index]}, name = "fc", result_names = ["y"]}
        : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
    return %y : tensor<1x4xf32>
  }
}
