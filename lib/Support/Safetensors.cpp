//===- Safetensors.cpp - Reading tensors from safetensors files -----------===//

#include "palettize/Support/Safetensors.h"
#include "palettize/Lut/FloatFormats.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>
#include <cmath>
#include <limits>
#include <optional>
#include <tuple>

using namespace palettize;
using llvm::StringRef;
using llvm::Twine;
namespace json = llvm::json;

/// A longer header is not a safetensors file, whatever its length field says
/// (the reference implementation's limit too).
static constexpr uint64_t kMaxHeaderBytes = 100'000'000;
/// A valid header nests three deep (file, entry, shape). LLVM's JSON parser
/// recurses once per level with no limit of its own, so a hostile header of
/// brackets would overflow the stack.
static constexpr unsigned kMaxHeaderDepth = 64;

unsigned palettize::getSafetensorsDTypeSize(SafetensorsDType dtype) {
  return dtype == SafetensorsDType::F32 ? 4 : 2;
}

StringRef palettize::getSafetensorsDTypeName(SafetensorsDType dtype) {
  switch (dtype) {
  case SafetensorsDType::F32:
    return "F32";
  case SafetensorsDType::F16:
    return "F16";
  case SafetensorsDType::BF16:
    return "BF16";
  }
  llvm_unreachable("unknown safetensors dtype");
}

uint64_t SafetensorsTensor::getElementCount() const {
  uint64_t count = 1;
  for (int64_t dim : shape)
    count *= uint64_t(dim);
  return count;
}

float SafetensorsTensor::getValue(uint64_t i) const {
  assert(i < bytes.size() / getSafetensorsDTypeSize(dtype) &&
         "element index out of range");
  return readFloat(bytes.data(), getFormat(), int64_t(i));
}

FloatFormat SafetensorsTensor::getFormat() const {
  switch (dtype) {
  case SafetensorsDType::F32:
    return FloatFormat::F32;
  case SafetensorsDType::F16:
    return FloatFormat::F16;
  case SafetensorsDType::BF16:
    return FloatFormat::BF16;
  }
  llvm_unreachable("unknown safetensors dtype");
}

const SafetensorsTensor *SafetensorsFile::lookup(StringRef name) const {
  auto it = indexByName.find(name);
  return it == indexByName.end() ? nullptr : &tensors[it->second];
}

namespace {

/// A tensor entry of the header, validated.
struct Entry {
  StringRef name;
  SafetensorsDType dtype;
  llvm::SmallVector<int64_t, 4> shape;
  uint64_t begin;
  uint64_t end;
};

/// Validates the parts of a header against a data buffer of `dataSize`
/// bytes; every error names `path`.
class HeaderChecker {
public:
  HeaderChecker(StringRef path, uint64_t dataSize)
      : path(path), dataSize(dataSize) {}

  llvm::Error fail(const Twine &what) const {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   path + ": " + what);
  }
  llvm::Error failTensor(StringRef name, const Twine &what) const {
    return fail("tensor '" + name + "': " + what);
  }

  llvm::Expected<Entry> readEntry(StringRef name,
                                  const json::Value &value) const;
  llvm::Error checkMetadata(const json::Value &value) const;

private:
  llvm::Expected<SafetensorsDType> readDType(StringRef name,
                                             const json::Object &entry) const;
  llvm::Error readShape(StringRef name, const json::Object &entry,
                        llvm::SmallVectorImpl<int64_t> &shape) const;
  llvm::Error readOffsets(StringRef name, const json::Object &entry,
                          uint64_t &begin, uint64_t &end) const;
  llvm::Expected<uint64_t> readCount(StringRef name, const Twine &what,
                                     const json::Value &value) const;

  StringRef path;
  uint64_t dataSize;
};

} // namespace

