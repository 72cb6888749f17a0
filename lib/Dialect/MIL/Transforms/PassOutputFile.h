//===- PassOutputFile.h - Files a pass writes beside the IR -----*- C++ -*-===//
//
// Private to PalettizeMILTransforms. A report, a recipe or metadata file is
// written through a ToolOutputFile, which removes it unless kept: a run
// that fails leaves no partial file.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PASSOUTPUTFILE_H
#define PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PASSOUTPUTFILE_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/ToolOutputFile.h"

#include <memory>

namespace palettize {

/// Opens `path`, or fails with "<what> '<path>': <reason>" at `op` (`what`
/// names the pass and the file: "palettize-weights: cannot write report").
inline mlir::FailureOr<std::unique_ptr<llvm::ToolOutputFile>>
openPassOutput(mlir::Operation *op, llvm::StringRef what,
               llvm::StringRef path) {
  std::error_code error;
  auto file = std::make_unique<llvm::ToolOutputFile>(path, error,
                                                     llvm::sys::fs::OF_Text);
  if (error)
    return op->emitError(what) << " '" << path << "': " << error.message();
  return file;
}

/// Flushes and keeps `file`, or fails with an error at `op` as above.
inline mlir::LogicalResult keepPassOutput(mlir::Operation *op,
                                          llvm::StringRef what,
                                          llvm::ToolOutputFile &file) {
  llvm::raw_fd_ostream &os = file.os();
  os.flush();
  if (os.has_error()) {
    op->emitError(what) << " '" << file.getFilename()
                        << "': " << os.error().message();
    os.clear_error();
    return mlir::failure();
  }
  file.keep();
  return mlir::success();
}

} // namespace palettize

#endif // PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PASSOUTPUTFILE_H
