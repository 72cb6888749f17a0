//===- SafetensorsTest.cpp - Reading safetensors files --------------------===//
//
// Every file here is written by the test itself: the header JSON by hand,
// the data from known bit patterns, the length field byte by byte. (The
// widening itself is FloatFormats.h's, tested exhaustively there.)
//
//===----------------------------------------------------------------------===//

#include "palettize/Support/Safetensors.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

using namespace palettize;
using llvm::StringRef;

namespace {

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

float floatOf(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

/// Appends the `size` low bytes of `bits`, least significant first.
void appendLittleEndian(std::string &out, uint64_t bits, unsigned size) {
  for (unsigned i = 0; i < size; ++i)
    out.push_back(char((bits >> (8 * i)) & 0xFF));
}

void appendF32(std::string &data, float value) {
  appendLittleEndian(data, bitsOf(value), 4);
}

void appendU16(std::string &data, uint16_t bits) {
  appendLittleEndian(data, bits, 2);
}

/// A safetensors file whose length field says `headerLength`, followed by
/// `rest` (the header and the data).
std::string withLength(uint64_t headerLength, StringRef rest) {
  std::string file;
  appendLittleEndian(file, headerLength, 8);
  file += rest;
  return file;
}

/// A well-formed file: the length of `header`, `header`, `data`.
std::string makeFile(StringRef header, StringRef data) {
  return withLength(header.size(), (header + data).str());
}

/// One header entry, `"name":{...}`.
std::string entry(StringRef name, StringRef dtype, StringRef shape,
                  uint64_t begin, uint64_t end) {
  return ("\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
          ",\"data_offsets\":[" + llvm::Twine(begin) + "," + llvm::Twine(end) +
          "]}")
      .str();
}

/// A file of `contents` in the temporary directory, removed on destruction.
class TempFile {
public:
  explicit TempFile(StringRef contents) {
    int fd;
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "importance", "safetensors", fd, path)) {
      ADD_FAILURE() << "cannot create a temporary file: " << ec.message();
      return;
    }
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << contents;
  }
  ~TempFile() { llvm::sys::fs::remove(path); }
  std::string getPath() const { return path.str().str(); }

private:
  llvm::SmallString<128> path;
};

/// Checks that opening `contents` as a file fails with a message that starts
/// with the file's path and contains each of `parts`.
::testing::AssertionResult failsWith(StringRef contents,
                                     std::initializer_list<StringRef> parts) {
  TempFile file(contents);
  llvm::Expected<SafetensorsFile> opened =
      SafetensorsFile::open(file.getPath());
  if (opened)
    return ::testing::AssertionFailure() << "the file opened";
  const std::string message = llvm::toString(opened.takeError());
  if (!StringRef(message).starts_with(file.getPath() + ": "))
    return ::testing::AssertionFailure()
           << "'" << message << "' does not start with the path";
  for (StringRef part : parts)
    if (!StringRef(message).contains(part))
      return ::testing::AssertionFailure()
             << "'" << message << "' does not contain '" << part.str() << "'";
  return ::testing::AssertionSuccess() << message;
}

/// Same for a file of `header` and `data`.
::testing::AssertionResult
headerFailsWith(StringRef header, StringRef data,
                std::initializer_list<StringRef> parts) {
  return failsWith(makeFile(header, data), parts);
}

/// Opens `contents` as a file; the file is gone by the time the test reads
/// the tensors, which the mapping keeps alive.
SafetensorsFile openContents(StringRef contents) {
  TempFile file(contents);
  llvm::Expected<SafetensorsFile> opened =
      SafetensorsFile::open(file.getPath());
  if (!opened) {
    ADD_FAILURE() << llvm::toString(opened.takeError());
    // A file with no tensors, so that the caller's checks fail, not crash.
    return cantFail(SafetensorsFile::fromBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(withLength(2, "{}"))));
  }
  return std::move(*opened);
}

//===----------------------------------------------------------------------===//
// Reading valid files
//===----------------------------------------------------------------------===//

