// Bad options fail the pass, before any change, with a message naming the
// option and the allowed values.
// RUN: not palettize-opt %s --palettize-weights="mode=foo nbits=4" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MODE
// RUN: not palettize-opt %s --palettize-weights="nbits=5" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NBITS
// nbits=0 means "not given".
// RUN: not palettize-opt %s --palettize-weights="nbits=0" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=KMEANS
// RUN: not palettize-opt %s --palettize-weights="nbits=-2" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NEGATIVE
// RUN: not palettize-opt %s --palettize-weights="mode=unique nbits=4" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=UNIQUE
// RUN: not palettize-opt %s --palettize-weights="mode=kmeans" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=KMEANS
// RUN: not palettize-opt %s --palettize-weights="mode=uniform" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=UNIFORM
// RUN: not palettize-opt %s --palettize-weights="nbits=4 weight-threshold=-1" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=THRESHOLD
// RUN: not palettize-opt %s --palettize-weights="nbits=4 progress=sometimes" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=PROGRESS
// RUN: not palettize-opt %s --palettize-weights="nbits=4 lut-dtype=int4" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=LUT-DTYPE
// A configuration file replaces the LUT options.
// RUN: not palettize-opt %s --palettize-weights="nbits=4 config=%t.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=CONFIG
// The default mode is kmeans, which needs nbits.
// RUN: not palettize-opt %s --palettize-weights 2>&1 \
// RUN:   | FileCheck %s --check-prefix=KMEANS

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
// MODE-NOT: mil.constexpr_lut_to_dense

func.func @w() -> tensor<64x64xf32> {
  %0 = arith.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %1 = tensor.empty() : tensor<64x64xf32>
  return %1 : tensor<64x64xf32>
}
