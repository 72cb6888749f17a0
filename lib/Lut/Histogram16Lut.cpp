//===- Histogram16Lut.cpp - f16 and bf16 LUTs through a histogram ---------===//
//
// A 16-bit format has 65,536 bit patterns: one pass counts them, kmeans
// clusters the distinct values exactly (weighted by their counts), and a
// table from pattern to index gives every element its index in one gather.
// Cost: O(n) + the DP on at most 65,536 points, independent of n beyond the
// two passes.
//
//===----------------------------------------------------------------------===//

#include "LutBuilders.h"
#include "palettize/Lut/FloatFormats.h"

#include "llvm/Support/ErrorHandling.h"

#include <algorithm>
#include <cmath>

using namespace palettize;
using namespace palettize::detail;

namespace {

/// Counts of each 16-bit pattern, indexed by ordered key (ascending value).
struct Histogram16 {
  std::vector<uint64_t> countByKey = std::vector<uint64_t>(65536, 0);
  bool hasNonFinite = false;
  size_t distinct = 0;

  Histogram16(llvm::ArrayRef<uint16_t> bits, FloatFormat format,
              const ParallelFor &parallelFor) {
    // Indexing by raw bits is a plain gather; keys are derived per bucket.
    // Large inputs are counted in chunks, one histogram each, then summed.
    const size_t chunks =
        parallelFor && bits.size() >= kParallelChunk
            ? std::min<size_t>(8, bits.size() / kParallelChunk)
            : 1;
    std::vector<std::vector<uint64_t>> partial(chunks,
                                               std::vector<uint64_t>(65536, 0));
    runTasks(parallelFor, chunks, [&](size_t c) {
      const size_t begin = bits.size() * c / chunks;
      const size_t end = bits.size() * (c + 1) / chunks;
      for (size_t i = begin; i < end; ++i)
        ++partial[c][bits[i]];
    });
    std::vector<uint64_t> countByBits = std::move(partial[0]);
    for (size_t c = 1; c < chunks; ++c)
      for (uint32_t pattern = 0; pattern < 65536; ++pattern)
        countByBits[pattern] += partial[c][pattern];
    for (uint32_t pattern = 0; pattern < 65536; ++pattern) {
      if (!countByBits[pattern])
        continue;
      if (isNonFinite16(uint16_t(pattern), format))
        hasNonFinite = true;
      countByKey[orderedKey16(uint16_t(pattern))] = countByBits[pattern];
      ++distinct;
    }
  }
};

} // namespace

void palettize::detail::gatherIndices(llvm::ArrayRef<uint16_t> bits,
                                      const std::vector<uint8_t> &indexByBits,
                                      std::vector<uint8_t> &indices,
                                      const ParallelFor &parallelFor) {
  indices.resize(bits.size());
  const size_t chunks = parallelFor && bits.size() >= kParallelChunk
                            ? std::min<size_t>(8, bits.size() / kParallelChunk)
                            : 1;
  const uint16_t *in = bits.data();
  const uint8_t *table = indexByBits.data();
  uint8_t *out = indices.data();
  const size_t count = bits.size();
  runTasks(parallelFor, chunks, [&](size_t c) {
    // Locals: a byte store could alias anything reached through memory,
    // even the closure, and force reloads of the pointers every element.
    const uint16_t *source = in;
    const uint8_t *lookup = table;
    uint8_t *target = out;
    const size_t begin = count * c / chunks;
    const size_t end = count * (c + 1) / chunks;
    for (size_t i = begin; i < end; ++i)
      target[i] = lookup[source[i]];
  });
}

DistinctValues16
palettize::detail::countDistinct16(llvm::ArrayRef<uint16_t> bits,
                                   FloatFormat format,
                                   const ParallelFor &parallelFor) {
  Histogram16 histogram(bits, format, parallelFor);
  DistinctValues16 distinct;
  distinct.hasNonFinite = histogram.hasNonFinite;
  for (uint32_t key = 0; key < 65536; ++key) {
    if (!histogram.countByKey[key])
      continue;
    uint16_t pattern = keyToBits16(uint16_t(key));
    distinct.bits.push_back(pattern);
    distinct.values.push_back(narrowToFloat(pattern, format));
    distinct.weights.push_back(double(histogram.countByKey[key]));
  }
  return distinct;
}

