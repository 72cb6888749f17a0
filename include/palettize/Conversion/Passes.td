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
      fused into decodes per call (a named consumer stays generalized).

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

    `lut-matmul` replaces each `linalg.matmul` `C[m,n] += A[m,k] * B[k,n]`
    of f32 tensors whose `B` is a `mil.constexpr_lut_to_dense` with a
    per-tensor scalar LUT of 1, 2, 4 or 8 bits and a multiple of 8 columns
    by loops `(m, k, n)` that decode eight weights at a time into a vector
    register (the indices' bytes read once, shifted and masked per lane) and
    add `A[m,k] * w` to eight outputs: the dense weight is never written and
    the packed bytes are read once per row of `A`. With `vector` the LUT
    lookup is a `vector.gather`. `avx2` emits the same loops here; in
    palettize-lower-to-llvm it also runs palettize-avx2-lut-gathers after
    bufferization, which holds a LUT of up to 16 entries in two registers
    and looks it up with `vpermps`.
    Each output is summed over `k` in order with a separate multiply and
    add, so the results are those of the matmul on the decoded weight, bit
    for bit. Other matmuls and consumers decode as `decode` says.

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
                        "inside the consumer linalg ops"))}]>,
    Option<"lutMatmul", "lut-matmul", "::palettize::LutMatmulKernel",
           /*default=*/"::palettize::LutMatmulKernel::None",
           "How a linalg.matmul of a per-tensor palettized f32 weight is "
           "computed: none (decode as `decode` says), vector or avx2",
           [{::llvm::cl::values(
             clEnumValN(::palettize::LutMatmulKernel::None, "none",
                        "decode the weight as `decode` says"),
             clEnumValN(::palettize::LutMatmulKernel::Vector, "vector",
                        "decode 8 weights at a time, vector.gather lookups"),
             clEnumValN(::palettize::LutMatmulKernel::AVX2, "avx2",
                        "decode 8 weights at a time, LUT in AVX2 registers"))}]>
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::vector::VectorDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def PalettizeOrderLoops : Pass<"palettize-order-loops"> {
  let summary = "Make the innermost loop of each linalg contraction walk "
                "the output's last dimension";
  let description = [{
    Linalg ops lowered to loops keep their iteration order, in which a
    contraction's reduction comes last: `linalg.matmul` of a row-major `[K,
    N]` weight runs `(m, n, k)`, reading the weight with a stride of `N`
    elements in its innermost loop. This pass generalizes each linalg op on
    tensors that has a reduction loop and a parallel loop indexing the
    output's last dimension, and moves that parallel loop innermost:
    `(m, k, n)` for a matmul, `(n, oh, ow, kh, kw, c, f)` for
    `linalg.conv_2d_nhwc_hwcf`. The innermost loop then reads the weight
    and writes the output contiguously, which LLVM's loop vectorizer turns
    into vector code, for dense weights and for weights decoded inside the
    contraction (`convert-mil-to-linalg{decode=fused}`) alike.
    palettize-lower-to-llvm runs it before bufferization.

    The order of the floating-point additions of each output element is
    unchanged (the reduction loops keep their relative order), so results
    do not change.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def PalettizeAVX2LutGathers : Pass<"palettize-avx2-lut-gathers"> {
  let summary = "Look small f32 tables up with AVX2 register permutes "
                "instead of gathers";
  let description = [{
    Rewrites each `vector.gather` of eight `f32` lanes from a static
    rank-1 memref of at most 16 elements at offset 0, with `i32` indices and
    an all-true mask, into one or two vector loads of the table (padded with
    zeros past its end) and `vpermps` (`llvm.x86.avx2.permps`), which
    selects a lane of a register by each index's low three bits; with more
    than 8 entries, bit 3 chooses between the two registers. This is how
    the LUT matmul kernel of convert-mil-to-linalg (`lut-matmul`) decodes
    indices of up to 4 bits at a few instructions per eight weights; a
    gather costs one load per lane.

    Indices must lie within the table, as `vector.gather` requires. The
    rewritten code runs only on x86 processors with AVX2. It runs on
    memrefs, after bufferization, because the intrinsic call has no memory
    effects model the buffer deallocation passes accept.
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // PALETTIZE_CONVERSION_PASSES_TD
