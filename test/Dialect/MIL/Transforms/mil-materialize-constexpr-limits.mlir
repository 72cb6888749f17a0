// RUN: palettize-opt %s -split-input-file -verify-diagnostics \
// RUN:   --mil-materialize-constexpr="max-result-bytes=16"

// A decoded result is checked against max-result-bytes before anything is
// allocated: 4 f32 (16 bytes) decode, 5 (20 bytes) are an error at the op.
func.func @at_the_limit() -> tensor<4xf32> {
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : tensor<2xf32>)
         indices(dense<5> : tensor<1xui8>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @over_the_limit() -> tensor<5xf32> {
  // expected-error @+1 {{decoded result 'tensor<5xf32>' of 20 bytes is larger than max-result-bytes=16}}
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : tensor<2xf32>)
         indices(dense<5> : tensor<1xui8>) : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// The default limit (16 GiB) stops a 4 TiB result whose blob is missing
// before its data is even looked at.
// RUN: not palettize-opt %S/Inputs/huge-lut.mlir --mil-materialize-constexpr 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DEFAULT
// DEFAULT: error: 'mil.constexpr_lut_to_dense' op decoded result 'tensor<1073741824x1024xf32>' of 4398046511104 bytes is larger than max-result-bytes=17179869184
func.func @shift_scale_over_the_limit() -> tensor<2x4xf32> {
  %d = mil.const dense<1> : tensor<2x4xi8>
  // expected-error @+1 {{decoded result 'tensor<2x4xf32>' of 32 bytes is larger than max-result-bytes=16}}
  %0 = mil.constexpr_blockwise_shift_scale %d scale(dense<1.0> : tensor<2x1xf32>)
         : tensor<2x4xi8> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
