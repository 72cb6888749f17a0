//===- VectorLut.cpp - Vector palettization -------------------------------===//
//
// k-means (or unique) over vectors of consecutive elements along one axis.
// Cost: O(n log n) to dedupe, then O(iterations * m * k * d) for m distinct
// vectors of d values and k clusters (Hamerly's bounds skip most of it).
// With importances, points are the distinct (vector, importances) pairs and
// weighted Lloyd uses the same bounds, scaled to each point's own metric.
//
//===----------------------------------------------------------------------===//

#include "LutBuilders.h"
#include "palettize/Lut/BitPacking.h"
#include "palettize/Lut/NearestEntry.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

using namespace palettize;

namespace {

/// A deterministic generator of uniform doubles in [0, 1) (SplitMix64), so
/// that results do not depend on the standard library's distributions.
class Random {
public:
  explicit Random(uint64_t seed) : state(seed) {}
  double uniform() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return double((z ^ (z >> 31)) >> 11) * 0x1p-53;
  }

private:
  uint64_t state;
};

/// Distinct vectors (row-major, d values each) and their multiplicities.
struct DistinctVectors {
  size_t dimension = 0;
  std::vector<double> values;
  std::vector<double> weights;
  /// With importance: per distinct vector, the summed importance of each
  /// of its d coordinates (row-major); empty otherwise.
  std::vector<double> coordinateWeights;
  /// For each input vector, the index of its distinct vector.
  std::vector<uint32_t> ofInput;
  size_t size() const { return weights.size(); }
  const double *at(size_t i) const { return values.data() + i * dimension; }
  const double *weightsAt(size_t i) const {
    return coordinateWeights.data() + i * dimension;
  }
};

double squaredDistance(const double *a, const double *b, size_t d) {
  double total = 0;
  for (size_t t = 0; t < d; ++t)
    total += (a[t] - b[t]) * (a[t] - b[t]);
  return total;
}

/// Sum over t of weights[t] * (a[t] - b[t])^2.
double weightedSquaredDistance(const double *a, const double *b,
                               const double *weights, size_t d) {
  double total = 0;
  for (size_t t = 0; t < d; ++t)
    total += weights[t] * (a[t] - b[t]) * (a[t] - b[t]);
  return total;
}

/// Greedy k-means++ seeding (scikit-learn's: 2 + ln k candidates per centre,
/// keeping the one that lowers the potential most): the first centre drawn
/// by `mass`, each next one by `cost` to the nearest centre so far, where
/// cost(i, centre) is point i's weighted squared distance to a centre
/// (multiplicity times the squared distance, or the importance-weighted
/// distance).
template <typename Cost>
std::vector<double> seedCentres(const DistinctVectors &points,
                                llvm::ArrayRef<double> mass, size_t k,
                                Random &random, Cost cost) {
  const size_t m = points.size(), d = points.dimension;
  const size_t trials = 2 + size_t(std::log(double(k)));
  std::vector<double> centres;
  std::vector<double> closest(m);
  auto pick = [&](const std::vector<double> &cumulative) {
    const double target = random.uniform() * cumulative.back();
    return size_t(
        std::upper_bound(cumulative.begin(), cumulative.end(), target) -
        cumulative.begin());
  };
  std::vector<double> cumulative(m);
  std::partial_sum(mass.begin(), mass.end(), cumulative.begin());
  size_t first = std::min(pick(cumulative), m - 1);
  centres.assign(points.at(first), points.at(first) + d);
  for (size_t i = 0; i < m; ++i)
    closest[i] = cost(i, points.at(first));
  while (centres.size() / d < k) {
    double running = 0;
    for (size_t i = 0; i < m; ++i)
      cumulative[i] = running += closest[i];
    if (running == 0)
      break; // every point sits on a centre
    size_t bestCandidate = 0;
    double bestPotential = std::numeric_limits<double>::infinity();
    for (size_t trial = 0; trial < trials; ++trial) {
      const size_t candidate = std::min(pick(cumulative), m - 1);
      double potential = 0;
      for (size_t i = 0; i < m; ++i)
        potential += std::min(closest[i], cost(i, points.at(candidate)));
      if (potential < bestPotential) {
        bestPotential = potential;
        bestCandidate = candidate;
      }
    }
    centres.insert(centres.end(), points.at(bestCandidate),
                   points.at(bestCandidate) + d);
    for (size_t i = 0; i < m; ++i)
      closest[i] = std::min(closest[i], cost(i, points.at(bestCandidate)));
  }
  return centres;
}

