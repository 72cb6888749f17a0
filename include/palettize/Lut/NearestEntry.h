//===- NearestEntry.h - Map values to their nearest LUT entry ---*- C++ -*-===//
//
// The one rule every palettized index follows: an element takes the entry
// of its palette nearest to it (a vector, the row at the least squared
// distance), the lowest index among equally near ones. The builders, the
// 8-bit LUT reassignment and the checks all go through these functions.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LUT_NEARESTENTRY_H
#define PALETTIZE_LUT_NEARESTENTRY_H

#include "palettize/Lut/LutBuilder.h"
#include "palettize/Lut/LutLayout.h"

#include "llvm/ADT/ArrayRef.h"

#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace palettize {

/// Returns the index of the entry of `entries` (non-decreasing) nearest to
/// `value`, the lowest among equally near ones. The search starts at
/// `start` and walks towards the answer (|value - entry| is unimodal over
/// non-decreasing entries), so a close guess makes it O(1).
inline size_t findNearestEntry(double value, llvm::ArrayRef<float> entries,
                               size_t start = 0) {
  assert(!entries.empty() && start < entries.size() && "no entry to choose");
  auto distance = [&](size_t entry) {
    return std::fabs(value - double(entries[entry]));
  };
  // Walk right through anything no farther, then left to the lowest of the
  // nearest.
  size_t entry = start;
  const size_t last = entries.size() - 1;
  while (entry < last && distance(entry + 1) <= distance(entry))
    ++entry;
  while (entry > 0 && distance(entry - 1) <= distance(entry))
    --entry;
  return entry;
}

/// The step of an ascending sweep: returns the index of the entry of
/// `entries` (non-decreasing) nearest to `value`, at or after `current`,
/// when `value` is at least the value that chose `current`. It moves on
/// only to a strictly nearer entry, so equally near ones keep the lower
/// index, and the sweep's indices never decrease. Distances are computed in
/// double, which can round two different distances to one (a value of 1e-3
/// against entries of 1e-38 and 1e-40): findNearestEntry's walk back then
/// takes the lowest of them, which an ascending sweep must not.
inline size_t advanceToNearestEntry(double value, llvm::ArrayRef<float> entries,
                                    size_t current) {
  assert(current < entries.size() && "no entry to choose");
  while (true) {
    size_t next = current + 1;
    while (next < entries.size() && entries[next] == entries[current])
      ++next;
    if (next >= entries.size() ||
        !(std::fabs(double(entries[next]) - value) <
          std::fabs(value - double(entries[current]))))
      return current;
    current = next;
  }
}

/// Returns the row of `rows` (`rowCount` rows of `d` values, row-major)
/// at the least squared distance from `point` (d values), the lowest index
/// on ties; stores that distance in `*distance` when given. Distances are
/// computed in double.
template <typename Point, typename Row>
size_t findNearestRow(const Point *point, const Row *rows, size_t rowCount,
                      size_t d, double *distance = nullptr) {
  size_t best = 0;
  double bestDistance = std::numeric_limits<double>::infinity();
  for (size_t row = 0; row < rowCount; ++row) {
    double current = 0;
    for (size_t t = 0; t < d; ++t) {
      const double difference = double(point[t]) - double(rows[row * d + t]);
      current += difference * difference;
    }
    if (current < bestDistance) {
      bestDistance = current;
      best = row;
    }
  }
  if (distance)
    *distance = bestDistance;
  return best;
}

/// Returns the row of `rows` nearest to `point` under the distance weighted
/// per coordinate by `weights` (d non-negative values), ties broken by the
/// plain distance, then the lowest index.
template <typename Point, typename Row>
size_t findNearestWeightedRow(const Point *point, const double *weights,
                              const Row *rows, size_t rowCount, size_t d) {
  size_t best = 0;
  double bestWeighted = std::numeric_limits<double>::infinity();
  double bestPlain = bestWeighted;
  for (size_t row = 0; row < rowCount; ++row) {
    double weighted = 0, plain = 0;
    for (size_t t = 0; t < d; ++t) {
      const double difference = double(point[t]) - double(rows[row * d + t]);
      weighted += weights[t] * difference * difference;
      plain += difference * difference;
    }
    if (weighted < bestWeighted ||
        (weighted == bestWeighted && plain < bestPlain)) {
      bestWeighted = weighted;
      bestPlain = plain;
      best = row;
    }
  }
  return best;
}

/// Moves each index to the nearest entry (row) of its palette, for a LUT
/// whose entries moved a little (an 8-bit LUT's dequantized values).
/// `indices` are those of `tensor` in `layout` (one per element, or per
/// vector), `entries` the LUT's layout.getLutElementCount() values. Each
/// palette is searched over the rows its indices use (a prefix, as the
/// builders make them), so unused rows stay unused; scalar palettes must
/// be non-decreasing over those rows, and the search starts from the
/// current index. With `importance`, vectors take the nearest row under the
/// importance-weighted distance (findNearestWeightedRow); scalars are not
/// affected by it.
void reassignToNearest(const TensorView &tensor, const LutLayout &layout,
                       llvm::ArrayRef<float> entries,
                       llvm::MutableArrayRef<uint8_t> indices,
                       ImportanceView importance = {});

} // namespace palettize

#endif // PALETTIZE_LUT_NEARESTENTRY_H
