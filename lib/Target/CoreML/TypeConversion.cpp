//===- TypeConversion.cpp - MIL value types <-> MLIR types ----------------===//

#include "TypeConversion.h"

#include "palettize/Dialect/MIL/IR/MILTypes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace palettize::coreml;
namespace mil = palettize::mil;

static llvm::Error typeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

Type palettize::coreml::convertDataType(milspec::DataType type,
                                        MLIRContext *context) {
  Builder b(context);
  auto unsignedType = [&](unsigned width) {
    return IntegerType::get(context, width, IntegerType::Unsigned);
  };
  switch (type) {
  case milspec::BOOL:
    return b.getI1Type();
  case milspec::STRING:
    return mil::StringType::get(context);
  case milspec::FLOAT16:
    return b.getF16Type();
  case milspec::FLOAT32:
    return b.getF32Type();
  case milspec::FLOAT64:
    return b.getF64Type();
  case milspec::BFLOAT16:
    return b.getBF16Type();
  case milspec::FLOAT8E4M3FN:
    return Float8E4M3FNType::get(context);
  case milspec::FLOAT8E5M2:
    return Float8E5M2Type::get(context);
  case milspec::INT4:
    return b.getIntegerType(4);
  case milspec::INT8:
    return b.getIntegerType(8);
  case milspec::INT16:
    return b.getIntegerType(16);
  case milspec::INT32:
    return b.getIntegerType(32);
  case milspec::INT64:
    return b.getIntegerType(64);
  case milspec::UINT1:
    return unsignedType(1);
  case milspec::UINT2:
    return unsignedType(2);
  case milspec::UINT3:
    return unsignedType(3);
  case milspec::UINT4:
    return unsignedType(4);
  case milspec::UINT6:
    return unsignedType(6);
  case milspec::UINT8:
    return unsignedType(8);
  case milspec::UINT16:
    return unsignedType(16);
  case milspec::UINT32:
    return unsignedType(32);
  case milspec::UINT64:
    return unsignedType(64);
  default:
    return Type();
  }
}

std::optional<milspec::DataType>
palettize::coreml::convertElementType(Type type) {
  // Booleans are signless; ui1 is Core ML's packed uint1.
  if (type.isSignlessInteger(1))
    return milspec::BOOL;
  if (isa<mil::StringType>(type))
    return milspec::STRING;
  if (type.isF16())
    return milspec::FLOAT16;
  if (type.isF32())
    return milspec::FLOAT32;
  if (type.isF64())
    return milspec::FLOAT64;
  if (type.isBF16())
    return milspec::BFLOAT16;
  if (isa<Float8E4M3FNType>(type))
    return milspec::FLOAT8E4M3FN;
  if (isa<Float8E5M2Type>(type))
    return milspec::FLOAT8E5M2;
  auto integer = dyn_cast<IntegerType>(type);
  if (!integer)
    return std::nullopt;
  if (integer.isUnsigned()) {
    switch (integer.getWidth()) {
    case 1:
      return milspec::UINT1;
    case 2:
      return milspec::UINT2;
    case 3:
      return milspec::UINT3;
    case 4:
      return milspec::UINT4;
    case 6:
      return milspec::UINT6;
    case 8:
      return milspec::UINT8;
    case 16:
      return milspec::UINT16;
    case 32:
      return milspec::UINT32;
    case 64:
      return milspec::UINT64;
    }
    return std::nullopt;
  }
  switch (integer.getWidth()) {
  case 4:
    return milspec::INT4;
  case 8:
    return milspec::INT8;
  case 16:
    return milspec::INT16;
  case 32:
    return milspec::INT32;
  case 64:
    return milspec::INT64;
  }
  return std::nullopt;
}

