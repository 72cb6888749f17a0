//===- Reinterpret.h - Constants over the same storage ----------*- C++ -*-===//
//
// Private to the MILToLinalg lowering.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LIB_CONVERSION_MILTOLINALG_REINTERPRET_H
#define PALETTIZE_LIB_CONVERSION_MILTOLINALG_REINTERPRET_H

#include "mlir/IR/BuiltinAttributes.h"

namespace palettize {

/// Returns `value` with the type `type` (the same shape, an element type of
/// the same width), over the same storage: a `dense_resource` keeps its
/// blob, a `dense` its data. Null for other attributes.
mlir::ElementsAttr reinterpretElements(mlir::ElementsAttr value,
                                       mlir::ShapedType type);

} // namespace palettize

#endif // PALETTIZE_LIB_CONVERSION_MILTOLINALG_REINTERPRET_H