// F32 elements come back bit for bit, subnormals and infinities included.
TEST(Safetensors, ReadsF32Exactly) {
  const float values[] = {0.0f,
                          -0.0f,
                          1.5f,
                          -3.25f,
                          0.1f,
                          123456.789f,
                          std::numeric_limits<float>::max(),
                          std::numeric_limits<float>::denorm_min(),
                          -std::numeric_limits<float>::infinity()};
  std::string data;
  for (float value : values)
    appendF32(data, value);
  SafetensorsFile file =
      openContents(makeFile("{" + entry("w", "F32", "[9]", 0, 36) + "}", data));
  const SafetensorsTensor *tensor = file.lookup("w");
  ASSERT_NE(tensor, nullptr);
  EXPECT_EQ(tensor->dtype, SafetensorsDType::F32);
  ASSERT_EQ(tensor->getElementCount(), 9u);
  for (unsigned i = 0; i < 9; ++i)
    EXPECT_EQ(bitsOf(tensor->getValue(i)), bitsOf(values[i])) << i;
}

// F16 bit patterns widen to their known values: normals, the smallest and
// largest subnormals, the largest finite, signed zero and infinities, and
// NaNs with their payloads.
TEST(Safetensors, ReadsF16KnownValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::pair<uint16_t, float> cases[] = {{0x3C00, 1.0f},
                                              {0xC000, -2.0f},
                                              {0x3555, 0.333251953125f},
                                              {0x0001, 0x1p-24f},
                                              {0x8001, -0x1p-24f},
                                              {0x03FF, 0x1.ff8p-15f},
                                              {0x0400, 0x1p-14f},
                                              {0x7BFF, 65504.0f},
                                              {0x0000, 0.0f},
                                              {0x8000, -0.0f},
                                              {0x7C00, inf},
                                              {0xFC00, -inf},
                                              {0x7E00, floatOf(0x7FC00000)},
                                              {0x7C01, floatOf(0x7F802000)}};
  std::string data;
  for (const auto &c : cases)
    appendU16(data, c.first);
  const size_t count = std::size(cases);
  SafetensorsFile file = openContents(makeFile(
      "{" + entry("h", "F16", "[" + std::to_string(count) + "]", 0, 2 * count) +
          "}",
      data));
  const SafetensorsTensor *tensor = file.lookup("h");
  ASSERT_NE(tensor, nullptr);
  EXPECT_EQ(tensor->dtype, SafetensorsDType::F16);
  ASSERT_EQ(tensor->getElementCount(), count);
  for (size_t i = 0; i < count; ++i)
    EXPECT_EQ(bitsOf(tensor->getValue(i)), bitsOf(cases[i].second))
        << std::hex << cases[i].first;
  EXPECT_TRUE(std::signbit(tensor->getValue(9)));
}

// BF16 bit patterns widen to their known values, the smallest subnormal and
// the largest finite value included.
TEST(Safetensors, ReadsBF16KnownValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::pair<uint16_t, float> cases[] = {
      {0x3F80, 1.0f},      {0xC040, -3.0f},
      {0x4049, 3.140625f}, {0x3DCD, 0.10009765625f},
      {0x0001, 0x1p-133f}, {0x7F7F, 0x1.fep127f},
      {0x8000, -0.0f},     {0x7F80, inf},
      {0xFF80, -inf},      {0x7FC1, floatOf(0x7FC10000)}};
  std::string data;
  for (const auto &c : cases)
    appendU16(data, c.first);
  const size_t count = std::size(cases);
  SafetensorsFile file = openContents(makeFile(
      "{" +
          entry("b", "BF16", "[" + std::to_string(count) + "]", 0, 2 * count) +
          "}",
      data));
  const SafetensorsTensor *tensor = file.lookup("b");
  ASSERT_NE(tensor, nullptr);
  EXPECT_EQ(tensor->dtype, SafetensorsDType::BF16);
  ASSERT_EQ(tensor->getElementCount(), count);
  for (size_t i = 0; i < count; ++i)
    EXPECT_EQ(bitsOf(tensor->getValue(i)), bitsOf(cases[i].second))
        << std::hex << cases[i].first;
}

