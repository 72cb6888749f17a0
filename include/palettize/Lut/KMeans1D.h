//===- KMeans1D.h - Optimal one-dimensional k-means -------------*- C++ -*-===//
//
// The exact optimum of weighted 1-D k-means: partitions sorted points into k
// contiguous clusters minimising sum_i w_i * (x_i - centroid(i))^2. In one
// dimension an optimal clustering is always contiguous in sorted order, so a
// dynamic program over prefixes finds it (Wang & Song, "Ckmeans.1d.dp",
// 2011). Its argmin is monotone in the prefix length (the cost matrix is
// Monge), so each of the k layers is solved by divide and conquer:
//
//   time   O(k * m * log m) for m points,
//   memory O(m) doubles plus the k x m table of argmins used to recover the
//          partition (2 bytes per entry when m <= 65536, else 4).
//
// For k >= 16 clusters on at least 4 points per cluster, a Lagrangian
// relaxation replaces the k layers by a few penalized solves of O(m log m)
// each, O(m) memory (see optimalPartitionByPenalty), falling back to the DP
// when it cannot reach exactly k clusters.
//
// Deterministic: the result depends on the input only (the DP breaks ties
// to the leftmost split).
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LUT_KMEANS1D_H
#define PALETTIZE_LUT_KMEANS1D_H

#include "palettize/Lut/Parallel.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <vector>

