// RUN: palettize-opt %s -split-input-file -verify-diagnostics

// Graph regions (a module's body) do not need operands to dominate, so
// constexpr ops can feed each other in a cycle: the verifier rejects it
// instead of leaving decoding to fail later.
// expected-error @+1 {{'data' depends on the op's own result, through a cycle of 2 constexpr ops}}
%0 = mil.constexpr_blockwise_shift_scale %1 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
%1 = mil.constexpr_lut_to_dense lut(%0 : tensor<4xf32>) indices(dense<[10]> : tensor<1xui8>) : tensor<4xf32>

// -----

// expected-error @+1 {{'lut' depends on the op's own result, through a cycle of 1 constexpr ops}}
%0 = mil.constexpr_lut_to_dense lut(%0 : tensor<4xf32>) indices(dense<[10]> : tensor<1xui8>) : tensor<4xf32>

// -----

// Chains of constexpr ops are at most 16 deep (Core ML's are a few): 17
// shift-scales over a constant verify, an 18th does not.
func.func @chain_17() -> tensor<4xf32> {
  %c = mil.const dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %s0 = mil.constexpr_blockwise_shift_scale %c scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s1 = mil.constexpr_blockwise_shift_scale %s0 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s2 = mil.constexpr_blockwise_shift_scale %s1 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s3 = mil.constexpr_blockwise_shift_scale %s2 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s4 = mil.constexpr_blockwise_shift_scale %s3 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s5 = mil.constexpr_blockwise_shift_scale %s4 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s6 = mil.constexpr_blockwise_shift_scale %s5 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s7 = mil.constexpr_blockwise_shift_scale %s6 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s8 = mil.constexpr_blockwise_shift_scale %s7 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s9 = mil.constexpr_blockwise_shift_scale %s8 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s10 = mil.constexpr_blockwise_shift_scale %s9 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s11 = mil.constexpr_blockwise_shift_scale %s10 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s12 = mil.constexpr_blockwise_shift_scale %s11 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s13 = mil.constexpr_blockwise_shift_scale %s12 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s14 = mil.constexpr_blockwise_shift_scale %s13 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s15 = mil.constexpr_blockwise_shift_scale %s14 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s16 = mil.constexpr_blockwise_shift_scale %s15 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  return %s16 : tensor<4xf32>
}

// -----

func.func @chain_18() -> tensor<4xf32> {
  %c = mil.const dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %s0 = mil.constexpr_blockwise_shift_scale %c scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s1 = mil.constexpr_blockwise_shift_scale %s0 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s2 = mil.constexpr_blockwise_shift_scale %s1 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s3 = mil.constexpr_blockwise_shift_scale %s2 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s4 = mil.constexpr_blockwise_shift_scale %s3 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s5 = mil.constexpr_blockwise_shift_scale %s4 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s6 = mil.constexpr_blockwise_shift_scale %s5 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s7 = mil.constexpr_blockwise_shift_scale %s6 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s8 = mil.constexpr_blockwise_shift_scale %s7 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s9 = mil.constexpr_blockwise_shift_scale %s8 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s10 = mil.constexpr_blockwise_shift_scale %s9 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s11 = mil.constexpr_blockwise_shift_scale %s10 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s12 = mil.constexpr_blockwise_shift_scale %s11 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s13 = mil.constexpr_blockwise_shift_scale %s12 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s14 = mil.constexpr_blockwise_shift_scale %s13 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s15 = mil.constexpr_blockwise_shift_scale %s14 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  %s16 = mil.constexpr_blockwise_shift_scale %s15 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  // expected-error @+1 {{'data' comes from a chain of more than 16 constexpr ops}}
  %s17 = mil.constexpr_blockwise_shift_scale %s16 scale(dense<1.0> : tensor<1xf32>) : tensor<4xf32> -> tensor<4xf32>
  return %s17 : tensor<4xf32>
}
