//===- Transforms.h - Rewrite patterns of the mil passes --------*- C++ -*-===//
//
// The patterns the mil passes are made of, and the steps of palettization
// (plan, compress, emit), for compilers that embed them in their own
// pipelines and drivers. The passes in Passes.td are these patterns plus
// policy: options, configuration files, diagnostics, parallel LUT
// computation.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_DIALECT_MIL_TRANSFORMS_TRANSFORMS_H
#define PALETTIZE_DIALECT_MIL_TRANSFORMS_TRANSFORMS_H

#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Dialect/MIL/Transforms/PalettizeConfig.h"
#include "palettize/Dialect/MIL/Transforms/Passes.h"
#include "palettize/Lut/LutBuilder.h"
#include "palettize/Lut/Metrics.h"
#include "palettize/Lut/Parallel.h"
#include "palettize/Lut/ShiftScale.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/DenseMap.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace palettize {

//===----------------------------------------------------------------------===//
// palettize-weights
//===----------------------------------------------------------------------===//

/// How one constant is palettized: its settings and how its channel axis is
/// cut into LUT groups and vectors.
struct PalettizePlan {
  PalettizeSettings settings;
  /// The constant's element type.
  FloatFormat format = FloatFormat::F32;
  /// The channel axis (of groups, vectors and per-channel scales), the
  /// channels per LUT group (0: one LUT for the whole tensor) and the
  /// values per LUT row (cluster-dim).
  Tiling tiling;
  /// kmeans: one importance per element of the constant (row-major), which
  /// the LUT's squared error is weighted by (buildLut), and its error
  /// figures too; empty for plain k-means. It points into storage the
  /// caller keeps alive until the constant is compressed (palettize-weights
  /// maps its importance file). With per-channel-scale, element i of
  /// channel c weighs imp_i * (s_c / max_c s_c)^2, which makes the objective
  /// the weighted error of the decoded values.
  ImportanceView importance;
};

/// Returns the value of a float constant: a `mil.const` or `arith.constant`
/// whose value is an `f16`, `bf16` or `f32` elements attribute of a static
/// tensor type. Null otherwise.
mlir::ElementsAttr getFloatConstantValue(mlir::Operation *op);

/// Returns the value of a constant palettize-weights can rewrite: a float
/// constant (getFloatConstantValue) of rank >= 2. Null otherwise.
mlir::ElementsAttr getPalettizableValue(mlir::Operation *op);

/// Returns true if `op` is in a Core ML program: a module with the
/// `mil.spec_version` attribute, where palettize-weights follows Core ML's
/// rules.
bool isInCoreMLProgram(mlir::Operation *op);

/// Returns the name palettize-weights gives a constant's results and blobs:
/// its `name` attribute (mil.const), else its NameLoc.
std::optional<std::string> getConstantName(mlir::Operation *op);

/// What planning decided for one constant.
struct PlanOutcome {
  enum class Kind {
    /// Palettize it with `plan`.
    Palettize,
    /// Not more than the settings' weight threshold of elements.
    Small,
    /// A splat: stored as one value already.
    Splat,
    /// A type whose element or byte count does not fit in int64_t (hostile
    /// or corrupt input): it cannot be read.
    TooLarge,
    /// The channel axis cannot be cut as the settings ask (consumers that
    /// disagree on the axis, an axis out of range, channels that are not a
    /// multiple of the group size or cluster-dim); `reason` says which.
    NoChannelCut,
    /// In a Core ML program, a constant Core ML's rules leave alone (not
    /// f16/f32, feeding only the block's outputs or a constexpr op);
    /// `reason` says which.
    CoreMLRule,
  };
  Kind kind = Kind::Palettize;
  PalettizePlan plan;
  std::string reason;
};

/// The part of planning that needs no IR: TooLarge when `value`'s size does
/// not fit in int64_t, Small when it has at most the settings' weight
/// threshold of elements, Splat for a splat, else Palettize.
PlanOutcome::Kind classifyBySize(mlir::ElementsAttr value,
                                 const PalettizeSettings &settings);

/// Plans how `settings` palettize `constant`, for which getPalettizableValue
/// must be non-null: the threshold, splats, and the channel axis (given, or
/// inferred from the consumers: linalg indexing maps, TOSA layouts, Core ML
/// op types, else 0) with its cut into groups and vectors. In a Core ML
/// program, also Core ML's rules: only f16 and f32, not a constant that
/// feeds only block outputs or constexpr ops, and consumers must agree on
/// the channel axis even per tensor.
PlanOutcome planPalettization(mlir::Operation *constant,
                              const PalettizeSettings &settings);

