//===- LutMatmulKernel.cpp - Matmuls that decode their weight in vectors --===//
//
// A `linalg.matmul` whose right-hand side is a per-tensor palettized weight
// becomes a loop nest that decodes eight weights at a time in vector
// registers and accumulates them into the output row, so the dense weight
// is never written and the decode costs a few vector instructions per eight
// weights. Loops run (m, k, n) with n innermost, and each output element is
// accumulated over k in the matmul's order with a separate multiply and add,
// so the results equal those of the decoded weight's matmul bit for bit.
//
//===----------------------------------------------------------------------===//

#include "Reinterpret.h"
#include "palettize/Conversion/MILToLinalg/MILToLinalg.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Lut/LutLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

/// Weights decoded per vector: one AVX2 register of f32.
static constexpr int64_t kLanes = 8;

/// Returns true if `matmul` reads its operands as C[m, n] += A[m, k] *
/// B[k, n], without transposes or broadcasts.
static bool hasDefaultMaps(linalg::MatmulOp matmul) {
  MLIRContext *context = matmul.getContext();
  AffineExpr m, n, k;
  bindDims(context, m, n, k);
  SmallVector<AffineMap> expected = {AffineMap::get(3, 0, {m, k}, context),
                                     AffineMap::get(3, 0, {k, n}, context),
                                     AffineMap::get(3, 0, {m, n}, context)};
  return matmul.getIndexingMapsArray() == expected;
}

/// Returns the LUT op a matmul's weight comes from if the kernel can
/// compute that matmul: f32 operands and result on tensors, a per-tensor
/// scalar LUT of 1, 2, 4 or 8 bits, and whole vectors along n.
static ConstexprLutToDenseOp getKernelWeight(linalg::MatmulOp matmul) {
  if (!matmul.hasPureTensorSemantics() || !hasDefaultMaps(matmul))
    return nullptr;
  auto weight = matmul.getInputs()[1].getDefiningOp<ConstexprLutToDenseOp>();
  if (!weight)
    return nullptr;
  auto lhsType = dyn_cast<RankedTensorType>(matmul.getInputs()[0].getType());
  auto resultType = cast<RankedTensorType>(matmul.getResultTypes()[0]);
  if (!lhsType || !lhsType.getElementType().isF32() ||
      !weight.getType().getElementType().isF32() ||
      !resultType.getElementType().isF32())
    return nullptr;
  const LutLayout layout = weight.getLutLayout();
  if (!layout.rankOneLut || layout.vectorSize != 1 ||
      8 % layout.indexBitWidth != 0 || layout.resultShape[1] % kLanes != 0)
    return nullptr;
  return weight;
}

namespace {
/// Emits the decode of eight consecutive weights.
struct VectorDecoder {
  OpBuilder &b;
  Location loc;
  unsigned bits;
  Value packed, lut;

  Value splat(Type elementType, int64_t value) {
    auto type = VectorType::get({kLanes}, elementType);
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(type, b.getIntegerAttr(elementType, value)));
  }

  /// Returns the indices of the eight weights whose bits start at byte
  /// `offset`: `bits` bytes, LSB-first.
  Value readIndices(Value offset) {
    Type i8 = b.getI8Type(), i32 = b.getI32Type();
    Value zero = arith::ConstantIntOp::create(b, loc, 0, 8);
    Value chunk = vector::TransferReadOp::create(
        b, loc, VectorType::get({bits}, i8), packed, ValueRange{offset}, zero,
        ArrayRef<bool>{true});
    Value wide =
        arith::ExtUIOp::create(b, loc, VectorType::get({bits}, i32), chunk);
    // Lane j holds byte (j * bits) / 8 shifted right by (j * bits) % 8.
    SmallVector<int64_t> bytes;
    SmallVector<int32_t> shifts;
    for (int64_t j = 0; j < kLanes; ++j) {
      bytes.push_back(j * bits / 8);
      shifts.push_back(j * bits % 8);
    }
    Value lanes = vector::ShuffleOp::create(b, loc, wide, wide, bytes);
    auto vectorI32 = VectorType::get({kLanes}, i32);
    Value shift = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vectorI32, ArrayRef<int32_t>(shifts)));
    Value shifted = arith::ShRUIOp::create(b, loc, lanes, shift);
    return arith::AndIOp::create(b, loc, shifted,
                                 splat(i32, (int64_t(1) << bits) - 1));
  }

  /// Returns lut[indices] (palettize-avx2-lut-gathers later turns the
  /// gather into register permutes where it can).
  Value lookUp(Value indices) {
    auto vectorF32 = VectorType::get({kLanes}, b.getF32Type());
    Value zeroIndex = arith::ConstantIndexOp::create(b, loc, 0);
    auto maskType = VectorType::get({kLanes}, b.getI1Type());
    Value mask = vector::ConstantMaskOp::create(b, loc, maskType,
                                                ArrayRef<int64_t>{kLanes});
    Value passThrough = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vectorF32, b.getF32FloatAttr(0)));
    return vector::GatherOp::create(b, loc, vectorF32, lut,
                                    ValueRange{zeroIndex}, indices, mask,
                                    passThrough);
  }
};
} // namespace

