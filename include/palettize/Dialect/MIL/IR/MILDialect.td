//===- MILDialect.td - Core ML program constants dialect ---*- tablegen -*-===//
//
// The `mil` dialect models the constant ops of Core ML's Model Intermediate
// Language that weight compression produces and consumes.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_DIALECT_MIL_MILDIALECT_TD
#define PALETTIZE_DIALECT_MIL_MILDIALECT_TD

include "mlir/IR/OpBase.td"

def MIL_Dialect : Dialect {
  let name = "mil";
  let cppNamespace = "::palettize::mil";
  let summary = "Core ML constants and compile-time decompression ops";
  let description = [{
    The `mil` dialect models the constant operations of Core ML's Model
    Intermediate Language (MIL) that matter for weight compression:

    * `mil.const`, a plain constant tensor;
    * `mil.constexpr_lut_to_dense`, a constant stored as a lookup table (LUT,
      the "palette") plus bit-packed indices into it, per tensor, per group
      of channels or of vectors;
    * `mil.constexpr_blockwise_shift_scale`, `scale * (data - offset)` per
      block: per-channel scales and 8-bit LUTs.

    Plain data (LUTs, indices, scales, offsets) are attributes, so an op over
    attributes is a self-contained constant. Where Core ML chains these ops,
    the computed input is an SSA operand defined by another constant or
    constexpr op: the LUT of a `constexpr_lut_to_dense` may be
    `lut(%v : tensor<...>)` (an 8-bit LUT dequantized by a shift-scale), and
    the data of a shift-scale is always an operand. Weights of any size
    travel as `dense_resource` blobs; the dialect never needs to expand them
    into `DenseElementsAttr`.

    A whole Core ML program imported from an `.mlpackage` is a module of
    `func.func`s (one per MIL function) whose bodies hold these ops and
    `mil.op`, the generic op that keeps every other MIL operation (type,
    named inputs, attributes, nested blocks) so that the program round-trips.
    Such a module carries `mil.spec_version`, the Core ML specification
    version; passes read it to know that Core ML's rules apply.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    /// The module attribute that marks a Core ML program: its specification
    /// version (7 for iOS16, 8 for iOS17, 9 for iOS18).
    static constexpr ::llvm::StringLiteral kSpecVersionAttrName =
        "mil.spec_version";
    /// The function attribute naming the function's MIL opset ("CoreML6").
    static constexpr ::llvm::StringLiteral kOpsetAttrName = "mil.opset";
    /// The argument attribute holding a function input's MIL name.
    static constexpr ::llvm::StringLiteral kNameAttrName = "mil.name";

    void registerTypes();
    void registerAttributes();
  }];
}

class MIL_Op<string mnemonic, list<Trait> traits = []>
    : Op<MIL_Dialect, mnemonic, traits>;

#endif // PALETTIZE_DIALECT_MIL_MILDIALECT_TD
