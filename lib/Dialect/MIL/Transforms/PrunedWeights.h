//===- PrunedWeights.h - Pruned weights palettized jointly ------*- C++ -*-===//
//
// sparse=auto palettizes weights that are already pruned (a
// mil.constexpr_sparse_to_dense of constants, as a pruned Core ML model
// holds them) the way it palettizes dense ones: each is decoded into a
// mil.const for the pass's candidates, and those the pass leaves alone get
// their sparse op back, unchanged.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PRUNEDWEIGHTS_H
#define PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PRUNEDWEIGHTS_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace palettize {

class PrunedWeights {
public:
  PrunedWeights() = default;
  PrunedWeights(const PrunedWeights &) = delete;
  PrunedWeights &operator=(const PrunedWeights &) = delete;
  /// Anything not finished is put back as it was.
  ~PrunedWeights() { restoreAll(); }

  /// Replaces every pruned float weight of rank >= 2 under `root` whose
  /// mask and data can be read by a mil.const of its decoded value (named
  /// as the sparse op), keeping the sparse op aside.
  void decode(mlir::Operation *root);

  /// Returns the bytes the pruned form stores (mask and data) of the weight
  /// `constant` decodes, or std::nullopt if it decodes none.
  std::optional<uint64_t> getStoredBytes(mlir::Operation *constant) const;

  /// Ends the decoding: decoded constants for which `rewritten` is true
  /// (it is called with pointers only, which may no longer be valid) were
  /// replaced by the pass, and their sparse op and its constants are
  /// dropped; the others get their sparse op back.
  void finish(llvm::function_ref<bool(mlir::Operation *)> rewritten);

  /// Puts every sparse op back.
  void restoreAll() {
    finish([](mlir::Operation *) { return false; });
  }

private:
  struct Entry {
    mlir::Operation *decoded;
    mlir::Operation *sparse;
    uint64_t storedBytes;
  };
  std::vector<Entry> entries;
  llvm::DenseMap<mlir::Operation *, uint64_t> storedBytes;
};

} // namespace palettize

#endif // PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PRUNEDWEIGHTS_H
