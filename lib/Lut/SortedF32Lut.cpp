//===- SortedF32Lut.cpp - f32 k-means on sorted distinct values -----------===//
//
// The values' ordered keys are radix sorted (O(n)) and run-length encoded
// into distinct values with counts (-0 and +0 stay apart). Few enough
// distinct values are clustered exactly; otherwise three levels of exact DP
// each seed the next: coarse bins place the clusters, fine bins let every
// boundary move between its neighbours, and the true values let every
// boundary move within the fine bins around it.
//
//===----------------------------------------------------------------------===//

#include "LutBuilders.h"
#include "palettize/Lut/KMeans1D.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>

using namespace palettize;
using namespace palettize::detail;

void palettize::detail::radixSort(std::vector<uint32_t> &keys,
                                  std::vector<uint32_t> &scratch) {
  radixSortBy(keys, scratch, [](uint32_t key) { return key; });
}

namespace {

/// Sorted distinct f32 values, as ordered keys, with their weights: counts
/// (a std::vector<uint32_t>), or sums of importances (DoubleBits).
template <typename Weights> struct Distinct32 {
  std::vector<uint32_t> keys;
  Weights counts;
  size_t size() const { return keys.size(); }
  double value(size_t i) const { return keyToFloat(keys[i]); }
  double weight(size_t i) const { return double(counts[i]); }
};

/// Doubles kept as their bits in a vector of uint64_t (the weighted sort's
/// own buffer, reused), read by value.
struct DoubleBits {
  std::vector<uint64_t> bits;
  double operator[](size_t i) const {
    double value;
    std::memcpy(&value, &bits[i], sizeof(double));
    return value;
  }
};

/// Adjacent distinct values merged into weighted bins by getBinStarts's
/// rule. Sums are of values minus `shift`, for precision in cost formulas.
struct Bins {
  std::vector<size_t> starts; // first distinct index of each bin
  std::vector<double> weights, sums, squares;

  Bins() = default;
  template <typename Weights>
  Bins(const Distinct32<Weights> &distinct, double totalWeight, size_t binCount,
       double shift) {
    auto value = [&](size_t i) { return distinct.value(i); };
    starts = getBinStarts(
        distinct.size(), [&](size_t i) { return distinct.weight(i); }, value,
        value, totalWeight, binCount);
    for (size_t b = 0; b < starts.size(); ++b) {
      const size_t end =
          b + 1 < starts.size() ? starts[b + 1] : distinct.size();
      double w = 0, s = 0, q = 0;
      for (size_t i = starts[b]; i < end; ++i) {
        const double x = distinct.value(i) - shift, count = distinct.weight(i);
        w += count;
        s += count * x;
        q += count * x * x;
      }
      weights.push_back(w);
      sums.push_back(s);
      squares.push_back(q);
    }
  }

  size_t size() const { return starts.size(); }

