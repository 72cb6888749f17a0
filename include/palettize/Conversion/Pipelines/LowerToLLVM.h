//===- LowerToLLVM.h - The palettize-lower-to-llvm pipeline -----*- C++ -*-===//
//
// One pipeline from a module of func, linalg, tensor, arith, tosa and mil
// ops to the LLVM dialect, ready for mlir-runner or
// `mlir-translate --mlir-to-llvmir`, with palettized weights decoded at run
// time.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_CONVERSION_PIPELINES_LOWERTOLLVM_H
#define PALETTIZE_CONVERSION_PIPELINES_LOWERTOLLVM_H

#include "palettize/Conversion/MILToLinalg/MILToLinalg.h"

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace palettize {

/// The options of palettize-lower-to-llvm.
struct LowerToLLVMOptions
    : public mlir::PassPipelineOptions<LowerToLLVMOptions> {
  PassOptions::Option<DecodePlacement> decode{
      *this, "decode",
      llvm::cl::desc("Where palettized weights are decoded (as "
                     "convert-mil-to-linalg's decode)"),
      llvm::cl::init(DecodePlacement::PerCall),
      llvm::cl::values(clEnumValN(DecodePlacement::AtLoad, "at-load",
                                  "once, into a global buffer, on first use"),
                       clEnumValN(DecodePlacement::PerCall, "per-call",
                                  "where the op was, every time it is reached"),
                       clEnumValN(DecodePlacement::Fused, "fused",
                                  "inside the consumer linalg ops"))};
  PassOptions::Option<LutMatmulKernel> lutMatmul{
      *this, "lut-matmul",
      llvm::cl::desc("How matmuls of per-tensor palettized f32 weights are "
                     "computed (as convert-mil-to-linalg's lut-matmul)"),
      llvm::cl::init(LutMatmulKernel::None),
      llvm::cl::values(
          clEnumValN(LutMatmulKernel::None, "none",
                     "decode the weight as `decode` says"),
          clEnumValN(LutMatmulKernel::Vector, "vector",
                     "decode 8 weights at a time, vector.gather lookups"),
          clEnumValN(LutMatmulKernel::AVX2, "avx2",
                     "decode 8 weights at a time, LUT in AVX2 registers"))};
};

/// Adds to `pm` (on a builtin.module) the passes that lower tosa and mil to
/// linalg, bufferize (function boundaries included, with identity layouts,
/// so external functions such as printMemrefF32 take plain memrefs), free
/// buffers, and lower everything to the LLVM dialect.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                              const LowerToLLVMOptions &options);

/// Registers the pipeline as `palettize-lower-to-llvm`.
void registerLowerToLLVMPipeline();

} // namespace palettize

#endif // PALETTIZE_CONVERSION_PIPELINES_LOWERTOLLVM_H
