// RUN: palettize-opt %s -split-input-file | FileCheck %s
// Round trip through the generic form: the custom form must carry everything.
// RUN: palettize-opt %s -split-input-file -mlir-print-op-generic \
// RUN:   | palettize-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @const_dense
// CHECK: mil.const dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: mil.const "fc1_bias" dense<5.000000e-01> : tensor<3xf16>
func.func @const_dense() -> (tensor<2xf32>, tensor<3xf16>) {
  %0 = mil.const dense<[1.0, 2.0]> : tensor<2xf32>
  %1 = mil.const "fc1_bias" dense<0.5> : tensor<3xf16>
  return %0, %1 : tensor<2xf32>, tensor<3xf16>
}

// -----

// CHECK-LABEL: func.func @const_resource
// CHECK: mil.const "w" dense_resource<weight> : tensor<2x2xbf16>
func.func @const_resource() -> tensor<2x2xbf16> {
  %0 = mil.const "w" dense_resource<weight> : tensor<2x2xbf16>
  return %0 : tensor<2x2xbf16>
}

{-#
  dialect_resources: {
    builtin: {
      weight: "0x02000000803F0040404080C0"
    }
  }
#-}

// -----

// CHECK-LABEL: func.func @lut_per_tensor
// CHECK: %[[W:.*]] = mil.constexpr_lut_to_dense "conv_w" lut(dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>) indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
// CHECK: return %[[W]]
func.func @lut_per_tensor() -> tensor<5xf32> {
  %0 = mil.constexpr_lut_to_dense "conv_w"
         lut(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// CHECK-LABEL: func.func @lut_resource_indices
// CHECK: mil.constexpr_lut_to_dense lut(dense<{{.*}}> : tensor<16xf16>) indices(dense_resource<idx> : tensor<2xui8>) : tensor<4x1xf16>
func.func @lut_resource_indices() -> tensor<4x1xf16> {
  %0 = mil.constexpr_lut_to_dense
         lut(dense<[-19.0, 4.0, 0.0, -1.0, 1.0, 3.0, 5.0, -8.0, 19.0, 13.0, 42.0, 4.5, 5.4, 2.0, -6.0, -7.0]> : tensor<16xf16>)
         indices(dense_resource<idx> : tensor<2xui8>) : tensor<4x1xf16>
  return %0 : tensor<4x1xf16>
}

{-#
  dialect_resources: {
    builtin: {
      idx: "0x01000000D415"
    }
  }
#-}

// -----

// CHECK-LABEL: func.func @lut_grouped
// CHECK: mil.constexpr_lut_to_dense lut(dense<{{.*}}> : tensor<2x1x4x1xf32>) indices(dense<[228, 27]> : tensor<2xui8>) : tensor<2x4xf32>
func.func @lut_grouped() -> tensor<2x4xf32> {
  %0 = mil.constexpr_lut_to_dense
         lut(dense<[[[[0.0], [1.0], [2.0], [3.0]]],
                    [[[4.0], [5.0], [6.0], [7.0]]]]> : tensor<2x1x4x1xf32>)
         indices(dense<[228, 27]> : tensor<2xui8>) : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func.func @lut_vector
// CHECK: mil.constexpr_lut_to_dense lut(dense<{{.*}}> : tensor<1x1x2x2xf32>) indices(dense<9> : tensor<1xui8>) vector_axis(1) : tensor<2x4xf32>
func.func @lut_vector() -> tensor<2x4xf32> {
  %0 = mil.constexpr_lut_to_dense
         lut(dense<[[[[10.0, 11.0], [20.0, 21.0]]]]> : tensor<1x1x2x2xf32>)
         indices(dense<9> : tensor<1xui8>) vector_axis(1) : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Core ML's integer forms: an int8 LUT decoded into int8, dequantized by a
// shift-scale; a uint8 grouped LUT; int4 and uint4 data with offsets.
// CHECK-LABEL: func.func @integer_forms
// CHECK: %[[Q:.*]] = mil.constexpr_lut_to_dense lut(dense<[-128, -1, 0, 127]> : tensor<4xi8>) indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xi8>
// CHECK: mil.constexpr_blockwise_shift_scale %[[Q]] scale(dense<5.000000e-01> : tensor<1xf32>) : tensor<5xi8> -> tensor<5xf32>
// CHECK: mil.constexpr_lut_to_dense lut(dense<{{.*}}> : tensor<2x1x2x1xui8>) indices(dense<5> : tensor<1xui8>) : tensor<2x2xui8>
// CHECK: %[[D:.*]] = mil.const dense<{{\[\[}}-8, 7], [1, -1]]> : tensor<2x2xi4>
// CHECK: mil.constexpr_blockwise_shift_scale %[[D]] scale(dense<{{.*}}> : tensor<2x1xf16>) offset(dense<{{\[\[}}-8], [0]]> : tensor<2x1xi4>) : tensor<2x2xi4> -> tensor<2x2xf16>
// CHECK: %[[U:.*]] = mil.const dense_resource<nibbles> : tensor<3xui4>
// CHECK: mil.constexpr_blockwise_shift_scale %[[U]] scale(dense<1.000000e+00> : tensor<1xf32>) offset(dense<8> : tensor<1xui4>) : tensor<3xui4> -> tensor<3xf32>
func.func @integer_forms() -> (tensor<5xf32>, tensor<2x2xui8>, tensor<2x2xf16>, tensor<3xf32>) {
  %q = mil.constexpr_lut_to_dense lut(dense<[-128, -1, 0, 127]> : tensor<4xi8>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xi8>
  %0 = mil.constexpr_blockwise_shift_scale %q scale(dense<0.5> : tensor<1xf32>)
         : tensor<5xi8> -> tensor<5xf32>
  %1 = mil.constexpr_lut_to_dense
         lut(dense<[[[[0], [255]]], [[[1], [2]]]]> : tensor<2x1x2x1xui8>)
         indices(dense<5> : tensor<1xui8>) : tensor<2x2xui8>
  %d = mil.const dense<[[-8, 7], [1, -1]]> : tensor<2x2xi4>
  %2 = mil.constexpr_blockwise_shift_scale %d
         scale(dense<[[0.25], [1.0]]> : tensor<2x1xf16>)
         offset(dense<[[-8], [0]]> : tensor<2x1xi4>)
         : tensor<2x2xi4> -> tensor<2x2xf16>
  %u = mil.const dense_resource<nibbles> : tensor<3xui4>
  %3 = mil.constexpr_blockwise_shift_scale %u scale(dense<1.0> : tensor<1xf32>)
         offset(dense<8> : tensor<1xui4>) : tensor<3xui4> -> tensor<3xf32>
  return %0, %1, %2, %3 : tensor<5xf32>, tensor<2x2xui8>, tensor<2x2xf16>, tensor<3xf32>
}

{-#
  dialect_resources: {
    builtin: {
      nibbles: "0x01000000F107"
    }
  }
#-}

// -----

// The sparse forms: a pruned weight (a mask and its values), and a pruned
// and palettized one (Core ML's example: a 4x6 index mask, nine 1-bit
// indices), scalar and vector.
// CHECK-LABEL: func.func @sparse_forms
// CHECK: %[[M:.*]] = mil.const dense<[true, false, true, true]> : tensor<4xui1>
// CHECK: %[[D:.*]] = mil.const dense<[1, -2, 7]> : tensor<3xi4>
// CHECK: mil.constexpr_sparse_to_dense "pruned" mask(%[[M]] : tensor<4xui1>) data(%[[D]] : tensor<3xi4>) : tensor<4xi4>
// CHECK: %[[SM:.*]], %[[SD:.*]] = mil.constexpr_lut_to_sparse "w" mask(dense_resource<m> : tensor<4x6xui1>) lut(dense<[2.000000e+00, 3.000000e+00]> : tensor<2xf16>) indices(dense<[54, 1]> : tensor<2xui8>) : tensor<4x6xui1>, tensor<9xf16>
// CHECK: mil.constexpr_sparse_to_dense mask(%[[SM]] : tensor<4x6xui1>) data(%[[SD]] : tensor<9xf16>) : tensor<4x6xf16>
// CHECK: mil.constexpr_lut_to_sparse mask(dense_resource<m> : tensor<4x6xui1>) lut(dense<{{.*}}> : tensor<1x1x2x2xf32>) indices(dense<[54, 1]> : tensor<2xui8>) vector_axis(0) : tensor<8x6xui1>, tensor<18xf32>
func.func @sparse_forms() -> (tensor<4xi4>, tensor<4x6xf16>, tensor<8x6xui1>, tensor<18xf32>) {
  %m = mil.const dense<[true, false, true, true]> : tensor<4xui1>
  %d = mil.const dense<[1, -2, 7]> : tensor<3xi4>
  %0 = mil.constexpr_sparse_to_dense "pruned" mask(%m : tensor<4xui1>) data(%d : tensor<3xi4>) : tensor<4xi4>
  %mask, %data = mil.constexpr_lut_to_sparse "w" mask(dense_resource<m> : tensor<4x6xui1>)
      lut(dense<[2.0, 3.0]> : tensor<2xf16>) indices(dense<[54, 1]> : tensor<2xui8>)
      : tensor<4x6xui1>, tensor<9xf16>
  %1 = mil.constexpr_sparse_to_dense mask(%mask : tensor<4x6xui1>) data(%data : tensor<9xf16>) : tensor<4x6xf16>
  %vm, %vd = mil.constexpr_lut_to_sparse mask(dense_resource<m> : tensor<4x6xui1>)
      lut(dense<[[[[2.0, 2.0], [3.0, 3.0]]]]> : tensor<1x1x2x2xf32>)
      indices(dense<[54, 1]> : tensor<2xui8>) vector_axis(0)
      : tensor<8x6xui1>, tensor<18xf32>
  return %0, %1, %vm, %vd : tensor<4xi4>, tensor<4x6xf16>, tensor<8x6xui1>, tensor<18xf32>
}

{-#
  dialect_resources: {
    builtin: {
      m: "0x01000000C36821"
    }
  }
#-}

// -----

// Both ops are Pure constants: CSE merges identical ones.
// RUN: palettize-opt %s -split-input-file -cse | FileCheck %s --check-prefix=CSE
// CSE-LABEL: func.func @cse
// CSE-COUNT-1: mil.constexpr_lut_to_dense
// CSE-NOT: mil.constexpr_lut_to_dense
// CSE: return %[[V:.*]], %[[V]]
func.func @cse() -> (tensor<2x16xf32>, tensor<2x16xf32>) {
  %0 = mil.constexpr_lut_to_dense lut(dense<[0.0, 1.0]> : tensor<2xf32>)
         indices(dense<[1, 2, 3, 4]> : tensor<4xui8>) : tensor<2x16xf32>
  %1 = mil.constexpr_lut_to_dense lut(dense<[0.0, 1.0]> : tensor<2xf32>)
         indices(dense<[1, 2, 3, 4]> : tensor<4xui8>) : tensor<2x16xf32>
  return %0, %1 : tensor<2x16xf32>, tensor<2x16xf32>
}

// -----

// A LUT given as an operand: an int8 LUT dequantized by a shift-scale.
// CHECK-LABEL: func.func @lut_operand
// CHECK: %[[Q:.*]] = mil.const "w_lut" dense<[-2, 0, 2, 4]> : tensor<4xi8>
// CHECK: %[[L:.*]] = mil.constexpr_blockwise_shift_scale %[[Q]] scale(dense<5.000000e-01> : tensor<1xf32>) : tensor<4xi8> -> tensor<4xf32>
// CHECK: mil.constexpr_lut_to_dense "w" lut(%[[L]] : tensor<4xf32>) indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
func.func @lut_operand() -> tensor<5xf32> {
  %q = mil.const "w_lut" dense<[-2, 0, 2, 4]> : tensor<4xi8>
  %l = mil.constexpr_blockwise_shift_scale %q scale(dense<0.5> : tensor<1xf32>)
         : tensor<4xi8> -> tensor<4xf32>
  %w = mil.constexpr_lut_to_dense "w" lut(%l : tensor<4xf32>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  return %w : tensor<5xf32>
}

// -----

// Per-channel scales on top of a LUT op, and a uint8 shift-scale with an
// offset per row.
// CHECK-LABEL: func.func @shift_scale_forms
// CHECK: %[[W:.*]] = mil.constexpr_lut_to_dense
// CHECK: mil.constexpr_blockwise_shift_scale "w" %[[W]] scale(dense<{{\[}}[5.000000e-01], [2.000000e+00]]> : tensor<2x1xf16>) : tensor<2x4xf16> -> tensor<2x4xf16>
// CHECK: %[[U:.*]] = mil.const dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xui8>
// CHECK: mil.constexpr_blockwise_shift_scale %[[U]] scale(dense<2.500000e-01> : tensor<2x1xbf16>) offset(dense<[{{\[}}1], [3]]> : tensor<2x1xui8>) : tensor<2x2xui8> -> tensor<2x2xbf16>
func.func @shift_scale_forms() -> (tensor<2x4xf16>, tensor<2x2xbf16>) {
  %w = mil.constexpr_lut_to_dense lut(dense<[0.0, 1.0]> : tensor<2xf16>)
         indices(dense<[165]> : tensor<1xui8>) : tensor<2x4xf16>
  %s = mil.constexpr_blockwise_shift_scale "w" %w
         scale(dense<[[0.5], [2.0]]> : tensor<2x1xf16>)
         : tensor<2x4xf16> -> tensor<2x4xf16>
  %u = mil.const dense<[[1, 2], [3, 4]]> : tensor<2x2xui8>
  %v = mil.constexpr_blockwise_shift_scale %u
         scale(dense<0.25> : tensor<2x1xbf16>)
         offset(dense<[[1], [3]]> : tensor<2x1xui8>)
         : tensor<2x2xui8> -> tensor<2x2xbf16>
  return %s, %v : tensor<2x4xf16>, tensor<2x2xbf16>
}
