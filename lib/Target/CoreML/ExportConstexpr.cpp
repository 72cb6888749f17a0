//===- ExportConstexpr.cpp - The dialect's compression ops to Core ML -----===//
//
// mil.const and the compression ops, in the form of the program's
// specification version: constexpr_lut_to_dense (iOS16 and iOS18),
// constexpr_blockwise_shift_scale, constexpr_sparse_to_dense and
// constexpr_lut_to_sparse (iOS18).
//
//===----------------------------------------------------------------------===//

#include "CoreMLExporter.h"

using namespace mlir;
using namespace palettize;
using namespace palettize::coreml;
using namespace palettize::coreml::detail;
using palettize::mil::getCheckedElementCount;
using palettize::mil::getRawElementsData;
using palettize::mil::RawElementsData;

LogicalResult CoreMLExporter::exportConst(mil::ConstOp op,
                                          milspec::Operation &operation) {
  operation.set_type("const");
  defineName(op.getResult());
  (*operation.mutable_attributes())["name"] =
      makeString(getName(op.getResult()));
  if (failed(exportValue(op, "attribute 'val'", op.getValue(),
                         /*mayUseBlob=*/true,
                         (*operation.mutable_attributes())["val"])))
    return failure();
  return addOutput(op, op.getResult(), operation);
}

LogicalResult CoreMLExporter::exportLutToDense(mil::ConstexprLutToDenseOp op,
                                               milspec::Operation &operation) {
  ShapedType lutType = op.getLutType();
  if (op.getLutOperand() || lutType.getRank() != 1 || op.getVectorAxis())
    return op.emitError()
           << "grouped, vector and computed LUTs need iOS18 (specification "
              "9); the module's specification is "
           << specVersion;
  unsigned bits = llvm::Log2_64(lutType.getNumElements());
  if (bits == 3)
    return op.emitError() << "3-bit indices need iOS18 (specification 9); "
                             "the module's specification is "
                          << specVersion;
  operation.set_type("constexpr_lut_to_dense");
  defineName(op.getResult());
  auto &attributes = *operation.mutable_attributes();
  attributes["name"] = makeString(getName(op.getResult()));
  if (failed(exportValue(op, "attribute 'indices'", op.getIndices(),
                         /*mayUseBlob=*/true, attributes["indices"])) ||
      failed(exportValue(op, "attribute 'lut'", *op.getLut(),
                         /*mayUseBlob=*/true, attributes["lut"])))
    return failure();
  auto resultType = cast<RankedTensorType>(op.getType());
  SmallVector<uint32_t> shape;
  for (int64_t size : resultType.getShape())
    shape.push_back(uint32_t(size));
  auto shapeType = RankedTensorType::get(
      {resultType.getRank()},
      IntegerType::get(context, 32, IntegerType::Unsigned));
  if (failed(exportValue(
          op, "attribute 'shape'",
          DenseElementsAttr::get(shapeType, ArrayRef<uint32_t>(shape)),
          /*mayUseBlob=*/true, attributes["shape"])))
    return failure();
  return addOutput(op, op.getResult(), operation);
}

LogicalResult CoreMLExporter::bindValueInput(Operation *op, StringRef name,
                                             Attribute value,
                                             milspec::Operation &operation) {
  milspec::Argument &argument = (*operation.mutable_inputs())[name.str()];
  return exportValue(op, ("input '" + name + "'").str(), value,
                     /*mayUseBlob=*/true,
                     *argument.add_arguments()->mutable_value());
}

LogicalResult
CoreMLExporter::bindConstexprInput(Operation *op, StringRef name, Value value,
                                   milspec::Operation &operation) {
  Operation *producer = value.getDefiningOp();
  if (auto constOp = dyn_cast_or_null<mil::ConstOp>(producer))
    return bindValueInput(op, name, constOp.getValue(), operation);
  if (isa_and_nonnull<
          mil::ConstexprLutToDenseOp, mil::ConstexprBlockwiseShiftScaleOp,
          mil::ConstexprSparseToDenseOp, mil::ConstexprLutToSparseOp>(
          producer)) {
    milspec::Argument &argument = (*operation.mutable_inputs())[name.str()];
    argument.add_arguments()->set_name(getName(value).str());
    return success();
  }
  return op->emitError() << "input '" << name
                         << "' must be a mil.const or a constexpr op to be "
                            "exported";
}

/// The packed `indices` of a LUT op as Core ML's iOS18 indices, a tensor of
/// `type` (uintN) over the same bytes, already in its layout.
static FailureOr<Attribute> getTypedIndices(Operation *op, ElementsAttr indices,
                                            RankedTensorType type) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(indices))
    return Attribute(
        DenseResourceElementsAttr::get(type, resource.getRawHandle()));
  mil::RawElementsData raw = getRawElementsData(indices);
  if (!raw.succeeded())
    return op->emitError() << "'indices': " << mil::describe(raw.error);
  return Attribute(DenseResourceElementsAttr::get(
      type, "indices",
      HeapAsmResourceBlob::allocateAndCopyWithAlign(raw.bytes, 64)));
}

