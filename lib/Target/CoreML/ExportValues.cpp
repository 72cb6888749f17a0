//===- ExportValues.cpp - Values of the mil dialect to Core ML ------------===//
//
// The names values take in the program, their types, and values as Core ML
// stores them: immediate values and blobs of the weight file.
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

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

/// The name the IR gives `value`, if any.
static std::string getDesignatedName(Value value) {
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    Operation *parent = argument.getOwner()->getParentOp();
    if (auto func = dyn_cast<func::FuncOp>(parent)) {
      if (auto name = func.getArgAttrOfType<StringAttr>(
              argument.getArgNumber(), mil::MILDialect::kNameAttrName))
        return name.getValue().str();
      return "";
    }
    if (auto generic = dyn_cast<mil::GenericOp>(parent)) {
      std::optional<ArrayAttr> blockNames = generic.getBlockInputNames();
      unsigned region = argument.getOwner()->getParent()->getRegionNumber();
      if (blockNames && region < blockNames->size()) {
        auto names = cast<ArrayAttr>((*blockNames)[region]);
        if (argument.getArgNumber() < names.size())
          return cast<StringAttr>(names[argument.getArgNumber()])
              .getValue()
              .str();
      }
    }
    return "";
  }
  Operation *op = value.getDefiningOp();
  if (auto generic = dyn_cast<mil::GenericOp>(op)) {
    unsigned number = cast<OpResult>(value).getResultNumber();
    if (number < generic.getResultNames().size())
      return cast<StringAttr>(generic.getResultNames()[number])
          .getValue()
          .str();
    return "";
  }
  auto name = op->getAttrOfType<StringAttr>("name");
  if (!name)
    return "";
  if (op->getNumResults() == 1)
    return name.getValue().str();
  // Several results, as Core ML's tools name them: <name>_0, <name>_1.
  return (name.getValue() + "_" +
          llvm::Twine(cast<OpResult>(value).getResultNumber()))
      .str();
}

void CoreMLExporter::collectNames() {
  // Made-up names must not take a name the IR gives a later value.
  module.walk([&](Operation *op) {
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument argument : block.getArguments())
          usedNames.insert(getDesignatedName(argument));
    for (Value result : op->getResults())
      usedNames.insert(getDesignatedName(result));
  });
}

bool CoreMLExporter::isVisible(StringRef name) const {
  for (const llvm::StringSet<> &scope : scopes)
    if (scope.contains(name))
      return true;
  return false;
}

void CoreMLExporter::defineName(Value value) {
  if (names.count(value))
    return;
  std::string name = getDesignatedName(value);
  if (name.empty()) {
    std::string base = "value";
    if (Operation *op = value.getDefiningOp())
      base = op->getName().stripDialect().str();
    do
      name = llvm::formatv("{0}_{1}", base, nextName++).str();
    while (usedNames.contains(name));
  } else if (isVisible(name)) {
    // MIL names are unique among the values a block sees.
    std::string base = name;
    do
      name = llvm::formatv("{0}_{1}", base, nextName++).str();
    while (usedNames.contains(name) || isVisible(name));
  }
  usedNames.insert(name);
  scopes.back().insert(name);
  names[value] = name;
}

