//===- ImportCoreML.cpp - .mlpackage to the mil dialect -------------------===//
//
// Reads the root model of a package, its ML Program and the weight files
// its blobs live in, and builds the module described in CoreML.h.
//
//===----------------------------------------------------------------------===//

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
namespace spec = CoreML::Specification;

void palettize::coreml::registerCoreMLDialects(DialectRegistry &registry) {
  registry.insert<mil::MILDialect, func::FuncDialect>();
}

namespace {

/// A weight file's mapping, registered as storage whose pages may leave
/// memory (mil::releaseStorage) for as long as it is mapped.
struct RegisteredMapping {
  explicit RegisteredMapping(std::shared_ptr<llvm::MemoryBuffer> buffer)
      : buffer(std::move(buffer)) {
    if (this->buffer->getBufferKind() == llvm::MemoryBuffer::MemoryBuffer_MMap)
      mil::registerReleasableStorage(getRange());
  }
  ~RegisteredMapping() {
    if (buffer->getBufferKind() == llvm::MemoryBuffer::MemoryBuffer_MMap)
      mil::unregisterReleasableStorage(getRange());
  }
  ArrayRef<char> getRange() const {
    return ArrayRef<char>(buffer->getBufferStart(), buffer->getBufferSize());
  }
  std::shared_ptr<llvm::MemoryBuffer> buffer;
};

/// A weight file opened, and its mapping, which blobs keep alive.
struct WeightFile {
  std::unique_ptr<WeightFileReader> reader;
  std::shared_ptr<RegisteredMapping> mapping;
};

class CoreMLImporter {
public:
  CoreMLImporter(MLIRContext *context, StringRef packagePath)
      : context(context), builder(context), packagePath(packagePath.str()) {}

  OwningOpRef<ModuleOp> run();

private:
  /// Where an error is: the op being imported and its field.
  struct Site {
    std::string op;
    std::string field;
  };

  InFlightDiagnostic emitError(const Twine &message);
  Location getOpLoc(StringRef name);

  LogicalResult importProgram(const spec::MILSpec::Program &program,
                              ModuleOp module);
  LogicalResult importFunction(StringRef name,
                               const spec::MILSpec::Function &function,
                               ModuleOp module);
  LogicalResult importBlock(const spec::MILSpec::Block &block,
                            SmallVectorImpl<Value> &outputs);
  LogicalResult importOperation(const spec::MILSpec::Operation &operation);
  /// These return null when the op is not in the form they take, failure
  /// when it is but a field is broken (reported).
  FailureOr<Operation *> importConst(const spec::MILSpec::Operation &operation,
                                     StringRef name);
  FailureOr<Operation *>
  importLutToDense(const spec::MILSpec::Operation &operation, StringRef name);
  FailureOr<Operation *>
  importLutToDenseIOS18(const spec::MILSpec::Operation &operation,
                        StringRef name);
  FailureOr<Operation *>
  importShiftScale(const spec::MILSpec::Operation &operation, StringRef name);
  FailureOr<Operation *>
  importSparseToDense(const spec::MILSpec::Operation &operation,
                      StringRef name);
  FailureOr<Operation *>
  importLutToSparse(const spec::MILSpec::Operation &operation, StringRef name);
  /// The value of iOS18 constexpr input `input` as an operand: a value
  /// defined before, or a new mil.const named `<name>_<suffix>` of an inline
  /// value; null when it is neither.
  FailureOr<Value>
  readConstexprOperand(const spec::MILSpec::Operation &operation,
                       StringRef input, StringRef name, StringRef suffix);
  /// The single binding of iOS18 constexpr input `input`: a value
  /// (`attribute`) or a value defined before (`operand`); failure when
  /// broken (reported), neither when absent or not in this form.
  LogicalResult readConstexprInput(const spec::MILSpec::Operation &operation,
                                   StringRef input, Attribute &attribute,
                                   Value &operand);
  LogicalResult importGeneric(const spec::MILSpec::Operation &operation,
                              StringRef name);

