//===- LutLayoutTest.cpp - LUT shapes and the index grid ------------------===//

#include "palettize/Lut/LutLayout.h"

#include <gtest/gtest.h>

#include <random>

using namespace palettize;

namespace {

using Shape = std::vector<int64_t>;

// No groups, no vectors: Core ML's rank-1 LUT.
TEST(LutLayout, PerTensorIsRankOne) {
  LutLayout layout = LutLayout::get({6, 4}, Tiling(), 3);
  EXPECT_TRUE(layout.rankOneLut);
  EXPECT_EQ(layout.getLutShape(), Shape{8});
  EXPECT_EQ(layout.getPaletteScaleShape(), Shape{1});
  EXPECT_EQ(layout.getIndexCount(), 24);
  EXPECT_EQ(layout.getLutElementCount(), 8);
}

// 6 channels along axis 1 in groups of 2, vectors of 2: 3 groups, the grid
// is 5x3x7 (axis 1 halved), the LUT [1, 3, 1, 16, 2].
TEST(LutLayout, GroupsAndVectorsAlongOneAxis) {
  LutLayout layout = LutLayout::get({5, 6, 7}, Tiling{1, 2, 2}, 4);
  EXPECT_FALSE(layout.rankOneLut);
  EXPECT_EQ(layout.getLutShape(), (Shape{1, 3, 1, 16, 2}));
  EXPECT_EQ(layout.getPaletteScaleShape(), (Shape{1, 3, 1, 1, 1}));
  EXPECT_EQ(layout.getGroupCount(), 3);
  EXPECT_EQ(layout.getIndexCount(), 5 * 3 * 7);
  EXPECT_EQ(layout.getVectorStride(), 7);
  EXPECT_EQ(layout.getLutElementCount(), 3 * 16 * 2);
}

// The shapes an op stores read back into the layout they came from.
TEST(LutLayout, InferInvertsGet) {
  std::mt19937 rng(11);
  const unsigned widths[] = {1, 2, 3, 4, 6, 8};
  for (int trial = 0; trial < 200; ++trial) {
    const unsigned rank = 1 + rng() % 4;
    Shape shape(rank);
    for (int64_t &size : shape)
      size = 1 + int64_t(rng() % 4) * 2; // odd sizes and multiples of 2
    Tiling tiling;
    tiling.axis = unsigned(rng() % rank);
    const int64_t channels = shape[tiling.axis];
    if (channels % 2 == 0 && rng() % 2)
      tiling.vectorSize = 2;
    if (rng() % 2)
      tiling.groupSize = channels % (2 * tiling.vectorSize) == 0
                             ? 2 * tiling.vectorSize
                             : channels;
    const unsigned nbits = widths[rng() % 6];
    LutLayout made = LutLayout::get(shape, tiling, nbits);
    std::optional<int64_t> axis;
    if (tiling.vectorSize > 1 || rng() % 2)
      axis = tiling.axis;
    llvm::Expected<LutLayout> read =
        LutLayout::infer(shape, made.getLutShape(), axis);
    ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
    EXPECT_EQ(read->resultShape, made.resultShape);
    EXPECT_EQ(read->groupCounts, made.groupCounts);
    EXPECT_EQ(read->indexBitWidth, nbits);
    EXPECT_EQ(read->vectorSize, made.vectorSize);
    EXPECT_EQ(read->rankOneLut, made.rankOneLut);
    if (made.vectorSize > 1) {
      EXPECT_EQ(read->vectorAxis, made.vectorAxis);
    }
  }
}

std::string inferError(const Shape &result, const Shape &lut,
                       std::optional<int64_t> axis) {
  llvm::Expected<LutLayout> layout = LutLayout::infer(result, lut, axis);
  if (layout)
    return "";
  return llvm::toString(layout.takeError());
}

TEST(LutLayout, InferSaysWhichRuleIsBroken) {
  EXPECT_NE(inferError({4}, {4, 2}, {}).find("rank 1 (per-tensor) or rank 3"),
            std::string::npos);
  EXPECT_NE(inferError({4}, {32}, {}).find("got 32"), std::string::npos);
  EXPECT_NE(inferError({4, 4}, {1, 1, 4, 2}, {}).find("is required"),
            std::string::npos);
  EXPECT_NE(inferError({4, 5}, {1, 1, 4, 2}, 1).find("multiple"),
            std::string::npos);
  EXPECT_NE(inferError({3, 4}, {2, 1, 4, 1}, {}).find("divide"),
            std::string::npos);
  EXPECT_EQ(inferError({4, 4}, {2, 1, 4, 1}, {}), "");
}

// The grid of a [2, 4] tensor with vectors of 2 along axis 1 and 2 groups
// along axis 0, written out by hand: (index, group, offset).
TEST(LutLayout, ForEachIndexVisitsTheGridInOrder) {
  LutLayout layout = LutLayout::infer({2, 4}, {2, 1, 2, 2}, 1).get();
  std::vector<std::array<int64_t, 3>> visits;
  layout.forEachIndex([&](int64_t i, int64_t group, int64_t offset) {
    visits.push_back({i, group, offset});
  });
  const std::vector<std::array<int64_t, 3>> expected = {
      {0, 0, 0}, {1, 0, 2}, {2, 1, 4}, {3, 1, 6}};
  EXPECT_EQ(visits, expected);
  EXPECT_EQ(layout.getVectorStride(), 1);
}

} // namespace
