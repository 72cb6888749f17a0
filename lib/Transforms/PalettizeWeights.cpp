//===- PalettizeWeights.cpp - Compress float constants into LUTs ----------===//
//
// Replaces large float constants with mil.constexpr_lut_to_dense: collect
// the candidates, compute their LUTs in parallel, rewrite them in program
// order, report.
//
//===----------------------------------------------------------------------===//

#include "palettize/Dialect/MIL/ConstantData.h"
#include "palettize/Dialect/MIL/MILOps.h"
#include "palettize/Lut/BitPacking.h"
#include "palettize/Lut/LutBuilder.h"
#include "palettize/Lut/Metrics.h"
#include "palettize/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Threading.h"
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
#include "palettize/Transforms/Passes.h.inc"
} // namespace palettize

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

namespace {

//===----------------------------------------------------------------------===//
// Policy: options and candidates
//===----------------------------------------------------------------------===//

/// Checks the pass options and turns them into a LUT configuration, or
/// reports the first bad option at `anchor`.
FailureOr<LutConfig> parseLutConfig(Operation *anchor, StringRef mode,
                                    std::optional<int64_t> nbits,
                                    int64_t weightThreshold) {
  auto fail = [&]() { return anchor->emitError("palettize-weights: "); };
  LutConfig config;
  std::optional<LutMode> lutMode = parseLutMode(mode);
  if (!lutMode)
    return fail() << "unknown mode '" << mode
                  << "'; expected one of: kmeans, uniform, unique";
  config.mode = *lutMode;

  if (config.mode == LutMode::Unique) {
    if (nbits)
      return fail() << "nbits is not allowed with mode=unique, which picks "
                       "the smallest of 1, 2, 3, 4, 6, 8 bits that holds the "
                       "distinct values";
  } else if (!nbits) {
    return fail() << "mode=" << mode
                  << " requires nbits, one of 1, 2, 3, 4, 6, 8";
  } else if (*nbits < 0 || *nbits > 8 ||
             !isSupportedIndexBitWidth(unsigned(*nbits))) {
    return fail() << "nbits=" << *nbits
                  << " is not supported; expected one of 1, 2, 3, 4, 6, 8";
  } else {
    config.nbits = unsigned(*nbits);
  }
  if (weightThreshold < 0)
    return fail() << "weight-threshold=" << weightThreshold
                  << " must be at least 0";
  return config;
}

/// Returns the float format of a palettizable element type.
std::optional<FloatFormat> getFloatFormat(Type type) {
  if (type.isF16())
    return FloatFormat::F16;
  if (type.isBF16())
    return FloatFormat::BF16;
  if (type.isF32())
    return FloatFormat::F32;
  return std::nullopt;
}

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
  /// per-grouped-channel: the channel axis and the channels per group;
  /// groupSize 0 means one LUT for the whole tensor.
  unsigned channelAxis = 0;
  int64_t groupSize = 0;
  /// cluster-dim: values per LUT row, along channelAxis (1: scalars).
  int64_t vectorSize = 1;
};