/// Seeds for plain k-means: mass and cost by multiplicity.
std::vector<double> seedCentres(const DistinctVectors &points, size_t k,
                                Random &random) {
  const size_t d = points.dimension;
  return seedCentres(
      points, points.weights, k, random, [&](size_t i, const double *centre) {
        return points.weights[i] * squaredDistance(points.at(i), centre, d);
      });
}

/// Seeds for importance-weighted k-means: a point's mass is its summed
/// importance, its cost the weighted distance.
std::vector<double> seedWeightedCentres(const DistinctVectors &points, size_t k,
                                        Random &random) {
  const size_t m = points.size(), d = points.dimension;
  std::vector<double> mass(m, 0);
  for (size_t i = 0; i < m; ++i)
    for (size_t t = 0; t < d; ++t)
      mass[i] += points.weightsAt(i)[t];
  return seedCentres(points, mass, k, random,
                     [&](size_t i, const double *centre) {
                       return weightedSquaredDistance(points.at(i), centre,
                                                      points.weightsAt(i), d);
                     });
}

/// How far each centre moved in one Lloyd round, for Hamerly's bounds.
struct CentreMoves {
  std::vector<double> moved;
  double largest = 0, second = 0;
  size_t largestMover = 0;

  /// The largest move of a centre other than `c`.
  double largestOtherThan(size_t c) const {
    return c == largestMover ? second : largest;
  }
};

/// Measures the moves from `previous` to `centres` (k centres of d values).
CentreMoves measureMoves(const std::vector<double> &previous,
                         const std::vector<double> &centres, size_t d) {
  CentreMoves moves;
  const size_t k = centres.size() / d;
  moves.moved.resize(k);
  for (size_t c = 0; c < k; ++c) {
    const double move = std::sqrt(
        squaredDistance(previous.data() + c * d, centres.data() + c * d, d));
    moves.moved[c] = move;
    if (move > moves.largest) {
      moves.second = moves.largest;
      moves.largest = move;
      moves.largestMover = c;
    } else if (move > moves.second) {
      moves.second = move;
    }
  }
  return moves;
}

/// Sets halfGap[c] to half the distance from centre c to its nearest other
/// centre (infinity when there is no other).
void computeHalfGaps(const std::vector<double> &centres, size_t d,
                     std::vector<double> &halfGap) {
  const size_t k = centres.size() / d;
  for (size_t c = 0; c < k; ++c) {
    double gap = std::numeric_limits<double>::infinity();
    for (size_t other = 0; other < k; ++other)
      if (other != c)
        gap = std::min(gap, squaredDistance(centres.data() + c * d,
                                            centres.data() + other * d, d));
    halfGap[c] = std::sqrt(gap) / 2;
  }
}

