//===- LutDecode.cpp - Decode a palettized tensor -------------------------===//

#include "palettize/Lut/LutDecode.h"
#include "palettize/Lut/BitPacking.h"

#include <cassert>
#include <cstring>

using namespace palettize;

static int64_t product(const std::vector<int64_t> &values) {
  int64_t result = 1;
  for (int64_t value : values)
    result *= value;
  return result;
}

int64_t LutLayout::getElementCount() const { return product(resultShape); }

int64_t LutLayout::getIndexCount() const {
  return getElementCount() / vectorSize;
}

int64_t LutLayout::getGroupCount() const { return product(groupCounts); }

int64_t LutLayout::getLutElementCount() const {
  return getGroupCount() * getPaletteSize() * vectorSize;
}

namespace {
/// Decodes with elements of type `Element`, a trivially copyable type of the
/// element width; LUT entries are copied, never converted.
template <typename Element>
void decodeTyped(const LutLayout &layout, llvm::ArrayRef<uint8_t> indices,
                 const Element *lut, Element *result) {
  const int64_t rank = layout.resultShape.size();
  const int64_t paletteSize = layout.getPaletteSize();
  const int64_t vectorSize = layout.vectorSize;
  const int64_t indexCount = indices.size();

  // Per-tensor scalar palette: the common case, a plain gather.
  if (vectorSize == 1 && layout.getGroupCount() == 1) {
    for (int64_t i = 0; i < indexCount; ++i)
      result[i] = lut[indices[i]];
    return;
  }

  // The index grid is the result shape with the vector axis divided by V.
  std::vector<int64_t> gridShape = layout.resultShape;
  if (vectorSize > 1)
    gridShape[layout.vectorAxis] /= vectorSize;
  std::vector<int64_t> blockSize(rank), resultStride(rank), groupStride(rank);
  for (int64_t d = rank - 1, rs = 1, gs = 1; d >= 0; --d) {
    blockSize[d] = gridShape[d] / layout.groupCounts[d];
    resultStride[d] = rs;
    groupStride[d] = gs;
    rs *= layout.resultShape[d];
    gs *= layout.groupCounts[d];
  }
  const int64_t vectorStride =
      vectorSize > 1 ? resultStride[layout.vectorAxis] : 0;

  std::vector<int64_t> position(rank, 0);
  for (int64_t i = 0; i < indexCount; ++i) {
    int64_t group = 0, offset = 0;
    for (int64_t d = 0; d < rank; ++d) {
      group += position[d] / blockSize[d] * groupStride[d];
      int64_t coordinate = position[d];
      if (vectorSize > 1 && d == layout.vectorAxis)
        coordinate *= vectorSize;
      offset += coordinate * resultStride[d];
    }
    const Element *row = lut + (group * paletteSize + indices[i]) * vectorSize;
    for (int64_t v = 0; v < vectorSize; ++v)
      result[offset + v * vectorStride] = row[v];
    // Advance the row-major position in the index grid.
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++position[d] < gridShape[d])
        break;
      position[d] = 0;
    }
  }
}
} // namespace

void palettize::decodeLut(const LutLayout &layout,
                          llvm::ArrayRef<uint8_t> packedIndices,
                          const void *lut, unsigned elementBytes,
                          void *result) {
  std::vector<uint8_t> indices(layout.getIndexCount());
  unpackIndices(packedIndices, layout.indexBitWidth, indices);
  switch (elementBytes) {
  case 1:
    return decodeTyped(layout, indices, static_cast<const uint8_t *>(lut),
                       static_cast<uint8_t *>(result));
  case 2:
    return decodeTyped(layout, indices, static_cast<const uint16_t *>(lut),
                       static_cast<uint16_t *>(result));
  case 4:
    return decodeTyped(layout, indices, static_cast<const uint32_t *>(lut),
                       static_cast<uint32_t *>(result));
  case 8:
    return decodeTyped(layout, indices, static_cast<const uint64_t *>(lut),
                       static_cast<uint64_t *>(result));
  default:
    assert(false && "unsupported element width");
  }
}
