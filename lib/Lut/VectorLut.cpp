//===- VectorLut.cpp - Vector palettization -------------------------------===//
//
// k-means (or unique) over vectors of consecutive elements along one axis.
// The vectors are deduplicated (a hash table over their bit patterns,
// O(n d)) and put in an order that depends on their values only; then the
// m distinct vectors, weighted by multiplicity, are clustered:
// greedy k-means++ seeds (O(k (2 + ln k) m d)), Hamerly-bounded Lloyd
// rounds to a relative tolerance, then Hartigan's single-point moves
// within a work budget; several seeds (screened by their first rounds)
// compete, on all points when m is
// small and on a lightweight coreset (O(m) to draw) when it is large, the
// best coreset solution seeding one run on all points. Distances are float
// and vectorized; sums, errors and the final nearest-row assignment are
// double. With importances, points are the distinct (vector, importances)
// pairs and weighted Lloyd uses the same bounds, scaled to each point's
// own metric.
//
//===----------------------------------------------------------------------===//

#include "LutBuilders.h"
#include "palettize/Lut/BitPacking.h"
#include "palettize/Lut/NearestEntry.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <numeric>
#include <utility>

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
/// Every value of every format is a float; arithmetic on them is in double.
struct DistinctVectors {
  size_t dimension = 0;
  std::vector<float> values;
  std::vector<double> weights;
  /// With importance: per distinct vector, the summed importance of each
  /// of its d coordinates (row-major); empty otherwise.
  std::vector<double> coordinateWeights;
  /// For each input vector, the index of its distinct vector.
  std::vector<uint32_t> ofInput;
  size_t size() const { return weights.size(); }
  const float *at(size_t i) const { return values.data() + i * dimension; }
  const double *weightsAt(size_t i) const {
    return coordinateWeights.data() + i * dimension;
  }
};

template <typename T> T squaredDistance(const T *a, const T *b, size_t d) {
  T total = 0;
  for (size_t t = 0; t < d; ++t)
    total += (a[t] - b[t]) * (a[t] - b[t]);
  return total;
}

/// |a - b|^2 computed and summed in double: how far centres are apart, or
/// moved, for the bounds; exact distances of points to rows.
template <typename A, typename B>
double squaredDistanceInDouble(const A *a, const B *b, size_t d) {
  double total = 0;
  for (size_t t = 0; t < d; ++t) {
    const double difference = double(a[t]) - double(b[t]);
    total += difference * difference;
  }
  return total;
}

