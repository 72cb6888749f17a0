// RUN: palettize-opt %s -split-input-file -canonicalize | FileCheck %s

// mil.const is ConstantLike: canonicalization dedups equal constants.
// CHECK-LABEL: func.func @const_dedup
// CHECK-COUNT-1: mil.const
// CHECK-NOT: mil.const
// CHECK: return %[[C:.*]], %[[C]]
func.func @const_dedup() -> (tensor<2xf32>, tensor<2xf32>) {
  %0 = mil.const dense<[1.0, 2.0]> : tensor<2xf32>
  %1 = mil.const dense<[1.0, 2.0]> : tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// -----

// A small LUT constant folds to its decoded value: Core ML's n=2 vector,
// bytes [10, 4] -> indices [2, 2, 0, 0, 0] -> [3, 3, 1, 1, 1].
// CHECK-LABEL: func.func @fold_small
// CHECK-NOT: mil.constexpr_lut_to_dense
// CHECK: mil.const dense<[3.000000e+00, 3.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00]> : tensor<5xf32>
func.func @fold_small() -> tensor<5xf32> {
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// An int8 LUT folds to int8 values (the same vector: [0, 0, -128, -128,
// -128]); the shift-scale that dequantizes it has no folder and stays.
// CHECK-LABEL: func.func @fold_int8
// CHECK-NOT: mil.constexpr_lut_to_dense
// CHECK: %[[Q:.*]] = mil.const dense<[0, 0, -128, -128, -128]> : tensor<5xi8>
// CHECK: mil.constexpr_blockwise_shift_scale %[[Q]]
func.func @fold_int8() -> tensor<5xf32> {
  %q = mil.constexpr_lut_to_dense lut(dense<[-128, -1, 0, 127]> : tensor<4xi8>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xi8>
  %w = mil.constexpr_blockwise_shift_scale %q scale(dense<0.5> : tensor<1xf32>)
         : tensor<5xi8> -> tensor<5xf32>
  return %w : tensor<5xf32>
}

// -----

// A small sparse chain folds whole: Core ML's 4x6 example (see
// mil-materialize-constexpr.mlir), to its dense value.
// CHECK-LABEL: func.func @fold_sparse
// CHECK-NOT: mil.constexpr
// CHECK: mil.const dense<{{\[}}[2.000000e+00, 3.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [3.000000e+00, 2.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 3.000000e+00], [0.000000e+00, 3.000000e+00, 2.000000e+00, 0.000000e+00, 2.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 3.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<4x6xf16>
// CHECK-NOT: mil.constexpr
func.func @fold_sparse() -> tensor<4x6xf16> {
  %mask, %data = mil.constexpr_lut_to_sparse mask(dense_resource<m> : tensor<4x6xui1>)
      lut(dense<[2.0, 3.0]> : tensor<2xf16>) indices(dense<[54, 1]> : tensor<2xui8>)
      : tensor<4x6xui1>, tensor<9xf16>
  %w = mil.constexpr_sparse_to_dense mask(%mask : tensor<4x6xui1>) data(%data : tensor<9xf16>) : tensor<4x6xf16>
  return %w : tensor<4x6xf16>
}
{-#
  dialect_resources: { builtin: { m: "0x01000000C36821" } }
#-}

// -----

// Past 256 elements the sparse ops stay: a 16x17 mask (34 bytes) of one
// bit.
// CHECK-LABEL: func.func @keep_large_sparse
// CHECK: mil.constexpr_sparse_to_dense
func.func @keep_large_sparse() -> tensor<16x17xf32> {
  %m = mil.const dense_resource<one> : tensor<16x17xui1>
  %d = mil.const dense<1.0> : tensor<1xf32>
  %w = mil.constexpr_sparse_to_dense mask(%m : tensor<16x17xui1>) data(%d : tensor<1xf32>) : tensor<16x17xf32>
  return %w : tensor<16x17xf32>
}
{-#
  dialect_resources: { builtin: { one: "0x0100000001000000000000000000000000000000000000000000000000000000000000000000" } }
#-}

// -----

// A large one stays compressed: folding would rebuild the whole weight.
// CHECK-LABEL: func.func @keep_large
// CHECK: mil.constexpr_lut_to_dense
// CHECK-NOT: mil.const
func.func @keep_large() -> tensor<16x17xf32> {
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : tensor<2xf32>)
         indices(dense<0> : tensor<34xui8>) : tensor<16x17xf32>
  return %0 : tensor<16x17xf32>
}

// -----

// The folding limit is 256 elements: 16x16 folds, 257 does not. Indices
// 0b01010101 = 85 per byte are [1, 0, 1, 0, ...] LSB-first, so the folded
// rows alternate 2, 1 (printed in hex: 2.0 = 0x40000000, 1.0 = 0x3F800000,
// little-endian).
// CHECK-LABEL: func.func @fold_at_limit
// CHECK-NOT: mil.constexpr_lut_to_dense
// CHECK: %[[F:.*]] = mil.const dense<"0x{{(000000400000803F)+}}"> : tensor<16x16xf32>
// CHECK: %[[K:.*]] = mil.constexpr_lut_to_dense {{.*}} : tensor<257xf32>
// CHECK: return %[[F]], %[[K]]
func.func @fold_at_limit() -> (tensor<16x16xf32>, tensor<257xf32>) {
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : tensor<2xf32>)
         indices(dense<85> : tensor<32xui8>) : tensor<16x16xf32>
  %1 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : tensor<2xf32>)
         indices(dense<85> : tensor<33xui8>) : tensor<257xf32>
  return %0, %1 : tensor<16x16xf32>, tensor<257xf32>
}

// -----

// A small LUT op whose LUT operand is a constant folds like the attribute
// form; a shift-scale never folds (it is how 8-bit LUTs are stored), so
// neither does the LUT op it feeds.
// CHECK-LABEL: func.func @fold_lut_operand
// CHECK-DAG: %[[A:.*]] = mil.const dense<[3.000000e+00, 3.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00]> : tensor<5xf32>
// CHECK-DAG: %[[Q:.*]] = mil.const dense<[-2, 0, 2, 4]> : tensor<4xi8>
// CHECK: %[[L:.*]] = mil.constexpr_blockwise_shift_scale %[[Q]]
// CHECK: %[[B:.*]] = mil.constexpr_lut_to_dense lut(%[[L]] : tensor<4xf32>)
// CHECK: return %[[A]], %[[B]]
func.func @fold_lut_operand() -> (tensor<5xf32>, tensor<5xf32>) {
  %c = mil.const dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %0 = mil.constexpr_lut_to_dense lut(%c : tensor<4xf32>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  %q = mil.const dense<[-2, 0, 2, 4]> : tensor<4xi8>
  %l = mil.constexpr_blockwise_shift_scale %q scale(dense<0.5> : tensor<1xf32>)
         : tensor<4xi8> -> tensor<4xf32>
  %1 = mil.constexpr_lut_to_dense lut(%l : tensor<4xf32>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  return %0, %1 : tensor<5xf32>, tensor<5xf32>
}
