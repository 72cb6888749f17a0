// per-channel-scale and lut-dtype: the emitted ops, values worked out by
// hand, and the decoded result.
// RUN: palettize-opt %s -split-input-file -verify-diagnostics \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 per-channel-scale=true" \
// RUN:   | FileCheck %s --check-prefix=SCALE
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 per-channel-scale=true" \
// RUN:   | palettize-opt -split-input-file -mil-materialize-constexpr \
// RUN:   | FileCheck %s --check-prefix=SCALE-DECODED
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 lut-dtype=int8" \
// RUN:   | FileCheck %s --check-prefix=INT8
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 lut-dtype=int8" \
// RUN:   | palettize-opt -split-input-file -mil-materialize-constexpr \
// RUN:   | FileCheck %s --check-prefix=INT8-DECODED
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=kmeans nbits=2 weight-threshold=0 lut-dtype=uint8 granularity=per-grouped-channel group-size=2" \
// RUN:   | FileCheck %s --check-prefix=UINT8

// Rows scale by their max-abs [4, 8, 4, 1 (all zero)], leaving the
// normalized values {-1, -0.25, 0, 0.25, 0.5, 1}: 6 distinct, so unique
// takes 3 bits. Decoding gives the original values back exactly.
// SCALE-LABEL: func.func @rows
// SCALE: %[[L:.*]] = mil.constexpr_lut_to_dense "w_normalized" lut(dense<[-1.000000e+00, -2.500000e-01, 0.000000e+00, 2.500000e-01, 5.000000e-01, 1.000000e+00, 0.000000e+00, 0.000000e+00]> : tensor<8xf32>) indices(dense_resource<w_indices> : tensor<6xui8>) : tensor<4x4xf32>
// SCALE: %[[S:.*]] = mil.constexpr_blockwise_shift_scale "w" %[[L]] scale(dense<{{\[}}[4.000000e+00], [8.000000e+00], [4.000000e+00], [1.000000e+00]]> : tensor<4x1xf32>) : tensor<4x4xf32> -> tensor<4x4xf32>
// SCALE: return %[[S]]
// SCALE-DECODED-LABEL: func.func @rows
// SCALE-DECODED: mil.const "w" dense<{{\[}}[0.000000e+00, 1.000000e+00, 2.000000e+00, 4.000000e+00], [0.000000e+00, -2.000000e+00, 4.000000e+00, 8.000000e+00], [2.000000e+00, 2.000000e+00, 2.000000e+00, -4.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<4x4xf32>
// INT8-LABEL: func.func @rows
// UINT8-LABEL: func.func @rows
func.func @rows() -> tensor<4x4xf32> {
  %0 = mil.const "w" dense<[[0.0, 1.0, 2.0, 4.0], [0.0, -2.0, 4.0, 8.0],
                            [2.0, 2.0, 2.0, -4.0], [0.0, 0.0, 0.0, 0.0]]>
       : tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// int8, symmetric: the unique LUT [-1, 0, 0.5, 2.54] has max-abs 2.54, so
// scale = 2.54 / 127 = 0.02 and the stored LUT is round(v / 0.02) =
// [-50, 0, 25, 127]. In f32, 0.02 * [-50, 0, 25, 127] rounds back to
// [-1, 0, 0.5, 2.54].
// INT8-LABEL: func.func @int8
// INT8: %[[Q:.*]] = mil.const "t_lut_quantized" dense<[-50, 0, 25, 127]> : tensor<4xi8>
// INT8: %[[D:.*]] = mil.constexpr_blockwise_shift_scale "t_lut" %[[Q]] scale(dense<2.000000e-02> : tensor<1xf32>) : tensor<4xi8> -> tensor<4xf32>
// INT8: mil.constexpr_lut_to_dense "t" lut(%[[D]] : tensor<4xf32>) indices(dense_resource<t_indices> : tensor<1xui8>) : tensor<2x2xf32>
// INT8-DECODED-LABEL: func.func @int8
// INT8-DECODED-NOT: tensor<4xi8>
// INT8-DECODED: mil.const "t" dense<{{\[}}[-1.000000e+00, 5.000000e-01], [2.540000e+00, 0.000000e+00]]> : tensor<2x2xf32>
// INT8-DECODED-NOT: tensor<4xi8>
// SCALE-LABEL: func.func @int8
// UINT8-LABEL: func.func @int8
func.func @int8() -> tensor<2x2xf32> {
  %0 = mil.const "t" dense<[[-1.0, 0.5], [2.54, 0.0]]> : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// uint8, one LUT per pair of rows. Rows 0-1 hold 0..7: the optimal 2-bit
// clusters are {0,1} {2,3} {4,5} {6,7}, centroids [0.5, 2.5, 4.5, 6.5];
// over [0, 6.5] the scale is 6.5 / 255 and round(v / scale) =
// round([19.6, 98.1, 176.5, 255]) = [20, 98, 177, 255]. Rows 2-3 hold
// 8..15: centroids [8.5, 10.5, 12.5, 14.5], scale 14.5 / 255,
// round([149.5, 184.7, 219.8, 255]) = [149, 185, 220, 255]. Zero points 0.
// UINT8-LABEL: func.func @arange
// UINT8: %[[Q:.*]] = mil.const "a_lut_quantized" dense<{{\[\[\[\[}}20], [98], [177], [255]]], {{\[\[\[}}149], [185], [220], [255]]]]> : tensor<2x1x4x1xui8>
// UINT8: %[[D:.*]] = mil.constexpr_blockwise_shift_scale "a_lut" %[[Q]] scale(dense<{{\[\[\[\[}}0.0254901964]]], {{\[\[\[}}0.0568627454]]]]> : tensor<2x1x1x1xf32>) offset(dense<0> : tensor<2x1x1x1xui8>) : tensor<2x1x4x1xui8> -> tensor<2x1x4x1xf32>
// UINT8: mil.constexpr_lut_to_dense "a" lut(%[[D]] : tensor<2x1x4x1xf32>)
// SCALE-LABEL: func.func @arange
// INT8-LABEL: func.func @arange
func.func @arange() -> tensor<4x4xf32> {
  %0 = mil.const "a" dense<[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0],
                            [8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0]]>
       : tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