  FailureOr<Type> convertValueTypeAt(const spec::MILSpec::ValueType &type);
  /// The type of the single output of `operation`, named `name`.
  FailureOr<Type> convertOutputType(const spec::MILSpec::Operation &operation,
                                    StringRef name);
  /// The attribute standing for `value`: an elements attribute for tensors,
  /// immediate or blob, or a #mil.serialized_value for anything else.
  FailureOr<Attribute> convertValue(const spec::MILSpec::Value &value);
  /// An immediate tensor as an elements attribute, or null when its
  /// encoding is not the one Core ML's tools write (it is then kept
  /// serialized).
  FailureOr<Attribute> convertImmediateTensor(const spec::MILSpec::Value &value,
                                              RankedTensorType type);
  FailureOr<Attribute> convertBlob(const spec::MILSpec::Value &value,
                                   RankedTensorType type);
  FailureOr<WeightFile *> getWeightFile(StringRef fileName);
  Attribute serialize(const spec::MILSpec::Value &value);
  DictionaryAttr convertValueMap(
      const google::protobuf::Map<std::string, spec::MILSpec::Value> &values,
      bool skipName, LogicalResult &status);

  /// Binds MIL names to values in the innermost block.
  void bind(StringRef name, Value value) { scopes.back()[name] = value; }
  Value lookup(StringRef name) const;

  MLIRContext *context;
  OpBuilder builder;
  std::string packagePath;
  std::string modelPath;
  Location fileLoc = UnknownLoc::get(context);
  Site site;
  std::vector<llvm::StringMap<Value>> scopes;
  std::map<std::string, WeightFile> weightFiles;
  /// One resource per blob, so that constants sharing a blob share it.
  std::map<std::pair<std::string, uint64_t>, DenseResourceElementsHandle> blobs;
};

} // namespace

InFlightDiagnostic CoreMLImporter::emitError(const Twine &message) {
  Location loc = site.op.empty() ? fileLoc : getOpLoc(site.op);
  InFlightDiagnostic diag = mlir::emitError(loc);
  if (!site.op.empty())
    diag << "op '" << site.op << "': ";
  if (!site.field.empty())
    diag << site.field << ": ";
  diag << message;
  return diag;
}

Location CoreMLImporter::getOpLoc(StringRef name) {
  return NameLoc::get(StringAttr::get(context, name), fileLoc);
}

Value CoreMLImporter::lookup(StringRef name) const {
  for (auto scope = scopes.rbegin(); scope != scopes.rend(); ++scope) {
    auto it = scope->find(name);
    if (it != scope->end())
      return it->second;
  }
  return Value();
}

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

//===----------------------------------------------------------------------===//
// Operations
//===----------------------------------------------------------------------===//

