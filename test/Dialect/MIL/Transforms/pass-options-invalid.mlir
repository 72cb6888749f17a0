// Option values the option parser cannot read, and out-of-range values of
// mil-materialize-constexpr, fail with a message naming the pass (not a
// bare "error:"); enum values are read case-insensitively on the command
// line, as in configuration files.
// RUN: not palettize-opt %s --palettize-weights="mode=kmeans nbits=abc" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NBITS
// NBITS: for the --nbits option: 'abc' is not a bit width or auto
// NBITS-NEXT: error: palettize-weights: cannot read the options 'mode=kmeans nbits=abc'
// NBITS-NOT: error: {{$}}
// RUN: not palettize-opt %s --mil-materialize-constexpr="max-dense-elements=many" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DENSE-TYPE
// DENSE-TYPE: error: mil-materialize-constexpr: cannot read the options 'max-dense-elements=many'
// RUN: not palettize-opt %s --mil-materialize-constexpr="max-dense-elements=-1" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DENSE-RANGE
// DENSE-RANGE: error: mil-materialize-constexpr: max-dense-elements=-1 must be at least 0
// An unknown option keeps the option parser's own message.
// RUN: not palettize-opt %s --palettize-weights="nbits=4 bits=4" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: {{.*}}no such option bits
// RUN: palettize-opt %s --palettize-weights="mode=KMEANS nbits=4 weight-threshold=0" \
// RUN:   | FileCheck %s --check-prefix=UPPER
// UPPER: mil.constexpr_lut_to_dense

func.func @weight() -> tensor<4x4xf32> {
  %0 = arith.constant dense<[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0],
                             [8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0]]> : tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
