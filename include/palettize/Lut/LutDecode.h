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

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace palettize {

/// How packed indices and a LUT map to the elements of a decoded tensor.
struct LutLayout {
  /// Shape of the decoded tensor, rank R.
  std::vector<int64_t> resultShape;
  /// Number of LUT groups along each result dimension (R entries). All ones
  /// for a per-tensor LUT.
  std::vector<int64_t> groupCounts;
  /// Index bit width: the palette has 2^indexBitWidth rows.
  unsigned indexBitWidth = 0;
  /// Number of elements in each LUT row; 1 for scalar palettization.
  int64_t vectorSize = 1;
  /// Result axis along which the vectorSize elements of a row lie.
  /// Ignored when vectorSize == 1.
  int64_t vectorAxis = 0;

  /// Returns the number of result elements.
  int64_t getElementCount() const;
  /// Returns the number of indices: elements / vectorSize.
  int64_t getIndexCount() const;
  /// Returns the number of LUT groups (product of groupCounts).
  int64_t getGroupCount() const;
  /// Returns the number of rows of each palette: 2^indexBitWidth.
  int64_t getPaletteSize() const { return int64_t(1) << indexBitWidth; }
  /// Returns the number of LUT elements: groups * palette size * vectorSize.
  int64_t getLutElementCount() const;
};

/// Decodes `packedIndices` through `lut` into `result`. The layout must be
/// consistent (as the mil.constexpr_lut_to_dense verifier guarantees):
/// `lut` holds layout.getLutElementCount() elements, `result` holds
/// layout.getElementCount() elements, each `elementBytes` wide (1, 2, 4 or
/// 8), and `packedIndices` holds the packed bytes of getIndexCount() indices.
void decodeLut(const LutLayout &layout, llvm::ArrayRef<uint8_t> packedIndices,
               const void *lut, unsigned elementBytes, void *result);

} // namespace palettize

#endif // PALETTIZE_LUT_LUTDECODE_H
