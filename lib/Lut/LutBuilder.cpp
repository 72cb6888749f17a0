//===- LutBuilder.cpp - Build a palette for a tensor ----------------------===//

#include "LutBuilders.h"
#include "palettize/Lut/BitPacking.h"
#include "palettize/Lut/KMeans1D.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <limits>

using namespace palettize;

unsigned palettize::getSmallestBitWidthFor(size_t distinct) {
  for (unsigned nbits : kSupportedIndexBitWidths)
    if (distinct <= (size_t(1) << nbits))
      return nbits;
  return 0;
}

AxisSplit palettize::splitAroundAxis(llvm::ArrayRef<int64_t> shape,
                                     unsigned axis) {
  AxisSplit split;
  for (unsigned d = 0; d < axis; ++d)
    split.outer *= shape[d];
  split.channels = shape[axis];
  for (unsigned d = axis + 1; d < shape.size(); ++d)
    split.inner *= shape[d];
  return split;
}

std::optional<LutMode> palettize::parseLutMode(llvm::StringRef name) {
  if (name == "kmeans")
    return LutMode::KMeans;
  if (name == "uniform")
    return LutMode::Uniform;
  if (name == "unique")
    return LutMode::Unique;
  if (name == "custom")
    return LutMode::Custom;
  return std::nullopt;
}

std::optional<std::string> palettize::checkCustomLut(
    llvm::ArrayRef<float> lut, llvm::ArrayRef<uint32_t> indices, size_t count,
    FloatFormat format) {
  const size_t size = lut.size();
  if (size == 0 || (size & (size - 1)) != 0 ||
      !isSupportedIndexBitWidth(unsigned(llvm::Log2_64(size))))
    return "its LUT has " + std::to_string(size) +
           " entries; expected 2, 4, 8, 16, 64 or 256";
  for (size_t e = 0; e < size; ++e) {
    if (!std::isfinite(lut[e]))
      return "LUT entry " + std::to_string(e) + " is not finite";
    if (roundToFormat(lut[e], format) != lut[e])
      return "LUT entry " + std::to_string(e) + " (" + std::to_string(lut[e]) +
             ") is not representable in the weight's type";
  }
  if (indices.size() != count)
    return "it gave " + std::to_string(indices.size()) +
           " indices for " + std::to_string(count) + " elements";
  for (size_t i = 0; i < count; ++i)
    if (indices[i] >= size)
      return "index " + std::to_string(indices[i]) + " of element " +
             std::to_string(i) + " is outside its " + std::to_string(size) +
             "-entry LUT";
  return std::nullopt;
}

