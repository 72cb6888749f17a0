//===- ImportConstexpr.cpp - Core ML compression ops to the dialect -------===//
//
// const and the compression ops the mil dialect models (constexpr_lut_to_dense
// in its iOS16 and iOS18 forms, constexpr_blockwise_shift_scale,
// constexpr_sparse_to_dense, constexpr_lut_to_sparse); an op in any other
// form is left to the generic import.
//
//===----------------------------------------------------------------------===//

#include "CoreMLImporter.h"
#include "Model.pb.h"
#include "Package.h"
#include "TypeConversion.h"

#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Dialect/MIL/IR/MILTypes.h"
#include "palettize/Lut/BitPacking.h"
#include "palettize/Target/CoreML/CoreML.h"
#include "palettize/Target/CoreML/WeightFile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <google/protobuf/stubs/logging.h>

#include <map>

using namespace mlir;
using namespace palettize;
using namespace palettize::coreml;
using namespace palettize::coreml::detail;
namespace spec = CoreML::Specification;

//===----------------------------------------------------------------------===//
// Operations
//===----------------------------------------------------------------------===//

/// Whether an op is in the form `mil.const` and friends keep whole: a single
/// output named after the op, nothing but `name` and the given attributes,
/// no inputs, no blocks, no unknown fields.
static bool hasPlainForm(const spec::MILSpec::Operation &operation,
                         StringRef name,
                         std::initializer_list<StringRef> attributes) {
  if (hasUnknownFields(operation) || operation.inputs_size() != 0 ||
      operation.blocks_size() != 0 || operation.outputs_size() != 1 ||
      operation.outputs(0).name() != name ||
      hasUnknownFields(operation.outputs(0)) ||
      size_t(operation.attributes_size()) != attributes.size() + 1)
    return false;
  for (StringRef attribute : attributes)
    if (!operation.attributes().count(attribute.str()))
      return false;
  return true;
}

FailureOr<Operation *>
CoreMLImporter::importConst(const spec::MILSpec::Operation &operation,
                            StringRef name) {
  if (!hasPlainForm(operation, name, {"val"}))
    return nullptr;
  FailureOr<Type> type = convertOutputType(operation, name);
  if (failed(type))
    return failure();
  site.field = "attribute 'val'";
  FailureOr<Attribute> value = convertValue(operation.attributes().at("val"));
  site.field.clear();
  if (failed(value))
    return failure();
  auto elements = dyn_cast<ElementsAttr>(*value);
  if (!elements || elements.getType() != *type)
    return nullptr;
  return mil::ConstOp::create(builder, getOpLoc(name), *type, elements,
                              builder.getStringAttr(name))
      .getOperation();
}

FailureOr<Operation *>
CoreMLImporter::importLutToDense(const spec::MILSpec::Operation &operation,
                                 StringRef name) {
  // The iOS16 form: parameters as attributes. (importLutToDenseIOS18 reads
  // the iOS18 form, with inputs.)
  if (!hasPlainForm(operation, name, {"indices", "lut", "shape"}))
    return nullptr;
  FailureOr<Type> type = convertOutputType(operation, name);
  if (failed(type))
    return failure();
  bool broken = false;
  auto read = [&](StringRef field) -> ElementsAttr {
    site.field = ("attribute '" + field + "'").str();
    FailureOr<Attribute> value =
        convertValue(operation.attributes().at(field.str()));
    site.field.clear();
    broken |= failed(value);
    return succeeded(value) ? dyn_cast<ElementsAttr>(*value) : ElementsAttr();
  };
  ElementsAttr indices = read("indices");
  ElementsAttr lut = read("lut");
  ElementsAttr shape = read("shape");
  if (broken)
    return failure();
  if (!indices || !lut || !shape)
    return nullptr;
  auto resultType = dyn_cast<RankedTensorType>(*type);
  auto shapeType = cast<ShapedType>(shape.getType());
  if (!resultType || shapeType.getRank() != 1 ||
      !shapeType.getElementType().isUnsignedInteger(32) ||
      shapeType.getNumElements() != resultType.getRank())
    return nullptr;
  for (auto [size, expected] :
       llvm::zip(shape.getValues<APInt>(), resultType.getShape()))
    if (int64_t(size.getZExtValue()) != expected)
      return nullptr;
  return mil::ConstexprLutToDenseOp::create(
             builder, getOpLoc(name), resultType, lut, indices,
             /*vector_axis=*/IntegerAttr(), builder.getStringAttr(name))
      .getOperation();
}