/// Lloyd iterations for importance-weighted k-means until no point changes
/// cluster (or 300 rounds): each point moves to the centre of least
/// weighted distance (only when strictly less than its own, so the cost
/// falls with every change and cannot cycle), each centre coordinate to
/// the importance-weighted mean of its points' coordinate (kept when they
/// weigh nothing there). Returns the weighted squared error.
///
/// Point i measures distances in its own norm ||v||_i = sqrt(sum_t W_it
/// v_t^2), which lies between sqrt(min_t W_it) and sqrt(max_t W_it) times
/// the Euclidean norm. Hamerly's bounds carry over with those factors: a
/// centre moving by delta moves by at most sqrt(max W_i) * delta in point
/// i's norm, and centres at Euclidean distance g are at least sqrt(min W_i)
/// * g apart in it. As in lloyd(), a skipped point keeps exactly the
/// assignment a full scan would give.
double weightedLloyd(const DistinctVectors &points,
                     std::vector<double> &centres) {
  const size_t m = points.size(), d = points.dimension;
  const size_t k = centres.size() / d;
  constexpr double kMargin = 1 + 1e-9;
  std::vector<size_t> assignment(m, 0);
  std::vector<double> upper(m), lower(m), stretch(m), shrink(m);
  for (size_t i = 0; i < m; ++i) {
    const double *w = points.weightsAt(i);
    double most = w[0], least = w[0];
    for (size_t t = 1; t < d; ++t) {
      most = std::max(most, w[t]);
      least = std::min(least, w[t]);
    }
    stretch[i] = std::sqrt(most);
    shrink[i] = std::sqrt(least);
  }
  auto cost = [&](size_t i, size_t c) {
    return weightedSquaredDistance(points.at(i), centres.data() + c * d,
                                   points.weightsAt(i), d);
  };
  // Scans every centre: the nearest (the current one unless another is
  // strictly nearer, when `keep`; else the lowest index on ties), and the
  // bounds from the nearest and the next.
  auto scan = [&](size_t i, bool keep) {
    size_t best = assignment[i];
    double first =
        keep ? cost(i, best) : std::numeric_limits<double>::infinity();
    for (size_t c = 0; c < k; ++c) {
      const double distance = cost(i, c);
      if (distance < first) {
        first = distance;
        best = c;
      }
    }
    double second = std::numeric_limits<double>::infinity();
    for (size_t c = 0; c < k; ++c)
      if (c != best)
        second = std::min(second, cost(i, c));
    assignment[i] = best;
    upper[i] = std::sqrt(first);
    lower[i] = std::sqrt(second);
  };
  for (size_t i = 0; i < m; ++i)
    scan(i, /*keep=*/false);

  std::vector<double> sums(k * d), weights(k * d), previous(k * d);
  std::vector<double> halfGap(k);
  for (unsigned round = 0; round < 300; ++round) {
    std::fill(sums.begin(), sums.end(), 0);
    std::fill(weights.begin(), weights.end(), 0);
    for (size_t i = 0; i < m; ++i)
      for (size_t t = 0; t < d; ++t) {
        const double weight = points.weightsAt(i)[t];
        weights[assignment[i] * d + t] += weight;
        sums[assignment[i] * d + t] += weight * points.at(i)[t];
      }
    previous = centres;
    for (size_t j = 0; j < k * d; ++j)
      if (weights[j] > 0)
        centres[j] = sums[j] / weights[j];
    const CentreMoves moves = measureMoves(previous, centres, d);
    computeHalfGaps(centres, d, halfGap);

    bool changed = false;
    for (size_t i = 0; i < m; ++i) {
      const size_t a = assignment[i];
      upper[i] += stretch[i] * moves.moved[a];
      lower[i] -= stretch[i] * moves.largestOtherThan(a);
      const double bound = std::max(shrink[i] * halfGap[a], lower[i]);
      if (upper[i] * kMargin < bound)
        continue;
      upper[i] = std::sqrt(cost(i, a));
      if (upper[i] * kMargin < bound)
        continue;
      scan(i, /*keep=*/true);
      changed |= assignment[i] != a;
    }
    if (!changed)
      break;
  }
  double error = 0;
  for (size_t i = 0; i < m; ++i)
    error += cost(i, assignment[i]);
  return error;
}

