// Bad sparse settings fail the pass before any change, from the options
// and from configuration files.
// RUN: not palettize-opt %s --palettize-weights="mode=kmeans nbits=4 sparse=on" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MODE
// MODE: error: palettize-weights: unknown sparse 'on'; expected one of: off, auto
// RUN: not palettize-opt %s --palettize-weights="mode=kmeans nbits=4 sparse=auto sparse-threshold=1.5" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=RANGE
// RUN: not palettize-opt %s --palettize-weights="mode=kmeans nbits=4 sparse=auto sparse-threshold=-0.1" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=RANGE
// RANGE: error: palettize-weights: sparse-threshold must be a fraction of zeros in [0, 1]
// RUN: not palettize-opt %s --palettize-weights="mode=kmeans nbits=4 sparse-threshold=0.3" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=UNUSED
// UNUSED: error: palettize-weights: sparse-threshold is only used with sparse=auto
// RUN: echo '{"global_config": {"mode": "kmeans", "nbits": 4, "sparse": "yes"}}' > %t.mode.json
// RUN: not palettize-opt %s --palettize-weights="config=%t.mode.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=FILE-MODE
// FILE-MODE: mode.json:1:{{[0-9]+}}: error: {{.*}}sparse{{.*}}one of "off", "auto"
// RUN: echo '{"global_config": {"mode": "kmeans", "nbits": 4, "sparse": "auto", "sparse_threshold": 2}}' > %t.range.json
// RUN: not palettize-opt %s --palettize-weights="config=%t.range.json" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=FILE-RANGE
// FILE-RANGE: range.json:1:{{[0-9]+}}: error: {{.*}}sparse-threshold must be a fraction of zeros in [0, 1]

func.func @weight() -> tensor<64x64xf32> {
  %0 = arith.constant dense<1.0> : tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}
