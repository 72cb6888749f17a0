//===- SparseEncodeTest.cpp - Palettize the non-zeros of a pruned tensor --===//
//
// Hand-worked cases: masks written bit by bit, points gathered by reading
// the tensor by eye, and a round trip through the decoder of SparseDecode.h.
//
//===----------------------------------------------------------------------===//

#include "palettize/Lut/SparseEncode.h"
#include "palettize/Lut/BitPacking.h"
#include "palettize/Lut/SparseDecode.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

using namespace palettize;

namespace {

std::vector<float> readPoints(const MaskedPoints &points) {
  std::vector<float> values(points.values.size() / sizeof(float));
  std::memcpy(values.data(), points.values.data(), points.values.size());
  return values;
}

// [[0, 1, -0, 2], [3, 0, 5, 0]]
const std::vector<float> kTensor = {0, 1, -0.0f, 2, 3, 0, 5, 0};

TEST(MarkNonzeroPoints, ScalarsAndSignedZero) {
  LutLayout grid = LutLayout::get({2, 4}, Tiling(), 1);
  // Non-zeros at 1, 3, 4, 6: 0b01011010. -0.0 at 2 is a zero.
  EXPECT_EQ(markNonzeroPoints(kTensor.data(), FloatFormat::F32, grid),
            std::vector<uint8_t>{0x5A});
}

TEST(MarkNonzeroPoints, VectorIsZeroWhenAllValuesAre) {
  // Vectors of 2 along axis 1: (0, 1), (-0, 2), (3, 0), (5, 0) all hold a
  // non-zero; along axis 0: (0, 3), (1, 0), (-0, 5), (2, 0) too. A tensor
  // with zero vectors: [[0, 0, 1, 0], [0, -0, 0, 0]] along axis 1 has
  // (0, 0) zero, (1, 0) not, (0, -0) zero, (0, 0) zero.
  Tiling rows;
  rows.axis = 1;
  rows.vectorSize = 2;
  LutLayout grid = LutLayout::get({2, 4}, rows, 1);
  EXPECT_EQ(markNonzeroPoints(kTensor.data(), FloatFormat::F32, grid),
            std::vector<uint8_t>{0x0F});
  const std::vector<float> sparse = {0, 0, 1, 0, 0, -0.0f, 0, 0};
  EXPECT_EQ(markNonzeroPoints(sparse.data(), FloatFormat::F32, grid),
            std::vector<uint8_t>{0x02});
}

TEST(MarkNonzeroPoints, HalfFormats) {
  // f16 bit patterns: 0x8000 is -0, 0x0001 the smallest subnormal; the
  // same masks hold for bf16.
  const std::vector<uint16_t> bits = {0x0000, 0x8000, 0x0001, 0x3C00, 0x8001,
                                      0x0000, 0x0000, 0x0000, 0x0000};
  LutLayout grid = LutLayout::get({3, 3}, Tiling(), 1);
  EXPECT_EQ(markNonzeroPoints(bits.data(), FloatFormat::F16, grid),
            (std::vector<uint8_t>{0x1C, 0x00}));
  EXPECT_EQ(markNonzeroPoints(bits.data(), FloatFormat::BF16, grid),
            (std::vector<uint8_t>{0x1C, 0x00}));
}

TEST(GatherMaskedPoints, GroupsAlongColumns) {
  // Groups of 2 columns along axis 1: columns 0-1 are group 0, 2-3 group 1.
  Tiling columns;
  columns.axis = 1;
  columns.groupSize = 2;
  LutLayout grid = LutLayout::get({2, 4}, columns, 1);
  const std::vector<uint8_t> mask =
      markNonzeroPoints(kTensor.data(), FloatFormat::F32, grid);
  const std::vector<float> importance = {0, 10, 20, 30, 40, 50, 60, 70};
  MaskedPoints points =
      gatherMaskedPoints(kTensor.data(), FloatFormat::F32, grid, mask,
                         ImportanceView(importance.data()));
  // Group 0: (0,1)=1, (1,0)=3; group 1: (0,3)=2, (1,2)=5.
  EXPECT_EQ(points.groupOffsets, (std::vector<int64_t>{0, 2, 4}));
  EXPECT_EQ(readPoints(points), (std::vector<float>{1, 3, 2, 5}));
  EXPECT_EQ(points.importance, (std::vector<float>{10, 40, 30, 60}));
  // Grid order visits (0,1) g0, (0,3) g1, (1,0) g0, (1,2) g1.
  EXPECT_EQ(orderIndicesByGrid(grid, mask, points, {10, 11, 20, 21}),
            (std::vector<uint8_t>{10, 20, 11, 21}));
}

TEST(GatherMaskedPoints, VectorsAlongRows) {
  // Vectors of 2 along axis 0 of [[0, 1, -0, 2], [0, 0, 5, 0]]: columns
  // (0, 0) zero, (1, 0), (-0, 5), (2, 0).
  const std::vector<float> tensor = {0, 1, -0.0f, 2, 0, 0, 5, 0};
  Tiling vectors;
  vectors.axis = 0;
  vectors.vectorSize = 2;
  LutLayout grid = LutLayout::get({2, 4}, vectors, 1);
  const std::vector<uint8_t> mask =
      markNonzeroPoints(tensor.data(), FloatFormat::F32, grid);
  EXPECT_EQ(mask, std::vector<uint8_t>{0x0E});
  MaskedPoints points =
      gatherMaskedPoints(tensor.data(), FloatFormat::F32, grid, mask);
  EXPECT_EQ(points.getPointCount(), 3);
  // The -0.0 of a non-zero vector is kept as it is.
  const std::vector<float> values = readPoints(points);
  EXPECT_EQ(values, (std::vector<float>{1, 0, -0.0f, 5, 2, 0}));
  EXPECT_TRUE(std::signbit(values[2]));
  EXPECT_TRUE(points.importance.empty());
}

TEST(SparseEncode, RoundTripsThroughTheDecoder) {
  // Palettize the non-zeros of a grouped tensor by hand (each group's
  // values sorted into a 2-entry palette) and decode with SparseDecode.h.
  Tiling columns;
  columns.axis = 1;
  columns.groupSize = 2;
  LutLayout layout = LutLayout::get({2, 4}, columns, 1);
  const std::vector<uint8_t> mask =
      markNonzeroPoints(kTensor.data(), FloatFormat::F32, layout);
  MaskedPoints points =
      gatherMaskedPoints(kTensor.data(), FloatFormat::F32, layout, mask);
  // Palettes [1, 3] and [2, 5]: every gathered value is exact.
  const std::vector<float> lut = {1, 3, 2, 5};
  const std::vector<uint8_t> groupMajor = {0, 1, 0, 1};
  const std::vector<uint8_t> ordered =
      orderIndicesByGrid(layout, mask, points, groupMajor);
  std::vector<float> nonzero(4);
  decodeLutToSparse(layout, mask, packIndices(ordered, 1), lut.data(),
                    sizeof(float), nonzero.data());
  std::vector<uint8_t> expanded(getMaskByteCount(8));
  expandMask(layout, mask, expanded);
  std::vector<float> dense(8);
  scatterMasked(expanded, 8, nonzero.data(), 32, dense.data());
  // -0.0 decodes to +0.0.
  EXPECT_EQ(dense, (std::vector<float>{0, 1, 0, 2, 3, 0, 5, 0}));
  EXPECT_FALSE(std::signbit(dense[2]));
}

TEST(SparseEncode, IndexBytes) {
  // 24 points, 9 stored at 1 bit: 3 mask bytes and 2 index bytes.
  EXPECT_EQ(getSparseIndexBytes(24, 9, 1), 5u);
  // 4096 points, 1024 stored at 4 bits: 512 + 512.
  EXPECT_EQ(getSparseIndexBytes(4096, 1024, 4), 1024u);
  EXPECT_EQ(getSparseIndexBytes(10, 0, 6), 2u);
}

} // namespace
