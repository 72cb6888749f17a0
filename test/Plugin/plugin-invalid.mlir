// The verifier runs inside the stock mlir-opt too.
// RUN: mlir-opt --load-dialect-plugin=%palettize_plugin %s -verify-diagnostics

func.func @bad_byte_count() -> tensor<5xf32> {
  // expected-error @+1 {{'indices' must hold ceil(2 * 5 / 8) = 2 bytes (5 indices of 2 bits), got 1}}
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>)
         indices(dense<10> : tensor<1xui8>) : tensor<5xf32>
  return %0 : tensor<5xf32>
}
