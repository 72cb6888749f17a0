//===- VectorLut.cpp - Vector palettization -------------------------------===//
//
// k-means (or unique) over vectors of consecutive elements along one axis.
// Cost: O(n log n) to dedupe, then O(iterations * m * k * d) for m distinct
// vectors of d values and k clusters.
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
  /// For each input vector, the index of its distinct vector.
  std::vector<uint32_t> ofInput;
  size_t size() const { return weights.size(); }
  const double *at(size_t i) const { return values.data() + i * dimension; }
};

double squaredDistance(const double *a, const double *b, size_t d) {
  double total = 0;
  for (size_t t = 0; t < d; ++t)
    total += (a[t] - b[t]) * (a[t] - b[t]);
  return total;
}

/// Greedy k-means++ seeding (scikit-learn's: 2 + ln k candidates per centre,
/// keeping the one that lowers the potential most), weighted by multiplicity.
std::vector<double> seedCentres(const DistinctVectors &points, size_t k,
                                Random &random) {
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
  std::partial_sum(points.weights.begin(), points.weights.end(),
                   cumulative.begin());
  size_t first = std::min(pick(cumulative), m - 1);
  centres.assign(points.at(first), points.at(first) + d);
  for (size_t i = 0; i < m; ++i)
    closest[i] = squaredDistance(points.at(i), points.at(first), d);
  while (centres.size() / d < k) {
    double running = 0;
    for (size_t i = 0; i < m; ++i)
      cumulative[i] = running += points.weights[i] * closest[i];
    if (running == 0)
      break; // every point sits on a centre
    size_t bestCandidate = 0;
    double bestPotential = std::numeric_limits<double>::infinity();
    for (size_t trial = 0; trial < trials; ++trial) {
      const size_t candidate = std::min(pick(cumulative), m - 1);
      double potential = 0;
      for (size_t i = 0; i < m; ++i)
        potential +=
            points.weights[i] *
            std::min(closest[i],
                     squaredDistance(points.at(i), points.at(candidate), d));
      if (potential < bestPotential) {
        bestPotential = potential;
        bestCandidate = candidate;
      }
    }
    centres.insert(centres.end(), points.at(bestCandidate),
                   points.at(bestCandidate) + d);
    for (size_t i = 0; i < m; ++i)
      closest[i] =
          std::min(closest[i],
                   squaredDistance(points.at(i), points.at(bestCandidate), d));
  }
  return centres;
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

  std::vector<double> halfGap(k), moved(k), sums(k * d), weights(k);
  for (unsigned round = 0; round < 300; ++round) {
    // New centres from the current assignment.
    std::fill(sums.begin(), sums.end(), 0);
    std::fill(weights.begin(), weights.end(), 0);
    for (size_t i = 0; i < m; ++i) {
      weights[assignment[i]] += points.weights[i];
      for (size_t t = 0; t < d; ++t)
        sums[assignment[i] * d + t] += points.weights[i] * points.at(i)[t];
    }
    double largestMove = 0, secondMove = 0;
    size_t largestMover = 0;
    for (size_t c = 0; c < k; ++c) {
      double move = 0;
      if (weights[c] > 0) {
        std::vector<double> previous(centres.begin() + c * d,
                                     centres.begin() + (c + 1) * d);
        for (size_t t = 0; t < d; ++t)
          centres[c * d + t] = sums[c * d + t] / weights[c];
        move = std::sqrt(
            squaredDistance(previous.data(), centres.data() + c * d, d));
      }
      moved[c] = move;
      if (move > largestMove) {
        secondMove = largestMove;
        largestMove = move;
        largestMover = c;
      } else if (move > secondMove) {
        secondMove = move;
      }
    }
    for (size_t c = 0; c < k; ++c) {
      double gap = std::numeric_limits<double>::infinity();
      for (size_t other = 0; other < k; ++other)
        if (other != c)
          gap = std::min(gap, squaredDistance(centres.data() + c * d,
                                              centres.data() + other * d, d));
      halfGap[c] = std::sqrt(gap) / 2;
    }

    bool changed = false;
    for (size_t i = 0; i < m; ++i) {
      const size_t a = assignment[i];
      upper[i] += moved[a];
      lower[i] -= a == largestMover ? secondMove : largestMove;
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
                                            unsigned axis, int64_t vectorSize) {
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

  // The vectors, in index-grid order, as raw bits for exact deduplication.
  const unsigned width = getByteWidth(format);
  const char *bytes = static_cast<const char *>(tensor.data);
  std::vector<uint32_t> bits(vectorCount * d);
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
          bits[v * d + t] = orderedKey32(floatToBits(value));
        }

  // Distinct vectors in lexicographic value order.
  std::vector<uint32_t> order(vectorCount);
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](uint32_t a) { return bits.data() + size_t(a) * d; };
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return std::lexicographical_compare(key(a), key(a) + d, key(b), key(b) + d);
  });
  DistinctVectors points;
  points.dimension = d;
  points.ofInput.resize(vectorCount);
  for (size_t r = 0; r < vectorCount; ++r) {
    const uint32_t current = order[r];
    if (r == 0 ||
        !std::equal(key(order[r - 1]), key(order[r - 1]) + d, key(current))) {
      for (size_t t = 0; t < d; ++t)
        points.values.push_back(bitsToFloat(keyToBits32(key(current)[t])));
      points.weights.push_back(0);
    }
    points.weights.back() += 1;
    points.ofInput[current] = uint32_t(points.size() - 1);
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
        std::vector<double> candidate = seedCentres(points, k, random);
        const double error = lloyd(points, candidate);
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
        used == m ? i : findNearestRow(points.at(i), rows.data(), used, d));
  result.indices.resize(vectorCount);
  for (size_t i = 0; i < vectorCount; ++i)
    result.indices[i] = indexOfDistinct[points.ofInput[i]];
  result.entries.assign((size_t(1) << result.layout.indexBitWidth) * d, 0.0f);
  std::copy(rows.begin(), rows.end(), result.entries.begin());
  return result;
}
