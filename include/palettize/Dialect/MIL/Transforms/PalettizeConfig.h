//===- PalettizeConfig.h - What palettize-weights does to each constant -*- C++
//-*-===//
//
// The settings palettize-weights applies to one constant, coremltools'
// `OpPalettizerConfig`, and the per-op configuration file that assigns them,
// coremltools' `OptimizationConfig.from_dict`: a global entry, entries per
// consumer op type and entries per constant or consumer name.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_TRANSFORMS_PALETTIZECONFIG_H
#define PALETTIZE_TRANSFORMS_PALETTIZECONFIG_H

#include "palettize/Lut/LutBuilder.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>

namespace palettize {

/// The element type LUTs are stored in.
enum class LutStorageType {
  /// The weight's own float type.
  Float,
  /// int8 with one scale per LUT (symmetric).
  Int8,
  /// uint8 with one scale and zero point per LUT (asymmetric).
  UInt8,
};

/// How one constant is palettized.
struct PalettizeSettings {
  LutMode mode = LutMode::KMeans;
  /// Index bit width; 0 when not given (required for kmeans and uniform,
  /// not allowed for unique) or chosen (autoBits).
  int64_t nbits = 0;
  /// nbits=auto: the pass chooses each constant's width among 1, 2, 3, 4,
  /// 6, 8, by minSnrDb or, without it, by the model-wide bitsPerWeight.
  bool autoBits = false;
  /// nbits=auto: the least SNR, in dB, each constant must reach; 0 when not
  /// given.
  double minSnrDb = 0;
  /// nbits=auto: the budget of stored bits per weight over all palettized
  /// constants; 0 when not given. A configuration file keeps it in
  /// PalettizeConfig::bitsPerWeight instead.
  double bitsPerWeight = 0;
  /// Only constants with more than this many elements are palettized.
  int64_t weightThreshold = 2048;
  /// One LUT per group of `groupSize` channels instead of one per tensor.
  bool perGroupedChannel = false;
  /// Channels per group; 0 means all channels.
  int64_t groupSize = 32;
  /// The channel axis, or -1 to infer it from the constant's consumers.
  int64_t channelAxis = -1;
  /// Values per LUT row (vector palettization); 1 means scalars.
  int64_t clusterDim = 1;
  /// Divide each channel by its max-abs before clustering, and store the
  /// scales.
  bool perChannelScale = false;
  LutStorageType lutStorage = LutStorageType::Float;
  /// mode=custom: the name of a registered LUT function (LutFunctions.h).
  std::string lutFunction;
  /// sparse=auto: a constant with at least `sparseThreshold` of its points
  /// (elements, or vectors with cluster-dim) zero is stored as a mask and
  /// the palettized non-zeros (constexpr_lut_to_sparse) when that is
  /// smaller, with a LUT built from the non-zeros only.
  bool sparse = false;
  /// sparse=auto: the least fraction of zero points, in [0, 1].
  double sparseThreshold = 0.5;

  /// Returns the LUT builder's configuration.
  LutConfig getLutConfig() const;
  /// Returns true if the constant needs a channel axis: grouped, vector or
  /// per-channel scaled.
  bool needsChannelAxis() const {
    return perGroupedChannel || clusterDim > 1 || perChannelScale;
  }
  /// Returns a one-line description, e.g. "mode=kmeans nbits=4".
  std::string describe() const;
  /// Returns these settings with `nbits` chosen: not auto.
  PalettizeSettings withBitWidth(unsigned nbits) const;

