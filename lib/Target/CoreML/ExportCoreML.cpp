//===- ExportCoreML.cpp - the mil dialect to .mlpackage -------------------===//
//
// Writes a module in the form the importer produces as a package: a fresh
// weight file with every blob constant (written as the walk meets it, each
// shared blob once), the model and the manifest, in a staging directory
// moved into place at the end.
//
//===----------------------------------------------------------------------===//

#include "Model.pb.h"
#include "Package.h"
#include "TypeConversion.h"

#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Dialect/MIL/IR/MILTypes.h"
#include "palettize/Target/CoreML/CoreML.h"
#include "palettize/Target/CoreML/WeightFile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>

#include <map>

using namespace mlir;
using namespace palettize;
using namespace palettize::coreml;
using palettize::mil::getCheckedElementCount;
using palettize::mil::getRawElementsData;
using palettize::mil::RawElementsData;
namespace spec = CoreML::Specification;
namespace milspec = CoreML::Specification::MILSpec;

/// The specification version from which integer blobs wider than a byte are
/// written (iOS18), as Core ML's tools do.
static constexpr int64_t kSpecVersionIOS18 = 9;

static constexpr llvm::StringLiteral kWeightFileName =
    "@model_path/weights/weight.bin";

namespace {

class CoreMLExporter {
public:
  CoreMLExporter(ModuleOp module, StringRef packagePath,
                 const ExportOptions &options)
      : module(module), context(module.getContext()),
        packagePath(packagePath.str()), options(options) {}

  LogicalResult run();

private:
  LogicalResult writePackage(StringRef staging);
  /// Copies the package items besides the model (`mil.package_items`) from
  /// the package they came from; returns their manifest entries.
  FailureOr<std::vector<PackageItem>> copyOtherItems(StringRef staging);
  LogicalResult exportFunction(func::FuncOp func, milspec::Block &block);
  LogicalResult exportBlock(Block &body, milspec::Block &block);
  LogicalResult exportOperation(Operation *op, milspec::Block &block);
  LogicalResult exportConst(mil::ConstOp op, milspec::Operation &operation);
  LogicalResult exportLutToDense(mil::ConstexprLutToDenseOp op,
                                 milspec::Operation &operation);
  LogicalResult exportLutToDenseIOS18(mil::ConstexprLutToDenseOp op,
                                      milspec::Operation &operation);
  /// Binds the iOS18 `lut` (a computed one by name; a per-tensor [2^n]
  /// attribute reshaped to [1, ..., 1, 2^n, 1] for a weight of rank `rank`)
  /// and `vector_axis` inputs of a LUT op.
  LogicalResult bindLutInputs(Operation *op, Value lutOperand, ElementsAttr lut,
                              int64_t rank, std::optional<int64_t> vectorAxis,
                              milspec::Operation &operation);
  LogicalResult exportSparseToDense(mil::ConstexprSparseToDenseOp op,
                                    milspec::Operation &operation);
  LogicalResult exportLutToSparse(mil::ConstexprLutToSparseOp op,
                                  milspec::Operation &operation);
  LogicalResult exportShiftScale(mil::ConstexprBlockwiseShiftScaleOp op,
                                 milspec::Operation &operation);
  /// Binds iOS18 constexpr input `name` to `value`: by name when another
  /// constexpr op computes it, else as the value of the constant it is.
  LogicalResult bindConstexprInput(Operation *op, StringRef name, Value value,
                                   milspec::Operation &operation);
  LogicalResult bindValueInput(Operation *op, StringRef name, Attribute value,
                               milspec::Operation &operation);
  LogicalResult exportGeneric(mil::GenericOp op, milspec::Operation &operation);

  /// Writes `attr` as a value; elements attributes go to the weight file
  /// when `mayUseBlob` and Core ML's tools would put them there.
  LogicalResult exportValue(Operation *op, StringRef field, Attribute attr,
                            bool mayUseBlob, milspec::Value &value);
  LogicalResult exportImmediate(Operation *op, StringRef field,
                                DenseElementsAttr attr,
                                milspec::TensorValue &tensor);
  LogicalResult exportBlob(Operation *op, StringRef field, ElementsAttr attr,
                           milspec::Value &value);
  LogicalResult
  exportValueMap(Operation *op, DictionaryAttr attrs,
                 google::protobuf::Map<std::string, milspec::Value> &values);
  LogicalResult addOutput(Operation *op, Value result,
                          milspec::Operation &operation);
  LogicalResult exportType(Operation *op, Type type, milspec::ValueType &out);

