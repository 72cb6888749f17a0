//===- FloatFormatsTest.cpp - f16/bf16 conversions ------------------------===//
//
// The compiler's _Float16 conversions are the independent reference.
//
//===----------------------------------------------------------------------===//

#include "palettize/Lut/FloatFormats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace palettize;

namespace {

uint16_t referenceToHalf(float value) {
  _Float16 half = static_cast<_Float16>(value);
  uint16_t bits;
  std::memcpy(&bits, &half, sizeof(bits));
  return bits;
}

float referenceFromHalf(uint16_t bits) {
  _Float16 half;
  std::memcpy(&half, &bits, sizeof(bits));
  return static_cast<float>(half);
}

TEST(FloatFormats, HalfToFloatExhaustive) {
  for (uint32_t bits = 0; bits < 65536; ++bits) {
    float expected = referenceFromHalf(uint16_t(bits));
    float actual = halfToFloat(uint16_t(bits));
    if (std::isnan(expected)) {
      ASSERT_TRUE(std::isnan(actual)) << bits;
      continue;
    }
    ASSERT_EQ(floatToBits(actual), floatToBits(expected)) << bits;
  }
}

TEST(FloatFormats, FloatToHalfRoundsHalfwayAndNeighbours) {
  // Every finite half, the midpoints to its neighbours and one float ulp on
  // either side of them: all the rounding decisions that exist.
  for (uint32_t bits = 0; bits < 0x7C00; ++bits) {
    for (uint32_t sign : {0u, 0x8000u}) {
      float value = halfToFloat(uint16_t(bits | sign));
      float next = halfToFloat(uint16_t((bits + 1) | sign));
      float midpoint = float((double(value) + double(next)) / 2);
      for (float probe : {value, midpoint, std::nextafter(midpoint, 0.0f),
                          std::nextafter(midpoint, INFINITY),
                          std::nextafter(midpoint, -INFINITY)}) {
        ASSERT_EQ(floatToHalf(probe), referenceToHalf(probe))
            << "probe " << probe;
      }
    }
  }
}

TEST(FloatFormats, FloatToHalfRandomAndSpecial) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<uint32_t> dist;
  for (int i = 0; i < 2000000; ++i) {
    float value = bitsToFloat(dist(rng));
    if (std::isnan(value))
      continue;
    ASSERT_EQ(floatToHalf(value), referenceToHalf(value)) << value;
  }
  EXPECT_EQ(floatToHalf(65520.0f), 0x7C00); // rounds to infinity
  EXPECT_EQ(floatToHalf(65519.0f), 0x7BFF); // largest finite
  EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
  EXPECT_EQ(floatToHalf(INFINITY), 0x7C00);
  uint16_t nan = floatToHalf(NAN);
  EXPECT_EQ(nan & 0x7C00, 0x7C00);
  EXPECT_NE(nan & 0x3FF, 0);
  EXPECT_EQ(floatToHalf(bitsToFloat(0x7FC00000u)) & 0x8000, 0);
}

// bf16 keeps the top 16 bits of a float after rounding to nearest even.
TEST(FloatFormats, BFloat16Rounding) {
  EXPECT_EQ(floatToBFloat16(1.0f), 0x3F80);
  // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even (1.0).
  EXPECT_EQ(floatToBFloat16(1.0f + 0x1p-8f), 0x3F80);
  // 1 + 3 * 2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: ties to even.
  EXPECT_EQ(floatToBFloat16(1.0f + 3 * 0x1p-8f), 0x3F82);
  // Just above halfway rounds up.
  EXPECT_EQ(floatToBFloat16(1.0f + 0x1p-8f + 0x1p-20f), 0x3F81);
  EXPECT_EQ(floatToBFloat16(-2.0f), 0xC000);
  EXPECT_EQ(bfloat16ToFloat(0x3F81), 1.0f + 0x1p-7f);
  std::mt19937 rng(11);
  std::uniform_int_distribution<uint32_t> dist;
  for (int i = 0; i < 100000; ++i) {
    float value = bitsToFloat(dist(rng) & 0xBFFFFFFFu); // finite magnitudes
    if (!std::isfinite(value))
      continue;
    uint16_t rounded = floatToBFloat16(value);
    // The result is the nearer of the two bf16 neighbours (or a tie).
    float candidate = bfloat16ToFloat(rounded);
    uint32_t truncated = floatToBits(value) & 0xFFFF0000u;
    float down = bitsToFloat(truncated);
    float up = bitsToFloat(truncated + 0x10000u);
    double best = std::min(std::fabs(double(value) - down),
                           std::fabs(double(value) - up));
    if (std::isfinite(up) && std::isfinite(candidate)) {
      ASSERT_EQ(std::fabs(double(value) - candidate), best) << value;
    }
  }
}

