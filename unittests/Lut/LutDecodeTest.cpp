//===- LutDecodeTest.cpp - Decoding palettized tensors --------------------===//

#include "palettize/Lut/LutDecode.h"
#include "palettize/Lut/BitPacking.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

using namespace palettize;

namespace {

std::vector<float> decode(const LutLayout &layout,
                          const std::vector<uint8_t> &packed,
                          const std::vector<float> &lut) {
  EXPECT_EQ(int64_t(lut.size()), layout.getLutElementCount());
  std::vector<float> result(layout.getElementCount());
  decodeLut(layout, packed, lut.data(), sizeof(float), result.data());
  return result;
}

// Core ML's n=4 known vector.
TEST(LutDecode, KnownVectorFourBits) {
  LutLayout layout{{4, 1}, {1, 1}, 4};
  std::vector<float> lut = {-19, 4,  0,  -1,  1,    3, 5,  -8,
                            19,  13, 42, 4.5, 5.4f, 2, -6, -7};
  EXPECT_EQ(decode(layout, {212, 21}, lut), (std::vector<float>{1, 2, 3, 4}));
}

// Core ML's n=2 known vector.
TEST(LutDecode, KnownVectorTwoBits) {
  LutLayout layout{{5}, {1}, 2};
  EXPECT_EQ(decode(layout, {10, 4}, {1, 2, 3, 4}),
            (std::vector<float>{3, 3, 1, 1, 1}));
}

// One 2-bit palette per row of a 2x4 tensor. Row 0 indices [0,1,2,3] into
// [0,1,2,3]; row 1 indices [3,2,1,0] into [4,5,6,7]. Packed: 0|1<<2|2<<4|3<<6
// = 228 and 3|2<<2|1<<4 = 27.
TEST(LutDecode, GroupedPerRow) {
  LutLayout layout{{2, 4}, {2, 1}, 2};
  EXPECT_EQ(decode(layout, {228, 27}, {0, 1, 2, 3, 4, 5, 6, 7}),
            (std::vector<float>{0, 1, 2, 3, 7, 6, 5, 4}));
}

// Grouped along the last axis: 2x4 tensor, two column blocks of width 2.
// Index grid [[0,1,1,0],[1,1,0,0]] (1 bit): block 0 palette [10,11], block 1
// palette [20,21]. Packed bits LSB-first: 0,1,1,0,1,1,0,0 = 0b00110110 = 54.
TEST(LutDecode, GroupedPerColumnBlock) {
  LutLayout layout{{2, 4}, {1, 2}, 1};
  EXPECT_EQ(decode(layout, {54}, {10, 11, 20, 21}),
            (std::vector<float>{10, 11, 21, 20, 11, 11, 20, 20}));
}

// Vector palettization along the last axis: 2x4 tensor, V=2, 1-bit palette
// of rows [10,11] and [20,21]. Index grid 2x2 = [[1,0],[0,1]]: bits 1,0,0,1
// = 9.
TEST(LutDecode, VectorAlongLastAxis) {
  LutLayout layout{{2, 4}, {1, 1}, 1, /*vectorSize=*/2, /*vectorAxis=*/1};
  EXPECT_EQ(decode(layout, {9}, {10, 11, 20, 21}),
            (std::vector<float>{20, 21, 10, 11, 10, 11, 20, 21}));
}

// The same palette and indices with the vectors along axis 0 of a 4x2
// tensor: grid position (q0, q1) fills rows 2*q0 and 2*q0+1 of column q1.
TEST(LutDecode, VectorAlongFirstAxis) {
  LutLayout layout{{4, 2}, {1, 1}, 1, /*vectorSize=*/2, /*vectorAxis=*/0};
  EXPECT_EQ(decode(layout, {9}, {10, 11, 20, 21}),
            (std::vector<float>{20, 10, 21, 11, 10, 20, 11, 21}));
}

TEST(LutDecode, RankZero) {
  LutLayout layout{{}, {}, 1};
  EXPECT_EQ(decode(layout, {1}, {5, 6}), (std::vector<float>{6}));
}

TEST(LutDecode, EmptyTensor) {
  LutLayout layout{{0, 3}, {1, 1}, 4};
  EXPECT_TRUE(decode(layout, {}, std::vector<float>(16, 0)).empty());
}

// Decoding copies bits: -0.0 and a NaN payload survive unchanged in 16-bit
// elements.
TEST(LutDecode, CopiesBitsExactly) {
  LutLayout layout{{3}, {1}, 1};
  std::vector<uint16_t> lut = {0x8000, 0x7E01};
  std::vector<uint16_t> result(3);
  decodeLut(layout, {0b101}, lut.data(), 2, result.data());
  EXPECT_EQ(result, (std::vector<uint16_t>{0x7E01, 0x8000, 0x7E01}));
}

/// Reference decoder that walks result elements (not indices) and applies
/// the op's definition directly.
std::vector<float> referenceDecode(const LutLayout &layout,
                                   const std::vector<uint8_t> &indices,
                                   const std::vector<float> &lut) {
  const size_t rank = layout.resultShape.size();
  const int64_t v = layout.vectorSize;
  std::vector<int64_t> grid = layout.resultShape;
  if (v > 1)
    grid[layout.vectorAxis] /= v;
  std::vector<float> result(layout.getElementCount());
  std::vector<int64_t> r(rank, 0);
  for (int64_t flat = 0; flat < layout.getElementCount(); ++flat) {
    // Multi-index of `flat` in the result.
    int64_t rest = flat;
    for (size_t d = rank; d-- > 0;) {
      r[d] = rest % layout.resultShape[d];
      rest /= layout.resultShape[d];
    }
    int64_t indexFlat = 0, group = 0, lane = 0;
    for (size_t d = 0; d < rank; ++d) {
      int64_t q = r[d];
      if (v > 1 && int64_t(d) == layout.vectorAxis) {
        lane = q % v;
        q /= v;
      }
      indexFlat = indexFlat * grid[d] + q;
      group =
          group * layout.groupCounts[d] + q / (grid[d] / layout.groupCounts[d]);
    }
    int64_t row = group * layout.getPaletteSize() + indices[indexFlat];
    result[flat] = lut[row * v + lane];
  }
  return result;
}

TEST(LutDecode, MatchesReferenceOnRandomLayouts) {
  std::mt19937 rng(2024);
  auto pick = [&](std::vector<int64_t> options) {
    return options[std::uniform_int_distribution<size_t>(0, options.size() -
                                                                1)(rng)];
  };
  for (int trial = 0; trial < 300; ++trial) {
    LutLayout layout;
    const int64_t rank = pick({1, 2, 3, 4});
    layout.indexBitWidth = unsigned(pick({1, 2, 3, 4, 6, 8}));
    layout.vectorSize = pick({1, 1, 2, 3, 4});
    layout.vectorAxis =
        std::uniform_int_distribution<int64_t>(0, rank - 1)(rng);
    for (int64_t d = 0; d < rank; ++d) {
      int64_t groups = pick({1, 1, 2, 3});
      int64_t blocks = pick({1, 2, 3});
      int64_t size = groups * blocks;
      if (layout.vectorSize > 1 && d == layout.vectorAxis)
        size *= layout.vectorSize;
      layout.resultShape.push_back(size);
      layout.groupCounts.push_back(groups);
    }
    std::vector<float> lut(layout.getLutElementCount());
    for (size_t i = 0; i < lut.size(); ++i)
      lut[i] = float(i) + 0.25f;
    std::uniform_int_distribution<unsigned> indexDist(
        0, (1u << layout.indexBitWidth) - 1);
    std::vector<uint8_t> indices(layout.getIndexCount());
    for (uint8_t &index : indices)
      index = uint8_t(indexDist(rng));
    std::vector<uint8_t> packed = packIndices(indices, layout.indexBitWidth);
    ASSERT_EQ(decode(layout, packed, lut),
              referenceDecode(layout, indices, lut))
        << "trial " << trial;
  }
}

} // namespace
