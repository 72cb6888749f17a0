//===- LutBuilders.h - The builders behind buildLut -------------*- C++ -*-===//
//
// Private to the library: the per-path builders buildLut dispatches to, and
// what they share. Builders fill a LutResult's status, entries, indices and
// index bit width; buildLut completes the layout.
//
//   LutBuilder.cpp        dispatch, groups, uniform, f32 unique, shared pieces
//   Histogram16Lut.cpp    f16/bf16 kmeans and unique: a histogram of patterns
//   SortedF32Lut.cpp      f32 kmeans on sorted distinct values
//   HistogramF32Lut.cpp   f32 kmeans on a histogram of the top 16 key bits
//   VectorLut.cpp         vector kmeans and unique (weighted too)
//   Importance.cpp        checks of importances, weighted clustering
//   IndexAssignment.cpp   nearest-entry assignment
//   BitWidthErrors.cpp    the error of every width, sharing the histogram
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LIB_LUT_LUTBUILDERS_H
#define PALETTIZE_LIB_LUT_LUTBUILDERS_H

#include "palettize/Lut/FloatFormats.h"
#include "palettize/Lut/LutBuilder.h"
#include "palettize/Lut/NearestEntry.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace palettize::detail {

//===----------------------------------------------------------------------===//
// The builders
//===----------------------------------------------------------------------===//

/// One scalar palette for `count` elements of `format` at `data`; kmeans
/// weighted by `importance` (valid) when given and not uniform.
LutResult buildScalarLut(const LutConfig &config, const void *data,
                         size_t count, FloatFormat format,
                         ImportanceView importance = {});

/// One vector palette for the vectors of `vectorSize` consecutive elements
/// along `axis` of `tensor`, kmeans weighted per coordinate by `importance`
/// when given (VectorLut.cpp).
LutResult buildVectorLut(const LutConfig &config, const TensorView &tensor,
                         unsigned axis, int64_t vectorSize,
                         ImportanceView importance = {});

/// The distinct values of f16/bf16 bit patterns, ascending, with their
/// counts (Histogram16Lut.cpp).
struct DistinctValues16 {
  std::vector<uint16_t> bits;
  std::vector<double> values, weights;
  bool hasNonFinite = false;
};

/// Counts the patterns of `bits` in a 65,536-bin histogram (in parallel
/// chunks when large) and lists the distinct ones in ascending value order
/// (Histogram16Lut.cpp).
DistinctValues16 countDistinct16(llvm::ArrayRef<uint16_t> bits,
                                 FloatFormat format,
                                 const ParallelFor &parallelFor);

/// countDistinct16 with each distinct value's weight the sum of the
/// importances of its elements (possibly 0); chunks of the sums depend on
/// the input size only, so the result does not depend on `parallelFor`
/// (Histogram16Lut.cpp).
DistinctValues16 countWeightedDistinct16(llvm::ArrayRef<uint16_t> bits,
                                         ImportanceView importance,
                                         FloatFormat format,
                                         const ParallelFor &parallelFor);

/// kmeans or unique for f16/bf16 bit patterns (Histogram16Lut.cpp): the
/// 65,536-bin histogram of patterns is clustered exactly; kmeans with
/// `importance` weighs each pattern by its elements' summed importance.
LutResult buildHistogram16Lut(const LutConfig &config,
                              llvm::ArrayRef<uint16_t> bits, FloatFormat format,
                              ImportanceView importance = {});

/// kmeans for finite f32 values on their sorted distinct values
/// (SortedF32Lut.cpp): exact when distinct values times 2^nbits is at most
/// maxExactWork, else three levels of DP (coarse bins, fine bins between
/// neighbours, values within the fine bins around each boundary).
LutResult buildSortedF32Lut(const LutConfig &config,
                            llvm::ArrayRef<float> values);

