//===- MILOps.h - mil dialect operations ------------------------*- C++ -*-===//

#ifndef PALETTIZE_DIALECT_MIL_MILOPS_H
#define PALETTIZE_DIALECT_MIL_MILOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "palettize/Dialect/MIL/IR/MILDialect.h"
#include "palettize/Dialect/MIL/IR/MILTypes.h"
#include "palettize/Lut/LutDecode.h"
#include "palettize/Lut/ShiftScale.h"

#define GET_OP_CLASSES
#include "palettize/Dialect/MIL/IR/MILOps.h.inc"

#endif // PALETTIZE_DIALECT_MIL_MILOPS_H
