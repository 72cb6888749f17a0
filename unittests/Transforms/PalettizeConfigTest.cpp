//===- PalettizeConfigTest.cpp - The configuration file reader ------------===//
//
// Every key read into its field, coremltools' defaults, null entries, JSON
// and YAML alike, every value boundary, and errors at their line and column.
//
//===----------------------------------------------------------------------===//

#include "palettize/Dialect/MIL/Transforms/PalettizeConfig.h"
#include "palettize/Dialect/MIL/Transforms/LutFunctions.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <string>

using namespace mlir;
using namespace palettize;

namespace {

class PalettizeConfigTest : public ::testing::Test {
protected:
  ~PalettizeConfigTest() override {
    for (const std::string &path : files)
      llvm::sys::fs::remove(path);
  }

  /// Writes `text` to a new file with the given extension; returns its path.
  std::string write(llvm::StringRef text, llvm::StringRef extension) {
    llvm::SmallString<128> path;
    int fd;
    EXPECT_FALSE(llvm::sys::fs::createTemporaryFile("palettize-config",
                                                    extension, fd, path));
    {
      llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
      os << text;
    }
    files.push_back(path.str().str());
    return files.back();
  }

  /// Loads `text`; on failure, `message` holds the first diagnostic with its
  /// location ("file:line:col: message").
  FailureOr<PalettizeConfig> load(llvm::StringRef text,
                                  llvm::StringRef extension = "yaml") {
    std::string path = write(text, extension);
    message.clear();
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
      if (!message.empty())
        return success();
      llvm::raw_string_ostream os(message);
      if (auto fileLoc = dyn_cast<FileLineColLoc>(diagnostic.getLocation()))
        os << llvm::sys::path::filename(fileLoc.getFilename().getValue()).str()
           << ":" << fileLoc.getLine() << ":" << fileLoc.getColumn() << ": ";
      os << diagnostic.str();
      return success();
    });
    return loadPalettizeConfig(&context, path);
  }

  /// The line:col part of the first diagnostic, after the file name.
  std::string position() const {
    size_t colon = message.find(':');
    size_t end = message.find(": ", colon);
    return colon == std::string::npos
               ? ""
               : message.substr(colon + 1, end - colon - 1);
  }

  MLIRContext context;
  std::vector<std::string> files;
  std::string message;
};

// An entry with only mode and nbits takes coremltools' defaults.
TEST_F(PalettizeConfigTest, EntriesTakeCoremltoolsDefaults) {
  FailureOr<PalettizeConfig> config =
      load("global_config: {mode: kmeans, nbits: 4}\n");
  ASSERT_TRUE(succeeded(config)) << message;
  ASSERT_TRUE(config->global.has_value());
  const PalettizeSettings &s = *config->global;
  EXPECT_EQ(s.mode, LutMode::KMeans);
  EXPECT_EQ(s.nbits, 4);
  EXPECT_EQ(s.weightThreshold, 2048);
  EXPECT_FALSE(s.perGroupedChannel);
  EXPECT_EQ(s.groupSize, 32);
  EXPECT_EQ(s.channelAxis, -1);
  EXPECT_EQ(s.clusterDim, 1);
  EXPECT_FALSE(s.perChannelScale);
  EXPECT_EQ(s.lutStorage, LutStorageType::Float);
  EXPECT_TRUE(config->opTypes.empty());
  EXPECT_TRUE(config->opNames.empty());
}