namespace palettize {

/// A partition of sorted points into contiguous clusters.
struct Partition1D {
  /// Index of the first point of each cluster, ascending; starts[0] == 0.
  std::vector<size_t> starts;
  /// Weighted sum of squared distances to the cluster centroids.
  double cost = 0;
};

/// Returns an optimal partition of `values` (sorted ascending; equal values
/// allowed) with positive `weights` into min(k, values.size()) clusters:
/// optimalPartitionByPenalty when k >= 16 and there are at least 4 points
/// per cluster and it succeeds, else optimalPartitionByLayers. The choice
/// depends on the input only.
Partition1D optimalPartition1D(llvm::ArrayRef<double> values,
                               llvm::ArrayRef<double> weights, size_t k,
                               const ParallelFor &parallelFor = {});

/// The dynamic program over k layers. With `parallelFor`, each layer's rows
/// are split into independent subtrees of the divide and conquer; the result
/// is the same.
Partition1D optimalPartitionByLayers(llvm::ArrayRef<double> values,
                                     llvm::ArrayRef<double> weights, size_t k,
                                     const ParallelFor &parallelFor = {});

/// Returns an optimal partition into exactly k clusters (1 < k < number of
/// points) found by Lagrangian relaxation instead of k DP layers: minimising
/// cost + lambda * clusters without a cluster count takes O(m log m) per
/// lambda, and a partition with k clusters that is optimal for some lambda
/// is optimal among k-cluster partitions (the optimal cost is convex in k).
/// Lambda is searched along the lower convex hull of (clusters, cost),
/// typically in 10-20 solves. Returns std::nullopt when no lambda yields
/// exactly k clusters (k on a straight part of the hull) or the search does
/// not converge; optimalPartition1D then falls back to the DP.
std::optional<Partition1D>
optimalPartitionByPenalty(llvm::ArrayRef<double> values,
                          llvm::ArrayRef<double> weights, size_t k);

/// Returns the weighted mean of each cluster of `partition`, computed by
/// direct summation (so a cluster of equal values has exactly that value as
/// its centroid) and clamped to the cluster's range.
std::vector<double> computeCentroids(llvm::ArrayRef<double> values,
                                     llvm::ArrayRef<double> weights,
                                     const Partition1D &partition);

/// computeCentroids over `count` sorted points given by accessors
/// (`double(size_t)` callables), for callers that do not hold the points as
/// arrays of doubles.
template <typename ValueAt, typename WeightAt>
std::vector<double> computeCentroids(size_t count, ValueAt valueAt,
                                     WeightAt weightAt,
                                     llvm::ArrayRef<size_t> starts) {
  const size_t k = starts.size();
  std::vector<double> centroids(k);
  for (size_t c = 0; c < k; ++c) {
    const size_t begin = starts[c];
    const size_t end = c + 1 < k ? starts[c + 1] : count;
    const double low = valueAt(begin), high = valueAt(end - 1);
    if (low == high) {
      centroids[c] = low; // exact, keeps the sign of zero
      continue;
    }
    double weightSum = 0, valueSum = 0;
    for (size_t i = begin; i < end; ++i) {
      const double weight = weightAt(i);
      weightSum += weight;
      valueSum += weight * valueAt(i);
    }
    // The mean of values in [low, high] lies in that range; clamp away the
    // rounding of the division.
    centroids[c] = std::clamp(valueSum / weightSum, low, high);
  }
  return centroids;
}

//===----------------------------------------------------------------------===//
// Boundaries constrained to windows
//===----------------------------------------------------------------------===//
//
// Refinement of an approximate partition: the exact optimum among partitions
// whose boundaries each stay in a given range. The points are "units" given
// by their weight and sums (a single value, or a bin of values counted as
// one: a bin is never split), so a caller can refine on bins, then on
// values, without materializing either.

/// The weight, weighted sum and weighted sum of squares of one unit, its
/// values taken relative to a shift common to all units.
struct UnitSums {
  double weight, sum, squares;
};

/// An inclusive range of unit indices one boundary may take.
using BoundaryWindow = std::pair<size_t, size_t>;

/// Adds the sums of units [begin, end) to `sums`, one unit after the other
/// in order. A range, not one unit, per call: the loop over units then runs
/// in the caller's code, inlined, on inputs of millions of units.
using AddUnitSums =
    llvm::function_ref<void(size_t begin, size_t end, UnitSums &sums)>;

/// Returns an AddUnitSums callable from one that gives a unit's sums.
template <typename UnitAt> auto addUnitsFrom(UnitAt unitAt) {
  return [unitAt](size_t begin, size_t end, UnitSums &sums) {
    for (size_t i = begin; i < end; ++i) {
      const UnitSums unit = unitAt(i);
      sums.weight += unit.weight;
      sums.sum += unit.sum;
      sums.squares += unit.squares;
    }
  };
}

/// Returns the cluster starts (starts[0] == 0) of the exact k-means optimum
/// over `unitCount` units among the partitions into windows.size() + 1
/// clusters whose c-th boundary (the first unit of cluster c, c >= 1) lies
/// in windows[c - 1]. Windows must be non-decreasing in both ends and within
/// [1, unitCount - 1]. Costs come from prefix sums sampled only at window
/// indices, so memory is O(total window size), and each transition between
/// consecutive windows is a monotone-argmin divide and conquer: O(sum of
/// w log w) for windows of w indices.
std::vector<size_t>
optimalPartitionInWindows(size_t unitCount, AddUnitSums addUnits,
                          llvm::ArrayRef<BoundaryWindow> windows);

/// Windows that let every boundary of `starts` move anywhere between its
/// neighbours' positions: one round can shift a whole cluster from one
/// region to another, even through clusters of a single unit.
std::vector<BoundaryWindow> getNeighbourWindows(llvm::ArrayRef<size_t> starts,
                                                size_t unitCount);

/// Repeats optimalPartitionInWindows over getNeighbourWindows(starts) until
/// no boundary moves, at most `maxRounds` times. Each round can only lower
/// the cost.
void refineBetweenNeighbours(size_t unitCount, AddUnitSums addUnits,
                             std::vector<size_t> &starts, unsigned maxRounds);

/// Returns the weighted sum of squared distances of the clustering
/// `partition` with the given centroids.
double computePartitionCost(llvm::ArrayRef<double> values,
                            llvm::ArrayRef<double> weights,
                            const Partition1D &partition,
                            llvm::ArrayRef<double> centroids);

} // namespace palettize

#endif // PALETTIZE_LUT_KMEANS1D_H
