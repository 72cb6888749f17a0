// nbits=auto on five weights (Inputs/mixed-bits.mlir). check_auto.py checks
// the choices against brute force over the report's per-width figures,
// those figures against runs at each fixed width, and the bytes by hand;
// check_report.py checks the final figures against numpy.
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir -mlir-print-debuginfo \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.original.mlir
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=1 weight-threshold=0 report=%t.1.json" -o /dev/null
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=2 weight-threshold=0 report=%t.2.json" -o /dev/null
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=3 weight-threshold=0 report=%t.3.json" -o /dev/null
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=4 weight-threshold=0 report=%t.4.json" -o /dev/null
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=6 weight-threshold=0 report=%t.6.json" -o /dev/null
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=8 weight-threshold=0 report=%t.8.json" -o /dev/null

// min-snr: each constant's smallest width reaching 20 dB.
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=auto min-snr=20 weight-threshold=0 report=%t.snr.json" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.snr.mlir
// RUN: %python %S/Inputs/check_auto.py %t.snr.json --min-snr 20 \
// RUN:   --fixed 1=%t.1.json --fixed 2=%t.2.json --fixed 3=%t.3.json \
// RUN:   --fixed 4=%t.4.json --fixed 6=%t.6.json --fixed 8=%t.8.json | FileCheck %s --check-prefix=OK
// RUN: %python %S/Inputs/check_report.py %t.original.mlir %t.snr.mlir %t.snr.json | FileCheck %s --check-prefix=NUMPY
// OK: ok
// NUMPY: 5 of 5 constants match the report

// A budget of 3.5 bits per weight, optimal against brute force; gauss and
// its copy tie.
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=auto bits-per-weight=3.5 weight-threshold=0 report=%t.budget.json" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.budget.mlir
// RUN: %python %S/Inputs/check_auto.py %t.budget.json --bits-per-weight 3.5 \
// RUN:   --fixed 1=%t.1.json --fixed 3=%t.3.json --fixed 8=%t.8.json | FileCheck %s --check-prefix=OK
// RUN: %python %S/Inputs/check_report.py %t.original.mlir %t.budget.mlir %t.budget.json | FileCheck %s --check-prefix=NUMPY
// And with uniform LUTs, a budget of 5.
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="mode=uniform nbits=auto bits-per-weight=5 weight-threshold=0 report=%t.uniform.json" -o /dev/null
// RUN: %python %S/Inputs/check_auto.py %t.uniform.json --bits-per-weight 5 | FileCheck %s --check-prefix=OK

// Scales and 8-bit LUTs move the entries after clustering, so each width
// is compressed and decoded: the figures are still those of fixed runs.
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=auto min-snr=15 weight-threshold=0 granularity=per-grouped-channel group-size=8 channel-axis=1 per-channel-scale=true lut-dtype=int8 report=%t.scaled.json" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.scaled.mlir 2>/dev/null
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=2 weight-threshold=0 granularity=per-grouped-channel group-size=8 channel-axis=1 per-channel-scale=true lut-dtype=int8 report=%t.scaled2.json" -o /dev/null 2>/dev/null
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=6 weight-threshold=0 granularity=per-grouped-channel group-size=8 channel-axis=1 per-channel-scale=true lut-dtype=int8 report=%t.scaled6.json" -o /dev/null 2>/dev/null
// RUN: %python %S/Inputs/check_auto.py %t.scaled.json --min-snr 15 --fixed 2=%t.scaled2.json \
// RUN:   --fixed 6=%t.scaled6.json --int8-scaled | FileCheck %s --check-prefix=OK
// RUN: %python %S/Inputs/check_report.py %t.original.mlir %t.scaled.mlir %t.scaled.json | FileCheck %s --check-prefix=NUMPY-SCALED
// uniformish's 20 channels are no multiple of 8: left alone.
// NUMPY-SCALED: 4 of 4 constants match the report

// Vectors of 2 (cluster-dim), each width built: a budget of 3 against
// brute force, and its figures against fixed runs.
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=auto bits-per-weight=3 weight-threshold=0 cluster-dim=2 report=%t.vectors.json" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=0 -o %t.vectors.mlir
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=2 weight-threshold=0 cluster-dim=2 report=%t.vectors2.json" -o /dev/null
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=6 weight-threshold=0 cluster-dim=2 report=%t.vectors6.json" -o /dev/null
// RUN: %python %S/Inputs/check_auto.py %t.vectors.json --bits-per-weight 3 --vectors 2 \
// RUN:   --fixed 2=%t.vectors2.json --fixed 6=%t.vectors6.json | FileCheck %s --check-prefix=OK
// RUN: %python %S/Inputs/check_report.py %t.original.mlir %t.vectors.mlir %t.vectors.json | FileCheck %s --check-prefix=NUMPY

