// RUN: palettize-opt %s --mil-weights-metadata="weight-threshold=4" -o %t.mlir 2> %t.err
// RUN: FileCheck %s < %t.err
// The records can go to a file instead; the IR is unchanged either way.
// RUN: palettize-opt %s --mil-weights-metadata="weight-threshold=4 output=%t.json" -o %t.file.mlir
// RUN: FileCheck %s < %t.json
// RUN: palettize-opt %s -o %t.plain.mlir
// RUN: cmp %t.plain.mlir %t.mlir
// RUN: cmp %t.plain.mlir %t.file.mlir

// Worked by hand. "w": 8 elements, six zeros (one -0, which is one value
// with +0) and +-2: sparsity 6/8, 3 distinct values, mean 0, variance
// (4 + 4) / 8 = 1. "h" (f16, named by its NameLoc): [1, 2, 3, 4] twice:
// mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25, std
// sqrt(1.25) = 1.1180339887498949; it feeds both operands of an addf and
// the return. "inf" holds an infinity: no min, max,
// mean or std, one non-finite value. The 2x2 splat has exactly
// weight-threshold elements and is left out (the threshold is strict).
// CHECK:      "weights": [
// CHECK:        "name": "w",
// CHECK-NEXT:   "shape": [
// CHECK-NEXT:     2,
// CHECK-NEXT:     4
// CHECK-NEXT:   ],
// CHECK-NEXT:   "type": "f32",
// CHECK-NEXT:   "elements": 8,
// CHECK-NEXT:   "sparsity": 0.75,
// CHECK-NEXT:   "distinct": 3,
// CHECK-NEXT:   "min": -2,
// CHECK-NEXT:   "max": 2,
// CHECK-NEXT:   "mean": 0,
// CHECK-NEXT:   "std": 1,
// CHECK-NEXT:   "non_finite": 0,
// CHECK-NEXT:   "consumers": [
// CHECK-NEXT:     {
// CHECK-NEXT:       "op": "linalg.matmul",
// CHECK-NEXT:       "operand": 1
// CHECK-NEXT:     }
// CHECK-NEXT:   ]
// CHECK:        "name": "h",
// CHECK:        "type": "f16",
// CHECK-NEXT:   "elements": 8,
// CHECK-NEXT:   "sparsity": 0,
// CHECK-NEXT:   "distinct": 4,
// CHECK-NEXT:   "min": 1,
// CHECK-NEXT:   "max": 4,
// CHECK-NEXT:   "mean": 2.5,
// CHECK-NEXT:   "std": 1.11803398874989{{[0-9]*}},
// CHECK-NEXT:   "non_finite": 0,
// CHECK-NEXT:   "consumers": [
// CHECK-NEXT:     {
// CHECK-NEXT:       "op": "arith.addf",
// CHECK-NEXT:       "operand": 0
// CHECK-NEXT:     },
// CHECK-NEXT:     {
// CHECK-NEXT:       "op": "arith.addf",
// CHECK-NEXT:       "operand": 1
// CHECK-NEXT:     },
// CHECK-NEXT:     {
// CHECK-NEXT:       "op": "func.return",
// CHECK-NEXT:       "operand": 1
// CHECK-NEXT:     }
// CHECK-NEXT:   ]
// CHECK:        "name": "inf",
// CHECK:        "sparsity": 0.2{{0*[0-9]?}},
// CHECK-NEXT:   "distinct": 4,
// CHECK-NEXT:   "min": null,
// CHECK-NEXT:   "max": null,
// CHECK-NEXT:   "mean": null,
// CHECK-NEXT:   "std": null,
// CHECK-NEXT:   "non_finite": 1,
// CHECK-NOT:    "name"
// CHECK:      ]
func.func @f(%x: tensor<4x2xf32>) -> (tensor<4x4xf32>, tensor<2x4xf16>, tensor<2x2xf32>, tensor<5xf32>, tensor<2x4xf16>) {
  %w = mil.const "w" dense<[[0.0, -0.0, 0.0, 0.0], [2.0, -2.0, 0.0, 0.0]]> : tensor<2x4xf32>
  %h = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]]> : tensor<2x4xf16> loc("h")
  %s = arith.constant dense<1.0> : tensor<2x2xf32>
  %i = arith.constant dense<[0.0, 1.0, 0x7F800000, 2.0, 2.0]> : tensor<5xf32> loc("inf")
  %e = tensor.empty() : tensor<4x4xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x2xf32>, tensor<2x4xf32>) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %a = arith.addf %h, %h : tensor<2x4xf16>
  return %m, %h, %s, %i, %a : tensor<4x4xf32>, tensor<2x4xf16>, tensor<2x2xf32>, tensor<5xf32>, tensor<2x4xf16>
}
