//===- PalettizeConstant.cpp - Plan, compress and emit one constant -------===//
//
// The steps palettize-weights is made of, each usable alone: planning (the
// settings, the channel axis and its cut), compression (the LUT library over
// the attribute's bytes, off the IR), emission (the mil ops that replace the
// constant), and the pattern that chains them.
//
//===----------------------------------------------------------------------===//

#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Dialect/MIL/Transforms/LutFunctions.h"
#include "palettize/Dialect/MIL/Transforms/Transforms.h"
#include "palettize/Lut/BitPacking.h"
#include "palettize/Lut/LutDecode.h"
#include "palettize/Lut/Metrics.h"
#include "palettize/Lut/NearestEntry.h"
#include "palettize/Lut/SparseDecode.h"
#include "palettize/Lut/SparseEncode.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

//===----------------------------------------------------------------------===//
// Candidates
//===----------------------------------------------------------------------===//

ElementsAttr palettize::getFloatConstantValue(Operation *op) {
  ElementsAttr value;
  if (auto constant = dyn_cast<ConstOp>(op))
    value = constant.getValue();
  else if (auto constant = dyn_cast<arith::ConstantOp>(op))
    value = dyn_cast<ElementsAttr>(constant.getValue());
  if (!value || !getFloatFormat(value.getElementType()))
    return nullptr;
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || !type.hasStaticShape())
    return nullptr;
  return value;
}

ElementsAttr palettize::getPalettizableValue(Operation *op) {
  ElementsAttr value = getFloatConstantValue(op);
  if (!value || value.getShapedType().getRank() < 2)
    return nullptr;
  return value;
}

std::optional<std::string> palettize::getConstantName(Operation *op) {
  if (auto constant = dyn_cast<ConstOp>(op))
    if (std::optional<StringRef> name = constant.getName())
      return name->str();
  if (auto nameLoc = dyn_cast<NameLoc>(op->getLoc()))
    return nameLoc.getName().str();
  return std::nullopt;
}

