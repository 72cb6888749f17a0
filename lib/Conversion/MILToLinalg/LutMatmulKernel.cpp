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

  /// Returns `count` packed bytes from `offset`, widened to i32 lanes.
  Value readBytes(Value offset, int64_t count) {
    Value zero = arith::ConstantIntOp::create(b, loc, 0, 8);
    Value chunk = vector::TransferReadOp::create(
        b, loc, VectorType::get({count}, b.getI8Type()), packed,
        ValueRange{offset}, zero, ArrayRef<bool>{true});
    return arith::ExtUIOp::create(
        b, loc, VectorType::get({count}, b.getI32Type()), chunk);
  }

  /// Returns the indices of the eight weights whose bits start at byte
  /// `offset`: `bits` bytes, LSB-first.
  Value readIndices(Value offset) {
    Type i32 = b.getI32Type();
    Value wide = readBytes(offset, bits);
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

  /// Returns the 16 weights of 4-bit indices starting at byte `offset`, as
  /// two vectors: the 8 bytes' low nibbles (the even weights) and high
  /// nibbles (the odd ones), which the kernel accumulates into outputs held
  /// in that order (see deinterleaveRow).
  std::pair<Value, Value> readNibblePairs(Value offset) {
    Type i32 = b.getI32Type();
    Value wide = readBytes(offset, kLanes);
    Value low = lookUp(arith::AndIOp::create(b, loc, wide, splat(i32, 15)));
    Value high = lookUp(arith::ShRUIOp::create(b, loc, wide, splat(i32, 4)));
    return {low, high};
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

/// Reorders row `row` of `acc` (n columns) in blocks of 16: with
/// `toEvenOdd`, each block's even columns then its odd ones, the order the
/// 4-bit kernel produces weights in; otherwise back. Returns the new acc.
static Value deinterleaveRow(OpBuilder &builder, Location loc, Value acc,
                             Value row, int64_t n, bool toEvenOdd) {
  auto vectorF32 = VectorType::get({kLanes}, builder.getF32Type());
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  auto blocks = scf::ForOp::create(
      builder, loc, zero, arith::ConstantIndexOp::create(builder, loc, n),
      arith::ConstantIndexOp::create(builder, loc, 2 * kLanes), ValueRange{acc},
      [&](OpBuilder &b, Location, Value column, ValueRange blockAcc) {
        Value c0 = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
        Value second = arith::AddIOp::create(
            b, loc, column, arith::ConstantIndexOp::create(b, loc, kLanes));
        Value first = vector::TransferReadOp::create(
            b, loc, vectorF32, blockAcc[0], ValueRange{row, column}, c0,
            ArrayRef<bool>{true});
        Value last = vector::TransferReadOp::create(
            b, loc, vectorF32, blockAcc[0], ValueRange{row, second}, c0,
            ArrayRef<bool>{true});
        SmallVector<int64_t> a, c;
        for (int64_t j = 0; j < kLanes; ++j) {
          if (toEvenOdd) {
            a.push_back(2 * j);
            c.push_back(2 * j + 1);
          } else {
            a.push_back(j / 2 + (j % 2) * kLanes);
            c.push_back((kLanes + j) / 2 + (j % 2) * kLanes);
          }
        }
        Value x = vector::ShuffleOp::create(b, loc, first, last, a);
        Value y = vector::ShuffleOp::create(b, loc, first, last, c);
        Value written = vector::TransferWriteOp::create(b, loc, x, blockAcc[0],
                                                        ValueRange{row, column},
                                                        ArrayRef<bool>{true})
                            .getResult();
        written = vector::TransferWriteOp::create(b, loc, y, written,
                                                  ValueRange{row, second},
                                                  ArrayRef<bool>{true})
                      .getResult();
        scf::YieldOp::create(b, loc, written);
      });
  return blocks.getResult(0);
}

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
        // Two rows of the weight per step when there is an even number:
        // each output vector is then read and written once per two rows.
        // The adds stay in k order, so the sums do not change.
        const int64_t rowsPerStep = k % 2 == 0 ? 2 : 1;
        // 4-bit indices: 16 weights (8 bytes) per iteration, their low and
        // high nibbles decoded as two vectors, accumulated into the output
        // row held even columns first in each block of 16; the row is put
        // back in order after the last step. Each output's sum is the same.
        const bool nibblePairs = bits == 4 && n % (2 * kLanes) == 0;
        Value start = rowAcc[0];
        if (nibblePairs)
          start = deinterleaveRow(b, loc, start, row, n, /*toEvenOdd=*/true);
        auto steps = scf::ForOp::create(
            b, loc, zero, index(k),
            arith::ConstantIndexOp::create(b, loc, rowsPerStep),
            ValueRange{start},
            [&](OpBuilder &b, Location, Value step, ValueRange stepAcc) {
              SmallVector<Value> scales, rowBytes;
              for (int64_t r = 0; r < rowsPerStep; ++r) {
                Value at = arith::AddIOp::create(
                    b, loc, step, arith::ConstantIndexOp::create(b, loc, r));
                Value x =
                    tensor::ExtractOp::create(b, loc, lhs, ValueRange{row, at});
                scales.push_back(
                    vector::BroadcastOp::create(b, loc, vectorF32, x));
                // Row `at` of the weight starts at byte at * n * bits / 8.
                rowBytes.push_back(arith::MulIOp::create(
                    b, loc, at,
                    arith::ConstantIndexOp::create(b, loc, n * bits / 8)));
              }
              const int64_t vectorsPerStep = nibblePairs ? 2 : 1;
              auto columns = scf::ForOp::create(
                  b, loc, zero, arith::ConstantIndexOp::create(b, loc, n),
                  arith::ConstantIndexOp::create(b, loc,
                                                 kLanes * vectorsPerStep),
                  stepAcc,
                  [&](OpBuilder &b, Location, Value column,
                      ValueRange columnAcc) {
                    VectorDecoder decoder{b, loc, bits, packed, lut};
                    // Eight indices take `bits` bytes.
                    Value columnByte = arith::MulIOp::create(
                        b, loc,
                        arith::DivUIOp::create(
                            b, loc, column,
                            arith::ConstantIndexOp::create(b, loc, kLanes)),
                        arith::ConstantIndexOp::create(b, loc, bits));
                    Value c0 =
                        arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
                    SmallVector<Value> columns{column}, sums;
                    if (nibblePairs)
                      columns.push_back(arith::AddIOp::create(
                          b, loc, column,
                          arith::ConstantIndexOp::create(b, loc, kLanes)));
                    Value acc = columnAcc[0];
                    for (Value at : columns)
                      sums.push_back(vector::TransferReadOp::create(
                          b, loc, vectorF32, acc, ValueRange{row, at}, c0,
                          ArrayRef<bool>{true}));
                    for (int64_t r = 0; r < rowsPerStep; ++r) {
                      Value offset = arith::AddIOp::create(b, loc, rowBytes[r],
                                                           columnByte);
                      SmallVector<Value> weights;
                      if (nibblePairs) {
                        auto [first, second] = decoder.readNibblePairs(offset);
                        weights = {first, second};
                      } else {
                        weights = {decoder.lookUp(decoder.readIndices(offset))};
                      }
                      // A multiply and an add, as the matmul computes them
                      // (no fused multiply-add: the results stay those of
                      // the decoded weight's matmul).
                      for (auto [sum, w] : llvm::zip(sums, weights)) {
                        Value product =
                            arith::MulFOp::create(b, loc, scales[r], w);
                        sum = arith::AddFOp::create(b, loc, sum, product);
                      }
                    }
                    for (auto [sum, at] : llvm::zip(sums, columns))
                      acc = vector::TransferWriteOp::create(
                                b, loc, sum, acc, ValueRange{row, at},
                                ArrayRef<bool>{true})
                                .getResult();
                    scf::YieldOp::create(b, loc, acc);
                  });
              scf::YieldOp::create(b, loc, columns.getResults());
            });
        Value done = steps.getResult(0);
        if (nibblePairs)
          done = deinterleaveRow(b, loc, done, row, n, /*toEvenOdd=*/false);
        scf::YieldOp::create(b, loc, done);
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
