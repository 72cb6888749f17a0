// RUN: rm -rf %t && mkdir -p %t
// RUN: not palettize-translate --export-coreml %s -o %t/out.mlpackage 2>&1 | FileCheck %s
// A failed export leaves neither a package nor a staging directory.
// RUN: ls -A %t | count 0
// An existing package survives a failed export unchanged.
// RUN: palettize-translate --import-coreml %dtln -o %t/dtln.mlir
// RUN: palettize-translate --export-coreml %t/dtln.mlir -o %t/existing.mlpackage
// RUN: cp -r %t/existing.mlpackage %t/existing.copy
// RUN: not palettize-translate --export-coreml %s -o %t/existing.mlpackage 2>&1 | FileCheck %s
// RUN: diff -r %t/existing.mlpackage %t/existing.copy
// RUN: ls %t | FileCheck %s --check-prefix=LEFT
// LEFT-NOT: partial

module attributes {mil.spec_version = 7 : i64} {
  func.func @main(%x: tensor<4xf32> {mil.name = "x"}) -> tensor<4xf32>
      attributes {mil.opset = "CoreML6"} {
    %w = mil.const "w" dense_resource<w> : tensor<4xf32>
    // CHECK: error: 'arith.constant' has no Core ML form; only mil ops can be exported
    %c = arith.constant dense<1.0> : tensor<4xf32>
    %y = mil.op "add"(%x, %c) {inputs = {x = [0 : index], y = [1 : index]}, name = "y", result_names = ["y"]}
        : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    return %y : tensor<4xf32>
  }
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