/// Lloyd iterations until no point changes cluster (or 300 rounds); returns
/// the weighted squared error. Empty clusters keep their centre.
///
/// Hamerly's bounds skip the scan of a point whose centre is provably still
/// strictly the nearest: an upper bound on the distance to its centre and a
/// lower bound on the distance to every other centre, both kept up to date
/// with how far the centres move, and half the distance from its centre to
/// the next centre. A skipped point keeps exactly the assignment a full scan
/// would give, so the iterations are those of plain Lloyd.
double lloyd(const DistinctVectors &points, std::vector<double> &centres) {
  const size_t m = points.size(), d = points.dimension;
  const size_t k = centres.size() / d;
  // Bounds are compared with a relative margin so that rounding in them can
  // only make a point be scanned, never skipped wrongly.
  constexpr double kMargin = 1 + 1e-9;
  std::vector<size_t> assignment(m);
  std::vector<double> upper(m), lower(m);
  auto scan = [&](size_t i) {
    double first = std::numeric_limits<double>::infinity(), second = first;
    size_t best = 0;
    for (size_t c = 0; c < k; ++c) {
      const double distance =
          squaredDistance(points.at(i), centres.data() + c * d, d);
      if (distance < first) {
        second = first;
        first = distance;
        best = c;
      } else if (distance < second) {
        second = distance;
      }
    }
    assignment[i] = best;
    upper[i] = std::sqrt(first);
    lower[i] = std::sqrt(second);
  };
  for (size_t i = 0; i < m; ++i)
    scan(i);

  std::vector<double> halfGap(k), sums(k * d), weights(k), previous(k * d);
  for (unsigned round = 0; round < 300; ++round) {
    // New centres from the current assignment.
    std::fill(sums.begin(), sums.end(), 0);
    std::fill(weights.begin(), weights.end(), 0);
    for (size_t i = 0; i < m; ++i) {
      weights[assignment[i]] += points.weights[i];
      for (size_t t = 0; t < d; ++t)
        sums[assignment[i] * d + t] += points.weights[i] * points.at(i)[t];
    }
    previous = centres;
    for (size_t c = 0; c < k; ++c)
      if (weights[c] > 0)
        for (size_t t = 0; t < d; ++t)
          centres[c * d + t] = sums[c * d + t] / weights[c];
    const CentreMoves moves = measureMoves(previous, centres, d);
    computeHalfGaps(centres, d, halfGap);

    bool changed = false;
    for (size_t i = 0; i < m; ++i) {
      const size_t a = assignment[i];
      upper[i] += moves.moved[a];
      lower[i] -= moves.largestOtherThan(a);
      const double bound = std::max(halfGap[a], lower[i]);
      if (upper[i] * kMargin < bound)
        continue;
      upper[i] =
          std::sqrt(squaredDistance(points.at(i), centres.data() + a * d, d));
      if (upper[i] * kMargin < bound)
        continue;
      scan(i);
      changed |= assignment[i] != a;
    }
    if (!changed)
      break;
  }

  double error = 0;
  for (size_t i = 0; i < m; ++i)
    error +=
        points.weights[i] *
        squaredDistance(points.at(i), centres.data() + assignment[i] * d, d);
  return error;
}

} // namespace

