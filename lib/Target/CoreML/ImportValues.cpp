//===- ImportValues.cpp - Core ML values to attributes --------------------===//
//
// Values of a Core ML program as attributes: immediate tensors, blobs of the
// package's weight files (mapped, shared between constants), and anything
// else kept serialized.
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
// Values
//===----------------------------------------------------------------------===//

Attribute CoreMLImporter::serialize(const spec::MILSpec::Value &value) {
  std::string bytes;
  value.SerializeToString(&bytes);
  return mil::SerializedValueAttr::get(context, bytes);
}

FailureOr<Type>
CoreMLImporter::convertValueTypeAt(const spec::MILSpec::ValueType &type) {
  llvm::Expected<Type> converted = convertValueType(type, context);
  if (!converted) {
    emitError(llvm::toString(converted.takeError()));
    return failure();
  }
  return *converted;
}

FailureOr<Type>
CoreMLImporter::convertOutputType(const spec::MILSpec::Operation &operation,
                                  StringRef name) {
  site.field = "output '" + name.str() + "'";
  FailureOr<Type> type = convertValueTypeAt(operation.outputs(0).type());
  site.field.clear();
  return type;
}

FailureOr<Attribute>
CoreMLImporter::convertValue(const spec::MILSpec::Value &value) {
  // What this form does not keep stays serialized, byte for byte.
  if (!value.docstring().empty() || hasUnknownFields(value) ||
      !value.type().has_tensortype())
    return serialize(value);
  if (value.has_immediatevalue() && (!value.immediatevalue().has_tensor() ||
                                     hasUnknownFields(value.immediatevalue())))
    return serialize(value);
  FailureOr<Type> type = convertValueTypeAt(value.type());
  if (failed(type))
    return failure();
  auto tensorType = dyn_cast<RankedTensorType>(*type);
  if (!tensorType || !tensorType.hasStaticShape())
    return serialize(value);
  if (!mil::getCheckedElementCount(tensorType)) {
    emitError(llvm::formatv("the shape of a {0}-dimensional value overflows",
                            tensorType.getRank()));
    return failure();
  }
  if (value.has_blobfilevalue())
    return convertBlob(value, tensorType);
  if (value.has_immediatevalue())
    return convertImmediateTensor(value, tensorType);
  return serialize(value);
}

/// Unpacks `count` elements of `width` bits, stored LSB-first.
static std::vector<APInt> unpackSubByte(StringRef bytes, uint64_t count,
                                        unsigned width) {
  std::vector<uint8_t> raw(count);
  unpackIndices(arrayRefFromStringRef(bytes), width, raw);
  std::vector<APInt> values;
  values.reserve(count);
  for (uint8_t value : raw)
    values.emplace_back(width, value);
  return values;
}