/// "a number", "an array", ...: what a JSON value is, for messages.
static StringRef describeKind(const json::Value &value) {
  switch (value.kind()) {
  case json::Value::Null:
    return "null";
  case json::Value::Boolean:
    return "a boolean";
  case json::Value::Number:
    return "a number";
  case json::Value::String:
    return "a string";
  case json::Value::Array:
    return "an array";
  case json::Value::Object:
    return "an object";
  }
  llvm_unreachable("unknown JSON kind");
}

static std::string printJSON(const json::Value &value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << value;
  return text;
}

static std::string printShape(llvm::ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os);
  os << ']';
  return text;
}

static std::string printOffsets(uint64_t begin, uint64_t end) {
  return ("[" + Twine(begin) + ", " + Twine(end) + "]").str();
}

/// Whether brackets outside strings nest deeper than `limit` in `text`. Up to
/// the first syntax error this sees the nesting the parser would, so a text
/// that passes cannot take the parser deeper.
static bool nestsDeeperThan(StringRef text, unsigned limit) {
  unsigned depth = 0;
  bool inString = false;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i; // An escaped quote does not end the string.
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit)
        return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

llvm::Expected<uint64_t>
HeaderChecker::readCount(StringRef name, const Twine &what,
                         const json::Value &value) const {
  if (std::optional<uint64_t> count = value.getAsUINT64())
    return *count;
  const char *expected = "; expected a non-negative integer";
  if (value.kind() != json::Value::Number)
    return failTensor(name, what + " is " + describeKind(value) + expected);
  // The parser keeps integers that fit 64 bits as integers; the rest are
  // doubles, which a writer of counts never produces.
  const double number = *value.getAsNumber();
  const std::string text = printJSON(value);
  if (number < 0)
    return failTensor(name, what + " is negative (" + text + ")" + expected);
  if (std::trunc(number) != number)
    return failTensor(name,
                      what + " is not an integer (" + text + ")" + expected);
  if (number >= 0x1p64)
    return failTensor(name, what + " is too large (" + text + ")" + expected +
                                " below 2^64");
  return failTensor(name, what + " is written as a fraction or exponent (" +
                              text + ")" + expected + " literal");
}

llvm::Expected<SafetensorsDType>
HeaderChecker::readDType(StringRef name, const json::Object &entry) const {
  const json::Value *value = entry.get("dtype");
  if (!value)
    return failTensor(name, "missing \"dtype\"; expected F32, F16 or BF16");
  std::optional<StringRef> dtype = value->getAsString();
  if (!dtype)
    return failTensor(name, "dtype is " + describeKind(*value) +
                                "; expected a string: F32, F16 or BF16");
  if (*dtype == "F32")
    return SafetensorsDType::F32;
  if (*dtype == "F16")
    return SafetensorsDType::F16;
  if (*dtype == "BF16")
    return SafetensorsDType::BF16;
  return failTensor(name, "unsupported dtype '" + *dtype +
                              "'; only F32, F16 and BF16 are read");
}

llvm::Error
HeaderChecker::readShape(StringRef name, const json::Object &entry,
                         llvm::SmallVectorImpl<int64_t> &shape) const {
  const json::Value *value = entry.get("shape");
  if (!value)
    return failTensor(name, "missing \"shape\"; expected an array of "
                            "dimensions");
  const json::Array *dims = value->getAsArray();
  if (!dims)
    return failTensor(name, "shape is " + describeKind(*value) +
                                "; expected an array of dimensions");
  for (auto [i, dimValue] : llvm::enumerate(*dims)) {
    const std::string what = ("shape dimension " + Twine(i)).str();
    llvm::Expected<uint64_t> dim = readCount(name, what, dimValue);
    if (!dim)
      return dim.takeError();
    constexpr uint64_t maxDim = std::numeric_limits<int64_t>::max();
    if (*dim > maxDim)
      return failTensor(name, what + " is too large (" + Twine(*dim) +
                                  "); expected at most " + Twine(maxDim));
    shape.push_back(int64_t(*dim));
  }
  return llvm::Error::success();
}

