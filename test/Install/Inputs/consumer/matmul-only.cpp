// An embedding compiler's own pipeline step: palettize, with 2-bit k-means,
// only the constants that feed linalg.matmul, through the installed
// package's patterns and a control callback of its own.
#include "palettize/Dialect/MIL/IR/MILDialect.h"
#include "palettize/Dialect/MIL/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  mlir::MLIRContext context;
  context.loadDialect<palettize::mil::MILDialect, mlir::arith::ArithDialect,
                      mlir::func::FuncDialect, mlir::linalg::LinalgDialect>();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(argv[1], &context);
  if (!module)
    return 1;
  palettize::PalettizeSettings settings;
  settings.nbits = 2;
  settings.weightThreshold = 0;
  palettize::PalettizeControlFn control = [&](mlir::Operation *constant)
      -> std::optional<palettize::PalettizePlan> {
    if (llvm::none_of(constant->getUsers(), [](mlir::Operation *user) {
          return mlir::isa<mlir::linalg::MatmulOp>(user);
        }))
      return std::nullopt;
    palettize::PlanOutcome outcome =
        palettize::planPalettization(constant, settings);
    if (outcome.kind != palettize::PlanOutcome::Kind::Palettize)
      return std::nullopt;
    return outcome.plan;
  };
  mlir::RewritePatternSet patterns(&context);
  palettize::populatePalettizeWeightsPatterns(patterns, control);
  mlir::walkAndApplyPatterns(*module, std::move(patterns));
  module->print(llvm::outs());
  return 0;
}
