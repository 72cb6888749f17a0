//===- LutBuilderTest.cpp - kmeans, uniform and unique LUTs ---------------===//

#include "palettize/Lut/LutBuilder.h"
#include "palettize/Lut/BitPacking.h"
#include "palettize/Lut/KMeans1D.h"
#include "palettize/Lut/Metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <thread>

using namespace palettize;

namespace {

LutConfig kmeans(unsigned nbits) { return {LutMode::KMeans, nbits, {}}; }
LutConfig uniform(unsigned nbits) { return {LutMode::Uniform, nbits, {}}; }
LutConfig unique() { return {LutMode::Unique, 0, {}}; }

// buildLut on the three tensor forms the tests use.
LutResult buildFlat(const LutConfig &config, llvm::ArrayRef<float> values) {
  return buildLut(config, TensorView(values));
}
LutResult buildFlat(const LutConfig &config, llvm::ArrayRef<uint16_t> bits,
                    FloatFormat format) {
  return buildLut(config, TensorView(bits, format));
}
LutResult buildFlat(const LutConfig &config, const void *data, size_t count,
                    FloatFormat format) {
  return buildLut(config, TensorView(data, format, {int64_t(count)}));
}
LutResult buildGrouped(const LutConfig &config, const void *data,
                       llvm::ArrayRef<int64_t> shape, unsigned axis,
                       int64_t groupSize, FloatFormat format,
                       int64_t vectorSize = 1) {
  return buildLut(config, TensorView(data, format, shape),
                  Tiling{axis, groupSize, vectorSize});
}
LutResult buildVectors(const LutConfig &config, const void *data,
                       llvm::ArrayRef<int64_t> shape, unsigned axis,
                       int64_t vectorSize, FloatFormat format) {
  return buildLut(config, TensorView(data, format, shape),
                  Tiling{axis, 0, vectorSize});
}

std::vector<uint16_t> toHalf(const std::vector<float> &values,
                             FloatFormat format) {
  std::vector<uint16_t> bits;
  for (float value : values)
    bits.push_back(floatToNarrow(value, format));
  return bits;
}

/// Sum of squared errors of a result, recomputed here.
double sse(const std::vector<float> &values, const LutResult &lut) {
  double total = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    double d = double(values[i]) - lut.entries[lut.indices[i]];
    total += d * d;
  }
  return total;
}

/// The sorted distinct values (x) and their multiplicities (w).
struct WeightedValues {
  std::vector<double> x, w;
};

WeightedValues countDistinct(const std::vector<float> &values) {
  std::map<double, double> counts;
  for (float value : values)
    counts[value] += 1;
  WeightedValues distinct;
  for (auto [value, count] : counts) {
    distinct.x.push_back(value);
    distinct.w.push_back(count);
  }
  return distinct;
}

/// The optimal contiguous partition: its cost, and each cluster's weight and
/// (real-valued) centroid.
struct BruteForcePartition {
  double cost = INFINITY;
  std::vector<double> weights, centroids;
};

/// The optimum of 1-D k-means over every contiguous partition of the sorted
/// distinct values, weighted by multiplicity (tiny inputs only).
BruteForcePartition bruteForcePartition(const std::vector<float> &values,
                                        size_t k) {
  auto [x, w] = countDistinct(values);
  const size_t m = x.size();
  k = std::min(k, m);
  BruteForcePartition best;
  for (uint32_t mask = 0; mask < (1u << (m - 1)); ++mask) {
    if (size_t(__builtin_popcount(mask)) != k - 1)
      continue;
    BruteForcePartition current;
    current.cost = 0;
    size_t begin = 0;
    for (size_t cut = 1; cut <= m; ++cut) {
      if (cut != m && !((mask >> (cut - 1)) & 1))
        continue;
      double weight = 0, sum = 0;
      for (size_t i = begin; i < cut; ++i) {
        weight += w[i];
        sum += w[i] * x[i];
      }
      for (size_t i = begin; i < cut; ++i)
        current.cost += w[i] * (x[i] - sum / weight) * (x[i] - sum / weight);
      current.weights.push_back(weight);
      current.centroids.push_back(sum / weight);
      begin = cut;
    }
    if (current.cost < best.cost)
      best = std::move(current);
  }
  return best;
}

double bruteForceOptimum(const std::vector<float> &values, size_t k) {
  return bruteForcePartition(values, k).cost;
}

/// Checks the invariants every LUT must satisfy.
void expectWellFormed(const LutResult &lut, size_t count) {
  ASSERT_EQ(lut.status, LutStatus::Success);
  ASSERT_TRUE(isSupportedIndexBitWidth(lut.getIndexBitWidth()));
  ASSERT_EQ(lut.entries.size(), size_t(1) << lut.getIndexBitWidth());
  ASSERT_EQ(lut.indices.size(), count);
  for (uint8_t index : lut.indices)
    ASSERT_LT(index, lut.entries.size());
}

/// Checks that every element maps to a nearest entry, the lower on ties.
void expectNearest(const std::vector<double> &values, const LutResult &lut,
                   size_t used) {
  for (size_t i = 0; i < values.size(); ++i) {
    double chosen = std::fabs(values[i] - lut.entries[lut.indices[i]]);
    for (size_t e = 0; e < used; ++e) {
      double other = std::fabs(values[i] - lut.entries[e]);
      ASSERT_LE(chosen, other) << "element " << i;
      if (other == chosen) {
        ASSERT_LE(lut.indices[i], e) << "tie must pick the lower index";
      }
    }
  }
}

std::vector<float> gaussian(size_t n, unsigned seed, float sigma = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0, sigma);
  std::vector<float> values(n);
  for (float &value : values)
    value = dist(rng);
  return values;
}

//===----------------------------------------------------------------------===//
// kmeans
//===----------------------------------------------------------------------===//

TEST(KMeansLut, MatchesBruteForceOptimumF32) {
  std::mt19937 rng(2);
  std::uniform_int_distribution<int> level(-40, 40);
  for (int trial = 0; trial < 200; ++trial) {
    // Few distinct values with repeats, so the brute force stays tiny.
    std::vector<float> values(30 + trial % 50);
    for (float &value : values)
      value = float(level(rng) % (4 + trial % 10)) * 0.37f;
    for (unsigned nbits : {1u, 2u, 3u}) {
      LutResult lut = buildFlat(kmeans(nbits), values);
      expectWellFormed(lut, values.size());
      double optimum = bruteForceOptimum(values, size_t(1) << nbits);
      double actual = sse(values, lut);
      // Centroids are rounded to f32, which perturbs the optimum by
      // O(ulp^2) only.
      EXPECT_NEAR(actual, optimum, 1e-9 * optimum + 1e-12)
          << "trial " << trial << " nbits " << nbits;
    }
  }
}