/// Sum over t of weights[t] * (a[t] - b[t])^2, in double.
template <typename A, typename B>
double weightedSquaredDistance(const A *a, const B *b, const double *weights,
                               size_t d) {
  double total = 0;
  for (size_t t = 0; t < d; ++t) {
    const double difference = double(a[t]) - double(b[t]);
    total += weights[t] * difference * difference;
  }
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
                     [&](size_t i, const auto *centre) {
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

//===----------------------------------------------------------------------===//
// Plain k-means (weights are multiplicities)
//===----------------------------------------------------------------------===//

/// Distances are computed in float over padded, struct-of-arrays copies of
/// the points and centres, so that the compiler vectorizes the loops over
/// points (seeding) and over centres (assignment) with independent lanes:
/// the results do not depend on the vector width. Sums that decide centres
/// and errors are in double.
constexpr size_t kLanes = 16;

// The distance kernels also get an AVX2 clone, picked at load time. AVX2
// without FMA: every lane computes the same float operations in the same
// order as the baseline build, so results do not depend on the CPU.
// GCC only: Clang rejects noinline next to target_clones and, without
// it, leaves helpers the clones call undefined; its builds (the fuzzers)
// run the baseline kernels, which compute the same values.
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) &&          \
    !defined(__clang__)
#define PALETTIZE_DISTANCE_KERNEL                                              \
  __attribute__((target_clones("avx2", "default"), noinline))
#else
#define PALETTIZE_DISTANCE_KERNEL
#endif

size_t padToLanes(size_t count) {
  return (count + kLanes - 1) / kLanes * kLanes;
}

/// The distinct points as floats, row-major and coordinate-major.
struct FloatPoints {
  size_t count = 0, padded = 0, dimension = 0;
  const float *rows; // count x dimension: the points' own
  // Each element is written once, not zeroed first (megabytes on large
  // inputs).
  std::unique_ptr<float[]> columns; // dimension x padded, padding 0
  std::unique_ptr<float[]> weights; // padded, padding 0
  const double *exactWeights;       // the distinct points' own

  explicit FloatPoints(const DistinctVectors &points)
      : count(points.size()), padded(padToLanes(points.size())),
        dimension(points.dimension), rows(points.values.data()),
        columns(new float[dimension * padded]), weights(new float[padded]),
        exactWeights(points.weights.data()) {
    for (size_t i = 0; i < padded; ++i) {
      weights[i] = i < count ? float(points.weights[i]) : 0.0f;
      for (size_t t = 0; t < dimension; ++t)
        columns[t * padded + i] = i < count ? rows[i * dimension + t] : 0.0f;
    }
  }
  const float *at(size_t i) const { return rows + i * dimension; }
};

/// Eight floats (ints) operated on together; GCC and Clang lower them to
/// the target's vector registers (two SSE registers, or one AVX register).
typedef float FloatLanes __attribute__((vector_size(32)));
typedef int32_t IntLanes __attribute__((vector_size(32)));
constexpr size_t kWidth = 8;
static_assert(kLanes % kWidth == 0, "padding holds whole vectors");

/// distances[i] = |point i - centre|^2 over the first `count` (a multiple
/// of kWidth) of `padded` points stored coordinate-major (`dimension`
/// columns of `padded` values).
PALETTIZE_DISTANCE_KERNEL
void distancesToPoint(const float *columns, size_t padded, size_t dimension,
                      const float *centre, float *distances, size_t count) {
  for (size_t i = 0; i < count; i += kWidth) {
    FloatLanes sums = {}, column;
    for (size_t t = 0; t < dimension; ++t) {
      std::memcpy(&column, columns + t * padded + i, sizeof(column));
      const FloatLanes difference = column - centre[t];
      sums += difference * difference;
    }
    std::memcpy(distances + i, &sums, sizeof(sums));
  }
}

/// Over points [begin, end) (a multiple of kLanes long): distances[i]
/// becomes min(closest[i], distances[i]); returns the sum of weights[i]
/// times that, summed in float lanes.
PALETTIZE_DISTANCE_KERNEL
double blockPotential(const float *closest, const float *weights,
                      float *distances, size_t begin, size_t end) {
  FloatLanes lanes = {}, current, previous, weight;
  for (size_t i = begin; i < end; i += kWidth) {
    std::memcpy(&current, distances + i, sizeof(current));
    std::memcpy(&previous, closest + i, sizeof(previous));
    std::memcpy(&weight, weights + i, sizeof(weight));
    const FloatLanes nearest = current < previous ? current : previous;
    std::memcpy(distances + i, &nearest, sizeof(nearest));
    lanes += weight * nearest;
  }
  double mass = 0;
  for (size_t j = 0; j < kWidth; ++j)
    mass += double(lanes[j]);
  return mass;
}

/// Greedy k-means++ (scikit-learn's published scheme: 2 + ln k candidates
/// per centre drawn in proportion to the weighted squared distance to the
/// nearest centre so far, keeping the one that lowers the potential most).
/// Potentials are summed in float lanes per block of points, then in
/// double. Returns k centres (fewer when every point sits on one).
std::vector<float> seedPlainCentres(const FloatPoints &points, size_t k,
                                    Random &random) {
  const size_t m = points.count, padded = points.padded, d = points.dimension;
  constexpr size_t kBlock = 1024;
  const size_t blocks = (padded + kBlock - 1) / kBlock;
  const size_t trials = 2 + size_t(std::log(double(k)));
  std::vector<float> closest(padded), candidate(padded), best(padded);
  std::vector<double> blockMass(blocks), candidateMass(blocks),
      bestMass(blocks);
  const float *weights = points.weights.get();

  // Draws a point with probability proportional to weight * closest.
  auto pick = [&](const std::vector<double> &masses, const float *distance) {
    double total = 0;
    for (double mass : masses)
      total += mass;
    double target = random.uniform() * total;
    size_t block = 0;
    for (; block + 1 < blocks && target >= masses[block]; ++block)
      target -= masses[block];
    const size_t end = std::min(m, (block + 1) * kBlock);
    size_t chosen = end - 1;
    double running = 0;
    for (size_t i = block * kBlock; i < end; ++i) {
      running += double(weights[i]) * double(distance ? distance[i] : 1.0f);
      if (running > target) {
        chosen = i;
        break;
      }
    }
    return chosen;
  };
  // masses[b] = sum over block b of weight * min(closest, distances), and
  // distances becomes that minimum.
  auto potential = [&](float *distances, std::vector<double> &masses) {
    double total = 0;
    for (size_t b = 0; b < blocks; ++b) {
      masses[b] = blockPotential(closest.data(), weights, distances, b * kBlock,
                                 std::min(padded, (b + 1) * kBlock));
      total += masses[b];
    }
    return total;
  };

  std::vector<double> unitMass(blocks, 0);
  for (size_t i = 0; i < m; ++i)
    unitMass[i / kBlock] += double(weights[i]);
  std::vector<float> centres;
  const size_t first = pick(unitMass, nullptr);
  centres.assign(points.at(first), points.at(first) + d);
  std::fill(closest.begin(), closest.end(),
            std::numeric_limits<float>::infinity());
  distancesToPoint(points.columns.get(), padded, d, points.at(first),
                   candidate.data(), padded);
  potential(candidate.data(), blockMass);
  closest.swap(candidate);
  while (centres.size() / d < k) {
    double bestPotential = std::numeric_limits<double>::infinity();
    size_t bestCandidate = 0;
    for (size_t trial = 0; trial < trials; ++trial) {
      const size_t drawn = pick(blockMass, closest.data());
      distancesToPoint(points.columns.get(), padded, d, points.at(drawn),
                       candidate.data(), padded);
      const double total = potential(candidate.data(), candidateMass);
      if (total < bestPotential) {
        bestPotential = total;
        bestCandidate = drawn;
        best.swap(candidate);
        bestMass.swap(candidateMass);
      }
    }
    if (!(bestPotential < std::numeric_limits<double>::infinity()))
      break;
    centres.insert(centres.end(), points.at(bestCandidate),
                   points.at(bestCandidate) + d);
    closest.swap(best);
    blockMass.swap(bestMass);
    double total = 0;
    for (double mass : blockMass)
      total += mass;
    if (total == 0)
      break; // every point sits on a centre
  }
  return centres;
}

// Lane j of the result is lane `index j` of `lanes` (constant indices).
#if defined(__clang__)
#define PALETTIZE_SHUFFLE(lanes, ...)                                          \
  __builtin_shufflevector(lanes, lanes, __VA_ARGS__)
#else
#define PALETTIZE_SHUFFLE(lanes, ...)                                          \
  __builtin_shuffle(lanes, IntLanes{__VA_ARGS__})
#endif

/// The least of the lanes, halving them three times (min is exact, so the
/// order does not matter).
template <typename Lanes> auto leastLane(const Lanes &lanes) {
  Lanes least = lanes, other = PALETTIZE_SHUFFLE(least, 4, 5, 6, 7, 0, 1, 2, 3);
  least = least < other ? least : other;
  other = PALETTIZE_SHUFFLE(least, 2, 3, 0, 1, 6, 7, 4, 5);
  least = least < other ? least : other;
  other = PALETTIZE_SHUFFLE(least, 1, 0, 3, 2, 5, 4, 7, 6);
  least = least < other ? least : other;
  return least[0];
}
static_assert(kWidth == 8, "leastLane halves eight lanes");

/// The nearest and second-nearest distance, and the nearest's index.
struct NearestTwo {
  size_t best = 0;
  float first = std::numeric_limits<float>::infinity();
  float second = std::numeric_limits<float>::infinity();
};

/// The nearest and second-nearest of `padded` centres stored
/// coordinate-major to `point` (lowest index on ties). Centres are taken
/// 2 x kWidth at a time; each lane keeps its own two smallest, merged at
/// the end.
PALETTIZE_DISTANCE_KERNEL
NearestTwo findNearestTwoAmong(const float *columns, size_t padded,
                               size_t dimension, const float *point) {
  constexpr float kInfinity = std::numeric_limits<float>::infinity();
  FloatLanes first[2], second[2], column;
  IntLanes index[2], position[2];
  for (size_t h = 0; h < 2; ++h) {
    first[h] = second[h] = FloatLanes{} + kInfinity;
    index[h] = IntLanes{};
    for (size_t j = 0; j < kWidth; ++j)
      position[h][j] = int32_t(h * kWidth + j);
  }
  for (size_t start = 0; start < padded; start += 2 * kWidth) {
    FloatLanes sums[2] = {};
    for (size_t t = 0; t < dimension; ++t) {
      const float *at = columns + t * padded + start;
      for (size_t h = 0; h < 2; ++h) {
        std::memcpy(&column, at + h * kWidth, sizeof(column));
        const FloatLanes difference = column - point[t];
        sums[h] += difference * difference;
      }
    }
    for (size_t h = 0; h < 2; ++h) {
      const IntLanes less = sums[h] < first[h];
      second[h] = less ? first[h] : (sums[h] < second[h] ? sums[h] : second[h]);
      first[h] = less ? sums[h] : first[h];
      index[h] = less ? position[h] : index[h];
      position[h] += int32_t(2 * kWidth);
    }
  }
  // The smallest first (ties: the lowest index), then the smallest of the
  // other lanes' firsts and that lane's second.
  NearestTwo result;
  const float best = leastLane(first[0] < first[1] ? first[0] : first[1]);
  IntLanes candidates[2];
  for (size_t h = 0; h < 2; ++h)
    candidates[h] = first[h] == best ? index[h] : IntLanes{} + INT32_MAX;
  const IntLanes lowest =
      candidates[0] < candidates[1] ? candidates[0] : candidates[1];
  const int32_t bestIndex = leastLane(lowest);
  FloatLanes others[2];
  for (size_t h = 0; h < 2; ++h)
    others[h] = candidates[h] == bestIndex ? second[h] : first[h];
  result.best = size_t(bestIndex);
  result.first = best;
  result.second = leastLane(others[0] < others[1] ? others[0] : others[1]);
  return result;
}

/// The nearest two of `k` centres (row-major) to kWidth points, one per
/// lane (`coordinates` holds their d coordinates, coordinate-major), with
/// the same float operations in the same order as findNearestTwoAmong,
/// lowest index on ties.
inline void findNearestTwoInLanes(const FloatLanes *coordinates,
                                  size_t dimension, const float *centres,
                                  size_t k, NearestTwo *results, size_t lanes) {
  constexpr float kInfinity = std::numeric_limits<float>::infinity();
  FloatLanes first = FloatLanes{} + kInfinity, second = first;
  IntLanes best = IntLanes{};
  auto take = [&](const FloatLanes &sums, size_t c) {
    const IntLanes less = sums < first;
    second = less ? first : (sums < second ? sums : second);
    first = less ? sums : first;
    best = less ? IntLanes{} + int32_t(c) : best;
  };
  // Four centres at a time: independent chains of additions.
  size_t c = 0;
  for (; c + 4 <= k; c += 4) {
    FloatLanes sums[4] = {};
    for (size_t t = 0; t < dimension; ++t)
      for (size_t h = 0; h < 4; ++h) {
        const FloatLanes difference =
            coordinates[t] - centres[(c + h) * dimension + t];
        sums[h] += difference * difference;
      }
    for (size_t h = 0; h < 4; ++h)
      take(sums[h], c + h);
  }
  for (; c < k; ++c) {
    FloatLanes sums = {};
    for (size_t t = 0; t < dimension; ++t) {
      const FloatLanes difference = coordinates[t] - centres[c * dimension + t];
      sums += difference * difference;
    }
    take(sums, c);
  }
  for (size_t j = 0; j < lanes; ++j) {
    results[j].best = size_t(best[j]);
    results[j].first = first[j];
    results[j].second = second[j];
  }
}

/// Most vectors have few coordinates; longer ones are scanned through the
/// heap.
constexpr size_t kStackCoordinates = 16;

/// For each of `count` points its nearest two of `k` centres (row-major),
/// into results[j]: the points indices[j] of `points` or, without indices,
/// points 0 to count - 1. The points are taken kWidth at a time, one per
/// lane, so that no lane is spent on padding centres: this is the cheaper
/// scan when many points need one, and for few centres.
PALETTIZE_DISTANCE_KERNEL
void findNearestTwoOfPoints(const FloatPoints &points, const uint32_t *indices,
                            size_t count, const float *centres, size_t k,
                            NearestTwo *results) {
  const size_t d = points.dimension;
  FloatLanes stack[kStackCoordinates];
  std::vector<FloatLanes> heap(d > kStackCoordinates ? d : 0);
  FloatLanes *coordinates = heap.empty() ? stack : heap.data();
  for (size_t start = 0; start < count; start += kWidth) {
    const size_t lanes = std::min(kWidth, count - start);
    if (!indices) {
      // In order: whole lanes of the coordinate-major copy.
      for (size_t t = 0; t < d; ++t)
        std::memcpy(&coordinates[t],
                    points.columns.get() + t * points.padded + start,
                    sizeof(FloatLanes));
    } else {
      for (size_t t = 0; t < d; ++t)
        coordinates[t] = FloatLanes{};
      for (size_t j = 0; j < lanes; ++j) {
        const float *point = points.at(indices[start + j]);
        for (size_t t = 0; t < d; ++t)
          coordinates[t][j] = point[t];
      }
    }
    findNearestTwoInLanes(coordinates, d, centres, k, results + start, lanes);
  }
}

/// Centres in coordinate-major float form, padded with far-away copies
/// (infinite distance) so that scans run over whole lanes.
struct CentreColumns {
  size_t count = 0, padded = 0, dimension = 0;
  std::vector<float> columns;

  CentreColumns(size_t count, size_t dimension)
      : count(count), padded(padToLanes(count)), dimension(dimension),
        columns(dimension * padded, std::numeric_limits<float>::infinity()) {}
  void set(size_t c, const float *centre) {
    for (size_t t = 0; t < dimension; ++t)
      columns[t * padded + c] = centre[t];
  }
  NearestTwo findNearestTwo(const float *point) const {
    return findNearestTwoAmong(columns.data(), padded, dimension, point);
  }
};

/// One run of plain k-means from a seed: Hamerly-bounded Lloyd rounds on
/// float distances until no point changes cluster, the centres' total
/// squared shift falls to `tolerance`, or 300 rounds; then the centres are
/// rounded to `format` and every point takes its nearest rounded row
/// (exactly, in double, lowest index on ties), reusing the bounds so that
/// only points near a boundary are rescanned.
struct PlainKMeansRun {
  std::vector<float> rows; // k x d, representable in the format
  std::vector<uint32_t> assignment;
  double error = 0; // weighted squared error against the rows
};

/// Runs with at most this many clusters (and clusters x dimension) scan
/// every point in every Lloyd round instead of keeping Hamerly's bounds.
constexpr size_t kDenseClusters = 16;
constexpr size_t kDenseWork = 128;

PlainKMeansRun runPlainKMeans(const FloatPoints &points,
                              const DistinctVectors &exact,
                              std::vector<float> seeds, double tolerance,
                              unsigned hartiganPasses, FloatFormat format) {
  const size_t m = points.count, d = points.dimension;
  const size_t k = seeds.size() / d;
  // Float distances are within a relative 1e-6 of the exact ones; the
  // margin makes the bounds conservative for both.
  constexpr double kMargin = 1 + 1e-5;
  std::vector<float> centres = std::move(seeds), previous(k * d);
  std::vector<uint32_t> assignment(m);
  std::vector<double> upper, lower; // Hamerly's bounds, when kept
  // Points whose nearest two are to be found, and what was found.
  std::vector<uint32_t> pending(m);
  std::vector<NearestTwo> found(m);
  // A scan of every point reads them in order.
  auto scanPending = [&] {
    findNearestTwoOfPoints(points,
                           pending.size() == m ? nullptr : pending.data(),
                           pending.size(), centres.data(), k, found.data());
  };
  std::iota(pending.begin(), pending.end(), 0u);
  scanPending();
  for (size_t i = 0; i < m; ++i)
    assignment[i] = uint32_t(found[i].best);
  std::vector<double> sums(k * d, 0), counts(k, 0);
  for (size_t i = 0; i < m; ++i) {
    const double weight = points.exactWeights[i];
    counts[assignment[i]] += weight;
    for (size_t t = 0; t < d; ++t)
      sums[assignment[i] * d + t] += weight * double(points.at(i)[t]);
  }
  std::vector<double> moved(k), halfGap(k);
  // Moves the centres to the means of their points (empty ones stay) and
  // measures how far each moved.
  auto updateCentres = [&](auto roundValue) {
    previous = centres;
    double shift = 0;
    for (size_t c = 0; c < k; ++c) {
      if (counts[c] > 0)
        for (size_t t = 0; t < d; ++t)
          centres[c * d + t] = roundValue(sums[c * d + t] / counts[c]);
      const double squared = squaredDistanceInDouble(
          centres.data() + c * d, previous.data() + c * d, d);
      moved[c] = std::sqrt(squared);
      shift += squared;
    }
    for (size_t c = 0; c < k; ++c) {
      double gap = std::numeric_limits<double>::infinity();
      for (size_t other = 0; other < k; ++other) {
        if (other == c)
          continue;
        gap = std::min(gap,
                       squaredDistanceInDouble(centres.data() + c * d,
                                               centres.data() + other * d, d));
      }
      halfGap[c] = std::sqrt(gap) / 2;
    }
    return shift;
  };
  // The largest move, and the largest of a centre other than the largest
  // mover.
  auto largestMoves = [&](double &largest, double &second, size_t &mover) {
    largest = second = 0;
    mover = 0;
    for (size_t c = 0; c < k; ++c) {
      if (moved[c] > largest) {
        second = largest;
        largest = moved[c];
        mover = c;
      } else if (moved[c] > second) {
        second = moved[c];
      }
    }
  };

  // Dense rounds scan every point; leaving them makes the bounds exact.
  // With few centres, a scan of every point costs less than keeping the
  // bounds: every round is dense.
  const bool alwaysDense = k <= kDenseClusters && k * d <= kDenseWork;
  bool dense = alwaysDense;
  auto leaveDense = [&] {
    dense = false;
    upper.resize(m);
    lower.resize(m);
    for (size_t i = 0; i < m; ++i) {
      upper[i] = std::sqrt(double(found[i].first));
      lower[i] = std::sqrt(double(found[i].second));
    }
  };
  if (!dense)
    leaveDense();
  // Dense rounds end once fewer points than this changed cluster; it
  // halves whenever the bounds, once kept, failed to skip half the points.
  size_t leaveBelow = m / 16;
  for (unsigned round = 0; round < 300; ++round) {
    const bool scannedAll = dense;
    const double shift =
        updateCentres([](double value) { return float(value); });
    double largest, second;
    size_t mover;
    largestMoves(largest, second, mover);
    // The bounds pick the points that may have changed cluster; those are
    // scanned together, then moved in point order. When most points need a
    // scan anyway (few or overlapping clusters), every point is scanned
    // and the bounds are left stale until the rounds end or turn sparse:
    // either way each point takes the centre a full scan gives it.
    if (!dense) {
      pending.clear();
      for (size_t i = 0; i < m; ++i) {
        const size_t a = assignment[i];
        upper[i] += moved[a];
        lower[i] -= a == mover ? second : largest;
        const double bound = std::max(halfGap[a], lower[i]);
        if (upper[i] * kMargin < bound)
          continue;
        upper[i] = std::sqrt(
            double(squaredDistance(points.at(i), centres.data() + a * d, d)));
        if (upper[i] * kMargin < bound)
          continue;
        pending.push_back(uint32_t(i));
      }
    }
    scanPending();
    size_t changes = 0;
    for (size_t j = 0; j < pending.size(); ++j) {
      const size_t i = pending[j], a = assignment[i];
      const size_t now = found[j].best;
      assignment[i] = uint32_t(now);
      if (!dense) {
        upper[i] = std::sqrt(double(found[j].first));
        lower[i] = std::sqrt(double(found[j].second));
      }
      if (now == a)
        continue;
      ++changes;
      const double weight = points.exactWeights[i];
      counts[a] -= weight;
      counts[now] += weight;
      for (size_t t = 0; t < d; ++t) {
        const double value = weight * double(points.at(i)[t]);
        sums[a * d + t] -= value;
        sums[now * d + t] += value;
      }
    }
    if (dense && !alwaysDense && changes < leaveBelow)
      leaveDense();
    if (changes == 0 || shift <= tolerance)
      break;
    // (After a dense round every point is pending: only a round that kept
    // the bounds tells whether they pay.)
    if (!scannedAll && pending.size() > m / 2) {
      leaveBelow /= 2;
      dense = true;
      pending.resize(m);
      std::iota(pending.begin(), pending.end(), 0u);
    }
  }

  // Hartigan's single-point moves from Lloyd's fixed point: a point leaves
  // cluster a for b when that lowers the error with both means updated,
  // w n_b / (n_b + w) |x - c_b|^2 < w n_a / (n_a - w) |x - c_a|^2 (weaker
  // than being nearer to c_b, so each move escapes a Lloyd optimum).
  // Passes in point order, the means kept exact, until none moves.
  // (Always dense: the last scan gives the bounds.)
  if (dense && !alwaysDense)
    leaveDense();
  bool movedAny = false;
  if (hartiganPasses > 0) {
    CentreColumns columns(k, d);
    std::vector<float> distances(columns.padded);
    auto setMean = [&](size_t c) {
      if (counts[c] > 0)
        for (size_t t = 0; t < d; ++t)
          centres[c * d + t] = float(sums[c * d + t] / counts[c]);
      columns.set(c, centres.data() + c * d);
    };
    for (size_t c = 0; c < k; ++c)
      setMean(c);
    // Every join factor n_c / (n_c + w) is at least the smallest cluster's
    // (less a relative 1e-12, far above rounding), so a point whose
    // nearest other centre, at that factor, does not beat leaving cannot
    // move: most points are ruled out without the exact costs.
    double smallestCount = *std::min_element(counts.begin(), counts.end());
    // Between exact looks, a point keeps the distances to its own and to
    // its nearest other centre as they were, and `drift` sums, over the
    // moves since, the larger displacement of the two centres each moved:
    // no centre is nearer or farther by more than that since (Hamerly's
    // argument), so the test above holds on those bounds, with a relative
    // 1e-4 to spare for float distances, and most points are skipped
    // without computing a distance.
    std::vector<double> ownAt(m), otherAt(m);
    std::vector<double> driftAt(m, -std::numeric_limits<double>::infinity());
    double drift = 0;
    auto displacement = [&](size_t c, const float *before) {
      return std::sqrt(
          squaredDistanceInDouble(centres.data() + c * d, before, d));
    };
    std::vector<float> before(2 * d);
    for (unsigned pass = 0; pass < hartiganPasses; ++pass) {
      bool movedInPass = false;
      for (size_t i = 0; i < m; ++i) {
        const size_t a = assignment[i];
        const double weight = points.exactWeights[i];
        if (counts[a] <= weight)
          continue; // alone in its cluster
        const double leastJoinFactor =
            smallestCount / (smallestCount + weight) * (1 - 1e-12);
        const double leaveFactor = counts[a] / (counts[a] - weight);
        const double spread = drift - driftAt[i];
        if (spread < std::numeric_limits<double>::infinity()) {
          const double far = std::max(0.0, otherAt[i] * (1 - 1e-5) - spread);
          const double near = ownAt[i] * (1 + 1e-5) + spread;
          if (leastJoinFactor * far * far >=
              leaveFactor * near * near * (1 + 1e-4))
            continue;
        }
        // Up to kWidth centres, every distance costs one lane group, as
        // the nearest two do: they are taken first, for both tests.
        float own, other = std::numeric_limits<float>::infinity();
        if (k <= kWidth) {
          distancesToPoint(columns.columns.data(), columns.padded, d,
                           points.at(i), distances.data(), kWidth);
          own = distances[a];
          for (size_t c = 0; c < k; ++c)
            if (c != a)
              other = std::min(other, distances[c]);
        } else {
          const NearestTwo nearest = columns.findNearestTwo(points.at(i));
          own = nearest.best == a
                    ? nearest.first
                    : squaredDistance(points.at(i), centres.data() + a * d, d);
          other = nearest.best == a ? nearest.second : nearest.first;
        }
        ownAt[i] = std::sqrt(double(own));
        otherAt[i] = std::sqrt(double(other));
        driftAt[i] = drift;
        if (!(leastJoinFactor * double(other) * (1 + 1e-6) <
              leaveFactor * double(own)))
          continue;
        if (k > kWidth)
          distancesToPoint(columns.columns.data(), columns.padded, d,
                           points.at(i), distances.data(), columns.padded);
        const double leave =
            counts[a] / (counts[a] - weight) * double(distances[a]);
        double join = std::numeric_limits<double>::infinity();
        size_t target = a;
        for (size_t c = 0; c < k; ++c) {
          if (c == a)
            continue;
          const double cost =
              counts[c] / (counts[c] + weight) * double(distances[c]);
          if (cost < join) {
            join = cost;
            target = c;
          }
        }
        // A relative margin keeps float noise from moving points.
        if (target == a || !(join * (1 + 1e-6) < leave))
          continue;
        movedInPass = movedAny = true;
        counts[a] -= weight;
        counts[target] += weight;
        for (size_t t = 0; t < d; ++t) {
          const double value = weight * double(points.at(i)[t]);
          sums[a * d + t] -= value;
          sums[target * d + t] += value;
        }
        assignment[i] = uint32_t(target);
        std::copy(centres.begin() + a * d, centres.begin() + (a + 1) * d,
                  before.begin());
        std::copy(centres.begin() + target * d,
                  centres.begin() + (target + 1) * d, before.begin() + d);
        setMean(a);
        setMean(target);
        drift += std::max(displacement(a, before.data()),
                          displacement(target, before.data() + d));
        driftAt[i] = -std::numeric_limits<double>::infinity();
        smallestCount = *std::min_element(counts.begin(), counts.end());
      }
      if (!movedInPass)
        break;
    }
  }

  // The rows: the means of the final clusters, rounded as the LUT stores
  // them; the rounding is one more move for the bounds (kept by Lloyd;
  // after Hartigan's moves, each point's nearest two are found afresh).
  updateCentres(
      [format](double value) { return roundToFormat(value, format); });
  double largest, second;
  size_t mover;
  largestMoves(largest, second, mover);
  PlainKMeansRun run;
  run.rows = centres;
  std::vector<double> rows(centres.begin(), centres.end());
  if (movedAny) {
    pending.resize(m);
    std::iota(pending.begin(), pending.end(), 0u);
    scanPending();
  }
  for (size_t i = 0; i < m; ++i) {
    size_t a = assignment[i];
    double bound;
    if (movedAny) {
      a = found[i].best;
      bound = std::sqrt(double(found[i].second));
    } else {
      bound = (alwaysDense ? std::sqrt(double(found[i].second)) : lower[i]) -
              (a == mover ? second : largest);
    }
    bound = std::max(bound, halfGap[a]);
    double distance;
    const double own =
        squaredDistanceInDouble(exact.at(i), rows.data() + a * d, d);
    if (own * (kMargin * kMargin) < bound * bound) {
      distance = own;
      assignment[i] = uint32_t(a);
    } else {
      assignment[i] =
          uint32_t(findNearestRow(exact.at(i), rows.data(), k, d, &distance));
    }
    run.error += exact.weights[i] * distance;
  }
  run.assignment = std::move(assignment);
  return run;
}

/// Relative tolerances of the stopping rule: Lloyd stops once the centres'
/// total squared shift in a round is at most this times the points' mean
/// per-coordinate variance (scikit-learn's rule, which coremltools runs at
/// 1e-2). Runs on a whole small input or on a coreset go close to
/// convergence; the final run on all points of a large input starts near
/// an optimum and stops earlier.
constexpr double kRelativeTolerance = 1e-4;
constexpr double kFullRunTolerance = 1e-3;
/// The tolerance that screened seeds run to.
constexpr double kScreeningTolerance = 3e-2;

/// Work budgets (points x clusters x dimension, summed over passes) of
/// Hartigan's passes: on a whole small input or a coreset, and on all
/// points of a large input with 16 clusters or more (with fewer, the final
/// run is cheap next to scikit-learn's and stops at the tolerance).
constexpr double kHartiganWork = 0x1p24;
constexpr double kFullHartiganWork = 0x1p28;
constexpr unsigned kMaxHartiganPasses = 20;
/// At most this many of those passes on a large input clustered whole
/// (their last passes move few points, each costing a pass over all), and
/// on all points of a large input after its coreset (its start is already
/// a polished coreset optimum).
constexpr unsigned kMaxLargeWholeHartiganPasses = 8;
constexpr unsigned kMaxFullHartiganPasses = 4;

/// Least coreset size (at least 128 points per cluster too); inputs of
/// fewer than twice as many distinct points are clustered whole. Up to
/// kFewClusters clusters are placed as well from half as many draws.
constexpr size_t kCoresetSize = 16384;
constexpr size_t kFewClusters = 4;
/// Whole inputs up to this many distinct points (and little work) run 8
/// seeds to the end; larger ones screen theirs.
constexpr size_t kManySeedsSize = 8192;

/// The points' total weight, weighted mean and weighted variance of each
/// coordinate averaged over coordinates.
struct Moments {
  double total = 0, variance = 0;
  std::vector<double> mean;
};

/// Two passes over the rows: the mean, then the squared deviations.
Moments measureMoments(const DistinctVectors &points) {
  const size_t m = points.size(), d = points.dimension;
  double total = 0;
  std::vector<double> mean(d, 0), squared(d, 0);
  for (size_t i = 0; i < m; ++i) {
    const double weight = points.weights[i];
    const float *point = points.at(i);
    total += weight;
    for (size_t t = 0; t < d; ++t)
      mean[t] += weight * point[t];
  }
  for (double &value : mean)
    value /= total;
  for (size_t i = 0; i < m; ++i) {
    const double weight = points.weights[i];
    const float *point = points.at(i);
    for (size_t t = 0; t < d; ++t)
      squared[t] += weight * (point[t] - mean[t]) * (point[t] - mean[t]);
  }
  double variance = 0;
  for (size_t t = 0; t < d; ++t)
    variance += squared[t] / total;
  return {total, variance / double(d), std::move(mean)};
}

/// Plain k-means of the distinct points: several seeded runs (more on
/// small problems, where local optima differ most; in parallel through
/// `parallelFor`), keeping the lowest error (the lowest seed on ties), so
/// the result does not depend on threads.
PlainKMeansRun clusterPlain(const DistinctVectors &points, size_t k,
                            FloatFormat format,
                            const ParallelFor &parallelFor) {
  const size_t m = points.size(), d = points.dimension;
  const Moments moments = measureMoments(points);
  const double variance = moments.variance;
  const double tolerance = kRelativeTolerance * variance;
  auto hartiganPasses = [&](size_t count, double budget, unsigned most) {
    // Each point's distances run over whole lanes of centres.
    const double pass = double(count) * double(padToLanes(k)) * double(d);
    return unsigned(std::min(double(most), std::floor(budget / pass)));
  };
  // Seeded runs on `subset`; returns the best.
  auto bestOfSeeds = [&](const DistinctVectors &subset, bool whole) {
    const FloatPoints floats(subset);
    const double work = double(subset.size()) * double(k) * double(d);
    // Local optima differ most on small inputs and many clusters; on a
    // coreset, the final run on all points gains the rest.
    const bool small =
        whole && work <= 0x1p21 && subset.size() <= kManySeedsSize;
    const unsigned passes = hartiganPasses(
        subset.size(), kHartiganWork,
        whole && !small ? kMaxLargeWholeHartiganPasses : kMaxHartiganPasses);
    // Which seed wins is mostly settled in its first rounds, which are
    // cheap: `screened` seeds run a few rounds (to a loose tolerance,
    // without Hartigan's passes) and the best `seeds` of them go on
    // (lowest error, then lowest seed). Small inputs run 8 to the end (of
    // 16 with fewer than 16 clusters); large whole inputs and coresets for
    // few clusters run 1 of 4; other coresets 2 of 8, their local optima
    // differing more.
    unsigned seeds = 2, screened = 8;
    if (small) {
      seeds = 8;
      screened = k < 16 ? 16 : 8;
    } else if (whole || k <= kFewClusters) {
      seeds = 1;
      screened = 4;
    }
    std::vector<std::vector<float>> starts(screened);
    std::vector<double> screenedError(screened, 0);
    runTasks(parallelFor, screened, [&](size_t seed) {
      Random random(seed);
      starts[seed] = seedPlainCentres(floats, k, random);
      if (screened == seeds)
        return;
      PlainKMeansRun run =
          runPlainKMeans(floats, subset, std::move(starts[seed]),
                         kScreeningTolerance * variance, 0, format);
      starts[seed] = std::move(run.rows);
      screenedError[seed] = run.error;
    });
    std::vector<size_t> chosen(screened);
    std::iota(chosen.begin(), chosen.end(), size_t(0));
    std::stable_sort(chosen.begin(), chosen.end(), [&](size_t a, size_t b) {
      return screenedError[a] < screenedError[b];
    });
    std::vector<PlainKMeansRun> runs(seeds);
    runTasks(parallelFor, seeds, [&](size_t j) {
      runs[j] = runPlainKMeans(floats, subset, std::move(starts[chosen[j]]),
                               tolerance, passes, format);
    });
    size_t best = 0;
    for (size_t j = 1; j < seeds; ++j)
      if (runs[j].error < runs[best].error)
        best = j;
    return std::move(runs[best]);
  };
  // Large inputs: the seeds compete on a lightweight coreset (Bachem,
  // Lucic and Krause, 2018): points drawn with probability q_i, half
  // uniform by multiplicity and half by squared distance to the mean (so
  // that far points, which dominate heavy tails, are kept), each weighing
  // w_i / (draws q_i); the best solution there seeds one run on all points.
  // With 64 clusters or more, the coreset doubles: heavy tails' outlying
  // clusters need more of their points drawn.
  const size_t coresetSize =
      std::max<size_t>(k >= 64 ? 2 * kCoresetSize : kCoresetSize, 128 * k);
  if (m < 2 * coresetSize)
    return bestOfSeeds(points, /*whole=*/true);
  const size_t sampleSize = k <= kFewClusters
                                ? std::max<size_t>(kCoresetSize / 2, 128 * k)
                                : coresetSize;
  const std::vector<double> &mean = moments.mean;
  const double total = moments.total;
  std::vector<double> probability(m);
  double spread = 0;
  for (size_t i = 0; i < m; ++i) {
    probability[i] = points.weights[i] *
                     squaredDistanceInDouble(points.at(i), mean.data(), d);
    spread += probability[i];
  }
  std::vector<double> cumulative(m);
  double running = 0;
  for (size_t i = 0; i < m; ++i) {
    probability[i] = 0.5 * points.weights[i] / total +
                     (spread > 0 ? 0.5 * probability[i] / spread : 0.0);
    cumulative[i] = running += probability[i];
  }
  // Each draw takes the first point whose cumulative probability exceeds
  // a uniform target; the targets are sorted so that one walk finds them
  // all (every draw of a point adds the same weight: the order of the
  // draws does not matter).
  std::vector<double> targets(sampleSize);
  Random random(0x5A3D1E);
  for (double &target : targets)
    target = random.uniform() * running;
  std::sort(targets.begin(), targets.end());
  // The drawn points, in index order, each weighing the sum over its
  // draws.
  DistinctVectors sample;
  sample.dimension = d;
  size_t i = 0;
  for (size_t draw = 0; draw < sampleSize;) {
    while (i + 1 < m && cumulative[i] <= targets[draw])
      ++i;
    double drawnWeight = 0;
    for (; draw < sampleSize && (i + 1 == m || targets[draw] < cumulative[i]);
         ++draw)
      drawnWeight += points.weights[i] / (double(sampleSize) * probability[i]);
    sample.values.insert(sample.values.end(), points.at(i), points.at(i) + d);
    sample.weights.push_back(drawnWeight);
  }
  PlainKMeansRun start = bestOfSeeds(sample, /*whole=*/false);
  return runPlainKMeans(
      FloatPoints(points), points, std::move(start.rows),
      kFullRunTolerance * variance,
      k < 16 ? 0 : hartiganPasses(m, kFullHartiganWork, kMaxFullHartiganPasses),
      format);
}

/// The order of `hashes` ascending, equal hashes by `lessOnTie`: a
/// counting sort on the top bits (about one hash per bucket), then an
/// insertion sort that moves hashes only within their bucket.
template <typename Less>
std::vector<uint32_t> sortByHash(const std::vector<uint64_t> &hashes,
                                 Less lessOnTie) {
  const size_t count = hashes.size();
  unsigned bits = 1;
  while (bits < 20 && size_t(1) << bits < count)
    ++bits;
  const unsigned shift = 64 - bits;
  std::vector<uint32_t> offsets(size_t(1) << bits, 0), order(count);
  for (uint64_t hash : hashes)
    ++offsets[hash >> shift];
  uint32_t running = 0;
  for (uint32_t &offset : offsets)
    running += std::exchange(offset, running);
  for (size_t i = 0; i < count; ++i)
    order[offsets[hashes[i] >> shift]++] = uint32_t(i);
  auto less = [&](uint32_t a, uint32_t b) {
    return hashes[a] != hashes[b] ? hashes[a] < hashes[b] : lessOnTie(a, b);
  };
  for (size_t i = 1; i < count; ++i) {
    const uint32_t value = order[i];
    const uint64_t top = hashes[value] >> shift;
    size_t j = i;
    for (; j > 0 && hashes[order[j - 1]] >> shift == top &&
           less(value, order[j - 1]);
         --j)
      order[j] = order[j - 1];
    order[j] = value;
  }
  return order;
}

/// The distinct keys of `count` keys of `width` words (at keys + i *
/// width): the input as distinct points (each key's first `dimension`
/// words are its coordinates' float bits) with multiplicities, and the
/// first input of each in `firstOf`. An open-addressing table holds, per
/// distinct key, its hash's high half and its point; slots are prefetched
/// a batch ahead, since on large inputs nearly every probe misses the
/// cache. The points are then put in the order of their keys' hashes
/// (equal hashes: of the keys), which depends on the keys only: the
/// clustering sees the multiset of vectors, not their order.
DistinctVectors findDistinctVectors(const uint32_t *keys, size_t width,
                                    size_t count, size_t dimension,
                                    std::vector<uint32_t> &firstOf) {
  std::vector<uint32_t> ofInput(count), firstSeen, multiplicity;
  std::vector<uint64_t> hashOf;
  size_t slots = 16;
  while (slots < 2 * count)
    slots *= 2;
  const size_t mask = slots - 1;
  std::vector<uint64_t> table(slots, 0); // hash >> 32 << 32 | point + 1
  firstSeen.reserve(count);
  hashOf.reserve(count);
  multiplicity.reserve(count);
  auto hash = [&](size_t i) {
    const uint32_t *key = keys + i * width;
    uint64_t value = 0x9E3779B97F4A7C15ull;
    for (size_t t = 0; t < width; ++t) {
      value = (value ^ key[t]) * 0xBF58476D1CE4E5B9ull;
      value ^= value >> 31;
    }
    return value;
  };
  auto keyOf = [&](size_t i) { return keys + i * width; };
  constexpr size_t kBatch = 32;
  uint64_t hashes[kBatch];
  for (size_t start = 0; start < count; start += kBatch) {
    const size_t batch = std::min(kBatch, count - start);
    for (size_t j = 0; j < batch; ++j) {
      hashes[j] = hash(start + j);
      __builtin_prefetch(&table[hashes[j] & mask]);
    }
    for (size_t j = 0; j < batch; ++j) {
      const size_t i = start + j;
      const uint64_t tag = hashes[j] >> 32 << 32;
      size_t slot = hashes[j] & mask;
      uint32_t point = 0;
      for (;; slot = (slot + 1) & mask) {
        const uint64_t entry = table[slot];
        if (entry == 0) {
          point = uint32_t(firstSeen.size());
          table[slot] = tag | (uint64_t(point) + 1);
          firstSeen.push_back(uint32_t(i));
          hashOf.push_back(hashes[j]);
          multiplicity.push_back(0);
          break;
        }
        point = uint32_t(entry) - 1;
        if ((entry >> 32 << 32) == tag &&
            std::equal(keyOf(i), keyOf(i) + width, keyOf(firstSeen[point])))
          break;
      }
      ++multiplicity[point];
      ofInput[i] = point;
    }
  }
  table = {};

  const size_t m = firstSeen.size();
  // Equal hashes (rare) are ordered by their keys.
  const std::vector<uint32_t> order =
      sortByHash(hashOf, [&](uint32_t a, uint32_t b) {
        return std::lexicographical_compare(
            keyOf(firstSeen[a]), keyOf(firstSeen[a]) + width,
            keyOf(firstSeen[b]), keyOf(firstSeen[b]) + width);
      });
  DistinctVectors points;
  points.dimension = dimension;
  points.values.resize(m * dimension);
  points.weights.resize(m);
  firstOf.resize(m);
  std::vector<uint32_t> rank(m);
  for (size_t r = 0; r < m; ++r) {
    const uint32_t point = order[r];
    rank[point] = uint32_t(r);
    firstOf[r] = firstSeen[point];
    points.weights[r] = multiplicity[point];
    for (size_t t = 0; t < dimension; ++t)
      points.values[r * dimension + t] =
          bitsToFloat(keyOf(firstSeen[point])[t]);
  }
  for (uint32_t &point : ofInput)
    point = rank[point];
  points.ofInput = std::move(ofInput);
  return points;
}

/// The order of the points' vectors, lexicographic in the order of their
/// coordinates' values (-0 before +0): the LUT order when every distinct
/// vector has its own row.
std::vector<uint32_t> sortLexicographically(const DistinctVectors &points) {
  const size_t d = points.dimension;
  std::vector<uint32_t> order(points.size());
  std::iota(order.begin(), order.end(), 0u);
  auto key = [&](uint32_t i, size_t t) {
    return orderedKey32(floatToBits(float(points.at(i)[t])));
  };
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    for (size_t t = 0; t < d; ++t)
      if (key(a, t) != key(b, t))
        return key(a, t) < key(b, t);
    return false;
  });
  return order;
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
  // A 16-bit format converts each of its patterns once, through a table
  // (unless the tensor has few values).
  std::vector<float> halfTable;
  if (width == 2 && vectorCount * d >= size_t(1) << 16) {
    halfTable.resize(1 << 16);
    for (uint32_t pattern = 0; pattern < 1 << 16; ++pattern)
      halfTable[pattern] = narrowToFloat(uint16_t(pattern), format);
  }
  // Fills the keys from `valueAt(element)`; false on a non-finite value.
  auto fillKeys = [&](auto valueAt) {
    constexpr uint32_t kExponent = 0x7F800000;
    bool finite = true;
    size_t v = 0;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t b = 0; b < blocks; ++b)
        for (int64_t i = 0; i < inner; ++i, ++v) {
          const size_t first =
              size_t((o * channels + b * vectorSize) * inner + i);
          const size_t stride = size_t(inner);
          uint32_t *key = bits.data() + v * keyWidth;
          for (size_t t = 0; t < d; ++t) {
            key[t] = floatToBits(valueAt(first + t * stride));
            finite &= (key[t] & kExponent) != kExponent;
          }
          if (importance)
            for (size_t t = 0; t < d; ++t)
              key[d + t] = floatToBits(float(importance[first + t * stride]));
        }
    return finite;
  };
  auto readFloat = [&](size_t element) {
    float value;
    std::memcpy(&value, bytes + element * 4, 4);
    return value;
  };
  auto readPattern = [&](size_t element) {
    uint16_t pattern;
    std::memcpy(&pattern, bytes + element * 2, 2);
    return pattern;
  };
  bool finite;
  if (format == FloatFormat::F32)
    finite = fillKeys(readFloat);
  else if (!halfTable.empty())
    finite = fillKeys(
        [&](size_t element) { return halfTable[readPattern(element)]; });
  else
    finite = fillKeys([&](size_t element) {
      return narrowToFloat(readPattern(element), format);
    });
  if (!finite) {
    result.status = LutStatus::NonFiniteValues;
    return result;
  }

  // Distinct vectors (with their importances), in hash order.
  std::vector<uint32_t> firstOf;
  DistinctVectors points =
      findDistinctVectors(bits.data(), keyWidth, vectorCount, d, firstOf);
  if (importance) {
    // The copies of a point share its importances: it weighs their sum.
    points.coordinateWeights.resize(points.size() * d);
    for (size_t p = 0; p < points.size(); ++p)
      for (size_t t = 0; t < d; ++t)
        points.coordinateWeights[p * d + t] =
            points.weights[p] *
            double(bitsToFloat(bits[size_t(firstOf[p]) * keyWidth + d + t]));
  }
  const size_t m = points.size();

  std::vector<float> rows; // used LUT rows, d values each
  bool ownRows = true;     // every distinct vector has its own row
  std::vector<uint32_t> plainAssignment; // of each distinct vector
  if (config.mode == LutMode::Unique) {
    result.layout.indexBitWidth = getSmallestBitWidthFor(m);
    if (result.layout.indexBitWidth == 0) {
      result.status = LutStatus::TooManyDistinctValues;
      return result;
    }
  } else {
    result.layout.indexBitWidth = config.nbits;
    const size_t k = std::min(m, size_t(1) << config.nbits);
    ownRows = k == m;
    if (!ownRows && importance) {
      // Up to three seeds on small problems, one on large ones.
      const unsigned seeds =
          double(m) * double(k) * double(d) <= 1 << 24 ? 3 : 1;
      double bestError = std::numeric_limits<double>::infinity();
      std::vector<double> centres;
      for (unsigned seed = 0; seed < seeds; ++seed) {
        Random random(seed);
        std::vector<double> candidate = seedWeightedCentres(points, k, random);
        const double error = weightedLloyd(points, candidate);
        if (error < bestError) {
          bestError = error;
          centres = std::move(candidate);
        }
      }
      for (double value : centres)
        rows.push_back(roundToFormat(value, format));
    } else if (!ownRows) {
      PlainKMeansRun run =
          clusterPlain(points, k, format, config.kmeans.parallelFor);
      rows = std::move(run.rows);
      plainAssignment = std::move(run.assignment);
    }
  }

  // When every distinct vector has its own row, the rows are in
  // lexicographic order. Otherwise each vector takes its nearest row (as
  // stored, rounded), lower on ties; a vector equal to a row takes that row
  // exactly. Plain k-means has assigned them already.
  std::vector<uint8_t> indexOfDistinct(m);
  if (ownRows) {
    const std::vector<uint32_t> order = sortLexicographically(points);
    for (size_t r = 0; r < m; ++r) {
      for (size_t t = 0; t < d; ++t)
        rows.push_back(float(points.at(order[r])[t]));
      indexOfDistinct[order[r]] = uint8_t(r);
    }
  } else {
    const size_t used = rows.size() / d;
    for (size_t i = 0; i < m; ++i)
      indexOfDistinct[i] = uint8_t(
          !plainAssignment.empty() ? plainAssignment[i]
          : importance
              ? findNearestWeightedRow(points.at(i), points.weightsAt(i),
                                       rows.data(), used, d)
              : findNearestRow(points.at(i), rows.data(), used, d));
  }
  result.indices.resize(vectorCount);
  for (size_t i = 0; i < vectorCount; ++i)
    result.indices[i] = indexOfDistinct[points.ofInput[i]];
  result.entries.assign((size_t(1) << result.layout.indexBitWidth) * d, 0.0f);
  std::copy(rows.begin(), rows.end(), result.entries.begin());
  return result;
}
