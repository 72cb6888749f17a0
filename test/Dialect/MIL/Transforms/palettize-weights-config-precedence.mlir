// The configuration priority in every combination: a constant takes its
// own op_name_configs entry; else its consumer's name entry; else the
// consumer's op_type_configs entry; else global_config; a null entry at any
// level leaves the constant alone and hides the levels below it. Each level
// palettizes 1..16 (16 distinct values) with its own nbits, so the LUT
// shows who won: the constant's name 1 bit, a consumer name 2, the op type
// linalg.matmul 3, the global entry 4 (arith.mulf's op-type entry is null).
// k-means of 1..16 into 2^n equal runs: the LUTs are the runs' means.
// RUN: rm -rf %t && split-file %s %t
// RUN: palettize-opt %t/model.mlir --palettize-weights="config=%t/config.json" \
// RUN:   | FileCheck %s -DLUT1="[4.500000e+00, 1.250000e+01]" -DLUT2="[2.500000e+00, 6.500000e+00, 1.050000e+01, 1.450000e+01]" \
// RUN:       -DLUT3="[1.500000e+00, 3.500000e+00, 5.500000e+00, 7.500000e+00, 9.500000e+00, 1.150000e+01, 1.350000e+01, 1.550000e+01]" -DLUT4="[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00, 9.000000e+00, 1.000000e+01, 1.100000e+01, 1.200000e+01, 1.300000e+01, 1.400000e+01, 1.500000e+01, 1.600000e+01]"
// The same with a null global entry: only w0, which nothing else selects,
// changes (it is left alone).
// RUN: palettize-opt %t/model.mlir --palettize-weights="config=%t/global-null.json" \
// RUN:   | FileCheck %s --check-prefix=NULL -DLUT1="[4.500000e+00, 1.250000e+01]" -DLUT2="[2.500000e+00, 6.500000e+00, 1.050000e+01, 1.450000e+01]" \
// RUN:       -DLUT3="[1.500000e+00, 3.500000e+00, 5.500000e+00, 7.500000e+00, 9.500000e+00, 1.150000e+01, 1.350000e+01, 1.550000e+01]"

// CHECK-LABEL: func.func @model
// w0: no entry of its own or its consumer's: the global entry.
// CHECK: mil.constexpr_lut_to_dense "w0" lut(dense<[[LUT4]]> : tensor<16xf32>)
// w1: the consumer's op type.
// CHECK: mil.constexpr_lut_to_dense "w1" lut(dense<[[LUT3]]> : tensor<8xf32>)
// w2: the consumer's name.
// CHECK: mil.constexpr_lut_to_dense "w2" lut(dense<[[LUT2]]> : tensor<4xf32>)
// w3: the consumer's name over its op type.
// CHECK: mil.constexpr_lut_to_dense "w3" lut(dense<[[LUT2]]> : tensor<4xf32>)
// w4: the constant's own name.
// CHECK: mil.constexpr_lut_to_dense "w4" lut(dense<[[LUT1]]> : tensor<2xf32>)
// w5: the constant's name over the consumer's op type.
// CHECK: mil.constexpr_lut_to_dense "w5" lut(dense<[[LUT1]]> : tensor<2xf32>)
// w6: the constant's name over the consumer's name.
// CHECK: mil.constexpr_lut_to_dense "w6" lut(dense<[[LUT1]]> : tensor<2xf32>)
// w7: the constant's name over the consumer's name and op type.
// CHECK: mil.constexpr_lut_to_dense "w7" lut(dense<[[LUT1]]> : tensor<2xf32>)
// w8: a null constant entry over the consumer's name and op type.
// CHECK: mil.const "w8" dense<
// w9: a null consumer-name entry over its op type.
// CHECK: mil.const "w9" dense<
// w10: a null op-type entry over the global one.
// CHECK: mil.const "w10" dense<
// w11: the constant's name over a null consumer-name entry.
// CHECK: mil.constexpr_lut_to_dense "w11" lut(dense<[[LUT1]]> : tensor<2xf32>)
// w12: the constant's name over a null op-type entry.
// CHECK: mil.constexpr_lut_to_dense "w12" lut(dense<[[LUT1]]> : tensor<2xf32>)
// w13: the constant's name over two consumers that disagree.
// CHECK: mil.constexpr_lut_to_dense "w13" lut(dense<[[LUT1]]> : tensor<2xf32>)
// w14: two consumers whose names have equal entries.
// CHECK: mil.constexpr_lut_to_dense "w14" lut(dense<[[LUT2]]> : tensor<4xf32>)

