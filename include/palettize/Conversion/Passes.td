//===- Passes.td - palettize conversion passes -------------*- tablegen -*-===//

#ifndef PALETTIZE_CONVERSION_PASSES_TD
#define PALETTIZE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertMILToLinalg : Pass<"convert-mil-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower mil ops to arith, tensor and linalg, decoding "
                "palettized weights at run time";
  let description = [{
    Lowers the `mil` dialect to upstream MLIR so that any pipeline can
    compile a palettized model with its weights still compressed in the
    binary:

    * `mil.const` becomes an `arith.constant` of the same attribute;
    * `mil.constexpr_lut_to_dense` becomes an `arith.constant` of its packed
      index bytes, typed `i8` (arith accepts only signless integers) over the
      same storage: a `dense_resource` blob is reinterpreted, never copied
      into a dense attribute; an `arith.constant` of its LUT (or the lowered
      LUT operand); and a `linalg.generic` over the result that reads each
      element's index out of the bytes, LSB-first (an index of 3 or 6 bits
      may straddle two bytes), and looks it up, for every form the op has:
      per-tensor, grouped and vector LUTs;
    * `mil.constexpr_blockwise_shift_scale` becomes an elementwise
      `linalg.generic` computing `scale * (data - offset)` in `f32`, rounded
      once to the result type, as the op defines it.

    The decoded values are those `mil-materialize-constexpr` computes, bit
    for bit. Tensors of `ui8` and `si8` become tensors of `i8`.

    `decode` chooses where the decoding runs:

    * `per-call` (the default): where the op was, each time the program
      reaches it; the dense weight lives while its consumers run.
    * `at-load`: once, on the first use, into a `memref.global` guarded by
      a flag; the binary stays small, the running program keeps the dense
      weight. The first use must not race with another (the flag is not
      atomic).
    * `fused`: inside the consumers. Each decoding `linalg.generic` is fused
      into the linalg ops that read it (named ops such as `linalg.matmul` are
      generalized first), so no dense weight is written: every element is
      decoded each time a contraction reads it. A consumer it cannot be
      fused into decodes per call.

    Example (`decode=per-call`):

    ```mlir
    %w = mil.constexpr_lut_to_dense
           lut(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>)
           indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
    ```

    becomes

    ```mlir
    %bytes = arith.constant dense<[10, 4]> : tensor<2xi8>
    %lut = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
    %init = tensor.empty() : tensor<5xf32>
    %w = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>],
                         iterator_types = ["parallel"]}
           outs(%init : tensor<5xf32>) {
    ^bb0(%out: f32):
      // bit = 2 * i: byte bit / 8, shift bit % 8, mask 3
      ...
      %v = tensor.extract %lut[%row] : tensor<4xf32>
      linalg.yield %v : f32
    } -> tensor<5xf32>
    ```

    An attribute other than `dense` or `dense_resource` where the op needs
    to keep the storage fails the pass with an error at the op.
  }];
  let options = [
    Option<"decode", "decode", "::palettize::DecodePlacement",
           /*default=*/"::palettize::DecodePlacement::PerCall",
           "Where palettized weights are decoded: at-load, per-call or fused",
           [{::llvm::cl::values(
             clEnumValN(::palettize::DecodePlacement::AtLoad, "at-load",
                        "once, into a global buffer, on first use"),
             clEnumValN(::palettize::DecodePlacement::PerCall, "per-call",
                        "where the op was, every time it is reached"),
             clEnumValN(::palettize::DecodePlacement::Fused, "fused",
                        "inside the consumer linalg ops"))}]>
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // PALETTIZE_CONVERSION_PASSES_TD
