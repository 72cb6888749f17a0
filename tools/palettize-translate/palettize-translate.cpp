//===- palettize-translate.cpp - Core ML packages to and from MLIR --------===//
//
// Translates between Core ML ML Program packages and the mil dialect:
//
//   palettize-translate --import-coreml model.mlpackage -o model.mlir
//   palettize-translate --export-coreml model.mlir -o model.mlpackage
//
// A package is a directory, which mlir-translate's registrations (one input
// buffer, one output stream) cannot read or write; hence a driver of its own
// with the same flag names.
//
//===----------------------------------------------------------------------===//

#include "palettize/Target/CoreML/CoreML.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
namespace cl = llvm::cl;

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::OptionCategory category("palettize-translate options");
  cl::opt<std::string> input(cl::Positional, cl::desc("<input>"), cl::init("-"),
                             cl::cat(category));
  cl::opt<std::string> output("o", cl::desc("Output file or package"),
                              cl::value_desc("path"), cl::init("-"),
                              cl::cat(category));
  enum class Direction { None, Import, Export };
  cl::opt<Direction> direction(
      cl::desc("Translation:"),
      cl::values(clEnumValN(Direction::Import, "import-coreml",
                            "Core ML .mlpackage to the mil dialect"),
                 clEnumValN(Direction::Export, "export-coreml",
                            "the mil dialect to a Core ML .mlpackage")),
      cl::init(Direction::None), cl::cat(category));
  cl::opt<bool> emitBytecode("emit-bytecode",
                             cl::desc("Write imported IR as bytecode"),
                             cl::init(false), cl::cat(category));
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv, "palettize-translate: Core ML packages to and from MLIR\n");

  DialectRegistry registry;
  palettize::coreml::registerCoreMLDialects(registry);
  // IR to export may hold the ops other passes leave; they are reported by
  // the exporter rather than rejected by the parser.
  registry.insert<arith::ArithDialect, tensor::TensorDialect>();
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Messages name the Core ML op and field; the IR form adds nothing.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  switch (direction) {
  case Direction::None:
    llvm::errs() << "palettize-translate: give --import-coreml or "
                    "--export-coreml\n";
    return 1;
  case Direction::Import: {
    if (input == "-") {
      llvm::errs() << "palettize-translate: --import-coreml reads a package "
                      "directory, not standard input\n";
      return 1;
    }
    OwningOpRef<ModuleOp> module =
        palettize::coreml::importCoreMLPackage(input, &context);
    if (!module)
      return 1;
    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(output, &error);
    if (!file) {
      llvm::errs() << error << "\n";
      return 1;
    }
    if (emitBytecode) {
      if (failed(writeBytecodeToFile(*module, file->os())))
        return 1;
    } else {
      module->print(file->os());
    }
    file->keep();
    return 0;
  }
  case Direction::Export: {
    if (output == "-") {
      llvm::errs() << "palettize-translate: --export-coreml writes a package "
                      "directory: give -o PATH.mlpackage\n";
      return 1;
    }
    std::string error;
    std::unique_ptr<llvm::MemoryBuffer> buffer = openInputFile(input, &error);
    if (!buffer) {
      llvm::errs() << error << "\n";
      return 1;
    }
    sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
    OwningOpRef<ModuleOp> module =
        parseSourceFile<ModuleOp>(sourceMgr, &context);
    if (!module)
      return 1;
    return failed(palettize::coreml::exportCoreMLPackage(*module, output));
  }
  }
  return 1;
}
