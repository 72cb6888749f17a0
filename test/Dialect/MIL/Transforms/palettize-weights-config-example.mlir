// The bundled configuration example on the bundled model: fc1.weight takes
// the linalg.matmul entry, fc2.weight its own name's entry. %zero1, a small
// splat shared by a linalg.matmul and an arith.maximumf whose entries
// differ, is no conflict: neither entry would palettize it. Both results
// decode as the independent numpy evaluation does, and each element is its
// nearest entry of its group's (dequantized) LUT.
// RUN: palettize-opt %src_root/examples/mlp.mlir -mlir-print-debuginfo \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.original.mlir
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   --palettize-weights="config=%src_root/examples/mlp_config.yaml print-statistics=true" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.mlir 2>%t.stats.txt
// RUN: FileCheck %s --check-prefix=STATS < %t.stats.txt
// RUN: palettize-opt %t.mlir --mil-materialize-constexpr="max-dense-elements=0" \
// RUN:   -o %t.decoded.mlir
// RUN: %python %S/Inputs/check_palettized.py %t.original.mlir %t.mlir \
// RUN:   %t.decoded.mlir --mode kmeans | FileCheck %s

// STATS: palettize-weights: config={{.*}}mlp_config.yaml
// STATS: fc1.weight: tensor<256x384xf16>, 4 bits x 12 groups along axis 1, int8 LUT,
// STATS: fc2.weight: tensor<384x10xf16>, 8 bits, scales along axis 1,
// STATS: constants seen: 4, palettized: 2
// STATS: skipped: 2 small

// CHECK: fc1.weight: 98304 x f16: ok
// CHECK: fc2.weight: 3840 x f16: ok
