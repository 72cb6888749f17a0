//===- Package.h - .mlpackage directory and manifest ------------*- C++ -*-===//
//
// The directory layout of an `.mlpackage` and its `Manifest.json`: finding
// the root model, writing a fresh manifest, and replacing a package only
// once its replacement is complete.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_LIB_TARGET_COREML_PACKAGE_H
#define PALETTIZE_LIB_TARGET_COREML_PACKAGE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace palettize::coreml {

/// An entry of a manifest's `itemInfoEntries`.
struct PackageItem {
  std::string identifier;
  std::string author;
  std::string description;
  std::string name;
  /// Its place under the package's `Data` directory.
  std::string path;
};

/// What the manifest of a package says about its root model.
struct PackageRoot {
  /// The root model's path, inside the package.
  std::string modelPath;
  /// Its item identifier, and that of the weights directory beside it, if
  /// the manifest has one.
  std::string modelIdentifier;
  std::string weightsIdentifier;
  /// Every other item (a vendor's files, say), in identifier order; each
  /// exists under Data.
  std::vector<PackageItem> otherItems;
};

/// Reads `<packagePath>/Manifest.json` and finds the root model by
/// `rootModelIdentifier`.
llvm::Expected<PackageRoot> readPackageRoot(llvm::StringRef packagePath);

/// The text of a manifest listing a model and, if `weightsIdentifier` is not
/// empty, a weights directory, both under the `author` directory, and
/// `otherItems`; keys sorted and indented by four spaces, as Core ML's tools
/// write them.
std::string formatManifest(llvm::StringRef author,
                           llvm::StringRef modelIdentifier,
                           llvm::StringRef weightsIdentifier,
                           llvm::ArrayRef<PackageItem> otherItems = {});

/// Copies the file or directory `itemPath` under the `Data` directory of
/// package `source` to the same place in package `destination`.
llvm::Error copyPackageItem(llvm::StringRef source, llvm::StringRef destination,
                            llvm::StringRef itemPath);

/// A version-4 style identifier made from a hash of `seed`, so that the same
/// package is written with the same identifiers.
std::string makeIdentifier(llvm::StringRef seed);

/// Moves the complete package `staging` to `destination`, replacing what is
/// there only after the move can no longer fail halfway.
llvm::Error replacePackage(llvm::StringRef staging,
                           llvm::StringRef destination);

/// Resolves a blob file name of the model at `modelPath`
/// (`@model_path/weights/weight.bin`) to a path, rejecting names outside the
/// model's directory.
llvm::Expected<std::string> resolveBlobFileName(llvm::StringRef modelPath,
                                                llvm::StringRef fileName);

} // namespace palettize::coreml

#endif // PALETTIZE_LIB_TARGET_COREML_PACKAGE_H