// Every key lands in its own field.
TEST_F(PalettizeConfigTest, EveryKeyIsRead) {
  FailureOr<PalettizeConfig> config =
      load("op_name_configs:\n"
           "  w:\n"
           "    mode: Unique\n"
           "    granularity: per_grouped_channel\n"
           "    group_size: 8\n"
           "    channel_axis: 1\n"
           "    cluster_dim: 2\n"
           "    enable_per_channel_scale: true\n"
           "    lut_dtype: uint8\n"
           "    weight_threshold: 7\n"
           "    num_kmeans_workers: 3\n");
  ASSERT_TRUE(succeeded(config)) << message;
  EXPECT_FALSE(config->global.has_value()) << "an absent global is null";
  ASSERT_EQ(config->opNames.count("w"), 1u);
  const PalettizeEntry &entry = config->opNames.find("w")->second;
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->mode, LutMode::Unique);
  EXPECT_EQ(entry->nbits, 0);
  EXPECT_TRUE(entry->perGroupedChannel);
  EXPECT_EQ(entry->groupSize, 8);
  EXPECT_EQ(entry->channelAxis, 1);
  EXPECT_EQ(entry->clusterDim, 2);
  EXPECT_TRUE(entry->perChannelScale);
  EXPECT_EQ(entry->lutStorage, LutStorageType::UInt8);
  EXPECT_EQ(entry->weightThreshold, 7);
}

// null at every level: an entry, weight_threshold (no threshold),
// channel_axis (inferred), nbits for unique.
TEST_F(PalettizeConfigTest, NullValues) {
  FailureOr<PalettizeConfig> config =
      load("global_config: {mode: unique, nbits: null, weight_threshold: null,"
           " channel_axis: null}\n"
           "op_type_configs: {linalg.matmul: null}\n"
           "op_name_configs: {lm_head: null}\n");
  ASSERT_TRUE(succeeded(config)) << message;
  ASSERT_TRUE(config->global.has_value());
  EXPECT_EQ(config->global->weightThreshold, 0);
  EXPECT_EQ(config->global->channelAxis, -1);
  ASSERT_EQ(config->opTypes.count("linalg.matmul"), 1u);
  EXPECT_FALSE(config->opTypes.find("linalg.matmul")->second.has_value());
  ASSERT_EQ(config->opNames.count("lm_head"), 1u);
  EXPECT_FALSE(config->opNames.find("lm_head")->second.has_value());
}

// The same configuration in JSON and YAML reads the same.
TEST_F(PalettizeConfigTest, JsonAndYamlAgree) {
  FailureOr<PalettizeConfig> json = load(
      R"({"config_type": "OpPalettizerConfig",
          "global_config": {"mode": "uniform", "nbits": 8},
          "op_type_configs": {"linalg.matmul": {"mode": "kmeans", "nbits": 2,
                              "granularity": "per_grouped_channel",
                              "group_size": 0}}})",
      "json");
  ASSERT_TRUE(succeeded(json)) << message;
  FailureOr<PalettizeConfig> yaml =
      load("config_type: OpPalettizerConfig\n"
           "global_config:\n  mode: uniform\n  nbits: 8\n"
           "op_type_configs:\n"
           "  linalg.matmul: {mode: kmeans, nbits: 2,"
           " granularity: per_grouped_channel, group_size: 0}\n");
  ASSERT_TRUE(succeeded(yaml)) << message;
  ASSERT_TRUE(json->global && yaml->global);
  EXPECT_TRUE(*json->global == *yaml->global);
  EXPECT_EQ(json->global->mode, LutMode::Uniform);
  const PalettizeEntry &a = json->opTypes.find("linalg.matmul")->second;
  const PalettizeEntry &b = yaml->opTypes.find("linalg.matmul")->second;
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(*a == *b);
  EXPECT_TRUE(a->perGroupedChannel);
  EXPECT_EQ(a->groupSize, 0);
}

// Names are read as coremltools spells them and in the pass options'
// spelling, in any case.
TEST_F(PalettizeConfigTest, SpellingsOfNames) {
  for (const char *granularity :
       {"per_grouped_channel", "per-grouped-channel", "PER_GROUPED_CHANNEL"}) {
    FailureOr<PalettizeConfig> config =
        load(std::string("global_config: {mode: KMEANS, nbits: 2, "
                         "granularity: ") +
             granularity + "}\n");
    ASSERT_TRUE(succeeded(config)) << granularity << ": " << message;
    EXPECT_TRUE(config->global->perGroupedChannel) << granularity;
    EXPECT_EQ(config->global->mode, LutMode::KMeans);
  }
  FailureOr<PalettizeConfig> config = load(
      "global_config: {mode: uniform, nbits: 2, granularity: Per_Tensor}\n");
  ASSERT_TRUE(succeeded(config)) << message;
  EXPECT_FALSE(config->global->perGroupedChannel);
  for (const char *dtype : {"INT8", "Uint8", "fp16", "FP32", "float"}) {
    FailureOr<PalettizeConfig> config =
        load(std::string("global_config: {mode: kmeans, nbits: 2, "
                         "lut_dtype: ") +
             dtype + "}\n");
    ASSERT_TRUE(succeeded(config)) << dtype << ": " << message;
    const LutStorageType expected =
        StringRef(dtype).equals_insensitive("int8")    ? LutStorageType::Int8
        : StringRef(dtype).equals_insensitive("uint8") ? LutStorageType::UInt8
                                                       : LutStorageType::Float;
    EXPECT_EQ(config->global->lutStorage, expected) << dtype;
  }
}

