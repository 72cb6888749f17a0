// REQUIRES: mlir-runner
// The stock mlir-opt with the plugin lowers a palettized weight with
// palettize-lower-to-llvm, and mlir-runner runs the result: the 2-bit
// weight [[3, 3], [1, 1]] (Core ML's bytes [10, 4], 4 of its 5 indices)
// times [1, 2] is [5, 5].
// RUN: mlir-opt --load-dialect-plugin=%palettize_plugin \
// RUN:   --load-pass-plugin=%palettize_plugin %s \
// RUN:   -p 'builtin.module(palettize-lower-to-llvm{decode=fused})' \
// RUN:   | %mlir_runner | FileCheck %s
// RUN: mlir-opt --load-dialect-plugin=%palettize_plugin \
// RUN:   --load-pass-plugin=%palettize_plugin %s \
// RUN:   -p 'builtin.module(convert-mil-to-linalg{decode=at-load})' \
// RUN:   | FileCheck %s --check-prefix=IR

// CHECK: sizes = [1, 2]
// CHECK-NEXT: {{\[}}[5,   5]]
// IR: memref.global "private" @__palettize_weight_decoded : memref<2x2xf32>
// IR-NOT: mil.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %w = mil.constexpr_lut_to_dense
         lut(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>)
         indices(dense<[10]> : tensor<1xui8>) : tensor<2x2xf32>
  %x = arith.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>)
                     outs(%z : tensor<1x2xf32>) -> tensor<1x2xf32>
  %p = tensor.cast %y : tensor<1x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p) : (tensor<*xf32>) -> ()
  return
}
