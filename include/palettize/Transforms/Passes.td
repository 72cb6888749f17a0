//===- Passes.td - palettize passes ------------------------*- tablegen -*-===//

#ifndef PALETTIZE_TRANSFORMS_PASSES_TD
#define PALETTIZE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def MILMaterializeConstexpr : Pass<"mil-materialize-constexpr"> {
  let summary = "Decode every mil.constexpr_lut_to_dense into a mil.const";
  let description = [{
    Replaces each `mil.constexpr_lut_to_dense` with a `mil.const` holding its
    decoded value, `lut[index]` for every element, copied bit for bit from
    the LUT. This is the inverse of palettization (coremltools'
    `decompress_weights`) and lets any consumer see plain constants.

    Results with more than `max-dense-elements` elements are stored as a new
    `dense_resource` blob (named after the op's `name`, or `mil_decoded`),
    so that large weights never go through `DenseElementsAttr` uniquing;
    smaller ones become inline `dense` attributes. The op's `name` carries
    over to the constant.

    Example:

    ```mlir
    %0 = mil.constexpr_lut_to_dense
           lut(dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>)
           indices(dense<[10, 4]> : tensor<2xui8>) : tensor<5xf32>
    ```

    becomes

    ```mlir
    %0 = mil.const dense<[3.0, 3.0, 1.0, 1.0, 1.0]> : tensor<5xf32>
    ```

    An op whose data cannot be read (a `dense_resource` without a blob)
    fails the pass with an error at its location.
  }];
  let options = [
    Option<"maxDenseElements", "max-dense-elements", "int64_t",
           /*default=*/"1024",
           "Largest decoded result, in elements, stored inline as dense<...>; "
           "larger results become dense_resource blobs">
  ];
  let dependentDialects = ["::palettize::mil::MILDialect"];
}

#endif // PALETTIZE_TRANSFORMS_PASSES_TD