llvm::Error HeaderChecker::readOffsets(StringRef name,
                                       const json::Object &entry,
                                       uint64_t &begin, uint64_t &end) const {
  const json::Value *value = entry.get("data_offsets");
  if (!value)
    return failTensor(name, "missing \"data_offsets\"; expected [begin, end]");
  const json::Array *offsets = value->getAsArray();
  if (!offsets)
    return failTensor(name, "data_offsets is " + describeKind(*value) +
                                "; expected [begin, end]");
  if (offsets->size() != 2)
    return failTensor(name, "data_offsets is an array of " +
                                Twine(offsets->size()) +
                                "; expected [begin, end]");
  llvm::Expected<uint64_t> first =
      readCount(name, "data_offsets begin", (*offsets)[0]);
  if (!first)
    return first.takeError();
  llvm::Expected<uint64_t> last =
      readCount(name, "data_offsets end", (*offsets)[1]);
  if (!last)
    return last.takeError();
  begin = *first;
  end = *last;
  if (begin > end)
    return failTensor(name, "data_offsets " + printOffsets(begin, end) +
                                " end before they begin; expected begin <= "
                                "end");
  if (end > dataSize)
    return failTensor(name, "data_offsets " + printOffsets(begin, end) +
                                " reach beyond the data buffer, which holds " +
                                Twine(dataSize) +
                                (dataSize == 1 ? " byte" : " bytes"));
  return llvm::Error::success();
}

llvm::Expected<Entry> HeaderChecker::readEntry(StringRef name,
                                               const json::Value &value) const {
  const json::Object *object = value.getAsObject();
  if (!object)
    return failTensor(name, "entry is " + describeKind(value) +
                                "; expected an object with \"dtype\", "
                                "\"shape\" and \"data_offsets\"");
  Entry entry;
  entry.name = name;
  llvm::Expected<SafetensorsDType> dtype = readDType(name, *object);
  if (!dtype)
    return dtype.takeError();
  entry.dtype = *dtype;
  if (llvm::Error error = readShape(name, *object, entry.shape))
    return error;

  // A zero dimension makes the count zero however large the others are.
  uint64_t elements = 1;
  if (!llvm::is_contained(entry.shape, 0)) {
    for (int64_t dim : entry.shape) {
      bool overflowed = false;
      elements = llvm::SaturatingMultiply(elements, uint64_t(dim), &overflowed);
      if (overflowed)
        return failTensor(name, "element count of shape " +
                                    printShape(entry.shape) +
                                    " overflows 64 bits");
    }
  } else {
    elements = 0;
  }
  const StringRef dtypeName = getSafetensorsDTypeName(entry.dtype);
  bool overflowed = false;
  const uint64_t bytes = llvm::SaturatingMultiply(
      elements, uint64_t(getSafetensorsDTypeSize(entry.dtype)), &overflowed);
  if (overflowed)
    return failTensor(name, "byte count of shape " + printShape(entry.shape) +
                                " of " + dtypeName + " overflows 64 bits");

  if (llvm::Error error = readOffsets(name, *object, entry.begin, entry.end))
    return error;
  if (entry.end - entry.begin != bytes)
    return failTensor(name, "data_offsets " +
                                printOffsets(entry.begin, entry.end) +
                                " hold " + Twine(entry.end - entry.begin) +
                                " bytes; shape " + printShape(entry.shape) +
                                " of " + dtypeName + " needs " + Twine(bytes));
  return entry;
}

llvm::Error HeaderChecker::checkMetadata(const json::Value &value) const {
  const json::Object *metadata = value.getAsObject();
  if (!metadata)
    return fail("__metadata__ is " + describeKind(value) +
                "; expected an object of strings");
  // The object's order is a hash order: report the first bad key by name.
  std::optional<StringRef> badKey;
  for (const auto &[key, item] : *metadata)
    if (item.kind() != json::Value::String &&
        (!badKey || StringRef(key) < *badKey))
      badKey = key;
  if (badKey)
    return fail("__metadata__ value of '" + *badKey + "' is " +
                describeKind(*metadata->get(*badKey)) + "; expected a string");
  return llvm::Error::success();
}