  /// Returns coarser bins made of runs of these, by the same rule for
  /// `binCount` bins (so gaps between bins count towards the span).
  template <typename Weights>
  Bins merged(const Distinct32<Weights> &distinct, double totalWeight,
              size_t binCount) const {
    auto last = [&](size_t b) {
      return (b + 1 < size() ? starts[b + 1] : distinct.size()) - 1;
    };
    const std::vector<size_t> firstBins = getBinStarts(
        size(), [&](size_t b) { return weights[b]; },
        [&](size_t b) { return distinct.value(starts[b]); },
        [&](size_t b) { return distinct.value(last(b)); }, totalWeight,
        binCount);
    Bins result;
    for (size_t g = 0; g < firstBins.size(); ++g) {
      const size_t end = g + 1 < firstBins.size() ? firstBins[g + 1] : size();
      result.starts.push_back(starts[firstBins[g]]);
      result.weights.push_back(0);
      result.sums.push_back(0);
      result.squares.push_back(0);
      for (size_t b = firstBins[g]; b < end; ++b) {
        result.weights.back() += weights[b];
        result.sums.back() += sums[b];
        result.squares.back() += squares[b];
      }
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

/// Clusters the distinct values (positive weights summing to totalWeight).
template <typename Weights>
std::vector<float> clusterF32(const Distinct32<Weights> &distinct,
                              double totalWeight, unsigned nbits,
                              const KMeansOptions &options) {
  const size_t m = distinct.size();
  const size_t k = std::min(m, size_t(1) << nbits);
  auto clusterAll = [&] {
    std::vector<double> values(m), weights(m);
    for (size_t i = 0; i < m; ++i) {
      values[i] = distinct.value(i);
      weights[i] = distinct.weight(i);
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
  Bins fine(distinct, totalWeight, coarseCount * 16, shift);
  Bins coarse = fine.merged(distinct, totalWeight, coarseCount);
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
      fine.size(), addUnitsFrom([&](size_t b) {
        return UnitSums{fine.weights[b], fine.sums[b], fine.squares[b]};
      }),
      fineStarts, options.maxRefinementRounds);

  auto distinctAt = [&](size_t i) {
    const double x = distinct.value(i) - shift, count = distinct.weight(i);
    return UnitSums{count, count * x, count * x * x};
  };
  std::vector<size_t> starts(k, 0);
  for (size_t c = 1; c < k; ++c)
    starts[c] = fine.starts[fineStarts[c]];
  for (unsigned round = 0; round < options.maxRefinementRounds; ++round) {
    std::vector<BoundaryWindow> windows;
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
    std::vector<size_t> next =
        optimalPartitionInWindows(m, addUnitsFrom(distinctAt), windows);
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
  for (double centroid : computeCentroids(
           m, [&](size_t i) { return distinct.value(i); },
           [&](size_t i) { return distinct.weight(i); }, starts))
    entries.push_back(float(centroid));
  return entries;
}

/// Gives every value of `values` (whose sorted distinct keys are `keys`)
/// the index of its nearest entry of the ascending `entries`, and stores
/// the padded LUT in `result`.
void assignThroughKeys(llvm::ArrayRef<float> values,
                       llvm::ArrayRef<uint32_t> keys,
                       std::vector<float> entries, LutResult &result) {
  const size_t m = keys.size();
  std::vector<uint8_t> assignment = detail::assignDistinct(
      m, [&](size_t i) { return keyToFloat(keys[i]); }, entries);
  std::vector<uint64_t> thresholds(m ? assignment[0] : 0, 0);
  for (size_t i = 1; i < m; ++i)
    for (unsigned c = assignment[i - 1]; c < assignment[i]; ++c)
      thresholds.push_back(keys[i]);
  // assignDistinct never decreases, so there is one threshold per entry
  // after the first, at most.
  assert(thresholds.size() < std::max<size_t>(entries.size(), 1) &&
         "decreasing assignment");
  // Entries no value maps to (equal rounded centroids) sort after all keys.
  while (thresholds.size() + 1 < entries.size())
    thresholds.push_back(detail::kNeverKey);
  detail::assignByThresholds(values, thresholds, result.indices);
  result.entries = padLut(std::move(entries), result.layout.indexBitWidth);
}

} // namespace

LutResult palettize::detail::buildSortedF32Lut(const LutConfig &config,
                                               llvm::ArrayRef<float> values) {
  LutResult result;
  result.layout.indexBitWidth = config.nbits;
  const size_t n = values.size();

  // Sort ordered keys; -0 and +0 stay distinct, so a value set that fits
  // the palette reconstructs bit for bit.
  Distinct32<std::vector<uint32_t>> distinct;
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
      clusterF32(distinct, double(n), config.nbits, config.kmeans);
  assignThroughKeys(values, keys, entries, result);
  return result;
}

LutResult
palettize::detail::buildWeightedSortedF32Lut(const LutConfig &config,
                                             llvm::ArrayRef<float> values,
                                             ImportanceView importance) {
  LutResult result;
  result.layout.indexBitWidth = config.nbits;
  const size_t n = values.size();
  // Each element as its ordered key (high half) and importance (low half,
  // as f32 bits: exact for every importance format), sorted by key; the
  // sort is stable, so the sums below run in element order.
  std::vector<uint64_t> items(n), scratch(n);
  for (size_t i = 0; i < n; ++i)
    items[i] = uint64_t(orderedKey32(floatToBits(values[i]))) << 32 |
               floatToBits(float(importance[i]));
  radixSortBy(items, scratch,
              [](uint64_t item) { return uint32_t(item >> 32); });
  std::vector<uint64_t>().swap(scratch);

  // Every distinct key, for the assignment; those of positive weight, with
  // their summed importance, for the clustering. The sums go back into
  // `items` (as double bits, each written after its run was read), so that
  // no second array of n elements is needed.
  size_t distinct = 0;
  for (size_t i = 0; i < n; ++i)
    distinct += i == 0 || (items[i] >> 32) != (items[i - 1] >> 32);
  std::vector<uint32_t> keys;
  keys.reserve(distinct);
  Distinct32<DoubleBits> weighted;
  weighted.keys.reserve(distinct);
  double totalWeight = 0;
  size_t positive = 0;
  for (size_t i = 0; i < n;) {
    const uint32_t key = uint32_t(items[i] >> 32);
    double weight = 0;
    for (; i < n && uint32_t(items[i] >> 32) == key; ++i)
      weight += double(bitsToFloat(uint32_t(items[i])));
    keys.push_back(key);
    if (weight > 0) {
      weighted.keys.push_back(key);
      std::memcpy(&items[positive++], &weight, sizeof(double));
      totalWeight += weight;
    }
  }
  items.resize(positive);
  weighted.counts.bits = std::move(items);
  if (weighted.size() == 0) // no weight anywhere: every LUT is as good
    return buildSortedF32Lut(config, values);
  result.distinctCount = keys.size();
  std::vector<float> entries =
      clusterF32(weighted, totalWeight, config.nbits, config.kmeans);
  assignThroughKeys(values, keys, entries, result);
  return result;
}