// Shapes come back as written; rank 0 holds one element; a zero dimension
// makes an empty tensor even beside dimensions whose product would overflow.
TEST(Safetensors, ShapesAndRankZero) {
  std::string data;
  appendF32(data, 42.0f);
  for (uint16_t i = 0; i < 6; ++i)
    appendU16(data, 0x3C00 + i); // 1 + i/1024
  const std::string header =
      "{" + entry("scalar", "F32", "[]", 0, 4) + "," +
      entry("matrix", "F16", "[2,3]", 4, 16) + "," +
      entry("empty", "BF16", "[0,5]", 16, 16) + "," +
      entry("huge_but_empty", "F32", "[4294967296,4294967296,0]", 16, 16) + "}";
  SafetensorsFile file = openContents(makeFile(header, data));
  ASSERT_EQ(file.getTensors().size(), 4u);

  const SafetensorsTensor *scalar = file.lookup("scalar");
  ASSERT_NE(scalar, nullptr);
  EXPECT_TRUE(scalar->shape.empty());
  EXPECT_EQ(scalar->getElementCount(), 1u);
  EXPECT_EQ(scalar->bytes.size(), 4u);
  EXPECT_EQ(scalar->getValue(0), 42.0f);

  const SafetensorsTensor *matrix = file.lookup("matrix");
  ASSERT_NE(matrix, nullptr);
  EXPECT_EQ(matrix->shape, (llvm::SmallVector<int64_t, 4>{2, 3}));
  EXPECT_EQ(matrix->getElementCount(), 6u);
  for (unsigned i = 0; i < 6; ++i)
    EXPECT_EQ(matrix->getValue(i), 1.0f + float(i) / 1024) << i;

  const SafetensorsTensor *empty = file.lookup("empty");
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->shape, (llvm::SmallVector<int64_t, 4>{0, 5}));
  EXPECT_EQ(empty->getElementCount(), 0u);
  EXPECT_TRUE(empty->bytes.empty());

  const SafetensorsTensor *huge = file.lookup("huge_but_empty");
  ASSERT_NE(huge, nullptr);
  EXPECT_EQ(huge->getElementCount(), 0u);
}

// __metadata__ is checked and skipped: it is not a tensor.
TEST(Safetensors, MetadataIsSkipped) {
  std::string data;
  appendF32(data, 1.0f);
  SafetensorsFile file = openContents(
      makeFile("{\"__metadata__\":{\"format\":\"pt\",\"note\":\"\"}," +
                   entry("w", "F32", "[1]", 0, 4) + "}",
               data));
  ASSERT_EQ(file.getTensors().size(), 1u);
  EXPECT_EQ(file.getTensors()[0].name, "w");
  EXPECT_EQ(file.lookup("__metadata__"), nullptr);
}

// getTensors is in order of data offset whatever the header's order; empty
// tensors at one offset are ordered by name.
TEST(Safetensors, TensorsInOrderOfOffset) {
  std::string data;
  for (int i = 0; i < 3; ++i)
    appendF32(data, float(i));
  const std::string header = "{" + entry("c", "F32", "[1]", 0, 4) + "," +
                             entry("a", "F32", "[1]", 8, 12) + "," +
                             entry("b", "F32", "[1]", 4, 8) + "," +
                             entry("z_empty", "F32", "[0]", 4, 4) + "," +
                             entry("y_empty", "F32", "[0]", 4, 4) + "}";
  SafetensorsFile file = openContents(makeFile(header, data));
  std::vector<std::string> names;
  for (const SafetensorsTensor &tensor : file.getTensors())
    names.push_back(tensor.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"c", "y_empty", "z_empty", "b", "a"}));
  EXPECT_EQ(file.lookup("a")->getValue(0), 2.0f);
  EXPECT_EQ(file.lookup("b")->getValue(0), 1.0f);
  EXPECT_EQ(file.lookup("c")->getValue(0), 0.0f);
}

