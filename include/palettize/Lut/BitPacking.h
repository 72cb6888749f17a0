//===- BitPacking.h - Core ML packed palette indices ------------*- C++ -*-===//
//
// Packs and unpacks palette indices in Core ML's layout. The format's rule:
// indices are packed LSB-first in row-major order, so bit `j` of index `i` is
// bit `(n*i + j) % 8` of byte `(n*i + j) / 8`; an index may straddle two bytes
// and the unused high bits of the last byte are zero.
//
// Every function is O(count) time and allocates nothing but its result.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LUT_BITPACKING_H
#define PALETTIZE_LUT_BITPACKING_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace palettize {

/// The index bit widths (log2 of the palette size) Core ML supports:
/// 1, 2, 3, 4, 6 and 8.
constexpr unsigned kSupportedIndexBitWidths[] = {1, 2, 3, 4, 6, 8};

/// Returns true if `nbits` is one of kSupportedIndexBitWidths.
bool isSupportedIndexBitWidth(unsigned nbits);

/// Returns the number of bytes `count` indices of `nbits` bits occupy:
/// ceil(nbits * count / 8).
uint64_t getPackedIndicesByteCount(uint64_t count, unsigned nbits);

/// Packs `indices`, each below 2^nbits, into `packed`, which must hold exactly
/// getPackedIndicesByteCount(indices.size(), nbits) bytes. Padding bits are 0.
void packIndices(llvm::ArrayRef<uint8_t> indices, unsigned nbits,
                 llvm::MutableArrayRef<uint8_t> packed);

/// Convenience form of packIndices that allocates the packed bytes.
std::vector<uint8_t> packIndices(llvm::ArrayRef<uint8_t> indices,
                                 unsigned nbits);

/// Unpacks `indices.size()` indices of `nbits` bits from `packed`, which must
/// hold at least getPackedIndicesByteCount(indices.size(), nbits) bytes.
/// Padding bits are ignored.
void unpackIndices(llvm::ArrayRef<uint8_t> packed, unsigned nbits,
                   llvm::MutableArrayRef<uint8_t> indices);

} // namespace palettize

#endif // PALETTIZE_LUT_BITPACKING_H
