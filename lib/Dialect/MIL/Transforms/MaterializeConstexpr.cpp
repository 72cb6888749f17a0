//===- MaterializeConstexpr.cpp - Decode constexpr ops into constants -----===//
//
// Replaces each mil constexpr op (constexpr_lut_to_dense,
// constexpr_blockwise_shift_scale, constexpr_sparse_to_dense,
// constexpr_lut_to_sparse) with mil.const ops of its decoded values,
// using the same decoders as the library and the LUT op's folder: one
// pattern per op, applied in program order, then the constants that only fed
// decoded ops are erased.
//
//===----------------------------------------------------------------------===//

#include "PassOptionErrors.h"
#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Dialect/MIL/Transforms/Passes.h"
#include "palettize/Dialect/MIL/Transforms/Transforms.h"
#include "palettize/Lut/SparseDecode.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Rewrite/PatternApplicator.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

namespace palettize {
#define GEN_PASS_DEF_MILMATERIALIZECONSTEXPR
#include "palettize/Dialect/MIL/Transforms/Passes.h.inc"
} // namespace palettize

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

namespace {

/// Returns the value of `operand`, which must have been materialized: the
/// ops are decoded in program order, so producers come first.
FailureOr<ElementsAttr> getOperandValue(Operation *op, StringRef name,
                                        Value operand) {
  Attribute value;
  if (matchPattern(operand, m_Constant(&value)))
    if (auto elements = dyn_cast<ElementsAttr>(value))
      return elements;
  return op->emitOpError("'")
         << name << "' has no constant value to decode (its producer could "
         << "not be decoded)";
}

/// Reads the bytes of a LUT op's LUT: its attribute, or the (decoded) value
/// of its operand.
FailureOr<RawElementsData> readLut(Operation *op, ElementsAttr lut,
                                   Value lutOperand) {
  if (!lut) {
    FailureOr<ElementsAttr> value = getOperandValue(op, "lut", lutOperand);
    if (failed(value))
      return failure();
    lut = *value;
  }
  RawElementsData data = getRawElementsData(lut);
  if (!data.succeeded())
    return op->emitOpError("'lut' ") << describe(data.error);
  return data;
}

/// Returns the shift-scale data type of `type`.
ShiftScaleDataType getShiftScaleDataType(Type type) {
  if (type.isUnsignedInteger(4))
    return ShiftScaleDataType::UInt4;
  if (type.isInteger(4))
    return ShiftScaleDataType::Int4;
  if (type.isUnsignedInteger(8))
    return ShiftScaleDataType::UInt8;
  if (type.isInteger(8))
    return ShiftScaleDataType::Int8;
  if (type.isF16())
    return ShiftScaleDataType::F16;
  if (type.isBF16())
    return ShiftScaleDataType::BF16;
  return ShiftScaleDataType::F32;
}

/// Creates the mil.const that replaces `op`, holding what `decode` writes.
ConstOp
createDecodedConst(RewriterBase &rewriter, Operation *op, StringAttr name,
                   int64_t maxDenseElements,
                   llvm::function_ref<void(MutableArrayRef<char>)> decode) {
  auto resultType = cast<ShapedType>(op->getResult(0).getType());
  StringRef blobName = name ? name.getValue() : StringRef("mil_decoded");
  ElementsAttr value =
      createElementsAttr(resultType, blobName, maxDenseElements, decode);
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  return ConstOp::create(rewriter, op->getLoc(), resultType, value, name);
}

/// Decodes a LUT op into a new mil.const placed before it, or reports why
/// its data cannot be read.
FailureOr<ConstOp> materialize(RewriterBase &rewriter, ConstexprLutToDenseOp op,
                               int64_t maxDenseElements) {
  FailureOr<RawElementsData> lutData =
      readLut(op, op.getLutAttr(), op.getLutOperand());
  if (failed(lutData))
    return failure();
  RawElementsData indexData = getRawElementsData(op.getIndices());
  if (!indexData.succeeded())
    return op.emitOpError("'indices' ") << describe(indexData.error);

  LutLayout layout = op.getLutLayout();
  unsigned width = getElementByteWidth(op.getType().getElementType());
  ArrayRef<uint8_t> packed(
      reinterpret_cast<const uint8_t *>(indexData.bytes.data()),
      indexData.bytes.size());
  return createDecodedConst(rewriter, op, op.getNameAttr(), maxDenseElements,
                            [&](MutableArrayRef<char> out) {
                              decodeLut(layout, packed, lutData->bytes.data(),
                                        width, out.data());
                            });
}

/// Decodes a shift-scale op into a new mil.const placed before it.
FailureOr<ConstOp> materialize(RewriterBase &rewriter,
                               ConstexprBlockwiseShiftScaleOp op,
                               int64_t maxDenseElements) {
  FailureOr<ElementsAttr> data = getOperandValue(op, "data", op.getData());
  if (failed(data))
    return failure();
  // 4-bit data (and offsets) are read packed, as the decoder takes them.
  RawElementsData dataBytes = getPackedElementsData(*data);
  if (!dataBytes.succeeded())
    return op.emitOpError("'data' ") << describe(dataBytes.error);
  RawElementsData scaleBytes = getRawElementsData(op.getScale());
  if (!scaleBytes.succeeded())
    return op.emitOpError("'scale' ") << describe(scaleBytes.error);
  RawElementsData offsetBytes;
  if (ElementsAttr offset = op.getOffsetAttr()) {
    offsetBytes = getPackedElementsData(offset);
    if (!offsetBytes.succeeded())
      return op.emitOpError("'offset' ") << describe(offsetBytes.error);
  }

  BlockwiseLayout layout = op.getBlockwiseLayout();
  ShiftScaleDataType dataType = getShiftScaleDataType(data->getElementType());
  FloatFormat scaleFormat = *getFloatFormat(op.getType().getElementType());
  const void *offset = op.getOffsetAttr() ? offsetBytes.bytes.data() : nullptr;
  return createDecodedConst(rewriter, op, op.getNameAttr(), maxDenseElements,
                            [&](MutableArrayRef<char> out) {
                              decodeBlockwiseShiftScale(
                                  layout, dataBytes.bytes.data(), dataType,
                                  scaleBytes.bytes.data(), offset, scaleFormat,
                                  out.data());
                            });
}

/// The packed bytes of `data`, a readable attribute, as bytes.
static ArrayRef<uint8_t> asBytes(const RawElementsData &data) {
  return ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(data.bytes.data()),
                           data.bytes.size());
}