  /// Gives `value`, defined here, its MIL name: the IR's, made unique among
  /// the values its block sees, or a made-up one.
  void defineName(Value value);
  /// Whether constexpr ops take the iOS18 form: parameters as inputs.
  bool usesIOS18Constexprs() const { return specVersion >= kSpecVersionIOS18; }
  /// The MIL name of `value`, defined before.
  StringRef getName(Value value);
  bool isVisible(StringRef name) const;
  void collectNames();

  ModuleOp module;
  MLIRContext *context;
  std::string packagePath;
  const ExportOptions &options;
  int64_t specVersion = 0;
  std::string weightPath;
  std::unique_ptr<llvm::raw_fd_ostream> weightStream;
  std::unique_ptr<WeightFileWriter> weightWriter;
  /// Blobs already written: by resource key and storage type.
  std::map<std::pair<std::string, BlobDataType>, uint64_t> writtenBlobs;
  /// Blobs and blob bytes written, for ExportOptions::onBlobWritten.
  uint64_t blobCount = 0, blobBytes = 0;
  llvm::DenseMap<Value, std::string> names;
  llvm::StringSet<> usedNames;
  /// The names each enclosing block defines.
  std::vector<llvm::StringSet<>> scopes;
  unsigned nextName = 0;
};

} // namespace

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
static milspec::Value makeString(StringRef text) {
  milspec::Value value;
  value.mutable_type()->mutable_tensortype()->set_datatype(milspec::STRING);
  value.mutable_immediatevalue()
      ->mutable_tensor()
      ->mutable_strings()
      ->add_values(text.str());
  return value;
}

//===----------------------------------------------------------------------===//
// Operations
//===----------------------------------------------------------------------===//

LogicalResult CoreMLExporter::addOutput(Operation *op, Value result,
                                        milspec::Operation &operation) {
  milspec::NamedValueType &output = *operation.add_outputs();
  defineName(result);
  output.set_name(getName(result).str());
  return exportType(op, result.getType(), *output.mutable_type());
}

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

LogicalResult CoreMLExporter::exportGeneric(mil::GenericOp op,
                                            milspec::Operation &operation) {
  operation.set_type(op.getOpType().str());
  auto &inputs = *operation.mutable_inputs();
  for (NamedAttribute input : op.getInputs()) {
    milspec::Argument &argument = inputs[input.getName().str()];
    for (Attribute binding : cast<ArrayAttr>(input.getValue())) {
      milspec::Argument::Binding &out = *argument.add_arguments();
      if (auto index = dyn_cast<IntegerAttr>(binding)) {
        out.set_name(getName(op.getOperand(index.getInt())).str());
        continue;
      }
      if (failed(exportValue(op, "input '" + input.getName().str() + "'",
                             binding, /*mayUseBlob=*/false,
                             *out.mutable_value())))
        return failure();
    }
  }
  auto &attributes = *operation.mutable_attributes();
  if (std::optional<StringRef> name = op.getName())
    attributes["name"] = makeString(*name);
  if (std::optional<DictionaryAttr> attrs = op.getAttrs())
    if (failed(exportValueMap(op, *attrs, attributes)))
      return failure();
  for (Value result : op.getResults())
    if (failed(addOutput(op, result, operation)))
      return failure();
  for (Region &region : op.getBlocks()) {
    milspec::Block &block = *operation.add_blocks();
    scopes.emplace_back();
    for (BlockArgument argument : region.getArguments()) {
      milspec::NamedValueType &input = *block.add_inputs();
      defineName(argument);
      input.set_name(getName(argument).str());
      if (failed(exportType(op, argument.getType(), *input.mutable_type())))
        return failure();
    }
    if (failed(exportBlock(region.front(), block)))
      return failure();
    scopes.pop_back();
  }
  if (auto unknown = op->getAttrOfType<StringAttr>("mil.unknown_fields"))
    setUnknownFields(operation, unknown.getValue());
  return success();
}