TEST(KMeansLut, ArangeReconstructsExactlyAtEveryWidth) {
  for (unsigned nbits : kSupportedIndexBitWidths) {
    const size_t k = size_t(1) << nbits;
    std::vector<float> values(4 * k);
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = float((i * 7) % k); // every level, shuffled, 4 times
    for (LutConfig config : {kmeans(nbits), unique()}) {
      LutResult lut32 = buildFlat(config, values);
      expectWellFormed(lut32, values.size());
      EXPECT_EQ(sse(values, lut32), 0.0) << nbits;
      EXPECT_EQ(lut32.getIndexBitWidth(), nbits);
      for (FloatFormat format : {FloatFormat::F16, FloatFormat::BF16}) {
        std::vector<uint16_t> bits = toHalf(values, format);
        LutResult lut16 = buildFlat(config, bits, format);
        expectWellFormed(lut16, values.size());
        EXPECT_EQ(lut16.getIndexBitWidth(), nbits);
        for (size_t i = 0; i < bits.size(); ++i)
          ASSERT_EQ(floatToNarrow(lut16.entries[lut16.indices[i]], format),
                    bits[i]);
      }
    }
  }
}

TEST(KMeansLut, FewDistinctValuesGiveZeroErrorAndZeroPadding) {
  std::vector<float> values = {0.5f, -3.0f, 0.5f, 7.25f, -0.0f, 0.0f, -3.0f};
  LutResult lut = buildFlat(kmeans(4), values);
  expectWellFormed(lut, values.size());
  EXPECT_EQ(lut.distinctCount, 5u);
  // Ascending used entries (-0 before +0, bit for bit), zeros after.
  EXPECT_EQ(floatToBits(lut.entries[1]), floatToBits(-0.0f));
  EXPECT_EQ(floatToBits(lut.entries[2]), floatToBits(0.0f));
  EXPECT_EQ((std::vector<float>(lut.entries.begin(), lut.entries.begin() + 5)),
            (std::vector<float>{-3.0f, -0.0f, 0.0f, 0.5f, 7.25f}));
  for (size_t e = 5; e < 16; ++e)
    EXPECT_EQ(floatToBits(lut.entries[e]), 0u);
  for (size_t i = 0; i < values.size(); ++i)
    EXPECT_EQ(floatToBits(lut.entries[lut.indices[i]]), floatToBits(values[i]));
}

TEST(KMeansLut, LutAscendingAndElementsNearest) {
  std::vector<float> values = gaussian(20000, 9);
  for (unsigned nbits : {2u, 4u, 6u}) {
    LutResult lut = buildFlat(kmeans(nbits), values);
    expectWellFormed(lut, values.size());
    EXPECT_TRUE(std::is_sorted(lut.entries.begin(), lut.entries.end()));
    std::vector<double> asDouble(values.begin(), values.end());
    expectNearest(asDouble, lut, lut.entries.size());
  }
}

TEST(KMeansLut, PermutationInvariant) {
  std::vector<float> values = gaussian(5000, 4);
  for (float &value : values)
    value = std::round(value * 50) / 50; // repeats
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(8));
  std::vector<float> shuffled;
  for (size_t i : order)
    shuffled.push_back(values[i]);
  for (FloatFormat format :
       {FloatFormat::F32, FloatFormat::F16, FloatFormat::BF16}) {
    LutResult a, b;
    if (format == FloatFormat::F32) {
      a = buildFlat(kmeans(4), values);
      b = buildFlat(kmeans(4), shuffled);
    } else {
      a = buildFlat(kmeans(4), toHalf(values, format), format);
      b = buildFlat(kmeans(4), toHalf(shuffled, format), format);
    }
    EXPECT_EQ(a.entries, b.entries);
    for (size_t i = 0; i < order.size(); ++i)
      ASSERT_EQ(b.indices[i], a.indices[order[i]]);
  }
}

// The f16 histogram path and the f32 sort path cluster the same values the
// same way: the f16 LUT is the f32 LUT rounded to f16.
TEST(KMeansLut, HalfHistogramPathMatchesF32Path) {
  std::mt19937 rng(12);
  std::uniform_int_distribution<int> level(0, 300);
  std::vector<float> values(30000);
  for (float &value : values)
    value = float(level(rng)) / 64; // exact in f16
  std::vector<uint16_t> bits = toHalf(values, FloatFormat::F16);
  for (unsigned nbits : {2u, 3u, 4u, 6u}) {
    LutResult viaF32 = buildFlat(kmeans(nbits), values);
    LutResult viaF16 = buildFlat(kmeans(nbits), bits, FloatFormat::F16);
    ASSERT_EQ(viaF16.entries.size(), viaF32.entries.size());
    for (size_t e = 0; e < viaF16.entries.size(); ++e)
      EXPECT_EQ(viaF16.entries[e], roundToFormat(viaF32.entries[e], FloatFormat::F16))
          << "entry " << e << " nbits " << nbits;
    // Indices may differ only where rounding an entry to f16 moved a tie:
    // each f16 index must be at least as near as the f32 one, under the
    // same (f16) entries, and nearer by at most the two entries' rounding
    // (half an f16 ulp each, 2^-9 below 8).
    for (size_t i = 0; i < values.size(); ++i) {
      const double viaHalf =
          std::fabs(values[i] - viaF16.entries[viaF16.indices[i]]);
      const double viaSingle =
          std::fabs(values[i] - viaF16.entries[viaF32.indices[i]]);
      ASSERT_LE(viaHalf, viaSingle) << "element " << i << " nbits " << nbits;
      if (viaF16.indices[i] != viaF32.indices[i]) {
        ASSERT_LE(viaSingle - viaHalf, std::ldexp(1.0, -8))
            << "element " << i << " nbits " << nbits;
      }
    }
  }
}