/// The text of a scalar string value, if `value` is one.
static std::optional<std::string>
getStringScalar(const spec::MILSpec::Value &value) {
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

LogicalResult
CoreMLImporter::importGeneric(const spec::MILSpec::Operation &operation,
                              StringRef name) {
  LogicalResult status = success();
  SmallVector<Value> operands;
  SmallVector<NamedAttribute> inputs;
  // Operands in input name order: the map's order is not part of the format.
  std::vector<std::string> inputNames;
  for (const auto &[inputName, argument] : operation.inputs())
    inputNames.push_back(inputName);
  std::sort(inputNames.begin(), inputNames.end());
  for (const std::string &inputName : inputNames) {
    const spec::MILSpec::Argument &argument = operation.inputs().at(inputName);
    site.field = "input '" + inputName + "'";
    if (hasUnknownFields(argument)) {
      emitError("unknown fields in an argument are not supported");
      return failure();
    }
    SmallVector<Attribute> bindings;
    for (const spec::MILSpec::Argument::Binding &binding :
         argument.arguments()) {
      if (hasUnknownFields(binding)) {
        emitError("unknown fields in a binding are not supported");
        return failure();
      }
      if (binding.has_name()) {
        Value value = lookup(binding.name());
        if (!value) {
          emitError("'" + binding.name() + "' names no value defined before");
          return failure();
        }
        bindings.push_back(builder.getIndexAttr(operands.size()));
        operands.push_back(value);
        continue;
      }
      if (!binding.has_value()) {
        emitError("a binding has neither a name nor a value");
        return failure();
      }
      FailureOr<Attribute> value = convertValue(binding.value());
      if (failed(value))
        return failure();
      bindings.push_back(*value);
    }
    inputs.emplace_back(builder.getStringAttr(inputName),
                        builder.getArrayAttr(bindings));
  }
  site.field.clear();

  SmallVector<Type> resultTypes;
  SmallVector<Attribute> resultNames;
  for (const spec::MILSpec::NamedValueType &output : operation.outputs()) {
    site.field = "output '" + output.name() + "'";
    if (hasUnknownFields(output)) {
      emitError("unknown fields in an output are not supported");
      return failure();
    }
    FailureOr<Type> type = convertValueTypeAt(output.type());
    if (failed(type))
      return failure();
    resultTypes.push_back(*type);
    resultNames.push_back(builder.getStringAttr(output.name()));
  }
  site.field.clear();

  bool hasName = operation.attributes().count("name") &&
                 getStringScalar(operation.attributes().at("name"));
  DictionaryAttr attrs =
      convertValueMap(operation.attributes(), /*skipName=*/hasName, status);
  if (failed(status))
    return failure();

  OperationState state(getOpLoc(name), mil::GenericOp::getOperationName());
  state.addOperands(operands);
  state.addTypes(resultTypes);
  state.addAttribute("op_type", builder.getStringAttr(operation.type()));
  state.addAttribute("inputs", builder.getDictionaryAttr(inputs));
  if (!attrs.empty())
    state.addAttribute("attrs", attrs);
  if (hasName)
    state.addAttribute("name", builder.getStringAttr(name));
  state.addAttribute("result_names", builder.getArrayAttr(resultNames));
  if (hasUnknownFields(operation))
    state.addAttribute("mil.unknown_fields",
                       builder.getStringAttr(getUnknownFields(operation)));

  SmallVector<Attribute> blockInputNames;
  SmallVector<std::unique_ptr<Region>> regions;
  std::vector<SmallVector<Value>> regionOutputs;
  for (const spec::MILSpec::Block &block : operation.blocks()) {
    auto region = std::make_unique<Region>();
    Block *body = new Block();
    region->push_back(body);
    SmallVector<Attribute> names;
    scopes.emplace_back();
    for (const spec::MILSpec::NamedValueType &input : block.inputs()) {
      site.field = "block input '" + input.name() + "'";
      FailureOr<Type> type = convertValueTypeAt(input.type());
      if (failed(type))
        return failure();
      bind(input.name(), body->addArgument(*type, getOpLoc(name)));
      names.push_back(builder.getStringAttr(input.name()));
    }
    site.field.clear();
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToEnd(body);
    Site saved = site;
    SmallVector<Value> outputs;
    if (failed(importBlock(block, outputs)))
      return failure();
    site = saved;
    mil::YieldOp::create(builder, getOpLoc(name), outputs);
    if (!block.attributes().empty() || hasUnknownFields(block)) {
      emitError("attributes or unknown fields on a nested block are not "
                "supported");
      return failure();
    }
    scopes.pop_back();
    blockInputNames.push_back(builder.getArrayAttr(names));
    regions.push_back(std::move(region));
  }
  if (!regions.empty())
    state.addAttribute("block_input_names",
                       builder.getArrayAttr(blockInputNames));
  for (std::unique_ptr<Region> &region : regions)
    state.addRegion(std::move(region));
  Operation *op = builder.create(state);
  for (auto [result, output] : llvm::zip(op->getResults(), operation.outputs()))
    bind(output.name(), result);
  return success();
}

LogicalResult
CoreMLImporter::importOperation(const spec::MILSpec::Operation &operation) {
  std::string name;
  auto nameIt = operation.attributes().find("name");
  if (nameIt != operation.attributes().end())
    if (std::optional<std::string> text = getStringScalar(nameIt->second))
      name = *text;
  site = {name.empty() ? operation.type() : name, ""};

  FailureOr<Operation *> op = nullptr;
  if (!name.empty() && operation.type() == "const")
    op = importConst(operation, name);
  else if (!name.empty() && operation.type() == "constexpr_lut_to_dense") {
    op = importLutToDense(operation, name);
    if (succeeded(op) && !*op)
      op = importLutToDenseIOS18(operation, name);
  } else if (!name.empty() &&
             operation.type() == "constexpr_blockwise_shift_scale") {
    op = importShiftScale(operation, name);
  } else if (!name.empty() && operation.type() == "constexpr_sparse_to_dense") {
    op = importSparseToDense(operation, name);
  } else if (!name.empty() && operation.type() == "constexpr_lut_to_sparse") {
    op = importLutToSparse(operation, name);
  }
  if (failed(op))
    return failure();
  if (*op) {
    // A form the dialect's verifier rejects (a LUT of int16, say) is kept as
    // a generic op, like any op the dialect does not model.
    ScopedDiagnosticHandler silence(context,
                                    [](Diagnostic &) { return success(); });
    if (succeeded(verify(*op))) {
      for (auto [result, output] :
           llvm::zip((*op)->getResults(), operation.outputs()))
        bind(output.name(), result);
      return success();
    }
    // The constants made of its inline values (bound to no MIL name) go
    // with it.
    SmallVector<Operation *> inlineValues;
    for (Value operand : (*op)->getOperands())
      if (auto constant = operand.getDefiningOp<mil::ConstOp>();
          constant && constant->hasOneUse() &&
          (!constant.getName() || lookup(*constant.getName()) != operand))
        inlineValues.push_back(constant);
    (*op)->erase();
    for (Operation *constant : inlineValues)
      constant->erase();
  }
  return importGeneric(operation, name);
}

LogicalResult CoreMLImporter::importBlock(const spec::MILSpec::Block &block,
                                          SmallVectorImpl<Value> &outputs) {
  for (const spec::MILSpec::Operation &operation : block.operations())
    if (failed(importOperation(operation)))
      return failure();
  site = {};
  for (const std::string &output : block.outputs()) {
    Value value = lookup(output);
    if (!value) {
      emitError("block output '" + output + "' names no value of the block");
      return failure();
    }
    outputs.push_back(value);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Functions and the program
//===----------------------------------------------------------------------===//

LogicalResult CoreMLImporter::importFunction(
    StringRef name, const spec::MILSpec::Function &function, ModuleOp module) {
  site = {};
  if (function.block_specializations().empty()) {
    emitError("function '" + name + "' has no block");
    return failure();
  }
  auto active = function.block_specializations().find(function.opset());
  if (active == function.block_specializations().end()) {
    emitError("function '" + name + "' has no block for its opset '" +
              function.opset() + "'");
    return failure();
  }
  SmallVector<Type> inputTypes;
  SmallVector<Attribute> argumentAttrs;
  for (const spec::MILSpec::NamedValueType &input : function.inputs()) {
    site.field = "function '" + name.str() + "' input '" + input.name() + "'";
    if (hasUnknownFields(input)) {
      emitError("unknown fields in a function input are not supported");
      return failure();
    }
    FailureOr<Type> type = convertValueTypeAt(input.type());
    if (failed(type))
      return failure();
    inputTypes.push_back(*type);
    argumentAttrs.push_back(builder.getDictionaryAttr(builder.getNamedAttr(
        mil::MILDialect::kNameAttrName, builder.getStringAttr(input.name()))));
  }
  site = {};

  // The specialization in force keeps the function's name; any other is a
  // function of its own, `<name>.<opset>`, that points back to it.
  std::vector<std::string> opsets = {function.opset()};
  for (const auto &[opset, block] : function.block_specializations())
    if (opset != function.opset())
      opsets.push_back(opset);
  std::sort(opsets.begin() + 1, opsets.end());
  for (const std::string &opset : opsets) {
    const spec::MILSpec::Block &block =
        function.block_specializations().at(opset);
    bool isActive = opset == function.opset();
    std::string symbol = isActive ? name.str() : name.str() + "." + opset;
    builder.setInsertionPointToEnd(module.getBody());
    auto func = func::FuncOp::create(builder, fileLoc, symbol,
                                     builder.getFunctionType(inputTypes, {}));
    func.setAllArgAttrs(argumentAttrs);
    func->setAttr(mil::MILDialect::kOpsetAttrName,
                  builder.getStringAttr(opset));
    if (!isActive)
      func->setAttr("mil.specialization_of", builder.getStringAttr(name));
    LogicalResult status = success();
    if (isActive) {
      DictionaryAttr attributes =
          convertValueMap(function.attributes(), false, status);
      if (!attributes.empty())
        func->setAttr("mil.attributes", attributes);
      if (hasUnknownFields(function))
        func->setAttr("mil.unknown_fields",
                      builder.getStringAttr(getUnknownFields(function)));
    }
    DictionaryAttr blockAttributes =
        convertValueMap(block.attributes(), false, status);
    if (failed(status))
      return failure();
    if (!blockAttributes.empty())
      func->setAttr("mil.block_attributes", blockAttributes);
    if (hasUnknownFields(block))
      func->setAttr("mil.block_unknown_fields",
                    builder.getStringAttr(getUnknownFields(block)));
    if (block.inputs_size() != 0) {
      emitError("function '" + name + "' block has inputs of its own");
      return failure();
    }
    Block *body = func.addEntryBlock();
    scopes.emplace_back();
    for (auto [argument, input] :
         llvm::zip(body->getArguments(), function.inputs()))
      bind(input.name(), argument);
    builder.setInsertionPointToEnd(body);
    SmallVector<Value> outputs;
    if (failed(importBlock(block, outputs)))
      return failure();
    scopes.pop_back();
    func::ReturnOp::create(builder, fileLoc, outputs);
    func.setFunctionType(
        builder.getFunctionType(inputTypes, ValueRange(outputs).getTypes()));
  }
  return success();
}

LogicalResult
CoreMLImporter::importProgram(const spec::MILSpec::Program &program,
                              ModuleOp module) {
  Builder b(context);
  module->setAttr("mil.program_version",
                  b.getI64IntegerAttr(program.version()));
  if (!program.docstring().empty())
    module->setAttr("mil.program_doc", b.getStringAttr(program.docstring()));
  if (hasUnknownFields(program))
    module->setAttr("mil.program_unknown_fields",
                    b.getStringAttr(getUnknownFields(program)));
  LogicalResult status = success();
  DictionaryAttr attributes =
      convertValueMap(program.attributes(), false, status);
  if (failed(status))
    return failure();
  if (!attributes.empty())
    module->setAttr("mil.program_attributes", attributes);
  // Functions in name order: the map's order is not part of the format.
  std::vector<std::string> names;
  for (const auto &[name, function] : program.functions())
    names.push_back(name);
  std::sort(names.begin(), names.end());
  for (const std::string &name : names)
    if (failed(importFunction(name, program.functions().at(name), module)))
      return failure();
  return success();
}

OwningOpRef<ModuleOp> CoreMLImporter::run() {
  context->loadDialect<mil::MILDialect, func::FuncDialect>();
  fileLoc = FileLineColLoc::get(context, packagePath, 0, 0);
  llvm::Expected<PackageRoot> root = readPackageRoot(packagePath);
  if (!root) {
    mlir::emitError(fileLoc) << llvm::toString(root.takeError());
    return nullptr;
  }
  modelPath = root->modelPath;
  fileLoc = FileLineColLoc::get(context, modelPath, 0, 0);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(modelPath, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer) {
    mlir::emitError(fileLoc)
        << "cannot read the model: " << buffer.getError().message();
    return nullptr;
  }
  StringRef bytes = (*buffer)->getBuffer();
  if (bytes.size() > size_t(INT_MAX)) {
    mlir::emitError(fileLoc) << "the model is over 2 GiB";
    return nullptr;
  }
  spec::Model model;
  bool parsed;
  {
    // protobuf logs what it rejects to stderr; the error below says it.
    google::protobuf::LogSilencer silence;
    parsed = model.ParseFromArray(bytes.data(), int(bytes.size()));
  }
  if (!parsed) {
    mlir::emitError(fileLoc)
        << "not a Core ML model (the protobuf does not parse)";
    return nullptr;
  }
  if (!model.has_mlprogram()) {
    mlir::emitError(fileLoc) << "the model is not an ML Program (specification "
                             << model.specificationversion() << ")";
    return nullptr;
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  Builder b(context);
  (*module)->setAttr(mil::MILDialect::kSpecVersionAttrName,
                     b.getI64IntegerAttr(model.specificationversion()));
  spec::MILSpec::Program program = std::move(*model.mutable_mlprogram());
  model.clear_mlprogram();
  model.clear_specificationversion();
  (*module)->setAttr("mil.model_envelope",
                     b.getStringAttr(model.SerializeAsString()));
  (*module)->setAttr(
      "mil.package_identifiers",
      b.getStrArrayAttr({root->modelIdentifier, root->weightsIdentifier}));
  if (!root->otherItems.empty()) {
    // Items of the package besides the model (a vendor's files): kept with
    // where they are, so that the export copies them.
    SmallVector<Attribute> items;
    for (const PackageItem &item : root->otherItems)
      items.push_back(b.getDictionaryAttr({
          b.getNamedAttr("identifier", b.getStringAttr(item.identifier)),
          b.getNamedAttr("author", b.getStringAttr(item.author)),
          b.getNamedAttr("description", b.getStringAttr(item.description)),
          b.getNamedAttr("name", b.getStringAttr(item.name)),
          b.getNamedAttr("path", b.getStringAttr(item.path)),
      }));
    SmallString<256> source(packagePath);
    (void)llvm::sys::fs::make_absolute(source);
    (*module)->setAttr("mil.package_items", b.getArrayAttr(items));
    (*module)->setAttr("mil.package_source", b.getStringAttr(source));
  }
  if (failed(importProgram(program, *module)))
    return nullptr;
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp>
palettize::coreml::importCoreMLPackage(StringRef packagePath,
                                       MLIRContext *context) {
  return CoreMLImporter(context, packagePath).run();
}
