// RUN: palettize-opt %s -split-input-file -mil-materialize-constexpr -verify-diagnostics

// A dense_resource without data (its key is declared nowhere) verifies, as the
// blob may be supplied later, but cannot be decoded: the pass fails with an
// error at the op instead of producing a wrong constant.
func.func @missing_blob() -> tensor<4xf32> {
  // expected-error @+1 {{'indices' refers to a resource blob that has no data}}
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : tensor<2xf32>)
         indices(dense_resource<nowhere> : tensor<1xui8>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @missing_lut_blob() -> tensor<4xf32> {
  // expected-error @+1 {{'lut' refers to a resource blob that has no data}}
  %0 = mil.constexpr_lut_to_dense lut(dense_resource<nowhere_lut> : tensor<2xf32>)
         indices(dense<5> : tensor<1xui8>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A shift-scale over a LUT op that cannot be decoded fails too, with its own
// error, instead of decoding from nothing.
func.func @producer_failed() -> tensor<4xf32> {
  // expected-error @+1 {{'indices' refers to a resource blob that has no data}}
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : tensor<2xf32>)
         indices(dense_resource<nowhere_either> : tensor<1xui8>) : tensor<4xf32>
  // expected-error @+1 {{'data' has no constant value to decode (its producer could not be decoded)}}
  %1 = mil.constexpr_blockwise_shift_scale %0 scale(dense<2.0> : tensor<1xf32>)
         : tensor<4xf32> -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
