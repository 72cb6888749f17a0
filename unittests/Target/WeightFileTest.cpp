//===- WeightFileTest.cpp - weight.bin reader and writer ------------------===//
//
// Expected layouts are worked out by hand from the storage format: a 64-byte
// header, then per blob a 64-byte record at a 64-byte boundary with its data
// right after it.
//
//===----------------------------------------------------------------------===//

#include "palettize/Target/CoreML/WeightFile.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace palettize::coreml;

namespace {

/// A weight file written to a temporary path, removed at the end.
class WeightFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("weights", "bin", path));
  }
  void TearDown() override { llvm::sys::fs::remove(path); }

  std::string readAll() {
    auto buffer = llvm::MemoryBuffer::getFile(path);
    EXPECT_TRUE(bool(buffer));
    return (*buffer)->getBuffer().str();
  }

  llvm::SmallString<128> path;
};

uint32_t read32(const std::string &bytes, size_t offset) {
  return llvm::support::endian::read32le(bytes.data() + offset);
}
uint64_t read64(const std::string &bytes, size_t offset) {
  return llvm::support::endian::read64le(bytes.data() + offset);
}

TEST(BlobDataTypeTest, CodesAndSizes) {
  EXPECT_EQ(getBlobDataType(1), BlobDataType::Float16);
  EXPECT_EQ(getBlobDataType(13), BlobDataType::UInt6);
  EXPECT_EQ(getBlobDataType(17), BlobDataType::Float8E5M2);
  EXPECT_FALSE(getBlobDataType(0));
  EXPECT_FALSE(getBlobDataType(18));
  // 5 three-bit values take 15 bits: 2 bytes.
  EXPECT_EQ(getByteCount(BlobDataType::UInt3, 5), 2u);
  EXPECT_EQ(getByteCount(BlobDataType::Float32, 257), 1028u);
  EXPECT_EQ(getByteCount(BlobDataType::UInt1, 9), 2u);
  EXPECT_FALSE(getByteCount(BlobDataType::Float32, UINT64_MAX / 2));
}

TEST_F(WeightFileTest, WritesTheLayout) {
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    ASSERT_FALSE(ec);
    WeightFileWriter writer(os);
    const char floats[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    llvm::Expected<uint64_t> first =
        writer.addBlob(BlobDataType::Float32, 2, floats);
    ASSERT_TRUE(bool(first));
    EXPECT_EQ(*first, 64u);
    // Five 3-bit indices [1, 2, 3, 4, 5], LSB-first: bits 0, 4, 6, 7 are set
    // in byte 0 (0xD1), bits 11, 12, 14 in byte 1 (0x58).
    const char packed[2] = {char(0xD1), char(0x58)};
    llvm::Expected<uint64_t> second =
        writer.addBlob(BlobDataType::UInt3, 5, packed);
    ASSERT_TRUE(bool(second));
    // 64 + 64 + 8 = 136, rounded up to 192.
    EXPECT_EQ(*second, 192u);
    // A blob whose data does not match its count is refused, and nothing of
    // it is written.
    llvm::Expected<uint64_t> refused =
        writer.addBlob(BlobDataType::UInt8, 3, packed);
    ASSERT_FALSE(bool(refused));
    EXPECT_EQ(llvm::toString(refused.takeError()),
              "a blob of 3 elements of UInt8 takes 3 bytes, 2 were given");
    ASSERT_FALSE(bool(writer.finish()));
  }
  std::string bytes = readAll();
  // The file ends with the last blob's data: 192 + 64 + 2.
  ASSERT_EQ(bytes.size(), 258u);
  EXPECT_EQ(read32(bytes, 0), 2u); // blob count
  EXPECT_EQ(read32(bytes, 4), 2u); // version
  for (size_t offset = 8; offset < 64; offset += 8)
    EXPECT_EQ(read64(bytes, offset), 0u);
  EXPECT_EQ(read32(bytes, 64), 0xDEADBEEFu);
  EXPECT_EQ(read32(bytes, 68), 2u);   // Float32
  EXPECT_EQ(read64(bytes, 72), 8u);   // bytes
  EXPECT_EQ(read64(bytes, 80), 128u); // data offset
  EXPECT_EQ(read64(bytes, 88), 0u);   // padding bits
  EXPECT_EQ(bytes.substr(128, 8), std::string("\1\2\3\4\5\6\7\x08"));
  for (size_t offset = 136; offset < 192; ++offset)
    EXPECT_EQ(bytes[offset], 0) << offset;
  EXPECT_EQ(read32(bytes, 196), 12u);  // UInt3
  EXPECT_EQ(read64(bytes, 200), 2u);   // bytes
  EXPECT_EQ(read64(bytes, 208), 256u); // data offset
  EXPECT_EQ(read64(bytes, 216), 1u);   // 16 - 15 bits
  for (size_t offset = 224; offset < 256; offset += 8)
    EXPECT_EQ(read64(bytes, offset), 0u);
}

