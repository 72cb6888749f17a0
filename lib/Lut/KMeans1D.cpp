//===- KMeans1D.cpp - Optimal one-dimensional k-means ---------------------===//

#include "palettize/Lut/KMeans1D.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

using namespace palettize;

namespace {

/// Prefix sums of weights, weighted values and weighted squares, for O(1)
/// cluster costs. Values are shifted by a reference point near their middle
/// so that the subtraction in the cost formula loses as little as possible.
struct PrefixSums {
  std::vector<double> weight, sum, squares;

  PrefixSums(llvm::ArrayRef<double> values, llvm::ArrayRef<double> weights) {
    const size_t m = values.size();
    const double shift = values[m / 2];
    weight.resize(m + 1);
    sum.resize(m + 1);
    squares.resize(m + 1);
    weight[0] = sum[0] = squares[0] = 0;
    for (size_t i = 0; i < m; ++i) {
      const double x = values[i] - shift;
      weight[i + 1] = weight[i] + weights[i];
      sum[i + 1] = sum[i] + weights[i] * x;
      squares[i + 1] = squares[i] + weights[i] * x * x;
    }
  }

  /// Cost of the cluster of points [begin, end), end > begin, less the
  /// weighted squares: cost(begin, end) - (squares[end] - squares[begin]).
  /// The dynamic program works with these (see solve), which saves the
  /// squares and a clamp in its inner loop.
  double reducedCost(size_t begin, size_t end) const {
    const double w = weight[end] - weight[begin];
    const double s = sum[end] - sum[begin];
    return -(s * s / w);
  }
};

/// Solves one layer of the dynamic program: for every prefix length i in
/// [iBegin, iEnd), current[i] = min over l of previous[l] +
/// reducedCost(l, i), with l in [lowest, i - 1], recording the leftmost
/// minimising l.
template <typename Index> class LayerSolver {
public:
  LayerSolver(const PrefixSums &sums, const std::vector<double> &previous,
              std::vector<double> &current, Index *argmin,
              const Index *previousArgmin)
      : sums(sums), previous(previous), current(current), argmin(argmin),
        previousArgmin(previousArgmin) {}

  /// A subtree of the divide and conquer: rows [iBegin, iEnd) with splits
  /// in [lBegin, lEnd].
  struct Subtree {
    size_t iBegin, iEnd, lBegin, lEnd;
  };

  /// Solves the rows like solve(), but first solves the top `depth` levels
  /// here and then the 2^depth subtrees below them as parallel tasks.
  void solveInParallel(size_t iBegin, size_t iEnd, size_t lBegin, size_t lEnd,
                       unsigned depth, const ParallelFor &parallelFor) {
    std::vector<Subtree> subtrees = {{iBegin, iEnd, lBegin, lEnd}};
    for (unsigned level = 0; level < depth; ++level) {
      std::vector<Subtree> next;
      for (const Subtree &tree : subtrees) {
        if (tree.iBegin >= tree.iEnd)
          continue;
        const size_t i = tree.iBegin + (tree.iEnd - tree.iBegin) / 2;
        const size_t split = solveRow(i, tree.lBegin, tree.lEnd);
        next.push_back({tree.iBegin, i, tree.lBegin, split});
        next.push_back({i + 1, tree.iEnd, split, tree.lEnd});
      }
      subtrees = std::move(next);
    }
    runTasks(parallelFor, subtrees.size(), [&](size_t t) {
      const Subtree &tree = subtrees[t];
      solve(tree.iBegin, tree.iEnd, tree.lBegin, tree.lEnd);
    });
  }

  /// Rows [iBegin, iEnd) with optimal splits known to lie in
  /// [lBegin, lEnd] (inclusive).
  void solve(size_t iBegin, size_t iEnd, size_t lBegin, size_t lEnd) {
    while (iBegin < iEnd) {
      const size_t i = iBegin + (iEnd - iBegin) / 2;
      const size_t bestL = solveRow(i, lBegin, lEnd);
      // Recurse on the smaller half, loop on the larger, to bound the stack.
      if (i - iBegin < iEnd - i - 1) {
        solve(iBegin, i, lBegin, bestL);
        iBegin = i + 1;
        lBegin = bestL;
      } else {
        solve(i + 1, iEnd, bestL, lEnd);
        iEnd = i;
        lEnd = bestL;
      }
    }
  }

private:
  /// Solves row i with its split in [lBegin, lEnd]; returns the split.
  size_t solveRow(size_t i, size_t lBegin, size_t lEnd) {
    const size_t lLast = std::min(lEnd, i - 1);
    // With one cluster more, the last cluster of an optimal clustering of
    // the first i points starts no earlier (the cost is Monge), so the
    // previous layer's split bounds this one from below.
    const size_t lFirst =
        previousArgmin ? std::max<size_t>(lBegin, previousArgmin[i]) : lBegin;
    const double *weight = sums.weight.data(), *sum = sums.sum.data(),
                 *before = previous.data();
    const double rowWeight = weight[i], rowSum = sum[i];
    double best = std::numeric_limits<double>::infinity();
    size_t bestL = lFirst;
    size_t l = lFirst;
#if defined(__SSE2__)
    // Two candidates per packed operation: the scan is bound by the
    // division and by the instruction count, and a packed division costs
    // about as much as a scalar one. Each lane computes what the scalar loop
    // below computes, so the values and the leftmost argmin are the same.
    if (l + 3 <= lLast) {
      const __m128d pairWeight = _mm_set1_pd(rowWeight);
      const __m128d pairSum = _mm_set1_pd(rowSum);
      const __m128d two = _mm_set1_pd(2);
      __m128d pairBest = _mm_set1_pd(std::numeric_limits<double>::infinity());
      // Split indices as doubles (exact below 2^53); lane 0 even offsets.
      __m128d pairIndex = _mm_set_pd(double(l + 1), double(l));
      __m128d pairBestIndex = pairIndex;
      for (; l + 1 <= lLast; l += 2) {
        const __m128d w = _mm_sub_pd(pairWeight, _mm_loadu_pd(weight + l));
        const __m128d s = _mm_sub_pd(pairSum, _mm_loadu_pd(sum + l));
        const __m128d candidate = _mm_sub_pd(_mm_loadu_pd(before + l),
                                             _mm_div_pd(_mm_mul_pd(s, s), w));
        const __m128d better = _mm_cmplt_pd(candidate, pairBest);
        pairBest = _mm_min_pd(candidate, pairBest);
        pairBestIndex = _mm_or_pd(_mm_and_pd(better, pairIndex),
                                  _mm_andnot_pd(better, pairBestIndex));
        pairIndex = _mm_add_pd(pairIndex, two);
      }
      double bests[2], indices[2];
      _mm_storeu_pd(bests, pairBest);
      _mm_storeu_pd(indices, pairBestIndex);
      // The leftmost minimum: the smaller value, on a tie the lower index.
      const bool high = bests[1] < bests[0] ||
                        (bests[1] == bests[0] && indices[1] < indices[0]);
      best = bests[high];
      bestL = size_t(indices[high]);
    }
#endif
    for (; l <= lLast; ++l) {
      // sums.reducedCost(l, i), with the row's sums loaded once.
      const double w = rowWeight - weight[l], s = rowSum - sum[l];
      const double candidate = before[l] - s * s / w;
      if (candidate < best) {
        best = candidate;
        bestL = l;
      }
    }
    current[i] = best;
    argmin[i] = Index(bestL);
    return bestL;
  }

  const PrefixSums &sums;
  const std::vector<double> &previous;
  std::vector<double> &current;
  Index *argmin;
  const Index *previousArgmin;
};

template <typename Index>
Partition1D solve(llvm::ArrayRef<double> values, llvm::ArrayRef<double> weights,
                  size_t k, const ParallelFor &parallelFor) {
  const size_t m = values.size();
  PrefixSums sums(values, weights);

  // Layer j holds, for each prefix length i, the cost of the best clustering
  // of the first i points into j clusters less squares[i]. The cost of a
  // clustering of a prefix is the prefix's squares plus the reduced costs of
  // its clusters, so this is the minimum of the reduced costs, and the
  // minimising splits are the same. Only prefixes that leave at least one
  // point for each remaining cluster matter: i in [j, m - (k - j)].
  std::vector<double> previous(m + 1), current(m + 1);
  for (size_t i = 1; i <= m; ++i)
    previous[i] = sums.reducedCost(0, i);
  std::vector<Index> argmins((k - 1) * (m + 1));
  for (size_t j = 2; j <= k; ++j) {
    Index *argmin = argmins.data() + (j - 2) * (m + 1);
    // The last layer only needs the whole input.
    const size_t iBegin = j == k ? m : j, iEnd = m - (k - j) + 1;
    const Index *previousArgmin =
        j > 2 ? argmins.data() + (j - 3) * (m + 1) : nullptr;
    LayerSolver<Index> layer(sums, previous, current, argmin, previousArgmin);
    // Parallel tasks pay off only on long layers, and with few layers the
    // DP is too short to repay the synchronisation.
    if (parallelFor && k >= 32 && iEnd - iBegin >= 4096)
      layer.solveInParallel(iBegin, iEnd, j - 1, iEnd - 2, /*depth=*/3,
                            parallelFor);
    else
      layer.solve(iBegin, iEnd, j - 1, iEnd - 2);
    std::swap(previous, current);
  }

  Partition1D partition;
  // Put the squares back; rounding could leave an exact fit slightly
  // negative.
  partition.cost = std::max(0.0, previous[m] + sums.squares[m]);
  partition.starts.resize(k);
  size_t end = m;
  for (size_t j = k; j >= 2; --j) {
    end = argmins[(j - 2) * (m + 1) + end];
    partition.starts[j - 1] = end;
  }
  partition.starts[0] = 0;
  return partition;
}

/// Solves min over partitions of the reduced cost plus `lambda` per cluster,
/// online over prefixes: E[i] = min_l E[l] + reducedCost(l, i) + lambda. The
/// best split is monotone in i (Monge costs), so candidates live in a queue,
/// each owning the rows from where it beats the one before it; a new
/// candidate finds that row by galloping then bisecting.
class PenalizedSolver {
public:
  PenalizedSolver(const PrefixSums &sums, size_t m)
      : sums(sums), m(m), value(m + 1), reduced(m + 1), clusters(m + 1),
        split(m + 1), candidate(m + 1), firstRow(m + 1) {}