TEST(KMeansLut, HalfMatchesBruteForceUpToRounding) {
  std::mt19937 rng(21);
  std::normal_distribution<float> dist(0, 0.05f);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<float> values(200);
    for (float &value : values)
      value = std::round(dist(rng) * 40) / 40; // ~10-15 distinct values
    std::vector<uint16_t> bits = toHalf(values, FloatFormat::F16);
    std::vector<float> exact;
    for (uint16_t b : bits)
      exact.push_back(halfToFloat(b));
    for (unsigned nbits : {1u, 2u, 3u}) {
      LutResult lut = buildFlat(kmeans(nbits), bits, FloatFormat::F16);
      expectWellFormed(lut, bits.size());
      const BruteForcePartition optimum =
          bruteForcePartition(exact, size_t(1) << nbits);
      const double actual = sse(exact, lut);
      // Never better than the real-valued optimum; worse only by rounding
      // its centroids to f16: moving a mean by d adds n d^2 to a cluster's
      // error, and reassigning to the nearest entry can only lower it.
      double rounding = 0;
      for (size_t c = 0; c < optimum.centroids.size(); ++c) {
        const double d =
            roundToFormat(optimum.centroids[c], FloatFormat::F16) -
            optimum.centroids[c];
        rounding += optimum.weights[c] * d * d;
      }
      EXPECT_GE(actual, optimum.cost * (1 - 1e-12));
      EXPECT_LE(actual, (optimum.cost + rounding) * (1 + 1e-12) + 1e-18)
          << trial;
    }
  }
}

/// Exact optimum of a large f32 input through the library's exact DP (itself
/// checked against brute force and the naive DP above).
double exactOptimum(const std::vector<float> &values, unsigned nbits) {
  WeightedValues distinct = countDistinct(values);
  return optimalPartition1D(distinct.x, distinct.w, size_t(1) << nbits).cost;
}

std::vector<float> heavyTailed(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::student_t_distribution<float> dist(2.0f);
  std::vector<float> values(n);
  for (float &value : values)
    value = dist(rng) * 0.02f;
  return values;
}

std::vector<float> withOutliers(size_t n, unsigned seed) {
  std::vector<float> values = gaussian(n, seed, 0.01f);
  for (size_t i = 0; i < n; i += 997)
    values[i] *= 300; // a few large magnitudes
  return values;
}

std::vector<float> bimodal(size_t n, unsigned seed) {
  std::vector<float> values = gaussian(n, seed, 0.3f);
  for (size_t i = 0; i < n; i += 2)
    values[i] += 5;
  return values;
}

/// The excess over the exact optimum allowed on smooth f32 inputs. The
/// documented bound, 0.1%, is the design's worst case; on smooth
/// distributions the last level's windows hold the optimal boundaries but
/// for a few in sparse tails, and the excess stays below 1e-4 (at most
/// 4.3e-5 on these inputs). Without the last level it reaches 3.7e-4,
/// without the one before 7e-3.
constexpr double kSmoothExcess = 1e-4;

// f32 with more distinct values than the exact limit: within kSmoothExcess
// of the exact optimum (the default options) on several distributions.
TEST(KMeansLut, BinnedF32NearTheOptimum) {
  struct Case {
    const char *name;
    std::vector<float> values;
  };
  std::vector<Case> cases = {{"gaussian", gaussian(70000, 1)},
                             {"heavy-tailed", heavyTailed(70000, 2)},
                             {"outliers", withOutliers(70000, 3)},
                             {"bimodal", bimodal(70000, 4)}};
  for (const Case &c : cases) {
    for (unsigned nbits : {2u, 4u, 6u, 8u}) {
      // Large enough for the approximate paths.
      ASSERT_GT(c.values.size() << nbits, KMeansOptions().maxExactWork);
      const double optimum = exactOptimum(c.values, nbits);
      // The default choice of path, then the histogram forced at every
      // width (it is the default only for large tensors past 4 bits).
      for (size_t minHistogramElements :
           {KMeansOptions().minHistogramElements, size_t(0)}) {
        LutConfig config = kmeans(nbits);
        config.kmeans.minHistogramElements = minHistogramElements;
        LutResult lut = buildFlat(config, c.values);
        expectWellFormed(lut, c.values.size());
        const double actual = sse(c.values, lut);
        EXPECT_LE(actual, optimum * (1 + kSmoothExcess))
            << c.name << " nbits " << nbits << " histogram from "
            << minHistogramElements;
        EXPECT_GE(actual, optimum * (1 - 1e-9)) << c.name;
      }
    }
  }
}

// The binned path forced on smaller inputs, with coarse and default bins.
TEST(KMeansLut, BinnedPathOnSmallerInputs) {
  for (size_t binCount : {64, 1024}) {
    for (unsigned seed : {6u, 7u, 8u}) {
      std::vector<float> values =
          seed == 7 ? withOutliers(20000, seed) : heavyTailed(20000, seed);
      for (unsigned nbits : {1u, 3u, 4u, 6u}) {
        LutConfig binned = kmeans(nbits);
        binned.kmeans.maxExactWork = 0;
        binned.kmeans.binCount = binCount;
        LutResult lut = buildFlat(binned, values);
        expectWellFormed(lut, values.size());
        const double optimum = exactOptimum(values, nbits);
        EXPECT_LE(sse(values, lut), optimum * (1 + kSmoothExcess))
            << "bins " << binCount << " seed " << seed << " nbits " << nbits;
        EXPECT_GE(sse(values, lut), optimum * (1 - 1e-9));
      }
    }
  }
}

//===----------------------------------------------------------------------===//
// uniform
//===----------------------------------------------------------------------===//

// lo = 0, hi = 3, n = 2: lut [0, 1, 2, 3]; (w - 0) / 3 * 3 = w, rounded half
// to even: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, 2.6 -> 3.
TEST(UniformLut, HandWorkedHalfwayCases) {
  std::vector<float> values = {0.0f, 3.0f, 0.5f, 1.5f, 2.5f, 2.6f, 1.0f};
  LutResult lut = buildFlat(uniform(2), values);
  expectWellFormed(lut, values.size());
  EXPECT_EQ(lut.entries, (std::vector<float>{0, 1, 2, 3}));
  EXPECT_EQ(lut.indices, (std::vector<uint8_t>{0, 3, 0, 2, 2, 3, 1}));
}

