//===- LutBuilder.h - Build a palette for a tensor --------------*- C++ -*-===//
//
// Turns the values of an f16, bf16 or f32 tensor into a lookup table (LUT) of
// 2^nbits entries and one index per element, in one of three modes:
//
//  * kmeans:  the LUT minimising the total squared reconstruction error,
//             k = min(distinct values, 2^nbits) centroids of an optimal 1-D
//             k-means weighted by multiplicity. f16 and bf16 go through a
//             65,536-bin histogram of bit patterns, so their clustering cost
//             does not grow with the tensor: O(n) + O(k * 65536 * 16) at most
//             (O(65536 * 16) per penalized solve when k >= 16).
//             f32 tensors are sorted (radix sort, O(n)) or, when large,
//             summarised by a 65,536-bucket histogram of their top 16 bits
//             whose boundary buckets are then expanded into exact values.
//             When distinct values times 2^nbits is at most `maxExactWork`
//             the clustering is exact,
//             otherwise three levels of exact DP: on max(binCount, 16k) bins
//             of adjacent values; on 16x finer bins with every boundary free
//             to move between its neighbours (repeated until stable); on the
//             true values with every boundary free within the fine bins
//             around it. Each level can only lower the error.
//  * uniform: lo = min, hi = max, lut[i] = lo + i * (hi - lo) / (2^n - 1),
//             index = round_half_to_even((w - lo) / (hi - lo) * (2^n - 1));
//             a constant tensor maps to index 0.
//  * unique:  the sorted distinct values (by bit pattern, so -0 and +0 both
//             survive), zero-padded; nbits is the smallest of 1, 2, 3, 4, 6, 8
//             that holds them; more than 256 distinct values is reported.
//
// Every LUT entry is representable in the tensor's format, the used entries
// are ascending, unused entries are 0, and each element maps to its nearest
// entry (ties to the lower index). Non-finite inputs are reported, never
// clustered. Results depend only on the multiset of values: not on element
// order, threads or anything else.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LUT_LUTBUILDER_H
#define PALETTIZE_LUT_LUTBUILDER_H

#include "palettize/Lut/FloatFormats.h"
#include "palettize/Lut/Importance.h"
#include "palettize/Lut/LutLayout.h"
#include "palettize/Lut/Parallel.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace palettize {

/// How the LUT is built.
///
/// `Custom` is a LUT function the caller supplies (coremltools'
/// `lut_function`); the builders here make none and report
/// `UnsupportedMode`, and checkCustomLut validates what the function gave.
enum class LutMode { KMeans, Uniform, Unique, Custom };

/// Outcome of building a LUT.
enum class LutStatus {
  Success,
  /// The tensor holds NaN or infinity.
  NonFiniteValues,
  /// unique mode: more than 256 distinct values.
  TooManyDistinctValues,
  /// nbits is not one of 1, 2, 3, 4, 6, 8 (kmeans, uniform).
  UnsupportedBitWidth,
  /// The mode cannot build this kind of LUT (uniform with vectors; custom,
  /// which the caller builds).
  UnsupportedMode,
  /// A custom LUT function returned a LUT checkCustomLut rejects.
  InvalidCustomLut,
  /// An importance is negative, NaN or infinite.
  InvalidImportance,
};

/// Tuning of the f32 k-means path; the defaults meet the 0.1% bound.
struct KMeansOptions {
  /// Inputs whose distinct values times palette size is at most this are
  /// clustered exactly (the DP's cost grows with that product).
  size_t maxExactWork = size_t(1) << 18;
  /// Least number of coarse bins the first, global DP runs on when there
  /// are more distinct values (at least 16 per cluster are used);
  /// refinement uses 16 times as many fine bins.
  size_t binCount = 1024;
  /// Upper bound on the rounds of each refinement level.
  unsigned maxRefinementRounds = 16;
  /// Optional executor for the DP's layers and the passes over large
  /// inputs; results are identical with or without it.
  ParallelFor parallelFor;
  /// f32 tensors with more elements than this are clustered through a
  /// histogram instead of a sort at every nbits (at nbits <= 6 always).
  size_t minHistogramElements = size_t(1) << 22;
};

struct LutConfig {
  LutMode mode = LutMode::KMeans;
  /// Index bit width for kmeans and uniform; ignored (chosen) for unique.
  unsigned nbits = 0;
  KMeansOptions kmeans;
};

/// The storage of a row-major tensor of f16, bf16 or f32 values.
struct TensorView {
  const void *data = nullptr;
  FloatFormat format = FloatFormat::F32;
  llvm::SmallVector<int64_t, 4> shape;