  struct Result {
    size_t clusters;
    /// Sum of the clusters' reduced costs (no penalty).
    double reducedCost;
  };

  Result solve(double lambda) {
    value[0] = reduced[0] = 0;
    clusters[0] = 0;
    size_t head = 0, tail = 0;
    candidate[tail] = 0;
    firstRow[tail++] = 1;
    for (size_t i = 1; i <= m; ++i) {
      while (tail - head >= 2 && firstRow[head + 1] <= i)
        ++head;
      const size_t l = candidate[head];
      const double cost = sums.reducedCost(l, i);
      value[i] = value[l] + cost + lambda;
      reduced[i] = reduced[l] + cost;
      clusters[i] = clusters[l] + 1;
      split[i] = uint32_t(l);
      if (i == m)
        break;
      // Candidate i, for rows after i.
      bool placed = false;
      while (tail > head) {
        const size_t back = candidate[tail - 1];
        const size_t from = std::max<size_t>(firstRow[tail - 1], i + 1);
        if (better(i, back, from)) {
          --tail; // i wins everywhere back would
          continue;
        }
        // The first row after `from` where i wins, if any.
        size_t lo = from, step = 1, hi = from + step;
        while (hi <= m && !better(i, back, hi)) {
          lo = hi;
          step *= 2;
          hi = from + step;
        }
        if (hi > m) {
          if (!better(i, back, m))
            break; // never wins: drop i
          hi = m;
        }
        // better(i, back, hi) holds, better(i, back, lo) does not.
        while (hi - lo > 1) {
          const size_t mid = lo + (hi - lo) / 2;
          (better(i, back, mid) ? hi : lo) = mid;
        }
        candidate[tail] = i;
        firstRow[tail++] = hi;
        placed = true;
        break;
      }
      if (!placed && tail == head) {
        candidate[tail] = i;
        firstRow[tail++] = i + 1;
      }
    }
    return {clusters[m], reduced[m]};
  }

