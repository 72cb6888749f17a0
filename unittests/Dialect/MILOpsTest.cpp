//===- MILOpsTest.cpp - The mil ops through their C++ API -----------------===//
//
// Folding, verification and constant data, checked against values computed
// here: a bit-by-bit packer of Core ML's layout (Support/CoreMLBits.h) and
// a direct lookup.
//
//===----------------------------------------------------------------------===//

#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Dialect/MIL/IR/MILDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"

#include "Support/CoreMLBits.h"

#include "gtest/gtest.h"

#include <random>
#include <string>

using namespace mlir;
using namespace palettize::mil;

namespace {

using palettize::testing::packBitByBit;

class MILOpsTest : public ::testing::Test {
protected:
  MILOpsTest() {
    context.loadDialect<MILDialect, arith::ArithDialect, func::FuncDialect>();
    module = ModuleOp::create(UnknownLoc::get(&context));
    builder.setInsertionPointToEnd(module->getBody());
  }

  DenseElementsAttr f32Attr(ArrayRef<int64_t> shape, ArrayRef<float> values) {
    return DenseElementsAttr::get(
        RankedTensorType::get(shape, builder.getF32Type()), values);
  }
  DenseElementsAttr byteAttr(ArrayRef<uint8_t> bytes) {
    auto type = RankedTensorType::get(
        {int64_t(bytes.size())},
        IntegerType::get(&context, 8, IntegerType::Unsigned));
    return DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(reinterpret_cast<const char *>(bytes.data()),
                             bytes.size()));
  }

  /// Folds `op` and returns its folded value, or null.
  DenseElementsAttr foldToDense(Operation *op) {
    SmallVector<OpFoldResult> results;
    SmallVector<Attribute> operands(op->getNumOperands());
    if (failed(op->fold(operands, results)) || results.size() != 1)
      return nullptr;
    return dyn_cast_if_present<DenseElementsAttr>(
        dyn_cast<Attribute>(results[0]));
  }

  /// Verifies `op`, returning the first diagnostic's message ("" if it
  /// verifies).
  std::string verifyMessage(Operation *op) {
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
      if (message.empty())
        message = diagnostic.str();
      return success();
    });
    return succeeded(verify(op)) ? std::string() : message;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  OpBuilder builder{&context};
  Location loc = UnknownLoc::get(&context);
};

// Random 3-bit indices (they straddle bytes) over a random LUT: the folded
// value is lut[index] for every element.
TEST_F(MILOpsTest, FoldDecodesEveryElement) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> value(-4, 4);
  std::uniform_int_distribution<unsigned> index(0, 7);
  std::vector<float> lut(8);
  for (float &entry : lut)
    entry = value(rng);
  std::vector<unsigned> indices(37);
  for (unsigned &i : indices)
    i = index(rng);
  auto type = RankedTensorType::get({37}, builder.getF32Type());
  auto op = ConstexprLutToDenseOp::create(builder, loc, type, f32Attr({8}, lut),
                                          byteAttr(packBitByBit(indices, 3)),
                                          IntegerAttr(), StringAttr());
  ASSERT_EQ(verifyMessage(op), "");
  DenseElementsAttr folded = foldToDense(op);
  ASSERT_TRUE(folded);
  auto decoded = llvm::to_vector(folded.getValues<float>());
  ASSERT_EQ(decoded.size(), indices.size());
  for (size_t i = 0; i < indices.size(); ++i)
    EXPECT_EQ(decoded[i], lut[indices[i]]) << "element " << i;
}

// A grouped LUT [2, 1, 4, 1] over a 2x6 result: row r uses palette r.
TEST_F(MILOpsTest, FoldUsesEachRowsPalette) {
  const std::vector<float> luts = {0, 1, 2, 3, 10, 11, 12, 13};
  const std::vector<unsigned> indices = {3, 2, 1, 0, 1, 2, 0, 0, 3, 3, 1, 2};
  auto type = RankedTensorType::get({2, 6}, builder.getF32Type());
  auto op = ConstexprLutToDenseOp::create(
      builder, loc, type, f32Attr({2, 1, 4, 1}, luts),
      byteAttr(packBitByBit(indices, 2)), IntegerAttr(), StringAttr());
  ASSERT_EQ(verifyMessage(op), "");
  DenseElementsAttr folded = foldToDense(op);
  ASSERT_TRUE(folded);
  auto decoded = llvm::to_vector(folded.getValues<float>());
  for (size_t i = 0; i < indices.size(); ++i)
    EXPECT_EQ(decoded[i], luts[(i / 6) * 4 + indices[i]]) << "element " << i;
}

// The folding limit: 256 elements fold, 257 do not.
TEST_F(MILOpsTest, FoldsUpTo256Elements) {
  for (int64_t count : {255, 256, 257}) {
    std::vector<unsigned> indices(count, 1);
    auto type = RankedTensorType::get({count}, builder.getF32Type());
    auto op = ConstexprLutToDenseOp::create(
        builder, loc, type, f32Attr({2}, {5, 7}),
        byteAttr(packBitByBit(indices, 1)), IntegerAttr(), StringAttr());
    DenseElementsAttr folded = foldToDense(op);
    EXPECT_EQ(bool(folded), count <= 256) << count;
    if (folded) {
      ASSERT_TRUE(folded.isSplat());
      EXPECT_EQ(folded.getSplatValue<float>(), 7.0f);
    }
  }
}

