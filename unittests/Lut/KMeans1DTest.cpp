//===- KMeans1DTest.cpp - Optimal 1-D k-means -----------------------------===//
//
// The library's divide-and-conquer DP and its Lagrangian relaxation against
// two independent references: enumeration of every contiguous partition
// (tiny inputs) and the textbook O(k * m^2) dynamic program with
// per-cluster sums (moderate inputs).
//
//===----------------------------------------------------------------------===//

#include "palettize/Lut/KMeans1D.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <optional>
#include <random>

using namespace palettize;

namespace {

/// Cost of one cluster computed from scratch (two passes).
double clusterCost(const std::vector<double> &x, const std::vector<double> &w,
                   size_t begin, size_t end) {
  double weight = 0, sum = 0;
  for (size_t i = begin; i < end; ++i) {
    weight += w[i];
    sum += w[i] * x[i];
  }
  const double mean = sum / weight;
  double cost = 0;
  for (size_t i = begin; i < end; ++i)
    cost += w[i] * (x[i] - mean) * (x[i] - mean);
  return cost;
}

/// Minimum over every way to cut m sorted points into k non-empty runs.
double bruteForce(const std::vector<double> &x, const std::vector<double> &w,
                  size_t k) {
  const size_t m = x.size();
  double best = std::numeric_limits<double>::infinity();
  // Choose k-1 cut positions among 1..m-1 via a bitmask.
  for (uint32_t mask = 0; mask < (1u << (m - 1)); ++mask) {
    if (size_t(__builtin_popcount(mask)) != k - 1)
      continue;
    double cost = 0;
    size_t begin = 0;
    for (size_t cut = 1; cut <= m; ++cut) {
      if (cut == m || (mask >> (cut - 1)) & 1) {
        cost += clusterCost(x, w, begin, cut);
        begin = cut;
      }
    }
    best = std::min(best, cost);
  }
  return best;
}

/// The plain O(k m^2) dynamic program.
double naiveDp(const std::vector<double> &x, const std::vector<double> &w,
               size_t k) {
  const size_t m = x.size();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> cost(m + 1, std::vector<double>(m + 1));
  for (size_t b = 0; b < m; ++b)
    for (size_t e = b + 1; e <= m; ++e)
      cost[b][e] = clusterCost(x, w, b, e);
  std::vector<double> previous(m + 1, inf), current(m + 1, inf);
  previous[0] = 0;
  for (size_t j = 1; j <= k; ++j) {
    std::fill(current.begin(), current.end(), inf);
    for (size_t i = j; i <= m; ++i)
      for (size_t l = j - 1; l < i; ++l)
        current[i] = std::min(current[i], previous[l] + cost[l][i]);
    std::swap(previous, current);
  }
  return previous[m];
}

struct WeightedPoints {
  std::vector<double> x, w;
};

WeightedPoints randomPoints(size_t m, std::mt19937 &rng, bool duplicates) {
  std::normal_distribution<double> value(0.0, 1.0);
  std::uniform_int_distribution<int> weight(1, 9);
  WeightedPoints points;
  for (size_t i = 0; i < m; ++i)
    points.x.push_back(duplicates ? std::round(value(rng) * 3) / 3
                                  : value(rng));
  std::sort(points.x.begin(), points.x.end());
  for (size_t i = 0; i < m; ++i)
    points.w.push_back(weight(rng));
  return points;
}

/// Total weighted scatter of the points about their mean: the scale of the
/// rounding error of any cost computed from sums of squares.
double scatter(const WeightedPoints &p) {
  double weight = 0, sum = 0, cost = 0;
  for (size_t i = 0; i < p.x.size(); ++i) {
    weight += p.w[i];
    sum += p.w[i] * p.x[i];
  }
  for (size_t i = 0; i < p.x.size(); ++i)
    cost += p.w[i] * (p.x[i] - sum / weight) * (p.x[i] - sum / weight);
  return cost;
}

/// Relative equality, with an absolute floor of 1e-12 of the data's scatter
/// for optima that are (nearly) zero.
void expectRelativelyEqual(double actual, double expected, double tolerance,
                           const WeightedPoints &p) {
  EXPECT_LE(std::fabs(actual - expected),
            tolerance * std::fabs(expected) + 1e-12 * scatter(p))
      << "actual " << actual << " expected " << expected;
}

/// Checks the partition's structure and that its stated cost is its cost.
void expectConsistent(const WeightedPoints &p, const Partition1D &partition,
                      size_t k) {
  ASSERT_EQ(partition.starts.size(), std::min(k, p.x.size()));
  EXPECT_EQ(partition.starts[0], 0u);
  for (size_t c = 1; c < partition.starts.size(); ++c)
    EXPECT_LT(partition.starts[c - 1], partition.starts[c]);
  std::vector<double> centroids = computeCentroids(p.x, p.w, partition);
  double recomputed = computePartitionCost(p.x, p.w, partition, centroids);
  EXPECT_NEAR(recomputed, partition.cost, 1e-9 * (1 + partition.cost));
}

TEST(KMeans1D, MatchesBruteForceOnSmallInputs) {
  std::mt19937 rng(42);
  for (int trial = 0; trial < 400; ++trial) {
    const size_t m = 2 + trial % 11;
    WeightedPoints p = randomPoints(m, rng, trial % 3 == 0);
    for (size_t k = 1; k <= std::min<size_t>(m, 6); ++k) {
      Partition1D partition = optimalPartition1D(p.x, p.w, k);
      expectRelativelyEqual(partition.cost, bruteForce(p.x, p.w, k), 1e-9, p);
      expectConsistent(p, partition, k);
    }
  }
}

TEST(KMeans1D, MatchesNaiveDynamicProgram) {
  std::mt19937 rng(7);
  for (size_t m : {50, 200, 333}) {
    for (bool duplicates : {false, true}) {
      WeightedPoints p = randomPoints(m, rng, duplicates);
      for (size_t k : {2, 3, 8, 16, 40}) {
        Partition1D partition = optimalPartition1D(p.x, p.w, k);
        expectRelativelyEqual(partition.cost, naiveDp(p.x, p.w, k), 1e-9, p);
        expectConsistent(p, partition, k);
      }
    }
  }
}

TEST(KMeans1D, FewerPointsThanClusters) {
  std::vector<double> x = {-1, 0, 2.5}, w = {1, 2, 3};
  Partition1D partition = optimalPartition1D(x, w, 8);
  EXPECT_EQ(partition.starts, (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(partition.cost, 0.0);
  EXPECT_EQ(computeCentroids(x, w, partition), x);
}

// Hand-worked: points 0, 1, 10, 11 with unit weights, k = 2 -> {0,1},{10,11}
// with cost 4 * 0.25 = 1.
TEST(KMeans1D, HandWorked) {
  std::vector<double> x = {0, 1, 10, 11}, w = {1, 1, 1, 1};
  Partition1D partition = optimalPartition1D(x, w, 2);
  EXPECT_EQ(partition.starts, (std::vector<size_t>{0, 2}));
  EXPECT_DOUBLE_EQ(partition.cost, 1.0);
  EXPECT_EQ(computeCentroids(x, w, partition),
            (std::vector<double>{0.5, 10.5}));
  // Weights move the split: a heavy 10 pulls 1 into the lower cluster only
  // if cheaper; with w = {1, 1, 100, 1} the best split is still {0,1}.
  std::vector<double> heavy = {1, 1, 100, 1};
  EXPECT_EQ(optimalPartition1D(x, heavy, 2).starts,
            (std::vector<size_t>{0, 2}));
}

// Evenly spaced unit-weight points split into two clusters tie between the
// two middle splits (by symmetry, and exactly: the costs are sums of
// squares of half-integers); the DP takes the leftmost, for every length
// and whichever of its loops (paired or single) sees the tie.
TEST(KMeans1D, TiesTakeTheLeftmostSplit) {
  for (size_t m = 3; m <= 41; m += 2) {
    std::vector<double> values(m), weights(m, 1.0);
    for (size_t i = 0; i < m; ++i)
      values[i] = double(i);
    for (auto solve : {optimalPartition1D, optimalPartitionByLayers}) {
      Partition1D partition = solve(values, weights, 2, {});
      ASSERT_EQ(partition.starts.size(), 2u);
      // Clusters [0, m/2) and [m/2, m): the split at floor(m / 2).
      EXPECT_EQ(partition.starts[1], m / 2) << "m = " << m;
    }
  }
}

TEST(KMeans1D, EmptyAndSingle) {
  EXPECT_TRUE(optimalPartition1D({}, {}, 4).starts.empty());
  Partition1D one = optimalPartition1D({3.0}, {2.0}, 4);
  EXPECT_EQ(one.starts, (std::vector<size_t>{0}));
}

// Values far from zero with a small spread: the prefix sums are shifted so
// the cost formula keeps its precision.
TEST(KMeans1D, LargeOffsetKeepsPrecision) {
  std::mt19937 rng(3);
  WeightedPoints p = randomPoints(120, rng, false);
  for (double &x : p.x)
    x = 1e6 + x * 1e-3;
  for (size_t k : {2, 5, 9})
    expectRelativelyEqual(optimalPartition1D(p.x, p.w, k).cost,
                          naiveDp(p.x, p.w, k), 1e-6, p);
}

} // namespace

namespace {

// The parallel layers (rows split into subtrees) find the same partition.
TEST(KMeans1D, ParallelLayersMatchSerial) {
  std::mt19937 rng(17);
  WeightedPoints p = randomPoints(20000, rng, false);
  std::atomic<size_t> tasks{0};
  palettize::ParallelFor inOrder = [&](size_t count,
                                       llvm::function_ref<void(size_t)> task) {
    // Run in reverse order: any dependence between tasks would show.
    for (size_t i = count; i-- > 0;) {
      ++tasks;
      task(i);
    }
  };
  for (size_t k : {2, 16, 64}) {
    Partition1D serial = optimalPartitionByLayers(p.x, p.w, k);
    Partition1D parallel = optimalPartitionByLayers(p.x, p.w, k, inOrder);
    EXPECT_EQ(serial.starts, parallel.starts) << k;
    EXPECT_EQ(serial.cost, parallel.cost) << k;
  }
  EXPECT_GT(tasks.load(), 0u);
}

// The Lagrangian relaxation, whenever it answers, is optimal; on random
// inputs it answers for nearly every k, so the path is exercised.
TEST(KMeans1D, PenaltyMatchesNaiveDynamicProgram) {
  std::mt19937 rng(11);
  size_t answered = 0, asked = 0;
  for (size_t m : {30, 120, 257}) {
    for (bool duplicates : {false, true}) {
      WeightedPoints p = randomPoints(m, rng, duplicates);
      for (size_t k = 2; k < m; k += 1 + k / 4) {
        std::optional<Partition1D> partition =
            optimalPartitionByPenalty(p.x, p.w, k);
        if (!duplicates)
          ++asked;
        if (!partition)
          continue;
        if (!duplicates)
          ++answered;
        expectRelativelyEqual(partition->cost, naiveDp(p.x, p.w, k), 1e-9, p);
        expectConsistent(p, *partition, k);
      }
    }
  }
  EXPECT_GE(answered * 10, asked * 9) << answered << " of " << asked;
}

// Equally spaced points of equal weight: costs for 2, 3 and 4 clusters of
// [0, 1, 2, 3] are 1, 0.5 and 0 -- a straight line, so no penalty isolates
// k = 3. The relaxation declines; optimalPartition1D still answers.
TEST(KMeans1D, PenaltyDeclinesOnStraightHull) {
  const std::vector<double> x = {0, 1, 2, 3}, w = {1, 1, 1, 1};
  EXPECT_FALSE(optimalPartitionByPenalty(x, w, 3).has_value());
  EXPECT_DOUBLE_EQ(optimalPartition1D(x, w, 3).cost, 0.5);
  std::optional<Partition1D> two = optimalPartitionByPenalty(x, w, 2);
  ASSERT_TRUE(two.has_value());
  EXPECT_DOUBLE_EQ(two->cost, 1.0);
  EXPECT_EQ(two->starts, (std::vector<size_t>{0, 2}));
}

// Large inputs and many clusters, where it replaces the DP: the same cost.
TEST(KMeans1D, PenaltyMatchesLayersOnLargeInputs) {
  std::mt19937 rng(23);
  for (bool duplicates : {false, true}) {
    WeightedPoints p = randomPoints(20000, rng, duplicates);
    for (size_t k : {16, 64, 256}) {
      std::optional<Partition1D> penalty =
          optimalPartitionByPenalty(p.x, p.w, k);
      Partition1D layers = optimalPartitionByLayers(p.x, p.w, k);
      if (!duplicates) {
        ASSERT_TRUE(penalty.has_value()) << k;
      }
      if (!penalty)
        continue;
      expectRelativelyEqual(penalty->cost, layers.cost, 1e-9, p);
      expectConsistent(p, *penalty, k);
    }
  }
}

//===----------------------------------------------------------------------===//
// Boundaries constrained to windows
//===----------------------------------------------------------------------===//

/// Cost of the partition with the given starts, from scratch.
double partitionCost(const std::vector<double> &x, const std::vector<double> &w,
                     const std::vector<size_t> &starts) {
  double cost = 0;
  for (size_t c = 0; c < starts.size(); ++c)
    cost += clusterCost(x, w, starts[c],
                        c + 1 < starts.size() ? starts[c + 1] : x.size());
  return cost;
}

/// Units of single weighted values, unshifted.
auto unitsOf(const std::vector<double> &x, const std::vector<double> &w) {
  return addUnitsFrom([&x, &w](size_t i) {
    return UnitSums{w[i], w[i] * x[i], w[i] * x[i] * x[i]};
  });
}

void randomPoints(std::mt19937 &rng, size_t m, std::vector<double> &x,
                  std::vector<double> &w) {
  std::normal_distribution<double> normal(0, 1);
  std::uniform_int_distribution<int> weight(1, 5);
  x.resize(m);
  w.resize(m);
  for (size_t i = 0; i < m; ++i) {
    x[i] = normal(rng);
    w[i] = weight(rng);
  }
  std::sort(x.begin(), x.end());
}

// Windows as wide as feasibility allows ([c, m - k + c] for boundary c)
// constrain nothing: the optimum is the global one.
TEST(OptimalPartitionInWindows, FullWindowsGiveTheGlobalOptimum) {
  std::mt19937 rng(21);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> x, w;
    randomPoints(rng, 30 + trial, x, w);
    const size_t m = x.size(), k = 2 + trial % 5;
    std::vector<BoundaryWindow> windows;
    for (size_t c = 1; c < k; ++c)
      windows.emplace_back(c, m - k + c);
    std::vector<size_t> starts =
        optimalPartitionInWindows(m, unitsOf(x, w), windows);
    ASSERT_EQ(starts.size(), k);
    EXPECT_EQ(starts[0], 0u);
    const double global = optimalPartitionByLayers(x, w, k).cost;
    EXPECT_NEAR(partitionCost(x, w, starts), global, 1e-9 * (1 + global));
  }
}

// Against enumeration of every partition whose boundaries lie in random
// non-decreasing windows.
TEST(OptimalPartitionInWindows, MatchesEnumerationInNarrowWindows) {
  std::mt19937 rng(22);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<double> x, w;
    randomPoints(rng, 14, x, w);
    const size_t m = x.size(), k = 4;
    // Boundary c in [lo_c, hi_c], increasing starts, room for k clusters.
    std::vector<BoundaryWindow> windows;
    size_t lo = 1;
    for (size_t c = 1; c < k; ++c) {
      lo = std::max(lo, size_t(c));
      const size_t hi = std::min(m - k + c, lo + rng() % 4);
      windows.emplace_back(lo, hi);
      lo = lo + 1 + rng() % 2;
    }
    std::vector<size_t> starts =
        optimalPartitionInWindows(m, unitsOf(x, w), windows);
    for (size_t c = 1; c < k; ++c) {
      EXPECT_GE(starts[c], windows[c - 1].first);
      EXPECT_LE(starts[c], windows[c - 1].second);
    }
    double best = std::numeric_limits<double>::infinity();
    for (size_t a = windows[0].first; a <= windows[0].second; ++a)
      for (size_t b = std::max(a + 1, windows[1].first); b <= windows[1].second;
           ++b)
        for (size_t c = std::max(b + 1, windows[2].first);
             c <= windows[2].second && c < m; ++c)
          best = std::min(best, partitionCost(x, w, {0, a, b, c}));
    EXPECT_NEAR(partitionCost(x, w, starts), best, 1e-9 * (1 + best))
        << "trial " << trial;
  }
}

// Each boundary may move from its left neighbour to its right neighbour.
TEST(GetNeighbourWindows, SpansBetweenNeighbours) {
  const std::vector<BoundaryWindow> expected = {{1, 7}, {3, 9}};
  EXPECT_EQ(getNeighbourWindows({0, 3, 7}, 10), expected);
}

// Three well separated groups, started with every boundary inside the first
// group: refinement moves the boundaries to the gaps, never raises the
// cost, and stops at a fixed point.
TEST(RefineBetweenNeighbours, MovesBoundariesToTheGaps) {
  std::vector<double> x, w;
  for (double centre : {-10.0, 0.0, 10.0})
    for (int i = 0; i < 8; ++i) {
      x.push_back(centre + 0.1 * i);
      w.push_back(1 + i % 3);
    }
  std::vector<size_t> starts = {0, 1, 2};
  double cost = partitionCost(x, w, starts);
  for (unsigned round = 0; round < 10; ++round) {
    std::vector<size_t> before = starts;
    refineBetweenNeighbours(x.size(), unitsOf(x, w), starts, 1);
    const double now = partitionCost(x, w, starts);
    EXPECT_LE(now, cost + 1e-12);
    cost = now;
    if (starts == before)
      break;
  }
  EXPECT_EQ(starts, (std::vector<size_t>{0, 8, 16}));
}

// The accessor form agrees with the array form, and a cluster of equal
// values keeps that value exactly, sign of zero included.
TEST(ComputeCentroids, AccessorsAndEqualValues) {
  const std::vector<double> x = {-0.0, -0.0, 1, 2, 4};
  const std::vector<double> w = {1, 2, 1, 1, 2};
  Partition1D partition;
  partition.starts = {0, 2};
  std::vector<double> fromArrays = computeCentroids(x, w, partition);
  std::vector<double> fromAccessors = computeCentroids(
      x.size(), [&](size_t i) { return x[i]; }, [&](size_t i) { return w[i]; },
      partition.starts);
  EXPECT_EQ(fromArrays, fromAccessors);
  EXPECT_TRUE(std::signbit(fromArrays[0]));
  EXPECT_EQ(fromArrays[1], (1.0 + 2.0 + 8.0) / 4.0);
}

} // namespace
