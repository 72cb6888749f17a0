//===- WeightFile.cpp - Core ML weight.bin reader and writer --------------===//

#include "palettize/Target/CoreML/WeightFile.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

using namespace llvm;
using namespace palettize::coreml;

std::optional<BlobDataType> palettize::coreml::getBlobDataType(uint32_t code) {
  if (code < 1 || code > 17)
    return std::nullopt;
  return BlobDataType(code);
}

unsigned palettize::coreml::getBitWidth(BlobDataType type) {
  switch (type) {
  case BlobDataType::Float16:
  case BlobDataType::BFloat16:
  case BlobDataType::Int16:
  case BlobDataType::UInt16:
    return 16;
  case BlobDataType::Float32:
  case BlobDataType::Int32:
  case BlobDataType::UInt32:
    return 32;
  case BlobDataType::UInt8:
  case BlobDataType::Int8:
  case BlobDataType::Float8E4M3FN:
  case BlobDataType::Float8E5M2:
    return 8;
  case BlobDataType::Int4:
  case BlobDataType::UInt4:
    return 4;
  case BlobDataType::UInt1:
    return 1;
  case BlobDataType::UInt2:
    return 2;
  case BlobDataType::UInt3:
    return 3;
  case BlobDataType::UInt6:
    return 6;
  }
  llvm_unreachable("unknown blob data type");
}

StringRef palettize::coreml::getName(BlobDataType type) {
  switch (type) {
  case BlobDataType::Float16:
    return "Float16";
  case BlobDataType::Float32:
    return "Float32";
  case BlobDataType::UInt8:
    return "UInt8";
  case BlobDataType::Int8:
    return "Int8";
  case BlobDataType::BFloat16:
    return "BFloat16";
  case BlobDataType::Int16:
    return "Int16";
  case BlobDataType::UInt16:
    return "UInt16";
  case BlobDataType::Int4:
    return "Int4";
  case BlobDataType::UInt1:
    return "UInt1";
  case BlobDataType::UInt2:
    return "UInt2";
  case BlobDataType::UInt4:
    return "UInt4";
  case BlobDataType::UInt3:
    return "UInt3";
  case BlobDataType::UInt6:
    return "UInt6";
  case BlobDataType::Int32:
    return "Int32";
  case BlobDataType::UInt32:
    return "UInt32";
  case BlobDataType::Float8E4M3FN:
    return "Float8E4M3FN";
  case BlobDataType::Float8E5M2:
    return "Float8E5M2";
  }
  llvm_unreachable("unknown blob data type");
}

std::optional<uint64_t> palettize::coreml::getByteCount(BlobDataType type,
                                                        uint64_t count) {
  uint64_t bits;
  if (__builtin_mul_overflow(count, uint64_t(getBitWidth(type)), &bits))
    return std::nullopt;
  return bits / 8 + (bits % 8 != 0);
}

static bool isSubByte(BlobDataType type) { return getBitWidth(type) < 8; }

//===----------------------------------------------------------------------===//
// WeightFileReader
//===----------------------------------------------------------------------===//

static uint32_t read32(const char *p) { return support::endian::read32le(p); }
static uint64_t read64(const char *p) { return support::endian::read64le(p); }

Expected<std::unique_ptr<WeightFileReader>>
WeightFileReader::fromBuffer(std::shared_ptr<MemoryBuffer> buffer,
                             StringRef name) {
  if (buffer->getBufferSize() < kWeightFileHeaderSize)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("{0}: a weight file starts with a {1}-byte header, but the "
                "file has {2} bytes",
                name, kWeightFileHeaderSize, buffer->getBufferSize()));
  const char *data = buffer->getBufferStart();
  uint32_t count = read32(data);
  uint32_t version = read32(data + 4);
  if (version != kStorageVersion)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("{0}: storage format version {1}, only version {2} is "
                "supported",
                name, version, kStorageVersion));
  return std::unique_ptr<WeightFileReader>(
      new WeightFileReader(std::move(buffer), name.str(), count));
}

Expected<std::unique_ptr<WeightFileReader>>
WeightFileReader::open(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return createStringError(buffer.getError(),
                             formatv("{0}: cannot read the weight file: {1}",
                                     path, buffer.getError().message()));
  return fromBuffer(std::shared_ptr<MemoryBuffer>(std::move(*buffer)), path);
}

