//===- LutFunctions.h - Named LUT functions for mode=custom ------*- C++
//-*-===//
//
// coremltools' `mode="custom"` takes a Python `lut_function`; here an
// embedding tool registers C++ functions by name and selects one with
// `mode=custom lut-function=<name>` (`"lut_function": "<name>"` in a
// configuration file). palettize-weights checks what a function returns
// before it uses it.
//
//===----------------------------------------------------------------------===//

#ifndef PALETTIZE_DIALECT_MIL_TRANSFORMS_LUTFUNCTIONS_H
#define PALETTIZE_DIALECT_MIL_TRANSFORMS_LUTFUNCTIONS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace palettize {

/// What a LUT function returns for one tensor: a palette of 2, 4, 8, 16, 64
/// or 256 entries, each representable in the tensor's element type, and the
/// index of every element in it.
struct CustomLut {
  std::vector<float> lut;
  std::vector<uint32_t> indices;
};

/// A LUT function: the values of one tensor (as f32, row-major; divided by
/// their channel's scale with per-channel-scale) to its palette. Called from
/// worker threads, one call per tensor, so it must be thread-safe.
using LutFunction = std::function<CustomLut(llvm::ArrayRef<float> values)>;

/// Registers `function` under `name`, replacing one of the same name.
void registerLutFunction(llvm::StringRef name, LutFunction function);

/// Returns the function registered under `name`, if any.
std::optional<LutFunction> lookupLutFunction(llvm::StringRef name);

/// Returns the registered names, sorted.
std::vector<std::string> getLutFunctionNames();

} // namespace palettize

#endif // PALETTIZE_DIALECT_MIL_TRANSFORMS_LUTFUNCTIONS_H
