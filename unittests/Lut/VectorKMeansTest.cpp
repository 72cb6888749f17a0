//===- VectorKMeansTest.cpp - Quality and determinism of vector k-means ---===//
//
// Expected values come from computations written here: exhaustive search
// over partitions, the error of a known-good clustering, a plain Lloyd
// step, or another run of the builder on rearranged input.
//
//===----------------------------------------------------------------------===//

#include "palettize/Lut/LutBuilder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

using namespace palettize;

namespace {

LutConfig kmeans(unsigned nbits) { return {LutMode::KMeans, nbits, {}}; }

/// Vectors of d values, row-major, as a [count, d] f32 tensor.
LutResult buildVectors(const LutConfig &config,
                       const std::vector<float> &values, int64_t d) {
  const int64_t shape[] = {int64_t(values.size()) / d, d};
  return buildLut(config, TensorView(values.data(), FloatFormat::F32, shape),
                  Tiling{1, 0, d});
}

/// Total squared error of `values` decoded through `lut`.
double squaredError(const std::vector<float> &values, const LutResult &lut,
                    size_t d) {
  double total = 0;
  for (size_t e = 0; e < values.size(); ++e) {
    const double difference =
        double(values[e]) - double(lut.entries[lut.indices[e / d] * d + e % d]);
    total += difference * difference;
  }
  return total;
}

/// Squared error of a partition when each cluster takes its mean.
double partitionError(const std::vector<float> &values, size_t d,
                      const std::vector<int> &label, int k) {
  std::vector<double> sums(size_t(k) * d, 0), counts(size_t(k), 0);
  const size_t count = values.size() / d;
  for (size_t i = 0; i < count; ++i) {
    counts[size_t(label[i])] += 1;
    for (size_t t = 0; t < d; ++t)
      sums[size_t(label[i]) * d + t] += values[i * d + t];
  }
  double total = 0;
  for (size_t i = 0; i < count; ++i)
    for (size_t t = 0; t < d; ++t) {
      const double mean =
          sums[size_t(label[i]) * d + t] / counts[size_t(label[i])];
      total += (values[i * d + t] - mean) * (values[i * d + t] - mean);
    }
  return total;
}

std::vector<float> gaussianVectors(size_t count, size_t d, unsigned seed,
                                   double sigma = 1.0) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, sigma);
  std::vector<float> values(count * d);
  for (float &value : values)
    value = float(normal(rng));
  return values;
}

// Four points of a rectangle, two clusters: the optimum pairs the close
// points, with rows at the midpoints of the short sides.
TEST(VectorKMeans, HandWorkedRectangle) {
  const std::vector<float> values = {0, 0, 0, 1, 10, 0, 10, 1};
  LutResult lut = buildVectors(kmeans(1), values, 2);
  ASSERT_TRUE(lut.succeeded());
  EXPECT_EQ(lut.indices[0], lut.indices[1]);
  EXPECT_EQ(lut.indices[2], lut.indices[3]);
  EXPECT_NE(lut.indices[0], lut.indices[2]);
  const size_t left = lut.indices[0], right = lut.indices[2];
  EXPECT_EQ(lut.entries[left * 2], 0.0f);
  EXPECT_EQ(lut.entries[left * 2 + 1], 0.5f);
  EXPECT_EQ(lut.entries[right * 2], 10.0f);
  EXPECT_EQ(lut.entries[right * 2 + 1], 0.5f);
  EXPECT_DOUBLE_EQ(squaredError(values, lut, 2), 1.0);
}