// lookup finds a tensor by name and returns nullptr for a missing one.
TEST(Safetensors, LookupMissingName) {
  std::string data;
  appendF32(data, 1.0f);
  SafetensorsFile file =
      openContents(makeFile("{" + entry("w", "F32", "[1]", 0, 4) + "}", data));
  EXPECT_EQ(file.lookup("w"), &file.getTensors()[0]);
  EXPECT_EQ(file.lookup("missing"), nullptr);
  EXPECT_EQ(file.lookup(""), nullptr);
  EXPECT_EQ(file.lookup("W"), nullptr);
}

// A header padded with trailing spaces (writers align the data buffer to 8)
// reads as the unpadded one.
TEST(Safetensors, HeaderPaddingSpaces) {
  std::string data;
  appendF32(data, 7.0f);
  std::string header = "{" + entry("w", "F32", "[1]", 0, 4) + "}";
  header.append(8 - header.size() % 8 + 8, ' ');
  SafetensorsFile file = openContents(makeFile(header, data));
  ASSERT_NE(file.lookup("w"), nullptr);
  EXPECT_EQ(file.lookup("w")->getValue(0), 7.0f);
}

// Brackets and escaped quotes inside names do not count as nesting.
TEST(Safetensors, BracketsInNamesAreNotNesting) {
  std::string data;
  appendF32(data, 5.0f);
  const std::string name = "a\\\"" + std::string(100, '[') + "{";
  SafetensorsFile file =
      openContents(makeFile("{" + entry(name, "F32", "[1]", 0, 4) + "}", data));
  const std::string unescaped = "a\"" + std::string(100, '[') + "{";
  ASSERT_NE(file.lookup(unescaped), nullptr);
  EXPECT_EQ(file.lookup(unescaped)->getValue(0), 5.0f);
}

// A file larger than a few pages (which MemoryBuffer maps) reads back whole,
// and the tensors stay valid after the file object moves.
TEST(Safetensors, LargeFileAndMove) {
  constexpr unsigned count = 65536;
  std::string data;
  for (unsigned i = 0; i < count; ++i)
    appendF32(data, float(i) * 0.5f);
  std::string header = "{\"__metadata__\":{\"format\":\"pt\"}," +
                       entry("big", "F32", "[256,256]", 0, 4 * count) + "}";
  SafetensorsFile opened = openContents(makeFile(header, data));
  SafetensorsFile file = std::move(opened);
  const SafetensorsTensor *tensor = file.lookup("big");
  ASSERT_NE(tensor, nullptr);
  ASSERT_EQ(tensor->getElementCount(), count);
  for (unsigned i = 0; i < count; ++i)
    ASSERT_EQ(tensor->getValue(i), float(i) * 0.5f) << i;
}

// An in-memory buffer reads as a file, and its identifier names it.
TEST(Safetensors, FromBuffer) {
  std::string data;
  appendF32(data, 3.0f);
  const std::string good =
      makeFile("{" + entry("w", "F32", "[1]", 0, 4) + "}", data);
  llvm::Expected<SafetensorsFile> file = SafetensorsFile::fromBuffer(
      llvm::MemoryBuffer::getMemBuffer(good, "buffer.safetensors",
                                       /*RequiresNullTerminator=*/false));
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  EXPECT_EQ(file->getPath(), "buffer.safetensors");
  EXPECT_EQ(file->lookup("w")->getValue(0), 3.0f);

  llvm::Expected<SafetensorsFile> bad =
      SafetensorsFile::fromBuffer(llvm::MemoryBuffer::getMemBuffer(
          "short", "bad.safetensors", /*RequiresNullTerminator=*/false));
  ASSERT_FALSE(bool(bad));
  EXPECT_TRUE(StringRef(llvm::toString(bad.takeError()))
                  .starts_with("bad.safetensors: "));
}

// getPath is the path opened.
TEST(Safetensors, PathIsThePathOpened) {
  TempFile temp(makeFile("{}", ""));
  llvm::Expected<SafetensorsFile> file = SafetensorsFile::open(temp.getPath());
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  EXPECT_EQ(file->getPath(), temp.getPath());
  EXPECT_TRUE(file->getTensors().empty());
}