TEST_F(WeightFileTest, ReadsWhatItWrote) {
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    WeightFileWriter writer(os);
    const char data[6] = {10, 20, 30, 40, 50, 60};
    ASSERT_TRUE(bool(writer.addBlob(BlobDataType::Float16, 3, data)));
    ASSERT_TRUE(bool(writer.addBlob(BlobDataType::Int8, 6, data)));
    ASSERT_FALSE(bool(writer.finish()));
  }
  auto reader = WeightFileReader::open(path);
  ASSERT_TRUE(bool(reader)) << llvm::toString(reader.takeError());
  EXPECT_EQ((*reader)->getBlobCount(), 2u);
  auto records = (*reader)->readAllBlobs();
  ASSERT_TRUE(bool(records));
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].metadataOffset, 64u);
  EXPECT_EQ((*records)[0].dataType, BlobDataType::Float16);
  EXPECT_EQ((*records)[1].metadataOffset, 192u);
  EXPECT_EQ((*records)[1].dataType, BlobDataType::Int8);
  llvm::ArrayRef<char> data = (*reader)->getData((*records)[1]);
  EXPECT_EQ(std::string(data.begin(), data.end()),
            std::string("\x0a\x14\x1e\x28\x32\x3c"));
}

/// A file of `bytes`, read through the in-memory path.
llvm::Expected<std::unique_ptr<WeightFileReader>>
readBytes(const std::string &bytes) {
  return WeightFileReader::fromBuffer(
      std::shared_ptr<llvm::MemoryBuffer>(
          llvm::MemoryBuffer::getMemBufferCopy(bytes, "test.bin")),
      "test.bin");
}

std::string makeFile(uint32_t type, uint64_t size, uint64_t dataOffset,
                     uint64_t padding, size_t fileSize) {
  std::string bytes(fileSize, '\0');
  auto put32 = [&](size_t at, uint32_t v) {
    llvm::support::endian::write32le(&bytes[at], v);
  };
  auto put64 = [&](size_t at, uint64_t v) {
    llvm::support::endian::write64le(&bytes[at], v);
  };
  put32(0, 1);
  put32(4, 2);
  put32(64, 0xDEADBEEF);
  put32(68, type);
  put64(72, size);
  put64(80, dataOffset);
  put64(88, padding);
  return bytes;
}

std::string errorOf(const std::string &bytes, uint64_t offset) {
  auto reader = readBytes(bytes);
  if (!reader)
    return llvm::toString(reader.takeError());
  auto record = (*reader)->readBlob(offset);
  if (!record)
    return llvm::toString(record.takeError());
  return "";
}

TEST(WeightFileReaderTest, RejectsBadRecords) {
  EXPECT_EQ(errorOf(makeFile(2, 4, 128, 0, 132), 64), "");
  // Byte-sized types may carry anything in the padding field (files written
  // before iOS 18 did).
  EXPECT_EQ(errorOf(makeFile(2, 4, 128, 0x31d4f87b0, 132), 64), "");
  EXPECT_EQ(errorOf(std::string(10, '\0'), 64),
            "test.bin: a weight file starts with a 64-byte header, but the "
            "file has 10 bytes");
  std::string version = makeFile(2, 4, 128, 0, 132);
  version[4] = 1;
  EXPECT_EQ(errorOf(version, 64),
            "test.bin: storage format version 1, only version 2 is supported");
  EXPECT_EQ(errorOf(makeFile(2, 4, 128, 0, 132), 32),
            "test.bin: blob at offset 32: the offset points into the file "
            "header");
  EXPECT_EQ(errorOf(makeFile(2, 4, 128, 0, 132), 100),
            "test.bin: blob at offset 100: the metadata record ends past the "
            "end of the file (132 bytes)");
  std::string sentinel = makeFile(2, 4, 128, 0, 132);
  sentinel[64] = 0;
  EXPECT_EQ(errorOf(sentinel, 64),
            "test.bin: blob at offset 64: bad sentinel 0xdeadbe00, expected "
            "0xdeadbeef");
  EXPECT_EQ(errorOf(makeFile(42, 4, 128, 0, 132), 64),
            "test.bin: blob at offset 64: unknown data type code 42");
  EXPECT_EQ(errorOf(makeFile(2, 8, 128, 0, 132), 64),
            "test.bin: blob at offset 64: its 8 bytes of data at offset 128 "
            "end past the end of the file (132 bytes)");
  EXPECT_EQ(errorOf(makeFile(2, UINT64_MAX, 128, 0, 132), 64),
            "test.bin: blob at offset 64: its 18446744073709551615 bytes of "
            "data at offset 128 end past the end of the file (132 bytes)");
  EXPECT_EQ(errorOf(makeFile(2, 4, 70, 0, 132), 64),
            "test.bin: blob at offset 64: its data at offset 70 overlaps its "
            "metadata record");
  EXPECT_EQ(errorOf(makeFile(11, 1, 128, 8, 132), 64),
            "test.bin: blob at offset 64: 8 padding bits; a sub-byte blob "
            "pads under 8");
}

} // namespace
