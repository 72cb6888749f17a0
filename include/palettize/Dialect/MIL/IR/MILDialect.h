//===- MILDialect.h - mil dialect -------------------------------*- C++ -*-===//

#ifndef PALETTIZE_DIALECT_MIL_MILDIALECT_H
#define PALETTIZE_DIALECT_MIL_MILDIALECT_H

#include "mlir/IR/Dialect.h"

#include "palettize/Dialect/MIL/IR/MILDialect.h.inc"

#endif // PALETTIZE_DIALECT_MIL_MILDIALECT_H
