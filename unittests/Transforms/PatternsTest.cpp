//===- PatternsTest.cpp - The public steps and patterns of palettization --===//
//
// planPalettization, compressTensor, palettizeConstant and the pattern
// populators, used as an embedding compiler would: its own control, its own
// driver. Values are checked against what the constants held.
//
//===----------------------------------------------------------------------===//

#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Dialect/MIL/IR/MILDialect.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Dialect/MIL/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

#include "Support/CoreMLBits.h"

#include "gtest/gtest.h"

#include <cmath>
#include <string>

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

namespace {

/// A module with three 4x4 f32 constants of values 1..16 (16 distinct
/// values): "rhs" feeds a linalg.matmul as its [K, N] operand, "other" an
/// arith.addf, "shared" both.
constexpr const char *kModule = R"mlir(
func.func @f(%x: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %rhs = mil.const "rhs" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %other = mil.const "other" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %shared = mil.const "shared" dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %0 = linalg.matmul ins(%x, %rhs : tensor<4x4xf32>, tensor<4x4xf32>) outs(%x : tensor<4x4xf32>) -> tensor<4x4xf32>
  %1 = arith.addf %other, %x : tensor<4x4xf32>
  %2 = linalg.matmul ins(%x, %shared : tensor<4x4xf32>, tensor<4x4xf32>) outs(%x : tensor<4x4xf32>) -> tensor<4x4xf32>
  %3 = arith.addf %shared, %x : tensor<4x4xf32>
  return %0, %1, %2, %3 : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}
)mlir";

class PatternsTest : public ::testing::Test {
protected:
  PatternsTest() {
    context.loadDialect<MILDialect, arith::ArithDialect, func::FuncDialect,
                        linalg::LinalgDialect>();
    module = parseSourceString<ModuleOp>(kModule, &context);
  }

  Operation *findConst(StringRef name) {
    Operation *found = nullptr;
    module->walk([&](ConstOp op) {
      if (op.getName() == name)
        found = op;
    });
    return found;
  }

  ConstexprLutToDenseOp findLut(StringRef name) {
    ConstexprLutToDenseOp found;
    module->walk([&](ConstexprLutToDenseOp op) {
      if (op.getName() == name)
        found = op;
    });
    return found;
  }

  /// Decodes a per-tensor LUT op independently: lut[index] per element.
  static std::vector<float> decode(ConstexprLutToDenseOp op) {
    auto lut = llvm::to_vector(
        cast<DenseElementsAttr>(*op.getLut()).getValues<float>());
    RawElementsData packed = getRawElementsData(op.getIndices());
    const size_t count = op.getType().getNumElements();
    std::vector<unsigned> indices = palettize::testing::unpackBitByBit(
        packed.bytes.data(), count, llvm::Log2_64(lut.size()));
    std::vector<float> values;
    for (unsigned index : indices)
      values.push_back(lut[index]);
    return values;
  }

  /// The greedy driver, as an embedder would run it: without folding (a
  /// small LUT op folds back to a constant, which the patterns would
  /// palettize again) and without constant CSE (which would merge the
  /// equal constants of this module).
  LogicalResult applyGreedily(RewritePatternSet &&patterns) {
    return applyPatternsGreedily(
        *module, std::move(patterns),
        GreedyRewriteConfig().enableFolding(false).enableConstantCSE(false));
  }

