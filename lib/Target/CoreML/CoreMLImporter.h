//===- CoreMLImporter.h - The state of one Core ML import -------*- C++ -*-===//
//
// The importer behind importCoreMLPackage, shared by its parts:
// ImportCoreML.cpp (program structure and generic ops), ImportValues.cpp
// (values, immediate tensors, blobs and weight files) and
// ImportConstexpr.cpp (the compression ops the dialect models).
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LIB_TARGET_COREML_COREMLIMPORTER_H
#define PALETTIZE_LIB_TARGET_COREML_COREMLIMPORTER_H

#include "MIL.pb.h"

#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Target/CoreML/WeightFile.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace palettize::coreml::detail {

namespace spec = CoreML::Specification;
using namespace mlir;

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

/// The text of a scalar string value, if `value` is one.
std::optional<std::string> getStringScalar(const spec::MILSpec::Value &value);

} // namespace palettize::coreml::detail

#endif // PALETTIZE_LIB_TARGET_COREML_COREMLIMPORTER_H
