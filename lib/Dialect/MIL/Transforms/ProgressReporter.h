//===- ProgressReporter.h - palettize-weights' progress lines ---*- C++ -*-===//
//
// Private to PalettizeMILTransforms.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PROGRESSREPORTER_H
#define PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PROGRESSREPORTER_H

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace palettize {

/// Reports, at most every half second, how far the parallel phase is.
/// Called from worker threads.
class ProgressReporter {
public:
  ProgressReporter(size_t totalConstants, uint64_t totalParameters,
                   bool toTerminal)
      : totalConstants(totalConstants), totalParameters(totalParameters),
        toTerminal(toTerminal), start(std::chrono::steady_clock::now()) {}

  void finished(uint64_t parameters) {
    const size_t constants = ++doneConstants;
    const uint64_t done = doneParameters += parameters;
    std::unique_lock<std::mutex> lock(printMutex, std::try_to_lock);
    if (!lock.owns_lock())
      return; // another thread is printing
    const double now = elapsed();
    if (constants != totalConstants && now - lastPrint < 0.5)
      return;
    lastPrint = now;
    print(constants, done, now);
  }

  /// Ends the report with the final figures, unless already printed.
  void close() {
    std::lock_guard<std::mutex> lock(printMutex);
    if (printedConstants != doneConstants || totalConstants == 0)
      print(doneConstants, doneParameters, elapsed());
    if (toTerminal)
      llvm::errs() << "\n";
  }

private:
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  }

  void print(size_t constants, uint64_t parameters, double seconds) {
    printedConstants = constants;
    llvm::errs() << (toTerminal ? "\r" : "")
                 << llvm::formatv("palettize-weights: {0}/{1} constants, "
                                  "{2:F1}M/{3:F1}M parameters, {4:F1} s",
                                  constants, totalConstants,
                                  double(parameters) / 1e6,
                                  double(totalParameters) / 1e6, seconds)
                 << (toTerminal ? "" : "\n");
    llvm::errs().flush();
  }

  const size_t totalConstants;
  const uint64_t totalParameters;
  const bool toTerminal;
  const std::chrono::steady_clock::time_point start;
  std::atomic<size_t> doneConstants{0};
  std::atomic<uint64_t> doneParameters{0};
  std::mutex printMutex;
  double lastPrint = 0;
  size_t printedConstants = 0;
};

} // namespace palettize

#endif // PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PROGRESSREPORTER_H