LogicalResult CoreMLExporter::exportOperation(Operation *op,
                                              milspec::Block &block) {
  if (isa<func::ReturnOp, mil::YieldOp>(op)) {
    for (Value operand : op->getOperands())
      block.add_outputs(getName(operand).str());
    return success();
  }
  // From iOS18 on, a constant that only feeds constexpr ops is written as
  // their inputs' values, as Core ML's tools write it.
  if (auto constOp = dyn_cast<mil::ConstOp>(op);
      constOp && usesIOS18Constexprs() && !constOp->use_empty() &&
      llvm::all_of(constOp->getUsers(), [](Operation *user) {
        return isa<mil::ConstexprLutToDenseOp,
                   mil::ConstexprBlockwiseShiftScaleOp,
                   mil::ConstexprSparseToDenseOp, mil::ConstexprLutToSparseOp>(
            user);
      }))
    return success();
  milspec::Operation &operation = *block.add_operations();
  if (auto constOp = dyn_cast<mil::ConstOp>(op))
    return exportConst(constOp, operation);
  if (auto lut = dyn_cast<mil::ConstexprLutToDenseOp>(op))
    return usesIOS18Constexprs() ? exportLutToDenseIOS18(lut, operation)
                                 : exportLutToDense(lut, operation);
  if (auto shiftScale = dyn_cast<mil::ConstexprBlockwiseShiftScaleOp>(op)) {
    if (!usesIOS18Constexprs())
      return op->emitError()
             << "constexpr_blockwise_shift_scale (a per-channel scale or an "
                "8-bit LUT) needs iOS18 (specification 9); the module's "
                "specification is "
             << specVersion;
    return exportShiftScale(shiftScale, operation);
  }
  if (isa<mil::ConstexprSparseToDenseOp, mil::ConstexprLutToSparseOp>(op)) {
    if (!usesIOS18Constexprs())
      return op->emitError()
             << op->getName().stripDialect()
             << " (a pruned weight) needs iOS18 (specification 9); the "
                "module's specification is "
             << specVersion;
    if (auto sparse = dyn_cast<mil::ConstexprSparseToDenseOp>(op))
      return exportSparseToDense(sparse, operation);
    return exportLutToSparse(cast<mil::ConstexprLutToSparseOp>(op), operation);
  }
  if (auto generic = dyn_cast<mil::GenericOp>(op))
    return exportGeneric(generic, operation);
  return op->emitError() << "'" << op->getName()
                         << "' has no Core ML form; only mil ops can be "
                            "exported";
}

LogicalResult CoreMLExporter::exportBlock(Block &body, milspec::Block &block) {
  for (Operation &op : body)
    if (failed(exportOperation(&op, block)))
      return failure();
  return success();
}

LogicalResult CoreMLExporter::exportFunction(func::FuncOp func,
                                             milspec::Block &block) {
  if (auto attrs = func->getAttrOfType<DictionaryAttr>("mil.block_attributes"))
    if (failed(exportValueMap(func, attrs, *block.mutable_attributes())))
      return failure();
  if (failed(exportBlock(func.getBody().front(), block)))
    return failure();
  if (auto unknown =
          func->getAttrOfType<StringAttr>("mil.block_unknown_fields"))
    setUnknownFields(block, unknown.getValue());
  return success();
}

//===----------------------------------------------------------------------===//
// The package
//===----------------------------------------------------------------------===//

