//===- LutBuilders.h - The builders behind buildLut -------------*- C++ -*-===//
//
// Private to the library: the per-path builders buildLut dispatches to.
// They fill a LutResult's status, entries, indices and index bit width;
// buildLut completes the layout.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LIB_LUT_LUTBUILDERS_H
#define PALETTIZE_LIB_LUT_LUTBUILDERS_H

#include "palettize/Lut/LutBuilder.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <vector>

namespace palettize::detail {

/// One scalar palette for `count` elements of `format` at `data`.
LutResult buildScalarLut(const LutConfig &config, const void *data,
                         size_t count, FloatFormat format);

/// One vector palette for the vectors of `vectorSize` consecutive elements
/// along `axis` of `tensor` (VectorLut.cpp).
LutResult buildVectorLut(const LutConfig &config, const TensorView &tensor,
                         unsigned axis, int64_t vectorSize);

//===----------------------------------------------------------------------===//
// Index assignment (IndexAssignment.cpp)
//===----------------------------------------------------------------------===//

/// For `distinctCount` ascending distinct values, returns the index of each
/// one's nearest entry of the ascending `entries`: one merge-like walk,
/// O(distinct + entries), as the nearest entry only moves forward. When
/// every distinct value has an entry of its own, the i-th value takes entry
/// i: that keeps -0 and +0 apart, which a comparison of values cannot.
std::vector<uint8_t> assignDistinct(size_t distinctCount,
                                    llvm::function_ref<double(size_t)> valueAt,
                                    llvm::ArrayRef<float> entries);

/// A threshold above every ordered f32 key: an entry that starts there is
/// never chosen.
constexpr uint64_t kNeverKey = uint64_t(1) << 32;

/// Thresholds for assignByThresholds that map each value to its nearest of
/// the ascending `entries`, the lower one on ties: entry e (e >= 1) starts
/// at the first key whose value lies above the midpoint between e's value
/// and the previous distinct entry's. Duplicated entries are never chosen,
/// so they start where the next distinct entry starts.
std::vector<uint64_t> getThresholds(llvm::ArrayRef<float> entries);

/// Maps each f32 value to its entry through the ascending `thresholds` (the
/// first ordered key of each entry after the first); a table over the top
/// 16 key bits resolves almost every element without a search.
void assignByThresholds(llvm::ArrayRef<float> values,
                        const std::vector<uint64_t> &thresholds,
                        std::vector<uint8_t> &indices);

} // namespace palettize::detail

#endif // PALETTIZE_LIB_LUT_LUTBUILDERS_H
