//===- PalettizeWeights.cpp - Compress float constants into LUTs ----------===//
//
// Replaces large float constants with mil.constexpr_lut_to_dense: collect
// the candidates, compute their LUTs in parallel, rewrite them in program
// order, report.
//
//===----------------------------------------------------------------------===//

#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Lut/BitPacking.h"
#include "palettize/Lut/LutBuilder.h"
#include "palettize/Lut/Metrics.h"
#include "palettize/Lut/ShiftScale.h"
#include "palettize/Dialect/MIL/Transforms/PalettizeConfig.h"
#include "palettize/Dialect/MIL/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Threading.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <optional>

namespace palettize {
#define GEN_PASS_DEF_PALETTIZEWEIGHTS
#include "palettize/Dialect/MIL/Transforms/Passes.h.inc"
} // namespace palettize

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

namespace {

//===----------------------------------------------------------------------===//
// Policy: options and candidates
//===----------------------------------------------------------------------===//

/// Returns the value of a constant op this pass rewrites, or null.
ElementsAttr getConstantValue(Operation *op) {
  if (auto constant = dyn_cast<ConstOp>(op))
    return constant.getValue();
  if (auto constant = dyn_cast<arith::ConstantOp>(op))
    return dyn_cast<ElementsAttr>(constant.getValue());
  return nullptr;
}

/// Returns the constant's name: its `name` attribute, else its NameLoc.
std::optional<std::string> getConstantName(Operation *op) {
  if (auto constant = dyn_cast<ConstOp>(op))
    if (std::optional<StringRef> name = constant.getName())
      return name->str();
  if (auto nameLoc = dyn_cast<NameLoc>(op->getLoc()))
    return nameLoc.getName().str();
  return std::nullopt;
}

/// A constant selected for palettization.
struct Candidate {
  Operation *op;
  ElementsAttr value;
  FloatFormat format;
  /// What to do with it: the pass options or its configuration entry.
  const PalettizeSettings *settings;
  /// The channel axis (grouped, vector or per-channel scaled constants),
  /// and the channels per group; groupSize 0 means one LUT for the whole
  /// tensor.
  unsigned channelAxis = 0;
  int64_t groupSize = 0;
  /// cluster-dim: values per LUT row, along channelAxis (1: scalars).
  int64_t vectorSize = 1;
};

/// The output-channel axis of a linalg op's input operand, from the
/// indexing maps: the weight axis indexed by a loop that also indexes the
/// output. When several do (batch_matmul's batch and N), the one no other
/// input uses (N). Returns std::nullopt when that does not single out one
/// axis (an elementwise use) or the operand is an output.
std::optional<unsigned> getLinalgChannelAxis(linalg::LinalgOp op,
                                             unsigned operandNumber) {
  if (operandNumber >= unsigned(op.getNumDpsInputs()))
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  const unsigned loops = op.getNumLoops();
  llvm::SmallBitVector inOutput(loops), inOtherInput(loops);
  for (auto [index, map] : llvm::enumerate(maps)) {
    if (index == operandNumber)
      continue;
    const bool isOutput = int64_t(index) >= op.getNumDpsInputs();
    for (AffineExpr result : map.getResults())
      result.walk([&](AffineExpr expr) {
        if (auto dim = dyn_cast<AffineDimExpr>(expr))
          (isOutput ? inOutput : inOtherInput).set(dim.getPosition());
      });
  }
  SmallVector<unsigned> outputAxes, ownAxes;
  for (auto [axis, result] :
       llvm::enumerate(maps[operandNumber].getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(result);
    if (!dim || !inOutput.test(dim.getPosition()))
      continue;
    outputAxes.push_back(axis);
    if (!inOtherInput.test(dim.getPosition()))
      ownAxes.push_back(axis);
  }
  if (outputAxes.size() == 1)
    return outputAxes.front();
  if (ownAxes.size() == 1)
    return ownAxes.front();
  return std::nullopt;
}

/// The channel axis one use of a rank-`rank` weight implies.
unsigned getImpliedChannelAxis(OpOperand &use, unsigned rank) {
  Operation *consumer = use.getOwner();
  const unsigned operand = use.getOperandNumber();
  // Every linalg structured op (named or generic, transposed or not): from
  // its indexing maps.
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(consumer))
    return getLinalgChannelAxis(linalgOp, operand).value_or(0);
  // TOSA's documented weight layouts; the others are [OC, ...].
  StringRef name = consumer->getName().getStringRef();
  if (name == "tosa.depthwise_conv2d" && operand == 1 && rank == 4)
    return 2; // [KH, KW, C, M]: output channel c * M + m
  if (name == "tosa.matmul" && rank == 3 && operand < 2)
    return operand == 1 ? 2 : 1; // [N, C, W] / [N, H, C]
  return 0;                      // [Cout, ...]: convolutions, fully connected
}

/// The channel axis the consumers of `value` imply for a rank-`rank`
/// weight, or an error message when they disagree.
FailureOr<unsigned> inferChannelAxis(Value value, unsigned rank,
                                     std::string &disagreement) {
  std::optional<unsigned> axis;
  for (OpOperand &use : value.getUses()) {
    const unsigned implied = getImpliedChannelAxis(use, rank);
    if (axis && *axis != implied) {
      disagreement =
          llvm::formatv("its consumers disagree on the channel "
                        "axis ({0} and {1})",
                        std::min(*axis, implied), std::max(*axis, implied));
      return failure();
    }
    axis = implied;
  }
  return axis.value_or(0);
}

/// What the parallel phase produced for one candidate.
struct CompressedConstant {
  RawDataError readError = RawDataError::None;
  /// The LUT; with groups, their palettes one after the other. With an 8-bit
  /// LUT, the values its dequantization gives.
  ScalarLut lut;
  size_t groupCount = 1;
  AsmResourceBlob packedIndices;
  /// lut-dtype=int8/uint8: the stored LUT, its scales and zero points.
  QuantizedLuts quantizedLut;
  /// per-channel-scale: one scale per channel along the channel axis.
  std::vector<float> channelScales;
  /// Reconstruction SNR in dB, when measured.
  double snrDb = 0;
};

/// Builds the LUT of one candidate and packs its indices into a new blob;
/// with `measure`, also the reconstruction's SNR. Runs on worker threads:
/// reads the attribute's storage, touches no IR.
CompressedConstant compress(const Candidate &candidate, const LutConfig &config,
                            bool measure) {
  CompressedConstant result;
  RawElementsData data = getRawElementsData(candidate.value);
  if (!data.succeeded()) {
    result.readError = data.error;
    return result;
  }
  const PalettizeSettings &settings = *candidate.settings;
  const size_t count = candidate.value.getNumElements();
  ArrayRef<int64_t> shape = candidate.value.getShapedType().getShape();
  // per-channel-scale: cluster the normalized copy; the source is never
  // modified, so a constant left unchanged keeps its values.
  const void *input = data.bytes.data();
  ChannelNormalization normalization;
  if (settings.perChannelScale) {
    normalization = normalizeChannels(input, shape, candidate.channelAxis,
                                      candidate.format);
    if (!normalization.finite) {
      result.lut.status = LutStatus::NonFiniteValues;
      return result;
    }
    input = normalization.normalized.data();
    result.channelScales = std::move(normalization.scales);
  }
  if (candidate.groupSize > 0) {
    GroupedLut grouped = buildGroupedLut(
        config, input, shape, candidate.channelAxis, candidate.groupSize,
        candidate.format, candidate.vectorSize);
    result.lut.status = grouped.status;
    result.lut.nbits = grouped.nbits;
    result.lut.lut = std::move(grouped.luts);
    result.lut.indices = std::move(grouped.indices);
    result.groupCount = grouped.groupCount;
  } else if (candidate.vectorSize > 1) {
    VectorLut vectors =
        buildVectorLut(config, input, shape, candidate.channelAxis,
                       candidate.vectorSize, candidate.format);
    result.lut.status = vectors.status;
    result.lut.nbits = vectors.nbits;
    result.lut.lut = std::move(vectors.lut);
    result.lut.indices = std::move(vectors.indices);
  } else {
    result.lut = buildScalarLut(config, input, count, candidate.format);
  }
  if (result.lut.status != LutStatus::Success)
    return result;
  if (settings.lutStorage != LutStorageType::Float) {
    // Store each palette as 8-bit integers; the decoded model sees what
    // their dequantization gives, computed as the shift-scale op does.
    const bool isSigned = settings.lutStorage == LutStorageType::Int8;
    result.quantizedLut = quantizeLuts(result.lut.lut, result.groupCount,
                                       isSigned, candidate.format);
    const size_t paletteElements = result.lut.lut.size() / result.groupCount;
    for (size_t i = 0; i < result.lut.lut.size(); ++i) {
      const size_t palette = i / paletteElements;
      const uint8_t stored = result.quantizedLut.data[i];
      float shifted = isSigned ? float(int8_t(stored)) : float(stored);
      if (!isSigned)
        shifted -= float(result.quantizedLut.offsets[palette]);
      result.lut.lut[i] =
          roundToFormat(double(result.quantizedLut.scales[palette] * shifted),
                        candidate.format);
    }
    // The entries moved by up to half a step: move each element (vector)
    // to its nearest dequantized entry (row).
    const size_t paletteValues = result.lut.lut.size() / result.groupCount;
    if (candidate.vectorSize == 1)
      reassignToNearest(input, shape, candidate.channelAxis,
                        candidate.groupSize, candidate.format, result.lut.lut,
                        paletteValues, result.lut.indices);
    else
      reassignVectorsToNearest(
          input, shape, candidate.channelAxis, candidate.groupSize,
          candidate.vectorSize, candidate.format, result.lut.lut,
          paletteValues / candidate.vectorSize, result.lut.indices);
  }
  // The normalized copy is no longer needed.
  std::vector<char>().swap(normalization.normalized);
  const uint64_t bytes =
      getPackedIndicesByteCount(result.lut.indices.size(), result.lut.nbits);
  result.packedIndices = HeapAsmResourceBlob::allocate(bytes, /*align=*/1);
  MutableArrayRef<char> out = result.packedIndices.getMutableData();
  packIndices(result.lut.indices, result.lut.nbits,
              MutableArrayRef<uint8_t>(reinterpret_cast<uint8_t *>(out.data()),
                                       out.size()));
  if (measure) {
    // Decode with the shared decoder (in f32) and compare with the input.
    LutLayout layout;
    layout.resultShape.assign(shape.begin(), shape.end());
    layout.groupCounts.assign(shape.size(), 1);
    if (candidate.groupSize > 0)
      layout.groupCounts[candidate.channelAxis] = int64_t(result.groupCount);
    layout.indexBitWidth = result.lut.nbits;
    layout.vectorSize = candidate.vectorSize;
    layout.vectorAxis = candidate.channelAxis;
    std::vector<float> decoded(count);
    decodeLut(layout,
              ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(out.data()),
                                out.size()),
              result.lut.lut.data(), sizeof(float), decoded.data());
    if (settings.perChannelScale) {
      int64_t inner = 1;
      for (size_t d = candidate.channelAxis + 1; d < shape.size(); ++d)
        inner *= shape[d];
      const int64_t channels = shape[candidate.channelAxis];
      for (size_t i = 0; i < count; ++i)
        decoded[i] = roundToFormat(
            double(result.channelScales[(int64_t(i) / inner) % channels] *
                   decoded[i]),
            candidate.format);
    }
    double signal = 0, noise = 0;
    for (size_t i = 0; i < count; ++i) {
      const double value =
          candidate.format == FloatFormat::F32
              ? double(reinterpret_cast<const float *>(data.bytes.data())[i])
              : double(narrowToFloat(
                    reinterpret_cast<const uint16_t *>(data.bytes.data())[i],
                    candidate.format));
      signal += value * value;
      noise += (value - decoded[i]) * (value - decoded[i]);
    }
    result.snrDb = noise == 0 ? std::numeric_limits<double>::infinity()
                              : 10 * std::log10(signal / noise);
  }
  // The unpacked indices are no longer needed; free them early.
  std::vector<uint8_t>().swap(result.lut.indices);
  return result;
}

