//===- LutLayout.cpp - How a LUT and its indices map to a tensor ----------===//

#include "palettize/Lut/LutLayout.h"
#include "palettize/Lut/BitPacking.h"

#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <cassert>

using namespace palettize;

static int64_t product(const std::vector<int64_t> &values) {
  int64_t result = 1;
  for (int64_t value : values)
    result *= value;
  return result;
}

LutLayout LutLayout::get(llvm::ArrayRef<int64_t> shape, const Tiling &tiling,
                         unsigned indexBitWidth) {
  LutLayout layout;
  layout.resultShape.assign(shape.begin(), shape.end());
  layout.groupCounts.assign(shape.size(), 1);
  layout.indexBitWidth = indexBitWidth;
  layout.vectorSize = tiling.vectorSize;
  layout.vectorAxis = tiling.axis;
  layout.rankOneLut = tiling.groupSize == 0 && tiling.vectorSize == 1;
  if (tiling.groupSize > 0) {
    assert(tiling.axis < shape.size() &&
           shape[tiling.axis] % tiling.groupSize == 0 &&
           "groups must tile the axis");
    layout.groupCounts[tiling.axis] = shape[tiling.axis] / tiling.groupSize;
  }
  return layout;
}

static llvm::Error layoutError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<LutLayout> LutLayout::infer(llvm::ArrayRef<int64_t> resultShape,
                                           llvm::ArrayRef<int64_t> lutShape,
                                           std::optional<int64_t> vectorAxis) {
  const int64_t rank = int64_t(resultShape.size());
  // Every count derived below fits in int64_t once these do.
  auto checkedProduct = [](llvm::ArrayRef<int64_t> sizes) {
    std::optional<int64_t> product = 1;
    for (int64_t size : sizes)
      if (product)
        product = size < 0 ? std::nullopt : llvm::checkedMul(*product, size);
    return product;
  };
  std::optional<int64_t> resultElements = checkedProduct(resultShape);
  if (!resultElements ||
      !llvm::checkedMul(*resultElements, int64_t(8)).has_value())
    return layoutError("the result has more elements than fit in memory");
  if (!checkedProduct(lutShape))
    return layoutError("'lut' has more elements than fit in memory");
  LutLayout layout;
  layout.resultShape.assign(resultShape.begin(), resultShape.end());
  layout.groupCounts.assign(rank, 1);
  int64_t paletteSize = 0;
  if (lutShape.size() == 1) {
    paletteSize = lutShape[0];
    layout.rankOneLut = true;
  } else if (int64_t(lutShape.size()) == rank + 2) {
    layout.groupCounts.assign(lutShape.begin(), lutShape.begin() + rank);
    paletteSize = lutShape[rank];
    layout.vectorSize = lutShape[rank + 1];
  } else {
    return layoutError(llvm::formatv(
        "'lut' must have rank 1 (per-tensor) or rank {0} (grouped, for a "
        "rank-{1} result), got rank {2}",
        rank + 2, rank, lutShape.size()));
  }
  if (paletteSize <= 0 || !llvm::isPowerOf2_64(uint64_t(paletteSize)) ||
      !isSupportedIndexBitWidth(llvm::Log2_64(uint64_t(paletteSize))))
    return layoutError(llvm::formatv("'lut' palette size must be 2^n with n "
                                     "in {{1, 2, 3, 4, 6, 8}, got {0}",
                                     paletteSize));
  layout.indexBitWidth = llvm::Log2_64(uint64_t(paletteSize));
  if (layout.vectorSize < 1)
    return layoutError(llvm::formatv(
        "'lut' vector size must be at least 1, got {0}", layout.vectorSize));
  for (int64_t dim = 0; dim < rank; ++dim)
    if (layout.groupCounts[dim] < 1)
      return layoutError(llvm::formatv(
          "'lut' group count along dimension {0} must be at least 1, got {1}",
          dim, layout.groupCounts[dim]));

  // The vector axis.
  if (vectorAxis && (*vectorAxis < 0 || *vectorAxis >= rank))
    return layoutError(llvm::formatv(
        "'vector_axis' must be in [0, {0}) for a rank-{0} result, got {1}",
        rank, *vectorAxis));
  if (layout.vectorSize > 1) {
    if (!vectorAxis)
      return layoutError(llvm::formatv("'vector_axis' is required when the "
                                       "'lut' vector size is {0}",
                                       layout.vectorSize));
    if (resultShape[*vectorAxis] % layout.vectorSize != 0)
      return layoutError(llvm::formatv(
          "result dimension {0} (size {1}) along 'vector_axis' must be a "
          "multiple of the 'lut' vector size {2}",
          *vectorAxis, resultShape[*vectorAxis], layout.vectorSize));
  }
  layout.vectorAxis = vectorAxis.value_or(0);

  // Each group covers a whole block of the index grid.
  for (int64_t dim = 0; dim < rank; ++dim) {
    int64_t gridSize = resultShape[dim];
    if (layout.vectorSize > 1 && dim == layout.vectorAxis)
      gridSize /= layout.vectorSize;
    if (gridSize % layout.groupCounts[dim] != 0)
      return layoutError(
          llvm::formatv("'lut' group count {0} along dimension {1} must "
                        "divide the index grid size {2}",
                        layout.groupCounts[dim], dim, gridSize));
  }
  return layout;
}

std::vector<int64_t> LutLayout::getLutShape() const {
  if (rankOneLut)
    return {getPaletteSize()};
  std::vector<int64_t> shape = groupCounts;
  shape.push_back(getPaletteSize());
  shape.push_back(vectorSize);
  return shape;
}

std::vector<int64_t> LutLayout::getPaletteScaleShape() const {
  if (rankOneLut)
    return {1};
  std::vector<int64_t> shape = groupCounts;
  shape.push_back(1);
  shape.push_back(1);
  return shape;
}

int64_t LutLayout::getElementCount() const { return product(resultShape); }

int64_t LutLayout::getIndexCount() const {
  return getElementCount() / vectorSize;
}

int64_t LutLayout::getGroupCount() const { return product(groupCounts); }

int64_t LutLayout::getLutElementCount() const {
  return getGroupCount() * getPaletteSize() * vectorSize;
}

int64_t LutLayout::getVectorStride() const {
  if (vectorSize == 1)
    return 0;
  int64_t stride = 1;
  for (size_t d = size_t(vectorAxis) + 1; d < resultShape.size(); ++d)
    stride *= resultShape[d];
  return stride;
}