//===----------------------------------------------------------------------===//
// Rejecting bad files
//===----------------------------------------------------------------------===//

// A file that cannot be opened names its path.
TEST(SafetensorsErrors, MissingFile) {
  const std::string path = "/nonexistent-palettize-dir/importance.safetensors";
  llvm::Expected<SafetensorsFile> file = SafetensorsFile::open(path);
  ASSERT_FALSE(bool(file));
  const std::string message = llvm::toString(file.takeError());
  EXPECT_TRUE(StringRef(message).starts_with(path + ": cannot open"))
      << message;
}

// Fewer than 8 bytes cannot hold the header length.
TEST(SafetensorsErrors, ShorterThanLengthField) {
  EXPECT_TRUE(failsWith("", {"file is 0 bytes", "too short"}));
  EXPECT_TRUE(failsWith(StringRef("\x02\0\0\0\0\0\0", 7),
                        {"file is 7 bytes", "too short"}));
}

// A header length beyond the rest of the file.
TEST(SafetensorsErrors, HeaderLengthBeyondFile) {
  EXPECT_TRUE(failsWith(withLength(100, "{}"),
                        {"header length 100", "past the end of the file",
                         "only 2 bytes follow"}));
  EXPECT_TRUE(
      failsWith(withLength(1, ""), {"header length 1", "past the end"}));
}

// A header length above the 100 MB sanity limit, even a huge one.
TEST(SafetensorsErrors, HeaderLengthOverSanityLimit) {
  EXPECT_TRUE(failsWith(withLength(100'000'001, "{}"),
                        {"header length 100000001", "sanity limit of 100 MB"}));
  EXPECT_TRUE(failsWith(withLength(std::numeric_limits<uint64_t>::max(), "{}"),
                        {"header length 18446744073709551615", "100 MB"}));
}

// A header that is not JSON, or not UTF-8, gives the parser's message.
TEST(SafetensorsErrors, HeaderNotJson) {
  EXPECT_TRUE(headerFailsWith("{\"w\": ", "",
                              {"header is not valid JSON", "Unexpected EOF"}));
  EXPECT_TRUE(headerFailsWith("", "", {"header is not valid JSON"}));
  EXPECT_TRUE(headerFailsWith("{} x", "", {"header is not valid JSON"}));
  EXPECT_TRUE(headerFailsWith("{\"\xFF\":1}", "",
                              {"header is not valid JSON", "UTF-8"}));
  // Padding is spaces; NULs are not JSON.
  EXPECT_TRUE(headerFailsWith(StringRef("{}\0\0", 4), "",
                              {"header is not valid JSON"}));
}

// Nesting deep enough to exhaust the parser's stack is refused up front, in
// the header's structure or inside an entry.
TEST(SafetensorsErrors, HeaderNestsTooDeep) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_TRUE(headerFailsWith(deep, "", {"deeper than 64 levels"}));
  EXPECT_TRUE(
      headerFailsWith("{\"w\":{\"dtype\":\"F32\",\"shape\":" + deep + "}}", "",
                      {"deeper than 64 levels"}));
  // Unbalanced, as a truncated hostile header would be.
  EXPECT_TRUE(
      headerFailsWith(std::string(100000, '{'), "", {"deeper than 64 levels"}));
}

// The header must be an object.
TEST(SafetensorsErrors, HeaderNotObject) {
  EXPECT_TRUE(
      headerFailsWith("[]", "", {"header is an array", "expected an object"}));
  EXPECT_TRUE(headerFailsWith("3", "", {"header is a number"}));
  EXPECT_TRUE(headerFailsWith("null", "", {"header is null"}));
}

// Each entry must be an object.
TEST(SafetensorsErrors, EntryNotObject) {
  EXPECT_TRUE(headerFailsWith(
      "{\"w\":[1]}", "",
      {"tensor 'w'", "entry is an array", "expected an object"}));
  EXPECT_TRUE(headerFailsWith("{\"w\":\"F32\"}", "",
                              {"tensor 'w'", "entry is a string"}));
}

