//===- HistogramF32Lut.cpp - f32 k-means through a histogram --------------===//
//
// For f32 tensors too large to sort cheaply: one pass builds 65,536 buckets
// over the top 16 bits of the ordered key (count, key range, and sums of
// offsets from the bucket's base, which keep full precision); clusters are
// found on whole buckets, then only the buckets around the boundaries are
// expanded into their exact values (a second pass) for two more levels of
// windowed DP. Centroids come from the units' sums, as the values inside
// unexpanded buckets are never enumerated.
//
//===----------------------------------------------------------------------===//

#include "LutBuilders.h"
#include "palettize/Lut/KMeans1D.h"

#include <algorithm>

using namespace palettize;
using namespace palettize::detail;

namespace {

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
  /// With importance: each bucket's summed importance (its sums are then
  /// weighted by it too); empty otherwise, when a bucket weighs its count.
  std::vector<double> weights;

  /// Adds every value to its bucket of `raw` (by raw top 16 bits), weighted
  /// by its importance into `rawWeights` when Weighted (a loop apiece, so the
  /// plain one carries no importance).
  template <bool Weighted>
  static void accumulate(llvm::ArrayRef<float> values,
                         ImportanceView importance, std::vector<Bucket> &raw,
                         double *rawWeights) {
    for (size_t i = 0; i < values.size(); ++i) {
      const float value = values[i];
      const uint32_t bits = floatToBits(value);
      Bucket &bucket = raw[bits >> 16];
      const uint32_t low = bits & 0xFFFF;
      // Same sign and exponent: the difference is exact in float.
      const double offset = value - bitsToFloat(bits & 0xFFFF0000u);
      ++bucket.count;
      if constexpr (Weighted) {
        const double weight = importance[i];
        rawWeights[bits >> 16] += weight;
        bucket.sum += weight * offset;
        bucket.square += weight * offset * offset;
      } else {
        bucket.sum += offset;
        bucket.square += offset * offset;
      }
      bucket.minKey = std::min(bucket.minKey, low);
      bucket.maxKey = std::max(bucket.maxKey, low);
    }
  }

