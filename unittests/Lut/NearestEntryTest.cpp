//===- NearestEntryTest.cpp - Nearest-entry search and reassignment -------===//

#include "palettize/Lut/NearestEntry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace palettize;

namespace {

LutLayout scalarLayout(llvm::ArrayRef<int64_t> shape, const Tiling &tiling,
                       unsigned nbits) {
  return LutLayout::get(shape, tiling, nbits);
}

// Entries [-1, 0, 0, 2.5]: 1.25 is equally near 0 and 2.5 and takes the
// lower index among the nearest, 1 (not the duplicate 2); from any start
// the answer is the same.
TEST(FindNearestEntry, LowestIndexAmongTheNearest) {
  const std::vector<float> entries = {-1, 0, 0, 2.5f};
  for (size_t start = 0; start < entries.size(); ++start) {
    EXPECT_EQ(findNearestEntry(1.25, entries, start), 1u) << start;
    EXPECT_EQ(findNearestEntry(-0.5, entries, start), 0u) << start;
    EXPECT_EQ(findNearestEntry(-0.4, entries, start), 1u) << start;
    EXPECT_EQ(findNearestEntry(1.3, entries, start), 3u) << start;
    EXPECT_EQ(findNearestEntry(-7, entries, start), 0u) << start;
    EXPECT_EQ(findNearestEntry(9, entries, start), 3u) << start;
  }
}

// Entries [-1e6, 1e-40, 1e-38, 1.5]: 3.6e-4 is nearest 1e-38, but in double
// its distances to 1e-40 and 1e-38 are both 3.6e-4. From entry 2, the sweep
// step stays there (nothing after it is strictly nearer); the bidirectional
// search walks back to the lowest of the equal distances, 1.
TEST(AdvanceToNearestEntry, NeverMovesBack) {
  const std::vector<float> entries = {-1e6f, 1e-40f, 1e-38f, 1.5f};
  EXPECT_EQ(advanceToNearestEntry(3.6e-4, entries, 2), 2u);
  EXPECT_EQ(findNearestEntry(3.6e-4, entries, 2), 1u);
  // Forward to a strictly nearer entry, past duplicates to their first.
  const std::vector<float> duplicates = {0, 1, 1, 3};
  EXPECT_EQ(advanceToNearestEntry(1.2, duplicates, 0), 1u);
  EXPECT_EQ(advanceToNearestEntry(2.0, duplicates, 1), 1u); // a tie stays
  EXPECT_EQ(advanceToNearestEntry(2.1, duplicates, 1), 3u);
}

// Rows (0,0), (2,0), (0,2): the point (1,1) is at squared distance 2 from
// all three and takes row 0; (1.5, 0) is nearest row 1 at 0.25.
TEST(FindNearestRow, SquaredDistanceLowestIndexOnTies) {
  const float rows[] = {0, 0, 2, 0, 0, 2};
  const double tie[] = {1, 1}, near[] = {1.5, 0};
  double distance = 0;
  EXPECT_EQ(findNearestRow(tie, rows, 3, 2, &distance), 0u);
  EXPECT_EQ(distance, 2.0);
  EXPECT_EQ(findNearestRow(near, rows, 3, 2, &distance), 1u);
  EXPECT_EQ(distance, 0.25);
  // Only the first row considered.
  EXPECT_EQ(findNearestRow(near, rows, 1, 2), 0u);
}

// Entries [0, 1, 1, 3] (1 and 2 collapsed), one group: 2.9 moves from entry
// 1 across the equal entry 2 to entry 3; 1.2 sitting on entry 2 moves to
// the lower of the equal entries, 1; 0.4 stays on 0; 0.6 from 0 moves to
// 1; 3 stays on 3.
TEST(ReassignToNearest, WalksToTheLowestNearestEntry) {
  const std::vector<float> data = {2.9f, 1.2f, 0.4f, 0.6f, 3};
  std::vector<uint8_t> indices = {1, 2, 0, 0, 3};
  reassignToNearest(TensorView(data), scalarLayout({5}, Tiling(), 2),
                    {0, 1, 1, 3}, indices);
  EXPECT_EQ(indices, (std::vector<uint8_t>{3, 1, 0, 1, 3}));
}

// Two groups of one row each along axis 0; entries beyond what a group uses
// (its zero padding) are never chosen, even when nearer.
TEST(ReassignToNearest, PerGroupAndOnlyUsedEntries) {
  const std::vector<float> data = {-5, 9, 0.1f, 2};
  std::vector<uint8_t> indices = {1, 1, 0, 2};
  // Group 0 uses [5, 10] (entries 2, 3 unused); group 1 uses [1, 2, 3].
  reassignToNearest(TensorView(data.data(), FloatFormat::F32, {2, 2}),
                    scalarLayout({2, 2}, Tiling{0, 1, 1}, 2),
                    {5, 10, 0, 0, 1, 2, 3, 0}, indices);
  EXPECT_EQ(indices, (std::vector<uint8_t>{0, 1, 0, 1}));
}

// Against a brute-force nearest search on random data and a LUT whose
// entries moved by up to a step, with collapsed entries.
TEST(ReassignToNearest, MatchesBruteForce) {
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0, 1);
  std::vector<float> data(2000);
  for (float &value : data)
    value = normal(rng);
  std::vector<float> lut(16);
  for (size_t e = 0; e < 16; ++e)
    lut[e] = -2.0f + 0.25f * float(e / 2 * 2); // pairs of equal entries
  std::vector<uint8_t> indices(data.size());
  std::uniform_int_distribution<int> start(0, 15);
  for (uint8_t &index : indices)
    index = uint8_t(start(rng));
  indices[0] = 15; // all entries in use
  reassignToNearest(TensorView(data),
                    scalarLayout({int64_t(data.size())}, Tiling(), 4), lut,
                    indices);
  for (size_t i = 0; i < data.size(); ++i) {
    size_t best = 0;
    for (size_t e = 1; e < 16; ++e)
      if (std::fabs(double(data[i]) - lut[e]) <
          std::fabs(double(data[i]) - lut[best]))
        best = e;
    ASSERT_EQ(indices[i], best) << "element " << i;
  }
}