FailureOr<Attribute>
CoreMLImporter::convertImmediateTensor(const spec::MILSpec::Value &value,
                                       RankedTensorType type) {
  const spec::MILSpec::TensorValue &tensor = value.immediatevalue().tensor();
  if (hasUnknownFields(tensor))
    return serialize(value);
  const uint64_t count = *mil::getCheckedElementCount(type);
  Type element = type.getElementType();
  using TV = spec::MILSpec::TensorValue;
  auto sizeMatches = [&](int size) { return uint64_t(size) == count; };

  if (element.isSignlessInteger(1)) {
    if (tensor.value_case() != TV::kBools ||
        !sizeMatches(tensor.bools().values_size()))
      return serialize(value);
    SmallVector<bool> values(tensor.bools().values().begin(),
                             tensor.bools().values().end());
    return Attribute(DenseElementsAttr::get(type, values));
  }
  if (isa<mil::StringType>(element)) {
    if (tensor.value_case() != TV::kStrings ||
        !sizeMatches(tensor.strings().values_size()))
      return serialize(value);
    SmallVector<StringRef> values;
    for (const std::string &text : tensor.strings().values())
      values.push_back(text);
    return Attribute(DenseStringElementsAttr::get(type, values));
  }
  if (element.isF32() && tensor.value_case() == TV::kFloats) {
    if (!sizeMatches(tensor.floats().values_size()))
      return serialize(value);
    ArrayRef<float> values(tensor.floats().values().data(),
                           tensor.floats().values_size());
    return Attribute(DenseElementsAttr::get(type, values));
  }
  if (element.isF64() && tensor.value_case() == TV::kDoubles) {
    if (!sizeMatches(tensor.doubles().values_size()))
      return serialize(value);
    ArrayRef<double> values(tensor.doubles().values().data(),
                            tensor.doubles().values_size());
    return Attribute(DenseElementsAttr::get(type, values));
  }
  auto integer = dyn_cast<IntegerType>(element);
  if (integer && tensor.value_case() == TV::kInts &&
      (integer.getWidth() == 16 ||
       (integer.getWidth() == 32 && !integer.isUnsigned()))) {
    if (!sizeMatches(tensor.ints().values_size()))
      return serialize(value);
    std::vector<APInt> values;
    for (int32_t raw : tensor.ints().values()) {
      APInt wide(32, uint64_t(int64_t(raw)), /*isSigned=*/true);
      bool fits = integer.isUnsigned() ? wide.isIntN(integer.getWidth())
                                       : wide.isSignedIntN(integer.getWidth());
      if (!fits)
        return serialize(value);
      values.push_back(wide.trunc(integer.getWidth()));
    }
    return Attribute(DenseElementsAttr::get(type, values));
  }
  if (integer && integer.getWidth() == 64 &&
      tensor.value_case() == TV::kLongInts) {
    if (!sizeMatches(tensor.longints().values_size()))
      return serialize(value);
    std::vector<APInt> values;
    for (int64_t raw : tensor.longints().values())
      values.emplace_back(64, uint64_t(raw), /*isSigned=*/true);
    return Attribute(DenseElementsAttr::get(type, values));
  }
  std::optional<BlobDataType> blobType = coreml::getBlobDataType(element);
  if (blobType && tensor.value_case() == TV::kBytes) {
    const std::string &bytes = tensor.bytes().values();
    std::optional<uint64_t> expected = getByteCount(*blobType, count);
    if (!expected || *expected != bytes.size())
      return serialize(value);
    unsigned width = getBitWidth(*blobType);
    if (width >= 8)
      return Attribute(DenseElementsAttr::getFromRawBuffer(
          type, ArrayRef<char>(bytes.data(), bytes.size())));
    std::vector<APInt> values = unpackSubByte(bytes, count, width);
    return Attribute(DenseElementsAttr::get(type, values));
  }
  return serialize(value);
}

FailureOr<WeightFile *> CoreMLImporter::getWeightFile(StringRef fileName) {
  auto it = weightFiles.find(fileName.str());
  if (it != weightFiles.end())
    return &it->second;
  llvm::Expected<std::string> path = resolveBlobFileName(modelPath, fileName);
  if (!path) {
    emitError(llvm::toString(path.takeError()));
    return failure();
  }
  llvm::Expected<std::unique_ptr<WeightFileReader>> reader =
      WeightFileReader::open(*path);
  if (!reader) {
    emitError(llvm::toString(reader.takeError()));
    return failure();
  }
  WeightFile &file = weightFiles[fileName.str()];
  file.mapping = std::make_shared<RegisteredMapping>((*reader)->getBuffer());
  file.reader = std::move(*reader);
  return &file;
}

/// Keeps a resource key to the characters the IR's resource syntax takes.
static std::string getResourceKey(StringRef name) {
  std::string key;
  for (char c : name)
    key += llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_';
  if (key.empty() || llvm::isDigit(key[0]))
    key.insert(0, "blob_");
  return key;
}

