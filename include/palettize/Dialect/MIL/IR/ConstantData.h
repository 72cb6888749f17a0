//===- ConstantData.h - Raw bytes of constant tensors -----------*- C++ -*-===//
//
// Zero-copy access to the bytes of the two elements attributes large weights
// use, `dense<...>` and `dense_resource<...>`, and creation of constants over
// a buffer filled in place. Elements are stored little-endian and row-major,
// as both attributes store them on the little-endian hosts this targets.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_DIALECT_MIL_CONSTANTDATA_H
#define PALETTIZE_DIALECT_MIL_CONSTANTDATA_H

#include "palettize/Lut/FloatFormats.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Support/LLVM.h"

#include <functional>
#include <vector>

namespace palettize::mil {

/// Returns the width in bytes of one element of `type` as dense storage holds
/// it, or 0 for element types whose storage is not byte-addressable (`i1`,
/// sub-byte integers, complex, index).
unsigned getElementByteWidth(mlir::Type elementType);

/// Returns the number of elements of `type`, which must have a static shape,
/// or std::nullopt when the count does not fit in int64_t. Hostile types
/// can overflow: ShapedType::getNumElements must not be called on a type
/// before this succeeded.
std::optional<int64_t> getCheckedElementCount(mlir::ShapedType type);

/// Returns the size of `type`'s dense storage in bytes (elements times
/// getElementByteWidth), or std::nullopt when the element type has no
/// byte-addressable storage or the size does not fit in int64_t.
std::optional<int64_t> getCheckedByteCount(mlir::ShapedType type);

/// Returns the bytes a `dense_resource` blob of `type` holds: elements times
/// the width for byte-sized integer and float types; one byte per element
/// for i1 (as MLIR stores booleans); ceil(elements * bits / 8) for other
/// sub-byte integer and float types, ui1 included (packed, as Core ML stores
/// int4 and uint1); twice the
/// element's for complex types. std::nullopt for element types with no blob
/// layout (index, and any other), or when the size does not fit in int64_t.
std::optional<int64_t> getBlobByteCount(mlir::ShapedType type);

/// Returns true if getBlobByteCount has a layout for `elementType`.
bool hasBlobLayout(mlir::Type elementType);

/// Returns the LUT library's format of an f16, bf16 or f32 element type, or
/// std::nullopt for any other type.
std::optional<palettize::FloatFormat> getFloatFormat(mlir::Type elementType);

/// Why the bytes of an elements attribute cannot be read.
enum class RawDataError {
  None,
  /// Not a `dense` or `dense_resource` attribute.
  UnsupportedAttribute,
  /// The element type has no byte-addressable storage.
  UnsupportedElementType,
  /// A `dense_resource` whose blob has no data (e.g. an undeclared key).
  MissingBlob,
  /// A `dense_resource` blob whose size is not elements * element width.
  WrongBlobSize,
  /// A type whose element or byte count does not fit in int64_t.
  TooLarge,
};

/// Returns a human-readable description of `error`.
llvm::StringRef describe(RawDataError error);

/// The row-major bytes of an elements attribute.
struct RawElementsData {
  /// The bytes; points into the attribute's storage, or into `expanded` for a
  /// splat.
  llvm::ArrayRef<char> bytes;
  /// Storage for an expanded splat value.
  std::vector<char> expanded;
  RawDataError error = RawDataError::None;

  bool succeeded() const { return error == RawDataError::None; }
};

/// Reads the raw bytes of `attr` without copying (splats are expanded). The
/// element type must be byte-addressable.
RawElementsData getRawElementsData(mlir::ElementsAttr attr);

/// Reads the bytes of `attr` in blob layout (getBlobByteCount): as
/// getRawElementsData for byte-sized types (and i1, which has no packed
/// form); for other integers of 1 to 7 bits, packed LSB-first and
/// row-major, as Core ML stores them and as a `dense_resource` blob of such
/// a type holds them (read without copying), or packed into `expanded` for
/// a `dense` attribute, whose storage pads each element to a byte.
RawElementsData getPackedElementsData(mlir::ElementsAttr attr);

/// Returns the elements of `attr`, a dense tensor of integers of 1 to 8
/// bits, packed LSB-first and row-major.
std::vector<uint8_t> packSubByteElements(mlir::DenseElementsAttr attr);

/// Returns the size in bytes `attr`'s blob or dense storage actually holds
/// for a non-splat attribute, if it can be read; used by verifiers to check
/// sizes without expanding splats.
std::optional<uint64_t> getStoredByteCount(mlir::ElementsAttr attr);

/// Returns the dense attribute of `type` whose bytes in blob layout
/// (getBlobByteCount; packed for sub-byte integers) are `bytes`.
mlir::DenseElementsAttr getDenseFromBlobLayout(mlir::ShapedType type,
                                               llvm::ArrayRef<char> bytes);

/// Creates an elements attribute of `type` whose bytes, in blob layout
/// (packed for sub-byte integers; not i1), are written by `fill` into a
/// buffer of the right size. Results of more than `maxDenseElements`
/// elements become a `dense_resource` blob named after `blobName` (the name
/// is made unique), so that large data never goes through DenseElementsAttr
/// uniquing; smaller ones become `dense`.
mlir::ElementsAttr
createElementsAttr(mlir::ShapedType type, llvm::StringRef blobName,
                   int64_t maxDenseElements,
                   llvm::function_ref<void(llvm::MutableArrayRef<char>)> fill);

//===----------------------------------------------------------------------===//
// Storage that need not stay in memory
//===----------------------------------------------------------------------===//

/// Registers `range`, memory mapped from a file, as storage whose pages may
/// be dropped from memory and read back from the file when touched again: a
/// read-only mapping of a weight file, or a shared writable mapping (whose
/// written pages stay in the page cache). Ranges must not overlap; a range
/// must be unregistered before it is unmapped.
void registerReleasableStorage(llvm::ArrayRef<char> range);
void unregisterReleasableStorage(llvm::ArrayRef<char> range);

/// Drops from the process's memory the whole pages of `data` that lie in
/// registered storage. The data stays readable: touching it again reads it
/// back. Memory outside registered storage is left alone. Lets a tool that
/// streams a model through memory (each weight read, compressed and
/// written once) keep its resident size to the weights in flight.
void releaseStorage(llvm::ArrayRef<char> data);
/// Releases the storage of a `dense_resource` attribute's blob.
void releaseStorage(mlir::ElementsAttr attr);

/// Allocates large blobs (the packed indices palettize-weights makes):
/// `bytes` bytes aligned to `alignment`, mutable.
using BlobAllocator =
    std::function<mlir::AsmResourceBlob(size_t bytes, size_t alignment)>;
/// Replaces the allocator (the default, an empty function, allocates on the
/// heap) for the whole process; returns the previous one.
BlobAllocator setLargeBlobAllocator(BlobAllocator allocator);
mlir::AsmResourceBlob allocateLargeBlob(size_t bytes, size_t alignment);

} // namespace palettize::mil

#endif // PALETTIZE_DIALECT_MIL_CONSTANTDATA_H