// Vectors of 2 along axis 1 of a 2x4 tensor, one group per 2 channels (one
// vector per group and row): each vector takes the nearest row its group
// uses, ties to the lower row; rows past the used prefix are never chosen,
// even when nearer. Group 0 rows: (0,0) (1,1) (1,1) and unused (0.9,0.9);
// group 1: (5,5) (6,6) and unused (0,0) rows.
TEST(ReassignToNearest, VectorsTakeTheNearestUsedRowOfTheirGroup) {
  // Row-major 2x4: row 0 = (0.9,1.1 | 6,6), row 1 = (5.4,5.4 | 0.2,0.1).
  const std::vector<float> data = {0.9f, 1.1f, 6, 6, 5.4f, 5.4f, 0.2f, 0.1f};
  // Grid 2x2, (row, vector): group 0 for vector 0, group 1 for vector 1.
  std::vector<uint8_t> indices = {2, 0, 0, 1};
  const std::vector<float> luts = {0, 0, 1, 1, 1, 1, 0.9f, 0.9f,
                                   5, 5, 6, 6, 0, 0, 0,    0};
  // Group 0's indices use rows 0-2 (index 2), group 1's rows 0-1.
  reassignToNearest(TensorView(data.data(), FloatFormat::F32, {2, 4}),
                    scalarLayout({2, 4}, Tiling{1, 2, 2}, 2), luts, indices);
  // (0.9,1.1): rows 1 and 2 tie at 0.02, row 3 (0.04) is unused -> 1.
  // (6,6) -> row 1 of group 1. (5.4,5.4) -> row 1 of group 0. (0.2,0.1):
  // row 0 of group 1, (5,5); the unused (0,0) rows would be nearer.
  EXPECT_EQ(indices, (std::vector<uint8_t>{1, 1, 1, 0}));
}

// Vectors along axis 0 (not the last axis), against a brute-force search
// written out over the tensor's coordinates.
TEST(ReassignToNearest, VectorsMatchBruteForceAlongAnOuterAxis) {
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0, 1);
  const int64_t rows = 8, cols = 6, d = 4; // vectors of 4 along axis 0
  std::vector<float> data(rows * cols);
  for (float &value : data)
    value = normal(rng);
  std::vector<float> luts(8 * d);
  for (float &value : luts)
    value = normal(rng);
  std::vector<uint8_t> indices(rows / d * cols, 0);
  indices[1] = 7; // every row in use
  reassignToNearest(TensorView(data.data(), FloatFormat::F32, {rows, cols}),
                    scalarLayout({rows, cols}, Tiling{0, 0, d}, 3), luts,
                    indices);
  for (int64_t v = 0; v < rows / d; ++v)
    for (int64_t c = 0; c < cols; ++c) {
      size_t best = 0;
      double bestDistance = 1e300;
      for (size_t row = 0; row < 8; ++row) {
        double distance = 0;
        for (int64_t t = 0; t < d; ++t) {
          const double diff =
              double(data[(v * d + t) * cols + c]) - luts[row * d + t];
          distance += diff * diff;
        }
        if (distance < bestDistance) {
          bestDistance = distance;
          best = row;
        }
      }
      ASSERT_EQ(indices[v * cols + c], best) << "vector " << v << "," << c;
    }
}

} // namespace
