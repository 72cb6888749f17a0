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
// The common output is also right: decoded independently, every element is
// its nearest LUT entry.
// RUN: palettize-opt %src_root/examples/mlp.mlir -mlir-print-debuginfo \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.original.mlir
// RUN: palettize-opt %t.threaded.mlirbc \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.palettized.mlir
// RUN: palettize-opt %t.palettized.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t.decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t.original.mlir \
// RUN:   %t.palettized.mlir %t.decoded.mlir --mode kmeans \
// RUN:   | FileCheck %s --check-prefix=VALUES
// Every test input also verifies after the pass (palettize-opt verifies
// after each pass by default); the statistics name what was done.
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="nbits=4 print-statistics=true" -o /dev/null 2>&1 \
// RUN:   | FileCheck %s

// CHECK: palettize-weights: mode=kmeans nbits=4 weight-threshold=2048
// CHECK-NEXT: fc1.weight: tensor<256x384xf16>, 4 bits, 196608 -> 49184 bytes, MSE {{[0-9.]+}}E-{{[0-9]+}}, max error {{[0-9.]+}}E-{{[0-9]+}}, SNR {{[0-9.]+}} dB
// CHECK-NEXT: fc2.weight: tensor<384x10xf16>, 4 bits, 7680 -> 1952 bytes, MSE {{[0-9.]+}}E-{{[0-9]+}}, max error {{[0-9.]+}}E-{{[0-9]+}}, SNR {{[0-9.]+}} dB
// CHECK-NEXT: constants seen: 4, palettized: 2
// CHECK-NEXT: skipped: 2 small, 0 splat, 0 non-finite, 0 too many distinct, 0 unreadable
// 8 * 51136 bytes / 102144 weights = 4.005 bits per weight.
// CHECK-NEXT: bytes: 204288 -> 51136 (3.99x smaller), 4.01 bits per weight, SNR {{[0-9.]+}} dB (parameter-weighted)
// VALUES: 2 of 2 constants decode as expected