namespace {

//===----------------------------------------------------------------------===//
// Shared pieces
//===----------------------------------------------------------------------===//

/// Elements per task below which a pass over the input is not worth
/// splitting (measured: at 1M elements the extra histograms cost more than
/// the split saves).
constexpr size_t kParallelChunk = size_t(1) << 21;

/// A result that only reports why no LUT was built.
LutResult failedLut(LutStatus status) {
  LutResult result;
  result.status = status;
  return result;
}

/// Pads `used` ascending LUT entries with zeros to 2^nbits entries.
std::vector<float> padLut(std::vector<float> entries, unsigned nbits) {
  entries.resize(size_t(1) << nbits, 0.0f);
  return entries;
}

/// Clusters ascending distinct values with the given weights into at most
/// 2^nbits entries rounded to `format`; returns the used entries.
std::vector<float> clusterExactly(llvm::ArrayRef<double> values,
                                  llvm::ArrayRef<double> weights,
                                  unsigned nbits, FloatFormat format,
                                  const ParallelFor &parallelFor) {
  const size_t k = std::min(values.size(), size_t(1) << nbits);
  std::vector<float> entries;
  if (k == values.size()) {
    // Every distinct value gets its own entry: exact reconstruction.
    for (double value : values)
      entries.push_back(float(value));
    return entries;
  }
  Partition1D partition = optimalPartition1D(values, weights, k, parallelFor);
  for (double centroid : computeCentroids(values, weights, partition))
    entries.push_back(roundToFormat(centroid, format));
  return entries;
}

//===----------------------------------------------------------------------===//
// 16-bit formats: everything goes through a histogram of bit patterns
//===----------------------------------------------------------------------===//

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

/// Writes indices[i] = indexByBits[bits[i]], in parallel chunks when large.
void gatherIndices(llvm::ArrayRef<uint16_t> bits,
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

LutResult build16(const LutConfig &config, llvm::ArrayRef<uint16_t> bits,
                  FloatFormat format) {
  LutResult result;
  Histogram16 histogram(bits, format, config.kmeans.parallelFor);
  result.distinctCount = histogram.distinct;
  if (histogram.hasNonFinite) {
    result.status = LutStatus::NonFiniteValues;
    return result;
  }

  // Distinct values in ascending order.
  std::vector<uint16_t> distinctBits;
  std::vector<double> values, weights;
  for (uint32_t key = 0; key < 65536; ++key) {
    if (!histogram.countByKey[key])
      continue;
    uint16_t pattern = keyToBits16(uint16_t(key));
    distinctBits.push_back(pattern);
    values.push_back(narrowToFloat(pattern, format));
    weights.push_back(double(histogram.countByKey[key]));
  }

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
    entries = clusterExactly(values, weights, config.nbits, format,
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

//===----------------------------------------------------------------------===//
// Uniform
//===----------------------------------------------------------------------===//

/// The uniform LUT over [lo, hi] and the index of a value in it.
struct UniformGrid {
  double lo, hi, levels;

  unsigned indexOf(double value) const {
    if (hi == lo)
      return 0;
    // nearbyint rounds half to even in the default rounding mode.
    double index = std::nearbyint((value - lo) / (hi - lo) * levels);
    return unsigned(std::clamp(index, 0.0, levels));
  }

  std::vector<float> lut(FloatFormat format) const {
    std::vector<float> entries;
    for (unsigned i = 0; i <= unsigned(levels); ++i)
      entries.push_back(roundToFormat(lo + i * (hi - lo) / levels, format));
    return entries;
  }
};

LutResult buildUniform16(unsigned nbits, llvm::ArrayRef<uint16_t> bits,
                         FloatFormat format) {
  LutResult result;
  result.layout.indexBitWidth = nbits;
  std::vector<uint8_t> present(65536, 0);
  for (uint16_t pattern : bits)
    present[pattern] = 1;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (uint32_t pattern = 0; pattern < 65536; ++pattern) {
    if (!present[pattern])
      continue;
    if (isNonFinite16(uint16_t(pattern), format)) {
      result.status = LutStatus::NonFiniteValues;
      return result;
    }
    ++result.distinctCount;
    double value = narrowToFloat(uint16_t(pattern), format);
    lo = std::min(lo, value);
    hi = std::max(hi, value);
  }
  if (bits.empty())
    lo = hi = 0;
  UniformGrid grid{lo, hi, double((1u << nbits) - 1)};
  std::vector<uint8_t> indexByBits(65536, 0);
  for (uint32_t pattern = 0; pattern < 65536; ++pattern)
    if (present[pattern])
      indexByBits[pattern] =
          uint8_t(grid.indexOf(narrowToFloat(uint16_t(pattern), format)));
  gatherIndices(bits, indexByBits, result.indices, {});
  result.entries = grid.lut(format);
  return result;
}

LutResult buildUniform32(unsigned nbits, llvm::ArrayRef<float> values) {
  LutResult result;
  result.layout.indexBitWidth = nbits;
  float lo = std::numeric_limits<float>::infinity(), hi = -lo;
  for (float value : values) {
    if (!std::isfinite(value)) {
      result.status = LutStatus::NonFiniteValues;
      return result;
    }
    lo = std::min(lo, value);
    hi = std::max(hi, value);
  }
  if (values.empty())
    lo = hi = 0;
  UniformGrid grid{lo, hi, double((1u << nbits) - 1)};
  result.indices.resize(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    result.indices[i] = uint8_t(grid.indexOf(values[i]));
  result.entries = grid.lut(FloatFormat::F32);
  return result;
}

//===----------------------------------------------------------------------===//
// f32
//===----------------------------------------------------------------------===//

float keyToFloat(uint32_t key) { return bitsToFloat(keyToBits32(key)); }

/// Sorts 32-bit keys ascending with an LSD radix sort (three passes of 11,
/// 11 and 10 bits); `scratch` must have the size of `keys`.
void radixSort(std::vector<uint32_t> &keys, std::vector<uint32_t> &scratch) {
  constexpr unsigned kShifts[3] = {0, 11, 22};
  std::array<std::array<size_t, 2048>, 3> counts{};
  for (uint32_t key : keys)
    for (unsigned pass = 0; pass < 3; ++pass)
      ++counts[pass][(key >> kShifts[pass]) & 0x7FF];
  for (unsigned pass = 0; pass < 3; ++pass) {
    auto &bucket = counts[pass];
    // A pass whose digit is the same for every key changes nothing.
    if (std::find(bucket.begin(), bucket.end(), keys.size()) != bucket.end())
      continue;
    size_t offset = 0;
    for (size_t &count : bucket) {
      size_t c = count;
      count = offset;
      offset += c;
    }
    for (uint32_t key : keys)
      scratch[bucket[(key >> kShifts[pass]) & 0x7FF]++] = key;
    keys.swap(scratch);
  }
}

/// Sorted distinct f32 values, as ordered keys, with their counts.
struct Distinct32 {
  std::vector<uint32_t> keys;
  std::vector<uint32_t> counts;
  size_t size() const { return keys.size(); }
  double value(size_t i) const { return keyToFloat(keys[i]); }
};

/// Merges adjacent distinct values into weighted bins: a bin closes once it
/// holds 1/binCount of the elements or spans 1/binCount of the value range,
/// so there are at most about 2 * binCount bins and none is wide or heavy.
/// Sums are of values minus `shift`, for precision in cost formulas.
struct Bins {
  std::vector<size_t> starts; // first distinct index of each bin
  std::vector<double> weights, sums, squares;

  Bins() = default;
  Bins(const Distinct32 &distinct, size_t elementCount, size_t binCount,
       double shift) {
    const double weightLimit = double(elementCount) / double(binCount);
    const double spanLimit =
        (distinct.value(distinct.size() - 1) - distinct.value(0)) /
        double(binCount);
    size_t start = 0;
    double w = 0, s = 0, q = 0;
    auto close = [&](size_t next) {
      starts.push_back(start);
      weights.push_back(w);
      sums.push_back(s);
      squares.push_back(q);
      start = next;
      w = s = q = 0;
    };
    for (size_t i = 0; i < distinct.size(); ++i) {
      const double value = distinct.value(i);
      if (i > start && value - distinct.value(start) > spanLimit)
        close(i);
      const double x = value - shift, count = distinct.counts[i];
      w += count;
      s += count * x;
      q += count * x * x;
      if (w >= weightLimit)
        close(i + 1);
    }
    if (start < distinct.size())
      close(distinct.size());
  }

  size_t size() const { return starts.size(); }

  /// Returns coarser bins made of runs of these, closed by the same rules
  /// for `binCount` bins (so gaps between bins count towards the span).
  Bins merged(const Distinct32 &distinct, size_t elementCount,
              size_t binCount) const {
    const double weightLimit = double(elementCount) / double(binCount);
    const double spanLimit =
        (distinct.value(distinct.size() - 1) - distinct.value(0)) /
        double(binCount);
    Bins result;
    double groupWeight = 0;
    for (size_t b = 0; b < size(); ++b) {
      const size_t last =
          (b + 1 < size() ? starts[b + 1] : distinct.size()) - 1;
      const bool open =
          !result.starts.empty() && groupWeight < weightLimit &&
          distinct.value(last) - distinct.value(result.starts.back()) <=
              spanLimit;
      if (!open) {
        result.starts.push_back(starts[b]);
        result.weights.push_back(0);
        result.sums.push_back(0);
        result.squares.push_back(0);
        groupWeight = 0;
      }
      groupWeight += weights[b];
      result.weights.back() += weights[b];
      result.sums.back() += sums[b];
      result.squares.back() += squares[b];
    }
    return result;
  }

  /// Index of the bin holding distinct index `index`.
  size_t binOf(size_t index) const {
    return size_t(std::upper_bound(starts.begin(), starts.end(), index) -
                  starts.begin()) -
           1;
  }
};

/// Cluster starts (distinct indices) to centroids, by direct summation.
std::vector<double> centroidsOf(const Distinct32 &distinct,
                                const std::vector<size_t> &starts) {
  const size_t k = starts.size();
  std::vector<double> centroids(k);
  for (size_t c = 0; c < k; ++c) {
    const size_t begin = starts[c];
    const size_t end = c + 1 < k ? starts[c + 1] : distinct.size();
    double weight = 0, sum = 0;
    for (size_t i = begin; i < end; ++i) {
      weight += distinct.counts[i];
      sum += distinct.counts[i] * distinct.value(i);
    }
    centroids[c] = std::clamp(sum / weight, distinct.value(begin),
                              distinct.value(end - 1));
  }
  return centroids;
}

/// Weight, sum and sum of squares (of shifted values) of one unit: a
/// distinct value or a bin.
struct UnitSums {
  double weight, sum, squares;
};

/// An inclusive range of unit indices a boundary may take.
using Window = std::pair<size_t, size_t>;

/// The exact k-means optimum over a sequence of `unitCount` atomic units
/// among partitions whose c-th boundary (the first unit of cluster c, c >= 1)
/// lies in window c-1. Windows are nondecreasing in both ends. Costs come
/// from prefix sums sampled only at window indices, so memory is
/// O(total window size) and each transition between consecutive windows is
/// a monotone-argmin divide and conquer: O(sum of w * log w) in all.
template <typename UnitAt>
std::vector<size_t> solveInWindows(size_t unitCount, UnitAt unitAt,
                                   const std::vector<Window> &windows) {
  const size_t k = windows.size() + 1;
  const double inf = std::numeric_limits<double>::infinity();

  // Samples at 0, every window index and unitCount, ascending; each window
  // is a contiguous run of samples from offsets[c].
  std::vector<size_t> positions = {0}, offsets;
  for (auto [lo, hi] : windows) {
    for (size_t x = std::max(lo, positions.back() + 1); x <= hi; ++x)
      positions.push_back(x);
    offsets.push_back(
        size_t(std::lower_bound(positions.begin(), positions.end(), lo) -
               positions.begin()));
  }
  if (positions.back() != unitCount)
    positions.push_back(unitCount);
  std::vector<UnitSums> prefix(positions.size());
  UnitSums running{0, 0, 0};
  for (size_t x = 0, next = 0; x <= unitCount; ++x) {
    if (next < positions.size() && positions[next] == x)
      prefix[next++] = running;
    if (x == unitCount)
      break;
    UnitSums unit = unitAt(x);
    running.weight += unit.weight;
    running.sum += unit.sum;
    running.squares += unit.squares;
  }
  auto cost = [&](size_t fromSample, size_t toSample) {
    const UnitSums &a = prefix[fromSample], &b = prefix[toSample];
    const double w = b.weight - a.weight, s = b.sum - a.sum;
    const double c = b.squares - a.squares - s * s / w;
    return c > 0 ? c : 0;
  };
  auto windowSize = [&](size_t c) {
    return windows[c].second - windows[c].first + 1;
  };

  // best[c][t]: the best clustering into c + 1 clusters of the units before
  // window c's t-th index; from[c][t]: the index in window c-1 it came from.
  std::vector<std::vector<double>> best(k - 1);
  std::vector<std::vector<size_t>> from(k - 1);
  for (size_t c = 0; c + 1 < k; ++c) {
    best[c].assign(windowSize(c), inf);
    from[c].assign(windowSize(c), 0);
  }
  for (size_t t = 0; t < windowSize(0); ++t)
    best[0][t] = cost(0, offsets[0] + t);
  // Rows t of window c, candidates u of window c-1 (smaller unit indices).
  std::function<void(size_t, size_t, size_t, size_t, size_t)> transition =
      [&](size_t c, size_t tBegin, size_t tEnd, size_t uBegin, size_t uEnd) {
        while (tBegin < tEnd) {
          const size_t t = tBegin + (tEnd - tBegin) / 2;
          const size_t row = windows[c].first + t;
          double bestCost = inf;
          size_t bestU = uBegin;
          for (size_t u = uBegin; u <= uEnd && windows[c - 1].first + u < row;
               ++u) {
            if (best[c - 1][u] == inf)
              continue;
            const double candidate =
                best[c - 1][u] + cost(offsets[c - 1] + u, offsets[c] + t);
            if (candidate < bestCost) {
              bestCost = candidate;
              bestU = u;
            }
          }
          best[c][t] = bestCost;
          from[c][t] = bestU;
          transition(c, tBegin, t, uBegin, bestU);
          tBegin = t + 1;
          uBegin = bestU;
        }
      };
  for (size_t c = 1; c + 1 < k; ++c)
    transition(c, 0, windowSize(c), 0, windowSize(c - 1) - 1);

  // The last cluster runs to the end.
  double total = inf;
  size_t arg = 0;
  for (size_t t = 0; t < windowSize(k - 2); ++t) {
    const double candidate =
        best[k - 2][t] + cost(offsets[k - 2] + t, positions.size() - 1);
    if (candidate < total) {
      total = candidate;
      arg = t;
    }
  }
  std::vector<size_t> starts(k, 0);
  for (size_t c = k - 1; c >= 1; --c) {
    starts[c] = windows[c - 1].first + arg;
    if (c >= 2)
      arg = from[c - 1][arg];
  }
  return starts;
}

/// Windows that let every boundary move anywhere from its left neighbour's
/// position to its right neighbour's: one round can shift a whole cluster
/// from one region to another, even through clusters of a single unit.
std::vector<Window> neighbourWindows(const std::vector<size_t> &starts,
                                     size_t unitCount) {
  std::vector<Window> windows;
  for (size_t c = 1; c < starts.size(); ++c) {
    const size_t next = c + 1 < starts.size() ? starts[c + 1] : unitCount - 1;
    windows.emplace_back(std::max<size_t>(starts[c - 1], 1), next);
  }
  return windows;
}

/// Repeats the neighbour-window optimum until nothing moves.
template <typename UnitAt>
void refineBetweenNeighbours(size_t unitCount, UnitAt unitAt,
                             std::vector<size_t> &starts, unsigned maxRounds) {
  for (unsigned round = 0; round < maxRounds; ++round) {
    std::vector<size_t> next =
        solveInWindows(unitCount, unitAt, neighbourWindows(starts, unitCount));
    if (next == starts)
      return;
    starts = std::move(next);
  }
}

std::vector<float> clusterF32(const Distinct32 &distinct, size_t elementCount,
                              unsigned nbits, const KMeansOptions &options) {
  const size_t m = distinct.size();
  const size_t k = std::min(m, size_t(1) << nbits);
  auto clusterAll = [&] {
    std::vector<double> values(m), weights(m);
    for (size_t i = 0; i < m; ++i) {
      values[i] = distinct.value(i);
      weights[i] = distinct.counts[i];
    }
    return clusterExactly(values, weights, nbits, FloatFormat::F32,
                          options.parallelFor);
  };
  if (m * k <= options.maxExactWork)
    return clusterAll();

  // Three levels, each seeding the next. (1) The exact DP on coarse bins
  // places the k clusters. (2) On fine bins, each boundary may move anywhere
  // between its neighbours, repeatedly, which corrects how many clusters
  // each region gets. (3) On the true values, each boundary moves within the
  // fine bins around it.
  // With about 16 coarse bins per cluster the first level is already close;
  // fewer would leave many rounds of reallocation to the second. Coarse bins
  // are runs of 16 fine bins.
  const double shift = distinct.value(m / 2);
  const size_t coarseCount = std::max(options.binCount, 16 * k);
  Bins fine(distinct, elementCount, coarseCount * 16, shift);
  Bins coarse = fine.merged(distinct, elementCount, coarseCount);
  if (coarse.size() <= 2 * k || fine.size() <= 2 * k)
    return clusterAll();

  std::vector<double> means(coarse.size());
  for (size_t b = 0; b < coarse.size(); ++b)
    means[b] = coarse.sums[b] / coarse.weights[b];
  Partition1D partition =
      optimalPartition1D(means, coarse.weights, k, options.parallelFor);

  std::vector<size_t> fineStarts(k, 0);
  for (size_t c = 1; c < k; ++c)
    fineStarts[c] = std::max(fineStarts[c - 1] + 1,
                             fine.binOf(coarse.starts[partition.starts[c]]));
  if (fineStarts[k - 1] >= fine.size())
    return clusterAll();
  refineBetweenNeighbours(
      fine.size(),
      [&](size_t b) {
        return UnitSums{fine.weights[b], fine.sums[b], fine.squares[b]};
      },
      fineStarts, options.maxRefinementRounds);

  auto distinctAt = [&](size_t i) {
    const double x = distinct.value(i) - shift, count = distinct.counts[i];
    return UnitSums{count, count * x, count * x * x};
  };
  std::vector<size_t> starts(k, 0);
  for (size_t c = 1; c < k; ++c)
    starts[c] = fine.starts[fineStarts[c]];
  for (unsigned round = 0; round < options.maxRefinementRounds; ++round) {
    std::vector<Window> windows;
    for (size_t c = 1; c < k; ++c) {
      const size_t bin = fine.binOf(starts[c]);
      size_t lo = std::max<size_t>(fine.starts[bin > 0 ? bin - 1 : 0], 1);
      size_t hi = bin + 2 < fine.size() ? fine.starts[bin + 2] - 1 : m - 1;
      if (!windows.empty()) {
        lo = std::max(lo, windows.back().first);
        hi = std::max(hi, windows.back().second);
      }
      windows.emplace_back(lo, hi);
    }
    std::vector<size_t> next = solveInWindows(m, distinctAt, windows);
    bool onEdge = false;
    for (size_t c = 1; c < k; ++c)
      onEdge |= (next[c] == windows[c - 1].first && next[c] > 1) ||
                (next[c] == windows[c - 1].second && next[c] < m - 1);
    const bool moved = next != starts;
    starts = std::move(next);
    if (!onEdge || !moved)
      break;
  }

  std::vector<float> entries;
  for (double centroid : centroidsOf(distinct, starts))
    entries.push_back(float(centroid));
  return entries;
}

/// Unique for f32: the distinct set stays small (<= 256) or the search ends.
LutResult buildUnique32(llvm::ArrayRef<float> values) {
  LutResult result;
  std::vector<uint32_t> keys; // sorted distinct keys
  for (float value : values) {
    const uint32_t key = orderedKey32(floatToBits(value));
    auto it = std::lower_bound(keys.begin(), keys.end(), key);
    if (it != keys.end() && *it == key)
      continue;
    if (keys.size() == 256) {
      result.status = LutStatus::TooManyDistinctValues;
      result.distinctCount = 257; // at least
      return result;
    }
    keys.insert(it, key);
  }
  result.distinctCount = keys.size();
  result.layout.indexBitWidth = getSmallestBitWidthFor(keys.size());
  std::vector<float> entries;
  for (uint32_t key : keys)
    entries.push_back(keyToFloat(key));
  result.indices.resize(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    result.indices[i] =
        uint8_t(std::lower_bound(keys.begin(), keys.end(),
                                 orderedKey32(floatToBits(values[i]))) -
                keys.begin());
  result.entries = padLut(std::move(entries), result.layout.indexBitWidth);
  return result;
}

LutResult buildKMeans32Sorted(const LutConfig &config,
                              llvm::ArrayRef<float> values) {
  LutResult result;
  result.layout.indexBitWidth = config.nbits;
  const size_t n = values.size();

  // Sort ordered keys; -0 and +0 stay distinct, so a value set that fits
  // the palette reconstructs bit for bit.
  Distinct32 distinct;
  std::vector<uint32_t> &keys = distinct.keys;
  keys.resize(n);
  for (size_t i = 0; i < n; ++i)
    keys[i] = orderedKey32(floatToBits(values[i]));
  std::vector<uint32_t> &scratch = distinct.counts;
  scratch.resize(n);
  radixSort(keys, scratch);

  // Run-length encode in place: keys[0..m) distinct, counts[0..m).
  size_t m = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && keys[j] == keys[i])
      ++j;
    keys[m] = keys[i];
    scratch[m] = uint32_t(j - i);
    ++m;
    i = j;
  }
  keys.resize(m);
  scratch.resize(m);
  keys.shrink_to_fit();
  scratch.shrink_to_fit();
  result.distinctCount = m;

  std::vector<float> entries =
      clusterF32(distinct, n, config.nbits, config.kmeans);
  std::vector<uint8_t> assignment = detail::assignDistinct(
      m, [&](size_t i) { return distinct.value(i); }, entries);
  std::vector<uint64_t> thresholds(m ? assignment[0] : 0, 0);
  for (size_t i = 1; i < m; ++i)
    for (unsigned c = assignment[i - 1]; c < assignment[i]; ++c)
      thresholds.push_back(keys[i]);
  // Entries no value maps to (equal rounded centroids) sort after all keys.
  while (thresholds.size() + 1 < entries.size())
    thresholds.push_back(detail::kNeverKey);
  detail::assignByThresholds(values, thresholds, result.indices);
  result.entries = padLut(std::move(entries), result.layout.indexBitWidth);
  return result;
}

/// The f32 histogram: 65,536 buckets over the top 16 bits of the ordered key
/// (the values' sign, exponent and 7 mantissa bits), each with its count,
/// its smallest and largest key, and the sum and sum of squares of
/// (value - truncation of the value to its top 16 bits), a representative
/// inside the bucket, so that sums keep full precision.
struct Histogram32 {
  /// One bucket's figures, together: an element updates one cache line.
  struct Bucket {
    uint64_t count = 0;
    double sum = 0, square = 0;
    uint32_t minKey = ~0u, maxKey = 0;
  };
  std::vector<Bucket> buckets = std::vector<Bucket>(65536);

  explicit Histogram32(llvm::ArrayRef<float> values) {
    // Count by the raw top 16 bits, with the range of the low 16 bits: no
    // key transform per element. Each bucket then moves to its key's place.
    std::vector<Bucket> raw(65536);
    for (float value : values) {
      const uint32_t bits = floatToBits(value);
      Bucket &bucket = raw[bits >> 16];
      const uint32_t low = bits & 0xFFFF;
      // Same sign and exponent: the difference is exact in float.
      const double offset = value - bitsToFloat(bits & 0xFFFF0000u);
      ++bucket.count;
      bucket.sum += offset;
      bucket.square += offset * offset;
      bucket.minKey = std::min(bucket.minKey, low);
      bucket.maxKey = std::max(bucket.maxKey, low);
    }
    for (uint32_t top = 0; top < 65536; ++top) {
      const Bucket &from = raw[top];
      if (!from.count)
        continue;
      // orderedKey32 flips every bit of a negative value and sets the sign
      // bit of a positive one: the key's top half depends on `top` alone,
      // and for negatives the order of the low half reverses.
      const bool negative = top & 0x8000;
      const uint32_t keyTop = negative ? ~top & 0xFFFF : top | 0x8000;
      Bucket &to = buckets[keyTop];
      to = from;
      to.minKey =
          keyTop << 16 | (negative ? ~from.maxKey & 0xFFFF : from.minKey);
      to.maxKey =
          keyTop << 16 | (negative ? ~from.minKey & 0xFFFF : from.maxKey);
    }
  }

  /// The bucket's representative: its values truncated to 16 bits.
  static double base(uint32_t bucket) {
    return keyToFloat(bucket << 16 | (bucket & 0x8000 ? 0 : 0xFFFF));
  }
};

/// The weighted units a clustering level works on: whole buckets, or single
/// distinct values, in ascending order. Sums are of (value - shift).
struct Units {
  std::vector<double> weights, sums, squares;
  /// Lowest and highest value in each unit.
  std::vector<double> lows, highs;
  /// First key of each unit.
  std::vector<uint32_t> firstKeys;

  void add(double weight, double sum, double square, double low, double high,
           uint32_t firstKey) {
    weights.push_back(weight);
    sums.push_back(sum);
    squares.push_back(square);
    lows.push_back(low);
    highs.push_back(high);
    firstKeys.push_back(firstKey);
  }
  size_t size() const { return weights.size(); }
  UnitSums at(size_t i) const { return {weights[i], sums[i], squares[i]}; }
};

/// Merges consecutive units into at most about 2 * binCount groups, closed
/// by weight (1/binCount of the total) and by span (1/binCount of the
/// range); returns each group's first unit.
std::vector<size_t> groupUnits(const Units &units, double totalWeight,
                               size_t binCount) {
  const double weightLimit = totalWeight / double(binCount);
  const double spanLimit =
      (units.highs.back() - units.lows.front()) / double(binCount);
  std::vector<size_t> starts;
  double weight = 0;
  for (size_t u = 0; u < units.size(); ++u) {
    if (starts.empty() || weight >= weightLimit ||
        units.highs[u] - units.lows[starts.back()] > spanLimit) {
      starts.push_back(u);
      weight = 0;
    }
    weight += units.weights[u];
  }
  return starts;
}

/// Optimal k-means over units: exact DP when small enough, else the DP on
/// groups of units refined between neighbours on the units themselves.
std::vector<size_t> clusterUnits(const Units &units, size_t k,
                                 const KMeansOptions &options,
                                 double totalWeight) {
  auto exact = [&]() {
    std::vector<double> means(units.size());
    for (size_t u = 0; u < units.size(); ++u)
      means[u] = units.sums[u] / units.weights[u];
    return optimalPartition1D(means, units.weights, k, options.parallelFor)
        .starts;
  };
  if (units.size() * k <= options.maxExactWork)
    return exact();
  std::vector<size_t> groupStarts =
      groupUnits(units, totalWeight, std::max(options.binCount, 16 * k));
  if (groupStarts.size() <= 2 * k)
    return exact();
  std::vector<double> means, weights;
  for (size_t g = 0; g < groupStarts.size(); ++g) {
    const size_t end =
        g + 1 < groupStarts.size() ? groupStarts[g + 1] : units.size();
    double w = 0, sum = 0;
    for (size_t u = groupStarts[g]; u < end; ++u) {
      w += units.weights[u];
      sum += units.sums[u];
    }
    means.push_back(sum / w);
    weights.push_back(w);
  }
  std::vector<size_t> starts;
  for (size_t start :
       optimalPartition1D(means, weights, k, options.parallelFor).starts)
    starts.push_back(groupStarts[start]);
  refineBetweenNeighbours(
      units.size(), [&](size_t u) { return units.at(u); }, starts,
      options.maxRefinementRounds);
  return starts;
}

/// Cluster centroids from unit sums (plus the shift back).
std::vector<float> centroidsOfUnits(const Units &units,
                                    const std::vector<size_t> &starts,
                                    double shift) {
  std::vector<float> entries;
  for (size_t c = 0; c < starts.size(); ++c) {
    const size_t end = c + 1 < starts.size() ? starts[c + 1] : units.size();
    double weight = 0, sum = 0;
    for (size_t u = starts[c]; u < end; ++u) {
      weight += units.weights[u];
      sum += units.sums[u];
    }
    const double centroid = std::clamp(
        shift + sum / weight, units.lows[starts[c]], units.highs[end - 1]);
    entries.push_back(float(centroid));
  }
  return entries;
}

LutResult buildKMeans32Sorted(const LutConfig &config,
                              llvm::ArrayRef<float> values);

/// k-means for f32 tensors too large to sort cheaply: everything goes
/// through Histogram32, and only the buckets around cluster boundaries are
/// expanded into their exact values (one more pass over the input).
LutResult buildKMeans32Histogram(const LutConfig &config,
                                 llvm::ArrayRef<float> values) {
  LutResult result;
  result.layout.indexBitWidth = config.nbits;
  const KMeansOptions &options = config.kmeans;
  const size_t n = values.size();
  Histogram32 histogram(values);

  std::vector<uint32_t> buckets; // non-empty, ascending
  bool singleValued = true;
  // An upper bound on the distinct values: per bucket, the fewer of its
  // count and its span of keys.
  uint64_t distinctBound = 0;
  for (uint32_t b = 0; b < 65536; ++b) {
    if (!histogram.buckets[b].count)
      continue;
    buckets.push_back(b);
    singleValued &= histogram.buckets[b].minKey == histogram.buckets[b].maxKey;
    distinctBound += std::min<uint64_t>(histogram.buckets[b].count,
                                        uint64_t(histogram.buckets[b].maxKey) -
                                            histogram.buckets[b].minKey + 1);
  }
  const size_t bucketCount = buckets.size();
  const size_t k = std::min(bucketCount, size_t(1) << config.nbits);
  // Possibly few distinct values, several per bucket: they may be few enough
  // to cluster exactly, which only the sorted path can tell.
  if (!singleValued &&
      distinctBound * (size_t(1) << config.nbits) <= options.maxExactWork)
    return buildKMeans32Sorted(config, values);

  const double shift = Histogram32::base(buckets[bucketCount / 2]);
  Units units;
  for (uint32_t b : buckets) {
    // Move the sums from the bucket's base to the common shift.
    const double w = double(histogram.buckets[b].count);
    const double delta = Histogram32::base(b) - shift;
    const double sum = histogram.buckets[b].sum,
                 square = histogram.buckets[b].square;
    units.add(w, sum + w * delta, square + 2 * delta * sum + w * delta * delta,
              keyToFloat(histogram.buckets[b].minKey),
              keyToFloat(histogram.buckets[b].maxKey),
              histogram.buckets[b].minKey);
  }

  if (singleValued) {
    // Every bucket is one distinct value: the units are the exact input.
    result.distinctCount = bucketCount;
    std::vector<float> entries;
    std::vector<uint64_t> thresholds;
    if (bucketCount <= (size_t(1) << config.nbits)) {
      for (size_t u = 0; u < bucketCount; ++u)
        entries.push_back(keyToFloat(units.firstKeys[u]));
      thresholds.assign(units.firstKeys.begin() + 1, units.firstKeys.end());
    } else {
      entries = centroidsOfUnits(
          units, clusterUnits(units, k, options, double(n)), shift);
      thresholds = detail::getThresholds(entries);
    }
    detail::assignByThresholds(values, thresholds, result.indices);
    result.entries = padLut(std::move(entries), result.layout.indexBitWidth);
    return result;
  }

  // Clusters of whole buckets, then exact values in the buckets around each
  // boundary (the boundary's bucket and its neighbours).
  std::vector<size_t> bucketStarts = clusterUnits(units, k, options, double(n));
  // Boundaries move at most one bucket below. Where clusters are only a few
  // buckets wide and those buckets hold several values, buckets are too
  // coarse for that: sort instead.
  for (size_t c = 0; c < k; ++c) {
    const size_t end = c + 1 < k ? bucketStarts[c + 1] : bucketCount;
    if (end - bucketStarts[c] >= 4)
      continue;
    for (size_t u = bucketStarts[c]; u < end; ++u)
      if (histogram.buckets[buckets[u]].minKey !=
          histogram.buckets[buckets[u]].maxKey)
        return buildKMeans32Sorted(config, values);
  }
  // A boundary at the start of bucket u may belong anywhere in buckets u-1
  // and u: those are expanded.
  std::vector<uint8_t> expand(65536, 0);
  for (size_t c = 1; c < k; ++c) {
    expand[buckets[bucketStarts[c] - 1]] = 1;
    expand[buckets[bucketStarts[c]]] = 1;
  }
  // Tested by raw top bits (see Histogram32); only the expanded need keys.
  std::vector<uint8_t> expandByTop(65536);
  for (uint32_t top = 0; top < 65536; ++top)
    expandByTop[top] = expand[top & 0x8000 ? ~top & 0xFFFF : top | 0x8000];
  std::vector<uint32_t> expandedKeys;
  for (float value : values) {
    const uint32_t bits = floatToBits(value);
    if (expandByTop[bits >> 16])
      expandedKeys.push_back(orderedKey32(bits));
  }
  std::vector<uint32_t> scratch(expandedKeys.size());
  radixSort(expandedKeys, scratch);

  // Two more levels on the sorted values of the expanded buckets: first
  // each expanded bucket becomes its (up to 256) groups of equal key >> 8,
  // then the groups around each boundary become their distinct values. Each
  // level lets every boundary move within the two units around it.
  struct Level {
    Units units;
    /// For each unit: the range of expandedKeys it covers, or begin == end
    /// for a whole bucket.
    std::vector<std::pair<size_t, size_t>> keyRanges;
  };
  // Appends the values expandedKeys[begin, end) grouped by key >> groupShift.
  auto addGroups = [&](Level &level, size_t begin, size_t end,
                       unsigned groupShift) {
    while (begin < end) {
      const uint32_t group = expandedKeys[begin] >> groupShift;
      size_t stop = begin;
      double w = 0, sum = 0, square = 0;
      while (stop < end && (expandedKeys[stop] >> groupShift) == group) {
        const double x = keyToFloat(expandedKeys[stop]) - shift;
        w += 1;
        sum += x;
        square += x * x;
        ++stop;
      }
      level.units.add(w, sum, square, keyToFloat(expandedKeys[begin]),
                      keyToFloat(expandedKeys[stop - 1]), expandedKeys[begin]);
      level.keyRanges.emplace_back(begin, stop);
      begin = stop;
    }
  };
  // Windows for boundaries that may move within units [first[c], last[c]].
  auto makeWindows = [&](const std::vector<size_t> &first,
                         const std::vector<size_t> &last, size_t unitCount) {
    std::vector<Window> windows;
    for (size_t c = 1; c < k; ++c) {
      size_t lo = std::max<size_t>(first[c], 1);
      size_t hi = std::min(last[c], unitCount - 1);
      if (!windows.empty()) {
        lo = std::max(lo, windows.back().first);
        hi = std::max(hi, windows.back().second);
      }
      windows.emplace_back(lo, std::max(lo, hi));
    }
    return windows;
  };

  Level groups;
  std::vector<size_t> firstGroupOfBucket(bucketCount + 1);
  size_t next = 0; // into expandedKeys
  for (size_t u = 0; u < bucketCount; ++u) {
    firstGroupOfBucket[u] = groups.units.size();
    if (!expand[buckets[u]]) {
      groups.units.add(units.weights[u], units.sums[u], units.squares[u],
                       units.lows[u], units.highs[u], units.firstKeys[u]);
      groups.keyRanges.emplace_back(0, 0);
      continue;
    }
    size_t end = next;
    while (end < expandedKeys.size() && (expandedKeys[end] >> 16) == buckets[u])
      ++end;
    addGroups(groups, next, end, 8);
    next = end;
  }
  firstGroupOfBucket[bucketCount] = groups.units.size();
  std::vector<size_t> first(k), last(k);
  for (size_t c = 1; c < k; ++c) {
    first[c] = firstGroupOfBucket[bucketStarts[c] - 1];
    last[c] = firstGroupOfBucket[bucketStarts[c] + 1] - 1;
  }
  std::vector<size_t> groupStarts = solveInWindows(
      groups.units.size(), [&](size_t i) { return groups.units.at(i); },
      makeWindows(first, last, groups.units.size()));

  // The groups on either side of each boundary become distinct values.
  std::vector<uint8_t> exact(groups.units.size(), 0);
  for (size_t c = 1; c < k; ++c)
    exact[groupStarts[c] - 1] = exact[groupStarts[c]] = 1;
  Level mixed;
  std::vector<size_t> firstUnitOfGroup(groups.units.size() + 1);
  for (size_t g = 0; g < groups.units.size(); ++g) {
    firstUnitOfGroup[g] = mixed.units.size();
    auto [begin, end] = groups.keyRanges[g];
    if (exact[g] && begin < end) {
      addGroups(mixed, begin, end, 0);
      continue;
    }
    const Units &from = groups.units;
    mixed.units.add(from.weights[g], from.sums[g], from.squares[g],
                    from.lows[g], from.highs[g], from.firstKeys[g]);
    mixed.keyRanges.emplace_back(begin, end);
  }
  firstUnitOfGroup[groups.units.size()] = mixed.units.size();
  for (size_t c = 1; c < k; ++c) {
    first[c] = firstUnitOfGroup[groupStarts[c] - 1];
    last[c] = firstUnitOfGroup[groupStarts[c] + 1] - 1;
  }
  std::vector<size_t> starts = solveInWindows(
      mixed.units.size(), [&](size_t i) { return mixed.units.at(i); },
      makeWindows(first, last, mixed.units.size()));
  std::vector<float> entries = centroidsOfUnits(mixed.units, starts, shift);
  detail::assignByThresholds(values, detail::getThresholds(entries), result.indices);
  result.entries = padLut(std::move(entries), result.layout.indexBitWidth);
  return result;
}

bool allFinite(llvm::ArrayRef<float> values) {
  // Branch-free over blocks (the compiler vectorizes it): an exponent of
  // all ones is infinity or NaN.
  constexpr size_t kBlock = 4096;
  for (size_t begin = 0; begin < values.size(); begin += kBlock) {
    const size_t end = std::min(values.size(), begin + kBlock);
    uint32_t nonFinite = 0;
    for (size_t i = begin; i < end; ++i)
      nonFinite |=
          uint32_t((floatToBits(values[i]) & 0x7F800000u) == 0x7F800000u);
    if (nonFinite)
      return false;
  }
  return true;
}

/// Builds one scalar palette for f32 values.
LutResult buildScalarLut32(const LutConfig &config,
                           llvm::ArrayRef<float> values) {
  if (config.mode == LutMode::Custom)
    return failedLut(LutStatus::UnsupportedMode);
  if (config.mode != LutMode::Unique && !isSupportedIndexBitWidth(config.nbits))
    return failedLut(LutStatus::UnsupportedBitWidth);
  if (config.mode == LutMode::Uniform)
    return buildUniform32(config.nbits, values);
  if (!allFinite(values))
    return failedLut(LutStatus::NonFiniteValues);
  if (config.mode == LutMode::Unique)
    return buildUnique32(values);
  // Small tensors are sorted (exact whenever their distinct values allow).
  // Large ones go through the histogram when it pays: up to 64 clusters,
  // and for tensors whose sort would dominate; with 256 clusters on a
  // moderate tensor, clusters are only a few buckets wide and refining them
  // costs about what the sort does.
  const size_t n = values.size();
  if (n * (size_t(1) << config.nbits) <= config.kmeans.maxExactWork)
    return buildKMeans32Sorted(config, values);
  if (config.nbits <= 6 || n > config.kmeans.minHistogramElements)
    return buildKMeans32Histogram(config, values);
  return buildKMeans32Sorted(config, values);
}

/// Builds one scalar palette for f16 or bf16 values.
LutResult buildScalarLut16(const LutConfig &config,
                           llvm::ArrayRef<uint16_t> values,
                           FloatFormat format) {
  assert(format != FloatFormat::F32 && "16-bit formats only");
  if (config.mode == LutMode::Custom)
    return failedLut(LutStatus::UnsupportedMode);
  if (config.mode != LutMode::Unique && !isSupportedIndexBitWidth(config.nbits))
    return failedLut(LutStatus::UnsupportedBitWidth);
  if (config.mode == LutMode::Uniform)
    return buildUniform16(config.nbits, values, format);
  return build16(config, values, format);
}

} // namespace

LutResult palettize::detail::buildScalarLut(const LutConfig &config,
                                            const void *data, size_t count,
                                            FloatFormat format) {
  if (format == FloatFormat::F32)
    return buildScalarLut32(
        config, llvm::ArrayRef<float>(static_cast<const float *>(data), count));
  return buildScalarLut16(
      config,
      llvm::ArrayRef<uint16_t>(static_cast<const uint16_t *>(data), count),
      format);
}

size_t TensorView::getElementCount() const {
  size_t count = 1;
  for (int64_t size : shape)
    count *= size_t(size);
  return count;
}

namespace {

/// One palette per group of channels: each group's elements are gathered
/// (in element order, a tensor of shape [outer, groupSize, inner]) and
/// palettized alone, then the palettes are padded to the widest and the
/// indices scattered back into the index grid.
LutResult buildGroupedLut(const LutConfig &config, const TensorView &tensor,
                          const Tiling &tiling) {
  const int64_t groupSize = tiling.groupSize, vectorSize = tiling.vectorSize;
  const FloatFormat format = tensor.format;
  // Plain variables: lambdas below capture them.
  const AxisSplit split = splitAroundAxis(tensor.shape, tiling.axis);
  const int64_t outer = split.outer, channels = split.channels,
                inner = split.inner;
  const size_t groups = size_t(channels / groupSize);
  const unsigned width = getByteWidth(format);
  const char *bytes = static_cast<const char *>(tensor.data);

  std::vector<LutResult> results(groups);
  const size_t groupElements = size_t(outer * groupSize * inner);
  LutConfig groupConfig = config;
  groupConfig.kmeans.parallelFor = nullptr; // the groups are the tasks
  runTasks(config.kmeans.parallelFor, groups, [&](size_t group) {
    std::vector<char> gathered(groupElements * width);
    size_t position = 0;
    for (int64_t o = 0; o < outer; ++o) {
      const size_t rowStart =
          size_t((o * channels + int64_t(group) * groupSize) * inner);
      std::memcpy(gathered.data() + position * width, bytes + rowStart * width,
                  size_t(groupSize * inner) * width);
      position += size_t(groupSize * inner);
    }
    if (vectorSize > 1) {
      const int64_t groupShape[] = {outer, groupSize, inner};
      results[group] = detail::buildVectorLut(
          groupConfig, TensorView(gathered.data(), format, groupShape),
          /*axis=*/1, vectorSize);
    } else {
      results[group] = detail::buildScalarLut(groupConfig, gathered.data(),
                                              groupElements, format);
    }
  });

  LutResult grouped;
  unsigned nbits = 0;
  for (const LutResult &result : results) {
    if (result.status != LutStatus::Success) {
      grouped.status = result.status;
      return grouped;
    }
    nbits = std::max(nbits, result.getIndexBitWidth());
  }
  grouped.layout.indexBitWidth = nbits;
  const size_t paletteValues = (size_t(1) << nbits) * vectorSize;
  grouped.entries.assign(groups * paletteValues, 0.0f);
  grouped.indices.resize(size_t(outer * channels / vectorSize * inner));
  // A group's points (elements, or vectors) in the index grid: per outer
  // index, a run of rowLength consecutive positions.
  const int64_t rowLength = groupSize / vectorSize * inner;
  for (size_t group = 0; group < groups; ++group) {
    // unique picks each group's width; smaller palettes are zero-padded.
    std::copy(results[group].entries.begin(), results[group].entries.end(),
              grouped.entries.begin() + group * paletteValues);
    for (int64_t o = 0; o < outer; ++o) {
      const size_t rowStart =
          size_t((o * (channels / vectorSize) +
                  int64_t(group) * (groupSize / vectorSize)) *
                 inner);
      std::copy_n(results[group].indices.begin() + o * rowLength, rowLength,
                  grouped.indices.begin() + rowStart);
    }
  }
  return grouped;
}

} // namespace

LutResult palettize::buildLut(const LutConfig &config, const TensorView &tensor,
                              const Tiling &tiling) {
  assert(((tiling.groupSize == 0 && tiling.vectorSize == 1) ||
          (tiling.axis < tensor.shape.size() && tiling.vectorSize > 0 &&
           tensor.shape[tiling.axis] % tiling.vectorSize == 0 &&
           (tiling.groupSize == 0 ||
            (tensor.shape[tiling.axis] % tiling.groupSize == 0 &&
             tiling.groupSize % tiling.vectorSize == 0)))) &&
         "groups must tile the axis, and vectors the groups");
  LutResult result;
  if (config.mode == LutMode::Custom)
    result.status = LutStatus::UnsupportedMode;
  else if (tiling.groupSize > 0)
    result = buildGroupedLut(config, tensor, tiling);
  else if (tiling.vectorSize > 1)
    result = detail::buildVectorLut(config, tensor, tiling.axis,
                                    tiling.vectorSize);
  else
    result = detail::buildScalarLut(config, tensor.data,
                                    tensor.getElementCount(), tensor.format);
  if (result.succeeded())
    result.layout =
        LutLayout::get(tensor.shape, tiling, result.getIndexBitWidth());
  return result;
}
