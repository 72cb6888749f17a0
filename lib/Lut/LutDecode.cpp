//===- LutDecode.cpp - Decode a palettized tensor -------------------------===//

#include "palettize/Lut/LutDecode.h"
#include "palettize/Lut/BitPacking.h"

#include <cassert>
#include <cstring>

using namespace palettize;

namespace {
/// Decodes with elements of type `Element`, a trivially copyable type of the
/// element width; LUT entries are copied, never converted.
template <typename Element>
void decodeTyped(const LutLayout &layout, llvm::ArrayRef<uint8_t> indices,
                 const Element *lut, Element *result) {
  const int64_t paletteSize = layout.getPaletteSize();
  const int64_t vectorSize = layout.vectorSize;
  const int64_t indexCount = indices.size();

  // Per-tensor scalar palette: the common case, a plain gather.
  if (vectorSize == 1 && layout.getGroupCount() == 1) {
    for (int64_t i = 0; i < indexCount; ++i)
      result[i] = lut[indices[i]];
    return;
  }

  const int64_t vectorStride = layout.getVectorStride();
  layout.forEachIndex([&](int64_t i, int64_t group, int64_t offset) {
    const Element *row = lut + (group * paletteSize + indices[i]) * vectorSize;
    for (int64_t v = 0; v < vectorSize; ++v)
      result[offset + v * vectorStride] = row[v];
  });
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
