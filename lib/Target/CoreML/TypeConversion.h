//===- TypeConversion.h - MIL value types <-> MLIR types --------*- C++ -*-===//
//
// The mapping between Core ML's MIL data and value types and the MLIR types
// that stand for them, shared by the importer and the exporter:
//
//   BOOL -> i1, STRING -> !mil.string, FLOAT16/32/64 -> f16/f32/f64,
//   BFLOAT16 -> bf16, FLOAT8E4M3FN/E5M2 -> f8E4M3FN/f8E5M2,
//   INT4/8/16/32/64 -> i4/i8/i16/i32/i64 (signless),
//   UINT1/2/3/4/6/8/16/32/64 -> ui1 ... ui64,
//   tensors -> ranked tensors (unknown dimensions are dynamic), lists ->
//   !mil.list, tuples -> tuple, dictionaries -> !mil.dict, states ->
//   !mil.state.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LIB_TARGET_COREML_TYPECONVERSION_H
#define PALETTIZE_LIB_TARGET_COREML_TYPECONVERSION_H

#include "MIL.pb.h"
#include "palettize/Target/CoreML/WeightFile.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <vector>

namespace palettize::coreml {

namespace milspec = CoreML::Specification::MILSpec;

/// The MLIR element type of a MIL data type, if it has one.
mlir::Type convertDataType(milspec::DataType type, mlir::MLIRContext *context);
/// The MIL data type of an MLIR element type, if it has one.
std::optional<milspec::DataType> convertElementType(mlir::Type type);

/// The blob storage type of an MLIR element type, if it can be stored in a
/// weight file.
std::optional<BlobDataType> getBlobDataType(mlir::Type elementType);

/// The MLIR type of a MIL value type, or an error saying what in it has no
/// MLIR form.
llvm::Expected<mlir::Type> convertValueType(const milspec::ValueType &type,
                                            mlir::MLIRContext *context);
/// The MIL value type of an MLIR type, or an error naming the type.
llvm::Error convertType(mlir::Type type, milspec::ValueType &result);

/// Whether `message` holds fields the schema does not know.
bool hasUnknownFields(const google::protobuf::Message &message);
/// The unknown fields of `message`, serialized; empty when it has none.
std::string getUnknownFields(const google::protobuf::Message &message);
/// Gives `message` the unknown fields `getUnknownFields` returned.
void setUnknownFields(google::protobuf::Message &message,
                      llvm::StringRef fields);

/// MIL's name for a data type ("FLOAT16").
llvm::StringRef getDataTypeName(milspec::DataType type);

} // namespace palettize::coreml

#endif // PALETTIZE_LIB_TARGET_COREML_TYPECONVERSION_H
