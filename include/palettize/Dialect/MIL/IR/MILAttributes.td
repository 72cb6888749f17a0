//===- MILAttributes.td - mil dialect attributes -----------*- tablegen -*-===//

#ifndef PALETTIZE_DIALECT_MIL_MILATTRIBUTES_TD
#define PALETTIZE_DIALECT_MIL_MILATTRIBUTES_TD

include "palettize/Dialect/MIL/IR/MILDialect.td"
include "mlir/IR/AttrTypeBase.td"

def MIL_SerializedValueAttr
    : AttrDef<MIL_Dialect, "SerializedValue"> {
  let mnemonic = "serialized_value";
  let summary = "a Core ML value kept in its serialized form";
  let description = [{
    A Core ML MIL `Value` that has no MLIR form of its own, such as a list,
    tuple or dictionary literal (the `buildInfo` dictionary of a program) or
    a value with a documentation string. It holds the value's serialized
    protobuf bytes, written back unchanged when the program is exported.

    Example:

    ```mlir
    #mil.serialized_value<"\12\06\0A\04\08\17\10\00">
    ```
  }];
  let parameters = (ins StringRefParameter<"the serialized bytes">:$bytes);
  let assemblyFormat = "`<` $bytes `>`";
}

#endif // PALETTIZE_DIALECT_MIL_MILATTRIBUTES_TD
