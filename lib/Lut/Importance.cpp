//===- Importance.cpp - Per-element weights of the squared error ----------===//

#include "palettize/Lut/Importance.h"
#include "LutBuilders.h"

#include <cmath>

using namespace palettize;
using namespace palettize::detail;

std::optional<size_t>
palettize::findInvalidImportance(ImportanceView importance, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    const double value = importance[i];
    // Also catches NaN: no comparison with it holds.
    if (!(value >= 0) || std::isinf(value))
      return i;
  }
  return std::nullopt;
}

bool palettize::isUniformImportance(ImportanceView importance, size_t count) {
  if (!importance || count == 0)
    return true;
  const double first = importance[0];
  for (size_t i = 1; i < count; ++i)
    if (importance[i] != first)
      return false;
  return true;
}

std::vector<float> palettize::detail::clusterPositiveWeights(
    llvm::ArrayRef<double> values, llvm::ArrayRef<double> weights,
    unsigned nbits, FloatFormat format, const ParallelFor &parallelFor) {
  std::vector<double> kept, keptWeights;
  for (size_t i = 0; i < values.size(); ++i)
    if (weights[i] > 0) {
      kept.push_back(values[i]);
      keptWeights.push_back(weights[i]);
    }
  if (kept.empty())
    return clusterExactly(values, std::vector<double>(values.size(), 1.0),
                          nbits, format, parallelFor);
  return clusterExactly(kept, keptWeights, nbits, format, parallelFor);
}