// mode: custom with lut_function names a registered C++ function; nbits is
// then not allowed, and an unregistered name is an error at the entry.
TEST_F(PalettizeConfigTest, CustomModeNamesARegisteredFunction) {
  registerLutFunction("config-test-zero", [](llvm::ArrayRef<float> values) {
    return CustomLut{{0.0f, 1.0f}, std::vector<uint32_t>(values.size(), 0)};
  });
  FailureOr<PalettizeConfig> config = load(
      "op_name_configs: {w: {mode: custom, lut_function: config-test-zero}}\n");
  ASSERT_TRUE(succeeded(config)) << message;
  const PalettizeEntry &entry = config->opNames.find("w")->second;
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->mode, LutMode::Custom);
  EXPECT_EQ(entry->lutFunction, "config-test-zero");
  EXPECT_TRUE(failed(load("global_config: {mode: custom, lut_function: "
                          "config-test-zero, nbits: 4}\n")));
  EXPECT_NE(message.find("nbits is not allowed with mode=custom"),
            std::string::npos)
      << message;
  EXPECT_TRUE(failed(
      load("global_config: {mode: custom, lut_function: unregistered}\n")));
  // At the entry's first key, column 17 (as for every entry-level rule).
  EXPECT_EQ(position(), "1:17") << message;
  EXPECT_NE(message.find("unknown lut-function 'unregistered'"),
            std::string::npos)
      << message;
}

// Each integer key at its least allowed value and one below.
TEST_F(PalettizeConfigTest, IntegerBoundaries) {
  struct Case {
    const char *key;
    int64_t least;
  } cases[] = {{"group_size", 0},
               {"channel_axis", 0},
               {"cluster_dim", 1},
               {"weight_threshold", 0},
               {"num_kmeans_workers", 1}};
  for (const Case &c : cases) {
    for (int64_t value : {c.least, c.least - 1}) {
      std::string text = "global_config: {mode: unique, " + std::string(c.key) +
                         ": " + std::to_string(value) + "}\n";
      FailureOr<PalettizeConfig> config = load(text);
      EXPECT_EQ(succeeded(config), value >= c.least)
          << c.key << "=" << value << ": " << message;
      if (failed(config)) {
        EXPECT_NE(message.find(c.key), std::string::npos) << message;
      }
    }
  }
  // nbits: every supported width, and the unsupported ones around them.
  for (int64_t nbits = -1; nbits <= 9; ++nbits) {
    const bool supported = nbits == 1 || nbits == 2 || nbits == 3 ||
                           nbits == 4 || nbits == 6 || nbits == 8;
    FailureOr<PalettizeConfig> config =
        load("global_config: {mode: kmeans, nbits: " + std::to_string(nbits) +
             "}\n");
    EXPECT_EQ(succeeded(config), supported) << nbits << ": " << message;
    if (supported) {
      EXPECT_EQ(config->global->nbits, nbits);
    }
  }
}