// On nine random points in the plane, four rows (nbits 2): the error is
// the best over all 4^9 labelings, found by exhaustive search.
TEST(VectorKMeans, MatchesExhaustiveSearchOnTinyInputs) {
  for (unsigned seed = 0; seed < 5; ++seed) {
    const size_t count = 9, d = 2;
    const std::vector<float> values = gaussianVectors(count, d, seed);
    const int k = 4;
    double best = std::numeric_limits<double>::infinity();
    std::vector<int> label(count, 0);
    const size_t labelings = size_t(std::pow(double(k), double(count)));
    for (size_t code = 0; code < labelings; ++code) {
      size_t rest = code;
      for (size_t i = 0; i < count; ++i, rest /= size_t(k))
        label[i] = int(rest % size_t(k));
      best = std::min(best, partitionError(values, d, label, k));
    }
    LutResult lut = buildVectors(kmeans(2), values, int64_t(d));
    ASSERT_TRUE(lut.succeeded());
    // Rows are f32-rounded means: within rounding of the optimum.
    EXPECT_LE(squaredError(values, lut, d), best * (1 + 1e-6) + 1e-12)
        << "seed " << seed;
  }
}

// Well-separated blobs, as many as clusters: the blobs' own partition is
// optimal, and k-means must reach its error on every path: a small input
// (8 seeds to the end), a large one clustered whole (1 of 4 seeds), and
// coresets for few (1 of 4) and more (2 of 8) clusters.
TEST(VectorKMeans, NoWorseThanBlobMeans) {
  struct Case {
    size_t blobs, perBlob;
    unsigned nbits;
  };
  for (const Case &c : {Case{16, 500, 4}, Case{16, 1000, 4}, Case{4, 12000, 2},
                        Case{16, 3000, 4}}) {
    const size_t d = 4;
    std::mt19937 rng(7);
    std::normal_distribution<double> noise(0.0, 0.05);
    std::uniform_real_distribution<double> position(-20.0, 20.0);
    std::vector<float> values;
    std::vector<int> label;
    for (size_t b = 0; b < c.blobs; ++b) {
      std::vector<double> centre(d);
      for (double &value : centre)
        value = position(rng);
      for (size_t i = 0; i < c.perBlob; ++i) {
        for (size_t t = 0; t < d; ++t)
          values.push_back(float(centre[t] + noise(rng)));
        label.push_back(int(b));
      }
    }
    const double known = partitionError(values, d, label, int(c.blobs));
    LutResult lut = buildVectors(kmeans(c.nbits), values, int64_t(d));
    ASSERT_TRUE(lut.succeeded());
    EXPECT_LE(squaredError(values, lut, d), known * (1 + 1e-5))
        << c.blobs << " blobs of " << c.perBlob;
  }
}

// The result is a fixed point of Lloyd's algorithm up to the rounding of
// rows: every vector takes its nearest row, and every used row is its
// members' mean to within f16 rounding.
TEST(VectorKMeans, IsLloydFixedPointInF16) {
  const size_t d = 2, count = 3000;
  const std::vector<float> drawn = gaussianVectors(count, d, 11, 0.02);
  std::vector<uint16_t> bits(drawn.size());
  std::vector<float> values(drawn.size());
  for (size_t e = 0; e < drawn.size(); ++e) {
    bits[e] = floatToHalf(drawn[e]);
    values[e] = halfToFloat(bits[e]);
  }
  const int64_t shape[] = {int64_t(count), int64_t(d)};
  LutResult lut =
      buildLut(kmeans(4), TensorView(bits.data(), FloatFormat::F16, shape),
               Tiling{1, 0, int64_t(d)});
  ASSERT_TRUE(lut.succeeded());
  const size_t rows = 16;
  std::vector<double> sums(rows * d, 0), counts(rows, 0);
  for (size_t i = 0; i < count; ++i) {
    double nearest = std::numeric_limits<double>::infinity();
    for (size_t r = 0; r < rows; ++r) {
      double distance = 0;
      for (size_t t = 0; t < d; ++t) {
        const double difference =
            double(values[i * d + t]) - double(lut.entries[r * d + t]);
        distance += difference * difference;
      }
      nearest = std::min(nearest, distance);
    }
    double own = 0;
    for (size_t t = 0; t < d; ++t) {
      const double difference = double(values[i * d + t]) -
                                double(lut.entries[lut.indices[i] * d + t]);
      own += difference * difference;
    }
    EXPECT_EQ(own, nearest) << "vector " << i;
    counts[lut.indices[i]] += 1;
    for (size_t t = 0; t < d; ++t)
      sums[lut.indices[i] * d + t] += values[i * d + t];
  }
  for (size_t r = 0; r < rows; ++r) {
    if (counts[r] == 0)
      continue;
    for (size_t t = 0; t < d; ++t) {
      const double mean = sums[r * d + t] / counts[r];
      // One f16 step near the mean, plus the drift of one last move.
      EXPECT_NEAR(lut.entries[r * d + t], mean,
                  std::max(1e-3, std::abs(mean) * 2e-3))
          << "row " << r;
    }
  }
}

