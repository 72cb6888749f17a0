//===- PassOptionErrors.h - Messages for bad pass options -------*- C++ -*-===//
//
// Private to PalettizeMILTransforms.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PASSOPTIONERRORS_H
#define PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PASSOPTIONERRORS_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/Twine.h"

#include <string>

namespace palettize {

/// Runs `parse`, a pass's base initializeOptions, on `options`. llvm::cl
/// reports a value it cannot read (nbits=abc) itself, on stderr, and hands
/// the pipeline's error handler an empty message, which drivers print as a
/// bare "error:"; this gives the handler one naming the pass and its
/// options instead. Other messages pass through unchanged.
template <typename Parse>
mlir::LogicalResult parseOptionsWithMessage(
    llvm::StringRef passName, llvm::StringRef options,
    llvm::function_ref<mlir::LogicalResult(const llvm::Twine &)> errorHandler,
    Parse parse) {
  std::string message;
  if (mlir::succeeded(parse([&](const llvm::Twine &text) {
        message = text.str();
        return mlir::failure();
      })))
    return mlir::success();
  if (message.empty())
    return errorHandler(passName + ": cannot read the options '" + options +
                        "' (the value named above is not of the option's "
                        "type)");
  return errorHandler(message);
}

} // namespace palettize

#endif // PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PASSOPTIONERRORS_H
