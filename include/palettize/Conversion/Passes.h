//===- Passes.h - palettize conversion passes -------------------*- C++ -*-===//

#ifndef PALETTIZE_CONVERSION_PASSES_H
#define PALETTIZE_CONVERSION_PASSES_H

#include "palettize/Conversion/MILToLinalg/MILToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace palettize {

#define GEN_PASS_DECL
#include "palettize/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "palettize/Conversion/Passes.h.inc"

} // namespace palettize

#endif // PALETTIZE_CONVERSION_PASSES_H