std::optional<BlobDataType> palettize::coreml::getBlobDataType(Type type) {
  std::optional<milspec::DataType> dataType = convertElementType(type);
  if (!dataType)
    return std::nullopt;
  switch (*dataType) {
  case milspec::FLOAT16:
    return BlobDataType::Float16;
  case milspec::FLOAT32:
    return BlobDataType::Float32;
  case milspec::UINT8:
    return BlobDataType::UInt8;
  case milspec::INT8:
    return BlobDataType::Int8;
  case milspec::BFLOAT16:
    return BlobDataType::BFloat16;
  case milspec::INT16:
    return BlobDataType::Int16;
  case milspec::UINT16:
    return BlobDataType::UInt16;
  case milspec::INT4:
    return BlobDataType::Int4;
  case milspec::UINT1:
    return BlobDataType::UInt1;
  case milspec::UINT2:
    return BlobDataType::UInt2;
  case milspec::UINT4:
    return BlobDataType::UInt4;
  case milspec::UINT3:
    return BlobDataType::UInt3;
  case milspec::UINT6:
    return BlobDataType::UInt6;
  case milspec::INT32:
    return BlobDataType::Int32;
  case milspec::UINT32:
    return BlobDataType::UInt32;
  case milspec::FLOAT8E4M3FN:
    return BlobDataType::Float8E4M3FN;
  case milspec::FLOAT8E5M2:
    return BlobDataType::Float8E5M2;
  default:
    return std::nullopt;
  }
}

bool palettize::coreml::hasUnknownFields(
    const google::protobuf::Message &message) {
  return !message.GetReflection()->GetUnknownFields(message).empty();
}

std::string
palettize::coreml::getUnknownFields(const google::protobuf::Message &message) {
  std::string fields;
  message.GetReflection()->GetUnknownFields(message).SerializeToString(&fields);
  return fields;
}

void palettize::coreml::setUnknownFields(google::protobuf::Message &message,
                                         llvm::StringRef fields) {
  message.GetReflection()->MutableUnknownFields(&message)->ParseFromArray(
      fields.data(), int(fields.size()));
}

llvm::StringRef palettize::coreml::getDataTypeName(milspec::DataType type) {
  const std::string &name = milspec::DataType_Name(type);
  if (name.empty())
    return "an unknown data type";
  return name;
}

llvm::Expected<Type>
palettize::coreml::convertValueType(const milspec::ValueType &type,
                                    MLIRContext *context) {
  switch (type.type_case()) {
  case milspec::ValueType::kTensorType: {
    const milspec::TensorType &tensor = type.tensortype();
    Type element = convertDataType(tensor.datatype(), context);
    if (!element)
      return typeError(llvm::formatv("tensor element type {0} ({1}) is not "
                                     "supported",
                                     getDataTypeName(tensor.datatype()),
                                     int(tensor.datatype())));
    if (tensor.attributes_size() != 0)
      return typeError("tensor types with attributes are not supported");
    if (tensor.rank() < 0)
      return UnrankedTensorType::get(element);
    if (tensor.rank() != tensor.dimensions_size())
      return typeError(llvm::formatv("a tensor type of rank {0} has {1} "
                                     "dimensions",
                                     tensor.rank(), tensor.dimensions_size()));
    SmallVector<int64_t> shape;
    for (const milspec::Dimension &dimension : tensor.dimensions()) {
      if (dimension.has_constant()) {
        uint64_t size = dimension.constant().size();
        if (size > uint64_t(INT64_MAX))
          return typeError(llvm::formatv("dimension {0} is too large", size));
        shape.push_back(int64_t(size));
        continue;
      }
      if (!dimension.has_unknown())
        return typeError("a dimension is neither constant nor unknown");
      if (dimension.unknown().variadic())
        return typeError("variadic dimensions are not supported");
      shape.push_back(ShapedType::kDynamic);
    }
    return RankedTensorType::get(shape, element);
  }
  case milspec::ValueType::kListType: {
    const milspec::ListType &list = type.listtype();
    llvm::Expected<Type> element = convertValueType(list.type(), context);
    if (!element)
      return element.takeError();
    std::optional<uint64_t> length;
    if (list.length().has_constant())
      length = list.length().constant().size();
    else if (list.length().has_unknown() && list.length().unknown().variadic())
      return typeError("variadic list lengths are not supported");
    else if (!list.length().has_unknown())
      return typeError("a list type has no length");
    return mil::ListType::get(context, *element, length);
  }
  case milspec::ValueType::kTupleType: {
    SmallVector<Type> types;
    for (const milspec::ValueType &member : type.tupletype().types()) {
      llvm::Expected<Type> converted = convertValueType(member, context);
      if (!converted)
        return converted.takeError();
      types.push_back(*converted);
    }
    return TupleType::get(context, types);
  }
  case milspec::ValueType::kDictionaryType: {
    llvm::Expected<Type> key =
        convertValueType(type.dictionarytype().keytype(), context);
    if (!key)
      return key.takeError();
    llvm::Expected<Type> value =
        convertValueType(type.dictionarytype().valuetype(), context);
    if (!value)
      return value.takeError();
    return mil::DictType::get(context, *key, *value);
  }
  case milspec::ValueType::kStateType: {
    llvm::Expected<Type> wrapped =
        convertValueType(type.statetype().wrappedtype(), context);
    if (!wrapped)
      return wrapped.takeError();
    return mil::StateType::get(context, *wrapped);
  }
  case milspec::ValueType::TYPE_NOT_SET:
    break;
  }
  return typeError("a value type is empty");
}