Expected<BlobRecord> WeightFileReader::readBlob(uint64_t metadataOffset) const {
  uint64_t size = getFileSize();
  auto fail = [&](const Twine &message) {
    return createStringError(inconvertibleErrorCode(),
                             formatv("{0}: blob at offset {1}: {2}", name,
                                     metadataOffset, message.str()));
  };
  if (metadataOffset < kWeightFileHeaderSize)
    return fail("the offset points into the file header");
  if (metadataOffset > size || size - metadataOffset < kBlobMetadataSize)
    return fail(formatv("the metadata record ends past the end of the file "
                        "({0} bytes)",
                        size));
  const char *p = buffer->getBufferStart() + metadataOffset;
  uint32_t sentinel = read32(p);
  if (sentinel != kBlobSentinel)
    return fail(formatv("bad sentinel {0:x8}, expected {1:x8}", sentinel,
                        kBlobSentinel));
  BlobRecord record;
  record.metadataOffset = metadataOffset;
  uint32_t code = read32(p + 4);
  std::optional<BlobDataType> type = getBlobDataType(code);
  if (!type)
    return fail(formatv("unknown data type code {0}", code));
  record.dataType = *type;
  record.sizeInBytes = read64(p + 8);
  record.dataOffset = read64(p + 16);
  record.paddingBits = read64(p + 24);
  if (record.dataOffset > size || size - record.dataOffset < record.sizeInBytes)
    return fail(formatv("its {0} bytes of data at offset {1} end past the end "
                        "of the file ({2} bytes)",
                        record.sizeInBytes, record.dataOffset, size));
  if (record.dataOffset < metadataOffset + kBlobMetadataSize &&
      record.dataOffset + record.sizeInBytes > metadataOffset)
    return fail(formatv("its data at offset {0} overlaps its metadata record",
                        record.dataOffset));
  // Before iOS 18 the padding field was left uninitialized: only sub-byte
  // types give it a meaning.
  if (isSubByte(record.dataType) && record.paddingBits >= 8)
    return fail(formatv("{0} padding bits; a sub-byte blob pads under 8",
                        record.paddingBits));
  return record;
}

Expected<std::vector<BlobRecord>> WeightFileReader::readAllBlobs() const {
  std::vector<BlobRecord> records;
  uint64_t offset = kWeightFileHeaderSize;
  for (uint32_t i = 0; i < blobCount; ++i) {
    Expected<BlobRecord> record = readBlob(offset);
    if (!record)
      return record.takeError();
    records.push_back(*record);
    offset = alignTo(record->dataOffset + record->sizeInBytes, kBlobAlignment);
  }
  return records;
}

ArrayRef<char> WeightFileReader::getData(const BlobRecord &record) const {
  return ArrayRef<char>(buffer->getBufferStart() + record.dataOffset,
                        record.sizeInBytes);
}

//===----------------------------------------------------------------------===//
// WeightFileWriter
//===----------------------------------------------------------------------===//

static void write32(raw_ostream &os, uint32_t value) {
  char bytes[4];
  support::endian::write32le(bytes, value);
  os.write(bytes, 4);
}
static void write64(raw_ostream &os, uint64_t value) {
  char bytes[8];
  support::endian::write64le(bytes, value);
  os.write(bytes, 8);
}
static void writeZeros(raw_ostream &os, uint64_t count) {
  static const char zeros[64] = {};
  for (; count > 0; count -= std::min<uint64_t>(count, 64))
    os.write(zeros, std::min<uint64_t>(count, 64));
}

WeightFileWriter::WeightFileWriter(raw_pwrite_stream &os) : os(os) {
  // The header is rewritten with the blob count by finish().
  write32(os, 0);
  write32(os, kStorageVersion);
  writeZeros(os, kWeightFileHeaderSize - 8);
  position = kWeightFileHeaderSize;
}

Expected<uint64_t>
WeightFileWriter::addBlob(BlobDataType type, uint64_t count,
                          function_ref<void(raw_ostream &)> writeData) {
  std::optional<uint64_t> bytes = getByteCount(type, count);
  if (!bytes)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("{0} elements of {1} do not fit in a weight file", count,
                getName(type)));
  if (blobCount == UINT32_MAX)
    return createStringError(inconvertibleErrorCode(),
                             "a weight file holds at most 2^32-1 blobs");
  uint64_t metadataOffset = alignTo(position, kBlobAlignment);
  writeZeros(os, metadataOffset - position);
  uint64_t bits = count * getBitWidth(type);
  write32(os, kBlobSentinel);
  write32(os, uint32_t(type));
  write64(os, *bytes);
  write64(os, metadataOffset + kBlobMetadataSize);
  write64(os, (8 - bits % 8) % 8);
  writeZeros(os, 32);
  uint64_t before = os.tell();
  writeData(os);
  uint64_t written = os.tell() - before;
  if (written != *bytes)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("a blob of {0} elements of {1} takes {2} bytes, {3} were "
                "written",
                count, getName(type), *bytes, written));
  position = metadataOffset + kBlobMetadataSize + *bytes;
  ++blobCount;
  return metadataOffset;
}

Expected<uint64_t> WeightFileWriter::addBlob(BlobDataType type, uint64_t count,
                                             ArrayRef<char> data) {
  // Checked before anything is written, so that a refused blob leaves the
  // file as it was.
  std::optional<uint64_t> bytes = getByteCount(type, count);
  if (bytes && *bytes != data.size())
    return createStringError(
        inconvertibleErrorCode(),
        formatv("a blob of {0} elements of {1} takes {2} bytes, {3} were "
                "given",
                count, getName(type), *bytes, data.size()));
  return addBlob(type, count, [&](raw_ostream &out) {
    out.write(data.data(), data.size());
  });
}

Error WeightFileWriter::finish() {
  char bytes[4];
  support::endian::write32le(bytes, uint32_t(blobCount));
  os.pwrite(bytes, 4, 0);
  os.flush();
  return Error::success();
}
