//===- BitPackingTest.cpp - Core ML index packing -------------------------===//

#include "palettize/Lut/BitPacking.h"

#include "Support/CoreMLBits.h"

#include <gtest/gtest.h>

#include <random>

using namespace palettize;

namespace {

using palettize::testing::packBitByBit;

std::vector<uint8_t> randomIndices(size_t count, unsigned nbits,
                                   std::mt19937 &rng) {
  std::uniform_int_distribution<unsigned> dist(0, (1u << nbits) - 1);
  std::vector<uint8_t> indices(count);
  for (uint8_t &index : indices)
    index = uint8_t(dist(rng));
  return indices;
}

TEST(BitPacking, SupportedBitWidths) {
  for (unsigned nbits = 0; nbits <= 9; ++nbits) {
    bool expected = nbits == 1 || nbits == 2 || nbits == 3 || nbits == 4 ||
                    nbits == 6 || nbits == 8;
    EXPECT_EQ(isSupportedIndexBitWidth(nbits), expected) << nbits;
  }
}

TEST(BitPacking, ByteCountIsCeilOfBits) {
  EXPECT_EQ(getPackedIndicesByteCount(0, 4), 0u);
  EXPECT_EQ(getPackedIndicesByteCount(1, 1), 1u);
  EXPECT_EQ(getPackedIndicesByteCount(8, 1), 1u);
  EXPECT_EQ(getPackedIndicesByteCount(9, 1), 2u);
  EXPECT_EQ(getPackedIndicesByteCount(5, 2), 2u);
  EXPECT_EQ(getPackedIndicesByteCount(3, 3), 2u); // 9 bits
  EXPECT_EQ(getPackedIndicesByteCount(8, 3), 3u); // 24 bits
  EXPECT_EQ(getPackedIndicesByteCount(4, 6), 3u); // 24 bits
  EXPECT_EQ(getPackedIndicesByteCount(5, 6), 4u); // 30 bits
  EXPECT_EQ(getPackedIndicesByteCount(7, 8), 7u);
  // Large counts must not overflow 32-bit arithmetic.
  EXPECT_EQ(getPackedIndicesByteCount(uint64_t(3) << 32, 6),
            (uint64_t(3) << 32) * 6 / 8);
}

// Core ML's n=4 vector: bytes [212, 21] hold indices [4, 13, 5, 1]
// (212 = 0xD4: low nibble first).
TEST(BitPacking, KnownVectorFourBits) {
  std::vector<uint8_t> indices(4);
  unpackIndices({212, 21}, 4, indices);
  EXPECT_EQ(indices, (std::vector<uint8_t>{4, 13, 5, 1}));
  EXPECT_EQ(packIndices(indices, 4), (std::vector<uint8_t>{212, 21}));
}

// Core ML's n=2 vector: bytes [10, 4] hold indices [2, 2, 0, 0, 0]; bit 2 of
// the last byte is padding, set in the vector and ignored when decoding.
TEST(BitPacking, KnownVectorTwoBitsIgnoresPadding) {
  std::vector<uint8_t> indices(5);
  unpackIndices({10, 4}, 2, indices);
  EXPECT_EQ(indices, (std::vector<uint8_t>{2, 2, 0, 0, 0}));
  // Packing writes zero padding.
  EXPECT_EQ(packIndices(indices, 2), (std::vector<uint8_t>{10, 0}));
}

// Indices that straddle a byte boundary (3 and 6 bits) by hand:
// 3 bits, [5, 3, 6]: bits 101 110 011 (LSB first: 1,0,1, 1,1,0, 0,1,1)
// -> byte0 = 0b10011101 = 157, byte1 = 0b1 = 1.
TEST(BitPacking, StraddlingThreeBits) {
  EXPECT_EQ(packIndices({5, 3, 6}, 3), (std::vector<uint8_t>{157, 1}));
}

// 6 bits, [63, 1, 42]: 63 fills bits 0-5; 1 sets bit 6; 42 (0b101010)
// occupies bits 12-17 and sets bits 13, 15, 17 -> bytes 0x7F, 0xA0, 0x02.
TEST(BitPacking, StraddlingSixBits) {
  EXPECT_EQ(packIndices({63, 1, 42}, 6),
            (std::vector<uint8_t>{0x7F, 0xA0, 0x02}));
}

TEST(BitPacking, MatchesBitByBitRuleAtEveryWidth) {
  std::mt19937 rng(1234);
  for (unsigned nbits : kSupportedIndexBitWidths) {
    for (size_t count = 0; count <= 67; ++count) {
      std::vector<uint8_t> indices = randomIndices(count, nbits, rng);
      std::vector<uint8_t> packed = packIndices(indices, nbits);
      ASSERT_EQ(packed, packBitByBit(indices, nbits))
          << "nbits=" << nbits << " count=" << count;
      std::vector<uint8_t> unpacked(count);
      unpackIndices(packed, nbits, unpacked);
      ASSERT_EQ(unpacked, indices) << "nbits=" << nbits << " count=" << count;
    }
  }
}

TEST(BitPacking, UnpackIgnoresPaddingBits) {
  std::mt19937 rng(99);
  for (unsigned nbits : kSupportedIndexBitWidths) {
    for (size_t count = 1; count <= 17; ++count) {
      std::vector<uint8_t> indices = randomIndices(count, nbits, rng);
      std::vector<uint8_t> packed = packIndices(indices, nbits);
      unsigned usedBits = (count * nbits) % 8;
      if (usedBits != 0)
        packed.back() |= uint8_t(0xFF << usedBits);
      std::vector<uint8_t> unpacked(count);
      unpackIndices(packed, nbits, unpacked);
      ASSERT_EQ(unpacked, indices) << "nbits=" << nbits << " count=" << count;
    }
  }
}

TEST(BitPacking, LargeRoundTrip) {
  std::mt19937 rng(7);
  for (unsigned nbits : kSupportedIndexBitWidths) {
    std::vector<uint8_t> indices = randomIndices(100003, nbits, rng);
    std::vector<uint8_t> packed = packIndices(indices, nbits);
    EXPECT_EQ(packed.size(), (indices.size() * nbits + 7) / 8);
    std::vector<uint8_t> unpacked(indices.size());
    unpackIndices(packed, nbits, unpacked);
    EXPECT_EQ(unpacked, indices) << "nbits=" << nbits;
  }
}

} // namespace