llvm::Error palettize::coreml::convertType(Type type,
                                           milspec::ValueType &result) {
  if (auto ranked = dyn_cast<RankedTensorType>(type)) {
    std::optional<milspec::DataType> element =
        convertElementType(ranked.getElementType());
    if (!element)
      return typeError(llvm::formatv("element type {0} has no Core ML form",
                                     ranked.getElementType()));
    milspec::TensorType &tensor = *result.mutable_tensortype();
    tensor.set_datatype(*element);
    tensor.set_rank(ranked.getRank());
    for (int64_t size : ranked.getShape()) {
      milspec::Dimension &dimension = *tensor.add_dimensions();
      if (ShapedType::isDynamic(size))
        dimension.mutable_unknown();
      else
        dimension.mutable_constant()->set_size(uint64_t(size));
    }
    return llvm::Error::success();
  }
  if (auto unranked = dyn_cast<UnrankedTensorType>(type)) {
    std::optional<milspec::DataType> element =
        convertElementType(unranked.getElementType());
    if (!element)
      return typeError(llvm::formatv("element type {0} has no Core ML form",
                                     unranked.getElementType()));
    result.mutable_tensortype()->set_datatype(*element);
    result.mutable_tensortype()->set_rank(-1);
    return llvm::Error::success();
  }
  if (auto list = dyn_cast<mil::ListType>(type)) {
    milspec::ListType &listType = *result.mutable_listtype();
    if (llvm::Error error =
            convertType(list.getElementType(), *listType.mutable_type()))
      return error;
    if (std::optional<uint64_t> length = list.getLength())
      listType.mutable_length()->mutable_constant()->set_size(*length);
    else
      listType.mutable_length()->mutable_unknown();
    return llvm::Error::success();
  }
  if (auto tuple = dyn_cast<TupleType>(type)) {
    milspec::TupleType &tupleType = *result.mutable_tupletype();
    for (Type member : tuple.getTypes())
      if (llvm::Error error = convertType(member, *tupleType.add_types()))
        return error;
    return llvm::Error::success();
  }
  if (auto dict = dyn_cast<mil::DictType>(type)) {
    milspec::DictionaryType &dictType = *result.mutable_dictionarytype();
    if (llvm::Error error =
            convertType(dict.getKeyType(), *dictType.mutable_keytype()))
      return error;
    return convertType(dict.getValueType(), *dictType.mutable_valuetype());
  }
  if (auto state = dyn_cast<mil::StateType>(type))
    return convertType(state.getWrappedType(),
                       *result.mutable_statetype()->mutable_wrappedtype());
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return typeError(llvm::formatv("type {0} has no Core ML form", text));
}