LogicalResult CoreMLExporter::writePackage(StringRef staging) {
  auto specAttr =
      module->getAttrOfType<IntegerAttr>(mil::MILDialect::kSpecVersionAttrName);
  if (!specAttr)
    return module.emitError()
           << "the module is not a Core ML program: it has no '"
           << mil::MILDialect::kSpecVersionAttrName << "' attribute";
  specVersion = specAttr.getInt();

  llvm::SmallString<256> modelDir(staging);
  llvm::sys::path::append(modelDir, "Data", options.author);
  llvm::SmallString<256> weightsDir(modelDir);
  llvm::sys::path::append(weightsDir, "weights");
  if (std::error_code ec = llvm::sys::fs::create_directories(weightsDir))
    return module.emitError()
           << weightsDir << ": cannot create: " << ec.message();
  llvm::SmallString<256> weightFile(weightsDir);
  llvm::sys::path::append(weightFile, "weight.bin");
  weightPath = weightFile.str().str();

  spec::Model model;
  if (auto envelope = module->getAttrOfType<StringAttr>("mil.model_envelope"))
    if (!model.ParseFromString(envelope.getValue().str()))
      return module.emitError() << "'mil.model_envelope' is not a serialized "
                                   "Core ML model";
  model.set_specificationversion(int32_t(specVersion));
  milspec::Program &program = *model.mutable_mlprogram();
  if (auto version = module->getAttrOfType<IntegerAttr>("mil.program_version"))
    program.set_version(version.getInt());
  else
    program.set_version(1);
  if (auto doc = module->getAttrOfType<StringAttr>("mil.program_doc"))
    program.set_docstring(doc.getValue().str());
  if (auto attrs =
          module->getAttrOfType<DictionaryAttr>("mil.program_attributes"))
    if (failed(exportValueMap(module, attrs, *program.mutable_attributes())))
      return failure();
  if (auto unknown =
          module->getAttrOfType<StringAttr>("mil.program_unknown_fields"))
    setUnknownFields(program, unknown.getValue());

  collectNames();
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      return func.emitError() << "a Core ML function needs a body";
    auto opset =
        func->getAttrOfType<StringAttr>(mil::MILDialect::kOpsetAttrName);
    if (!opset)
      return func.emitError()
             << "a Core ML function needs a '"
             << mil::MILDialect::kOpsetAttrName << "' attribute";
    std::string functionName = func.getSymName().str();
    auto specializationOf =
        func->getAttrOfType<StringAttr>("mil.specialization_of");
    if (specializationOf)
      functionName = specializationOf.getValue().str();
    milspec::Function &function = (*program.mutable_functions())[functionName];
    scopes.assign(1, {});
    for (BlockArgument argument : func.getArguments())
      defineName(argument);
    if (!specializationOf) {
      function.set_opset(opset.getValue().str());
      for (BlockArgument argument : func.getArguments()) {
        milspec::NamedValueType &input = *function.add_inputs();
        input.set_name(getName(argument).str());
        if (failed(exportType(func, argument.getType(), *input.mutable_type())))
          return failure();
      }
      if (auto attrs = func->getAttrOfType<DictionaryAttr>("mil.attributes"))
        if (failed(exportValueMap(func, attrs, *function.mutable_attributes())))
          return failure();
      if (auto unknown = func->getAttrOfType<StringAttr>("mil.unknown_fields"))
        setUnknownFields(function, unknown.getValue());
    }
    milspec::Block &block =
        (*function.mutable_block_specializations())[opset.getValue().str()];
    if (failed(exportFunction(func, block)))
      return failure();
  }

  if (weightWriter) {
    if (llvm::Error error = weightWriter->finish())
      return module.emitError() << llvm::toString(std::move(error));
    weightStream->close();
    if (weightStream->has_error())
      return module.emitError()
             << weightPath
             << ": cannot write: " << weightStream->error().message();
  } else {
    (void)llvm::sys::fs::remove(weightsDir);
  }

  // Map entries in key order, so that the same module gives the same bytes.
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    // Strings the IR holds need not be UTF-8; protobuf would log each one.
    google::protobuf::LogSilencer silence;
    if (!model.SerializeToCodedStream(&coded))
      return module.emitError()
             << "the model cannot be serialized (over 2 GiB?)";
  }
  llvm::SmallString<256> modelFile(modelDir);
  llvm::sys::path::append(modelFile, "model.mlmodel");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(modelFile, ec);
    if (!ec) {
      os << bytes;
      os.close();
      ec = os.error();
    }
    if (ec)
      return module.emitError()
             << modelFile << ": cannot write: " << ec.message();
  }

  std::string modelId, weightsId;
  if (auto ids = module->getAttrOfType<ArrayAttr>("mil.package_identifiers");
      ids && ids.size() == 2) {
    modelId = cast<StringAttr>(ids[0]).getValue().str();
    weightsId = cast<StringAttr>(ids[1]).getValue().str();
  }
  if (modelId.empty())
    modelId = makeIdentifier(bytes);
  if (!weightWriter)
    weightsId.clear();
  else if (weightsId.empty())
    weightsId = makeIdentifier(modelId + "/weights");
  FailureOr<std::vector<PackageItem>> otherItems = copyOtherItems(staging);
  if (failed(otherItems))
    return failure();
  llvm::SmallString<256> manifestFile(staging);
  llvm::sys::path::append(manifestFile, "Manifest.json");
  std::error_code ec;
  llvm::raw_fd_ostream os(manifestFile, ec);
  if (!ec) {
    os << formatManifest(options.author, modelId, weightsId, *otherItems)
       << "\n";
    os.close();
    ec = os.error();
  }
  if (ec)
    return module.emitError()
           << manifestFile << ": cannot write: " << ec.message();
  return success();
}

