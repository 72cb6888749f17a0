//===- BitWidthErrors.cpp - The error of a LUT at every bit width ---------===//

#include "palettize/Lut/BitWidthErrors.h"
#include "LutBuilders.h"
#include "palettize/Lut/BitPacking.h"

#include <cmath>

using namespace palettize;
using namespace palettize::detail;

double palettize::getSumSquaredError(const TensorView &tensor,
                                     const LutResult &lut) {
  const LutLayout &layout = lut.layout;
  if (layout.getGroupCount() == 1 && layout.vectorSize == 1) {
    // One scalar palette: element i takes entry indices[i].
    double sum = 0;
    const size_t count = lut.indices.size();
    for (size_t i = 0; i < count; ++i) {
      const double difference =
          double(readFloat(tensor.data, tensor.format, int64_t(i))) -
          double(lut.entries[lut.indices[i]]);
      sum += difference * difference;
    }
    return sum;
  }
  const int64_t vectorSize = layout.vectorSize;
  const int64_t stride = layout.getVectorStride();
  const int64_t paletteSize = layout.getPaletteSize();
  double sum = 0;
  layout.forEachIndex([&](int64_t i, int64_t group, int64_t offset) {
    const float *row = lut.entries.data() +
                       (group * paletteSize + lut.indices[i]) * vectorSize;
    for (int64_t j = 0; j < vectorSize; ++j) {
      const double difference =
          double(readFloat(tensor.data, tensor.format, offset + j * stride)) -
          double(row[j]);
      sum += difference * difference;
    }
  });
  return sum;
}

namespace {

/// Adds the errors of one group of 16-bit patterns at every width, as
/// buildHistogram16Lut would build and assign its LUT.
LutStatus addErrors16(llvm::ArrayRef<uint16_t> bits, FloatFormat format,
                      llvm::ArrayRef<unsigned> widths,
                      const ParallelFor &parallelFor, BitWidthErrors &errors) {
  DistinctValues16 distinct = countDistinct16(bits, format, parallelFor);
  if (distinct.hasNonFinite)
    return LutStatus::NonFiniteValues;
  const std::vector<double> &values = distinct.values;
  const std::vector<double> &weights = distinct.weights;
  for (size_t i = 0; i < values.size(); ++i)
    errors.sumSquares += weights[i] * values[i] * values[i];
  for (size_t w = 0; w < widths.size(); ++w) {
    std::vector<float> entries =
        clusterExactly(values, weights, widths[w], format, parallelFor);
    std::vector<uint8_t> assignment = assignDistinct(
        values.size(), [&](size_t i) { return values[i]; }, entries);
    double sum = 0;
    for (size_t i = 0; i < values.size(); ++i) {
      const double difference = values[i] - double(entries[assignment[i]]);
      sum += weights[i] * difference * difference;
    }
    errors.sumSquaredErrors[w] += sum;
  }
  return LutStatus::Success;
}

} // namespace

BitWidthErrors
palettize::measureBitWidthErrors(const LutConfig &config,
                                 const TensorView &tensor, const Tiling &tiling,
                                 llvm::ArrayRef<unsigned> widths) {
  BitWidthErrors errors;
  errors.sumSquaredErrors.assign(widths.size(), 0);
  for (unsigned width : widths)
    if (!isSupportedIndexBitWidth(width)) {
      errors.status = LutStatus::UnsupportedBitWidth;
      return errors;
    }

  if (config.mode == LutMode::KMeans && tensor.format != FloatFormat::F32 &&
      tiling.vectorSize == 1) {
    // One histogram per group, shared by every width. Groups run one after
    // the other, each parallel inside, so that the sums keep one order.
    const size_t count = tensor.getElementCount();
    const size_t groups =
        tiling.groupSize > 0
            ? size_t(tensor.shape[tiling.axis] / tiling.groupSize)
            : 1;
    for (size_t group = 0; group < groups; ++group) {
      std::vector<char> gathered;
      llvm::ArrayRef<uint16_t> bits(static_cast<const uint16_t *>(tensor.data),
                                    count);
      if (tiling.groupSize > 0) {
        gathered = gatherGroup(tensor, tiling, group);
        bits = llvm::ArrayRef<uint16_t>(
            reinterpret_cast<const uint16_t *>(gathered.data()),
            gathered.size() / sizeof(uint16_t));
      }
      errors.status = addErrors16(bits, tensor.format, widths,
                                  config.kmeans.parallelFor, errors);
      if (errors.status != LutStatus::Success)
        return errors;
    }
    return errors;
  }

  // Otherwise each width's LUT, measured.
  for (size_t w = 0; w < widths.size(); ++w) {
    LutConfig widthConfig = config;
    widthConfig.nbits = widths[w];
    LutResult lut = buildLut(widthConfig, tensor, tiling);
    if (!lut.succeeded()) {
      errors.status = lut.status;
      return errors;
    }
    errors.sumSquaredErrors[w] = getSumSquaredError(tensor, lut);
  }
  const size_t count = tensor.getElementCount();
  for (size_t i = 0; i < count; ++i) {
    const double value = readFloat(tensor.data, tensor.format, int64_t(i));
    errors.sumSquares += value * value;
  }
  return errors;
}
