// RUN: palettize-opt %s -verify-diagnostics \
// RUN:   --mil-weights-metadata="weight-threshold=0 output=%t.json" -o /dev/null
// RUN: FileCheck %s < %t.json
// RUN: not palettize-opt %s --mil-weights-metadata="weight-threshold=-1" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=THRESHOLD
// RUN: not palettize-opt %s --mil-weights-metadata="output=%t.missing/x.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=OUTPUT

// A constant whose blob is declared nowhere is recorded with why it could
// not be read, and warned about; the figures of the others are unaffected.
// CHECK:      "name": "missing",
// CHECK:      "elements": 4,
// CHECK-NEXT: "error": "refers to a resource blob that has no data",
// CHECK-NEXT: "consumers": [
// CHECK:      "name": "ok",
// CHECK:      "mean": 1.5,
// THRESHOLD: error: mil-weights-metadata: weight-threshold=-1 must be at least 0
// OUTPUT: error: mil-weights-metadata: cannot write '{{.*}}x.json'
func.func @f() -> (tensor<4xf32>, tensor<2xf32>) {
  // expected-warning @+1 {{mil-weights-metadata: constant 'missing' not described: its value refers to a resource blob that has no data}}
  %0 = mil.const "missing" dense_resource<nowhere> : tensor<4xf32>
  %1 = mil.const "ok" dense<[1.0, 2.0]> : tensor<2xf32>
  return %0, %1 : tensor<4xf32>, tensor<2xf32>
}
