// Sub-byte constants are packed LSB-first, as Core ML stores them: small
// ones as immediate bytes, large ones (and blobs) in the weight file with
// their padding bits counted. The expected bytes are worked out by hand;
// the independent checker reads them back, and re-importing gives the
// values again.

// RUN: rm -rf %t && mkdir -p %t
// RUN: palettize-translate --export-coreml %s -o %t/out.mlpackage
// RUN: %coreml_check decode %t/out.mlpackage | FileCheck %s --check-prefix=PROTO
// RUN: %coreml_check walk --strict %t/out.mlpackage/Data/com.apple.CoreML/weights/weight.bin \
// RUN:   | FileCheck %s --check-prefix=WALK
// RUN: palettize-translate --import-coreml %t/out.mlpackage | FileCheck %s --check-prefix=BACK

// [1, 2, 3] in 4 bits: byte 0 = 1 | 2 << 4 = 0x21, byte 1 = 3.
// PROTO: values: "nibbles"
// PROTO: dataType: UINT4
// PROTO: bytes {
// PROTO-NEXT: values: "!\003"
// [-1, 2, -8] in int4 (two's complement): 0xF | 2 << 4 = 0x2F, then 0x8.
// PROTO: values: "signed"
// PROTO: dataType: INT4
// PROTO: values: "/\010"
// [1, 2, 3] in 2 bits: 1 | 2 << 2 | 3 << 4 = 0x39, "9".
// PROTO: values: "pairs"
// PROTO: dataType: UINT2
// PROTO: values: "9"
// Twelve 3-bit values 0..7, 0..3 go to the weight file: 36 bits, 5 bytes,
// 4 padding bits.
// PROTO: values: "threes"
// PROTO: blobFileValue
// WALK: weight file: 2 blobs, 7 data bytes
// uint1 is Core ML's packed bit type, not a boolean: [1, 1, 0] is 0b011.
// PROTO: values: "bits"
// PROTO: dataType: UINT1
// PROTO: values: "\003"
// Twelve bits 1 0 1 1 0 0 0 1 | 1 1 1 1 go to the weight file: 0x8D, 0x0F
// (4 padding bits). A boolean stays a boolean.
// PROTO: values: "mask"
// PROTO: dataType: UINT1
// PROTO: blobFileValue
// PROTO: values: "flags"
// PROTO: dataType: BOOL
// PROTO: bools {
// BACK: mil.const "nibbles" dense<[1, 2, 3]> : tensor<3xui4>
// BACK: mil.const "signed" dense<[-1, 2, -8]> : tensor<3xi4>
// BACK: mil.const "pairs" dense<[1, 2, 3]> : tensor<3xui2>
// BACK: mil.const "threes" dense_resource<threes> : tensor<12xui3>
// BACK: mil.const "bits" dense<[true, true, false]> : tensor<3xui1>
// BACK: mil.const "mask" dense_resource<mask> : tensor<12xui1>
// BACK: mil.const "flags" dense<[true, false]> : tensor<2xi1>
// Bits 3i..3i+2 hold value i: 0x88, 0xC6, 0xFA, 0x88, 0x06 (after the
// blob's 4-byte alignment prefix).
// BACK: threes: "0x{{[0-9A-F]+}}88C6FA8806"
// BACK: mask: "0x{{[0-9A-F]+}}8D0F"

module attributes {mil.spec_version = 9 : i64} {
  func.func @main(%x: tensor<3xf32> {mil.name = "x"}) -> tensor<3xf32>
      attributes {mil.opset = "CoreML8"} {
    %a = mil.const "nibbles" dense<[1, 2, 3]> : tensor<3xui4>
    %b = mil.const "signed" dense<[-1, 2, -8]> : tensor<3xi4>
    %p = mil.const "pairs" dense<[1, 2, 3]> : tensor<3xui2>
    %c = mil.const "threes" dense<[0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3]> : tensor<12xui3>
    %u = mil.const "bits" dense<[1, 1, 0]> : tensor<3xui1>
    %m = mil.const "mask" dense<[1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1]> : tensor<12xui1>
    %f = mil.const "flags" dense<[true, false]> : tensor<2xi1>
    %y = mil.op "use"(%x, %a, %b, %p, %c, %u, %m, %f) {inputs = {x = [0 : index], a = [1 : index], b = [2 : index], p = [3 : index], c = [4 : index], u = [5 : index], m = [6 : index], f = [7 : index]}, name = "y", result_names = ["y"]}
        : (tensor<3xf32>, tensor<3xui4>, tensor<3xi4>, tensor<3xui2>, tensor<12xui3>, tensor<3xui1>, tensor<12xui1>, tensor<2xi1>) -> tensor<3xf32>
    return %y : tensor<3xf32>
  }
}