namespace {

/// Adds importance[i] to weights[bits[i]] for i in [begin, end), with the
/// importances read as `Format` (a loop per format: no dispatch per
/// element). Every weight starts at -0.0 and every importance is added as
/// imp + 0.0 (which turns -0.0 into +0.0), so a weight's sign bit says
/// whether any element had its pattern, without a second table.
template <FloatFormat Format>
void addWeights(const uint16_t *bits, const void *importance, size_t begin,
                size_t end, double *weights) {
  for (size_t i = begin; i < end; ++i)
    weights[bits[i]] += double(readFloat(importance, Format, int64_t(i))) + 0.0;
}

} // namespace

DistinctValues16 palettize::detail::countWeightedDistinct16(
    llvm::ArrayRef<uint16_t> bits, ImportanceView importance,
    FloatFormat format, const ParallelFor &parallelFor) {
  // Sums of doubles depend on their order: the chunks are fixed by the
  // size, and added in chunk order, whichever thread ran them.
  const size_t chunks =
      std::max<size_t>(1, std::min<size_t>(8, bits.size() / kParallelChunk));
  std::vector<std::vector<double>> partial(chunks,
                                           std::vector<double>(65536, -0.0));
  runTasks(parallelFor, chunks, [&](size_t c) {
    const size_t begin = bits.size() * c / chunks;
    const size_t end = bits.size() * (c + 1) / chunks;
    double *weights = partial[c].data();
    switch (importance.format) {
    case FloatFormat::F32:
      return addWeights<FloatFormat::F32>(bits.data(), importance.data, begin,
                                          end, weights);
    case FloatFormat::F16:
      return addWeights<FloatFormat::F16>(bits.data(), importance.data, begin,
                                          end, weights);
    case FloatFormat::BF16:
      return addWeights<FloatFormat::BF16>(bits.data(), importance.data, begin,
                                           end, weights);
    }
  });
  DistinctValues16 distinct;
  for (uint32_t key = 0; key < 65536; ++key) {
    const uint16_t pattern = keyToBits16(uint16_t(key));
    double weight = 0;
    bool seen = false;
    for (size_t c = 0; c < chunks; ++c) {
      weight += partial[c][pattern];
      seen |= !std::signbit(partial[c][pattern]);
    }
    if (!seen)
      continue;
    distinct.hasNonFinite |= isNonFinite16(pattern, format);
    distinct.bits.push_back(pattern);
    distinct.values.push_back(narrowToFloat(pattern, format));
    distinct.weights.push_back(weight + 0.0);
  }
  return distinct;
}

LutResult palettize::detail::buildHistogram16Lut(const LutConfig &config,
                                                 llvm::ArrayRef<uint16_t> bits,
                                                 FloatFormat format,
                                                 ImportanceView importance) {
  LutResult result;
  const bool weighted = importance && config.mode == LutMode::KMeans;
  DistinctValues16 distinct =
      weighted ? countWeightedDistinct16(bits, importance, format,
                                         config.kmeans.parallelFor)
               : countDistinct16(bits, format, config.kmeans.parallelFor);
  result.distinctCount = distinct.values.size();
  if (distinct.hasNonFinite) {
    result.status = LutStatus::NonFiniteValues;
    return result;
  }
  const std::vector<uint16_t> &distinctBits = distinct.bits;
  const std::vector<double> &values = distinct.values,
                            &weights = distinct.weights;

  std::vector<float> entries;
  switch (config.mode) {
  case LutMode::Unique:
    result.layout.indexBitWidth = getSmallestBitWidthFor(values.size());
    if (result.layout.indexBitWidth == 0) {
      result.status = LutStatus::TooManyDistinctValues;
      return result;
    }
    for (double value : values)
      entries.push_back(float(value));
    break;
  case LutMode::KMeans:
    result.layout.indexBitWidth = config.nbits;
    entries = weighted
                  ? clusterPositiveWeights(values, weights, config.nbits,
                                           format, config.kmeans.parallelFor)
                  : clusterExactly(values, weights, config.nbits, format,
                                   config.kmeans.parallelFor);
    break;
  case LutMode::Uniform:
    llvm_unreachable("uniform is handled per element");
  case LutMode::Custom:
    llvm_unreachable("custom LUTs are the caller's");
  }

  std::vector<uint8_t> assignment = detail::assignDistinct(
      values.size(), [&](size_t i) { return values[i]; }, entries);
  std::vector<uint8_t> indexByBits(65536, 0);
  for (size_t i = 0; i < distinctBits.size(); ++i)
    indexByBits[distinctBits[i]] = assignment[i];
  gatherIndices(bits, indexByBits, result.indices, config.kmeans.parallelFor);
  result.entries = padLut(std::move(entries), result.layout.indexBitWidth);
  return result;
}
