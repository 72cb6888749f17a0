//===- CoreMLExporter.h - The state of one Core ML export -------*- C++ -*-===//
//
// The exporter behind exportCoreMLPackage, shared by its parts:
// ExportCoreML.cpp (program structure, generic ops, the package),
// ExportValues.cpp (names, types, immediate values and blobs) and
// ExportConstexpr.cpp (the compression ops the dialect models).
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LIB_TARGET_COREML_COREMLEXPORTER_H
#define PALETTIZE_LIB_TARGET_COREML_COREMLEXPORTER_H

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

namespace palettize::coreml::detail {

using namespace mlir;
namespace spec = CoreML::Specification;
namespace milspec = CoreML::Specification::MILSpec;

/// The specification version from which integer blobs wider than a byte are
/// written (iOS18), as Core ML's tools do.
inline constexpr int64_t kSpecVersionIOS18 = 9;

inline constexpr llvm::StringLiteral kWeightFileName =
    "@model_path/weights/weight.bin";

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

/// A scalar string value.
milspec::Value makeString(llvm::StringRef text);

} // namespace palettize::coreml::detail

#endif // PALETTIZE_LIB_TARGET_COREML_COREMLEXPORTER_H
