//===- CoreML.h - Core ML .mlpackage import and export ----------*- C++ -*-===//
//
// Reads a Core ML ML Program package (`.mlpackage`) into a module of the
// `mil` dialect and writes such a module back as a package.
//
// The module holds one `func.func` per MIL function (its inputs as
// arguments named by `mil.name`, its opset in `mil.opset`), whose body has
// `mil.const` for constants, `mil.constexpr_*` for compressed constants and
// `mil.op` for every other operation. Blob weights are `dense_resource`
// attributes over a memory map of the weight files, never copied. Module
// attributes keep what the program does not hold: `mil.spec_version`, the
// model's specification version, and `mil.model_envelope`, the serialized
// model around the program (description, metadata, unknown fields).
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_TARGET_COREML_COREML_H
#define PALETTIZE_TARGET_COREML_COREML_H

#include "palettize/Dialect/MIL/IR/ConstantData.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"

#include <functional>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace palettize::coreml {

/// Registers the dialects an imported module uses.
void registerCoreMLDialects(mlir::DialectRegistry &registry);

/// Imports the ML Program package at `packagePath`. Errors are reported to
/// the context's diagnostic handler, naming the file, the op and the field;
/// the result is then null.
mlir::OwningOpRef<mlir::ModuleOp>
importCoreMLPackage(llvm::StringRef packagePath, mlir::MLIRContext *context);

/// Options of `exportCoreMLPackage`.
struct ExportOptions {
  /// Shown by Core ML's tools as the package's author directory and kept in
  /// the manifest.
  std::string author = "com.apple.CoreML";
  /// Called after each blob is written to a weight file, with the number
  /// and bytes of the blobs written so far: for a progress display.
  std::function<void(uint64_t blobs, uint64_t bytes)> onBlobWritten;
};

/// Writes `module` as an ML Program package at `packagePath`. The package is
/// written beside its destination and moved into place only when complete;
/// an existing package there is replaced only then. Errors are reported to
/// the context's diagnostic handler.
mlir::LogicalResult exportCoreMLPackage(mlir::ModuleOp module,
                                        llvm::StringRef packagePath,
                                        const ExportOptions &options = {});

/// Returns a large-blob allocator (mil::setLargeBlobAllocator) whose blobs
/// are pages of a scratch file in `directory`, deleted from the directory at
/// once and freed with the last blob. Their pages leave memory once
/// released (mil::releaseStorage), so that the indices of a model larger
/// than memory wait on disk, not in memory, until they are exported. Null
/// with `error` set when the file cannot be created.
mil::BlobAllocator createFileBackedBlobAllocator(llvm::StringRef directory,
                                                 std::string &error);

} // namespace palettize::coreml

#endif // PALETTIZE_TARGET_COREML_COREML_H