/// Whether an op is in the iOS18 constexpr form: parameters as inputs with
/// one binding each (among `inputs`, all of `required`), `name` the only
/// attribute, one output named after the op, no blocks.
static bool hasInputForm(const spec::MILSpec::Operation &operation,
                         StringRef name,
                         std::initializer_list<StringRef> required,
                         std::initializer_list<StringRef> optional) {
  if (hasUnknownFields(operation) || operation.blocks_size() != 0 ||
      operation.outputs_size() != 1 || operation.outputs(0).name() != name ||
      hasUnknownFields(operation.outputs(0)) ||
      operation.attributes_size() != 1)
    return false;
  for (StringRef input : required)
    if (!operation.inputs().count(input.str()))
      return false;
  for (const auto &[input, argument] : operation.inputs()) {
    if (!llvm::is_contained(required, input) &&
        !llvm::is_contained(optional, input))
      return false;
    if (argument.arguments_size() != 1 || hasUnknownFields(argument) ||
        hasUnknownFields(argument.arguments(0)))
      return false;
  }
  return true;
}

LogicalResult
CoreMLImporter::readConstexprInput(const spec::MILSpec::Operation &operation,
                                   StringRef input, Attribute &attribute,
                                   Value &operand) {
  attribute = Attribute();
  operand = Value();
  auto it = operation.inputs().find(input.str());
  if (it == operation.inputs().end())
    return success();
  const spec::MILSpec::Argument::Binding &binding = it->second.arguments(0);
  site.field = ("input '" + input + "'").str();
  if (binding.has_name()) {
    operand = lookup(binding.name());
    if (!operand) {
      emitError("'" + binding.name() + "' names no value defined before");
      return failure();
    }
  } else if (binding.has_value()) {
    FailureOr<Attribute> value = convertValue(binding.value());
    if (failed(value))
      return failure();
    attribute = *value;
  }
  site.field.clear();
  return success();
}

/// The packed bytes of iOS18 indices (a tensor of the output's shape of
/// 1- to 8-bit unsigned integers) as the dialect's rank-1 ui8 tensor, or
/// null when `indices` is not such a tensor.
static ElementsAttr getPackedIndices(Attribute indices, unsigned &bits) {
  auto elements = dyn_cast_or_null<ElementsAttr>(indices);
  if (!elements)
    return {};
  auto type = cast<ShapedType>(elements.getType());
  auto integer = dyn_cast<IntegerType>(type.getElementType());
  if (!integer || !integer.isUnsigned() || integer.getWidth() > 8)
    return {};
  bits = integer.getWidth();
  std::optional<int64_t> bytes = mil::getBlobByteCount(type);
  if (!bytes)
    return {};
  auto packedType = RankedTensorType::get(
      {*bytes}, IntegerType::get(type.getContext(), 8, IntegerType::Unsigned));
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(elements))
    return DenseResourceElementsAttr::get(packedType, resource.getRawHandle());
  // An immediate: pack its values, LSB-first.
  std::vector<uint8_t> packed =
      mil::packSubByteElements(cast<DenseElementsAttr>(elements));
  return DenseElementsAttr::get(packedType, ArrayRef<uint8_t>(packed));
}

/// The dialect's vector axis of an iOS18 `vector_axis` value, an int32
/// scalar; null when it is not one.
static IntegerAttr getVectorAxis(Attribute value) {
  auto axis = dyn_cast<DenseElementsAttr>(value);
  if (!axis || axis.getNumElements() != 1 ||
      !axis.getElementType().isInteger(32))
    return {};
  return IntegerAttr::get(IntegerType::get(value.getContext(), 64),
                          (*axis.getValues<APInt>().begin()).getSExtValue());
}

