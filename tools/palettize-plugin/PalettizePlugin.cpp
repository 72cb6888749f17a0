//===- PalettizePlugin.cpp - palettize as an mlir-opt plugin --------------===//
//
// One shared object for both of mlir-opt's plugin flags:
//   mlir-opt --load-dialect-plugin=PalettizePlugin.so \
//            --load-pass-plugin=PalettizePlugin.so ...
//
//===----------------------------------------------------------------------===//

#include "palettize/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Palettize", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            palettize::registerDialects(*registry);
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Palettize", LLVM_VERSION_STRING,
          []() { palettize::registerPasses(); }};
}
