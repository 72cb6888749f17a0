//===- palettize-coreml.cpp - palettize Core ML packages in one step ------===//
//
// Reads an .mlpackage, runs palettize-weights (or any pipeline of the
// project's passes) on it in memory and writes the result as a package:
//
//   palettize-coreml in.mlpackage -o out.mlpackage \
//       --palettize-weights="mode=kmeans nbits=6"
//   palettize-coreml in.mlpackage -o out.mlpackage --decompress
//
//===----------------------------------------------------------------------===//

#include "palettize/Dialect/MIL/IR/MILDialect.h"
#include "palettize/Registration.h"
#include "palettize/Target/CoreML/CoreML.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"

#include <chrono>
#include <optional>

using namespace mlir;
namespace cl = llvm::cl;

namespace {

/// A deployment target: its name, specification version and opset.
struct Target {
  llvm::StringRef name;
  int64_t specVersion;
  llvm::StringRef opset;
};

constexpr Target kTargets[] = {
    {"iOS15", 6, "CoreML5"},
    {"iOS16", 7, "CoreML6"},
    {"iOS17", 8, "CoreML7"},
    {"iOS18", 9, "CoreML8"},
};

std::optional<Target> findTarget(llvm::StringRef name) {
  for (const Target &target : kTargets)
    if (target.name.equals_insensitive(name))
      return target;
  return std::nullopt;
}

std::string describeSpec(int64_t specVersion) {
  for (const Target &target : kTargets)
    if (target.specVersion == specVersion)
      return llvm::formatv("{0} (specification {1})", target.name, specVersion);
  return llvm::formatv("specification {0}", specVersion);
}

/// Reads a palettize-weights option string's `key=value` pairs, with keys
/// and names normalized as the pass reads them.
std::vector<std::pair<std::string, std::string>>
readOptions(llvm::StringRef options) {
  std::vector<std::pair<std::string, std::string>> pairs;
  llvm::SmallVector<llvm::StringRef> words;
  options.split(words, ' ', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef word : words) {
    auto [key, value] = word.split('=');
    std::string normalized = value.trim("\"'").lower();
    std::replace(normalized.begin(), normalized.end(), '-', '_');
    pairs.emplace_back(key.str(), normalized);
  }
  return pairs;
}

/// The first option that needs iOS18, as Core ML's tools require it, if
/// any.
std::optional<std::string> getIOS18Option(llvm::StringRef options) {
  for (auto &[key, value] : readOptions(options)) {
    bool needsIOS18 =
        (key == "granularity" && value == "per_grouped_channel") ||
        (key == "cluster-dim" && value != "1") ||
        (key == "per-channel-scale" && (value == "true" || value == "1")) ||
        (key == "nbits" && value == "3") ||
        (key == "lut-dtype" && (value == "int8" || value == "uint8")) ||
        (key == "sparse" && value == "auto");
    if (needsIOS18)
      return key + "=" + value;
  }
  return std::nullopt;
}

/// The bytes of the files under `path`.
uint64_t getDirectorySize(llvm::StringRef path) {
  uint64_t total = 0;
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(path, ec), end;
       it != end && !ec; it.increment(ec)) {
    llvm::sys::fs::file_status status;
    if (!llvm::sys::fs::status(it->path(), status) &&
        llvm::sys::fs::is_regular_file(status))
      total += status.getSize();
  }
  return total;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::OptionCategory category("palettize-coreml options");
  cl::opt<std::string> input(cl::Positional, cl::Required,
                             cl::desc("<input .mlpackage>"), cl::cat(category));
  cl::opt<std::string> output("o", cl::Required, cl::desc("Output .mlpackage"),
                              cl::value_desc("path"), cl::cat(category));
  cl::opt<std::string> palettizeOptions(
      "palettize-weights",
      cl::desc("Run palettize-weights with these options, e.g. "
               "\"mode=kmeans nbits=6\" or \"config=config.yaml\""),
      cl::value_desc("options"), cl::ValueOptional, cl::cat(category));
  cl::opt<std::string> pipeline(
      "pass-pipeline",
      cl::desc("Run this pass pipeline (after palettize-weights, if given), "
               "e.g. \"builtin.module(mil-materialize-constexpr)\""),
      cl::value_desc("pipeline"), cl::cat(category));
  cl::opt<bool> decompress(
      "decompress",
      cl::desc("Decode every compressed weight back into a constant "
               "(coremltools' decompress_weights)"),
      cl::init(false), cl::cat(category));
  cl::opt<std::string> targetName(
      "target",
      cl::desc("Deployment target: iOS16, iOS17 or iOS18 (default: the "
               "model's own)"),
      cl::value_desc("target"), cl::cat(category));
  cl::opt<std::string> progress(
      "progress",
      cl::desc("Show progress on stderr while palettizing and writing: "
               "auto (when stderr is a terminal), on or off"),
      cl::value_desc("auto|on|off"), cl::init("auto"), cl::cat(category));
  cl::opt<bool> quiet("quiet",
                      cl::desc("Print nothing but errors and warnings"),
                      cl::init(false), cl::cat(category));
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "palettize-coreml: palettize the weights of a Core ML package\n");

  DialectRegistry registry;
  palettize::coreml::registerCoreMLDialects(registry);
  palettize::registerDialects(registry);
  registry.insert<arith::ArithDialect, tensor::TensorDialect>();
  palettize::registerPasses();
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Messages name the Core ML op and field; the IR form adds nothing.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  auto fail = [](const llvm::Twine &message) {
    llvm::errs() << "palettize-coreml: error: " << message << "\n";
    return 1;
  };
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };

  bool showProgress;
  if (progress == "auto")
    showProgress = !quiet && llvm::sys::Process::StandardErrIsDisplayed();
  else if (progress == "on" || progress == "off")
    showProgress = progress == "on";
  else
    return fail("--progress=" + progress + " is not one of auto, on, off");

  bool palettize = palettizeOptions.getNumOccurrences() > 0;
  if (!palettize && pipeline.empty() && !decompress &&
      targetName.getNumOccurrences() == 0)
    return fail("nothing to do: give --palettize-weights, --pass-pipeline, "
                "--decompress or --target");
  if (llvm::sys::fs::equivalent(input, output))
    return fail("the output would replace the input " + input +
                "; give another -o");

  OwningOpRef<ModuleOp> module =
      palettize::coreml::importCoreMLPackage(input, &context);
  if (!module)
    return 1;
  auto specAttr = (*module)->getAttrOfType<IntegerAttr>(
      palettize::mil::MILDialect::kSpecVersionAttrName);
  int64_t specVersion = specAttr.getInt();
  if (!quiet)
    llvm::errs() << llvm::formatv("palettize-coreml: read {0}: {1}, {2} "
                                  "bytes\n",
                                  input, describeSpec(specVersion),
                                  getDirectorySize(input));

  // The target in force: the model's own, or a newer one given.
  if (targetName.getNumOccurrences()) {
    std::optional<Target> target = findTarget(targetName);
    if (!target || target->specVersion < 7)
      return fail("--target=" + targetName +
                  " is not one of iOS16, iOS17, iOS18");
    if (target->specVersion < specVersion)
      return fail(llvm::formatv("--target={0}: the model targets {1}, and a "
                                "model cannot be moved to an older target",
                                target->name, describeSpec(specVersion)));
    if (target->specVersion > specVersion) {
      // As Core ML's tools do: the specification version and every
      // function's opset move to the target's.
      specVersion = target->specVersion;
      (*module)->setAttr(palettize::mil::MILDialect::kSpecVersionAttrName,
                         IntegerAttr::get(specAttr.getType(), specVersion));
      for (auto func : module->getOps<func::FuncOp>())
        func->setAttr(palettize::mil::MILDialect::kOpsetAttrName,
                      StringAttr::get(&context, target->opset));
    }
  }
  if (palettize && specVersion < 7)
    return fail(llvm::formatv("palettize_weights needs iOS16 or later, the "
                              "model targets {0}; give --target=iOS16",
                              describeSpec(specVersion)));
  if (palettize && specVersion < 9)
    if (std::optional<std::string> option = getIOS18Option(palettizeOptions))
      return fail(llvm::formatv("--palettize-weights option '{0}' needs "
                                "iOS18; the target in force is {1}: give "
                                "--target=iOS18",
                                *option, describeSpec(specVersion)));

  // The indices the passes make wait in a scratch file beside the output,
  // not in memory, until they are written.
  llvm::SmallString<256> outputDir(llvm::sys::path::parent_path(output));
  if (outputDir.empty())
    outputDir = ".";
  std::string scratchError;
  palettize::mil::BlobAllocator scratch =
      palettize::coreml::createFileBackedBlobAllocator(outputDir, scratchError);
  if (!scratch)
    return fail(scratchError);
  palettize::mil::setLargeBlobAllocator(scratch);

  PassManager pm(&context, ModuleOp::getOperationName());
  if (palettize) {
    std::string options = palettizeOptions;
    if (!quiet && !llvm::StringRef(options).contains("print-statistics"))
      options += " print-statistics=true";
    // The pass reports its own progress; --progress decides whether it
    // does, unless the options say.
    if (!llvm::StringRef(options).contains("progress="))
      options += showProgress ? " progress=on" : " progress=off";
    if (failed(parsePassPipeline("palettize-weights{" + options + "}", pm,
                                 llvm::errs())))
      return fail("bad --palettize-weights options: " + palettizeOptions);
  }
  // The passes run on the module: `builtin.module(...)` or the bare list.
  llvm::StringRef passes = llvm::StringRef(pipeline).trim();
  if (passes.consume_front("builtin.module(") && !passes.consume_back(")"))
    return fail("bad --pass-pipeline: " + pipeline);
  if (!passes.empty() && failed(parsePassPipeline(passes, pm, llvm::errs())))
    return fail("bad --pass-pipeline: " + pipeline);
  if (decompress &&
      failed(parsePassPipeline("mil-materialize-constexpr", pm, llvm::errs())))
    return 1;
  if (failed(pm.run(*module)))
    return fail("the passes failed; " + output + " was not written");

  // Writing the blobs is the other long step: a line per half second, on
  // a terminal rewritten in place.
  palettize::coreml::ExportOptions exportOptions;
  const bool terminal = llvm::sys::Process::StandardErrIsDisplayed();
  double lastReport = -1;
  uint64_t reportedBlobs = 0, writtenBlobs = 0, writtenBytes = 0;
  auto reportWriting = [&] {
    llvm::errs() << llvm::formatv("{0}palettize-coreml: writing {1}: {2} "
                                  "blobs, {3} bytes, {4:f1} s{5}",
                                  terminal ? "\r" : "", output, writtenBlobs,
                                  writtenBytes, elapsed(),
                                  terminal ? "" : "\n");
    reportedBlobs = writtenBlobs;
  };
  if (showProgress)
    exportOptions.onBlobWritten = [&](uint64_t blobs, uint64_t bytes) {
      writtenBlobs = blobs;
      writtenBytes = bytes;
      if (elapsed() - lastReport < 0.5)
        return;
      lastReport = elapsed();
      reportWriting();
    };
  LogicalResult exported =
      palettize::coreml::exportCoreMLPackage(*module, output, exportOptions);
  if (showProgress && writtenBlobs != 0) {
    if (reportedBlobs != writtenBlobs)
      reportWriting();
    if (terminal)
      llvm::errs() << "\n";
  }
  if (failed(exported))
    return fail(output + " was not written");
  if (!quiet)
    llvm::errs() << llvm::formatv("palettize-coreml: wrote {0}: {1}, {2} "
                                  "bytes, in {3:f2} s\n",
                                  output, describeSpec(specVersion),
                                  getDirectorySize(output), elapsed());
  return 0;
}