/// Decodes a sparse op into a new mil.const placed before it.
FailureOr<ConstOp> materialize(RewriterBase &rewriter,
                               ConstexprSparseToDenseOp op,
                               int64_t maxDenseElements) {
  FailureOr<ElementsAttr> mask = getOperandValue(op, "mask", op.getMask());
  if (failed(mask))
    return failure();
  FailureOr<ElementsAttr> data =
      getOperandValue(op, "nonzero_data", op.getNonzeroData());
  if (failed(data))
    return failure();
  RawElementsData maskBytes = getPackedElementsData(*mask);
  if (!maskBytes.succeeded())
    return op.emitOpError("'mask' ") << describe(maskBytes.error);
  RawElementsData dataBytes = getPackedElementsData(*data);
  if (!dataBytes.succeeded())
    return op.emitOpError("'nonzero_data' ") << describe(dataBytes.error);
  auto resultType = cast<ShapedType>(op.getType());
  const uint64_t count = resultType.getNumElements();
  // The verifier counts the bits of a constant mask; a decoded one is
  // counted here.
  const uint64_t bits = countMaskBits(asBytes(maskBytes), count);
  if (bits != uint64_t(data->getNumElements()))
    return op.emitOpError("'mask' has ") << bits << " bits set, 'nonzero_data' "
                                         << data->getNumElements() << " values";
  return createDecodedConst(
      rewriter, op, op.getNameAttr(), maxDenseElements,
      [&](MutableArrayRef<char> out) {
        scatterMasked(asBytes(maskBytes), count, dataBytes.bytes.data(),
                      resultType.getElementTypeBitWidth(), out.data());
      });
}

