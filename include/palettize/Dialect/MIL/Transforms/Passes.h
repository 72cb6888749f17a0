//===- Passes.h - palettize passes ------------------------------*- C++ -*-===//

#ifndef PALETTIZE_TRANSFORMS_PASSES_H
#define PALETTIZE_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

#include "palettize/Dialect/MIL/IR/MILDialect.h"
#include "palettize/Dialect/MIL/Transforms/BitWidthOption.h"

#include <cstdint>

namespace palettize {

/// The largest decoded result mil-materialize-constexpr allocates by
/// default: 16 GiB.
constexpr int64_t kDefaultMaxResultBytes = int64_t(16) << 30;

#define GEN_PASS_DECL
#include "palettize/Dialect/MIL/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "palettize/Dialect/MIL/Transforms/Passes.h.inc"

} // namespace palettize

#endif // PALETTIZE_TRANSFORMS_PASSES_H
