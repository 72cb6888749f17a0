//===- SparseDecode.h - Core ML's sparse constexpr ops ----------*- C++ -*-===//
//
// Decoding of Core ML's pruned weights. A bit mask (uint1, packed LSB-first,
// row-major over the tensor) marks the elements that are stored; the stored
// ("non-zero") ones follow in row-major order, the rest decode to zero:
//
// * constexpr_sparse_to_dense: mask + the stored values -> the tensor;
// * constexpr_lut_to_sparse: a mask over the index grid + the packed indices
//   of the stored elements + a LUT -> the mask of the decoded tensor (the
//   grid's, each bit repeated V times along the vector axis) and its stored
//   values, looked up in the LUT, in row-major order of that mask.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LUT_SPARSEDECODE_H
#define PALETTIZE_LUT_SPARSEDECODE_H

#include "palettize/Lut/LutLayout.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace palettize {

/// Returns the number of bytes a mask of `count` bits occupies.
inline uint64_t getMaskByteCount(uint64_t count) { return (count + 7) / 8; }

/// Returns the number of set bits among the first `count` of `mask`.
uint64_t countMaskBits(llvm::ArrayRef<uint8_t> mask, uint64_t count);

/// Writes the `count` elements of `result`, each `elementBits` wide (4, 8,
/// 16, 32 or 64; 4-bit elements packed two to a byte, low nibble first): the
/// next element of `values` where `mask` has a bit, zero elsewhere. `values`
/// holds countMaskBits(mask, count) elements of the same width.
void scatterMasked(llvm::ArrayRef<uint8_t> mask, uint64_t count,
                   const void *values, unsigned elementBits, void *result);

/// Returns the mask of the tensor a constexpr_lut_to_sparse with `layout`
/// decodes: bit (i_0, ..., i_{R-1}) of the result is bit (i_0, ...,
/// i_a / V, ..., i_{R-1}) of `gridMask`, `a` the vector axis. Packed into
/// `result`, which holds getMaskByteCount(layout.getElementCount()) bytes.
void expandMask(const LutLayout &layout, llvm::ArrayRef<uint8_t> gridMask,
                llvm::MutableArrayRef<uint8_t> result);

/// Decodes a constexpr_lut_to_sparse: `gridMask` over the index grid of
/// `layout`, `packedIndices` the indices of its set bits (in row-major
/// order, packed at layout.indexBitWidth), `lut` of elements
/// `elementBytes` wide. Writes the values of the decoded tensor where
/// expandMask sets a bit, in row-major order, to `result`, which holds
/// V * countMaskBits(gridMask) elements.
void decodeLutToSparse(const LutLayout &layout,
                       llvm::ArrayRef<uint8_t> gridMask,
                       llvm::ArrayRef<uint8_t> packedIndices, const void *lut,
                       unsigned elementBytes, void *result);

} // namespace palettize

#endif // PALETTIZE_LUT_SPARSEDECODE_H
