//===- SparseToLinalg.cpp - Lower the sparse mil constexpr ops ------------===//
//
// constexpr_sparse_to_dense and constexpr_lut_to_sparse decode in order:
// the k-th bit of a mask takes the k-th stored value, which no elementwise
// map can say. Their lowering is a sequential scf.for over the flattened
// mask, carrying the count of bits seen, around the elementwise pieces
// (the expanded mask, the LUT lookup) that linalg.generic ops do. The loops
// run where the op was, whatever the decode placement; the generics take
// part in it as any decode does.
//
//===----------------------------------------------------------------------===//

#include "DecodeBuilders.h"
#include "palettize/Conversion/MILToLinalg/MILToLinalg.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Lut/LutLayout.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

/// `value`, a tensor, as a 1-D one (collapsed, row-major).
static Value flatten(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() == 1)
    return value;
  ReassociationIndices all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  return tensor::CollapseShapeOp::create(b, loc, value,
                                         ArrayRef<ReassociationIndices>{all});
}

/// `value`, a 1-D tensor, expanded to `type`.
static Value unflatten(OpBuilder &b, Location loc, Value value,
                       RankedTensorType type) {
  if (type.getRank() == 1)
    return value;
  ReassociationIndices all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  return tensor::ExpandShapeOp::create(b, loc, type, value,
                                       ArrayRef<ReassociationIndices>{all});
}

/// Emits `for i in [0, count): if mask[i] { acc = body(acc, i, k); ++k }`,
/// with `acc` starting as `init` and `k` at 0; returns the final `acc`.
static Value buildMaskedLoop(
    OpBuilder &b, Location loc, Value mask, int64_t count, Value init,
    function_ref<Value(OpBuilder &, Location, Value acc, Value i, Value k)>
        body) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value end = arith::ConstantIndexOp::create(b, loc, count);
  auto loop = scf::ForOp::create(
      b, loc, zero, end, one, ValueRange{init, zero},
      [&](OpBuilder &lb, Location l, Value i, ValueRange carried) {
        Value bit = tensor::ExtractOp::create(lb, l, mask, i);
        auto branch = scf::IfOp::create(
            lb, l, bit,
            [&](OpBuilder &tb, Location tl) {
              Value next = body(tb, tl, carried[0], i, carried[1]);
              Value k = arith::AddIOp::create(tb, tl, carried[1], one);
              scf::YieldOp::create(tb, tl, ValueRange{next, k});
            },
            [&](OpBuilder &eb, Location el) {
              scf::YieldOp::create(eb, el, carried);
            });
        scf::YieldOp::create(lb, l, branch.getResults());
      });
  return loop.getResult(0);
}

/// A 1-D tensor of `count` zeros of `element`.
static Value createZeros(OpBuilder &b, Location loc, int64_t count,
                         Type element) {
  Value empty = tensor::EmptyOp::create(b, loc, {count}, element);
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
  return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
}

/// The map from a tensor of `layout`'s result shape to its index grid: the
/// vector axis divided by the vector size.
static AffineMap getGridMap(const LutLayout &layout, MLIRContext *context) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0, rank = layout.resultShape.size(); d < rank; ++d) {
    AffineExpr dim = getAffineDimExpr(d, context);
    exprs.push_back(layout.vectorSize > 1 && d == layout.vectorAxis
                        ? dim.floorDiv(layout.vectorSize)
                        : dim);
  }
  return AffineMap::get(layout.resultShape.size(), 0, exprs, context);
}

namespace {

/// mil.constexpr_sparse_to_dense -> a loop that scatters the values.
struct SparseToDenseLowering : OpConversionPattern<ConstexprSparseToDenseOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConstexprSparseToDenseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast_or_null<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    if (!type || type.getRank() == 0)
      return rewriter.notifyMatchFailure(op, "needs a ranked result");
    Location loc = op.getLoc();
    Value mask = flatten(rewriter, loc, adaptor.getMask());
    Value data = adaptor.getNonzeroData();
    const int64_t count = type.getNumElements();
    Value init = createZeros(rewriter, loc, count, type.getElementType());
    Value result = buildMaskedLoop(
        rewriter, loc, mask, count, init,
        [&](OpBuilder &b, Location l, Value acc, Value i, Value k) -> Value {
          Value value = tensor::ExtractOp::create(b, l, data, k);
          return tensor::InsertOp::create(b, l, value, acc, i);
        });
    rewriter.replaceOp(op, unflatten(rewriter, loc, result, type));
    return success();
  }
};

