//===- ShiftScaleTest.cpp - Blockwise shift-scale and 8-bit LUTs ----------===//

#include "palettize/Lut/ShiftScale.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

using namespace palettize;

namespace {

std::vector<int> asSigned(const std::vector<uint8_t> &bytes) {
  std::vector<int> values;
  for (uint8_t byte : bytes)
    values.push_back(int8_t(byte));
  return values;
}

// max|v| = 2.54, scale 0.02: -1 -> -50, 0.5 -> 25, 2.54 -> 127.
TEST(QuantizeLuts, SignedHandWorked) {
  QuantizedLuts q = quantizeLuts({-1.0f, 0.5f, 2.54f, 0.0f}, 1,
                                 /*isSigned=*/true, FloatFormat::F32);
  EXPECT_FLOAT_EQ(q.scales[0], 0.02f);
  EXPECT_EQ(asSigned(q.data), (std::vector<int>{-50, 25, 127, 0}));
  EXPECT_TRUE(q.offsets.empty());
}

// Range [-1, 3]: scale 4/255, zero point round(63.75) = 64; -1 -> 0,
// 3 -> 191 + 64 = 255, 0 -> 64.
TEST(QuantizeLuts, UnsignedHandWorked) {
  QuantizedLuts q = quantizeLuts({-1.0f, 3.0f, 0.0f, 1.0f}, 1,
                                 /*isSigned=*/false, FloatFormat::F32);
  EXPECT_FLOAT_EQ(q.scales[0], 4.0f / 255.0f);
  ASSERT_EQ(q.offsets.size(), 1u);
  EXPECT_EQ(q.offsets[0], 64);
  // 1 / (4/255) = 63.75 -> 64, plus the zero point.
  EXPECT_EQ(q.data, (std::vector<uint8_t>{0, 255, 64, 128}));
}

// All positive: the range still includes 0, so the zero point is 0.
TEST(QuantizeLuts, UnsignedPositiveKeepsZero) {
  QuantizedLuts q = quantizeLuts({0.5f, 1.0f, 2.55f, 2.0f}, 1,
                                 /*isSigned=*/false, FloatFormat::F32);
  EXPECT_FLOAT_EQ(q.scales[0], 0.01f);
  EXPECT_EQ(q.offsets[0], 0);
  EXPECT_EQ(q.data, (std::vector<uint8_t>{50, 100, 255, 200}));
}

// Each palette has its own scale; an all-zero palette gets scale 1.
TEST(QuantizeLuts, ScalePerPalette) {
  QuantizedLuts q = quantizeLuts({1.27f, -0.635f, 0.0f, 0.0f, 127.0f, 1.0f}, 3,
                                 /*isSigned=*/true, FloatFormat::F32);
  ASSERT_EQ(q.scales.size(), 3u);
  EXPECT_FLOAT_EQ(q.scales[0], 0.01f);
  EXPECT_EQ(q.scales[1], 1.0f);
  EXPECT_EQ(q.scales[2], 1.0f);
  EXPECT_EQ(asSigned(q.data), (std::vector<int>{127, -64, 0, 0, 127, 1}));
}

// The scale is representable in the LUT's format: f16(2.54 / 127) =
// f16(0.02) = 0.0200042724609375.
TEST(QuantizeLuts, ScaleRoundedToFormat) {
  QuantizedLuts q =
      quantizeLuts({2.54f, -1.0f}, 1, /*isSigned=*/true, FloatFormat::F16);
  EXPECT_EQ(q.scales[0], 0.0200042724609375f);
  // 2.54 / 0.02000427 = 126.97 -> 127; -1 / 0.02000427 = -49.99 -> -50.
  EXPECT_EQ(asSigned(q.data), (std::vector<int>{127, -50}));
}

// Reconstruction error of every value is at most half a step.
TEST(QuantizeLuts, ErrorWithinHalfStep) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.3f, 2.0f);
  for (bool isSigned : {true, false}) {
    std::vector<float> lut(4 * 16);
    for (float &value : lut)
      value = normal(rng);
    QuantizedLuts q = quantizeLuts(lut, 4, isSigned, FloatFormat::F32);
    for (size_t i = 0; i < lut.size(); ++i) {
      const size_t palette = i / 16;
      const double zero = isSigned ? 0 : q.offsets[palette];
      const double level = isSigned ? double(int8_t(q.data[i])) : q.data[i];
      const double decoded = q.scales[palette] * (level - zero);
      EXPECT_LE(std::fabs(decoded - lut[i]), q.scales[palette] * 0.5 + 1e-6)
          << "signed " << isSigned << " element " << i;
    }
  }
}

