//===- Package.cpp - .mlpackage directory and manifest --------------------===//

#include "Package.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA1.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace palettize::coreml;

static Error manifestError(StringRef path, const Twine &message) {
  return createStringError(inconvertibleErrorCode(),
                           formatv("{0}: {1}", path, message.str()));
}

Expected<PackageRoot>
palettize::coreml::readPackageRoot(StringRef packagePath) {
  SmallString<256> manifestPath(packagePath);
  sys::path::append(manifestPath, "Manifest.json");
  if (!sys::fs::is_directory(packagePath))
    return createStringError(
        inconvertibleErrorCode(),
        formatv("{0}: not a package directory", packagePath));
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(manifestPath, /*IsText=*/true);
  if (!buffer)
    return manifestError(manifestPath, "cannot read the manifest: " +
                                           buffer.getError().message());
  Expected<json::Value> parsed = json::parse((*buffer)->getBuffer());
  if (!parsed)
    return manifestError(manifestPath,
                         "not valid JSON: " + toString(parsed.takeError()));
  const json::Object *root = parsed->getAsObject();
  if (!root)
    return manifestError(manifestPath, "the manifest is not a JSON object");
  if (std::optional<StringRef> version = root->getString("fileFormatVersion")) {
    if (*version != "1.0.0")
      return manifestError(manifestPath, "'fileFormatVersion' is " + *version +
                                             ", only 1.0.0 is supported");
  } else {
    return manifestError(manifestPath, "'fileFormatVersion' is missing");
  }
  std::optional<StringRef> rootId = root->getString("rootModelIdentifier");
  if (!rootId)
    return manifestError(manifestPath,
                         "'rootModelIdentifier' is missing or not a string");
  const json::Object *items = root->getObject("itemInfoEntries");
  if (!items)
    return manifestError(manifestPath,
                         "'itemInfoEntries' is missing or not an object");
  const json::Object *model = items->getObject(*rootId);
  if (!model)
    return manifestError(manifestPath, "'itemInfoEntries' has no entry for "
                                       "the root model '" +
                                           *rootId + "'");
  std::optional<StringRef> itemPath = model->getString("path");
  if (!itemPath || itemPath->empty())
    return manifestError(manifestPath, "the root model's entry has no 'path'");
  SmallString<256> modelPath(packagePath);
  sys::path::append(modelPath, "Data");
  for (auto it = sys::path::begin(*itemPath, sys::path::Style::posix),
            end = sys::path::end(*itemPath);
       it != end; ++it) {
    if (*it == ".." || *it == "." || *it == "/")
      return manifestError(manifestPath, "the root model's 'path' " +
                                             *itemPath +
                                             " leaves the package's Data");
    sys::path::append(modelPath, *it);
  }
  PackageRoot result;
  result.modelPath = modelPath.str().str();
  result.modelIdentifier = rootId->str();
  // The weights directory that sits beside the model, if listed.
  StringRef modelDir =
      sys::path::parent_path(*itemPath, sys::path::Style::posix);
  for (const auto &[key, value] : *items) {
    const json::Object *item = value.getAsObject();
    if (!item)
      continue;
    std::optional<StringRef> path = item->getString("path");
    if (path &&
        sys::path::parent_path(*path, sys::path::Style::posix) == modelDir &&
        sys::path::filename(*path, sys::path::Style::posix) == "weights")
      result.weightsIdentifier = key.str();
  }
  return result;
}

static void writeItem(json::OStream &os, StringRef identifier, StringRef author,
                      StringRef description, StringRef name) {
  os.attributeObject(identifier, [&] {
    os.attribute("author", author);
    os.attribute("description", description);
    os.attribute("name", name);
    os.attribute("path", (author + "/" + name).str());
  });
}

std::string palettize::coreml::formatManifest(StringRef author,
                                              StringRef modelIdentifier,
                                              StringRef weightsIdentifier) {
  std::string text;
  raw_string_ostream out(text);
  json::OStream os(out, /*IndentSize=*/4);
  os.object([&] {
    os.attribute("fileFormatVersion", "1.0.0");
    os.attributeObject("itemInfoEntries", [&] {
      // Keys in sorted order, as Core ML's tools write them.
      bool weightsFirst =
          !weightsIdentifier.empty() && weightsIdentifier < modelIdentifier;
      auto writeWeights = [&] {
        writeItem(os, weightsIdentifier, author, "CoreML Model Weights",
                  "weights");
      };
      if (weightsFirst)
        writeWeights();
      writeItem(os, modelIdentifier, author, "CoreML Model Specification",
                "model.mlmodel");
      if (!weightsIdentifier.empty() && !weightsFirst)
        writeWeights();
    });
    os.attribute("rootModelIdentifier", modelIdentifier);
  });
  return text;
}

std::string palettize::coreml::makeIdentifier(StringRef seed) {
  std::array<uint8_t, 20> hash = SHA1::hash(arrayRefFromStringRef(seed));
  // Version 4 and variant bits, so that it reads as any other identifier.
  hash[6] = (hash[6] & 0x0F) | 0x40;
  hash[8] = (hash[8] & 0x3F) | 0x80;
  std::string text;
  raw_string_ostream os(text);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      os << '-';
    os << format_hex_no_prefix(hash[i], 2, /*Upper=*/true);
  }
  return text;
}

Error palettize::coreml::replacePackage(StringRef staging,
                                        StringRef destination) {
  if (!sys::fs::exists(destination)) {
    if (std::error_code ec = sys::fs::rename(staging, destination))
      return createStringError(ec, formatv("cannot move {0} to {1}: {2}",
                                           staging, destination, ec.message()));
    return Error::success();
  }
  if (!sys::fs::is_directory(destination))
    return createStringError(
        inconvertibleErrorCode(),
        formatv("{0} exists and is not a package directory", destination));
  // rename() cannot replace a non-empty directory: move the old package
  // aside, move the new one in, then delete the old one.
  SmallString<256> old(destination);
  old += ".old";
  for (int attempt = 0; sys::fs::exists(old); ++attempt) {
    old = destination;
    old += formatv(".old{0}", attempt).str();
  }
  if (std::error_code ec = sys::fs::rename(destination, old))
    return createStringError(
        ec, formatv("cannot move {0} aside: {1}", destination, ec.message()));
  if (std::error_code ec = sys::fs::rename(staging, destination)) {
    (void)sys::fs::rename(old, destination);
    return createStringError(ec, formatv("cannot move {0} to {1}: {2}", staging,
                                         destination, ec.message()));
  }
  if (std::error_code ec = sys::fs::remove_directories(old))
    return createStringError(ec, formatv("the new package is in place, but "
                                         "the old one could not be removed "
                                         "from {0}: {1}",
                                         old, ec.message()));
  return Error::success();
}

Expected<std::string>
palettize::coreml::resolveBlobFileName(StringRef modelPath,
                                       StringRef fileName) {
  StringRef relative = fileName;
  if (!relative.consume_front("@model_path/"))
    return createStringError(
        inconvertibleErrorCode(),
        formatv("blob file name '{0}' does not start with @model_path/",
                fileName));
  SmallString<256> path = sys::path::parent_path(modelPath);
  for (auto it = sys::path::begin(relative, sys::path::Style::posix),
            end = sys::path::end(relative);
       it != end; ++it) {
    if (*it == ".." || *it == "." || *it == "/")
      return createStringError(
          inconvertibleErrorCode(),
          formatv("blob file name '{0}' leaves the model's directory",
                  fileName));
    sys::path::append(path, *it);
  }
  return path.str().str();
}
