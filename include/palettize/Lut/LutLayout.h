//===- LutLayout.h - How a LUT and its indices map to a tensor --*- C++ -*-===//
//
// The shape of a palettized tensor's parts, as Core ML's
// constexpr_lut_to_dense stores them: a LUT of shape [2^n] (one scalar
// palette for the whole tensor), or [g_0, ..., g_{R-1}, 2^n, V] (one palette
// of 2^n rows of V values per block of the index grid, g_d blocks along
// dimension d), and one packed index per element (per vector of V elements
// along the vector axis).
//
// A Tiling says how a builder cuts a tensor (groups of channels along one
// axis, vectors along the same axis); LutLayout::get turns it into the
// layout the builders report and the pass emits, and LutLayout::infer reads
// a layout back from the shapes an op carries, checking every rule, as the
// op's verifier does.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LUT_LUTLAYOUT_H
#define PALETTIZE_LUT_LUTLAYOUT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace palettize {

/// How a tensor is cut into palettes: one for the whole tensor, or one per
/// group of `groupSize` consecutive channels along `axis`; with `vectorSize`
/// > 1, each LUT row is a vector of that many consecutive elements along
/// `axis`.
struct Tiling {
  /// The channel axis (groups and vectors); ignored when neither is used.
  unsigned axis = 0;
  /// Channels per group; 0 means one palette for the whole tensor.
  int64_t groupSize = 0;
  /// Values per LUT row along `axis`; 1 means scalar palettes.
  int64_t vectorSize = 1;
};

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
  /// True when the LUT is stored with shape [2^n] (a single scalar
  /// palette), false for [g_0, ..., g_{R-1}, 2^n, V].
  bool rankOneLut = false;

  /// Returns the layout of a tensor of `shape` cut by `tiling` into
  /// palettes of 2^indexBitWidth rows: rank-1 LUT without groups or
  /// vectors, else groups along tiling.axis only. The tiling must fit the
  /// shape (whole groups of whole vectors).
  static LutLayout get(llvm::ArrayRef<int64_t> shape, const Tiling &tiling,
                       unsigned indexBitWidth);

  /// Reads the layout of a tensor of `resultShape` decoded through a LUT of
  /// `lutShape`, with `vectorAxis` when the op has one. Fails, saying which
  /// rule is broken, unless: the LUT has rank 1 or R + 2; the palette size
  /// is 2^n with n in {1, 2, 3, 4, 6, 8}; group counts and the vector size
  /// are at least 1; a vector size above 1 comes with a vector axis in
  /// range whose dimension it divides; and each group count divides the
  /// index grid's size along its dimension.
  static llvm::Expected<LutLayout> infer(llvm::ArrayRef<int64_t> resultShape,
                                         llvm::ArrayRef<int64_t> lutShape,
                                         std::optional<int64_t> vectorAxis);

  /// Returns the LUT's shape: [2^n] or [g_0, ..., g_{R-1}, 2^n, V].
  std::vector<int64_t> getLutShape() const;
  /// Returns the shape of one value per palette, as the rank of the LUT
  /// (the scale of an 8-bit LUT): [1], or [g_0, ..., g_{R-1}, 1, 1].
  std::vector<int64_t> getPaletteScaleShape() const;
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
  /// Returns the distance, in result elements, between consecutive values
  /// of a vector (0 for scalars).
  int64_t getVectorStride() const;

  /// Calls `visit(i, group, offset)` for every index i of the grid, in
  /// order: the palette group it reads and the result offset of its element
  /// (of its vector's first element; value t is at offset + t *
  /// getVectorStride()). O(rank) per index.
  template <typename Visit> void forEachIndex(Visit &&visit) const;
};

template <typename Visit> void LutLayout::forEachIndex(Visit &&visit) const {
  const int64_t rank = int64_t(resultShape.size());
  // The index grid is the result shape with the vector axis divided by V.
  std::vector<int64_t> gridShape = resultShape;
  if (vectorSize > 1)
    gridShape[vectorAxis] /= vectorSize;
  std::vector<int64_t> blockSize(rank), resultStride(rank), groupStride(rank);
  for (int64_t d = rank - 1, rs = 1, gs = 1; d >= 0; --d) {
    blockSize[d] = gridShape[d] / groupCounts[d];
    resultStride[d] = rs;
    groupStride[d] = gs;
    rs *= resultShape[d];
    gs *= groupCounts[d];
  }
  const int64_t indexCount = getIndexCount();
  std::vector<int64_t> position(rank, 0);
  for (int64_t i = 0; i < indexCount; ++i) {
    int64_t group = 0, offset = 0;
    for (int64_t d = 0; d < rank; ++d) {
      group += position[d] / blockSize[d] * groupStride[d];
      int64_t coordinate = position[d];
      if (vectorSize > 1 && d == vectorAxis)
        coordinate *= vectorSize;
      offset += coordinate * resultStride[d];
    }
    visit(i, group, offset);
    // Advance the row-major position in the index grid.
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++position[d] < gridShape[d])
        break;
      position[d] = 0;
    }
  }
}

} // namespace palettize

#endif // PALETTIZE_LUT_LUTLAYOUT_H