StringRef CoreMLExporter::getName(Value value) {
  auto it = names.find(value);
  if (it == names.end()) {
    defineName(value);
    it = names.find(value);
  }
  return it->second;
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

LogicalResult CoreMLExporter::exportType(Operation *op, Type type,
                                         milspec::ValueType &out) {
  if (llvm::Error error = convertType(type, out)) {
    op->emitError() << llvm::toString(std::move(error));
    return failure();
  }
  return success();
}

/// Whether Core ML's tools would store a constant of this type in the weight
/// file: ten elements or more of a float or byte type, or of a sub-byte type
/// (which they hold as bytes); of 16- and 32-bit integers from iOS18 on.
static bool prefersBlob(ShapedType type, int64_t specVersion) {
  if (type.getNumElements() < 10)
    return false;
  Type element = type.getElementType();
  if (auto integer = dyn_cast<IntegerType>(element))
    if (integer.getWidth() < 8 && !integer.isSignlessInteger(1))
      return true;
  if (element.isF16() || element.isF32() || element.isInteger(8))
    return true;
  return specVersion >= kSpecVersionIOS18 &&
         (element.isInteger(16) || element.isInteger(32));
}

/// The little-endian bytes of a dense attribute of a type with a blob layout
/// (packed for sub-byte integers).
static std::string getPackedBytes(DenseElementsAttr attr) {
  RawElementsData data = mil::getPackedElementsData(attr);
  return std::string(data.bytes.data(), data.bytes.size());
}

LogicalResult CoreMLExporter::exportImmediate(Operation *op, StringRef field,
                                              DenseElementsAttr attr,
                                              milspec::TensorValue &tensor) {
  Type element = attr.getElementType();
  if (element.isSignlessInteger(1)) {
    auto &values = *tensor.mutable_bools()->mutable_values();
    for (bool value : attr.getValues<bool>())
      values.Add(value);
    return success();
  }
  if (isa<mil::StringType>(element)) {
    auto &values = *tensor.mutable_strings()->mutable_values();
    for (StringRef value :
         cast<DenseStringElementsAttr>(attr).getRawStringData())
      values.Add(value.str());
    return success();
  }
  if (element.isF32()) {
    auto &values = *tensor.mutable_floats()->mutable_values();
    for (float value : attr.getValues<float>())
      values.Add(value);
    return success();
  }
  if (element.isF64()) {
    auto &values = *tensor.mutable_doubles()->mutable_values();
    for (double value : attr.getValues<double>())
      values.Add(value);
    return success();
  }
  auto integer = dyn_cast<IntegerType>(element);
  if (integer && (integer.getWidth() == 16 ||
                  (integer.getWidth() == 32 && !integer.isUnsigned()))) {
    auto &values = *tensor.mutable_ints()->mutable_values();
    for (const APInt &value : attr.getValues<APInt>())
      values.Add(int32_t(integer.isUnsigned() ? value.getZExtValue()
                                              : value.getSExtValue()));
    return success();
  }
  if (integer && integer.getWidth() == 64) {
    auto &values = *tensor.mutable_longints()->mutable_values();
    for (const APInt &value : attr.getValues<APInt>())
      values.Add(int64_t(value.getZExtValue()));
    return success();
  }
  if (coreml::getBlobDataType(element)) {
    *tensor.mutable_bytes()->mutable_values() = getPackedBytes(attr);
    return success();
  }
  return op->emitError() << field << ": element type " << element
                         << " has no Core ML immediate form";
}

LogicalResult CoreMLExporter::exportBlob(Operation *op, StringRef field,
                                         ElementsAttr attr,
                                         milspec::Value &value) {
  auto type = cast<ShapedType>(attr.getType());
  std::optional<BlobDataType> blobType =
      coreml::getBlobDataType(type.getElementType());
  if (!blobType)
    return op->emitError() << field << ": element type "
                           << type.getElementType()
                           << " cannot be stored in a weight file";
  std::optional<uint64_t> count = getCheckedElementCount(type);
  if (!count)
    return op->emitError() << field << ": the value is too large";

  // A shared resource is written once.
  std::string key;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    key = resource.getRawHandle().getKey().str();
  auto found =
      key.empty() ? writtenBlobs.end() : writtenBlobs.find({key, *blobType});
  uint64_t offset;
  if (found != writtenBlobs.end()) {
    offset = found->second;
  } else {
    if (!weightWriter) {
      std::error_code ec;
      weightStream = std::make_unique<llvm::raw_fd_ostream>(weightPath, ec);
      if (ec)
        return op->emitError()
               << weightPath << ": cannot write: " << ec.message();
      weightWriter = std::make_unique<WeightFileWriter>(*weightStream);
    }
    llvm::Expected<uint64_t> written = [&]() -> llvm::Expected<uint64_t> {
      if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
        AsmResourceBlob *blob = resource.getRawHandle().getBlob();
        if (!blob)
          return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                         "the resource '" + key +
                                             "' has no data");
        ArrayRef<char> data = blob->getData();
        std::optional<uint64_t> bytes = getByteCount(*blobType, *count);
        if (!bytes || *bytes != data.size())
          return llvm::createStringError(
              llvm::inconvertibleErrorCode(),
              llvm::formatv("the resource '{0}' holds {1} bytes, its type "
                            "needs {2}",
                            key, data.size(), bytes ? *bytes : 0));
        llvm::Expected<uint64_t> offset =
            weightWriter->addBlob(*blobType, *count, data);
        // Written: a mapped weight or a file-backed index blob leaves
        // memory.
        mil::releaseStorage(data);
        return offset;
      }
      std::string bytes = getPackedBytes(cast<DenseElementsAttr>(attr));
      return weightWriter->addBlob(*blobType, *count,
                                   ArrayRef<char>(bytes.data(), bytes.size()));
    }();
    if (!written)
      return op->emitError()
             << field << ": " << llvm::toString(written.takeError());
    offset = *written;
    if (!key.empty())
      writtenBlobs[{key, *blobType}] = offset;
    ++blobCount;
    blobBytes += getByteCount(*blobType, *count).value_or(0);
    if (options.onBlobWritten)
      options.onBlobWritten(blobCount, blobBytes);
  }
  value.mutable_blobfilevalue()->set_filename(kWeightFileName.str());
  value.mutable_blobfilevalue()->set_offset(offset);
  return success();
}