  bool operator==(const PalettizeSettings &other) const;
  bool operator!=(const PalettizeSettings &other) const {
    return !(*this == other);
  }
};

/// Returns why `settings` are inconsistent (e.g. uniform with vectors, an
/// unregistered LUT function), or std::nullopt when they are usable.
std::optional<std::string> validate(const PalettizeSettings &settings);

/// How a constant's channels share LUTs.
enum class Granularity { PerTensor, PerGroupedChannel };

/// When palettize-weights reports its progress.
enum class ProgressMode { Auto, On, Off };

// Names of settings, read the same way from the pass options and from
// configuration files: case-insensitive, '-' and '_' alike (coremltools
// spells them per_grouped_channel, the options per-grouped-channel).

/// Parses a mode name: kmeans, uniform, unique.
std::optional<LutMode> parseModeName(llvm::StringRef name);
/// Parses a granularity: per-tensor, per-grouped-channel.
std::optional<Granularity> parseGranularity(llvm::StringRef name);
/// Parses a LUT element type: int8, uint8, or float (also fp16 and fp32,
/// coremltools' names for the weight's own type).
std::optional<LutStorageType> parseLutStorage(llvm::StringRef name);
/// Parses a sparse mode: off (false) or auto (true).
std::optional<bool> parseSparseMode(llvm::StringRef name);
/// Parses a progress mode: auto, on, off.
std::optional<ProgressMode> parseProgressMode(llvm::StringRef name);
/// Returns "kmeans", "uniform" or "unique".
llvm::StringRef getModeName(LutMode mode);

/// A setting's value as given by a pass option or a configuration file
/// (typed as YAML 1.2's core schema, and JSON, type unquoted scalars).
struct SettingValue {
  enum class Kind { Null, Bool, Integer, Number, String } kind = Kind::Null;
  bool boolean = false;
  int64_t integer = 0;
  double number = 0;
  std::string string;

  static SettingValue ofBool(bool value);
  static SettingValue ofInteger(int64_t value);
  static SettingValue ofNumber(double value);
  static SettingValue ofString(llvm::StringRef value);
  /// Describes the value for a message: `null`, `true`, `4`, `"kmeans"`.
  std::string describe() const;
};

// Every setting is one row of a table in PalettizeConfig.cpp: its pass
// option name, its configuration-file key (coremltools' spelling), the kind
// of value it takes, the range a file may give, and how it lands in
// PalettizeSettings. The pass options and the file reader both go through
// that table; a new setting is a new row (plus its Option in Passes.td).

/// Applies the palettize-weights option `option` (e.g. "group-size") with
/// `value` to `settings`. Fails, saying why, on an unknown option or a name
/// that is not one of its choices; numeric ranges and combinations are
/// validate()'s to check.
std::optional<std::string> applySettingOption(PalettizeSettings &settings,
                                              llvm::StringRef option,
                                              const SettingValue &value);

/// Returns the configuration-file keys of an entry, comma-separated, in the
/// table's order.
std::string getSettingKeys();

/// Returns `settings` (with a width, not nbits=auto) as a configuration
/// file's entry, a YAML flow map that reads back as the same settings:
/// "{mode: kmeans, nbits: 4, granularity: per_tensor, ...}".
std::string formatConfigEntry(const PalettizeSettings &settings);

/// An entry of the configuration file: settings, or "leave it alone" (null).
using PalettizeEntry = std::optional<PalettizeSettings>;

/// A configuration file: which settings apply to which constant. A constant
/// takes its own name's entry; otherwise each consumer contributes the entry
/// of its name, else of its op type, else the global one, and they must all
/// agree.
struct PalettizeConfig {
  /// The global entry; null (and the default when absent): leave constants
  /// alone unless another entry selects them.
  PalettizeEntry global;
  /// Entries keyed by a consumer's op name (e.g. `linalg.matmul`).
  llvm::StringMap<PalettizeEntry> opTypes;
  /// Entries keyed by a constant's or a consumer's name (its `name`
  /// attribute, else its NameLoc).
  llvm::StringMap<PalettizeEntry> opNames;
  /// global_config's bits_per_weight: the budget the entries with
  /// nbits: auto and no min_snr share; 0 when not given.
  double bitsPerWeight = 0;
};

/// Reads a configuration file, JSON or YAML (JSON is read as YAML flow
/// style), shaped like coremltools' `OptimizationConfig.from_dict` for
/// `OpPalettizerConfig`. Reports every problem at its line and column in the
/// file and fails on the first.
mlir::FailureOr<PalettizeConfig> loadPalettizeConfig(mlir::MLIRContext *context,
                                                     llvm::StringRef path);

} // namespace palettize

#endif // PALETTIZE_TRANSFORMS_PALETTIZECONFIG_H
