//===- Registration.cpp - Register palettize with a tool ------------------===//

#include "palettize/Registration.h"
#include "palettize/Conversion/Passes.h"
#include "palettize/Conversion/Pipelines/LowerToLLVM.h"
#include "palettize/Dialect/MIL/IR/MILDialect.h"
#include "palettize/Dialect/MIL/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"

void palettize::registerDialects(mlir::DialectRegistry &registry) {
  registry.insert<mil::MILDialect>();
}

void palettize::registerPasses() {
  registerPalettizePasses();
  registerPalettizeConversionPasses();
  registerLowerToLLVMPipeline();
}
