//===- PalettizeReport.cpp - What palettize-weights did, per constant -----===//

#include "PalettizeReport.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace palettize;

llvm::StringRef palettize::getReasonKey(LeftAloneReason reason) {
  switch (reason) {
  case LeftAloneReason::None:
    return "";
  case LeftAloneReason::Small:
    return "small";
  case LeftAloneReason::Splat:
    return "splat";
  case LeftAloneReason::TooLarge:
    return "too_large";
  case LeftAloneReason::NonFinite:
    return "non_finite";
  case LeftAloneReason::TooManyDistinct:
    return "too_many_distinct";
  case LeftAloneReason::Unreadable:
    return "unreadable";
  case LeftAloneReason::NoChannelCut:
    return "no_channel_cut";
  case LeftAloneReason::ByConfig:
    return "config";
  case LeftAloneReason::CoreMLRule:
    return "coreml_rule";
  }
  llvm_unreachable("unknown reason");
}

double ReportTotals::getWeightedSnrDb() const {
  if (weightedRelativeError == 0)
    return std::numeric_limits<double>::infinity();
  return -10 * std::log10(weightedRelativeError);
}

ReportTotals palettize::summarize(llvm::ArrayRef<ConstantRecord> records) {
  ReportTotals totals;
  double weightedError = 0;
  for (const ConstantRecord &record : records) {
    ++totals.constants;
    if (!record.isPalettized())
      continue;
    ++totals.palettized;
    totals.elements += record.elements;
    totals.bytesBefore += record.bytesBefore;
    totals.bytesAfter += record.bytesAfter;
    weightedError += double(record.elements) * record.error.getRelativeError();
  }
  if (totals.elements) {
    totals.bitsPerWeight =
        8.0 * double(totals.bytesAfter) / double(totals.elements);
    totals.weightedRelativeError = weightedError / double(totals.elements);
  }
  return totals;
}

namespace {

/// Returns "inf" or the value with one decimal.
std::string formatDb(double db) {
  return std::isinf(db) ? std::string("inf")
                        : std::string(llvm::formatv("{0:F1}", db));
}

std::string formatShape(const ConstantRecord &record) {
  std::string text = "tensor<";
  for (int64_t size : record.shape)
    text += std::to_string(size) + "x";
  return text + record.elementType + ">";
}

llvm::StringRef getLutTypeName(const ConstantRecord &record) {
  switch (record.settings.lutStorage) {
  case LutStorageType::Float:
    return record.elementType;
  case LutStorageType::Int8:
    return "int8";
  case LutStorageType::UInt8:
    return "uint8";
  }
  llvm_unreachable("unknown LUT storage");
}

/// Writes `value`, or null when it is not finite (JSON has no infinity).
void writeNumber(llvm::json::OStream &json, llvm::StringRef key, double value) {
  if (std::isfinite(value))
    json.attribute(key, value);
  else
    json.attribute(key, nullptr);
}

} // namespace

std::string palettize::formatStatisticsLine(const ConstantRecord &record) {
  std::string form;
  if (record.groupSize > 0)
    form = llvm::formatv(" x {0} groups along axis {1}", record.lutCount,
                         *record.channelAxis);
  if (record.settings.clusterDim > 1)
    form += llvm::formatv(" x vectors of {0} along axis {1}",
                          record.settings.clusterDim, *record.channelAxis);
  if (record.settings.lutStorage != LutStorageType::Float)
    form += (", " + getLutTypeName(record) + " LUT").str();
  if (record.settings.perChannelScale)
    form += llvm::formatv(", scales along axis {0}", *record.channelAxis);
  if (record.storedPoints)
    form += llvm::formatv(
        ", sparse: {0} of {1} {2} stored", *record.storedPoints, record.points,
        record.settings.clusterDim > 1 ? "vectors" : "elements");
  if (!record.chosenBy.empty())
    form = " (auto, by " + record.chosenBy + ")" + form;
  return llvm::formatv("  {0}: {1}, {2} bits{3}, {4} -> {5} bytes, {6}MSE "
                       "{7:E2}, max error {8:E2}, SNR {9} dB",
                       record.name.value_or("(unnamed)"), formatShape(record),
                       record.nbits, form, record.bytesBefore,
                       record.bytesAfter,
                       record.importance ? "importance-weighted " : "",
                       record.error.meanSquaredError, record.error.maxAbsError,
                       formatDb(record.error.snrDb));
}