LogicalResult
CoreMLExporter::exportLutToDenseIOS18(mil::ConstexprLutToDenseOp op,
                                      milspec::Operation &operation) {
  operation.set_type("constexpr_lut_to_dense");
  defineName(op.getResult());
  (*operation.mutable_attributes())["name"] =
      makeString(getName(op.getResult()));
  auto resultType = cast<RankedTensorType>(op.getType());
  ShapedType lutType = op.getLutType();
  const int64_t rank = resultType.getRank();
  // [2^n] is the iOS18 LUT [1, ..., 1, 2^n, 1].
  SmallVector<int64_t> lutShape(lutType.getShape());
  if (lutType.getRank() == 1) {
    lutShape.assign(rank, 1);
    lutShape.push_back(lutType.getDimSize(0));
    lutShape.push_back(1);
  }
  const int64_t vectorSize = lutShape.back();
  const unsigned bits = llvm::Log2_64(lutShape[rank]);
  // The indices have the result's shape, the vector axis divided by the
  // vector size; their bytes are already in Core ML's layout.
  SmallVector<int64_t> indicesShape(resultType.getShape());
  if (std::optional<int64_t> axis = op.getVectorAxis())
    indicesShape[*axis] /= vectorSize;
  auto indicesType = RankedTensorType::get(
      indicesShape, IntegerType::get(context, bits, IntegerType::Unsigned));
  FailureOr<Attribute> indicesValue =
      getTypedIndices(op, op.getIndices(), indicesType);
  if (failed(indicesValue))
    return failure();
  if (failed(bindValueInput(op, "indices", *indicesValue, operation)))
    return failure();
  if (failed(bindLutInputs(op, op.getLutOperand(), op.getLutAttr(), rank,
                           op.getVectorAxis(), operation)))
    return failure();
  return addOutput(op, op.getResult(), operation);
}

/// `attr`, a rank-1 tensor, reshaped to `shape`.
static ElementsAttr reshapeElements(ElementsAttr attr,
                                    ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(
      shape, cast<ShapedType>(attr.getType()).getElementType());
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    return DenseResourceElementsAttr::get(type, resource.getRawHandle());
  return cast<DenseElementsAttr>(attr).reshape(type);
}

LogicalResult CoreMLExporter::bindLutInputs(Operation *op, Value lutOperand,
                                            ElementsAttr lut, int64_t rank,
                                            std::optional<int64_t> vectorAxis,
                                            milspec::Operation &operation) {
  if (lutOperand) {
    // A computed per-tensor LUT is reshaped where it is computed (see
    // getIOS18LutShape).
    if (failed(bindConstexprInput(op, "lut", lutOperand, operation)))
      return failure();
  } else {
    auto lutType = cast<ShapedType>(lut.getType());
    if (lutType.getRank() == 1) {
      SmallVector<int64_t> shape(rank, 1);
      shape.push_back(lutType.getDimSize(0));
      shape.push_back(1);
      lut = reshapeElements(lut, shape);
    }
    if (failed(bindValueInput(op, "lut", lut, operation)))
      return failure();
  }
  if (!vectorAxis)
    return success();
  return bindValueInput(
      op, "vector_axis",
      DenseElementsAttr::get(
          RankedTensorType::get({}, IntegerType::get(context, 32)),
          APInt(32, uint64_t(*vectorAxis))),
      operation);
}

/// The iOS18 shape of a per-tensor LUT that `op` computes (an 8-bit LUT's
/// dequantization): `[1, ..., 1, 2^n, 1]` for the rank of the weight it
/// decodes, when `op` yields a rank-1 LUT that only LUT ops read.
static std::optional<SmallVector<int64_t>>
getIOS18LutShape(mil::ConstexprBlockwiseShiftScaleOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  if (type.getRank() != 1 || op->use_empty())
    return std::nullopt;
  std::optional<int64_t> weightRank;
  for (Operation *user : op->getUsers()) {
    int64_t rank;
    if (auto lut = dyn_cast<mil::ConstexprLutToDenseOp>(user);
        lut && lut.getLutOperand() == op.getResult())
      rank = cast<RankedTensorType>(lut.getType()).getRank();
    else if (auto sparse = dyn_cast<mil::ConstexprLutToSparseOp>(user);
             sparse && sparse.getLutOperand() == op.getResult())
      rank = cast<RankedTensorType>(sparse.getMask().getType()).getRank();
    else
      return std::nullopt;
    if (weightRank && *weightRank != rank)
      return std::nullopt;
    weightRank = rank;
  }
  SmallVector<int64_t> shape(*weightRank, 1);
  shape.push_back(type.getDimSize(0));
  shape.push_back(1);
  return shape;
}

