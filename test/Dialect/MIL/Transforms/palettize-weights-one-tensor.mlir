// A single large tensor: with fewer constants than threads, the work inside
// the constant (DP layers, histogram and gather passes) runs in parallel
// tasks. The output must not change by a byte.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/make_one_tensor.py 512 1024 5 > %t/one.mlir
// RUN: palettize-opt %t/one.mlir --palettize-weights="nbits=6" \
// RUN:   -emit-bytecode -o %t/threaded.mlirbc
// RUN: palettize-opt %t/one.mlir --palettize-weights="nbits=6" \
// RUN:   --mlir-disable-threading -emit-bytecode -o %t/single.mlirbc
// RUN: cmp %t/threaded.mlirbc %t/single.mlirbc
// RUN: palettize-opt %t/threaded.mlirbc | FileCheck %s
// And it is right: every element its nearest entry of the 64.
// RUN: palettize-opt %t/one.mlir -mlir-print-debuginfo \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t/original.mlir
// RUN: palettize-opt %t/threaded.mlirbc \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t/palettized.mlir
// RUN: palettize-opt %t/palettized.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t/decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t/original.mlir \
// RUN:   %t/palettized.mlir %t/decoded.mlir --mode kmeans \
// RUN:   | FileCheck %s --check-prefix=VALUES

// CHECK: mil.constexpr_lut_to_dense "big" lut({{.*}} : tensor<64xf16>) indices(dense_resource<big_indices> : tensor<393216xui8>) : tensor<512x1024xf16>
// VALUES: big: 524288 x f16: ok
