//===- ShiftScale.cpp - Blockwise shift-scale decoding and quantization ---===//

#include "palettize/Lut/ShiftScale.h"
#include "palettize/Lut/LutBuilder.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>

using namespace palettize;

unsigned palettize::getByteWidth(ShiftScaleDataType type) {
  switch (type) {
  case ShiftScaleDataType::Int4:
  case ShiftScaleDataType::UInt4:
    return 0;
  case ShiftScaleDataType::Int8:
  case ShiftScaleDataType::UInt8:
    return 1;
  case ShiftScaleDataType::F16:
  case ShiftScaleDataType::BF16:
    return 2;
  case ShiftScaleDataType::F32:
    return 4;
  }
  return 0;
}

uint64_t palettize::getStorageByteCount(ShiftScaleDataType type,
                                        uint64_t count) {
  if (unsigned width = getByteWidth(type))
    return count * width;
  return count / 2 + count % 2;
}

/// Reads element `i` of a buffer of `type` as f32 (exact for every type).
static float readElement(const void *buffer, ShiftScaleDataType type,
                         int64_t i) {
  const auto *bytes = static_cast<const uint8_t *>(buffer);
  switch (type) {
  case ShiftScaleDataType::Int4:
  case ShiftScaleDataType::UInt4: {
    unsigned nibble = (bytes[i / 2] >> (4 * (i % 2))) & 0xF;
    if (type == ShiftScaleDataType::Int4 && nibble >= 8)
      return float(int(nibble) - 16);
    return float(nibble);
  }
  case ShiftScaleDataType::Int8:
    return float(int8_t(bytes[i]));
  case ShiftScaleDataType::UInt8:
    return float(bytes[i]);
  case ShiftScaleDataType::F16:
  case ShiftScaleDataType::BF16: {
    uint16_t bits;
    std::memcpy(&bits, bytes + 2 * i, 2);
    return narrowToFloat(bits, type == ShiftScaleDataType::F16
                                   ? FloatFormat::F16
                                   : FloatFormat::BF16);
  }
  case ShiftScaleDataType::F32: {
    float value;
    std::memcpy(&value, bytes + 4 * i, 4);
    return value;
  }
  }
  return 0;
}

void palettize::decodeBlockwiseShiftScale(const BlockwiseLayout &layout,
                                          const void *data,
                                          ShiftScaleDataType dataType,
                                          const void *scale, const void *offset,
                                          FloatFormat scaleFormat,
                                          void *result) {
  const int64_t rank = layout.dataShape.size();
  assert(int64_t(layout.scaleShape.size()) == rank && "ranks must match");
  int64_t count = 1;
  for (int64_t size : layout.dataShape)
    count *= size;
  if (count == 0)
    return;
  std::vector<int64_t> blockSize(rank), scaleStride(rank);
  for (int64_t d = rank - 1, stride = 1; d >= 0; --d) {
    blockSize[d] = layout.dataShape[d] / layout.scaleShape[d];
    scaleStride[d] = stride;
    stride *= layout.scaleShape[d];
  }
  // Walk the data row-major, keeping the scale index up to date.
  std::vector<int64_t> position(rank, 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t block = 0;
    for (int64_t d = 0; d < rank; ++d)
      block += position[d] / blockSize[d] * scaleStride[d];
    float shifted = readElement(data, dataType, i);
    if (offset)
      shifted -= readElement(offset, dataType, block);
    writeFloat(result, scaleFormat, i,
               readFloat(scale, scaleFormat, block) * shifted);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++position[d] < layout.dataShape[d])
        break;
      position[d] = 0;
    }
  }
}