llvm::Expected<SafetensorsFile> SafetensorsFile::open(StringRef path) {
  // No null terminator: lets MemoryBuffer map the file rather than copy it.
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (std::error_code ec = buffer.getError())
    return llvm::createStringError(ec, path + ": cannot open: " + ec.message());
  return fromBuffer(std::move(*buffer));
}

llvm::Expected<SafetensorsFile>
SafetensorsFile::fromBuffer(std::unique_ptr<llvm::MemoryBuffer> buffer) {
  const StringRef path = buffer->getBufferIdentifier();
  const StringRef contents = buffer->getBuffer();
  // Before the header is read there is no data buffer to check against.
  HeaderChecker file(path, 0);
  if (contents.size() < 8)
    return file.fail("file is " + Twine(contents.size()) +
                     " bytes, too short for the 8-byte header length");
  const uint64_t headerSize = llvm::support::endian::read64le(contents.data());
  const uint64_t rest = contents.size() - 8;
  if (headerSize > kMaxHeaderBytes)
    return file.fail("header length " + Twine(headerSize) +
                     " exceeds the sanity limit of 100 MB (" +
                     Twine(kMaxHeaderBytes) + " bytes)");
  if (headerSize > rest)
    return file.fail("header length " + Twine(headerSize) +
                     " runs past the end of the file: only " + Twine(rest) +
                     " bytes follow the length field");
  const StringRef headerText = contents.substr(8, headerSize);
  const StringRef data = contents.drop_front(8 + headerSize);

  if (nestsDeeperThan(headerText, kMaxHeaderDepth))
    return file.fail("header nests JSON deeper than " + Twine(kMaxHeaderDepth) +
                     " levels; expected an object of tensor entries");
  llvm::Expected<json::Value> header = json::parse(headerText);
  if (!header)
    return file.fail("header is not valid JSON: " +
                     llvm::toString(header.takeError()));
  const json::Object *entries = header->getAsObject();
  if (!entries)
    return file.fail("header is " + describeKind(*header) +
                     "; expected an object mapping tensor names to entries");

  // Check in order of name so that the first error is the same every run.
  std::vector<std::pair<StringRef, const json::Value *>> items;
  items.reserve(entries->size());
  for (const auto &[key, value] : *entries)
    items.emplace_back(key, &value);
  llvm::sort(items, llvm::less_first());

  HeaderChecker checker(path, data.size());
  std::vector<Entry> tensors;
  tensors.reserve(items.size());
  for (const auto &[name, value] : items) {
    if (name == "__metadata__") {
      if (llvm::Error error = checker.checkMetadata(*value))
        return error;
      continue;
    }
    llvm::Expected<Entry> entry = checker.readEntry(name, *value);
    if (!entry)
      return entry.takeError();
    tensors.push_back(std::move(*entry));
  }

  llvm::sort(tensors, [](const Entry &a, const Entry &b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  // Sorted by begin, a range overlaps an earlier one iff it overlaps the
  // last non-empty one; empty ranges overlap nothing.
  const Entry *previous = nullptr;
  for (const Entry &entry : tensors) {
    if (entry.begin == entry.end)
      continue;
    if (previous && entry.begin < previous->end)
      return checker.fail("tensors '" + previous->name + "' (data_offsets " +
                          printOffsets(previous->begin, previous->end) +
                          ") and '" + entry.name + "' (data_offsets " +
                          printOffsets(entry.begin, entry.end) + ") overlap");
    previous = &entry;
  }

  SafetensorsFile result;
  result.tensors.reserve(tensors.size());
  for (const Entry &entry : tensors) {
    result.indexByName[entry.name] = result.tensors.size();
    result.tensors.push_back({entry.name.str(), entry.dtype, entry.shape,
                              llvm::ArrayRef<char>(data.data() + entry.begin,
                                                   entry.end - entry.begin)});
  }
  // The tensors' bytes point into the buffer, which moves intact.
  result.buffer = std::move(buffer);
  return result;
}
