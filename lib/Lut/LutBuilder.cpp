//===- LutBuilder.cpp - Build a palette for a tensor ----------------------===//

#include "LutBuilders.h"
#include "palettize/Lut/BitPacking.h"
#include "palettize/Lut/KMeans1D.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

using namespace palettize;
using namespace palettize::detail;

unsigned palettize::getSmallestBitWidthFor(size_t distinct) {
  for (unsigned nbits : kSupportedIndexBitWidths)
    if (distinct <= (size_t(1) << nbits))
      return nbits;
  return 0;
}

AxisSplit palettize::splitAroundAxis(llvm::ArrayRef<int64_t> shape,
                                     unsigned axis) {
  AxisSplit split;
  for (unsigned d = 0; d < axis; ++d)
    split.outer *= shape[d];
  split.channels = shape[axis];
  for (unsigned d = axis + 1; d < shape.size(); ++d)
    split.inner *= shape[d];
  return split;
}

std::optional<LutMode> palettize::parseLutMode(llvm::StringRef name) {
  if (name == "kmeans")
    return LutMode::KMeans;
  if (name == "uniform")
    return LutMode::Uniform;
  if (name == "unique")
    return LutMode::Unique;
  if (name == "custom")
    return LutMode::Custom;
  return std::nullopt;
}

