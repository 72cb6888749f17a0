// RUN: palettize-opt %s -split-input-file -verify-diagnostics

// mil.const: the value attribute determines the result type.
func.func @const_type_mismatch() -> tensor<3xf32> {
  // expected-error @+1 {{all of {value, result} have same type}}
  %0 = "mil.const"() <{value = dense<1.0> : tensor<2xf32>}> : () -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Constants have static shapes: a dynamic one has no data to hold.
func.func @const_dynamic_shape() -> tensor<?xf32> {
  // expected-error @+1 {{must be statically shaped tensor of any type values}}
  %0 = "mil.const"() <{value = dense<1.0> : tensor<2xf32>}> : () -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Core ML's LUTs are floats or 8-bit integers.
func.func @lut_integer_elements() -> tensor<4xi32> {
  // expected-error @+1 {{'lut' element type must be f16, bf16, f32, i8, si8 or ui8, got 'i32'}}
  %0 = mil.constexpr_lut_to_dense lut(dense<[1, 2]> : tensor<2xi32>)
         indices(dense<5> : tensor<1xui8>) : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// Decoding copies LUT entries, so the types must agree exactly.
func.func @lut_result_type_mismatch() -> tensor<4xf32> {
  // expected-error @+1 {{'lut' element type 'f16' must match the result element type 'f32'}}
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : tensor<2xf16>)
         indices(dense<5> : tensor<1xui8>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Only attributes whose bytes can be read in place are accepted.
func.func @lut_sparse() -> tensor<4xf32> {
  // expected-error @+1 {{'lut' must be a dense or dense_resource attribute}}
  %0 = mil.constexpr_lut_to_dense lut(sparse<[[0]], [1.0]> : tensor<2xf32>)
         indices(dense<5> : tensor<1xui8>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A blob must hold exactly the bytes its type implies.
func.func @lut_blob_size() -> tensor<4xf32> {
  // expected-error @+1 {{'lut' resource blob must hold 8 bytes for its type 'tensor<2xf32>', got 4}}
  %0 = mil.constexpr_lut_to_dense lut(dense_resource<short_lut> : tensor<2xf32>)
         indices(dense<5> : tensor<1xui8>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      short_lut: "0x040000000000803F"
    }
  }
#-}

// -----

// Rank 1 is the per-tensor form, rank R+2 the grouped form; nothing else.
func.func @lut_rank() -> tensor<4xf32> {
  // expected-error @+1 {{'lut' must have rank 1 (per-tensor) or rank 3 (grouped, for a rank-1 result), got rank 2}}
  %0 = mil.constexpr_lut_to_dense lut(dense<1.0> : tensor<1x2xf32>)
         indices(dense<5> : tensor<1xui8>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A palette has 2^n rows.
func.func @lut_not_power_of_two() -> tensor<4xf32> {
  // expected-error @+1 {{'lut' palette size must be 2^n with n in {1, 2, 3, 4, 6, 8}, got 5}}
  %0 = mil.constexpr_lut_to_dense lut(dense<1.0> : tensor<5xf32>)
         indices(dense<5> : tensor<2xui8>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Core ML has no 5-bit or 7-bit indices.
func.func @lut_unsupported_bits() -> tensor<8xf32> {
  // expected-error @+1 {{'lut' palette size must be 2^n with n in {1, 2, 3, 4, 6, 8}, got 32}}
  %0 = mil.constexpr_lut_to_dense lut(dense<1.0> : tensor<32xf32>)
         indices(dense<5> : tensor<5xui8>) : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// A LUT row holds at least one value.
func.func @lut_zero_vector_size() -> tensor<2x3xf32> {
  // expected-error @+1 {{'lut' vector size must be at least 1, got 0}}
  %0 = mil.constexpr_lut_to_dense lut(dense<0.0> : tensor<1x1x2x0xf32>)
         indices(dense<0> : tensor<1xui8>) vector_axis(0) : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Every dimension has at least one group.
func.func @lut_zero_groups() -> tensor<2x3xf32> {
  // expected-error @+1 {{'lut' group count along dimension 0 must be at least 1, got 0}}
  %0 = mil.constexpr_lut_to_dense lut(dense<0.0> : tensor<0x1x2x1xf32>)
         indices(dense<0> : tensor<1xui8>) : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Groups tile the index grid exactly.
func.func @lut_groups_do_not_divide() -> tensor<3x4xf32> {
  // expected-error @+1 {{'lut' group count 2 along dimension 0 must divide the index grid size 3}}
  %0 = mil.constexpr_lut_to_dense lut(dense<0.0> : tensor<2x1x2x1xf32>)
         indices(dense<0> : tensor<2xui8>) : tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// With vectors, groups tile the grid of vectors (the vector axis divided by V).
func.func @lut_groups_do_not_divide_vector_grid() -> tensor<2x8xf32> {
  // expected-error @+1 {{'lut' group count 3 along dimension 1 must divide the index grid size 4}}
  %0 = mil.constexpr_lut_to_dense lut(dense<0.0> : tensor<1x3x2x2xf32>)
         indices(dense<0> : tensor<1xui8>) vector_axis(1) : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// The vector axis names a result dimension.
func.func @vector_axis_out_of_range() -> tensor<2x4xf32> {
  // expected-error @+1 {{'vector_axis' must be in [0, 2) for a rank-2 result, got 2}}
  %0 = mil.constexpr_lut_to_dense lut(dense<0.0> : tensor<1x1x2x2xf32>)
         indices(dense<0> : tensor<1xui8>) vector_axis(2) : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @vector_axis_negative() -> tensor<2x4xf32> {
  // expected-error @+1 {{'vector_axis' must be in [0, 2) for a rank-2 result, got -1}}
  %0 = mil.constexpr_lut_to_dense lut(dense<0.0> : tensor<1x1x2x2xf32>)
         indices(dense<0> : tensor<1xui8>) vector_axis(-1) : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Without an axis, the placement of a vector's values is ambiguous.
func.func @vector_axis_missing() -> tensor<2x4xf32> {
  // expected-error @+1 {{'vector_axis' is required when the 'lut' vector size is 2}}
  %0 = mil.constexpr_lut_to_dense lut(dense<0.0> : tensor<1x1x2x2xf32>)
         indices(dense<0> : tensor<1xui8>) : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Vectors tile the vector axis exactly.
func.func @vector_axis_not_multiple() -> tensor<2x5xf32> {
  // expected-error @+1 {{result dimension 1 (size 5) along 'vector_axis' must be a multiple of the 'lut' vector size 2}}
  %0 = mil.constexpr_lut_to_dense lut(dense<0.0> : tensor<1x1x2x2xf32>)
         indices(dense<0> : tensor<1xui8>) vector_axis(1) : tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Packed indices are bytes, stored unsigned as Core ML stores them.
func.func @indices_signed() -> tensor<4xf32> {
  // expected-error @+1 {{'indices' must be a rank-1 tensor of ui8, got 'tensor<1xi8>'}}
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : tensor<2xf32>)
         indices(dense<5> : tensor<1xi8>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @indices_rank() -> tensor<4xf32> {
  // expected-error @+1 {{'indices' must be a rank-1 tensor of ui8, got 'tensor<1x1xui8>'}}
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : tensor<2xf32>)
         indices(dense<5> : tensor<1x1xui8>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @indices_sparse() -> tensor<4xf32> {
  // expected-error @+1 {{'indices' must be a dense or dense_resource attribute}}
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : tensor<2xf32>)
         indices(sparse<[[0]], [5]> : tensor<1xui8>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Exactly ceil(n * count / 8) bytes: 5 indices of 2 bits take 2 bytes.
func.func @indices_byte_count() -> tensor<5xf32> {
  // expected-error @+1 {{'indices' must hold ceil(2 * 5 / 8) = 2 bytes (5 indices of 2 bits), got 3}}
  %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>)
         indices(dense<[10, 4, 0]> : tensor<3xui8>) : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// With vectors, there is one index per vector: 8 elements / V=2 = 4 indices.
func.func @indices_byte_count_vector() -> tensor<2x4xf32> {
  // expected-error @+1 {{'indices' must hold ceil(1 * 4 / 8) = 1 bytes (4 indices of 1 bits), got 2}}
  %0 = mil.constexpr_lut_to_dense lut(dense<0.0> : tensor<1x1x2x2xf32>)
         indices(dense<0> : tensor<2xui8>) vector_axis(1) : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @indices_blob_size() -> tensor<4x1xf32> {
  // expected-error @+1 {{'indices' resource blob must hold 2 bytes for its type 'tensor<2xui8>', got 3}}
  %0 = mil.constexpr_lut_to_dense lut(dense<0.0> : tensor<16xf32>)
         indices(dense_resource<long_idx> : tensor<2xui8>) : tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

{-#
  dialect_resources: {
    builtin: {
      long_idx: "0x01000000D41500"
    }
  }
#-}

// -----

// A constant's blob holds exactly its type's bytes.
func.func @const_blob_size() -> tensor<2x2xf32> {
  // expected-error @+1 {{'value' resource blob must hold 16 bytes for its type 'tensor<2x2xf32>', got 8}}
  %0 = mil.const dense_resource<short_value> : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      short_value: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// A LUT operand must be known at compile time.
func.func @lut_operand_not_constant(%lut: tensor<4xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'lut' must be a compile-time constant, defined by a constant op or a mil constexpr op}}
  %0 = mil.constexpr_lut_to_dense lut(%lut : tensor<4xf32>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @lut_operand_element_type() -> tensor<5xf32> {
  %lut = mil.const dense<[1, 2, 3, 4]> : tensor<4xi16>
  // expected-error @+1 {{'lut' element type must be f16, bf16, f32, i8, si8 or ui8, got 'i16'}}
  %0 = mil.constexpr_lut_to_dense lut(%lut : tensor<4xi16>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// An integer LUT decodes to integers of its own type, not to floats.
func.func @lut_integer_result_mismatch() -> tensor<5xf32> {
  %lut = mil.const dense<[1, 2, 3, 4]> : tensor<4xi8>
  // expected-error @+1 {{'lut' element type 'i8' must match the result element type 'f32'}}
  %0 = mil.constexpr_lut_to_dense lut(%lut : tensor<4xi8>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @lut_signedness_mismatch() -> tensor<5xui8> {
  // expected-error @+1 {{'lut' element type 'si8' must match the result element type 'ui8'}}
  %0 = mil.constexpr_lut_to_dense lut(dense<[1, 2, 3, 4]> : tensor<4xsi8>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xui8>
  return %0 : tensor<5xui8>
}

// -----

func.func @lut_operand_palette() -> tensor<5xf32> {
  %lut = mil.const dense<1.0> : tensor<5xf32>
  // expected-error @+1 {{'lut' palette size must be 2^n with n in {1, 2, 3, 4, 6, 8}, got 5}}
  %0 = mil.constexpr_lut_to_dense lut(%lut : tensor<5xf32>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// The generic form can state both LUT sources, or neither.
func.func @lut_both_sources() -> tensor<5xf32> {
  %lut = mil.const dense<1.0> : tensor<4xf32>
  // expected-error @+1 {{needs exactly one 'lut': an attribute or an operand}}
  %0 = "mil.constexpr_lut_to_dense"(%lut) <{lut = dense<1.0> : tensor<4xf32>, indices = dense<[10, 4]> : tensor<2xui8>}> : (tensor<4xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @lut_no_source() -> tensor<5xf32> {
  // expected-error @+1 {{needs exactly one 'lut': an attribute or an operand}}
  %0 = "mil.constexpr_lut_to_dense"() <{indices = dense<[10, 4]> : tensor<2xui8>}> : () -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @lut_source_not_elements() -> tensor<5xf32> {
  // expected-error @+1 {{expected an elements attribute or an SSA value for 'lut'}}
  %0 = mil.constexpr_lut_to_dense lut(1.0 : f32)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @shift_scale_data_not_constant(%d: tensor<4xi8>) -> tensor<4xf32> {
  // expected-error @+1 {{'data' must be a compile-time constant, defined by a constant op or a mil constexpr op}}
  %0 = mil.constexpr_blockwise_shift_scale %d scale(dense<1.0> : tensor<1xf32>)
         : tensor<4xi8> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @shift_scale_data_type() -> tensor<4xf32> {
  %d = mil.const dense<1> : tensor<4xi16>
  // expected-error @+1 {{'data' element type must be i4, si4, ui4, i8, si8, ui8, f16, bf16 or f32, got 'i16'}}
  %0 = mil.constexpr_blockwise_shift_scale %d scale(dense<1.0> : tensor<1xf32>)
         : tensor<4xi16> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @shift_scale_result_shape() -> tensor<2x2xf32> {
  %d = mil.const dense<1> : tensor<4xi8>
  // expected-error @+1 {{result shape must equal the 'data' shape 'tensor<4xi8>'}}
  %0 = mil.constexpr_blockwise_shift_scale %d scale(dense<1.0> : tensor<1xf32>)
         : tensor<4xi8> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @shift_scale_scale_type() -> tensor<4xf32> {
  %d = mil.const dense<1> : tensor<4xi8>
  // expected-error @+1 {{'scale' element type must be f16, bf16 or f32, got 'i8'}}
  %0 = mil.constexpr_blockwise_shift_scale %d scale(dense<1> : tensor<1xi8>)
         : tensor<4xi8> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @shift_scale_scale_result_mismatch() -> tensor<4xf32> {
  %d = mil.const dense<1> : tensor<4xi8>
  // expected-error @+1 {{'scale' element type 'f16' must match the result element type 'f32'}}
  %0 = mil.constexpr_blockwise_shift_scale %d scale(dense<1.0> : tensor<1xf16>)
         : tensor<4xi8> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @shift_scale_scale_rank() -> tensor<2x4xf32> {
  %d = mil.const dense<1> : tensor<2x4xi8>
  // expected-error @+1 {{'scale' must have the rank of 'data' (2), got rank 1}}
  %0 = mil.constexpr_blockwise_shift_scale %d scale(dense<1.0> : tensor<2xf32>)
         : tensor<2x4xi8> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @shift_scale_block_divisibility() -> tensor<2x4xf32> {
  %d = mil.const dense<1> : tensor<2x4xi8>
  // expected-error @+1 {{'scale' dimension 1 (size 3) must divide the 'data' dimension (size 4)}}
  %0 = mil.constexpr_blockwise_shift_scale %d scale(dense<1.0> : tensor<2x3xf32>)
         : tensor<2x4xi8> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @shift_scale_offset_shape() -> tensor<2x4xf32> {
  %d = mil.const dense<1> : tensor<2x4xi8>
  // expected-error @+1 {{'offset' must have the shape of 'scale' 'tensor<2x1xf32>', got 'tensor<1x1xi8>'}}
  %0 = mil.constexpr_blockwise_shift_scale %d scale(dense<1.0> : tensor<2x1xf32>)
         offset(dense<0> : tensor<1x1xi8>) : tensor<2x4xi8> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @shift_scale_offset_type() -> tensor<2x4xf32> {
  %d = mil.const dense<1> : tensor<2x4xi8>
  // expected-error @+1 {{'offset' element type 'ui8' must match the 'data' element type 'i8'}}
  %0 = mil.constexpr_blockwise_shift_scale %d scale(dense<1.0> : tensor<2x1xf32>)
         offset(dense<0> : tensor<2x1xui8>) : tensor<2x4xi8> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// 4-bit offsets follow the same rule: the data's signedness.
func.func @shift_scale_int4_offset_type() -> tensor<2x4xf32> {
  %d = mil.const dense<1> : tensor<2x4xi4>
  // expected-error @+1 {{'offset' element type 'ui4' must match the 'data' element type 'i4'}}
  %0 = mil.constexpr_blockwise_shift_scale %d scale(dense<1.0> : tensor<2x1xf32>)
         offset(dense<0> : tensor<2x1xui4>) : tensor<2x4xi4> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Core ML quantizes to 4 or 8 bits, nothing in between.
func.func @shift_scale_int2_data() -> tensor<4xf32> {
  %d = mil.const dense<1> : tensor<4xui2>
  // expected-error @+1 {{'data' element type must be i4, si4, ui4, i8, si8, ui8, f16, bf16 or f32, got 'ui2'}}
  %0 = mil.constexpr_blockwise_shift_scale %d scale(dense<1.0> : tensor<1xf32>)
         : tensor<4xui2> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @shift_scale_scale_blob_size() -> tensor<4xf32> {
  %d = mil.const dense<1> : tensor<4xi8>
  // expected-error @+1 {{'scale' resource blob must hold 8 bytes for its type 'tensor<2xf32>', got 4}}
  %0 = mil.constexpr_blockwise_shift_scale %d
         scale(dense_resource<short_scale> : tensor<2xf32>)
         : tensor<4xi8> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      short_scale: "0x040000000000803F"
    }
  }
#-}

// -----

// mil.op: every operand is bound by exactly one input.
func.func @generic_unbound_operand(%x: tensor<4xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{'mil.op' op operand #1 must be bound by exactly one input, found 0}}
  %0 = mil.op "add"(%x, %y) {inputs = {x = [0 : index]}, result_names = ["z"]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @generic_twice_bound_operand(%x: tensor<4xf32>) {
  // expected-error @+1 {{'mil.op' op operand #0 must be bound by exactly one input, found 2}}
  %0 = mil.op "add"(%x) {inputs = {x = [0 : index], y = [0 : index]}, result_names = ["z"]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @generic_operand_out_of_range(%x: tensor<4xf32>) {
  // expected-error @+1 {{'mil.op' op input 'y' binds operand 3, but the op has 1 operands}}
  %0 = mil.op "add"(%x) {inputs = {x = [0 : index], y = [3 : index]}, result_names = ["z"]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @generic_bad_binding(%x: tensor<4xf32>) {
  // expected-error @+1 {{'mil.op' op input 'y' has a binding that is neither an operand number nor a value: "y"}}
  %0 = mil.op "add"(%x) {inputs = {x = [0 : index], y = ["y"]}, result_names = ["z"]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @generic_input_not_list(%x: tensor<4xf32>) {
  // expected-error @+1 {{'mil.op' op input 'x' must be a list of bindings}}
  %0 = mil.op "relu"(%x) {inputs = {x = 0 : index}, result_names = ["z"]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @generic_result_names(%x: tensor<4xf32>) {
  // expected-error @+1 {{'mil.op' op has 1 results but 2 'result_names'}}
  %0 = mil.op "relu"(%x) {inputs = {x = [0 : index]}, result_names = ["a", "b"]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @generic_attribute_not_value(%x: tensor<4xf32>) {
  // expected-error @+1 {{'mil.op' op attribute 'mode' must be a value, got "fast"}}
  %0 = mil.op "relu"(%x) {inputs = {x = [0 : index]}, attrs = {mode = "fast"}, result_names = ["z"]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @generic_empty_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{'mil.op' op 'op_type' must not be empty}}
  %0 = mil.op ""(%x) {inputs = {x = [0 : index]}, result_names = ["z"]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @generic_block_names(%x: tensor<i32>) {
  // expected-error @+1 {{'mil.op' op block #0 has 1 arguments but 0 'block_input_names'}}
  %0 = mil.op "while_loop"(%x) blocks({
  ^bb0(%a: tensor<i32>):
    mil.yield %a : tensor<i32>
  }) {inputs = {loop_vars = [0 : index]}, block_input_names = [[]], result_names = ["z"]} : (tensor<i32>) -> tensor<i32>
  return
}

// -----

func.func @generic_block_count(%x: tensor<i32>) {
  // expected-error @+1 {{'mil.op' op has 1 blocks but 2 lists of 'block_input_names'}}
  mil.op "cond"(%x) blocks({
    mil.yield
  }) {inputs = {pred = [0 : index]}, block_input_names = [[], []], result_names = []} : (tensor<i32>) -> ()
  return
}

// -----

func.func @yield_outside_generic(%x: tensor<i32>) {
  // expected-error @+1 {{'mil.yield' op expects parent op 'mil.op'}}
  mil.yield %x : tensor<i32>
}

// -----

func.func @sparse_mask_type() -> tensor<4xf32> {
  %m = mil.const dense<[true, false, true, true]> : tensor<4xi1>
  %d = mil.const dense<1.0> : tensor<3xf32>
  // expected-error @+1 {{'mask' must be a tensor of ui1, got 'tensor<4xi1>'}}
  %0 = mil.constexpr_sparse_to_dense mask(%m : tensor<4xi1>) data(%d : tensor<3xf32>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @sparse_mask_shape() -> tensor<2x2xf32> {
  %m = mil.const dense<[true, false, true, true]> : tensor<4xui1>
  %d = mil.const dense<1.0> : tensor<3xf32>
  // expected-error @+1 {{'mask' shape must equal the result's, got 'tensor<4xui1>'}}
  %0 = mil.constexpr_sparse_to_dense mask(%m : tensor<4xui1>) data(%d : tensor<3xf32>) : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @sparse_data_type() -> tensor<4xf32> {
  %m = mil.const dense<[true, false, true, true]> : tensor<4xui1>
  %d = mil.const dense<1.0> : tensor<3xf16>
  // expected-error @+1 {{'nonzero_data' must be a rank-1 tensor of 'f32', got 'tensor<3xf16>'}}
  %0 = mil.constexpr_sparse_to_dense mask(%m : tensor<4xui1>) data(%d : tensor<3xf16>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @sparse_element_type() -> tensor<4xi16> {
  %m = mil.const dense<[true, false, true, true]> : tensor<4xui1>
  %d = mil.const dense<1> : tensor<3xi16>
  // expected-error @+1 {{result element type must be i4, si4, ui4, i8, si8, ui8, f16, bf16 or f32, got 'i16'}}
  %0 = mil.constexpr_sparse_to_dense mask(%m : tensor<4xui1>) data(%d : tensor<3xi16>) : tensor<4xi16>
  return %0 : tensor<4xi16>
}

// -----

// Three bits, two values.
func.func @sparse_count() -> tensor<4xf32> {
  %m = mil.const dense<[true, false, true, true]> : tensor<4xui1>
  %d = mil.const dense<1.0> : tensor<2xf32>
  // expected-error @+1 {{'mask' has 3 bits set, 'nonzero_data' 2 values}}
  %0 = mil.constexpr_sparse_to_dense mask(%m : tensor<4xui1>) data(%d : tensor<2xf32>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @sparse_mask_not_constant(%m: tensor<4xui1>) -> tensor<4xf32> {
  %d = mil.const dense<1.0> : tensor<3xf32>
  // expected-error @+1 {{'mask' must be a compile-time constant, defined by a constant op or a mil constexpr op}}
  %0 = mil.constexpr_sparse_to_dense mask(%m : tensor<4xui1>) data(%d : tensor<3xf32>) : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// The index grid of an 8x6 mask with vectors of 2 along axis 0 is 4x6.
func.func @lut_sparse_grid_shape() -> (tensor<8x6xui1>, tensor<18xf32>) {
  // expected-error @+1 {{'indices_mask' must be a ui1 tensor of the index grid's shape 'tensor<4x6xui1>', got 'tensor<8x6xui1>'}}
  %m, %d = mil.constexpr_lut_to_sparse mask(dense<true> : tensor<8x6xui1>)
      lut(dense<1.0> : tensor<1x1x2x2xf32>) indices(dense<0> : tensor<6xui8>) vector_axis(0)
      : tensor<8x6xui1>, tensor<18xf32>
  return %m, %d : tensor<8x6xui1>, tensor<18xf32>
}

// -----

func.func @lut_sparse_data_size() -> (tensor<8x6xui1>, tensor<17xf32>) {
  // expected-error @+1 {{result 'nonzero_data' must be a rank-1 tensor of 'f32' whose size is a multiple of 2, got 'tensor<17xf32>'}}
  %m, %d = mil.constexpr_lut_to_sparse mask(dense<true> : tensor<4x6xui1>)
      lut(dense<1.0> : tensor<1x1x2x2xf32>) indices(dense<0> : tensor<3xui8>) vector_axis(0)
      : tensor<8x6xui1>, tensor<17xf32>
  return %m, %d : tensor<8x6xui1>, tensor<17xf32>
}

// -----

// 24 bits set (a splat mask), 9 stored indices.
func.func @lut_sparse_count() -> (tensor<4x6xui1>, tensor<9xf32>) {
  // expected-error @+1 {{'indices_mask' has 24 bits set, the result holds 9 stored indices}}
  %m, %d = mil.constexpr_lut_to_sparse mask(dense<true> : tensor<4x6xui1>)
      lut(dense<1.0> : tensor<2xf32>) indices(dense<0> : tensor<2xui8>)
      : tensor<4x6xui1>, tensor<9xf32>
  return %m, %d : tensor<4x6xui1>, tensor<9xf32>
}

// -----

// Nine 2-bit indices take ceil(18 / 8) = 3 bytes.
func.func @lut_sparse_index_bytes() -> (tensor<4x6xui1>, tensor<9xf32>) {
  // expected-error @+1 {{'indices' must hold ceil(2 * 9 / 8) = 3 bytes (9 indices of 2 bits), got 2}}
  %m, %d = mil.constexpr_lut_to_sparse mask(dense_resource<m> : tensor<4x6xui1>)
      lut(dense<1.0> : tensor<4xf32>) indices(dense<0> : tensor<2xui8>)
      : tensor<4x6xui1>, tensor<9xf32>
  return %m, %d : tensor<4x6xui1>, tensor<9xf32>
}
{-#
  dialect_resources: { builtin: { m: "0x01000000C36821" } }
#-}

// -----

func.func @lut_sparse_lut_type() -> (tensor<4xui1>, tensor<2xi16>) {
  // expected-error @+1 {{'lut' element type must be f16, bf16, f32, i8, si8 or ui8, got 'i16'}}
  %m, %d = mil.constexpr_lut_to_sparse mask(dense<[true, false, false, true]> : tensor<4xui1>)
      lut(dense<1> : tensor<2xi16>) indices(dense<0> : tensor<1xui8>)
      : tensor<4xui1>, tensor<2xi16>
  return %m, %d : tensor<4xui1>, tensor<2xi16>
}

// -----

func.func @lut_sparse_result_mask() -> (tensor<4xi1>, tensor<2xf32>) {
  // expected-error @+1 {{result 'mask' must be a tensor of ui1, got 'tensor<4xi1>'}}
  %m, %d = mil.constexpr_lut_to_sparse mask(dense<[true, false, false, true]> : tensor<4xui1>)
      lut(dense<1.0> : tensor<2xf32>) indices(dense<0> : tensor<1xui8>)
      : tensor<4xi1>, tensor<2xf32>
  return %m, %d : tensor<4xi1>, tensor<2xf32>
}
