// RUN: palettize-opt %s -split-input-file --palettize-order-loops | FileCheck %s

// A matmul runs (m, k, n): the weight and the output are read along n in
// the innermost loop.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @matmul
// CHECK:       linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-NOT:   linalg.matmul
func.func @matmul(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>)
                     outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

// A convolution runs (n, oh, ow, kh, kw, c, f): the filter [kh, kw, c, f]
// and the output are read along f innermost.
// CHECK-LABEL: func.func @conv
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]
func.func @conv(%x: tensor<1x6x6x8xf32>, %w: tensor<3x3x8x16xf32>, %o: tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32> {
  %r = linalg.conv_2d_nhwc_hwcf
         {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x6x6x8xf32>, tensor<3x3x8x16xf32>)
         outs(%o : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  return %r : tensor<1x4x4x16xf32>
}

// -----

// Left as they are: elementwise ops (no reduction), a reduction whose
// output's last dimension is already innermost, and a matmul on buffers.
// CHECK-LABEL: func.func @left_alone
// CHECK:       linalg.add
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["reduction", "parallel"]
// CHECK:       linalg.matmul
func.func @left_alone(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>, %s: tensor<8xf32>,
                      %ma: memref<4x8xf32>, %mb: memref<8x16xf32>, %mc: memref<4x16xf32>)
    -> (tensor<4x8xf32>, tensor<8xf32>) {
  %sum = linalg.add ins(%a, %b : tensor<4x8xf32>, tensor<4x8xf32>)
                    outs(%a : tensor<4x8xf32>) -> tensor<4x8xf32>
  %cols = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                           affine_map<(d0, d1) -> (d1)>],
                          iterator_types = ["reduction", "parallel"]}
            ins(%a : tensor<4x8xf32>) outs(%s : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.addf %in, %out : f32
    linalg.yield %t : f32
  } -> tensor<8xf32>
  linalg.matmul ins(%ma, %mb : memref<4x8xf32>, memref<8x16xf32>)
                outs(%mc : memref<4x16xf32>)
  return %sum, %cols : tensor<4x8xf32>, tensor<8xf32>
}
