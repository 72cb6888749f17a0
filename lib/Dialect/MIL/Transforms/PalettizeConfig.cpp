//===- PalettizeConfig.cpp - Settings and the per-op configuration file ---===//
//
// The file is read with LLVM's YAML parser, which also reads JSON (YAML's
// flow style), so both formats share one reader and every node has a line
// and column to report problems at.
//
//===----------------------------------------------------------------------===//

#include "palettize/Dialect/MIL/Transforms/PalettizeConfig.h"
#include "palettize/Dialect/MIL/Transforms/LutFunctions.h"

#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "palettize/Lut/BitPacking.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace palettize;

//===----------------------------------------------------------------------===//
// PalettizeSettings
//===----------------------------------------------------------------------===//

/// A name as the parsers compare it: lower case, '_' for '-'.
static std::string normalizeName(StringRef name) {
  std::string normalized = name.lower();
  std::replace(normalized.begin(), normalized.end(), '-', '_');
  return normalized;
}

std::optional<LutMode> palettize::parseModeName(StringRef name) {
  return parseLutMode(normalizeName(name));
}

std::optional<Granularity> palettize::parseGranularity(StringRef name) {
  return llvm::StringSwitch<std::optional<Granularity>>(normalizeName(name))
      .Case("per_tensor", Granularity::PerTensor)
      .Case("per_grouped_channel", Granularity::PerGroupedChannel)
      .Default(std::nullopt);
}

std::optional<LutStorageType> palettize::parseLutStorage(StringRef name) {
  return llvm::StringSwitch<std::optional<LutStorageType>>(normalizeName(name))
      .Cases({"float", "fp16", "fp32"}, LutStorageType::Float)
      .Case("int8", LutStorageType::Int8)
      .Case("uint8", LutStorageType::UInt8)
      .Default(std::nullopt);
}

std::optional<bool> palettize::parseSparseMode(StringRef name) {
  return llvm::StringSwitch<std::optional<bool>>(normalizeName(name))
      .Case("off", false)
      .Case("auto", true)
      .Default(std::nullopt);
}

std::optional<ProgressMode> palettize::parseProgressMode(StringRef name) {
  return llvm::StringSwitch<std::optional<ProgressMode>>(normalizeName(name))
      .Case("auto", ProgressMode::Auto)
      .Case("on", ProgressMode::On)
      .Case("off", ProgressMode::Off)
      .Default(std::nullopt);
}

StringRef palettize::getModeName(LutMode mode) {
  switch (mode) {
  case LutMode::KMeans:
    return "kmeans";
  case LutMode::Uniform:
    return "uniform";
  case LutMode::Unique:
    return "unique";
  case LutMode::Custom:
    return "custom";
  }
  return "";
}

LutConfig PalettizeSettings::getLutConfig() const {
  LutConfig config;
  config.mode = mode;
  config.nbits = unsigned(nbits);
  return config;
}

std::string PalettizeSettings::describe() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "mode=" << getModeName(mode);
  if (mode == LutMode::Custom)
    os << " lut-function=" << lutFunction;
  if (autoBits)
    os << " nbits=auto";
  else if (nbits != 0)
    os << " nbits=" << nbits;
  if (minSnrDb > 0)
    os << " min-snr=" << llvm::format("%g", minSnrDb);
  if (bitsPerWeight > 0)
    os << " bits-per-weight=" << llvm::format("%g", bitsPerWeight);
  if (perGroupedChannel)
    os << " granularity=per-grouped-channel group-size=" << groupSize;
  if (clusterDim > 1)
    os << " cluster-dim=" << clusterDim;
  if (perChannelScale)
    os << " per-channel-scale=true";
  if (lutStorage != LutStorageType::Float)
    os << " lut-dtype="
       << (lutStorage == LutStorageType::Int8 ? "int8" : "uint8");
  if (sparse)
    os << " sparse=auto sparse-threshold="
       << llvm::format("%g", sparseThreshold);
  os << " weight-threshold=" << weightThreshold;
  return text;
}

PalettizeSettings PalettizeSettings::withBitWidth(unsigned width) const {
  PalettizeSettings chosen = *this;
  chosen.nbits = width;
  chosen.autoBits = false;
  chosen.minSnrDb = 0;
  chosen.bitsPerWeight = 0;
  return chosen;
}

bool PalettizeSettings::operator==(const PalettizeSettings &other) const {
  return std::tie(mode, nbits, autoBits, minSnrDb, bitsPerWeight,
                  weightThreshold, perGroupedChannel, groupSize, channelAxis,
                  clusterDim, perChannelScale, lutStorage, lutFunction, sparse,
                  sparseThreshold) ==
         std::tie(other.mode, other.nbits, other.autoBits, other.minSnrDb,
                  other.bitsPerWeight, other.weightThreshold,
                  other.perGroupedChannel, other.groupSize, other.channelAxis,
                  other.clusterDim, other.perChannelScale, other.lutStorage,
                  other.lutFunction, other.sparse, other.sparseThreshold);
}

