// A small version of the model-scale benchmark (bench/model_scale.py): a
// generated 2M-parameter transformer-like model in bytecode. Asserts only
// correctness: the output verifies, decoding it gives lut[index] as an
// independent decoder computes it, every element is its nearest LUT entry
// in the original weights, and threading does not change a byte.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %src_root/bench/make_model.py --params 2M --dtype f16 \
// RUN:   --out %t/model --bytecode --opt palettize-opt
// RUN: palettize-opt %t/model.mlirbc --palettize-weights="nbits=4" \
// RUN:   -emit-bytecode -o %t/threaded.mlirbc
// RUN: palettize-opt %t/model.mlirbc --palettize-weights="nbits=4" \
// RUN:   --mlir-disable-threading -emit-bytecode -o %t/single.mlirbc
// RUN: cmp %t/threaded.mlirbc %t/single.mlirbc
// RUN: palettize-opt %t/threaded.mlirbc --verify-diagnostics \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t/palettized.mlir
// RUN: palettize-opt %t/palettized.mlir \
// RUN:   --mil-materialize-constexpr="max-dense-elements=0" -o %t/decoded.mlir
// RUN: palettize-opt %t/model.mlirbc -mlir-print-debuginfo \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t/original.mlir
// RUN: %python %S/Inputs/check_palettized.py %t/original.mlir \
// RUN:   %t/palettized.mlir %t/decoded.mlir --mode kmeans | FileCheck %s
// Progress, forced on, ends with every constant and parameter done.
// RUN: palettize-opt %t/model.mlirbc --palettize-weights="nbits=4 progress=on" \
// RUN:   -o /dev/null 2>&1 | FileCheck %s --check-prefix=PROGRESS

// CHECK: embedding: 131072 x f16: ok
// CHECK: layer4.attn.out: 16384 x f16: ok
// CHECK: layer8.mlp.down: 65536 x f16: ok
// CHECK: 55 of 55 constants decode as expected
// PROGRESS: palettize-weights: 55/55 constants, 1.9M/1.9M parameters, {{[0-9.]+}} s