// NULL-LABEL: func.func @model
// NULL: mil.const "w0" dense<
// NULL: mil.constexpr_lut_to_dense "w1" lut(dense<[[LUT3]]> : tensor<8xf32>)
// NULL: mil.constexpr_lut_to_dense "w2" lut(dense<[[LUT2]]> : tensor<4xf32>)
// NULL: mil.constexpr_lut_to_dense "w3" lut(dense<[[LUT2]]> : tensor<4xf32>)
// NULL: mil.constexpr_lut_to_dense "w4" lut(dense<[[LUT1]]> : tensor<2xf32>)
// NULL: mil.constexpr_lut_to_dense "w5" lut(dense<[[LUT1]]> : tensor<2xf32>)
// NULL: mil.constexpr_lut_to_dense "w6" lut(dense<[[LUT1]]> : tensor<2xf32>)
// NULL: mil.constexpr_lut_to_dense "w7" lut(dense<[[LUT1]]> : tensor<2xf32>)
// NULL: mil.const "w8" dense<
// NULL: mil.const "w9" dense<
// NULL: mil.const "w10" dense<
// NULL: mil.constexpr_lut_to_dense "w11" lut(dense<[[LUT1]]> : tensor<2xf32>)
// NULL: mil.constexpr_lut_to_dense "w12" lut(dense<[[LUT1]]> : tensor<2xf32>)
// NULL: mil.constexpr_lut_to_dense "w13" lut(dense<[[LUT1]]> : tensor<2xf32>)
// NULL: mil.constexpr_lut_to_dense "w14" lut(dense<[[LUT2]]> : tensor<4xf32>)

//--- model.mlir
func.func @model(%y: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %w0 = mil.const "w0" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %use0 = arith.addf %w0, %y : tensor<4x4xf32> loc("use0")
  %w1 = mil.const "w1" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %use1 = linalg.matmul ins(%y, %w1 : tensor<4x4xf32>, tensor<4x4xf32>) outs(%y : tensor<4x4xf32>) -> tensor<4x4xf32> loc("use1")
  %w2 = mil.const "w2" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %use2 = arith.addf %w2, %y : tensor<4x4xf32> loc("use2")
  %w3 = mil.const "w3" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %use3 = linalg.matmul ins(%y, %w3 : tensor<4x4xf32>, tensor<4x4xf32>) outs(%y : tensor<4x4xf32>) -> tensor<4x4xf32> loc("use3")
  %w4 = mil.const "w4" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %use4 = arith.addf %w4, %y : tensor<4x4xf32> loc("use4")
  %w5 = mil.const "w5" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %use5 = linalg.matmul ins(%y, %w5 : tensor<4x4xf32>, tensor<4x4xf32>) outs(%y : tensor<4x4xf32>) -> tensor<4x4xf32> loc("use5")
  %w6 = mil.const "w6" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %use6 = arith.addf %w6, %y : tensor<4x4xf32> loc("use6")
  %w7 = mil.const "w7" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %use7 = linalg.matmul ins(%y, %w7 : tensor<4x4xf32>, tensor<4x4xf32>) outs(%y : tensor<4x4xf32>) -> tensor<4x4xf32> loc("use7")
  %w8 = mil.const "w8" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %use8 = linalg.matmul ins(%y, %w8 : tensor<4x4xf32>, tensor<4x4xf32>) outs(%y : tensor<4x4xf32>) -> tensor<4x4xf32> loc("use8")
  %w9 = mil.const "w9" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %use9 = linalg.matmul ins(%y, %w9 : tensor<4x4xf32>, tensor<4x4xf32>) outs(%y : tensor<4x4xf32>) -> tensor<4x4xf32> loc("use9")
  %w10 = mil.const "w10" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %use10 = arith.mulf %w10, %y : tensor<4x4xf32> loc("use10")
  %w11 = mil.const "w11" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %use11 = linalg.matmul ins(%y, %w11 : tensor<4x4xf32>, tensor<4x4xf32>) outs(%y : tensor<4x4xf32>) -> tensor<4x4xf32> loc("use11")
  %w12 = mil.const "w12" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %use12 = arith.mulf %w12, %y : tensor<4x4xf32> loc("use12")
  %w13 = mil.const "w13" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %use13a = arith.addf %w13, %y : tensor<4x4xf32> loc("use13a")
  %use13b = linalg.matmul ins(%y, %w13 : tensor<4x4xf32>, tensor<4x4xf32>) outs(%y : tensor<4x4xf32>) -> tensor<4x4xf32> loc("use13b")
  %w14 = mil.const "w14" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %use14a = arith.addf %w14, %y : tensor<4x4xf32> loc("use14a")
  %use14b = arith.mulf %w14, %y : tensor<4x4xf32> loc("use14b")
  return %use0, %use1, %use2, %use3, %use4, %use5, %use6, %use7, %use8, %use9, %use10, %use11, %use12, %use13a, %use13b, %use14a, %use14b : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}