// lo = -1, hi = 2, n = 1: lut [-1, 2]; 0.5 is (0.5 + 1) / 3 = 0.5 -> 0.
TEST(UniformLut, OneBitMidpoint) {
  std::vector<float> values = {-1.0f, 2.0f, 0.5f, 0.6f};
  LutResult lut = buildFlat(uniform(1), values);
  EXPECT_EQ(lut.entries, (std::vector<float>{-1, 2}));
  EXPECT_EQ(lut.indices, (std::vector<uint8_t>{0, 1, 0, 1}));
}

TEST(UniformLut, MatchesFormulaAtEveryWidth) {
  std::vector<float> values = gaussian(3000, 10);
  const double lo = *std::min_element(values.begin(), values.end());
  const double hi = *std::max_element(values.begin(), values.end());
  for (unsigned nbits : kSupportedIndexBitWidths) {
    const double levels = (1u << nbits) - 1;
    LutResult lut = buildFlat(uniform(nbits), values);
    expectWellFormed(lut, values.size());
    for (unsigned i = 0; i <= levels; ++i)
      EXPECT_EQ(lut.entries[i], float(lo + i * (hi - lo) / levels));
    for (size_t i = 0; i < values.size(); ++i) {
      double scaled = (values[i] - lo) / (hi - lo) * levels;
      double expected = std::floor(scaled);
      double fraction = scaled - expected;
      if (fraction > 0.5 || (fraction == 0.5 && std::fmod(expected, 2) == 1))
        expected += 1;
      ASSERT_EQ(lut.indices[i], uint8_t(expected));
    }
  }
}

TEST(UniformLut, ConstantTensorMapsToZero) {
  std::vector<float> values(100, 0.75f);
  LutResult lut = buildFlat(uniform(4), values);
  expectWellFormed(lut, values.size());
  for (uint8_t index : lut.indices)
    EXPECT_EQ(index, 0);
  EXPECT_EQ(lut.entries[0], 0.75f);
  std::vector<uint16_t> bits(50, floatToHalf(-2.0f));
  LutResult half = buildFlat(uniform(2), bits, FloatFormat::F16);
  EXPECT_EQ(half.entries[0], -2.0f);
  EXPECT_EQ(half.indices, std::vector<uint8_t>(50, 0));
}

TEST(UniformLut, HalfAgreesWithF32OnExactValues) {
  std::vector<float> values = {0.0f, 0.25f, 0.5f, 1.0f, 2.0f, 3.0f, 1.5f};
  LutResult a = buildFlat(uniform(3), values);
  LutResult b = buildFlat(uniform(3), toHalf(values, FloatFormat::F16),
                               FloatFormat::F16);
  EXPECT_EQ(a.indices, b.indices);
  for (size_t e = 0; e < a.entries.size(); ++e)
    EXPECT_EQ(b.entries[e], roundToFormat(a.entries[e], FloatFormat::F16));
}

//===----------------------------------------------------------------------===//
// unique
//===----------------------------------------------------------------------===//

TEST(UniqueLut, ChoosesSmallestWidth) {
  EXPECT_EQ(getSmallestBitWidthFor(1), 1u);
  EXPECT_EQ(getSmallestBitWidthFor(2), 1u);
  EXPECT_EQ(getSmallestBitWidthFor(5), 3u);
  EXPECT_EQ(getSmallestBitWidthFor(8), 3u);
  EXPECT_EQ(getSmallestBitWidthFor(17), 6u);
  EXPECT_EQ(getSmallestBitWidthFor(65), 8u);
  EXPECT_EQ(getSmallestBitWidthFor(256), 8u);
  EXPECT_EQ(getSmallestBitWidthFor(257), 0u);
  for (size_t distinct = 5; distinct <= 8; ++distinct) {
    std::vector<float> values;
    for (size_t i = 0; i < 40; ++i)
      values.push_back(float(i % distinct) - 2.5f);
    LutResult lut = buildFlat(unique(), values);
    EXPECT_EQ(lut.getIndexBitWidth(), 3u);
    EXPECT_EQ(sse(values, lut), 0.0);
  }
  LutResult one = buildFlat(unique(), std::vector<float>(10, 4.0f));
  EXPECT_EQ(one.getIndexBitWidth(), 1u);
  EXPECT_EQ(one.entries, (std::vector<float>{4.0f, 0.0f}));
}

TEST(UniqueLut, SortedDistinctBitExact) {
  std::vector<float> values = {3.0f, -0.0f, 1e-40f, 0.0f, -7.5f, 3.0f};
  for (FloatFormat format :
       {FloatFormat::F32, FloatFormat::F16, FloatFormat::BF16}) {
    LutResult lut;
    std::vector<uint32_t> original;
    if (format == FloatFormat::F32) {
      lut = buildFlat(unique(), values);
      for (float v : values)
        original.push_back(floatToBits(v));
    } else {
      std::vector<uint16_t> bits = toHalf(values, format);
      lut = buildFlat(unique(), bits, format);
      for (uint16_t b : bits)
        original.push_back(floatToBits(narrowToFloat(b, format)));
    }
    expectWellFormed(lut, values.size());
    // f16 flushes 1e-40 to +0: four distinct values instead of five.
    EXPECT_EQ(lut.getIndexBitWidth(), format == FloatFormat::F16 ? 2u : 3u);
    EXPECT_TRUE(
        std::is_sorted(lut.entries.begin(), lut.entries.begin() + lut.distinctCount));
    for (size_t i = 0; i < values.size(); ++i)
      ASSERT_EQ(floatToBits(lut.entries[lut.indices[i]]), original[i]);
  }
}

// 300 and exactly 257 distinct values are too many, in the f32 and the f16
// paths; 256 are not.
TEST(UniqueLut, TooManyDistinctValues) {
  auto expectStatus = [](const std::vector<float> &values, LutStatus status) {
    EXPECT_EQ(buildFlat(unique(), values).status, status)
        << values.size();
    EXPECT_EQ(buildFlat(unique(), toHalf(values, FloatFormat::F16),
                             FloatFormat::F16)
                  .status,
              status)
        << values.size();
  };
  for (size_t distinct : {300, 257, 256}) {
    std::vector<float> values(distinct);
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = float(i);
    expectStatus(values, distinct > 256 ? LutStatus::TooManyDistinctValues
                                        : LutStatus::Success);
  }
}

