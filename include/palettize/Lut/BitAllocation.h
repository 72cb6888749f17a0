//===- BitAllocation.h - Bit widths under a model-wide budget ---*- C++ -*-===//
//
// A model-wide bit budget spent where it lowers the error most: each tensor
// (an item) has a few candidate encodings (one per index bit width), each
// with the bits it stores and the error it leaves. Choosing one per item to
// minimise the total error with the total bits at most a budget is a
// multiple-choice knapsack. allocateBits solves it exactly: the Lagrangian
// (LP) relaxation gives a lower bound and fixes out choices by reduced cost,
// then a search over partial assignments, merging dominated ones (no fewer
// bits at no lower cost) and pruned by that bound, finds the optimum. When a
// node limit stops it first, the gap to the lower bound is reported.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LUT_BITALLOCATION_H
#define PALETTIZE_LUT_BITALLOCATION_H

#include "llvm/ADT/ArrayRef.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace palettize {

/// One candidate encoding of an item.
struct AllocationChoice {
  /// The bits it stores.
  uint64_t bits = 0;
  /// The error it leaves (>= 0).
  double cost = 0;
};

/// The outcome of allocateBits.
struct BitAllocation {
  /// False when even the cheapest choice of every item exceeds the budget;
  /// `chosen` then holds those cheapest choices.
  bool feasible = false;
  /// Per item, the index of its chosen choice (into the item's list).
  std::vector<size_t> chosen;
  /// Total bits and cost of the chosen choices.
  uint64_t bits = 0;
  double cost = 0;
  /// The Lagrangian (LP relaxation) lower bound on the optimal cost.
  double lowerBound = 0;
  /// True when `chosen` is proven optimal (the search finished); false when
  /// the node limit stopped it, and cost - lowerBound bounds the gap.
  bool optimal = false;
  /// Search nodes visited.
  size_t nodes = 0;
};

/// Chooses one choice per item (every item has at least one) minimising the
/// total cost with total bits <= budgetBits. Deterministic: the same items
/// and budget give the same choices. Costs are summed in item order.
/// `maxNodes` bounds the search.
BitAllocation allocateBits(llvm::ArrayRef<std::vector<AllocationChoice>> items,
                           uint64_t budgetBits,
                           size_t maxNodes = size_t(1) << 22);

} // namespace palettize

#endif // PALETTIZE_LUT_BITALLOCATION_H