// Only the smallest widths fit: 1-bit indices and 2-entry LUTs take 52, 52,
// 48 (f32: 40 + 8), 58 (50 + 8) and 52 bytes, 2096 bits for 1872 weights;
// floor(1.11966 * 1872) = 2096.
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=auto bits-per-weight=1.11966 weight-threshold=0 report=%t.tight.json" -o /dev/null
// RUN: %python %S/Inputs/check_auto.py %t.tight.json --bits-per-weight 1.11966 | FileCheck %s --check-prefix=TIGHT
// TIGHT-COUNT-5: : 1 bits by bits_per_weight
// TIGHT: budget: 2096 of 2096 bits
// TIGHT: ok
// A budget beyond what 64 bits count is no limit: 8 bits everywhere.
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=auto bits-per-weight=1e300 weight-threshold=0 report=%t.huge.json" -o /dev/null
// RUN: %python %S/Inputs/check_auto.py %t.huge.json --bits-per-weight 1e300 | FileCheck %s --check-prefix=HUGE
// HUGE-COUNT-5: : 8 bits by bits_per_weight
// One bit less than that cannot be met: an error before any change.
// RUN: not palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=auto bits-per-weight=1.1196 weight-threshold=0" -o %t.none.mlir 2>&1 \
// RUN:   | FileCheck %s --check-prefix=INFEASIBLE
// RUN: not ls %t.none.mlir
// INFEASIBLE: error: palettize-weights: bits-per-weight=1.1196 cannot be met: the palettized constants take at least 1.120 bits per weight

// A min-snr no width reaches: 8 bits, with a warning at each constant.
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=auto min-snr=90 weight-threshold=0 report=%t.high.json" -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=HIGH
// RUN: %python %S/Inputs/check_auto.py %t.high.json --min-snr 90 | FileCheck %s --check-prefix=OK
// HIGH: mixed-bits.mlir:{{[0-9]+}}:{{[0-9]+}}: warning: palettize-weights: constant 'gauss': no width reaches min-snr=90 dB; 8 bits give {{[0-9.]+}} dB

// write-config: the chosen widths as a config file which, passed back,
// gives the same output, and writes the same file again.
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="nbits=auto bits-per-weight=3.5 weight-threshold=0 write-config=%t.recipe.yaml" -o %t.auto.mlir
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="config=%t.recipe.yaml write-config=%t.recipe2.yaml" -o %t.again.mlir
// RUN: cmp %t.auto.mlir %t.again.mlir
// RUN: cmp %t.recipe.yaml %t.recipe2.yaml
// RUN: FileCheck %s --check-prefix=RECIPE < %t.recipe.yaml
// RECIPE:      config_type: OpPalettizerConfig
// RECIPE-NEXT: global_config: null
// RECIPE-NEXT: op_name_configs:
// RECIPE-NEXT:   "gauss": {mode: kmeans, nbits: {{[1-8]}}, granularity: per_tensor, group_size: 32, channel_axis: null, cluster_dim: 1, enable_per_channel_scale: false, lut_dtype: float, weight_threshold: 0}
// RECIPE-NEXT:   "laplace": {mode: kmeans,
// RECIPE-NEXT:   "twomodes": {mode: kmeans,
// RECIPE-NEXT:   "uniformish": {mode: kmeans,
// RECIPE-NEXT:   "gauss_copy": {mode: kmeans,

// The same in a config file: an op_name_configs entry with its own min_snr,
// one with an explicit width (counted against the budget), the rest by the
// budget of global_config.
// RUN: rm -rf %t.dir && mkdir %t.dir
// RUN: echo '{"global_config": {"nbits": "auto", "bits_per_weight": 3.5, "weight_threshold": 0}, "op_name_configs": {"laplace": {"nbits": "auto", "min_snr": 20, "weight_threshold": 0}, "twomodes": {"nbits": 2, "weight_threshold": 0}}}' > %t.dir/auto.json
// RUN: palettize-opt %S/Inputs/mixed-bits.mlir --palettize-weights="config=%t.dir/auto.json report=%t.file.json" -o /dev/null
// RUN: %python %S/Inputs/check_auto.py %t.file.json --bits-per-weight 3.5 | FileCheck %s --check-prefix=FILE
// FILE: gauss: {{[0-9]}} bits by bits_per_weight
// FILE: laplace: {{[0-9]}} bits by min_snr
// FILE: uniformish: {{[0-9]}} bits by bits_per_weight
// FILE: ok
