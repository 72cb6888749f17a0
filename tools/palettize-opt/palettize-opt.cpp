//===- palettize-opt.cpp - palettize optimizer driver ---------------------===//
//
// An mlir-opt style driver with the mil dialect, the dialects weights usually
// live in and those the lowering to LLVM goes through, and every palettize
// and core transformation pass.
//
// Unlike mlir-opt, a file given with -o is replaced only when the run
// succeeds: the output goes to a temporary file beside it, renamed over the
// target at the end. A failed run leaves an existing file as it was, and
// `-o` may name the input (which the parser may still be reading through a
// memory map: truncating it in place would crash the run).
//
//===----------------------------------------------------------------------===//

#include "palettize/Registration.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

using namespace llvm;

namespace {

/// Where the output really goes: the file a symlink at `path` points to,
/// else `path` itself.
std::string resolveTarget(StringRef path) {
  SmallString<256> real;
  if (sys::fs::is_symlink_file(path) && !sys::fs::real_path(path, real))
    return real.str().str();
  return path.str();
}

/// True if `path` is written in place: standard output, or an existing file
/// that is not a regular one (/dev/null, a pipe), which a rename would
/// replace rather than write to.
bool writesInPlace(StringRef path) {
  if (path == "-")
    return true;
  sys::fs::file_status status;
  if (sys::fs::status(path, status))
    return false; // does not exist (or cannot be read): a new file
  return status.type() != sys::fs::file_type::regular_file;
}

/// Runs MlirOptMain writing to a temporary file beside `target`, and renames
/// it over `target` once the run succeeded.
int runWithAtomicOutput(int argc, char **argv, StringRef input,
                        StringRef target, mlir::DialectRegistry &registry) {
  SmallString<256> model(sys::path::parent_path(target));
  sys::path::append(model, "." + sys::path::filename(target) + ".tmp-%%%%%%");
  SmallString<256> temporary;
  if (std::error_code error = sys::fs::createUniqueFile(model, temporary)) {
    errs() << "palettize-opt: cannot create the output '" << target
           << "' (a temporary file beside it: " << error.message() << ")\n";
    return EXIT_FAILURE;
  }
  // The temporary file is removed on failure by MlirOptMain's output
  // handling (also on a crash signal); removing it here covers the rest.
  if (mlir::failed(mlir::MlirOptMain(argc, argv, input, temporary, registry))) {
    sys::fs::remove(temporary);
    return EXIT_FAILURE;
  }
  if (std::error_code error = sys::fs::rename(temporary, target)) {
    errs() << "palettize-opt: cannot replace '" << target
           << "': " << error.message() << "; the output is left in '"
           << temporary << "'\n";
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}

} // namespace

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  palettize::registerDialects(registry);
  // The dialects weights live in, and those the lowering to LLVM goes
  // through, so that any stage of palettize-lower-to-llvm can be read back.
  registry.insert<mlir::arith::ArithDialect, mlir::func::FuncDialect,
                  mlir::linalg::LinalgDialect, mlir::scf::SCFDialect,
                  mlir::tensor::TensorDialect, mlir::tosa::TosaDialect,
                  mlir::bufferization::BufferizationDialect,
                  mlir::cf::ControlFlowDialect, mlir::LLVM::LLVMDialect,
                  mlir::math::MathDialect, mlir::memref::MemRefDialect,
                  mlir::vector::VectorDialect>();
  palettize::registerPasses();
  mlir::registerTransformsPasses();
  auto [input, output] = mlir::registerAndParseCLIOptions(
      argc, argv, "palettize: weight palettization for MLIR\n", registry);
  const std::string target = resolveTarget(output);
  if (writesInPlace(target))
    return mlir::asMainReturnCode(
        mlir::MlirOptMain(argc, argv, input, target, registry));
  return runWithAtomicOutput(argc, argv, input, target, registry);
}