std::string palettize::formatTotalsLine(const ReportTotals &totals) {
  std::string line = llvm::formatv("  bytes: {0} -> {1}", totals.bytesBefore,
                                   totals.bytesAfter);
  const uint64_t before = totals.bytesBefore, after = totals.bytesAfter;
  if (after && before >= after)
    line += llvm::formatv(" ({0:F2}x smaller)", double(before) / double(after));
  else if (after)
    line += llvm::formatv(" ({0:F2}x larger: LUTs outweigh the savings)",
                          double(after) / double(before));
  if (totals.elements)
    line += llvm::formatv(", {0:F2} bits per weight, SNR {1} dB "
                          "(parameter-weighted)",
                          totals.bitsPerWeight,
                          formatDb(totals.getWeightedSnrDb()));
  return line;
}

void palettize::writeJsonReport(
    llvm::raw_ostream &os, llvm::StringRef settings,
    llvm::ArrayRef<ConstantRecord> records,
    const std::optional<AllocationSummary> &allocation) {
  llvm::json::OStream json(os, /*IndentSize=*/2);
  json.object([&] {
    json.attribute("settings", settings);
    json.attributeArray("constants", [&] {
      for (const ConstantRecord &record : records)
        json.object([&] {
          if (record.name)
            json.attribute("name", *record.name);
          else
            json.attribute("name", nullptr);
          json.attribute("location", record.location);
          json.attributeArray("shape", [&] {
            for (int64_t size : record.shape)
              json.value(size);
          });
          json.attribute("type", record.elementType);
          json.attribute("elements", int64_t(record.elements));
          json.attribute("palettized", record.isPalettized());
          if (!record.isPalettized()) {
            json.attribute("left_alone", getReasonKey(record.leftAlone));
            json.attribute("reason", record.reason);
            return;
          }
          const PalettizeSettings &settings = record.settings;
          json.attribute("mode", getModeName(settings.mode));
          json.attribute("nbits", int64_t(record.nbits));
          json.attribute("granularity", record.groupSize > 0
                                            ? "per_grouped_channel"
                                            : "per_tensor");
          json.attribute("luts", record.lutCount);
          if (record.groupSize > 0)
            json.attribute("group_size", record.groupSize);
          else
            json.attribute("group_size", nullptr);
          if (record.channelAxis)
            json.attribute("channel_axis", *record.channelAxis);
          else
            json.attribute("channel_axis", nullptr);
          json.attribute("cluster_dim", settings.clusterDim);
          json.attribute("per_channel_scale", settings.perChannelScale);
          json.attribute("lut_type", getLutTypeName(record));
          if (settings.sparse) {
            // Only in runs that ask for it: other reports keep their keys.
            json.attribute("sparse", record.storedPoints.has_value());
            if (record.storedPoints)
              json.attribute("stored_points", int64_t(*record.storedPoints));
            else
              json.attribute("stored_points", nullptr);
          }
          json.attribute("bytes_before", int64_t(record.bytesBefore));
          json.attribute("bytes_after", int64_t(record.bytesAfter));
          if (record.importance)
            json.attribute("importance", *record.importance);
          else
            json.attribute("importance", nullptr);
          json.attribute("mse", record.error.meanSquaredError);
          json.attribute("max_abs_error", record.error.maxAbsError);
          writeNumber(json, "snr_db", record.error.snrDb);
          if (record.chosenBy.empty())
            return;
          json.attribute("chosen_by", record.chosenBy);
          json.attributeArray("widths", [&] {
            for (const ConstantRecord::WidthFigures &width : record.widths)
              json.object([&] {
                json.attribute("nbits", int64_t(width.nbits));
                json.attribute("bytes", int64_t(width.bytes));
                writeNumber(json, "snr_db", width.snrDb);
              });
          });
        });
    });
    const ReportTotals totals = summarize(records);
    json.attributeObject("totals", [&] {
      json.attribute("constants", int64_t(totals.constants));
      json.attribute("palettized", int64_t(totals.palettized));
      json.attribute("elements", int64_t(totals.elements));
      json.attribute("bytes_before", int64_t(totals.bytesBefore));
      json.attribute("bytes_after", int64_t(totals.bytesAfter));
      if (totals.bytesAfter)
        json.attribute("ratio",
                       double(totals.bytesBefore) / double(totals.bytesAfter));
      else
        json.attribute("ratio", nullptr);
      json.attribute("bits_per_weight", totals.bitsPerWeight);
      json.attribute("weighted_relative_error", totals.weightedRelativeError);
      writeNumber(json, "weighted_snr_db", totals.getWeightedSnrDb());
    });
    if (!allocation)
      return;
    json.attributeObject("allocation", [&] {
      json.attribute("bits_per_weight_budget", allocation->bitsPerWeightBudget);
      json.attribute("constants", int64_t(allocation->constants));
      json.attribute("objective", allocation->objective);
      json.attribute("lower_bound", allocation->lowerBound);
      json.attribute("optimal", allocation->optimal);
    });
  });
  os << "\n";
}

