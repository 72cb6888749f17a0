//===- WeightFile.h - Core ML weight.bin reader and writer ------*- C++ -*-===//
//
// Core ML's blob storage file (MILBlob storage format version 2), the
// `weights/weight.bin` of an `.mlpackage`: a 64-byte header, then for each
// blob a 64-byte metadata record and its data, every record on a 64-byte
// boundary. Plain C++ over LLVM's Support: no MLIR types.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_TARGET_COREML_WEIGHTFILE_H
#define PALETTIZE_TARGET_COREML_WEIGHTFILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace palettize::coreml {

/// The element types of blob storage (`BlobDataType`). Their numbering
/// differs from the MIL `DataType` enum.
enum class BlobDataType : uint32_t {
  Float16 = 1,
  Float32 = 2,
  UInt8 = 3,
  Int8 = 4,
  BFloat16 = 5,
  Int16 = 6,
  UInt16 = 7,
  Int4 = 8,
  UInt1 = 9,
  UInt2 = 10,
  UInt4 = 11,
  UInt3 = 12,
  UInt6 = 13,
  Int32 = 14,
  UInt32 = 15,
  Float8E4M3FN = 16,
  Float8E5M2 = 17,
};

/// The type with storage code `code`, if there is one.
std::optional<BlobDataType> getBlobDataType(uint32_t code);
/// The bits one element takes: 1 to 32.
unsigned getBitWidth(BlobDataType type);
/// The type's name in Core ML's sources ("Float16", "UInt4").
llvm::StringRef getName(BlobDataType type);
/// The bytes `count` elements take, rounded up to whole bytes, or nothing
/// when that overflows.
std::optional<uint64_t> getByteCount(BlobDataType type, uint64_t count);

/// Sizes of the file's fixed records.
constexpr uint64_t kWeightFileHeaderSize = 64;
constexpr uint64_t kBlobMetadataSize = 64;
constexpr uint64_t kBlobAlignment = 64;
constexpr uint32_t kBlobSentinel = 0xDEADBEEF;
constexpr uint32_t kStorageVersion = 2;

/// One blob's metadata record.
struct BlobRecord {
  /// Where the metadata record starts: the offset a model refers to.
  uint64_t metadataOffset = 0;
  BlobDataType dataType = BlobDataType::UInt8;
  /// The data's absolute offset and size, whole bytes.
  uint64_t dataOffset = 0;
  uint64_t sizeInBytes = 0;
  /// Unused bits in the last byte; meaningful for sub-byte types only (files
  /// written before iOS 18 hold anything in this field).
  uint64_t paddingBits = 0;
};

/// A weight file mapped into memory, read in place.
class WeightFileReader {
public:
  /// Maps the file at `path` and checks its header.
  static llvm::Expected<std::unique_ptr<WeightFileReader>>
  open(llvm::StringRef path);
  /// Reads a file already in memory (`name` is used in messages).
  static llvm::Expected<std::unique_ptr<WeightFileReader>>
  fromBuffer(std::shared_ptr<llvm::MemoryBuffer> buffer, llvm::StringRef name);

  /// Reads and checks the metadata record at `metadataOffset`: inside the
  /// file, sentinel, a known type, data inside the file, padding under 8
  /// bits for sub-byte types.
  llvm::Expected<BlobRecord> readBlob(uint64_t metadataOffset) const;
  /// Every record, walked from the first one as Core ML walks them.
  llvm::Expected<std::vector<BlobRecord>> readAllBlobs() const;
  /// The data of a record `readBlob` returned.
  llvm::ArrayRef<char> getData(const BlobRecord &record) const;

  uint32_t getBlobCount() const { return blobCount; }
  uint64_t getFileSize() const { return buffer->getBufferSize(); }
  llvm::StringRef getName() const { return name; }
  /// The mapping; blobs that point into it keep it alive through this.
  std::shared_ptr<llvm::MemoryBuffer> getBuffer() const { return buffer; }

private:
  WeightFileReader(std::shared_ptr<llvm::MemoryBuffer> buffer, std::string name,
                   uint32_t blobCount)
      : buffer(std::move(buffer)), name(std::move(name)), blobCount(blobCount) {
  }

  std::shared_ptr<llvm::MemoryBuffer> buffer;
  std::string name;
  uint32_t blobCount;
};

/// Writes a weight file front to back: blobs go out as they are added, so
/// memory use does not grow with the file. The header's blob count is
/// written by `finish`.
class WeightFileWriter {
public:
  /// Writes to `os`, which must be seekable (a file) for `finish`.
  explicit WeightFileWriter(llvm::raw_pwrite_stream &os);

  /// Appends a blob of `count` elements of `type` whose data is `data`
  /// (exactly `getByteCount(type, count)` bytes, sub-byte elements packed
  /// LSB-first) and returns the offset of its metadata record, the offset a
  /// model refers to. Reserved fields are zero.
  llvm::Expected<uint64_t> addBlob(BlobDataType type, uint64_t count,
                                   llvm::ArrayRef<char> data);
  /// Like `addBlob`, with the data produced by `writeData`, which must write
  /// exactly `getByteCount(type, count)` bytes to the stream it is given.
  llvm::Expected<uint64_t>
  addBlob(BlobDataType type, uint64_t count,
          llvm::function_ref<void(llvm::raw_ostream &)> writeData);
  /// Writes the header. No blob may be added after.
  llvm::Error finish();

  uint64_t getBlobCount() const { return blobCount; }

private:
  llvm::raw_pwrite_stream &os;
  uint64_t position = 0;
  uint64_t blobCount = 0;
};

} // namespace palettize::coreml

#endif // PALETTIZE_TARGET_COREML_WEIGHTFILE_H
