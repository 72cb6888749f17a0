//===- ScratchFileTest.cpp - releasable storage and the scratch file ------===//
//
// Releasing storage drops pages from memory, never data: what was written
// or mapped reads back the same afterwards, and memory outside registered
// storage is left alone.
//
//===----------------------------------------------------------------------===//

#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Target/CoreML/CoreML.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

using namespace palettize;

namespace {

std::string makeTempDir() {
  llvm::SmallString<128> dir;
  EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("scratch-test", dir));
  return dir.str().str();
}

size_t countEntries(const std::string &dir) {
  size_t entries = 0;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    ++entries;
  return entries;
}

TEST(ScratchFileTest, BlobsReadBackAfterRelease) {
  std::string dir = makeTempDir();
  std::string error;
  mil::BlobAllocator allocate =
      coreml::createFileBackedBlobAllocator(dir, error);
  ASSERT_TRUE(bool(allocate)) << error;
  // The scratch file has no name in the directory.
  EXPECT_EQ(countEntries(dir), 0u);
  std::vector<mlir::AsmResourceBlob> blobs;
  for (size_t size : {size_t(1), size_t(4095), size_t(4096), size_t(300000)}) {
    mlir::AsmResourceBlob blob = allocate(size, 1);
    ASSERT_EQ(blob.getData().size(), size);
    ASSERT_TRUE(blob.isMutable());
    llvm::MutableArrayRef<char> data = blob.getMutableData();
    for (size_t i = 0; i < size; ++i)
      data[i] = char(i * 7 + size);
    mil::releaseStorage(blob.getData());
    blobs.push_back(std::move(blob));
  }
  // Each blob holds what was written into it, after its pages were
  // released and after the others were allocated.
  for (const mlir::AsmResourceBlob &blob : blobs) {
    size_t size = blob.getData().size();
    for (size_t i = 0; i < size; ++i)
      ASSERT_EQ(blob.getData()[i], char(i * 7 + size)) << size << " " << i;
  }
  blobs.clear();
  EXPECT_EQ(countEntries(dir), 0u);
  llvm::sys::fs::remove_directories(dir);
}

TEST(ReleasableStorageTest, MappedFileReadsBack) {
  std::string dir = makeTempDir();
  llvm::SmallString<128> path(dir);
  llvm::sys::path::append(path, "weights.bin");
  std::vector<char> bytes(5 * 4096 + 123);
  for (size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = char(i % 251);
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    ASSERT_FALSE(ec);
    os.write(bytes.data(), bytes.size());
  }
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  ASSERT_TRUE(bool(buffer));
  llvm::ArrayRef<char> range((*buffer)->getBufferStart(),
                             (*buffer)->getBufferSize());
  ASSERT_EQ((*buffer)->getBufferKind(), llvm::MemoryBuffer::MemoryBuffer_MMap);
  mil::registerReleasableStorage(range);
  mil::releaseStorage(range.slice(100, 3 * 4096));
  mil::releaseStorage(range);
  EXPECT_TRUE(std::equal(range.begin(), range.end(), bytes.begin()));
  mil::unregisterReleasableStorage(range);
  llvm::sys::fs::remove_directories(dir);
}

TEST(ReleasableStorageTest, OtherMemoryIsLeftAlone) {
  // Heap memory was never registered: releasing it must not drop it (on
  // private anonymous memory that would zero it).
  std::vector<char> heap(64 * 4096);
  std::iota(heap.begin(), heap.end(), char(1));
  std::vector<char> copy = heap;
  mil::releaseStorage(llvm::ArrayRef<char>(heap));
  EXPECT_EQ(heap, copy);
}

} // namespace