//===----------------------------------------------------------------------===//
// HTML
//===----------------------------------------------------------------------===//

namespace {

/// Escapes text for HTML content and attribute values.
std::string escapeHtml(llvm::StringRef text) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
    case '&':
      escaped += "&amp;";
      break;
    case '<':
      escaped += "&lt;";
      break;
    case '>':
      escaped += "&gt;";
      break;
    case '"':
      escaped += "&quot;";
      break;
    case '\'':
      escaped += "&#39;";
      break;
    default:
      escaped += c;
    }
  }
  return escaped;
}

// Geometry of the chart: a row per palettized constant, its name, then a
// bar of its bits (of 8) and a bar of its SNR (of the largest finite SNR).
constexpr int kRowHeight = 22;
constexpr int kNameWidth = 260;
constexpr int kBitsWidth = 160;
constexpr int kSnrWidth = 320;
constexpr int kGap = 20;

/// Bars are coloured by bit width, from red (1 bit) to green (8 bits).
llvm::StringRef getBitsColour(unsigned nbits) {
  switch (nbits) {
  case 1:
    return "#c0392b";
  case 2:
    return "#e67e22";
  case 3:
    return "#f1c40f";
  case 4:
    return "#9acd32";
  case 6:
    return "#27ae60";
  default:
    return "#1e8449";
  }
}

void writeChart(llvm::raw_ostream &os,
                llvm::ArrayRef<const ConstantRecord *> palettized) {
  double largestSnr = 1;
  for (const ConstantRecord *record : palettized)
    if (std::isfinite(record->error.snrDb))
      largestSnr = std::max(largestSnr, record->error.snrDb);
  const int width = kNameWidth + kBitsWidth + kSnrWidth + 3 * kGap + 60;
  const int height = kRowHeight * int(palettized.size() + 1);
  const int bitsX = kNameWidth + kGap;
  const int snrX = bitsX + kBitsWidth + kGap + 30;
  os << llvm::formatv("<svg width=\"{0}\" height=\"{1}\" role=\"img\" "
                      "aria-label=\"bits and SNR per constant\">\n",
                      width, height);
  os << llvm::formatv(
      "<text x=\"{0}\" y=\"15\" class=\"head\">bits</text>"
      "<text x=\"{1}\" y=\"15\" class=\"head\">SNR (dB)</text>\n",
      bitsX, snrX);
  for (size_t row = 0; row < palettized.size(); ++row) {
    const ConstantRecord &record = *palettized[row];
    const int y = kRowHeight * int(row + 1);
    const std::string name = escapeHtml(record.name.value_or("(unnamed)"));
    os << llvm::formatv("<g><title>{0}: {1} bits, SNR {2} dB</title>", name,
                        record.nbits, formatDb(record.error.snrDb));
    os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" class=\"name\">{2}</text>",
                        kNameWidth - 4, y + 15, name);
    const int bitsLength = int(kBitsWidth * record.nbits / 8);
    os << llvm::formatv("<rect x=\"{0}\" y=\"{1}\" width=\"{2}\" "
                        "height=\"16\" fill=\"{3}\"/>",
                        bitsX, y + 3, bitsLength, getBitsColour(record.nbits));
    os << llvm::formatv("<text x=\"{0}\" y=\"{1}\">{2}{3}</text>",
                        bitsX + bitsLength + 4, y + 15, record.nbits,
                        record.chosenBy.empty() ? "" : " (auto)");
    const bool exact = std::isinf(record.error.snrDb);
    const double snr = exact ? largestSnr : std::max(0.0, record.error.snrDb);
    const int snrLength = int(kSnrWidth * snr / largestSnr);
    os << llvm::formatv("<rect x=\"{0}\" y=\"{1}\" width=\"{2}\" "
                        "height=\"16\" fill=\"#2e86c1\"/>",
                        snrX, y + 3, snrLength);
    os << llvm::formatv(
        "<text x=\"{0}\" y=\"{1}\">{2}</text></g>\n", snrX + snrLength + 4,
        y + 15, exact ? std::string("exact") : formatDb(record.error.snrDb));
  }
  os << "</svg>\n";
}

} // namespace

