//===- MILTypes.cpp - mil dialect types and attributes --------------------===//

#include "palettize/Dialect/MIL/IR/MILTypes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace palettize::mil;

#define GET_TYPEDEF_CLASSES
#include "palettize/Dialect/MIL/IR/MILTypes.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "palettize/Dialect/MIL/IR/MILAttributes.cpp.inc"

void MILDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "palettize/Dialect/MIL/IR/MILTypes.cpp.inc"
      >();
}

void MILDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "palettize/Dialect/MIL/IR/MILAttributes.cpp.inc"
      >();
}
