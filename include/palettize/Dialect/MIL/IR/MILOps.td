//===- MILOps.td - mil dialect operations ------------------*- tablegen -*-===//
//
// Operation definitions of the `mil` dialect: Core ML's `const`,
// `constexpr_lut_to_dense`, `constexpr_blockwise_shift_scale`,
// `constexpr_sparse_to_dense` and `constexpr_lut_to_sparse`, and the
// generic op that keeps any other.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_DIALECT_MIL_MILOPS_TD
#define PALETTIZE_DIALECT_MIL_MILOPS_TD

include "palettize/Dialect/MIL/IR/MILDialect.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/IR/OpAsmInterface.td"

//===----------------------------------------------------------------------===//
// ConstOp
//===----------------------------------------------------------------------===//

def MIL_ConstOp : MIL_Op<"const",
    [ConstantLike, Pure, AllTypesMatch<["value", "result"]>]> {
  let summary = "constant tensor";
  let description = [{
    A constant tensor, Core ML's `const`. The value is any elements attribute:
    an inline `dense<...>` or a `dense_resource<...>` blob, which is how large
    weights are stored. The optional `name` is the Core ML name of the
    constant; passes use it to name what they derive from it.

    The op is `ConstantLike` and folds to its value, so canonicalization and
    CSE treat it like `arith.constant`. The verifier checks that the type's
    element and byte counts fit in 64 bits, and that a `dense_resource` blob,
    when its data is present, holds exactly the bytes the type implies:
    elements times the width for byte-sized types, one byte per `i1` element
    (as MLIR stores booleans), `ceil(elements * bits / 8)` for the other
    sub-byte types, `ui1` included (packed LSB-first, as Core ML stores int4
    and uint1), two values per `complex` element;
    `index` has no blob layout.

    Example:

    ```mlir
    %bias = mil.const "fc1_bias" dense<[0.5, -1.0]> : tensor<2xf32>
    %w = mil.const dense_resource<fc1_weight> : tensor<256x128xf16>
    ```
  }];

  let arguments = (ins ElementsAttr:$value, OptionalAttr<StrAttr>:$name);
  let results = (outs AnyStaticShapeTensor:$result);

  let assemblyFormat = "($name^)? attr-dict $value";
  let hasFolder = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// ConstexprLutToDenseOp
//===----------------------------------------------------------------------===//

def MIL_ConstexprLutToDenseOp : MIL_Op<"constexpr_lut_to_dense", [Pure]> {
  let summary = "constant decoded from a lookup table and packed indices";
  let description = [{
    A compile-time constant stored as a palette: a lookup table (`lut`) of
    `2^n` entries and one `n`-bit index per element (per vector of `V`
    elements for vector palettization). Its value is `lut[index]` for every
    element; the result type is the decoded tensor. Core ML's
    `constexpr_lut_to_dense`.

    **`lut`** is an `f16`, `bf16`, `f32` or 8-bit integer (`i8`, `si8`,
    `ui8`) tensor whose element type equals the result's. An integer LUT
    decodes to an integer tensor, which a `constexpr_blockwise_shift_scale`
    then dequantizes: Core ML's palettization of an already quantized
    weight. The LUT is either an attribute, dense or `dense_resource`, or an SSA
    value computed at compile time, `lut(%v : tensor<...>)`, where `%v` is
    defined by a constant op (`mil.const`, `arith.constant`) or by another
    `mil` constexpr op, such as a `mil.constexpr_blockwise_shift_scale` that
    dequantizes an 8-bit LUT (Core ML's joint compression), through a chain
    of at most 16 constexpr ops that does not come back to this one (a cycle
    is possible in graph regions). Two forms:

    * per-tensor (Core ML iOS16): rank 1, shape `[2^n]`;
    * grouped or vector (Core ML iOS18): rank `R + 2` for a rank-`R` result,
      shape `[g_0, ..., g_{R-1}, 2^n, V]`. Let `D_d` be the result dimension
      `d`, divided by `V` on the vector axis. Each `D_d` must be divisible by
      `g_d`; with `b_d = D_d / g_d`, the index at position `(i_0, ...,
      i_{R-1})` of the index grid selects its row in LUT group
      `(i_0 / b_0, ..., i_{R-1} / b_{R-1})`.

    `n`, the index bit width, is one of 1, 2, 3, 4, 6, 8.

    **`indices`** is a rank-1 `ui8` tensor, dense or `dense_resource`, of
    exactly `ceil(n * count / 8)` bytes, where `count` is the number of
    result elements divided by `V`. Indices are packed in Core ML's layout,
    LSB-first and row-major: bit `j` of index `i` is bit `(n*i + j) % 8` of
    byte `(n*i + j) / 8`. An index may straddle two bytes; padding bits are 0.

    **`vector_axis`** is required when `V > 1`: each LUT row holds `V` values
    that lie contiguously along this result axis, whose size must then be a
    multiple of `V`.

    The op has no side effects; it folds to its decoded value only when its
    LUT is a known constant and the result is small (at most 256 elements),
    because
    decoding a large weight into a uniqued `DenseElementsAttr` would undo the
    compression. Use `mil-materialize-constexpr` to decode every op.

    Example (the `n = 2` vector of Core ML's format: bytes `[10, 4]` decode
    to indices `[2, 2, 0, 0, 0]`):

    ```mlir
    %0 = mil.constexpr_lut_to_dense
           lut(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>)
           indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
    // %0 == dense<[3.0, 3.0, 1.0, 1.0, 1.0]>
    ```

    A grouped LUT, one 2-bit palette per row of a 2x4 weight:

    ```mlir
    %1 = mil.constexpr_lut_to_dense
           lut(dense<[[[[0.0], [1.0], [2.0], [3.0]]],
                      [[[4.0], [5.0], [6.0], [7.0]]]]> : tensor<2x1x4x1xf32>)
           indices(dense<[228, 27]> : tensor<2xui8>) : tensor<2x4xf32>
    // %1 == dense<[[0.0, 1.0, 2.0, 3.0], [7.0, 6.0, 5.0, 4.0]]>
    ```

    A LUT stored as int8 with a scale of 0.5, fed as an operand:

    ```mlir
    %q = mil.const dense<[-2, 0, 2, 4]> : tensor<4xi8>
    %l = mil.constexpr_blockwise_shift_scale %q
           scale(dense<0.5> : tensor<1xf32>) : tensor<4xi8> -> tensor<4xf32>
    %2 = mil.constexpr_lut_to_dense lut(%l : tensor<4xf32>)
           indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
    // %2 == dense<[1.0, 1.0, -1.0, -1.0, -1.0]>
    ```

    An int8 LUT, whose int8 result is dequantized afterwards:

    ```mlir
    %i = mil.constexpr_lut_to_dense
           lut(dense<[-128, -1, 0, 127]> : tensor<4xi8>)
           indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xi8>
    // %i == dense<[0, 0, -128, -128, -128]>
    %3 = mil.constexpr_blockwise_shift_scale %i
           scale(dense<0.5> : tensor<1xf32>) : tensor<5xi8> -> tensor<5xf32>
    // %3 == dense<[0.0, 0.0, -64.0, -64.0, -64.0]>
    ```
  }];

  let arguments = (ins
    Optional<AnyStaticShapeTensor>:$lut_operand,
    OptionalAttr<ElementsAttr>:$lut,
    ElementsAttr:$indices,
    OptionalAttr<I64Attr>:$vector_axis,
    OptionalAttr<StrAttr>:$name
  );
  let results = (outs AnyStaticShapeTensor:$result);

  let assemblyFormat = [{
    ($name^)? `lut` `(` custom<LutSource>($lut, $lut_operand,
                                          type($lut_operand)) `)`
    `indices` `(` $indices `)`
    (`vector_axis` `(` $vector_axis^ `)`)? attr-dict `:` type($result)
  }];

  let builders = [
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::ElementsAttr":$lut,
                   "::mlir::ElementsAttr":$indices,
                   "::mlir::IntegerAttr":$vector_axis,
                   "::mlir::StringAttr":$name), [{
      build($_builder, $_state, result, /*lut_operand=*/::mlir::Value(), lut,
            indices, vector_axis, name);
    }]>,
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$lut_operand,
                   "::mlir::ElementsAttr":$indices,
                   "::mlir::IntegerAttr":$vector_axis,
                   "::mlir::StringAttr":$name), [{
      build($_builder, $_state, result, lut_operand, ::mlir::ElementsAttr(),
            indices, vector_axis, name);
    }]>
  ];

  let hasVerifier = 1;
  let hasFolder = 1;

  let extraClassDeclaration = [{
    /// Returns the type of the LUT, whether an attribute or an operand.
    ::mlir::ShapedType getLutType();
    /// Describes how this op maps its packed indices to result elements.
    /// Only meaningful on an op that verifies.
    ::palettize::LutLayout getLutLayout();
  }];
}

