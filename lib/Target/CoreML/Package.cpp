//===- Package.cpp - .mlpackage directory and manifest --------------------===//

#include "Package.h"

#include "llvm/ADT/STLExtras.h"
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

/// Appends `itemPath`, a manifest path, to `path`; false if it has a `..`,
/// `.` or root component, which could leave the package.
static bool appendItemPath(SmallVectorImpl<char> &path, StringRef itemPath) {
  for (auto it = sys::path::begin(itemPath, sys::path::Style::posix),
            end = sys::path::end(itemPath);
       it != end; ++it) {
    if (*it == ".." || *it == "." || *it == "/")
      return false;
    sys::path::append(path, *it);
  }
  return true;
}

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
  if (!appendItemPath(modelPath, *itemPath))
    return manifestError(manifestPath, "the root model's 'path' " + *itemPath +
                                           " leaves the package's Data");
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
  // The other items are copied on export, so they must be there now: a
  // package is never written without them.
  for (const auto &[key, value] : *items) {
    if (StringRef(key) == *rootId || StringRef(key) == result.weightsIdentifier)
      continue;
    const json::Object *item = value.getAsObject();
    std::optional<StringRef> path =
        item ? item->getString("path") : std::nullopt;
    if (!path || path->empty())
      return manifestError(manifestPath,
                           "item '" + key.str() + "' has no 'path'");
    SmallString<256> itemOnDisk(packagePath);
    sys::path::append(itemOnDisk, "Data");
    if (!appendItemPath(itemOnDisk, *path))
      return manifestError(manifestPath, "item '" + key.str() + "': 'path' " +
                                             *path +
                                             " leaves the package's Data");
    if (!sys::fs::exists(itemOnDisk))
      return manifestError(manifestPath, "item '" + key.str() + "': " +
                                             itemOnDisk + " does not exist");
    auto text = [&](StringRef field) {
      return item->getString(field).value_or("").str();
    };
    result.otherItems.push_back({key.str(), text("author"), text("description"),
                                 text("name"), path->str()});
  }
  llvm::sort(result.otherItems, [](const PackageItem &a, const PackageItem &b) {
    return a.identifier < b.identifier;
  });
  return result;
}

static void writeItem(json::OStream &os, const PackageItem &item) {
  os.attributeObject(item.identifier, [&] {
    os.attribute("author", item.author);
    os.attribute("description", item.description);
    os.attribute("name", item.name);
    os.attribute("path", item.path);
  });
}

std::string
palettize::coreml::formatManifest(StringRef author, StringRef modelIdentifier,
                                  StringRef weightsIdentifier,
                                  ArrayRef<PackageItem> otherItems) {
  auto inAuthorDir = [&](StringRef identifier, StringRef description,
                         StringRef name) {
    return PackageItem{identifier.str(), author.str(), description.str(),
                       name.str(), (author + "/" + name).str()};
  };
  std::vector<PackageItem> items(otherItems.begin(), otherItems.end());
  items.push_back(inAuthorDir(modelIdentifier, "CoreML Model Specification",
                              "model.mlmodel"));
  if (!weightsIdentifier.empty())
    items.push_back(
        inAuthorDir(weightsIdentifier, "CoreML Model Weights", "weights"));
  // Keys in sorted order, as Core ML's tools write them.
  llvm::sort(items, [](const PackageItem &a, const PackageItem &b) {
    return a.identifier < b.identifier;
  });
  std::string text;
  raw_string_ostream out(text);
  json::OStream os(out, /*IndentSize=*/4);
  os.object([&] {
    os.attribute("fileFormatVersion", "1.0.0");
    os.attributeObject("itemInfoEntries", [&] {
      for (const PackageItem &item : items)
        writeItem(os, item);
    });
    os.attribute("rootModelIdentifier", modelIdentifier);
  });
  return text;
}

Error palettize::coreml::copyPackageItem(StringRef source,
                                         StringRef destination,
                                         StringRef itemPath) {
  SmallString<256> from(source), to(destination);
  sys::path::append(from, "Data");
  sys::path::append(to, "Data");
  if (!appendItemPath(from, itemPath) || !appendItemPath(to, itemPath))
    return createStringError(
        inconvertibleErrorCode(),
        formatv("item path {0} leaves the package's Data", itemPath));
  auto copyFile = [](StringRef from, StringRef to) -> Error {
    if (std::error_code ec =
            sys::fs::create_directories(sys::path::parent_path(to)))
      return createStringError(ec, formatv("{0}: cannot create: {1}",
                                           sys::path::parent_path(to),
                                           ec.message()));
    if (std::error_code ec = sys::fs::copy_file(from, to))
      return createStringError(
          ec, formatv("cannot copy {0} to {1}: {2}", from, to, ec.message()));
    return Error::success();
  };
  if (!sys::fs::is_directory(from))
    return copyFile(from, to);
  std::error_code ec;
  for (sys::fs::recursive_directory_iterator it(from, ec), end;
       it != end && !ec; it.increment(ec)) {
    SmallString<256> target(to);
    sys::path::append(target, StringRef(it->path()).drop_front(from.size()));
    if (sys::fs::is_directory(it->path())) {
      if (std::error_code dirError = sys::fs::create_directories(target))
        return createStringError(dirError, formatv("{0}: cannot create: {1}",
                                                   target, dirError.message()));
      continue;
    }
    if (Error error = copyFile(it->path(), target))
      return error;
  }
  if (ec)
    return createStringError(
        ec, formatv("cannot read {0}: {1}", from, ec.message()));
  // An empty directory is an item too.
  if (std::error_code dirError = sys::fs::create_directories(to))
    return createStringError(
        dirError, formatv("{0}: cannot create: {1}", to, dirError.message()));
  return Error::success();
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