// dtype: missing, not a string, or not one of the three read.
TEST(SafetensorsErrors, BadDType) {
  EXPECT_TRUE(headerFailsWith("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}",
                              "xxxx", {"tensor 'w'", "missing \"dtype\""}));
  EXPECT_TRUE(headerFailsWith(
      "{\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", "xxxx",
      {"tensor 'w'", "dtype is a number", "expected a string"}));
  EXPECT_TRUE(headerFailsWith("{" + entry("w", "I8", "[4]", 0, 4) + "}", "xxxx",
                              {"tensor 'w'", "unsupported dtype 'I8'",
                               "only F32, F16 and BF16 are read"}));
  EXPECT_TRUE(headerFailsWith(
      "{" + entry("w", "F64", "[1]", 0, 8) + "}", "xxxxxxxx",
      {"tensor 'w'", "unsupported dtype 'F64'", "only F32, F16 and BF16"}));
  // Names are case-sensitive.
  EXPECT_TRUE(headerFailsWith("{" + entry("w", "f32", "[1]", 0, 4) + "}",
                              "xxxx", {"unsupported dtype 'f32'"}));
}

// shape: missing or not an array.
TEST(SafetensorsErrors, BadShape) {
  EXPECT_TRUE(
      headerFailsWith("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}",
                      "xxxx", {"tensor 'w'", "missing \"shape\""}));
  EXPECT_TRUE(headerFailsWith(
      "{\"w\":{\"dtype\":\"F32\",\"shape\":4,\"data_offsets\":[0,16]}}",
      std::string(16, 'x'),
      {"tensor 'w'", "shape is a number", "expected an array"}));
}

// Dimensions: negative, fractional, written as a float, not numbers, beyond
// int64_t, beyond 2^64.
TEST(SafetensorsErrors, BadDimensions) {
  EXPECT_TRUE(
      headerFailsWith("{" + entry("w", "F32", "[2,-1]", 0, 0) + "}", "",
                      {"tensor 'w'", "shape dimension 1", "negative (-1)",
                       "expected a non-negative integer"}));
  EXPECT_TRUE(headerFailsWith(
      "{" + entry("w", "F32", "[2.5]", 0, 0) + "}", "",
      {"tensor 'w'", "shape dimension 0", "not an integer (2.5)"}));
  EXPECT_TRUE(headerFailsWith(
      "{" + entry("w", "F32", "[1.0]", 0, 4) + "}", "xxxx",
      {"tensor 'w'", "shape dimension 0", "fraction or exponent"}));
  EXPECT_TRUE(headerFailsWith("{" + entry("w", "F32", "[\"3\"]", 0, 12) + "}",
                              std::string(12, 'x'),
                              {"tensor 'w'", "shape dimension 0 is a string"}));
  EXPECT_TRUE(headerFailsWith(
      "{" + entry("w", "F32", "[9223372036854775808]", 0, 0) + "}", "",
      {"tensor 'w'", "shape dimension 0 is too large",
       "at most 9223372036854775807"}));
  EXPECT_TRUE(headerFailsWith(
      "{" + entry("w", "F32", "[1,184467440737095516160]", 0, 0) + "}", "",
      {"tensor 'w'", "shape dimension 1 is too large"}));
}

// Element and byte counts that overflow 64 bits.
TEST(SafetensorsErrors, CountOverflow) {
  EXPECT_TRUE(headerFailsWith(
      "{" + entry("w", "F16", "[4294967296,4294967296]", 0, 0) + "}", "",
      {"tensor 'w'",
       "element count of shape [4294967296, 4294967296] overflows 64 bits"}));
  EXPECT_TRUE(headerFailsWith(
      "{" + entry("w", "F32", "[4611686018427387904]", 0, 0) + "}", "",
      {"tensor 'w'",
       "byte count of shape [4611686018427387904] of F32 overflows 64 bits"}));
}

