//===- WeightedLutTest.cpp - Importance-weighted k-means ------------------===//
//
// The references here are independent of the builders: exhaustive search
// over every assignment of a few values to clusters, hand-worked cases, and
// the identity that an integer importance is the same as repeating the
// element that many times.
//
//===----------------------------------------------------------------------===//

#include "palettize/Lut/BitWidthErrors.h"
#include "palettize/Lut/Importance.h"
#include "palettize/Lut/LutBuilder.h"
#include "palettize/Lut/Metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <thread>

using namespace palettize;

namespace {

LutConfig kmeans(unsigned nbits) { return {LutMode::KMeans, nbits, {}}; }

/// The value of element i of a tensor stored in `format`.
double valueAt(const void *data, FloatFormat format, size_t i) {
  return readFloat(data, format, int64_t(i));
}

/// Random values representable in `format`, as that format's storage.
std::vector<char> randomValues(size_t count, FloatFormat format,
                               std::mt19937 &random, double scale = 1) {
  std::normal_distribution<float> normal(0, float(scale));
  std::vector<char> data(count * getByteWidth(format));
  for (size_t i = 0; i < count; ++i)
    writeFloat(data.data(), format, int64_t(i), normal(random));
  return data;
}

/// Weighted sum of squared errors of `lut` over `count` scalar elements.
double weightedError(const void *data, FloatFormat format, size_t count,
                     const std::vector<float> &importance,
                     const LutResult &lut) {
  double total = 0;
  for (size_t i = 0; i < count; ++i) {
    const double d = valueAt(data, format, i) - lut.entries[lut.indices[i]];
    total += importance[i] * d * d;
  }
  return total;
}

/// The least weighted cost of clustering `values` (with `weights`) into at
/// most k clusters, by trying every assignment: k^m of them.
double bruteForceOptimum(const std::vector<double> &values,
                         const std::vector<double> &weights, size_t k) {
  const size_t m = values.size();
  size_t assignments = 1;
  for (size_t i = 0; i < m; ++i)
    assignments *= k;
  double best = std::numeric_limits<double>::infinity();
  std::vector<size_t> cluster(m);
  for (size_t code = 0; code < assignments; ++code) {
    size_t rest = code;
    for (size_t i = 0; i < m; ++i) {
      cluster[i] = rest % k;
      rest /= k;
    }
    std::vector<double> weight(k, 0), sum(k, 0);
    for (size_t i = 0; i < m; ++i) {
      weight[cluster[i]] += weights[i];
      sum[cluster[i]] += weights[i] * values[i];
    }
    double cost = 0;
    for (size_t i = 0; i < m; ++i) {
      const double d = values[i] - sum[cluster[i]] / weight[cluster[i]];
      cost += weights[i] * d * d;
    }
    best = std::min(best, cost);
  }
  return best;
}

/// The weighted cost of the partition `lut` makes of the elements, with
/// each cluster at the exact weighted mean of its elements (so that the
/// rounding of the stored entries does not enter the comparison).
double partitionCost(const void *data, FloatFormat format, size_t count,
                     const std::vector<float> &importance,
                     const LutResult &lut) {
  std::map<unsigned, std::pair<double, double>> sums; // weight, sum
  for (size_t i = 0; i < count; ++i) {
    auto &[weight, sum] = sums[lut.indices[i]];
    weight += importance[i];
    sum += importance[i] * valueAt(data, format, i);
  }
  double cost = 0;
  for (size_t i = 0; i < count; ++i) {
    auto [weight, sum] = sums[lut.indices[i]];
    if (weight == 0)
      continue;
    const double d = valueAt(data, format, i) - sum / weight;
    cost += importance[i] * d * d;
  }
  return cost;
}

/// Checks that every element takes an entry nearest to it.
void expectNearest(const void *data, FloatFormat format, size_t count,
                   const LutResult &lut) {
  const size_t used = lut.entries.size();
  for (size_t i = 0; i < count; ++i) {
    const double x = valueAt(data, format, i);
    const double mine = std::fabs(x - lut.entries[lut.indices[i]]);
    for (size_t e = 0; e < used; ++e)
      ASSERT_LE(mine, std::fabs(x - lut.entries[e])) << "element " << i;
  }
}

//===----------------------------------------------------------------------===//
// Checks of importances
//===----------------------------------------------------------------------===//

TEST(Importance, FindsTheFirstUnusableValue) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> good = {0, 1, 2.5f, -0.0f};
  EXPECT_FALSE(findInvalidImportance(ImportanceView(good.data()), 4));
  std::vector<float> negative = {1, 2, -1e-30f, -3};
  EXPECT_EQ(findInvalidImportance(ImportanceView(negative.data()), 4), 2u);
  std::vector<float> notANumber = {1, nan};
  EXPECT_EQ(findInvalidImportance(ImportanceView(notANumber.data()), 2), 1u);
  std::vector<float> infinite = {inf, 1};
  EXPECT_EQ(findInvalidImportance(ImportanceView(infinite.data()), 2), 0u);
  // f16 storage: 0xBC00 is -1.
  std::vector<uint16_t> half = {0x3C00, 0xBC00};
  EXPECT_EQ(
      findInvalidImportance(ImportanceView(half.data(), FloatFormat::F16), 2),
      1u);
}

