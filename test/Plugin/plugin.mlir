// The stock mlir-opt loads one shared object through both plugin flags and
// then parses, verifies, prints and transforms mil IR exactly as palettize-opt.
//
// RUN: mlir-opt --load-dialect-plugin=%palettize_plugin \
// RUN:   --load-pass-plugin=%palettize_plugin %s > %t.plugin.mlir
// RUN: palettize-opt %s > %t.driver.mlir
// RUN: diff %t.plugin.mlir %t.driver.mlir
// RUN: FileCheck %s --check-prefix=PRINT < %t.plugin.mlir
//
// Plugin passes run through --pass-pipeline (the flag form is not available
// to plugin passes in the stock mlir-opt).
// RUN: mlir-opt --load-dialect-plugin=%palettize_plugin \
// RUN:   --load-pass-plugin=%palettize_plugin %s \
// RUN:   --pass-pipeline='builtin.module(mil-materialize-constexpr)' > %t.plugin.dec.mlir
// RUN: palettize-opt %s \
// RUN:   --pass-pipeline='builtin.module(mil-materialize-constexpr)' > %t.driver.dec.mlir
// RUN: diff %t.plugin.dec.mlir %t.driver.dec.mlir
// RUN: FileCheck %s --check-prefix=DECODE < %t.plugin.dec.mlir
//
// Pass options work through the pipeline too.
// RUN: mlir-opt --load-dialect-plugin=%palettize_plugin \
// RUN:   --load-pass-plugin=%palettize_plugin %s \
// RUN:   -p 'builtin.module(mil-materialize-constexpr{max-dense-elements=2})' \
// RUN:   | FileCheck %s --check-prefix=BLOB
//
// palettize-weights runs in the stock mlir-opt as in palettize-opt.
// RUN: mlir-opt --load-dialect-plugin=%palettize_plugin \
// RUN:   --load-pass-plugin=%palettize_plugin %s \
// RUN:   -p 'builtin.module(palettize-weights{mode=unique weight-threshold=3})' \
// RUN:   > %t.plugin.pal.mlir
// RUN: palettize-opt %s \
// RUN:   -p 'builtin.module(palettize-weights{mode=unique weight-threshold=3})' \
// RUN:   > %t.driver.pal.mlir
// RUN: diff %t.plugin.pal.mlir %t.driver.pal.mlir
// RUN: FileCheck %s --check-prefix=PALETTIZE < %t.plugin.pal.mlir
//
// A configuration file, per-channel scales and int8 LUTs, then decoding of
// the shift-scale chains, give the same bytes in both tools.
// RUN: mlir-opt --load-dialect-plugin=%palettize_plugin \
// RUN:   --load-pass-plugin=%palettize_plugin %src_root/examples/mlp.mlir \
// RUN:   -p 'builtin.module(palettize-weights{config=%src_root/examples/mlp_config.yaml},mil-materialize-constexpr)' \
// RUN:   -emit-bytecode -o %t.plugin.config.mlirbc
// RUN: palettize-opt %src_root/examples/mlp.mlir \
// RUN:   -p 'builtin.module(palettize-weights{config=%src_root/examples/mlp_config.yaml},mil-materialize-constexpr)' \
// RUN:   -emit-bytecode -o %t.driver.config.mlirbc
// RUN: cmp %t.plugin.config.mlirbc %t.driver.config.mlirbc
// RUN: palettize-opt %t.plugin.config.mlirbc | FileCheck %s --check-prefix=CONFIG
//
// The plugin's passes are listed in mlir-opt's help.
// RUN: mlir-opt --load-pass-plugin=%palettize_plugin --help \
// RUN:   | FileCheck %s --check-prefix=HELP

// PRINT-LABEL: func.func @weights
// PRINT: mil.const "bias" dense<[5.000000e-01, -1.000000e+00]> : tensor<2xf32>
// PRINT: mil.constexpr_lut_to_dense "w" lut(dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>) indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>

// DECODE-LABEL: func.func @weights
// DECODE-NOT: mil.constexpr_lut_to_dense
// DECODE: mil.const "w" dense<[3.000000e+00, 3.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00]> : tensor<5xf32>

// BLOB: mil.const "w" dense_resource<w> : tensor<5xf32>

// PALETTIZE-LABEL: func.func @weights
// PALETTIZE: mil.constexpr_lut_to_dense "w"
// PALETTIZE: %[[T:.*]] = mil.constexpr_lut_to_dense "table" lut(dense<[-1.000000e+00, 5.000000e-01, 2.000000e+00, 0.000000e+00]> : tensor<4xf32>) indices(dense_resource<table_indices> : tensor<1xui8>) : tensor<2x2xf32>
// PALETTIZE: table_indices: "0x0100000091"

// CONFIG: mil.const "fc1.weight" dense_resource<{{.*}}> : tensor<256x384xf16>
// CONFIG: mil.const "fc2.weight" dense_resource<{{.*}}> : tensor<384x10xf16>
// CONFIG-NOT: mil.constexpr

// HELP: --mil-materialize-constexpr
// HELP-NEXT: --max-dense-elements=
// HELP: --palettize-weights
// HELP-NEXT: --bits-per-weight=
// HELP-NEXT: --channel-axis=
// HELP-NEXT: --cluster-dim=
// HELP-NEXT: --config=
// HELP-NEXT: --granularity=
// HELP-NEXT: --group-size=
// HELP-NEXT: --importance=
// HELP-NEXT: --lut-dtype=
// HELP-NEXT: --lut-function=
// HELP-NEXT: --min-snr=
// HELP-NEXT: --mode=
// HELP-NEXT: --nbits=
// HELP-NEXT: --per-channel-scale
// HELP-NEXT: --print-statistics
// HELP-NEXT: --progress=
// HELP-NEXT: --report=
// HELP-NEXT: --sparse=
// HELP-NEXT: --sparse-threshold=
// HELP-NEXT: --weight-threshold=

func.func @weights() -> (tensor<2xf32>, tensor<5xf32>, tensor<2x2xf32>) {
  %b = mil.const "bias" dense<[0.5, -1.0]> : tensor<2xf32>
  %w = mil.constexpr_lut_to_dense "w" lut(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>)
         indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
  %t = mil.const "table" dense<[[0.5, -1.0], [0.5, 2.0]]> : tensor<2x2xf32>
  return %b, %w, %t : tensor<2xf32>, tensor<5xf32>, tensor<2x2xf32>
}
