// RUN: palettize-opt %s -split-input-file -mil-materialize-constexpr | FileCheck %s
// RUN: palettize-opt %s -split-input-file -mil-materialize-constexpr="max-dense-elements=4" \
// RUN:   | FileCheck %s --check-prefix=BLOB
// RUN: palettize-opt %s -split-input-file -mil-materialize-constexpr \
// RUN:   -mlir-print-elementsattrs-with-hex-if-larger=0 | FileCheck %s --check-prefix=HEX

// Core ML's n=4 vector: bytes [212, 21] hold indices [4, 13, 5, 1], which
// select 1, 2, 3, 4 from this LUT.
// CHECK-LABEL: func.func @known_vector_4bit
// CHECK-NOT: mil.constexpr_lut_to_dense
// CHECK: %[[C:.*]] = mil.const dense<{{\[}}[1.000000e+00], [2.000000e+00], [3.000000e+00], [4.000000e+00]]> : tensor<4x1xf32>
// CHECK: return %[[C]]
// Four elements, exactly max-dense-elements=4: still inline (one more, as
// in the next case, is a blob).
// BLOB-LABEL: func.func @known_vector_4bit
// BLOB: mil.const dense<{{\[}}[1.000000e+00], [2.000000e+00], [3.000000e+00], [4.000000e+00]]> : tensor<4x1xf32>
func.func @known_vector_4bit() -> tensor<4x1xf32> {
  %0 = mil.constexpr_lut_to_dense
         lut(dense<[-19.0, 4.0, 0.0, -1.0, 1.0, 3.0, 5.0, -8.0, 19.0, 13.0, 42.0, 4.5, 5.4, 2.0, -6.0, -7.0]> : tensor<16xf32>)
         indices(dense<[212, 21]> : tensor<2xui8>) : tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

// Core ML's n=2 vector: bytes [10, 4] -> indices [2, 2, 0, 0, 0]. The name
// carries over to the constant.
// CHECK-LABEL: func.func @known_vector_2bit
// CHECK: mil.const "w" dense<[3.000000e+00, 3.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00]> : tensor<5xf32>
// BLOB-LABEL: func.func @known_vector_2bit
// BLOB: mil.const "w" dense_resource<w> : tensor<5xf32>
// BLOB: w: "0x4000000000004040000040400000803F0000803F0000803F"
func.func @known_vector_2bit() -> tensor<5xf32> {
  %0 = mil.constexpr_lut_to_dense "w" lut(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// One 2-bit palette per row: row 0 takes indices [0, 1, 2, 3] from
// [0, 1, 2, 3], row 1 takes [3, 2, 1, 0] from [4, 5, 6, 7].
// CHECK-LABEL: func.func @grouped_rows
// CHECK: mil.const dense<{{\[}}[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00], [7.000000e+00, 6.000000e+00, 5.000000e+00, 4.000000e+00]]> : tensor<2x4xf32>
// BLOB-LABEL: func.func @grouped_rows
// BLOB: mil.const dense_resource<mil_decoded> : tensor<2x4xf32>
// BLOB: mil_decoded: "0x40000000000000000000803F00000040000040400000E0400000C0400000A04000008040"
func.func @grouped_rows() -> tensor<2x4xf32> {
  %0 = mil.constexpr_lut_to_dense
         lut(dense<[[[[0.0], [1.0], [2.0], [3.0]]],
                    [[[4.0], [5.0], [6.0], [7.0]]]]> : tensor<2x1x4x1xf32>)
         indices(dense<[228, 27]> : tensor<2xui8>) : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Grouped along columns: blocks of 2 columns, palettes [10, 11] and [20, 21];
// 1-bit index grid [[0, 1, 1, 0], [1, 1, 0, 0]] packs LSB-first into 54.
// CHECK-LABEL: func.func @grouped_columns
// CHECK: mil.const dense<{{\[}}[1.000000e+01, 1.100000e+01, 2.100000e+01, 2.000000e+01], [1.100000e+01, 1.100000e+01, 2.000000e+01, 2.000000e+01]]> : tensor<2x4xf32>
func.func @grouped_columns() -> tensor<2x4xf32> {
  %0 = mil.constexpr_lut_to_dense
         lut(dense<[[[[10.0], [11.0]], [[20.0], [21.0]]]]> : tensor<1x2x2x1xf32>)
         indices(dense<54> : tensor<1xui8>) : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Vectors of 2 along axis 1: rows [10, 11] and [20, 21], index grid
// [[1, 0], [0, 1]] (bits 1, 0, 0, 1 = 9).
// CHECK-LABEL: func.func @vector_last_axis
// CHECK: mil.const dense<{{\[}}[2.000000e+01, 2.100000e+01, 1.000000e+01, 1.100000e+01], [1.000000e+01, 1.100000e+01, 2.000000e+01, 2.100000e+01]]> : tensor<2x4xf32>
func.func @vector_last_axis() -> tensor<2x4xf32> {
  %0 = mil.constexpr_lut_to_dense
         lut(dense<[[[[10.0, 11.0], [20.0, 21.0]]]]> : tensor<1x1x2x2xf32>)
         indices(dense<9> : tensor<1xui8>) vector_axis(1) : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// The same vectors along axis 0: grid position (i, j) fills rows 2i, 2i+1
// of column j.
// CHECK-LABEL: func.func @vector_first_axis
// CHECK: mil.const dense<{{\[}}[2.000000e+01, 1.000000e+01], [2.100000e+01, 1.100000e+01], [1.000000e+01, 2.000000e+01], [1.100000e+01, 2.100000e+01]]> : tensor<4x2xf32>
func.func @vector_first_axis() -> tensor<4x2xf32> {
  %0 = mil.constexpr_lut_to_dense
         lut(dense<[[[[10.0, 11.0], [20.0, 21.0]]]]> : tensor<1x1x2x2xf32>)
         indices(dense<9> : tensor<1xui8>) vector_axis(0) : tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// Bit exactness: f16 entries -0.0 (0x8000), a NaN with payload (0x7E01),
// 1.0 (0x3C00) and -2.0 (0xC000); 2-bit indices [3, 1, 0, 2, 2, 0] pack to
// 3 | 1<<2 | 2<<6 = 135 and 2.
// HEX-LABEL: func.func @f16_bits
// HEX: mil.const dense<"0x00C0017E0080003C003C0080"> : tensor<6xf16>
func.func @f16_bits() -> tensor<6xf16> {
  %0 = mil.constexpr_lut_to_dense lut(dense<"0x0080017E003C00C0"> : tensor<4xf16>)
         indices(dense<[135, 2]> : tensor<2xui8>) : tensor<6xf16>
  return %0 : tensor<6xf16>
}

// -----

// bf16 entries 1.0 (0x3F80) and -0.5 (0xBF00), indices in a blob.
// HEX-LABEL: func.func @bf16_resource_indices
// HEX: mil.const dense<"0x00BF803F803F00BF"> : tensor<2x2xbf16>
func.func @bf16_resource_indices() -> tensor<2x2xbf16> {
  %0 = mil.constexpr_lut_to_dense lut(dense<"0x803F00BF"> : tensor<2xbf16>)
         indices(dense_resource<idx> : tensor<1xui8>) : tensor<2x2xbf16>
  return %0 : tensor<2x2xbf16>
}

{-#
  dialect_resources: {
    builtin: {
      idx: "0x0100000009"
    }
  }
#-}

// -----

// Nested regions are visited too.
// CHECK-LABEL: func.func @nested
// CHECK: scf.execute_region
// CHECK: mil.const dense<[2.000000e+00, 1.000000e+00]> : tensor<2xf32>
func.func @nested() -> tensor<2xf32> {
  %r = scf.execute_region -> tensor<2xf32> {
    %0 = mil.constexpr_lut_to_dense lut(dense<[1.0, 2.0]> : tensor<2xf32>)
           indices(dense<1> : tensor<1xui8>) : tensor<2xf32>
    scf.yield %0 : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

// An int8 LUT: [-2, 0, 2, 4] * 0.5 = [-1, 0, 1, 2]; indices [2, 2, 0, 0, 0].
// CHECK-LABEL: func.func @int8_lut
// CHECK-NOT: mil.constexpr
// CHECK: %[[C:.*]] = mil.const "w" dense<[1.000000e+00, 1.000000e+00, -1.000000e+00, -1.000000e+00, -1.000000e+00]> : tensor<5xf32>
// CHECK: return %[[C]]
func.func @int8_lut() -> tensor<5xf32> {
  %q = mil.const dense<[-2, 0, 2, 4]> : tensor<4xi8>
  %l = mil.constexpr_blockwise_shift_scale %q scale(dense<0.5> : tensor<1xf32>)
         : tensor<4xi8> -> tensor<4xf32>
  %w = mil.constexpr_lut_to_dense "w" lut(%l : tensor<4xf32>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  return %w : tensor<5xf32>
}

// -----

// Per-row scales on a 1-bit LUT: byte 165 = 0b10100101 holds the indices
// [1, 0, 1, 0, 0, 1, 0, 1] (LSB first), so the LUT op decodes to
// [[1, 0, 1, 0], [0, 1, 0, 1]], then rows scale by 0.5 and 2.
// CHECK-LABEL: func.func @per_channel_scale
// CHECK-NOT: mil.constexpr
// CHECK: mil.const "w" dense<{{\[}}[5.000000e-01, 0.000000e+00, 5.000000e-01, 0.000000e+00], [0.000000e+00, 2.000000e+00, 0.000000e+00, 2.000000e+00]]> : tensor<2x4xf16>
func.func @per_channel_scale() -> tensor<2x4xf16> {
  %w = mil.constexpr_lut_to_dense lut(dense<[0.0, 1.0]> : tensor<2xf16>)
         indices(dense<[165]> : tensor<1xui8>) : tensor<2x4xf16>
  %s = mil.constexpr_blockwise_shift_scale "w" %w
         scale(dense<[[0.5], [2.0]]> : tensor<2x1xf16>)
         : tensor<2x4xf16> -> tensor<2x4xf16>
  return %s : tensor<2x4xf16>
}

// -----

// uint8 with one offset per row: 0.25 * ([[1, 2], [3, 4]] - [[1], [3]]).
// CHECK-LABEL: func.func @uint8_offset
// CHECK: mil.const dense<{{\[}}[0.000000e+00, 2.500000e-01], [0.000000e+00, 2.500000e-01]]> : tensor<2x2xbf16>
func.func @uint8_offset() -> tensor<2x2xbf16> {
  %u = mil.const dense<[[1, 2], [3, 4]]> : tensor<2x2xui8>
  %v = mil.constexpr_blockwise_shift_scale %u
         scale(dense<0.25> : tensor<2x1xbf16>)
         offset(dense<[[1], [3]]> : tensor<2x1xui8>)
         : tensor<2x2xui8> -> tensor<2x2xbf16>
  return %v : tensor<2x2xbf16>
}

// -----

// Blocks of two along the last axis, signed data with signed offsets:
// [[2 * (4 - 1), 2 * (-4 - 1), 3 * (0 - -2), 3 * (1 - -2)]].
// CHECK-LABEL: func.func @blocks_of_two
// CHECK: mil.const dense<{{\[}}[6.000000e+00, -1.000000e+01, 6.000000e+00, 9.000000e+00]]> : tensor<1x4xf32>
func.func @blocks_of_two() -> tensor<1x4xf32> {
  %d = arith.constant dense<[[4, -4, 0, 1]]> : tensor<1x4xi8>
  %v = mil.constexpr_blockwise_shift_scale %d
         scale(dense<[[2.0, 3.0]]> : tensor<1x2xf32>)
         offset(dense<[[1, -2]]> : tensor<1x2xi8>)
         : tensor<1x4xi8> -> tensor<1x4xf32>
  return %v : tensor<1x4xf32>
}

// -----

// The product is rounded once to f16: f16(0.1) = 0.0999755859375, and
// 127 times that, 12.6968994140625, rounds to the f16 grid of 2^-7 at
// 12.6953125.
// CHECK-LABEL: func.func @rounds_to_f16
// CHECK: mil.const dense<1.269530e+01> : tensor<1xf16>
func.func @rounds_to_f16() -> tensor<1xf16> {
  %d = mil.const dense<127> : tensor<1xi8>
  %v = mil.constexpr_blockwise_shift_scale %d scale(dense<0.1> : tensor<1xf16>)
         : tensor<1xi8> -> tensor<1xf16>
  return %v : tensor<1xf16>
}

// -----

// An int8 LUT decodes to int8: bytes [10, 4] are indices [2, 2, 0, 0, 0],
// which select 0, 0, -128, -128, -128; the shift-scale halves them.
// CHECK-LABEL: func.func @int8_lut_result
// CHECK-DAG: mil.const "q" dense<[0, 0, -128, -128, -128]> : tensor<5xi8>
// CHECK-DAG: mil.const "w" dense<[0.000000e+00, 0.000000e+00, -6.400000e+01, -6.400000e+01, -6.400000e+01]> : tensor<5xf32>
// CHECK-NOT: mil.constexpr
func.func @int8_lut_result() -> (tensor<5xi8>, tensor<5xf32>) {
  %q = mil.constexpr_lut_to_dense "q" lut(dense<[-128, -1, 0, 127]> : tensor<4xi8>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xi8>
  %w = mil.constexpr_blockwise_shift_scale "w" %q scale(dense<0.5> : tensor<1xf32>)
         : tensor<5xi8> -> tensor<5xf32>
  return %q, %w : tensor<5xi8>, tensor<5xf32>
}

// -----

// A uint8 LUT per row, 1-bit indices: 5 = 0b0101 is [1, 0] on row 0
// (palette [0, 255]) and [1, 0] on row 1 (palette [1, 2]).
// CHECK-LABEL: func.func @uint8_grouped_lut
// CHECK: mil.const dense<{{\[}}[255, 0], [2, 1]]> : tensor<2x2xui8>
func.func @uint8_grouped_lut() -> tensor<2x2xui8> {
  %0 = mil.constexpr_lut_to_dense
         lut(dense<[[[[0], [255]]], [[[1], [2]]]]> : tensor<2x1x2x1xui8>)
         indices(dense<5> : tensor<1xui8>) : tensor<2x2xui8>
  return %0 : tensor<2x2xui8>
}

// -----

// Int4 data and offsets held as MLIR holds them (one per element):
// 0.25 * ([-8, 7] + 8) on row 0, 1 * ([1, -1] - 0) on row 1.
// CHECK-LABEL: func.func @int4_dense
// CHECK: mil.const dense<{{\[}}[0.000000e+00, 3.750000e+00], [1.000000e+00, -1.000000e+00]]> : tensor<2x2xf16>
func.func @int4_dense() -> tensor<2x2xf16> {
  %d = mil.const dense<[[-8, 7], [1, -1]]> : tensor<2x2xi4>
  %0 = mil.constexpr_blockwise_shift_scale %d
         scale(dense<[[0.25], [1.0]]> : tensor<2x1xf16>)
         offset(dense<[[-8], [0]]> : tensor<2x1xi4>)
         : tensor<2x2xi4> -> tensor<2x2xf16>
  return %0 : tensor<2x2xf16>
}

// -----

// Uint4 data in a blob, packed as Core ML packs it: bytes F1 07 are the
// nibbles 1, F, 7 (low first), so [1, 15, 7] - 8 = [-7, 7, -1]. The offset
// blob of an int4 tensor is packed too: 0x21 is [1, 2].
// CHECK-LABEL: func.func @int4_blobs
// CHECK: mil.const dense<[-7.000000e+00, 7.000000e+00, -1.000000e+00]> : tensor<3xf32>
// CHECK: mil.const dense<{{\[}}[2.000000e+00, 3.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
func.func @int4_blobs() -> (tensor<3xf32>, tensor<2x2xf32>) {
  %u = mil.const dense_resource<nibbles> : tensor<3xui4>
  %0 = mil.constexpr_blockwise_shift_scale %u scale(dense<1.0> : tensor<1xf32>)
         offset(dense<8> : tensor<1xui4>) : tensor<3xui4> -> tensor<3xf32>
  %d = mil.const dense<[[3, 4], [5, 6]]> : tensor<2x2xsi4>
  %1 = mil.constexpr_blockwise_shift_scale %d scale(dense<1.0> : tensor<2x1xf32>)
         offset(dense_resource<offsets> : tensor<2x1xsi4>)
         : tensor<2x2xsi4> -> tensor<2x2xf32>
  return %0, %1 : tensor<3xf32>, tensor<2x2xf32>
}
{-#
  dialect_resources: { builtin: { nibbles: "0x01000000F107", offsets: "0x0100000021" } }
#-}

// -----

// Core ML's own example of constexpr_lut_to_sparse: the 4x6 index mask
//   1 1 0 0 0 0 / 1 1 0 0 0 1 / 0 1 1 0 1 0 / 0 0 0 1 0 0
// (bytes C3 68 21) and the 1-bit indices 0 1 1 0 1 1 0 0 1 (bytes 36 01)
// through the LUT [2, 3]: the values 2 3 / 3 2 3 / 3 2 2 / 3 at the mask's
// bits, zero elsewhere.
// CHECK-LABEL: func.func @lut_to_sparse_known
// CHECK: mil.const "w_dense" dense<{{\[}}[2.000000e+00, 3.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [3.000000e+00, 2.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 3.000000e+00], [0.000000e+00, 3.000000e+00, 2.000000e+00, 0.000000e+00, 2.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 3.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<4x6xf16>
// CHECK-NOT: mil.const
// CHECK-NOT: mil.constexpr
func.func @lut_to_sparse_known() -> tensor<4x6xf16> {
  %mask, %data = mil.constexpr_lut_to_sparse "w" mask(dense_resource<m> : tensor<4x6xui1>)
      lut(dense<[2.0, 3.0]> : tensor<2xf16>) indices(dense<[54, 1]> : tensor<2xui8>)
      : tensor<4x6xui1>, tensor<9xf16>
  %w = mil.constexpr_sparse_to_dense "w_dense" mask(%mask : tensor<4x6xui1>) data(%data : tensor<9xf16>) : tensor<4x6xf16>
  return %w : tensor<4x6xf16>
}
{-#
  dialect_resources: { builtin: { m: "0x01000000C36821" } }
#-}

// -----

// The same with vectors of 2 along axis 0 ([2, 2] and [3, 3]): each row of
// the mask twice, the vector's values on two rows. Left sparse, the results
// are the expanded mask (rows 110000 110000 110001 110001 011010 011010
// 000100 000100) and the values in its row-major order: 2 3 / 2 3 / 3 2 3 /
// 3 2 3 / 3 2 2 / 3 2 2 / 3 / 3.
// CHECK-LABEL: func.func @lut_to_sparse_vector
// CHECK: mil.const "v_mask" dense<{{\[}}[true, true, false, false, false, false], [true, true, false, false, false, false], [true, true, false, false, false, true], [true, true, false, false, false, true], [false, true, true, false, true, false], [false, true, true, false, true, false], [false, false, false, true, false, false], [false, false, false, true, false, false]]> : tensor<8x6xui1>
// CHECK: mil.const "v" dense<[2.000000e+00, 3.000000e+00, 2.000000e+00, 3.000000e+00, 3.000000e+00, 2.000000e+00, 3.000000e+00, 3.000000e+00, 2.000000e+00, 3.000000e+00, 3.000000e+00, 2.000000e+00, 2.000000e+00, 3.000000e+00, 2.000000e+00, 2.000000e+00, 3.000000e+00, 3.000000e+00]> : tensor<18xf32>
func.func @lut_to_sparse_vector() -> (tensor<8x6xui1>, tensor<18xf32>) {
  %vm, %vd = mil.constexpr_lut_to_sparse "v" mask(dense_resource<m> : tensor<4x6xui1>)
      lut(dense<[[[[2.0, 2.0], [3.0, 3.0]]]]> : tensor<1x1x2x2xf32>)
      indices(dense<[54, 1]> : tensor<2xui8>) vector_axis(0)
      : tensor<8x6xui1>, tensor<18xf32>
  return %vm, %vd : tensor<8x6xui1>, tensor<18xf32>
}
{-#
  dialect_resources: { builtin: { m: "0x01000000C36821" } }
#-}

// -----

// A pruned weight alone: int4 values [1, -2, 7] at bits 0, 2 and 3 of the
// mask 1 0 1 1 (0x0D), as a blob; a bigger result is a packed blob too:
// with max-dense-elements=4, the 5-element result [1, 0, -2, 7, 0] is the
// nibbles 1 0 E 7 0, bytes 01 7E 00.
// CHECK-LABEL: func.func @pruned_int4
// CHECK: mil.const dense<[1, 0, -2, 7, 0]> : tensor<5xi4>
// BLOB-LABEL: func.func @pruned_int4
// BLOB: mil.const dense_resource<mil_decoded> : tensor<5xi4>
// BLOB: mil_decoded: "0x40000000017E00"
func.func @pruned_int4() -> tensor<5xi4> {
  %m = mil.const dense_resource<bits> : tensor<5xui1>
  %d = mil.const dense<[1, -2, 7]> : tensor<3xi4>
  %0 = mil.constexpr_sparse_to_dense mask(%m : tensor<5xui1>) data(%d : tensor<3xi4>) : tensor<5xi4>
  return %0 : tensor<5xi4>
}
{-#
  dialect_resources: { builtin: { bits: "0x010000000D" } }
#-}