// 2x4 int8 data, one scale and offset per 1x2 block, checked against the
// formula applied element by element.
TEST(DecodeBlockwiseShiftScale, BlocksWithOffsets) {
  const std::vector<int8_t> data = {4, -4, 0, 1, 10, 20, -30, 40};
  const std::vector<float> scale = {2, 3, 0.5f, -1};
  const std::vector<int8_t> offset = {1, -2, 0, 5};
  BlockwiseLayout layout{{2, 4}, {2, 2}};
  std::vector<float> result(8);
  decodeBlockwiseShiftScale(layout, data.data(), ShiftScaleDataType::Int8,
                            scale.data(), offset.data(), FloatFormat::F32,
                            result.data());
  for (int row = 0; row < 2; ++row)
    for (int column = 0; column < 4; ++column) {
      const int block = row * 2 + column / 2;
      const float expected =
          scale[block] * float(data[row * 4 + column] - offset[block]);
      EXPECT_EQ(result[row * 4 + column], expected) << row << "," << column;
    }
  EXPECT_EQ(result[0], 6.0f);   // 2 * (4 - 1)
  EXPECT_EQ(result[7], -35.0f); // -1 * (40 - 5)
}

// uint8 data without offsets, f16 scales and result: 127 * f16(0.1) =
// 12.6968994140625 rounds to 12.6953125 on the f16 grid of 2^-7.
TEST(DecodeBlockwiseShiftScale, RoundsOnceToF16) {
  const std::vector<uint8_t> data = {127, 2};
  const uint16_t scale = floatToHalf(0.1f);
  BlockwiseLayout layout{{2}, {1}};
  uint16_t result[2];
  decodeBlockwiseShiftScale(layout, data.data(), ShiftScaleDataType::UInt8,
                            &scale, nullptr, FloatFormat::F16, result);
  EXPECT_EQ(halfToFloat(result[0]), 12.6953125f);
  EXPECT_EQ(halfToFloat(result[1]), 2 * 0.0999755859375f);
}

// 4-bit data packed two to a byte, low nibble first. The rows
// [[-1, 2, -8], [7, 0, 1]] are the nibbles F 2 8 7 0 1: bytes 0x2F, 0x78,
// 0x10; the offsets [1, -2] are the nibbles 1 E: byte 0xE1.
TEST(DecodeBlockwiseShiftScale, Int4PackedWithOffsets) {
  const uint8_t data[] = {0x2F, 0x78, 0x10};
  const uint8_t offset[] = {0xE1};
  const std::vector<float> scale = {0.5f, 2};
  BlockwiseLayout layout{{2, 3}, {2, 1}};
  std::vector<float> result(6);
  decodeBlockwiseShiftScale(layout, data, ShiftScaleDataType::Int4,
                            scale.data(), offset, FloatFormat::F32,
                            result.data());
  // 0.5 * (v - 1) on the first row, 2 * (v + 2) on the second.
  EXPECT_EQ(result, (std::vector<float>{-1, 0.5f, -4.5f, 18, 4, 6}));
}

