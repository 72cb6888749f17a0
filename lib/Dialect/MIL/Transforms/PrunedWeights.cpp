//===- PrunedWeights.cpp - Pruned weights palettized jointly --------------===//

#include "PrunedWeights.h"

#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Lut/SparseDecode.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"

#include <cstring>

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

void PrunedWeights::decode(Operation *root) {
  SmallVector<ConstexprSparseToDenseOp> pruned;
  root->walk([&](ConstexprSparseToDenseOp op) { pruned.push_back(op); });
  for (ConstexprSparseToDenseOp op : pruned) {
    auto type = cast<RankedTensorType>(op.getResult().getType());
    std::optional<FloatFormat> format = getFloatFormat(type.getElementType());
    ElementsAttr maskAttr, dataAttr;
    if (!format || type.getRank() < 2 ||
        !matchPattern(op.getMask(), m_Constant(&maskAttr)) ||
        !matchPattern(op.getNonzeroData(), m_Constant(&dataAttr)))
      continue;
    RawElementsData mask = getPackedElementsData(maskAttr);
    RawElementsData data = getRawElementsData(dataAttr);
    std::optional<int64_t> count = getCheckedElementCount(type);
    if (!mask.succeeded() || !data.succeeded() || !count)
      continue;
    // The verifier checks the counts when it can read the data; a blob
    // that does not match is left to it.
    const unsigned width = getByteWidth(*format);
    ArrayRef<uint8_t> maskBytes(
        reinterpret_cast<const uint8_t *>(mask.bytes.data()),
        mask.bytes.size());
    if (maskBytes.size() < getMaskByteCount(uint64_t(*count)) ||
        data.bytes.size() != countMaskBits(maskBytes, uint64_t(*count)) * width)
      continue;
    AsmResourceBlob blob =
        allocateLargeBlob(size_t(*count) * width, /*alignment=*/width);
    scatterMasked(maskBytes, uint64_t(*count), data.bytes.data(), 8 * width,
                  blob.getMutableData().data());
    StringAttr name = op.getNameAttr();
    auto value = DenseResourceElementsAttr::get(
        type, (name ? name.str() : std::string("pruned")) + "_decoded",
        std::move(blob));
    OpBuilder builder(op);
    auto decoded = ConstOp::create(builder, op.getLoc(), type, value, name);
    op.getResult().replaceAllUsesWith(decoded.getResult());
    op->remove();
    // As a model stores them: the mask packed, the data in blob layout.
    const uint64_t stored =
        uint64_t(getBlobByteCount(maskAttr.getShapedType()).value_or(0) +
                 getBlobByteCount(dataAttr.getShapedType()).value_or(0));
    entries.push_back({decoded, op, stored});
    storedBytes[decoded] = stored;
  }
}

std::optional<uint64_t>
PrunedWeights::getStoredBytes(Operation *constant) const {
  auto it = storedBytes.find(constant);
  if (it == storedBytes.end())
    return std::nullopt;
  return it->second;
}

void PrunedWeights::finish(function_ref<bool(Operation *)> rewritten) {
  for (const Entry &entry : entries) {
    if (rewritten(entry.decoded)) {
      // The sparse op's constants go with it once nothing else uses them.
      llvm::SmallSetVector<Operation *, 2> producers;
      for (Value operand : entry.sparse->getOperands())
        if (Operation *producer = operand.getDefiningOp())
          producers.insert(producer);
      entry.sparse->destroy();
      for (Operation *producer : producers)
        if (producer->use_empty() && isa<ConstOp>(producer))
          producer->erase();
      continue;
    }
    Operation *decoded = entry.decoded;
    decoded->getBlock()->getOperations().insert(decoded->getIterator(),
                                                entry.sparse);
    decoded->getResult(0).replaceAllUsesWith(entry.sparse->getResult(0));
    decoded->erase();
  }
  entries.clear();
  storedBytes.clear();
}