TEST(Importance, UniformMeansAllEqual) {
  std::vector<float> same = {0.25f, 0.25f, 0.25f};
  EXPECT_TRUE(isUniformImportance(ImportanceView(same.data()), 3));
  std::vector<float> different = {0.25f, 0.25f, 0.5f};
  EXPECT_FALSE(isUniformImportance(ImportanceView(different.data()), 3));
  EXPECT_TRUE(isUniformImportance(ImportanceView(different.data()), 2));
  EXPECT_TRUE(isUniformImportance(ImportanceView(), 3));
}

TEST(WeightedLut, ReportsInvalidImportance) {
  std::vector<float> values = {1, 2, 3, 4};
  std::vector<float> importance = {1, 1, -1, 1};
  LutResult lut = buildLut(kmeans(1), TensorView(values), {},
                           ImportanceView(importance.data()));
  EXPECT_EQ(lut.status, LutStatus::InvalidImportance);
  importance[2] = std::numeric_limits<float>::quiet_NaN();
  lut = buildLut(kmeans(1), TensorView(values), {},
                 ImportanceView(importance.data()));
  EXPECT_EQ(lut.status, LutStatus::InvalidImportance);
}

//===----------------------------------------------------------------------===//
// Scalar palettes
//===----------------------------------------------------------------------===//

// Worked by hand. {0, 1} | {10} is the best split either way, but the heavy
// 1 pulls the first centroid to 100/101 instead of 0.5.
TEST(WeightedLut, HeavyValuePullsItsCentroid) {
  std::vector<float> values = {0, 1, 10};
  std::vector<float> importance = {1, 100, 1};
  LutResult lut = buildLut(kmeans(1), TensorView(values), {},
                           ImportanceView(importance.data()));
  ASSERT_TRUE(lut.succeeded());
  EXPECT_EQ(lut.entries, (std::vector<float>{float(100.0 / 101.0), 10.0f}));
  EXPECT_EQ(lut.indices, (std::vector<uint8_t>{0, 0, 1}));
  LutResult plain = buildLut(kmeans(1), TensorView(values));
  EXPECT_EQ(plain.entries, (std::vector<float>{0.5f, 10.0f}));
}

// Worked by hand: without weights {0} | {1, 2} and {0, 1} | {2} tie (0.5
// each) and the DP takes the leftmost split; a heavy 2 makes {0, 1} | {2}
// the only optimum (0.5 against about 0.999).
TEST(WeightedLut, ImportanceChangesThePartition) {
  for (FloatFormat format :
       {FloatFormat::F32, FloatFormat::F16, FloatFormat::BF16}) {
    std::vector<char> data(3 * getByteWidth(format));
    for (int i = 0; i < 3; ++i)
      writeFloat(data.data(), format, i, float(i));
    std::vector<float> importance = {1, 1, 1000};
    TensorView tensor(data.data(), format, {3});
    LutResult lut =
        buildLut(kmeans(1), tensor, {}, ImportanceView(importance.data()));
    ASSERT_TRUE(lut.succeeded());
    EXPECT_EQ(lut.entries, (std::vector<float>{0.5f, 2.0f}));
    EXPECT_EQ(lut.indices, (std::vector<uint8_t>{0, 0, 1}));
    LutResult plain = buildLut(kmeans(1), tensor);
    EXPECT_EQ(plain.entries, (std::vector<float>{0.0f, 1.5f}));
  }
}

// A value of importance 0 pulls nothing and takes its nearest entry.
TEST(WeightedLut, ZeroImportanceValuesTakeTheirNearestEntry) {
  std::vector<float> values = {0, 0, 10, 10, 4, 6, 100};
  std::vector<float> importance = {1, 1, 1, 1, 0, 0, 0};
  LutResult lut = buildLut(kmeans(1), TensorView(values), {},
                           ImportanceView(importance.data()));
  ASSERT_TRUE(lut.succeeded());
  EXPECT_EQ(lut.entries, (std::vector<float>{0.0f, 10.0f}));
  EXPECT_EQ(lut.indices, (std::vector<uint8_t>{0, 0, 1, 1, 0, 1, 1}));
  // With room for more entries than weighted values, the LUT holds those
  // exactly and pads with zeros.
  LutResult wide = buildLut(kmeans(2), TensorView(values), {},
                            ImportanceView(importance.data()));
  EXPECT_EQ(wide.entries, (std::vector<float>{0, 10, 0, 0}));
}