void palettize::writeHtmlReport(llvm::raw_ostream &os, llvm::StringRef settings,
                                llvm::ArrayRef<ConstantRecord> records) {
  const ReportTotals totals = summarize(records);
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
        "charset=\"utf-8\">\n<title>palettize-weights report</title>\n"
        "<style>\n"
        "body { font-family: sans-serif; margin: 2em; }\n"
        "table { border-collapse: collapse; margin: 1em 0; }\n"
        "td, th { border: 1px solid #ccc; padding: 2px 8px; "
        "text-align: right; }\n"
        "td:first-child, th:first-child { text-align: left; }\n"
        "svg text { font-size: 12px; }\n"
        "svg text.name { text-anchor: end; }\n"
        "svg text.head { font-weight: bold; }\n"
        "</style>\n</head>\n<body>\n<h1>palettize-weights report</h1>\n";
  os << "<p>Settings: <code>" << escapeHtml(settings) << "</code></p>\n";
  os << "<table>\n";
  os << llvm::formatv("<tr><td>constants palettized</td><td>{0} of "
                      "{1}</td></tr>\n",
                      totals.palettized, totals.constants);
  os << llvm::formatv("<tr><td>bytes</td><td>{0} &rarr; {1}</td></tr>\n",
                      totals.bytesBefore, totals.bytesAfter);
  if (totals.elements)
    os << llvm::formatv("<tr><td>bits per weight</td><td>{0:F2}</td></tr>\n"
                        "<tr><td>parameter-weighted SNR</td><td>{1} "
                        "dB</td></tr>\n",
                        totals.bitsPerWeight,
                        formatDb(totals.getWeightedSnrDb()));
  os << "</table>\n";

  std::vector<const ConstantRecord *> palettized;
  for (const ConstantRecord &record : records)
    if (record.isPalettized())
      palettized.push_back(&record);
  if (!palettized.empty()) {
    os << "<h2>Bits and SNR per constant</h2>\n";
    writeChart(os, palettized);
  }

  os << "<h2>Constants</h2>\n<table>\n<tr><th>name</th><th>shape</th>"
        "<th>bits</th><th>LUTs</th><th>bytes before</th><th>bytes "
        "after</th><th>MSE</th><th>max abs error</th><th>SNR (dB)</th>"
        "</tr>\n";
  for (const ConstantRecord &record : records) {
    os << "<tr><td>" << escapeHtml(record.name.value_or("(unnamed)"))
       << "</td><td>" << escapeHtml(formatShape(record)) << "</td>";
    if (!record.isPalettized()) {
      os << "<td colspan=\"7\" style=\"text-align: left\">left alone: "
         << escapeHtml(record.reason) << "</td></tr>\n";
      continue;
    }
    std::string sparse;
    if (record.storedPoints)
      sparse = llvm::formatv(" (sparse: {0} of {1} stored)",
                             *record.storedPoints, record.points);
    os << llvm::formatv("<td>{0}</td><td>{1}</td><td>{2}</td><td>{3}{8}</td>"
                        "<td>{4:E2}</td><td>{5:E2}</td><td>{6}{7}</td></tr>\n",
                        record.nbits, record.lutCount, record.bytesBefore,
                        record.bytesAfter, record.error.meanSquaredError,
                        record.error.maxAbsError, formatDb(record.error.snrDb),
                        record.importance ? " (weighted)" : "", sparse);
  }
  os << "</table>\n</body>\n</html>\n";
}
