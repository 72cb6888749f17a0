//===- MILDocs.td - the mil dialect's documentation -------*- tablegen -*-===//
//
// Includes every definition of the dialect, so that one generated page
// documents its ops, types and attributes.
//
//===----------------------------------------------------------------------===//

include "palettize/Dialect/MIL/IR/MILOps.td"
include "palettize/Dialect/MIL/IR/MILTypes.td"
include "palettize/Dialect/MIL/IR/MILAttributes.td"