// Values of no importance get no entry of their own, even where the LUT has
// room for them: five distinct values, four entries, three that matter.
TEST(WeightedLut, ZeroImportanceValuesGetNoEntry) {
  for (FloatFormat format : {FloatFormat::F32, FloatFormat::F16}) {
    std::vector<char> data(5 * getByteWidth(format));
    const float values[] = {0, 1, 2, 10, 20};
    for (int i = 0; i < 5; ++i)
      writeFloat(data.data(), format, i, values[i]);
    std::vector<float> importance = {1, 0, 0, 1, 1};
    LutResult lut = buildLut(kmeans(2), TensorView(data.data(), format, {5}),
                             {}, ImportanceView(importance.data()));
    ASSERT_TRUE(lut.succeeded());
    EXPECT_EQ(lut.entries, (std::vector<float>{0, 10, 20, 0}));
    EXPECT_EQ(lut.indices, (std::vector<uint8_t>{0, 0, 0, 1, 2}));
  }
}

// Small random sets against every assignment of their values to clusters,
// in every format; some importances are 0.
TEST(WeightedLut, ScalarOptimumMatchesExhaustiveSearch) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> weightOf(0, 9);
  for (FloatFormat format :
       {FloatFormat::F32, FloatFormat::F16, FloatFormat::BF16}) {
    for (unsigned nbits : {1u, 2u}) {
      for (int trial = 0; trial < 25; ++trial) {
        const size_t count = 6 + size_t(trial % 4);
        std::vector<char> data = randomValues(count, format, random);
        std::vector<float> importance(count);
        for (float &value : importance)
          value = float(weightOf(random)) / 4;
        importance[0] = 3; // at least one positive and not all equal
        importance[1] = 0.5f;
        LutResult lut = buildLut(
            kmeans(nbits), TensorView(data.data(), format, {int64_t(count)}),
            {}, ImportanceView(importance.data()));
        ASSERT_TRUE(lut.succeeded());
        // The reference: distinct values of positive weight.
        std::map<double, double> weightOfValue;
        for (size_t i = 0; i < count; ++i)
          if (importance[i] > 0)
            weightOfValue[valueAt(data.data(), format, i)] += importance[i];
        std::vector<double> values, weights;
        for (auto [value, weight] : weightOfValue) {
          values.push_back(value);
          weights.push_back(weight);
        }
        const double optimum =
            bruteForceOptimum(values, weights, size_t(1) << nbits);
        const double cost =
            partitionCost(data.data(), format, count, importance, lut);
        EXPECT_NEAR(cost, optimum, 1e-9 * (1 + optimum))
            << "trial " << trial << " nbits " << nbits;
        expectNearest(data.data(), format, count, lut);
      }
    }
  }
}

/// Returns each element repeated importance[i] times.
std::vector<char> repeat(const std::vector<char> &data, FloatFormat format,
                         const std::vector<float> &importance) {
  const unsigned width = getByteWidth(format);
  std::vector<char> repeated;
  for (size_t i = 0; i < importance.size(); ++i)
    for (int copy = 0; copy < int(importance[i]); ++copy)
      repeated.insert(repeated.end(), data.begin() + i * width,
                      data.begin() + (i + 1) * width);
  return repeated;
}

/// Checks that weighting by integer importances builds exactly the LUT of
/// the tensor with each element repeated that many times, and gives each
/// element the index of its copies.
void expectSameAsRepeated(const LutConfig &config, FloatFormat format,
                          size_t count, std::mt19937 &random) {
  std::vector<char> data = randomValues(count, format, random);
  std::uniform_int_distribution<int> weightOf(0, 3);
  std::vector<float> importance(count);
  for (float &value : importance)
    value = float(weightOf(random));
  importance[0] = 1;
  importance[1] = 2;
  std::vector<char> repeated = repeat(data, format, importance);
  const size_t repeatedCount = repeated.size() / getByteWidth(format);
  LutResult weighted =
      buildLut(config, TensorView(data.data(), format, {int64_t(count)}), {},
               ImportanceView(importance.data()));
  LutResult plain = buildLut(
      config, TensorView(repeated.data(), format, {int64_t(repeatedCount)}));
  ASSERT_TRUE(weighted.succeeded());
  ASSERT_TRUE(plain.succeeded());
  EXPECT_EQ(weighted.entries, plain.entries);
  size_t copy = 0;
  for (size_t i = 0; i < count; ++i)
    for (int c = 0; c < int(importance[i]); ++c, ++copy)
      ASSERT_EQ(weighted.indices[i], plain.indices[copy]) << "element " << i;
  expectNearest(data.data(), format, count, weighted);
}

