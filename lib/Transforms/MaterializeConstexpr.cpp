//===- MaterializeConstexpr.cpp - Decode constexpr ops into constants -----===//
//
// Replaces each mil.constexpr_lut_to_dense with a mil.const of its decoded
// value, using the same decoder as the op's folder.
//
//===----------------------------------------------------------------------===//

#include "palettize/Dialect/MIL/ConstantData.h"
#include "palettize/Dialect/MIL/MILOps.h"
#include "palettize/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

namespace palettize {
#define GEN_PASS_DEF_MILMATERIALIZECONSTEXPR
#include "palettize/Transforms/Passes.h.inc"
} // namespace palettize

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

namespace {

/// Decodes `op` into a new mil.const placed before it, or reports why its
/// data cannot be read.
FailureOr<ConstOp> materialize(ConstexprLutToDenseOp op,
                               int64_t maxDenseElements) {
  RawElementsData lutData = getRawElementsData(op.getLut());
  if (!lutData.succeeded())
    return op.emitOpError("'lut' ") << describe(lutData.error);
  RawElementsData indexData = getRawElementsData(op.getIndices());
  if (!indexData.succeeded())
    return op.emitOpError("'indices' ") << describe(indexData.error);

  auto resultType = cast<ShapedType>(op.getType());
  LutLayout layout = op.getLutLayout();
  unsigned width = getElementByteWidth(resultType.getElementType());
  ArrayRef<uint8_t> packed(
      reinterpret_cast<const uint8_t *>(indexData.bytes.data()),
      indexData.bytes.size());
  StringRef blobName = op.getName().value_or("mil_decoded");
  ElementsAttr value = createElementsAttr(
      resultType, blobName, maxDenseElements, [&](MutableArrayRef<char> out) {
        decodeLut(layout, packed, lutData.bytes.data(), width, out.data());
      });

  OpBuilder builder(op);
  return ConstOp::create(builder, op.getLoc(), resultType, value,
                         op.getNameAttr());
}

struct MILMaterializeConstexprPass
    : palettize::impl::MILMaterializeConstexprBase<
          MILMaterializeConstexprPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<ConstexprLutToDenseOp> ops;
    getOperation()->walk([&](ConstexprLutToDenseOp op) { ops.push_back(op); });
    bool anyFailed = false;
    for (ConstexprLutToDenseOp op : ops) {
      FailureOr<ConstOp> decoded = materialize(op, maxDenseElements);
      if (failed(decoded)) {
        anyFailed = true;
        continue;
      }
      op.replaceAllUsesWith(decoded->getResult());
      op.erase();
    }
    if (anyFailed)
      signalPassFailure();
  }
};

} // namespace