ParallelFor threadedFor() {
  return [](size_t count, llvm::function_ref<void(size_t)> task) {
    // In reverse, on their own threads: any dependence on order shows.
    std::vector<std::thread> threads;
    for (size_t i = count; i-- > 0;)
      threads.emplace_back([task, i] { task(i); });
    for (std::thread &thread : threads)
      thread.join();
  };
}

// Same LUT and indices with and without threads, on the whole-input path
// (several seeds) and on the coreset path (more than 32,768 vectors), for
// one palette and for grouped palettes.
TEST(VectorKMeans, IndependentOfThreads) {
  for (size_t count : {size_t(2000), size_t(40000)}) {
    const size_t d = 2;
    const std::vector<float> values = gaussianVectors(count, d, 3);
    const int64_t shape[] = {int64_t(count / 4), int64_t(4 * d)};
    for (int64_t groupSize : {int64_t(0), int64_t(d)}) {
      LutConfig plain = kmeans(4), threaded = kmeans(4);
      threaded.kmeans.parallelFor = threadedFor();
      const Tiling tiling{1, groupSize, int64_t(d)};
      const TensorView tensor(values.data(), FloatFormat::F32, shape);
      LutResult one = buildLut(plain, tensor, tiling);
      LutResult many = buildLut(threaded, tensor, tiling);
      ASSERT_TRUE(one.succeeded());
      EXPECT_EQ(one.entries, many.entries) << count << " " << groupSize;
      EXPECT_EQ(one.indices, many.indices) << count << " " << groupSize;
    }
  }
}

// Rearranging the vectors rearranges the indices and nothing else: the
// clustering sees the multiset of vectors only.
TEST(VectorKMeans, IndependentOfVectorOrder) {
  for (size_t count : {size_t(3000), size_t(40000)}) {
    const size_t d = 3;
    const std::vector<float> values = gaussianVectors(count, d, 5);
    std::vector<size_t> order(count);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937(9));
    std::vector<float> shuffled(values.size());
    for (size_t i = 0; i < count; ++i)
      std::copy_n(values.begin() + order[i] * d, d, shuffled.begin() + i * d);
    LutResult first = buildVectors(kmeans(3), values, int64_t(d));
    LutResult second = buildVectors(kmeans(3), shuffled, int64_t(d));
    ASSERT_TRUE(first.succeeded() && second.succeeded());
    EXPECT_EQ(first.entries, second.entries);
    for (size_t i = 0; i < count; ++i)
      EXPECT_EQ(second.indices[i], first.indices[order[i]]);
  }
}

// Duplicated vectors weigh as their copies: a heavy point draws a row
// onto itself.
TEST(VectorKMeans, MultiplicityWeighs) {
  std::vector<float> values;
  for (int copy = 0; copy < 1000; ++copy)
    values.insert(values.end(), {5.0f, 5.0f});
  for (int i = 0; i < 10; ++i)
    values.insert(values.end(), {float(i), 0.0f});
  LutResult lut = buildVectors(kmeans(1), values, 2);
  ASSERT_TRUE(lut.succeeded());
  const size_t heavy = lut.indices[0];
  EXPECT_EQ(lut.entries[heavy * 2], 5.0f);
  EXPECT_EQ(lut.entries[heavy * 2 + 1], 5.0f);
  EXPECT_NE(lut.indices[1000], heavy);
}

} // namespace