//===----------------------------------------------------------------------===//
// ConstexprBlockwiseShiftScaleOp
//===----------------------------------------------------------------------===//

def MIL_ConstexprBlockwiseShiftScaleOp
    : MIL_Op<"constexpr_blockwise_shift_scale", [Pure]> {
  let summary = "constant computed as scale * (data - offset) per block";
  let description = [{
    A compile-time constant whose value is `scale * (data - offset)`, with
    one scale (and offset) per block of `data`. Core ML's
    `constexpr_blockwise_shift_scale`. The palettizer emits it on top of a
    `mil.constexpr_lut_to_dense` to undo a per-channel normalization of the
    weight, and below one to store its LUT as 8-bit integers.

    **`data`** is a static tensor of `i4` or `i8` (signed), `si4`, `si8`,
    `ui4`, `ui8`, `f16`, `bf16` or `f32`, computed at compile time: defined
    by a constant op
    (`mil.const`, `arith.constant`) or by another `mil` constexpr op, through
    a chain of at most 16 constexpr ops without a cycle. The result has its
    shape.

    **`scale`** is an `f16`, `bf16` or `f32` tensor, dense or
    `dense_resource`, of the data's rank, whose element type is the
    result's. Each data dimension `D_d` must be a multiple of the scale
    dimension `S_d`; element `(i_0, ..., i_{R-1})` uses the scale at
    `(i_0 / b_0, ..., i_{R-1} / b_{R-1})` with `b_d = D_d / S_d`.

    **`offset`** (optional) has the scale's shape and the data's element
    type; absent, it is zero.

    4-bit data and offsets in a `dense_resource` blob are packed two to a
    byte, low nibble first, as Core ML stores int4 (see `mil.const`); a
    `dense` attribute holds them as MLIR does, one per element.

    The subtraction and the product are computed in `f32`, and the product
    is rounded once to the result's element type; integer data is exact in
    `f32`.

    The op has no folder: it is how 8-bit LUTs and per-channel scales are
    stored, and folding it into a float constant would undo that. Use
    `mil-materialize-constexpr` to decode it.

    Example (per-row scales of a 2x3 weight):

    ```mlir
    %d = mil.const dense<[[1, 2, 3], [-1, 0, 1]]> : tensor<2x3xi8>
    %w = mil.constexpr_blockwise_shift_scale %d
           scale(dense<[[0.5], [2.0]]> : tensor<2x1xf16>)
           : tensor<2x3xi8> -> tensor<2x3xf16>
    // %w == dense<[[0.5, 1.0, 1.5], [-2.0, 0.0, 2.0]]>
    ```

    Int4 data with a zero point per row:

    ```mlir
    %q = mil.const dense<[[-8, 7], [1, -1]]> : tensor<2x2xi4>
    %v = mil.constexpr_blockwise_shift_scale %q
           scale(dense<[[0.25], [1.0]]> : tensor<2x1xf32>)
           offset(dense<[[-8], [0]]> : tensor<2x1xi4>)
           : tensor<2x2xi4> -> tensor<2x2xf32>
    // %v == dense<[[0.0, 3.75], [1.0, -1.0]]>
    ```
  }];

  let arguments = (ins
    AnyStaticShapeTensor:$data,
    ElementsAttr:$scale,
    OptionalAttr<ElementsAttr>:$offset,
    OptionalAttr<StrAttr>:$name
  );
  let results = (outs AnyStaticShapeTensor:$result);

  let assemblyFormat = [{
    ($name^)? $data `scale` `(` $scale `)` (`offset` `(` $offset^ `)`)?
    attr-dict `:` type($data) `->` type($result)
  }];

  let hasVerifier = 1;

  let extraClassDeclaration = [{
    /// Describes how this op maps its scales to data elements.
    ::palettize::BlockwiseLayout getBlockwiseLayout();
  }];
}

