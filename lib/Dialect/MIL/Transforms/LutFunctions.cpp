//===- LutFunctions.cpp - Named LUT functions for mode=custom -------------===//

#include "palettize/Dialect/MIL/Transforms/LutFunctions.h"

#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <mutex>

using namespace palettize;

namespace {
/// The registry: one per process (this library is shared, so the driver,
/// the plugin and an embedding tool see the same one).
struct Registry {
  std::mutex mutex;
  llvm::StringMap<LutFunction> functions;
};

Registry &getRegistry() {
  static Registry registry;
  return registry;
}
} // namespace

void palettize::registerLutFunction(llvm::StringRef name,
                                    LutFunction function) {
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  registry.functions[name] = std::move(function);
}

std::optional<LutFunction> palettize::lookupLutFunction(llvm::StringRef name) {
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  auto it = registry.functions.find(name);
  if (it == registry.functions.end())
    return std::nullopt;
  return it->second;
}

std::vector<std::string> palettize::getLutFunctionNames() {
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  std::vector<std::string> names;
  for (const auto &entry : registry.functions)
    names.push_back(entry.getKey().str());
  std::sort(names.begin(), names.end());
  return names;
}
