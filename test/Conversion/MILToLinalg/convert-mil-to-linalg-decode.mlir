// RUN: palettize-opt %s -split-input-file --convert-mil-to-linalg=decode=at-load | FileCheck %s --check-prefix=LOAD
// RUN: palettize-opt %s -split-input-file --convert-mil-to-linalg=decode=fused | FileCheck %s --check-prefix=FUSED
// RUN: palettize-opt %s -split-input-file --convert-mil-to-linalg | FileCheck %s --check-prefix=CALL

// decode=at-load: a buffer and a flag per weight that is read by
// something other than a decode, named after its op (or "weight"), made
// unique; the decode runs under the flag, into the buffer, which the
// consumers read. A LUT decode that only feeds a per-channel scale is
// decoded with it, under its flag.
// LOAD-DAG: memref.global "private" @__palettize_fc1_decoded : memref<4x6xf32> = uninitialized {alignment = 64 : i64}
// LOAD-DAG: memref.global "private" @__palettize_fc1_ready : memref<i1> = dense<false>
// LOAD-DAG: memref.global "private" @__palettize_weight_decoded : memref<4x6xf32>
// LOAD-DAG: memref.global "private" @__palettize_weight_ready : memref<i1>
// LOAD-NOT: memref.global
// LOAD-LABEL: func.func @matmul
// LOAD:       %[[FLAG:.*]] = memref.get_global @__palettize_fc1_ready : memref<i1>
// LOAD:       %[[BUF:.*]] = memref.get_global @__palettize_fc1_decoded : memref<4x6xf32>
// LOAD:       %[[READY:.*]] = memref.load %[[FLAG]][] : memref<i1>
// LOAD:       %[[TODO:.*]] = arith.xori %[[READY]], %true
// LOAD:       scf.if %[[TODO]] {
// LOAD:         %[[V:.*]] = linalg.generic
// LOAD:         bufferization.materialize_in_destination %[[V]] in restrict writable %[[BUF]]
// LOAD:         memref.store %true{{.*}}, %[[FLAG]][] : memref<i1>
// LOAD:       }
// LOAD:       %[[VT:.*]] = bufferization.to_tensor %[[BUF]] restrict : memref<4x6xf32> to tensor<4x6xf32>
// LOAD:       %[[SBUF:.*]] = memref.get_global @__palettize_weight_decoded
// LOAD:       scf.if
// LOAD:         %[[W:.*]] = linalg.generic
// LOAD:         %[[WS:.*]] = linalg.generic
// LOAD-SAME:      ins(%[[W]], %{{.*}} : tensor<4x6xf32>, tensor<4x1xf32>)
// LOAD:         bufferization.materialize_in_destination %[[WS]] in restrict writable %[[SBUF]]
// LOAD:       }
// LOAD:       %[[WST:.*]] = bufferization.to_tensor %[[SBUF]]
// LOAD-NOT:   linalg.generic
// LOAD:       %[[Y:.*]] = linalg.matmul ins(%{{.*}}, %[[WST]] :
// LOAD:       linalg.matmul ins(%{{.*}}, %[[VT]] :

// decode=fused: each matmul is generalized and decodes its weight itself
// (the first through its per-channel scale); no other generic is left.
// FUSED-LABEL: func.func @matmul
// FUSED:       linalg.generic
// FUSED-SAME:    iterator_types = ["parallel", "parallel", "reduction"]
// FUSED-SAME:    ins(%arg0, %{{.*}} : tensor<2x4xf32>, tensor<4x1xf32>)
// FUSED:         tensor.extract %{{.*}} : tensor<12xi8>
// FUSED:         tensor.extract %{{.*}} : tensor<16xf32>
// FUSED:         arith.mulf
// FUSED:         arith.addf
// FUSED:       linalg.generic
// FUSED-SAME:    ins(%arg0 : tensor<2x4xf32>)
// FUSED:         tensor.extract %{{.*}} : tensor<12xi8>
// FUSED-NOT:   linalg.generic
// FUSED-NOT:   linalg.matmul
// FUSED:       return

// decode=per-call: the decodes where the ops were, then the matmuls.
// CALL-LABEL: func.func @matmul
// CALL:       %[[W:.*]] = linalg.generic
// CALL:       %[[V:.*]] = linalg.generic
// CALL:       %[[WS:.*]] = linalg.generic
// CALL-SAME:    ins(%[[W]], %{{.*}} : tensor<4x6xf32>, tensor<4x1xf32>)
// CALL:       linalg.matmul ins(%arg0, %[[WS]] :
// CALL:       linalg.matmul ins(%arg0, %[[V]] :
func.func @matmul(%x: tensor<2x4xf32>) -> tensor<2x6xf32> {
  %w = mil.constexpr_lut_to_dense "fc1"
         lut(dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0,
                    8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]> : tensor<16xf32>)
         indices(dense<[1, 35, 69, 103, 137, 171, 205, 239, 18, 52, 86, 120]>
                 : tensor<12xui8>) : tensor<4x6xf32>
  // A second op of the same name.
  %v = mil.constexpr_lut_to_dense "fc1"
         lut(dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0,
                    8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]> : tensor<16xf32>)
         indices(dense<[1, 35, 69, 103, 137, 171, 205, 239, 18, 52, 86, 120]>
                 : tensor<12xui8>) : tensor<4x6xf32>
  %ws = mil.constexpr_blockwise_shift_scale %w scale(dense<[[1.0], [2.0], [3.0], [4.0]]> : tensor<4x1xf32>)
          : tensor<4x6xf32> -> tensor<4x6xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x6xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x6xf32>) -> tensor<2x6xf32>
  %y = linalg.matmul ins(%x, %ws : tensor<2x4xf32>, tensor<4x6xf32>)
                     outs(%init : tensor<2x6xf32>) -> tensor<2x6xf32>
  %y2 = linalg.matmul ins(%x, %v : tensor<2x4xf32>, tensor<4x6xf32>)
                      outs(%y : tensor<2x6xf32>) -> tensor<2x6xf32>
  return %y2 : tensor<2x6xf32>
}