//===----------------------------------------------------------------------===//
// ConstexprSparseToDenseOp
//===----------------------------------------------------------------------===//

def MIL_ConstexprSparseToDenseOp
    : MIL_Op<"constexpr_sparse_to_dense", [Pure]> {
  let summary = "constant decoded from a bit mask and its non-zero values";
  let description = [{
    A compile-time constant stored sparsely, Core ML's (iOS18)
    `constexpr_sparse_to_dense`: a bit mask of the result's shape and the
    values where it has a bit, in row-major order; every other element is
    zero (`+0.0` for floats: the form has no signed zero).

    **`mask`** is a `ui1` tensor of the result's shape (Core ML's `uint1`; its
    `dense_resource` blobs are packed LSB-first, row-major).

    **`nonzero_data`** is a rank-1 tensor of the result's element type, one
    of `i4`, `si4`, `ui4`, `i8`, `si8`, `ui8`, `f16`, `bf16` and `f32`, with
    as many elements as the mask has bits; the verifier counts them when the
    mask is a known constant.

    Both are computed at compile time: defined by a constant op or by
    another `mil` constexpr op (the two results of a
    `mil.constexpr_lut_to_sparse`, for palettized pruned weights). The op
    folds when both are known and the result has at most 256 elements.

    Example (bits `1 0 1 1`, byte `0x0D`):

    ```mlir
    %m = mil.const dense<[true, false, true, true]> : tensor<4xui1>
    %d = mil.const dense<[1.5, -2.0, 4.0]> : tensor<3xf32>
    %w = mil.constexpr_sparse_to_dense mask(%m : tensor<4xui1>)
           data(%d : tensor<3xf32>) : tensor<4xf32>
    // %w == dense<[1.5, 0.0, -2.0, 4.0]>
    ```
  }];

  let arguments = (ins
    AnyStaticShapeTensor:$mask,
    AnyStaticShapeTensor:$nonzero_data,
    OptionalAttr<StrAttr>:$name
  );
  let results = (outs AnyStaticShapeTensor:$result);

  let assemblyFormat = [{
    ($name^)? `mask` `(` $mask `:` type($mask) `)`
    `data` `(` $nonzero_data `:` type($nonzero_data) `)` attr-dict
    `:` type($result)
  }];

  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// ConstexprLutToSparseOp