// data_offsets: missing, not an array of two, not non-negative integers,
// begin after end.
TEST(SafetensorsErrors, BadDataOffsets) {
  EXPECT_TRUE(headerFailsWith("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}",
                              "xxxx",
                              {"tensor 'w'", "missing \"data_offsets\""}));
  auto withOffsets = [](StringRef offsets) {
    return "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":" +
           offsets.str() + "}}";
  };
  EXPECT_TRUE(headerFailsWith(
      withOffsets("\"0-4\""), "xxxx",
      {"tensor 'w'", "data_offsets is a string", "expected [begin, end]"}));
  EXPECT_TRUE(headerFailsWith(withOffsets("[4]"), "xxxx",
                              {"tensor 'w'", "data_offsets is an array of 1",
                               "expected [begin, end]"}));
  EXPECT_TRUE(headerFailsWith(withOffsets("[0,4,8]"), "xxxxxxxx",
                              {"tensor 'w'", "data_offsets is an array of 3"}));
  EXPECT_TRUE(headerFailsWith(withOffsets("[-4,0]"), "xxxx",
                              {"tensor 'w'", "data_offsets begin is negative",
                               "expected a non-negative integer"}));
  EXPECT_TRUE(headerFailsWith(
      withOffsets("[0,4.5]"), "xxxx",
      {"tensor 'w'", "data_offsets end is not an integer (4.5)"}));
  EXPECT_TRUE(headerFailsWith(withOffsets("[0,\"4\"]"), "xxxx",
                              {"tensor 'w'", "data_offsets end is a string"}));
  EXPECT_TRUE(headerFailsWith(withOffsets("[0,null]"), "xxxx",
                              {"tensor 'w'", "data_offsets end is null"}));
  EXPECT_TRUE(
      headerFailsWith(withOffsets("[8,4]"), std::string(8, 'x'),
                      {"tensor 'w'", "data_offsets [8, 4]",
                       "end before they begin", "expected begin <= end"}));
}

// A range that ends beyond the data buffer, by a little or by 2^64 - 1.
TEST(SafetensorsErrors, EndBeyondDataBuffer) {
  EXPECT_TRUE(headerFailsWith("{" + entry("w", "F32", "[2]", 0, 8) + "}",
                              "xxxx",
                              {"tensor 'w'", "data_offsets [0, 8]",
                               "beyond the data buffer, which holds 4 bytes"}));
  EXPECT_TRUE(
      headerFailsWith("{" +
                          entry("w", "F32", "[1]", 18446744073709551611ull,
                                18446744073709551615ull) +
                          "}",
                      "xxxx", {"tensor 'w'", "beyond the data buffer"}));
}

// A range whose length is not the shape's element count times the dtype's
// size; the whole message as the brief gives it.
TEST(SafetensorsErrors, ByteLengthMismatch) {
  TempFile file(
      makeFile("{" + entry("fc1.weight", "F32", "[5,10]", 0, 100) + "}",
               std::string(200, 'x')));
  llvm::Expected<SafetensorsFile> opened =
      SafetensorsFile::open(file.getPath());
  ASSERT_FALSE(bool(opened));
  EXPECT_EQ(llvm::toString(opened.takeError()),
            file.getPath() + ": tensor 'fc1.weight': data_offsets [0, 100] "
                             "hold 100 bytes; shape [5, 10] of F32 needs 200");
  // Too many bytes as well as too few; rank 0 is one element.
  EXPECT_TRUE(headerFailsWith("{" + entry("s", "BF16", "[]", 0, 4) + "}",
                              "xxxx",
                              {"tensor 's'", "data_offsets [0, 4] hold 4 "
                                             "bytes; shape [] of BF16 needs "
                                             "2"}));
}

