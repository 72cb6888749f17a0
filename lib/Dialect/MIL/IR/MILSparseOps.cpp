//===- MILSparseOps.cpp - The sparse mil constexpr ops --------------------===//
//
// constexpr_sparse_to_dense and constexpr_lut_to_sparse: Core ML's pruned
// weights, palettized or not.
//
//===----------------------------------------------------------------------===//

#include "MILOpsVerification.h"
#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Lut/BitPacking.h"
#include "palettize/Lut/SparseDecode.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

/// Returns the packed bytes of `attr`, a ui1 mask, if its data can be read.
static std::optional<RawElementsData> readMask(ElementsAttr attr) {
  RawElementsData data = getPackedElementsData(attr);
  if (!data.succeeded())
    return std::nullopt;
  return data;
}

/// The bits of a mask of `type` whose bytes are `data`.
static uint64_t countBits(const RawElementsData &data, ShapedType type) {
  ArrayRef<uint8_t> bytes(reinterpret_cast<const uint8_t *>(data.bytes.data()),
                          data.bytes.size());
  return countMaskBits(bytes, uint64_t(type.getNumElements()));
}

/// Whether `type` may be the element type of sparse data.
static bool isSparseElementType(Type type) {
  return type.isInteger(4) || type.isInteger(8) ||
         isa<Float16Type, BFloat16Type, Float32Type>(type);
}

LogicalResult ConstexprSparseToDenseOp::verify() {
  auto resultType = cast<RankedTensorType>(getType());
  if (!getCheckedElementCount(resultType))
    return emitOpError("result type ")
           << resultType << " has more elements than fit in memory";
  auto maskType = cast<RankedTensorType>(getMask().getType());
  if (!maskType.getElementType().isUnsignedInteger(1))
    return emitOpError("'mask' must be a tensor of ui1, got ") << maskType;
  if (maskType.getShape() != resultType.getShape())
    return emitOpError("'mask' shape must equal the result's, got ")
           << maskType;
  auto dataType = cast<RankedTensorType>(getNonzeroData().getType());
  Type elementType = resultType.getElementType();
  if (!isSparseElementType(elementType))
    return emitOpError("result element type must be i4, si4, ui4, i8, si8, "
                       "ui8, f16, bf16 or f32, got ")
           << elementType;
  if (dataType.getRank() != 1 || dataType.getElementType() != elementType)
    return emitOpError("'nonzero_data' must be a rank-1 tensor of ")
           << elementType << ", got " << dataType;
  if (failed(verifyCompileTimeOperand(*this, "mask", getMask())) ||
      failed(verifyCompileTimeOperand(*this, "nonzero_data", getNonzeroData())))
    return failure();
  Attribute mask;
  if (matchPattern(getMask(), m_Constant(&mask)))
    if (auto elements = dyn_cast<ElementsAttr>(mask))
      if (std::optional<RawElementsData> data = readMask(elements)) {
        uint64_t bits = countBits(*data, maskType);
        if (bits != uint64_t(dataType.getDimSize(0)))
          return emitOpError("'mask' has ")
                 << bits << " bits set, 'nonzero_data' "
                 << dataType.getDimSize(0) << " values";
      }
  return success();
}

OpFoldResult ConstexprSparseToDenseOp::fold(FoldAdaptor adaptor) {
  auto denseType = cast<ShapedType>(getType());
  if (denseType.getNumElements() > kMaxFoldedElements)
    return {};
  auto mask = dyn_cast_or_null<ElementsAttr>(adaptor.getMask());
  auto data = dyn_cast_or_null<ElementsAttr>(adaptor.getNonzeroData());
  if (!mask || !data)
    return {};
  RawElementsData maskBytes = getPackedElementsData(mask);
  RawElementsData dataBytes = getPackedElementsData(data);
  if (!maskBytes.succeeded() || !dataBytes.succeeded() ||
      countBits(maskBytes, mask.getShapedType()) !=
          uint64_t(data.getNumElements()))
    return {};
  const unsigned bits = denseType.getElementTypeBitWidth();
  std::vector<char> result(*getBlobByteCount(denseType));
  scatterMasked(ArrayRef<uint8_t>(
                    reinterpret_cast<const uint8_t *>(maskBytes.bytes.data()),
                    maskBytes.bytes.size()),
                denseType.getNumElements(), dataBytes.bytes.data(), bits,
                result.data());
  return getDenseFromBlobLayout(denseType, result);
}

ShapedType ConstexprLutToSparseOp::getLutType() {
  if (Value operand = getLutOperand())
    return cast<ShapedType>(operand.getType());
  return getLutAttr().getShapedType();
}