// Every palette size from 1 to 257 distinct values, on both sides of each
// width's capacity: the smallest of 1, 2, 3, 4, 6, 8 bits with 2^b >= d, and
// the LUT reproduces the values exactly, zero-padded.
TEST(UniqueLut, EveryPaletteSizeTakesTheSmallestWidth) {
  const unsigned widths[] = {1, 2, 3, 4, 6, 8};
  for (size_t distinct = 1; distinct <= 257; ++distinct) {
    unsigned expected = 0;
    for (unsigned width : widths)
      if (expected == 0 && (size_t(1) << width) >= distinct)
        expected = width;
    ASSERT_EQ(getSmallestBitWidthFor(distinct), expected) << distinct;
    if (expected == 0)
      continue;
    std::vector<float> values;
    for (size_t i = 0; i < 2 * distinct; ++i)
      values.push_back(float((i * 257) % distinct) - 3.0f); // all of 0..d-1
    for (bool half : {false, true}) {
      LutResult lut =
          half ? buildFlat(unique(), toHalf(values, FloatFormat::F16),
                                FloatFormat::F16)
               : buildFlat(unique(), values);
      ASSERT_EQ(lut.status, LutStatus::Success) << distinct;
      ASSERT_EQ(lut.getIndexBitWidth(), expected) << distinct;
      ASSERT_EQ(lut.entries.size(), size_t(1) << expected);
      for (size_t e = 0; e < lut.entries.size(); ++e)
        ASSERT_EQ(lut.entries[e], e < distinct ? float(e) - 3.0f : 0.0f)
            << distinct << " entry " << e;
      for (size_t i = 0; i < values.size(); ++i)
        ASSERT_EQ(lut.entries[lut.indices[i]], values[i]) << distinct;
    }
  }
}

//===----------------------------------------------------------------------===//
// Bad input
//===----------------------------------------------------------------------===//

TEST(LutBuilder, NonFiniteValuesAreReported) {
  for (float bad : {NAN, INFINITY, -INFINITY}) {
    std::vector<float> values = {1.0f, bad, 2.0f};
    for (LutConfig config : {kmeans(2), uniform(2), unique()}) {
      EXPECT_EQ(buildFlat(config, values).status,
                LutStatus::NonFiniteValues);
      for (FloatFormat format : {FloatFormat::F16, FloatFormat::BF16})
        EXPECT_EQ(buildFlat(config, toHalf(values, format), format).status,
                  LutStatus::NonFiniteValues);
    }
  }
  // f16 overflow becomes infinity and is reported too.
  std::vector<uint16_t> overflow = {floatToHalf(1e6f)};
  EXPECT_EQ(buildFlat(kmeans(1), overflow, FloatFormat::F16).status,
            LutStatus::NonFiniteValues);
}

TEST(LutBuilder, UnsupportedBitWidth) {
  std::vector<float> values = {1.0f, 2.0f};
  for (unsigned nbits : {0u, 5u, 7u, 9u}) {
    EXPECT_EQ(buildFlat(kmeans(nbits), values).status,
              LutStatus::UnsupportedBitWidth);
    EXPECT_EQ(buildFlat(uniform(nbits), values).status,
              LutStatus::UnsupportedBitWidth);
  }
}

TEST(LutBuilder, EmptyTensor) {
  for (LutConfig config : {kmeans(4), uniform(4), unique()}) {
    LutResult lut = buildFlat(config, std::vector<float>{});
    EXPECT_EQ(lut.status, LutStatus::Success);
    EXPECT_TRUE(lut.indices.empty());
    LutResult half =
        buildFlat(config, std::vector<uint16_t>{}, FloatFormat::F16);
    EXPECT_EQ(half.status, LutStatus::Success);
  }
}

TEST(LutBuilder, RawEntryPointDispatchesByFormat) {
  std::vector<float> values = {1.0f, 2.0f, 4.0f};
  LutResult a =
      buildFlat(unique(), values.data(), values.size(), FloatFormat::F32);
  EXPECT_EQ(a.entries, (std::vector<float>{1, 2, 4, 0}));
  std::vector<uint16_t> bits = toHalf(values, FloatFormat::BF16);
  LutResult b =
      buildFlat(unique(), bits.data(), bits.size(), FloatFormat::BF16);
  EXPECT_EQ(b.entries, a.entries);
}

} // namespace

namespace {

/// A ParallelFor on plain threads, one per task.
void threadPerTask(size_t count, llvm::function_ref<void(size_t)> task) {
  std::vector<std::thread> threads;
  for (size_t i = 0; i < count; ++i)
    threads.emplace_back([task, i] { task(i); });
  for (std::thread &thread : threads)
    thread.join();
}

// Results do not depend on the executor: the same LUT and indices, bit for
// bit, with the parallel DP layers and chunked histogram passes.
TEST(LutBuilder, ParallelForGivesIdenticalResults) {
  std::vector<float> values = heavyTailed(300000, 31);
  std::vector<uint16_t> half = toHalf(values, FloatFormat::F16);
  for (unsigned nbits : {2u, 4u, 6u}) {
    LutConfig serial = kmeans(nbits), parallel = kmeans(nbits);
    parallel.kmeans.parallelFor = threadPerTask;
    LutResult a = buildFlat(serial, half, FloatFormat::F16);
    LutResult b = buildFlat(parallel, half, FloatFormat::F16);
    EXPECT_EQ(a.entries, b.entries) << nbits;
    EXPECT_EQ(a.indices, b.indices) << nbits;
    if (nbits > 4)
      continue; // the exact f32 DP below gets slow
    // f32 through the sorted path (exact DP on many distinct values).
    serial.kmeans.maxExactWork = parallel.kmeans.maxExactWork = 1u << 30;
    LutResult c = buildFlat(serial, values);
    LutResult d = buildFlat(parallel, values);
    EXPECT_EQ(c.entries, d.entries) << nbits;
    EXPECT_EQ(c.indices, d.indices) << nbits;
  }
  // Large enough for chunked histogram and gather passes.
  std::vector<uint16_t> large =
      toHalf(gaussian(4500000, 32, 0.02f), FloatFormat::F16);
  LutConfig serial = kmeans(6), parallel = kmeans(6);
  parallel.kmeans.parallelFor = threadPerTask;
  LutResult a = buildFlat(serial, large, FloatFormat::F16);
  LutResult b = buildFlat(parallel, large, FloatFormat::F16);
  EXPECT_EQ(a.entries, b.entries);
  EXPECT_EQ(a.indices, b.indices);
}

} // namespace

