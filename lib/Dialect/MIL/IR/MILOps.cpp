//===- MILOps.cpp - mil dialect operations --------------------------------===//

#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "MILOpsVerification.h"
#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Lut/BitPacking.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

//===----------------------------------------------------------------------===//
// ConstOp
//===----------------------------------------------------------------------===//

OpFoldResult ConstOp::fold(FoldAdaptor) { return getValueAttr(); }

LogicalResult ConstOp::verify() {
  // Any elements attribute is a valid value; its size must fit, and a blob
  // must match its type.
  if (!getCheckedElementCount(getValue().getShapedType()))
    return emitOpError("'value' type ")
           << getValue().getType() << " has more elements than fit in memory";
  if (!isa<DenseResourceElementsAttr>(getValue()))
    return success();
  return verifyStorage(*this, "value", getValue());
}

//===----------------------------------------------------------------------===//
// ConstexprLutToDenseOp
//===----------------------------------------------------------------------===//

/// Largest result, in elements, that the folder decodes. Folding a large
/// weight would rebuild it as a uniqued DenseElementsAttr, undoing the
/// compression and costing memory the size of the decoded model.
const int64_t palettize::mil::kMaxFoldedElements = 256;

/// Checks that `attr`, the `name` attribute of `op`, is storage this dialect
/// can read: a dense or dense_resource tensor whose element count fits in
/// int64_t, and a dense_resource blob, when present, of the size its type
/// implies.
LogicalResult palettize::mil::verifyStorage(Operation *op, StringRef name,
                                            ElementsAttr attr) {
  if (!isa<DenseElementsAttr, DenseResourceElementsAttr>(attr))
    return op->emitOpError("'")
           << name << "' must be a dense or dense_resource attribute";
  if (!isa<RankedTensorType>(attr.getType()))
    return op->emitOpError("'")
           << name << "' must be a tensor, got " << attr.getType();
  ShapedType type = attr.getShapedType();
  if (!getCheckedElementCount(type))
    return op->emitOpError("'") << name << "' type " << type
                                << " has more elements than fit in memory";
  if (!isa<DenseResourceElementsAttr>(attr))
    return success();
  if (!hasBlobLayout(type.getElementType()))
    return op->emitOpError("'")
           << name << "' element type " << type.getElementType()
           << " has no dense_resource layout";
  std::optional<int64_t> blobBytes = getBlobByteCount(type);
  if (!blobBytes)
    return op->emitOpError("'")
           << name << "' type " << type << " has more bytes than fit in memory";
  // A blob without data is resolved later (or reported when it is read).
  std::optional<uint64_t> stored = getStoredByteCount(attr);
  const uint64_t expected = uint64_t(*blobBytes);
  if (stored && *stored != expected)
    return op->emitOpError("'")
           << name << "' resource blob must hold " << expected
           << " bytes for its type " << attr.getType() << ", got " << *stored;
  return success();
}

/// The deepest chain of constexpr ops a value may come from (Core ML's are
/// a few deep: a LUT dequantized by a shift-scale, a sparse LUT feeding a
/// sparse decode). The bound keeps the chain walk below linear, and a cycle
/// (possible in graph regions, where operands need not dominate) ends the
/// walk at its start or at the bound.
static constexpr unsigned kMaxConstexprChain = 16;

/// The compile-time operand a constexpr op decodes from, if it has one.
static Value getDecodedOperand(Operation *op) {
  if (auto lut = dyn_cast<ConstexprLutToDenseOp>(op))
    return lut.getLutOperand();
  if (auto shift = dyn_cast<ConstexprBlockwiseShiftScaleOp>(op))
    return shift.getData();
  if (auto sparse = dyn_cast<ConstexprSparseToDenseOp>(op))
    return sparse.getNonzeroData();
  if (auto lut = dyn_cast<ConstexprLutToSparseOp>(op))
    return lut.getLutOperand();
  return Value();
}

