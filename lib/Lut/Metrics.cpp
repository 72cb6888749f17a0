//===- Metrics.cpp - Reconstruction error and compressed size -------------===//

#include "palettize/Lut/Metrics.h"
#include "palettize/Lut/BitPacking.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

using namespace palettize;

namespace {
/// The error of a reconstruction of `count` values, each squared difference
/// and squared value weighted by weightAt(i) (summing to `totalWeight`; the
/// mean divides by it).
template <typename ValueAt, typename ReconstructedAt, typename WeightAt>
ReconstructionError measure(size_t count, ValueAt valueAt,
                            ReconstructedAt reconstructedAt, WeightAt weightAt,
                            double totalWeight) {
  ReconstructionError error;
  double signal = 0;
  for (size_t i = 0; i < count; ++i) {
    const double value = valueAt(i);
    const double difference = value - double(reconstructedAt(i));
    const double weight = weightAt(i);
    signal += weight * value * value;
    error.sumSquaredError += weight * difference * difference;
    error.maxAbsError = std::max(error.maxAbsError, std::fabs(difference));
  }
  error.sumSquares = signal;
  if (totalWeight > 0)
    error.meanSquaredError = error.sumSquaredError / totalWeight;
  error.snrDb = error.sumSquaredError == 0
                    ? std::numeric_limits<double>::infinity()
                    : 10 * std::log10(signal / error.sumSquaredError);
  return error;
}

/// measure() with every element weighing 1 (exact: x * 1.0 == x).
template <typename ValueAt, typename ReconstructedAt>
ReconstructionError measure(size_t count, ValueAt valueAt,
                            ReconstructedAt reconstructedAt) {
  return measure(
      count, valueAt, reconstructedAt, [](size_t) { return 1.0; },
      double(count));
}
} // namespace

ReconstructionError palettize::measureError(llvm::ArrayRef<float> values,
                                            llvm::ArrayRef<float> lut,
                                            llvm::ArrayRef<uint8_t> indices) {
  assert(indices.size() == values.size() && "one index per value");
  return measure(
      values.size(), [&](size_t i) { return double(values[i]); },
      [&](size_t i) { return lut[indices[i]]; });
}

ReconstructionError palettize::measureError(llvm::ArrayRef<uint16_t> values,
                                            FloatFormat format,
                                            llvm::ArrayRef<float> lut,
                                            llvm::ArrayRef<uint8_t> indices) {
  assert(indices.size() == values.size() && "one index per value");
  return measure(
      values.size(),
      [&](size_t i) { return double(narrowToFloat(values[i], format)); },
      [&](size_t i) { return lut[indices[i]]; });
}

ReconstructionError palettize::measureError(const void *values,
                                            FloatFormat format,
                                            llvm::ArrayRef<float> reconstructed,
                                            ImportanceView importance) {
  auto valueAt = [&](size_t i) {
    return double(readFloat(values, format, int64_t(i)));
  };
  auto reconstructedAt = [&](size_t i) { return reconstructed[i]; };
  double totalImportance = 0;
  if (importance)
    for (size_t i = 0; i < reconstructed.size(); ++i)
      totalImportance += importance[i];
  if (totalImportance > 0)
    return measure(
        reconstructed.size(), valueAt, reconstructedAt,
        [&](size_t i) { return importance[i]; }, totalImportance);
  return measure(reconstructed.size(), valueAt, reconstructedAt);
}

CompressedSize palettize::getCompressedSize(uint64_t elements, unsigned nbits,
                                            unsigned elementBytes,
                                            uint64_t lutGroups,
                                            uint64_t vectorSize) {
  CompressedSize size;
  size.indexBytes = getPackedIndicesByteCount(elements / vectorSize, nbits);
  size.lutBytes =
      lutGroups * (uint64_t(1) << nbits) * vectorSize * elementBytes;
  return size;
}
