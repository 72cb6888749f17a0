//===- BitWidthChoice.cpp - What every index bit width gives a constant ---===//
//
// The measurements behind nbits=auto: for one constant, the error and the
// stored bytes at each supported width.
//
//===----------------------------------------------------------------------===//

#include "palettize/Dialect/MIL/Transforms/Transforms.h"
#include "palettize/Lut/BitPacking.h"
#include "palettize/Lut/BitWidthErrors.h"
#include "palettize/Lut/Metrics.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

double BitWidthTrials::Trial::getSnrDb(double sumSquares) const {
  if (sumSquaredError == 0)
    return std::numeric_limits<double>::infinity();
  return 10 * std::log10(sumSquares / sumSquaredError);
}

BitWidthTrials palettize::evaluateBitWidths(ElementsAttr value,
                                            const PalettizePlan &plan,
                                            const ParallelFor &parallelFor,
                                            double stopAtSnrDb) {
  BitWidthTrials result;
  auto reached = [&]() {
    return stopAtSnrDb > 0 && !result.trials.empty() &&
           result.trials.back().getSnrDb(result.sumSquares) >= stopAtSnrDb;
  };
  const PalettizeSettings &settings = plan.settings;
  // The sparse form's choice and LUTs depend on the width: it is measured
  // as compressed, like scales and 8-bit LUTs.
  const bool shared = settings.lutStorage == LutStorageType::Float &&
                      !settings.perChannelScale &&
                      settings.mode != LutMode::Custom && !settings.sparse;
  if (shared) {
    RawElementsData data = getRawElementsData(value);
    if (!data.succeeded()) {
      result.readError = data.error;
      return result;
    }
    ArrayRef<int64_t> shape = value.getShapedType().getShape();
    TensorView tensor(data.bytes.data(), plan.format, shape);
    LutConfig config = settings.getLutConfig();
    config.kmeans.parallelFor = parallelFor;
    // f16/bf16 kmeans measures every width on one histogram; other inputs
    // build each width, so a min-snr stops at the first that reaches it.
    const bool oneHistogram = settings.mode == LutMode::KMeans &&
                              plan.format != FloatFormat::F32 &&
                              plan.tiling.vectorSize == 1;
    const uint64_t count = uint64_t(value.getNumElements());
    const unsigned width = getByteWidth(plan.format);
    llvm::ArrayRef<unsigned> all = kSupportedIndexBitWidths;
    for (size_t first = 0; first < all.size() && !reached();) {
      llvm::ArrayRef<unsigned> widths =
          oneHistogram ? all : all.slice(first, 1);
      BitWidthErrors errors = measureBitWidthErrors(
          config, tensor, plan.tiling, widths,
          settings.mode == LutMode::KMeans ? plan.importance
                                           : ImportanceView());
      result.status = errors.status;
      if (errors.status != LutStatus::Success)
        return result;
      result.sumSquares = errors.sumSquares;
      for (size_t w = 0; w < widths.size(); ++w) {
        const unsigned nbits = widths[w];
        const LutLayout layout = LutLayout::get(shape, plan.tiling, nbits);
        BitWidthTrials::Trial trial;
        trial.nbits = nbits;
        trial.sumSquaredError = errors.sumSquaredErrors[w];
        trial.bytes = getCompressedSize(count, nbits, width,
                                        uint64_t(layout.getGroupCount()),
                                        uint64_t(plan.tiling.vectorSize))
                          .getTotalBytes();
        result.trials.push_back(trial);
      }
      first += widths.size();
    }
    return result;
  }
  // Scales and 8-bit LUTs move the entries after clustering, and the sparse
  // form clusters the non-zeros alone: compress and decode each width.
  for (unsigned nbits : kSupportedIndexBitWidths) {
    if (reached())
      break;
    PalettizePlan widthPlan = plan;
    widthPlan.settings = settings.withBitWidth(nbits);
    CompressedTensor compressed =
        compressTensor(value, widthPlan, parallelFor, /*measure=*/true);
    if (!compressed.succeeded()) {
      result.readError = compressed.readError;
      result.status = compressed.lut.status;
      return result;
    }
    BitWidthTrials::Trial trial;
    trial.nbits = nbits;
    trial.sumSquaredError = compressed.reconstruction->sumSquaredError;
    trial.bytes = getCompressedByteCount(compressed, widthPlan);
    result.sumSquares = compressed.reconstruction->sumSquares;
    result.trials.push_back(trial);
  }
  return result;
}

std::optional<size_t> palettize::chooseByMinSnr(const BitWidthTrials &trials,
                                                double minSnrDb) {
  for (size_t i = 0; i < trials.trials.size(); ++i)
    if (trials.trials[i].getSnrDb(trials.sumSquares) >= minSnrDb)
      return i;
  return std::nullopt;
}