LutLayout ConstexprLutToSparseOp::getLutLayout() {
  return llvm::cantFail(
      LutLayout::infer(cast<ShapedType>(getMask().getType()).getShape(),
                       getLutType().getShape(), getVectorAxis()),
      "verified op with an inconsistent LUT layout");
}

LogicalResult ConstexprLutToSparseOp::verify() {
  auto maskType = cast<RankedTensorType>(getMask().getType());
  auto dataType = cast<RankedTensorType>(getNonzeroData().getType());
  if (!getCheckedElementCount(maskType))
    return emitOpError("'mask' type ")
           << maskType << " has more elements than fit in memory";
  if (!maskType.getElementType().isUnsignedInteger(1))
    return emitOpError("result 'mask' must be a tensor of ui1, got ")
           << maskType;

  // The LUT, as constexpr_lut_to_dense has it.
  if (failed(verifyLutSource(*this, getLutAttr(), getLutOperand())))
    return failure();
  ShapedType lutType = getLutType();
  Type lutElementType = lutType.getElementType();
  llvm::Expected<LutLayout> layout = LutLayout::infer(
      maskType.getShape(), lutType.getShape(), getVectorAxis());
  if (!layout)
    return emitOpError(llvm::toString(layout.takeError()));
  const int64_t vectorSize = layout->vectorSize;

  // The index mask: the result mask's shape, the vector axis divided.
  ElementsAttr indicesMask = getIndicesMask();
  if (failed(verifyStorage(*this, "indices_mask", indicesMask)))
    return failure();
  auto gridType = indicesMask.getShapedType();
  SmallVector<int64_t> gridShape(maskType.getShape());
  if (vectorSize > 1)
    gridShape[layout->vectorAxis] /= vectorSize;
  if (!gridType.getElementType().isUnsignedInteger(1) ||
      gridType.getShape() != ArrayRef<int64_t>(gridShape))
    return emitOpError("'indices_mask' must be a ui1 tensor of the index "
                       "grid's shape ")
           << RankedTensorType::get(gridShape, maskType.getElementType())
           << ", got " << gridType;

  // The stored values: V per stored index, of the LUT's type.
  if (dataType.getRank() != 1 || dataType.getElementType() != lutElementType ||
      dataType.getDimSize(0) % vectorSize != 0)
    return emitOpError("result 'nonzero_data' must be a rank-1 tensor of ")
           << lutElementType << " whose size is a multiple of " << vectorSize
           << ", got " << dataType;
  const int64_t stored = dataType.getDimSize(0) / vectorSize;
  if (std::optional<RawElementsData> data = readMask(indicesMask)) {
    uint64_t bits = countBits(*data, gridType);
    if (bits != uint64_t(stored))
      return emitOpError("'indices_mask' has ")
             << bits << " bits set, the result holds " << stored
             << " stored indices";
  }

  // The packed indices of the stored elements.
  return verifyPackedIndices(*this, getIndices(), stored,
                             layout->indexBitWidth);
}

LogicalResult
ConstexprLutToSparseOp::fold(FoldAdaptor adaptor,
                             SmallVectorImpl<OpFoldResult> &results) {
  auto maskType = cast<ShapedType>(getMask().getType());
  if (maskType.getNumElements() > kMaxFoldedElements)
    return failure();
  ElementsAttr lut = getKnownLut(getLutAttr(), adaptor.getLutOperand());
  if (!lut)
    return failure();
  RawElementsData lutData = getRawElementsData(lut);
  RawElementsData gridMask = getPackedElementsData(getIndicesMask());
  RawElementsData indexData = getRawElementsData(getIndices());
  if (!lutData.succeeded() || !gridMask.succeeded() || !indexData.succeeded())
    return failure();
  LutLayout layout = getLutLayout();
  auto asBytes = [](const RawElementsData &data) {
    return ArrayRef<uint8_t>(
        reinterpret_cast<const uint8_t *>(data.bytes.data()),
        data.bytes.size());
  };
  std::vector<char> mask(getMaskByteCount(maskType.getNumElements()));
  expandMask(layout, asBytes(gridMask),
             MutableArrayRef<uint8_t>(reinterpret_cast<uint8_t *>(mask.data()),
                                      mask.size()));
  auto dataType = cast<ShapedType>(getNonzeroData().getType());
  unsigned width = getElementByteWidth(dataType.getElementType());
  std::vector<char> data(dataType.getNumElements() * width);
  decodeLutToSparse(layout, asBytes(gridMask), asBytes(indexData),
                    lutData.bytes.data(), width, data.data());
  results.push_back(getDenseFromBlobLayout(maskType, mask));
  results.push_back(DenseElementsAttr::getFromRawBuffer(dataType, data));
  return success();
}
