//===- ConvertMILToLinalg.cpp - The convert-mil-to-linalg pass ------------===//
//
// The LUT matmul kernels (lut-matmul), the MILToLinalg patterns under a
// partial conversion in which every mil op is illegal, then the placement of
// the decoding linalg.generic ops: left where they are (per-call), run once
// into globals (at-load) or fused into their consumers (fused).
//
//===----------------------------------------------------------------------===//

#include "palettize/Conversion/MILToLinalg/MILToLinalg.h"
#include "palettize/Conversion/Passes.h"
#include "palettize/Dialect/MIL/IR/MILDialect.h"

#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Transforms/DialectConversion.h"

namespace palettize {
#define GEN_PASS_DEF_CONVERTMILTOLINALG
#include "palettize/Conversion/Passes.h.inc"
} // namespace palettize

using namespace mlir;
using namespace palettize;

void palettize::registerBufferizationInterfaces(DialectRegistry &registry) {
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  vector::registerBufferizableOpInterfaceExternalModels(registry);
}

namespace {

struct ConvertMILToLinalgPass
    : palettize::impl::ConvertMILToLinalgBase<ConvertMILToLinalgPass> {
  using ConvertMILToLinalgBase::ConvertMILToLinalgBase;

  void getDependentDialects(DialectRegistry &registry) const override {
    ConvertMILToLinalgBase::getDependentDialects(registry);
    // The ops this pass creates are bufferized next in any pipeline that
    // runs them; tools that register only the dialects they parse would
    // otherwise stop at one-shot-bufferize ("op was not bufferized").
    registerBufferizationInterfaces(registry);
  }

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    lowerLutMatmuls(getOperation(), lutMatmul);
    MILToLinalgTypeConverter typeConverter;
    ConversionTarget target(*context);
    target.addIllegalDialect<mil::MILDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });

    RewritePatternSet patterns(context);
    populateMILToLinalgConversionPatterns(typeConverter, patterns);
    // Folding would decode the small ops at compile time: the point is to
    // decode every op at run time, whatever its size.
    ConversionConfig config;
    config.foldingMode = DialectConversionFoldingMode::Never;
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns), config)))
      return signalPassFailure();

    if (decode == DecodePlacement::AtLoad)
      decodeOnFirstUse(getOperation());
    else if (decode == DecodePlacement::Fused)
      fuseDecodingIntoConsumers(getOperation());
    // The marks are for the fusion only.
    getOperation()->walk(
        [](Operation *op) { op->removeAttr(kDecodeAttrName); });
  }
};

} // namespace
