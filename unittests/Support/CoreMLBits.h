//===- CoreMLBits.h - Core ML's index layout, bit by bit --------*- C++ -*-===//
//
// The reference the unit tests check packing and decoding against: Core ML's
// rule written out one bit at a time, independently of the library's
// word-at-a-time packers. Bit j of index i is bit (n*i + j) % 8 of byte
// (n*i + j) / 8.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_UNITTESTS_SUPPORT_COREMLBITS_H
#define PALETTIZE_UNITTESTS_SUPPORT_COREMLBITS_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace palettize::testing {

/// Packs `indices` of `nbits` bits each, LSB-first.
template <typename Index>
std::vector<uint8_t> packBitByBit(const std::vector<Index> &indices,
                                  unsigned nbits) {
  std::vector<uint8_t> bytes((indices.size() * nbits + 7) / 8, 0);
  for (size_t i = 0; i < indices.size(); ++i)
    for (unsigned j = 0; j < nbits; ++j)
      if ((unsigned(indices[i]) >> j) & 1) {
        const size_t bit = nbits * i + j;
        bytes[bit / 8] |= uint8_t(1u << (bit % 8));
      }
  return bytes;
}

/// Reads `count` indices of `nbits` bits each from `bytes`.
template <typename Byte>
std::vector<unsigned> unpackBitByBit(const Byte *bytes, size_t count,
                                     unsigned nbits) {
  std::vector<unsigned> indices(count, 0);
  for (size_t i = 0; i < count; ++i)
    for (unsigned j = 0; j < nbits; ++j) {
      const size_t bit = nbits * i + j;
      if ((uint8_t(bytes[bit / 8]) >> (bit % 8)) & 1)
        indices[i] |= 1u << j;
    }
  return indices;
}

} // namespace palettize::testing

#endif // PALETTIZE_UNITTESTS_SUPPORT_COREMLBITS_H
