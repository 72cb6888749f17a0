// RUN: palettize-opt %s -split-input-file -verify-diagnostics

// Sizes derived from hostile shapes: element, byte and bit counts that do not
// fit in int64_t are verifier errors, before anything reads the data. Without
// the check, 2^62 f32 elements take 2^64 bytes, which wraps to 0 and matches
// the empty blob.
func.func @const_bytes_overflow() -> tensor<2147483648x2147483648xf32> {
  // expected-error @+1 {{'value' type 'tensor<2147483648x2147483648xf32>' has more bytes than fit in memory}}
  %0 = mil.const dense_resource<empty> : tensor<2147483648x2147483648xf32>
  return %0 : tensor<2147483648x2147483648xf32>
}
{-#
  dialect_resources: { builtin: { empty: "0x04000000" } }
#-}

// -----

// 2^62 * 4 elements: the count itself overflows.
func.func @const_elements_overflow() -> tensor<4611686018427387904x4xf32> {
  // expected-error @+1 {{'value' type 'tensor<4611686018427387904x4xf32>' has more elements than fit in memory}}
  %0 = mil.const dense<1.0> : tensor<4611686018427387904x4xf32>
  return %0 : tensor<4611686018427387904x4xf32>
}

// -----

// Every element type's blob size is checked: i1 takes one byte per element,
// as MLIR stores booleans.
func.func @const_i1_blob() -> tensor<4xi1> {
  // expected-error @+1 {{'value' resource blob must hold 4 bytes for its type 'tensor<4xi1>', got 1}}
  %0 = mil.const dense_resource<bits> : tensor<4xi1>
  return %0 : tensor<4xi1>
}
{-#
  dialect_resources: { builtin: { bits: "0x010000000F" } }
#-}

// -----

// ui1, Core ML's uint1, is packed, unlike MLIR's booleans: 12 x ui1 take
// ceil(12 / 8) = 2 bytes.
func.func @const_ui1_blob() -> tensor<12xui1> {
  // expected-error @+1 {{'value' resource blob must hold 2 bytes for its type 'tensor<12xui1>', got 12}}
  %0 = mil.const dense_resource<mask> : tensor<12xui1>
  return %0 : tensor<12xui1>
}
{-#
  dialect_resources: { builtin: { mask: "0x01000000010101010101010101010101" } }
#-}

// -----

// Sub-byte integers are packed: 5 x i4 take ceil(20 / 8) = 3 bytes.
func.func @const_i4_blob() -> tensor<5xi4> {
  // expected-error @+1 {{'value' resource blob must hold 3 bytes for its type 'tensor<5xi4>', got 4}}
  %0 = mil.const dense_resource<nibbles> : tensor<5xi4>
  return %0 : tensor<5xi4>
}
{-#
  dialect_resources: { builtin: { nibbles: "0x0100000001020304" } }
#-}

// -----

// complex<f32> takes two f32 per element.
func.func @const_complex_blob() -> tensor<2xcomplex<f32>> {
  // expected-error @+1 {{'value' resource blob must hold 16 bytes for its type 'tensor<2xcomplex<f32>>', got 8}}
  %0 = mil.const dense_resource<pairs> : tensor<2xcomplex<f32>>
  return %0 : tensor<2xcomplex<f32>>
}
{-#
  dialect_resources: { builtin: { pairs: "0x040000000000803F0000803F" } }
#-}

// -----

// index has no storage size.
func.func @const_index_blob() -> tensor<2xindex> {
  // expected-error @+1 {{'value' element type 'index' has no dense_resource layout}}
  %0 = mil.const dense_resource<indices> : tensor<2xindex>
  return %0 : tensor<2xindex>
}
{-#
  dialect_resources: { builtin: { indices: "0x080000000100000000000000" } }
#-}

// -----

// The sizes that check out pass.
func.func @const_blobs_of_every_layout() -> (tensor<4xi1>, tensor<5xi4>, tensor<1xcomplex<f32>>) {
  %0 = mil.const dense_resource<bits> : tensor<4xi1>
  %1 = mil.const dense_resource<nibbles> : tensor<5xi4>
  %2 = mil.const dense_resource<pair> : tensor<1xcomplex<f32>>
  return %0, %1, %2 : tensor<4xi1>, tensor<5xi4>, tensor<1xcomplex<f32>>
}
{-#
  dialect_resources: { builtin: {
    bits: "0x0100000001000100",
    nibbles: "0x01000000214305",
    pair: "0x040000000000803F0000803F"
  } }
#-}

// -----

// A LUT op's result whose element count does not fit.
func.func @lut_result_overflow() -> tensor<4611686018427387904x4xf32> {
  // expected-error @+1 {{the result has more elements than fit in memory}}
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : tensor<2xf32>)
         indices(dense<5> : tensor<1xui8>) : tensor<4611686018427387904x4xf32>
  return %0 : tensor<4611686018427387904x4xf32>
}

// -----

// 2^61 elements fit, but their 8-bit indices take 2^64 bits.
func.func @lut_index_bits_overflow() -> tensor<2305843009213693952x1xf32> {
  // expected-error @+1 {{the result has more elements than fit in memory}}
  %0 = mil.constexpr_lut_to_dense lut(dense<0.0> : tensor<256xf32>)
         indices(dense<5> : tensor<1xui8>) : tensor<2305843009213693952x1xf32>
  return %0 : tensor<2305843009213693952x1xf32>
}

// -----

// LUTs and indices are tensors: a vector-typed attribute is rejected.
func.func @lut_vector_typed() -> tensor<4xf32> {
  // expected-error @+1 {{'lut' must be a tensor, got 'vector<2xf32>'}}
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : vector<2xf32>)
         indices(dense<5> : tensor<1xui8>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @indices_vector_typed() -> tensor<4xf32> {
  // expected-error @+1 {{'indices' must be a tensor, got 'vector<1xui8>'}}
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : tensor<2xf32>)
         indices(dense<5> : vector<1xui8>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @scale_vector_typed() -> tensor<2x2xf32> {
  %d = mil.const dense<1> : tensor<2x2xi8>
  // expected-error @+1 {{'scale' must be a tensor, got 'vector<2x1xf32>'}}
  %0 = mil.constexpr_blockwise_shift_scale %d scale(dense<1.0> : vector<2x1xf32>)
         : tensor<2x2xi8> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// A 4-bit offset blob is packed like any sub-byte blob: 2 x i4 take one
// byte, not two.
func.func @shift_scale_int4_offset_blob() -> tensor<2x4xf32> {
  %d = mil.const dense<1> : tensor<2x4xi4>
  // expected-error @+1 {{'offset' resource blob must hold 1 bytes for its type 'tensor<2x1xi4>', got 2}}
  %0 = mil.constexpr_blockwise_shift_scale %d scale(dense<1.0> : tensor<2x1xf32>)
         offset(dense_resource<offsets> : tensor<2x1xi4>) : tensor<2x4xi4> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
{-#
  dialect_resources: { builtin: { offsets: "0x010000000102" } }
#-}