/// Returns the bytes the results of `op` take in blob layout, or
/// std::nullopt when they do not fit in int64_t.
static std::optional<int64_t> getResultBytes(Operation *op) {
  int64_t total = 0;
  for (Type type : op->getResultTypes()) {
    std::optional<int64_t> bytes = getBlobByteCount(cast<ShapedType>(type));
    if (!bytes || *bytes > std::numeric_limits<int64_t>::max() - total)
      return std::nullopt;
    total += *bytes;
  }
  return total;
}

/// Fails, reporting at `op`, when its decoded results would take more than
/// `maxResultBytes`: checked before anything is allocated.
static LogicalResult checkResultBytes(Operation *op, int64_t maxResultBytes) {
  std::optional<int64_t> bytes = getResultBytes(op);
  if (bytes && *bytes <= maxResultBytes)
    return success();
  InFlightDiagnostic diagnostic = op->emitOpError("decoded result ");
  llvm::interleaveComma(op->getResultTypes(), diagnostic);
  if (bytes)
    diagnostic << " of " << *bytes << " bytes";
  diagnostic << " is larger than max-result-bytes=" << maxResultBytes;
  return diagnostic;
}

/// Replaces a constexpr_lut_to_sparse by two mil.const: its mask and its
/// stored values.
struct MaterializeLutToSparsePattern
    : OpRewritePattern<ConstexprLutToSparseOp> {
  MaterializeLutToSparsePattern(MLIRContext *context, int64_t maxDenseElements,
                                int64_t maxResultBytes)
      : OpRewritePattern(context), maxDenseElements(maxDenseElements),
        maxResultBytes(maxResultBytes) {}

  LogicalResult matchAndRewrite(ConstexprLutToSparseOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(checkResultBytes(op, maxResultBytes)))
      return failure();
    FailureOr<RawElementsData> lutData =
        readLut(op, op.getLutAttr(), op.getLutOperand());
    if (failed(lutData))
      return failure();
    RawElementsData gridMask = getPackedElementsData(op.getIndicesMask());
    if (!gridMask.succeeded())
      return op.emitOpError("'indices_mask' ") << describe(gridMask.error);
    RawElementsData indexData = getRawElementsData(op.getIndices());
    if (!indexData.succeeded())
      return op.emitOpError("'indices' ") << describe(indexData.error);

    LutLayout layout = op.getLutLayout();
    auto maskType = cast<ShapedType>(op.getMask().getType());
    auto dataType = cast<ShapedType>(op.getNonzeroData().getType());
    StringAttr name = op.getNameAttr();
    StringAttr maskName =
        name ? rewriter.getStringAttr(name.getValue() + "_mask") : StringAttr();
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(op);
    ElementsAttr mask = createElementsAttr(
        maskType, maskName ? maskName.getValue() : "mil_decoded_mask",
        maxDenseElements, [&](MutableArrayRef<char> out) {
          expandMask(layout, asBytes(gridMask),
                     MutableArrayRef<uint8_t>(
                         reinterpret_cast<uint8_t *>(out.data()), out.size()));
        });
    const unsigned width = getElementByteWidth(dataType.getElementType());
    ElementsAttr data = createElementsAttr(
        dataType, name ? name.getValue() : "mil_decoded", maxDenseElements,
        [&](MutableArrayRef<char> out) {
          decodeLutToSparse(layout, asBytes(gridMask), asBytes(indexData),
                            lutData->bytes.data(), width, out.data());
        });
    Value maskConst =
        ConstOp::create(rewriter, op.getLoc(), maskType, mask, maskName);
    Value dataConst =
        ConstOp::create(rewriter, op.getLoc(), dataType, data, name);
    rewriter.replaceOp(op, ValueRange{maskConst, dataConst});
    return success();
  }

  const int64_t maxDenseElements;
  const int64_t maxResultBytes;
};

