//===- ConstantData.cpp - Raw bytes of constant tensors -------------------===//

#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Lut/BitPacking.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/Process.h"

#include <map>
#include <mutex>
#include <sys/mman.h>

using namespace mlir;
using namespace palettize::mil;

std::optional<palettize::FloatFormat>
palettize::mil::getFloatFormat(Type elementType) {
  if (elementType.isF16())
    return FloatFormat::F16;
  if (elementType.isBF16())
    return FloatFormat::BF16;
  if (elementType.isF32())
    return FloatFormat::F32;
  return std::nullopt;
}

std::optional<int64_t> palettize::mil::getCheckedElementCount(ShapedType type) {
  int64_t count = 1;
  for (int64_t size : type.getShape()) {
    std::optional<int64_t> product = llvm::checkedMul(count, size);
    if (size < 0 || !product)
      return std::nullopt;
    count = *product;
  }
  return count;
}

std::optional<int64_t> palettize::mil::getCheckedByteCount(ShapedType type) {
  const unsigned width = getElementByteWidth(type.getElementType());
  std::optional<int64_t> count = getCheckedElementCount(type);
  if (width == 0 || !count)
    return std::nullopt;
  return llvm::checkedMul(*count, int64_t(width));
}

/// Bits per element of a blob of `elementType`, 0 if it has no layout.
static unsigned getBlobElementBits(Type elementType) {
  if (auto complex = dyn_cast<ComplexType>(elementType))
    return 2 * getBlobElementBits(complex.getElementType());
  if (!isa<IntegerType, FloatType>(elementType))
    return 0;
  const unsigned bits = elementType.getIntOrFloatBitWidth();
  // MLIR's blobs hold a boolean (i1) per byte; ui1, Core ML's uint1 (the
  // sparse masks), is packed like the other sub-byte types.
  return elementType.isSignlessInteger(1) ? 8 : bits;
}

bool palettize::mil::hasBlobLayout(Type elementType) {
  return getBlobElementBits(elementType) != 0;
}

std::optional<int64_t> palettize::mil::getBlobByteCount(ShapedType type) {
  const unsigned bits = getBlobElementBits(type.getElementType());
  std::optional<int64_t> count = getCheckedElementCount(type);
  if (bits == 0 || !count)
    return std::nullopt;
  if (bits % 8 == 0)
    return llvm::checkedMul(*count, int64_t(bits / 8));
  std::optional<int64_t> totalBits = llvm::checkedMul(*count, int64_t(bits));
  if (!totalBits)
    return std::nullopt;
  return *totalBits / 8 + (*totalBits % 8 != 0);
}

unsigned palettize::mil::getElementByteWidth(Type elementType) {
  // Only types whose dense storage is a whole number of bytes per element:
  // i1 is bit-packed and sub-byte integers are padded, so raw bytes of those
  // do not mean what a byte-wise reader would assume.
  if (!isa<IntegerType, FloatType>(elementType))
    return 0;
  unsigned bits = elementType.getIntOrFloatBitWidth();
  return bits % 8 == 0 ? bits / 8 : 0;
}

StringRef palettize::mil::describe(RawDataError error) {
  switch (error) {
  case RawDataError::None:
    return "no error";
  case RawDataError::UnsupportedAttribute:
    return "is neither a dense nor a dense_resource attribute";
  case RawDataError::UnsupportedElementType:
    return "has an element type without byte-addressable storage";
  case RawDataError::MissingBlob:
    return "refers to a resource blob that has no data";
  case RawDataError::WrongBlobSize:
    return "has a resource blob whose size does not match its type";
  case RawDataError::TooLarge:
    return "has a type with more elements than fit in memory";
  }
  llvm_unreachable("unknown RawDataError");
}

std::optional<uint64_t> palettize::mil::getStoredByteCount(ElementsAttr attr) {
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    unsigned width = getElementByteWidth(dense.getElementType());
    if (width == 0)
      return std::nullopt;
    return uint64_t(dense.getNumElements()) * width;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    return blob->getData().size();
  }
  return std::nullopt;
}

RawElementsData palettize::mil::getRawElementsData(ElementsAttr attr) {
  RawElementsData data;
  unsigned width = getElementByteWidth(attr.getElementType());
  if (width == 0) {
    data.error = RawDataError::UnsupportedElementType;
    return data;
  }
  std::optional<int64_t> checkedBytes =
      getCheckedByteCount(attr.getShapedType());
  if (!checkedBytes) {
    data.error = RawDataError::TooLarge;
    return data;
  }
  const uint64_t byteCount = uint64_t(*checkedBytes);

  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    ArrayRef<char> raw = dense.getRawData();
    if (dense.isSplat() && byteCount != raw.size()) {
      // A splat stores one element; repeat it.
      data.expanded.resize(byteCount);
      for (uint64_t offset = 0; offset < byteCount; offset += width)
        std::memcpy(data.expanded.data() + offset, raw.data(), width);
      data.bytes = data.expanded;
      return data;
    }
    data.bytes = raw;
    return data;
  }

  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob) {
      data.error = RawDataError::MissingBlob;
      return data;
    }
    if (blob->getData().size() != byteCount) {
      data.error = RawDataError::WrongBlobSize;
      return data;
    }
    data.bytes = blob->getData();
    return data;
  }

  data.error = RawDataError::UnsupportedAttribute;
  return data;
}

std::vector<uint8_t>
palettize::mil::packSubByteElements(DenseElementsAttr attr) {
  std::vector<uint8_t> values;
  values.reserve(attr.getNumElements());
  for (const APInt &value : attr.getValues<APInt>())
    values.push_back(uint8_t(value.getZExtValue()));
  return packIndices(values, attr.getElementType().getIntOrFloatBitWidth());
}