std::optional<std::string> palettize::validate(const PalettizeSettings &s) {
  if (s.autoBits) {
    if (s.mode != LutMode::KMeans && s.mode != LutMode::Uniform)
      return llvm::formatv("nbits=auto chooses a width for kmeans and "
                           "uniform; mode={0} {1}",
                           getModeName(s.mode),
                           s.mode == LutMode::Unique
                               ? "picks its own"
                               : "takes its width from its LUT function")
          .str();
    if (s.minSnrDb > 0 && s.bitsPerWeight > 0)
      return std::string("nbits=auto takes one of min-snr and "
                         "bits-per-weight, not both");
  } else if (s.minSnrDb > 0) {
    return std::string("min-snr is only used with nbits=auto");
  }
  if (s.minSnrDb < 0 || !std::isfinite(s.minSnrDb))
    return std::string("min-snr must be a number of dB above 0");
  if (s.bitsPerWeight < 0 || !std::isfinite(s.bitsPerWeight))
    return std::string("bits-per-weight must be a number above 0");
  if (s.mode == LutMode::Custom) {
    if (s.lutFunction.empty())
      return std::string("mode=custom requires lut-function, the name of a "
                         "registered LUT function");
    if (!lookupLutFunction(s.lutFunction)) {
      std::vector<std::string> names = getLutFunctionNames();
      return "unknown lut-function '" + s.lutFunction + "'; registered: " +
             (names.empty() ? std::string("none (a tool registers them with "
                                          "palettize::registerLutFunction)")
                            : llvm::join(names, ", "));
    }
    if (s.nbits != 0)
      return std::string("nbits is not allowed with mode=custom, whose LUT "
                         "function picks the palette size");
    if (s.perGroupedChannel || s.clusterDim > 1)
      return std::string("mode=custom builds one scalar LUT per tensor: "
                         "per-grouped-channel and cluster-dim are not "
                         "supported");
  } else if (!s.lutFunction.empty()) {
    return "lut-function=" + s.lutFunction + " is only used with mode=custom";
  } else if (s.mode == LutMode::Unique) {
    if (s.nbits != 0)
      return std::string("nbits is not allowed with mode=unique, which picks "
                         "the smallest of 1, 2, 3, 4, 6, 8 bits that holds the "
                         "distinct values");
  } else if (s.nbits == 0 && !s.autoBits) {
    return llvm::formatv("mode={0} requires nbits, one of 1, 2, 3, 4, 6, 8 "
                         "or auto",
                         getModeName(s.mode))
        .str();
  } else if (!s.autoBits && (s.nbits < 0 || s.nbits > 8 ||
                             !isSupportedIndexBitWidth(unsigned(s.nbits)))) {
    return llvm::formatv("nbits={0} is not supported; expected one of 1, 2, "
                         "3, 4, 6, 8",
                         s.nbits)
        .str();
  }
  if (s.weightThreshold < 0)
    return llvm::formatv("weight-threshold={0} must be at least 0",
                         s.weightThreshold)
        .str();
  if (s.groupSize < 0)
    return std::string("group-size must be at least 0");
  if (s.channelAxis < -1)
    return std::string("channel-axis must be -1 (inferred) or an axis");
  if (s.clusterDim < 1)
    return llvm::formatv("cluster-dim={0} must be at least 1", s.clusterDim)
        .str();
  if (s.clusterDim > 1 && s.mode == LutMode::Uniform)
    return llvm::formatv("cluster-dim={0} is not supported with "
                         "mode=uniform, which has no vector form; use kmeans "
                         "or unique",
                         s.clusterDim)
        .str();
  if (!(s.sparseThreshold >= 0 && s.sparseThreshold <= 1))
    return std::string("sparse-threshold must be a fraction of zeros in "
                       "[0, 1]");
  if (!s.sparse && s.sparseThreshold != PalettizeSettings().sparseThreshold)
    return std::string("sparse-threshold is only used with sparse=auto");
  if (s.clusterDim > 1 && s.perGroupedChannel && s.groupSize % s.clusterDim)
    return llvm::formatv("group-size={0} must be a multiple of "
                         "cluster-dim={1}: each group holds whole vectors",
                         s.groupSize, s.clusterDim)
        .str();
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// The table of settings
//===----------------------------------------------------------------------===//

SettingValue SettingValue::ofBool(bool value) {
  SettingValue result;
  result.kind = Kind::Bool;
  result.boolean = value;
  return result;
}

SettingValue SettingValue::ofInteger(int64_t value) {
  SettingValue result;
  result.kind = Kind::Integer;
  result.integer = value;
  return result;
}

SettingValue SettingValue::ofNumber(double value) {
  SettingValue result;
  result.kind = Kind::Number;
  result.number = value;
  return result;
}

SettingValue SettingValue::ofString(StringRef value) {
  SettingValue result;
  result.kind = Kind::String;
  result.string = value.str();
  return result;
}

std::string SettingValue::describe() const {
  switch (kind) {
  case Kind::Null:
    return "null";
  case Kind::Bool:
    return boolean ? "true" : "false";
  case Kind::Integer:
    return std::to_string(integer);
  case Kind::Number: {
    std::string text;
    llvm::raw_string_ostream(text) << llvm::format("%g", number);
    return text;
  }
  case Kind::String:
    return "\"" + string + "\"";
  }
  return "";
}

namespace {

/// One setting: where it comes from, what it accepts, where it goes.
struct SettingSpec {
  enum class Kind { Choice, Integer, Number, Bool, String };
  /// The pass option's name; empty for a file-only key.
  StringRef option;
  /// The configuration-file key.
  StringRef key;
  Kind kind;
  /// What a file must give, for messages ("an integer >= 1").
  StringRef expected;
  /// Choice: the names an unknown option value is told about.
  StringRef optionChoices = "";
  /// Integer: the least value a file may give, what null stands for (if it
  /// is allowed), and a finer rule with its own description.
  int64_t minimum = 0;
  std::optional<int64_t> nullMeans = std::nullopt;
  bool (*isValid)(int64_t) = nullptr;
  StringRef validExpected = "";
  /// Integer: a name that may stand for the value instead ("auto"), and
  /// what it sets.
  StringRef namedValue = "";
  void (*setNamed)(PalettizeSettings &) = nullptr;
  /// Only in global_config: a setting of the whole model.
  bool globalOnly = false;
  /// The setter of the kind; setChoice returns false for an unknown name.
  bool (*setChoice)(PalettizeSettings &, StringRef) = nullptr;
  void (*setInteger)(PalettizeSettings &, int64_t) = nullptr;
  void (*setNumber)(PalettizeSettings &, double) = nullptr;
  void (*setBool)(PalettizeSettings &, bool) = nullptr;
  void (*setString)(PalettizeSettings &, StringRef) = nullptr;
};

using SettingKind = SettingSpec::Kind;

SettingSpec choice(StringRef option, StringRef key, StringRef expected,
                   StringRef optionChoices,
                   bool (*set)(PalettizeSettings &, StringRef)) {
  SettingSpec spec{option, key, SettingKind::Choice, expected};
  spec.optionChoices = optionChoices;
  spec.setChoice = set;
  return spec;
}

SettingSpec integer(StringRef option, StringRef key, StringRef expected,
                    int64_t minimum, void (*set)(PalettizeSettings &, int64_t),
                    std::optional<int64_t> nullMeans = std::nullopt) {
  SettingSpec spec{option, key, SettingKind::Integer, expected};
  spec.minimum = minimum;
  spec.nullMeans = nullMeans;
  spec.setInteger = set;
  return spec;
}

SettingSpec number(StringRef option, StringRef key, StringRef expected,
                   void (*set)(PalettizeSettings &, double)) {
  SettingSpec spec{option, key, SettingKind::Number, expected};
  spec.setNumber = set;
  return spec;
}

SettingSpec flag(StringRef option, StringRef key,
                 void (*set)(PalettizeSettings &, bool)) {
  SettingSpec spec{option, key, SettingKind::Bool, "true or false"};
  spec.setBool = set;
  return spec;
}

SettingSpec text(StringRef option, StringRef key, StringRef expected,
                 void (*set)(PalettizeSettings &, StringRef)) {
  SettingSpec spec{option, key, SettingKind::String, expected};
  spec.setString = set;
  return spec;
}

/// Every setting, in the order messages list them.
const SettingSpec kSettings[] = {
    choice("mode", "mode",
           "one of \"kmeans\", \"uniform\", \"unique\", \"custom\"",
           "kmeans, uniform, unique, custom",
           [](PalettizeSettings &s, StringRef name) {
             std::optional<LutMode> mode = parseModeName(name);
             if (mode)
               s.mode = *mode;
             return mode.has_value();
           }),
    [] {
      SettingSpec nbits = integer(
          "nbits", "nbits", "one of 1, 2, 3, 4, 6, 8, \"auto\" (or null)", 1,
          [](PalettizeSettings &s, int64_t value) {
            s.nbits = value;
            s.autoBits = false;
          },
          /*nullMeans=*/0);
      nbits.isValid = [](int64_t value) {
        return value <= 8 && isSupportedIndexBitWidth(unsigned(value));
      };
      nbits.validExpected = "one of 1, 2, 3, 4, 6, 8";
      nbits.namedValue = "auto";
      nbits.setNamed = [](PalettizeSettings &s) {
        s.nbits = 0;
        s.autoBits = true;
      };
      return nbits;
    }(),
    choice("granularity", "granularity",
           "one of \"per_tensor\", \"per_grouped_channel\"",
           "per-tensor, per-grouped-channel",
           [](PalettizeSettings &s, StringRef name) {
             std::optional<Granularity> granularity = parseGranularity(name);
             if (granularity)
               s.perGroupedChannel =
                   *granularity == Granularity::PerGroupedChannel;
             return granularity.has_value();
           }),
    integer("group-size", "group_size", "an integer >= 0 (0: all channels)", 0,
            [](PalettizeSettings &s, int64_t size) { s.groupSize = size; }),
    integer(
        "channel-axis", "channel_axis", "an axis >= 0, or null to infer it", 0,
        [](PalettizeSettings &s, int64_t axis) { s.channelAxis = axis; },
        /*nullMeans=*/-1),
    integer("cluster-dim", "cluster_dim", "an integer >= 1", 1,
            [](PalettizeSettings &s, int64_t dim) { s.clusterDim = dim; }),
    flag("per-channel-scale", "enable_per_channel_scale",
         [](PalettizeSettings &s, bool scaled) { s.perChannelScale = scaled; }),
    choice("lut-dtype", "lut_dtype",
           "one of \"fp16\", \"fp32\", \"float\" (the weight's own type), "
           "\"int8\", \"uint8\"",
           "float, int8, uint8",
           [](PalettizeSettings &s, StringRef name) {
             std::optional<LutStorageType> storage = parseLutStorage(name);
             if (storage)
               s.lutStorage = *storage;
             return storage.has_value();
           }),
    integer(
        "weight-threshold", "weight_threshold",
        "an integer >= 0 (or null: no threshold)", 0,
        [](PalettizeSettings &s, int64_t value) { s.weightThreshold = value; },
        /*nullMeans=*/0),
    // Accepted for compatibility: LUTs are computed on MLIR's thread pool.
    integer("", "num_kmeans_workers", "an integer >= 1", 1,
            [](PalettizeSettings &, int64_t) {}),
    // The name of a registered C++ LUT function (a Python callable in
    // coremltools).
    text("lut-function", "lut_function",
         "the name of a registered LUT function",
         [](PalettizeSettings &s, StringRef name) {
           s.lutFunction = name.str();
         }),
    // nbits: auto's criteria, which coremltools does not have.
    number("min-snr", "min_snr", "a number of dB above 0",
           [](PalettizeSettings &s, double db) { s.minSnrDb = db; }),
    // Pruned weights: mask + palettized non-zeros (coremltools'
    // joint_compression of pruning and palettization).
    choice("sparse", "sparse", "one of \"off\", \"auto\"", "off, auto",
           [](PalettizeSettings &s, StringRef name) {
             std::optional<bool> sparse = parseSparseMode(name);
             if (sparse)
               s.sparse = *sparse;
             return sparse.has_value();
           }),
    number("sparse-threshold", "sparse_threshold",
           "a fraction of zeros in [0, 1]",
           [](PalettizeSettings &s, double fraction) {
             s.sparseThreshold = fraction;
           }),
    [] {
      SettingSpec budget = number(
          "bits-per-weight", "bits_per_weight", "a number above 0",
          [](PalettizeSettings &s, double bits) { s.bitsPerWeight = bits; });
      budget.globalOnly = true;
      return budget;
    }(),
};

const SettingSpec *findSetting(StringRef name, bool byOption) {
  for (const SettingSpec &spec : kSettings)
    if ((byOption ? spec.option : spec.key) == name && !name.empty())
      return &spec;
  return nullptr;
}

/// Applies a file's `value` for `spec`; returns why it is not accepted, as
/// "must be ..., got ...".
std::optional<std::string> applyFileValue(const SettingSpec &spec,
                                          const SettingValue &value,
                                          PalettizeSettings &settings) {
  auto mustBe = [](StringRef expected, StringRef got) {
    return ("must be " + expected + ", got " + got).str();
  };
  using ValueKind = SettingValue::Kind;
  switch (spec.kind) {
  case SettingKind::Choice:
    if (value.kind != ValueKind::String ||
        !spec.setChoice(settings, value.string))
      return mustBe(spec.expected, value.describe());
    return std::nullopt;
  case SettingKind::Integer:
    if (value.kind == ValueKind::Null && spec.nullMeans) {
      spec.setInteger(settings, *spec.nullMeans);
      return std::nullopt;
    }
    if (value.kind == ValueKind::String && !spec.namedValue.empty() &&
        value.string == spec.namedValue) {
      spec.setNamed(settings);
      return std::nullopt;
    }
    if (value.kind != ValueKind::Integer || value.integer < spec.minimum)
      return mustBe(spec.expected, value.kind == ValueKind::Integer
                                       ? std::to_string(value.integer)
                                       : value.describe());
    if (spec.isValid && !spec.isValid(value.integer))
      return mustBe(spec.validExpected, std::to_string(value.integer));
    spec.setInteger(settings, value.integer);
    return std::nullopt;
  case SettingKind::Number: {
    const double number =
        value.kind == ValueKind::Integer ? double(value.integer) : value.number;
    if ((value.kind != ValueKind::Integer && value.kind != ValueKind::Number) ||
        !(number > 0) || !std::isfinite(number))
      return mustBe(spec.expected, value.describe());
    spec.setNumber(settings, number);
    return std::nullopt;
  }
  case SettingKind::Bool:
    if (value.kind != ValueKind::Bool)
      return mustBe(spec.expected, value.describe());
    spec.setBool(settings, value.boolean);
    return std::nullopt;
  case SettingKind::String:
    if (value.kind != ValueKind::String)
      return mustBe(spec.expected, value.describe());
    spec.setString(settings, value.string);
    return std::nullopt;
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string>
palettize::applySettingOption(PalettizeSettings &settings, StringRef option,
                              const SettingValue &value) {
  const SettingSpec *spec = findSetting(option, /*byOption=*/true);
  if (!spec)
    return "unknown option '" + option.str() + "'";
  using ValueKind = SettingValue::Kind;
  auto wrongKind = [&]() {
    return "option '" + option.str() + "' takes " + spec->expected.str() +
           ", got " + value.describe();
  };
  switch (spec->kind) {
  case SettingKind::Choice:
    if (value.kind != ValueKind::String)
      return wrongKind();
    if (!spec->setChoice(settings, value.string))
      return "unknown " + option.str() + " '" + value.string +
             "'; expected one of: " + spec->optionChoices.str();
    return std::nullopt;
  case SettingKind::Integer:
    if (value.kind == ValueKind::String && !spec->namedValue.empty() &&
        value.string == spec->namedValue) {
      spec->setNamed(settings);
      return std::nullopt;
    }
    if (value.kind != ValueKind::Integer)
      return wrongKind();
    spec->setInteger(settings, value.integer);
    return std::nullopt;
  case SettingKind::Number:
    if (value.kind != ValueKind::Number)
      return wrongKind();
    spec->setNumber(settings, value.number);
    return std::nullopt;
  case SettingKind::Bool:
    if (value.kind != ValueKind::Bool)
      return wrongKind();
    spec->setBool(settings, value.boolean);
    return std::nullopt;
  case SettingKind::String:
    if (value.kind != ValueKind::String)
      return wrongKind();
    spec->setString(settings, value.string);
    return std::nullopt;
  }
  return std::nullopt;
}

std::string palettize::formatConfigEntry(const PalettizeSettings &s) {
  assert(!s.autoBits && "a written entry has its width");
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "{mode: " << getModeName(s.mode);
  if (s.mode == LutMode::Custom)
    os << ", lut_function: \"" << llvm::yaml::escape(s.lutFunction) << "\"";
  else if (s.mode != LutMode::Unique)
    os << ", nbits: " << s.nbits;
  os << ", granularity: "
     << (s.perGroupedChannel ? "per_grouped_channel" : "per_tensor")
     << ", group_size: " << s.groupSize << ", channel_axis: ";
  if (s.channelAxis < 0)
    os << "null";
  else
    os << s.channelAxis;
  os << ", cluster_dim: " << s.clusterDim
     << ", enable_per_channel_scale: " << (s.perChannelScale ? "true" : "false")
     << ", lut_dtype: "
     << (s.lutStorage == LutStorageType::Int8    ? "int8"
         : s.lutStorage == LutStorageType::UInt8 ? "uint8"
                                                 : "float")
     << ", weight_threshold: " << s.weightThreshold;
  if (s.sparse)
    os << ", sparse: auto, sparse_threshold: "
       << llvm::format("%g", s.sparseThreshold);
  os << "}";
  return text;
}

std::string palettize::getSettingKeys() {
  std::string keys;
  for (const SettingSpec &spec : kSettings)
    keys += (keys.empty() ? "" : ", ") + spec.key.str();
  return keys;
}

//===----------------------------------------------------------------------===//
// The configuration file
//===----------------------------------------------------------------------===//

namespace {

/// Deepest nesting a file may have. A configuration needs 3 levels; LLVM's
/// YAML parser recurses once per level, so a file nested thousands deep
/// would overflow the stack before any message.
constexpr unsigned kMaxNesting = 32;
/// Widest indentation a line may have (block-style nesting needs at least
/// one column per level).
constexpr size_t kMaxIndentation = 256;

/// The first place `text` nests deeper than the limits allow, as a byte
/// offset and what is wrong; std::nullopt when it does not. Flow brackets
/// are counted outside quoted scalars and comments.
std::optional<std::pair<size_t, std::string>>
findExcessiveNesting(StringRef text) {
  unsigned depth = 0;
  char quote = 0;
  bool comment = false, lineStart = true;
  size_t indentation = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      comment = false;
      lineStart = true;
      indentation = 0;
      continue;
    }
    if (lineStart) {
      if (c == ' ') {
        if (++indentation > kMaxIndentation)
          return std::make_pair(
              i, llvm::formatv("a line is indented more than {0} columns",
                               kMaxIndentation)
                     .str());
        continue;
      }
      lineStart = false;
    }
    if (comment)
      continue;
    if (quote) {
      if (quote == '"' && c == '\\')
        ++i; // an escaped character
      else if (c == quote)
        quote = 0;
      continue;
    }
    if (c == '"' || c == '\'')
      quote = c;
    else if (c == '#')
      comment = true;
    else if ((c == '[' || c == '{') && ++depth > kMaxNesting)
      return std::make_pair(
          i, llvm::formatv("lists and maps nest more than {0} levels deep",
                           kMaxNesting)
                 .str());
    else if ((c == ']' || c == '}') && depth > 0)
      --depth;
  }
  return std::nullopt;
}

class ConfigReader {
public:
  ConfigReader(MLIRContext *context, StringRef path)
      : context(context), path(path) {}

  FailureOr<PalettizeConfig> read();

private:
  /// The node's location; the file's for a node the parser could not give
  /// (a document cut short has no root).
  Location getLoc(llvm::yaml::Node *node) {
    return node ? getLoc(node->getSourceRange().Start) : getLoc(SMLoc());
  }
  Location getLoc(SMLoc loc) {
    if (!loc.isValid())
      return FileLineColLoc::get(context, path, 0, 0);
    auto [line, column] = sourceMgr.getLineAndColumn(loc);
    return FileLineColLoc::get(context, path, line, column);
  }
  InFlightDiagnostic error(llvm::yaml::Node *node) {
    InFlightDiagnostic diagnostic = emitError(getLoc(node));
    diagnostic << "palettize-weights config: ";
    return diagnostic;
  }

  LogicalResult rejectAlias(llvm::yaml::Node *node);
  FailureOr<SettingValue> readScalar(llvm::yaml::Node *node, StringRef key);
  FailureOr<std::string> readKey(llvm::yaml::KeyValueNode &entry);
  llvm::yaml::Node *readValue(llvm::yaml::KeyValueNode &entry, StringRef key);
  FailureOr<PalettizeEntry> readEntry(llvm::yaml::Node *node, StringRef where);
  LogicalResult readEntryMap(llvm::yaml::Node *node, StringRef key,
                             llvm::StringMap<PalettizeEntry> &entries);
  LogicalResult checkBudget(PalettizeConfig &config);

  MLIRContext *context;
  std::string path;
  llvm::SourceMgr sourceMgr;
  /// The file's text, once read.
  StringRef text;
  /// Where each entry ("global_config", "op_type_configs.linalg.matmul")
  /// is, for messages about the entries together.
  llvm::StringMap<llvm::yaml::Node *> entryNodes;
  bool syntaxError = false;
};

} // namespace

/// LLVM's YAML parser streams nodes and does not resolve aliases, so the
/// settings an alias names cannot be read: say so, instead of a message
/// about the value's shape.
LogicalResult ConfigReader::rejectAlias(llvm::yaml::Node *node) {
  auto *alias = dyn_cast_or_null<llvm::yaml::AliasNode>(node);
  if (!alias)
    return success();
  // The parser gives alias nodes no position of their own: point at the
  // alias's first use in the text.
  SMLoc where = node->getSourceRange().Start;
  size_t use = text.find(("*" + alias->getName()).str());
  if (use != StringRef::npos)
    where = SMLoc::getFromPointer(text.data() + use);
  emitError(getLoc(where))
      << "palettize-weights config: YAML aliases ('*" << alias->getName()
      << "') are not supported; write the settings out in full";
  return failure();
}

FailureOr<SettingValue> ConfigReader::readScalar(llvm::yaml::Node *node,
                                                 StringRef key) {
  if (failed(rejectAlias(node)))
    return failure();
  SettingValue scalar;
  if (isa<llvm::yaml::NullNode>(node))
    return scalar;
  auto *scalarNode = dyn_cast<llvm::yaml::ScalarNode>(node);
  if (!scalarNode) {
    error(node) << "'" << key << "' must be a single value, not a list or map";
    return failure();
  }
  SmallString<32> storage;
  StringRef value = scalarNode->getValue(storage);
  StringRef raw = scalarNode->getRawValue();
  if (raw.starts_with("\"") || raw.starts_with("'")) {
    scalar.kind = SettingValue::Kind::String;
    scalar.string = value.str();
    return scalar;
  }
  if (value == "null" || value == "Null" || value == "NULL" || value == "~")
    return scalar;
  if (value == "true" || value == "True" || value == "TRUE" ||
      value == "false" || value == "False" || value == "FALSE") {
    scalar.kind = SettingValue::Kind::Bool;
    scalar.boolean = value.front() == 't' || value.front() == 'T';
    return scalar;
  }
  if (!value.getAsInteger(10, scalar.integer)) {
    scalar.kind = SettingValue::Kind::Integer;
    return scalar;
  }
  // YAML 1.2 core schema floats (and JSON numbers): 4.5, 1e1, .5; not
  // .inf or .nan, which no setting accepts.
  static const llvm::Regex floatSyntax(
      "^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  if (floatSyntax.match(value) && !value.getAsDouble(scalar.number)) {
    scalar.kind = SettingValue::Kind::Number;
    return scalar;
  }
  scalar.kind = SettingValue::Kind::String;
  scalar.string = value.str();
  return scalar;
}

/// The entry's value, or null after an error: the parser gives no node for
/// a value it could not read (a file cut short).
llvm::yaml::Node *ConfigReader::readValue(llvm::yaml::KeyValueNode &entry,
                                          StringRef key) {
  llvm::yaml::Node *value = entry.getValue();
  if (!value || syntaxError) {
    if (!syntaxError)
      error(&entry) << "'" << key << "' has no value";
    return nullptr;
  }
  return value;
}

FailureOr<std::string> ConfigReader::readKey(llvm::yaml::KeyValueNode &entry) {
  if (failed(rejectAlias(entry.getKey())))
    return failure();
  auto *key = dyn_cast_or_null<llvm::yaml::ScalarNode>(entry.getKey());
  if (!key) {
    error(entry.getKey() ? entry.getKey() : &entry) << "keys must be strings";
    return failure();
  }
  SmallString<32> storage;
  return key->getValue(storage).str();
}

FailureOr<PalettizeEntry> ConfigReader::readEntry(llvm::yaml::Node *node,
                                                  StringRef where) {
  if (failed(rejectAlias(node)))
    return failure();
  if (isa<llvm::yaml::NullNode>(node))
    return PalettizeEntry();
  if (auto *scalar = dyn_cast<llvm::yaml::ScalarNode>(node)) {
    FailureOr<SettingValue> value = readScalar(scalar, where);
    if (failed(value))
      return failure();
    if (value->kind == SettingValue::Kind::Null)
      return PalettizeEntry();
    error(node) << "'" << where << "' must be a map of settings or null, got "
                << value->describe();
    return failure();
  }
  auto *map = dyn_cast<llvm::yaml::MappingNode>(node);
  if (!map) {
    error(node) << "'" << where << "' must be a map of settings or null";
    return failure();
  }

  PalettizeSettings settings;
  llvm::StringSet<> seen;
  entryNodes[where] = node;
  for (llvm::yaml::KeyValueNode &entry : *map) {
    FailureOr<std::string> key = readKey(entry);
    if (failed(key))
      return failure();
    llvm::yaml::Node *valueNode = readValue(entry, *key);
    if (!valueNode)
      return failure();
    if (!seen.insert(*key).second) {
      error(entry.getKey())
          << "duplicate key '" << *key << "' in '" << where << "'";
      return failure();
    }
    FailureOr<SettingValue> value = readScalar(valueNode, *key);
    if (failed(value))
      return failure();
    const SettingSpec *spec = findSetting(*key, /*byOption=*/false);
    if (!spec) {
      error(entry.getKey()) << "unknown key '" << *key << "' in '" << where
                            << "'; expected one of: " << getSettingKeys();
      return failure();
    }
    if (spec->globalOnly && where != "global_config") {
      error(entry.getKey())
          << "'" << *key << "' is a budget for the whole model: give it in "
          << "global_config, not in '" << where << "'";
      return failure();
    }
    if (std::optional<std::string> problem =
            applyFileValue(*spec, *value, settings)) {
      error(valueNode) << "'" << *key << "' in '" << where << "' " << *problem;
      return failure();
    }
  }
  if (std::optional<std::string> problem = validate(settings)) {
    error(node) << "'" << where << "': " << *problem;
    return failure();
  }
  return PalettizeEntry(settings);
}

LogicalResult
ConfigReader::readEntryMap(llvm::yaml::Node *node, StringRef key,
                           llvm::StringMap<PalettizeEntry> &entries) {
  if (failed(rejectAlias(node)))
    return failure();
  if (isa<llvm::yaml::NullNode>(node))
    return success();
  auto *map = dyn_cast<llvm::yaml::MappingNode>(node);
  if (!map) {
    if (auto *scalar = dyn_cast<llvm::yaml::ScalarNode>(node)) {
      FailureOr<SettingValue> value = readScalar(scalar, key);
      if (succeeded(value) && value->kind == SettingValue::Kind::Null)
        return success();
    }
    error(node) << "'" << key << "' must be a map from "
                << (key == "op_type_configs" ? "op types" : "names")
                << " to settings";
    return failure();
  }
  for (llvm::yaml::KeyValueNode &entry : *map) {
    FailureOr<std::string> name = readKey(entry);
    if (failed(name))
      return failure();
    // Keys with a dot name MLIR ops ('linalg.matmul'); keys without name the
    // MIL op types of Core ML programs' generic ops ('conv', 'linear').
    if (key == "op_type_configs" && name->empty()) {
      error(entry.getKey()) << "an empty op type; op_type_configs keys name "
                               "consumer ops, e.g. 'linalg.matmul', or Core "
                               "ML op types, e.g. 'conv'";
      return failure();
    }
    if (entries.count(*name)) {
      error(entry.getKey())
          << "duplicate key '" << *name << "' in '" << key << "'";
      return failure();
    }
    llvm::yaml::Node *value = readValue(entry, *name);
    if (!value)
      return failure();
    FailureOr<PalettizeEntry> settings =
        readEntry(value, key.str() + "." + *name);
    if (failed(settings))
      return failure();
    entries[*name] = *settings;
  }
  return success();
}

/// Moves global_config's bits_per_weight to the config, and checks that
/// every nbits: auto entry has a criterion (its own min_snr, or the budget)
/// and that a budget has an entry to spend it on.
LogicalResult ConfigReader::checkBudget(PalettizeConfig &config) {
  if (config.global) {
    config.bitsPerWeight = config.global->bitsPerWeight;
    config.global->bitsPerWeight = 0;
  }
  auto needsBudget = [](const PalettizeEntry &entry) {
    return entry && entry->autoBits && entry->minSnrDb == 0;
  };
  bool anyAuto = config.global && config.global->autoBits;
  std::string withoutCriterion;
  if (needsBudget(config.global))
    withoutCriterion = "global_config";
  for (auto *entries : {&config.opTypes, &config.opNames}) {
    // Sorted, so that the message names the same entry every time.
    std::vector<std::string> keys;
    for (const auto &entry : *entries)
      keys.push_back(entry.getKey().str());
    llvm::sort(keys);
    for (const std::string &key : keys) {
      const PalettizeEntry &entry = entries->lookup(key);
      anyAuto |= entry && entry->autoBits;
      if (needsBudget(entry) && withoutCriterion.empty())
        withoutCriterion = (entries == &config.opTypes ? "op_type_configs."
                                                       : "op_name_configs.") +
                           key;
    }
  }
  if (config.bitsPerWeight > 0 && !anyAuto) {
    error(entryNodes.lookup("global_config"))
        << "bits_per_weight is given but no entry has nbits: auto to spend "
           "it on";
    return failure();
  }
  if (!withoutCriterion.empty() && config.bitsPerWeight == 0) {
    error(entryNodes.lookup(withoutCriterion))
        << "'" << withoutCriterion
        << "' has nbits: auto without min_snr, and global_config "
           "gives no bits_per_weight budget; give one of them";
    return failure();
  }
  return success();
}

FailureOr<PalettizeConfig> ConfigReader::read() {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << "palettize-weights config: cannot read '" << path
        << "': " << buffer.getError().message();
    return failure();
  }
  // Syntax errors come through the source manager.
  sourceMgr.setDiagHandler(
      [](const llvm::SMDiagnostic &diagnostic, void *reader) {
        auto *self = static_cast<ConfigReader *>(reader);
        self->syntaxError = true;
        emitError(self->getLoc(diagnostic.getLoc()))
            << "palettize-weights config: " << diagnostic.getMessage();
      },
      this);
  text = (*buffer)->getBuffer();
  if (std::optional<std::pair<size_t, std::string>> problem =
          findExcessiveNesting(text)) {
    StringRef before = text.take_front(problem->first);
    const unsigned line = 1 + before.count('\n');
    const unsigned column = 1 + problem->first - (before.rfind('\n') + 1);
    emitError(FileLineColLoc::get(context, path, line, column))
        << "palettize-weights config: " << problem->second
        << "; a configuration needs 3";
    return failure();
  }
  // YAML nodes are parsed lazily, in one pass: a syntax error would
  // surface halfway through reading. Parse the whole file once first.
  {
    llvm::yaml::Stream syntaxCheck((*buffer)->getMemBufferRef(), sourceMgr,
                                   /*ShowColors=*/false);
    syntaxCheck.skip();
    if (syntaxError || syntaxCheck.failed()) {
      if (!syntaxError)
        emitError(FileLineColLoc::get(context, path, 0, 0))
            << "palettize-weights config: '" << path
            << "' is not valid JSON or YAML";
      return failure();
    }
  }
  llvm::yaml::Stream stream((*buffer)->getMemBufferRef(), sourceMgr,
                            /*ShowColors=*/false);
  llvm::yaml::document_iterator document = stream.begin();
  if (document == stream.end() || syntaxError)
    return failure();
  llvm::yaml::Node *root = document->getRoot();
  if (syntaxError || failed(rejectAlias(root)))
    return failure();
  auto *map = dyn_cast_or_null<llvm::yaml::MappingNode>(root);
  if (!map) {
    emitError(root ? getLoc(root) : FileLineColLoc::get(context, path, 0, 0))
        << "palettize-weights config: the file must hold a map with "
           "global_config, op_type_configs and op_name_configs";
    return failure();
  }

  PalettizeConfig config;
  llvm::StringSet<> seen;
  for (llvm::yaml::KeyValueNode &entry : *map) {
    FailureOr<std::string> key = readKey(entry);
    if (failed(key) || syntaxError)
      return failure();
    if (!seen.insert(*key).second) {
      error(entry.getKey()) << "duplicate key '" << *key << "'";
      return failure();
    }
    llvm::yaml::Node *value = readValue(entry, *key);
    if (!value)
      return failure();
    if (*key == "config_type") {
      FailureOr<SettingValue> type = readScalar(value, *key);
      if (failed(type))
        return failure();
      if (type->kind != SettingValue::Kind::String ||
          type->string != "OpPalettizerConfig") {
        error(value) << "'config_type' must be \"OpPalettizerConfig\"; this "
                        "pass only palettizes";
        return failure();
      }
    } else if (*key == "global_config") {
      FailureOr<PalettizeEntry> global = readEntry(value, *key);
      if (failed(global))
        return failure();
      config.global = *global;
    } else if (*key == "op_type_configs") {
      if (failed(readEntryMap(value, *key, config.opTypes)))
        return failure();
    } else if (*key == "op_name_configs") {
      if (failed(readEntryMap(value, *key, config.opNames)))
        return failure();
    } else {
      error(entry.getKey()) << "unknown key '" << *key
                            << "'; expected one of: config_type, "
                               "global_config, op_type_configs, "
                               "op_name_configs";
      return failure();
    }
  }
  if (syntaxError)
    return failure();
  if (failed(checkBudget(config)))
    return failure();
  if (++document != stream.end()) {
    emitError(getLoc(document->getRoot()))
        << "palettize-weights config: the file must hold one document; "
           "this is a second";
    return failure();
  }
  return config;
}

FailureOr<PalettizeConfig> palettize::loadPalettizeConfig(MLIRContext *context,
                                                          StringRef path) {
  return ConfigReader(context, path).read();
}