/// mil.constexpr_lut_to_sparse -> the index grid scattered by a loop, the
/// expanded mask and the LUT lookup as decoding generics, and a loop that
/// gathers the values where the expanded mask has a bit.
struct LutToSparseLowering : OpConversionPattern<ConstexprLutToSparseOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConstexprLutToSparseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    const TypeConverter &converter = *getTypeConverter();
    Location loc = op.getLoc();
    Value gridMask = createConstant(rewriter, op, converter,
                                    op.getIndicesMask(), "indices_mask");
    Value packed =
        createConstant(rewriter, op, converter, op.getIndices(), "indices");
    Value lut = adaptor.getLutOperand();
    if (!lut)
      lut = createConstant(rewriter, op, converter, op.getLutAttr(), "lut");
    auto maskType = dyn_cast_or_null<RankedTensorType>(
        converter.convertType(op.getMask().getType()));
    auto dataType = dyn_cast_or_null<RankedTensorType>(
        converter.convertType(op.getNonzeroData().getType()));
    if (!gridMask || !packed || !lut || !maskType || !dataType)
      return failure();
    const LutLayout layout = op.getLutLayout();
    const auto gridType = cast<RankedTensorType>(gridMask.getType());
    const int64_t gridCount = gridType.getNumElements();
    const int64_t packedBytes =
        cast<ShapedType>(packed.getType()).getNumElements();
    MLIRContext *context = rewriter.getContext();
    StringAttr name = op.getNameAttr();

    // The index of every grid element: the k-th stored index at the k-th
    // bit of the mask, 0 elsewhere (as Core ML's definition fills it).
    Value flatGridMask = flatten(rewriter, loc, gridMask);
    Type i32 = rewriter.getI32Type();
    Value gridIndices = buildMaskedLoop(
        rewriter, loc, flatGridMask, gridCount,
        createZeros(rewriter, loc, gridCount, i32),
        [&](OpBuilder &b, Location l, Value acc, Value i, Value k) -> Value {
          BodyBuilder body{b, b, l};
          Value index = readPackedBits(body, packed, k, layout.indexBitWidth,
                                       std::max<int64_t>(packedBytes, 1));
          return tensor::InsertOp::create(b, l, index, acc, i);
        });
    gridIndices = unflatten(
        rewriter, loc, gridIndices,
        RankedTensorType::get(gridType.getShape(), rewriter.getI32Type()));

    // The expanded mask, and the dense decode: each element reads its
    // grid element's index, its group and its lane in the vector.
    const int64_t rank = maskType.getRank();
    AffineMap gridMap = getGridMap(layout, context);
    Value expandedMask = createDecodingGeneric(
        rewriter, loc, name, maskType, {gridMask}, {gridMap},
        [](OpBuilder &, OpBuilder &, Location, ValueRange args) {
          return args[0];
        });
    auto denseType =
        RankedTensorType::get(maskType.getShape(), dataType.getElementType());
    Value dense = createDecodingGeneric(
        rewriter, loc, name, denseType, {gridIndices}, {gridMap},
        [&](OpBuilder &b, OpBuilder &outside, Location l, ValueRange args) {
          BodyBuilder body{b, outside, l};
          SmallVector<Value> position = getLoopIndices(b, l, rank);
          Value row =
              arith::IndexCastUIOp::create(b, l, b.getIndexType(), args[0]);
          // The element's place in the index grid and in its vector.
          Value lane;
          if (layout.vectorSize > 1) {
            lane = body.rem(position[layout.vectorAxis], layout.vectorSize);
            position[layout.vectorAxis] =
                body.div(position[layout.vectorAxis], layout.vectorSize);
          }
          return extractLutRow(body, layout, lut, position, row, lane);
        });

    // The values where the expanded mask has a bit, in its row-major order.
    Value flatDense = flatten(rewriter, loc, dense);
    Value data = buildMaskedLoop(
        rewriter, loc, flatten(rewriter, loc, expandedMask),
        maskType.getNumElements(),
        createZeros(rewriter, loc, dataType.getNumElements(),
                    dataType.getElementType()),
        [&](OpBuilder &b, Location l, Value acc, Value i, Value k) -> Value {
          Value value = tensor::ExtractOp::create(b, l, flatDense, i);
          return tensor::InsertOp::create(b, l, value, acc, k);
        });
    // The generics between the loops are not decodes the placements may
    // move or fuse: the loops read them where they are.
    for (Value value : {gridMask, expandedMask, dense})
      if (Operation *producer = value.getDefiningOp())
        producer->removeAttr(kDecodeAttrName);
    rewriter.replaceOp(op, ValueRange{expandedMask, data});
    return success();
  }
};

} // namespace

void palettize::populateMILSparseToLinalgPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<SparseToDenseLowering, LutToSparseLowering>(
      typeConverter, patterns.getContext());
}