TEST(WeightedLut, IntegerImportanceIsRepetition16) {
  std::mt19937 random(11);
  for (FloatFormat format : {FloatFormat::F16, FloatFormat::BF16})
    for (unsigned nbits : {2u, 4u, 6u})
      expectSameAsRepeated(kmeans(nbits), format, 3000, random);
}

TEST(WeightedLut, IntegerImportanceIsRepetitionF32Exact) {
  // Few enough distinct values for the exact DP, weighted or repeated.
  std::mt19937 random(12);
  expectSameAsRepeated(kmeans(4), FloatFormat::F32, 500, random);
}

TEST(WeightedLut, IntegerImportanceIsRepetitionF32Refined) {
  // Too many distinct values for the exact DP: the three levels of DP run
  // on the sorted values (the repeated tensor takes the sorted path too at
  // nbits=8), with the same weights.
  std::mt19937 random(13);
  expectSameAsRepeated(kmeans(8), FloatFormat::F32, 40000, random);
}

/// Builds the weighted LUT of the f32 values `data` at `nbits` and checks
/// that its weighted error is within 0.1% of the exact weighted DP's
/// (maxExactWork unbounded); returns the LUT and that optimum.
std::pair<LutResult, double>
expectNearTheExactOptimum(const std::vector<char> &data,
                          const std::vector<float> &importance,
                          unsigned nbits) {
  const size_t count = importance.size();
  TensorView tensor(data.data(), FloatFormat::F32, {int64_t(count)});
  LutResult lut =
      buildLut(kmeans(nbits), tensor, {}, ImportanceView(importance.data()));
  LutConfig exactConfig = kmeans(nbits);
  exactConfig.kmeans.maxExactWork = std::numeric_limits<size_t>::max();
  LutResult exact =
      buildLut(exactConfig, tensor, {}, ImportanceView(importance.data()));
  EXPECT_TRUE(lut.succeeded());
  EXPECT_TRUE(exact.succeeded());
  if (!lut.succeeded() || !exact.succeeded())
    return {std::move(lut), 0.0};
  const double optimum =
      weightedError(data.data(), FloatFormat::F32, count, importance, exact);
  EXPECT_LE(
      weightedError(data.data(), FloatFormat::F32, count, importance, lut),
      optimum * 1.001)
      << "nbits " << nbits;
  return {std::move(lut), optimum};
}

TEST(WeightedLut, LargeF32WithinTheBoundOfTheExactOptimum) {
  std::mt19937 random(14);
  const size_t count = 100000;
  std::vector<char> data = randomValues(count, FloatFormat::F32, random);
  std::exponential_distribution<float> exponential(1);
  std::vector<float> importance(count);
  for (float &value : importance)
    value = exponential(random);
  TensorView tensor(data.data(), FloatFormat::F32, {int64_t(count)});
  for (unsigned nbits : {3u, 4u, 6u}) {
    const double optimum =
        expectNearTheExactOptimum(data, importance, nbits).second;
    // The weighted optimum beats the plain LUT on the weighted error.
    LutResult plain = buildLut(kmeans(nbits), tensor);
    EXPECT_LT(optimum, weightedError(data.data(), FloatFormat::F32, count,
                                     importance, plain));
  }
}

// The f32 histogram path with whole regions of no importance: the heavy
// tails weigh nothing, so their buckets are not clustered, yet their values
// take their nearest entry; the error stays within the bound of the exact
// weighted optimum.
TEST(WeightedLut, F32HistogramLeavesOutBucketsOfNoWeight) {
  std::mt19937 random(21);
  const size_t count = 200000;
  std::vector<char> data = randomValues(count, FloatFormat::F32, random);
  std::exponential_distribution<float> exponential(1);
  std::vector<float> importance(count);
  for (size_t i = 0; i < count; ++i) {
    const double x = valueAt(data.data(), FloatFormat::F32, i);
    importance[i] = std::fabs(x) > 1.5 ? 0.0f : exponential(random);
  }
  for (unsigned nbits : {2u, 4u, 6u}) {
    const LutResult lut =
        expectNearTheExactOptimum(data, importance, nbits).first;
    // The entries lie within the weighted values' range.
    for (size_t e = 0; e < (size_t(1) << nbits); ++e)
      EXPECT_LE(std::fabs(lut.entries[e]), 1.5) << "entry " << e;
    expectNearest(data.data(), FloatFormat::F32, count, lut);
  }
}

