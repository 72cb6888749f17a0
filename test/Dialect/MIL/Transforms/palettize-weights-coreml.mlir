// RUN: palettize-opt %s -split-input-file -verify-diagnostics \
// RUN:   --palettize-weights="mode=unique weight-threshold=7" | FileCheck %s
// RUN: palettize-opt %s -split-input-file -verify-diagnostics \
// RUN:   --palettize-weights="mode=unique weight-threshold=7 granularity=per-grouped-channel group-size=1" \
// RUN:   | FileCheck %s --check-prefix=GROUPED
// RUN: palettize-opt %s -split-input-file -verify-diagnostics \
// RUN:   --palettize-weights="mode=kmeans nbits=1 weight-threshold=7 per-channel-scale=true" \
// RUN:   | FileCheck %s --check-prefix=SCALED

// In a module marked as a Core ML program (mil.spec_version), palettize-weights
// follows Core ML's rules: new ops are named <name>_palettized, a constant
// feeding only the block's outputs is left alone, the channel axis comes
// from the consumers' MIL op types and consumers that disagree on it leave
// the constant alone even per tensor.

module attributes {mil.spec_version = 7 : i64} {
  // CHECK-LABEL: func.func @linear
  // CHECK: mil.constexpr_lut_to_dense "w_palettized"
  // GROUPED-LABEL: func.func @linear
  // A linear weight [Dout, Din] is grouped along axis 0: 4 groups of 1 row.
  // GROUPED: mil.constexpr_lut_to_dense "w_palettized" lut(dense<{{.*}}> : tensor<4x1x2x1xf32>)
  // SCALED-LABEL: func.func @linear
  // SCALED: mil.constexpr_lut_to_dense "w_palettized"
  // SCALED: mil.constexpr_blockwise_shift_scale "w_palettized_pcs"
  func.func @linear(%x: tensor<1x2xf32>) -> tensor<1x4xf32> {
    %w = mil.const "w" dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
    %y = mil.op "linear"(%x, %w) {inputs = {x = [0 : index], weight = [1 : index]}, name = "fc", result_names = ["y"]}
        : (tensor<1x2xf32>, tensor<4x2xf32>) -> tensor<1x4xf32>
    return %y : tensor<1x4xf32>
  }
}

// -----

module attributes {mil.spec_version = 7 : i64} {
  // matmul's y without transpose is [K, N]: its output channels are the last
  // axis, 2 groups of 1 column.
  // GROUPED-LABEL: func.func @matmul
  // GROUPED: mil.constexpr_lut_to_dense "y_palettized" lut(dense<{{.*}}> : tensor<1x2x4x1xf32>)
  // GROUPED: mil.constexpr_lut_to_dense "yt_palettized" lut(dense<{{.*}}> : tensor<4x1x2x1xf32>)
  func.func @matmul(%x: tensor<1x4xf32>) -> (tensor<1x2xf32>, tensor<1x4xf32>) {
    %y = mil.const "y" dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
    %f = mil.const "f" dense<false> : tensor<i1>
    %t = mil.const "t" dense<true> : tensor<i1>
    %r = mil.op "matmul"(%x, %y, %f, %f) {inputs = {x = [0 : index], y = [1 : index], transpose_x = [2 : index], transpose_y = [3 : index]}, name = "mm", result_names = ["r"]}
        : (tensor<1x4xf32>, tensor<4x2xf32>, tensor<i1>, tensor<i1>) -> tensor<1x2xf32>
    // With transpose_y, y is [N, K]: output channels on axis 0.
    %yt = mil.const "yt" dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
    %x2 = mil.const "x2" dense<1.0> : tensor<1x2xf32>
    %r2 = mil.op "matmul"(%x2, %yt, %f, %t) {inputs = {x = [0 : index], y = [1 : index], transpose_x = [2 : index], transpose_y = [3 : index]}, name = "mm2", result_names = ["r2"]}
        : (tensor<1x2xf32>, tensor<4x2xf32>, tensor<i1>, tensor<i1>) -> tensor<1x4xf32>
    return %r, %r2 : tensor<1x2xf32>, tensor<1x4xf32>
  }
}

// -----

module attributes {mil.spec_version = 7 : i64} {
  // CHECK-LABEL: func.func @left_alone
  // A constant that only feeds the block's outputs stays a constant.
  // CHECK: mil.const "out" dense
  // Consumers that disagree on the channel axis (conv: 0, conv_transpose: 1)
  // leave it alone, even per tensor.
  // CHECK: mil.const "shared" dense
  // bf16 is not a Core ML weight type.
  // CHECK: mil.const "half" dense
  // CHECK-NOT: mil.constexpr_lut_to_dense
  func.func @left_alone(%x: tensor<1x4x2x2xf32>) -> (tensor<4x2xf32>, tensor<1x4x2x2xf32>, tensor<1x4x2x2xf32>, tensor<4x2xbf16>) {
    %out = mil.const "out" dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
    // expected-warning @+1 {{palettize-weights: constant 'shared' left unchanged: its consumers disagree on the channel axis (0 and 1)}}
    %shared = mil.const "shared" dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]]], [[[5.0]], [[6.0]], [[7.0]], [[8.0]]]]> : tensor<2x4x1x1xf32>
    %c = mil.op "conv"(%x, %shared) {inputs = {x = [0 : index], weight = [1 : index]}, name = "c", result_names = ["c"]}
        : (tensor<1x4x2x2xf32>, tensor<2x4x1x1xf32>) -> tensor<1x4x2x2xf32>
    %ct = mil.op "conv_transpose"(%x, %shared) {inputs = {x = [0 : index], weight = [1 : index]}, name = "ct", result_names = ["ct"]}
        : (tensor<1x4x2x2xf32>, tensor<2x4x1x1xf32>) -> tensor<1x4x2x2xf32>
    %half = mil.const "half" dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xbf16>
    %h = mil.op "identity"(%half) {inputs = {x = [0 : index]}, name = "h", result_names = ["h"]}
        : (tensor<4x2xbf16>) -> tensor<4x2xbf16>
    return %out, %c, %ct, %h : tensor<4x2xf32>, tensor<1x4x2x2xf32>, tensor<1x4x2x2xf32>, tensor<4x2xbf16>
  }
}

// -----

// Without the mark, the usual rules: the name is kept, a constant feeding a
// return is palettized.
// CHECK-LABEL: func.func @not_coreml
// CHECK: mil.constexpr_lut_to_dense "out" lut
func.func @not_coreml() -> tensor<4x2xf32> {
  %out = mil.const "out" dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  return %out : tensor<4x2xf32>
}
