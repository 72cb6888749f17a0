//===- MILOps.cpp - mil dialect operations --------------------------------===//

#include "palettize/Dialect/MIL/MILOps.h"
#include "palettize/Dialect/MIL/ConstantData.h"
#include "palettize/Lut/BitPacking.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

//===----------------------------------------------------------------------===//
// ConstOp
//===----------------------------------------------------------------------===//

OpFoldResult ConstOp::fold(FoldAdaptor) { return getValueAttr(); }

static LogicalResult verifyStorage(Operation *op, StringRef name,
                                   ElementsAttr attr);

LogicalResult ConstOp::verify() {
  // Any elements attribute is a valid value; a blob must match its type.
  if (!isa<DenseResourceElementsAttr>(getValue()) ||
      getElementByteWidth(getValue().getElementType()) == 0)
    return success();
  return verifyStorage(*this, "value", getValue());
}

//===----------------------------------------------------------------------===//
// ConstexprLutToDenseOp
//===----------------------------------------------------------------------===//

/// Largest result, in elements, that the folder decodes. Folding a large
/// weight would rebuild it as a uniqued DenseElementsAttr, undoing the
/// compression and costing memory the size of the decoded model.
static constexpr int64_t kMaxFoldedElements = 256;

/// Checks that `attr`, the `name` attribute of `op`, is storage this dialect
/// can read, and that a dense_resource blob, when present, has the size its
/// type implies.
static LogicalResult verifyStorage(Operation *op, StringRef name,
                                   ElementsAttr attr) {
  if (!isa<DenseElementsAttr, DenseResourceElementsAttr>(attr))
    return op->emitOpError("'")
           << name << "' must be a dense or dense_resource attribute";
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource)
    return success();
  // A blob without data is resolved later (or reported when it is read).
  std::optional<uint64_t> stored = getStoredByteCount(attr);
  uint64_t expected = uint64_t(attr.getNumElements()) *
                      getElementByteWidth(attr.getElementType());
  if (stored && *stored != expected)
    return op->emitOpError("'")
           << name << "' resource blob must hold " << expected
           << " bytes for its type " << attr.getType() << ", got " << *stored;
  return success();
}

