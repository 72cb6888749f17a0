// RUN: palettize-opt %s -split-input-file --convert-mil-to-linalg=lut-matmul=vector --canonicalize | FileCheck %s

// A matmul of a 4-bit per-tensor weight, 16 columns: loops (m, k step 2);
// each row of the output is first reordered even columns then odd ones;
// per row of the weight, the 8 bytes at k * 8 give the even weights (low
// nibbles) and the odd ones (high nibbles), looked up by gathers, times
// x[m, k], added to the output; then the output row is put back in order.
// CHECK-LABEL: func.func @matvec_4bit
// CHECK-DAG:   %[[BYTES:.*]] = arith.constant dense_resource<packed> : tensor<128xi8>
// CHECK-DAG:   %[[LUT:.*]] = arith.constant dense<{{.*}}> : tensor<16xf32>
// CHECK-DAG:   %[[FIFTEEN:.*]] = arith.constant dense<15> : vector<8xi32>
// CHECK-DAG:   %[[FOUR:.*]] = arith.constant dense<4> : vector<8xi32>
// CHECK-DAG:   %[[C8:.*]] = arith.constant 8 : index
// CHECK:       scf.for %[[M:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] =
// CHECK:         %[[A:.*]] = vector.transfer_read %[[ACC]][%[[M]], %{{.*}}]
// CHECK:         %[[B:.*]] = vector.transfer_read %[[ACC]][%[[M]], %[[C8]]]
// CHECK:         vector.shuffle %[[A]], %[[B]] [0, 2, 4, 6, 8, 10, 12, 14]
// CHECK:         vector.shuffle %[[A]], %[[B]] [1, 3, 5, 7, 9, 11, 13, 15]
// CHECK:         scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %c2 iter_args
// CHECK:           %[[X:.*]] = tensor.extract %arg0[%[[M]], %[[K]]]
// CHECK:           %[[XS:.*]] = vector.broadcast %[[X]] : f32 to vector<8xf32>
// CHECK:           %[[AT:.*]] = arith.muli %[[K]], %[[C8]]
// CHECK:           %[[CHUNK:.*]] = vector.transfer_read %[[BYTES]][%[[AT]]], %{{.*}} {in_bounds = [true]} : tensor<128xi8>, vector<8xi8>
// CHECK:           %[[WIDE:.*]] = arith.extui %[[CHUNK]] : vector<8xi8> to vector<8xi32>
// CHECK:           %[[LOW:.*]] = arith.andi %[[WIDE]], %[[FIFTEEN]]
// CHECK:           %[[EVEN:.*]] = vector.gather %[[LUT]][%{{.*}}] [%[[LOW]]]
// CHECK:           %[[HIGH:.*]] = arith.shrui %[[WIDE]], %[[FOUR]]
// CHECK:           %[[ODD:.*]] = vector.gather %[[LUT]][%{{.*}}] [%[[HIGH]]]
// CHECK:           %[[P:.*]] = arith.mulf %[[XS]], %[[EVEN]] : vector<8xf32>
// CHECK:           arith.addf %{{.*}}, %[[P]] : vector<8xf32>
// CHECK:           %[[Q:.*]] = arith.mulf %[[XS]], %[[ODD]] : vector<8xf32>
// CHECK:           arith.addf %{{.*}}, %[[Q]] : vector<8xf32>
// CHECK:           vector.transfer_write
// CHECK:           vector.transfer_write
// CHECK:         }
// CHECK:         vector.shuffle %{{.*}}, %{{.*}} [0, 8, 1, 9, 2, 10, 3, 11]
// CHECK:         vector.shuffle %{{.*}}, %{{.*}} [4, 12, 5, 13, 6, 14, 7, 15]
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

// 2 bits: eight weights per step, their indices in 2 bytes, lane j takes
// byte j / 4 shifted by (j % 4) * 2; the output row keeps its order.
// CHECK-LABEL: func.func @matvec_2bit
// CHECK-DAG:   arith.constant dense<[0, 2, 4, 6, 0, 2, 4, 6]> : vector<8xi32>
// CHECK:       vector.transfer_read %{{.*}} : tensor<4xi8>, vector<2xi8>
// CHECK:       vector.shuffle %{{.*}}, %{{.*}} [0, 0, 0, 0, 1, 1, 1, 1]
// CHECK:       vector.gather
// CHECK-NOT:   vector.shuffle {{.*}} [0, 2, 4, 6
// CHECK:       return
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