TEST(FloatFormats, OrderedKeysSortLikeValues) {
  std::vector<float> values = {-INFINITY, -3.5f, -1e-30f, -0.0f,   0.0f,
                               1e-30f,    2.0f,  3e38f,   INFINITY};
  for (size_t i = 0; i + 1 < values.size(); ++i)
    EXPECT_LT(orderedKey32(floatToBits(values[i])),
              orderedKey32(floatToBits(values[i + 1])));
  for (uint32_t bits = 0; bits < 65536; ++bits) {
    ASSERT_EQ(keyToBits16(orderedKey16(uint16_t(bits))), bits);
    if (bits + 1 < 0x7C00) {
      ASSERT_LT(halfToFloat(uint16_t(bits)), halfToFloat(uint16_t(bits + 1)));
    }
  }
  for (uint32_t a = 0; a < 0x7C00; a += 7)
    for (uint32_t sign : {0u, 0x8000u}) {
      uint16_t x = uint16_t(a | sign), y = uint16_t((a + 3) | sign);
      if (x == 0x8000 || y == 0x8000)
        continue;
      EXPECT_EQ(halfToFloat(x) < halfToFloat(y),
                orderedKey16(x) < orderedKey16(y));
    }
  EXPECT_EQ(keyToBits32(orderedKey32(0x80000000u)), 0x80000000u);
}

// readFloat / writeFloat: little-endian storage of each format, rounded to
// nearest even on write (1 + 2^-11 is halfway in f16 and rounds to 1).
TEST(FloatFormats, ReadAndWriteElements) {
  uint8_t half[4] = {};
  writeFloat(half, FloatFormat::F16, 1, 1.0f + std::ldexp(1.0f, -11));
  EXPECT_EQ(half[2], 0x00);
  EXPECT_EQ(half[3], 0x3C);
  EXPECT_EQ(readFloat(half, FloatFormat::F16, 1), 1.0f);
  uint8_t brain[2] = {};
  writeFloat(brain, FloatFormat::BF16, 0, -2.0f);
  EXPECT_EQ(brain[0], 0x00);
  EXPECT_EQ(brain[1], 0xC0);
  EXPECT_EQ(readFloat(brain, FloatFormat::BF16, 0), -2.0f);
  uint8_t single[8] = {};
  writeFloat(single, FloatFormat::F32, 1, 0.1f);
  EXPECT_EQ(readFloat(single, FloatFormat::F32, 1), 0.1f);
  EXPECT_EQ(readFloat(single, FloatFormat::F32, 0), 0.0f);
}

TEST(LargestFinite, EveryFormat) {
  EXPECT_EQ(getLargestFinite(FloatFormat::F16), 65504.0f);
  EXPECT_EQ(getLargestFinite(FloatFormat::BF16), 0x1.fep127f);
  EXPECT_EQ(getLargestFinite(FloatFormat::F32), 0x1.fffffep127f);
}

// Rounding down: exact values stay; otherwise the next value below (f16 has
// steps of 0.25 in [256, 512), 32 in [32768, 65536)); above the range, the
// largest finite.
TEST(RoundDownToFormat, HandWorked) {
  EXPECT_EQ(roundDownToFormat(511.75, FloatFormat::F16), 511.75f);
  EXPECT_EQ(roundDownToFormat(511.8, FloatFormat::F16), 511.75f);
  EXPECT_EQ(roundDownToFormat(511.99, FloatFormat::F16), 511.75f);
  EXPECT_EQ(roundDownToFormat(65535.0, FloatFormat::F16), 65504.0f);
  EXPECT_EQ(roundDownToFormat(1e6, FloatFormat::F16), 65504.0f);
  EXPECT_EQ(roundDownToFormat(-1.25, FloatFormat::F16), -1.25f);
  EXPECT_EQ(roundDownToFormat(-1.0000001, FloatFormat::F16), -1.0009765625f);
  EXPECT_EQ(roundDownToFormat(1.0 + 0x1p-9, FloatFormat::BF16), 1.0f);
  EXPECT_EQ(roundDownToFormat(1e39, FloatFormat::F32), 0x1.fffffep127f);
  EXPECT_EQ(roundDownToFormat(1.0 + 0x1p-30, FloatFormat::F32), 1.0f);
}

} // namespace