/// Checks that `value`, operand `name` of `op`, is known at compile time:
/// defined by a constant op or by another constexpr op of this dialect,
/// through a chain of at most kMaxConstexprChain constexpr ops that does
/// not come back to `op`.
LogicalResult palettize::mil::verifyCompileTimeOperand(Operation *op,
                                                       StringRef name,
                                                       Value value) {
  auto isConstexpr = [](Operation *producer) {
    return isa_and_nonnull<ConstexprLutToDenseOp,
                           ConstexprBlockwiseShiftScaleOp,
                           ConstexprSparseToDenseOp, ConstexprLutToSparseOp>(
        producer);
  };
  Operation *producer = value.getDefiningOp();
  if (producer && producer->hasTrait<OpTrait::ConstantLike>())
    return success();
  if (!isConstexpr(producer))
    return op->emitOpError("'")
           << name
           << "' must be a compile-time constant, defined by a constant op or "
              "a mil constexpr op";
  // Up the chain; where it leaves the constexpr ops, the op there checks
  // its own operand.
  for (unsigned depth = 1; isConstexpr(producer); ++depth) {
    if (producer == op)
      return op->emitOpError("'")
             << name << "' depends on the op's own result, through a cycle "
             << "of " << depth << " constexpr ops";
    if (depth > kMaxConstexprChain)
      return op->emitOpError("'")
             << name << "' comes from a chain of more than "
             << kMaxConstexprChain << " constexpr ops";
    Value next = getDecodedOperand(producer);
    producer = next ? next.getDefiningOp() : nullptr;
  }
  return success();
}

/// Parses the LUT of a constexpr_lut_to_dense: an elements attribute, or
/// `%value : type`.
static ParseResult
parseLutSource(OpAsmParser &parser, ElementsAttr &lut,
               std::optional<OpAsmParser::UnresolvedOperand> &lutOperand,
               Type &lutOperandType) {
  OpAsmParser::UnresolvedOperand operand;
  OptionalParseResult parsedOperand = parser.parseOptionalOperand(operand);
  if (parsedOperand.has_value()) {
    if (failed(*parsedOperand) || parser.parseColonType(lutOperandType))
      return failure();
    lutOperand = operand;
    return success();
  }
  SMLoc loc = parser.getCurrentLocation();
  Attribute attr;
  if (parser.parseAttribute(attr))
    return failure();
  lut = dyn_cast<ElementsAttr>(attr);
  if (!lut)
    return parser.emitError(loc, "expected an elements attribute or an SSA "
                                 "value for 'lut'");
  return success();
}

static void printLutSource(OpAsmPrinter &printer, Operation *, ElementsAttr lut,
                           Value lutOperand, Type lutOperandType) {
  if (lutOperand) {
    printer << lutOperand << " : " << lutOperandType;
    return;
  }
  printer.printAttribute(lut);
}

/// Checks the LUT of a LUT op: exactly one of `lut` (an attribute) and
/// `lutOperand`, of a float or 8-bit integer type, readable storage or a
/// compile-time operand.
LogicalResult palettize::mil::verifyLutSource(Operation *op, ElementsAttr lut,
                                              Value lutOperand) {
  if (bool(lut) == bool(lutOperand))
    return op->emitOpError(
        "needs exactly one 'lut': an attribute or an operand");
  Type element = lut ? lut.getElementType()
                     : cast<ShapedType>(lutOperand.getType()).getElementType();
  if (!element.isInteger(8) &&
      !isa<Float16Type, BFloat16Type, Float32Type>(element))
    return op->emitOpError("'lut' element type must be f16, bf16, f32, i8, "
                           "si8 or ui8, got ")
           << element;
  if (lut)
    return verifyStorage(op, "lut", lut);
  return verifyCompileTimeOperand(op, "lut", lutOperand);
}

/// Checks the `indices` of a LUT op: a rank-1 ui8 tensor of readable
/// storage holding exactly `count` indices of `bits` bits, packed.
LogicalResult palettize::mil::verifyPackedIndices(Operation *op,
                                                  ElementsAttr indices,
                                                  int64_t count,
                                                  unsigned bits) {
  auto type = indices.getShapedType();
  if (type.getRank() != 1 || !type.getElementType().isUnsignedInteger(8))
    return op->emitOpError("'indices' must be a rank-1 tensor of ui8, got ")
           << type;
  if (failed(verifyStorage(op, "indices", indices)))
    return failure();
  const uint64_t expected = getPackedIndicesByteCount(count, bits);
  if (uint64_t(type.getDimSize(0)) != expected)
    return op->emitOpError("'indices' must hold ceil(")
           << bits << " * " << count << " / 8) = " << expected << " bytes ("
           << count << " indices of " << bits << " bits), got "
           << type.getDimSize(0);
  return success();
}

ShapedType ConstexprLutToDenseOp::getLutType() {
  if (Value operand = getLutOperand())
    return cast<ShapedType>(operand.getType());
  return getLutAttr().getShapedType();
}