//--- config.json
{"global_config": {"mode": "kmeans", "nbits": 4, "weight_threshold": 0},
 "op_type_configs": {"linalg.matmul": {"mode": "kmeans", "nbits": 3, "weight_threshold": 0}, "arith.mulf": null},
 "op_name_configs": {
   "w4": {"mode": "kmeans", "nbits": 1, "weight_threshold": 0},
   "w5": {"mode": "kmeans", "nbits": 1, "weight_threshold": 0},
   "w6": {"mode": "kmeans", "nbits": 1, "weight_threshold": 0},
   "w7": {"mode": "kmeans", "nbits": 1, "weight_threshold": 0},
   "w8": null,
   "w11": {"mode": "kmeans", "nbits": 1, "weight_threshold": 0},
   "w12": {"mode": "kmeans", "nbits": 1, "weight_threshold": 0},
   "w13": {"mode": "kmeans", "nbits": 1, "weight_threshold": 0},
   "use2": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
   "use3": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
   "use6": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
   "use7": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
   "use8": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
   "use9": null,
   "use11": null,
   "use13a": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
   "use14a": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
   "use14b": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0}}}

//--- global-null.json
{"global_config": null,
 "op_type_configs": {"linalg.matmul": {"mode": "kmeans", "nbits": 3, "weight_threshold": 0}, "arith.mulf": null},
 "op_name_configs": {
   "w4": {"mode": "kmeans", "nbits": 1, "weight_threshold": 0},
   "w5": {"mode": "kmeans", "nbits": 1, "weight_threshold": 0},
   "w6": {"mode": "kmeans", "nbits": 1, "weight_threshold": 0},
   "w7": {"mode": "kmeans", "nbits": 1, "weight_threshold": 0},
   "w8": null,
   "w11": {"mode": "kmeans", "nbits": 1, "weight_threshold": 0},
   "w12": {"mode": "kmeans", "nbits": 1, "weight_threshold": 0},
   "w13": {"mode": "kmeans", "nbits": 1, "weight_threshold": 0},
   "use2": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
   "use3": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
   "use6": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
   "use7": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
   "use8": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
   "use9": null,
   "use11": null,
   "use13a": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
   "use14a": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0},
   "use14b": {"mode": "kmeans", "nbits": 2, "weight_threshold": 0}}}