namespace {

//===----------------------------------------------------------------------===//
// Planning: the channel axis and its cut
//===----------------------------------------------------------------------===//

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

/// The name of the input of `op` that binds operand `operand`.
StringRef getInputName(mil::GenericOp op, unsigned operand) {
  for (NamedAttribute input : op.getInputs())
    for (Attribute binding : cast<ArrayAttr>(input.getValue()))
      if (auto index = dyn_cast<IntegerAttr>(binding))
        if (index.getInt() == int64_t(operand))
          return input.getName().getValue();
  return "";
}

/// The value of a boolean input of `op` (`transpose_x`), false when absent
/// or not a constant.
bool getBoolInput(mil::GenericOp op, StringRef name) {
  SmallVector<Value> operands = op.getInputOperands(name);
  DenseElementsAttr value;
  if (operands.size() == 1 && matchPattern(operands[0], m_Constant(&value)) &&
      value.getElementType().isInteger(1) && value.getNumElements() == 1)
    return *value.getValues<bool>().begin();
  return false;
}

/// The output channel axis of a Core ML op's weight, by its MIL op type, as
/// Core ML's tools infer it: [Cout, Cin/g, ...] for convolutions and
/// linear layers, [Cin, Cout/g, ...] for conv_transpose, and matmul's by
/// its transpose flags.
unsigned getCoreMLChannelAxis(mil::GenericOp op, unsigned operand,
                              unsigned rank) {
  StringRef type = op.getOpType();
  if (type == "conv_transpose")
    return rank > 1 ? 1 : 0;
  if (type == "matmul" && rank >= 2) {
    StringRef input = getInputName(op, operand);
    if (input == "y")
      return getBoolInput(op, "transpose_y") ? rank - 2 : rank - 1;
    if (input == "x")
      return getBoolInput(op, "transpose_x") ? rank - 1 : rank - 2;
  }
  return 0;
}

/// The channel axis one use of a rank-`rank` weight implies.
unsigned getImpliedChannelAxis(OpOperand &use, unsigned rank) {
  Operation *consumer = use.getOwner();
  const unsigned operand = use.getOperandNumber();
  if (auto generic = dyn_cast<mil::GenericOp>(consumer))
    return getCoreMLChannelAxis(generic, operand, rank);
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

/// Sets the plan's channel axis: channel-axis, or inferred from the
/// consumers.
LogicalResult chooseAxis(Operation *op, PalettizePlan &plan,
                         RankedTensorType type, std::string &problem) {
  const unsigned rank = type.getRank();
  const int64_t axis = plan.settings.channelAxis;
  if (axis >= 0) {
    if (axis >= int64_t(rank)) {
      problem = llvm::formatv("channel-axis={0} is out of range for its "
                              "rank-{1} type",
                              axis, rank);
      return failure();
    }
    plan.tiling.axis = unsigned(axis);
    return success();
  }
  FailureOr<unsigned> inferred =
      inferChannelAxis(op->getResult(0), rank, problem);
  if (failed(inferred))
    return failure();
  plan.tiling.axis = *inferred;
  return success();
}

/// Chooses the plan's channel axis (given or inferred) and how it is cut:
/// into groups of group-size channels (per-grouped-channel) or into vectors
/// of cluster-dim values. Says why when the cut does not tile the axis.
LogicalResult chooseChannels(Operation *op, PalettizePlan &plan,
                             RankedTensorType type, std::string &problem) {
  if (failed(chooseAxis(op, plan, type, problem)))
    return failure();
  const PalettizeSettings &settings = plan.settings;
  const int64_t size = type.getDimSize(plan.tiling.axis);
  if (settings.clusterDim > 1) {
    if (size % settings.clusterDim != 0) {
      problem = llvm::formatv("its axis {0} of size {1} is not a multiple "
                              "of cluster-dim={2}",
                              plan.tiling.axis, size, settings.clusterDim);
      return failure();
    }
    plan.tiling.vectorSize = settings.clusterDim;
  }
  if (settings.perGroupedChannel) {
    const int64_t span = settings.groupSize == 0 ? size : settings.groupSize;
    if (size % span != 0) {
      problem = llvm::formatv("its {0} channels along axis {1} are not a "
                              "multiple of group-size={2}",
                              size, plan.tiling.axis, span);
      return failure();
    }
    plan.tiling.groupSize = span;
  }
  return success();
}

} // namespace

PlanOutcome::Kind palettize::classifyBySize(ElementsAttr value,
                                            const PalettizeSettings &settings) {
  // Sizes are checked first: a hostile type's element count can overflow.
  if (!getCheckedByteCount(value.getShapedType()))
    return PlanOutcome::Kind::TooLarge;
  if (value.getNumElements() <= settings.weightThreshold)
    return PlanOutcome::Kind::Small;
  // A splat is stored as one value: palettizing it would grow it.
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (dense && dense.isSplat())
    return PlanOutcome::Kind::Splat;
  return PlanOutcome::Kind::Palettize;
}

bool palettize::isInCoreMLProgram(Operation *op) {
  auto module = op->getParentOfType<ModuleOp>();
  return module && module->hasAttr(MILDialect::kSpecVersionAttrName);
}

/// Why Core ML's rules leave `constant` alone, if they do.
static std::optional<std::string> getCoreMLExclusion(Operation *constant,
                                                     ElementsAttr value) {
  Type element = value.getElementType();
  if (!element.isF16() && !element.isF32())
    return std::string("Core ML compresses f16 and f32 weights only");
  Value result = constant->getResult(0);
  // Core ML's runtime mishandles constexpr ops that feed block outputs.
  if (!result.use_empty() &&
      llvm::all_of(result.getUsers(), [](Operation *user) {
        return user->hasTrait<OpTrait::IsTerminator>();
      }))
    return std::string("it feeds only the block's outputs");
  if (llvm::any_of(result.getUsers(), [](Operation *user) {
        return isa<ConstexprLutToDenseOp, ConstexprBlockwiseShiftScaleOp>(user);
      }))
    return std::string("it feeds a constexpr op");
  return std::nullopt;
}

PlanOutcome palettize::planPalettization(Operation *constant,
                                         const PalettizeSettings &settings) {
  ElementsAttr value = getPalettizableValue(constant);
  assert(value && "not a palettizable constant");
  PlanOutcome outcome;
  outcome.kind = classifyBySize(value, settings);
  if (outcome.kind == PlanOutcome::Kind::TooLarge)
    outcome.reason = describe(RawDataError::TooLarge).str();
  if (outcome.kind != PlanOutcome::Kind::Palettize)
    return outcome;
  if (isInCoreMLProgram(constant)) {
    if (std::optional<std::string> exclusion =
            getCoreMLExclusion(constant, value)) {
      outcome.kind = PlanOutcome::Kind::CoreMLRule;
      outcome.reason = *exclusion;
      return outcome;
    }
    // Core ML's tools leave a weight whose consumers disagree on its
    // channel axis alone, even per tensor.
    std::string disagreement;
    if (failed(inferChannelAxis(constant->getResult(0),
                                cast<ShapedType>(value.getType()).getRank(),
                                disagreement))) {
      outcome.kind = PlanOutcome::Kind::NoChannelCut;
      outcome.reason = disagreement;
      return outcome;
    }
  }
  outcome.plan.settings = settings;
  outcome.plan.format = *getFloatFormat(value.getElementType());
  if (settings.needsChannelAxis() &&
      failed(chooseChannels(constant, outcome.plan,
                            cast<RankedTensorType>(value.getShapedType()),
                            outcome.reason)))
    outcome.kind = PlanOutcome::Kind::NoChannelCut;
  return outcome;
}

//===----------------------------------------------------------------------===//
// Compression: the LUT library over the attribute's bytes
//===----------------------------------------------------------------------===//

namespace {

/// Returns `values` (LUT entries or scales, representable in `format`) as a
/// dense attribute of the constant's element type and the given shape.
DenseElementsAttr getFloatAttr(ArrayRef<float> values, ArrayRef<int64_t> shape,
                               Type elementType, FloatFormat format) {
  return DenseElementsAttr::getFromRawBuffer(
      RankedTensorType::get(shape, elementType),
      encodeFloats(values.data(), values.size(), format));
}

/// Runs the registered LUT function `name` on the values of `tensor` and
/// checks its result; on a bad result, says why in `error` and reports
/// InvalidCustomLut.
LutResult buildCustomLut(StringRef name, const TensorView &tensor,
                         std::string &error) {
  LutResult lut;
  std::optional<LutFunction> function = lookupLutFunction(name);
  assert(function && "validated before any LUT is built");
  const size_t count = tensor.getElementCount();
  std::vector<float> values = decodeFloats(tensor.data, count, tensor.format);
  if (!llvm::all_of(values, [](float v) { return std::isfinite(v); })) {
    lut.status = LutStatus::NonFiniteValues;
    return lut;
  }
  CustomLut custom = (*function)(values);
  if (std::optional<std::string> problem =
          checkCustomLut(custom.lut, custom.indices, count, tensor.format)) {
    error = "lut-function '" + name.str() + "' returned a bad LUT: " + *problem;
    lut.status = LutStatus::InvalidCustomLut;
    return lut;
  }
  lut.layout = LutLayout::get(tensor.shape, Tiling(),
                              unsigned(llvm::Log2_64(custom.lut.size())));
  lut.entries = std::move(custom.lut);
  lut.indices.assign(custom.indices.begin(), custom.indices.end());
  return lut;
}

/// Returns importances that weigh the error of per-channel-normalized
/// values as the error of the decoded ones: element i of channel c (along
/// `axis`) weighs imp_i * (s_c / max_c s_c)^2. Dividing by the largest
/// scale changes no clustering and cannot overflow.
std::vector<float> scaleImportance(ImportanceView importance,
                                   ArrayRef<int64_t> shape, unsigned axis,
                                   ArrayRef<float> scales) {
  const AxisSplit split = splitAroundAxis(shape, axis);
  double largest = 0;
  for (float scale : scales)
    largest = std::max(largest, double(scale));
  std::vector<double> factors(scales.size(), 1);
  if (largest > 0)
    for (size_t c = 0; c < scales.size(); ++c)
      factors[c] = (scales[c] / largest) * (scales[c] / largest);
  std::vector<float> scaled(size_t(split.outer * split.channels * split.inner));
  size_t i = 0;
  for (int64_t o = 0; o < split.outer; ++o)
    for (int64_t c = 0; c < split.channels; ++c)
      for (int64_t j = 0; j < split.inner; ++j, ++i)
        scaled[i] = float(importance[i] * factors[size_t(c)]);
  return scaled;
}

} // namespace

namespace {

/// sparse=auto: returns true if a tensor of `points` grid points, `stored`
/// of them non-zero, takes the sparse form at `nbits` (0 when not known
/// yet: the fraction alone decides until the LUT is built). Both forms
/// store the same LUTs, so the masks and indices decide.
bool prefersSparse(const PalettizeSettings &settings, uint64_t points,
                   uint64_t stored, unsigned nbits) {
  if (stored == 0 || points == 0)
    return false; // all zeros: the dense form's one-entry LUT is smaller
  if (double(points - stored) < settings.sparseThreshold * double(points))
    return false;
  return nbits == 0 || getSparseIndexBytes(points, stored, nbits) <
                           getPackedIndicesByteCount(points, nbits);
}

/// The input of one palette of the sparse form: a group's non-zero points
/// as a [points, V] tensor.
TensorView getGroupPoints(const MaskedPoints &points, int64_t group,
                          int64_t vectorSize, FloatFormat format) {
  const size_t offset =
      size_t(points.groupOffsets[group] * vectorSize) * getByteWidth(format);
  return TensorView(points.values.data() + offset, format,
                    {points.getGroupPointCount(group), vectorSize});
}

/// How the [points, V] tensor of getGroupPoints is cut: one palette of
/// vectors along its last axis.
Tiling getGroupTiling(int64_t vectorSize) {
  Tiling tiling;
  tiling.axis = 1;
  tiling.vectorSize = vectorSize;
  return tiling;
}

ImportanceView getGroupImportance(const MaskedPoints &points, int64_t group,
                                  int64_t vectorSize) {
  if (points.importance.empty())
    return ImportanceView();
  return ImportanceView(points.importance.data() +
                        points.groupOffsets[group] * vectorSize);
}

/// Builds the LUTs of the sparse form: each group's palette from its
/// non-zero points alone, at the width the widest group needs (unique),
/// with the indices in group-major order of `points`.
LutResult buildSparseLut(const PalettizeSettings &settings,
                         const LutConfig &config, const MaskedPoints &points,
                         ArrayRef<int64_t> shape, const Tiling &tiling,
                         FloatFormat format, std::string &customError) {
  LutLayout grid = LutLayout::get(shape, tiling, /*indexBitWidth=*/1);
  const int64_t groups = grid.getGroupCount();
  const int64_t vectorSize = tiling.vectorSize;
  std::vector<LutResult> palettes(groups);
  std::vector<std::string> errors(groups);
  auto build = [&](size_t g) {
    if (points.getGroupPointCount(g) == 0)
      return; // an all-zero group: its palette stays unused
    TensorView group = getGroupPoints(points, g, vectorSize, format);
    palettes[g] = settings.mode == LutMode::Custom
                      ? buildCustomLut(settings.lutFunction, group, errors[g])
                      : buildLut(config, group, getGroupTiling(vectorSize),
                                 getGroupImportance(points, g, vectorSize));
  };
  if (config.kmeans.parallelFor && groups > 1)
    config.kmeans.parallelFor(size_t(groups), build);
  else
    for (int64_t g = 0; g < groups; ++g)
      build(size_t(g));
  LutResult result;
  unsigned nbits = 0;
  for (int64_t g = 0; g < groups; ++g) {
    if (palettes[g].status != LutStatus::Success) {
      result.status = palettes[g].status;
      customError = std::move(errors[g]);
      return result;
    }
    nbits = std::max(nbits, palettes[g].getIndexBitWidth());
  }
  result.layout = LutLayout::get(shape, tiling, nbits);
  const size_t paletteValues =
      size_t(result.layout.getPaletteSize()) * size_t(vectorSize);
  result.entries.assign(size_t(groups) * paletteValues, 0.0f);
  result.indices.reserve(size_t(points.getPointCount()));
  for (int64_t g = 0; g < groups; ++g) {
    // A narrower palette's missing rows are zero, as unused rows are.
    llvm::copy(palettes[g].entries,
               result.entries.begin() + size_t(g) * paletteValues);
    llvm::append_range(result.indices, palettes[g].indices);
  }
  return result;
}

/// Builds the dense form's LUT of `input`.
LutResult buildDenseLut(const PalettizeSettings &settings,
                        const LutConfig &config, const TensorView &input,
                        const Tiling &tiling, ImportanceView importance,
                        std::string &customError) {
  if (settings.mode == LutMode::Custom)
    return buildCustomLut(settings.lutFunction, input, customError);
  return buildLut(config, input, tiling, importance);
}

} // namespace

CompressedTensor palettize::compressTensorData(ArrayRef<char> bytes,
                                               ArrayRef<int64_t> shape,
                                               const PalettizePlan &plan,
                                               const ParallelFor &parallelFor,
                                               bool measureReconstruction) {
  CompressedTensor result;
  LutConfig config = plan.settings.getLutConfig();
  config.kmeans.parallelFor = parallelFor;
  const PalettizeSettings &settings = plan.settings;
  const size_t count = bytes.size() / getByteWidth(plan.format);
  const Tiling &tiling = plan.tiling;
  // sparse=auto: the points with a non-zero value (of the input as given:
  // normalization keeps zeros zero), when the sparse form may be smaller.
  std::vector<uint8_t> mask;
  LutLayout grid;
  if (settings.sparse) {
    grid = LutLayout::get(shape, tiling, /*indexBitWidth=*/1);
    mask = markNonzeroPoints(bytes.data(), plan.format, grid);
    const uint64_t points = grid.getIndexCount();
    if (!prefersSparse(settings, points, countMaskBits(mask, points),
                       unsigned(settings.nbits)))
      mask.clear();
  }
  // per-channel-scale: cluster the normalized copy; the source is never
  // modified, so a constant left unchanged keeps its values.
  TensorView input(bytes.data(), plan.format, shape);
  ChannelNormalization normalization;
  // The importances as given weigh the measured error; those the LUT is
  // built with carry the channel scales too, when there are any.
  const ImportanceView givenImportance =
      settings.mode == LutMode::KMeans ? plan.importance : ImportanceView();
  ImportanceView importance = givenImportance;
  std::vector<float> scaledImportance;
  if (settings.perChannelScale) {
    normalization =
        normalizeChannels(input.data, shape, tiling.axis, plan.format);
    if (!normalization.finite) {
      result.lut.status = LutStatus::NonFiniteValues;
      return result;
    }
    input.data = normalization.normalized.data();
    result.channelScales = std::move(normalization.scales);
    if (importance) {
      // buildLut checks the importances it is given; scaling could turn a
      // negative one into -0, so these are checked before.
      if (findInvalidImportance(importance, count)) {
        result.lut.status = LutStatus::InvalidImportance;
        return result;
      }
      scaledImportance =
          scaleImportance(importance, shape, tiling.axis, result.channelScales);
      importance = ImportanceView(scaledImportance.data());
    }
  }
  // The sparse form clusters the gathered non-zero points group by group.
  MaskedPoints points;
  if (!mask.empty()) {
    points =
        gatherMaskedPoints(input.data, plan.format, grid, mask, importance);
    result.lut = buildSparseLut(settings, config, points, shape, tiling,
                                plan.format, result.customError);
    // Without a width given (unique, custom), the dense form's LUT is
    // built too: its width (zero may be one more value) and LUT decide.
    if (result.lut.succeeded() && settings.nbits == 0) {
      CompressedTensor dense;
      dense.lut = buildDenseLut(settings, config, input, tiling, importance,
                                dense.customError);
      const uint64_t gridPoints = uint64_t(grid.getIndexCount());
      const unsigned width = getByteWidth(plan.format);
      const unsigned sparseBits = result.lut.getIndexBitWidth();
      const unsigned denseBits = dense.lut.getIndexBitWidth();
      if (dense.lut.succeeded() &&
          getSparseIndexBytes(gridPoints, uint64_t(points.getPointCount()),
                              sparseBits) +
                  result.lut.entries.size() * width >=
              getPackedIndicesByteCount(gridPoints, denseBits) +
                  dense.lut.entries.size() * width) {
        mask.clear();
        points = MaskedPoints();
        result.lut = std::move(dense.lut);
      }
    }
  } else {
    result.lut = buildDenseLut(settings, config, input, tiling, importance,
                               result.customError);
  }
  if (result.lut.status != LutStatus::Success)
    return result;
  const LutLayout &layout = result.lut.layout;
  const size_t paletteCount = size_t(layout.getGroupCount());
  if (settings.lutStorage != LutStorageType::Float) {
    // Store each palette as 8-bit integers; the decoded model sees what
    // their dequantization gives, computed as the shift-scale op does.
    const bool isSigned = settings.lutStorage == LutStorageType::Int8;
    result.quantizedLut =
        quantizeLuts(result.lut.entries, paletteCount, isSigned, plan.format);
    result.lut.entries = dequantizeLuts(result.quantizedLut, paletteCount,
                                        isSigned, plan.format);
    // The entries moved by up to half a step: move each element (vector)
    // to its nearest dequantized entry (row).
    if (mask.empty()) {
      reassignToNearest(input, layout, result.lut.entries, result.lut.indices,
                        importance);
    } else {
      const int64_t vectorSize = tiling.vectorSize;
      const size_t paletteValues = size_t(layout.getPaletteSize() * vectorSize);
      for (size_t g = 0; g < paletteCount; ++g) {
        const int64_t pointCount = points.getGroupPointCount(int64_t(g));
        if (pointCount == 0)
          continue;
        TensorView group =
            getGroupPoints(points, int64_t(g), vectorSize, plan.format);
        reassignToNearest(
            group,
            LutLayout::get(group.shape, getGroupTiling(vectorSize),
                           layout.indexBitWidth),
            ArrayRef<float>(result.lut.entries)
                .slice(g * paletteValues, paletteValues),
            MutableArrayRef<uint8_t>(result.lut.indices)
                .slice(size_t(points.groupOffsets[g]), size_t(pointCount)),
            getGroupImportance(points, int64_t(g), vectorSize));
      }
    }
  }
  if (!mask.empty()) {
    // The indices as the op stores them: in the mask's row-major order.
    result.lut.indices =
        orderIndicesByGrid(grid, mask, points, result.lut.indices);
    points = MaskedPoints();
    result.sparseMask = std::move(mask);
  }
  // The normalized copy is no longer needed.
  std::vector<char>().swap(normalization.normalized);
  std::vector<float>().swap(scaledImportance);
  const unsigned nbits = result.lut.getIndexBitWidth();
  const uint64_t indexBytes =
      getPackedIndicesByteCount(result.lut.indices.size(), nbits);
  result.packedIndices = allocateLargeBlob(indexBytes, /*alignment=*/1);
  MutableArrayRef<char> out = result.packedIndices.getMutableData();
  ArrayRef<uint8_t> packed(reinterpret_cast<const uint8_t *>(out.data()),
                           out.size());
  packIndices(result.lut.indices, nbits,
              MutableArrayRef<uint8_t>(reinterpret_cast<uint8_t *>(out.data()),
                                       out.size()));
  if (measureReconstruction) {
    // Decode with the shared decoders (in f32) and compare with the input.
    std::vector<float> decoded(count);
    if (result.isSparse()) {
      std::vector<float> stored(result.lut.indices.size() *
                                size_t(layout.vectorSize));
      decodeLutToSparse(layout, result.sparseMask, packed,
                        result.lut.entries.data(), sizeof(float),
                        stored.data());
      std::vector<uint8_t> expanded(getMaskByteCount(count));
      expandMask(layout, result.sparseMask, expanded);
      scatterMasked(expanded, count, stored.data(), /*elementBits=*/32,
                    decoded.data());
    } else {
      decodeLut(layout, packed, result.lut.entries.data(), sizeof(float),
                decoded.data());
    }
    if (settings.perChannelScale) {
      // Undo the normalization as the emitted shift-scale op does.
      BlockwiseLayout scaling;
      scaling.dataShape.assign(shape.begin(), shape.end());
      scaling.scaleShape.assign(shape.size(), 1);
      scaling.scaleShape[tiling.axis] = shape[tiling.axis];
      std::vector<char> scales =
          encodeFloats(result.channelScales.data(), result.channelScales.size(),
                       plan.format);
      std::vector<char> scaled(count * getByteWidth(plan.format));
      decodeBlockwiseShiftScale(scaling, decoded.data(),
                                ShiftScaleDataType::F32, scales.data(),
                                /*offset=*/nullptr, plan.format, scaled.data());
      decoded = decodeFloats(scaled.data(), count, plan.format);
    }
    result.reconstruction =
        measureError(bytes.data(), plan.format, decoded, givenImportance);
  }
  // The unpacked indices are no longer needed; free them early.
  std::vector<uint8_t>().swap(result.lut.indices);
  return result;
}

CompressedTensor palettize::compressTensor(ElementsAttr value,
                                           const PalettizePlan &plan,
                                           const ParallelFor &parallelFor,
                                           bool measureReconstruction) {
  RawElementsData data = getRawElementsData(value);
  if (!data.succeeded()) {
    CompressedTensor result;
    result.readError = data.error;
    return result;
  }
  CompressedTensor result =
      compressTensorData(data.bytes, value.getShapedType().getShape(), plan,
                         parallelFor, measureReconstruction);
  if (!result.succeeded())
    return result;
  // Neither the weight nor its packed indices are read again before they
  // are written out: storage that can be read back from a file (a mapped
  // weight file, a file-backed index blob) leaves memory now.
  releaseStorage(value);
  releaseStorage(result.packedIndices.getData());
  return result;
}

uint64_t palettize::getCompressedByteCount(const CompressedTensor &compressed,
                                           const PalettizePlan &plan) {
  const unsigned width = getByteWidth(plan.format);
  uint64_t bytes =
      compressed.packedIndices.getData().size() + compressed.sparseMask.size();
  if (plan.settings.lutStorage == LutStorageType::Float)
    bytes += compressed.lut.entries.size() * width;
  else
    bytes += compressed.quantizedLut.data.size() +
             compressed.quantizedLut.offsets.size() +
             compressed.quantizedLut.scales.size() * width;
  return bytes + compressed.channelScales.size() * width;
}

FailureOr<Value> palettize::palettizeConstant(RewriterBase &rewriter,
                                              Operation *op,
                                              const PalettizePlan &plan,
                                              CompressedTensor &result) {
  if (!result.succeeded())
    return failure();
  const PalettizeSettings &settings = plan.settings;
  std::optional<std::string> name = getConstantName(op);
  MLIRContext *context = op->getContext();
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  Type elementType = type.getElementType();
  const int64_t rank = type.getRank();
  const uint64_t indexBytes = result.packedIndices.getData().size();
  auto indicesType = RankedTensorType::get(
      {int64_t(indexBytes)},
      IntegerType::get(context, 8, IntegerType::Unsigned));
  ElementsAttr indices = DenseResourceElementsAttr::get(
      indicesType, name.value_or("weight") + "_indices",
      std::move(result.packedIndices));
  // [2^n], or [1, .., groups, .., 1, 2^n, vector size].
  const LutLayout &layout = result.lut.layout;
  const std::vector<int64_t> lutShape = layout.getLutShape();

  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Location loc = op->getLoc();
  // In a Core ML program the new ops are named as Core ML's tools name
  // them: `<name>_palettized`, and `<name>_palettized_pcs` for the
  // per-channel scale.
  const bool coreML = isInCoreMLProgram(op);
  const std::optional<std::string> givenName = name;
  if (coreML && name)
    *name += "_palettized";
  auto derivedName = [&](StringRef suffix) {
    return name ? rewriter.getStringAttr(*name + suffix.str()) : StringAttr();
  };
  const bool sparse = result.isSparse();
  IntegerAttr vectorAxis = plan.tiling.vectorSize > 1
                               ? rewriter.getI64IntegerAttr(plan.tiling.axis)
                               : IntegerAttr();
  // The final op carries the constant's name; ops feeding it get suffixes.
  // The sparse form's mask and non-zeros are decoded by a
  // constexpr_sparse_to_dense, which Core ML's tools name `<name>_sparsified`.
  StringAttr decodedName = settings.perChannelScale && !coreML
                               ? derivedName("_normalized")
                               : derivedName("");
  if (sparse && coreML && givenName) {
    // A weight pruned by Core ML's tools is `<name>_sparsified` already: its
    // ops are named after <name>, as a dense weight's are.
    StringRef base = *givenName;
    if (base.consume_back("_sparsified"))
      name = (base + "_palettized").str();
    decodedName = rewriter.getStringAttr(base + "_sparsified");
  }
  StringAttr lutOpName = !sparse  ? decodedName
                         : coreML ? derivedName("")
                                  : derivedName("_nonzero");
  ElementsAttr lutAttr;
  Value lutOperand;
  if (settings.lutStorage == LutStorageType::Float) {
    lutAttr =
        getFloatAttr(result.lut.entries, lutShape, elementType, plan.format);
  } else {
    // An 8-bit LUT: mil.const of the integers, dequantized by a
    // shift-scale with one scale (and zero point) per palette.
    const bool isSigned = settings.lutStorage == LutStorageType::Int8;
    Type storageType = IntegerType::get(
        context, 8, isSigned ? IntegerType::Signless : IntegerType::Unsigned);
    const QuantizedLuts &quantized = result.quantizedLut;
    auto storedType = RankedTensorType::get(lutShape, storageType);
    auto stored = DenseElementsAttr::getFromRawBuffer(
        storedType,
        ArrayRef<char>(reinterpret_cast<const char *>(quantized.data.data()),
                       quantized.data.size()));
    // One scale per palette: the LUT's group dimensions, then 1, 1.
    const std::vector<int64_t> scaleShape = layout.getPaletteScaleShape();
    DenseElementsAttr scaleAttr =
        getFloatAttr(quantized.scales, scaleShape, elementType, plan.format);
    DenseElementsAttr offsetAttr;
    if (!isSigned)
      offsetAttr = DenseElementsAttr::getFromRawBuffer(
          RankedTensorType::get(scaleShape, storageType),
          ArrayRef<char>(
              reinterpret_cast<const char *>(quantized.offsets.data()),
              quantized.offsets.size()));
    auto storedOp = ConstOp::create(rewriter, loc, storedType, stored,
                                    derivedName("_lut_quantized"));
    lutOperand = ConstexprBlockwiseShiftScaleOp::create(
        rewriter, loc, RankedTensorType::get(lutShape, elementType),
        storedOp.getResult(), scaleAttr, offsetAttr, derivedName("_lut"));
  }
  Value replacement;
  if (!sparse) {
    replacement =
        ConstexprLutToDenseOp::create(rewriter, loc, type, lutOperand, lutAttr,
                                      indices, vectorAxis, lutOpName);
  } else {
    // The mask over the index grid, packed as Core ML stores uint1.
    SmallVector<int64_t> gridShape(type.getShape());
    gridShape[plan.tiling.axis] /= plan.tiling.vectorSize;
    auto maskElement = IntegerType::get(context, 1, IntegerType::Unsigned);
    AsmResourceBlob maskBlob =
        allocateLargeBlob(result.sparseMask.size(), /*alignment=*/1);
    llvm::copy(result.sparseMask, maskBlob.getMutableData().begin());
    ElementsAttr indicesMask = DenseResourceElementsAttr::get(
        RankedTensorType::get(gridShape, maskElement),
        name.value_or("weight") + "_mask", std::move(maskBlob));
    const int64_t stored =
        countMaskBits(result.sparseMask, uint64_t(layout.getIndexCount()));
    auto lutToSparse = ConstexprLutToSparseOp::create(
        rewriter, loc, RankedTensorType::get(type.getShape(), maskElement),
        RankedTensorType::get({stored * plan.tiling.vectorSize}, elementType),
        indicesMask, lutOperand, lutAttr, indices, vectorAxis, lutOpName);
    replacement = ConstexprSparseToDenseOp::create(
        rewriter, loc, type, lutToSparse.getMask(),
        lutToSparse.getNonzeroData(), decodedName);
  }
  if (settings.perChannelScale) {
    SmallVector<int64_t> scaleShape(rank, 1);
    scaleShape[plan.tiling.axis] = type.getDimSize(plan.tiling.axis);
    DenseElementsAttr scaleAttr = getFloatAttr(result.channelScales, scaleShape,
                                               elementType, plan.format);
    replacement = ConstexprBlockwiseShiftScaleOp::create(
        rewriter, loc, type, replacement, scaleAttr,
        /*offset=*/ElementsAttr(), derivedName(coreML ? "_pcs" : ""));
  }
  rewriter.replaceOp(op, replacement);
  return replacement;
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

PalettizeControlFn
palettize::getPalettizeControl(const PalettizeSettings &settings) {
  return [settings](Operation *constant) -> std::optional<PalettizePlan> {
    PlanOutcome outcome = planPalettization(constant, settings);
    if (outcome.kind != PlanOutcome::Kind::Palettize)
      return std::nullopt;
    return outcome.plan;
  };
}

namespace {

/// Palettizes one constant that the control selects.
struct PalettizeConstantPattern : RewritePattern {
  PalettizeConstantPattern(MLIRContext *context, PalettizeControlFn control,
                           PrecomputedTensors *precomputed)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context),
        control(std::move(control)), precomputed(precomputed) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    ElementsAttr value = getPalettizableValue(op);
    if (!value)
      return failure();
    std::optional<PalettizePlan> plan = control(op);
    if (!plan)
      return rewriter.notifyMatchFailure(op, "not selected by the control");
    if (!precomputed) {
      CompressedTensor compressed = compressTensor(value, *plan);
      if (!compressed.succeeded())
        return rewriter.notifyMatchFailure(op, "no LUT could be built");
      return palettizeConstant(rewriter, op, *plan, compressed);
    }
    auto it = precomputed->find(op);
    if (it == precomputed->end())
      return rewriter.notifyMatchFailure(op, "no precomputed LUT");
    CompressedTensor compressed = std::move(it->second);
    precomputed->erase(it);
    if (!compressed.succeeded())
      return rewriter.notifyMatchFailure(op, "no LUT could be built");
    return palettizeConstant(rewriter, op, *plan, compressed);
  }

  PalettizeControlFn control;
  PrecomputedTensors *precomputed;
};

} // namespace

void palettize::populatePalettizeWeightsPatterns(
    RewritePatternSet &patterns, PalettizeControlFn control,
    PrecomputedTensors *precomputed) {
  patterns.add<PalettizeConstantPattern>(patterns.getContext(),
                                         std::move(control), precomputed);
}