/// Returns `values` (LUT entries or scales, representable in `format`) as a
/// dense attribute of the constant's element type and the given shape.
DenseElementsAttr getFloatAttr(ArrayRef<float> values, ArrayRef<int64_t> shape,
                               Type elementType, FloatFormat format) {
  auto type = RankedTensorType::get(shape, elementType);
  std::vector<char> bytes(values.size() * getByteWidth(format));
  for (size_t i = 0; i < values.size(); ++i) {
    if (format == FloatFormat::F32) {
      uint32_t bits = floatToBits(values[i]);
      std::memcpy(bytes.data() + 4 * i, &bits, 4);
    } else {
      uint16_t bits = floatToNarrow(values[i], format);
      std::memcpy(bytes.data() + 2 * i, &bits, 2);
    }
  }
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}

/// Reports, at most every half second, how far the parallel phase is.
/// Called from worker threads.
class ProgressReporter {
public:
  ProgressReporter(size_t totalConstants, uint64_t totalParameters,
                   bool toTerminal)
      : totalConstants(totalConstants), totalParameters(totalParameters),
        toTerminal(toTerminal), start(std::chrono::steady_clock::now()) {}

  void finished(uint64_t parameters) {
    const size_t constants = ++doneConstants;
    const uint64_t done = doneParameters += parameters;
    std::unique_lock<std::mutex> lock(printMutex, std::try_to_lock);
    if (!lock.owns_lock())
      return; // another thread is printing
    const double now = elapsed();
    if (constants != totalConstants && now - lastPrint < 0.5)
      return;
    lastPrint = now;
    print(constants, done, now);
  }

