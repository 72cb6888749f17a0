// sparse=auto on hand-worked tensors: the mask marks the non-zero points
// (LSB-first, row-major), the LUT holds the non-zeros only, the indices
// are those of the marked points in the mask's order, and zeros (-0.0
// too) decode to +0.0.
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=unique \
// RUN:   weight-threshold=0 sparse=auto" | FileCheck %s
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=unique \
// RUN:   weight-threshold=0 sparse=auto" --mil-materialize-constexpr \
// RUN:   | FileCheck %s --check-prefix=DECODED
// The default (sparse=off) and a threshold above the zeros' fraction keep
// the dense form.
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=unique \
// RUN:   weight-threshold=0" | FileCheck %s --check-prefix=OFF
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=unique \
// RUN:   weight-threshold=0 sparse=auto sparse-threshold=0.8" \
// RUN:   | FileCheck %s --check-prefix=OFF
// The same settings from a configuration file, and the recipe write-config
// writes for them.
// RUN: echo '{"global_config": {"mode": "unique", "weight_threshold": 0, "sparse": "auto", "sparse_threshold": 0.7}}' > %t.json
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="config=%t.json write-config=%t.recipe.yaml" \
// RUN:   | FileCheck %s --check-prefix=CONFIG
// RUN: FileCheck %s --check-prefix=RECIPE < %t.recipe.yaml
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=unique \
// RUN:   weight-threshold=0 sparse=auto print-statistics=true" -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=STATS
// RUN: palettize-opt %s --palettize-weights="mode=unique \
// RUN:   weight-threshold=0 sparse=auto report=%t.html" -o /dev/null
// RUN: FileCheck %s --check-prefix=HTML < %t.html
// kmeans at 2 bits, whose width is known before the LUT: 12 zeros take
// 2 + 1 bytes against 4, 10 zeros 2 + 2 against 4 (not smaller).
// RUN: palettize-opt %s -split-input-file --palettize-weights="mode=kmeans \
// RUN:   nbits=2 weight-threshold=0 sparse=auto" | FileCheck %s --check-prefix=KMEANS

// 12 of 16 zeros (one -0.0). Non-zeros at 1, 6, 11, 12: mask bytes
// 0b01000010, 0b00011000. The LUT of {1, 2, 4}: [1, 2, 4, 0] (2 bits), the
// indices 0 1 2 0: 0b00100100. 2 + 1 bytes of mask and indices against
// 4 bytes of dense 2-bit indices.
// CHECK-LABEL: func @scalar
// CHECK: %[[MASK:.*]], %[[DATA:.*]] = mil.constexpr_lut_to_sparse "w_nonzero"
// CHECK-SAME: mask(dense_resource<[[M:.*]]> : tensor<4x4xui1>)
// CHECK-SAME: lut(dense<[1.000000e+00, 2.000000e+00, 4.000000e+00, 0.000000e+00]> : tensor<4xf32>)
// CHECK-SAME: indices(dense_resource<[[I:.*]]> : tensor<1xui8>)
// CHECK-SAME: : tensor<4x4xui1>, tensor<4xf32>
// CHECK: %[[W:.*]] = mil.constexpr_sparse_to_dense "w" mask(%[[MASK]] : tensor<4x4xui1>) data(%[[DATA]] : tensor<4xf32>) : tensor<4x4xf32>
// CHECK: return %[[W]]
// CHECK: [[M]]: "0x010000004218"
// CHECK: [[I]]: "0x0100000024"
// DECODED-LABEL: func @scalar
// DECODED: mil.const "w" dense<{{\[}}[0.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 2.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 4.000000e+00], [1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]>
// OFF-LABEL: func @scalar
// OFF: mil.constexpr_lut_to_dense
// OFF-NOT: sparse
// CONFIG-LABEL: func @scalar
// CONFIG: mil.constexpr_lut_to_sparse
// RECIPE: "w": {mode: unique, granularity: per_tensor, {{.*}}, sparse: auto, sparse_threshold: 0.7}
// STATS: w: tensor<4x4xf32>, 2 bits, sparse: 4 of 16 elements stored, 64 -> 19 bytes
// The HTML report of both functions (one module): bits, LUTs, bytes
// before and after.
// HTML: <td>2</td><td>1</td><td>64</td><td>19 (sparse: 4 of 16 stored)</td>
// HTML: <td>2</td><td>1</td><td>64</td><td>20</td>
// KMEANS-LABEL: func @scalar
// KMEANS: mil.constexpr_lut_to_sparse "w_nonzero"
func.func @scalar() -> tensor<4x4xf32> {
  %w = mil.const "w" dense<[[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0],
                            [-0.0, 0.0, 0.0, 4.0], [1.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32>
  return %w : tensor<4x4xf32>
}

// -----

// 10 of 16 zeros, but the sparse form is not smaller: mask 2 bytes and six
// 2-bit indices 2 bytes, as many as 16 dense 2-bit indices.
// CHECK-LABEL: func @not_smaller
// CHECK: mil.constexpr_lut_to_dense "w"
// CHECK-NOT: sparse
// DECODED-LABEL: func @not_smaller
// OFF-LABEL: func @not_smaller
// CONFIG-LABEL: func @not_smaller
// CONFIG: mil.constexpr_lut_to_dense
// KMEANS-LABEL: func @not_smaller
// KMEANS: mil.constexpr_lut_to_dense "w"
// KMEANS-NOT: sparse
func.func @not_smaller() -> tensor<4x4xf32> {
  %w = mil.const "w" dense<[[0.0, 1.0, 0.0, 2.0], [0.0, 0.0, 1.0, 0.0],
                            [0.0, 3.0, 0.0, 0.0], [2.0, 0.0, 0.0, 1.0]]> : tensor<4x4xf32>
  return %w : tensor<4x4xf32>
}