// Problems are reported where they are, with the key.
TEST_F(PalettizeConfigTest, ErrorsPointAtTheProblem) {
  EXPECT_TRUE(failed(load("global_config:\n  mode: kmeans\n  bits: 4\n")));
  EXPECT_EQ(position(), "3:3") << message;
  EXPECT_NE(message.find("unknown key 'bits'"), std::string::npos) << message;

  EXPECT_TRUE(failed(load("global_config:\n  mode: kmeans\n  nbits: 4\n"
                          "  granularity: per_row\n")));
  EXPECT_EQ(position(), "4:16") << message;

  EXPECT_TRUE(failed(load("global_config: {mode: kmeans}\n")));
  EXPECT_NE(message.find("requires nbits"), std::string::npos) << message;

  EXPECT_TRUE(failed(load("global_config: {mode: unique, nbits: 4}\n")));
  EXPECT_NE(message.find("not allowed"), std::string::npos) << message;

  EXPECT_TRUE(
      failed(load("global_config: {mode: kmeans, nbits: 4, mode: unique}\n")));
  EXPECT_NE(message.find("duplicate key 'mode'"), std::string::npos) << message;

  EXPECT_TRUE(failed(load("op_type_configs: {'': {mode: unique}}\n")));
  EXPECT_NE(message.find("an empty op type"), std::string::npos) << message;
  // Core ML op types have no dot.
  EXPECT_TRUE(succeeded(load("op_type_configs: {conv: {mode: unique}}\n")))
      << message;
}

// validate(): the rules the options and every entry share.
TEST(PalettizeSettings, Validate) {
  PalettizeSettings s;
  EXPECT_TRUE(validate(s).has_value()) << "kmeans needs nbits";
  s.nbits = 4;
  EXPECT_FALSE(validate(s).has_value());
  s.clusterDim = 0;
  EXPECT_TRUE(validate(s).has_value());
  s.clusterDim = 4;
  s.perGroupedChannel = true;
  s.groupSize = 6; // not a multiple of cluster-dim
  EXPECT_TRUE(validate(s).has_value());
  s.groupSize = 8;
  EXPECT_FALSE(validate(s).has_value());
  s.mode = LutMode::Uniform;
  EXPECT_TRUE(validate(s).has_value()) << "uniform has no vector form";
  s.clusterDim = 1;
  EXPECT_FALSE(validate(s).has_value());
  s.weightThreshold = -1;
  EXPECT_TRUE(validate(s).has_value());
  EXPECT_EQ(parseModeName("KMeans"), LutMode::KMeans);
  EXPECT_EQ(parseModeName("UNIQUE"), LutMode::Unique);
  EXPECT_EQ(parseModeName("Custom"), LutMode::Custom);
  EXPECT_FALSE(parseModeName("kmean").has_value());
}

// The parsers both the options and the files use: case-insensitive, '-'
// and '_' alike; anything else is unknown.
TEST(PalettizeSettings, NameParsers) {
  EXPECT_EQ(parseModeName("Uniform"), LutMode::Uniform);
  EXPECT_EQ(parseGranularity("per-grouped-channel"),
            Granularity::PerGroupedChannel);
  EXPECT_EQ(parseGranularity("PER_TENSOR"), Granularity::PerTensor);
  EXPECT_FALSE(parseGranularity("per_row").has_value());
  EXPECT_FALSE(parseGranularity("pertensor").has_value());
  EXPECT_EQ(parseLutStorage("FP16"), LutStorageType::Float);
  EXPECT_EQ(parseLutStorage("fp32"), LutStorageType::Float);
  EXPECT_EQ(parseLutStorage("float"), LutStorageType::Float);
  EXPECT_EQ(parseLutStorage("Int8"), LutStorageType::Int8);
  EXPECT_EQ(parseLutStorage("uint8"), LutStorageType::UInt8);
  EXPECT_FALSE(parseLutStorage("int4").has_value());
  EXPECT_EQ(parseProgressMode("ON"), ProgressMode::On);
  EXPECT_EQ(parseProgressMode("off"), ProgressMode::Off);
  EXPECT_EQ(parseProgressMode("Auto"), ProgressMode::Auto);
  EXPECT_FALSE(parseProgressMode("sometimes").has_value());
}

//===----------------------------------------------------------------------===//
// Hostile files: nesting and aliases
//===----------------------------------------------------------------------===//