/// The channel axis the consumers of `value` imply for a rank-`rank`
/// weight, or an error message when they disagree.
FailureOr<unsigned> inferChannelAxis(Value value, unsigned rank,
                                     std::string &disagreement) {
  std::optional<unsigned> axis;
  for (OpOperand &use : value.getUses()) {
    StringRef consumer = use.getOwner()->getName().getStringRef();
    const unsigned operand = use.getOperandNumber();
    unsigned implied = 0; // [Cout, ...]: convolutions, fully connected
    if ((consumer == "linalg.matmul" || consumer == "linalg.batch_matmul") &&
        rank >= 2)
      implied = operand == 1 ? rank - 1 : rank - 2; // [.., K, N] / [.., M, K]
    else if (consumer == "linalg.conv_2d_nhwc_hwcf" && operand == 1)
      implied = rank - 1; // [KH, KW, IC, OC]
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
  /// The LUT; with groups, their palettes one after the other.
  ScalarLut lut;
  size_t groupCount = 1;
  AsmResourceBlob packedIndices;
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
  const size_t count = candidate.value.getNumElements();
  ArrayRef<int64_t> shape = candidate.value.getShapedType().getShape();
  if (candidate.vectorSize > 1) {
    VectorLut vectors =
        buildVectorLut(config, data.bytes.data(), shape, candidate.channelAxis,
                       candidate.vectorSize, candidate.format);
    result.lut.status = vectors.status;
    result.lut.nbits = vectors.nbits;
    result.lut.lut = std::move(vectors.lut);
    result.lut.indices = std::move(vectors.indices);
  } else if (candidate.groupSize > 0) {
    GroupedLut grouped =
        buildGroupedLut(config, data.bytes.data(), shape, candidate.channelAxis,
                        candidate.groupSize, candidate.format);
    result.lut.status = grouped.status;
    result.lut.nbits = grouped.nbits;
    result.lut.lut = std::move(grouped.luts);
    result.lut.indices = std::move(grouped.indices);
    result.groupCount = grouped.groupCount;
  } else {
    result.lut =
        buildScalarLut(config, data.bytes.data(), count, candidate.format);
  }
  if (result.lut.status != LutStatus::Success)
    return result;
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

/// Returns the LUT as a dense attribute of the constant's element type and
/// the given shape ([2^n], or [1, .., groups, .., 1, 2^n, 1]).
DenseElementsAttr getLutAttr(const ScalarLut &lut, ArrayRef<int64_t> shape,
                             Type elementType, FloatFormat format) {
  auto type = RankedTensorType::get(shape, elementType);
  std::vector<char> bytes(lut.lut.size() * getByteWidth(format));
  for (size_t i = 0; i < lut.lut.size(); ++i) {
    if (format == FloatFormat::F32) {
      uint32_t bits = floatToBits(lut.lut[i]);
      std::memcpy(bytes.data() + 4 * i, &bits, 4);
    } else {
      uint16_t bits = floatToNarrow(lut.lut[i], format);
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
    // 0 is "not given": options built in C++ always have a value.
    std::optional<int64_t> bitWidth;
    if (nbits != 0)
      bitWidth = nbits;
    FailureOr<LutConfig> config =
        parseLutConfig(getOperation(), mode, bitWidth, weightThreshold);
    if (failed(config))
      return signalPassFailure();
    if (granularity != "per-tensor" && granularity != "per-grouped-channel") {
      getOperation()->emitError("palettize-weights: ")
          << "unknown granularity '" << granularity
          << "'; expected one of: per-tensor, per-grouped-channel";
      return signalPassFailure();
    }
    perGroupedChannel = granularity == "per-grouped-channel";
    if (clusterDim < 1) {
      getOperation()->emitError("palettize-weights: ")
          << "cluster-dim=" << int64_t(clusterDim) << " must be at least 1";
      return signalPassFailure();
    }
    if (clusterDim > 1 && mode == "uniform") {
      getOperation()->emitError("palettize-weights: ")
          << "cluster-dim=" << int64_t(clusterDim)
          << " is not supported with mode=uniform, which has no vector form; "
             "use kmeans or unique";
      return signalPassFailure();
    }
    if (clusterDim > 1 && perGroupedChannel) {
      getOperation()->emitError("palettize-weights: ")
          << "cluster-dim > 1 with granularity=per-grouped-channel is not "
             "supported yet; use one of them";
      return signalPassFailure();
    }
    if (groupSize < 0 || channelAxis < -1) {
      getOperation()->emitError("palettize-weights: ")
          << (groupSize < 0 ? "group-size must be at least 0"
                            : "channel-axis must be -1 (inferred) or an axis");
      return signalPassFailure();
    }
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

    std::vector<Candidate> candidates = collectCandidates();
    std::optional<ProgressReporter> reporter;
    if (showProgress) {
      uint64_t parameters = 0;
      for (const Candidate &candidate : candidates)
        parameters += candidate.value.getNumElements();
      reporter.emplace(candidates.size(), parameters, terminal);
    }
    // Constants are compressed in parallel, and so are the DP layers and
    // input passes within each one (MLIR's thread pool runs nested tasks).
    MLIRContext *context = &getContext();
    config->kmeans.parallelFor =
        [context](size_t count, llvm::function_ref<void(size_t)> task) {
          parallelFor(context, 0, count, [&](size_t i) { task(i); });
        };
    std::vector<CompressedConstant> results(candidates.size());
    parallelFor(&getContext(), 0, candidates.size(), [&](size_t i) {
      results[i] = compress(candidates[i], *config, printStatistics);
      if (reporter)
        reporter->finished(candidates[i].value.getNumElements());
    });
    if (reporter)
      reporter->close();
    for (size_t i = 0; i < candidates.size(); ++i)
      rewrite(candidates[i], results[i]);
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
    bytesBefore = counts.bytesBefore;
    bytesAfter = counts.bytesAfter;
    if (printStatistics)
      printReport();
  }

private:
  /// Walks the IR in program order and keeps the constants to palettize.
  std::vector<Candidate> collectCandidates() {
    std::vector<Candidate> candidates;
    getOperation()->walk([&](Operation *op) {
      ElementsAttr value = getConstantValue(op);
      if (!value)
        return;
      std::optional<FloatFormat> format =
          getFloatFormat(value.getElementType());
      auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
      if (!format || !type || type.getRank() < 2 || !type.hasStaticShape())
        return;
      ++counts.seen;
      if (value.getNumElements() <= weightThreshold) {
        ++counts.small;
        return;
      }
      // A splat is stored as one value: palettizing it would grow it.
      if (auto dense = dyn_cast<DenseElementsAttr>(value);
          dense && dense.isSplat()) {
        ++counts.splat;
        return;
      }
      Candidate candidate{op, value, *format};
      if (clusterDim > 1 || perGroupedChannel) {
        std::string problem;
        if (failed(chooseChannels(candidate, type, problem))) {
          ++counts.channels;
          warnLeftUnchanged(op) << problem;
          return;
        }
      }
      candidates.push_back(candidate);
    });
    return candidates;
  }

  /// Sets the candidate's channel axis: channel-axis, or inferred from the
  /// consumers.
  LogicalResult chooseAxis(Candidate &candidate, RankedTensorType type,
                           std::string &problem) {
    const unsigned rank = type.getRank();
    if (channelAxis >= 0) {
      if (channelAxis >= int64_t(rank)) {
        problem = llvm::formatv("channel-axis={0} is out of range for its "
                                "rank-{1} type",
                                channelAxis, rank);
        return failure();
      }
      candidate.channelAxis = unsigned(channelAxis);
      return success();
    }
    FailureOr<unsigned> axis =
        inferChannelAxis(candidate.op->getResult(0), rank, problem);
    if (failed(axis))
      return failure();
    candidate.channelAxis = *axis;
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
    const int64_t size = type.getDimSize(candidate.channelAxis);
    const bool vectors = clusterDim > 1;
    const int64_t span = vectors          ? int64_t(clusterDim)
                         : groupSize == 0 ? size
                                          : int64_t(groupSize);
    if (size % span != 0) {
      if (vectors)
        problem = llvm::formatv("its axis {0} of size {1} is not a multiple "
                                "of cluster-dim={2}",
                                candidate.channelAxis, size, span);
      else
        problem = llvm::formatv("its {0} channels along axis {1} are not a "
                                "multiple of group-size={2}",
                                size, candidate.channelAxis, span);
      return failure();
    }
    (vectors ? candidate.vectorSize : candidate.groupSize) = span;
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
    const unsigned width = getByteWidth(candidate.format);
    const uint64_t indexBytes = result.packedIndices.getData().size();
    auto indicesType = RankedTensorType::get(
        {int64_t(indexBytes)},
        IntegerType::get(&getContext(), 8, IntegerType::Unsigned));
    ElementsAttr indices = DenseResourceElementsAttr::get(
        indicesType, name.value_or("weight") + "_indices",
        std::move(result.packedIndices));
    SmallVector<int64_t> lutShape = {int64_t(result.lut.lut.size())};
    if (candidate.vectorSize > 1) {
      lutShape.assign(type.getRank(), 1);
      lutShape.push_back(int64_t(1) << result.lut.nbits);
      lutShape.push_back(candidate.vectorSize);
    } else if (candidate.groupSize > 0) {
      lutShape.assign(type.getRank(), 1);
      lutShape[candidate.channelAxis] = int64_t(result.groupCount);
      lutShape.push_back(int64_t(1) << result.lut.nbits);
      lutShape.push_back(1);
    }
    DenseElementsAttr lut = getLutAttr(result.lut, lutShape,
                                       type.getElementType(), candidate.format);

    OpBuilder builder(op);
    StringAttr nameAttr = name ? builder.getStringAttr(*name) : StringAttr();
    IntegerAttr vectorAxis =
        candidate.vectorSize > 1
            ? builder.getI64IntegerAttr(candidate.channelAxis)
            : IntegerAttr();
    auto palettized = ConstexprLutToDenseOp::create(
        builder, op->getLoc(), type, lut, indices, vectorAxis, nameAttr);
    op->getResult(0).replaceAllUsesWith(palettized.getResult());
    op->erase();

    const uint64_t before = uint64_t(type.getNumElements()) * width;
    const uint64_t after = indexBytes + result.lut.lut.size() * width;
    ++counts.palettized;
    counts.bytesBefore += before;
    counts.bytesAfter += after;
    if (printStatistics) {
      std::string shape;
      llvm::raw_string_ostream os(shape);
      os << type;
      std::string groups;
      if (candidate.vectorSize > 1)
        groups = llvm::formatv(" x vectors of {0} along axis {1}",
                               candidate.vectorSize, candidate.channelAxis);
      else if (candidate.groupSize > 0)
        groups = llvm::formatv(" x {0} groups along axis {1}",
                               result.groupCount, candidate.channelAxis);
      std::string snr =
          std::isinf(result.snrDb)
              ? std::string("inf")
              : std::string(llvm::formatv("{0:F1}", result.snrDb));
      reportLines.push_back(
          llvm::formatv("  {0}: {1}, {2} bits{3}, {4} -> {5} bytes, SNR {6} dB",
                        name.value_or("(unnamed)"), shape, result.lut.nbits,
                        groups, before, after, snr));
    }
  }

  /// Prints the counts and the per-constant lines to stderr.
  void printReport() {
    llvm::raw_ostream &os = llvm::errs();
    os << "palettize-weights: mode=" << mode;
    if (perGroupedChannel)
      os << " granularity=per-grouped-channel group-size=" << groupSize;
    if (clusterDim > 1)
      os << " cluster-dim=" << int64_t(clusterDim);
    if (nbits != 0)
      os << " nbits=" << nbits;
    os << " weight-threshold=" << weightThreshold << "\n";
    for (const std::string &line : reportLines)
      os << line << "\n";
    os << "  constants seen: " << counts.seen
       << ", palettized: " << counts.palettized << "\n";
    os << "  skipped: " << counts.small << " small, " << counts.splat
       << " splat, " << counts.nonFinite << " non-finite, "
       << counts.tooManyDistinct << " too many distinct, " << counts.unreadable
       << " unreadable";
    if (perGroupedChannel || clusterDim > 1)
      os << ", " << counts.channels << " without channel groups or vectors";
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
             tooManyDistinct = 0, unreadable = 0, channels = 0, bytesBefore = 0,
             bytesAfter = 0;
  } counts;
  bool perGroupedChannel = false;
  std::vector<std::string> reportLines;
};

} // namespace
