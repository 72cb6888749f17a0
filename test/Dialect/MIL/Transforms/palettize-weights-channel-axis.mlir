// The inferred channel axis, seen through the shape of the per-channel
// scales: the linalg ops' indexing maps (named, transposed or generic) and
// TOSA's documented weight layouts.
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 per-channel-scale=true" \
// RUN:   | FileCheck %s

// B transposed, [N, K] = [3, 2]: N is axis 0.
// CHECK-LABEL: func.func @matmul_transposed_b
// CHECK: mil.constexpr_blockwise_shift_scale "w" {{.*}} : tensor<3x1xf32>)
func.func @matmul_transposed_b(%x: tensor<4x2xf32>, %acc: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %w = mil.const "w" dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %0 = linalg.matmul
         indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                          affine_map<(m, n, k) -> (n, k)>,
                          affine_map<(m, n, k) -> (m, n)>]
         ins(%x, %w : tensor<4x2xf32>, tensor<3x2xf32>)
         outs(%acc : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// batch_matmul: B [batch, K, N] has its channels on N (the batch axis also
// reaches the output, but A uses it too); A [batch, M, K] on M.
// CHECK-LABEL: func.func @batch_matmul
// CHECK: mil.constexpr_blockwise_shift_scale "a" {{.*}} : tensor<1x3x1xf32>)
// CHECK: mil.constexpr_blockwise_shift_scale "b" {{.*}} : tensor<1x1x3xf32>)
func.func @batch_matmul(%acc: tensor<1x3x3xf32>) -> tensor<1x3x3xf32> {
  %a = mil.const "a" dense<[[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]]> : tensor<1x3x2xf32>
  %b = mil.const "b" dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]> : tensor<1x2x3xf32>
  %0 = linalg.batch_matmul ins(%a, %b : tensor<1x3x2xf32>, tensor<1x2x3xf32>)
         outs(%acc : tensor<1x3x3xf32>) -> tensor<1x3x3xf32>
  return %0 : tensor<1x3x3xf32>
}

// -----

// conv_1d_nwc_wcf: filter [W, C, F], channels last.
// CHECK-LABEL: func.func @conv_1d_nwc_wcf
// CHECK: mil.constexpr_blockwise_shift_scale "f" {{.*}} : tensor<1x1x3xf32>)
func.func @conv_1d_nwc_wcf(%in: tensor<1x4x1xf32>, %out: tensor<1x3x3xf32>) -> tensor<1x3x3xf32> {
  %f = mil.const "f" dense<[[[1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0]]]> : tensor<2x1x3xf32>
  %0 = linalg.conv_1d_nwc_wcf {dilations = dense<1> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>}
         ins(%in, %f : tensor<1x4x1xf32>, tensor<2x1x3xf32>)
         outs(%out : tensor<1x3x3xf32>) -> tensor<1x3x3xf32>
  return %0 : tensor<1x3x3xf32>
}

// -----

// conv_2d_nchw_fchw: filter [F, C, KH, KW], channels first.
// CHECK-LABEL: func.func @conv_2d_nchw_fchw
// CHECK: mil.constexpr_blockwise_shift_scale "f" {{.*}} : tensor<3x1x1x1xf32>)
func.func @conv_2d_nchw_fchw(%in: tensor<1x1x4x4xf32>, %out: tensor<1x3x4x3xf32>) -> tensor<1x3x4x3xf32> {
  %f = mil.const "f" dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%in, %f : tensor<1x1x4x4xf32>, tensor<3x1x1x2xf32>)
         outs(%out : tensor<1x3x4x3xf32>) -> tensor<1x3x4x3xf32>
  return %0 : tensor<1x3x4x3xf32>
}

// -----

// depthwise_conv_2d_nhwc_hwc: filter [KH, KW, C]; C is the only filter
// axis that reaches the output.
// CHECK-LABEL: func.func @depthwise
// CHECK: mil.constexpr_blockwise_shift_scale "f" {{.*}} : tensor<1x1x3xf32>)
func.func @depthwise(%in: tensor<1x4x4x3xf32>, %out: tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32> {
  %f = mil.const "f" dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]> : tensor<1x2x3xf32>
  %0 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%in, %f : tensor<1x4x4x3xf32>, tensor<1x2x3xf32>)
         outs(%out : tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

// An elementwise linalg.generic gives no channel: axis 0.
// CHECK-LABEL: func.func @elementwise
// CHECK: mil.constexpr_blockwise_shift_scale "e" {{.*}} : tensor<2x1xf32>)
#id = affine_map<(i, j) -> (i, j)>
func.func @elementwise(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %e = mil.const "e" dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
         ins(%x, %e : tensor<2x3xf32>, tensor<2x3xf32>) outs(%x : tensor<2x3xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// tosa.depthwise_conv2d: weights [KH, KW, C, M], channels on C.
// CHECK-LABEL: func.func @tosa_depthwise
// CHECK: mil.constexpr_blockwise_shift_scale "f" {{.*}} : tensor<1x1x2x1xf32>)
func.func @tosa_depthwise(%in: tensor<1x4x4x2xf32>) -> tensor<1x4x4x6xf32> {
  %f = mil.const "f" dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]]> : tensor<1x1x2x3xf32>
  %bias = mil.const dense<0.0> : tensor<6xf32>
  %zp = mil.const dense<0.0> : tensor<1xf32>
  %0 = tosa.depthwise_conv2d %in, %f, %bias, %zp, %zp
         {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}
         : (tensor<1x4x4x2xf32>, tensor<1x1x2x3xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x6xf32>
  return %0 : tensor<1x4x4x6xf32>
}

// -----

// tosa.matmul: B [N, C, W], channels on W.
// CHECK-LABEL: func.func @tosa_matmul
// CHECK: mil.constexpr_blockwise_shift_scale "b" {{.*}} : tensor<1x1x3xf32>)
func.func @tosa_matmul(%a: tensor<1x4x2xf32>) -> tensor<1x4x3xf32> {
  %b = mil.const "b" dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]> : tensor<1x2x3xf32>
  %zp = mil.const dense<0.0> : tensor<1xf32>
  %0 = tosa.matmul %a, %b, %zp, %zp : (tensor<1x4x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3xf32>
  return %0 : tensor<1x4x3xf32>
}
