func.func @f(%x: tensor<2x4xf32>, %acc: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<4x4xf32>) {
  %w = mil.const "w" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %b = mil.const "b" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%acc : tensor<2x4xf32>) -> tensor<2x4xf32>
  %c = arith.addf %b, %b : tensor<4x4xf32>
  return %y, %c : tensor<2x4xf32>, tensor<4x4xf32>
}
