// RUN: palettize-opt %s -split-input-file -verify-diagnostics \
// RUN:   --palettize-weights="mode=kmeans nbits=4" | FileCheck %s

// arith.constant does not check its blob against its type; the pass does,
// with checked arithmetic: 2^62 f32 elements take 2^64 bytes, which would
// wrap to the empty blob's 0, and 2^80 elements overflow the count itself.
// Both are left unchanged with a warning, instead of reading out of bounds.
// CHECK-LABEL: func.func @bytes_overflow
// CHECK: arith.constant dense_resource<empty>
func.func @bytes_overflow() -> tensor<2147483648x2147483648xf32> {
  // expected-warning @+1 {{palettize-weights: constant left unchanged: its value has a type with more elements than fit in memory}}
  %0 = arith.constant dense_resource<empty> : tensor<2147483648x2147483648xf32>
  return %0 : tensor<2147483648x2147483648xf32>
}
{-#
  dialect_resources: { builtin: { empty: "0x04000000" } }
#-}

// -----

// CHECK-LABEL: func.func @elements_overflow
// CHECK: arith.constant dense_resource<nothing>
func.func @elements_overflow() -> tensor<1099511627776x1099511627776xf32> {
  // expected-warning @+1 {{constant left unchanged: its value has a type with more elements than fit in memory}}
  %0 = arith.constant dense_resource<nothing> : tensor<1099511627776x1099511627776xf32>
  return %0 : tensor<1099511627776x1099511627776xf32>
}
{-#
  dialect_resources: { builtin: { nothing: "0x04000000" } }
#-}
