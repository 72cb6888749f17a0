// RUN: palettize-opt %s -split-input-file --convert-mil-to-linalg=lut-matmul=vector --canonicalize | FileCheck %s

// A matmul of a 4-bit per-tensor weight: loops (m, k, n step 8); the 4
// bytes of eight indices at byte k * 8 + n / 2, lane j taking byte j / 2
// shifted by (j % 2) * 4, masked to 4 bits, looked up by a gather, times
// x[m, k], added to the output.
// CHECK-LABEL: func.func @matvec_4bit
// CHECK-DAG:   %[[BYTES:.*]] = arith.constant dense_resource<packed> : tensor<128xi8>
// CHECK-DAG:   %[[LUT:.*]] = arith.constant dense<{{.*}}> : tensor<16xf32>
// CHECK-DAG:   %[[SHIFTS:.*]] = arith.constant dense<[0, 4, 0, 4, 0, 4, 0, 4]> : vector<8xi32>
// CHECK-DAG:   %[[MASK:.*]] = arith.constant dense<15> : vector<8xi32>
// CHECK:       scf.for %[[M:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK:         scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK:           %[[X:.*]] = tensor.extract %arg0[%[[M]], %[[K]]]
// CHECK:           %[[XS:.*]] = vector.broadcast %[[X]] : f32 to vector<8xf32>
// CHECK:           scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step %c8
// CHECK:             %[[CHUNK:.*]] = vector.transfer_read %[[BYTES]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<128xi8>, vector<4xi8>
// CHECK:             %[[WIDE:.*]] = arith.extui %[[CHUNK]] : vector<4xi8> to vector<4xi32>
// CHECK:             %[[LANES:.*]] = vector.shuffle %[[WIDE]], %[[WIDE]] [0, 0, 1, 1, 2, 2, 3, 3]
// CHECK:             %[[SH:.*]] = arith.shrui %[[LANES]], %[[SHIFTS]]
// CHECK:             %[[IDX:.*]] = arith.andi %[[SH]], %[[MASK]]
// CHECK:             %[[W:.*]] = vector.gather %[[LUT]][%{{.*}}] [%[[IDX]]]
// CHECK:             %[[Y:.*]] = vector.transfer_read %{{.*}}[%[[M]], %[[N]]]
// CHECK:             %[[P:.*]] = arith.mulf %[[XS]], %[[W]] : vector<8xf32>
// CHECK:             %[[S:.*]] = arith.addf %[[Y]], %[[P]] : vector<8xf32>
// CHECK:             vector.transfer_write %[[S]], %{{.*}}[%[[M]], %[[N]]]
// CHECK-NOT:   linalg.matmul
func.func @matvec_4bit(%x: tensor<2x16xf32>, %init: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %w = mil.constexpr_lut_to_dense
         lut(dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0,
                    8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]> : tensor<16xf32>)
         indices(dense_resource<packed> : tensor<128xui8>) : tensor<16x16xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x16xf32>, tensor<16x16xf32>)
                     outs(%init : tensor<2x16xf32>) -> tensor<2x16xf32>
  return %y : tensor<2x16xf32>
}

// -----

// 2 bits: eight indices in 2 bytes, lane j takes byte j / 4 shifted by
// (j % 4) * 2.
// CHECK-LABEL: func.func @matvec_2bit
// CHECK-DAG:   arith.constant dense<[0, 2, 4, 6, 0, 2, 4, 6]> : vector<8xi32>
// CHECK:       vector.transfer_read %{{.*}} : tensor<4xi8>, vector<2xi8>
// CHECK:       vector.shuffle %{{.*}}, %{{.*}} [0, 0, 0, 0, 1, 1, 1, 1]
func.func @matvec_2bit(%x: tensor<1x2xf32>, %init: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %w = mil.constexpr_lut_to_dense
         lut(dense<[0.5, 1.5, 2.5, 3.5]> : tensor<4xf32>)
         indices(dense<[1, 2, 3, 4]> : tensor<4xui8>) : tensor<2x8xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x8xf32>)
                     outs(%init : tensor<1x8xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

// What the kernel does not compute stays a matmul: 3-bit indices, columns
// that are not a multiple of 8, grouped LUTs, f16 weights, the weight on
// the left.
// CHECK-LABEL: func.func @not_for_the_kernel
// CHECK-COUNT-5: linalg.matmul
// CHECK-NOT:   vector.gather
func.func @not_for_the_kernel(%x: tensor<1x8xf32>, %init: tensor<1x8xf32>,
                              %x4: tensor<1x4xf32>, %init4: tensor<1x4xf32>,
                              %xh: tensor<1x8xf16>, %initl: tensor<8x8xf32>)
    -> (tensor<1x8xf32>, tensor<1x4xf32>, tensor<1x8xf32>, tensor<1x8xf16>, tensor<8x8xf32>) {
  %w3 = mil.constexpr_lut_to_dense
          lut(dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]> : tensor<8xf32>)
          indices(dense<0> : tensor<24xui8>) : tensor<8x8xf32>
  %y3 = linalg.matmul ins(%x, %w3 : tensor<1x8xf32>, tensor<8x8xf32>)
                      outs(%init : tensor<1x8xf32>) -> tensor<1x8xf32>
  %w4 = mil.constexpr_lut_to_dense
          lut(dense<[0.0, 1.0, 2.0, 3.0]> : tensor<4xf32>)
          indices(dense<0> : tensor<4xui8>) : tensor<4x4xf32>
  %y4 = linalg.matmul ins(%x4, %w4 : tensor<1x4xf32>, tensor<4x4xf32>)
                      outs(%init4 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %wg = mil.constexpr_lut_to_dense
          lut(dense<0.0> : tensor<2x1x2x1xf32>)
          indices(dense<0> : tensor<8xui8>) : tensor<8x8xf32>
  %yg = linalg.matmul ins(%x, %wg : tensor<1x8xf32>, tensor<8x8xf32>)
                      outs(%init : tensor<1x8xf32>) -> tensor<1x8xf32>
  %wh = mil.constexpr_lut_to_dense
          lut(dense<0.0> : tensor<2xf16>)
          indices(dense<0> : tensor<8xui8>) : tensor<8x8xf16>
  %inith = tensor.empty() : tensor<1x8xf16>
  %yh = linalg.matmul ins(%xh, %wh : tensor<1x8xf16>, tensor<8x8xf16>)
                      outs(%inith : tensor<1x8xf16>) -> tensor<1x8xf16>
  %wl = mil.constexpr_lut_to_dense
          lut(dense<[0.0, 1.0]> : tensor<2xf32>)
          indices(dense<0> : tensor<1xui8>) : tensor<8x1xf32>
  %yl = linalg.matmul ins(%wl, %x : tensor<8x1xf32>, tensor<1x8xf32>)
                      outs(%initl : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %y3, %y4, %yg, %yh, %yl : tensor<1x8xf32>, tensor<1x4xf32>, tensor<1x8xf32>, tensor<1x8xf16>, tensor<8x8xf32>
}
{-#
  dialect_resources: {
    builtin: {
      packed: "0x0100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    }
  }
#-}
