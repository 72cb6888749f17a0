//===- PalettizeWeightsTest.cpp - The passes through the C++ API ----------===//
//
// palettize-weights and mil-materialize-constexpr run by a PassManager, their
// results read back and checked against the original values: every element
// its nearest LUT entry, the decoded tensor lut[index], the same bytes on one
// thread and on many, and a failed run leaving the module as it was.
//
//===----------------------------------------------------------------------===//

#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Dialect/MIL/IR/MILDialect.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Dialect/MIL/Transforms/LutFunctions.h"
#include "palettize/Dialect/MIL/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include "Support/CoreMLBits.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>
#include <string>

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

namespace {

using palettize::testing::unpackBitByBit;

std::vector<float> readFloats(ElementsAttr attr) {
  RawElementsData data = getRawElementsData(attr);
  EXPECT_TRUE(data.succeeded());
  std::vector<float> values(data.bytes.size() / 4);
  std::memcpy(values.data(), data.bytes.data(), data.bytes.size());
  return values;
}

class PalettizeWeightsTest : public ::testing::Test {
protected:
  PalettizeWeightsTest() {
    context.loadDialect<MILDialect, arith::ArithDialect, func::FuncDialect>();
  }

  /// A module returning one f32 constant of `shape` holding `values`.
  OwningOpRef<ModuleOp> makeModule(ArrayRef<int64_t> shape,
                                   ArrayRef<float> values) {
    OpBuilder builder(&context);
    Location loc = NameLoc::get(builder.getStringAttr("w"));
    OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
    builder.setInsertionPointToEnd(module->getBody());
    auto type = RankedTensorType::get(shape, builder.getF32Type());
    auto func = func::FuncOp::create(builder, loc, "f",
                                     builder.getFunctionType({}, {type}));
    builder.setInsertionPointToEnd(func.addEntryBlock());
    Value constant = arith::ConstantOp::create(
        builder, loc, DenseElementsAttr::get(type, values));
    func::ReturnOp::create(builder, loc, constant);
    return module;
  }

  LogicalResult run(ModuleOp module, const PalettizeWeightsOptions &options,
                    bool threads = true) {
    context.disableMultithreading(!threads);
    PassManager pm(&context);
    pm.addPass(createPalettizeWeights(options));
    return pm.run(module);
  }

  static ConstexprLutToDenseOp findLutOp(ModuleOp module) {
    ConstexprLutToDenseOp found;
    module.walk([&](ConstexprLutToDenseOp op) { found = op; });
    return found;
  }

  static std::string print(ModuleOp module) {
    std::string text;
    llvm::raw_string_ostream os(text);
    module.print(os);
    return text;
  }

  MLIRContext context;
};

std::vector<float> gaussian(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0, 1);
  std::vector<float> values(n);
  for (float &v : values)
    v = dist(rng);
  return values;
}

// kmeans nbits=4 on a 64x64 Gaussian: 16 ascending entries, each element its
// nearest (lower on ties), a lower error than the uniform grid over the same
// range, and mil-materialize-constexpr gives lut[index] for every element.
TEST_F(PalettizeWeightsTest, KMeansAssignsNearestAndDecodes) {
  const std::vector<float> values = gaussian(64 * 64, 1);
  OwningOpRef<ModuleOp> module = makeModule({64, 64}, values);
  PalettizeWeightsOptions options;
  options.nbits = 4;
  ASSERT_TRUE(succeeded(run(*module, options)));
  ConstexprLutToDenseOp op = findLutOp(*module);
  ASSERT_TRUE(op);
  EXPECT_EQ(op.getName(), "w");
  ASSERT_TRUE(op.getLut().has_value());
  std::vector<float> lut = readFloats(*op.getLut());
  ASSERT_EQ(lut.size(), 16u);
  for (size_t e = 1; e < lut.size(); ++e)
    EXPECT_LT(lut[e - 1], lut[e]);
  RawElementsData packed = getRawElementsData(op.getIndices());
  ASSERT_TRUE(packed.succeeded());
  ASSERT_EQ(packed.bytes.size(), values.size() * 4 / 8);
  std::vector<unsigned> indices =
      unpackBitByBit(packed.bytes.data(), values.size(), 4);
  double error = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    const double chosen = std::fabs(double(values[i]) - lut[indices[i]]);
    error += chosen * chosen;
    for (size_t e = 0; e < lut.size(); ++e) {
      const double other = std::fabs(double(values[i]) - lut[e]);
      ASSERT_TRUE(chosen < other || (chosen == other && indices[i] <= e))
          << "element " << i << " entry " << e;
    }
  }
  const float lo = *std::min_element(values.begin(), values.end());
  const float hi = *std::max_element(values.begin(), values.end());
  double uniformError = 0;
  for (float v : values) {
    const double step = (double(hi) - lo) / 15;
    const double level = lo + std::round((v - lo) / step) * step;
    uniformError += (v - level) * (v - level);
  }
  EXPECT_LT(error, uniformError);

  PassManager pm(&context);
  pm.addPass(createMILMaterializeConstexpr());
  ASSERT_TRUE(succeeded(pm.run(*module)));
  ConstOp decoded;
  module->walk([&](ConstOp c) { decoded = c; });
  ASSERT_TRUE(decoded);
  std::vector<float> output = readFloats(decoded.getValue());
  ASSERT_EQ(output.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i)
    ASSERT_EQ(output[i], lut[indices[i]]) << "element " << i;
}

