//===- Safetensors.h - Reading tensors from safetensors files ---*- C++ -*-===//
//
// A reader of the safetensors format: an 8-byte little-endian header length
// N, N bytes of JSON mapping tensor names to their dtype, shape and byte
// range, then the data buffer the ranges index. The file is mapped, not
// copied; the header is validated in full on opening (a hostile file gets an
// error, never an out-of-bounds read), so element access needs no checks
// beyond the index.
//
// Only the float dtypes the palettization pass consumes are read: F32, F16
// and BF16, widened with FloatFormats.h. Plain C++ over LLVM's Support: no
// MLIR types.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_SUPPORT_SAFETENSORS_H
#define PALETTIZE_SUPPORT_SAFETENSORS_H

#include "palettize/Lut/FloatFormats.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace palettize {

/// The element types read from safetensors files.
enum class SafetensorsDType { F32, F16, BF16 };

/// Returns the size in bytes of one element of `dtype`.
unsigned getSafetensorsDTypeSize(SafetensorsDType dtype);
/// Returns the name the format gives `dtype` ("F32", "F16", "BF16").
llvm::StringRef getSafetensorsDTypeName(SafetensorsDType dtype);

/// One tensor of a safetensors file: its bytes stay in the mapped file.
struct SafetensorsTensor {
  std::string name;
  SafetensorsDType dtype;
  llvm::SmallVector<int64_t, 4> shape;
  /// The tensor's little-endian elements, in the file's mapping.
  llvm::ArrayRef<char> bytes;

  /// The product of the dimensions: 1 for rank 0.
  uint64_t getElementCount() const;
  /// Element `i` (row-major) as f32; f16 and bf16 are widened exactly.
  float getValue(uint64_t i) const;
  /// The storage format of the elements, as the LUT library names it.
  FloatFormat getFormat() const;
};

/// A validated safetensors file, mapped into memory. Move-only: the tensors'
/// bytes point into the mapping it owns.
class SafetensorsFile {
public:
  /// Maps `path` and validates the whole header. The error names the file
  /// and, where one is at fault, the tensor, and says what was expected.
  static llvm::Expected<SafetensorsFile> open(llvm::StringRef path);
  /// Same for an in-memory buffer; errors name its buffer identifier.
  static llvm::Expected<SafetensorsFile>
  fromBuffer(std::unique_ptr<llvm::MemoryBuffer> buffer);

  SafetensorsFile(SafetensorsFile &&) = default;
  SafetensorsFile &operator=(SafetensorsFile &&) = default;
  SafetensorsFile(const SafetensorsFile &) = delete;
  SafetensorsFile &operator=(const SafetensorsFile &) = delete;

  /// Returns the tensor called `name`, or nullptr if there is none.
  const SafetensorsTensor *lookup(llvm::StringRef name) const;
  /// The tensors in order of data offset (ties by name).
  llvm::ArrayRef<SafetensorsTensor> getTensors() const { return tensors; }
  /// The path the file was opened from (a buffer's identifier).
  llvm::StringRef getPath() const { return buffer->getBufferIdentifier(); }

private:
  SafetensorsFile() = default;

  std::unique_ptr<llvm::MemoryBuffer> buffer;
  std::vector<SafetensorsTensor> tensors;
  /// Index into `tensors` by name.
  llvm::StringMap<size_t> indexByName;
};

} // namespace palettize

#endif // PALETTIZE_SUPPORT_SAFETENSORS_H