/// buildSortedF32Lut weighted by `importance`: the distinct values weigh
/// the sum of their importances (SortedF32Lut.cpp).
LutResult buildWeightedSortedF32Lut(const LutConfig &config,
                                    llvm::ArrayRef<float> values,
                                    ImportanceView importance);

/// kmeans for finite f32 values through a histogram of their top 16 key
/// bits whose boundary buckets are expanded into exact values
/// (HistogramF32Lut.cpp); falls back to buildSortedF32Lut when the buckets
/// are too coarse. With `importance`, buckets and values weigh their summed
/// importance, and those of none are not clustered.
LutResult buildHistogramF32Lut(const LutConfig &config,
                               llvm::ArrayRef<float> values,
                               ImportanceView importance = {});

//===----------------------------------------------------------------------===//
// Shared pieces (LutBuilder.cpp unless noted)
//===----------------------------------------------------------------------===//

/// Elements per task below which a pass over the input is not worth
/// splitting (measured: at 1M elements the extra histograms cost more than
/// the split saves).
constexpr size_t kParallelChunk = size_t(1) << 21;

/// Pads used ascending LUT entries with zeros to 2^nbits entries.
std::vector<float> padLut(std::vector<float> entries, unsigned nbits);

/// Clusters ascending distinct values with the given weights into at most
/// 2^nbits entries rounded to `format` (optimalPartition1D, then
/// computeCentroids); returns the used entries.
std::vector<float> clusterExactly(llvm::ArrayRef<double> values,
                                  llvm::ArrayRef<double> weights,
                                  unsigned nbits, FloatFormat format,
                                  const ParallelFor &parallelFor);

/// clusterExactly over the values of positive weight only (a value of
/// weight 0 pulls nothing, and would divide 0 by 0 in a centroid); when no
/// weight is positive, every value weighs 1 (Importance.cpp).
std::vector<float> clusterPositiveWeights(llvm::ArrayRef<double> values,
                                          llvm::ArrayRef<double> weights,
                                          unsigned nbits, FloatFormat format,
                                          const ParallelFor &parallelFor);

/// The rule that merges adjacent units (values, or bins of values) into
/// bins, for the k-means levels that work on bins: a new bin starts once
/// the current one holds 1/binCount of `totalWeight`, or before a unit that
/// would make it span more than 1/binCount of the range, so there are at
/// most about 2 * binCount bins and none is wide or heavy. Units are
/// ascending; unit u holds weightAt(u) over [lowAt(u), highAt(u)]. Returns
/// the first unit of each bin.
template <typename WeightAt, typename LowAt, typename HighAt>
std::vector<size_t> getBinStarts(size_t unitCount, WeightAt weightAt,
                                 LowAt lowAt, HighAt highAt, double totalWeight,
                                 size_t binCount) {
  std::vector<size_t> starts;
  if (unitCount == 0)
    return starts;
  const double weightLimit = totalWeight / double(binCount);
  const double spanLimit =
      (highAt(unitCount - 1) - lowAt(0)) / double(binCount);
  double weight = 0, binLow = 0;
  for (size_t u = 0; u < unitCount; ++u) {
    if (starts.empty() || weight >= weightLimit ||
        highAt(u) - binLow > spanLimit) {
      starts.push_back(u);
      weight = 0;
      binLow = lowAt(u);
    }
    weight += weightAt(u);
  }
  return starts;
}

/// The f32 value of an ordered key.
inline float keyToFloat(uint32_t key) { return bitsToFloat(keyToBits32(key)); }