// 100,000 nested lists would overflow the stack in the YAML parser, which
// recurses per level: the reader stops at the 33rd bracket (the 32nd
// list), where it is.
TEST_F(PalettizeConfigTest, DeepNestingIsAnErrorAtItsBracket) {
  const std::string deep = "{\"global_config\": " + std::string(100000, '[') +
                           std::string(100000, ']') + "}";
  EXPECT_TRUE(failed(load(deep, "json")));
  EXPECT_EQ(position(), "1:50") << message.substr(0, 200);
  EXPECT_NE(message.find("nest more than 32 levels"), std::string::npos)
      << message.substr(0, 200);
}

// Brackets inside quoted strings and comments are not nesting; 32 levels
// are allowed (the value is then rejected for what it is).
TEST_F(PalettizeConfigTest, NestingCountsOnlyStructure) {
  EXPECT_TRUE(failed(load("global_config: # " + std::string(64, '[') +
                          "\n  mode: \"" + std::string(64, '{') + "\"\n")));
  EXPECT_NE(message.find("'mode' in 'global_config' must be one of"),
            std::string::npos)
      << message.substr(0, 200);
  EXPECT_TRUE(failed(load("global_config: " + std::string(31, '[') +
                          std::string(31, ']') + "\n")));
  EXPECT_NE(message.find("must be a map of settings"), std::string::npos)
      << message.substr(0, 200);
}

TEST_F(PalettizeConfigTest, DeepIndentationIsAnError) {
  EXPECT_TRUE(
      failed(load("global_config:\n" + std::string(300, ' ') + "mode: x\n")));
  EXPECT_EQ(position(), "2:257") << message.substr(0, 200);
  EXPECT_NE(message.find("indented more than 256 columns"), std::string::npos)
      << message.substr(0, 200);
}

// Found by the config fuzzer: a file that ends in '%' (a directive
// indicator) leaves the parser without a node for the last key's value;
// reading it crashed. It is an error at the key.
TEST_F(PalettizeConfigTest, ValueTheParserCouldNotReadIsAnError) {
  EXPECT_TRUE(failed(load("global_config: {mode: kmeans, nbits: 6}\n"
                          "op_type_configs:\n"
                          "  # a comment\n"
                          "%")));
  EXPECT_EQ(position(), "2:1") << message;
  EXPECT_NE(message.find("'op_type_configs' has no value"), std::string::npos)
      << message;
}

// Found by the config fuzzer (minimized): the parser starts a second
// document it gives no root; the error pointed at that root's position and
// crashed. It is an error for the file.
TEST_F(PalettizeConfigTest, SecondDocumentWithoutRootIsAnError) {
  EXPECT_TRUE(failed(load("op_type_configs:\n .:\nn\n%")));
  EXPECT_NE(message.find("the file must hold one document"), std::string::npos)
      << message;
}

// LLVM's YAML parser does not resolve aliases: they are rejected where they
// are used, saying so.
TEST_F(PalettizeConfigTest, AliasesAreRejectedWhereUsed) {
  EXPECT_TRUE(failed(load("op_name_configs:\n"
                          "  first: &s {mode: kmeans, nbits: 4}\n"
                          "  second: *s\n")));
  EXPECT_EQ(position(), "3:11") << message;
  EXPECT_NE(message.find("YAML aliases ('*s') are not supported"),
            std::string::npos)
      << message;
  EXPECT_TRUE(
      failed(load("global_config: {mode: kmeans, nbits: &n 4, group_size: "
                  "*n}\n")));
  EXPECT_EQ(position(), "1:56") << message;
}

//===----------------------------------------------------------------------===//
// The settings table: options and file keys
//===----------------------------------------------------------------------===//

// The file keys are coremltools' OpPalettizerConfig fields, in its order,
// then settings it does not have: nbits: auto's criteria and the sparse form.
TEST(SettingsTable, FileKeysAreCoremltoolsFields) {
  EXPECT_EQ(getSettingKeys(),
            "mode, nbits, granularity, group_size, channel_axis, cluster_dim, "
            "enable_per_channel_scale, lut_dtype, weight_threshold, "
            "num_kmeans_workers, lut_function, min_snr, sparse, "
            "sparse_threshold, bits_per_weight");
}

