//===- BitWidthErrors.h - The error of a LUT at every bit width -*- C++ -*-===//
//
// What choosing an index bit width costs in reconstruction error: the total
// squared error buildLut's result would leave at each of several widths,
// computed together. For f16/bf16 kmeans (per tensor or per channel group)
// the histogram of each group is counted once and every width is clustered
// and assigned on its distinct values, so the cost is one pass over the
// tensor plus one DP per width; other inputs build the LUT of each width.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LUT_BITWIDTHERRORS_H
#define PALETTIZE_LUT_BITWIDTHERRORS_H

#include "palettize/Lut/LutBuilder.h"

#include "llvm/ADT/ArrayRef.h"

#include <vector>

namespace palettize {

/// The errors of one tensor's LUT at several widths.
struct BitWidthErrors {
  /// Success, or why no LUT can be built (at any width).
  LutStatus status = LutStatus::Success;
  /// Sum of x^2 over the elements.
  double sumSquares = 0;
  /// Per width, in the order given: the sum of (x - lut[index])^2 of
  /// buildLut's result with config.nbits set to that width.
  std::vector<double> sumSquaredErrors;
};

/// Measures the error buildLut(config with nbits = w, tensor, tiling,
/// importance) leaves for each w in `widths` (supported widths, for kmeans
/// or uniform). Equal, up to the order of summation, to measuring each
/// result. With `importance`, both sums are weighted by it (for uniform
/// too, although its LUT ignores it). Deterministic.
BitWidthErrors measureBitWidthErrors(const LutConfig &config,
                                     const TensorView &tensor,
                                     const Tiling &tiling,
                                     llvm::ArrayRef<unsigned> widths,
                                     ImportanceView importance = {});

/// Returns the sum of (x - decoded)^2 of `lut`, built for `tensor`, each
/// term weighted by `importance` when given.
double getSumSquaredError(const TensorView &tensor, const LutResult &lut,
                          ImportanceView importance = {});

} // namespace palettize

#endif // PALETTIZE_LUT_BITWIDTHERRORS_H
