// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=kmeans nbits=1 weight-threshold=3" | FileCheck %s

// k = 2 on [0, 1, 10, 11]: clusters {0, 1} and {10, 11}, LUT [0.5, 10.5];
// indices [0, 0, 1, 1] -> bits 2 and 3 -> 0x0C.
// CHECK-LABEL: func.func @two_pairs
// CHECK: mil.constexpr_lut_to_dense "pairs" lut(dense<[5.000000e-01, 1.050000e+01]> : tensor<2xf32>) indices(dense_resource<pairs_indices> : tensor<1xui8>) : tensor<2x2xf32>
// CHECK: pairs_indices: "0x010000000C"
func.func @two_pairs() -> tensor<2x2xf32> {
  %0 = mil.const "pairs" dense<[[0.0, 1.0], [10.0, 11.0]]> : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// k = 2 on [0, 1, 2, 6, 7, 8, 20, 21]: {0..8} (mean 4, error 58) and
// {20, 21} (mean 20.5, error 0.5) beat every other split, e.g. {0, 1, 2}
// and {6, .., 21} (error 2 + 169.2). Indices [0 x 6, 1, 1] -> 0xC0.
// CHECK-LABEL: func.func @uneven
// CHECK: lut(dense<[4.000000e+00, 2.050000e+01]> : tensor<2xf32>)
// CHECK: "0x01000000C0"
func.func @uneven() -> tensor<2x4xf32> {
  %0 = arith.constant dense<[[0.0, 1.0, 2.0, 6.0], [7.0, 8.0, 20.0, 21.0]]> : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Multiplicity weighs: [0, 0, 0, 1, 10, 11, 12, 13] -> {0, 0, 0, 1} (mean
// 0.25) and {10..13} (mean 11.5). f16 keeps the LUT in f16.
// CHECK-LABEL: func.func @weighted_f16
// CHECK: lut(dense<[2.500000e-01, 1.150000e+01]> : tensor<2xf16>)
// CHECK-SAME: : tensor<2x4xf16>
// CHECK: "0x01000000F0"
func.func @weighted_f16() -> tensor<2x4xf16> {
  %0 = arith.constant dense<[[0.0, 0.0, 0.0, 1.0], [10.0, 11.0, 12.0, 13.0]]> : tensor<2x4xf16>
  return %0 : tensor<2x4xf16>
}

// -----

// CHECK-LABEL: func.func @pairs_bf16
// CHECK: lut(dense<[5.000000e-01, 1.050000e+01]> : tensor<2xbf16>)
// CHECK: "0x010000000C"
func.func @pairs_bf16() -> tensor<2x2xbf16> {
  %0 = arith.constant dense<[[0.0, 1.0], [10.0, 11.0]]> : tensor<2x2xbf16>
  return %0 : tensor<2x2xbf16>
}
