//===- SparseDecode.cpp - Core ML's sparse constexpr ops ------------------===//

#include "palettize/Lut/SparseDecode.h"
#include "palettize/Lut/BitPacking.h"
#include "palettize/Lut/LutDecode.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <vector>

using namespace palettize;

static bool testBit(llvm::ArrayRef<uint8_t> mask, uint64_t i) {
  return (mask[i / 8] >> (i % 8)) & 1;
}

uint64_t palettize::countMaskBits(llvm::ArrayRef<uint8_t> mask,
                                  uint64_t count) {
  uint64_t bits = 0;
  for (uint64_t byte = 0; byte < count / 8; ++byte)
    bits += __builtin_popcount(mask[byte]);
  // The padding bits of the last byte do not count.
  if (uint64_t tail = count % 8)
    bits += __builtin_popcount(mask[count / 8] & ((1u << tail) - 1));
  return bits;
}

void palettize::scatterMasked(llvm::ArrayRef<uint8_t> mask, uint64_t count,
                              const void *values, unsigned elementBits,
                              void *result) {
  auto *out = static_cast<uint8_t *>(result);
  const auto *in = static_cast<const uint8_t *>(values);
  if (elementBits == 4) {
    std::memset(out, 0, (count + 1) / 2);
    for (uint64_t i = 0, next = 0; i < count; ++i) {
      if (!testBit(mask, i))
        continue;
      const unsigned nibble = (in[next / 2] >> (4 * (next % 2))) & 0xF;
      out[i / 2] |= uint8_t(nibble << (4 * (i % 2)));
      ++next;
    }
    return;
  }
  assert(elementBits % 8 == 0 && "4-bit or whole-byte elements");
  const unsigned bytes = elementBits / 8;
  std::memset(out, 0, count * bytes);
  for (uint64_t i = 0, next = 0; i < count; ++i)
    if (testBit(mask, i))
      std::memcpy(out + i * bytes, in + next++ * bytes, bytes);
}

/// Calls `visit(i, g)` for every element of the tensor `layout` decodes, in
/// row-major order: `i` its position, `g` that of its index in the grid.
template <typename Visit>
static void forEachElement(const LutLayout &layout, Visit visit) {
  const int64_t rank = layout.resultShape.size();
  const int64_t count = layout.getElementCount();
  if (count == 0)
    return;
  std::vector<int64_t> gridShape = layout.resultShape;
  const bool vectors = layout.vectorSize > 1;
  if (vectors)
    gridShape[layout.vectorAxis] /= layout.vectorSize;
  std::vector<int64_t> gridStride(rank);
  for (int64_t d = rank - 1, stride = 1; d >= 0; --d) {
    gridStride[d] = stride;
    stride *= gridShape[d];
  }
  std::vector<int64_t> position(rank, 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t grid = 0;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t coordinate = position[d];
      if (vectors && d == layout.vectorAxis)
        coordinate /= layout.vectorSize;
      grid += coordinate * gridStride[d];
    }
    visit(i, grid);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++position[d] < layout.resultShape[d])
        break;
      position[d] = 0;
    }
  }
}

void palettize::expandMask(const LutLayout &layout,
                           llvm::ArrayRef<uint8_t> gridMask,
                           llvm::MutableArrayRef<uint8_t> result) {
  std::fill(result.begin(), result.end(), 0);
  forEachElement(layout, [&](int64_t i, int64_t grid) {
    if (testBit(gridMask, grid))
      result[i / 8] |= uint8_t(1u << (i % 8));
  });
}

void palettize::decodeLutToSparse(const LutLayout &layout,
                                  llvm::ArrayRef<uint8_t> gridMask,
                                  llvm::ArrayRef<uint8_t> packedIndices,
                                  const void *lut, unsigned elementBytes,
                                  void *result) {
  // The dense index grid, index 0 where the mask has no bit (as Core ML's
  // definition fills it), decoded whole; then the masked elements kept.
  const uint64_t gridCount = layout.getIndexCount();
  const uint64_t stored = countMaskBits(gridMask, gridCount);
  std::vector<uint8_t> storedIndices(stored);
  unpackIndices(packedIndices, layout.indexBitWidth, storedIndices);
  std::vector<uint8_t> gridIndices(gridCount);
  scatterMasked(gridMask, gridCount, storedIndices.data(), 8,
                gridIndices.data());
  std::vector<char> dense(layout.getElementCount() * elementBytes);
  decodeLut(layout, packIndices(gridIndices, layout.indexBitWidth), lut,
            elementBytes, dense.data());
  auto *out = static_cast<char *>(result);
  uint64_t next = 0;
  forEachElement(layout, [&](int64_t i, int64_t grid) {
    if (testBit(gridMask, grid))
      std::memcpy(out + elementBytes * next++, dense.data() + i * elementBytes,
                  elementBytes);
  });
}
