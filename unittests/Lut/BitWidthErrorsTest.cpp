//===- BitWidthErrorsTest.cpp - The error of a LUT at every bit width -----===//

#include "palettize/Lut/BitWidthErrors.h"
#include "palettize/Lut/FloatFormats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace palettize;

namespace {

const unsigned kWidths[] = {1, 2, 3, 4, 6, 8};

std::vector<float> gaussian(size_t count, unsigned seed, double scale = 1) {
  std::mt19937 random(seed);
  std::normal_distribution<double> normal(0, scale);
  std::vector<float> values(count);
  for (float &value : values)
    value = float(normal(random));
  return values;
}

/// The tensor's values as doubles, whatever its format.
std::vector<double> valuesOf(const TensorView &tensor) {
  std::vector<double> values(tensor.getElementCount());
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = readFloat(tensor.data, tensor.format, int64_t(i));
  return values;
}

/// The error of buildLut's result at `nbits`, computed here from its entries
/// and indices: element i of channel c along `axis` takes group
/// c / groupSize's palette (scalars only).
double referenceError(LutConfig config, const TensorView &tensor,
                      const Tiling &tiling, unsigned nbits) {
  config.nbits = nbits;
  LutResult lut = buildLut(config, tensor, tiling);
  EXPECT_TRUE(lut.succeeded());
  std::vector<double> values = valuesOf(tensor);
  int64_t inner = 1;
  for (size_t d = tiling.axis + 1; d < tensor.shape.size(); ++d)
    inner *= tensor.shape[d];
  const int64_t channels = tensor.shape[tiling.axis];
  double sum = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    const int64_t group =
        tiling.groupSize > 0
            ? (int64_t(i) / inner % channels) / tiling.groupSize
            : 0;
    const double decoded = lut.entries[size_t(group << nbits) + lut.indices[i]];
    sum += (values[i] - decoded) * (values[i] - decoded);
  }
  return sum;
}

void expectMatchesEachWidth(const LutConfig &config, const TensorView &tensor,
                            const Tiling &tiling) {
  BitWidthErrors errors =
      measureBitWidthErrors(config, tensor, tiling, kWidths);
  ASSERT_EQ(errors.status, LutStatus::Success);
  ASSERT_EQ(errors.sumSquaredErrors.size(), std::size(kWidths));
  double squares = 0;
  for (double value : valuesOf(tensor))
    squares += value * value;
  EXPECT_NEAR(errors.sumSquares, squares, 1e-12 * squares);
  for (size_t w = 0; w < std::size(kWidths); ++w) {
    const double expected = referenceError(config, tensor, tiling, kWidths[w]);
    EXPECT_NEAR(errors.sumSquaredErrors[w], expected, 1e-10 * expected + 1e-300)
        << "nbits " << kWidths[w];
  }
}

// f16 and bf16 kmeans share one histogram per group across the widths; the
// errors are those of building each width, per tensor and per group.
TEST(BitWidthErrors, SharedHistogramMatchesEachWidth) {
  for (FloatFormat format : {FloatFormat::F16, FloatFormat::BF16}) {
    std::vector<uint16_t> bits;
    for (float value : gaussian(64 * 96, 3, 0.05))
      bits.push_back(floatToNarrow(value, format));
    const int64_t shape[] = {64, 96};
    TensorView tensor(bits.data(), format, shape);
    LutConfig config{LutMode::KMeans, 0, {}};
    expectMatchesEachWidth(config, tensor, Tiling());
    expectMatchesEachWidth(config, tensor, Tiling{1, 32, 1});
    expectMatchesEachWidth(config, tensor, Tiling{0, 16, 1});
  }
}

// Other inputs build each width: f32 kmeans, uniform, vectors.
TEST(BitWidthErrors, OtherInputsMatchEachWidth) {
  std::vector<float> values = gaussian(48 * 40, 5);
  const int64_t shape[] = {48, 40};
  TensorView tensor(values.data(), FloatFormat::F32, shape);
  expectMatchesEachWidth({LutMode::KMeans, 0, {}}, tensor, Tiling());
  expectMatchesEachWidth({LutMode::Uniform, 0, {}}, tensor, Tiling{1, 8, 1});
  std::vector<uint16_t> half;
  for (float value : values)
    half.push_back(floatToHalf(value));
  TensorView halfTensor(half.data(), FloatFormat::F16, shape);
  expectMatchesEachWidth({LutMode::Uniform, 0, {}}, halfTensor, Tiling());

  // Vectors of 2 along axis 1: compare with the vector LUT's own error.
  LutConfig config{LutMode::KMeans, 0, {}};
  BitWidthErrors errors = measureBitWidthErrors(config, tensor, Tiling{1, 0, 2},
                                                llvm::ArrayRef<unsigned>{2, 4});
  ASSERT_EQ(errors.status, LutStatus::Success);
  for (unsigned nbits : {2u, 4u}) {
    config.nbits = nbits;
    LutResult lut = buildLut(config, tensor, Tiling{1, 0, 2});
    double sum = 0;
    for (size_t i = 0; i < values.size(); i += 2)
      for (size_t j = 0; j < 2; ++j) {
        const double d = double(values[i + j]) -
                         double(lut.entries[2 * lut.indices[i / 2] + j]);
        sum += d * d;
      }
    EXPECT_NEAR(errors.sumSquaredErrors[nbits == 2 ? 0 : 1], sum, 1e-10 * sum);
  }
}

// The optimal k-means error never grows with the width, and reaches zero
// once the palette holds every distinct value.
TEST(BitWidthErrors, KMeansErrorFallsWithWidth) {
  std::vector<uint16_t> bits;
  for (float value : gaussian(4096, 7))
    bits.push_back(floatToHalf(value));
  // 200 distinct values at most in the last quarter: a tensor of 200 values.
  std::vector<uint16_t> few(bits.begin(), bits.begin() + 200);
  for (const std::vector<uint16_t> *tensor : {&bits, &few}) {
    BitWidthErrors errors = measureBitWidthErrors(
        {LutMode::KMeans, 0, {}}, TensorView(*tensor, FloatFormat::F16),
        Tiling(), kWidths);
    for (size_t w = 1; w < std::size(kWidths); ++w)
      EXPECT_LE(errors.sumSquaredErrors[w], errors.sumSquaredErrors[w - 1]);
  }
  BitWidthErrors fewErrors = measureBitWidthErrors(
      {LutMode::KMeans, 0, {}}, TensorView(few, FloatFormat::F16), Tiling(),
      kWidths);
  EXPECT_EQ(fewErrors.sumSquaredErrors.back(), 0);
}

// NaN is reported as buildLut reports it, and so is an unsupported width.
TEST(BitWidthErrors, ReportsWhyNoLut) {
  std::vector<uint16_t> bits(100, floatToHalf(1.0f));
  bits[7] = 0x7E00;
  EXPECT_EQ(measureBitWidthErrors({LutMode::KMeans, 0, {}},
                                  TensorView(bits, FloatFormat::F16), Tiling(),
                                  kWidths)
                .status,
            LutStatus::NonFiniteValues);
  std::vector<float> values = {1, 2, NAN};
  EXPECT_EQ(measureBitWidthErrors({LutMode::KMeans, 0, {}}, TensorView(values),
                                  Tiling(), kWidths)
                .status,
            LutStatus::NonFiniteValues);
  EXPECT_EQ(measureBitWidthErrors({LutMode::KMeans, 0, {}}, TensorView(values),
                                  Tiling(), llvm::ArrayRef<unsigned>{5})
                .status,
            LutStatus::UnsupportedBitWidth);
}

} // namespace