TEST(SettingsTable, OptionsLandInTheirFields) {
  PalettizeSettings s;
  EXPECT_FALSE(
      applySettingOption(s, "mode", SettingValue::ofString("Uniform")));
  EXPECT_FALSE(applySettingOption(s, "nbits", SettingValue::ofInteger(6)));
  EXPECT_FALSE(applySettingOption(
      s, "granularity", SettingValue::ofString("per_grouped_channel")));
  EXPECT_FALSE(applySettingOption(s, "group-size", SettingValue::ofInteger(8)));
  EXPECT_FALSE(
      applySettingOption(s, "channel-axis", SettingValue::ofInteger(1)));
  EXPECT_FALSE(
      applySettingOption(s, "cluster-dim", SettingValue::ofInteger(2)));
  EXPECT_FALSE(
      applySettingOption(s, "per-channel-scale", SettingValue::ofBool(true)));
  EXPECT_FALSE(
      applySettingOption(s, "lut-dtype", SettingValue::ofString("UINT8")));
  EXPECT_FALSE(
      applySettingOption(s, "weight-threshold", SettingValue::ofInteger(99)));
  EXPECT_FALSE(
      applySettingOption(s, "lut-function", SettingValue::ofString("f")));
  EXPECT_FALSE(applySettingOption(s, "sparse", SettingValue::ofString("AUTO")));
  EXPECT_FALSE(
      applySettingOption(s, "sparse-threshold", SettingValue::ofNumber(0.25)));
  EXPECT_EQ(s.mode, LutMode::Uniform);
  EXPECT_EQ(s.nbits, 6);
  EXPECT_TRUE(s.perGroupedChannel);
  EXPECT_EQ(s.groupSize, 8);
  EXPECT_EQ(s.channelAxis, 1);
  EXPECT_EQ(s.clusterDim, 2);
  EXPECT_TRUE(s.perChannelScale);
  EXPECT_EQ(s.lutStorage, LutStorageType::UInt8);
  EXPECT_EQ(s.weightThreshold, 99);
  EXPECT_EQ(s.lutFunction, "f");
  EXPECT_TRUE(s.sparse);
  EXPECT_EQ(s.sparseThreshold, 0.25);
}

TEST(SettingsTable, OptionErrorsSayWhy) {
  PalettizeSettings s;
  EXPECT_EQ(applySettingOption(s, "mode", SettingValue::ofString("foo")),
            "unknown mode 'foo'; expected one of: kmeans, uniform, unique, "
            "custom");
  EXPECT_EQ(applySettingOption(s, "nbitz", SettingValue::ofInteger(4)),
            "unknown option 'nbitz'");
  // A file-only key is no option.
  EXPECT_EQ(
      applySettingOption(s, "num_kmeans_workers", SettingValue::ofInteger(2)),
      "unknown option 'num_kmeans_workers'");
  EXPECT_EQ(
      applySettingOption(s, "nbits", SettingValue::ofString("four")),
      "option 'nbits' takes one of 1, 2, 3, 4, 6, 8, \"auto\" (or null), got "
      "\"four\"");
  EXPECT_EQ(s, PalettizeSettings()) << "a failed option changes nothing";
}

// The same values through the options and through a file's global_config
// give the same settings: both go through one table.
TEST_F(PalettizeConfigTest, OptionsAndFileAgree) {
  FailureOr<PalettizeConfig> config =
      load("global_config: {mode: kmeans, nbits: 4, granularity: "
           "per_grouped_channel, group_size: 16, channel_axis: 1, "
           "cluster_dim: 2, enable_per_channel_scale: true, lut_dtype: int8, "
           "weight_threshold: 10}\n");
  ASSERT_TRUE(succeeded(config)) << message;
  ASSERT_TRUE(config->global.has_value());
  PalettizeSettings fromOptions;
  const std::pair<const char *, SettingValue> given[] = {
      {"mode", SettingValue::ofString("kmeans")},
      {"nbits", SettingValue::ofInteger(4)},
      {"granularity", SettingValue::ofString("per-grouped-channel")},
      {"group-size", SettingValue::ofInteger(16)},
      {"channel-axis", SettingValue::ofInteger(1)},
      {"cluster-dim", SettingValue::ofInteger(2)},
      {"per-channel-scale", SettingValue::ofBool(true)},
      {"lut-dtype", SettingValue::ofString("int8")},
      {"weight-threshold", SettingValue::ofInteger(10)},
  };
  for (const auto &[option, value] : given)
    ASSERT_FALSE(applySettingOption(fromOptions, option, value)) << option;
  EXPECT_EQ(*config->global, fromOptions)
      << config->global->describe() << " vs " << fromOptions.describe();
}