//===----------------------------------------------------------------------===//

def MIL_ConstexprLutToSparseOp
    : MIL_Op<"constexpr_lut_to_sparse", [Pure]> {
  let summary = "sparse constant whose non-zero values come from a LUT";
  let description = [{
    The palettized form of a pruned weight, Core ML's (iOS18)
    `constexpr_lut_to_sparse`: the LUT and packed indices of
    `mil.constexpr_lut_to_dense`, stored only where a mask over the index
    grid has a bit. Its two results are the operands of a
    `mil.constexpr_sparse_to_dense`, which gives the weight:

    * **`mask`**: the result's mask, a `ui1` tensor: the index mask with each
      bit repeated `V` times along the vector axis (the index mask itself
      for scalar palettes);
    * **`nonzero_data`**: the values of the decoded weight where that mask
      has a bit, in its row-major order: `V * D` values for `D` stored
      indices.

    **`indices_mask`** is a `ui1` tensor, dense or `dense_resource` (packed
    LSB-first, row-major), of the index grid's shape: the result mask's
    shape with the vector axis divided by `V`. **`indices`** is a rank-1 `ui8`
    tensor holding the `D` indices of the mask's bits, in row-major order,
    packed as `mil.constexpr_lut_to_dense` packs its indices: exactly
    `ceil(n * D / 8)` bytes.

    **`lut`** and **`vector_axis`** follow `mil.constexpr_lut_to_dense`'s
    rules, with the result mask's shape as the decoded shape: per-tensor
    `[2^n]` or `[g_0, ..., g_{R-1}, 2^n, V]`, grouped by position in the
    grid; `f16`, `bf16`, `f32`, `i8`, `si8` or `ui8`, the element type of
    `nonzero_data`; an attribute or an operand computed at compile time.
    The verifier counts the mask's bits when its data is present.

    The op folds when its LUT is known and the mask has at most 256
    elements. Use `mil-materialize-constexpr` to decode larger ones.

    Example (Core ML's own: a 4x6 mask, bytes `C3 68 21`, whose nine bits
    take the 1-bit indices `0 1 1 0 1 1 0 0 1`, bytes `36 01`):

    ```mlir
    %mask, %data = mil.constexpr_lut_to_sparse
        mask(dense_resource<m> : tensor<4x6xui1>)
        lut(dense<[2.0, 3.0]> : tensor<2xf16>)
        indices(dense<[54, 1]> : tensor<2xui8>)
        : tensor<4x6xui1>, tensor<9xf16>
    // %data == dense<[2.0, 3.0, 3.0, 2.0, 3.0, 3.0, 2.0, 2.0, 3.0]>
    %w = mil.constexpr_sparse_to_dense mask(%mask : tensor<4x6xui1>)
           data(%data : tensor<9xf16>) : tensor<4x6xf16>
    ```
  }];

  let arguments = (ins
    ElementsAttr:$indices_mask,
    Optional<AnyStaticShapeTensor>:$lut_operand,
    OptionalAttr<ElementsAttr>:$lut,
    ElementsAttr:$indices,
    OptionalAttr<I64Attr>:$vector_axis,
    OptionalAttr<StrAttr>:$name
  );
  let results = (outs AnyStaticShapeTensor:$mask,
                      AnyStaticShapeTensor:$nonzero_data);

  let assemblyFormat = [{
    ($name^)? `mask` `(` $indices_mask `)`
    `lut` `(` custom<LutSource>($lut, $lut_operand, type($lut_operand)) `)`
    `indices` `(` $indices `)`
    (`vector_axis` `(` $vector_axis^ `)`)? attr-dict
    `:` type($mask) `,` type($nonzero_data)
  }];

  let hasVerifier = 1;
  let hasFolder = 1;

  let extraClassDeclaration = [{
    /// Returns the type of the LUT, whether an attribute or an operand.
    ::mlir::ShapedType getLutType();
    /// Describes how this op maps its indices to the elements of its
    /// result mask's shape. Only meaningful on an op that verifies.
    ::palettize::LutLayout getLutLayout();
  }];
}

