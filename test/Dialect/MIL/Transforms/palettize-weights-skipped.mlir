// Constants that cannot be palettized are left as they were, with a warning
// at their location that says why; the rest of the program is still
// palettized.
// RUN: palettize-opt %s -split-input-file -verify-diagnostics \
// RUN:   --palettize-weights="mode=kmeans nbits=2 weight-threshold=0" | FileCheck %s
// RUN: palettize-opt %s -split-input-file -verify-diagnostics \
// RUN:   --palettize-weights="mode=uniform nbits=2 weight-threshold=0" | FileCheck %s

// An attention mask: -inf must never be clustered.
// CHECK-LABEL: func.func @non_finite
// CHECK: mil.const "mask" dense<{{.*}}0xFF800000{{.*}}> : tensor<2x2xf32>
// CHECK: arith.constant dense<{{.*}}0x7E00{{.*}}> : tensor<2x2xf16>
// The finite one is palettized: four values, 2 bits, exact in both modes
// (kmeans keeps each value, uniform's grid over [1, 4] is 1, 2, 3, 4);
// indices 0..3 pack to 0xE4.
// CHECK: mil.constexpr_lut_to_dense lut(dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>) indices(dense_resource<[[BLOB:.*]]> : tensor<1xui8>)
// CHECK: [[BLOB]]: "0x01000000E4"
func.func @non_finite() -> (tensor<2x2xf32>, tensor<2x2xf16>, tensor<2x2xf32>) {
  // expected-warning @+1 {{palettize-weights: constant 'mask' left unchanged: it holds NaN or infinite values}}
  %0 = mil.const "mask" dense<[[0.0, 0xFF800000], [0.0, 0.0]]> : tensor<2x2xf32>
  // expected-warning @+1 {{palettize-weights: constant left unchanged: it holds NaN or infinite values}}
  %1 = arith.constant dense<[[1.0, 0x7E00], [2.0, 3.0]]> : tensor<2x2xf16>
  %2 = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  return %0, %1, %2 : tensor<2x2xf32>, tensor<2x2xf16>, tensor<2x2xf32>
}
