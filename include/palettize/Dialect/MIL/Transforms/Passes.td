//===- Passes.td - palettize passes ------------------------*- tablegen -*-===//

#ifndef PALETTIZE_TRANSFORMS_PASSES_TD
#define PALETTIZE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def MILMaterializeConstexpr : Pass<"mil-materialize-constexpr"> {
  let summary = "Decode every mil constexpr op into a mil.const";
  let description = [{
    Replaces each `mil.constexpr_lut_to_dense` and
    `mil.constexpr_blockwise_shift_scale` with a `mil.const` holding its
    decoded value: `lut[index]` for every element, copied bit for bit from
    the LUT, and `scale * (data - offset)` per block, computed as that op
    documents. Ops that feed each other (an 8-bit LUT dequantized by a
    shift-scale, a LUT op rescaled per channel) are decoded in program
    order, producers first. This is the inverse of palettization
    (coremltools' `decompress_weights`) and lets any consumer see plain
    constants.

    Results with more than `max-dense-elements` elements are stored as a new
    `dense_resource` blob (named after the op's `name`, or `mil_decoded`),
    so that large weights never go through `DenseElementsAttr` uniquing;
    smaller ones become inline `dense` attributes. The op's `name` carries
    over to the constant.

    Example:

    ```mlir
    %0 = mil.constexpr_lut_to_dense
           lut(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>)
           indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
    ```

    becomes

    ```mlir
    %0 = mil.const dense<[3.0, 3.0, 1.0, 1.0, 1.0]> : tensor<5xf32>
    ```

    An op whose data cannot be read (a `dense_resource` without a blob), or
    whose decoded result would take more than `max-result-bytes`, fails the
    pass with an error at its location; nothing is allocated for it.
  }];
  let options = [
    Option<"maxDenseElements", "max-dense-elements", "int64_t",
           /*default=*/"1024",
           "Largest decoded result, in elements, stored inline as dense<...>; "
           "larger results become dense_resource blobs">,
    Option<"maxResultBytes", "max-result-bytes", "int64_t",
           /*default=*/"::palettize::kDefaultMaxResultBytes",
           "Largest decoded result, in bytes, the pass allocates (default "
           "16 GiB); a larger one is an error at its op">
  ];
  let dependentDialects = ["::palettize::mil::MILDialect"];
}

def PalettizeWeights : Pass<"palettize-weights"> {
  let summary = "Compress large float constants into a LUT and packed indices";
  let description = [{
    Replaces every large float constant with a `mil.constexpr_lut_to_dense`
    of the same type: a lookup table (LUT) of `2^nbits` values and one
    `nbits`-bit index per element, packed in Core ML's layout. This is
    `coremltools.optimize.coreml.palettize_weights` for MLIR.

    **Candidates** are `mil.const` and `arith.constant` ops, anywhere in the
    IR (nested regions included), whose value is an `f16`, `bf16` or `f32`
    tensor of rank >= 2, `dense` or `dense_resource`, with *more than*
    `weight-threshold` elements. Rank 0 and 1 tensors (biases, scales) and
    splat constants (already one value) are left alone, as is everything
    else in the program.

    **Modes** (`mode`):

    * `kmeans` (default): the LUT that minimises the total squared error, an
      optimal 1-D k-means weighted by value multiplicity; exact for `f16` and
      `bf16`, and for `f32` exact when distinct values x 2^nbits <= 262,144,
      otherwise within 0.1% of the optimum; deterministic.
    * `uniform`: `lut[i] = lo + i * (hi - lo) / (2^n - 1)` over the
      constant's range, each element rounded (half to even) to its level.
    * `unique`: the LUT is the constant's distinct values, with the smallest
      of 1, 2, 3, 4, 6, 8 bits that holds them; `nbits` is not allowed.
    * `custom`: `lut-function=<name>` names a C++ function the tool
      registered with `palettize::registerLutFunction` (coremltools'
      `lut_function`); it maps the constant's values (as f32) to a LUT of
      2, 4, 8, 16, 64 or 256 entries and one index per element, which the
      pass checks (sizes, indices in range, entries finite and
      representable in the element type) and fails on with an error at the
      constant. One scalar LUT per tensor; `nbits`, `per-grouped-channel`
      and `cluster-dim` are not allowed, `per-channel-scale` and
      `lut-dtype` are.

    The LUT has the constant's element type, its used entries ascending and
    unused ones zero; every element maps to its nearest entry. Indices go
    into a new `dense_resource` blob named after the constant (its `name`
    attribute or `NameLoc`, else `weight`) with an `_indices` suffix; the
    LUT is an inline `dense` attribute.

    **Granularity**: with `granularity=per-grouped-channel`, the channels
    along the channel axis are split into groups of `group-size` (0: one
    group of all channels) and each group gets its own LUT; the result uses
    the grouped LUT form `[1, .., groups, .., 1, 2^nbits, 1]`. The axis is
    `channel-axis`, or when that is -1 it is inferred from the consumers.
    For a linalg structured op (named, with explicit indexing maps, or
    `linalg.generic`) it is read from the indexing maps: the weight axis
    whose loop also indexes the output, and if several do, the one no other
    input uses; so `N` for a matmul's `[K, N]` right-hand operand (`0` when
    it is transposed, `[N, K]`), `M` for its left-hand operand, `OC` for a
    `linalg.conv_2d_nhwc_hwcf` filter `[KH, KW, IC, OC]`, `C` for a
    depthwise filter. For TOSA, from the documented layouts:
    `tosa.depthwise_conv2d` weights `[KH, KW, C, M]` axis 2,
    `tosa.matmul` operands `[N, H, C]` / `[N, C, W]` axes 1 / 2. Anything
    else, elementwise uses included, gives axis 0 (`[Cout, ...]` weights:
    `tosa.conv2d`, fully-connected layers). Constants whose consumers
    disagree, or whose channel count is not a multiple of the group size,
    are left unchanged with a warning. With `unique`, all groups use the
    width the largest group needs.

    **Vector palettization**: with `cluster-dim=d` (d > 1), every d
    consecutive values along the channel axis (given or inferred as above)
    form one point; `kmeans` clusters the points in d dimensions (greedy
    k-means++ from fixed seeds, bounded Lloyd, Hartigan's single-point moves,
    best of 1 to 8 seeds screened from 4, 8 or 16 by their first rounds,
    never more clusters than distinct vectors) and
    `unique`
    takes the distinct vectors. The result has a `[1, .., 1, 2^nbits, d]`
    LUT and `vector_axis` set. `uniform` has no vector form and is
    rejected. With `per-grouped-channel` too, each group of `group-size`
    channels (a multiple of d) gets its own vector palette:
    `[1, .., groups, .., 1, 2^nbits, d]`.

    **Per-channel scale**: with `per-channel-scale=true`, each channel
    (along the channel axis, given or inferred as above) is divided by its
    largest magnitude (an all-zero channel by 1) before the LUT is built,
    and the result is a `mil.constexpr_blockwise_shift_scale` of those
    scales on top of the LUT op (named `<name>_normalized`). The constant
    itself is never modified: one left unchanged keeps its values.

    **8-bit LUTs**: with `lut-dtype=int8`, each LUT is stored as `i8` in a
    `mil.const` (`<name>_lut_quantized`) with one scale per LUT,
    `max|v| / 127`, and dequantized by a `mil.constexpr_blockwise_shift_scale`
    (`<name>_lut`) that feeds the LUT op; `lut-dtype=uint8` stores `ui8`
    with a scale and a zero point per LUT over `[min(v, 0), max(v, 0)]`.
    Scales have the constant's element type. Each element (each vector)
    then moves to its nearest dequantized entry (row), the lower index on
    ties. With `unique`, an 8-bit LUT is lossy.

    **Mixed bit widths**: `nbits=auto` (kmeans and uniform) gives each
    constant its own width among 1, 2, 3, 4, 6, 8, measured on the
    constant itself at every width (with a float LUT and no per-channel
    scale, one histogram per LUT group serves all widths; otherwise each
    width is compressed and decoded), by exactly one of:

    * `min-snr=<dB>`: the smallest width whose reconstruction reaches that
      SNR; 8 bits, with a warning at the constant, when none does;
    * `bits-per-weight=<b>`: a budget for the model: the widths minimise
      the parameter-weighted relative error
      `sum_t n_t * SSE_t / ||W_t||^2` with the stored bits (indices, LUTs,
      8-bit LUT scales and zero points, per-channel scales) of all
      palettized constants at most `floor(b * their elements)`. This
      multiple-choice knapsack is solved exactly (a search over partial
      assignments bounded by its Lagrangian relaxation); were the search to
      stop at its node limit, a warning gives the gap to the Lagrangian
      bound. A budget the 1-bit widths
      already exceed fails the pass, saying how many bits per weight the
      smallest widths take.

    In a configuration file, `nbits: auto` goes with `min_snr` in the same
    entry, or with the model-wide `bits_per_weight` of `global_config`
    (the only entry it may appear in); constants of entries with an
    explicit `nbits` keep it and count against the budget. The report
    gives, for each chosen constant, `chosen_by` and every width's bytes
    and SNR, and the budget's `allocation` (objective, lower bound,
    whether proven optimal).

    **Recipes**: `write-config=<file.yaml>` writes the settings every
    palettized constant got, as a configuration file of `op_name_configs`
    by constant name (and `global_config: null`); passed back as
    `config=`, it gives the same output, byte for byte, and writes the same
    file. A palettized constant without a name, constants of one name
    palettized differently, and a name a consumer shares with a palettized
    constant fail the pass before any change, at the constant.

    **Configuration file**: `config=<file>` (JSON or YAML) gives each
    constant its own settings, shaped like coremltools'
    `OptimizationConfig.from_dict` for `OpPalettizerConfig`:

    ```json
    {"config_type": "OpPalettizerConfig",
     "global_config": {"mode": "kmeans", "nbits": 4},
     "op_type_configs": {"linalg.conv_2d_nhwc_hwcf": {"mode": "kmeans",
                                                       "nbits": 6},
                         "linalg.batch_matmul": null},
     "op_name_configs": {"lm_head.weight": {"mode": "uniform", "nbits": 8}}}
    ```

    Each entry takes the keys `mode`, `nbits` (or `auto`, with
    `min_snr`, or `bits_per_weight` in `global_config`), `granularity`
    (`per_tensor`, `per_grouped_channel`), `group_size`, `channel_axis`
    (null: inferred), `cluster_dim`, `enable_per_channel_scale`,
    `lut_dtype` (`int8`, `uint8`, or `fp16`/`fp32`/`float` for the
    constant's own type), `weight_threshold` (null: no threshold) and
    `num_kmeans_workers`
    (accepted, unused: LUTs are computed on MLIR's thread pool), with
    coremltools' defaults; `null` means "leave it alone". A constant whose
    name (its `name` attribute, else its `NameLoc`) has an
    `op_name_configs` entry takes it. Otherwise each consumer contributes
    the entry of its own name, else of its op type (`op_type_configs`, keyed
    by operation name), else `global_config` (absent: null), and all must
    agree: a constant that consumers' entries would palettize differently
    (or only some would palettize) fails the pass with an error naming
    both; one that none would palettize (null, small or splat) is no
    conflict. Unknown keys, bad values and syntax
    errors fail the pass with the file, line and column, the key and the
    allowed values. The LUT options (`mode` to `lut-dtype`) must then keep
    their defaults.

    **Core ML programs.** In a module marked as a Core ML program (the
    `mil.spec_version` attribute `palettize-translate --import-coreml` and
    `palettize-coreml` set), the pass follows the rules of Core ML's tools:
    only `f16` and `f32` constants of rank 2 or more with more than
    `weight-threshold` elements; a constant that feeds only the block's
    outputs (`func.return`, `mil.yield`) or a constexpr op is left alone;
    the channel axis comes from each consumer's MIL op type (`conv`,
    `linear` and others: axis 0; `conv_transpose`: 1; `matmul`'s `y`: the
    last axis, the one before with `transpose_y`, and `x` the other way
    round), and a constant whose consumers disagree is left alone with a
    warning even per tensor; the new ops are named `<name>_palettized`
    (`<name>_palettized_pcs` for a per-channel scale); and `op_type_configs`
    keys without a dot are MIL op types (`conv`, `linear`), so that a Core
    ML tools configuration file works unchanged. Constants these rules
    leave alone are reported with `left_alone: coreml_rule`.

    **Left unchanged, with a warning at the constant's location**: constants
    holding NaN or infinity (e.g. attention masks), and in `unique` mode
    constants with more than 256 distinct values.

    Names given to `mode`, `granularity`, `lut-dtype` and `progress` are
    read as in configuration files: case-insensitive, with `-` and `_`
    alike (`per_grouped_channel`, `KMeans`); `lut-dtype` also takes
    coremltools' `fp16` and `fp32` for the constant's own type.

    **Errors**: an unknown `mode`, `granularity` or `lut-dtype`, an
    `nbits` other than 1, 2, 3, 4, 6, 8, a missing `nbits` for
    `kmeans`/`uniform`, an `nbits` given with `unique`, a negative
    `weight-threshold` or `group-size`, a `channel-axis` below -1, a
    `cluster-dim` below 1 or above 1 with `uniform`, a `group-size` that is
    not a multiple of `cluster-dim`, a bad configuration file or one combined with
    other LUT options fail the pass before any change.

    LUTs are computed in parallel on the context's thread pool and the IR is
    rewritten sequentially in program order, so the output does not depend on
    the number of threads.

    On long runs `progress` reports, on stderr, the constants and parameters
    done and the elapsed time; by default only when stderr is a terminal.

    **Importance** (sensitivity-weighted k-means): `importance=<file>` names
    a safetensors file holding, for a constant named `n` (its `name`
    attribute, else its `NameLoc`), a tensor `n` of the constant's shape of
    non-negative importances (F32, F16 or BF16: a Fisher-information
    estimate such as the mean squared gradient). kmeans then minimises
    `sum_i imp_i * (w_i - lut[idx_i])^2` with the unweighted guarantees: the
    1-D optimum stays exact for f16/bf16 (each distinct value weighs its
    elements' summed importance) and within 0.1% for large f32, in every
    granularity; vectors (`cluster-dim`) run weighted Lloyd with one weight
    per coordinate. Elements of importance 0 pull no entry and take their
    nearest one. With `per-channel-scale`, the weights also carry each
    channel's squared scale, so the objective is the weighted error of the
    decoded values. A tensor of equal importances builds the unweighted LUT,
    bit for bit. The report's and `print-statistics`' MSE and SNR, and
    `nbits=auto`'s choice, are then weighted too (MSE:
    `sum imp e^2 / sum imp`; SNR: `sum imp w^2 / sum imp e^2`); the max
    error stays that of any element. The file is mapped, not read into
    memory. A constant without a tensor is palettized unweighted, with a
    remark; a tensor of zeros leaves it unweighted with a warning; tensors
    that name no constant get one warning. A file that cannot be read, a
    shape that differs from the constant's, and a negative, NaN or infinite
    importance fail the pass before any change, naming the file and the
    tensor. `uniform`, `unique` and `custom` ignore importances;
    `importance` with one of them (without `config`) is an error. With
    `config`, the file's kmeans entries are weighted; `write-config` records
    settings, not importances, so its recipe reproduces a weighted run when
    given the same `importance` file again.

    **Pruned weights** (`sparse=auto`): a constant whose index-grid points
    (elements, or vectors with `cluster-dim`, zero when all their values
    are; `-0.0` is zero) are at least `sparse-threshold` zeros becomes a
    `mil.constexpr_lut_to_sparse` (the `ui1` mask of its non-zero points,
    their packed indices, the LUT) feeding a `mil.constexpr_sparse_to_dense`,
    when the mask and indices are smaller than dense indices (for `unique`
    and `custom`, when the whole form is). Every LUT is built from its
    group's non-zero points alone, with their importances; zeros decode to
    `+0.0`. A `mil.constexpr_sparse_to_dense` of constants (a pruned
    weight) is decoded and palettized the same way, or left as it was.

    `print-statistics=true` prints, to stderr, the counts of constants seen,
    palettized and skipped (by reason), for each palettized constant its
    shape, bits, bytes before and after, mean squared error, largest
    absolute error and SNR, and the totals: bytes, ratio, bits per weight
    and the parameter-weighted SNR. The same counts are pass statistics
    (`-mlir-pass-statistics`), which only an MLIR built with statistics
    enabled (assertions on) records.

    **Report**: `report=<file.json>` writes the same figures as JSON: the
    run's `settings`, one record per constant considered (in program order)
    with its `name`, `location`, `shape`, `type` and `elements`, then either
    `palettized: true` with `mode`, `nbits`, `granularity`, `luts`,
    `group_size`, `channel_axis`, `cluster_dim`, `per_channel_scale`,
    `lut_type`, `bytes_before`, `bytes_after` (indices, LUTs, 8-bit LUT
    scales and zero points, per-channel scales), `mse`, `max_abs_error` and
    `snr_db`, or `palettized: false` with `left_alone` (`small`, `splat`,
    `too_large`, `non_finite`, `too_many_distinct`, `unreadable`,
    `no_channel_cut`, `config`) and a `reason` in words; and the `totals`
    over the palettized constants: `bytes_before`, `bytes_after`, `ratio`,
    `bits_per_weight` (8 x bytes after / elements) and the
    parameter-weighted error `weighted_relative_error`
    (`sum_t n_t * SSE_t / ||W_t||^2 / sum_t n_t`) with its SNR
    `weighted_snr_db` (`-10 log10` of it). Errors compare the decoded
    constant (as `mil-materialize-constexpr` decodes it) with the original,
    in double precision; an SNR is null when the reconstruction is exact
    (JSON has no infinity). `report=<file.html>` writes a self-contained
    page instead (inline CSS and SVG, no scripts): the totals, a chart of
    each constant's bits and SNR, and the table. The file is opened before
    any change, so an unwritable path fails the pass with the IR untouched.

    Example (`mode=unique`, `weight-threshold=0`):

    ```mlir
    %w = arith.constant dense<[[0.5, -1.0], [0.5, 2.0]]> : tensor<2x2xf32>
    ```

    becomes

    ```mlir
    %w = mil.constexpr_lut_to_dense
           lut(dense<[-1.0, 0.5, 2.0, 0.0]> : tensor<4xf32>)
           indices(dense_resource<weight_indices> : tensor<1xui8>)
           : tensor<2x2xf32>
    // weight_indices: "0x0100000091": indices [1, 0, 1, 2], 2 bits each
    ```
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"kmeans\"",
           "How the LUT is built: kmeans, uniform, unique or custom">,
    Option<"nbits", "nbits", "::palettize::BitWidthOption",
           /*default=*/"::palettize::BitWidthOption()",
           "Index bit width, one of 1, 2, 3, 4, 6, 8, or auto to choose one "
           "per constant (kmeans and uniform; not allowed for unique)">,
    Option<"minSnr", "min-snr", "double", /*default=*/"0",
           "nbits=auto: give each constant the smallest width whose LUT "
           "reaches this SNR, in dB">,
    Option<"bitsPerWeight", "bits-per-weight", "double", /*default=*/"0",
           "nbits=auto: choose the widths that minimise the "
           "parameter-weighted relative error within this many stored bits "
           "per weight">,
    Option<"weightThreshold", "weight-threshold", "int64_t",
           /*default=*/"2048",
           "Only constants with more than this many elements are "
           "palettized">,
    Option<"granularity", "granularity", "std::string",
           /*default=*/"\"per-tensor\"",
           "One LUT per tensor (per-tensor) or per group of output "
           "channels (per-grouped-channel)">,
    Option<"groupSize", "group-size", "int64_t", /*default=*/"32",
           "per-grouped-channel: channels per group; 0 means the whole "
           "channel axis">,
    Option<"channelAxis", "channel-axis", "int64_t", /*default=*/"-1",
           "The channel axis of per-grouped-channel, cluster-dim and "
           "per-channel-scale; -1 infers it from the constant's consumers">,
    Option<"clusterDim", "cluster-dim", "int64_t", /*default=*/"1",
           "Vector palettization: values per LUT row, consecutive along the "
           "channel axis (kmeans and unique; 1 = scalars)">,
    Option<"perChannelScale", "per-channel-scale", "bool",
           /*default=*/"false",
           "Divide each channel (along the channel axis) by its max-abs "
           "before clustering and store the scales in a "
           "mil.constexpr_blockwise_shift_scale">,
    Option<"lutDtype", "lut-dtype", "std::string", /*default=*/"\"float\"",
           "LUT storage: float (the constant's type), int8 (one scale per "
           "LUT) or uint8 (one scale and zero point per LUT)">,
    Option<"lutFunction", "lut-function", "std::string", /*default=*/"\"\"",
           "mode=custom: the name of a LUT function the tool registered "
           "(palettize::registerLutFunction)">,
    Option<"sparse", "sparse", "std::string", /*default=*/"\"off\"",
           "Pruned weights: auto stores a constant with at least "
           "sparse-threshold of zeros as a mask and its palettized non-zeros "
           "(mil.constexpr_lut_to_sparse) when that is smaller; off (the "
           "default) never does">,
    Option<"sparseThreshold", "sparse-threshold", "double",
           /*default=*/"0.5",
           "sparse=auto: the least fraction of zero elements (of zero "
           "vectors with cluster-dim) for the sparse form">,
    Option<"configFile", "config", "std::string", /*default=*/"\"\"",
           "JSON or YAML file of per-op settings (global_config, "
           "op_type_configs, op_name_configs); replaces the LUT options">,
    Option<"progress", "progress", "std::string", /*default=*/"\"auto\"",
           "Print progress (constants and parameters done, elapsed time) "
           "to stderr: auto (when stderr is a terminal), on or off">,
    Option<"printStatistics", "print-statistics", "bool",
           /*default=*/"false",
           "Print to stderr what was palettized, skipped and saved, with "
           "each constant's size and reconstruction error">,
    Option<"writeConfig", "write-config", "std::string",
           /*default=*/"\"\"",
           "Write a configuration file (op_name_configs, by constant name) "
           "that reproduces this run's output when passed back as config=; "
           "with nbits=auto, the chosen widths">,
    Option<"report", "report", "std::string", /*default=*/"\"\"",
           "Write what was done to each constant (settings, bytes, MSE, "
           "max error, SNR, or why it was left alone) and the totals to "
           "this .json file, or as a self-contained page to an .html file">,
    Option<"importance", "importance", "std::string", /*default=*/"\"\"",
           "A .safetensors file with one tensor of non-negative importances "
           "per constant name (its shape); kmeans then minimises the "
           "importance-weighted squared error">
  ];
  let statistics = [
    Statistic<"numConstantsSeen", "constants-seen",
              "Float tensor constants of rank >= 2 considered">,
    Statistic<"numPalettized", "constants-palettized",
              "Constants replaced by a constexpr_lut_to_dense">,
    Statistic<"numSkippedSmall", "skipped-small",
              "Constants with at most weight-threshold elements">,
    Statistic<"numSkippedSplat", "skipped-splat",
              "Splat constants (a single stored value)">,
    Statistic<"numSkippedNonFinite", "skipped-non-finite",
              "Constants holding NaN or infinity">,
    Statistic<"numSkippedTooManyDistinct", "skipped-too-many-distinct",
              "unique mode: constants with more than 256 distinct values">,
    Statistic<"numSkippedUnreadable", "skipped-unreadable",
              "Constants whose data could not be read">,
    Statistic<"numSkippedChannels", "skipped-channels",
              "per-grouped-channel: constants whose channel axis is "
              "ambiguous or not divisible into groups">,
    Statistic<"numSkippedByConfig", "skipped-by-config",
              "config: constants whose entry is null">,
    Statistic<"bytesBefore", "bytes-before",
              "Bytes of the palettized constants before">,
    Statistic<"bytesAfter", "bytes-after",
              "Bytes of their LUTs and packed indices after">
  ];
  let dependentDialects = ["::palettize::mil::MILDialect"];
}

def MILWeightsMetadata : Pass<"mil-weights-metadata"> {
  let summary = "Describe every large float constant, as JSON";
  let description = [{
    Writes one JSON record per float constant (`mil.const` or
    `arith.constant` of `f16`, `bf16` or `f32`) with more than
    `weight-threshold` elements, in program order: what
    coremltools' `get_weights_metadata` tells, for planning which constants
    to compress and how. The IR is unchanged.

    Each record holds the constant's `name` (its `name` attribute, else its
    `NameLoc`, else null), `shape`, `type`, `elements`, `sparsity` (the
    fraction of elements with |x| <= 1e-12), `distinct` (distinct values;
    -0 and +0 are one), `min`, `max`, `mean` and `std` (population, ddof 0;
    null when some value is not finite, with `non_finite` counting those),
    and its `consumers`: each use's op name and operand number. A constant
    whose data cannot be read has an `error` instead of the figures, and a
    warning at its location.

    The threshold is strict, as `palettize-weights`' is (coremltools'
    metadata filter keeps constants of exactly the threshold too). The
    records go to standard error unless `output` names a file, since the IR
    goes to standard output.

    Example:

    ```json
    {"weights": [{"name": "fc1_weight", "shape": [256, 128], "type": "f16",
      "elements": 32768, "sparsity": 0, "distinct": 4096, "min": -0.08,
      "max": 0.08, "mean": 0.0001, "std": 0.02, "non_finite": 0,
      "consumers": [{"op": "linalg.matmul", "operand": 1} ] } ] }
    ```
  }];
  let options = [
    Option<"output", "output", "std::string", /*default=*/"\"\"",
           "File to write the records to (default: standard error)">,
    Option<"weightThreshold", "weight-threshold", "int64_t",
           /*default=*/"2048",
           "Only constants with more than this many elements are described">
  ];
}

#endif // PALETTIZE_TRANSFORMS_PASSES_TD
