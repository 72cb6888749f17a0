// RUN: palettize-opt %s -split-input-file --convert-mil-to-linalg | FileCheck %s

// mil.const keeps its attribute; a dense_resource keeps its blob.
// CHECK-LABEL: func.func @consts
// CHECK-DAG: arith.constant dense<[5.000000e-01, -1.000000e+00]> : tensor<2xf32>
// CHECK-DAG: arith.constant dense_resource<fc_weight> : tensor<2x2xf16>
// CHECK-NOT: mil.
func.func @consts() -> (tensor<2xf32>, tensor<2x2xf16>) {
  %b = mil.const "fc_bias" dense<[0.5, -1.0]> : tensor<2xf32>
  %w = mil.const dense_resource<fc_weight> : tensor<2x2xf16>
  return %b, %w : tensor<2xf32>, tensor<2x2xf16>
}
{-#
  dialect_resources: {
    builtin: {
      fc_weight: "0x02000000003C004000420044"
    }
  }
#-}

// -----

// A per-tensor 2-bit LUT: bit 2i, byte bit / 8, shift bit % 8, mask 3. The
// bytes are reinterpreted as i8 (10 and 4 stay 10 and 4).
// CHECK-LABEL: func.func @per_tensor_2bit
// CHECK-DAG:   %[[BYTES:.*]] = arith.constant dense<[10, 4]> : tensor<2xi8>
// CHECK-DAG:   %[[LUT:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
// CHECK-DAG:   %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:   %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:   %[[MASK:.*]] = arith.constant 3 : i32
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel"]
// CHECK:         %[[I:.*]] = linalg.index 0
// CHECK:         %[[BIT:.*]] = arith.muli %[[I]], %[[C2]]
// CHECK:         %[[BYTE:.*]] = arith.divui %[[BIT]], %[[C8]]
// CHECK:         %[[B:.*]] = tensor.extract %[[BYTES]][%[[BYTE]]] : tensor<2xi8>
// CHECK:         %[[W:.*]] = arith.extui %[[B]] : i8 to i32
// CHECK:         %[[SH:.*]] = arith.remui %[[BIT]], %[[C8]]
// CHECK:         %[[SH32:.*]] = arith.index_castui %[[SH]] : index to i32
// CHECK:         %[[V:.*]] = arith.shrui %[[W]], %[[SH32]]
// CHECK:         %[[IDX:.*]] = arith.andi %[[V]], %[[MASK]]
// CHECK:         %[[ROW:.*]] = arith.index_castui %[[IDX]] : i32 to index
// CHECK:         %[[X:.*]] = tensor.extract %[[LUT]][%[[ROW]]] : tensor<4xf32>
// CHECK:         linalg.yield %[[X]]
// CHECK-NOT: mil.
func.func @per_tensor_2bit() -> tensor<5xf32> {
  %0 = mil.constexpr_lut_to_dense
         lut(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// 3-bit indices may straddle two bytes: the next byte (clamped to the last
// one, 2) is shifted in above the first. Bytes above 127 read as negative
// i8 values and are widened unsigned.
// CHECK-LABEL: func.func @straddling_3bit
// CHECK-DAG:   %[[BYTES:.*]] = arith.constant dense<[-120, -58, -6]> : tensor<3xi8>
// CHECK-DAG:   %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:   %[[LAST:.*]] = arith.constant 2 : index
// CHECK-DAG:   %[[C8_I32:.*]] = arith.constant 8 : i32
// CHECK-DAG:   %[[MASK:.*]] = arith.constant 7 : i32
// CHECK:       linalg.generic
// CHECK:         %[[BYTE:.*]] = arith.divui
// CHECK:         %[[B0:.*]] = tensor.extract %[[BYTES]][%[[BYTE]]]
// CHECK:         %[[W0:.*]] = arith.extui %[[B0]] : i8 to i32
// CHECK:         %[[NEXT:.*]] = arith.addi %[[BYTE]], %[[C1]]
// CHECK:         %[[AT:.*]] = arith.minui %[[NEXT]], %[[LAST]]
// CHECK:         %[[B1:.*]] = tensor.extract %[[BYTES]][%[[AT]]]
// CHECK:         %[[W1:.*]] = arith.extui %[[B1]] : i8 to i32
// CHECK:         %[[HIGH:.*]] = arith.shli %[[W1]], %[[C8_I32]]
// CHECK:         %[[WORD:.*]] = arith.ori %[[W0]], %[[HIGH]]
// CHECK:         arith.shrui %[[WORD]]
// CHECK:         arith.andi %{{.*}}, %[[MASK]]
func.func @straddling_3bit() -> tensor<8xf32> {
  %0 = mil.constexpr_lut_to_dense
         lut(dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]> : tensor<8xf32>)
         indices(dense<[136, 198, 250]> : tensor<3xui8>) : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// 8-bit indices are whole bytes: no shift, no mask.
// CHECK-LABEL: func.func @whole_bytes_8bit
// CHECK:       linalg.generic
// CHECK:         %[[B:.*]] = tensor.extract %{{.*}}[%{{.*}}] : tensor<2xi8>
// CHECK-NEXT:    %[[W:.*]] = arith.extui %[[B]] : i8 to i32
// CHECK-NEXT:    %[[ROW:.*]] = arith.index_castui %[[W]] : i32 to index
// CHECK-NEXT:    tensor.extract %{{.*}}[%[[ROW]]] : tensor<256xf16>
func.func @whole_bytes_8bit() -> tensor<2xf16> {
  %0 = mil.constexpr_lut_to_dense
         lut(dense<1.0> : tensor<256xf16>)
         indices(dense<[255, 128]> : tensor<2xui8>) : tensor<2xf16>
  return %0 : tensor<2xf16>
}

// -----

// Grouped: one palette per row of a 2x4 weight. The LUT position is
// (row, 0, index, 0) (one group along the columns); the linear index is
// row * 4 + column.
// CHECK-LABEL: func.func @grouped
// CHECK-DAG:   %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:   %[[C4:.*]] = arith.constant 4 : index
// CHECK:       linalg.generic
// CHECK-SAME:    iterator_types = ["parallel", "parallel"]
// CHECK:         %[[R:.*]] = linalg.index 0
// CHECK:         %[[C:.*]] = linalg.index 1
// CHECK:         %[[RS:.*]] = arith.muli %[[R]], %[[C4]]
// CHECK:         arith.addi %[[RS]], %[[C]]
// CHECK:         %[[ROW:.*]] = arith.index_castui %{{.*}} : i32 to index
// CHECK:         tensor.extract %{{.*}}[%[[R]], %[[C0]], %[[ROW]], %[[C0]]] : tensor<2x1x4x1xf32>
func.func @grouped() -> tensor<2x4xf32> {
  %0 = mil.constexpr_lut_to_dense
         lut(dense<[[[[0.0], [1.0], [2.0], [3.0]]],
                    [[[4.0], [5.0], [6.0], [7.0]]]]> : tensor<2x1x4x1xf32>)
         indices(dense<[228, 27]> : tensor<2xui8>) : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Vectors of 2 along axis 0 of a 4x2 weight: the index grid is 2x2, the
// element (r, c) reads index (r / 2) * 2 + c and lane r % 2 of its row.
// CHECK-LABEL: func.func @vector
// CHECK-DAG:   %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:   %[[C2:.*]] = arith.constant 2 : index
// CHECK:       linalg.generic
// CHECK:         %[[R:.*]] = linalg.index 0
// CHECK:         %[[C:.*]] = linalg.index 1
// CHECK:         %[[LANE:.*]] = arith.remui %[[R]], %[[C2]]
// CHECK:         %[[GR:.*]] = arith.divui %[[R]], %[[C2]]
// CHECK:         %[[RS:.*]] = arith.muli %[[GR]], %[[C2]]
// CHECK:         arith.addi %[[RS]], %[[C]]
// CHECK:         %[[ROW:.*]] = arith.index_castui %{{.*}} : i32 to index
// CHECK:         tensor.extract %{{.*}}[%[[C0]], %[[C0]], %[[ROW]], %[[LANE]]] : tensor<1x1x2x2xf32>
func.func @vector() -> tensor<4x2xf32> {
  %0 = mil.constexpr_lut_to_dense
         lut(dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>)
         indices(dense<[6]> : tensor<1xui8>) vector_axis(0) : tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// Packed indices in a blob keep the blob, reinterpreted as i8.
// CHECK-LABEL: func.func @resource_indices
// CHECK: arith.constant dense_resource<packed> : tensor<2xi8>
func.func @resource_indices() -> tensor<5xf32> {
  %0 = mil.constexpr_lut_to_dense
         lut(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>)
         indices(dense_resource<packed> : tensor<2xui8>) : tensor<5xf32>
  return %0 : tensor<5xf32>
}
{-#
  dialect_resources: {
    builtin: {
      packed: "0x010000000A04"
    }
  }
#-}

// -----

// An 8-bit LUT: the shift-scale computes scale * (q - offset) in f32 with
// the scale broadcast through the indexing map; the LUT op reads its
// result.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[BCAST:.*]] = affine_map<(d0) -> (0)>
// CHECK-LABEL: func.func @int8_lut
// CHECK-DAG:   %[[Q:.*]] = arith.constant dense<[-2, 0, 2, 4]> : tensor<4xi8>
// CHECK-DAG:   %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<1xf32>
// CHECK-DAG:   %[[Z:.*]] = arith.constant dense<1> : tensor<1xi8>
// CHECK:       %[[LUT:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[BCAST]], #[[BCAST]], #[[ID]]]
// CHECK-SAME:    ins(%[[Q]], %[[S]], %[[Z]] :
// CHECK:       ^bb0(%[[QV:.*]]: i8, %[[SV:.*]]: f32, %[[ZV:.*]]: i8, %{{.*}}: f32):
// CHECK:         %[[QF:.*]] = arith.sitofp %[[QV]] : i8 to f32
// CHECK:         %[[ZF:.*]] = arith.sitofp %[[ZV]] : i8 to f32
// CHECK:         %[[D:.*]] = arith.subf %[[QF]], %[[ZF]]
// CHECK:         %[[P:.*]] = arith.mulf %[[SV]], %[[D]]
// CHECK:         linalg.yield %[[P]]
// CHECK:       linalg.generic
// CHECK:         tensor.extract %[[LUT]][%{{.*}}] : tensor<4xf32>
func.func @int8_lut() -> tensor<5xf32> {
  %q = mil.const dense<[-2, 0, 2, 4]> : tensor<4xi8>
  %l = mil.constexpr_blockwise_shift_scale %q
         scale(dense<0.5> : tensor<1xf32>) offset(dense<1> : tensor<1xi8>)
         : tensor<4xi8> -> tensor<4xf32>
  %0 = mil.constexpr_lut_to_dense lut(%l : tensor<4xf32>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// ui8 data widens unsigned; an f16 result is rounded once from f32.
// CHECK-LABEL: func.func @uint8_to_f16
// CHECK:       arith.constant dense<[0, -1]> : tensor<2xi8>
// CHECK:       ^bb0(%[[QV:.*]]: i8, %[[SV:.*]]: f16, %{{.*}}: f16):
// CHECK:         %[[QF:.*]] = arith.uitofp %[[QV]] : i8 to f32
// CHECK:         %[[SF:.*]] = arith.extf %[[SV]] : f16 to f32
// CHECK:         %[[P:.*]] = arith.mulf %[[SF]], %[[QF]]
// CHECK:         %[[R:.*]] = arith.truncf %[[P]] : f32 to f16
// CHECK:         linalg.yield %[[R]]
func.func @uint8_to_f16() -> tensor<2xf16> {
  %q = mil.const dense<[0, 255]> : tensor<2xui8>
  %w = mil.constexpr_blockwise_shift_scale %q
         scale(dense<0.25> : tensor<1xf16>) : tensor<2xui8> -> tensor<2xf16>
  return %w : tensor<2xf16>
}

// -----

// Per-channel scales of a 4x6 weight: the map reads scale (row, 0).
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @per_channel
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ROWS]], #{{.*}}]
func.func @per_channel() -> tensor<4x6xf32> {
  %d = mil.const dense<1.5> : tensor<4x6xf32>
  %w = mil.constexpr_blockwise_shift_scale %d
         scale(dense<[[1.0], [2.0], [3.0], [4.0]]> : tensor<4x1xf32>)
         : tensor<4x6xf32> -> tensor<4x6xf32>
  return %w : tensor<4x6xf32>
}

// -----

// Blocks of 2 columns: no map reads them, the body finds the scale at
// (row, column / 2).
// CHECK-LABEL: func.func @blocks
// CHECK-DAG:   %[[S:.*]] = arith.constant dense<{{.*}}> : tensor<2x3xf32>
// CHECK-DAG:   %[[C2:.*]] = arith.constant 2 : index
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%{{.*}} : tensor<2x6xf32>)
// CHECK:         %[[R:.*]] = linalg.index 0
// CHECK:         %[[C:.*]] = linalg.index 1
// CHECK:         %[[B:.*]] = arith.divui %[[C]], %[[C2]]
// CHECK:         tensor.extract %[[S]][%[[R]], %[[B]]] : tensor<2x3xf32>
func.func @blocks() -> tensor<2x6xf32> {
  %d = mil.const dense<1.5> : tensor<2x6xf32>
  %w = mil.constexpr_blockwise_shift_scale %d
         scale(dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>)
         : tensor<2x6xf32> -> tensor<2x6xf32>
  return %w : tensor<2x6xf32>
}

// -----

// An integer LUT decodes to integers: the lookup reads the i8 LUT and the
// result is signless i8, dequantized by the shift-scale after it.
// CHECK-LABEL: func.func @integer_lut_result
// CHECK-DAG:   %[[LUT:.*]] = arith.constant dense<[-128, -1, 0, 127]> : tensor<4xi8>
// CHECK:       %[[Q:.*]] = linalg.generic
// CHECK:         %[[V:.*]] = tensor.extract %[[LUT]][%{{.*}}] : tensor<4xi8>
// CHECK:         linalg.yield %[[V]] : i8
// CHECK:       } -> tensor<5xi8>
// CHECK:       linalg.generic {{.*}} ins(%[[Q]], %{{.*}} : tensor<5xi8>, tensor<1xf32>)
// CHECK:         arith.sitofp %{{.*}} : i8 to f32
func.func @integer_lut_result() -> tensor<5xf32> {
  %q = mil.constexpr_lut_to_dense lut(dense<[-128, -1, 0, 127]> : tensor<4xi8>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xi8>
  %w = mil.constexpr_blockwise_shift_scale %q scale(dense<0.5> : tensor<1xf32>)
         : tensor<5xi8> -> tensor<5xf32>
  return %w : tensor<5xf32>
}

// -----

// A packed 4-bit blob is read as its bytes and unpacked by a generic:
// element i is the nibble at bit 4i; truncation to i4 keeps its bits, and
// the shift-scale widens them signed (si4) or unsigned (ui4 offset data).
// A dense int4 constant needs no unpacking.
// CHECK-LABEL: func.func @int4_blob
// CHECK:       %[[BYTES:.*]] = arith.constant dense_resource<nibbles> : tensor<3xi8>
// CHECK:       %[[D:.*]] = linalg.generic
// CHECK-SAME:    outs(%{{.*}} : tensor<2x3xi4>)
// CHECK:         %[[R:.*]] = linalg.index 0 : index
// CHECK:         %[[C:.*]] = linalg.index 1 : index
// CHECK:         %[[ROW:.*]] = arith.muli %[[R]], %c3
// CHECK:         %[[L:.*]] = arith.addi %[[ROW]], %[[C]]
// CHECK:         %[[BIT:.*]] = arith.muli %[[L]], %c4
// CHECK:         %[[AT:.*]] = arith.divui %[[BIT]], %c8
// CHECK:         tensor.extract %[[BYTES]][%[[AT]]] : tensor<3xi8>
// CHECK:         arith.shrui
// CHECK:         arith.andi %{{.*}}, %c15_i32
// CHECK:         %[[E:.*]] = arith.trunci %{{.*}} : i32 to i4
// CHECK:         linalg.yield %[[E]] : i4
// CHECK:       %[[OFFSET:.*]] = arith.constant dense<-8> : tensor<1x1xi4>
// CHECK:       linalg.generic {{.*}} ins(%[[D]], %{{.*}}, %[[OFFSET]] : tensor<2x3xi4>, tensor<1x1xf32>, tensor<1x1xi4>)
// CHECK:         arith.sitofp %{{.*}} : i4 to f32
func.func @int4_blob() -> tensor<2x3xf32> {
  %d = mil.const dense_resource<nibbles> : tensor<2x3xsi4>
  %w = mil.constexpr_blockwise_shift_scale %d scale(dense<1.0> : tensor<1x1xf32>)
         offset(dense<-8> : tensor<1x1xsi4>) : tensor<2x3xsi4> -> tensor<2x3xf32>
  return %w : tensor<2x3xf32>
}
{-#
  dialect_resources: { builtin: { nibbles: "0x010000002F7810" } }
#-}

// -----

// A sparse weight decodes in order: a loop over the flattened mask carries
// the count of bits seen, and takes the next value at each bit.
// CHECK-LABEL: func.func @sparse_to_dense
// CHECK-DAG:   %[[MASK:.*]] = arith.constant dense<[true, false, true, true]> : tensor<4xi1>
// CHECK-DAG:   %[[DATA:.*]] = arith.constant dense<[1.500000e+00, -2.000000e+00, 4.000000e+00]> : tensor<3xf32>
// CHECK:       %[[ZEROS:.*]] = linalg.fill
// CHECK:       %[[R:.*]]:2 = scf.for %[[I:.*]] = %c0 to %c4 step %c1 iter_args(%[[ACC:.*]] = %[[ZEROS]], %[[K:.*]] = %c0)
// CHECK:         %[[BIT:.*]] = tensor.extract %[[MASK]][%[[I]]] : tensor<4xi1>
// CHECK:         scf.if %[[BIT]]
// CHECK:           %[[V:.*]] = tensor.extract %[[DATA]][%[[K]]] : tensor<3xf32>
// CHECK:           %[[T:.*]] = tensor.insert %[[V]] into %[[ACC]][%[[I]]] : tensor<4xf32>
// CHECK:           %[[K1:.*]] = arith.addi %[[K]], %c1
// CHECK:           scf.yield %[[T]], %[[K1]]
// CHECK:         } else {
// CHECK:           scf.yield %[[ACC]], %[[K]]
// CHECK:       return %[[R]]#0
func.func @sparse_to_dense() -> tensor<4xf32> {
  %m = mil.const dense<[true, false, true, true]> : tensor<4xui1>
  %d = mil.const dense<[1.5, -2.0, 4.0]> : tensor<3xf32>
  %w = mil.constexpr_sparse_to_dense mask(%m : tensor<4xui1>) data(%d : tensor<3xf32>) : tensor<4xf32>
  return %w : tensor<4xf32>
}