/// The compressed form of one constant, computed without touching the IR.
struct CompressedTensor {
  /// Why the value could not be read, if it could not.
  mil::RawDataError readError = mil::RawDataError::None;
  /// The LUT (with an 8-bit LUT, the values its dequantization gives), its
  /// layout and the status; its one-byte indices are released once packed.
  LutResult lut;
  /// The indices, packed in Core ML's layout. Empty until packed; built
  /// with every field set, as AsmResourceBlob's default constructor leaves
  /// one uninitialized that moves then read.
  mlir::AsmResourceBlob packedIndices{llvm::ArrayRef<char>(), /*align=*/1,
                                      /*deleter=*/nullptr,
                                      /*dataIsMutable=*/false};
  /// lut-dtype=int8/uint8: the stored LUT, its scales and zero points.
  QuantizedLuts quantizedLut;
  /// per-channel-scale: one scale per channel along the channel axis.
  std::vector<float> channelScales;
  /// How far the decoded constant is from the original, when measured.
  std::optional<ReconstructionError> reconstruction;
  /// mode=custom: why the LUT function's result is unusable
  /// (lut.status == LutStatus::InvalidCustomLut).
  std::string customError;
  /// The sparse form (sparse=auto, when chosen): the mask of the non-zero
  /// points of the index grid, packed LSB-first, row-major. The LUT was
  /// built from those points only, and the indices are theirs, in the
  /// mask's order. Empty for the dense form.
  std::vector<uint8_t> sparseMask;

  /// Returns true if the constant is stored in the sparse form.
  bool isSparse() const { return !sparseMask.empty(); }

  /// Returns true if the constant can be rewritten with this result.
  bool succeeded() const {
    return readError == mil::RawDataError::None &&
           lut.status == LutStatus::Success;
  }
};

/// Builds the LUT of `value` as `plan` says and packs its indices; with
/// `measureReconstruction`, also decodes the result as the emitted ops do
/// and measures its error against `value`. Reads the
/// attribute's storage only, so it may run on any thread; `parallelFor`
/// parallelizes the work inside one tensor.
CompressedTensor compressTensor(mlir::ElementsAttr value,
                                const PalettizePlan &plan,
                                const ParallelFor &parallelFor = {},
                                bool measureReconstruction = false);

/// compressTensor on the row-major `bytes` of a tensor of `shape` in
/// plan.format, for values that are not an attribute (a pruned weight
/// decoded from its mask and non-zeros).
CompressedTensor compressTensorData(llvm::ArrayRef<char> bytes,
                                    llvm::ArrayRef<int64_t> shape,
                                    const PalettizePlan &plan,
                                    const ParallelFor &parallelFor = {},
                                    bool measureReconstruction = false);

/// Returns the bytes the palettized form stores: packed indices, LUTs (with
/// their 8-bit scales and zero points), per-channel scales and, in the
/// sparse form, the mask.
uint64_t getCompressedByteCount(const CompressedTensor &compressed,
                                const PalettizePlan &plan);

/// What each index bit width would give one constant, for nbits=auto.
struct BitWidthTrials {
  /// Why the value could not be read, if it could not.
  mil::RawDataError readError = mil::RawDataError::None;
  /// Success, or why no LUT can be built (non-finite values).
  LutStatus status = LutStatus::Success;
  /// Sum of x^2 over the constant.
  double sumSquares = 0;
  struct Trial {
    unsigned nbits = 0;
    /// Sum of (x - decoded)^2 of the result at this width.
    double sumSquaredError = 0;
    /// Bytes the result stores (getCompressedByteCount).
    uint64_t bytes = 0;

    /// Returns 10 log10(sumSquares / sumSquaredError); +infinity if exact.
    double getSnrDb(double sumSquares) const;
  };
  /// One per width measured, ascending from 1: all of 1, 2, 3, 4, 6, 8,
  /// or up to the first that reached the SNR evaluation stopped at.
  std::vector<Trial> trials;

  bool succeeded() const {
    return readError == mil::RawDataError::None && status == LutStatus::Success;
  }
};

