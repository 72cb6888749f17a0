// RUN: palettize-opt %s -split-input-file --palettize-avx2-lut-gathers | FileCheck %s

// 16 entries: two registers, vpermps on each, bit 3 chooses.
// CHECK-LABEL: func.func @sixteen
// CHECK-SAME:    (%[[T:.*]]: memref<16xf32>, %[[I:.*]]: vector<8xi32>)
// CHECK-DAG:   %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:   %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:   %[[EIGHT:.*]] = arith.constant dense<8> : vector<8xi32>
// CHECK:       %[[LO:.*]] = vector.transfer_read %[[T]][%[[C0]]], %{{.*}} {in_bounds = [true]} : memref<16xf32>, vector<8xf32>
// CHECK:       %[[PLO:.*]] = llvm.call_intrinsic "llvm.x86.avx2.permps"(%[[LO]], %[[I]])
// CHECK:       %[[HI:.*]] = vector.transfer_read %[[T]][%[[C8]]], %{{.*}} {in_bounds = [true]} : memref<16xf32>, vector<8xf32>
// CHECK:       %[[PHI:.*]] = llvm.call_intrinsic "llvm.x86.avx2.permps"(%[[HI]], %[[I]])
// CHECK:       %[[UP:.*]] = arith.cmpi uge, %[[I]], %[[EIGHT]]
// CHECK:       %[[R:.*]] = arith.select %[[UP]], %[[PHI]], %[[PLO]]
// CHECK:       return %[[R]]
// CHECK-NOT:   vector.gather
func.func @sixteen(%t: memref<16xf32>, %i: vector<8xi32>) -> vector<8xf32> {
  %c0 = arith.constant 0 : index
  %mask = vector.constant_mask [8] : vector<8xi1>
  %pass = arith.constant dense<0.0> : vector<8xf32>
  %v = vector.gather %t[%c0] [%i], %mask, %pass
         : memref<16xf32>, vector<8xi32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  return %v : vector<8xf32>
}

// -----

// 4 entries: one register, read past the table's end with zero padding.
// CHECK-LABEL: func.func @four
// CHECK:       %[[T:.*]] = vector.transfer_read %arg0[%{{.*}}], %{{.*}} : memref<4xf32>, vector<8xf32>
// CHECK-NOT:   in_bounds = [true]
// CHECK:       %[[P:.*]] = llvm.call_intrinsic "llvm.x86.avx2.permps"(%[[T]], %arg1)
// CHECK-NOT:   arith.select
// CHECK:       return %[[P]]
func.func @four(%t: memref<4xf32>, %i: vector<8xi32>) -> vector<8xf32> {
  %c0 = arith.constant 0 : index
  %mask = arith.constant dense<true> : vector<8xi1>
  %pass = arith.constant dense<0.0> : vector<8xf32>
  %v = vector.gather %t[%c0] [%i], %mask, %pass
         : memref<4xf32>, vector<8xi32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  return %v : vector<8xf32>
}

// -----

// Left alone: a 256-entry table, a partial mask, a nonzero offset, f16
// lanes, a tensor table.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-5: vector.gather
// CHECK-NOT:   llvm.call_intrinsic
func.func @left_alone(%big: memref<256xf32>, %t: memref<16xf32>,
                      %h: memref<16xf16>, %tt: tensor<16xf32>,
                      %i: vector<8xi32>)
    -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf16>, vector<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %all = arith.constant dense<true> : vector<8xi1>
  %some = vector.constant_mask [4] : vector<8xi1>
  %pass = arith.constant dense<0.0> : vector<8xf32>
  %passh = arith.constant dense<0.0> : vector<8xf16>
  %a = vector.gather %big[%c0] [%i], %all, %pass
         : memref<256xf32>, vector<8xi32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  %b = vector.gather %t[%c0] [%i], %some, %pass
         : memref<16xf32>, vector<8xi32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  %c = vector.gather %t[%c1] [%i], %all, %pass
         : memref<16xf32>, vector<8xi32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  %d = vector.gather %h[%c0] [%i], %all, %passh
         : memref<16xf16>, vector<8xi32>, vector<8xi1>, vector<8xf16> into vector<8xf16>
  %e = vector.gather %tt[%c0] [%i], %all, %pass
         : tensor<16xf32>, vector<8xi32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  return %a, %b, %c, %d, %e : vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf16>, vector<8xf32>
}