LogicalResult ConstexprLutToDenseOp::verify() {
  auto resultType = cast<RankedTensorType>(getType());
  Type elementType = resultType.getElementType();

  // The LUT: exactly one source, its element type, storage and shape.
  if (failed(verifyLutSource(*this, getLutAttr(), getLutOperand())))
    return failure();
  ShapedType lutType = getLutType();
  Type lutElementType = lutType.getElementType();
  if (lutElementType != elementType)
    return emitOpError("'lut' element type ")
           << lutElementType << " must match the result element type "
           << elementType;

  // The LUT's shape against the result's: the rules LutLayout::infer
  // checks.
  llvm::Expected<LutLayout> layout = LutLayout::infer(
      resultType.getShape(), lutType.getShape(), getVectorAxis());
  if (!layout)
    return emitOpError(llvm::toString(layout.takeError()));

  // The packed indices.
  return verifyPackedIndices(*this, getIndices(), layout->getIndexCount(),
                             layout->indexBitWidth);
}

LutLayout ConstexprLutToDenseOp::getLutLayout() {
  // The verifier checked the same rules.
  return llvm::cantFail(LutLayout::infer(cast<ShapedType>(getType()).getShape(),
                                         getLutType().getShape(),
                                         getVectorAxis()),
                        "verified op with an inconsistent LUT layout");
}

/// The LUT attribute, or else the folded value of the LUT operand.
ElementsAttr palettize::mil::getKnownLut(ElementsAttr lut, Attribute folded) {
  return lut ? lut : dyn_cast_or_null<ElementsAttr>(folded);
}