// One thread and many give the same bytes, and those bytes are right: the
// 8-bit LUT's indices each pick the nearest of the 256 entries.
TEST_F(PalettizeWeightsTest, ThreadsChangeNoByte) {
  const std::vector<float> values = gaussian(128 * 96, 2);
  // Blob names are uniqued per context, so compare contents, not text.
  std::vector<float> lutsOf[2];
  std::vector<char> bytesOf[2];
  for (bool threads : {false, true}) {
    OwningOpRef<ModuleOp> module = makeModule({128, 96}, values);
    PalettizeWeightsOptions options;
    options.nbits = 8;
    options.granularity = "per-grouped-channel";
    options.groupSize = 16;
    options.channelAxis = 0;
    ASSERT_TRUE(succeeded(run(*module, options, threads)));
    ConstexprLutToDenseOp op = findLutOp(*module);
    ASSERT_TRUE(op);
    std::vector<float> luts = readFloats(*op.getLut());
    ASSERT_EQ(luts.size(), 8u * 256);
    RawElementsData packed = getRawElementsData(op.getIndices());
    std::vector<unsigned> indices =
        unpackBitByBit(packed.bytes.data(), values.size(), 8);
    for (size_t i = 0; i < values.size(); ++i) {
      const float *palette = luts.data() + (i / 96 / 16) * 256;
      const double chosen = std::fabs(double(values[i]) - palette[indices[i]]);
      for (size_t e = 0; e < 256; ++e)
        ASSERT_LE(chosen, std::fabs(double(values[i]) - palette[e]))
            << "element " << i;
    }
    lutsOf[threads] = luts;
    bytesOf[threads].assign(packed.bytes.begin(), packed.bytes.end());
  }
  EXPECT_EQ(lutsOf[0], lutsOf[1]);
  EXPECT_EQ(bytesOf[0], bytesOf[1]);
}

// A failed run (a bad option) leaves the module exactly as it was.
TEST_F(PalettizeWeightsTest, FailureLeavesModuleUnchanged) {
  OwningOpRef<ModuleOp> module = makeModule({64, 64}, gaussian(64 * 64, 3));
  const std::string before = print(*module);
  ScopedDiagnosticHandler quiet(&context,
                                [](Diagnostic &) { return success(); });
  for (PalettizeWeightsOptions options :
       {PalettizeWeightsOptions{"bogus", 4},
        PalettizeWeightsOptions{"kmeans", 5},
        PalettizeWeightsOptions{"unique", 4}}) {
    EXPECT_TRUE(failed(run(*module, options))) << options.mode;
    EXPECT_EQ(print(*module), before) << options.mode;
  }
}

// weight-threshold counts elements strictly above it: 4096 elements stay at
// 4096, are palettized at 4095.
TEST_F(PalettizeWeightsTest, ThresholdIsStrict) {
  for (int64_t threshold : {4096, 4095}) {
    OwningOpRef<ModuleOp> module = makeModule({64, 64}, gaussian(64 * 64, 4));
    PalettizeWeightsOptions options;
    options.nbits = 2;
    options.weightThreshold = threshold;
    ASSERT_TRUE(succeeded(run(*module, options)));
    EXPECT_EQ(bool(findLutOp(*module)), threshold < 4096) << threshold;
  }
}