// Many distinct f32 values, each alone in its histogram bucket, only some
// of them weighted: with fewer weighted values than entries, the LUT is
// exactly those; the others take their nearest.
TEST(WeightedLut, F32SingleValuedBucketsOfNoWeight) {
  const size_t distinct = 5000, copies = 20;
  std::vector<float> values;
  std::vector<float> importance;
  for (size_t c = 0; c < copies; ++c)
    for (size_t v = 0; v < distinct; ++v) {
      // One value per bucket of the top 16 bits: 1.0 and up, a bucket apart.
      values.push_back(bitsToFloat(uint32_t(0x3F80 + v) << 16));
      importance.push_back(v % 100 == 0 ? 1.0f + float(c) : 0.0f);
    }
  std::vector<float> expected;
  for (size_t v = 0; v < distinct; v += 100)
    expected.push_back(bitsToFloat(uint32_t(0x3F80 + v) << 16));
  expected.resize(64, 0.0f);
  LutResult lut = buildLut(kmeans(6), TensorView(values), {},
                           ImportanceView(importance.data()));
  ASSERT_TRUE(lut.succeeded());
  EXPECT_EQ(lut.entries, expected);
  expectNearest(values.data(), FloatFormat::F32, values.size(), lut);
}

// Equal importances, zero included, change no clustering: the result is
// the unweighted one bit for bit, on every path.
TEST(WeightedLut, EqualImportanceIsUnweighted) {
  std::mt19937 random(15);
  struct Case {
    FloatFormat format;
    std::vector<int64_t> shape;
    Tiling tiling;
    unsigned nbits;
  };
  const Case cases[] = {
      {FloatFormat::F16, {64, 64}, {}, 4},
      {FloatFormat::BF16, {64, 64}, {}, 2},
      {FloatFormat::F32, {300, 1000}, {}, 4}, // through the f32 histogram
      {FloatFormat::F32, {64, 64}, {}, 8},
      {FloatFormat::F16, {16, 32}, Tiling{0, 4, 1}, 3},
      {FloatFormat::F32, {16, 32}, Tiling{1, 0, 2}, 4},
      {FloatFormat::F16, {16, 32}, Tiling{1, 8, 4}, 2},
  };
  for (const Case &c : cases) {
    int64_t count = 1;
    for (int64_t size : c.shape)
      count *= size;
    std::vector<char> data = randomValues(size_t(count), c.format, random);
    TensorView tensor(data.data(), c.format, c.shape);
    LutResult plain = buildLut(kmeans(c.nbits), tensor, c.tiling);
    for (float level : {0.0f, 0.37f}) {
      std::vector<float> importance(size_t(count), level);
      LutResult weighted = buildLut(kmeans(c.nbits), tensor, c.tiling,
                                    ImportanceView(importance.data()));
      EXPECT_EQ(weighted.entries, plain.entries);
      EXPECT_EQ(weighted.indices, plain.indices);
    }
  }
}

TEST(WeightedLut, ImportanceFormatsAgree) {
  // The same importances stored as f16 or f32 build the same LUT.
  std::mt19937 random(16);
  std::vector<char> data = randomValues(4096, FloatFormat::F16, random);
  std::vector<float> importance(4096);
  std::vector<uint16_t> halfImportance(4096);
  std::uniform_int_distribution<int> levels(0, 64);
  for (size_t i = 0; i < importance.size(); ++i) {
    importance[i] = float(levels(random)) / 8;
    halfImportance[i] = floatToHalf(importance[i]);
  }
  TensorView tensor(data.data(), FloatFormat::F16, {64, 64});
  LutResult fromF32 =
      buildLut(kmeans(4), tensor, {}, ImportanceView(importance.data()));
  LutResult fromF16 =
      buildLut(kmeans(4), tensor, {},
               ImportanceView(halfImportance.data(), FloatFormat::F16));
  EXPECT_EQ(fromF32.entries, fromF16.entries);
  EXPECT_EQ(fromF32.indices, fromF16.indices);
}

