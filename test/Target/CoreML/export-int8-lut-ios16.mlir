// An int8 LUT in the iOS16 form (Core ML allows int8 and uint8 LUTs there):
// the LUT attribute is written as INT8 bytes, the independent checker
// decodes it to exactly what --decompress gives, and it imports back as
// the dialect's op. Bytes [10, 4] are indices [2, 2, 0, 0, 0]: the values
// [0, 0, -128, -128, -128].

// RUN: rm -rf %t && mkdir -p %t
// RUN: palettize-translate --export-coreml %s -o %t/lut.mlpackage
// RUN: %coreml_check decode %t/lut.mlpackage | FileCheck %s --check-prefix=PROTO
// RUN: palettize-coreml %t/lut.mlpackage -o %t/dense.mlpackage --decompress --quiet
// RUN: %coreml_check check-palettized %t/lut.mlpackage %t/dense.mlpackage | FileCheck %s --check-prefix=DECODE
// RUN: palettize-translate --import-coreml %t/dense.mlpackage | FileCheck %s --check-prefix=DENSE
// RUN: palettize-translate --import-coreml %t/lut.mlpackage | FileCheck %s --check-prefix=BACK

// PROTO:      type: "constexpr_lut_to_dense"
// PROTO:      key: "lut"
// PROTO-NEXT: value {
// PROTO-NEXT:   type {
// PROTO-NEXT:     tensorType {
// PROTO-NEXT:       dataType: INT8
// DECODE: 1 palettized weights decode to the dense values: constexpr_lut_to_dense (iOS16)
// DENSE: mil.const "q" dense<[0, 0, -128, -128, -128]> : tensor<5xi8>
// BACK: mil.constexpr_lut_to_dense "q" lut(dense<[-128, -1, 0, 127]> : tensor<4xi8>) indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xi8>

module attributes {mil.spec_version = 7 : i64} {
  func.func @main(%x: tensor<5xi8> {mil.name = "x"}) -> tensor<5xi8> attributes {mil.opset = "CoreML6"} {
    %q = mil.constexpr_lut_to_dense "q" lut(dense<[-128, -1, 0, 127]> : tensor<4xi8>) indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xi8>
    %y = mil.op "add"(%x, %q) {inputs = {x = [0 : index], y = [1 : index]}, name = "y", result_names = ["y"]} : (tensor<5xi8>, tensor<5xi8>) -> tensor<5xi8>
    return %y : tensor<5xi8>
  }
}
