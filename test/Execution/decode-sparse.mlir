// REQUIRES: mlir-runner
// The sparse ops are lowered first, by convert-mil-to-linalg alone (which
// never folds): the whole pipeline's greedy passes would fold these small
// ops to constants before lowering them, and the lowering would go
// untested.
// RUN: palettize-opt %s --convert-mil-to-linalg=decode=per-call | palettize-opt --palettize-lower-to-llvm | %mlir_runner | FileCheck %s
// RUN: palettize-opt %s --convert-mil-to-linalg=decode=at-load | palettize-opt --palettize-lower-to-llvm | %mlir_runner | FileCheck %s
// RUN: palettize-opt %s --convert-mil-to-linalg=decode=fused | palettize-opt --palettize-lower-to-llvm | %mlir_runner | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<*xf32>) {
  call @printMemrefF32(%t) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  // Core ML's example of constexpr_lut_to_sparse: the 4x6 index mask
  // 110000 110001 011010 000100 (bytes C3 68 21) takes the 1-bit indices
  // 0 1 1 0 1 1 0 0 1 (bytes 36 01) through the LUT [2, 3].
  // CHECK: sizes = [4, 6]
  // CHECK-NEXT: {{\[}}[2,   3,   0,   0,   0,   0],
  // CHECK-NEXT: [3,   2,   0,   0,   0,   3],
  // CHECK-NEXT: [0,   3,   2,   0,   2,   0],
  // CHECK-NEXT: [0,   0,   0,   3,   0,   0]]
  %sm, %sd = mil.constexpr_lut_to_sparse mask(dense_resource<sparse_mask> : tensor<4x6xui1>)
      lut(dense<[2.0, 3.0]> : tensor<2xf32>) indices(dense<[54, 1]> : tensor<2xui8>)
      : tensor<4x6xui1>, tensor<9xf32>
  %s = mil.constexpr_sparse_to_dense mask(%sm : tensor<4x6xui1>) data(%sd : tensor<9xf32>) : tensor<4x6xf32>
  %sc = tensor.cast %s : tensor<4x6xf32> to tensor<*xf32>
  call @print(%sc) : (tensor<*xf32>) -> ()

  // The same indices with vectors of 2 along axis 0, rows [2, 2.5] and
  // [3, 3.5]: each mask row twice, the first lane on the even rows.
  // CHECK: sizes = [8, 6]
  // CHECK-NEXT: {{\[}}[2,   3,   0,   0,   0,   0],
  // CHECK-NEXT: [2.5,   3.5,   0,   0,   0,   0],
  // CHECK-NEXT: [3,   2,   0,   0,   0,   3],
  // CHECK-NEXT: [3.5,   2.5,   0,   0,   0,   3.5],
  // CHECK-NEXT: [0,   3,   2,   0,   2,   0],
  // CHECK-NEXT: [0,   3.5,   2.5,   0,   2.5,   0],
  // CHECK-NEXT: [0,   0,   0,   3,   0,   0],
  // CHECK-NEXT: [0,   0,   0,   3.5,   0,   0]]
  %vm, %vd = mil.constexpr_lut_to_sparse mask(dense_resource<sparse_mask> : tensor<4x6xui1>)
      lut(dense<[[[[2.0, 2.5], [3.0, 3.5]]]]> : tensor<1x1x2x2xf32>)
      indices(dense<[54, 1]> : tensor<2xui8>) vector_axis(0)
      : tensor<8x6xui1>, tensor<18xf32>
  %v = mil.constexpr_sparse_to_dense mask(%vm : tensor<8x6xui1>) data(%vd : tensor<18xf32>) : tensor<8x6xf32>
  %vc = tensor.cast %v : tensor<8x6xf32> to tensor<*xf32>
  call @print(%vc) : (tensor<*xf32>) -> ()

  // A pruned int4 weight: [1, -2, 7] at the bits of 1 0 1 1 0 (0x0D),
  // halved.
  // CHECK: sizes = [5]
  // CHECK-NEXT: [0.5,  0,  -1,  3.5,  0]
  %pm = mil.const dense_resource<five_bits> : tensor<5xui1>
  %pd = mil.const dense<[1, -2, 7]> : tensor<3xi4>
  %pq = mil.constexpr_sparse_to_dense mask(%pm : tensor<5xui1>) data(%pd : tensor<3xi4>) : tensor<5xi4>
  %p = mil.constexpr_blockwise_shift_scale %pq scale(dense<0.5> : tensor<1xf32>)
         : tensor<5xi4> -> tensor<5xf32>
  %pc = tensor.cast %p : tensor<5xf32> to tensor<*xf32>
  call @print(%pc) : (tensor<*xf32>) -> ()
  return
}
{-#
  dialect_resources: {
    builtin: {
      sparse_mask: "0x01000000C36821",
      five_bits: "0x010000000D"
    }
  }
#-}
