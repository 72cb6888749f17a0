// Bad configuration files fail the pass before any change, with the file,
// line and column, the key and the allowed values.
// RUN: rm -rf %t && split-file %s %t
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/unknown-key.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=UNKNOWN-KEY
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/unknown-top.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=UNKNOWN-TOP
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/nbits.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NBITS
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/nbits-type.yaml" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NBITS-TYPE
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/granularity.yaml" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=GRANULARITY
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/missing-nbits.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MISSING-NBITS
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/op-type.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=OP-TYPE
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/syntax.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=SYNTAX
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/custom.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=CUSTOM
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/custom-unknown.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=CUSTOM-UNKNOWN
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/lut-dtype.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=LUT-DTYPE
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/not-a-map.yaml" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOT-A-MAP
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/nowhere.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOWHERE
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/two-documents.yaml" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=TWO-DOCUMENTS
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/conflict.json" \
// RUN:   -mlir-print-ir-after-failure 2> %t/conflict.err
// RUN: FileCheck %s --check-prefix=CONFLICT < %t/conflict.err
// The module the failed run leaves is the input: 'first', which precedes
// the conflict and which the file palettizes once the conflict is resolved,
// is unchanged too.
// RUN: palettize-opt %t/model.mlir -o %t/expected.mlir
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t/conflict.err \
// RUN:   | tail -n +2 | diff -B %t/expected.mlir -
// RUN: palettize-opt %t/model.mlir --palettize-weights="config=%t/resolved.json" \
// RUN:   | FileCheck %s --check-prefix=RESOLVED

// UNKNOWN-KEY: unknown-key.json:2:32: error: palettize-weights config: unknown key 'bits' in 'global_config'; expected one of: mode, nbits, granularity, group_size, channel_axis, cluster_dim, enable_per_channel_scale, lut_dtype, weight_threshold, num_kmeans_workers, lut_function, min_snr, sparse, sparse_threshold, bits_per_weight
// UNKNOWN-TOP: unknown-top.json:1:2: error: palettize-weights config: unknown key 'op_name_config'; expected one of: config_type, global_config, op_type_configs, op_name_configs
// NBITS: nbits.json:3:49: error: palettize-weights config: 'nbits' in 'op_type_configs.linalg.matmul' must be one of 1, 2, 3, 4, 6, 8, got 5
// NBITS-TYPE: nbits-type.yaml:3:10: error: palettize-weights config: 'nbits' in 'global_config' must be one of 1, 2, 3, 4, 6, 8, "auto" (or null), got "four"
// GRANULARITY: granularity.yaml:4:16: error: palettize-weights config: 'granularity' in 'global_config' must be one of "per_tensor", "per_grouped_channel", got "per_row"
// MISSING-NBITS: missing-nbits.json:1:20: error: palettize-weights config: 'global_config': mode=kmeans requires nbits, one of 1, 2, 3, 4, 6, 8
// OP-TYPE: op-type.json:1:22: error: palettize-weights config: an empty op type; op_type_configs keys name consumer ops, e.g. 'linalg.matmul', or Core ML op types, e.g. 'conv'
// SYNTAX: syntax.json:2:{{[0-9]+}}: error: palettize-weights config:
// CUSTOM: custom.json:1:20: error: palettize-weights config: 'global_config': mode=custom requires lut-function, the name of a registered LUT function
// CUSTOM-UNKNOWN: custom-unknown.json:1:20: error: palettize-weights config: 'global_config': unknown lut-function 'nope'; registered: none (a tool registers them with palettize::registerLutFunction)
// LUT-DTYPE: lut-dtype.json:1:63: error: palettize-weights config: 'lut_dtype' in 'global_config' must be one of "fp16", "fp32", "float" (the weight's own type), "int8", "uint8", got "int4"
// NOT-A-MAP: not-a-map.yaml:1:1: error: palettize-weights config: the file must hold a map with global_config, op_type_configs and op_name_configs
// TWO-DOCUMENTS: two-documents.yaml:3:1: error: palettize-weights config: the file must hold one document; this is a second
// NOWHERE: nowhere.json:0:0: error: palettize-weights config: cannot read '{{.*}}nowhere.json':

// The constant feeds linalg.matmul (op_type_configs) and func.return
// (global_config), whose entries differ.
// CONFLICT: model.mlir:4:8: error: palettize-weights config: constant 'shared' is used by 'linalg.matmul' with op_type_configs.linalg.matmul (mode=unique weight-threshold=0) and by 'func.return' with global_config (mode=kmeans nbits=2 weight-threshold=0); give the constant its own op_name_configs entry
// CONFLICT: model.mlir:5:8: note: first consumer, with op_type_configs.linalg.matmul
// CONFLICT: model.mlir:6:3: note: second consumer, with global_config
// RESOLVED: mil.constexpr_lut_to_dense "first" lut(dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>)
// RESOLVED: mil.constexpr_lut_to_dense "shared" lut(dense<[-2.000000e+00, 0.000000e+00, 3.000000e+00, 5.000000e+00]> : tensor<4xf32>)

//--- model.mlir
func.func @model(%x: tensor<4x2xf32>, %acc: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<2x4xf32>) {
  %v = mil.const "first" dense<[[1.0, 2.0, 2.0, 1.0], [2.0, 1.0, 1.0, 2.0]]> : tensor<2x4xf32>
  %1 = linalg.matmul ins(%x, %v : tensor<4x2xf32>, tensor<2x4xf32>) outs(%acc : tensor<4x4xf32>) -> tensor<4x4xf32>
  %w = mil.const "shared" dense<[[-2.0, 0.0, 3.0, 5.0], [5.0, 3.0, 0.0, -2.0]]> : tensor<2x4xf32>
  %0 = linalg.matmul ins(%x, %w : tensor<4x2xf32>, tensor<2x4xf32>) outs(%acc : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0, %1, %w : tensor<4x4xf32>, tensor<4x4xf32>, tensor<2x4xf32>
}

//--- unknown-key.json
{"global_config": {"mode": "kmeans",
                   "nbits": 4, "bits": 4}}

//--- unknown-top.json
{"op_name_config": {}}

//--- nbits.json
{"global_config": null,
 "op_type_configs": {
   "linalg.matmul": {"mode": "kmeans", "nbits": 5}}}

//--- nbits-type.yaml
global_config:
  mode: kmeans
  nbits: four

//--- granularity.yaml
global_config:
  mode: kmeans
  nbits: 4
  granularity: per_row

//--- missing-nbits.json
{"global_config": {"mode": "kmeans"}}

//--- op-type.json
{"op_type_configs": {"": {"mode": "unique"}}}

//--- syntax.json
{"global_config": {"mode": "kmeans",
                   "nbits" 4}}

//--- custom.json
{"global_config": {"mode": "custom"}}

//--- custom-unknown.json
{"global_config": {"mode": "custom", "lut_function": "nope"}}

//--- lut-dtype.json
{"global_config": {"mode": "kmeans", "nbits": 4, "lut_dtype": "int4"}}

//--- not-a-map.yaml
- mode: kmeans

//--- two-documents.yaml
global_config: {mode: kmeans, nbits: 4}
---
global_config: null

//--- conflict.json
{"global_config": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
 "op_type_configs": {"linalg.matmul": {"mode": "unique", "weight_threshold": 0}}}

//--- resolved.json
{"global_config": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
 "op_type_configs": {"linalg.matmul": {"mode": "unique", "weight_threshold": 0}},
 "op_name_configs": {"shared": {"mode": "unique", "weight_threshold": 0}}}