LogicalResult ConstexprLutToDenseOp::verify() {
  auto resultType = cast<RankedTensorType>(getType());
  Type elementType = resultType.getElementType();
  ArrayRef<int64_t> resultShape = resultType.getShape();
  const int64_t rank = resultType.getRank();

  // The LUT: element type, storage and shape.
  ElementsAttr lut = getLut();
  Type lutElementType = lut.getElementType();
  if (!isa<Float16Type, BFloat16Type, Float32Type>(lutElementType))
    return emitOpError("'lut' element type must be f16, bf16 or f32, got ")
           << lutElementType;
  if (lutElementType != elementType)
    return emitOpError("'lut' element type ")
           << lutElementType << " must match the result element type "
           << elementType;
  if (failed(verifyStorage(*this, "lut", lut)))
    return failure();

  ArrayRef<int64_t> lutShape = lut.getShapedType().getShape();
  int64_t paletteSize = 0, vectorSize = 1;
  SmallVector<int64_t> groupCounts(rank, 1);
  if (lutShape.size() == 1) {
    paletteSize = lutShape[0];
  } else if (int64_t(lutShape.size()) == rank + 2) {
    groupCounts.assign(lutShape.begin(), lutShape.begin() + rank);
    paletteSize = lutShape[rank];
    vectorSize = lutShape[rank + 1];
  } else {
    return emitOpError("'lut' must have rank 1 (per-tensor) or rank ")
           << rank + 2 << " (grouped, for a rank-" << rank
           << " result), got rank " << lutShape.size();
  }
  if (paletteSize <= 0 || !llvm::isPowerOf2_64(paletteSize) ||
      !isSupportedIndexBitWidth(llvm::Log2_64(paletteSize)))
    return emitOpError("'lut' palette size must be 2^n with n in "
                       "{1, 2, 3, 4, 6, 8}, got ")
           << paletteSize;
  if (vectorSize < 1)
    return emitOpError("'lut' vector size must be at least 1, got ")
           << vectorSize;
  for (auto [dim, groups] : llvm::enumerate(groupCounts))
    if (groups < 1)
      return emitOpError("'lut' group count along dimension ")
             << dim << " must be at least 1, got " << groups;

  // The vector axis.
  std::optional<int64_t> vectorAxis = getVectorAxis();
  if (vectorAxis && (*vectorAxis < 0 || *vectorAxis >= rank))
    return emitOpError("'vector_axis' must be in [0, ")
           << rank << ") for a rank-" << rank << " result, got " << *vectorAxis;
  if (vectorSize > 1) {
    if (!vectorAxis)
      return emitOpError("'vector_axis' is required when the 'lut' vector "
                         "size is ")
             << vectorSize;
    if (resultShape[*vectorAxis] % vectorSize != 0)
      return emitOpError("result dimension ")
             << *vectorAxis << " (size " << resultShape[*vectorAxis]
             << ") along 'vector_axis' must be a multiple of the 'lut' "
                "vector size "
             << vectorSize;
  }

  // Each group covers a whole block of the index grid.
  const int64_t gridVectorAxis = vectorSize > 1 ? *vectorAxis : -1;
  for (int64_t dim = 0; dim < rank; ++dim) {
    int64_t gridSize = resultShape[dim];
    if (dim == gridVectorAxis)
      gridSize /= vectorSize;
    if (gridSize % groupCounts[dim] != 0)
      return emitOpError("'lut' group count ")
             << groupCounts[dim] << " along dimension " << dim
             << " must divide the index grid size " << gridSize;
  }

  // The packed indices.
  ElementsAttr indices = getIndices();
  auto indicesType = indices.getShapedType();
  if (indicesType.getRank() != 1 ||
      !indicesType.getElementType().isUnsignedInteger(8))
    return emitOpError("'indices' must be a rank-1 tensor of ui8, got ")
           << indicesType;
  if (failed(verifyStorage(*this, "indices", indices)))
    return failure();
  const unsigned indexBitWidth = llvm::Log2_64(paletteSize);
  const int64_t indexCount = resultType.getNumElements() / vectorSize;
  const uint64_t expectedBytes =
      getPackedIndicesByteCount(indexCount, indexBitWidth);
  if (uint64_t(indicesType.getDimSize(0)) != expectedBytes)
    return emitOpError("'indices' must hold ceil(")
           << indexBitWidth << " * " << indexCount
           << " / 8) = " << expectedBytes << " bytes (" << indexCount
           << " indices of " << indexBitWidth << " bits), got "
           << indicesType.getDimSize(0);
  return success();
}

LutLayout ConstexprLutToDenseOp::getLutLayout() {
  auto resultType = cast<RankedTensorType>(getType());
  ArrayRef<int64_t> lutShape = getLut().getShapedType().getShape();
  const int64_t rank = resultType.getRank();

  LutLayout layout;
  layout.resultShape.assign(resultType.getShape().begin(),
                            resultType.getShape().end());
  layout.groupCounts.assign(rank, 1);
  int64_t paletteSize = lutShape[0];
  if (int64_t(lutShape.size()) == rank + 2) {
    layout.groupCounts.assign(lutShape.begin(), lutShape.begin() + rank);
    paletteSize = lutShape[rank];
    layout.vectorSize = lutShape[rank + 1];
  }
  layout.indexBitWidth = llvm::Log2_64(paletteSize);
  layout.vectorAxis = getVectorAxis().value_or(0);
  return layout;
}

OpFoldResult ConstexprLutToDenseOp::fold(FoldAdaptor) {
  auto resultType = cast<ShapedType>(getType());
  if (resultType.getNumElements() > kMaxFoldedElements)
    return {};
  RawElementsData lutData = getRawElementsData(getLut());
  RawElementsData indexData = getRawElementsData(getIndices());
  if (!lutData.succeeded() || !indexData.succeeded())
    return {};
  LutLayout layout = getLutLayout();
  unsigned width = getElementByteWidth(resultType.getElementType());
  std::vector<char> decoded(resultType.getNumElements() * width);
  ArrayRef<uint8_t> packed(
      reinterpret_cast<const uint8_t *>(indexData.bytes.data()),
      indexData.bytes.size());
  decodeLut(layout, packed, lutData.bytes.data(), width, decoded.data());
  return DenseElementsAttr::getFromRawBuffer(resultType, decoded);
}

#define GET_OP_CLASSES
#include "palettize/Dialect/MIL/MILOps.cpp.inc"
