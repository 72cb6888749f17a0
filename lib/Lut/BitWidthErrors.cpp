//===- BitWidthErrors.cpp - The error of a LUT at every bit width ---------===//

#include "palettize/Lut/BitWidthErrors.h"
#include "LutBuilders.h"
#include "palettize/Lut/BitPacking.h"

#include <cmath>

using namespace palettize;
using namespace palettize::detail;

double palettize::getSumSquaredError(const TensorView &tensor,
                                     const LutResult &lut,
                                     ImportanceView importance) {
  const LutLayout &layout = lut.layout;
  if (layout.getGroupCount() == 1 && layout.vectorSize == 1) {
    // One scalar palette: element i takes entry indices[i].
    double sum = 0;
    const size_t count = lut.indices.size();
    auto differenceAt = [&](size_t i) {
      return double(readFloat(tensor.data, tensor.format, int64_t(i))) -
             double(lut.entries[lut.indices[i]]);
    };
    if (importance) {
      for (size_t i = 0; i < count; ++i) {
        const double difference = differenceAt(i);
        sum += importance[i] * difference * difference;
      }
      return sum;
    }
    for (size_t i = 0; i < count; ++i) {
      const double difference = differenceAt(i);
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
      const int64_t element = offset + j * stride;
      const double difference =
          double(readFloat(tensor.data, tensor.format, element)) -
          double(row[j]);
      sum += (importance ? importance[size_t(element)] : 1.0) * difference *
             difference;
    }
  });
  return sum;
}

namespace {

/// Adds the errors of one group of 16-bit patterns at every width, as
/// buildHistogram16Lut would build and assign its LUT, weighted by the
/// group's `importance` when given. Importances equal across the group
/// leave the clustering unweighted (as buildLut does) and scale its sums.
LutStatus addErrors16(llvm::ArrayRef<uint16_t> bits, FloatFormat format,
                      llvm::ArrayRef<unsigned> widths,
                      ImportanceView importance, const ParallelFor &parallelFor,
                      BitWidthErrors &errors) {
  double scale = 1;
  if (importance && isUniformImportance(importance, bits.size())) {
    scale = bits.empty() ? 0 : importance[0];
    importance = {};
  }
  DistinctValues16 distinct =
      importance
          ? countWeightedDistinct16(bits, importance, format, parallelFor)
          : countDistinct16(bits, format, parallelFor);
  if (distinct.hasNonFinite)
    return LutStatus::NonFiniteValues;
  const std::vector<double> &values = distinct.values;
  const std::vector<double> &weights = distinct.weights;
  double sumSquares = 0;
  for (size_t i = 0; i < values.size(); ++i)
    sumSquares += weights[i] * values[i] * values[i];
  errors.sumSquares += scale * sumSquares;
  for (size_t w = 0; w < widths.size(); ++w) {
    std::vector<float> entries =
        importance
            ? clusterPositiveWeights(values, weights, widths[w], format,
                                     parallelFor)
            : clusterExactly(values, weights, widths[w], format, parallelFor);
    std::vector<uint8_t> assignment = assignDistinct(
        values.size(), [&](size_t i) { return values[i]; }, entries);
    double sum = 0;
    for (size_t i = 0; i < values.size(); ++i) {
      const double difference = values[i] - double(entries[assignment[i]]);
      sum += weights[i] * difference * difference;
    }
    errors.sumSquaredErrors[w] += scale * sum;
  }
  return LutStatus::Success;
}

} // namespace

BitWidthErrors palettize::measureBitWidthErrors(const LutConfig &config,
                                                const TensorView &tensor,
                                                const Tiling &tiling,
                                                llvm::ArrayRef<unsigned> widths,
                                                ImportanceView importance) {
  BitWidthErrors errors;
  errors.sumSquaredErrors.assign(widths.size(), 0);
  for (unsigned width : widths)
    if (!isSupportedIndexBitWidth(width)) {
      errors.status = LutStatus::UnsupportedBitWidth;
      return errors;
    }
  if (importance &&
      findInvalidImportance(importance, tensor.getElementCount())) {
    errors.status = LutStatus::InvalidImportance;
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
      std::vector<char> gathered, gatheredImportance;
      llvm::ArrayRef<uint16_t> bits(static_cast<const uint16_t *>(tensor.data),
                                    count);
      ImportanceView groupImportance = importance;
      if (tiling.groupSize > 0) {
        gathered = gatherGroup(tensor, tiling, group);
        bits = llvm::ArrayRef<uint16_t>(
            reinterpret_cast<const uint16_t *>(gathered.data()),
            gathered.size() / sizeof(uint16_t));
        if (importance) {
          gatheredImportance = gatherGroup(
              TensorView(importance.data, importance.format, tensor.shape),
              tiling, group);
          groupImportance =
              ImportanceView(gatheredImportance.data(), importance.format);
        }
      }
      errors.status = addErrors16(bits, tensor.format, widths, groupImportance,
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
    LutResult lut = buildLut(widthConfig, tensor, tiling, importance);
    if (!lut.succeeded()) {
      errors.status = lut.status;
      return errors;
    }
    errors.sumSquaredErrors[w] = getSumSquaredError(tensor, lut, importance);
  }
  const size_t count = tensor.getElementCount();
  for (size_t i = 0; i < count; ++i) {
    const double value = readFloat(tensor.data, tensor.format, int64_t(i));
    errors.sumSquares += (importance ? importance[i] : 1.0) * value * value;
  }
  return errors;
}
