// Bad options fail the pass, before any change, with a message naming the
// option and the allowed values. Each run is on the bundled model, whose
// two weights the defaults would palettize, and the module the failed run
// leaves (-mlir-print-ir-after-failure) must be the input as it was.
// RUN: palettize-opt %src_root/examples/mlp.mlir -o %t.expected.mlir
// RUN: palettize-opt %src_root/examples/mlp.mlir --palettize-weights="nbits=4" \
// RUN:   | FileCheck %s --check-prefix=CHANGED
// Names are read as in configuration files: case-insensitive, '-' and '_'
// alike; the output is the canonical spelling's, byte for byte.
// RUN: palettize-opt %src_root/examples/mlp.mlir -o %t.canonical.mlir \
// RUN:   --palettize-weights="mode=kmeans nbits=2 granularity=per-grouped-channel lut-dtype=int8 progress=off"
// RUN: palettize-opt %src_root/examples/mlp.mlir -o %t.spelled.mlir \
// RUN:   --palettize-weights="mode=KMeans nbits=2 granularity=PER_GROUPED_CHANNEL lut-dtype=Int8 progress=Off"
// RUN: cmp %t.canonical.mlir %t.spelled.mlir
// RUN: not palettize-opt %src_root/examples/mlp.mlir --palettize-weights="mode=foo nbits=4" \
// RUN:   -mlir-print-ir-after-failure 2> %t.1.err
// RUN: FileCheck %s --check-prefix=MODE < %t.1.err
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t.1.err \
// RUN:   | tail -n +2 | diff -B %t.expected.mlir -
// RUN: not palettize-opt %src_root/examples/mlp.mlir --palettize-weights="nbits=5" \
// RUN:   -mlir-print-ir-after-failure 2> %t.2.err
// RUN: FileCheck %s --check-prefix=NBITS < %t.2.err
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t.2.err \
// RUN:   | tail -n +2 | diff -B %t.expected.mlir -
// nbits=0 means "not given".
// RUN: not palettize-opt %src_root/examples/mlp.mlir --palettize-weights="nbits=0" \
// RUN:   -mlir-print-ir-after-failure 2> %t.3.err
// RUN: FileCheck %s --check-prefix=KMEANS < %t.3.err
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t.3.err \
// RUN:   | tail -n +2 | diff -B %t.expected.mlir -
// RUN: not palettize-opt %src_root/examples/mlp.mlir --palettize-weights="nbits=-2" \
// RUN:   -mlir-print-ir-after-failure 2> %t.4.err
// RUN: FileCheck %s --check-prefix=NEGATIVE < %t.4.err
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t.4.err \
// RUN:   | tail -n +2 | diff -B %t.expected.mlir -
// RUN: not palettize-opt %src_root/examples/mlp.mlir --palettize-weights="mode=unique nbits=4" \
// RUN:   -mlir-print-ir-after-failure 2> %t.5.err
// RUN: FileCheck %s --check-prefix=UNIQUE < %t.5.err
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t.5.err \
// RUN:   | tail -n +2 | diff -B %t.expected.mlir -
// RUN: not palettize-opt %src_root/examples/mlp.mlir --palettize-weights="mode=kmeans" \
// RUN:   -mlir-print-ir-after-failure 2> %t.6.err
// RUN: FileCheck %s --check-prefix=KMEANS < %t.6.err
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t.6.err \
// RUN:   | tail -n +2 | diff -B %t.expected.mlir -
// RUN: not palettize-opt %src_root/examples/mlp.mlir --palettize-weights="mode=uniform" \
// RUN:   -mlir-print-ir-after-failure 2> %t.7.err
// RUN: FileCheck %s --check-prefix=UNIFORM < %t.7.err
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t.7.err \
// RUN:   | tail -n +2 | diff -B %t.expected.mlir -
// RUN: not palettize-opt %src_root/examples/mlp.mlir --palettize-weights="nbits=4 weight-threshold=-1" \
// RUN:   -mlir-print-ir-after-failure 2> %t.8.err
// RUN: FileCheck %s --check-prefix=THRESHOLD < %t.8.err
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t.8.err \
// RUN:   | tail -n +2 | diff -B %t.expected.mlir -
// RUN: not palettize-opt %src_root/examples/mlp.mlir --palettize-weights="nbits=4 progress=sometimes" \
// RUN:   -mlir-print-ir-after-failure 2> %t.9.err
// RUN: FileCheck %s --check-prefix=PROGRESS < %t.9.err
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t.9.err \
// RUN:   | tail -n +2 | diff -B %t.expected.mlir -
// RUN: not palettize-opt %src_root/examples/mlp.mlir --palettize-weights="mode=custom lut-function=nope" \
// RUN:   -mlir-print-ir-after-failure 2> %t.custom0.err
// RUN: FileCheck %s --check-prefix=CUSTOM-UNKNOWN < %t.custom0.err
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t.custom0.err \
// RUN:   | tail -n +2 | diff -B %t.expected.mlir -
// RUN: not palettize-opt %src_root/examples/mlp.mlir --palettize-weights="mode=custom" \
// RUN:   -mlir-print-ir-after-failure 2> %t.custom1.err
// RUN: FileCheck %s --check-prefix=CUSTOM-MISSING < %t.custom1.err
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t.custom1.err \
// RUN:   | tail -n +2 | diff -B %t.expected.mlir -
// RUN: not palettize-opt %src_root/examples/mlp.mlir --palettize-weights="nbits=4 lut-function=nope" \
// RUN:   -mlir-print-ir-after-failure 2> %t.custom2.err
// RUN: FileCheck %s --check-prefix=CUSTOM-ONLY < %t.custom2.err
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t.custom2.err \
// RUN:   | tail -n +2 | diff -B %t.expected.mlir -
// RUN: not palettize-opt %src_root/examples/mlp.mlir --palettize-weights="nbits=4 lut-dtype=int4" \
// RUN:   -mlir-print-ir-after-failure 2> %t.10.err
// RUN: FileCheck %s --check-prefix=LUT-DTYPE < %t.10.err
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t.10.err \
// RUN:   | tail -n +2 | diff -B %t.expected.mlir -
// A configuration file replaces the LUT options.
// RUN: not palettize-opt %src_root/examples/mlp.mlir --palettize-weights="nbits=4 config=%t.json" \
// RUN:   -mlir-print-ir-after-failure 2> %t.11.err
// RUN: FileCheck %s --check-prefix=CONFIG < %t.11.err
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t.11.err \
// RUN:   | tail -n +2 | diff -B %t.expected.mlir -
// The default mode is kmeans, which needs nbits.
// RUN: not palettize-opt %src_root/examples/mlp.mlir --palettize-weights \
// RUN:   -mlir-print-ir-after-failure 2> %t.12.err
// RUN: FileCheck %s --check-prefix=KMEANS < %t.12.err
// RUN: sed -n '/IR Dump After PalettizeWeights Failed/,$p' %t.12.err \
// RUN:   | tail -n +2 | diff -B %t.expected.mlir -

