// The ops and their dense_resource blobs survive a bytecode round trip.
// RUN: palettize-opt %s -emit-bytecode | palettize-opt | FileCheck %s

// CHECK-LABEL: func.func @bytecode
// CHECK: mil.const "w" dense_resource<weight> : tensor<2x2xbf16>
// CHECK: mil.constexpr_lut_to_dense "q" lut(dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf16>) indices(dense_resource<idx> : tensor<1xui8>) : tensor<2x3xf16>
// CHECK: %[[Q:.*]] = mil.const dense<[-2, 4]> : tensor<2xi8>
// CHECK: %[[L:.*]] = mil.constexpr_blockwise_shift_scale "l" %[[Q]] scale(dense<5.000000e-01> : tensor<1xf16>) offset(dense<1> : tensor<1xi8>) : tensor<2xi8> -> tensor<2xf16>
// CHECK: %[[W:.*]] = mil.constexpr_lut_to_dense "p" lut(%[[L]] : tensor<2xf16>) indices(dense_resource<idx> : tensor<1xui8>) : tensor<2x3xf16>
// CHECK: mil.constexpr_blockwise_shift_scale "s" %[[W]] scale(dense<2.000000e+00> : tensor<2x1xf16>) : tensor<2x3xf16> -> tensor<2x3xf16>
// CHECK: weight: "0x02000000803F0040404080C0"
// CHECK: idx: "0x010000002D"
func.func @bytecode() -> (tensor<2x2xbf16>, tensor<2x3xf16>, tensor<2x3xf16>) {
  %0 = mil.const "w" dense_resource<weight> : tensor<2x2xbf16>
  %1 = mil.constexpr_lut_to_dense "q" lut(dense<[1.0, 2.0]> : tensor<2xf16>)
         indices(dense_resource<idx> : tensor<1xui8>) : tensor<2x3xf16>
  %q = mil.const dense<[-2, 4]> : tensor<2xi8>
  %l = mil.constexpr_blockwise_shift_scale "l" %q scale(dense<0.5> : tensor<1xf16>)
         offset(dense<1> : tensor<1xi8>) : tensor<2xi8> -> tensor<2xf16>
  %p = mil.constexpr_lut_to_dense "p" lut(%l : tensor<2xf16>)
         indices(dense_resource<idx> : tensor<1xui8>) : tensor<2x3xf16>
  %s = mil.constexpr_blockwise_shift_scale "s" %p scale(dense<2.0> : tensor<2x1xf16>)
         : tensor<2x3xf16> -> tensor<2x3xf16>
  return %0, %1, %s : tensor<2x2xbf16>, tensor<2x3xf16>, tensor<2x3xf16>
}

{-#
  dialect_resources: {
    builtin: {
      weight: "0x02000000803F0040404080C0",
      idx: "0x010000002D"
    }
  }
#-}
