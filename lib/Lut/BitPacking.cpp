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

/// Packs `blocks` groups of 8 indices of `Bits` bits each: each group fills
/// exactly `Bits` bytes, assembled in a 64-bit word (LSB first) and stored
/// little-endian.
template <unsigned Bits>
static void packBlocks(const uint8_t *indices, size_t blocks, uint8_t *packed) {
  for (size_t b = 0; b < blocks; ++b, indices += 8, packed += Bits) {
    uint64_t word = 0;
    for (unsigned j = 0; j < 8; ++j)
      word |= uint64_t(indices[j]) << (j * Bits);
    uint8_t bytes[8];
    for (unsigned j = 0; j < 8; ++j)
      bytes[j] = uint8_t(word >> (8 * j));
    std::memcpy(packed, bytes, Bits);
  }
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
  // Whole groups of 8 indices end on a byte boundary: pack them a group at
  // a time, and the rest bit by bit.
  const size_t blocks = indices.size() / 8;
  using PackBlocks = void (*)(const uint8_t *, size_t, uint8_t *);
  static constexpr PackBlocks kPackBlocks[] = {
      nullptr,       packBlocks<1>, packBlocks<2>, packBlocks<3>,
      packBlocks<4>, packBlocks<5>, packBlocks<6>, packBlocks<7>};
  kPackBlocks[nbits](indices.data(), blocks, packed.data());
  // A bit accumulator: indices enter at the top of the pending bits and whole
  // bytes leave from the bottom, which is the LSB-first order of the format.
  uint32_t pending = 0;
  unsigned pendingBits = 0;
  size_t out = blocks * nbits;
  for (uint8_t index : indices.drop_front(blocks * 8)) {
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
