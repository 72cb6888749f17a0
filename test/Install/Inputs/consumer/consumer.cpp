// Parses a file, runs mil-materialize-constexpr and prints the result, using
// only the installed palettize package.
#include "palettize/Registration.h"
#include "palettize/Dialect/MIL/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  mlir::DialectRegistry registry;
  palettize::registerDialects(registry);
  registry.insert<mlir::func::FuncDialect>();
  palettize::registerPasses();
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(argv[1], &context);
  if (!module)
    return 1;
  mlir::PassManager pm(&context);
  // Options built in C++: unique needs no nbits.
  palettize::PalettizeWeightsOptions options;
  options.mode = "unique";
  options.weightThreshold = 3;
  pm.addPass(palettize::createPalettizeWeights(options));
  pm.addPass(palettize::createMILMaterializeConstexpr());
  if (mlir::failed(pm.run(*module)))
    return 1;
  module->print(llvm::outs());
  return 0;
}
