//===- LutDecode.h - Decode a palettized tensor ----------------*- C++ -*-===//
//
// Expands a LUT plus packed indices into the dense tensor they encode, for
// both LUT forms of Core ML's constexpr_lut_to_dense: per-tensor (a single
// palette of 2^n scalars) and grouped/vector (one palette per block of the
// tensor, each row a vector of V elements along one axis).
//
// Decoding copies LUT entries bit for bit, so it is exact for any element
// type; callers pass the element width in bytes (2 for f16/bf16, 4 for f32).
// Cost: O(elements * rank) time, O(elements / V) bytes of scratch.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LUT_LUTDECODE_H
#define PALETTIZE_LUT_LUTDECODE_H

#include "palettize/Lut/LutLayout.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace palettize {

/// Decodes `packedIndices` through `lut` into `result`. The layout must be
/// consistent (as the mil.constexpr_lut_to_dense verifier guarantees):
/// `lut` holds layout.getLutElementCount() elements, `result` holds
/// layout.getElementCount() elements, each `elementBytes` wide (1, 2, 4 or
/// 8), and `packedIndices` holds the packed bytes of getIndexCount() indices.
void decodeLut(const LutLayout &layout, llvm::ArrayRef<uint8_t> packedIndices,
               const void *lut, unsigned elementBytes, void *result);

} // namespace palettize

#endif // PALETTIZE_LUT_LUTDECODE_H
