// Constants whose data cannot be read are left alone with a warning that
// says why; nothing is guessed.
// RUN: palettize-opt %s -split-input-file -verify-diagnostics \
// RUN:   --palettize-weights="nbits=2 weight-threshold=0" | FileCheck %s

// A blob shorter than its type (2x2 f32 needs 16 bytes, this has 8).
// CHECK-LABEL: func.func @short_blob
// CHECK: arith.constant dense_resource<short> : tensor<2x2xf32>
func.func @short_blob() -> tensor<2x2xf32> {
  // expected-warning @+1 {{palettize-weights: constant left unchanged: its value has a resource blob whose size does not match its type}}
  %0 = arith.constant dense_resource<short> : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      short: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// A key declared nowhere: the blob has no data.
// CHECK-LABEL: func.func @missing_blob
// CHECK: mil.const "w" dense_resource<nowhere> : tensor<2x2xf16>
func.func @missing_blob() -> tensor<2x2xf16> {
  // expected-warning @+1 {{palettize-weights: constant 'w' left unchanged: its value refers to a resource blob that has no data}}
  %0 = mil.const "w" dense_resource<nowhere> : tensor<2x2xf16>
  return %0 : tensor<2x2xf16>
}
