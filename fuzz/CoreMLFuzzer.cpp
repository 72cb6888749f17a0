//===- CoreMLFuzzer.cpp - Fuzz the Core ML package importer and exporter --===//
//
// The input is a package's two files: a 4-byte little-endian length L, then
// L bytes of model.mlmodel, then weight.bin; the manifest is a valid one.
// Invariants: no crash and no read outside the files (the sanitizers watch);
// a failed import reports an error; an accepted package verifies, exports,
// and re-imports, and exporting that again gives the same bytes.
//
//===----------------------------------------------------------------------===//

#include "palettize/Target/CoreML/CoreML.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include "FuzzInput.h"

#include <string>

using namespace mlir;

namespace {

[[noreturn]] void fail(const char *what) {
  palettize::fuzz::failInvariant("CoreMLFuzzer", what);
}

/// A directory of this process's own, made once and removed at exit.
struct WorkDir {
  WorkDir() {
    llvm::SmallString<128> made;
    if (llvm::sys::fs::createUniqueDirectory("palettize-fuzz-coreml", made))
      fail("cannot create a work directory");
    path = made.str().str();
  }
  ~WorkDir() { llvm::sys::fs::remove_directories(path); }
  std::string path;
};

const std::string &getWorkDir() {
  static const WorkDir dir;
  return dir.path;
}

void writeFile(const std::string &path, llvm::StringRef bytes) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    fail("cannot write the input files");
  os << bytes;
}

std::string readTree(const std::string &package) {
  std::string all;
  for (const char *file :
       {"Manifest.json", "Data/com.apple.CoreML/model.mlmodel",
        "Data/com.apple.CoreML/weights/weight.bin"}) {
    llvm::SmallString<256> path(package);
    llvm::sys::path::append(path, file);
    auto buffer = llvm::MemoryBuffer::getFile(path);
    all += buffer ? (*buffer)->getBuffer().str() : std::string("<none>");
    all += '\0';
  }
  return all;
}

constexpr llvm::StringLiteral kManifest = R"({
    "fileFormatVersion": "1.0.0",
    "itemInfoEntries": {
        "A": {"author": "com.apple.CoreML", "description": "",
              "name": "model.mlmodel", "path": "com.apple.CoreML/model.mlmodel"},
        "B": {"author": "com.apple.CoreML", "description": "",
              "name": "weights", "path": "com.apple.CoreML/weights"}
    },
    "rootModelIdentifier": "A"
})";

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  uint32_t modelSize = 0;
  if (bytes.size() >= 4) {
    modelSize = uint32_t(uint8_t(bytes[0])) | uint32_t(uint8_t(bytes[1])) << 8 |
                uint32_t(uint8_t(bytes[2])) << 16 |
                uint32_t(uint8_t(bytes[3])) << 24;
    bytes = bytes.drop_front(4);
  }
  llvm::StringRef model = bytes.take_front(modelSize);
  llvm::StringRef weights = bytes.drop_front(model.size());

  const std::string &dir = getWorkDir();
  std::string package = dir + "/in.mlpackage";
  llvm::sys::fs::create_directories(package + "/Data/com.apple.CoreML/weights");
  writeFile(package + "/Manifest.json", kManifest);
  writeFile(package + "/Data/com.apple.CoreML/model.mlmodel", model);
  writeFile(package + "/Data/com.apple.CoreML/weights/weight.bin", weights);

  DialectRegistry registry;
  palettize::coreml::registerCoreMLDialects(registry);
  MLIRContext context(registry);
  unsigned errors = 0;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
    if (diagnostic.getSeverity() == DiagnosticSeverity::Error)
      ++errors;
    return success();
  });
  OwningOpRef<ModuleOp> module =
      palettize::coreml::importCoreMLPackage(package, &context);
  if (!module) {
    if (errors == 0)
      fail("a failed import reported no error");
    return 0;
  }
  if (failed(verify(*module)))
    fail("an imported module does not verify");
  std::string first = dir + "/first.mlpackage";
  if (failed(palettize::coreml::exportCoreMLPackage(*module, first)))
    return 0; // e.g. a value the importer kept but Core ML cannot store
  OwningOpRef<ModuleOp> again =
      palettize::coreml::importCoreMLPackage(first, &context);
  if (!again)
    fail("an exported package does not import");
  std::string second = dir + "/second.mlpackage";
  if (failed(palettize::coreml::exportCoreMLPackage(*again, second)))
    fail("a re-imported package does not export");
  if (readTree(first) != readTree(second))
    fail("exporting a re-imported package changed it");
  return 0;
}