LogicalResult
CoreMLExporter::exportShiftScale(mil::ConstexprBlockwiseShiftScaleOp op,
                                 milspec::Operation &operation) {
  operation.set_type("constexpr_blockwise_shift_scale");
  defineName(op.getResult());
  (*operation.mutable_attributes())["name"] =
      makeString(getName(op.getResult()));
  std::optional<SmallVector<int64_t>> lutShape = getIOS18LutShape(op);
  if (!lutShape) {
    if (failed(bindConstexprInput(op, "data", op.getData(), operation)) ||
        failed(bindValueInput(op, "scale", op.getScale(), operation)))
      return failure();
    if (std::optional<ElementsAttr> offset = op.getOffset())
      if (failed(bindValueInput(op, "offset", *offset, operation)))
        return failure();
    return addOutput(op, op.getResult(), operation);
  }
  // A per-tensor 8-bit LUT: its data, scale and offset take the LUT's rank.
  auto data = op.getData().getDefiningOp<mil::ConstOp>();
  if (!data)
    return op.emitError() << "the data of an 8-bit LUT must be a mil.const "
                             "to be exported";
  SmallVector<int64_t> scaleShape(lutShape->size(), 1);
  if (cast<ShapedType>(op.getScale().getType()).getNumElements() != 1)
    return op.emitError() << "a per-tensor 8-bit LUT has one scale";
  if (failed(bindValueInput(op, "data",
                            reshapeElements(data.getValue(), *lutShape),
                            operation)) ||
      failed(bindValueInput(
          op, "scale", reshapeElements(op.getScale(), scaleShape), operation)))
    return failure();
  if (std::optional<ElementsAttr> offset = op.getOffset())
    if (failed(bindValueInput(op, "offset",
                              reshapeElements(*offset, scaleShape), operation)))
      return failure();
  milspec::NamedValueType &output = *operation.add_outputs();
  output.set_name(getName(op.getResult()).str());
  return exportType(
      op,
      RankedTensorType::get(*lutShape,
                            cast<ShapedType>(op.getType()).getElementType()),
      *output.mutable_type());
}

LogicalResult
CoreMLExporter::exportSparseToDense(mil::ConstexprSparseToDenseOp op,
                                    milspec::Operation &operation) {
  operation.set_type("constexpr_sparse_to_dense");
  defineName(op.getResult());
  (*operation.mutable_attributes())["name"] =
      makeString(getName(op.getResult()));
  if (failed(bindConstexprInput(op, "mask", op.getMask(), operation)) ||
      failed(bindConstexprInput(op, "nonzero_data", op.getNonzeroData(),
                                operation)))
    return failure();
  return addOutput(op, op.getResult(), operation);
}

LogicalResult CoreMLExporter::exportLutToSparse(mil::ConstexprLutToSparseOp op,
                                                milspec::Operation &operation) {
  operation.set_type("constexpr_lut_to_sparse");
  defineName(op.getMask());
  defineName(op.getNonzeroData());
  // The op's own name: its name, or its first output's without "_0".
  std::string name;
  if (std::optional<StringRef> given = op.getName())
    name = given->str();
  else
    name = StringRef(getName(op.getMask())).str() + "_op";
  (*operation.mutable_attributes())["name"] = makeString(name);

  auto maskType = cast<RankedTensorType>(op.getMask().getType());
  const LutLayout layout = op.getLutLayout();
  if (failed(
          bindValueInput(op, "indices_mask", op.getIndicesMask(), operation)))
    return failure();
  // The stored indices as Core ML's uintN [D]; the bytes are already in
  // its layout.
  const int64_t stored =
      cast<ShapedType>(op.getNonzeroData().getType()).getDimSize(0) /
      layout.vectorSize;
  auto indicesType = RankedTensorType::get(
      {stored},
      IntegerType::get(context, layout.indexBitWidth, IntegerType::Unsigned));
  FailureOr<Attribute> indicesValue =
      getTypedIndices(op, op.getIndices(), indicesType);
  if (failed(indicesValue))
    return failure();
  if (failed(
          bindValueInput(op, "indices_nonzero_data", *indicesValue, operation)))
    return failure();
  if (failed(bindLutInputs(op, op.getLutOperand(), op.getLutAttr(),
                           maskType.getRank(), op.getVectorAxis(), operation)))
    return failure();
  if (failed(addOutput(op, op.getMask(), operation)))
    return failure();
  return addOutput(op, op.getNonzeroData(), operation);
}