// The same bytes read as uint4: [[15, 2, 8], [7, 0, 1]], offsets [1, 14].
TEST(DecodeBlockwiseShiftScale, UInt4PackedWithOffsets) {
  const uint8_t data[] = {0x2F, 0x78, 0x10};
  const uint8_t offset[] = {0xE1};
  const std::vector<float> scale = {0.5f, 2};
  BlockwiseLayout layout{{2, 3}, {2, 1}};
  std::vector<float> result(6);
  decodeBlockwiseShiftScale(layout, data, ShiftScaleDataType::UInt4,
                            scale.data(), offset, FloatFormat::F32,
                            result.data());
  EXPECT_EQ(result, (std::vector<float>{7, 0.5f, 3.5f, -14, -28, -26}));
}

TEST(ShiftScaleStorage, ByteCounts) {
  EXPECT_EQ(getStorageByteCount(ShiftScaleDataType::Int4, 5), 3u);
  EXPECT_EQ(getStorageByteCount(ShiftScaleDataType::UInt4, 4), 2u);
  EXPECT_EQ(getStorageByteCount(ShiftScaleDataType::Int8, 5), 5u);
  EXPECT_EQ(getStorageByteCount(ShiftScaleDataType::BF16, 5), 10u);
  EXPECT_EQ(getStorageByteCount(ShiftScaleDataType::F32, 5), 20u);
}

// Float data, as a per-channel scale over a decoded LUT.
TEST(DecodeBlockwiseShiftScale, FloatDataPerRow) {
  const std::vector<float> data = {1, 0, 1, 0, 0, 1, 0, 1};
  const std::vector<float> scale = {0.5f, 2};
  BlockwiseLayout layout{{2, 4}, {2, 1}};
  std::vector<float> result(8);
  decodeBlockwiseShiftScale(layout, data.data(), ShiftScaleDataType::F32,
                            scale.data(), nullptr, FloatFormat::F32,
                            result.data());
  EXPECT_EQ(result, (std::vector<float>{0.5f, 0, 0.5f, 0, 0, 2, 0, 2}));
}

} // namespace