// Each group's palette is the weighted palette of its elements alone.
TEST(WeightedLut, GroupsAreWeightedOnTheirOwn) {
  std::mt19937 random(17);
  const int64_t rows = 8, columns = 12, groupSize = 3;
  for (FloatFormat format : {FloatFormat::F16, FloatFormat::F32}) {
    std::vector<char> data =
        randomValues(size_t(rows * columns), format, random);
    std::vector<float> importance(size_t(rows * columns));
    std::exponential_distribution<float> exponential(1);
    for (float &value : importance)
      value = exponential(random);
    TensorView tensor(data.data(), format, {rows, columns});
    LutResult grouped = buildLut(kmeans(2), tensor, Tiling{1, groupSize, 1},
                                 ImportanceView(importance.data()));
    ASSERT_TRUE(grouped.succeeded());
    for (int64_t g = 0; g < columns / groupSize; ++g) {
      std::vector<char> groupData;
      std::vector<float> groupImportance;
      const unsigned width = getByteWidth(format);
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = g * groupSize; c < (g + 1) * groupSize; ++c) {
          const size_t element = size_t(r * columns + c);
          groupData.insert(groupData.end(), data.begin() + element * width,
                           data.begin() + (element + 1) * width);
          groupImportance.push_back(importance[element]);
        }
      LutResult alone = buildLut(kmeans(2),
                                 TensorView(groupData.data(), format,
                                            {int64_t(groupImportance.size())}),
                                 {}, ImportanceView(groupImportance.data()));
      std::vector<float> palette(grouped.entries.begin() + g * 4,
                                 grouped.entries.begin() + (g + 1) * 4);
      EXPECT_EQ(palette, alone.entries) << "group " << g;
      size_t i = 0;
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = g * groupSize; c < (g + 1) * groupSize; ++c, ++i)
          EXPECT_EQ(grouped.indices[size_t(r * columns + c)], alone.indices[i]);
    }
  }
}

TEST(WeightedLut, SameResultWithThreads) {
  // Large enough for the f16 histogram to be summed in several chunks.
  std::mt19937 random(18);
  const size_t count = (size_t(1) << 22) + 3;
  std::vector<char> data = randomValues(count, FloatFormat::F16, random);
  std::vector<float> importance(count);
  std::uniform_real_distribution<float> uniform(0, 1);
  for (float &value : importance)
    value = uniform(random);
  TensorView tensor(data.data(), FloatFormat::F16, {int64_t(count)});
  LutConfig threaded = kmeans(4);
  threaded.kmeans.parallelFor = [](size_t n,
                                   llvm::function_ref<void(size_t)> task) {
    std::vector<std::thread> threads;
    for (size_t i = 0; i < n; ++i)
      threads.emplace_back([=] { task(i); });
    for (std::thread &thread : threads)
      thread.join();
  };
  LutResult serial =
      buildLut(kmeans(4), tensor, {}, ImportanceView(importance.data()));
  LutResult parallel =
      buildLut(threaded, tensor, {}, ImportanceView(importance.data()));
  EXPECT_EQ(serial.entries, parallel.entries);
  EXPECT_EQ(serial.indices, parallel.indices);
}

//===----------------------------------------------------------------------===//
// Vector palettes
//===----------------------------------------------------------------------===//

/// The decoded tensor of a vector palette over shape [m, d], vectors
/// along axis 1: each vector's row.
std::vector<float> decodeVectors(const LutResult &lut, size_t m, size_t d) {
  std::vector<float> decoded;
  for (size_t v = 0; v < m; ++v)
    for (size_t t = 0; t < d; ++t)
      decoded.push_back(lut.entries[lut.indices[v] * d + t]);
  return decoded;
}

// Worked by hand: four 2-D points at the corners of a 1 x 10 box. Plain
// k-means splits along the long side; weighting the first coordinate 1000
// times more makes the short side the one that matters.
TEST(WeightedVectorLut, CoordinateWeightsChooseTheSplit) {
  // Shape [4, 2], vectors along axis 1.
  std::vector<float> values = {0, 0, 0, 10, 1, 0, 1, 10};
  std::vector<float> importance = {1000, 1, 1000, 1, 1000, 1, 1000, 1};
  TensorView tensor(values.data(), FloatFormat::F32, {4, 2});
  LutResult weighted = buildLut(kmeans(1), tensor, Tiling{1, 0, 2},
                                ImportanceView(importance.data()));
  ASSERT_TRUE(weighted.succeeded());
  EXPECT_EQ(decodeVectors(weighted, 4, 2),
            (std::vector<float>{0, 5, 0, 5, 1, 5, 1, 5}));
  LutResult plain = buildLut(kmeans(1), tensor, Tiling{1, 0, 2});
  EXPECT_EQ(decodeVectors(plain, 4, 2),
            (std::vector<float>{0.5f, 0, 0.5f, 10, 0.5f, 0, 0.5f, 10}));
}

