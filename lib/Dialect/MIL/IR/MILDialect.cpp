//===- MILDialect.cpp - mil dialect ---------------------------------------===//

#include "palettize/Dialect/MIL/IR/MILDialect.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Dialect/MIL/IR/MILTypes.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace palettize::mil;

#include "palettize/Dialect/MIL/IR/MILDialect.cpp.inc"

void MILDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "palettize/Dialect/MIL/IR/MILOps.cpp.inc"
      >();
  registerTypes();
  registerAttributes();
}

Operation *MILDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstOp::create(builder, loc, type, elements, /*name=*/StringAttr());
}
