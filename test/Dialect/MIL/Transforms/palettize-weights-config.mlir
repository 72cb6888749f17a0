// config=<file>: per-op settings, in JSON and in YAML, with the priority
// constant name > consumer name > consumer op type > global.
// RUN: rm -rf %t && split-file %s %t
// RUN: palettize-opt %t/model.mlir --palettize-weights="config=%t/config.json" \
// RUN:   | FileCheck %s
// RUN: palettize-opt %t/model.mlir --palettize-weights="config=%t/config.yaml" \
// RUN:   | FileCheck %s
// A null global entry leaves everything not named alone.
// RUN: palettize-opt %t/model.mlir -verify-diagnostics \
// RUN:   --palettize-weights="config=%t/only-names.json print-statistics=true" \
// RUN:   2>%t/stats.txt | FileCheck %s --check-prefix=NAMES
// RUN: FileCheck %s --check-prefix=NAMES-STATS < %t/stats.txt

// "skip_me" is named with null: left alone.
// CHECK-LABEL: func.func @model
// CHECK: mil.const "skip_me" dense<{{.*}}> : tensor<2x4xf32>
// "special" is named: uniform, 1 bit, LUT [lo, hi] = [-1, 6].
// CHECK: mil.constexpr_lut_to_dense "special" lut(dense<[-1.000000e+00, 6.000000e+00]> : tensor<2xf32>)
// "rhs" feeds linalg.matmul: op_type_configs makes it unique; its 4
// distinct values take 2 bits.
// CHECK: mil.constexpr_lut_to_dense "rhs" lut(dense<[-2.000000e+00, 0.000000e+00, 3.000000e+00, 5.000000e+00]> : tensor<4xf32>)
// "by_name" feeds an op whose NameLoc has an entry: kmeans 1 bit, the two
// clusters {0, 1} and {10, 11} -> [0.5, 10.5].
// CHECK: mil.constexpr_lut_to_dense "by_name" lut(dense<[5.000000e-01, 1.050000e+01]> : tensor<2xf32>)
// "other" only reaches func.return: the global entry, kmeans 2 bits with
// per-channel scales.
// CHECK: mil.constexpr_lut_to_dense "other_normalized"
// CHECK: mil.constexpr_blockwise_shift_scale "other"

// NAMES-LABEL: func.func @model
// NAMES: mil.constexpr_lut_to_dense "special"
// NAMES-NOT: mil.constexpr_lut_to_dense
// NAMES-STATS: palettize-weights: config={{.*}}only-names.json
// NAMES-STATS: constants seen: 5, palettized: 1
// NAMES-STATS: 4 left alone by the config

//--- model.mlir
func.func @model(%x: tensor<4x2xf32>, %acc: tensor<4x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<2x4xf32>) {
  %skip = mil.const "skip_me" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  %special = mil.const "special" dense<[[-1.0, 0.0, 1.0, 2.0], [3.0, 4.0, 5.0, 6.0]]> : tensor<2x4xf32>
  %rhs = mil.const "rhs" dense<[[-2.0, 0.0, 3.0, 5.0], [5.0, 3.0, 0.0, -2.0]]> : tensor<2x4xf32>
  %0 = linalg.matmul ins(%x, %rhs : tensor<4x2xf32>, tensor<2x4xf32>) outs(%acc : tensor<4x4xf32>) -> tensor<4x4xf32>
  %by_name = mil.const "by_name" dense<[[0.0, 1.0, 10.0, 11.0], [1.0, 0.0, 11.0, 10.0]]> : tensor<2x4xf32>
  %1 = linalg.matmul ins(%x, %by_name : tensor<4x2xf32>, tensor<2x4xf32>) outs(%acc : tensor<4x4xf32>) -> tensor<4x4xf32> loc("second_matmul")
  %other = mil.const "other" dense<[[1.0, 2.0, 3.0, 4.0], [-1.0, -2.0, -3.0, -4.0]]> : tensor<2x4xf32>
  return %skip, %special, %0, %1, %other : tensor<2x4xf32>, tensor<2x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<2x4xf32>
}

//--- config.json
{
  "config_type": "OpPalettizerConfig",
  "global_config": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0,
                    "enable_per_channel_scale": true},
  "op_type_configs": {
    "linalg.matmul": {"mode": "unique", "weight_threshold": 0}
  },
  "op_name_configs": {
    "skip_me": null,
    "special": {"mode": "uniform", "nbits": 1, "weight_threshold": 0},
    "second_matmul": {"mode": "KMEANS", "nbits": 1, "weight_threshold": 0,
                      "num_kmeans_workers": 4}
  }
}

//--- config.yaml
# The same configuration in YAML.
config_type: OpPalettizerConfig
global_config:
  mode: kmeans
  nbits: 2
  weight_threshold: 0
  enable_per_channel_scale: true
op_type_configs:
  linalg.matmul:
    mode: unique
    weight_threshold: 0
op_name_configs:
  skip_me: null
  special: {mode: uniform, nbits: 1, weight_threshold: 0}
  second_matmul:
    mode: kmeans
    nbits: 1
    weight_threshold: 0

//--- only-names.json
{"global_config": null,
 "op_name_configs": {"special": {"mode": "uniform", "nbits": 1,
                                 "weight_threshold": 0}}}