std::optional<std::string>
palettize::checkCustomLut(llvm::ArrayRef<float> lut,
                          llvm::ArrayRef<uint32_t> indices, size_t count,
                          FloatFormat format) {
  const size_t size = lut.size();
  if (size == 0 || (size & (size - 1)) != 0 ||
      !isSupportedIndexBitWidth(unsigned(llvm::Log2_64(size))))
    return "its LUT has " + std::to_string(size) +
           " entries; expected 2, 4, 8, 16, 64 or 256";
  for (size_t e = 0; e < size; ++e) {
    if (!std::isfinite(lut[e]))
      return "LUT entry " + std::to_string(e) + " is not finite";
    if (roundToFormat(lut[e], format) != lut[e])
      return "LUT entry " + std::to_string(e) + " (" + std::to_string(lut[e]) +
             ") is not representable in the weight's type";
  }
  if (indices.size() != count)
    return "it gave " + std::to_string(indices.size()) + " indices for " +
           std::to_string(count) + " elements";
  for (size_t i = 0; i < count; ++i)
    if (indices[i] >= size)
      return "index " + std::to_string(indices[i]) + " of element " +
             std::to_string(i) + " is outside its " + std::to_string(size) +
             "-entry LUT";
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Shared pieces
//===----------------------------------------------------------------------===//

std::vector<float> palettize::detail::padLut(std::vector<float> entries,
                                             unsigned nbits) {
  entries.resize(size_t(1) << nbits, 0.0f);
  return entries;
}

std::vector<float> palettize::detail::clusterExactly(
    llvm::ArrayRef<double> values, llvm::ArrayRef<double> weights,
    unsigned nbits, FloatFormat format, const ParallelFor &parallelFor) {
  const size_t k = std::min(values.size(), size_t(1) << nbits);
  std::vector<float> entries;
  if (k == values.size()) {
    // Every distinct value gets its own entry: exact reconstruction.
    for (double value : values)
      entries.push_back(float(value));
    return entries;
  }
  Partition1D partition = optimalPartition1D(values, weights, k, parallelFor);
  for (double centroid : computeCentroids(values, weights, partition))
    entries.push_back(roundToFormat(centroid, format));
  return entries;
}

namespace {

/// A result that only reports why no LUT was built.
LutResult failedLut(LutStatus status) {
  LutResult result;
  result.status = status;
  return result;
}

//===----------------------------------------------------------------------===//
// Uniform
//===----------------------------------------------------------------------===//

/// The uniform LUT over [lo, hi] and the index of a value in it.
struct UniformGrid {
  double lo, hi, levels;

  unsigned indexOf(double value) const {
    if (hi == lo)
      return 0;
    // nearbyint rounds half to even in the default rounding mode.
    double index = std::nearbyint((value - lo) / (hi - lo) * levels);
    return unsigned(std::clamp(index, 0.0, levels));
  }

  std::vector<float> lut(FloatFormat format) const {
    std::vector<float> entries;
    for (unsigned i = 0; i <= unsigned(levels); ++i)
      entries.push_back(roundToFormat(lo + i * (hi - lo) / levels, format));
    return entries;
  }
};

LutResult buildUniform16(unsigned nbits, llvm::ArrayRef<uint16_t> bits,
                         FloatFormat format) {
  LutResult result;
  result.layout.indexBitWidth = nbits;
  std::vector<uint8_t> present(65536, 0);
  for (uint16_t pattern : bits)
    present[pattern] = 1;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (uint32_t pattern = 0; pattern < 65536; ++pattern) {
    if (!present[pattern])
      continue;
    if (isNonFinite16(uint16_t(pattern), format)) {
      result.status = LutStatus::NonFiniteValues;
      return result;
    }
    ++result.distinctCount;
    double value = narrowToFloat(uint16_t(pattern), format);
    lo = std::min(lo, value);
    hi = std::max(hi, value);
  }
  if (bits.empty())
    lo = hi = 0;
  UniformGrid grid{lo, hi, double((1u << nbits) - 1)};
  std::vector<uint8_t> indexByBits(65536, 0);
  for (uint32_t pattern = 0; pattern < 65536; ++pattern)
    if (present[pattern])
      indexByBits[pattern] =
          uint8_t(grid.indexOf(narrowToFloat(uint16_t(pattern), format)));
  gatherIndices(bits, indexByBits, result.indices, {});
  result.entries = grid.lut(format);
  return result;
}

LutResult buildUniform32(unsigned nbits, llvm::ArrayRef<float> values) {
  LutResult result;
  result.layout.indexBitWidth = nbits;
  float lo = std::numeric_limits<float>::infinity(), hi = -lo;
  for (float value : values) {
    if (!std::isfinite(value)) {
      result.status = LutStatus::NonFiniteValues;
      return result;
    }
    lo = std::min(lo, value);
    hi = std::max(hi, value);
  }
  if (values.empty())
    lo = hi = 0;
  UniformGrid grid{lo, hi, double((1u << nbits) - 1)};
  result.indices.resize(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    result.indices[i] = uint8_t(grid.indexOf(values[i]));
  result.entries = grid.lut(FloatFormat::F32);
  return result;
}

//===----------------------------------------------------------------------===//
// f32 unique and dispatch
//===----------------------------------------------------------------------===//

/// Unique for f32: the distinct set stays small (<= 256) or the search ends.
LutResult buildUnique32(llvm::ArrayRef<float> values) {
  LutResult result;
  std::vector<uint32_t> keys; // sorted distinct keys
  for (float value : values) {
    const uint32_t key = orderedKey32(floatToBits(value));
    auto it = std::lower_bound(keys.begin(), keys.end(), key);
    if (it != keys.end() && *it == key)
      continue;
    if (keys.size() == 256) {
      result.status = LutStatus::TooManyDistinctValues;
      result.distinctCount = 257; // at least
      return result;
    }
    keys.insert(it, key);
  }
  result.distinctCount = keys.size();
  result.layout.indexBitWidth = getSmallestBitWidthFor(keys.size());
  std::vector<float> entries;
  for (uint32_t key : keys)
    entries.push_back(keyToFloat(key));
  result.indices.resize(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    result.indices[i] =
        uint8_t(std::lower_bound(keys.begin(), keys.end(),
                                 orderedKey32(floatToBits(values[i]))) -
                keys.begin());
  result.entries = padLut(std::move(entries), result.layout.indexBitWidth);
  return result;
}

bool allFinite(llvm::ArrayRef<float> values) {
  // Branch-free over blocks (the compiler vectorizes it): an exponent of
  // all ones is infinity or NaN.
  constexpr size_t kBlock = 4096;
  for (size_t begin = 0; begin < values.size(); begin += kBlock) {
    const size_t end = std::min(values.size(), begin + kBlock);
    uint32_t nonFinite = 0;
    for (size_t i = begin; i < end; ++i)
      nonFinite |=
          uint32_t((floatToBits(values[i]) & 0x7F800000u) == 0x7F800000u);
    if (nonFinite)
      return false;
  }
  return true;
}

/// Builds one scalar palette for f32 values.
LutResult buildScalarLut32(const LutConfig &config,
                           llvm::ArrayRef<float> values,
                           ImportanceView importance) {
  if (config.mode == LutMode::Custom)
    return failedLut(LutStatus::UnsupportedMode);
  if (config.mode != LutMode::Unique && !isSupportedIndexBitWidth(config.nbits))
    return failedLut(LutStatus::UnsupportedBitWidth);
  if (config.mode == LutMode::Uniform)
    return buildUniform32(config.nbits, values);
  if (!allFinite(values))
    return failedLut(LutStatus::NonFiniteValues);
  if (config.mode == LutMode::Unique)
    return buildUnique32(values);
  const size_t n = values.size();
  if (importance && isUniformImportance(importance, n))
    importance = {};
  auto sorted = [&]() {
    return importance ? buildWeightedSortedF32Lut(config, values, importance)
                      : buildSortedF32Lut(config, values);
  };
  // Small tensors are sorted (exact whenever their distinct values allow).
  // Large ones go through the histogram when it pays: up to 64 clusters,
  // and for tensors whose sort would dominate; with 256 clusters on a
  // moderate tensor, clusters are only a few buckets wide and refining them
  // costs about what the sort does. Weighted or not, the same rule.
  if (n * (size_t(1) << config.nbits) <= config.kmeans.maxExactWork)
    return sorted();
  if (config.nbits <= 6 || n > config.kmeans.minHistogramElements)
    return buildHistogramF32Lut(config, values, importance);
  return sorted();
}

/// Builds one scalar palette for f16 or bf16 values.
LutResult buildScalarLut16(const LutConfig &config,
                           llvm::ArrayRef<uint16_t> values, FloatFormat format,
                           ImportanceView importance) {
  assert(format != FloatFormat::F32 && "16-bit formats only");
  if (config.mode == LutMode::Custom)
    return failedLut(LutStatus::UnsupportedMode);
  if (config.mode != LutMode::Unique && !isSupportedIndexBitWidth(config.nbits))
    return failedLut(LutStatus::UnsupportedBitWidth);
  if (config.mode == LutMode::Uniform)
    return buildUniform16(config.nbits, values, format);
  if (importance && isUniformImportance(importance, values.size()))
    importance = {};
  return buildHistogram16Lut(config, values, format, importance);
}

} // namespace

LutResult palettize::detail::buildScalarLut(const LutConfig &config,
                                            const void *data, size_t count,
                                            FloatFormat format,
                                            ImportanceView importance) {
  if (config.mode != LutMode::KMeans)
    importance = {};
  if (format == FloatFormat::F32)
    return buildScalarLut32(
        config, llvm::ArrayRef<float>(static_cast<const float *>(data), count),
        importance);
  return buildScalarLut16(
      config,
      llvm::ArrayRef<uint16_t>(static_cast<const uint16_t *>(data), count),
      format, importance);
}

size_t TensorView::getElementCount() const {
  size_t count = 1;
  for (int64_t size : shape)
    count *= size_t(size);
  return count;
}

std::vector<char> palettize::detail::gatherGroup(const TensorView &tensor,
                                                 const Tiling &tiling,
                                                 size_t group) {
  const AxisSplit split = splitAroundAxis(tensor.shape, tiling.axis);
  const int64_t groupSize = tiling.groupSize;
  const unsigned width = getByteWidth(tensor.format);
  const char *bytes = static_cast<const char *>(tensor.data);
  const size_t run = size_t(groupSize * split.inner);
  std::vector<char> gathered(size_t(split.outer) * run * width);
  for (int64_t o = 0; o < split.outer; ++o) {
    const size_t rowStart =
        size_t((o * split.channels + int64_t(group) * groupSize) * split.inner);
    std::memcpy(gathered.data() + size_t(o) * run * width,
                bytes + rowStart * width, run * width);
  }
  return gathered;
}

namespace {

/// One palette per group of channels: each group's elements are gathered
/// (in element order, a tensor of shape [outer, groupSize, inner]) and
/// palettized alone, then the palettes are padded to the widest and the
/// indices scattered back into the index grid.
LutResult buildGroupedLut(const LutConfig &config, const TensorView &tensor,
                          const Tiling &tiling, ImportanceView importance) {
  const int64_t groupSize = tiling.groupSize, vectorSize = tiling.vectorSize;
  const FloatFormat format = tensor.format;
  // Plain variables: lambdas below capture them.
  const AxisSplit split = splitAroundAxis(tensor.shape, tiling.axis);
  const int64_t outer = split.outer, channels = split.channels,
                inner = split.inner;
  const size_t groups = size_t(channels / groupSize);

  std::vector<LutResult> results(groups);
  const size_t groupElements = size_t(outer * groupSize * inner);
  LutConfig groupConfig = config;
  groupConfig.kmeans.parallelFor = nullptr; // the groups are the tasks
  runTasks(config.kmeans.parallelFor, groups, [&](size_t group) {
    std::vector<char> gathered = gatherGroup(tensor, tiling, group);
    std::vector<char> groupImportance;
    if (importance)
      groupImportance = gatherGroup(
          TensorView(importance.data, importance.format, tensor.shape), tiling,
          group);
    const ImportanceView weights =
        importance ? ImportanceView(groupImportance.data(), importance.format)
                   : ImportanceView();
    if (vectorSize > 1) {
      const int64_t groupShape[] = {outer, groupSize, inner};
      results[group] = detail::buildVectorLut(
          groupConfig, TensorView(gathered.data(), format, groupShape),
          /*axis=*/1, vectorSize, weights);
    } else {
      results[group] = detail::buildScalarLut(groupConfig, gathered.data(),
                                              groupElements, format, weights);
    }
  });

  LutResult grouped;
  unsigned nbits = 0;
  for (const LutResult &result : results) {
    if (result.status != LutStatus::Success) {
      grouped.status = result.status;
      return grouped;
    }
    nbits = std::max(nbits, result.getIndexBitWidth());
  }
  grouped.layout.indexBitWidth = nbits;
  const size_t paletteValues = (size_t(1) << nbits) * vectorSize;
  grouped.entries.assign(groups * paletteValues, 0.0f);
  grouped.indices.resize(size_t(outer * channels / vectorSize * inner));
  // A group's points (elements, or vectors) in the index grid: per outer
  // index, a run of rowLength consecutive positions.
  const int64_t rowLength = groupSize / vectorSize * inner;
  for (size_t group = 0; group < groups; ++group) {
    // unique picks each group's width; smaller palettes are zero-padded.
    std::copy(results[group].entries.begin(), results[group].entries.end(),
              grouped.entries.begin() + group * paletteValues);
    for (int64_t o = 0; o < outer; ++o) {
      const size_t rowStart =
          size_t((o * (channels / vectorSize) +
                  int64_t(group) * (groupSize / vectorSize)) *
                 inner);
      std::copy_n(results[group].indices.begin() + o * rowLength, rowLength,
                  grouped.indices.begin() + rowStart);
    }
  }
  return grouped;
}

} // namespace

LutResult palettize::buildLut(const LutConfig &config, const TensorView &tensor,
                              const Tiling &tiling, ImportanceView importance) {
  assert(((tiling.groupSize == 0 && tiling.vectorSize == 1) ||
          (tiling.axis < tensor.shape.size() && tiling.vectorSize > 0 &&
           tensor.shape[tiling.axis] % tiling.vectorSize == 0 &&
           (tiling.groupSize == 0 ||
            (tensor.shape[tiling.axis] % tiling.groupSize == 0 &&
             tiling.groupSize % tiling.vectorSize == 0)))) &&
         "groups must tile the axis, and vectors the groups");
  LutResult result;
  if (config.mode != LutMode::KMeans)
    importance = {};
  if (importance && findInvalidImportance(importance, tensor.getElementCount()))
    result.status = LutStatus::InvalidImportance;
  else if (config.mode == LutMode::Custom)
    result.status = LutStatus::UnsupportedMode;
  else if (tiling.groupSize > 0)
    result = buildGroupedLut(config, tensor, tiling, importance);
  else if (tiling.vectorSize > 1)
    result = detail::buildVectorLut(config, tensor, tiling.axis,
                                    tiling.vectorSize, importance);
  else
    result =
        detail::buildScalarLut(config, tensor.data, tensor.getElementCount(),
                               tensor.format, importance);
  if (result.succeeded())
    result.layout =
        LutLayout::get(tensor.shape, tiling, result.getIndexBitWidth());
  return result;
}