  TensorView(const void *data, FloatFormat format,
             llvm::ArrayRef<int64_t> shape)
      : data(data), format(format), shape(shape.begin(), shape.end()) {}
  /// A rank-1 tensor of f32 values.
  TensorView(llvm::ArrayRef<float> values)
      : TensorView(values.data(), FloatFormat::F32, {int64_t(values.size())}) {}
  /// A rank-1 tensor of f16 or bf16 values given as their bit patterns.
  TensorView(llvm::ArrayRef<uint16_t> values, FloatFormat format)
      : TensorView(values.data(), format, {int64_t(values.size())}) {}

  /// Returns the number of elements.
  size_t getElementCount() const;
};

/// The palettes of a tensor and the index of every element (vector).
struct LutResult {
  LutStatus status = LutStatus::Success;
  /// Where the palettes and indices go in the tensor, and the LUT's shape;
  /// complete when status is Success.
  LutLayout layout;
  /// layout.getGroupCount() palettes of layout.getPaletteSize() rows of
  /// layout.vectorSize values, group-major. Every entry is representable
  /// in the tensor's format; rows past a palette's last used one are 0.
  std::vector<float> entries;
  /// One index per element (per vector), in row-major order of the index
  /// grid (the shape with the vector axis divided by the vector size).
  std::vector<uint8_t> indices;
  /// Number of distinct bit patterns among the values of a per-tensor
  /// scalar palette, when computed (0 otherwise, and for f32 k-means on
  /// large tensors, which never enumerates them).
  size_t distinctCount = 0;

  /// Returns the index bit width: each palette has 2^n rows.
  unsigned getIndexBitWidth() const { return layout.indexBitWidth; }
  bool succeeded() const { return status == LutStatus::Success; }
};

/// Builds the LUT of `tensor` cut as `tiling` says:
///  * one scalar palette for the whole tensor (the default tiling);
///  * one palette per group of tiling.groupSize consecutive channels along
///    tiling.axis (Core ML's per-grouped-channel granularity), each group's
///    elements palettized on their own; for unique, nbits is the largest
///    any group needs;
///  * vectors: every tiling.vectorSize consecutive elements along
///    tiling.axis form one point, and the points (of each group) are
///    clustered together. kmeans dedupes the vectors, seeds with greedy
///    k-means++ (as scikit-learn does, from fixed seeds), runs Lloyd
///    iterations close to convergence and then Hartigan's single-point
///    moves, and keeps the best of several seeds (1 to 8, screened from 4
///    to 16 by their first rounds, run through config.kmeans.parallelFor
///    when set; from 2 max(16384, 128 k) distinct vectors on, they compete
///    on a weighted coreset and the best finishes on all vectors); it never makes more clusters than distinct
///    vectors, and each vector takes its nearest stored row. With importances,
///    up to three seeds of weighted Lloyd. unique palettizes the distinct
///    vectors; uniform has no vector form.
/// The axis size must be a multiple of the group size, and the group size
/// of the vector size. Groups are independent and run through
/// config.kmeans.parallelFor when it is set. Deterministic.
///
/// With `importance` (one per element of `tensor`, in its order), kmeans
/// minimises sum_i imp_i * (w_i - lut[idx_i])^2 with the same guarantees:
/// scalar palettes cluster the distinct values (f32 histogram buckets)
/// weighted by their summed importance, exact for f16/bf16 and for f32
/// within the bound above, on the same paths as without importance;
/// vectors run weighted Lloyd with one weight per coordinate. Values of zero
/// importance do not pull any entry; they take their nearest entry (a vector:
/// its nearest row under the weighted distance, ties broken by the plain
/// distance). A palette whose elements' importances are all equal (all zero
/// included) is built as without importance, bit for bit. uniform and unique
/// ignore importance.
LutResult buildLut(const LutConfig &config, const TensorView &tensor,
                   const Tiling &tiling = {}, ImportanceView importance = {});

/// A row-major tensor seen around one axis: element (o, c, i) is at
/// (o * channels + c) * inner + i.
struct AxisSplit {
  int64_t outer = 1, channels = 1, inner = 1;
};

/// Splits `shape` around `axis`.
AxisSplit splitAroundAxis(llvm::ArrayRef<int64_t> shape, unsigned axis);

/// Checks the result of a custom LUT function for `count` elements of
/// `format`: a palette of 2, 4, 8, 16, 64 or 256 finite entries, each
/// exactly representable in `format`, and one index per element below the
/// palette size. Returns why not, or std::nullopt when it is usable.
std::optional<std::string> checkCustomLut(llvm::ArrayRef<float> lut,
                                          llvm::ArrayRef<uint32_t> indices,
                                          size_t count, FloatFormat format);

/// Parses a mode name: "kmeans", "uniform", "unique" or "custom".
std::optional<LutMode> parseLutMode(llvm::StringRef name);

/// Returns the smallest supported index bit width whose palette holds
/// `distinct` values, or 0 if none does (more than 256).
unsigned getSmallestBitWidthFor(size_t distinct);

} // namespace palettize

#endif // PALETTIZE_LUT_LUTBUILDER_H
