//===- ShiftScale.h - Blockwise shift-scale decoding and LUT quantization -===//
//
// Core ML's constexpr_blockwise_shift_scale: `scale * (data - offset)`, with
// one scale (and offset) per block of the data. The palettizer uses it twice:
// to undo a per-channel normalization of the weight (float data), and to
// store LUTs as 8-bit integers with a float scale per LUT (int8 LUTs).
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LUT_SHIFTSCALE_H
#define PALETTIZE_LUT_SHIFTSCALE_H

#include "palettize/Lut/FloatFormats.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace palettize {

/// Element types a shift-scale's data (and offset) may have. Int4 and UInt4
/// are packed two to a byte, as Core ML stores them: element `i` is the low
/// nibble of byte `i / 2` when `i` is even, the high one when it is odd;
/// Int4 is two's complement within its nibble.
enum class ShiftScaleDataType { Int4, UInt4, Int8, UInt8, F16, BF16, F32 };

/// Returns the width in bytes of one element of `type`, or 0 for the packed
/// 4-bit types.
unsigned getByteWidth(ShiftScaleDataType type);

/// Returns the bytes `count` elements of `type` occupy: packed 4-bit types
/// take ceil(count / 2).
uint64_t getStorageByteCount(ShiftScaleDataType type, uint64_t count);

/// How scales (and offsets) map to the elements of the data: both shapes have
/// the same rank, and every data dimension is a multiple of the scale's.
/// Element `(i_0, ..., i_{R-1})` uses scale `(i_0 / b_0, ..., i_{R-1} /
/// b_{R-1})` with `b_d = dataShape[d] / scaleShape[d]`.
struct BlockwiseLayout {
  std::vector<int64_t> dataShape;
  std::vector<int64_t> scaleShape;
};

/// Computes `result[i] = scale[b] * (data[i] - offset[b])` for every element,
/// `b` its block: the subtraction and the product in f32, the product
/// rounded once more to `scaleFormat`, which is also the result's format.
/// `offset` may be null (no shift); it has the data's type. Buffers hold
/// elements as dense storage does (little-endian, row-major; 4-bit types
/// packed).
void decodeBlockwiseShiftScale(const BlockwiseLayout &layout, const void *data,
                               ShiftScaleDataType dataType, const void *scale,
                               const void *offset, FloatFormat scaleFormat,
                               void *result);

/// LUTs stored as 8-bit integers, one scale (and zero point) per palette.
struct QuantizedLuts {
  /// One byte per LUT element, read as int8 or uint8.
  std::vector<uint8_t> data;
  /// One scale per palette, representable in the LUT's float format.
  std::vector<float> scales;
  /// uint8 only: one zero point per palette (empty for int8).
  std::vector<uint8_t> offsets;
};

/// Quantizes `paletteCount` consecutive palettes of `lut` (each
/// `lut.size() / paletteCount` values) to 8 bits with a scale per palette,
/// rounded to `format`:
/// * signed (int8, symmetric): `scale = max|v| / 127`, `q = round(v / scale)`
///   clamped to [-127, 127], no offset;
/// * unsigned (uint8, asymmetric): over `[lo, hi] = [min(min v, 0),
///   max(max v, 0)]`, `scale = (hi - lo) / 255`, zero point
///   `z = round(-lo / scale)`, `q = round(v / scale) + z` clamped to
///   [0, 255], so that `scale * (q - z)` reconstructs `v`.
/// An all-zero palette gets scale 1. Rounding is to nearest, ties to even.
QuantizedLuts quantizeLuts(llvm::ArrayRef<float> lut, size_t paletteCount,
                           bool isSigned, FloatFormat format);

/// Returns the values `luts` dequantizes to, `scale * (q - z)` per palette,
/// as the shift-scale op computes them (decodeBlockwiseShiftScale, rounded
/// to `format`): what a decoded model sees of an 8-bit LUT.
std::vector<float> dequantizeLuts(const QuantizedLuts &luts,
                                  size_t paletteCount, bool isSigned,
                                  FloatFormat format);

/// A tensor divided, channel by channel, by its largest magnitude.
struct ChannelNormalization {
  /// False if the tensor holds NaN or infinity (nothing else is filled).
  bool finite = true;
  /// One scale per channel: its max |value| (exact in the format), or 1 for
  /// an all-zero channel.
  std::vector<float> scales;
  /// The normalized elements, `value / scale` rounded to the format, in the
  /// input's storage (2 or 4 bytes each), all within [-1, 1].
  std::vector<char> normalized;
};

/// Normalizes `data`, a row-major tensor of `shape` and `format`, by the
/// max-abs of each index along `axis` (coremltools' per-channel scale).
ChannelNormalization normalizeChannels(const void *data,
                                       llvm::ArrayRef<int64_t> shape,
                                       unsigned axis, FloatFormat format);

} // namespace palettize

#endif // PALETTIZE_LUT_SHIFTSCALE_H
