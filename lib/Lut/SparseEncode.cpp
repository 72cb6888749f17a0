//===- SparseEncode.cpp - Palettize the non-zeros of a pruned tensor ------===//

#include "palettize/Lut/SparseEncode.h"
#include "palettize/Lut/BitPacking.h"
#include "palettize/Lut/SparseDecode.h"

#include <cassert>
#include <cstring>

using namespace palettize;

static bool testBit(llvm::ArrayRef<uint8_t> mask, uint64_t i) {
  return (mask[i / 8] >> (i % 8)) & 1;
}

/// Returns true if element `i` of `data` is +0.0 or -0.0.
static bool isZero(const void *data, unsigned width, int64_t i) {
  const auto *bytes = static_cast<const uint8_t *>(data) + i * width;
  if (width == 2) {
    uint16_t bits;
    std::memcpy(&bits, bytes, 2);
    return (bits & 0x7FFF) == 0; // f16 and bf16 alike
  }
  uint32_t bits;
  std::memcpy(&bits, bytes, 4);
  return (bits & 0x7FFFFFFF) == 0;
}

std::vector<uint8_t> palettize::markNonzeroPoints(const void *data,
                                                  FloatFormat format,
                                                  const LutLayout &grid) {
  const unsigned width = getByteWidth(format);
  const int64_t stride = grid.getVectorStride();
  std::vector<uint8_t> mask(getMaskByteCount(grid.getIndexCount()), 0);
  grid.forEachIndex([&](int64_t i, int64_t, int64_t offset) {
    for (int64_t t = 0; t < grid.vectorSize; ++t)
      if (!isZero(data, width, offset + t * stride)) {
        mask[i / 8] |= uint8_t(1u << (i % 8));
        return;
      }
  });
  return mask;
}

MaskedPoints palettize::gatherMaskedPoints(const void *data, FloatFormat format,
                                           const LutLayout &grid,
                                           llvm::ArrayRef<uint8_t> mask,
                                           ImportanceView importance) {
  const unsigned width = getByteWidth(format);
  const int64_t groups = grid.getGroupCount();
  const int64_t vectorSize = grid.vectorSize;
  const int64_t stride = grid.getVectorStride();
  MaskedPoints points;
  // Count the points of each group, then place them.
  points.groupOffsets.assign(groups + 1, 0);
  grid.forEachIndex([&](int64_t i, int64_t group, int64_t) {
    if (testBit(mask, i))
      ++points.groupOffsets[group + 1];
  });
  for (int64_t g = 0; g < groups; ++g)
    points.groupOffsets[g + 1] += points.groupOffsets[g];
  const int64_t count = points.getPointCount();
  points.values.resize(size_t(count * vectorSize) * width);
  if (importance)
    points.importance.resize(size_t(count * vectorSize));
  std::vector<int64_t> next(points.groupOffsets.begin(),
                            points.groupOffsets.end() - 1);
  const auto *in = static_cast<const char *>(data);
  grid.forEachIndex([&](int64_t i, int64_t group, int64_t offset) {
    if (!testBit(mask, i))
      return;
    const int64_t point = next[group]++;
    for (int64_t t = 0; t < vectorSize; ++t) {
      const int64_t element = offset + t * stride;
      const size_t slot = size_t(point * vectorSize + t);
      std::memcpy(points.values.data() + slot * width, in + element * width,
                  width);
      if (importance)
        points.importance[slot] = float(importance[size_t(element)]);
    }
  });
  return points;
}

std::vector<uint8_t> palettize::orderIndicesByGrid(
    const LutLayout &grid, llvm::ArrayRef<uint8_t> mask,
    const MaskedPoints &points, llvm::ArrayRef<uint8_t> groupMajor) {
  assert(int64_t(groupMajor.size()) == points.getPointCount() &&
         "one index per gathered point");
  std::vector<uint8_t> ordered;
  ordered.reserve(groupMajor.size());
  std::vector<int64_t> next(points.groupOffsets.begin(),
                            points.groupOffsets.end() - 1);
  grid.forEachIndex([&](int64_t i, int64_t group, int64_t) {
    if (testBit(mask, i))
      ordered.push_back(groupMajor[next[group]++]);
  });
  return ordered;
}

uint64_t palettize::getSparseIndexBytes(uint64_t points, uint64_t stored,
                                        unsigned nbits) {
  return getMaskByteCount(points) + getPackedIndicesByteCount(stored, nbits);
}