//===----------------------------------------------------------------------===//
// GenericOp
//===----------------------------------------------------------------------===//

def MIL_GenericOp : MIL_Op<"op", [
    DeclareOpInterfaceMethods<OpAsmOpInterface,
                              ["getAsmResultNames", "getAsmBlockArgumentNames"]>]> {
  let summary = "any other Core ML operation";
  let description = [{
    A Core ML operation the dialect does not model with an op of its own
    (`conv`, `linear`, `while_loop`, ...), kept whole so that any program
    round-trips:

    * **`op_type`**: the MIL op type;
    * **`inputs`**: the named inputs. Each maps to the list of its bindings,
      in order (several bindings make a variadic input, as in `concat`'s
      `values`). A binding is either an `index` integer, the number of the
      operand it names, or an inline value: an elements attribute or a
      `#mil.serialized_value`. Each operand is bound exactly once;
    * **`attrs`** (optional): the op's attributes other than its name, by
      name, as values of the same kinds;
    * **`name`** (optional): the op's MIL name;
    * **`result_names`**: the MIL name of each result;
    * one region per nested block (`while_loop`'s `cond` and `body`,
      `cond`'s branches), each a single block ended by `mil.yield`, whose
      argument names are `block_input_names`.

    The op's semantics are Core ML's; passes treat it as an opaque op with
    unknown side effects, and read `op_type` to tell what consumes a weight.

    Example:

    ```mlir
    %y = mil.op "linear"(%x, %w) {
           inputs = {x = [0 : index], weight = [1 : index]},
           name = "fc1", result_names = ["y"]}
         : (tensor<1x128xf16>, tensor<256x128xf16>) -> tensor<1x256xf16>
    ```
  }];

  let arguments = (ins
    StrAttr:$op_type,
    Variadic<AnyType>:$operands,
    DictionaryAttr:$inputs,
    OptionalAttr<DictionaryAttr>:$attrs,
    OptionalAttr<StrAttr>:$name,
    StrArrayAttr:$result_names,
    OptionalAttr<TypedArrayAttrBase<StrArrayAttr, "block input names">>:
        $block_input_names
  );
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region VariadicRegion<SizedRegion<1>>:$blocks);

  let assemblyFormat = [{
    $op_type `(` $operands `)` (`blocks` `(` $blocks^ `)`)? attr-dict
    `:` functional-type($operands, $results)
  }];

  let hasVerifier = 1;
  let hasRegionVerifier = 1;

  let extraClassDeclaration = [{
    /// Returns the operands bound to input `name`, in binding order; inline
    /// values are skipped.
    ::llvm::SmallVector<::mlir::Value> getInputOperands(::llvm::StringRef name);
  }];
}

def MIL_YieldOp : MIL_Op<"yield",
    [Pure, Terminator, ReturnLike, HasParent<"GenericOp">]> {
  let summary = "the outputs of a nested Core ML block";
  let description = [{
    Ends a block of a `mil.op`; its operands are the block's outputs, in
    order.
  }];
  let arguments = (ins Variadic<AnyType>:$results);
  let assemblyFormat = "attr-dict ($results^ `:` type($results))?";
}

#endif // PALETTIZE_DIALECT_MIL_MILOPS_TD
