//===- SparseEncode.h - Palettize the non-zeros of a tensor -----*- C++ -*-===//
//
// The encoding side of Core ML's constexpr_lut_to_sparse (SparseDecode.h is
// the decoding side). The points of a tensor's index grid (its elements, or
// with vectors the V values along the vector axis) that are not all zero
// are marked in a mask; only those are clustered, group by group, and
// their indices are stored in the mask's row-major order:
//
//   mask = markNonzeroPoints(tensor, grid)
//   points = gatherMaskedPoints(tensor, grid, mask)   // group-major
//   ... a LUT and indices for each group's points ...
//   indices = orderIndicesByGrid(grid, mask, points, groupMajorIndices)
//
// +0.0 and -0.0 are both zero: the sparse form decodes every unmarked
// element to +0.0.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LUT_SPARSEENCODE_H
#define PALETTIZE_LUT_SPARSEENCODE_H

#include "palettize/Lut/FloatFormats.h"
#include "palettize/Lut/Importance.h"
#include "palettize/Lut/LutLayout.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace palettize {

/// Returns the mask (packed LSB-first, one bit per point of `grid`'s index
/// grid, row-major) of the points with a non-zero value: an element of
/// `data` (`format`, laid out as `grid.resultShape`), or with vectors any
/// of the grid.vectorSize values of the vector.
std::vector<uint8_t> markNonzeroPoints(const void *data, FloatFormat format,
                                       const LutLayout &grid);

/// The points a mask marks, gathered palette group by palette group.
struct MaskedPoints {
  /// Points of group g are points [groupOffsets[g], groupOffsets[g + 1]);
  /// getGroupCount() + 1 entries.
  std::vector<int64_t> groupOffsets;
  /// vectorSize values per point, in the tensor's format, in row-major grid
  /// order within each group.
  std::vector<char> values;
  /// The importance of each gathered value, when one was given.
  std::vector<float> importance;

  /// Returns the number of points of group `g`.
  int64_t getGroupPointCount(int64_t g) const {
    return groupOffsets[g + 1] - groupOffsets[g];
  }
  /// Returns the number of points.
  int64_t getPointCount() const { return groupOffsets.back(); }
};

/// Gathers the points of `data` (`format`, laid out as `grid.resultShape`)
/// that `mask` marks, with their importances when `importance` is given
/// (one per element of `data`).
MaskedPoints gatherMaskedPoints(const void *data, FloatFormat format,
                                const LutLayout &grid,
                                llvm::ArrayRef<uint8_t> mask,
                                ImportanceView importance = {});

/// Returns the indices of the points `mask` marks in row-major grid order
/// (as constexpr_lut_to_sparse stores them), from `groupMajor`: one index
/// per gathered point in the order of gatherMaskedPoints.
std::vector<uint8_t> orderIndicesByGrid(const LutLayout &grid,
                                        llvm::ArrayRef<uint8_t> mask,
                                        const MaskedPoints &points,
                                        llvm::ArrayRef<uint8_t> groupMajor);

/// Returns the bytes the sparse form of a tensor stores for its mask and
/// indices: ceil(points / 8) + ceil(stored * nbits / 8).
uint64_t getSparseIndexBytes(uint64_t points, uint64_t stored, unsigned nbits);

} // namespace palettize

#endif // PALETTIZE_LUT_SPARSEENCODE_H