OpFoldResult ConstexprLutToDenseOp::fold(FoldAdaptor adaptor) {
  auto resultType = cast<ShapedType>(getType());
  if (resultType.getNumElements() > kMaxFoldedElements)
    return {};
  ElementsAttr lut = getKnownLut(getLutAttr(), adaptor.getLutOperand());
  if (!lut)
    return {};
  RawElementsData lutData = getRawElementsData(lut);
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

//===----------------------------------------------------------------------===//
// ConstexprBlockwiseShiftScaleOp
//===----------------------------------------------------------------------===//

LogicalResult ConstexprBlockwiseShiftScaleOp::verify() {
  auto dataType = cast<RankedTensorType>(getData().getType());
  auto resultType = cast<RankedTensorType>(getType());
  if (!getCheckedElementCount(resultType))
    return emitOpError("result type ")
           << resultType << " has more elements than fit in memory";
  Type dataElementType = dataType.getElementType();
  if (!dataElementType.isInteger(8) && !dataElementType.isInteger(4) &&
      !isa<Float16Type, BFloat16Type, Float32Type>(dataElementType))
    return emitOpError("'data' element type must be i4, si4, ui4, i8, si8, "
                       "ui8, f16, bf16 or f32, got ")
           << dataElementType;
  if (failed(verifyCompileTimeOperand(*this, "data", getData())))
    return failure();
  if (resultType.getShape() != dataType.getShape())
    return emitOpError("result shape must equal the 'data' shape ") << dataType;

  ElementsAttr scale = getScale();
  Type scaleElementType = scale.getElementType();
  if (!isa<Float16Type, BFloat16Type, Float32Type>(scaleElementType))
    return emitOpError("'scale' element type must be f16, bf16 or f32, got ")
           << scaleElementType;
  if (scaleElementType != resultType.getElementType())
    return emitOpError("'scale' element type ")
           << scaleElementType << " must match the result element type "
           << resultType.getElementType();
  if (failed(verifyStorage(*this, "scale", scale)))
    return failure();
  ArrayRef<int64_t> scaleShape = scale.getShapedType().getShape();
  if (scaleShape.size() != dataType.getShape().size())
    return emitOpError("'scale' must have the rank of 'data' (")
           << dataType.getRank() << "), got rank " << scaleShape.size();
  for (auto [dim, sizes] :
       llvm::enumerate(llvm::zip_equal(scaleShape, dataType.getShape()))) {
    auto [scaleSize, dataSize] = sizes;
    if (scaleSize < 1 || dataSize % scaleSize != 0)
      return emitOpError("'scale' dimension ")
             << dim << " (size " << scaleSize
             << ") must divide the 'data' dimension (size " << dataSize << ")";
  }

  if (ElementsAttr offset = getOffsetAttr()) {
    if (offset.getShapedType().getShape() != scaleShape)
      return emitOpError("'offset' must have the shape of 'scale' ")
             << scale.getShapedType() << ", got " << offset.getShapedType();
    if (offset.getElementType() != dataElementType)
      return emitOpError("'offset' element type ")
             << offset.getElementType()
             << " must match the 'data' element type " << dataElementType;
    if (failed(verifyStorage(*this, "offset", offset)))
      return failure();
  }
  return success();
}

BlockwiseLayout ConstexprBlockwiseShiftScaleOp::getBlockwiseLayout() {
  ArrayRef<int64_t> dataShape =
      cast<ShapedType>(getData().getType()).getShape();
  ArrayRef<int64_t> scaleShape = getScale().getShapedType().getShape();
  BlockwiseLayout layout;
  layout.dataShape.assign(dataShape.begin(), dataShape.end());
  layout.scaleShape.assign(scaleShape.begin(), scaleShape.end());
  return layout;
}

#define GET_OP_CLASSES
#include "palettize/Dialect/MIL/IR/MILOps.cpp.inc"

//===----------------------------------------------------------------------===//
// GenericOp
//===----------------------------------------------------------------------===//

/// Whether `attr` can stand for an inline value in a generic op.
static bool isInlineValue(Attribute attr) {
  return isa<ElementsAttr, SerializedValueAttr>(attr);
}

LogicalResult GenericOp::verify() {
  if (getOpType().empty())
    return emitOpError("'op_type' must not be empty");
  std::vector<unsigned> bindingsPerOperand(getNumOperands(), 0);
  for (NamedAttribute input : getInputs()) {
    auto bindings = dyn_cast<ArrayAttr>(input.getValue());
    if (!bindings)
      return emitOpError("input '")
             << input.getName().getValue() << "' must be a list of bindings";
    for (Attribute binding : bindings) {
      if (auto index = dyn_cast<IntegerAttr>(binding)) {
        if (!index.getType().isIndex() || index.getInt() < 0 ||
            uint64_t(index.getInt()) >= getNumOperands())
          return emitOpError("input '")
                 << input.getName().getValue() << "' binds operand "
                 << index.getValue().getSExtValue() << ", but the op has "
                 << getNumOperands() << " operands";
        ++bindingsPerOperand[index.getInt()];
        continue;
      }
      if (!isInlineValue(binding))
        return emitOpError("input '")
               << input.getName().getValue()
               << "' has a binding that is neither an operand number nor a "
                  "value: "
               << binding;
    }
  }
  for (auto [number, count] : llvm::enumerate(bindingsPerOperand))
    if (count != 1)
      return emitOpError("operand #")
             << number << " must be bound by exactly one input, found "
             << count;
  if (std::optional<DictionaryAttr> attrs = getAttrs())
    for (NamedAttribute attr : *attrs)
      if (!isInlineValue(attr.getValue()))
        return emitOpError("attribute '")
               << attr.getName().getValue() << "' must be a value, got "
               << attr.getValue();
  if (getResultNames().size() != getNumResults())
    return emitOpError("has ") << getNumResults() << " results but "
                               << getResultNames().size() << " 'result_names'";
  return success();
}

LogicalResult GenericOp::verifyRegions() {
  std::optional<ArrayAttr> blockInputNames = getBlockInputNames();
  if (blockInputNames && blockInputNames->size() != getNumRegions())
    return emitOpError("has ")
           << getNumRegions() << " blocks but " << blockInputNames->size()
           << " lists of 'block_input_names'";
  for (auto [number, region] : llvm::enumerate(getBlocks())) {
    Block &block = region.front();
    size_t names = blockInputNames
                       ? cast<ArrayAttr>((*blockInputNames)[number]).size()
                       : 0;
    if (names != block.getNumArguments())
      return emitOpError("block #")
             << number << " has " << block.getNumArguments()
             << " arguments but " << names << " 'block_input_names'";
    if (!isa<YieldOp>(block.getTerminator()))
      return emitOpError("block #") << number << " must end with mil.yield";
  }
  return success();
}

void GenericOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  for (auto [result, name] : llvm::zip(getResults(), getResultNames()))
    setNameFn(result, cast<StringAttr>(name).getValue());
}

SmallVector<Value> GenericOp::getInputOperands(StringRef name) {
  SmallVector<Value> operands;
  auto bindings = getInputs().getAs<ArrayAttr>(name);
  if (!bindings)
    return operands;
  for (Attribute binding : bindings)
    if (auto index = dyn_cast<IntegerAttr>(binding))
      operands.push_back(getOperand(index.getInt()));
  return operands;
}

void GenericOp::getAsmBlockArgumentNames(Region &region,
                                         OpAsmSetValueNameFn setNameFn) {
  std::optional<ArrayAttr> blockInputNames = getBlockInputNames();
  unsigned number = region.getRegionNumber();
  if (!blockInputNames || number >= blockInputNames->size())
    return;
  auto names = cast<ArrayAttr>((*blockInputNames)[number]);
  for (auto [argument, name] : llvm::zip(region.getArguments(), names))
    setNameFn(argument, cast<StringAttr>(name).getValue());
}
