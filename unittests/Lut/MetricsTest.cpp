//===- MetricsTest.cpp - Reconstruction error and size --------------------===//

#include "palettize/Lut/Metrics.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace palettize;

namespace {

// values [1, 2, 3], lut [1, 2.5], indices [0, 1, 1]: errors 0, -0.5, 0.5;
// SSE 0.5, MSE 1/6, max 0.5, SNR 10 log10(14 / 0.5).
TEST(Metrics, HandWorkedError) {
  ReconstructionError error = measureError({1, 2, 3}, {1, 2.5f}, {0, 1, 1});
  EXPECT_DOUBLE_EQ(error.sumSquaredError, 0.5);
  EXPECT_DOUBLE_EQ(error.meanSquaredError, 0.5 / 3);
  EXPECT_DOUBLE_EQ(error.maxAbsError, 0.5);
  EXPECT_DOUBLE_EQ(error.snrDb, 10 * std::log10(28.0));
  EXPECT_DOUBLE_EQ(error.sumSquares, 14);
  EXPECT_DOUBLE_EQ(error.getRelativeError(), 0.5 / 14);
}

TEST(Metrics, ExactReconstructionHasInfiniteSnr) {
  ReconstructionError error = measureError({2, -2}, {-2, 2}, {1, 0});
  EXPECT_EQ(error.sumSquaredError, 0);
  EXPECT_TRUE(std::isinf(error.snrDb));
  EXPECT_EQ(error.getRelativeError(), 0);
  // An all-zero signal reconstructed exactly has no relative error either.
  EXPECT_EQ(measureError({0, -0.0f}, {0}, {0, 0}).getRelativeError(), 0);
}

TEST(Metrics, HalfValues) {
  // 1.0 and 3.0 in f16 (0x3C00, 0x4200) against lut [1.5].
  ReconstructionError error =
      measureError({0x3C00, 0x4200}, FloatFormat::F16, {1.5f}, {0, 0});
  EXPECT_DOUBLE_EQ(error.sumSquaredError, 0.25 + 2.25);
  EXPECT_DOUBLE_EQ(error.maxAbsError, 1.5);
}

// 1000 f16 weights at 4 bits: 500 index bytes + 16 entries * 2 bytes.
TEST(Metrics, CompressedSize) {
  CompressedSize size = getCompressedSize(1000, 4, 2);
  EXPECT_EQ(size.indexBytes, 500u);
  EXPECT_EQ(size.lutBytes, 32u);
  EXPECT_EQ(size.getTotalBytes(), 532u);
  EXPECT_DOUBLE_EQ(size.getBitsPerWeight(1000), 8.0 * 532 / 1000);
  // 6 bits, 90 groups of vectors of 2 f32: 1800 / 2 indices -> 675 bytes;
  // LUTs 90 * 64 * 2 * 4 bytes.
  CompressedSize grouped = getCompressedSize(1800, 6, 4, 90, 2);
  EXPECT_EQ(grouped.indexBytes, 675u);
  EXPECT_EQ(grouped.lutBytes, 90u * 64 * 2 * 4);
}

// A reconstruction of f16 storage: values [1, 2, 3] (0x3C00, 0x4000,
// 0x4200) against [1, 2.5, 2.5]: the hand-worked figures above.
TEST(Metrics, ReconstructionOfStoredValues) {
  const uint16_t half[] = {0x3C00, 0x4000, 0x4200};
  ReconstructionError error =
      measureError(half, FloatFormat::F16, {1.0f, 2.5f, 2.5f});
  EXPECT_DOUBLE_EQ(error.sumSquaredError, 0.5);
  EXPECT_DOUBLE_EQ(error.maxAbsError, 0.5);
  EXPECT_DOUBLE_EQ(error.snrDb, 10 * std::log10(28.0));
  const float single[] = {1, 2, 3};
  EXPECT_DOUBLE_EQ(
      measureError(single, FloatFormat::F32, {1.0f, 2.5f, 2.5f}).snrDb,
      10 * std::log10(28.0));
}

} // namespace