QuantizedLuts palettize::quantizeLuts(llvm::ArrayRef<float> lut,
                                      size_t paletteCount, bool isSigned,
                                      FloatFormat format) {
  assert(paletteCount > 0 && lut.size() % paletteCount == 0);
  const size_t paletteElements = lut.size() / paletteCount;
  QuantizedLuts result;
  result.data.resize(lut.size());
  result.scales.resize(paletteCount);
  if (!isSigned)
    result.offsets.resize(paletteCount);
  for (size_t p = 0; p < paletteCount; ++p) {
    llvm::ArrayRef<float> palette =
        lut.slice(p * paletteElements, paletteElements);
    float lo = 0, hi = 0;
    for (float value : palette) {
      lo = std::min(lo, value);
      hi = std::max(hi, value);
    }
    // Scale in the LUT's format, so that decoding sees exactly this scale.
    const double range = isSigned ? std::max(-double(lo), double(hi)) / 127.0
                                  : (double(hi) - double(lo)) / 255.0;
    float scale = roundToFormat(range, format);
    // An all-zero palette, or one so close to zero that its scale underflows
    // the format: every value quantizes to (about) zero with any scale.
    if (!(scale > 0))
      scale = 1;
    const double minimum = isSigned ? -127 : 0, maximum = isSigned ? 127 : 255;
    // Decoding computes scale * (q - z): for weights near the format's
    // largest value, a scale rounded up (or a zero point off the middle)
    // would overflow it to infinity. Cap the scale so that every code
    // decodes to a finite value; the capped codes then clamp at the ends,
    // off by at most one step.
    const double largest = getLargestFinite(format);
    auto zeroPointFor = [&](float candidate) {
      return isSigned ? 0.0
                      : std::clamp(std::nearbyint(-double(lo) / candidate), 0.0,
                                   maximum);
    };
    // The largest |q - z| any code can take with this scale's zero point.
    auto farthestCode = [&](float candidate) {
      const double z = zeroPointFor(candidate);
      return isSigned ? maximum : std::max(z, maximum - z);
    };
    // The zero point moves with the scale; a few rounds settle both, and a
    // scale that fits any zero point ends those that do not.
    for (int round = 0;
         round < 4 && double(scale) * farthestCode(scale) > largest; ++round)
      scale = std::min(
          scale, roundDownToFormat(largest / farthestCode(scale), format));
    if (double(scale) * farthestCode(scale) > largest)
      scale = roundDownToFormat(largest / maximum, format);
    const double zeroPoint = zeroPointFor(scale);
    result.scales[p] = scale;
    if (!isSigned)
      result.offsets[p] = uint8_t(zeroPoint);
    for (size_t i = 0; i < palette.size(); ++i) {
      const double q =
          std::clamp(std::nearbyint(double(palette[i]) / scale) + zeroPoint,
                     minimum, maximum);
      result.data[p * paletteElements + i] =
          isSigned ? uint8_t(int8_t(q)) : uint8_t(q);
    }
  }
  return result;
}

ChannelNormalization palettize::normalizeChannels(const void *data,
                                                  llvm::ArrayRef<int64_t> shape,
                                                  unsigned axis,
                                                  FloatFormat format) {
  assert(axis < shape.size() && "axis out of range");
  int64_t count = 1, inner = 1;
  for (size_t d = 0; d < shape.size(); ++d) {
    count *= shape[d];
    if (d > axis)
      inner *= shape[d];
  }
  const int64_t channels = shape[axis];
  ChannelNormalization result;
  // Pass 1: the largest magnitude of each channel.
  std::vector<float> maxAbs(channels, 0.0f);
  for (int64_t i = 0; i < count; ++i) {
    const float value = readFloat(data, format, i);
    if (!std::isfinite(value)) {
      result.finite = false;
      return result;
    }
    float &channelMax = maxAbs[(i / inner) % channels];
    channelMax = std::max(channelMax, std::fabs(value));
  }
  // The magnitudes are values of the format, hence exact scales.
  result.scales.resize(channels);
  for (int64_t c = 0; c < channels; ++c)
    result.scales[c] = maxAbs[c] > 0 ? maxAbs[c] : 1.0f;
  // Pass 2: divide and round back to the format.
  result.normalized.resize(count * getByteWidth(format));
  for (int64_t i = 0; i < count; ++i) {
    const float scale = result.scales[(i / inner) % channels];
    writeFloat(
        result.normalized.data(), format, i,
        roundToFormat(double(readFloat(data, format, i)) / scale, format));
  }
  return result;
}

std::vector<float> palettize::dequantizeLuts(const QuantizedLuts &luts,
                                             size_t paletteCount, bool isSigned,
                                             FloatFormat format) {
  const int64_t paletteSize = int64_t(luts.data.size() / paletteCount);
  BlockwiseLayout layout;
  layout.dataShape = {int64_t(paletteCount), paletteSize};
  layout.scaleShape = {int64_t(paletteCount), 1};
  std::vector<char> scales =
      encodeFloats(luts.scales.data(), paletteCount, format);
  std::vector<char> decoded(luts.data.size() * getByteWidth(format));
  decodeBlockwiseShiftScale(
      layout, luts.data.data(),
      isSigned ? ShiftScaleDataType::Int8 : ShiftScaleDataType::UInt8,
      scales.data(), isSigned ? nullptr : luts.offsets.data(), format,
      decoded.data());
  return decodeFloats(decoded.data(), luts.data.size(), format);
}