/// LSD radix sort of `items` by the 32-bit key `keyOf(item)` gives, in
/// three passes of 11, 11 and 10 bits; stable. `scratch` must have the
/// size of `items`.
template <typename Item, typename KeyOf>
void radixSortBy(std::vector<Item> &items, std::vector<Item> &scratch,
                 KeyOf keyOf) {
  constexpr unsigned kShifts[3] = {0, 11, 22};
  std::array<std::array<size_t, 2048>, 3> counts{};
  for (const Item &item : items) {
    const uint32_t key = keyOf(item);
    for (unsigned pass = 0; pass < 3; ++pass)
      ++counts[pass][(key >> kShifts[pass]) & 0x7FF];
  }
  for (unsigned pass = 0; pass < 3; ++pass) {
    auto &bucket = counts[pass];
    // A pass whose digit is the same for every key changes nothing.
    if (std::find(bucket.begin(), bucket.end(), items.size()) != bucket.end())
      continue;
    size_t offset = 0;
    for (size_t &count : bucket) {
      size_t c = count;
      count = offset;
      offset += c;
    }
    for (const Item &item : items)
      scratch[bucket[(keyOf(item) >> kShifts[pass]) & 0x7FF]++] = item;
    items.swap(scratch);
  }
}

/// Sorts 32-bit keys ascending with an LSD radix sort (three passes of 11,
/// 11 and 10 bits); `scratch` must have the size of `keys`
/// (SortedF32Lut.cpp).
void radixSort(std::vector<uint32_t> &keys, std::vector<uint32_t> &scratch);

/// Copies the elements of channel group `group` (tiling.groupSize channels
/// along tiling.axis) of `tensor` into one buffer, in element order: a
/// tensor of shape [outer, groupSize, inner].
std::vector<char> gatherGroup(const TensorView &tensor, const Tiling &tiling,
                              size_t group);

/// Writes indices[i] = indexByBits[bits[i]], in parallel chunks when large
/// (Histogram16Lut.cpp).
void gatherIndices(llvm::ArrayRef<uint16_t> bits,
                   const std::vector<uint8_t> &indexByBits,
                   std::vector<uint8_t> &indices,
                   const ParallelFor &parallelFor);

//===----------------------------------------------------------------------===//
// Index assignment (IndexAssignment.cpp)
//===----------------------------------------------------------------------===//

/// For `distinctCount` ascending distinct values, returns the index of each
/// one's nearest entry of the ascending `entries`: one merge-like walk,
/// O(distinct + entries), as the nearest entry only moves forward. When
/// every distinct value has an entry of its own, the i-th value takes entry
/// i: that keeps -0 and +0 apart, which a comparison of values cannot.
template <typename ValueAt>
std::vector<uint8_t> assignDistinct(size_t distinctCount, ValueAt valueAt,
                                    llvm::ArrayRef<float> entries) {
  std::vector<uint8_t> assignment(distinctCount);
  if (entries.size() == distinctCount) {
    for (size_t i = 0; i < distinctCount; ++i)
      assignment[i] = uint8_t(i);
    return assignment;
  }
  size_t entry = 0;
  for (size_t i = 0; i < distinctCount; ++i) {
    // The values ascend: each search starts where the last one ended, and
    // the assignment never decreases (thresholds rely on it).
    entry = advanceToNearestEntry(valueAt(i), entries, entry);
    assignment[i] = uint8_t(entry);
  }
  return assignment;
}

/// A threshold above every ordered f32 key: an entry that starts there is
/// never chosen.
constexpr uint64_t kNeverKey = uint64_t(1) << 32;

/// Thresholds for assignByThresholds that map each value to its nearest of
/// the ascending `entries`, the lower one on ties: entry e (e >= 1) starts
/// at the first key whose value lies above the midpoint between e's value
/// and the previous distinct entry's. Duplicated entries are never chosen,
/// so they start where the next distinct entry starts.
std::vector<uint64_t> getThresholds(llvm::ArrayRef<float> entries);

/// Maps each f32 value to its entry through the ascending `thresholds` (the
/// first ordered key of each entry after the first); a table over the top
/// 16 key bits resolves almost every element without a search.
void assignByThresholds(llvm::ArrayRef<float> values,
                        const std::vector<uint64_t> &thresholds,
                        std::vector<uint8_t> &indices);

} // namespace palettize::detail

#endif // PALETTIZE_LIB_LUT_LUTBUILDERS_H
