// coremltools' threshold case: a 90-channel weight of 5,670 elements (its
// conv weight is [90, 7, 3, 3]; here [90, 63]) is left alone with
// weight-threshold=7000, and palettized, one LUT per channel, once the
// threshold is below its size.
// RUN: %python %S/Inputs/make_one_tensor.py 90 63 7 > %t.mlir
// RUN: palettize-opt %t.mlir \
// RUN:   --palettize-weights="mode=kmeans nbits=4 weight-threshold=7000 granularity=per-grouped-channel group-size=1 print-statistics=true" \
// RUN:   2>%t.above.txt | FileCheck %s --check-prefix=ABOVE
// RUN: FileCheck %s --check-prefix=ABOVE-STATS < %t.above.txt
// RUN: palettize-opt %t.mlir \
// RUN:   --palettize-weights="mode=kmeans nbits=4 weight-threshold=5669 granularity=per-grouped-channel group-size=1" \
// RUN:   | FileCheck %s --check-prefix=BELOW
// Only more than weight-threshold elements count: 5,670 is not more.
// RUN: palettize-opt %t.mlir \
// RUN:   --palettize-weights="mode=kmeans nbits=4 weight-threshold=5670" \
// RUN:   | FileCheck %s --check-prefix=ABOVE

// ABOVE: arith.constant dense_resource<big> : tensor<90x63xf16>
// ABOVE-NOT: mil.constexpr_lut_to_dense
// ABOVE-STATS: constants seen: 1, palettized: 0
// ABOVE-STATS: skipped: 1 small
// BELOW: mil.constexpr_lut_to_dense "big" lut(dense<{{.*}}> : tensor<90x1x16x1xf16>)