// CHANGED-COUNT-2: mil.constexpr_lut_to_dense
// CUSTOM-UNKNOWN: error: palettize-weights: unknown lut-function 'nope'; registered: none (a tool registers them with palettize::registerLutFunction)
// CUSTOM-MISSING: error: palettize-weights: mode=custom requires lut-function, the name of a registered LUT function
// CUSTOM-ONLY: error: palettize-weights: lut-function=nope is only used with mode=custom
// LUT-DTYPE: error: palettize-weights: unknown lut-dtype 'int4'; expected one of: float, int8, uint8
// CONFIG: error: palettize-weights: config={{.*}}.json cannot be combined with other LUT options (here: mode=kmeans nbits=4 weight-threshold=2048); put them in the file's global_config
// MODE: error: palettize-weights: unknown mode 'foo'; expected one of: kmeans, uniform, unique
// NBITS: error: palettize-weights: nbits=5 is not supported; expected one of 1, 2, 3, 4, 6, 8
// NEGATIVE: error: palettize-weights: nbits=-2 is not supported; expected one of 1, 2, 3, 4, 6, 8
// UNIQUE: error: palettize-weights: nbits is not allowed with mode=unique, which picks the smallest of 1, 2, 3, 4, 6, 8 bits that holds the distinct values
// KMEANS: error: palettize-weights: mode=kmeans requires nbits, one of 1, 2, 3, 4, 6, 8
// UNIFORM: error: palettize-weights: mode=uniform requires nbits, one of 1, 2, 3, 4, 6, 8
// THRESHOLD: error: palettize-weights: weight-threshold=-1 must be at least 0
// PROGRESS: error: palettize-weights: unknown progress 'sometimes'; expected one of: auto, on, off

