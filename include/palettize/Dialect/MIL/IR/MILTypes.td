//===- MILTypes.td - mil dialect types ---------------------*- tablegen -*-===//
//
// The value types of Core ML programs that builtin types do not model:
// strings, lists, dictionaries and states. Tuples are builtin `tuple`s.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_DIALECT_MIL_MILTYPES_TD
#define PALETTIZE_DIALECT_MIL_MILTYPES_TD

include "palettize/Dialect/MIL/IR/MILDialect.td"
include "mlir/IR/AttrTypeBase.td"

class MIL_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<MIL_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def MIL_StringType : MIL_Type<"String", "string"> {
  let summary = "Core ML string element type";
  let description = [{
    The element type of Core ML string tensors, such as the `dtype` operand
    of `make_list` (`dense<"fp32"> : tensor<!mil.string>`).
  }];
}

def MIL_ListType : MIL_Type<"List", "list"> {
  let summary = "Core ML list of values";
  let description = [{
    A Core ML list (`make_list`, `list_write`, ...) of values of one type,
    whose length is known (`!mil.list<tensor<?x128xf32>, 1>`) or not
    (`!mil.list<tensor<?x128xf32>>`).
  }];
  let parameters = (ins "::mlir::Type":$elementType,
                        OptionalParameter<"std::optional<uint64_t>">:$length);
  let assemblyFormat = "`<` $elementType (`,` $length^)? `>`";
}

def MIL_DictType : MIL_Type<"Dict", "dict"> {
  let summary = "Core ML dictionary";
  let description = [{
    A Core ML dictionary from keys of one type to values of another, e.g.
    `!mil.dict<tensor<!mil.string>, tensor<!mil.string>>`.
  }];
  let parameters = (ins "::mlir::Type":$keyType, "::mlir::Type":$valueType);
  let assemblyFormat = "`<` $keyType `,` $valueType `>`";
}

def MIL_StateType : MIL_Type<"State", "state"> {
  let summary = "Core ML state";
  let description = [{
    A Core ML state (iOS18): a value of the wrapped type that persists across
    predictions, e.g. `!mil.state<tensor<1x64xf16>>`.
  }];
  let parameters = (ins "::mlir::Type":$wrappedType);
  let assemblyFormat = "`<` $wrappedType `>`";
}

#endif // PALETTIZE_DIALECT_MIL_MILTYPES_TD