/// The decoded tensor of `rows` vectors of 2 values (shape [rows, 2]) with
/// importances, palettized with one bit per vector.
std::vector<float> palettizePairs(std::vector<float> values,
                                  std::vector<float> importance) {
  const int64_t rows = int64_t(values.size() / 2);
  LutResult lut = buildLut(
      kmeans(1), TensorView(values.data(), FloatFormat::F32, {rows, 2}),
      Tiling{1, 0, 2}, ImportanceView(importance.data()));
  EXPECT_TRUE(lut.succeeded());
  return lut.succeeded() ? decodeVectors(lut, size_t(rows), 2)
                         : std::vector<float>();
}

// A coordinate's centroid is the mean weighted by that coordinate's
// importance, and a vector of no importance takes its plainly nearest row.
TEST(WeightedVectorLut, CentroidsArePerCoordinateWeightedMeans) {
  // Two clusters far apart; in the first, the importances of the two
  // coordinates disagree on which point matters. x: (3 * 0 + 1 * 2) / 4;
  // y: (1 * 0 + 3 * 4) / 4; (50, 52) is nearer (100, 100) than (0.5, 3).
  EXPECT_EQ(
      palettizePairs({0, 0, 2, 4, 100, 100, 100, 100, 50, 52},
                     {3, 1, 1, 3, 1, 1, 1, 1, 0, 0}),
      (std::vector<float>{0.5f, 3, 0.5f, 3, 100, 100, 100, 100, 100, 100}));
}

// Copies of a vector (same values, same importances) weigh together: three
// copies of (0, 0) pull the shared centroid three times as hard as (1, 0).
TEST(WeightedVectorLut, CopiesAddTheirImportance) {
  // The last importance differs, so that not all are equal.
  EXPECT_EQ(
      palettizePairs({0, 0, 0, 0, 0, 0, 1, 0, 10, 0},
                     {1, 1, 1, 1, 1, 1, 1, 1, 1, 2}),
      (std::vector<float>{0.25f, 0, 0.25f, 0, 0.25f, 0, 0.25f, 0, 10, 0}));
}

// Weighted Lloyd ends at a fixed point: every row is the per-coordinate
// weighted mean of its vectors (rounded to f32), and every vector takes
// the row of least weighted distance. Random 2-D and 4-D vectors, with
// duplicates, whose weights add up.
TEST(WeightedVectorLut, EndsAtAFixedPointOfWeightedLloyd) {
  std::mt19937 random(19);
  std::normal_distribution<float> normal(0, 1);
  std::exponential_distribution<float> exponential(1);
  std::uniform_int_distribution<int> pick(0, 99);
  // Importances from 100 to 1000 too: a point's norm then stretches the
  // Euclidean one 10 to 32 times, which the bounds must follow.
  std::uniform_real_distribution<float> heavy(100, 1000);
  for (auto [d, large] :
       {std::pair<size_t, bool>{2, false}, {4, false}, {2, true}, {4, true}}) {
    const size_t m = 600;
    std::vector<float> values, importance;
    for (size_t i = 0; i < m; ++i) {
      // A quarter of the vectors repeat an earlier one, importances
      // included: they merge into one point of their summed weight.
      const bool repeat = i >= 100 && pick(random) < 25;
      for (size_t t = 0; t < d; ++t) {
        values.push_back(repeat ? values[(i % 100) * d + t] : normal(random));
        importance.push_back(repeat  ? importance[(i % 100) * d + t]
                             : large ? heavy(random)
                                     : exponential(random));
      }
    }
    TensorView tensor(values.data(), FloatFormat::F32,
                      {int64_t(m), int64_t(d)});
    for (unsigned nbits : {2u, 4u}) {
      LutResult lut = buildLut(kmeans(nbits), tensor, Tiling{1, 0, int64_t(d)},
                               ImportanceView(importance.data()));
      ASSERT_TRUE(lut.succeeded());
      const size_t k = size_t(1) << nbits;
      std::vector<double> weight(k * d, 0), sum(k * d, 0);
      for (size_t i = 0; i < m; ++i)
        for (size_t t = 0; t < d; ++t) {
          weight[lut.indices[i] * d + t] += importance[i * d + t];
          sum[lut.indices[i] * d + t] +=
              importance[i * d + t] * values[i * d + t];
        }
      for (size_t j = 0; j < k * d; ++j)
        if (weight[j] > 0)
          EXPECT_NEAR(lut.entries[j], sum[j] / weight[j], 1e-5)
              << "d " << d << " nbits " << nbits << " entry " << j;
      for (size_t i = 0; i < m; ++i) {
        auto cost = [&](size_t row) {
          double total = 0;
          for (size_t t = 0; t < d; ++t) {
            const double diff = values[i * d + t] - lut.entries[row * d + t];
            total += importance[i * d + t] * diff * diff;
          }
          return total;
        };
        for (size_t row = 0; row < k; ++row)
          ASSERT_LE(cost(lut.indices[i]), cost(row)) << "vector " << i;
      }
    }
  }
}