  explicit Histogram32(llvm::ArrayRef<float> values,
                       ImportanceView importance = {}) {
    // Count by the raw top 16 bits, with the range of the low 16 bits: no
    // key transform per element. Each bucket then moves to its key's place.
    std::vector<Bucket> raw(65536);
    std::vector<double> rawWeights;
    if (importance) {
      rawWeights.assign(65536, 0);
      accumulate<true>(values, importance, raw, rawWeights.data());
    } else {
      accumulate<false>(values, importance, raw, nullptr);
    }
    if (importance)
      weights.assign(65536, 0);
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
      if (importance)
        weights[keyTop] = rawWeights[top];
      to.minKey =
          keyTop << 16 | (negative ? ~from.maxKey & 0xFFFF : from.minKey);
      to.maxKey =
          keyTop << 16 | (negative ? ~from.minKey & 0xFFFF : from.maxKey);
    }
  }

  /// The weight of bucket b (by key): its summed importance, or its count.
  double weightOf(uint32_t b) const {
    return weights.empty() ? double(buckets[b].count) : weights[b];
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

/// Merges consecutive units into bins by getBinStarts's rule; returns each
/// bin's first unit.
std::vector<size_t> groupUnits(const Units &units, double totalWeight,
                               size_t binCount) {
  return getBinStarts(
      units.size(), [&](size_t u) { return units.weights[u]; },
      [&](size_t u) { return units.lows[u]; },
      [&](size_t u) { return units.highs[u]; }, totalWeight, binCount);
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
  refineBetweenNeighbours(units.size(),
                          addUnitsFrom([&](size_t u) { return units.at(u); }),
                          starts, options.maxRefinementRounds);
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

/// k-means for f32 tensors too large to sort cheaply: everything goes
/// through Histogram32, and only the buckets around cluster boundaries are
/// expanded into their exact values (one more pass over the input).
} // namespace

LutResult palettize::detail::buildHistogramF32Lut(const LutConfig &config,
                                                  llvm::ArrayRef<float> values,
                                                  ImportanceView importance) {
  LutResult result;
  result.layout.indexBitWidth = config.nbits;
  const KMeansOptions &options = config.kmeans;
  Histogram32 histogram(values, importance);
  // The fallback for inputs the buckets serve badly.
  auto sorted = [&]() {
    return importance ? buildWeightedSortedF32Lut(config, values, importance)
                      : buildSortedF32Lut(config, values);
  };

  // Non-empty buckets, ascending; with importance, those of positive
  // weight only: the others pull no entry (their values take their nearest
  // entry like any other).
  std::vector<uint32_t> buckets;
  double totalWeight = 0;
  bool leftOut = false; // a bucket of values of no weight
  bool singleValued = true;
  // An upper bound on the distinct values: per bucket, the fewer of its
  // count and its span of keys.
  uint64_t distinctBound = 0;
  for (uint32_t b = 0; b < 65536; ++b) {
    if (!histogram.buckets[b].count)
      continue;
    distinctBound += std::min<uint64_t>(histogram.buckets[b].count,
                                        uint64_t(histogram.buckets[b].maxKey) -
                                            histogram.buckets[b].minKey + 1);
    if (!(histogram.weightOf(b) > 0)) {
      leftOut = true;
      continue;
    }
    totalWeight += histogram.weightOf(b);
    buckets.push_back(b);
    singleValued &= histogram.buckets[b].minKey == histogram.buckets[b].maxKey;
  }
  if (buckets.empty()) // no weight anywhere: every LUT is as good
    return buildSortedF32Lut(config, values);
  const size_t bucketCount = buckets.size();
  const size_t k = std::min(bucketCount, size_t(1) << config.nbits);
  // Possibly few distinct values, several per bucket: they may be few enough
  // to cluster exactly, which only the sorted path can tell.
  if (!singleValued &&
      distinctBound * (size_t(1) << config.nbits) <= options.maxExactWork)
    return sorted();

  const double shift = Histogram32::base(buckets[bucketCount / 2]);
  Units units;
  for (uint32_t b : buckets) {
    // Move the sums from the bucket's base to the common shift.
    const double w = histogram.weightOf(b);
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
      // Every value is one of these, unless values of no weight were left
      // out: those take their nearest entry.
      if (!leftOut)
        thresholds.assign(units.firstKeys.begin() + 1, units.firstKeys.end());
      else
        thresholds = detail::getThresholds(entries);
    } else {
      entries = centroidsOfUnits(
          units, clusterUnits(units, k, options, totalWeight), shift);
      thresholds = detail::getThresholds(entries);
    }
    detail::assignByThresholds(values, thresholds, result.indices);
    result.entries = padLut(std::move(entries), result.layout.indexBitWidth);
    return result;
  }

  // Clusters of whole buckets, then exact values in the buckets around each
  // boundary (the boundary's bucket and its neighbours).
  std::vector<size_t> bucketStarts =
      clusterUnits(units, k, options, totalWeight);
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
        return sorted();
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
  // With importance, each expanded value's importance, in the keys' order
  // (pairs sorted by key together, stably, so sums run in element order).
  std::vector<float> expandedWeights;
  if (importance) {
    std::vector<uint64_t> pairs;
    for (size_t i = 0; i < values.size(); ++i) {
      const uint32_t bits = floatToBits(values[i]);
      if (expandByTop[bits >> 16])
        pairs.push_back(uint64_t(orderedKey32(bits)) << 32 |
                        floatToBits(float(importance[i])));
    }
    std::vector<uint64_t> scratch(pairs.size());
    radixSortBy(pairs, scratch,
                [](uint64_t pair) { return uint32_t(pair >> 32); });
    for (uint64_t pair : pairs) {
      expandedKeys.push_back(uint32_t(pair >> 32));
      expandedWeights.push_back(bitsToFloat(uint32_t(pair)));
    }
  } else {
    for (float value : values) {
      const uint32_t bits = floatToBits(value);
      if (expandByTop[bits >> 16])
        expandedKeys.push_back(orderedKey32(bits));
    }
    std::vector<uint32_t> scratch(expandedKeys.size());
    radixSort(expandedKeys, scratch);
  }

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
  // Appends the values expandedKeys[begin, end) grouped by key >> groupShift
  // (with importance, groups of no weight are left out: they pull nothing).
  auto addGroups = [&](Level &level, size_t begin, size_t end,
                       unsigned groupShift) {
    while (begin < end) {
      const uint32_t group = expandedKeys[begin] >> groupShift;
      size_t stop = begin;
      double w = 0, sum = 0, square = 0;
      while (stop < end && (expandedKeys[stop] >> groupShift) == group) {
        const double x = keyToFloat(expandedKeys[stop]) - shift;
        const double weight = importance ? expandedWeights[stop] : 1.0;
        w += weight;
        sum += weight * x;
        square += weight * x * x;
        ++stop;
      }
      if (w > 0) {
        level.units.add(w, sum, square, keyToFloat(expandedKeys[begin]),
                        keyToFloat(expandedKeys[stop - 1]),
                        expandedKeys[begin]);
        level.keyRanges.emplace_back(begin, stop);
      }
      begin = stop;
    }
  };
  // Windows for boundaries that may move within units [first[c], last[c]].
  auto makeWindows = [&](const std::vector<size_t> &first,
                         const std::vector<size_t> &last, size_t unitCount) {
    std::vector<BoundaryWindow> windows;
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
  std::vector<size_t> groupStarts = optimalPartitionInWindows(
      groups.units.size(),
      addUnitsFrom([&](size_t i) { return groups.units.at(i); }),
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
  std::vector<size_t> starts = optimalPartitionInWindows(
      mixed.units.size(),
      addUnitsFrom([&](size_t i) { return mixed.units.at(i); }),
      makeWindows(first, last, mixed.units.size()));
  std::vector<float> entries = centroidsOfUnits(mixed.units, starts, shift);
  detail::assignByThresholds(values, detail::getThresholds(entries),
                             result.indices);
  result.entries = padLut(std::move(entries), result.layout.indexBitWidth);
  return result;
}
