//===- SparseDecodeTest.cpp - Core ML's sparse constexpr ops --------------===//
//
// The known vectors are those of Core ML's definition of
// constexpr_lut_to_sparse: a 4x6 index mask
//   1 1 0 0 0 0
//   1 1 0 0 0 1
//   0 1 1 0 1 0
//   0 0 0 1 0 0
// (24 bits LSB-first, row-major: bytes 0xC3, 0x68, 0x21) and the nine 1-bit
// indices 0 1 1 0 1 1 0 0 1 (bytes 0x36, 0x01).
//
//===----------------------------------------------------------------------===//

#include "palettize/Lut/SparseDecode.h"

#include <gtest/gtest.h>

#include <vector>

using namespace palettize;

namespace {

const std::vector<uint8_t> kMask = {0xC3, 0x68, 0x21};
const std::vector<uint8_t> kIndices = {0x36, 0x01};

TEST(CountMaskBits, IgnoresPadding) {
  EXPECT_EQ(countMaskBits(kMask, 24), 9u);
  // The first 20 bits: 4 in 0xC3, 3 in 0x68, bit 16 of 0x21 (bit 21 is
  // past the count).
  EXPECT_EQ(countMaskBits(kMask, 20), 8u);
  EXPECT_EQ(countMaskBits({0xFF}, 3), 3u);
  EXPECT_EQ(getMaskByteCount(24), 3u);
  EXPECT_EQ(getMaskByteCount(25), 4u);
}

TEST(ScatterMasked, FloatsInRowMajorOrder) {
  // Mask 1 0 1 1 (0b1101): three values land at 0, 2 and 3.
  const std::vector<float> values = {1.5f, -2, 4};
  std::vector<float> result(4, 7);
  scatterMasked({0x0D}, 4, values.data(), 32, result.data());
  EXPECT_EQ(result, (std::vector<float>{1.5f, 0, -2, 4}));
}

TEST(ScatterMasked, PackedNibbles) {
  // Values 0x3, 0xA (byte 0xA3) at positions 1 and 2 of 3: nibbles 0 3 A,
  // bytes 0x30, 0x0A.
  const uint8_t values[] = {0xA3};
  uint8_t result[2] = {0xFF, 0xFF};
  scatterMasked({0x06}, 3, values, 4, result);
  EXPECT_EQ(result[0], 0x30);
  EXPECT_EQ(result[1], 0x0A);
}

TEST(DecodeLutToSparse, ScalarKnownVector) {
  LutLayout layout = cantFail(LutLayout::infer({4, 6}, {1, 1, 2, 1}, {}));
  const std::vector<float> lut = {2, 3};
  std::vector<float> data(9);
  decodeLutToSparse(layout, kMask, kIndices, lut.data(), 4, data.data());
  EXPECT_EQ(data, (std::vector<float>{2, 3, 3, 2, 3, 3, 2, 2, 3}));
  std::vector<uint8_t> mask(3);
  expandMask(layout, kMask, mask);
  EXPECT_EQ(mask, kMask);
}

TEST(DecodeLutToSparse, VectorKnownVector) {
  // Vectors of 2 along axis 0: the mask's rows each appear twice, and the
  // data follows the expanded mask row by row.
  LutLayout layout = cantFail(LutLayout::infer({8, 6}, {1, 1, 2, 2}, 0));
  const std::vector<float> lut = {2, 2, 3, 3};
  std::vector<float> data(18);
  decodeLutToSparse(layout, kMask, kIndices, lut.data(), 4, data.data());
  EXPECT_EQ(data, (std::vector<float>{2, 3, 2, 3, 3, 2, 3, 3, 2, 3, 3, 2, 2, 3,
                                      2, 2, 3, 3}));
  // Rows 110000 110000 110001 110001 011010 011010 000100 000100, 48 bits.
  std::vector<uint8_t> mask(6);
  expandMask(layout, kMask, mask);
  std::vector<uint8_t> expected(6, 0);
  const char *rows[] = {"110000", "110000", "110001", "110001",
                        "011010", "011010", "000100", "000100"};
  for (int r = 0; r < 8; ++r)
    for (int c = 0; c < 6; ++c)
      if (rows[r][c] == '1')
        expected[(r * 6 + c) / 8] |= uint8_t(1u << ((r * 6 + c) % 8));
  EXPECT_EQ(mask, expected);
}

TEST(DecodeLutToSparse, GroupedByRows) {
  // Two LUTs, one per pair of rows: rows 0-1 read [2, 3], rows 2-3 read
  // [-1, -2]; the indices are the same.
  LutLayout layout = cantFail(LutLayout::infer({4, 6}, {2, 1, 2, 1}, {}));
  const std::vector<float> lut = {2, 3, -1, -2};
  std::vector<float> data(9);
  decodeLutToSparse(layout, kMask, kIndices, lut.data(), 4, data.data());
  EXPECT_EQ(data, (std::vector<float>{2, 3, 3, 2, 3, -2, -1, -1, -2}));
}

} // namespace