/// Replaces `matmul` by the kernel, reading `weight`'s packed indices and
/// LUT.
static void emitKernel(RewriterBase &rewriter, linalg::MatmulOp matmul,
                       ConstexprLutToDenseOp weight) {
  Location loc = matmul.getLoc();
  rewriter.setInsertionPoint(matmul);
  const LutLayout layout = weight.getLutLayout();
  const unsigned bits = layout.indexBitWidth;
  const int64_t k = layout.resultShape[0], n = layout.resultShape[1];
  Value lhs = matmul.getInputs()[0];
  const int64_t m = cast<RankedTensorType>(lhs.getType()).getDimSize(0);

  // The packed bytes as i8 over the same storage, and the LUT.
  ElementsAttr indices = weight.getIndices();
  auto bytesType =
      RankedTensorType::get({indices.getNumElements()}, rewriter.getI8Type());
  // The op's verifier accepts dense and dense_resource indices only.
  ElementsAttr bytes = reinterpretElements(indices, bytesType);
  Value packed =
      arith::ConstantOp::create(rewriter, loc, cast<TypedAttr>(bytes));
  Value lut = weight.getLutOperand();
  if (!lut)
    lut = arith::ConstantOp::create(rewriter, loc,
                                    cast<TypedAttr>(weight.getLutAttr()));

  auto index = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, value);
  };
  Value zero = index(0), one = index(1);
  auto vectorF32 = VectorType::get({kLanes}, rewriter.getF32Type());
  auto rows = scf::ForOp::create(
      rewriter, loc, zero, index(m), one, ValueRange{matmul.getOutputs()[0]},
      [&](OpBuilder &b, Location, Value row, ValueRange rowAcc) {
        auto steps = scf::ForOp::create(
            b, loc, zero, index(k), one, rowAcc,
            [&](OpBuilder &b, Location, Value step, ValueRange stepAcc) {
              Value x =
                  tensor::ExtractOp::create(b, loc, lhs, ValueRange{row, step});
              Value xs = vector::BroadcastOp::create(b, loc, vectorF32, x);
              // Row `step` of the weight starts at byte step * n * bits / 8.
              Value rowByte = arith::MulIOp::create(
                  b, loc, step,
                  arith::ConstantIndexOp::create(b, loc, n * bits / 8));
              auto columns = scf::ForOp::create(
                  b, loc, zero, arith::ConstantIndexOp::create(b, loc, n),
                  arith::ConstantIndexOp::create(b, loc, kLanes), stepAcc,
                  [&](OpBuilder &b, Location, Value column,
                      ValueRange columnAcc) {
                    VectorDecoder decoder{b, loc, bits, packed, lut};
                    Value offset = arith::AddIOp::create(
                        b, loc, rowByte,
                        arith::MulIOp::create(
                            b, loc,
                            arith::DivUIOp::create(
                                b, loc, column,
                                arith::ConstantIndexOp::create(b, loc, kLanes)),
                            arith::ConstantIndexOp::create(b, loc, bits)));
                    Value w = decoder.lookUp(decoder.readIndices(offset));
                    Value c0 =
                        arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
                    Value y = vector::TransferReadOp::create(
                        b, loc, vectorF32, columnAcc[0],
                        ValueRange{row, column}, c0, ArrayRef<bool>{true});
                    // A multiply and an add, as the matmul computes them
                    // (no fused multiply-add: the results stay those of
                    // the decoded weight's matmul).
                    Value product = arith::MulFOp::create(b, loc, xs, w);
                    Value sum = arith::AddFOp::create(b, loc, y, product);
                    Value written =
                        vector::TransferWriteOp::create(
                            b, loc, sum, columnAcc[0], ValueRange{row, column},
                            ArrayRef<bool>{true})
                            .getResult();
                    scf::YieldOp::create(b, loc, written);
                  });
              scf::YieldOp::create(b, loc, columns.getResults());
            });
        scf::YieldOp::create(b, loc, steps.getResults());
      });
  rewriter.replaceOp(matmul, rows.getResults());
}

int64_t palettize::lowerLutMatmuls(Operation *root, LutMatmulKernel kernel) {
  if (kernel == LutMatmulKernel::None)
    return 0;
  SmallVector<std::pair<linalg::MatmulOp, ConstexprLutToDenseOp>> matmuls;
  root->walk([&](linalg::MatmulOp matmul) {
    if (ConstexprLutToDenseOp weight = getKernelWeight(matmul))
      matmuls.push_back({matmul, weight});
  });
  IRRewriter rewriter(root->getContext());
  for (auto [matmul, weight] : matmuls)
    emitKernel(rewriter, matmul, weight);
  return matmuls.size();
}