/// Measures what `plan`'s settings give `value` at every index bit width
/// (plan.settings.nbits is ignored). With a float LUT and no per-channel
/// scale the work is shared across widths (measureBitWidthErrors); otherwise
/// each width is compressed and decoded in turn. With `stopAtSnrDb` > 0,
/// widths measured one by one stop at the first reaching that SNR (what
/// min-snr needs; f16/bf16 kmeans measures them all at once anyway). With
/// plan.importance, errors and sumSquares are importance-weighted, as the
/// LUTs are. Reads the attribute's storage only, so it may run on any
/// thread.
BitWidthTrials evaluateBitWidths(mlir::ElementsAttr value,
                                 const PalettizePlan &plan,
                                 const ParallelFor &parallelFor = {},
                                 double stopAtSnrDb = 0);

/// Returns the index into trials.trials of the smallest width whose SNR
/// reaches `minSnrDb`, or std::nullopt if none does.
std::optional<size_t> chooseByMinSnr(const BitWidthTrials &trials,
                                     double minSnrDb);

/// Replaces `constant` by its palettized form, built before it with
/// `rewriter`: a `mil.constexpr_lut_to_dense` (fed by a dequantizing
/// `mil.constexpr_blockwise_shift_scale` of a `mil.const` for an 8-bit LUT),
/// under a per-channel `mil.constexpr_blockwise_shift_scale` when scaled.
/// The final op carries the constant's name; the packed indices move into a
/// `dense_resource` blob named `<name>_indices`. Returns the replacement, or
/// failure (and changes nothing) if `compressed` did not succeed.
mlir::FailureOr<mlir::Value> palettizeConstant(mlir::RewriterBase &rewriter,
                                               mlir::Operation *constant,
                                               const PalettizePlan &plan,
                                               CompressedTensor &compressed);

/// Decides, per palettizable constant, whether and how to palettize it: the
/// plan, or std::nullopt to leave it alone. This is where an embedder's
/// policy goes (which constants, which settings).
using PalettizeControlFn =
    std::function<std::optional<PalettizePlan>(mlir::Operation *constant)>;

/// Returns a control that palettizes every constant `settings` select
/// (planPalettization), as palettize-weights does without a config file.
PalettizeControlFn getPalettizeControl(const PalettizeSettings &settings);

/// Compressed tensors computed ahead of the rewrite, by constant; a pattern
/// consumes (removes) the entry of the constant it rewrites.
using PrecomputedTensors = llvm::DenseMap<mlir::Operation *, CompressedTensor>;

/// Adds a pattern that palettizes each constant `control` selects. With
/// `precomputed`, it rewrites only the constants that map holds, with their
/// results (the pass computes them in parallel first); without, it
/// computes each LUT when it matches. Constants whose LUT cannot be built
/// (non-finite values, too many distinct values for unique, an unreadable
/// blob) fail to match.
///
/// Drive it with `walkAndApplyPatterns` (as palettize-weights does), or
/// with the greedy driver with folding disabled: a LUT op of at most 256
/// elements folds back to a constant, which the pattern would palettize
/// again, endlessly. Constant CSE also merges equal constants before they
/// are palettized, which changes their names.
void populatePalettizeWeightsPatterns(
    mlir::RewritePatternSet &patterns, PalettizeControlFn control,
    PrecomputedTensors *precomputed = nullptr);

//===----------------------------------------------------------------------===//
// mil-materialize-constexpr
//===----------------------------------------------------------------------===//

/// Adds patterns that replace each `mil.constexpr_lut_to_dense` and
/// `mil.constexpr_blockwise_shift_scale` whose inputs are constants with a
/// `mil.const` of its decoded value (named after the op). Results of more
/// than `maxDenseElements` elements become `dense_resource` blobs, smaller
/// ones inline `dense` attributes. An op whose data cannot be read (a
/// `dense_resource` without a blob) is reported with an error at its
/// location and left in place. Ops that feed each other decode producers
/// first when the driver visits them in program order (as
/// `walkAndApplyPatterns` does); the constants that fed a decoded op are
/// left to the caller to erase once unused. An op whose decoded result
/// would take more than `maxResultBytes` is reported at its location and
/// left in place, before anything is allocated.
void populateMILMaterializeConstexprPatterns(
    mlir::RewritePatternSet &patterns, int64_t maxDenseElements,
    int64_t maxResultBytes = kDefaultMaxResultBytes);

} // namespace palettize

#endif // PALETTIZE_DIALECT_MIL_TRANSFORMS_TRANSFORMS_H