FailureOr<std::vector<PackageItem>>
CoreMLExporter::copyOtherItems(StringRef staging) {
  std::vector<PackageItem> items;
  auto list = module->getAttrOfType<ArrayAttr>("mil.package_items");
  if (!list)
    return items;
  auto source = module->getAttrOfType<StringAttr>("mil.package_source");
  if (!source)
    return module.emitError() << "'mil.package_items' needs "
                                 "'mil.package_source', the package to copy "
                                 "them from";
  for (Attribute entry : list) {
    auto dict = dyn_cast<DictionaryAttr>(entry);
    auto text = [&](StringRef field) -> std::optional<std::string> {
      if (auto value = dict ? dict.getAs<StringAttr>(field) : StringAttr())
        return value.getValue().str();
      return std::nullopt;
    };
    std::optional<std::string> identifier = text("identifier"),
                               path = text("path");
    if (!identifier || !path)
      return module.emitError()
             << "'mil.package_items' entries need an 'identifier' and a "
                "'path', got "
             << entry;
    // The model and its weights are this export's own.
    llvm::StringRef author(options.author);
    if (*path == (author + "/model.mlmodel").str() ||
        *path == (author + "/weights").str() ||
        llvm::StringRef(*path).starts_with((author + "/weights/").str()))
      return module.emitError()
             << "package item '" << *identifier << "' is at " << *path
             << ", where the exported model is written";
    if (llvm::Error error = copyPackageItem(source.getValue(), staging, *path))
      return module.emitError()
             << "package item '" << *identifier << "' (" << *path
             << "): " << llvm::toString(std::move(error));
    items.push_back({*identifier, text("author").value_or(""),
                     text("description").value_or(""),
                     text("name").value_or(""), *path});
  }
  return items;
}

LogicalResult CoreMLExporter::run() {
  // Staged beside the destination, so that the final move is a rename.
  llvm::SmallString<256> staging;
  for (unsigned attempt = 0;; ++attempt) {
    staging = packagePath;
    staging += llvm::formatv(".partial-{0}-{1}",
                             llvm::sys::Process::getProcessId(), attempt)
                   .str();
    if (!llvm::sys::fs::exists(staging))
      break;
  }
  if (std::error_code ec = llvm::sys::fs::create_directories(staging))
    return module.emitError() << staging << ": cannot create: " << ec.message();
  LogicalResult written = writePackage(staging);
  if (succeeded(written)) {
    if (llvm::Error error = replacePackage(staging, packagePath)) {
      module.emitError() << llvm::toString(std::move(error));
      written = failure();
    }
  }
  if (failed(written))
    (void)llvm::sys::fs::remove_directories(staging);
  return written;
}

LogicalResult
palettize::coreml::exportCoreMLPackage(ModuleOp module, StringRef packagePath,
                                       const ExportOptions &options) {
  return CoreMLExporter(module, packagePath, options).run();
}
