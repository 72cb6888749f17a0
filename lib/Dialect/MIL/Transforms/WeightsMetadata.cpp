//===- WeightsMetadata.cpp - Describe large float constants as JSON -------===//
//
// The figures users plan compression with (coremltools'
// get_weights_metadata), computed from the constants' storage without
// changing the IR.
//
//===----------------------------------------------------------------------===//

#include "PassOptionErrors.h"
#include "PassOutputFile.h"
#include "palettize/Dialect/MIL/IR/ConstantData.h"
#include "palettize/Dialect/MIL/IR/MILOps.h"
#include "palettize/Dialect/MIL/Transforms/Passes.h"
#include "palettize/Dialect/MIL/Transforms/Transforms.h"
#include "palettize/Lut/FloatFormats.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

namespace palettize {
#define GEN_PASS_DEF_MILWEIGHTSMETADATA
#include "palettize/Dialect/MIL/Transforms/Passes.h.inc"
} // namespace palettize

using namespace mlir;
using namespace palettize;
using namespace palettize::mil;

namespace {

/// Values at most this far from zero count as zeros for `sparsity`.
constexpr double kZeroTolerance = 1e-12;

/// Writes the figures of `values` as members of the current JSON object.
void writeFigures(llvm::json::OStream &json, ArrayRef<float> values) {
  size_t zeros = 0, nonFinite = 0;
  double minimum = INFINITY, maximum = -INFINITY, sum = 0;
  for (float value : values) {
    if (!std::isfinite(value)) {
      ++nonFinite;
      continue;
    }
    zeros += std::fabs(value) <= kZeroTolerance;
    minimum = std::min(minimum, double(value));
    maximum = std::max(maximum, double(value));
    sum += value;
  }
  // Distinct by value: +0 for -0, one of each NaN pattern.
  std::vector<uint32_t> keys;
  keys.reserve(values.size());
  for (float value : values)
    keys.push_back(floatToBits(value == 0.0f ? 0.0f : value));
  std::sort(keys.begin(), keys.end());
  const size_t distinct =
      size_t(std::unique(keys.begin(), keys.end()) - keys.begin());

  const size_t count = values.size();
  json.attribute("sparsity", count ? double(zeros) / double(count) : 0.0);
  json.attribute("distinct", int64_t(distinct));
  if (nonFinite || count == 0) {
    for (const char *key : {"min", "max", "mean", "std"})
      json.attribute(key, nullptr);
  } else {
    const double mean = sum / double(count);
    double squares = 0;
    for (float value : values)
      squares += (double(value) - mean) * (double(value) - mean);
    json.attribute("min", minimum);
    json.attribute("max", maximum);
    json.attribute("mean", mean);
    json.attribute("std", std::sqrt(squares / double(count)));
  }
  json.attribute("non_finite", int64_t(nonFinite));
}

struct MILWeightsMetadataPass
    : PassWithOptionErrors<
          palettize::impl::MILWeightsMetadataBase<MILWeightsMetadataPass>> {
  using PassWithOptionErrors::PassWithOptionErrors;

  void runOnOperation() override {
    markAllAnalysesPreserved();
    if (weightThreshold < 0) {
      getOperation()->emitError("mil-weights-metadata: ")
          << "weight-threshold=" << int64_t(weightThreshold)
          << " must be at least 0";
      return signalPassFailure();
    }
    std::string text;
    {
      llvm::raw_string_ostream os(text);
      llvm::json::OStream json(os, /*IndentSize=*/2);
      json.object([&] {
        json.attributeArray("weights", [&] {
          getOperation()->walk([&](Operation *op) { writeRecord(json, op); });
        });
      });
    }
    text += "\n";
    if (output.empty()) {
      llvm::errs() << text;
      return;
    }
    constexpr const char *what = "mil-weights-metadata: cannot write";
    auto file = openPassOutput(getOperation(), what, output);
    if (failed(file))
      return signalPassFailure();
    (*file)->os() << text;
    if (failed(keepPassOutput(getOperation(), what, **file)))
      return signalPassFailure();
  }

  /// Writes the record of `op`, if it is a large float constant.
  void writeRecord(llvm::json::OStream &json, Operation *op) {
    ElementsAttr value = getFloatConstantValue(op);
    if (!value)
      return;
    std::optional<int64_t> count =
        getCheckedElementCount(value.getShapedType());
    if (count && *count <= weightThreshold)
      return;
    json.object([&] {
      std::optional<std::string> name = getConstantName(op);
      if (name)
        json.attribute("name", *name);
      else
        json.attribute("name", nullptr);
      json.attributeArray("shape", [&] {
        for (int64_t size : value.getShapedType().getShape())
          json.value(size);
      });
      std::string type;
      llvm::raw_string_ostream(type) << value.getElementType();
      json.attribute("type", type);
      if (count)
        json.attribute("elements", *count);
      RawElementsData data = getRawElementsData(value);
      if (!data.succeeded()) {
        StringRef problem = describe(data.error);
        json.attribute("error", problem);
        op->emitWarning("mil-weights-metadata: constant")
            << (name ? " '" + *name + "'" : std::string())
            << " not described: its value " << problem;
      } else {
        writeFigures(json,
                     decodeFloats(data.bytes.data(), size_t(*count),
                                  *getFloatFormat(value.getElementType())));
      }
      // Sorted: use lists are in no particular order.
      std::vector<std::pair<std::string, int64_t>> consumers;
      for (OpOperand &use : op->getResult(0).getUses())
        consumers.emplace_back(use.getOwner()->getName().getStringRef().str(),
                               int64_t(use.getOperandNumber()));
      std::sort(consumers.begin(), consumers.end());
      json.attributeArray("consumers", [&] {
        for (const auto &[consumer, operand] : consumers)
          json.object([&] {
            json.attribute("op", consumer);
            json.attribute("operand", operand);
          });
      });
    });
  }
};

} // namespace