LutResult palettize::detail::buildVectorLut(const LutConfig &config,
                                            const TensorView &tensor,
                                            unsigned axis, int64_t vectorSize,
                                            ImportanceView importance) {
  llvm::ArrayRef<int64_t> shape = tensor.shape;
  const FloatFormat format = tensor.format;
  assert(axis < shape.size() && vectorSize > 0 &&
         shape[axis] % vectorSize == 0 && "vectors must tile the axis");
  LutResult result;
  if (config.mode == LutMode::Uniform || config.mode == LutMode::Custom) {
    result.status = LutStatus::UnsupportedMode;
    return result;
  }
  if (config.mode == LutMode::KMeans &&
      !isSupportedIndexBitWidth(config.nbits)) {
    result.status = LutStatus::UnsupportedBitWidth;
    return result;
  }
  const size_t d = size_t(vectorSize);
  const AxisSplit split = splitAroundAxis(shape, axis);
  const int64_t outer = split.outer, channels = split.channels,
                inner = split.inner;
  const int64_t blocks = channels / vectorSize;
  const size_t vectorCount = size_t(outer * blocks * inner);
  if (config.mode != LutMode::KMeans ||
      isUniformImportance(importance, vectorCount * d))
    importance = {};

  // The vectors, in index-grid order, as raw bits for exact deduplication.
  const unsigned width = getByteWidth(format);
  const char *bytes = static_cast<const char *>(tensor.data);
  // With importance, a vector's key also holds its coordinates'
  // importances: equal vectors of different importances may be best
  // served by different rows, so only equal pairs merge.
  const size_t keyWidth = importance ? 2 * d : d;
  std::vector<uint32_t> bits(vectorCount * keyWidth);
  size_t v = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t b = 0; b < blocks; ++b)
      for (int64_t i = 0; i < inner; ++i, ++v)
        for (size_t t = 0; t < d; ++t) {
          const size_t element =
              size_t((o * channels + b * vectorSize + int64_t(t)) * inner + i);
          uint32_t raw = 0;
          std::memcpy(&raw, bytes + element * width, width);
          const float value = format == FloatFormat::F32
                                  ? bitsToFloat(raw)
                                  : narrowToFloat(uint16_t(raw), format);
          if (!std::isfinite(value)) {
            result.status = LutStatus::NonFiniteValues;
            return result;
          }
          bits[v * keyWidth + t] = orderedKey32(floatToBits(value));
          if (importance)
            bits[v * keyWidth + d + t] =
                floatToBits(float(importance[element]));
        }

  // Distinct vectors (with their importances) in lexicographic order.
  std::vector<uint32_t> order(vectorCount);
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](uint32_t a) { return bits.data() + size_t(a) * keyWidth; };
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return std::lexicographical_compare(key(a), key(a) + keyWidth, key(b),
                                        key(b) + keyWidth);
  });
  DistinctVectors points;
  points.dimension = d;
  points.ofInput.resize(vectorCount);
  for (size_t r = 0; r < vectorCount; ++r) {
    const uint32_t current = order[r];
    if (r == 0 || !std::equal(key(order[r - 1]), key(order[r - 1]) + keyWidth,
                              key(current))) {
      for (size_t t = 0; t < d; ++t)
        points.values.push_back(bitsToFloat(keyToBits32(key(current)[t])));
      points.weights.push_back(0);
    }
    points.weights.back() += 1;
    points.ofInput[current] = uint32_t(points.size() - 1);
  }
  if (importance) {
    // The copies of a point share its importances: it weighs their sum.
    points.coordinateWeights.resize(points.size() * d);
    for (size_t r = 0; r < vectorCount; ++r) {
      const uint32_t current = order[r];
      const size_t point = points.ofInput[current];
      for (size_t t = 0; t < d; ++t)
        points.coordinateWeights[point * d + t] =
            points.weights[point] * double(bitsToFloat(key(current)[d + t]));
    }
  }
  const size_t m = points.size();

  std::vector<float> rows; // used LUT rows, d values each
  if (config.mode == LutMode::Unique) {
    result.layout.indexBitWidth = getSmallestBitWidthFor(m);
    if (result.layout.indexBitWidth == 0) {
      result.status = LutStatus::TooManyDistinctValues;
      return result;
    }
    for (size_t i = 0; i < m; ++i)
      for (size_t t = 0; t < d; ++t)
        rows.push_back(float(points.at(i)[t]));
  } else {
    result.layout.indexBitWidth = config.nbits;
    const size_t k = std::min(m, size_t(1) << config.nbits);
    std::vector<double> centres;
    if (k == m) {
      centres = points.values;
    } else {
      // Up to three seeds on small problems, one on large ones.
      const unsigned seeds =
          double(m) * double(k) * double(d) <= 1 << 24 ? 3 : 1;
      double bestError = std::numeric_limits<double>::infinity();
      for (unsigned seed = 0; seed < seeds; ++seed) {
        Random random(seed);
        std::vector<double> candidate;
        double error;
        if (importance) {
          candidate = seedWeightedCentres(points, k, random);
          error = weightedLloyd(points, candidate);
        } else {
          candidate = seedCentres(points, k, random);
          error = lloyd(points, candidate);
        }
        if (error < bestError) {
          bestError = error;
          centres = std::move(candidate);
        }
      }
    }
    for (double value : centres)
      rows.push_back(roundToFormat(value, format));
  }

  // Each vector takes its nearest row (as stored, rounded), lower on ties;
  // a vector equal to a row takes that row exactly.
  const size_t used = rows.size() / d;
  std::vector<uint8_t> indexOfDistinct(m);
  for (size_t i = 0; i < m; ++i)
    indexOfDistinct[i] = uint8_t(
        used == m    ? i
        : importance ? findNearestWeightedRow(points.at(i), points.weightsAt(i),
                                              rows.data(), used, d)
                     : findNearestRow(points.at(i), rows.data(), used, d));
  result.indices.resize(vectorCount);
  for (size_t i = 0; i < vectorCount; ++i)
    result.indices[i] = indexOfDistinct[points.ofInput[i]];
  result.entries.assign((size_t(1) << result.layout.indexBitWidth) * d, 0.0f);
  std::copy(rows.begin(), rows.end(), result.entries.begin());
  return result;
}
