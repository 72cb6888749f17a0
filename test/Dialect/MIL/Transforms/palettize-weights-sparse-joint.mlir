// sparse=auto palettizes weights that are pruned already (a
// constexpr_sparse_to_dense of constants) jointly: the mask of the decoded
// weight's non-zeros and a LUT of those, as for a dense constant. Weights
// the pass leaves alone keep their sparse op, and sparse=off leaves them all.
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=unique \
// RUN:   weight-threshold=0 sparse=auto" | FileCheck %s
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=unique \
// RUN:   weight-threshold=0 sparse=auto" --mil-materialize-constexpr \
// RUN:   | FileCheck %s --check-prefix=DECODED
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=unique \
// RUN:   weight-threshold=16 sparse=auto" | FileCheck %s --check-prefix=KEPT
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=unique \
// RUN:   weight-threshold=0" | FileCheck %s --check-prefix=KEPT
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=unique \
// RUN:   weight-threshold=0 sparse=auto print-statistics=true" -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=STATS

// The weight of palettize-weights-sparse.mlir's @scalar, pruned: the same
// mask (bytes 0b01000010, 0b00011000) and the same LUT and indices.
// CHECK-LABEL: func @pruned
// CHECK-NOT: mil.const
// CHECK: %[[MASK:.*]], %[[DATA:.*]] = mil.constexpr_lut_to_sparse "w_nonzero"
// CHECK-SAME: mask(dense_resource<[[M:.*]]> : tensor<4x4xui1>)
// CHECK-SAME: lut(dense<[1.000000e+00, 2.000000e+00, 4.000000e+00, 0.000000e+00]> : tensor<4xf32>)
// CHECK-SAME: indices(dense_resource<[[I:.*]]> : tensor<1xui8>)
// CHECK: %[[W:.*]] = mil.constexpr_sparse_to_dense "w" mask(%[[MASK]] : tensor<4x4xui1>) data(%[[DATA]] : tensor<4xf32>)
// CHECK: return %[[W]]
// CHECK: [[M]]: "0x010000004218"
// CHECK: [[I]]: "0x0100000024"
// DECODED-LABEL: func @pruned
// DECODED: mil.const "w" dense<{{\[}}[0.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 2.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 4.000000e+00], [1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]>
// KEPT-LABEL: func @pruned
// KEPT: %[[MASK:.*]] = mil.const "mask"
// KEPT: %[[DATA:.*]] = mil.const "data"
// KEPT: %[[W:.*]] = mil.constexpr_sparse_to_dense "w" mask(%[[MASK]] : tensor<4x4xui1>) data(%[[DATA]] : tensor<4xf32>)
// KEPT: return %[[W]]
// The pruned form stored 2 mask bytes and 4 f32: 18 bytes.
// STATS: w: tensor<4x4xf32>, 2 bits, sparse: 4 of 16 elements stored, 18 -> 19 bytes
func.func @pruned() -> tensor<4x4xf32> {
  %mask = mil.const "mask" dense<[[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0]]> : tensor<4x4xui1>
  %data = mil.const "data" dense<[1.0, 2.0, 4.0, 1.0]> : tensor<4xf32>
  %w = mil.constexpr_sparse_to_dense "w" mask(%mask : tensor<4x4xui1>) data(%data : tensor<4xf32>) : tensor<4x4xf32>
  return %w : tensor<4x4xf32>
}

// -----

// A stored zero (the second value) is a zero of the decoded weight: the new
// mask leaves it out (bits 1, 11, 12: 0b00000010, 0b00011000), and the
// indices of 1, 4, 1 in the LUT [1, 4]: 0 1 0, 1 bit each.
// CHECK-LABEL: func @stored_zero
// CHECK: mil.constexpr_lut_to_sparse "w_nonzero" mask(dense_resource<[[M:.*]]> : tensor<4x4xui1>)
// CHECK-SAME: lut(dense<[1.000000e+00, 4.000000e+00]> : tensor<2xf32>)
// CHECK-SAME: : tensor<4x4xui1>, tensor<3xf32>
// CHECK: [[M]]: "0x010000000218"
// CHECK: "0x0100000002"
// DECODED-LABEL: func @stored_zero
// KEPT-LABEL: func @stored_zero
// KEPT: mil.constexpr_sparse_to_dense "w"
func.func @stored_zero() -> tensor<4x4xf32> {
  %mask = mil.const "mask" dense<[[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0]]> : tensor<4x4xui1>
  %data = mil.const "data" dense<[1.0, 0.0, 4.0, 1.0]> : tensor<4xf32>
  %w = mil.constexpr_sparse_to_dense "w" mask(%mask : tensor<4x4xui1>) data(%data : tensor<4xf32>) : tensor<4x4xf32>
  return %w : tensor<4x4xf32>
}

// -----

// In a Core ML program, a weight Core ML's tools pruned (`w_sparsified`) is
// named as its tools name the joint form.
module attributes {mil.spec_version = 9 : i64} {
  // CHECK-LABEL: func.func @coreml
  // CHECK: mil.constexpr_lut_to_sparse "w_palettized"
  // CHECK: mil.constexpr_sparse_to_dense "w_sparsified"
  // DECODED-LABEL: func.func @coreml
  // KEPT-LABEL: func.func @coreml
  func.func @coreml(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %mask = mil.const "mask" dense<[[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0]]> : tensor<4x4xui1>
    %data = mil.const "data" dense<[1.0, 2.0, 4.0, 1.0]> : tensor<4xf32>
    %w = mil.constexpr_sparse_to_dense "w_sparsified" mask(%mask : tensor<4x4xui1>) data(%data : tensor<4xf32>) : tensor<4x4xf32>
    %y = mil.op "linear"(%x, %w) {inputs = {x = [0 : index], weight = [1 : index]}, name = "fc", result_names = ["y"]}
        : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
    return %y : tensor<1x4xf32>
  }
}
