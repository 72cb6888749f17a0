//===- OrderLoops.cpp - The palettize-order-loops pass --------------------===//
//
// Moves the loop of each linalg contraction that indexes the output's last
// dimension innermost, so that the loops MLIR lowers it to read row-major
// weights and write the output with unit stride.
//
//===----------------------------------------------------------------------===//

#include "palettize/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace palettize {
#define GEN_PASS_DEF_PALETTIZEORDERLOOPS
#include "palettize/Conversion/Passes.h.inc"
} // namespace palettize

using namespace mlir;

/// Returns the loop order that puts the parallel loop indexing `op`'s
/// output's last dimension innermost, or std::nullopt when `op` is already
/// in that order, has no reduction, or its output's last dimension is not
/// indexed by a single parallel loop.
static std::optional<SmallVector<unsigned>>
getInnermostOutputOrder(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0)
    return std::nullopt;
  AffineMap outputMap = op.getIndexingMapMatchingResult(op->getResult(0));
  if (outputMap.getNumResults() == 0)
    return std::nullopt;
  auto last = dyn_cast<AffineDimExpr>(outputMap.getResults().back());
  if (!last)
    return std::nullopt;
  const unsigned loop = last.getPosition();
  const unsigned loops = op.getNumLoops();
  if (loop == loops - 1 ||
      op.getIteratorTypesArray()[loop] != utils::IteratorType::parallel)
    return std::nullopt;
  SmallVector<unsigned> order;
  for (unsigned d = 0; d < loops; ++d)
    if (d != loop)
      order.push_back(d);
  order.push_back(loop);
  return order;
}

namespace {

struct PalettizeOrderLoopsPass
    : palettize::impl::PalettizeOrderLoopsBase<PalettizeOrderLoopsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> candidates;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && getInnermostOutputOrder(op))
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      SmallVector<unsigned> order = *getInnermostOutputOrder(op);
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          continue;
        generic = *generalized;
      }
      (void)linalg::interchangeGenericOp(rewriter, generic, order);
    }
  }
};

} // namespace
