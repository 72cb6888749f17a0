//===- LutFuzzer.cpp - Fuzz the LUT library -------------------------------===//
//
// The input picks a format, a mode, a width, a tiling and a shape, and its
// remaining bytes are the values' bit patterns (NaN, infinities, denormals,
// signed zeros and extremes come for free). Every result is checked against
// what the library promises, by computations written here:
//   * a success has the layout's sizes, indices inside the palette, finite
//     entries exactly representable in the format, zero rows past a
//     palette's last used one;
//   * each element (vector) takes its palette's nearest used entry (row),
//     checked by brute force;
//   * unique mode reproduces the input bit for bit;
//   * the packed indices decode (decodeLut) to the same gather;
//   * a failure has a reason the input explains;
//   * the same result with a parallel executor that runs tasks backwards;
//   * an 8-bit LUT of the entries dequantizes to finite values;
//   * with importances (k-means, from the same bytes, zeros included): a
//     negative one is reported, equal ones give the unweighted result, and
//     a vector takes its nearest row under the weighted distance.
//
//===----------------------------------------------------------------------===//

#include "palettize/Lut/BitPacking.h"
#include "palettize/Lut/Importance.h"
#include "palettize/Lut/LutBuilder.h"
#include "palettize/Lut/LutDecode.h"
#include "palettize/Lut/ShiftScale.h"

#include "FuzzInput.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace palettize;

