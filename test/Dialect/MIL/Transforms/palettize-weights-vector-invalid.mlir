// RUN: palettize-opt %s -verify-diagnostics \
// RUN:   --palettize-weights="mode=kmeans nbits=2 weight-threshold=0 cluster-dim=4 channel-axis=1"
// RUN: not palettize-opt %s --palettize-weights="mode=uniform nbits=2 cluster-dim=2" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=UNIFORM
// RUN: not palettize-opt %s --palettize-weights="nbits=2 cluster-dim=0" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ZERO
// RUN: not palettize-opt %s --palettize-weights="nbits=2 cluster-dim=4 granularity=per-grouped-channel group-size=6" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=GROUPED

// UNIFORM: error: palettize-weights: cluster-dim=2 is not supported with mode=uniform, which has no vector form; use kmeans or unique
// ZERO: error: palettize-weights: cluster-dim=0 must be at least 1
// GROUPED: error: palettize-weights: group-size=6 must be a multiple of cluster-dim=4: each group holds whole vectors

// Vectors must tile their axis: 6 is not a multiple of 4.
func.func @not_multiple() -> tensor<2x6xf32> {
  // expected-warning @+1 {{palettize-weights: constant 'six' left unchanged: its axis 1 of size 6 is not a multiple of cluster-dim=4}}
  %0 = mil.const "six" dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]]> : tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}