  /// Ends the report with the final figures, unless already printed.
  void close() {
    std::lock_guard<std::mutex> lock(printMutex);
    if (printedConstants != doneConstants || totalConstants == 0)
      print(doneConstants, doneParameters, elapsed());
    if (toTerminal)
      llvm::errs() << "\n";
  }

private:
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  }

  void print(size_t constants, uint64_t parameters, double seconds) {
    printedConstants = constants;
    llvm::errs() << (toTerminal ? "\r" : "")
                 << llvm::formatv("palettize-weights: {0}/{1} constants, "
                                  "{2:F1}M/{3:F1}M parameters, {4:F1} s",
                                  constants, totalConstants,
                                  double(parameters) / 1e6,
                                  double(totalParameters) / 1e6, seconds)
                 << (toTerminal ? "" : "\n");
    llvm::errs().flush();
  }

  const size_t totalConstants;
  const uint64_t totalParameters;
  const bool toTerminal;
  const std::chrono::steady_clock::time_point start;
  std::atomic<size_t> doneConstants{0};
  std::atomic<uint64_t> doneParameters{0};
  std::mutex printMutex;
  double lastPrint = 0;
  size_t printedConstants = 0;
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct PalettizeWeightsPass
    : palettize::impl::PalettizeWeightsBase<PalettizeWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    counts = Counts();
    reportLines.clear();
    config.reset();
    if (failed(readSettings()))
      return signalPassFailure();
    const bool terminal = llvm::sys::Process::StandardErrIsDisplayed();
    bool showProgress;
    if (progress == "auto") {
      showProgress = terminal;
    } else if (progress == "on" || progress == "off") {
      showProgress = progress == "on";
    } else {
      getOperation()->emitError("palettize-weights: ")
          << "unknown progress '" << progress
          << "'; expected one of: auto, on, off";
      return signalPassFailure();
    }

    FailureOr<std::vector<Candidate>> candidates = collectCandidates();
    if (failed(candidates))
      return signalPassFailure();
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
    std::vector<CompressedConstant> results(candidates->size());
    parallelFor(&getContext(), 0, candidates->size(), [&](size_t i) {
      const Candidate &candidate = (*candidates)[i];
      LutConfig lutConfig = candidate.settings->getLutConfig();
      lutConfig.kmeans.parallelFor = parallel;
      results[i] = compress(candidate, lutConfig, printStatistics);
      if (reporter)
        reporter->finished(candidate.value.getNumElements());
    });
    if (reporter)
      reporter->close();
    for (size_t i = 0; i < candidates->size(); ++i)
      rewrite((*candidates)[i], results[i]);
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
  }

