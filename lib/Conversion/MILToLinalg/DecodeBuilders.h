//===- DecodeBuilders.h - Pieces of the decoding bodies ---------*- C++ -*-===//
//
// Private to the MILToLinalg lowering: the builders its patterns share, for
// the dense ops (MILToLinalg.cpp) and the sparse ones (SparseToLinalg.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LIB_CONVERSION_MILTOLINALG_DECODEBUILDERS_H
#define PALETTIZE_LIB_CONVERSION_MILTOLINALG_DECODEBUILDERS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"
#include "palettize/Lut/LutLayout.h"
#include "llvm/ADT/DenseMap.h"

namespace palettize {

/// Builds the scalar arithmetic of a decoding body, folding constants. The
/// constants it needs go before the linalg op, once each.
struct BodyBuilder {
  BodyBuilder(mlir::OpBuilder &b, mlir::OpBuilder &outside, mlir::Location loc)
      : b(b), outside(outside), loc(loc) {}

  mlir::OpBuilder &b;
  /// Inserts before the linalg op being built.
  mlir::OpBuilder &outside;
  mlir::Location loc;
  llvm::DenseMap<std::pair<int64_t, mlir::Type>, mlir::Value> constants;

  mlir::Value constant(int64_t value, mlir::Type type) {
    mlir::Value &cached = constants[{value, type}];
    if (!cached)
      cached = mlir::arith::ConstantOp::create(
          outside, loc, type, outside.getIntegerAttr(type, value));
    return cached;
  }
  mlir::Value index(int64_t value) { return constant(value, b.getIndexType()); }
  mlir::Value i32(int64_t value) { return constant(value, b.getI32Type()); }
  mlir::Value mul(mlir::Value lhs, int64_t rhs) {
    if (rhs == 1)
      return lhs;
    return b.createOrFold<mlir::arith::MulIOp>(loc, lhs, index(rhs));
  }
  mlir::Value add(mlir::Value lhs, mlir::Value rhs) {
    return b.createOrFold<mlir::arith::AddIOp>(loc, lhs, rhs);
  }
  mlir::Value div(mlir::Value lhs, int64_t rhs) {
    if (rhs == 1)
      return lhs;
    return b.createOrFold<mlir::arith::DivUIOp>(loc, lhs, index(rhs));
  }
  mlir::Value rem(mlir::Value lhs, int64_t rhs) {
    return b.createOrFold<mlir::arith::RemUIOp>(loc, lhs, index(rhs));
  }
  /// Converts `value`, an element of a tensor whose original element type
  /// is `type` (after signless conversion for integers), to f32, exactly.
  mlir::Value toF32(mlir::Value value, mlir::Type type) {
    mlir::Type f32 = b.getF32Type();
    if (type.isF32())
      return value;
    if (llvm::isa<mlir::FloatType>(type))
      return mlir::arith::ExtFOp::create(b, loc, f32, value);
    if (type.isUnsignedInteger())
      return mlir::arith::UIToFPOp::create(b, loc, f32, value);
    return mlir::arith::SIToFPOp::create(b, loc, f32, value);
  }
};

/// Returns the iteration indices of a linalg body, one per result dimension.
llvm::SmallVector<mlir::Value> getLoopIndices(mlir::OpBuilder &b,
                                              mlir::Location loc, int64_t rank);

/// Creates an all-parallel `linalg.generic` producing a tensor of
/// `resultType` from `inputs` (read through `inputMaps`), marked as a
/// decoding op (with the constexpr op's `name`, if any), whose body
/// `buildBody` writes: with the body's builder, a builder that inserts before
/// the generic (for constants), and the block arguments.
mlir::Value createDecodingGeneric(
    mlir::OpBuilder &builder, mlir::Location loc, mlir::StringAttr name,
    mlir::RankedTensorType resultType, mlir::ValueRange inputs,
    llvm::ArrayRef<mlir::AffineMap> inputMaps,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::OpBuilder &,
                                   mlir::Location, mlir::ValueRange)>
        buildBody);

/// Emits the read of element `linear` of `packed` (i8 bytes, `packedBytes`
/// of them), elements of `bits` bits packed LSB-first as Core ML stores
/// them; returns it as an i32 whose bits above `bits` are zero.
mlir::Value readPackedBits(BodyBuilder &body, mlir::Value packed,
                           mlir::Value linear, unsigned bits,
                           int64_t packedBytes);

/// Emits the read of LUT row `row` (an index) of `lut`, at lane `lane` of
/// the vector (null: scalar palettes), for the element at `gridPosition` of
/// `layout`'s index grid: the LUT group is found from the position.
mlir::Value extractLutRow(BodyBuilder &body, const LutLayout &layout,
                          mlir::Value lut,
                          llvm::ArrayRef<mlir::Value> gridPosition,
                          mlir::Value row, mlir::Value lane);

/// Creates an `arith.constant` of `value` converted by `typeConverter` (a
/// packed sub-byte blob: its bytes and a decoding generic that unpacks
/// them), or returns null (and reports at `op`) when its storage cannot be
/// kept.
mlir::Value createConstant(mlir::OpBuilder &builder, mlir::Operation *op,
                           const mlir::TypeConverter &typeConverter,
                           mlir::ElementsAttr value, llvm::StringRef what);

/// Adds the lowerings of constexpr_sparse_to_dense and
/// constexpr_lut_to_sparse.
void populateMILSparseToLinalgPatterns(const mlir::TypeConverter &typeConverter,
                                       mlir::RewritePatternSet &patterns);

} // namespace palettize

#endif // PALETTIZE_LIB_CONVERSION_MILTOLINALG_DECODEBUILDERS_H