/// Replaces one constexpr op by the mil.const of its decoded value.
template <typename ConstexprOp>
struct MaterializeConstexprPattern : OpRewritePattern<ConstexprOp> {
  MaterializeConstexprPattern(MLIRContext *context, int64_t maxDenseElements,
                              int64_t maxResultBytes)
      : OpRewritePattern<ConstexprOp>(context),
        maxDenseElements(maxDenseElements), maxResultBytes(maxResultBytes) {}

  LogicalResult matchAndRewrite(ConstexprOp op,
                                PatternRewriter &rewriter) const override {
    // The verifier bounds the element count; the decoded bytes must also
    // fit the limit, before anything is allocated.
    if (failed(checkResultBytes(op, maxResultBytes)))
      return failure();
    FailureOr<ConstOp> decoded = materialize(rewriter, op, maxDenseElements);
    if (failed(decoded))
      return failure(); // reported at the op
    rewriter.replaceOp(op, decoded->getOperation());
    return success();
  }

  const int64_t maxDenseElements;
  const int64_t maxResultBytes;
};

/// Records the constants that fed each replaced op: once decoding is done,
/// those left without a use (an 8-bit LUT, an intermediate decoded value)
/// are erased.
struct ProducerTracker : RewriterBase::Listener {
  void notifyOperationReplaced(Operation *op, ValueRange) override {
    for (Value operand : op->getOperands())
      if (auto producer = operand.getDefiningOp<ConstOp>())
        producers.insert(producer);
  }
  SetVector<Operation *> producers;
};

struct MILMaterializeConstexprPass
    : PassWithOptionErrors<palettize::impl::MILMaterializeConstexprBase<
          MILMaterializeConstexprPass>> {
  using PassWithOptionErrors::PassWithOptionErrors;

  void runOnOperation() override {
    if (maxDenseElements < 0) {
      getOperation()->emitError("mil-materialize-constexpr: ")
          << "max-dense-elements=" << int64_t(maxDenseElements)
          << " must be at least 0 (0: every result becomes a blob)";
      return signalPassFailure();
    }
    if (maxResultBytes < 0) {
      getOperation()->emitError("mil-materialize-constexpr: ")
          << "max-result-bytes=" << int64_t(maxResultBytes)
          << " must be at least 0";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateMILMaterializeConstexprPatterns(patterns, maxDenseElements,
                                            maxResultBytes);
    FrozenRewritePatternSet frozen(std::move(patterns));
    ProducerTracker tracker;
    // Program order, so that a constexpr op that feeds another is decoded
    // first. The walk skips unreachable blocks; their ops are decoded after.
    walkAndApplyPatterns(getOperation(), frozen, &tracker);
    SmallVector<Operation *> left;
    getOperation()->walk([&](Operation *op) {
      if (isa<ConstexprLutToDenseOp, ConstexprBlockwiseShiftScaleOp,
              ConstexprSparseToDenseOp, ConstexprLutToSparseOp>(op))
        left.push_back(op);
    });
    bool anyFailed = false;
    if (!left.empty()) {
      PatternRewriter rewriter(&getContext());
      rewriter.setListener(&tracker);
      PatternApplicator applicator(frozen);
      applicator.applyDefaultCostModel();
      for (Operation *op : left)
        anyFailed |= failed(applicator.matchAndRewrite(op, rewriter));
    }
    for (Operation *producer : tracker.producers)
      if (producer->use_empty())
        producer->erase();
    if (anyFailed)
      signalPassFailure();
  }
};

} // namespace

void palettize::populateMILMaterializeConstexprPatterns(
    RewritePatternSet &patterns, int64_t maxDenseElements,
    int64_t maxResultBytes) {
  patterns.add<MaterializeConstexprPattern<ConstexprLutToDenseOp>,
               MaterializeConstexprPattern<ConstexprBlockwiseShiftScaleOp>,
               MaterializeConstexprPattern<ConstexprSparseToDenseOp>,
               MaterializeLutToSparsePattern>(patterns.getContext(),
                                              maxDenseElements, maxResultBytes);
}