namespace {

//===----------------------------------------------------------------------===//
// Grouped-channel LUTs
//===----------------------------------------------------------------------===//

std::vector<float> arange16() {
  std::vector<float> values(16);
  for (size_t i = 0; i < 16; ++i)
    values[i] = float(i);
  return values;
}

// coremltools' case: arange(16).reshape(4, 4), unique, 2 groups along axis 0
// (rows {0, 1} and {2, 3}): palettes [0..7] and [8..15], 3 bits, indices
// [[0,1,2,3],[4,5,6,7],[0,1,2,3],[4,5,6,7]].
TEST(GroupedLut, UniqueAlongAxisZero) {
  std::vector<float> values = arange16();
  LutResult lut =
      buildGrouped(unique(), values.data(), {4, 4}, 0, 2, FloatFormat::F32);
  ASSERT_EQ(lut.status, LutStatus::Success);
  EXPECT_EQ(lut.getIndexBitWidth(), 3u);
  EXPECT_EQ(lut.layout.getGroupCount(), 2u);
  EXPECT_EQ(lut.entries, (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                                          12, 13, 14, 15}));
  EXPECT_EQ(lut.indices, (std::vector<uint8_t>{0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2,
                                               3, 4, 5, 6, 7}));
}

// Along axis 1 (columns {0, 1} and {2, 3}): palettes
// [0,1,4,5,8,9,12,13] and [2,3,6,7,10,11,14,15].
TEST(GroupedLut, UniqueAlongAxisOne) {
  std::vector<float> values = arange16();
  LutResult lut =
      buildGrouped(unique(), values.data(), {4, 4}, 1, 2, FloatFormat::F32);
  ASSERT_EQ(lut.status, LutStatus::Success);
  EXPECT_EQ(lut.getIndexBitWidth(), 3u);
  EXPECT_EQ(lut.entries, (std::vector<float>{0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7,
                                          10, 11, 14, 15}));
  // Element (r, c) has value 4r + c, at position 2r + (c % 2) of its group.
  for (size_t r = 0; r < 4; ++r)
    for (size_t c = 0; c < 4; ++c)
      EXPECT_EQ(lut.indices[4 * r + c], 2 * r + c % 2);
}

// Group size 1 on a 90-channel conv weight [90, 3, 3, 3]: 90 palettes, each
// holding its channel's values; kmeans with enough entries is exact.
TEST(GroupedLut, OneLutPerChannel) {
  std::mt19937 rng(90);
  std::uniform_int_distribution<int> level(0, 7);
  std::vector<float> values(90 * 27);
  for (float &value : values)
    value = float(level(rng)) * 0.25f;
  LutResult lut = buildGrouped(kmeans(3), values.data(), {90, 3, 3, 3}, 0,
                                   1, FloatFormat::F32);
  ASSERT_EQ(lut.status, LutStatus::Success);
  EXPECT_EQ(lut.layout.getGroupCount(), 90u);
  EXPECT_EQ(lut.entries.size(), 90u * 8);
  for (size_t i = 0; i < values.size(); ++i)
    ASSERT_EQ(lut.entries[(i / 27) * 8 + lut.indices[i]], values[i]) << i;
}

// Each group's LUT is what the per-tensor builder gives on that group's
// elements alone (the reference gathers them independently).
TEST(GroupedLut, GroupsMatchPerTensorOnTheirElements) {
  std::vector<float> values = heavyTailed(6 * 8 * 5, 44);
  const int64_t shape[] = {6, 8, 5};
  for (unsigned axis = 0; axis < 3; ++axis) {
    const int64_t groupSize = axis == 2 ? 5 : 2;
    LutResult lut = buildGrouped(kmeans(2), values.data(), shape, axis,
                                     groupSize, FloatFormat::F32);
    ASSERT_EQ(lut.status, LutStatus::Success);
    for (size_t group = 0; group < size_t(lut.layout.getGroupCount()); ++group) {
      std::vector<float> members;
      std::vector<size_t> where;
      for (size_t i = 0; i < values.size(); ++i) {
        const size_t coordinate[] = {i / 40, (i / 5) % 8, i % 5};
        if (coordinate[axis] / size_t(groupSize) == group) {
          members.push_back(values[i]);
          where.push_back(i);
        }
      }
      LutResult alone = buildFlat(kmeans(2), members);
      EXPECT_EQ(std::vector<float>(lut.entries.begin() + group * 4,
                                   lut.entries.begin() + group * 4 + 4),
                alone.entries)
          << "axis " << axis << " group " << group;
      for (size_t m = 0; m < members.size(); ++m)
        ASSERT_EQ(lut.indices[where[m]], alone.indices[m]);
    }
  }
}

// Grouped vectors: a [3, 8, 2] tensor, groups of 4 channels along axis 1,
// vectors of 2 along the same axis. unique reconstructs every element; the
// reference reads each element's index and LUT row by explicit coordinates:
// group c / 4, index grid (o, c / 2, i), vector lane c % 2.
TEST(GroupedLut, VectorsPerGroupReconstructExactly) {
  std::vector<float> values(3 * 8 * 2);
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> level(-3, 3);
  for (float &value : values)
    value = float(level(rng)) * 0.5f;
  const int64_t shape[] = {3, 8, 2};
  LutResult lut = buildGrouped(unique(), values.data(), shape, 1, 4,
                                   FloatFormat::F32, /*vectorSize=*/2);
  ASSERT_EQ(lut.status, LutStatus::Success);
  ASSERT_EQ(lut.layout.getGroupCount(), 2u);
  ASSERT_EQ(lut.indices.size(), 3u * 4 * 2);
  const size_t rows = size_t(1) << lut.getIndexBitWidth();
  ASSERT_EQ(lut.entries.size(), 2 * rows * 2);
  for (size_t o = 0; o < 3; ++o)
    for (size_t c = 0; c < 8; ++c)
      for (size_t i = 0; i < 2; ++i) {
        const size_t group = c / 4;
        const uint8_t index = lut.indices[(o * 4 + c / 2) * 2 + i];
        ASSERT_LT(index, rows);
        EXPECT_EQ(lut.entries[(group * rows + index) * 2 + c % 2],
                  values[(o * 8 + c) * 2 + i])
            << o << "," << c << "," << i;
      }
}

