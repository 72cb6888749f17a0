//===- IndexAssignment.cpp - Map values to their nearest LUT entry -------===//
//
// Nearest-entry search (NearestEntry.h) and the ways the builders apply it
// at scale: a merge walk over sorted distinct values, and, for f32, a
// threshold table over ordered keys resolving almost every element with one
// lookup.
//
//===----------------------------------------------------------------------===//

#include "LutBuilders.h"
#include "palettize/Lut/FloatFormats.h"
#include "palettize/Lut/NearestEntry.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

using namespace palettize;

std::vector<uint64_t>
palettize::detail::getThresholds(llvm::ArrayRef<float> entries) {
  const size_t k = entries.size();
  std::vector<uint64_t> thresholds(k ? k - 1 : 0, kNeverKey);
  uint64_t next = kNeverKey;
  for (size_t e = k; e-- > 1;) {
    if (entries[e] == entries[e - 1]) {
      thresholds[e - 1] = next;
      continue;
    }
    const double midpoint = (double(entries[e - 1]) + double(entries[e])) / 2;
    float above = float(midpoint);
    if (double(above) <= midpoint)
      above = std::nextafter(above, std::numeric_limits<float>::infinity());
    next = orderedKey32(floatToBits(above));
    thresholds[e - 1] = next;
  }
  return thresholds;
}

void palettize::detail::assignByThresholds(
    llvm::ArrayRef<float> values, const std::vector<uint64_t> &thresholds,
    std::vector<uint8_t> &indices) {
  constexpr uint16_t kAmbiguous = 0xFFFF;
  std::vector<uint16_t> indexByBucket(65536);
  size_t below = 0; // thresholds <= the bucket's first key
  for (uint64_t bucket = 0; bucket < 65536; ++bucket) {
    const uint64_t first = bucket << 16, last = first | 0xFFFF;
    while (below < thresholds.size() && thresholds[below] <= first)
      ++below;
    const bool straddles =
        below < thresholds.size() && thresholds[below] <= last;
    indexByBucket[bucket] = straddles ? kAmbiguous : uint16_t(below);
  }
  // Indexed by the raw top 16 bits, so that only ambiguous elements need
  // their key.
  std::vector<uint16_t> indexByTop(65536);
  for (uint32_t top = 0; top < 65536; ++top)
    indexByTop[top] =
        indexByBucket[top & 0x8000 ? ~top & 0xFFFF : top | 0x8000];
  indices.resize(values.size());
  const uint16_t *lookup = indexByTop.data();
  uint8_t *target = indices.data();
  for (size_t i = 0; i < values.size(); ++i) {
    const uint32_t bits = floatToBits(values[i]);
    uint16_t index = lookup[bits >> 16];
    if (index == kAmbiguous)
      index = uint16_t(std::upper_bound(thresholds.begin(), thresholds.end(),
                                        uint64_t(orderedKey32(bits))) -
                       thresholds.begin());
    target[i] = uint8_t(index);
  }
}

void palettize::reassignToNearest(const TensorView &tensor,
                                  const LutLayout &layout,
                                  llvm::ArrayRef<float> entries,
                                  llvm::MutableArrayRef<uint8_t> indices,
                                  ImportanceView importance) {
  assert(int64_t(indices.size()) == layout.getIndexCount() &&
         int64_t(entries.size()) == layout.getLutElementCount() &&
         "indices and entries must match the layout");
  const size_t d = size_t(layout.vectorSize);
  const size_t paletteSize = size_t(layout.getPaletteSize());
  const int64_t vectorStride = layout.getVectorStride();
  // The rows each palette's indices use: a prefix.
  std::vector<size_t> used(size_t(layout.getGroupCount()), 0);
  layout.forEachIndex([&](int64_t i, int64_t group, int64_t) {
    size_t &count = used[size_t(group)];
    count = std::max(count, size_t(indices[i]) + 1);
  });
  std::vector<double> point(d), weights(d);
  layout.forEachIndex([&](int64_t i, int64_t group, int64_t offset) {
    const float *palette = entries.data() + size_t(group) * paletteSize * d;
    if (d == 1) {
      const double value = readFloat(tensor.data, tensor.format, offset);
      indices[i] = uint8_t(findNearestEntry(
          value, llvm::ArrayRef<float>(palette, used[size_t(group)]),
          indices[i]));
      return;
    }
    for (size_t t = 0; t < d; ++t)
      point[t] = readFloat(tensor.data, tensor.format,
                           offset + int64_t(t) * vectorStride);
    if (importance) {
      for (size_t t = 0; t < d; ++t)
        weights[t] = importance[size_t(offset + int64_t(t) * vectorStride)];
      indices[i] = uint8_t(findNearestWeightedRow(
          point.data(), weights.data(), palette, used[size_t(group)], d));
      return;
    }
    indices[i] =
        uint8_t(findNearestRow(point.data(), palette, used[size_t(group)], d));
  });
}