  /// The partition of the last solve.
  Partition1D getPartition() const {
    Partition1D partition;
    partition.starts.resize(clusters[m]);
    for (size_t i = m, c = clusters[m]; c > 0; i = split[i])
      partition.starts[--c] = split[i];
    return partition;
  }

private:
  /// True if split `a` gives row `row` a strictly smaller value than `b`.
  bool better(size_t a, size_t b, size_t row) const {
    return value[a] + sums.reducedCost(a, row) <
           value[b] + sums.reducedCost(b, row);
  }

  const PrefixSums &sums;
  const size_t m;
  std::vector<double> value, reduced;
  std::vector<uint32_t> clusters, split, candidate, firstRow;
};

/// The DP is replaced by the Lagrangian relaxation from this many clusters
/// (below, its 10-20 solves cost more than the layers), on inputs of at
/// least kPenaltyMinPointsPerCluster points per cluster.
constexpr size_t kPenaltyMinClusters = 16;
constexpr size_t kPenaltyMinPointsPerCluster = 4;
/// Penalized solves before giving up on reaching exactly k clusters.
constexpr unsigned kPenaltyMaxSolves = 48;

} // namespace

Partition1D palettize::optimalPartition1D(llvm::ArrayRef<double> values,
                                          llvm::ArrayRef<double> weights,
                                          size_t k,
                                          const ParallelFor &parallelFor) {
  const size_t m = values.size();
  if (k >= kPenaltyMinClusters && m >= kPenaltyMinPointsPerCluster * k)
    if (std::optional<Partition1D> partition =
            optimalPartitionByPenalty(values, weights, k))
      return std::move(*partition);
  return optimalPartitionByLayers(values, weights, k, parallelFor);
}

