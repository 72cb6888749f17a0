//===- Importance.h - Per-element weights of the squared error --*- C++ -*-===//
//
// Sensitivity-weighted palettization: each element i of a tensor carries a
// non-negative importance imp_i (a Fisher-information estimate such as the
// mean squared gradient), and k-means minimises
//
//   sum_i imp_i * (w_i - lut[idx_i])^2
//
// instead of the plain squared error. An importance tensor has the shape
// and element order of the tensor it weighs and is stored as f16, bf16 or
// f32 values, read where they lie (an mmap'd file, a buffer).
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LUT_IMPORTANCE_H
#define PALETTIZE_LUT_IMPORTANCE_H

#include "palettize/Lut/FloatFormats.h"

#include <cstddef>
#include <optional>

namespace palettize {

/// The importances of a tensor's elements, or none (data == nullptr: every
/// element weighs the same).
struct ImportanceView {
  const void *data = nullptr;
  FloatFormat format = FloatFormat::F32;

  ImportanceView() = default;
  ImportanceView(const void *data, FloatFormat format)
      : data(data), format(format) {}
  /// The importances of a tensor, given as f32 values.
  explicit ImportanceView(const float *values)
      : data(values), format(FloatFormat::F32) {}

  explicit operator bool() const { return data != nullptr; }
  /// Returns the importance of element i.
  double operator[](size_t i) const {
    return readFloat(data, format, int64_t(i));
  }
  /// Returns the view of elements from `offset` on.
  ImportanceView dropFront(size_t offset) const {
    return {static_cast<const char *>(data) + offset * getByteWidth(format),
            format};
  }
};

/// Returns the first of `count` importances that is negative, NaN or
/// infinite, or std::nullopt when all are usable.
std::optional<size_t> findInvalidImportance(ImportanceView importance,
                                            size_t count);

/// Returns true if the first `count` importances are all equal (so they
/// change no clustering: every LUT's weighted error is the plain error
/// times that value). An empty view counts as uniform.
bool isUniformImportance(ImportanceView importance, size_t count);

} // namespace palettize

#endif // PALETTIZE_LUT_IMPORTANCE_H
