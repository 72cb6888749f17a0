//===- BitPacking.cpp - Core ML packed palette indices --------------------===//

#include "palettize/Lut/BitPacking.h"

#include <algorithm>
#include <cassert>
#include <cstring>

using namespace palettize;

bool palettize::isSupportedIndexBitWidth(unsigned nbits) {
  return std::find(std::begin(kSupportedIndexBitWidths),
                   std::end(kSupportedIndexBitWidths),
                   nbits) != std::end(kSupportedIndexBitWidths);
}

uint64_t palettize::getPackedIndicesByteCount(uint64_t count, unsigned nbits) {
  // count * nbits cannot overflow for any tensor that fits in memory.
  return (count * nbits + 7) / 8;
}

void palettize::packIndices(llvm::ArrayRef<uint8_t> indices, unsigned nbits,
                            llvm::MutableArrayRef<uint8_t> packed) {
  assert(nbits >= 1 && nbits <= 8 && "index bit width out of range");
  assert(packed.size() == getPackedIndicesByteCount(indices.size(), nbits) &&
         "packed buffer has the wrong size");
  if (nbits == 8) {
    if (!indices.empty())
      std::memcpy(packed.data(), indices.data(), indices.size());
    return;
  }
  // A bit accumulator: indices enter at the top of the pending bits and whole
  // bytes leave from the bottom, which is the LSB-first order of the format.
  uint32_t pending = 0;
  unsigned pendingBits = 0;
  size_t out = 0;
  for (uint8_t index : indices) {
    assert(index < (1u << nbits) && "index does not fit in nbits");
    pending |= uint32_t(index) << pendingBits;
    pendingBits += nbits;
    while (pendingBits >= 8) {
      packed[out++] = uint8_t(pending);
      pending >>= 8;
      pendingBits -= 8;
    }
  }
  if (pendingBits > 0)
    packed[out++] = uint8_t(pending);
  assert(out == packed.size());
}

std::vector<uint8_t> palettize::packIndices(llvm::ArrayRef<uint8_t> indices,
                                            unsigned nbits) {
  std::vector<uint8_t> packed(getPackedIndicesByteCount(indices.size(), nbits));
  packIndices(indices, nbits, packed);
  return packed;
}

void palettize::unpackIndices(llvm::ArrayRef<uint8_t> packed, unsigned nbits,
                              llvm::MutableArrayRef<uint8_t> indices) {
  assert(nbits >= 1 && nbits <= 8 && "index bit width out of range");
  assert(packed.size() >= getPackedIndicesByteCount(indices.size(), nbits) &&
         "packed buffer is too short");
  if (nbits == 8) {
    if (!indices.empty())
      std::memcpy(indices.data(), packed.data(), indices.size());
    return;
  }
  const uint32_t mask = (1u << nbits) - 1;
  uint32_t pending = 0;
  unsigned pendingBits = 0;
  size_t in = 0;
  for (uint8_t &index : indices) {
    if (pendingBits < nbits) {
      pending |= uint32_t(packed[in++]) << pendingBits;
      pendingBits += 8;
    }
    index = uint8_t(pending & mask);
    pending >>= nbits;
    pendingBits -= nbits;
  }
}