RawElementsData palettize::mil::getPackedElementsData(ElementsAttr attr) {
  auto integer = dyn_cast<IntegerType>(attr.getElementType());
  if (!integer || integer.getWidth() >= 8 || integer.isSignlessInteger(1))
    return getRawElementsData(attr);
  RawElementsData data;
  std::optional<int64_t> byteCount = getBlobByteCount(attr.getShapedType());
  if (!byteCount) {
    data.error = RawDataError::TooLarge;
    return data;
  }
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    std::vector<uint8_t> packed = packSubByteElements(dense);
    data.expanded.assign(packed.begin(), packed.end());
    data.bytes = data.expanded;
    return data;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      data.error = RawDataError::MissingBlob;
    else if (blob->getData().size() != uint64_t(*byteCount))
      data.error = RawDataError::WrongBlobSize;
    else
      data.bytes = blob->getData();
    return data;
  }
  data.error = RawDataError::UnsupportedAttribute;
  return data;
}

DenseElementsAttr palettize::mil::getDenseFromBlobLayout(ShapedType type,
                                                         ArrayRef<char> bytes) {
  auto integer = dyn_cast<IntegerType>(type.getElementType());
  if (!integer || integer.getWidth() >= 8 || integer.isSignlessInteger(1))
    return DenseElementsAttr::getFromRawBuffer(type, bytes);
  std::vector<uint8_t> values(type.getNumElements());
  unpackIndices(
      ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(bytes.data()),
                        bytes.size()),
      integer.getWidth(), values);
  SmallVector<APInt> elements;
  elements.reserve(values.size());
  for (uint8_t value : values)
    elements.emplace_back(integer.getWidth(), value);
  return DenseElementsAttr::get(type, elements);
}

ElementsAttr palettize::mil::createElementsAttr(
    ShapedType type, StringRef blobName, int64_t maxDenseElements,
    function_ref<void(MutableArrayRef<char>)> fill) {
  std::optional<int64_t> blobBytes = getBlobByteCount(type);
  assert(blobBytes && !type.getElementType().isSignlessInteger(1) &&
         "element type has no blob layout");
  const size_t byteCount = size_t(*blobBytes);

  if (type.getNumElements() <= maxDenseElements) {
    std::vector<char> buffer(byteCount);
    fill(buffer);
    return getDenseFromBlobLayout(type, buffer);
  }

  // Align blobs to 64 bytes so that readers (and bytecode, which keeps the
  // alignment) can map them as vectors of any element type.
  AsmResourceBlob blob = HeapAsmResourceBlob::allocate(byteCount, /*align=*/64);
  fill(blob.getMutableData());
  return DenseResourceElementsAttr::get(type, blobName, std::move(blob));
}

//===----------------------------------------------------------------------===//
// Storage that need not stay in memory
//===----------------------------------------------------------------------===//

namespace {
/// The registered ranges, by start address.
struct ReleasableStorage {
  std::mutex mutex;
  std::map<uintptr_t, size_t> ranges;
  BlobAllocator allocator;
};
ReleasableStorage &getReleasableStorage() {
  static ReleasableStorage storage;
  return storage;
}
} // namespace

void palettize::mil::registerReleasableStorage(ArrayRef<char> range) {
  ReleasableStorage &storage = getReleasableStorage();
  std::lock_guard<std::mutex> lock(storage.mutex);
  storage.ranges[uintptr_t(range.data())] = range.size();
}

void palettize::mil::unregisterReleasableStorage(ArrayRef<char> range) {
  ReleasableStorage &storage = getReleasableStorage();
  std::lock_guard<std::mutex> lock(storage.mutex);
  storage.ranges.erase(uintptr_t(range.data()));
}

void palettize::mil::releaseStorage(ArrayRef<char> data) {
  if (data.empty())
    return;
  static const uintptr_t pageSize = llvm::sys::Process::getPageSizeEstimate();
  uintptr_t begin = uintptr_t(data.data());
  uintptr_t end = begin + data.size();
  ReleasableStorage &storage = getReleasableStorage();
  std::lock_guard<std::mutex> lock(storage.mutex);
  auto it = storage.ranges.upper_bound(begin);
  if (it == storage.ranges.begin())
    return;
  --it;
  // Only what lies inside the registered range, whole pages only.
  begin = std::max(begin, it->first);
  end = std::min(end, it->first + it->second);
  begin = (begin + pageSize - 1) / pageSize * pageSize;
  end = end / pageSize * pageSize;
  if (begin < end)
    (void)madvise(reinterpret_cast<void *>(begin), end - begin, MADV_DONTNEED);
}

void palettize::mil::releaseStorage(ElementsAttr attr) {
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource)
    return;
  if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
    releaseStorage(blob->getData());
}

BlobAllocator palettize::mil::setLargeBlobAllocator(BlobAllocator allocator) {
  ReleasableStorage &storage = getReleasableStorage();
  std::lock_guard<std::mutex> lock(storage.mutex);
  std::swap(storage.allocator, allocator);
  return allocator;
}

AsmResourceBlob palettize::mil::allocateLargeBlob(size_t bytes,
                                                  size_t alignment) {
  BlobAllocator allocator;
  {
    ReleasableStorage &storage = getReleasableStorage();
    std::lock_guard<std::mutex> lock(storage.mutex);
    allocator = storage.allocator;
  }
  if (allocator)
    return allocator(bytes, alignment);
  return HeapAsmResourceBlob::allocate(bytes, alignment);
}