private:
  /// Turns the options into the settings of every constant: the command
  /// line's, or those of the configuration file.
  LogicalResult readSettings() {
    auto fail = [&]() {
      return getOperation()->emitError("palettize-weights: ");
    };
    PalettizeSettings settings;
    std::optional<LutMode> lutMode = parseLutMode(mode);
    if (!lutMode)
      return fail() << "unknown mode '" << mode
                    << "'; expected one of: kmeans, uniform, unique";
    settings.mode = *lutMode;
    settings.nbits = nbits;
    settings.weightThreshold = weightThreshold;
    if (granularity != "per-tensor" && granularity != "per-grouped-channel")
      return fail() << "unknown granularity '" << granularity
                    << "'; expected one of: per-tensor, per-grouped-channel";
    settings.perGroupedChannel = granularity == "per-grouped-channel";
    settings.groupSize = groupSize;
    settings.channelAxis = channelAxis;
    settings.clusterDim = clusterDim;
    settings.perChannelScale = perChannelScale;
    if (lutDtype == "int8")
      settings.lutStorage = LutStorageType::Int8;
    else if (lutDtype == "uint8")
      settings.lutStorage = LutStorageType::UInt8;
    else if (lutDtype != "float")
      return fail() << "unknown lut-dtype '" << lutDtype
                    << "'; expected one of: float, int8, uint8";

    if (configFile.empty()) {
      if (std::optional<std::string> problem = validate(settings))
        return fail() << *problem;
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

  /// Returns the name of a consumer op: its `name` attribute, else its
  /// NameLoc.
  static std::optional<std::string> getOpName(Operation *op) {
    if (auto name = op->getAttrOfType<StringAttr>("name"))
      return name.str();
    if (auto nameLoc = dyn_cast<NameLoc>(op->getLoc()))
      return nameLoc.getName().str();
    return std::nullopt;
  }

  /// Describes a configuration entry for a diagnostic.
  static std::string describeEntry(const PalettizeEntry &entry) {
    return entry ? entry->describe() : std::string("null (left alone)");
  }

  /// What becomes of one constant under one set of settings.
  struct Decision {
    enum class Kind { Palettize, Small, Splat, LeftAloneByConfig };
    Kind kind;
    /// The settings when kind is Palettize.
    const PalettizeSettings *settings = nullptr;

    /// Two consumers agree when both palettize the same way, or neither
    /// palettizes (for whatever reason).
    bool agreesWith(const Decision &other) const {
      if (kind != Kind::Palettize || other.kind != Kind::Palettize)
        return kind != Kind::Palettize && other.kind != Kind::Palettize;
      return *settings == *other.settings;
    }
  };

  /// Decides what `settings` (null: left alone) do to a constant of
  /// `elements` elements.
  static Decision decide(const PalettizeSettings *settings, int64_t elements,
                         bool splat) {
    if (!settings)
      return {Decision::Kind::LeftAloneByConfig};
    if (elements <= settings->weightThreshold)
      return {Decision::Kind::Small};
    // A splat is stored as one value: palettizing it would grow it.
    if (splat)
      return {Decision::Kind::Splat};
    return {Decision::Kind::Palettize, settings};
  }
  static Decision decide(const PalettizeEntry &entry, int64_t elements,
                         bool splat) {
    return decide(entry ? &*entry : nullptr, elements, splat);
  }

  /// Decides what becomes of `op`, or fails with an error when its
  /// consumers' entries disagree on it.
  FailureOr<Decision> decideFor(Operation *op, ElementsAttr value) {
    const int64_t elements = value.getNumElements();
    auto dense = dyn_cast<DenseElementsAttr>(value);
    const bool splat = dense && dense.isSplat();
    if (!config)
      return decide(&commandLineSettings, elements, splat);
    std::optional<std::string> name = getConstantName(op);
    if (name) {
      auto it = config->opNames.find(*name);
      if (it != config->opNames.end())
        return decide(it->second, elements, splat);
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
      std::optional<std::string> userName = getOpName(user);
      StringRef type = user->getName().getStringRef();
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
      Decision decision = decide(*entry, elements, splat);
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
    return decide(config->global, elements, splat);
  }

  /// Walks the IR in program order and keeps the constants to palettize.
  FailureOr<std::vector<Candidate>> collectCandidates() {
    std::vector<Candidate> candidates;
    WalkResult walk = getOperation()->walk([&](Operation *op) {
      ElementsAttr value = getConstantValue(op);
      if (!value)
        return WalkResult::advance();
      std::optional<FloatFormat> format =
          getFloatFormat(value.getElementType());
      auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
      if (!format || !type || type.getRank() < 2 || !type.hasStaticShape())
        return WalkResult::advance();
      ++counts.seen;
      FailureOr<Decision> decision = decideFor(op, value);
      if (failed(decision))
        return WalkResult::interrupt();
      switch (decision->kind) {
      case Decision::Kind::Palettize:
        break;
      case Decision::Kind::Small:
        ++counts.small;
        return WalkResult::advance();
      case Decision::Kind::Splat:
        ++counts.splat;
        return WalkResult::advance();
      case Decision::Kind::LeftAloneByConfig:
        ++counts.byConfig;
        return WalkResult::advance();
      }
      const PalettizeSettings *settings = decision->settings;
      Candidate candidate{op, value, *format, settings};
      if (settings->needsChannelAxis()) {
        std::string problem;
        if (failed(chooseChannels(candidate, type, problem))) {
          ++counts.channels;
          warnLeftUnchanged(op) << problem;
          return WalkResult::advance();
        }
      }
      candidates.push_back(candidate);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
    return candidates;
  }

  /// Sets the candidate's channel axis: channel-axis, or inferred from the
  /// consumers.
  LogicalResult chooseAxis(Candidate &candidate, RankedTensorType type,
                           std::string &problem) {
    const unsigned rank = type.getRank();
    const int64_t axis = candidate.settings->channelAxis;
    if (axis >= 0) {
      if (axis >= int64_t(rank)) {
        problem = llvm::formatv("channel-axis={0} is out of range for its "
                                "rank-{1} type",
                                axis, rank);
        return failure();
      }
      candidate.channelAxis = unsigned(axis);
      return success();
    }
    FailureOr<unsigned> inferred =
        inferChannelAxis(candidate.op->getResult(0), rank, problem);
    if (failed(inferred))
      return failure();
    candidate.channelAxis = *inferred;
    return success();
  }

  /// Chooses the candidate's channel axis (given or inferred) and how it is
  /// cut: into groups of group-size channels (per-grouped-channel) or into
  /// vectors of cluster-dim values. Says why when the cut does not tile the
  /// axis.
  LogicalResult chooseChannels(Candidate &candidate, RankedTensorType type,
                               std::string &problem) {
    if (failed(chooseAxis(candidate, type, problem)))
      return failure();
    const PalettizeSettings &settings = *candidate.settings;
    const int64_t size = type.getDimSize(candidate.channelAxis);
    if (settings.clusterDim > 1) {
      if (size % settings.clusterDim != 0) {
        problem =
            llvm::formatv("its axis {0} of size {1} is not a multiple "
                          "of cluster-dim={2}",
                          candidate.channelAxis, size, settings.clusterDim);
        return failure();
      }
      candidate.vectorSize = settings.clusterDim;
    }
    if (settings.perGroupedChannel) {
      const int64_t span = settings.groupSize == 0 ? size : settings.groupSize;
      if (size % span != 0) {
        problem = llvm::formatv("its {0} channels along axis {1} are not a "
                                "multiple of group-size={2}",
                                size, candidate.channelAxis, span);
        return failure();
      }
      candidate.groupSize = span;
    }
    return success();
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

  /// Replaces one constant by its palettized form, or says why not.
  void rewrite(const Candidate &candidate, CompressedConstant &result) {
    Operation *op = candidate.op;
    const PalettizeSettings &settings = *candidate.settings;
    std::optional<std::string> name = getConstantName(op);
    auto leftUnchanged = [&]() { return warnLeftUnchanged(op); };
    if (result.readError != RawDataError::None) {
      ++counts.unreadable;
      leftUnchanged() << "its value " << describe(result.readError);
      return;
    }
    switch (result.lut.status) {
    case LutStatus::Success:
      break;
    case LutStatus::NonFiniteValues:
      ++counts.nonFinite;
      leftUnchanged() << "it holds NaN or infinite values";
      return;
    case LutStatus::TooManyDistinctValues:
      ++counts.tooManyDistinct;
      leftUnchanged() << "it has more than 256 distinct values, too many "
                         "for mode=unique";
      return;
    case LutStatus::UnsupportedBitWidth:
    case LutStatus::UnsupportedMode:
      llvm_unreachable("options are validated before any LUT is built");
    }

    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    Type elementType = type.getElementType();
    const unsigned width = getByteWidth(candidate.format);
    const int64_t rank = type.getRank();
    const uint64_t indexBytes = result.packedIndices.getData().size();
    auto indicesType = RankedTensorType::get(
        {int64_t(indexBytes)},
        IntegerType::get(&getContext(), 8, IntegerType::Unsigned));
    ElementsAttr indices = DenseResourceElementsAttr::get(
        indicesType, name.value_or("weight") + "_indices",
        std::move(result.packedIndices));
    // [2^n], or [1, .., groups, .., 1, 2^n, vector size].
    SmallVector<int64_t> lutShape = {int64_t(result.lut.lut.size())};
    if (candidate.vectorSize > 1 || candidate.groupSize > 0) {
      lutShape.assign(rank, 1);
      lutShape[candidate.channelAxis] = int64_t(result.groupCount);
      lutShape.push_back(int64_t(1) << result.lut.nbits);
      lutShape.push_back(candidate.vectorSize);
    }

    OpBuilder builder(op);
    Location loc = op->getLoc();
    auto derivedName = [&](StringRef suffix) {
      return name ? builder.getStringAttr(*name + suffix.str()) : StringAttr();
    };
    IntegerAttr vectorAxis =
        candidate.vectorSize > 1
            ? builder.getI64IntegerAttr(candidate.channelAxis)
            : IntegerAttr();
    // The final op carries the constant's name; ops feeding it get suffixes.
    StringAttr lutOpName =
        settings.perChannelScale ? derivedName("_normalized") : derivedName("");
    uint64_t lutBytes = result.lut.lut.size() * width;
    ConstexprLutToDenseOp palettized;
    if (settings.lutStorage == LutStorageType::Float) {
      DenseElementsAttr lut =
          getFloatAttr(result.lut.lut, lutShape, elementType, candidate.format);
      palettized = ConstexprLutToDenseOp::create(
          builder, loc, type, lut, indices, vectorAxis, lutOpName);
    } else {
      // An 8-bit LUT: mil.const of the integers, dequantized by a
      // shift-scale with one scale (and zero point) per palette.
      const bool isSigned = settings.lutStorage == LutStorageType::Int8;
      Type storageType = IntegerType::get(&getContext(), 8,
                                          isSigned ? IntegerType::Signless
                                                   : IntegerType::Unsigned);
      const QuantizedLuts &quantized = result.quantizedLut;
      auto storedType = RankedTensorType::get(lutShape, storageType);
      auto stored = DenseElementsAttr::getFromRawBuffer(
          storedType,
          ArrayRef<char>(reinterpret_cast<const char *>(quantized.data.data()),
                         quantized.data.size()));
      // One scale per palette: the LUT's group dimensions, then 1, 1.
      SmallVector<int64_t> scaleShape(lutShape.size(), 1);
      if (lutShape.size() > 1)
        for (int64_t d = 0; d < rank; ++d)
          scaleShape[d] = lutShape[d];
      DenseElementsAttr scaleAttr = getFloatAttr(quantized.scales, scaleShape,
                                                 elementType, candidate.format);
      DenseElementsAttr offsetAttr;
      if (!isSigned)
        offsetAttr = DenseElementsAttr::getFromRawBuffer(
            RankedTensorType::get(scaleShape, storageType),
            ArrayRef<char>(
                reinterpret_cast<const char *>(quantized.offsets.data()),
                quantized.offsets.size()));
      auto storedOp = ConstOp::create(builder, loc, storedType, stored,
                                      derivedName("_lut_quantized"));
      auto dequantized = ConstexprBlockwiseShiftScaleOp::create(
          builder, loc, RankedTensorType::get(lutShape, elementType),
          storedOp.getResult(), scaleAttr, offsetAttr, derivedName("_lut"));
      palettized = ConstexprLutToDenseOp::create(
          builder, loc, type, dequantized.getResult(), indices, vectorAxis,
          lutOpName);
      lutBytes = quantized.data.size() + quantized.offsets.size() +
                 quantized.scales.size() * width;
    }
    Value replacement = palettized.getResult();
    uint64_t scaleBytes = 0;
    if (settings.perChannelScale) {
      SmallVector<int64_t> scaleShape(rank, 1);
      scaleShape[candidate.channelAxis] =
          type.getDimSize(candidate.channelAxis);
      DenseElementsAttr scaleAttr = getFloatAttr(
          result.channelScales, scaleShape, elementType, candidate.format);
      replacement = ConstexprBlockwiseShiftScaleOp::create(
          builder, loc, type, replacement, scaleAttr,
          /*offset=*/ElementsAttr(), derivedName(""));
      scaleBytes = result.channelScales.size() * width;
    }
    op->getResult(0).replaceAllUsesWith(replacement);
    op->erase();

    const uint64_t before = uint64_t(type.getNumElements()) * width;
    const uint64_t after = indexBytes + lutBytes + scaleBytes;
    ++counts.palettized;
    counts.bytesBefore += before;
    counts.bytesAfter += after;
    if (printStatistics) {
      std::string shape;
      llvm::raw_string_ostream os(shape);
      os << type;
      std::string form;
      if (candidate.groupSize > 0)
        form = llvm::formatv(" x {0} groups along axis {1}", result.groupCount,
                             candidate.channelAxis);
      if (candidate.vectorSize > 1)
        form += llvm::formatv(" x vectors of {0} along axis {1}",
                              candidate.vectorSize, candidate.channelAxis);
      if (settings.lutStorage != LutStorageType::Float)
        form += settings.lutStorage == LutStorageType::Int8 ? ", int8 LUT"
                                                            : ", uint8 LUT";
      if (settings.perChannelScale)
        form += llvm::formatv(", scales along axis {0}", candidate.channelAxis);
      std::string snr =
          std::isinf(result.snrDb)
              ? std::string("inf")
              : std::string(llvm::formatv("{0:F1}", result.snrDb));
      reportLines.push_back(
          llvm::formatv("  {0}: {1}, {2} bits{3}, {4} -> {5} bytes, SNR {6} dB",
                        name.value_or("(unnamed)"), shape, result.lut.nbits,
                        form, before, after, snr));
    }
  }

  /// Prints the counts and the per-constant lines to stderr.
  void printReport() {
    llvm::raw_ostream &os = llvm::errs();
    os << "palettize-weights: ";
    if (config)
      os << "config=" << configFile << "\n";
    else
      os << commandLineSettings.describe() << "\n";
    for (const std::string &line : reportLines)
      os << line << "\n";
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
    os << "\n";
    const uint64_t before = counts.bytesBefore, after = counts.bytesAfter;
    os << "  bytes: " << before << " -> " << after;
    if (after && before >= after)
      os << llvm::formatv(" ({0:F2}x smaller)", double(before) / double(after));
    else if (after)
      os << llvm::formatv(" ({0:F2}x larger: LUTs outweigh the savings)",
                          double(after) / double(before));
    os << "\n";
  }

  /// What this run did.
  struct Counts {
    uint64_t seen = 0, palettized = 0, small = 0, splat = 0, nonFinite = 0,
             tooManyDistinct = 0, unreadable = 0, channels = 0, byConfig = 0,
             bytesBefore = 0, bytesAfter = 0;
  } counts;
  /// The settings of every constant, without a configuration file.
  PalettizeSettings commandLineSettings;
  /// The configuration file, when given.
  std::optional<PalettizeConfig> config;
  std::vector<std::string> reportLines;
};

} // namespace
