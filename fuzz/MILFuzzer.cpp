//===- MILFuzzer.cpp - Fuzz the mil IR path through the C++ API -----------===//
//
// Builds a module from the input, as a producer of mil IR would (random
// shapes, element types, blobs of the right size or not, LUT ops with
// random LUT shapes, indices and vector axes, shift-scales over them,
// sparse ops with random masks and counts), and
// runs what a user runs on it: verify, palettize-weights with options from
// the input, then mil-materialize-constexpr or (one input in three)
// convert-mil-to-linalg with a decode placement and LUT matmul kernel from
// the input, after which no mil op may be left. Building modules through the
// API rather than mutating MLIR text keeps the fuzzer on this project's code
// instead of MLIR's parser. Invariants: no crash; a module that verified
// still verifies after the passes (the pass manager checks); with
// mode=unique, every constant the pass rewrote decodes to its own bytes.
//
//===----------------------------------------------------------------------===//

#include "palettize/Conversion/Passes.h"
#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Dialect/MIL/IR/MILDialect.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Dialect/MIL/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringMap.h"

#include "FuzzInput.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

namespace {

[[noreturn]] void fail(const char *what) {
  fuzz::failInvariant("MILFuzzer", what);
}

/// Makes every -0.0 of `bytes` (floats `width` bytes wide) +0.0.
void clearSignOfZeros(std::vector<char> &bytes, unsigned width) {
  if (width != 2 && width != 4)
    return;
  for (size_t i = 0; i + width <= bytes.size(); i += width) {
    bool zero = (bytes[i + width - 1] & 0x7F) == 0;
    for (unsigned b = 0; b + 1 < width && zero; ++b)
      zero = bytes[i + b] == 0;
    if (zero)
      bytes[i + width - 1] = 0;
  }
}

Type pickElementType(MLIRContext *context, uint8_t choice) {
  Builder b(context);
  switch (choice % 8) {
  case 0:
    return b.getF16Type();
  case 1:
    return b.getBF16Type();
  case 2:
  case 3:
    return b.getF32Type();
  case 4:
    return b.getIntegerType(8);
  case 5:
    return IntegerType::get(context, 8, IntegerType::Unsigned);
  case 6: // packed two to a byte in blobs, as Core ML stores int4
    return b.getIntegerType(4);
  default:
    return IntegerType::get(context, 4, IntegerType::Unsigned);
  }
}

/// A shape of rank 1-3 with small sizes, now and then a hostile one.
SmallVector<int64_t> pickShape(fuzz::FuzzInput &in) {
  SmallVector<int64_t> shape(1 + in.byte() % 3);
  for (int64_t &dim : shape) {
    const uint8_t choice = in.byte();
    dim = choice == 255 ? (int64_t(1) << 31) : 1 + choice % 24;
  }
  return shape;
}

/// A dense_resource of `type` whose blob holds the next input bytes: as
/// many as the type needs, unless the input says otherwise.
ElementsAttr pickBlob(fuzz::FuzzInput &in, ShapedType type, StringRef name) {
  std::optional<int64_t> needed = getBlobByteCount(type);
  size_t size = needed && *needed <= (1 << 16) ? size_t(*needed) : 16;
  if (in.byte() % 8 == 0)
    size = size_t(in.byte()); // a wrong size, most likely
  std::vector<char> bytes = in.bytes(size);
  bytes.resize(size, 0);
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocate(bytes.size(), alignof(uint64_t));
  if (!bytes.empty()) // (memcpy from an empty vector's null data is UB)
    std::memcpy(blob.getMutableData().data(), bytes.data(), bytes.size());
  return DenseResourceElementsAttr::get(type, name, std::move(blob));
}

struct Built {
  OwningOpRef<ModuleOp> module;
  /// Constants the pass may rewrite, by name, with their bytes.
  llvm::StringMap<std::vector<char>> originals;
};

Built build(MLIRContext *context, fuzz::FuzzInput &in) {
  Built built;
  OpBuilder b(context);
  Location loc = b.getUnknownLoc();
  built.module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(built.module->getBody());
  auto function = func::FuncOp::create(b, loc, "f", b.getFunctionType({}, {}));
  b.setInsertionPointToEnd(function.addEntryBlock());
  SmallVector<Value> results;
  const unsigned ops = 1 + in.byte() % 4;
  for (unsigned i = 0; i < ops; ++i) {
    const std::string name = "w" + std::to_string(i);
    Location named = NameLoc::get(b.getStringAttr(name));
    const uint8_t kind = in.byte() % 6;
    if (kind <= 1) { // a constant: arith or mil
      auto type = RankedTensorType::get(pickShape(in),
                                        pickElementType(context, in.byte()));
      ElementsAttr value = pickBlob(in, type, name);
      Value result =
          kind == 0
              ? arith::ConstantOp::create(b, named, type, value).getResult()
              : ConstOp::create(b, named, type, value, b.getStringAttr(name))
                    .getResult();
      RawElementsData data = getRawElementsData(value);
      if (data.succeeded())
        built.originals[name].assign(data.bytes.begin(), data.bytes.end());
      results.push_back(result);
    } else if (kind == 2) { // a LUT op with random shapes
      // Float or 8-bit integer LUTs (a 4-bit one is rejected).
      Type element = pickElementType(context, in.byte() % 7);
      auto resultType = RankedTensorType::get(pickShape(in), element);
      SmallVector<int64_t> lutShape;
      if (in.byte() % 2) {
        lutShape.push_back(1 + in.byte() % 64);
      } else {
        for (int64_t d = 0; d < resultType.getRank(); ++d)
          lutShape.push_back(1 + in.byte() % 4);
        lutShape.push_back(int64_t(1) << (in.byte() % 9));
        lutShape.push_back(1 + in.byte() % 3);
      }
      auto lutType = RankedTensorType::get(lutShape, element);
      ElementsAttr lut = pickBlob(in, lutType, name + "_lut");
      auto indicesType = RankedTensorType::get(
          {int64_t(in.byte())},
          IntegerType::get(context, 8, IntegerType::Unsigned));
      ElementsAttr indices = pickBlob(in, indicesType, name + "_indices");
      IntegerAttr axis;
      if (uint8_t choice = in.byte(); choice % 3)
        axis = b.getI64IntegerAttr(int64_t(choice % 5) - 1);
      results.push_back(ConstexprLutToDenseOp::create(b, named, resultType, lut,
                                                      indices, axis,
                                                      b.getStringAttr(name))
                            .getResult());
    } else if (kind == 4) { // a pruned weight: a mask and its values
      auto maskType = RankedTensorType::get(
          pickShape(in), IntegerType::get(context, 1, IntegerType::Unsigned));
      Value mask =
          ConstOp::create(b, named, maskType,
                          pickBlob(in, maskType, name + "_mask"), StringAttr())
              .getResult();
      Type element = pickElementType(context, in.byte());
      auto dataType = RankedTensorType::get({int64_t(in.byte())}, element);
      Value data =
          ConstOp::create(b, named, dataType,
                          pickBlob(in, dataType, name + "_data"), StringAttr())
              .getResult();
      results.push_back(ConstexprSparseToDenseOp::create(
                            b, named,
                            RankedTensorType::get(maskType.getShape(), element),
                            mask, data, b.getStringAttr(name))
                            .getResult());
    } else if (kind == 5) { // a pruned palettized weight, random shapes
      Type element = pickElementType(context, in.byte() % 7);
      SmallVector<int64_t> gridShape = pickShape(in);
      auto gridType = RankedTensorType::get(
          gridShape, IntegerType::get(context, 1, IntegerType::Unsigned));
      ElementsAttr gridMask = pickBlob(in, gridType, name + "_mask");
      SmallVector<int64_t> lutShape;
      for (size_t d = 0; d < gridShape.size(); ++d)
        lutShape.push_back(1 + in.byte() % 3);
      lutShape.push_back(int64_t(1) << (in.byte() % 9));
      const int64_t vectorSize = 1 + in.byte() % 3;
      lutShape.push_back(vectorSize);
      SmallVector<int64_t> maskShape = gridShape;
      IntegerAttr axis;
      if (vectorSize > 1) {
        const int64_t a = in.byte() % gridShape.size();
        maskShape[a] *= vectorSize;
        axis = b.getI64IntegerAttr(a);
      }
      ElementsAttr lut =
          pickBlob(in, RankedTensorType::get(lutShape, element), name + "_lut");
      const int64_t stored = in.byte();
      ElementsAttr indices =
          pickBlob(in,
                   RankedTensorType::get(
                       {int64_t(in.byte())},
                       IntegerType::get(context, 8, IntegerType::Unsigned)),
                   name + "_indices");
      auto op = ConstexprLutToSparseOp::create(
          b, named, RankedTensorType::get(maskShape, gridType.getElementType()),
          RankedTensorType::get({stored * vectorSize}, element), gridMask,
          Value(), lut, indices, axis, b.getStringAttr(name));
      results.push_back(op.getMask());
      results.push_back(ConstexprSparseToDenseOp::create(
                            b, named, RankedTensorType::get(maskShape, element),
                            op.getMask(), op.getNonzeroData(),
                            b.getStringAttr(name + "_dense"))
                            .getResult());
    } else if (!results.empty()) { // a shift-scale over an earlier value
      Value data = results[in.byte() % results.size()];
      auto dataType = cast<RankedTensorType>(data.getType());
      SmallVector<int64_t> scaleShape;
      for (int64_t size : dataType.getShape())
        scaleShape.push_back(in.byte() % 2 ? 1 : size);
      Type element = pickElementType(context, in.byte() % 4);
      ElementsAttr scale = pickBlob(
          in, RankedTensorType::get(scaleShape, element), name + "_scale");
      results.push_back(ConstexprBlockwiseShiftScaleOp::create(
                            b, named,
                            RankedTensorType::get(dataType.getShape(), element),
                            data, scale, ElementsAttr(), b.getStringAttr(name))
                            .getResult());
    }
  }
  SmallVector<Type> types;
  for (Value result : results)
    types.push_back(result.getType());
  function.setType(b.getFunctionType({}, types));
  func::ReturnOp::create(b, loc, results);
  return built;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  DialectRegistry registry;
  registry.insert<MILDialect, arith::ArithDialect, func::FuncDialect,
                  linalg::LinalgDialect>();
  MLIRContext context(registry, MLIRContext::Threading::DISABLED);
  context.loadAllAvailableDialects();
  ScopedDiagnosticHandler quiet(&context, [](Diagnostic &) {
    return success(); // errors are expected; crashes are what is sought
  });

  fuzz::FuzzInput in(data, size);
  Built built = build(&context, in);
  if (failed(verify(*built.module)))
    return 0;

  static const char *kModes[] = {"kmeans", "uniform", "unique"};
  static const int64_t kWidths[] = {1, 2, 3, 4, 6, 8};
  PalettizeWeightsOptions options;
  options.mode = kModes[in.byte() % 3];
  if (options.mode != "unique") {
    // One in four: nbits=auto, by min-snr or by a budget (which may not
    // be met: an error, before any change).
    const uint8_t width = in.byte();
    if (width % 4 == 0) {
      options.nbits = BitWidthOption::automatic();
      if (in.byte() % 2)
        options.minSnr = 1 + in.byte() % 60;
      else
        options.bitsPerWeight = 0.5 + double(in.byte()) / 16;
    } else {
      options.nbits = kWidths[width % 6];
    }
  }
  options.weightThreshold = in.byte() % 64;
  if (in.byte() % 3 == 0) {
    options.granularity = "per-grouped-channel";
    options.groupSize = in.byte() % 5;
  }
  if (options.mode != "uniform" && in.byte() % 3 == 0)
    options.clusterDim = 1 + in.byte() % 3;
  options.perChannelScale = in.byte() % 4 == 0;
  static const char *kLutTypes[] = {"float", "int8", "uint8"};
  options.lutDtype = kLutTypes[in.byte() % 3];
  // One in three: the sparse form, at a threshold from 0 to 1.
  if (in.byte() % 3 == 0) {
    options.sparse = "auto";
    options.sparseThreshold = double(in.byte() % 5) / 4;
  }
  options.progress = "off";
  const bool unique = options.mode == "unique";

  PassManager pm(&context);
  pm.addPass(createPalettizeWeights(options));
  const bool lower = in.byte() % 3 == 0;
  if (lower) {
    static const DecodePlacement kPlacements[] = {DecodePlacement::PerCall,
                                                  DecodePlacement::AtLoad,
                                                  DecodePlacement::Fused};
    static const LutMatmulKernel kKernels[] = {
        LutMatmulKernel::None, LutMatmulKernel::Vector, LutMatmulKernel::AVX2};
    ConvertMILToLinalgOptions lowering;
    lowering.decode = kPlacements[in.byte() % 3];
    lowering.lutMatmul = kKernels[in.byte() % 3];
    pm.addPass(createConvertMILToLinalg(lowering));
  } else {
    MILMaterializeConstexprOptions materialize;
    materialize.maxDenseElements = in.byte() % 32;
    materialize.maxResultBytes = int64_t(1) << 24;
    pm.addPass(createMILMaterializeConstexpr(materialize));
  }
  if (failed(pm.run(*built.module)))
    return 0;
  if (lower) {
    built.module->walk([](Operation *op) {
      if (isa<mil::MILDialect>(op->getDialect()))
        fail("a mil op is left after convert-mil-to-linalg");
    });
    return 0;
  }

  // unique with a float LUT reproduces what it rewrote (8-bit LUTs and
  // scales round), so its bytes are compared.
  if (!unique || options.perChannelScale || options.lutDtype != "float")
    return 0;
  built.module->walk([&](ConstOp constant) {
    std::optional<StringRef> name = constant.getName();
    if (!name)
      return;
    auto it = built.originals.find(*name);
    if (it == built.originals.end())
      return;
    RawElementsData now = getRawElementsData(constant.getValue());
    if (!now.succeeded())
      return;
    std::vector<char> decoded(now.bytes.begin(), now.bytes.end());
    std::vector<char> original = it->second;
    // The sparse form decodes -0.0 to +0.0.
    if (options.sparse == "auto")
      for (std::vector<char> *bytes : {&decoded, &original})
        clearSignOfZeros(
            *bytes, getElementByteWidth(constant.getType().getElementType()));
    if (decoded != original)
      fail("unique does not decode to the original bytes");
  });
  return 0;
}
