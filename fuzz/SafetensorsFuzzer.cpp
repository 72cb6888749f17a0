//===- SafetensorsFuzzer.cpp - Fuzz the safetensors reader ----------------===//
//
// The input is the file, byte for byte. Invariants: no crash and no read
// outside the buffer (the sanitizers watch every element read); a failure
// has a message naming the buffer; an accepted file's tensors lie inside it,
// do not overlap, and hold exactly their shape's elements.
//
//===----------------------------------------------------------------------===//

#include "palettize/Support/Safetensors.h"

#include "llvm/Support/MemoryBuffer.h"

#include "FuzzInput.h"

#include <algorithm>
#include <cmath>
#include <string>

using namespace palettize;

namespace {

[[noreturn]] void fail(const char *what) {
  fuzz::failInvariant("SafetensorsFuzzer", what);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A copy of its own, so that a read past the input is a read past a heap
  // block the sanitizers see.
  std::unique_ptr<llvm::MemoryBuffer> buffer =
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.safetensors");
  const char *begin = buffer->getBufferStart();
  const char *end = buffer->getBufferEnd();
  llvm::Expected<SafetensorsFile> file =
      SafetensorsFile::fromBuffer(std::move(buffer));
  if (!file) {
    std::string message = llvm::toString(file.takeError());
    if (message.find("fuzz.safetensors") == std::string::npos)
      fail("an error that does not name the file");
    return 0;
  }
  const char *previousEnd = nullptr;
  float sum = 0;
  for (const SafetensorsTensor &tensor : file->getTensors()) {
    if (tensor.bytes.size() !=
        tensor.getElementCount() * getSafetensorsDTypeSize(tensor.dtype))
      fail("a tensor whose bytes are not its shape's elements");
    if (tensor.bytes.empty())
      continue;
    if (tensor.bytes.data() < begin || tensor.bytes.end() > end)
      fail("a tensor outside the file");
    if (previousEnd && tensor.bytes.data() < previousEnd)
      fail("tensors that overlap");
    previousEnd = tensor.bytes.end();
    if (file->lookup(tensor.name) != &tensor)
      fail("a tensor its name does not find");
    for (uint64_t i = 0; i < tensor.getElementCount(); ++i)
      sum += tensor.getValue(i);
  }
  // Keep the reads.
  if (std::isnan(sum) && size == 0)
    fail("unreachable");
  return 0;
}
