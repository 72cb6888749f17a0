//===- PalettizeWeights.cpp - Compress float constants into LUTs ----------===//
//
// The palettize-weights pass: policy around the patterns of
// PalettizeConstant.cpp. It reads the options or the configuration file,
// plans every constant (with its diagnostics), computes the LUTs in
// parallel, applies the patterns in program order and reports.
//
//===----------------------------------------------------------------------===//

#include "PalettizeReport.h"
#include "PassOptionErrors.h"
#include "PassOutputFile.h"
#include "ProgressReporter.h"
#include "PrunedWeights.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Dialect/MIL/Transforms/PalettizeConfig.h"
#include "palettize/Dialect/MIL/Transforms/Passes.h"
#include "palettize/Dialect/MIL/Transforms/Transforms.h"
#include "palettize/Lut/BitAllocation.h"
#include "palettize/Lut/SparseDecode.h"
#include "palettize/Support/Safetensors.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Threading.h"
#include "mlir/Rewrite/PatternApplicator.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InterleavedRange.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>
#include <optional>

namespace palettize {
#define GEN_PASS_DEF_PALETTIZEWEIGHTS
#include "palettize/Dialect/MIL/Transforms/Passes.h.inc"
} // namespace palettize

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

namespace {

/// The errors of the files beside the IR, before their path.
constexpr const char *kReportError = "palettize-weights: cannot write report";
constexpr const char *kWriteConfigError =
    "palettize-weights: cannot write the write-config file";

/// Formats a number as the options take it: 20, 3.5, 1.1196.
std::string formatNumber(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", value);
  return text;
}

//===----------------------------------------------------------------------===//
// Policy: options and candidates
//===----------------------------------------------------------------------===//

/// A constant selected for palettization.
struct Candidate {
  Operation *op;
  ElementsAttr value;
  PalettizePlan plan;
  /// Its record in the report.
  size_t record;
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct PalettizeWeightsPass
    : PassWithOptionErrors<
          palettize::impl::PalettizeWeightsBase<PalettizeWeightsPass>> {
  using PassWithOptionErrors::PassWithOptionErrors;

  void runOnOperation() override {
    counts = Counts();
    records.clear();
    recordOps.clear();
    config.reset();
    importanceFile.reset();
    constantNames.clear();
    if (failed(readSettings()) || failed(openImportance()))
      return signalPassFailure();
    // The report's file is opened before any change, so that a path that
    // cannot be written fails the pass with the IR untouched.
    std::unique_ptr<llvm::ToolOutputFile> reportFile, configOutput;
    if (!report.empty() && failed(openReport(reportFile)))
      return signalPassFailure();
    if (!writeConfig.empty()) {
      auto opened =
          openPassOutput(getOperation(), kWriteConfigError, writeConfig);
      if (failed(opened))
        return signalPassFailure();
      configOutput = std::move(*opened);
    }
    const bool measure = printStatistics || reportFile;
    const bool terminal = llvm::sys::Process::StandardErrIsDisplayed();
    bool showProgress;
    if (std::optional<ProgressMode> progressMode =
            parseProgressMode(progress)) {
      showProgress = *progressMode == ProgressMode::Auto
                         ? terminal
                         : *progressMode == ProgressMode::On;
    } else {
      getOperation()->emitError("palettize-weights: ")
          << "unknown progress '" << progress
          << "'; expected one of: auto, on, off";
      return signalPassFailure();
    }

    // sparse=auto: pruned weights become candidates like dense constants;
    // any return before the rewrite puts them back.
    PrunedWeights pruned;
    if (wantsSparse())
      pruned.decode(getOperation());
    prunedWeights = &pruned;
    auto clearPruned = llvm::make_scope_exit([&] { prunedWeights = nullptr; });
    FailureOr<std::vector<Candidate>> candidates = collectCandidates();
    if (failed(candidates))
      return signalPassFailure();
    warnUnusedImportance();
    std::optional<ProgressReporter> reporter;
    if (showProgress) {
      uint64_t parameters = 0;
      for (const Candidate &candidate : *candidates)
        parameters += candidate.value.getNumElements();
      reporter.emplace(candidates->size(), parameters, terminal);
    }
    // Constants are compressed in parallel, and so are the DP layers and
    // input passes within each one (MLIR's thread pool runs nested tasks).
    MLIRContext *context = &getContext();
    ParallelFor parallel = [context](size_t count,
                                     llvm::function_ref<void(size_t)> task) {
      parallelFor(context, 0, count, [&](size_t i) { task(i); });
    };
    // Constants with a width are compressed; for those with nbits=auto,
    // every width is measured first, the widths chosen, and then they are
    // compressed.
    std::vector<CompressedTensor> results(candidates->size());
    std::vector<std::optional<BitWidthTrials>> trials(candidates->size());
    parallelFor(&getContext(), 0, candidates->size(), [&](size_t i) {
      const Candidate &candidate = (*candidates)[i];
      if (candidate.plan.settings.autoBits) {
        trials[i] = evaluateBitWidths(candidate.value, candidate.plan, parallel,
                                      candidate.plan.settings.minSnrDb);
        return;
      }
      results[i] =
          compressTensor(candidate.value, candidate.plan, parallel, measure);
      if (reporter)
        reporter->finished(candidate.value.getNumElements());
    });
    allocation.reset();
    if (failed(chooseBitWidths(*candidates, results, trials)))
      return signalPassFailure();
    parallelFor(&getContext(), 0, candidates->size(), [&](size_t i) {
      if (!trials[i])
        return;
      const Candidate &candidate = (*candidates)[i];
      if (trials[i]->succeeded()) {
        results[i] =
            compressTensor(candidate.value, candidate.plan, parallel, measure);
      } else {
        results[i].readError = trials[i]->readError;
        results[i].lut.status = trials[i]->status;
      }
      if (reporter)
        reporter->finished(candidate.value.getNumElements());
    });
    if (reporter)
      reporter->close();
    // A custom LUT function that returned a bad LUT fails the pass before
    // any change.
    bool badCustomLut = false;
    for (size_t i = 0; i < candidates->size(); ++i)
      if (results[i].lut.status == LutStatus::InvalidCustomLut) {
        (*candidates)[i].op->emitError("palettize-weights: ")
            << results[i].customError;
        badCustomLut = true;
      }
    if (badCustomLut)
      return signalPassFailure();
    // Diagnostics and statistics in program order, then the patterns.
    PrecomputedTensors precomputed;
    llvm::DenseMap<Operation *, const PalettizePlan *> plans;
    for (size_t i = 0; i < candidates->size(); ++i) {
      const Candidate &candidate = (*candidates)[i];
      if (!account(candidate, results[i]))
        continue;
      plans[candidate.op] = &candidate.plan;
      precomputed[candidate.op] = std::move(results[i]);
    }
    // The configuration that reproduces this run, checked before any change.
    std::string configText;
    if (configOutput &&
        failed(formatRecipe(records, recordOps, writeConfig, configText)))
      return signalPassFailure();
    recordOps.clear();
    applyPatterns(*candidates, plans, precomputed);
    // The pattern consumed the result of each constant it rewrote.
    pruned.finish([&](Operation *constant) {
      return plans.count(constant) && !precomputed.count(constant);
    });
    // Pass statistics are no-ops in MLIR builds without statistics, so the
    // counts live here and are copied to them.
    numConstantsSeen = counts.seen;
    numPalettized = counts.palettized;
    numSkippedSmall = counts.small;
    numSkippedSplat = counts.splat;
    numSkippedNonFinite = counts.nonFinite;
    numSkippedTooManyDistinct = counts.tooManyDistinct;
    numSkippedUnreadable = counts.unreadable;
    numSkippedChannels = counts.channels;
    numSkippedByConfig = counts.byConfig;
    bytesBefore = counts.bytesBefore;
    bytesAfter = counts.bytesAfter;
    if (printStatistics)
      printReport();
    if (configOutput) {
      configOutput->os() << configText;
      if (failed(
              keepPassOutput(getOperation(), kWriteConfigError, *configOutput)))
        return signalPassFailure();
    }
    if (reportFile) {
      llvm::raw_fd_ostream &os = reportFile->os();
      if (isHtmlReport())
        writeHtmlReport(os, describeSettings(), records);
      else
        writeJsonReport(os, describeSettings(), records, allocation);
      if (failed(keepPassOutput(getOperation(), kReportError, *reportFile)))
        return signalPassFailure();
    }
  }

private:
  /// Returns true if the report is an HTML page rather than JSON.
  bool isHtmlReport() const {
    StringRef extension = llvm::sys::path::extension(report);
    return extension.equals_insensitive(".html") ||
           extension.equals_insensitive(".htm");
  }

  /// Opens the report's file, or fails with an error.
  LogicalResult openReport(std::unique_ptr<llvm::ToolOutputFile> &file) {
    StringRef extension = llvm::sys::path::extension(report);
    if (!isHtmlReport() && !extension.equals_insensitive(".json"))
      return getOperation()->emitError("palettize-weights: ")
             << "report=" << report
             << " must name a .json or an .html file (the extension says "
                "which to write)";
    auto opened = openPassOutput(getOperation(), kReportError, report);
    if (failed(opened))
      return failure();
    file = std::move(*opened);
    return success();
  }

  /// Returns true if any constant may be given sparse=auto.
  bool wantsSparse() const {
    if (!config)
      return commandLineSettings.sparse;
    auto sparse = [](const PalettizeEntry &entry) {
      return entry && entry->sparse;
    };
    return sparse(config->global) ||
           llvm::any_of(
               config->opTypes,
               [&](const auto &entry) { return sparse(entry.second); }) ||
           llvm::any_of(config->opNames, [&](const auto &entry) {
             return sparse(entry.second);
           });
  }

  /// Describes the run's settings: the options, or the config file.
  std::string describeSettings() const {
    return config ? "config=" + configFile : commandLineSettings.describe();
  }

  /// Starts the record of `op`, a constant of value `value`.
  size_t addRecord(Operation *op, ElementsAttr value) {
    ConstantRecord record;
    record.name = getConstantName(op);
    // file:line:col where the location has one, else the location printed.
    llvm::raw_string_ostream os(record.location);
    if (auto file = op->getLoc()->findInstanceOf<FileLineColLoc>())
      os << file.getFilename().getValue() << ":" << file.getLine() << ":"
         << file.getColumn();
    else
      os << op->getLoc();
    ShapedType type = value.getShapedType();
    record.shape.assign(type.getShape().begin(), type.getShape().end());
    llvm::raw_string_ostream(record.elementType) << type.getElementType();
    record.elements = uint64_t(getCheckedElementCount(type).value_or(0));
    records.push_back(std::move(record));
    recordOps.push_back(op);
    return records.size() - 1;
  }

  /// Marks the last record as left alone.
  void leaveAlone(LeftAloneReason reason, const Twine &why) {
    records.back().leftAlone = reason;
    records.back().reason = why.str();
  }

  /// Turns the options into the settings of every constant: the command
  /// line's, or those of the configuration file.
  LogicalResult readSettings() {
    auto fail = [&]() {
      return getOperation()->emitError("palettize-weights: ");
    };
    // Each option through the settings table, as a file's keys are.
    PalettizeSettings settings;
    const BitWidthOption &width = nbits;
    const SettingValue bits = width.isAuto
                                  ? SettingValue::ofString("auto")
                                  : SettingValue::ofInteger(width.width);
    const std::pair<StringRef, SettingValue> given[] = {
        {"mode", SettingValue::ofString(mode)},
        {"nbits", bits},
        {"min-snr", SettingValue::ofNumber(minSnr)},
        {"bits-per-weight", SettingValue::ofNumber(bitsPerWeight)},
        {"granularity", SettingValue::ofString(granularity)},
        {"group-size", SettingValue::ofInteger(groupSize)},
        {"channel-axis", SettingValue::ofInteger(channelAxis)},
        {"cluster-dim", SettingValue::ofInteger(clusterDim)},
        {"per-channel-scale", SettingValue::ofBool(perChannelScale)},
        {"lut-dtype", SettingValue::ofString(lutDtype)},
        {"weight-threshold", SettingValue::ofInteger(weightThreshold)},
        {"lut-function", SettingValue::ofString(lutFunction)},
        {"sparse", SettingValue::ofString(sparse)},
        {"sparse-threshold", SettingValue::ofNumber(sparseThreshold)},
    };
    for (const auto &[option, value] : given)
      if (std::optional<std::string> problem =
              applySettingOption(settings, option, value))
        return fail() << *problem;

    if (configFile.empty()) {
      if (std::optional<std::string> problem = validate(settings))
        return fail() << *problem;
      if (settings.bitsPerWeight > 0 && !settings.autoBits)
        return fail() << "bits-per-weight is only used with nbits=auto";
      if (settings.autoBits && settings.minSnrDb == 0 &&
          settings.bitsPerWeight == 0)
        return fail() << "nbits=auto needs min-snr=<dB> (each constant's "
                         "least SNR) or bits-per-weight=<b> (a budget for "
                         "the model)";
      commandLineSettings = settings;
      return success();
    }
    // With a file, the file says everything: an option that differs from
    // its default would be silently ignored, so it is an error.
    const PalettizeSettings defaults;
    if (settings != defaults)
      return fail() << "config=" << configFile
                    << " cannot be combined with other LUT options (here: "
                    << settings.describe()
                    << "); put them in the file's global_config";
    FailureOr<PalettizeConfig> loaded =
        loadPalettizeConfig(&getContext(), configFile);
    if (failed(loaded))
      return failure();
    config = std::move(*loaded);
    return success();
  }

  /// Maps the importance file, if one is given.
  LogicalResult openImportance() {
    if (importance.empty())
      return success();
    if (!config && commandLineSettings.mode != LutMode::KMeans)
      return getOperation()->emitError("palettize-weights: ")
             << "importance=" << importance << " weighs k-means only; mode="
             << getModeName(commandLineSettings.mode)
             << " does not use importances";
    llvm::Expected<SafetensorsFile> file = SafetensorsFile::open(importance);
    if (!file)
      return getOperation()->emitError("palettize-weights: ")
             << "cannot use the importance file "
             << llvm::toString(file.takeError()); // starts with the path
    importanceFile = std::make_shared<const SafetensorsFile>(std::move(*file));
    return success();
  }

  /// Gives the plan of `op` (value `value`, report record `record`) its
  /// importances from the importance file, or fails with an error at the
  /// constant when they are unusable. A constant without any is palettized
  /// unweighted, with a remark.
  LogicalResult attachImportance(Operation *op, ElementsAttr value,
                                 PalettizePlan &plan, size_t record) {
    if (!importanceFile || plan.settings.mode != LutMode::KMeans)
      return success();
    const StringRef path = importanceFile->getPath();
    std::optional<std::string> name = getConstantName(op);
    const SafetensorsTensor *tensor =
        name ? importanceFile->lookup(*name) : nullptr;
    if (!tensor) {
      InFlightDiagnostic remark = op->emitRemark("palettize-weights: ");
      if (name)
        remark << "no importance tensor '" << *name << "' in '" << path
               << "'; constant palettized unweighted";
      else
        remark << "an unnamed constant has no importance in '" << path
               << "'; palettized unweighted";
      return success();
    }
    auto fail = [&]() {
      InFlightDiagnostic error = op->emitError("palettize-weights: ");
      error << "importance tensor '" << tensor->name << "' in '" << path << "'";
      return error;
    };
    ArrayRef<int64_t> shape = value.getShapedType().getShape();
    if (ArrayRef<int64_t>(tensor->shape) != shape)
      return fail() << " has shape [" << llvm::interleaved(tensor->shape)
                    << "], but the constant has shape ["
                    << llvm::interleaved(shape) << "]";
    const ImportanceView view(tensor->bytes.data(), tensor->getFormat());
    const size_t count = size_t(value.getNumElements());
    if (std::optional<size_t> bad = findInvalidImportance(view, count)) {
      // The element's position, row-major.
      SmallVector<int64_t> position(shape.size());
      uint64_t rest = *bad;
      for (size_t d = shape.size(); d-- > 0;) {
        position[d] = int64_t(rest % uint64_t(shape[d]));
        rest /= uint64_t(shape[d]);
      }
      return fail() << ": element [" << llvm::interleaved(position) << "] is "
                    << formatNumber(view[*bad])
                    << "; importances must be finite and non-negative";
    }
    if (isUniformImportance(view, count) && count > 0 && view[0] == 0) {
      op->emitWarning("palettize-weights: ")
          << "importance tensor '" << tensor->name << "' in '" << path
          << "' is zero everywhere; constant palettized unweighted";
      return success();
    }
    plan.importance = view;
    records[record].importance = tensor->name;
    return success();
  }

  /// Warns once about importance tensors that name no constant (a naming
  /// mismatch would otherwise go unnoticed).
  void warnUnusedImportance() {
    if (!importanceFile)
      return;
    SmallVector<StringRef> unused;
    for (const SafetensorsTensor &tensor : importanceFile->getTensors())
      if (!constantNames.contains(tensor.name))
        unused.push_back(tensor.name);
    if (unused.empty())
      return;
    llvm::sort(unused);
    // At the location only: the op would be printed whole.
    InFlightDiagnostic warning =
        mlir::emitWarning(getOperation()->getLoc(), "palettize-weights: ");
    warning << unused.size() << " of the "
            << importanceFile->getTensors().size()
            << " tensors of importance=" << importanceFile->getPath()
            << " name no constant: ";
    const size_t shown = std::min<size_t>(unused.size(), 5);
    warning << llvm::interleaved(ArrayRef<StringRef>(unused).take_front(shown));
    if (shown < unused.size())
      warning << ", ...";
  }

  /// Describes a configuration entry for a diagnostic.
  static std::string describeEntry(const PalettizeEntry &entry) {
    return entry ? entry->describe() : std::string("null (left alone)");
  }

  /// What becomes of one constant under one set of settings.
  struct Decision {
    enum class Kind { Palettize, Small, Splat, TooLarge, LeftAloneByConfig };
    Kind kind;
    /// The settings when kind is Palettize or Small.
    const PalettizeSettings *settings = nullptr;

    /// Two consumers agree when both palettize the same way, or neither
    /// palettizes (for whatever reason).
    bool agreesWith(const Decision &other) const {
      if (kind != Kind::Palettize || other.kind != Kind::Palettize)
        return kind != Kind::Palettize && other.kind != Kind::Palettize;
      return *settings == *other.settings;
    }
  };

  /// Decides what `settings` (null: left alone) do to a constant of value
  /// `value`, as planning does (classifyBySize).
  static Decision decide(const PalettizeSettings *settings,
                         ElementsAttr value) {
    if (!settings)
      return {Decision::Kind::LeftAloneByConfig};
    switch (classifyBySize(value, *settings)) {
    case PlanOutcome::Kind::Small:
      return {Decision::Kind::Small, settings};
    case PlanOutcome::Kind::Splat:
      return {Decision::Kind::Splat};
    case PlanOutcome::Kind::TooLarge:
      return {Decision::Kind::TooLarge};
    default:
      return {Decision::Kind::Palettize, settings};
    }
  }
  static Decision decide(const PalettizeEntry &entry, ElementsAttr value) {
    return decide(entry ? &*entry : nullptr, value);
  }

  /// Decides what becomes of `op`, or fails with an error when its
  /// consumers' entries disagree on it.
  FailureOr<Decision> decideFor(Operation *op, ElementsAttr value) {
    if (!config)
      return decide(&commandLineSettings, value);
    std::optional<std::string> name = getConstantName(op);
    if (name) {
      auto it = config->opNames.find(*name);
      if (it != config->opNames.end())
        return decide(it->second, value);
    }
    // Each consumer's entry: its name's, else its type's, else the global.
    std::optional<Decision> chosen;
    Operation *chosenBy = nullptr;
    const PalettizeEntry *chosenEntry = nullptr;
    std::string chosenKey;
    // Consumers in program order, so that messages name them that way.
    SmallVector<Operation *> users(op->getResult(0).getUsers());
    if (llvm::all_of(users, [&](Operation *user) {
          return user->getBlock() == users.front()->getBlock();
        }))
      llvm::sort(users, [](Operation *a, Operation *b) {
        return a->isBeforeInBlock(b);
      });
    for (Operation *user : users) {
      const PalettizeEntry *entry = &config->global;
      std::string key = "global_config";
      std::optional<std::string> userName = palettize::getOpName(user);
      // A Core ML op's type is its MIL op type ('conv', 'linear').
      StringRef type = user->getName().getStringRef();
      if (auto generic = dyn_cast<mil::GenericOp>(user))
        type = generic.getOpType();
      if (auto it = userName ? config->opNames.find(*userName)
                             : config->opNames.end();
          it != config->opNames.end()) {
        entry = &it->second;
        key = "op_name_configs." + *userName;
      } else if (auto it = config->opTypes.find(type);
                 it != config->opTypes.end()) {
        entry = &it->second;
        key = "op_type_configs." + type.str();
      }
      Decision decision = decide(*entry, value);
      if (!chosen) {
        chosen = decision;
        chosenBy = user;
        chosenEntry = entry;
        chosenKey = key;
        continue;
      }
      if (!decision.agreesWith(*chosen)) {
        InFlightDiagnostic diagnostic =
            op->emitError("palettize-weights config: ");
        diagnostic << "constant";
        if (name)
          diagnostic << " '" << *name << "'";
        diagnostic << " is used by '" << chosenBy->getName() << "' with "
                   << chosenKey << " (" << describeEntry(*chosenEntry)
                   << ") and by '" << user->getName() << "' with " << key
                   << " (" << describeEntry(*entry)
                   << "); give the constant its own op_name_configs entry";
        diagnostic.attachNote(chosenBy->getLoc())
            << "first consumer, with " << chosenKey;
        diagnostic.attachNote(user->getLoc())
            << "second consumer, with " << key;
        return failure();
      }
    }
    if (chosen)
      return *chosen;
    return decide(config->global, value);
  }

  /// Walks the IR in program order and keeps the constants to palettize.
  FailureOr<std::vector<Candidate>> collectCandidates() {
    std::vector<Candidate> candidates;
    WalkResult walk = getOperation()->walk([&](Operation *op) {
      ElementsAttr value = getPalettizableValue(op);
      if (!value)
        return WalkResult::advance();
      ++counts.seen;
      if (importanceFile)
        if (std::optional<std::string> name = getConstantName(op))
          constantNames.insert(*name);
      FailureOr<Decision> decision = decideFor(op, value);
      if (failed(decision))
        return WalkResult::interrupt();
      const size_t record = addRecord(op, value);
      switch (decision->kind) {
      case Decision::Kind::Palettize:
        break;
      case Decision::Kind::Small:
        ++counts.small;
        leaveAlone(LeftAloneReason::Small,
                   "at most weight-threshold=" +
                       Twine(decision->settings->weightThreshold) +
                       " elements");
        return WalkResult::advance();
      case Decision::Kind::Splat:
        ++counts.splat;
        leaveAlone(LeftAloneReason::Splat, "a splat: one value already");
        return WalkResult::advance();
      case Decision::Kind::TooLarge:
        ++counts.unreadable;
        warnLeftUnchanged(op)
            << "its value " << describe(RawDataError::TooLarge);
        leaveAlone(LeftAloneReason::TooLarge,
                   "its value " + describe(RawDataError::TooLarge));
        return WalkResult::advance();
      case Decision::Kind::LeftAloneByConfig:
        ++counts.byConfig;
        leaveAlone(LeftAloneReason::ByConfig, "its config entry is null");
        return WalkResult::advance();
      }
      PlanOutcome outcome = planPalettization(op, *decision->settings);
      if (outcome.kind == PlanOutcome::Kind::CoreMLRule) {
        // As Core ML's tools do, without a warning.
        ++counts.coreMLRule;
        leaveAlone(LeftAloneReason::CoreMLRule, outcome.reason);
        return WalkResult::advance();
      }
      if (outcome.kind == PlanOutcome::Kind::NoChannelCut) {
        ++counts.channels;
        warnLeftUnchanged(op) << outcome.reason;
        leaveAlone(LeftAloneReason::NoChannelCut, outcome.reason);
        return WalkResult::advance();
      }
      // decideFor classified the constant as planning does, so small and
      // splat constants were counted there.
      assert(outcome.kind == PlanOutcome::Kind::Palettize &&
             "decideFor already counted small and splat constants");
      if (outcome.kind != PlanOutcome::Kind::Palettize)
        return WalkResult::advance();
      if (failed(attachImportance(op, value, outcome.plan, record)))
        return WalkResult::interrupt();
      candidates.push_back(
          Candidate{op, value, std::move(outcome.plan), record});
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
    return candidates;
  }

  /// Starts the warning for a constant left as it was.
  InFlightDiagnostic warnLeftUnchanged(Operation *op) {
    InFlightDiagnostic diagnostic = op->emitWarning("palettize-weights: ");
    diagnostic << "constant";
    if (std::optional<std::string> name = getConstantName(op))
      diagnostic << " '" << *name << "'";
    diagnostic << " left unchanged: ";
    return diagnostic;
  }

  /// Counts one compressed constant and, for print-statistics, describes
  /// it; warns and returns false if it is left unchanged.
  bool account(const Candidate &candidate, const CompressedTensor &result) {
    Operation *op = candidate.op;
    const PalettizePlan &plan = candidate.plan;
    ConstantRecord &record = records[candidate.record];
    auto leftAlone = [&](LeftAloneReason reason, const Twine &why) {
      warnLeftUnchanged(op) << why;
      record.leftAlone = reason;
      record.reason = why.str();
      return false;
    };
    if (result.readError != RawDataError::None) {
      ++counts.unreadable;
      return leftAlone(LeftAloneReason::Unreadable,
                       "its value " + describe(result.readError));
    }
    switch (result.lut.status) {
    case LutStatus::Success:
      break;
    case LutStatus::NonFiniteValues:
      ++counts.nonFinite;
      return leftAlone(LeftAloneReason::NonFinite,
                       "it holds NaN or infinite values");
    case LutStatus::TooManyDistinctValues:
      ++counts.tooManyDistinct;
      return leftAlone(LeftAloneReason::TooManyDistinct,
                       "it has more than 256 distinct values, too many for "
                       "mode=unique");
    case LutStatus::UnsupportedBitWidth:
    case LutStatus::UnsupportedMode:
      llvm_unreachable("options are validated before any LUT is built");
    case LutStatus::InvalidCustomLut:
      llvm_unreachable("reported as an error before any rewrite");
    case LutStatus::InvalidImportance:
      llvm_unreachable("importances are checked when attached");
    }

    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    // A pruned weight stored its mask and non-zeros.
    const uint64_t before = prunedWeights->getStoredBytes(op).value_or(
        uint64_t(type.getNumElements()) * getByteWidth(plan.format));
    const uint64_t after = getCompressedByteCount(result, plan);
    ++counts.palettized;
    counts.bytesBefore += before;
    counts.bytesAfter += after;
    record.settings = plan.settings;
    record.nbits = result.lut.getIndexBitWidth();
    record.lutCount = result.lut.layout.getGroupCount();
    record.groupSize = plan.tiling.groupSize;
    if (plan.settings.needsChannelAxis())
      record.channelAxis = plan.tiling.axis;
    record.bytesBefore = before;
    record.bytesAfter = after;
    if (result.isSparse()) {
      record.points = uint64_t(result.lut.layout.getIndexCount());
      record.storedPoints = countMaskBits(result.sparseMask, record.points);
    }
    if (result.reconstruction)
      record.error = *result.reconstruction;
    return true;
  }

  /// nbits=auto: gives every candidate measured at each width its width,
  /// by its min-snr or within the bits-per-weight budget, which the other
  /// palettized constants count against. Fails with an error when the
  /// budget cannot be met.
  LogicalResult
  chooseBitWidths(std::vector<Candidate> &candidates,
                  const std::vector<CompressedTensor> &results,
                  const std::vector<std::optional<BitWidthTrials>> &trials) {
    const double budget =
        config ? config->bitsPerWeight : commandLineSettings.bitsPerWeight;
    uint64_t fixedBits = 0, elements = 0;
    std::vector<size_t> budgeted;
    auto choose = [&](size_t i, size_t trial, StringRef chosenBy) {
      Candidate &candidate = candidates[i];
      ConstantRecord &record = records[candidate.record];
      record.chosenBy = chosenBy.str();
      for (const BitWidthTrials::Trial &width : trials[i]->trials)
        record.widths.push_back(
            {width.nbits, width.bytes, width.getSnrDb(trials[i]->sumSquares)});
      candidate.plan.settings =
          candidate.plan.settings.withBitWidth(trials[i]->trials[trial].nbits);
    };
    for (size_t i = 0; i < candidates.size(); ++i) {
      const Candidate &candidate = candidates[i];
      if (!trials[i]) {
        if (results[i].succeeded()) {
          fixedBits += 8 * getCompressedByteCount(results[i], candidate.plan);
          elements += uint64_t(candidate.value.getNumElements());
        }
        continue;
      }
      if (!trials[i]->succeeded())
        continue; // left unchanged, with its warning, later
      elements += uint64_t(candidate.value.getNumElements());
      const double minSnr = candidate.plan.settings.minSnrDb;
      if (minSnr == 0) {
        budgeted.push_back(i);
        continue;
      }
      std::optional<size_t> trial = chooseByMinSnr(*trials[i], minSnr);
      if (!trial) {
        trial = trials[i]->trials.size() - 1;
        InFlightDiagnostic warning =
            candidate.op->emitWarning("palettize-weights: ");
        warning << "constant";
        if (std::optional<std::string> name = getConstantName(candidate.op))
          warning << " '" << *name << "'";
        warning << ": no width reaches min-snr=" << formatNumber(minSnr)
                << llvm::formatv(" dB; 8 bits give {0:F1} dB",
                                 trials[i]->trials[*trial].getSnrDb(
                                     trials[i]->sumSquares));
      }
      fixedBits += 8 * trials[i]->trials[*trial].bytes;
      choose(i, *trial, "min_snr");
    }
    if (budgeted.empty())
      return success();

    // The budget: a multiple-choice knapsack over the budgeted constants'
    // widths, minimising sum_t n_t * SSE_t / ||W_t||^2.
    // A budget beyond what 64 bits count is no limit (and no cast of an
    // out-of-range double).
    const double budgetValue = std::floor(budget * double(elements));
    const uint64_t budgetBits = budgetValue >= 0x1p64
                                    ? std::numeric_limits<uint64_t>::max()
                                    : uint64_t(budgetValue);
    std::vector<std::vector<AllocationChoice>> items;
    uint64_t smallestBits = fixedBits;
    for (size_t i : budgeted) {
      const BitWidthTrials &widths = *trials[i];
      const double count = double(candidates[i].value.getNumElements());
      std::vector<AllocationChoice> choices;
      for (const BitWidthTrials::Trial &width : widths.trials) {
        const double relative = width.sumSquaredError == 0
                                    ? 0
                                    : width.sumSquaredError / widths.sumSquares;
        choices.push_back({8 * width.bytes, count * relative});
      }
      smallestBits += choices.front().bits;
      items.push_back(std::move(choices));
    }
    const uint64_t available =
        budgetBits > fixedBits ? budgetBits - fixedBits : 0;
    BitAllocation chosen = allocateBits(items, available);
    if (!chosen.feasible || fixedBits > budgetBits)
      return getOperation()->emitError("palettize-weights: ")
             << "bits-per-weight=" << formatNumber(budget)
             << llvm::formatv(
                    " cannot be met: the palettized constants take at least "
                    "{0:F3} bits per weight (1-bit indices and their LUTs for "
                    "those with nbits=auto)",
                    double(smallestBits) / double(elements));
    if (!chosen.optimal)
      getOperation()->emitWarning("palettize-weights: ")
          << llvm::formatv("the bit allocation stopped before proving its "
                           "choice optimal: objective {0:E3}, at most "
                           "{1:E3} above the optimum",
                           chosen.cost, chosen.cost - chosen.lowerBound);
    for (size_t item = 0; item < budgeted.size(); ++item)
      choose(budgeted[item], chosen.chosen[item], "bits_per_weight");
    allocation =
        AllocationSummary{budget, uint64_t(budgeted.size()), chosen.cost,
                          chosen.lowerBound, chosen.optimal};
    return success();
  }

  /// Rewrites every precomputed constant through the patterns, in program
  /// order.
  void
  applyPatterns(const std::vector<Candidate> &candidates,
                const llvm::DenseMap<Operation *, const PalettizePlan *> &plans,
                PrecomputedTensors &precomputed) {
    auto control = [&](Operation *op) -> std::optional<PalettizePlan> {
      auto it = plans.find(op);
      if (it == plans.end())
        return std::nullopt;
      return *it->second;
    };
    RewritePatternSet patterns(&getContext());
    populatePalettizeWeightsPatterns(patterns, control, &precomputed);
    FrozenRewritePatternSet frozen(std::move(patterns));
    walkAndApplyPatterns(getOperation(), frozen);
    if (precomputed.empty())
      return;
    // The walk skips unreachable blocks; their constants are rewritten here.
    PatternRewriter rewriter(&getContext());
    PatternApplicator applicator(frozen);
    applicator.applyDefaultCostModel();
    for (const Candidate &candidate : candidates)
      if (precomputed.count(candidate.op))
        (void)applicator.matchAndRewrite(candidate.op, rewriter);
  }

  /// Prints the counts and the per-constant lines to stderr.
  void printReport() {
    llvm::raw_ostream &os = llvm::errs();
    os << "palettize-weights: ";
    if (config)
      os << "config=" << configFile << "\n";
    else
      os << commandLineSettings.describe() << "\n";
    for (const ConstantRecord &record : records)
      if (record.isPalettized())
        os << formatStatisticsLine(record) << "\n";
    os << "  constants seen: " << counts.seen
       << ", palettized: " << counts.palettized << "\n";
    os << "  skipped: " << counts.small << " small, " << counts.splat
       << " splat, " << counts.nonFinite << " non-finite, "
       << counts.tooManyDistinct << " too many distinct, " << counts.unreadable
       << " unreadable";
    if (counts.channels)
      os << ", " << counts.channels << " without channel groups or vectors";
    if (config)
      os << ", " << counts.byConfig << " left alone by the config";
    if (counts.coreMLRule)
      os << ", " << counts.coreMLRule << " by Core ML's rules";
    os << "\n";
    os << formatTotalsLine(summarize(records)) << "\n";
  }

  /// What this run did.
  struct Counts {
    uint64_t seen = 0, palettized = 0, small = 0, splat = 0, nonFinite = 0,
             tooManyDistinct = 0, unreadable = 0, channels = 0, byConfig = 0,
             coreMLRule = 0, bytesBefore = 0, bytesAfter = 0;
  } counts;
  /// The settings of every constant, without a configuration file.
  PalettizeSettings commandLineSettings;
  /// The configuration file, when given.
  std::optional<PalettizeConfig> config;
  /// Every constant seen, in program order.
  std::vector<ConstantRecord> records;
  /// The op of each record, until the rewrite.
  std::vector<Operation *> recordOps;
  /// How a bits-per-weight budget was spent, if one was.
  std::optional<AllocationSummary> allocation;
  /// The importance file, mapped, while the pass runs (shared: passes are
  /// copied when cloned, and the file is reopened by every run).
  std::shared_ptr<const SafetensorsFile> importanceFile;
  /// The names of the constants seen, with an importance file.
  llvm::StringSet<> constantNames;
  /// The pruned weights decoded for this run, while it runs.
  PrunedWeights *prunedWeights = nullptr;
};

} // namespace
