// The output does not depend on threading: LUTs are computed in parallel
// but the IR is rewritten in program order.
// RUN: palettize-opt %src_root/examples/mlp.mlir --palettize-weights="nbits=4" \
// RUN:   --mlir-disable-threading -o %t.single.mlir
// RUN: palettize-opt %src_root/examples/mlp.mlir --palettize-weights="nbits=4" \
// RUN:   -o %t.threaded.mlir
// RUN: diff %t.single.mlir %t.threaded.mlir
// RUN: palettize-opt %src_root/examples/mlp.mlir --palettize-weights="nbits=4" \
// RUN:   --mlir-disable-threading -emit-bytecode -o %t.single.mlirbc
// RUN: palettize-opt %src_root/examples/mlp.mlir --palettize-weights="nbits=4" \
// RUN:   -emit-bytecode -o %t.threaded.mlirbc
// RUN: cmp %t.single.mlirbc %t.threaded.mlirbc
// Every test input also verifies after the pass (palettize-opt verifies
// after each pass by default); the statistics name what was done.
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="nbits=4 print-statistics=true" -o /dev/null 2>&1 \
// RUN:   | FileCheck %s

// CHECK: palettize-weights: mode=kmeans nbits=4 weight-threshold=2048
// CHECK-NEXT: fc1.weight: tensor<256x384xf16>, 4 bits, 196608 -> 49184 bytes, SNR {{[0-9.]+}} dB
// CHECK-NEXT: fc2.weight: tensor<384x10xf16>, 4 bits, 7680 -> 1952 bytes, SNR {{[0-9.]+}} dB
// CHECK-NEXT: constants seen: 4, palettized: 2
// CHECK-NEXT: skipped: 2 small, 0 splat, 0 non-finite, 0 too many distinct, 0 unreadable
// CHECK-NEXT: bytes: 204288 -> 51136 (3.99x smaller)
