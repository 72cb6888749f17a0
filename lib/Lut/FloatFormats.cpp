//===- FloatFormats.cpp - f16, bf16 and f32 element formats ---------------===//

#include "palettize/Lut/FloatFormats.h"

#include <cmath>
#include <limits>

using namespace palettize;

float palettize::halfToFloat(uint16_t bits) {
  const uint32_t sign = uint32_t(bits & 0x8000) << 16;
  const uint32_t exponent = (bits >> 10) & 0x1F;
  const uint32_t mantissa = bits & 0x3FF;
  if (exponent == 0x1F) // Inf or NaN: keep the payload.
    return bitsToFloat(sign | 0x7F800000u | (mantissa << 13));
  if (exponent != 0) // Normal: rebias 15 -> 127.
    return bitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  // Zero or subnormal: mantissa * 2^-24, exact in float.
  float magnitude = float(mantissa) * 0x1p-24f;
  return sign ? -magnitude : magnitude;
}

uint16_t palettize::floatToHalf(float value) {
  const uint32_t bits = floatToBits(value);
  const uint16_t sign = uint16_t((bits >> 16) & 0x8000);
  const uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude >= 0x7F800000u) // Inf or NaN (quiet, payload kept if any).
    return sign | 0x7C00 |
           (magnitude > 0x7F800000u
                ? uint16_t(0x200 | ((magnitude >> 13) & 0x3FF))
                : 0);
  // Values from 65520 up round to infinity.
  if (magnitude >= 0x477FF000u)
    return sign | 0x7C00;
  const int exponent = int(magnitude >> 23) - 127;
  if (exponent < -25) // Below half the smallest subnormal: rounds to zero.
    return sign;
  uint32_t mantissa = (magnitude & 0x7FFFFF) | 0x800000; // implicit bit
  // Number of low mantissa bits dropped: 13 for normals, more below 2^-14.
  const int shift = exponent < -14 ? 13 + (-14 - exponent) : 13;
  const uint32_t dropped = mantissa & ((1u << shift) - 1);
  const uint32_t half = 1u << (shift - 1);
  uint32_t result = mantissa >> shift;
  if (dropped > half || (dropped == half && (result & 1)))
    ++result; // May carry into the exponent, which is the right answer.
  if (exponent >= -14)
    result = (uint32_t(exponent + 15) << 10) + (result - 0x400);
  return sign | uint16_t(result);
}

uint16_t palettize::floatToBFloat16(float value) {
  const uint32_t bits = floatToBits(value);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) // NaN: keep it quiet.
    return uint16_t((bits >> 16) | 0x40);
  const uint32_t roundingBias = 0x7FFF + ((bits >> 16) & 1);
  return uint16_t((bits + roundingBias) >> 16);
}

float palettize::roundToFormat(double value, FloatFormat format) {
  // Double -> float -> half double-rounds; the values rounded here are
  // centroids, for which the difference (at most one half-ulp tie case) is
  // immaterial, and the result is always representable.
  float single = float(value);
  switch (format) {
  case FloatFormat::F32:
    return single;
  case FloatFormat::F16:
    return halfToFloat(floatToHalf(single));
  case FloatFormat::BF16:
    return bfloat16ToFloat(floatToBFloat16(single));
  }
  return single;
}

float palettize::getLargestFinite(FloatFormat format) {
  switch (format) {
  case FloatFormat::F32:
    return std::numeric_limits<float>::max();
  case FloatFormat::F16:
    return halfToFloat(0x7BFF);
  case FloatFormat::BF16:
    return bfloat16ToFloat(0x7F7F);
  }
  return 0;
}

float palettize::roundDownToFormat(double value, FloatFormat format) {
  const float rounded = roundToFormat(value, format);
  if (double(rounded) <= value)
    return rounded;
  // One step down in the format's order (from infinity: the largest finite).
  if (format == FloatFormat::F32)
    return std::nextafter(rounded, -std::numeric_limits<float>::infinity());
  const uint16_t key = orderedKey16(floatToNarrow(rounded, format));
  return narrowToFloat(keyToBits16(uint16_t(key - 1)), format);
}