// The verifier's rules, each broken alone.
TEST_F(MILOpsTest, VerifierRejectsEachBrokenRule) {
  auto type = RankedTensorType::get({5}, builder.getF32Type());
  auto good = ConstexprLutToDenseOp::create(
      builder, loc, type, f32Attr({4}, {1, 2, 3, 4}), byteAttr({10, 4}),
      IntegerAttr(), StringAttr());
  EXPECT_EQ(verifyMessage(good), "");
  // One index byte too many and one too few.
  for (std::vector<uint8_t> bytes :
       {std::vector<uint8_t>{10, 4, 0}, std::vector<uint8_t>{10}}) {
    auto op = ConstexprLutToDenseOp::create(
        builder, loc, type, f32Attr({4}, {1, 2, 3, 4}), byteAttr(bytes),
        IntegerAttr(), StringAttr());
    EXPECT_NE(verifyMessage(op).find("indices"), std::string::npos)
        << bytes.size() << " bytes: " << verifyMessage(op);
  }
  // A palette of 32 entries (5 bits) is not a Core ML width.
  std::vector<float> palette(32, 0.0f);
  auto wide = ConstexprLutToDenseOp::create(
      builder, loc, type, f32Attr({32}, palette), byteAttr({0, 0, 0, 0}),
      IntegerAttr(), StringAttr());
  EXPECT_NE(verifyMessage(wide), "");
  // Groups that do not divide the result: 4 groups along a dimension of 6.
  auto groups = ConstexprLutToDenseOp::create(
      builder, loc, RankedTensorType::get({6, 1}, builder.getF32Type()),
      f32Attr({4, 1, 2, 1}, {0, 1, 0, 1, 0, 1, 0, 1}), byteAttr({0}),
      IntegerAttr(), StringAttr());
  EXPECT_NE(verifyMessage(groups), "");
  // A LUT of another element type than the result's.
  auto mixed = ConstexprLutToDenseOp::create(
      builder, loc, RankedTensorType::get({5}, builder.getF16Type()),
      f32Attr({4}, {1, 2, 3, 4}), byteAttr({10, 4}), IntegerAttr(),
      StringAttr());
  EXPECT_NE(verifyMessage(mixed), "");
}

// getRawElementsData: dense bytes, an expanded splat, a missing and a
// wrongly sized blob.
TEST_F(MILOpsTest, RawElementsData) {
  RawElementsData dense = getRawElementsData(f32Attr({2}, {1.5f, -2.0f}));
  ASSERT_TRUE(dense.succeeded());
  ASSERT_EQ(dense.bytes.size(), 8u);
  float values[2];
  std::memcpy(values, dense.bytes.data(), 8);
  EXPECT_EQ(values[0], 1.5f);
  EXPECT_EQ(values[1], -2.0f);

  auto splatType = RankedTensorType::get({3}, builder.getF32Type());
  RawElementsData splat =
      getRawElementsData(DenseElementsAttr::get(splatType, 0.25f));
  ASSERT_TRUE(splat.succeeded());
  ASSERT_EQ(splat.bytes.size(), 12u);
  float expanded[3];
  std::memcpy(expanded, splat.bytes.data(), 12);
  for (float v : expanded)
    EXPECT_EQ(v, 0.25f);

  auto missing = DenseResourceElementsAttr::get(
      splatType,
      DenseResourceElementsHandle(
          DenseResourceElementsHandle::getManagerInterface(&context).insert(
              "missing", std::nullopt)));
  EXPECT_EQ(getRawElementsData(missing).error, RawDataError::MissingBlob);
  std::vector<char> tooShort(8, 0);
  auto wrong = DenseResourceElementsAttr::get(
      splatType, "short",
      HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<char>(tooShort)));
  EXPECT_EQ(getRawElementsData(wrong).error, RawDataError::WrongBlobSize);
}

// createElementsAttr: exactly maxDenseElements stays dense; one more is a
// blob; both hold what `fill` wrote.
TEST_F(MILOpsTest, CreateElementsAttrAtTheLimit) {
  for (int64_t count : {4, 5}) {
    auto type = RankedTensorType::get({count}, builder.getF32Type());
    ElementsAttr attr =
        createElementsAttr(type, "decoded", /*maxDenseElements=*/4,
                           [&](MutableArrayRef<char> out) {
                             ASSERT_EQ(out.size(), size_t(count) * 4);
                             for (int64_t i = 0; i < count; ++i) {
                               const float v = float(i) + 0.5f;
                               std::memcpy(out.data() + 4 * i, &v, 4);
                             }
                           });
    EXPECT_EQ(isa<DenseElementsAttr>(attr), count <= 4) << count;
    EXPECT_EQ(isa<DenseResourceElementsAttr>(attr), count > 4) << count;
    RawElementsData data = getRawElementsData(attr);
    ASSERT_TRUE(data.succeeded());
    for (int64_t i = 0; i < count; ++i) {
      float v;
      std::memcpy(&v, data.bytes.data() + 4 * i, 4);
      EXPECT_EQ(v, float(i) + 0.5f);
    }
  }
}

} // namespace