namespace {

// Columns of a 2x3 tensor along axis 1: max-abs [4, 0.5, 0 -> 1].
TEST(NormalizeChannels, AlongLastAxis) {
  const std::vector<float> data = {-4, 0.25f, 0, 2, -0.5f, 0};
  ChannelNormalization n =
      normalizeChannels(data.data(), {2, 3}, 1, FloatFormat::F32);
  ASSERT_TRUE(n.finite);
  EXPECT_EQ(n.scales, (std::vector<float>{4, 0.5f, 1}));
  std::vector<float> normalized(6);
  std::memcpy(normalized.data(), n.normalized.data(), 24);
  EXPECT_EQ(normalized, (std::vector<float>{-1, 0.5f, 0, 0.5f, -1, 0}));
}

// Rows of f16 data along axis 0; quotients are rounded to f16:
// 1 / 3 -> f16(0.33333) = 0.333251953125.
TEST(NormalizeChannels, F16RowsRounded) {
  std::vector<uint16_t> data;
  for (float value : {1.0f, -3.0f, 0.5f, 0.25f})
    data.push_back(floatToHalf(value));
  ChannelNormalization n =
      normalizeChannels(data.data(), {2, 2}, 0, FloatFormat::F16);
  EXPECT_EQ(n.scales, (std::vector<float>{3, 0.5f}));
  std::vector<uint16_t> normalized(4);
  std::memcpy(normalized.data(), n.normalized.data(), 8);
  EXPECT_EQ(halfToFloat(normalized[0]), 0.333251953125f);
  EXPECT_EQ(halfToFloat(normalized[1]), -1.0f);
  EXPECT_EQ(halfToFloat(normalized[2]), 1.0f);
  EXPECT_EQ(halfToFloat(normalized[3]), 0.5f);
}

TEST(NormalizeChannels, ReportsNonFinite) {
  const std::vector<float> data = {1, INFINITY};
  EXPECT_FALSE(
      normalizeChannels(data.data(), {1, 2}, 0, FloatFormat::F32).finite);
}

// Two palettes of int8 [-2, 0, 2, 4] with scales 0.5 and 0.25 dequantize to
// [-1, 0, 1, 2] and [-0.5, 0, 0.5, 1]; uint8 [0, 3, 6] with zero point 3 and
// scale 1/3 (rounded to f16) to scale * [-3, 0, 3], each rounded to f16.
TEST(DequantizeLuts, SignedAndUnsigned) {
  QuantizedLuts signedLuts;
  signedLuts.data = {uint8_t(-2), 0, 2, 4, uint8_t(-2), 0, 2, 4};
  signedLuts.scales = {0.5f, 0.25f};
  EXPECT_EQ(dequantizeLuts(signedLuts, 2, /*isSigned=*/true, FloatFormat::F32),
            (std::vector<float>{-1, 0, 1, 2, -0.5f, 0, 0.5f, 1}));
  QuantizedLuts unsignedLuts;
  unsignedLuts.data = {0, 3, 6};
  const float third = roundToFormat(1.0 / 3, FloatFormat::F16);
  unsignedLuts.scales = {third};
  unsignedLuts.offsets = {3};
  EXPECT_EQ(
      dequantizeLuts(unsignedLuts, 1, /*isSigned=*/false, FloatFormat::F16),
      (std::vector<float>{roundToFormat(-3.0 * third, FloatFormat::F16), 0.0f,
                          roundToFormat(3.0 * third, FloatFormat::F16)}));
}

// f16 [-65504, 65504] in uint8, by hand: range / 255 = 513.76 rounds to
// 514 (f16 steps of 0.5 there), whose zero point 127 would decode -65504 as
// 514 * -128 = -65792, infinity in f16. The scale is capped at the largest
// f16 value at most 65504 / 128 = 511.75 (exact); the zero point is then
// 128, and both ends decode finite: 511.75 * -128 = -65504 and
// 511.75 * 127 = 64992.25, 64992 in f16.
TEST(QuantizeLuts, ExtremeF16RangeStaysFinite) {
  QuantizedLuts q = quantizeLuts({-65504.0f, 65504.0f}, 1, /*isSigned=*/false,
                                 FloatFormat::F16);
  EXPECT_EQ(q.scales[0], 511.75f);
  EXPECT_EQ(q.offsets[0], 128);
  EXPECT_EQ(q.data, (std::vector<uint8_t>{0, 255}));
  EXPECT_EQ(dequantizeLuts(q, 1, /*isSigned=*/false, FloatFormat::F16),
            (std::vector<float>{-65504.0f, 64992.0f}));
}

// Every format's largest values, in palettes of both signs and of one, with
// int8 and uint8: every entry decodes finite, within two steps (a capped
// scale clamps the farthest code by one step; decoding rounds half a step).
TEST(QuantizeLuts, ExtremesOfEveryFormatDecodeFinite) {
  for (FloatFormat format :
       {FloatFormat::F16, FloatFormat::BF16, FloatFormat::F32}) {
    const float m = getLargestFinite(format);
    const float half = roundToFormat(m / 2, format),
                third = roundToFormat(m / 3, format);
    const std::vector<std::vector<float>> palettes = {{-m, m},
                                                      {-m, 0},
                                                      {0, m},
                                                      {m, m},
                                                      {-m, -m},
                                                      {-m, third, m},
                                                      {-m, -half, 0.5f, m},
                                                      {-third, m},
                                                      {-m, third}};
    for (bool isSigned : {true, false})
      for (const std::vector<float> &palette : palettes) {
        QuantizedLuts q = quantizeLuts(palette, 1, isSigned, format);
        std::vector<float> decoded = dequantizeLuts(q, 1, isSigned, format);
        for (size_t i = 0; i < palette.size(); ++i) {
          ASSERT_TRUE(std::isfinite(decoded[i]))
              << "format " << int(format) << " signed " << isSigned << " entry "
              << palette[i];
          EXPECT_LE(std::fabs(double(decoded[i]) - double(palette[i])),
                    2.0 * double(q.scales[0]))
              << "format " << int(format) << " signed " << isSigned << " entry "
              << palette[i];
        }
      }
  }
}

} // namespace