FailureOr<Attribute>
CoreMLImporter::convertBlob(const spec::MILSpec::Value &value,
                            RankedTensorType type) {
  const spec::MILSpec::Value::BlobFileValue &blob = value.blobfilevalue();
  if (hasUnknownFields(blob))
    return serialize(value);
  std::optional<BlobDataType> expectedType =
      coreml::getBlobDataType(type.getElementType());
  if (!expectedType) {
    emitError(
        llvm::formatv("a {0} value cannot be stored in a blob",
                      getDataTypeName(value.type().tensortype().datatype())));
    return failure();
  }
  FailureOr<WeightFile *> file = getWeightFile(blob.filename());
  if (failed(file))
    return failure();
  WeightFileReader &reader = *(*file)->reader;
  llvm::Expected<BlobRecord> record = reader.readBlob(blob.offset());
  if (!record) {
    emitError(llvm::toString(record.takeError()));
    return failure();
  }
  auto blobError = [&](const Twine &message) {
    emitError(llvm::formatv("{0}: blob at offset {1}: {2}", reader.getName(),
                            blob.offset(), message.str()));
    return failure();
  };
  if (record->dataType != *expectedType)
    return blobError(
        llvm::formatv("the value is {0} but the blob holds {1}",
                      getDataTypeName(value.type().tensortype().datatype()),
                      getName(record->dataType)));
  const uint64_t count = *mil::getCheckedElementCount(type);
  std::optional<uint64_t> bytes = getByteCount(*expectedType, count);
  if (!bytes || *bytes != record->sizeInBytes)
    return blobError(llvm::formatv("a value of {0} elements needs {1} bytes, "
                                   "the blob holds {2}",
                                   count, bytes ? *bytes : 0,
                                   record->sizeInBytes));
  unsigned width = getBitWidth(*expectedType);
  if (width < 8 && record->paddingBits != (8 - count * width % 8) % 8)
    return blobError(llvm::formatv("{0} padding bits, a value of {1} elements "
                                   "pads {2}",
                                   record->paddingBits, count,
                                   (8 - count * width % 8) % 8));

  std::pair<std::string, uint64_t> key(blob.filename(), blob.offset());
  auto it = blobs.find(key);
  if (it == blobs.end()) {
    ArrayRef<char> data = reader.getData(*record);
    size_t alignment = std::max<size_t>(1, llvm::PowerOf2Ceil(width / 8));
    AsmResourceBlob resource;
    if (llvm::isAddrAligned(llvm::Align(alignment), data.data())) {
      // The data stays in the mapping, which the blob keeps alive.
      std::shared_ptr<RegisteredMapping> mapping = (*file)->mapping;
      size_t dataAlignment = std::min<size_t>(
          64, size_t(1) << llvm::countr_zero(uintptr_t(data.data()) | 64));
      resource = UnmanagedAsmResourceBlob::allocateWithAlign(
          data, dataAlignment,
          [mapping](void *, size_t, size_t) mutable { mapping.reset(); });
    } else {
      resource = HeapAsmResourceBlob::allocateAndCopyWithAlign(data, 64);
    }
    auto &manager = DenseResourceElementsHandle::getManagerInterface(context);
    std::string name = site.op.empty() ? "blob" : site.op;
    it = blobs
             .emplace(key,
                      manager.insert(getResourceKey(name), std::move(resource)))
             .first;
  }
  return Attribute(DenseResourceElementsAttr::get(type, it->second));
}

DictionaryAttr CoreMLImporter::convertValueMap(
    const google::protobuf::Map<std::string, spec::MILSpec::Value> &values,
    bool skipName, LogicalResult &status) {
  SmallVector<NamedAttribute> attributes;
  for (const auto &[name, value] : values) {
    if (skipName && name == "name")
      continue;
    Site saved = site;
    site.field = "attribute '" + name + "'";
    FailureOr<Attribute> attribute = convertValue(value);
    site = saved;
    if (failed(attribute)) {
      status = failure();
      continue;
    }
    attributes.emplace_back(StringAttr::get(context, name), *attribute);
  }
  return DictionaryAttr::get(context, attributes);
}

std::optional<std::string>
palettize::coreml::detail::getStringScalar(const spec::MILSpec::Value &value) {
  if (!value.has_immediatevalue() || !value.immediatevalue().has_tensor() ||
      !value.immediatevalue().tensor().has_strings() ||
      value.immediatevalue().tensor().strings().values_size() != 1 ||
      !value.type().has_tensortype() ||
      value.type().tensortype().datatype() != spec::MILSpec::STRING ||
      value.type().tensortype().rank() != 0 || !value.docstring().empty() ||
      hasUnknownFields(value) || hasUnknownFields(value.immediatevalue()) ||
      hasUnknownFields(value.immediatevalue().tensor()) ||
      hasUnknownFields(value.type()) ||
      hasUnknownFields(value.type().tensortype()))
    return std::nullopt;
  return value.immediatevalue().tensor().strings().values(0);
}