  static PalettizeSettings kmeans(int64_t nbits) {
    PalettizeSettings settings;
    settings.nbits = nbits;
    settings.weightThreshold = 0;
    return settings;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

std::vector<float> oneToSixteen() {
  std::vector<float> values;
  for (int v = 1; v <= 16; ++v)
    values.push_back(float(v));
  return values;
}

// Planning: the threshold (strict), the inferred channel axis of a matmul's
// right-hand operand (N, axis 1), and a cut that does not tile the axis.
// Float constants of any rank are float constants; only rank >= 2 is
// palettizable; integer constants and non-constants are neither.
TEST_F(PatternsTest, FloatConstantsAndPalettizableOnes) {
  constexpr const char *kConstants = R"mlir(
func.func @g() -> (tensor<4xf32>, tensor<2x2xf16>, tensor<2x2xi32>) {
  %v = mil.const "v" dense<1.0> : tensor<4xf32>
  %m = arith.constant dense<2.0> : tensor<2x2xf16>
  %i = arith.constant dense<3> : tensor<2x2xi32>
  return %v, %m, %i : tensor<4xf32>, tensor<2x2xf16>, tensor<2x2xi32>
}
)mlir";
  OwningOpRef<ModuleOp> constants =
      parseSourceString<ModuleOp>(kConstants, &context);
  ASSERT_TRUE(constants);
  std::vector<std::pair<bool, bool>> seen; // (float, palettizable)
  constants->walk([&](Operation *op) {
    seen.emplace_back(bool(getFloatConstantValue(op)),
                      bool(getPalettizableValue(op)));
  });
  // In walk order: %v, %m, %i, return, func.func, module.
  const std::vector<std::pair<bool, bool>> expected = {
      {true, false},  {true, true},   {false, false},
      {false, false}, {false, false}, {false, false}};
  EXPECT_EQ(seen, expected);
}

TEST_F(PatternsTest, PlanPalettization) {
  ASSERT_TRUE(module);
  Operation *rhs = findConst("rhs");
  ASSERT_TRUE(getPalettizableValue(rhs));
  EXPECT_EQ(getConstantName(rhs), "rhs");

  PalettizeSettings settings = kmeans(2);
  settings.weightThreshold = 16;
  EXPECT_EQ(planPalettization(rhs, settings).kind, PlanOutcome::Kind::Small);
  EXPECT_EQ(classifyBySize(getPalettizableValue(rhs), settings),
            PlanOutcome::Kind::Small);
  auto splatType = RankedTensorType::get({4, 4}, Float32Type::get(&context));
  settings.weightThreshold = 0;
  EXPECT_EQ(classifyBySize(DenseElementsAttr::get(splatType, 1.0f), settings),
            PlanOutcome::Kind::Splat);
  settings.weightThreshold = 15;
  PlanOutcome plain = planPalettization(rhs, settings);
  EXPECT_EQ(plain.kind, PlanOutcome::Kind::Palettize);
  EXPECT_EQ(plain.plan.tiling.groupSize, 0);
  EXPECT_EQ(plain.plan.format, FloatFormat::F32);

  settings.perGroupedChannel = true;
  settings.groupSize = 2;
  PlanOutcome grouped = planPalettization(rhs, settings);
  ASSERT_EQ(grouped.kind, PlanOutcome::Kind::Palettize);
  EXPECT_EQ(grouped.plan.tiling.axis, 1u);
  EXPECT_EQ(grouped.plan.tiling.groupSize, 2);
  // An elementwise consumer implies axis 0.
  PlanOutcome other = planPalettization(findConst("other"), settings);
  ASSERT_EQ(other.kind, PlanOutcome::Kind::Palettize);
  EXPECT_EQ(other.plan.tiling.axis, 0u);
  // Consumers that disagree (a matmul's N and an elementwise 0).
  PlanOutcome shared = planPalettization(findConst("shared"), settings);
  EXPECT_EQ(shared.kind, PlanOutcome::Kind::NoChannelCut);
  EXPECT_NE(shared.reason.find("disagree"), std::string::npos) << shared.reason;

  settings.groupSize = 3;
  PlanOutcome uncut = planPalettization(rhs, settings);
  EXPECT_EQ(uncut.kind, PlanOutcome::Kind::NoChannelCut);
  EXPECT_NE(uncut.reason.find("group-size=3"), std::string::npos)
      << uncut.reason;
}

// An embedder's own policy: only constants feeding linalg.matmul, with the
// walk driver. "rhs" is palettized exactly (16 values, 4 bits); "other"
// stays.
TEST_F(PatternsTest, ControlSelectsMatmulOperandsOnly) {
  ASSERT_TRUE(module);
  PalettizeControlFn control =
      [](Operation *constant) -> std::optional<PalettizePlan> {
    if (llvm::none_of(constant->getUsers(), [](Operation *user) {
          return isa<linalg::MatmulOp>(user);
        }))
      return std::nullopt;
    PalettizePlan plan;
    plan.settings.nbits = 4;
    plan.format = FloatFormat::F32;
    return plan;
  };
  RewritePatternSet patterns(&context);
  populatePalettizeWeightsPatterns(patterns, control);
  walkAndApplyPatterns(*module, std::move(patterns));
  EXPECT_TRUE(findConst("other"));
  EXPECT_FALSE(findConst("rhs"));
  EXPECT_FALSE(findConst("shared"));
  for (StringRef name : {"rhs", "shared"}) {
    ConstexprLutToDenseOp lut = findLut(name);
    ASSERT_TRUE(lut) << name.str();
    EXPECT_EQ(decode(lut), oneToSixteen()) << name.str();
  }
}

// getPalettizeControl: the settings decide, as the pass does without a
// config file; at nbits=2 each entry is the mean of four consecutive values.
// The greedy driver.
TEST_F(PatternsTest, SettingsControl) {
  ASSERT_TRUE(module);
  RewritePatternSet patterns(&context);
  populatePalettizeWeightsPatterns(patterns, getPalettizeControl(kmeans(2)));
  ASSERT_TRUE(succeeded(applyGreedily(std::move(patterns))));
  for (StringRef name : {"rhs", "other", "shared"}) {
    ConstexprLutToDenseOp lut = findLut(name);
    ASSERT_TRUE(lut) << name.str();
    std::vector<float> decoded = decode(lut);
    for (int v = 1; v <= 16; ++v)
      EXPECT_EQ(decoded[v - 1], 2.5f + 4 * ((v - 1) / 4)) << v;
  }
}

// The steps by hand: compressTensor then palettizeConstant with an
// IRRewriter; a constant whose LUT cannot be built is left alone.
TEST_F(PatternsTest, CompressAndEmit) {
  ASSERT_TRUE(module);
  Operation *other = findConst("other");
  PlanOutcome outcome = planPalettization(other, kmeans(3));
  ASSERT_EQ(outcome.kind, PlanOutcome::Kind::Palettize);
  CompressedTensor compressed =
      compressTensor(getPalettizableValue(other), outcome.plan);
  ASSERT_TRUE(compressed.succeeded());
  EXPECT_EQ(compressed.packedIndices.getData().size(), 16u * 3 / 8);
  EXPECT_EQ(getCompressedByteCount(compressed, outcome.plan),
            16u * 3 / 8 + 8 * 4);
  IRRewriter rewriter(&context);
  FailureOr<Value> replacement =
      palettizeConstant(rewriter, other, outcome.plan, compressed);
  ASSERT_TRUE(succeeded(replacement));
  EXPECT_EQ(replacement->getType(),
            RankedTensorType::get({4, 4}, rewriter.getF32Type()));
  ConstexprLutToDenseOp lut = findLut("other");
  ASSERT_TRUE(lut);
  EXPECT_EQ(*replacement, lut.getResult());
  std::vector<float> decoded = decode(lut);
  for (int v = 1; v <= 16; ++v)
    EXPECT_EQ(decoded[v - 1], 1.5f + 2 * ((v - 1) / 2)) << v;

  // NaN: no LUT, and palettizeConstant changes nothing.
  OpBuilder builder(&context);
  builder.setInsertionPointToStart(module->getBody());
  auto type = RankedTensorType::get({2, 2}, builder.getF32Type());
  auto nan = ConstOp::create(
      builder, builder.getUnknownLoc(), type,
      DenseElementsAttr::get(type, {1.0f, NAN, 2.0f, 3.0f}), StringAttr());
  PlanOutcome nanPlan = planPalettization(nan, kmeans(1));
  ASSERT_EQ(nanPlan.kind, PlanOutcome::Kind::Palettize);
  CompressedTensor failed =
      compressTensor(getPalettizableValue(nan), nanPlan.plan);
  EXPECT_FALSE(failed.succeeded());
  EXPECT_EQ(failed.lut.status, LutStatus::NonFiniteValues);
  EXPECT_TRUE(
      ::mlir::failed(palettizeConstant(rewriter, nan, nanPlan.plan, failed)));
  EXPECT_EQ(nan->getBlock(), module->getBody());
}

// The materialization patterns under the greedy driver decode what the
// palettization patterns produced back to the original values.
TEST_F(PatternsTest, MaterializePatternsUndoUniqueMode) {
  ASSERT_TRUE(module);
  PalettizeSettings unique;
  unique.mode = LutMode::Unique;
  unique.weightThreshold = 0;
  {
    RewritePatternSet patterns(&context);
    populatePalettizeWeightsPatterns(patterns, getPalettizeControl(unique));
    ASSERT_TRUE(succeeded(applyGreedily(std::move(patterns))));
  }
  ASSERT_TRUE(findLut("rhs"));
  RewritePatternSet patterns(&context);
  populateMILMaterializeConstexprPatterns(patterns, /*maxDenseElements=*/0);
  ASSERT_TRUE(succeeded(applyGreedily(std::move(patterns))));
  EXPECT_FALSE(findLut("rhs"));
  for (StringRef name : {"rhs", "other", "shared"}) {
    auto constant = dyn_cast_or_null<ConstOp>(findConst(name));
    ASSERT_TRUE(constant) << name.str();
    EXPECT_TRUE(isa<DenseResourceElementsAttr>(constant.getValue()));
    RawElementsData data = getRawElementsData(constant.getValue());
    ASSERT_TRUE(data.succeeded());
    std::vector<float> values(16);
    std::memcpy(values.data(), data.bytes.data(), 64);
    EXPECT_EQ(values, oneToSixteen()) << name.str();
  }
}

} // namespace