// Two tensors whose byte ranges overlap are reported by both names; an empty
// range overlaps nothing.
TEST(SafetensorsErrors, OverlappingTensors) {
  EXPECT_TRUE(headerFailsWith(
      "{" + entry("a", "F32", "[2]", 0, 8) + "," +
          entry("b", "F32", "[2]", 4, 12) + "}",
      std::string(12, 'x'),
      {"tensors 'a' (data_offsets [0, 8]) and 'b' (data_offsets [4, 12]) "
       "overlap"}));
  // Inside a longer range, listed apart from it, between tensors that
  // overlap nothing.
  EXPECT_TRUE(headerFailsWith("{" + entry("first", "F32", "[1]", 0, 4) + "," +
                                  entry("inner", "F32", "[1]", 12, 16) + "," +
                                  entry("last", "F32", "[1]", 20, 24) + "," +
                                  entry("long", "F32", "[4]", 4, 20) + "}",
                              std::string(24, 'x'),
                              {"'long'", "'inner'", "overlap"}));
  // The same range twice.
  EXPECT_TRUE(headerFailsWith("{" + entry("x", "F16", "[2]", 0, 4) + "," +
                                  entry("y", "F32", "[1]", 0, 4) + "}",
                              "xxxx", {"'x'", "'y'", "overlap"}));
  // Empty ranges inside or at the edge of another are fine.
  std::string data;
  appendF32(data, 1.0f);
  appendF32(data, 2.0f);
  SafetensorsFile file =
      openContents(makeFile("{" + entry("a", "F32", "[2]", 0, 8) + "," +
                                entry("e1", "F32", "[0]", 4, 4) + "," +
                                entry("e2", "F16", "[0,3]", 0, 0) + "}",
                            data));
  EXPECT_EQ(file.getTensors().size(), 3u);
}

// __metadata__ must be an object of strings.
TEST(SafetensorsErrors, BadMetadata) {
  EXPECT_TRUE(headerFailsWith(
      "{\"__metadata__\":\"pt\"}", "",
      {"__metadata__ is a string", "expected an object of strings"}));
  EXPECT_TRUE(
      headerFailsWith("{\"__metadata__\":null}", "", {"__metadata__ is null"}));
  EXPECT_TRUE(headerFailsWith(
      "{\"__metadata__\":{\"ok\":\"x\",\"k\":1,\"z\":[]}}", "",
      {"__metadata__ value of 'k' is a number", "expected a string"}));
}

// Only the first error is reported, and the same one every run: entries are
// checked in order of name.
TEST(SafetensorsErrors, FirstErrorOnly) {
  for (int run = 0; run < 3; ++run) {
    ::testing::AssertionResult result =
        headerFailsWith("{" + entry("b", "I8", "[1]", 0, 1) + "," +
                            entry("a", "F64", "[1]", 0, 8) + "}",
                        std::string(8, 'x'), {"tensor 'a'", "'F64'"});
    EXPECT_TRUE(result);
    EXPECT_FALSE(StringRef(result.message()).contains("'b'"))
        << result.message();
    EXPECT_FALSE(StringRef(result.message()).contains("\n"))
        << result.message();
  }
}

// A valid file cut at every shorter length fails cleanly: its last tensor
// ends at the end of the file, so every prefix lacks data or header.
TEST(SafetensorsErrors, TruncatedFile) {
  std::string data;
  appendF32(data, 1.0f);
  appendF32(data, -1.0f);
  appendU16(data, 0x3C00);
  appendU16(data, 0x3F80);
  std::string header = "{\"__metadata__\":{\"format\":\"pt\"}," +
                       entry("f", "F32", "[2]", 0, 8) + "," +
                       entry("h", "F16", "[1]", 8, 10) + "," +
                       entry("b", "BF16", "[]", 10, 12) + "}";
  header.append(8 - header.size() % 8, ' ');
  const std::string whole = makeFile(header, data);
  {
    SafetensorsFile file = openContents(whole);
    ASSERT_EQ(file.getTensors().size(), 3u);
    EXPECT_EQ(file.lookup("b")->getValue(0), 1.0f);
  }
  for (size_t length = 0; length < whole.size(); ++length) {
    TempFile file(StringRef(whole).take_front(length));
    llvm::Expected<SafetensorsFile> opened =
        SafetensorsFile::open(file.getPath());
    ASSERT_FALSE(bool(opened)) << "cut at " << length;
    const std::string message = llvm::toString(opened.takeError());
    EXPECT_TRUE(StringRef(message).starts_with(file.getPath() + ": "))
        << message;
  }
}

} // namespace