FailureOr<Operation *>
CoreMLImporter::importLutToDenseIOS18(const spec::MILSpec::Operation &operation,
                                      StringRef name) {
  if (!hasInputForm(operation, name, {"indices", "lut"}, {"vector_axis"}))
    return nullptr;
  FailureOr<Type> type = convertOutputType(operation, name);
  if (failed(type))
    return failure();
  Attribute indicesValue, lutValue, axisValue;
  Value indicesOperand, lutOperand, axisOperand;
  if (failed(readConstexprInput(operation, "indices", indicesValue,
                                indicesOperand)) ||
      failed(readConstexprInput(operation, "lut", lutValue, lutOperand)) ||
      failed(
          readConstexprInput(operation, "vector_axis", axisValue, axisOperand)))
    return failure();
  unsigned bits = 0;
  ElementsAttr indices = getPackedIndices(indicesValue, bits);
  auto resultType = dyn_cast<RankedTensorType>(*type);
  if (!indices || !resultType || axisOperand ||
      (!lutOperand && !isa_and_nonnull<ElementsAttr>(lutValue)))
    return nullptr;
  IntegerAttr vectorAxis;
  if (axisValue && !(vectorAxis = getVectorAxis(axisValue)))
    return nullptr;
  if (lutOperand)
    return mil::ConstexprLutToDenseOp::create(
               builder, getOpLoc(name), resultType, lutOperand, indices,
               vectorAxis, builder.getStringAttr(name))
        .getOperation();
  return mil::ConstexprLutToDenseOp::create(
             builder, getOpLoc(name), resultType, cast<ElementsAttr>(lutValue),
             indices, vectorAxis, builder.getStringAttr(name))
      .getOperation();
}

FailureOr<Operation *>
CoreMLImporter::importShiftScale(const spec::MILSpec::Operation &operation,
                                 StringRef name) {
  if (!hasInputForm(operation, name, {"data", "scale"}, {"offset"}))
    return nullptr;
  FailureOr<Type> type = convertOutputType(operation, name);
  if (failed(type))
    return failure();
  Attribute dataValue, scaleValue, offsetValue;
  Value dataOperand, scaleOperand, offsetOperand;
  if (failed(readConstexprInput(operation, "data", dataValue, dataOperand)) ||
      failed(
          readConstexprInput(operation, "scale", scaleValue, scaleOperand)) ||
      failed(
          readConstexprInput(operation, "offset", offsetValue, offsetOperand)))
    return failure();
  auto scale = dyn_cast_or_null<ElementsAttr>(scaleValue);
  auto offset = dyn_cast_or_null<ElementsAttr>(offsetValue);
  if (!scale || scaleOperand || offsetOperand || (offsetValue && !offset))
    return nullptr;
  if (!dataOperand) {
    // Inline data becomes a constant of its own; the exporter writes it back
    // inline.
    auto data = dyn_cast_or_null<ElementsAttr>(dataValue);
    if (!data)
      return nullptr;
    dataOperand =
        mil::ConstOp::create(builder, getOpLoc(name), data.getType(), data,
                             builder.getStringAttr(name + "_data"))
            .getResult();
  }
  return mil::ConstexprBlockwiseShiftScaleOp::create(
             builder, getOpLoc(name), *type, dataOperand, scale, offset,
             builder.getStringAttr(name))
      .getOperation();
}

FailureOr<Value>
CoreMLImporter::readConstexprOperand(const spec::MILSpec::Operation &operation,
                                     StringRef input, StringRef name,
                                     StringRef suffix) {
  Attribute value;
  Value operand;
  if (failed(readConstexprInput(operation, input, value, operand)))
    return failure();
  if (operand)
    return operand;
  auto elements = dyn_cast_or_null<ElementsAttr>(value);
  if (!elements)
    return Value();
  // Inline values become constants of their own; the exporter writes them
  // back inline.
  return mil::ConstOp::create(builder, getOpLoc(name), elements.getType(),
                              elements,
                              builder.getStringAttr(name + "_" + suffix))
      .getResult();
}

