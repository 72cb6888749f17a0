//===- ConfigFuzzer.cpp - Fuzz the configuration file reader --------------===//
//
// The input is the file, byte for byte (JSON and YAML are one reader).
// Invariants: no crash; every error is reported with a location in the
// file; every entry of a configuration read successfully passes validate().
//
//===----------------------------------------------------------------------===//

#include "palettize/Dialect/MIL/Transforms/PalettizeConfig.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include "FuzzInput.h"

#include <cstdio>
#include <cstdlib>
#include <string>

using namespace mlir;
using namespace palettize;

namespace {

[[noreturn]] void fail(const char *what) {
  fuzz::failInvariant("ConfigFuzzer", what);
}

/// One scratch file per process, rewritten for every input.
const std::string &scratchPath() {
  static const std::string path = [] {
    llvm::SmallString<128> created;
    if (llvm::sys::fs::createTemporaryFile("palettize-config-fuzz", "yaml",
                                           created))
      fail("cannot create a scratch file");
    return created.str().str();
  }();
  return path;
}

void checkEntry(const PalettizeEntry &entry) {
  if (entry && validate(*entry))
    fail("a configuration entry that validate() rejects was accepted");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static MLIRContext *context = new MLIRContext();
  {
    std::error_code error;
    llvm::raw_fd_ostream os(scratchPath(), error);
    if (error)
      fail("cannot write the scratch file");
    os.write(reinterpret_cast<const char *>(data), size);
  }
  bool reported = false;
  ScopedDiagnosticHandler handler(context, [&](Diagnostic &diagnostic) {
    if (diagnostic.getSeverity() == DiagnosticSeverity::Error) {
      reported = true;
      if (!isa<FileLineColLoc>(diagnostic.getLocation()))
        fail("an error without a file location");
    }
    return success();
  });
  FailureOr<PalettizeConfig> config =
      loadPalettizeConfig(context, scratchPath());
  if (failed(config)) {
    if (!reported)
      fail("a failure without an error");
    return 0;
  }
  checkEntry(config->global);
  for (const auto &entry : config->opTypes)
    checkEntry(entry.getValue());
  for (const auto &entry : config->opNames)
    checkEntry(entry.getValue());
  return 0;
}