// mode=custom: a registered function's LUT and indices are used as given.
// "sign" maps each value to [-1, 1] by its sign; per-channel scales and an
// int8 LUT apply on top as for any mode.
TEST_F(PalettizeWeightsTest, CustomLutFunction) {
  registerLutFunction("sign", [](ArrayRef<float> values) {
    CustomLut lut{{-1.0f, 1.0f}, {}};
    for (float v : values)
      lut.indices.push_back(v >= 0 ? 1 : 0);
    return lut;
  });
  const std::vector<float> values = gaussian(64 * 64, 5);
  OwningOpRef<ModuleOp> module = makeModule({64, 64}, values);
  PalettizeWeightsOptions options;
  options.mode = "custom";
  options.lutFunction = "sign";
  ASSERT_TRUE(succeeded(run(*module, options)));
  ConstexprLutToDenseOp op = findLutOp(*module);
  ASSERT_TRUE(op);
  EXPECT_EQ(readFloats(*op.getLut()), (std::vector<float>{-1.0f, 1.0f}));
  RawElementsData packed = getRawElementsData(op.getIndices());
  std::vector<unsigned> indices =
      unpackBitByBit(packed.bytes.data(), values.size(), 1);
  for (size_t i = 0; i < values.size(); ++i)
    ASSERT_EQ(indices[i], values[i] >= 0 ? 1u : 0u) << i;
  EXPECT_TRUE(llvm::is_contained(getLutFunctionNames(), "sign"));
}

// What a LUT function returns is checked: each bad result fails the pass
// with an error naming the function and the problem, and changes nothing.
TEST_F(PalettizeWeightsTest, CustomLutFunctionResultsAreChecked) {
  struct Case {
    const char *name;
    std::function<CustomLut(size_t)> make;
    const char *problem;
  } cases[] = {
      {"three-entries",
       [](size_t n) {
         return CustomLut{{0, 1, 2}, std::vector<uint32_t>(n)};
       },
       "its LUT has 3 entries"},
      {"short",
       [](size_t n) {
         return CustomLut{{0, 1}, std::vector<uint32_t>(n - 1)};
       },
       "indices for"},
      {"out-of-range",
       [](size_t n) {
         CustomLut lut{{0, 1}, std::vector<uint32_t>(n)};
         lut.indices[7] = 2;
         return lut;
       },
       "index 2 of element 7"},
      {"not-f16",
       [](size_t n) {
         return CustomLut{{0.0f, 0.1f}, std::vector<uint32_t>(n)};
       },
       "not representable"},
      {"infinite",
       [](size_t n) {
         return CustomLut{{0.0f, INFINITY}, std::vector<uint32_t>(n)};
       },
       "not finite"},
  };
  for (const Case &c : cases) {
    auto make = c.make;
    registerLutFunction(c.name,
                        [make](ArrayRef<float> v) { return make(v.size()); });
    // An f16 constant, so that 0.1 is not representable.
    OpBuilder builder(&context);
    Location loc = NameLoc::get(builder.getStringAttr("w"));
    OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
    builder.setInsertionPointToEnd(module->getBody());
    auto type = RankedTensorType::get({64, 64}, builder.getF16Type());
    auto func = func::FuncOp::create(builder, loc, "f",
                                     builder.getFunctionType({}, {type}));
    builder.setInsertionPointToEnd(func.addEntryBlock());
    std::vector<APFloat> halves;
    for (float v : gaussian(64 * 64, 6)) {
      APFloat value(v);
      bool lost;
      value.convert(APFloat::IEEEhalf(), APFloat::rmNearestTiesToEven, &lost);
      halves.push_back(value);
    }
    Value constant = arith::ConstantOp::create(
        builder, loc, DenseElementsAttr::get(type, halves));
    func::ReturnOp::create(builder, loc, constant);
    const std::string before = print(*module);
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
      if (message.empty())
        message = diagnostic.str();
      return success();
    });
    PalettizeWeightsOptions options;
    options.mode = "custom";
    options.lutFunction = c.name;
    EXPECT_TRUE(failed(run(*module, options))) << c.name;
    EXPECT_NE(message.find(std::string("lut-function '") + c.name + "'"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find(c.problem), std::string::npos) << message;
    EXPECT_EQ(print(*module), before) << c.name;
  }
}

} // namespace
