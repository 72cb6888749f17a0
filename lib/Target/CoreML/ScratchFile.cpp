//===- ScratchFile.cpp - large blobs in a file-backed mapping -------------===//

#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Target/CoreML/CoreML.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <mutex>
#include <sys/mman.h>
#include <unistd.h>

using namespace mlir;
using namespace palettize;

namespace {
/// The scratch file: an unlinked file that grows by whole pages.
struct ScratchFile {
  ~ScratchFile() { ::close(fd); }
  int fd = -1;
  uint64_t size = 0;
  std::mutex mutex;
};
} // namespace

mil::BlobAllocator
palettize::coreml::createFileBackedBlobAllocator(StringRef directory,
                                                 std::string &error) {
  llvm::SmallString<256> model(directory);
  llvm::sys::path::append(model, "palettize-scratch-%%%%%%%%.tmp");
  auto file = std::make_shared<ScratchFile>();
  llvm::SmallString<256> path;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(model, file->fd, path)) {
    error = "cannot create a scratch file in " + directory.str() + ": " +
            ec.message();
    return {};
  }
  // Nothing is left behind, whatever happens: the file has no name.
  (void)llvm::sys::fs::remove(path);
  return [file](size_t bytes, size_t alignment) -> AsmResourceBlob {
    const uint64_t page = llvm::sys::Process::getPageSizeEstimate();
    if (bytes == 0 || alignment > page)
      return HeapAsmResourceBlob::allocate(bytes, alignment);
    const uint64_t mapped = (bytes + page - 1) / page * page;
    uint64_t offset;
    {
      std::lock_guard<std::mutex> lock(file->mutex);
      offset = file->size;
      if (::ftruncate(file->fd, off_t(offset + mapped)) != 0)
        return HeapAsmResourceBlob::allocate(bytes, alignment);
      file->size = offset + mapped;
    }
    void *data = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_SHARED,
                        file->fd, off_t(offset));
    if (data == MAP_FAILED)
      return HeapAsmResourceBlob::allocate(bytes, alignment);
    ArrayRef<char> range(static_cast<const char *>(data), mapped);
    mil::registerReleasableStorage(range);
    return AsmResourceBlob(
        ArrayRef<char>(static_cast<const char *>(data), bytes), page,
        [file, range](void *, size_t, size_t) {
          mil::unregisterReleasableStorage(range);
          ::munmap(const_cast<char *>(range.data()), range.size());
        },
        /*dataIsMutable=*/true);
  };
}
