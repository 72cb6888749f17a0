//===- PalettizeReport.h - What palettize-weights did ----------*- C++ -*-===//
//
// Private to PalettizeMILTransforms. The records palettize-weights keeps of
// every constant it considered, their totals, and the ways it shows them:
// the print-statistics lines, a JSON report, an HTML page, and a
// configuration file that reproduces them.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PALETTIZEREPORT_H
#define PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PALETTIZEREPORT_H

#include "palettize/Dialect/MIL/Transforms/PalettizeConfig.h"
#include "palettize/Lut/Metrics.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace palettize {

/// Why a constant was left as it was.
enum class LeftAloneReason {
  /// Palettized: not left alone.
  None,
  Small,
  Splat,
  TooLarge,
  NonFinite,
  TooManyDistinct,
  Unreadable,
  NoChannelCut,
  ByConfig,
  /// Core ML's rules (in a Core ML program).
  CoreMLRule,
};

/// Returns the report's key for `reason`: "small", "splat", ...
llvm::StringRef getReasonKey(LeftAloneReason reason);

/// What palettize-weights did to one constant.
struct ConstantRecord {
  std::optional<std::string> name;
  /// The constant's location, printed.
  std::string location;
  llvm::SmallVector<int64_t, 4> shape;
  /// The element type, printed (f16, bf16, f32).
  std::string elementType;
  uint64_t elements = 0;

  LeftAloneReason leftAlone = LeftAloneReason::None;
  /// Why, in words, when left alone.
  std::string reason;

  // When palettized:
  PalettizeSettings settings;
  /// The index bit width used (chosen by unique).
  unsigned nbits = 0;
  /// LUTs (palettes) of the constant.
  int64_t lutCount = 1;
  /// Channels per LUT group (0: one LUT for the tensor).
  int64_t groupSize = 0;
  /// The channel axis of groups, vectors and scales, when one is used.
  std::optional<int64_t> channelAxis;
  uint64_t bytesBefore = 0, bytesAfter = 0;
  /// sparse=auto: the points (elements, or vectors) of the index grid and
  /// how many the sparse form stores; std::nullopt in the dense form.
  uint64_t points = 0;
  std::optional<uint64_t> storedPoints;
  ReconstructionError error;
  /// The importance tensor the LUT and `error` are weighted by, if any.
  std::optional<std::string> importance;

  // nbits=auto:
  /// What chose the width: "min_snr" or "bits_per_weight"; empty when the
  /// width was given.
  std::string chosenBy;
  /// What each width would have given.
  struct WidthFigures {
    unsigned nbits = 0;
    uint64_t bytes = 0;
    double snrDb = 0;
  };
  std::vector<WidthFigures> widths;

  bool isPalettized() const { return leftAlone == LeftAloneReason::None; }
};

/// How nbits=auto spent a bits-per-weight budget.
struct AllocationSummary {
  double bitsPerWeightBudget = 0;
  /// The constants the budget chose widths for.
  uint64_t constants = 0;
  /// The objective sum_t n_t * SSE_t / ||W_t||^2 over them, and the
  /// Lagrangian lower bound on it.
  double objective = 0, lowerBound = 0;
  /// True when the choice is proven optimal.
  bool optimal = false;
};

/// The totals over the palettized constants of a run.
struct ReportTotals {
  uint64_t constants = 0, palettized = 0;
  uint64_t elements = 0, bytesBefore = 0, bytesAfter = 0;
  /// 8 * bytesAfter / elements: index, LUT and scale bits per weight.
  double bitsPerWeight = 0;
  /// The parameter-weighted relative error sum_t n_t * SSE_t / ||W_t||^2,
  /// divided by sum_t n_t.
  double weightedRelativeError = 0;

  /// -10 log10(weightedRelativeError): the SNR, in dB, of a model whose
  /// constants all had the parameter-weighted relative error; +infinity
  /// when every constant is exact.
  double getWeightedSnrDb() const;
};

/// Sums the records of a run.
ReportTotals summarize(llvm::ArrayRef<ConstantRecord> records);

/// Returns the print-statistics line of a palettized constant, without a
/// newline: "  name: tensor<...>, 4 bits, 1024 -> 288 bytes, MSE ..., max
/// error ..., SNR 21.4 dB".
std::string formatStatisticsLine(const ConstantRecord &record);

/// Returns the print-statistics line of the totals: bytes, ratio, bits per
/// weight and the parameter-weighted SNR.
std::string formatTotalsLine(const ReportTotals &totals);

/// Writes the JSON report: `settings` (the options, or the config file),
/// every record in program order, and the totals.
void writeJsonReport(llvm::raw_ostream &os, llvm::StringRef settings,
                     llvm::ArrayRef<ConstantRecord> records,
                     const std::optional<AllocationSummary> &allocation);

/// Writes the same as a self-contained HTML page: inline CSS and SVG, no
/// scripts and nothing loaded from elsewhere.
void writeHtmlReport(llvm::raw_ostream &os, llvm::StringRef settings,
                     llvm::ArrayRef<ConstantRecord> records);

/// Returns the name config entries select an op by: its `name` attribute,
/// else its NameLoc.
std::optional<std::string> getOpName(mlir::Operation *op);

/// Formats write-config's file (PalettizeRecipe.cpp): `global_config: null`
/// and each palettized record's settings under its name, so that passed
/// back as config= it selects exactly the constants of `records` (whose ops
/// are `ops`) that were palettized, each as it was. Fails with an error at
/// the constant (naming `path`) when names cannot do that: a palettized
/// constant without one, constants of one name treated differently, a
/// consumer named like a palettized constant.
mlir::LogicalResult formatRecipe(llvm::ArrayRef<ConstantRecord> records,
                                 llvm::ArrayRef<mlir::Operation *> ops,
                                 llvm::StringRef path, std::string &text);

} // namespace palettize

#endif // PALETTIZE_LIB_DIALECT_MIL_TRANSFORMS_PALETTIZEREPORT_H
