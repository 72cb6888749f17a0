//===- MILTypes.h - mil dialect types and attributes ------------*- C++ -*-===//

#ifndef PALETTIZE_DIALECT_MIL_MILTYPES_H
#define PALETTIZE_DIALECT_MIL_MILTYPES_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Types.h"

#include "palettize/Dialect/MIL/IR/MILDialect.h"

#include <optional>

#define GET_TYPEDEF_CLASSES
#include "palettize/Dialect/MIL/IR/MILTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "palettize/Dialect/MIL/IR/MILAttributes.h.inc"

#endif // PALETTIZE_DIALECT_MIL_MILTYPES_H
