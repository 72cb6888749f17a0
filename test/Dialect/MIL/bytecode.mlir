// Both ops and their dense_resource blobs survive a bytecode round trip.
// RUN: palettize-opt %s -emit-bytecode | palettize-opt | FileCheck %s

// CHECK-LABEL: func.func @bytecode
// CHECK: mil.const "w" dense_resource<weight> : tensor<2x2xbf16>
// CHECK: mil.constexpr_lut_to_dense "q" lut(dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf16>) indices(dense_resource<idx> : tensor<1xui8>) : tensor<2x3xf16>
// CHECK: weight: "0x02000000803F0040404080C0"
// CHECK: idx: "0x010000002D"
func.func @bytecode() -> (tensor<2x2xbf16>, tensor<2x3xf16>) {
  %0 = mil.const "w" dense_resource<weight> : tensor<2x2xbf16>
  %1 = mil.constexpr_lut_to_dense "q" lut(dense<[1.0, 2.0]> : tensor<2xf16>)
         indices(dense_resource<idx> : tensor<1xui8>) : tensor<2x3xf16>
  return %0, %1 : tensor<2x2xbf16>, tensor<2x3xf16>
}

{-#
  dialect_resources: {
    builtin: {
      weight: "0x02000000803F0040404080C0",
      idx: "0x010000002D"
    }
  }
#-}
