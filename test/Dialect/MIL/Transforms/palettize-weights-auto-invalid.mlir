// nbits=auto's bad options, configuration files and write-config names
// fail the pass before any change, saying why.
// RUN: rm -rf %t && split-file %s %t
// RUN: not palettize-opt %t/model.mlir --palettize-weights="nbits=auto" 2>&1 | FileCheck %s --check-prefix=NO-CRITERION
// RUN: not palettize-opt %t/model.mlir --palettize-weights="nbits=auto min-snr=20 bits-per-weight=4" 2>&1 | FileCheck %s --check-prefix=BOTH
// RUN: not palettize-opt %t/model.mlir --palettize-weights="mode=unique nbits=auto min-snr=20" 2>&1 | FileCheck %s --check-prefix=UNIQUE
// RUN: not palettize-opt %t/model.mlir --palettize-weights="nbits=4 min-snr=20" 2>&1 | FileCheck %s --check-prefix=SNR-ALONE
// RUN: not palettize-opt %t/model.mlir --palettize-weights="nbits=4 bits-per-weight=3" 2>&1 | FileCheck %s --check-prefix=BUDGET-ALONE
// RUN: not palettize-opt %t/model.mlir --palettize-weights="nbits=auto min-snr=-3" 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not palettize-opt %t/model.mlir --palettize-weights="nbits=auto bits-per-weight=-3" 2>&1 | FileCheck %s --check-prefix=NEGATIVE-BUDGET
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/budget-in-entry.json" 2>&1 | FileCheck %s --check-prefix=BUDGET-ENTRY
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/no-criterion.json" 2>&1 | FileCheck %s --check-prefix=FILE-NO-CRITERION
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/unused-budget.json" 2>&1 | FileCheck %s --check-prefix=UNUSED-BUDGET
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/bad-snr.yaml" 2>&1 | FileCheck %s --check-prefix=BAD-SNR
// RUN: not palettize-opt %t/model.mlir --palettize-weights="config=%t/auto-string.yaml" 2>&1 | FileCheck %s --check-prefix=AUTO-STRING
// write-config needs names that select exactly what was palettized.
// RUN: not palettize-opt %t/unnamed.mlir --palettize-weights="nbits=2 weight-threshold=0 write-config=%t/out.yaml" -o %t/out.mlir 2>&1 | FileCheck %s --check-prefix=UNNAMED
// RUN: not ls %t/out.mlir %t/out.yaml
// RUN: not palettize-opt %t/same-name.mlir --palettize-weights="nbits=auto min-snr=30 weight-threshold=0 write-config=%t/out.yaml" -o %t/out.mlir 2>&1 | FileCheck %s --check-prefix=SAME-NAME
// RUN: not palettize-opt %t/consumer-name.mlir --palettize-weights="nbits=2 weight-threshold=4 write-config=%t/out.yaml" -o %t/out.mlir 2>&1 | FileCheck %s --check-prefix=CONSUMER
// RUN: not ls %t/out.mlir %t/out.yaml

// NO-CRITERION: error: palettize-weights: nbits=auto needs min-snr=<dB> (each constant's least SNR) or bits-per-weight=<b> (a budget for the model)
// BOTH: error: palettize-weights: nbits=auto takes one of min-snr and bits-per-weight, not both
// UNIQUE: error: palettize-weights: nbits=auto chooses a width for kmeans and uniform; mode=unique picks its own
// SNR-ALONE: error: palettize-weights: min-snr is only used with nbits=auto
// BUDGET-ALONE: error: palettize-weights: bits-per-weight is only used with nbits=auto
// NEGATIVE: error: palettize-weights: min-snr must be a number of dB above 0
// NEGATIVE-BUDGET: error: palettize-weights: bits-per-weight must be a number above 0
// BUDGET-ENTRY: budget-in-entry.json:2:45: error: palettize-weights config: 'bits_per_weight' is a budget for the whole model: give it in global_config, not in 'op_name_configs.w'
// FILE-NO-CRITERION: no-criterion.json:2:40: error: palettize-weights config: 'op_type_configs.linalg.matmul' has nbits: auto without min_snr, and global_config gives no bits_per_weight budget; give one of them
// UNUSED-BUDGET: unused-budget.json:1:20: error: palettize-weights config: bits_per_weight is given but no entry has nbits: auto to spend it on
// BAD-SNR: bad-snr.yaml:1:39: error: palettize-weights config: 'min_snr' in 'global_config' must be a number of dB above 0, got 0
// AUTO-STRING: auto-string.yaml:1:24: error: palettize-weights config: 'nbits' in 'global_config' must be one of 1, 2, 3, 4, 6, 8, "auto" (or null), got "Auto"
// UNNAMED: unnamed.mlir:2:8: error: palettize-weights: write-config={{.*}}out.yaml: this constant has no name (a `name` attribute or a NameLoc) for op_name_configs to select it by
// SAME-NAME: same-name.mlir:{{[0-9]+}}:8: error: palettize-weights: write-config={{.*}}out.yaml: constants named 'w' were palettized with different settings; one entry cannot select each its own
// CONSUMER: consumer-name.mlir:4:8: error: palettize-weights: write-config={{.*}}out.yaml: its consumer 'mil.constexpr_blockwise_shift_scale' is named 'big' like a palettized constant; that entry would select this constant too

//--- model.mlir
func.func @f() -> tensor<64x64xf32> {
  %0 = mil.const "w" dense<1.0> : tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

//--- budget-in-entry.json
{"global_config": {"nbits": "auto", "min_snr": 20},
 "op_name_configs": {"w": {"nbits": "auto", "bits_per_weight": 3}}}

//--- no-criterion.json
{"global_config": {"nbits": "auto", "min_snr": 20},
 "op_type_configs": {"linalg.matmul": {"nbits": "auto"}}}

//--- unused-budget.json
{"global_config": {"nbits": 4, "bits_per_weight": 3}}

//--- bad-snr.yaml
global_config: {nbits: auto, min_snr: 0}

//--- auto-string.yaml
global_config: {nbits: Auto, min_snr: 10}

//--- unnamed.mlir
func.func @f() -> tensor<2x4xf32> {
  %0 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

//--- same-name.mlir
// Two constants named "w": one takes 1 bit for 30 dB, the other more.
func.func @f() -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %0 = mil.const "w" dense<[[1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0]]> : tensor<2x4xf32>
  %1 = mil.const "w" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  return %0, %1 : tensor<2x4xf32>, tensor<2x4xf32>
}

//--- consumer-name.mlir
// A shift-scale named "big" consumes the small constant "small", which a
// "big" entry would select.
func.func @f() -> (tensor<2x2xf32>, tensor<2x4xf32>) {
  %0 = mil.const "small" dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %1 = mil.constexpr_blockwise_shift_scale "big" %0 scale(dense<[[2.0]]> : tensor<1x1xf32>) : tensor<2x2xf32> -> tensor<2x2xf32>
  %2 = mil.const "big" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  return %1, %2 : tensor<2x2xf32>, tensor<2x4xf32>
}