// kmeans on grouped vectors: each group's palette is what a vector tiling
// without groups gives on that group's channels alone.
TEST(GroupedLut, VectorsMatchVectorLutOnTheirChannels) {
  std::vector<float> values = heavyTailed(4 * 12, 9);
  const int64_t shape[] = {4, 12};
  LutResult lut = buildGrouped(kmeans(2), values.data(), shape, 1, 6,
                                   FloatFormat::F32, /*vectorSize=*/3);
  ASSERT_EQ(lut.status, LutStatus::Success);
  for (size_t group = 0; group < 2; ++group) {
    std::vector<float> members;
    for (size_t row = 0; row < 4; ++row)
      for (size_t c = 0; c < 6; ++c)
        members.push_back(values[row * 12 + group * 6 + c]);
    const int64_t memberShape[] = {4, 6};
    LutResult alone = buildVectors(kmeans(2), members.data(), memberShape, 1,
                                     3, FloatFormat::F32);
    ASSERT_EQ(alone.status, LutStatus::Success);
    EXPECT_EQ(std::vector<float>(lut.entries.begin() + group * 12,
                                 lut.entries.begin() + group * 12 + 12),
              alone.entries);
    for (size_t row = 0; row < 4; ++row)
      for (size_t v = 0; v < 2; ++v)
        EXPECT_EQ(lut.indices[row * 4 + group * 2 + v],
                  alone.indices[row * 2 + v]);
  }
}

TEST(GroupedLut, UniquePadsSmallerGroupsAndReportsFailures) {
  // Group 0 has 2 distinct values, group 1 has 5: both use 3 bits.
  std::vector<float> values = {1, 1, 2, 2, 1, 1, 2, 3, 4, 5};
  LutResult lut =
      buildGrouped(unique(), values.data(), {2, 5}, 0, 1, FloatFormat::F32);
  ASSERT_EQ(lut.status, LutStatus::Success);
  EXPECT_EQ(lut.getIndexBitWidth(), 3u);
  EXPECT_EQ(lut.entries, (std::vector<float>{1, 2, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5,
                                          0, 0, 0}));
  values[7] = NAN;
  EXPECT_EQ(
      buildGrouped(unique(), values.data(), {2, 5}, 0, 1, FloatFormat::F32)
          .status,
      LutStatus::NonFiniteValues);
}

} // namespace

namespace {

//===----------------------------------------------------------------------===//
// Vector LUTs
//===----------------------------------------------------------------------===//

/// Sum of squared errors of a vector LUT against the input, recomputed from
/// the definition: vector q of the grid takes row indices[q].
double vectorError(const std::vector<float> &values,
                   const std::vector<int64_t> &shape, unsigned axis,
                   int64_t size, const LutResult &lut) {
  int64_t outer = 1, inner = 1;
  for (unsigned a = 0; a < axis; ++a)
    outer *= shape[a];
  for (unsigned a = axis + 1; a < shape.size(); ++a)
    inner *= shape[a];
  double total = 0;
  size_t q = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t b = 0; b < shape[axis] / size; ++b)
      for (int64_t i = 0; i < inner; ++i, ++q)
        for (int64_t t = 0; t < size; ++t) {
          const double x =
              values[size_t((o * shape[axis] + b * size + t) * inner + i)];
          const double y = lut.entries[lut.indices[q] * size_t(size) + size_t(t)];
          total += (x - y) * (x - y);
        }
  return total;
}

