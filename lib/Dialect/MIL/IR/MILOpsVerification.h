//===- MILOpsVerification.h - Checks the mil ops share ----------*- C++ -*-===//
//
// Private to PalettizeMIL: the verifier and folder pieces MILOps.cpp and
// MILSparseOps.cpp share.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LIB_DIALECT_MIL_IR_MILOPSVERIFICATION_H
#define PALETTIZE_LIB_DIALECT_MIL_IR_MILOPSVERIFICATION_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

namespace palettize::mil {

/// Largest result, in elements, that the folders decode.
extern const int64_t kMaxFoldedElements;

/// Checks that `attr`, the `name` attribute of `op`, is storage the dialect
/// can read (a dense or dense_resource tensor of a countable size, a blob of
/// the size its type implies).
mlir::LogicalResult verifyStorage(mlir::Operation *op, llvm::StringRef name,
                                  mlir::ElementsAttr attr);

/// Checks that `value`, operand `name` of `op`, is known at compile time.
mlir::LogicalResult verifyCompileTimeOperand(mlir::Operation *op,
                                             llvm::StringRef name,
                                             mlir::Value value);

/// Checks the LUT of a LUT op, an attribute or an operand.
mlir::LogicalResult verifyLutSource(mlir::Operation *op, mlir::ElementsAttr lut,
                                    mlir::Value lutOperand);

/// Checks the packed `indices` of a LUT op: `count` indices of `bits` bits.
mlir::LogicalResult verifyPackedIndices(mlir::Operation *op,
                                        mlir::ElementsAttr indices,
                                        int64_t count, unsigned bits);

/// The LUT attribute, or else the folded value of the LUT operand.
mlir::ElementsAttr getKnownLut(mlir::ElementsAttr lut, mlir::Attribute folded);

} // namespace palettize::mil

#endif // PALETTIZE_LIB_DIALECT_MIL_IR_MILOPSVERIFICATION_H
