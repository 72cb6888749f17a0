//===- MILToLinalg.h - Lower mil ops to upstream dialects -------*- C++ -*-===//
//
// The patterns of convert-mil-to-linalg, for compilers that lower mil ops in
// their own conversions: `mil.const` becomes `arith.constant`, and each
// constexpr op becomes a `linalg.generic` that decodes it when the program
// runs, so that the weights stay compressed in the compiled binary.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_CONVERSION_MILTOLINALG_MILTOLINALG_H
#define PALETTIZE_CONVERSION_MILTOLINALG_MILTOLINALG_H

#include "mlir/Transforms/DialectConversion.h"

namespace palettize {

/// Where the decoding of a palettized weight runs.
enum class DecodePlacement {
  /// Once, on first use, into a buffer the program keeps (a `memref.global`
  /// guarded by a flag): the binary stays small, the running program holds
  /// the dense weight. The first use must not race with another.
  AtLoad,
  /// Where the constexpr op was, each time the program reaches it: the
  /// dense weight lives only while its consumers run.
  PerCall,
  /// Inside the consumers: each decoding `linalg.generic` is fused into the
  /// linalg ops that read it (named ops are generalized first), so no dense
  /// weight is ever written. Consumers it cannot be fused into decode it
  /// per call.
  Fused,
};

/// The type converter the patterns expect: tensors of `ui8` and `si8`
/// become tensors of `i8` (arith accepts signless integers only); every other
/// type is left as it is.
class MILToLinalgTypeConverter : public mlir::TypeConverter {
public:
  MILToLinalgTypeConverter();
};

/// Adds the patterns that lower `mil.const`,
/// `mil.constexpr_lut_to_dense` and `mil.constexpr_blockwise_shift_scale`
/// to `arith`, `tensor` and `linalg` ops, decoding per call
/// (DecodePlacement::PerCall); the other placements move the decoding ops
/// afterwards (decodeOnFirstUse, fuseDecodingIntoConsumers). Packed indices
/// and blob weights keep their storage: a `dense_resource` is reinterpreted
/// as `i8`, never copied. Each decoding `linalg.generic` carries the
/// attribute kDecodeAttrName: the constexpr op's `name`, or a unit
/// attribute.
void populateMILToLinalgConversionPatterns(
    const mlir::TypeConverter &typeConverter,
    mlir::RewritePatternSet &patterns);

/// DecodePlacement::AtLoad: makes each decoding `linalg.generic` under
/// `root` that is read by anything but another decode run once, the first
/// time the program reaches it, into a `memref.global` guarded by a flag
/// (both named after the op's `name`, made unique in the module), together
/// with the decodes it reads (an 8-bit LUT's dequantization, the LUT decode
/// under a per-channel scale). Its readers then read the global through
/// `bufferization.to_tensor`. Returns the number of globals made.
int64_t decodeOnFirstUse(mlir::Operation *root);

/// DecodePlacement::Fused: fuses every decoding `linalg.generic` under
/// `root` into the linalg ops that consume it, generalizing named ones, and
/// erases those left without users. Returns the number of fusions made.
int64_t fuseDecodingIntoConsumers(mlir::Operation *root);

/// How a matmul of a palettized weight is computed.
enum class LutMatmulKernel {
  /// As any consumer: the weight is decoded as DecodePlacement says.
  None,
  /// By lowerLutMatmuls: eight weights at a time with vector ops; the LUT
  /// lookup is a `vector.gather`. Any target.
  Vector,
  /// As Vector, then (palettize-lower-to-llvm runs
  /// palettize-avx2-lut-gathers after bufferization) a LUT of up to 16
  /// entries is held in vector registers and looked up with the AVX2
  /// `vpermps` instruction. x86 processors with AVX2 only.
  AVX2,
};

/// Replaces each `linalg.matmul` under `root` whose right-hand side is a
/// `mil.constexpr_lut_to_dense` it can compute (f32 operands on tensors, the
/// default indexing maps, a per-tensor scalar LUT of 1, 2, 4 or 8 bits, a
/// multiple of 8 columns) by loops that decode eight weights at a time into
/// vector registers and accumulate them into the output, so the dense
/// weight is never written. Each output element is summed over k in the
/// matmul's order with separate multiplies and adds, so the results equal
/// the matmul's on the decoded weight. The LUT op stays for its other
/// users. Returns the number of matmuls replaced.
/// Does nothing for LutMatmulKernel::None; Vector and AVX2 emit the same
/// loops.
int64_t lowerLutMatmuls(mlir::Operation *root, LutMatmulKernel kernel);

/// Adds to `registry` the bufferization models of the ops the patterns
/// create and of the func, arith, tensor, scf, vector and linalg ops around
/// them,
/// which one-shot-bufferize needs. convert-mil-to-linalg adds them itself.
void registerBufferizationInterfaces(mlir::DialectRegistry &registry);

/// The name of the attribute the patterns put on the decoding
/// `linalg.generic` ops they emit, so that later steps can find them.
constexpr llvm::StringLiteral kDecodeAttrName = "mil.decode";

} // namespace palettize

#endif // PALETTIZE_CONVERSION_MILTOLINALG_MILTOLINALG_H
