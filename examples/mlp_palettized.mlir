// A two-layer perceptron whose weights are stored palettized, as Core ML
// stores them: fc1 with one 16-entry (4-bit) palette, fc2 with one 4-entry
// (2-bit) palette per output column. Decode it with
//   palettize-opt --mil-materialize-constexpr examples/mlp_palettized.mlir
func.func @mlp(%x: tensor<1x16xf32>) -> tensor<1x4xf16> {
  %w1 = mil.constexpr_lut_to_dense "fc1_weight"
          lut(dense<[-0.833, -0.465, -0.158, -0.128, -0.113, -0.107, 0.093, 0.124, 0.197, 0.212, 0.249, 0.253, 0.256, 0.428, 0.518, 0.556]> : tensor<16xf32>)
          indices(dense_resource<fc1_indices> : tensor<64xui8>) : tensor<16x8xf32>
  %w2 = mil.constexpr_lut_to_dense "fc2_weight"
          lut(dense<[[[[-0.3], [0.09], [0.19], [0.3]], [[-0.15], [-0.11], [0.02], [0.39]], [[-0.83], [-0.26], [0.03], [0.06]], [[-0.34], [-0.02], [0.31], [0.39]]]]> : tensor<1x4x4x1xf16>)
          indices(dense_resource<fc2_indices> : tensor<8xui8>) : tensor<8x4xf16>
  %b1 = mil.const "fc1_bias" dense<0.1> : tensor<1x8xf32>
  %zero1 = arith.constant dense<0.0> : tensor<1x8xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<1x16xf32>, tensor<16x8xf32>)
                     outs(%zero1 : tensor<1x8xf32>) -> tensor<1x8xf32>
  %hb = arith.addf %h, %b1 : tensor<1x8xf32>
  %hr = arith.maximumf %hb, %zero1 : tensor<1x8xf32>
  %h16 = arith.truncf %hr : tensor<1x8xf32> to tensor<1x8xf16>
  %zero2 = arith.constant dense<0.0> : tensor<1x4xf16>
  %y = linalg.matmul ins(%h16, %w2 : tensor<1x8xf16>, tensor<8x4xf16>)
                     outs(%zero2 : tensor<1x4xf16>) -> tensor<1x4xf16>
  return %y : tensor<1x4xf16>
}

{-#
  dialect_resources: {
    builtin: {
      fc1_indices: "0x01000000C17141D93459633B12F6ADEE9B5727F9EA29D3A5F41DA2BAEF22F812E9C90BBE351F9674CC2FE58CD4D8CB475274075F9840BD4AE1CCCCF31C26E6351A03340B",
      fc2_indices: "0x0100000091219A595D0B6EAE"
    }
  }
#-}