//===----------------------------------------------------------------------===//
// Weighted figures
//===----------------------------------------------------------------------===//

TEST(WeightedMetrics, WorkedExample) {
  // Errors 0 and 1 with importances 2 and 3.
  std::vector<float> values = {1, 2}, decoded = {1, 3}, importance = {2, 3};
  ReconstructionError error =
      measureError(values.data(), FloatFormat::F32, decoded,
                   ImportanceView(importance.data()));
  EXPECT_DOUBLE_EQ(error.sumSquaredError, 3);
  EXPECT_DOUBLE_EQ(error.sumSquares, 2 * 1 + 3 * 4);
  EXPECT_DOUBLE_EQ(error.meanSquaredError, 3.0 / 5);
  EXPECT_DOUBLE_EQ(error.maxAbsError, 1);
  EXPECT_DOUBLE_EQ(error.snrDb, 10 * std::log10(14.0 / 3));
  // No importance anywhere: the plain figures.
  std::vector<float> none = {0, 0};
  ReconstructionError plain = measureError(
      values.data(), FloatFormat::F32, decoded, ImportanceView(none.data()));
  EXPECT_DOUBLE_EQ(plain.sumSquaredError, 1);
  EXPECT_DOUBLE_EQ(plain.meanSquaredError, 0.5);
}

// The shared measurement of every width equals measuring each weighted
// result, with a group of equal importances among unequal ones.
TEST(WeightedBitWidthErrors, EqualMeasuringEachResult) {
  std::mt19937 random(20);
  struct Case {
    FloatFormat format;
    Tiling tiling;
  };
  const Case cases[] = {{FloatFormat::F16, {}},
                        {FloatFormat::BF16, Tiling{0, 4, 1}},
                        {FloatFormat::F32, {}},
                        {FloatFormat::F16, Tiling{1, 0, 2}}};
  const unsigned widths[] = {1, 2, 3, 4, 6, 8};
  for (const Case &c : cases) {
    const int64_t rows = 16, columns = 64;
    std::vector<char> data =
        randomValues(size_t(rows * columns), c.format, random);
    std::vector<float> importance(size_t(rows * columns));
    std::exponential_distribution<float> exponential(1);
    for (size_t i = 0; i < importance.size(); ++i)
      importance[i] = i < 4 * size_t(columns) ? 2.0f : exponential(random);
    TensorView tensor(data.data(), c.format, {rows, columns});
    BitWidthErrors errors = measureBitWidthErrors(
        kmeans(0), tensor, c.tiling, widths, ImportanceView(importance.data()));
    ASSERT_EQ(errors.status, LutStatus::Success);
    double sumSquares = 0;
    for (size_t i = 0; i < importance.size(); ++i) {
      const double x = valueAt(data.data(), c.format, i);
      sumSquares += importance[i] * x * x;
    }
    EXPECT_NEAR(errors.sumSquares, sumSquares, 1e-9 * sumSquares);
    for (size_t w = 0; w < std::size(widths); ++w) {
      LutResult lut = buildLut(kmeans(widths[w]), tensor, c.tiling,
                               ImportanceView(importance.data()));
      ASSERT_TRUE(lut.succeeded());
      // Recomputed here, element by element.
      std::vector<float> decoded(importance.size());
      const int64_t d = c.tiling.vectorSize;
      const int64_t paletteSize = int64_t(1) << widths[w];
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t col = 0; col < columns; ++col) {
          const size_t element = size_t(r * columns + col);
          int64_t group = 0, index, offset = 0;
          if (d > 1) {
            index = lut.indices[size_t(r * (columns / d) + col / d)];
            offset = col % d;
          } else {
            index = lut.indices[element];
            if (c.tiling.groupSize > 0)
              group = r / c.tiling.groupSize;
          }
          decoded[element] =
              lut.entries[size_t((group * paletteSize + index) * d + offset)];
        }
      double expected = 0;
      for (size_t i = 0; i < importance.size(); ++i) {
        const double diff = valueAt(data.data(), c.format, i) - decoded[i];
        expected += importance[i] * diff * diff;
      }
      EXPECT_NEAR(errors.sumSquaredErrors[w], expected, 1e-9 * (1 + expected))
          << "nbits " << widths[w];
    }
  }
}

} // namespace
