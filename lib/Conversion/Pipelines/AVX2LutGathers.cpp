//===- AVX2LutGathers.cpp - The palettize-avx2-lut-gathers pass -----------===//
//
// Turns gathers of eight f32 lanes from a table of at most 16 entries into
// vpermps on the table held in registers.
//
//===----------------------------------------------------------------------===//

#include "palettize/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace palettize {
#define GEN_PASS_DEF_PALETTIZEAVX2LUTGATHERS
#include "palettize/Conversion/Passes.h.inc"
} // namespace palettize

using namespace mlir;

/// Lanes of an AVX2 f32 register.
static constexpr int64_t kLanes = 8;

namespace {

struct GatherToPermute : OpRewritePattern<vector::GatherOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::GatherOp gather,
                                PatternRewriter &rewriter) const override {
    auto resultType = gather.getVectorType();
    auto tableType = dyn_cast<MemRefType>(gather.getBase().getType());
    auto indexType = cast<VectorType>(gather.getIndices().getType());
    if (resultType.getShape() != ArrayRef<int64_t>{kLanes} ||
        !resultType.getElementType().isF32() || !tableType ||
        tableType.getRank() != 1 || !tableType.hasStaticShape() ||
        tableType.getDimSize(0) > 2 * kLanes ||
        !tableType.getLayout().isIdentity() ||
        !indexType.getElementType().isInteger(32))
      return rewriter.notifyMatchFailure(gather, "not an 8-lane f32 gather "
                                                 "from a small table");
    if (!matchPattern(gather.getOffsets()[0], m_Zero()))
      return rewriter.notifyMatchFailure(gather, "offset is not 0");
    auto maskOp = gather.getMask().getDefiningOp<vector::ConstantMaskOp>();
    bool allTrue = maskOp
                       ? maskOp.getMaskDimSizes() == ArrayRef<int64_t>{kLanes}
                       : matchPattern(gather.getMask(), m_One());
    if (!allTrue)
      return rewriter.notifyMatchFailure(gather, "mask is not all true");

    Location loc = gather.getLoc();
    const int64_t entries = tableType.getDimSize(0);
    Value indices = gather.getIndices();
    Value zero =
        arith::ConstantOp::create(rewriter, loc, rewriter.getF32FloatAttr(0));
    auto permute = [&](int64_t first) -> Value {
      Value at = arith::ConstantIndexOp::create(rewriter, loc, first);
      bool whole = first + kLanes <= entries;
      Value table = vector::TransferReadOp::create(
          rewriter, loc, resultType, gather.getBase(), ValueRange{at}, zero,
          ArrayRef<bool>{whole});
      return LLVM::CallIntrinsicOp::create(
                 rewriter, loc, resultType,
                 rewriter.getStringAttr("llvm.x86.avx2.permps"),
                 ValueRange{table, indices})
          .getResult(0);
    };
    Value value = permute(0);
    if (entries > kLanes) {
      Value high = permute(kLanes);
      Value eight = arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(indexType, rewriter.getI32IntegerAttr(8)));
      Value isHigh = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::uge, indices, eight);
      value = arith::SelectOp::create(rewriter, loc, isHigh, high, value);
    }
    rewriter.replaceOp(gather, value);
    return success();
  }
};

struct PalettizeAVX2LutGathersPass
    : palettize::impl::PalettizeAVX2LutGathersBase<
          PalettizeAVX2LutGathersPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<GatherToPermute>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
