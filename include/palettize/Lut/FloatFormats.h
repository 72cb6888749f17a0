//===- FloatFormats.h - f16, bf16 and f32 element formats -------*- C++ -*-===//
//
// The float formats a palettized tensor may hold, their bit patterns and exact
// conversions. Conversions to a narrower format round to nearest, ties to
// even, as IEEE 754 specifies; conversions to f32 are exact.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LUT_FLOATFORMATS_H
#define PALETTIZE_LUT_FLOATFORMATS_H

#include <cstdint>
#include <cstring>
#include <vector>

namespace palettize {

/// Element formats of palettizable tensors.
enum class FloatFormat { F16, BF16, F32 };

/// Returns the width in bytes of one element of `format`.
inline unsigned getByteWidth(FloatFormat format) {
  return format == FloatFormat::F32 ? 4 : 2;
}

inline uint32_t floatToBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

inline float bitsToFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

/// Converts IEEE half-precision bits to float (exact).
float halfToFloat(uint16_t bits);
/// Converts a float to IEEE half-precision bits, rounding to nearest even;
/// overflow gives infinity, NaN stays NaN.
uint16_t floatToHalf(float value);

/// Converts bfloat16 bits to float (exact).
inline float bfloat16ToFloat(uint16_t bits) {
  return bitsToFloat(uint32_t(bits) << 16);
}
/// Converts a float to bfloat16 bits, rounding to nearest even.
uint16_t floatToBFloat16(float value);

/// Converts 16-bit storage of `format` (F16 or BF16) to float.
inline float narrowToFloat(uint16_t bits, FloatFormat format) {
  return format == FloatFormat::F16 ? halfToFloat(bits) : bfloat16ToFloat(bits);
}
/// Converts a float to 16-bit storage of `format` (F16 or BF16).
inline uint16_t floatToNarrow(float value, FloatFormat format) {
  return format == FloatFormat::F16 ? floatToHalf(value)
                                    : floatToBFloat16(value);
}

/// Rounds `value` to the nearest value representable in `format`.
float roundToFormat(double value, FloatFormat format);

/// Returns the largest finite value of `format` (65504 for f16).
float getLargestFinite(FloatFormat format);

/// Returns the largest value of `format` that is at most `value` (finite
/// `value` within the format's range, or above it: the largest finite).
float roundDownToFormat(double value, FloatFormat format);

/// Reads element `i` of a little-endian buffer of `format` (exact).
inline float readFloat(const void *buffer, FloatFormat format, int64_t i) {
  const auto *bytes = static_cast<const uint8_t *>(buffer);
  if (format == FloatFormat::F32) {
    float value;
    std::memcpy(&value, bytes + 4 * i, 4);
    return value;
  }
  uint16_t bits;
  std::memcpy(&bits, bytes + 2 * i, 2);
  return narrowToFloat(bits, format);
}

/// Writes `value`, rounded to `format` (nearest, ties to even), as element
/// `i` of a little-endian buffer of `format`.
inline void writeFloat(void *buffer, FloatFormat format, int64_t i,
                       float value) {
  auto *bytes = static_cast<uint8_t *>(buffer);
  if (format == FloatFormat::F32) {
    std::memcpy(bytes + 4 * i, &value, 4);
    return;
  }
  const uint16_t bits = floatToNarrow(value, format);
  std::memcpy(bytes + 2 * i, &bits, 2);
}

/// Returns `count` floats stored little-endian in `format` at `data`.
inline std::vector<float> decodeFloats(const void *data, size_t count,
                                       FloatFormat format) {
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i)
    values[i] = readFloat(data, format, int64_t(i));
  return values;
}

/// Returns `count` floats stored as `format` (rounded to nearest even).
inline std::vector<char> encodeFloats(const float *values, size_t count,
                                      FloatFormat format) {
  std::vector<char> bytes(count * getByteWidth(format));
  for (size_t i = 0; i < count; ++i)
    writeFloat(bytes.data(), format, int64_t(i), values[i]);
  return bytes;
}

/// Returns true if 16-bit storage `bits` of `format` is NaN or infinite.
inline bool isNonFinite16(uint16_t bits, FloatFormat format) {
  return format == FloatFormat::F16 ? (bits & 0x7C00) == 0x7C00
                                    : (bits & 0x7F80) == 0x7F80;
}

/// Maps sign-magnitude bits to an unsigned key with the same order as the
/// values they encode (-0 sorts just before +0).
inline uint16_t orderedKey16(uint16_t bits) {
  return (bits & 0x8000) ? uint16_t(~bits) : uint16_t(bits | 0x8000);
}
inline uint16_t keyToBits16(uint16_t key) {
  return (key & 0x8000) ? uint16_t(key & 0x7FFF) : uint16_t(~key);
}
inline uint32_t orderedKey32(uint32_t bits) {
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}
inline uint32_t keyToBits32(uint32_t key) {
  return (key & 0x80000000u) ? (key & 0x7FFFFFFFu) : ~key;
}

} // namespace palettize

#endif // PALETTIZE_LUT_FLOATFORMATS_H
