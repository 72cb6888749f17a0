//===- Metrics.h - Reconstruction error and compressed size -----*- C++ -*-===//
//
// How far a palettized tensor is from the original, and how small it is.
// All sums run in double precision, in element order; O(n) time, O(1) memory.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LUT_METRICS_H
#define PALETTIZE_LUT_METRICS_H

#include "palettize/Lut/FloatFormats.h"
#include "palettize/Lut/Importance.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace palettize {

/// Error of a reconstruction x' of values x (n elements).
struct ReconstructionError {
  /// Sum of (x - x')^2.
  double sumSquaredError = 0;
  /// sumSquaredError / n (0 for an empty tensor).
  double meanSquaredError = 0;
  /// max |x - x'|.
  double maxAbsError = 0;
  /// 10 * log10(sum x^2 / sum (x - x')^2) in dB; +infinity for an exact
  /// reconstruction.
  double snrDb = 0;
  /// Sum of x^2, the signal's energy.
  double sumSquares = 0;

  /// Returns sumSquaredError / sumSquares, the error relative to the
  /// signal: 0 for an exact reconstruction (also of an all-zero signal).
  double getRelativeError() const {
    return sumSquaredError == 0 ? 0 : sumSquaredError / sumSquares;
  }
};

/// Measures the reconstruction lut[indices[i]] of f32 `values`.
ReconstructionError measureError(llvm::ArrayRef<float> values,
                                 llvm::ArrayRef<float> lut,
                                 llvm::ArrayRef<uint8_t> indices);

/// Measures the reconstruction lut[indices[i]] of 16-bit `values` of
/// `format`.
ReconstructionError measureError(llvm::ArrayRef<uint16_t> values,
                                 FloatFormat format, llvm::ArrayRef<float> lut,
                                 llvm::ArrayRef<uint8_t> indices);

/// Measures a reconstruction `reconstructed` (f32, one per element) of
/// `count` values stored in `format` at `values`: any decoded form (grouped,
/// vector, scaled).
///
/// With `importance` whose sum is positive, the figures are weighted:
/// sumSquaredError = sum imp_i (x_i - x'_i)^2, sumSquares = sum imp_i x_i^2,
/// meanSquaredError = sumSquaredError / sum imp_i, and the SNR their ratio;
/// maxAbsError stays the largest error of any element.
ReconstructionError measureError(const void *values, FloatFormat format,
                                 llvm::ArrayRef<float> reconstructed,
                                 ImportanceView importance = {});

/// Storage of a palettized tensor.
struct CompressedSize {
  /// Packed index bytes: ceil(nbits * indices / 8).
  uint64_t indexBytes = 0;
  /// LUT bytes: entries * element bytes.
  uint64_t lutBytes = 0;

  uint64_t getTotalBytes() const { return indexBytes + lutBytes; }
  /// Bits per element of the original tensor, LUT included.
  double getBitsPerWeight(uint64_t elements) const {
    return elements ? 8.0 * double(getTotalBytes()) / double(elements) : 0;
  }
};

/// Returns the storage of `elements` values palettized with `nbits`-bit
/// indices, `lutGroups` LUTs of 2^nbits rows of `vectorSize` elements of
/// `elementBytes` bytes each.
CompressedSize getCompressedSize(uint64_t elements, unsigned nbits,
                                 unsigned elementBytes, uint64_t lutGroups = 1,
                                 uint64_t vectorSize = 1);

} // namespace palettize

#endif // PALETTIZE_LUT_METRICS_H
