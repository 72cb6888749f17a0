//===- PassOptionErrors.h - Messages for bad pass options -------*- C++ -*-===//
//
// Private to PalettizeMILTransforms.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PASSOPTIONERRORS_H
#define PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PASSOPTIONERRORS_H

#include "mlir/Pass/Pass.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/Twine.h"

#include <string>

namespace palettize {

/// A pass's generated base (`PassBase`, a `Pass` subclass) whose options
/// report values llvm::cl cannot read. llvm::cl says why (nbits=abc) itself,
/// on stderr, and hands the pipeline's error handler an empty message,
/// which drivers print as a bare "error:"; this gives the handler one naming
/// the pass and its options instead. Other messages pass through unchanged.
template <typename PassBase> struct PassWithOptionErrors : PassBase {
  using PassBase::PassBase;

  mlir::LogicalResult
  initializeOptions(llvm::StringRef options,
                    llvm::function_ref<mlir::LogicalResult(const llvm::Twine &)>
                        errorHandler) override {
    std::string message;
    if (mlir::succeeded(
            PassBase::initializeOptions(options, [&](const llvm::Twine &text) {
              message = text.str();
              return mlir::failure();
            })))
      return mlir::success();
    if (message.empty())
      return errorHandler(this->getArgument() + ": cannot read the options '" +
                          options +
                          "' (the value named above is not of the option's "
                          "type)");
    return errorHandler(message);
  }
};

} // namespace palettize

#endif // PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PASSOPTIONERRORS_H
