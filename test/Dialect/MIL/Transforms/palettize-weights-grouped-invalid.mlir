// Constants that cannot be split into groups of channels are left as they
// were, with a warning saying why.
// RUN: palettize-opt %s -split-input-file -verify-diagnostics \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 granularity=per-grouped-channel group-size=3"
// RUN: palettize-opt %s -split-input-file \
// RUN:   --palettize-weights="mode=unique weight-threshold=0 granularity=per-grouped-channel group-size=2 channel-axis=2" \
// RUN:   2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not palettize-opt %s --palettize-weights="mode=unique granularity=per-row" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=GRANULARITY
// RUN: not palettize-opt %s --palettize-weights="mode=unique granularity=per-grouped-channel group-size=-1" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=GROUP
// RUN: not palettize-opt %s --palettize-weights="mode=unique granularity=per-grouped-channel channel-axis=-2" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=AXIS

// RANGE: warning: palettize-weights: constant 'four' left unchanged: channel-axis=2 is out of range for its rank-2 type
// GRANULARITY: error: palettize-weights: unknown granularity 'per-row'; expected one of: per-tensor, per-grouped-channel
// GROUP: error: palettize-weights: group-size must be at least 0
// AXIS: error: palettize-weights: channel-axis must be -1 (inferred) or an axis

// Groups must tile the channels: 4 is not a multiple of 3.
func.func @not_divisible() -> tensor<4x2xf32> {
  // expected-warning @+1 {{palettize-weights: constant 'four' left unchanged: its 4 channels along axis 0 are not a multiple of group-size=3}}
  %0 = mil.const "four" dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// Used as a matmul's left-hand operand ([M, K]: axis 0) and right-hand
// operand ([K, N]: axis 1): there is no single channel axis.
func.func @disagree(%out: tensor<3x3xf32>) -> tensor<3x3xf32> {
  // expected-warning @+1 {{palettize-weights: constant 'both' left unchanged: its consumers disagree on the channel axis (0 and 1)}}
  %w = mil.const "both" dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]> : tensor<3x3xf32>
  %y = linalg.matmul ins(%w, %w : tensor<3x3xf32>, tensor<3x3xf32>) outs(%out : tensor<3x3xf32>) -> tensor<3x3xf32>
  return %y : tensor<3x3xf32>
}
