// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=unique weight-threshold=3" | FileCheck %s

// Distinct values {-1, 0.5, 2}: 2 bits, LUT [-1, 0.5, 2, 0] (zero-padded);
// indices [1, 0, 1, 2] pack LSB-first to 1 | 1<<4 | 2<<6 = 145 = 0x91.
// The blob is named after the constant.
// CHECK-LABEL: func.func @unique_f32
// CHECK: %[[W:.*]] = mil.constexpr_lut_to_dense "w" lut(dense<[-1.000000e+00, 5.000000e-01, 2.000000e+00, 0.000000e+00]> : tensor<4xf32>) indices(dense_resource<w_indices> : tensor<1xui8>) : tensor<2x2xf32>
// CHECK: return %[[W]]
// CHECK: w_indices: "0x0100000091"
func.func @unique_f32() -> tensor<2x2xf32> {
  %0 = mil.const "w" dense<[[0.5, -1.0], [0.5, 2.0]]> : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// Five to eight distinct values take 3 bits.
// CHECK-LABEL: func.func @five_values
// CHECK: lut(dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]> : tensor<8xf32>)
// CHECK-SAME: indices(dense_resource<{{.*}}> : tensor<4xui8>) : tensor<2x5xf32>
func.func @five_values() -> tensor<2x5xf32> {
  %0 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0], [5.0, 4.0, 3.0, 2.0, 1.0]]> : tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Eight values, 3 bits; indices 0..7 pack to 0x88 0xC6 0xFA.
// CHECK-LABEL: func.func @eight_values
// CHECK: lut(dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]> : tensor<8xf16>) indices(dense_resource<[[BLOB:.*]]> : tensor<3xui8>)
// CHECK: [[BLOB]]: "0x0100000088C6FA"
func.func @eight_values() -> tensor<2x4xf16> {
  %0 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf16>
  return %0 : tensor<2x4xf16>
}

// -----

// Nine values need 4 bits; indices 0..8 pack two per byte: 0x10 0x32 0x54
// 0x76 0x08.
// CHECK-LABEL: func.func @nine_values
// CHECK: lut(dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00, 9.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]> : tensor<16xbf16>) indices(dense_resource<[[BLOB:.*]]> : tensor<5xui8>)
// CHECK: [[BLOB]]: "0x010000001032547608"
func.func @nine_values() -> tensor<3x3xbf16> {
  %0 = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]> : tensor<3x3xbf16>
  return %0 : tensor<3x3xbf16>
}

// -----

// One value takes 1 bit: LUT [v, 0], all indices 0. (A dense<> of one value
// is a splat and left alone; a blob is not.)
// CHECK-LABEL: func.func @one_value
// CHECK: mil.constexpr_lut_to_dense lut(dense<[7.500000e-01, 0.000000e+00]> : tensor<2xf32>) indices(dense_resource<weight_indices> : tensor<1xui8>) : tensor<2x2xf32>
// CHECK: weight_indices: "0x0100000000"
func.func @one_value() -> tensor<2x2xf32> {
  %0 = arith.constant dense_resource<same> : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      same: "0x040000000000403F0000403F0000403F0000403F"
    }
  }
#-}

// -----

// f16: distinct {1, 2}: 1 bit, indices [0, 1, 1, 0] -> 0b0110 = 6.
// CHECK-LABEL: func.func @unique_f16
// CHECK: lut(dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf16>) indices(dense_resource<{{.*}}> : tensor<1xui8>) : tensor<2x2xf16>
// CHECK: "0x0100000006"
func.func @unique_f16() -> tensor<2x2xf16> {
  %0 = arith.constant dense<[[1.0, 2.0], [2.0, 1.0]]> : tensor<2x2xf16>
  return %0 : tensor<2x2xf16>
}
