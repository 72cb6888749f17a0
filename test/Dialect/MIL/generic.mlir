// RUN: palettize-opt %s -split-input-file | FileCheck %s
// RUN: palettize-opt %s -split-input-file | palettize-opt -split-input-file | FileCheck %s

// mil.op keeps any MIL operation: operands bound by number, inline values,
// attributes, result names (used as SSA names), and the types of Core ML
// programs.

// CHECK-LABEL: func.func @generic
func.func @generic(%x: tensor<?x128xf16>, %w: tensor<256x128xf16>) -> tensor<?x256xf16> {
  // CHECK: %fc1_out = mil.op "linear"(%{{.*}}, %{{.*}}) {attrs = {info = #mil.serialized_value<"\12\06">}, inputs = {bias = [dense<0.000000e+00> : tensor<256xf16>], weight = [1 : index], x = [0 : index]}, name = "fc1", result_names = ["fc1_out"]} : (tensor<?x128xf16>, tensor<256x128xf16>) -> tensor<?x256xf16>
  %y = mil.op "linear"(%x, %w) {
         inputs = {x = [0 : index], weight = [1 : index],
                   bias = [dense<0.0> : tensor<256xf16>]},
         attrs = {info = #mil.serialized_value<"\12\06">},
         name = "fc1", result_names = ["fc1_out"]}
       : (tensor<?x128xf16>, tensor<256x128xf16>) -> tensor<?x256xf16>
  return %y : tensor<?x256xf16>
}

// -----

// CHECK-LABEL: func.func @nested_blocks
func.func @nested_blocks(%n: tensor<i32>, %l: !mil.list<tensor<?x4xf32>, 1>)
    -> (tensor<i32>, !mil.list<tensor<?x4xf32>>) {
  // CHECK: %i, %list = mil.op "while_loop"(%{{.*}}, %{{.*}}) blocks({
  // CHECK-NEXT: ^bb0(%c: tensor<i32>, %cl: !mil.list<tensor<?x4xf32>, 1>):
  // CHECK: mil.yield %{{.*}} : tensor<i1>
  // CHECK: }, {
  // CHECK-NEXT: ^bb0(%b: tensor<i32>, %bl: !mil.list<tensor<?x4xf32>, 1>):
  // CHECK-NEXT: mil.yield %b, %bl : tensor<i32>, !mil.list<tensor<?x4xf32>, 1>
  // CHECK: }) {block_input_names = {{\[\[}}"c", "cl"], ["b", "bl"]]
  %i, %list = mil.op "while_loop"(%n, %l) blocks({
  ^bb0(%a: tensor<i32>, %al: !mil.list<tensor<?x4xf32>, 1>):
    %t = mil.op "less"(%a) {inputs = {x = [0 : index], y = [dense<4> : tensor<i32>]}, result_names = ["t"]} : (tensor<i32>) -> tensor<i1>
    mil.yield %t : tensor<i1>
  }, {
  ^bb0(%a: tensor<i32>, %al: !mil.list<tensor<?x4xf32>, 1>):
    mil.yield %a, %al : tensor<i32>, !mil.list<tensor<?x4xf32>, 1>
  }) {inputs = {loop_vars = [0 : index, 1 : index]},
      block_input_names = [["c", "cl"], ["b", "bl"]],
      result_names = ["i", "list"]}
    : (tensor<i32>, !mil.list<tensor<?x4xf32>, 1>) -> (tensor<i32>, !mil.list<tensor<?x4xf32>>)
  return %i, %list : tensor<i32>, !mil.list<tensor<?x4xf32>>
}

// -----

// CHECK-LABEL: func.func @types
// CHECK-SAME: tensor<2x!mil.string>
// CHECK-SAME: !mil.dict<tensor<!mil.string>, tensor<f32>>
// CHECK-SAME: !mil.state<tensor<1x64xf16>>
// CHECK-SAME: tuple<tensor<i32>, tensor<ui4>>
func.func @types(%s: tensor<2x!mil.string>, %d: !mil.dict<tensor<!mil.string>, tensor<f32>>,
                 %st: !mil.state<tensor<1x64xf16>>, %t: tuple<tensor<i32>, tensor<ui4>>) {
  // CHECK: mil.const "names" dense<["a", "b"]> : tensor<2x!mil.string>
  %0 = mil.const "names" dense<["a", "b"]> : tensor<2x!mil.string>
  return
}