namespace {

[[noreturn]] void fail(const char *what) {
  fuzz::failInvariant("LutFuzzer", what);
}

void check(bool condition, const char *what) {
  if (!condition)
    fail(what);
}

bool sameResult(const LutResult &a, const LutResult &b) {
  // (memcmp may not see the null data of empty vectors.)
  return a.status == b.status && a.entries.size() == b.entries.size() &&
         (a.entries.empty() ||
          std::memcmp(a.entries.data(), b.entries.data(),
                      a.entries.size() * sizeof(float)) == 0) &&
         a.indices == b.indices;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz::FuzzInput in(data, size);
  static const FloatFormat kFormats[] = {FloatFormat::F16, FloatFormat::BF16,
                                         FloatFormat::F32};
  const FloatFormat format = kFormats[in.byte() % 3];
  const LutMode mode = LutMode(in.byte() % 3);
  static const unsigned kWidths[] = {1, 2, 3, 4, 6, 8};
  const unsigned nbits = kWidths[in.byte() % 6];
  const uint8_t tilingKind = in.byte() % 4;
  const uint8_t extras = in.byte();
  const bool quantize8 = extras % 2;
  // 0: no importance; 1: importances; 2: one of them negative.
  const unsigned weighting = (extras / 2) % 3;
  const unsigned rank = 1 + in.byte() % 3;
  std::vector<int64_t> shape(rank);
  for (int64_t &dim : shape)
    dim = 1 + in.byte() % 12;
  Tiling tiling;
  tiling.axis = unsigned(in.byte() % rank);
  const int64_t channels = shape[tiling.axis];
  if (tilingKind & 2) { // vectors: a divisor of the axis size
    int64_t vector = 1 + in.byte() % 4;
    while (channels % vector)
      --vector;
    tiling.vectorSize = vector;
  }
  if (tilingKind & 1) { // groups: a multiple of the vector dividing the axis
    int64_t group = tiling.vectorSize * (1 + in.byte() % 4);
    while (channels % group)
      group -= tiling.vectorSize;
    tiling.groupSize = group;
  }

  size_t count = 1;
  for (int64_t dim : shape)
    count *= size_t(dim);
  const unsigned width = getByteWidth(format);
  // The values: the remaining bytes, cycled (all zeros if none).
  std::vector<char> bytes(count * width, 0);
  if (in.restSize())
    for (size_t i = 0; i < bytes.size(); ++i)
      bytes[i] = char(in.rest()[i % in.restSize()]);
  std::vector<float> values = decodeFloats(bytes.data(), count, format);
  bool allFinite = true;
  for (float value : values)
    allFinite &= std::isfinite(value);

  LutConfig config;
  config.mode = mode;
  config.nbits = nbits;
  // Small enough that the binned f32 paths run on these sizes too.
  config.kmeans.maxExactWork = 64;
  config.kmeans.minHistogramElements = 256;
  const TensorView tensor(bytes.data(), format, shape);
  // Importances in steps of 1/16 from the value bytes (taken in another
  // order), so that equal ones and zeros are frequent.
  std::vector<float> importance;
  bool uniformImportance = true;
  if (weighting) {
    for (size_t i = 0; i < count; ++i)
      importance.push_back(
          in.restSize()
              ? float(in.rest()[(i * 7 + 3) % in.restSize()] % 64) / 16.0f
              : 1.0f);
    if (weighting == 2)
      importance[count / 2] = -1.0f / 16;
    for (float value : importance)
      uniformImportance &= value == importance[0];
  }
  const ImportanceView weights =
      weighting ? ImportanceView(importance.data()) : ImportanceView();
  const bool weighted = weighting && mode == LutMode::KMeans;
  LutResult result = buildLut(config, tensor, tiling, weights);

  if (weighted && weighting == 2) {
    check(result.status == LutStatus::InvalidImportance,
          "a negative importance is not reported");
    return 0;
  }
  if (weighting && (!weighted || uniformImportance))
    check(sameResult(result, buildLut(config, tensor, tiling)),
          "ignored or equal importances change the result");

  if (!result.succeeded()) {
    switch (result.status) {
    case LutStatus::NonFiniteValues:
      check(!allFinite, "NonFiniteValues for finite values");
      break;
    case LutStatus::TooManyDistinctValues:
      check(mode == LutMode::Unique, "TooManyDistinctValues outside unique");
      break;
    case LutStatus::UnsupportedMode:
      check(mode == LutMode::Uniform && tiling.vectorSize > 1,
            "UnsupportedMode for a supported mode");
      break;
    default:
      fail("unexpected failure status");
    }
    return 0;
  }
  check(allFinite, "a LUT built from non-finite values");

  // Sizes and entries.
  const LutLayout &layout = result.layout;
  const int64_t paletteSize = layout.getPaletteSize();
  const int64_t d = layout.vectorSize;
  check(layout.getElementCount() == int64_t(count), "layout element count");
  check(int64_t(result.indices.size()) == layout.getIndexCount(),
        "index count");
  check(int64_t(result.entries.size()) == layout.getLutElementCount(),
        "entry count");
  if (mode != LutMode::Unique)
    check(result.getIndexBitWidth() == nbits, "index bit width");
  for (float entry : result.entries) {
    check(std::isfinite(entry), "non-finite entry");
    check(roundToFormat(entry, format) == entry,
          "entry not representable in the format");
  }
  for (uint8_t index : result.indices)
    check(index < paletteSize, "index outside the palette");

  // Each point's nearest used row, by brute force; unique is exact.
  std::vector<int64_t> used(size_t(layout.getGroupCount()), 0);
  layout.forEachIndex([&](int64_t i, int64_t group, int64_t) {
    used[size_t(group)] =
        std::max(used[size_t(group)], int64_t(result.indices[i]) + 1);
  });
  // (uniform's LUT is the whole grid.)
  for (size_t group = 0; group < used.size() && mode != LutMode::Uniform;
       ++group)
    for (int64_t row = used[group]; row < paletteSize; ++row)
      for (int64_t t = 0; t < d; ++t)
        check(result.entries[(group * paletteSize + row) * d + t] == 0.0f,
              "a row past the last used one is not zero");
  const int64_t stride = layout.getVectorStride();
  // Vectors with importances take the nearest row under the weighted
  // distance, ties broken by the plain one; scalars the plainly nearest.
  const bool weightedDistance = weighted && !uniformImportance && d > 1;
  layout.forEachIndex([&](int64_t i, int64_t group, int64_t offset) {
    const float *rows = result.entries.data() + group * paletteSize * d;
    auto distance = [&](int64_t row, bool byImportance) {
      double total = 0;
      for (int64_t t = 0; t < d; ++t) {
        const double difference =
            double(values[offset + t * stride]) - double(rows[row * d + t]);
        total +=
            (byImportance ? double(importance[offset + t * stride]) : 1.0) *
            difference * difference;
      }
      return total;
    };
    const int64_t chosen = result.indices[i];
    // (uniform takes the grid index, not the nearest rounded entry.)
    for (int64_t row = 0; row < used[size_t(group)] && mode != LutMode::Uniform;
         ++row) {
      if (!weightedDistance) {
        check(distance(chosen, false) <= distance(row, false),
              "not the nearest entry");
        continue;
      }
      const double mine = distance(chosen, true), other = distance(row, true);
      check(mine < other || (mine == other &&
                             distance(chosen, false) <= distance(row, false)),
            "not the nearest row under the weighted distance");
    }
    if (mode == LutMode::Unique)
      for (int64_t t = 0; t < d; ++t) {
        const float a = values[offset + t * stride], b = rows[chosen * d + t];
        check(std::memcmp(&a, &b, sizeof(float)) == 0,
              "unique does not reproduce the input");
      }
  });

  // The packed indices decode to the gather above.
  std::vector<uint8_t> packed(
      getPackedIndicesByteCount(result.indices.size(), layout.indexBitWidth));
  packIndices(result.indices, layout.indexBitWidth, packed);
  std::vector<float> decoded(count);
  decodeLut(layout, packed, result.entries.data(), sizeof(float),
            decoded.data());
  layout.forEachIndex([&](int64_t i, int64_t group, int64_t offset) {
    const float *row =
        result.entries.data() + (group * paletteSize + result.indices[i]) * d;
    for (int64_t t = 0; t < d; ++t)
      check(decoded[offset + t * stride] == row[t],
            "decodeLut differs from the gather");
  });

  // Independent of how tasks run.
  LutConfig parallel = config;
  parallel.kmeans.parallelFor = [](size_t tasks,
                                   llvm::function_ref<void(size_t)> task) {
    for (size_t t = tasks; t-- > 0;)
      task(t);
  };
  check(sameResult(result, buildLut(parallel, tensor, tiling, weights)),
        "a parallel executor changes the result");

  if (quantize8) {
    const size_t palettes = size_t(layout.getGroupCount());
    for (bool isSigned : {true, false}) {
      QuantizedLuts q =
          quantizeLuts(result.entries, palettes, isSigned, format);
      for (float value : dequantizeLuts(q, palettes, isSigned, format))
        check(std::isfinite(value), "an 8-bit LUT dequantizes to non-finite");
    }
  }
  return 0;
}