FailureOr<Operation *>
CoreMLImporter::importSparseToDense(const spec::MILSpec::Operation &operation,
                                    StringRef name) {
  if (!hasInputForm(operation, name, {"mask", "nonzero_data"}, {}))
    return nullptr;
  FailureOr<Type> type = convertOutputType(operation, name);
  if (failed(type))
    return failure();
  FailureOr<Value> mask = readConstexprOperand(operation, "mask", name, "mask");
  if (failed(mask))
    return failure();
  FailureOr<Value> data =
      readConstexprOperand(operation, "nonzero_data", name, "data");
  if (failed(data))
    return failure();
  if (!*mask || !*data)
    return nullptr;
  return mil::ConstexprSparseToDenseOp::create(builder, getOpLoc(name), *type,
                                               *mask, *data,
                                               builder.getStringAttr(name))
      .getOperation();
}

FailureOr<Operation *>
CoreMLImporter::importLutToSparse(const spec::MILSpec::Operation &operation,
                                  StringRef name) {
  // Two outputs, named as Core ML's tools name them: <name>_0 (the mask)
  // and <name>_1 (the values). Another naming stays a generic op.
  if (hasUnknownFields(operation) || operation.blocks_size() != 0 ||
      operation.outputs_size() != 2 || operation.attributes_size() != 1 ||
      operation.outputs(0).name() != (name + "_0").str() ||
      operation.outputs(1).name() != (name + "_1").str() ||
      hasUnknownFields(operation.outputs(0)) ||
      hasUnknownFields(operation.outputs(1)))
    return nullptr;
  static constexpr llvm::StringLiteral kInputs[] = {
      "indices_mask", "indices_nonzero_data", "lut", "vector_axis"};
  for (const auto &[input, argument] : operation.inputs())
    if (!llvm::is_contained(kInputs, input) || argument.arguments_size() != 1 ||
        hasUnknownFields(argument) || hasUnknownFields(argument.arguments(0)))
      return nullptr;
  SmallVector<Type, 2> types;
  for (const spec::MILSpec::NamedValueType &output : operation.outputs()) {
    site.field = "output '" + output.name() + "'";
    FailureOr<Type> type = convertValueTypeAt(output.type());
    site.field.clear();
    if (failed(type))
      return failure();
    types.push_back(*type);
  }
  Attribute maskValue, indicesValue, lutValue, axisValue;
  Value maskOperand, indicesOperand, lutOperand, axisOperand;
  if (failed(readConstexprInput(operation, "indices_mask", maskValue,
                                maskOperand)) ||
      failed(readConstexprInput(operation, "indices_nonzero_data", indicesValue,
                                indicesOperand)) ||
      failed(readConstexprInput(operation, "lut", lutValue, lutOperand)) ||
      failed(
          readConstexprInput(operation, "vector_axis", axisValue, axisOperand)))
    return failure();
  unsigned bits = 0;
  auto mask = dyn_cast_or_null<ElementsAttr>(maskValue);
  ElementsAttr indices = getPackedIndices(indicesValue, bits);
  if (!mask || !indices || maskOperand || indicesOperand || axisOperand ||
      (!lutOperand && !isa_and_nonnull<ElementsAttr>(lutValue)) ||
      !isa<RankedTensorType>(types[0]) || !isa<RankedTensorType>(types[1]))
    return nullptr;
  IntegerAttr vectorAxis;
  if (axisValue && !(vectorAxis = getVectorAxis(axisValue)))
    return nullptr;
  return mil::ConstexprLutToSparseOp::create(
             builder, getOpLoc(name), types[0], types[1], mask, lutOperand,
             dyn_cast_or_null<ElementsAttr>(lutValue), indices, vectorAxis,
             builder.getStringAttr(name))
      .getOperation();
}