LogicalResult CoreMLExporter::exportValue(Operation *op, StringRef field,
                                          Attribute attr, bool mayUseBlob,
                                          milspec::Value &value) {
  if (auto serialized = dyn_cast<mil::SerializedValueAttr>(attr)) {
    if (!value.ParseFromString(serialized.getBytes().str()))
      return op->emitError() << field
                             << ": the serialized value is not a "
                                "Core ML value";
    return success();
  }
  auto elements = dyn_cast<ElementsAttr>(attr);
  if (!elements)
    return op->emitError() << field << ": " << attr
                           << " has no Core ML value form";
  if (failed(exportType(op, elements.getType(), *value.mutable_type())))
    return failure();
  auto type = cast<ShapedType>(elements.getType());
  if (!type.hasStaticShape() || !getCheckedElementCount(type))
    return op->emitError() << field << ": a value needs a static shape";
  if (isa<DenseResourceElementsAttr>(elements) ||
      (mayUseBlob && prefersBlob(type, specVersion)))
    return exportBlob(op, field, elements, value);
  auto dense = dyn_cast<DenseElementsAttr>(elements);
  if (!dense)
    return op->emitError() << field << ": " << elements
                           << " is neither dense nor dense_resource";
  return exportImmediate(op, field, dense,
                         *value.mutable_immediatevalue()->mutable_tensor());
}

LogicalResult CoreMLExporter::exportValueMap(
    Operation *op, DictionaryAttr attrs,
    google::protobuf::Map<std::string, milspec::Value> &values) {
  for (NamedAttribute attr : attrs)
    if (failed(exportValue(op, ("attribute '" + attr.getName().str() + "'"),
                           attr.getValue(), /*mayUseBlob=*/false,
                           values[attr.getName().str()])))
      return failure();
  return success();
}

/// A scalar string value.
milspec::Value palettize::coreml::detail::makeString(StringRef text) {
  milspec::Value value;
  value.mutable_type()->mutable_tensortype()->set_datatype(milspec::STRING);
  value.mutable_immediatevalue()
      ->mutable_tensor()
      ->mutable_strings()
      ->add_values(text.str());
  return value;
}