TEST(SettingValue, Describe) {
  EXPECT_EQ(SettingValue().describe(), "null");
  EXPECT_EQ(SettingValue::ofBool(false).describe(), "false");
  EXPECT_EQ(SettingValue::ofInteger(-3).describe(), "-3");
  EXPECT_EQ(SettingValue::ofString("x").describe(), "\"x\"");
}

} // namespace

namespace {

//===----------------------------------------------------------------------===//
// nbits: auto, and entries written back
//===----------------------------------------------------------------------===//

// formatConfigEntry writes an entry that reads back as the same settings,
// whatever they are: what write-config relies on.
TEST_F(PalettizeConfigTest, WrittenEntriesReadBack) {
  std::vector<PalettizeSettings> cases(5);
  cases[0].nbits = 4;
  cases[1].mode = LutMode::Uniform;
  cases[1].nbits = 8;
  cases[1].perGroupedChannel = true;
  cases[1].groupSize = 16;
  cases[1].channelAxis = 1;
  cases[1].lutStorage = LutStorageType::UInt8;
  cases[2].mode = LutMode::Unique;
  cases[2].weightThreshold = 0;
  cases[2].clusterDim = 2;
  cases[3].nbits = 2;
  cases[3].perChannelScale = true;
  cases[3].lutStorage = LutStorageType::Int8;
  cases[4].nbits = 6;
  cases[4].perGroupedChannel = true;
  cases[4].groupSize = 0;
  cases[4].clusterDim = 4;
  for (const PalettizeSettings &settings : cases) {
    const std::string entry = formatConfigEntry(settings);
    FailureOr<PalettizeConfig> config =
        load("op_name_configs:\n  \"a: b\": " + entry + "\n");
    ASSERT_TRUE(succeeded(config)) << entry << ": " << message;
    ASSERT_TRUE(config->opNames.count("a: b"));
    EXPECT_TRUE(config->opNames["a: b"] == settings) << entry;
  }
}

// nbits: auto with a min_snr per entry; bits_per_weight moves from
// global_config to the config; numbers may be integers or decimals.
TEST_F(PalettizeConfigTest, AutoBitsAndCriteria) {
  FailureOr<PalettizeConfig> config =
      load("global_config: {nbits: auto, bits_per_weight: 3.25}\n"
           "op_name_configs:\n"
           "  w: {nbits: auto, min_snr: 30}\n"
           "  v: {nbits: auto, min_snr: 12.5e0}\n");
  ASSERT_TRUE(succeeded(config)) << message;
  EXPECT_TRUE(config->global->autoBits);
  EXPECT_EQ(config->global->nbits, 0);
  EXPECT_EQ(config->global->bitsPerWeight, 0);
  EXPECT_EQ(config->bitsPerWeight, 3.25);
  EXPECT_EQ(config->opNames["w"]->minSnrDb, 30);
  EXPECT_EQ(config->opNames["v"]->minSnrDb, 12.5);
  // A number where a number is wanted, and only there.
  EXPECT_TRUE(failed(load("global_config: {nbits: auto, min_snr: .inf}\n")));
  EXPECT_NE(message.find("'min_snr' in 'global_config' must be a number of "
                         "dB above 0, got \".inf\""),
            std::string::npos)
      << message;
  EXPECT_TRUE(failed(load("global_config: {nbits: 4.5}\n")));
  EXPECT_NE(message.find(
                "must be one of 1, 2, 3, 4, 6, 8, \"auto\" (or null), got 4.5"),
            std::string::npos)
      << message;
}

} // namespace