Partition1D
palettize::optimalPartitionByLayers(llvm::ArrayRef<double> values,
                                    llvm::ArrayRef<double> weights, size_t k,
                                    const ParallelFor &parallelFor) {
  assert(values.size() == weights.size() && "one weight per value");
  assert(std::is_sorted(values.begin(), values.end()) && "values unsorted");
  const size_t m = values.size();
  k = std::min(k, m);
  Partition1D partition;
  if (k == 0)
    return partition;
  if (k == m) {
    // One cluster per point: zero cost.
    for (size_t i = 0; i < m; ++i)
      partition.starts.push_back(i);
    return partition;
  }
  if (m <= std::numeric_limits<uint16_t>::max())
    return solve<uint16_t>(values, weights, k, parallelFor);
  return solve<uint32_t>(values, weights, k, parallelFor);
}

std::vector<double> palettize::computeCentroids(llvm::ArrayRef<double> values,
                                                llvm::ArrayRef<double> weights,
                                                const Partition1D &partition) {
  return computeCentroids(
      values.size(), [&](size_t i) { return values[i]; },
      [&](size_t i) { return weights[i]; }, partition.starts);
}

double palettize::computePartitionCost(llvm::ArrayRef<double> values,
                                       llvm::ArrayRef<double> weights,
                                       const Partition1D &partition,
                                       llvm::ArrayRef<double> centroids) {
  const size_t k = partition.starts.size();
  double cost = 0;
  for (size_t c = 0; c < k; ++c) {
    const size_t end = c + 1 < k ? partition.starts[c + 1] : values.size();
    for (size_t i = partition.starts[c]; i < end; ++i) {
      const double d = values[i] - centroids[c];
      cost += weights[i] * d * d;
    }
  }
  return cost;
}

std::optional<Partition1D>
palettize::optimalPartitionByPenalty(llvm::ArrayRef<double> values,
                                     llvm::ArrayRef<double> weights, size_t k) {
  assert(values.size() == weights.size() && "one weight per value");
  const size_t m = values.size();
  if (k < 2 || k >= m || m >= std::numeric_limits<uint32_t>::max())
    return std::nullopt;
  PrefixSums sums(values, weights);
  PenalizedSolver solver(sums, m);
  // Two points of the lower hull of (clusters, reduced cost): one cluster
  // per point (reduced cost -squares, as every cluster costs 0), and one
  // cluster. Each solve at the slope between two hull points with more and
  // fewer than k clusters finds a hull point strictly between them, unless
  // they are neighbours on the hull: then k lies on a straight part and no
  // penalty isolates it.
  struct HullPoint {
    size_t clusters;
    double reducedCost;
  };
  HullPoint many{m, -sums.squares[m]}, few{1, sums.reducedCost(0, m)};
  for (unsigned solves = 0; solves < kPenaltyMaxSolves; ++solves) {
    const double lambda = (few.reducedCost - many.reducedCost) /
                          double(many.clusters - few.clusters);
    if (!(lambda > 0))
      return std::nullopt;
    PenalizedSolver::Result result = solver.solve(lambda);
    if (result.clusters == k) {
      Partition1D partition = solver.getPartition();
      partition.cost = std::max(0.0, result.reducedCost + sums.squares[m]);
      return partition;
    }
    if (result.clusters >= many.clusters || result.clusters <= few.clusters)
      return std::nullopt;
    (result.clusters > k ? many : few) = {result.clusters, result.reducedCost};
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Boundaries constrained to windows
//===----------------------------------------------------------------------===//

std::vector<size_t>
palettize::optimalPartitionInWindows(size_t unitCount, AddUnitSums addUnits,
                                     llvm::ArrayRef<BoundaryWindow> windows) {
  assert(!windows.empty() && "at least two clusters");
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
  prefix[0] = running;
  for (size_t p = 1; p < positions.size(); ++p) {
    addUnits(positions[p - 1], positions[p], running);
    prefix[p] = running;
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

std::vector<BoundaryWindow>
palettize::getNeighbourWindows(llvm::ArrayRef<size_t> starts,
                               size_t unitCount) {
  std::vector<BoundaryWindow> windows;
  for (size_t c = 1; c < starts.size(); ++c) {
    const size_t next = c + 1 < starts.size() ? starts[c + 1] : unitCount - 1;
    windows.emplace_back(std::max<size_t>(starts[c - 1], 1), next);
  }
  return windows;
}

void palettize::refineBetweenNeighbours(size_t unitCount, AddUnitSums addUnits,
                                        std::vector<size_t> &starts,
                                        unsigned maxRounds) {
  for (unsigned round = 0; round < maxRounds; ++round) {
    std::vector<size_t> next = optimalPartitionInWindows(
        unitCount, addUnits, getNeighbourWindows(starts, unitCount));
    if (next == starts)
      return;
    starts = std::move(next);
  }
}