// Vectors of 2 along axis 1 of [[1,2,1,2],[3,4,1,2]]: distinct vectors
// (1,2) and (3,4). unique: rows sorted, indices [[0,0],[1,0]] in grid order.
TEST(VectorLut, UniqueDistinctVectors) {
  std::vector<float> values = {1, 2, 1, 2, 3, 4, 1, 2};
  LutResult lut =
      buildVectors(unique(), values.data(), {2, 4}, 1, 2, FloatFormat::F32);
  ASSERT_EQ(lut.status, LutStatus::Success);
  EXPECT_EQ(lut.getIndexBitWidth(), 1u);
  EXPECT_EQ(lut.entries, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(lut.indices, (std::vector<uint8_t>{0, 0, 1, 0}));
}

// Along axis 0 of a 4x2 tensor: vector (r, c) = (x[2r][c], x[2r+1][c]).
TEST(VectorLut, AlongFirstAxis) {
  std::vector<float> values = {1, 5, 2, 6, 1, 5, 2, 6};
  LutResult lut =
      buildVectors(unique(), values.data(), {4, 2}, 0, 2, FloatFormat::F32);
  ASSERT_EQ(lut.status, LutStatus::Success);
  EXPECT_EQ(lut.entries, (std::vector<float>{1, 2, 5, 6}));
  EXPECT_EQ(lut.indices, (std::vector<uint8_t>{0, 1, 0, 1}));
}

// Fewer distinct vectors than rows: exact, never more clusters than
// vectors (coremltools caps by the scalar count instead).
TEST(VectorLut, KMeansExactWithFewVectors) {
  std::vector<float> values = {1, 2, 3, 4, 1, 2};
  LutResult lut =
      buildVectors(kmeans(4), values.data(), {3, 2}, 1, 2, FloatFormat::F32);
  ASSERT_EQ(lut.status, LutStatus::Success);
  EXPECT_EQ(vectorError(values, {3, 2}, 1, 2, lut), 0.0);
  for (size_t r = 2; r < 16; ++r)
    EXPECT_EQ(lut.entries[2 * r], 0.0f);
}

// Two well separated groups of vectors, k = 2: the centres are the groups'
// means, whatever the seed.
TEST(VectorLut, KMeansFindsSeparatedClusters) {
  std::vector<float> values;
  for (int i = 0; i < 50; ++i) {
    values.push_back(float(i % 5) * 0.01f); // near (0, 0)
    values.push_back(float(i % 3) * 0.01f);
    values.push_back(10 + float(i % 5) * 0.01f); // near (10, 10)
    values.push_back(10 + float(i % 3) * 0.01f);
  }
  LutResult lut = buildVectors(kmeans(1), values.data(), {100, 2}, 1, 2,
                                 FloatFormat::F32);
  ASSERT_EQ(lut.status, LutStatus::Success);
  std::vector<float> rows = lut.entries;
  if (rows[0] > rows[2]) {
    std::swap(rows[0], rows[2]);
    std::swap(rows[1], rows[3]);
  }
  // Means of i % 5 * 0.01 (0.02) and of i % 3 * 0.01 over 50 values.
  double meanMod3 = 0;
  for (int i = 0; i < 50; ++i)
    meanMod3 += (i % 3) * 0.01 / 50;
  EXPECT_NEAR(rows[0], 0.02, 1e-6);
  EXPECT_NEAR(rows[1], meanMod3, 1e-6);
  EXPECT_NEAR(rows[2], 10.02, 1e-5);
  EXPECT_NEAR(rows[3], 10 + meanMod3, 1e-5);
}

// Lloyd's output is a fixed point: every vector maps to its nearest row and
// every used row is the mean of its vectors (f32 rounding aside).
TEST(VectorLut, KMeansIsLloydFixedPoint) {
  std::vector<float> values = gaussian(3000, 77);
  const std::vector<int64_t> shape = {1000, 3};
  LutResult lut =
      buildVectors(kmeans(4), values.data(), shape, 1, 3, FloatFormat::F32);
  ASSERT_EQ(lut.status, LutStatus::Success);
  std::vector<double> sums(16 * 3, 0), counts(16, 0);
  for (size_t q = 0; q < 1000; ++q) {
    double best = INFINITY;
    size_t bestRow = 0;
    for (size_t r = 0; r < 16; ++r) {
      double distance = 0;
      for (size_t t = 0; t < 3; ++t)
        distance += std::pow(values[q * 3 + t] - lut.entries[r * 3 + t], 2);
      if (distance < best) {
        best = distance;
        bestRow = r;
      }
    }
    ASSERT_EQ(lut.indices[q], bestRow) << q;
    counts[bestRow] += 1;
    for (size_t t = 0; t < 3; ++t)
      sums[bestRow * 3 + t] += values[q * 3 + t];
  }
  for (size_t r = 0; r < 16; ++r)
    for (size_t t = 0; t < 3 && counts[r] > 0; ++t)
      EXPECT_NEAR(lut.entries[r * 3 + t], sums[r * 3 + t] / counts[r], 1e-5);
}

// Two heavy f16 vectors Q1 = (1, 1.5 + u), Q2 = (1, 1.5 - u) (u = 2^-10, the
// step at 1.5) and one P = (1, 1.5) exactly between them, one bit: P joins
// one of them, whose mean then rounds back to it, so the rows are Q1 and Q2
// in some order and P is equally near both. Ties take the lower row,
// both in Lloyd's assignment and in the final one: P decodes to row 0.
TEST(VectorLut, TiesTakeTheLowerRow) {
  const uint16_t one = 0x3C00, mid = 0x3E00, up = 0x3E01, down = 0x3DFF;
  std::vector<uint16_t> bits;
  for (int copy = 0; copy < 10; ++copy)
    bits.insert(bits.end(), {one, up, one, down});
  bits.insert(bits.end(), {one, mid});
  const int64_t vectors = int64_t(bits.size() / 2);
  LutResult lut = buildVectors(kmeans(1), bits.data(), {vectors, 2}, 1, 2,
                                 FloatFormat::F16);
  ASSERT_EQ(lut.status, LutStatus::Success);
  ASSERT_EQ(lut.entries.size(), 4u);
  const float upValue = halfToFloat(up), downValue = halfToFloat(down);
  EXPECT_EQ(lut.entries[0], 1.0f);
  EXPECT_EQ(lut.entries[2], 1.0f);
  EXPECT_TRUE((lut.entries[1] == upValue && lut.entries[3] == downValue) ||
              (lut.entries[1] == downValue && lut.entries[3] == upValue))
      << lut.entries[1] << " " << lut.entries[3];
  EXPECT_EQ(lut.indices.back(), 0u) << "P must take the lower row";
  for (int64_t v = 0; v + 1 < vectors; ++v)
    EXPECT_EQ(lut.entries[2 * lut.indices[v] + 1], halfToFloat(bits[2 * v + 1]))
        << "vector " << v << " is a row itself";
}

TEST(VectorLut, RejectsUniformAndNonFinite) {
  std::vector<float> values = {1, 2, 3, 4};
  EXPECT_EQ(
      buildVectors(uniform(2), values.data(), {2, 2}, 1, 2, FloatFormat::F32)
          .status,
      LutStatus::UnsupportedMode);
  values[3] = INFINITY;
  EXPECT_EQ(
      buildVectors(kmeans(2), values.data(), {2, 2}, 1, 2, FloatFormat::F32)
          .status,
      LutStatus::NonFiniteValues);
}

// Found by the LUT fuzzer: f32 values spanning 2^-149 to 2^128, clustered
// through the binned path. Several tiny entries are at the same double
// distance from 3.6e-4, and a nearest-entry walk that went back among them
// made the sorted assignment decrease, which the threshold table turned
// into indices up to 23 in a 16-entry palette. Every index must be in the
// palette and each element's entry its nearest.
TEST(KMeansLut, WideDynamicRangeStaysInThePalette) {
  const std::vector<float> distinct = {
      0x1.2ad872p-126f, 0x1.000006p+103f, 0x1.7dc7b8p-12f, 0x1.0655bp-127f,
      0x1.fcp-127f,     0x1.000014p+3f,   0x1p+127f,       0x1.4p-138f,
      -0x1.3dp+20f,     0x1.72fefep+89f,  0x1.804a8p-132f, -0x1.b8e6p+72f,
      -0x1.d8737cp-85f, 0x1.04p-143f,     0x1.400fep-130f, 0x1.04p-135f,
      0x1.00fep-107f,   -0.0f,            0x1.ff933cp+127f};
  std::vector<float> values;
  for (int i = 0; i < 60; ++i)
    values.push_back(distinct[i % distinct.size()]);
  LutConfig config = kmeans(4);
  config.kmeans.maxExactWork = 64; // the binned path on 19 distinct values
  LutResult lut = buildFlat(config, values);
  ASSERT_EQ(lut.status, LutStatus::Success);
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_LT(lut.indices[i], 16) << "element " << i;
    const double chosen =
        std::fabs(double(values[i]) - lut.entries[lut.indices[i]]);
    for (float entry : lut.entries)
      EXPECT_LE(chosen, std::fabs(double(values[i]) - entry))
          << "element " << i;
  }
}

} // namespace
