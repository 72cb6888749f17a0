//===- Registration.cpp - Register palettize with a tool ------------------===//

#include "palettize/Registration.h"
#include "palettize/Dialect/MIL/MILDialect.h"
#include "palettize/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"

void palettize::registerDialects(mlir::DialectRegistry &registry) {
  registry.insert<mil::MILDialect>();
}

void palettize::registerPasses() { registerPalettizePasses(); }
